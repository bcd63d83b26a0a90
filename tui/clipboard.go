package tui

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/atotto/clipboard"
)

// Clipboard modes (--clipboard).
const (
	ClipboardAuto   = "auto"   // the system clipboard where there is a display and no SSH, else OSC 52
	ClipboardSystem = "system" // only the system clipboard
	ClipboardOSC52  = "osc52"  // only OSC 52 through the terminal
	ClipboardOff    = "off"    // never copy
)

// Errors of Clipboard.Copy.
var (
	ErrClipboardOff = errors.New("tui: the clipboard is off (--clipboard off)")
	ErrNoClipboard  = errors.New("tui: no clipboard here: no display for the system clipboard and no terminal to copy through")
	// ErrControlText refuses text that holds control characters: pasted
	// into a terminal or a DNS form they could run commands or change
	// what is published, and nothing on screen would show them.
	ErrControlText = errors.New("tui: it holds control characters, which are never copied")
)

// Copyable reports whether text may go on the clipboard as it is: no
// control character but tab and line feed (the zone-file snippet has
// both), no DEL, no C1 control and no bidirectional override (which makes
// text read differently from what it is).
func Copyable(text string) bool {
	for _, r := range text {
		if r == '\t' || r == '\n' {
			continue
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == utf8.RuneError {
			return false
		}
	}
	return true
}

// Clipboard puts text on the person's clipboard: the system clipboard
// (atotto/clipboard: pbcopy, xclip, xsel, wl-copy, Windows) when there is a
// display to own it and the session is not over SSH, otherwise an OSC 52
// sequence written to the terminal, which the person's own terminal
// emulator (also at the far end of SSH) turns into a clipboard write.
// Inside tmux the sequence is wrapped in tmux's passthrough.
//
// Every field is injectable, so tests check the exact bytes written per
// environment.
type Clipboard struct {
	Mode   string              // ClipboardAuto ("" too), ClipboardSystem, ClipboardOSC52 or ClipboardOff
	Getenv func(string) string // the environment; nil: os.Getenv
	GOOS   string              // runtime.GOOS when empty
	System func(string) error  // writes the system clipboard; nil: there is none
	Term   io.Writer           // the terminal, for OSC 52; nil: there is none
}

// NewClipboard returns the clipboard for this process in mode, writing
// OSC 52 to term.
func NewClipboard(mode string, term io.Writer) Clipboard {
	c := Clipboard{Mode: mode, Getenv: os.Getenv, GOOS: runtime.GOOS, Term: term}
	if !clipboard.Unsupported {
		c.System = clipboard.WriteAll
	}
	return c
}

// ValidClipboardMode reports whether mode is one of the --clipboard values.
func ValidClipboardMode(mode string) bool {
	switch mode {
	case "", ClipboardAuto, ClipboardSystem, ClipboardOSC52, ClipboardOff:
		return true
	}
	return false
}

func (c Clipboard) env(name string) string {
	if c.Getenv == nil {
		return os.Getenv(name)
	}
	return c.Getenv(name)
}

// HasDisplay reports whether a system clipboard can exist: macOS and
// Windows always, elsewhere an X11 or Wayland display.
func (c Clipboard) HasDisplay() bool {
	goos := c.GOOS
	if goos == "" {
		goos = runtime.GOOS
	}
	if goos == "darwin" || goos == "windows" {
		return true
	}
	return c.env("DISPLAY") != "" || c.env("WAYLAND_DISPLAY") != ""
}

// OverSSH reports whether the session runs over SSH, where the system
// clipboard (if any) is the server's, not the person's.
func (c Clipboard) OverSSH() bool {
	return c.env("SSH_TTY") != "" || c.env("SSH_CONNECTION") != "" || c.env("SSH_CLIENT") != ""
}

// InTmux reports whether the terminal is tmux.
func (c Clipboard) InTmux() bool { return c.env("TMUX") != "" }

// OSC52 returns the escape sequence that asks the terminal to put text on
// the clipboard.
func OSC52(text string) string {
	return "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(text)) + "\a"
}

// TmuxPassthrough wraps seq so tmux hands it to the terminal outside it
// (every ESC inside doubled); tmux 3.3 and later need allow-passthrough on.
func TmuxPassthrough(seq string) string {
	return "\x1bPtmux;" + strings.ReplaceAll(seq, "\x1b", "\x1b\x1b") + "\x1b\\"
}

// Copy puts text on the clipboard and returns how, as the end of a
// sentence ("to the system clipboard"), or why it could not. Text that is
// not Copyable is refused with ErrControlText, whatever the mode: it is
// never copied raw, and copying it changed would paste a value other than
// the one that is meant.
func (c Clipboard) Copy(text string) (string, error) {
	if !Copyable(text) {
		return "", ErrControlText
	}
	switch c.Mode {
	case ClipboardOff:
		return "", ErrClipboardOff
	case ClipboardSystem:
		return c.system(text)
	case ClipboardOSC52:
		return c.osc52(text)
	}
	// auto
	var sysErr error
	if c.HasDisplay() && !c.OverSSH() && c.System != nil {
		how, err := c.system(text)
		if err == nil {
			return how, nil
		}
		sysErr = err
	}
	how, err := c.osc52(text)
	if err != nil && sysErr != nil {
		return "", sysErr
	}
	return how, err
}

func (c Clipboard) system(text string) (string, error) {
	if c.System == nil {
		return "", errors.New("tui: no system clipboard here (install xclip, xsel or wl-clipboard)")
	}
	if err := c.System(text); err != nil {
		return "", fmt.Errorf("tui: the system clipboard failed: %w", err)
	}
	return "to the system clipboard", nil
}

// The hints Copy's answer ends with, in parentheses, after a copy through
// the terminal: the terminal may refuse it without a word. (The shell
// gives them once a session; see Model.)
const (
	TmuxHint     = "if nothing pastes, run: tmux set -g set-clipboard on"
	TerminalHint = "if nothing pastes, your terminal does not let programs copy"
)

func (c Clipboard) osc52(text string) (string, error) {
	if c.Term == nil {
		return "", ErrNoClipboard
	}
	// Inside tmux both forms go out in one write: the plain one, which
	// tmux takes itself when set-clipboard is on, and the passthrough one,
	// which reaches the outer terminal when allow-passthrough is on.
	tmux := c.InTmux()
	seq := OSC52(text)
	if tmux {
		seq += TmuxPassthrough(seq)
	}
	if _, err := io.WriteString(c.Term, seq); err != nil {
		return "", fmt.Errorf("tui: writing to the terminal: %w", err)
	}
	if tmux {
		return "through tmux to your terminal (" + TmuxHint + ")", nil
	}
	return "through your terminal (" + TerminalHint + ")", nil
}
