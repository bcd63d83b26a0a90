//go:build !linux

package main

import "os/exec"

// endWithTests: only Linux can tie a child's life to its parent's;
// elsewhere TestMain stops the servers.
func endWithTests(*exec.Cmd) {}
