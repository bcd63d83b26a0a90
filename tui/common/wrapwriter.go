package common

import (
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// WrapWriter wraps the plain text written through it (the line prompts'
// output) at word boundaries to a width, so that the terminal never
// splits a word: a word that does not fit on the line starts the next,
// after the indent the line started with (a hanging indent). A word
// wider than the width goes whole on a line of its own. A word at the
// end of a write waits for the next write (it may go on there) or for
// Flush, which the line prompts call before they read an answer.
type WrapWriter struct {
	w      io.Writer
	width  int
	col    int    // columns written on the current line
	indent string // the spaces the current line started with
	start  bool   // still in the line's leading spaces
	spaces int    // spaces read and not yet written
	word   string // the word read and not yet written
	err    error
}

// NewWrapWriter returns a WrapWriter writing to w at width columns
// (width < 1: none, text passes through).
func NewWrapWriter(w io.Writer, width int) *WrapWriter {
	return &WrapWriter{w: w, width: width, start: true}
}

// Flush writes the word and spaces held back: the end of a prompt.
func (ww *WrapWriter) Flush() error {
	ww.place()
	if ww.spaces > 0 {
		ww.put(strings.Repeat(" ", ww.spaces))
		ww.col += ww.spaces
		ww.spaces = 0
	}
	return ww.err
}

// LineRead tells the writer that the person typed a line (the terminal
// echoed it, and the cursor is at the start of a line again).
func (ww *WrapWriter) LineRead() {
	ww.col, ww.indent, ww.start, ww.spaces, ww.word = 0, "", true, 0, ""
}

// Write implements io.Writer.
func (ww *WrapWriter) Write(p []byte) (int, error) {
	if ww.width < 1 {
		return ww.w.Write(p)
	}
	s := string(p)
	for s != "" {
		i := strings.IndexAny(s, " \n")
		if i < 0 {
			ww.word += s
			break
		}
		ww.word += s[:i]
		ww.place()
		switch {
		case s[i] == '\n':
			ww.spaces = 0 // no trailing spaces
			ww.put("\n")
			ww.LineRead()
		case ww.start:
			ww.indent += " "
			ww.put(" ")
			ww.col++
		default:
			ww.spaces++
		}
		s = s[i+1:]
	}
	if ww.err != nil {
		return 0, ww.err
	}
	return len(p), nil
}

// place writes the word held: on the line when it fits, else on the next
// line after the indent.
func (ww *WrapWriter) place() {
	if ww.word == "" {
		return
	}
	w := ansi.StringWidth(ww.word)
	indent := ww.indent
	if len(indent) > ww.width/2 || len(indent)+w > ww.width {
		indent = "" // a long word (a name, a value) starts the line: it then fits
	}
	if !ww.start && ww.col+ww.spaces+w > ww.width && ww.col > len(indent) {
		ww.put("\n" + indent)
		ww.col, ww.spaces = len(indent), 0
	}
	ww.put(strings.Repeat(" ", ww.spaces) + ww.word)
	ww.col += ww.spaces + w
	ww.spaces, ww.start, ww.word = 0, false, ""
}

func (ww *WrapWriter) put(s string) {
	if ww.err == nil {
		_, ww.err = io.WriteString(ww.w, s)
	}
}
