//go:build !unix

package statefile

import "errors"

func mkfifo(string) error { return errors.New("no FIFOs on this system") }
