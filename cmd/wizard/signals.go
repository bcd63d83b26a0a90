package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit statuses of a command stopped by a signal: 128 plus the signal's
// number, as shells report it (the contract in docs/commands.md).
const (
	exitInterrupted = 128 + int(syscall.SIGINT)  // 130
	exitTerminated  = 128 + int(syscall.SIGTERM) // 143
)

// interrupt is the cause of the command's context ending when a signal
// stopped it.
type interrupt struct{ sig syscall.Signal }

func (i interrupt) Error() string { return "interrupted by " + i.sig.String() }

// code is the exit status for the signal.
func (i interrupt) code() int {
	if i.sig == syscall.SIGTERM {
		return exitTerminated
	}
	return exitInterrupted
}

// interruptOf returns the signal that ended ctx, if one did.
func interruptOf(ctx context.Context) (interrupt, bool) {
	var i interrupt
	ok := errors.As(context.Cause(ctx), &i)
	return i, ok
}

// withSignals returns a context that the first SIGINT or SIGTERM cancels,
// with an interrupt as its cause: every lookup and read of the command
// honours it, and run then says "interrupted" and exits 130 or 143. A
// second signal ends the process at once, in case something still holds
// it up. stop releases the signals.
func withSignals(parent context.Context, errOut io.Writer) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		first := true
		for {
			select {
			case s := <-ch:
				sig, _ := s.(syscall.Signal)
				if first {
					first = false
					cancel(interrupt{sig: sig})
					continue
				}
				fmt.Fprintln(errOut, "wizard: interrupted")
				os.Exit(interrupt{sig: sig}.code())
			case <-done:
				return
			}
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}

// contextReader reads from r in a goroutine, so that a Read blocked on a
// terminal or on a pipe that never closes is abandoned when ctx ends: Read
// then returns the context's error at once, and the goroutine stays
// blocked in r until the process exits. One read runs at a time.
type contextReader struct {
	ctx     context.Context
	r       io.Reader
	buf     []byte
	res     chan readResult
	pending bool
}

type readResult struct {
	n   int
	err error
}

// readerWithContext returns r read through a contextReader.
func readerWithContext(ctx context.Context, r io.Reader) io.Reader {
	return &contextReader{ctx: ctx, r: r, res: make(chan readResult, 1)}
}

func (c *contextReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if !c.pending {
		if len(c.buf) < len(p) {
			c.buf = make([]byte, len(p))
		}
		buf := c.buf[:len(p)]
		c.pending = true
		go func() {
			n, err := c.r.Read(buf)
			c.res <- readResult{n, err}
		}()
	}
	select {
	case <-c.ctx.Done():
		return 0, c.ctx.Err()
	case r := <-c.res:
		c.pending = false
		return copy(p, c.buf[:r.n]), r.err
	}
}
