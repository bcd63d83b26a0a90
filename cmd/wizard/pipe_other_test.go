//go:build unix && !linux

package main

import (
	"errors"
	"os"
)

// pipeUnread is not known here; the test that needs it waits in vain.
func pipeUnread(*os.File) (int, error) { return 0, errors.New("FIONREAD on a pipe is Linux only here") }
