package common

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrInputEnded is returned when the line prompts' input ends before the
// wizard does.
var ErrInputEnded = errors.New("tui: input ended before the wizard finished")

// ErrQuit ends the line prompts at the person's request (q at a prompt).
var ErrQuit = errors.New("tui: quit")

// LinePrompt is the plain, line-by-line form of the wizard: one question a
// line, answered with a line, no cursor movement and no colour (for screen
// readers, TERM=dumb and input that is not a terminal).
type LinePrompt struct {
	In  *bufio.Reader
	Out io.Writer
	// Saved, when set, is called by a step that stored new results
	// worth saving as progress before it ends (the checks' reports).
	Saved func()
	// Entered is how the runner came to the step it is asking: Forward
	// from the step before, Backward from the step after, as the
	// direction the screen's Step.Enter is given.
	Entered Direction
	// Again is set by a step that goes back so that the step before it
	// does its work again at once (the provider question's r: look the
	// domain up again) instead of passing the person on back; that step
	// clears it.
	Again bool
}

// ErrBack is what a prompt helper returns when the person typed b (see
// IsBack): the step goes back.
var ErrBack = errors.New("tui: back")

// IsBack reports whether an answer asks to go back: b, at every line
// prompt, as esc on the screen (docs/files.md says how a file really
// named b is given: ./b).
func IsBack(line string) bool { return strings.EqualFold(line, "b") }

// NewLinePrompt returns line prompts reading answers from in and writing
// to out.
func NewLinePrompt(in io.Reader, out io.Writer) *LinePrompt {
	return &LinePrompt{In: bufio.NewReader(in), Out: out}
}

// Say prints one line (format as for fmt.Printf).
func (p *LinePrompt) Say(format string, args ...any) {
	fmt.Fprintf(p.Out, format+"\n", args...)
}

// Ask prints prompt and reads one line, trimmed; "q" or "quit" returns
// ErrQuit, input that ends ErrInputEnded.
func (p *LinePrompt) Ask(prompt string) (string, error) {
	fmt.Fprint(p.Out, prompt)
	if ww, ok := p.Out.(*WrapWriter); ok {
		ww.Flush() // the prompt shows whole before the answer is read
	}
	line, err := p.In.ReadString('\n')
	if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
		p.Say("")
		if errors.Is(err, io.EOF) {
			return "", ErrInputEnded
		}
		return "", fmt.Errorf("tui: reading the answer: %w", err)
	}
	if ww, ok := p.Out.(*WrapWriter); ok {
		ww.LineRead() // the answer's echo ended the line
	}
	line = strings.TrimSpace(line)
	if strings.EqualFold(line, "q") || strings.EqualFold(line, "quit") {
		return "", ErrQuit
	}
	return line, nil
}

// Save saves the progress, when the runner saves it (see Saved).
func (p *LinePrompt) Save() {
	if p.Saved != nil {
		p.Saved()
	}
}

// Prompter is a step's line-prompt form: the same question as its Bubble
// Tea model, asked with line prompts. Prompt reads what earlier steps
// worked out from st and stores its own results there (with PutFrom); it
// returns Forward when the step is done, Backward to go back a step.
type Prompter interface {
	Prompt(ctx context.Context, p *LinePrompt, st *State) (Direction, error)
}

// CheckAtOnce, put in the State by the line-prompt runner, says a resumed
// session had reached the checks: the records step builds the records
// without showing them (they are a b away), once.
type CheckAtOnce bool
