// Command memlauncher runs a command, its standard output to /dev/null,
// and prints its peak resident memory in KiB and its exit status:
//
//	peak-kib=N exit=N
//
// BenchmarkCheckMemory starts the wizard through it: a process made by
// vfork and exec starts its peak at its parent's, and the benchmark
// holds every zone it serves, so the wizard's own peak would be lost
// under it. This launcher is small, so the floor it adds is a few MiB.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: memlauncher COMMAND [ARG...]")
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stderr = os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		fmt.Fprintf(os.Stderr, "memlauncher: %v\n", err)
		os.Exit(2)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		fmt.Fprintln(os.Stderr, "memlauncher: no resource usage")
		os.Exit(2)
	}
	fmt.Printf("peak-kib=%d exit=%d\n", ru.Maxrss, cmd.ProcessState.ExitCode()) // Maxrss is in KiB on Linux
}
