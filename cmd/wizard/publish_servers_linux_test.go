package main

import (
	"os/exec"
	"syscall"
)

// endWithTests makes the server end when the test binary does, even when
// it is killed before TestMain can stop it.
func endWithTests(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
