//go:build unix

package main

import "syscall"

// mkfifo makes a named pipe at path; ok is false where the system has none.
func mkfifo(path string) (ok bool, err error) { return true, syscall.Mkfifo(path, 0o600) }
