// Package quietstart keeps the wizard from asking the terminal anything
// as it starts.
//
// Bubble Tea v1 asks the terminal for its background colour in its init
// (lipgloss.HasDarkBackground in tea_init.go: an OSC 11 query followed by a
// cursor position request), in every program that imports it, whatever
// the program goes on to do. So 'wizard check' and 'wizard records', which
// only print, would write the query too, even with NO_COLOR; over SSH or
// tmux the terminal's answer can arrive after the program has ended and
// land in the shell prompt as garbage.
//
// Imported for its side effect by package main, this package hides the
// terminal from that query: its init sets CI, which makes termenv treat
// standard output as no terminal, and [Restore], called from the main
// package's init (which runs after every package it imports, Bubble Tea's
// included), takes it back. The init runs before Bubble Tea's because this
// package imports nothing but "os": Go initialises packages in import path
// order as soon as their imports are initialised (the Go specification,
// "Package initialization"), and termenv, which Bubble Tea needs, waits
// for packages that need "os" and sort after this one. The wizard then
// decides colours itself: the commands that only print from the
// environment (NO_COLOR, TERM), the interactive wizard by asking the
// terminal once before its program starts.
package quietstart

import "os"

// set reports that init set CI (it was not set before).
var set bool

func init() {
	if _, ok := os.LookupEnv("CI"); !ok {
		set = os.Setenv("CI", "1") == nil
	}
}

// Restore removes the CI variable that init set, if it did. It is safe to
// call more than once.
func Restore() {
	if set {
		_ = os.Unsetenv("CI")
		set = false
	}
}
