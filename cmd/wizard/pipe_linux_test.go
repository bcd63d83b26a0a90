package main

import (
	"os"
	"syscall"
	"unsafe"
)

// pipeUnread returns how many bytes written to the pipe are still unread.
func pipeUnread(r *os.File) (int, error) {
	var n int32
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, r.Fd(), syscall.TIOCINQ, uintptr(unsafe.Pointer(&n)))
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}
