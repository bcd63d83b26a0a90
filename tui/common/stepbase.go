package common

import (
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
)

// StepBase is what the scrolling steps share, embedded in their Model: the
// Common, a spinner shown while work runs, a Scroller for the content, and
// a generation token that ties a command's result to the work that asked
// for it. It gives the step the default Init, Capturing, SetSize and View
// of common.Step; a step overrides only those that differ.
type StepBase struct {
	Common
	// Spin turns while the step's work runs.
	Spin spinner.Model
	// Scroll shows the step's content.
	Scroll Scroller
	// Gen is bumped when new work starts (or old work is abandoned): a
	// result carrying an older Gen is stale and dropped.
	Gen int
	// Redraw, when not nil, renders the content again; SetSize and
	// SpinTick call it.
	Redraw func()
}

// NewStepBase returns a StepBase over c, with the wizard's spinner and a
// Scroller of c's size.
func NewStepBase(c Common) StepBase {
	return StepBase{
		Common: c,
		Spin:   spinner.New(spinner.WithSpinner(spinner.Line), spinner.WithStyle(c.Styles.Accent)),
		Scroll: NewScroller(c),
	}
}

// Init implements tea.Model: a step starts its work in Enter, not here.
func (b *StepBase) Init() tea.Cmd { return nil }

// Capturing implements common.Step: no text field has focus.
func (b *StepBase) Capturing() bool { return false }

// SetSize implements common.Step: the area goes to the Common and the
// Scroller, then the content is drawn again.
func (b *StepBase) SetSize(width, height int) {
	b.Common.SetSize(width, height)
	b.Scroll.SetSize(b.Width, b.Height)
	b.redraw()
}

// View implements tea.Model: the scrolled content.
func (b *StepBase) View() string { return b.Scroll.View() }

// SpinTick handles a spinner tick: while busy the spinner moves on, the
// content is drawn again and the next tick is returned; otherwise the tick
// is dropped, which stops the spinner.
func (b *StepBase) SpinTick(msg spinner.TickMsg, busy bool) tea.Cmd {
	if !busy {
		return nil
	}
	var cmd tea.Cmd
	b.Spin, cmd = b.Spin.Update(msg)
	b.redraw()
	return cmd
}

// Scrolled is the tail of a step's Update: msg, which the step did not use,
// goes to the Scroller (scrolling keys, the mouse wheel).
func (b *StepBase) Scrolled(msg tea.Msg) tea.Cmd {
	b.Scroll.Update(msg)
	return nil
}

func (b *StepBase) redraw() {
	if b.Redraw != nil {
		b.Redraw()
	}
}

// BackTo returns the shared Back key (esc) with its help saying desc, and
// also answering to the extra keys: "back to checking" with "b" shows
// "esc/b back to checking". The shared key map is left as it is.
func (k *KeyMap) BackTo(desc string, extra ...string) key.Binding {
	keys := slices.Concat(k.Back.Keys(), extra)
	b := key.NewBinding(key.WithKeys(keys...), key.WithHelp(strings.Join(keys, "/"), desc))
	b.SetEnabled(k.Back.Enabled())
	return b
}
