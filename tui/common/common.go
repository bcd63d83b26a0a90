// Package common holds what the wizard's shell (package tui) and its steps
// (the packages under steps/) share: the Common struct every component
// embeds (window size, styles, keys, context), the Step interface the shell
// navigates and the messages steps send to the shell. What the steps know
// lives in one core/session.Session, which every step reads and writes.
//
// It sits below both the shell and the steps, so neither imports the other's
// internals and the shell knows no step by name.
package common

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/session"
)

// Minimum and default window sizes. The wizard is laid out for 80×24 and
// stays usable down to 40×20.
const (
	DefaultWidth  = 80
	DefaultHeight = 24
	MinWidth      = 20
	MinHeight     = 8
)

// Common is embedded by every component: the area it may draw in, the shared
// styles and keys, the platform being set up, and the context every I/O
// command runs under (cancelled when the program ends).
type Common struct {
	Ctx      context.Context
	Width    int
	Height   int
	Styles   *Styles
	Keys     *KeyMap
	Platform *assets.Platform
}

// NewCommon returns a Common of the default size with the default styles
// and keys.
func NewCommon(ctx context.Context, p *assets.Platform) Common {
	if ctx == nil {
		ctx = context.Background()
	}
	return Common{Ctx: ctx, Width: DefaultWidth, Height: DefaultHeight, Styles: DefaultStyles(), Keys: DefaultKeyMap(), Platform: p}
}

// SetSize records the area the component may draw in.
func (c *Common) SetSize(width, height int) {
	c.Width, c.Height = max(width, MinWidth), max(height, 1)
}

// Direction says how a step was reached.
type Direction int

// Directions.
const (
	Forward  Direction = iota // from the step before, which just finished
	Backward                  // from the step after (esc, or "back to records")
)

// Step is one screen of the wizard: a tea.Model (its Update returns the
// Step itself), the keys it shows in the help bar, and a size it is told
// about. The shell keeps an ordered list of steps and moves between them
// on NextMsg and BackMsg; it never looks inside one.
type Step interface {
	tea.Model
	help.KeyMap
	// SetSize tells the step the area it may draw in (the window minus
	// the shell's header, status line and help bar).
	SetSize(width, height int)
	// Title names the step in the header, e.g. "Records".
	Title() string
	// ID identifies the step in the saved progress; it never changes
	// when the title does.
	ID() session.StepID
	// Enter makes the step current with the session s, which the step
	// keeps, reads and records its facts in (in Update, never in a
	// command); dir says whether the person came forward or back. The
	// returned command starts the step's work (lookups, polling).
	Enter(s *session.Session, dir Direction) tea.Cmd
	// Capturing reports that a text field has focus: every key is text,
	// so the shell leaves q and ? to the step (ctrl+c still quits).
	Capturing() bool
}

// Follower is implemented by a step that belongs to the one before it
// (the other domains' mail providers, after the other domains): the
// header counts them as one.
type Follower interface {
	Follows() bool
}

// Skipper is implemented by a step that may have nothing to ask: the
// shell passes over it, in either direction, when Skip reports true. Skip
// may record in s what it decides without asking (a preset answer).
type Skipper interface {
	Skip(s *session.Session) bool
}

// NextMsg tells the shell the current step is done: the next one is
// entered. What the step found is in the session already.
type NextMsg struct{}

// Next is a command that finishes the current step.
func Next() tea.Msg { return NextMsg{} }

// BackMsg asks the shell to go back to the previous step.
type BackMsg struct{}

// Back is a command that goes back one step.
func Back() tea.Msg { return BackMsg{} }

// FinishMsg ends the wizard: the shell quits and prints the summary.
type FinishMsg struct{}

// Finish is a command that ends the wizard.
func Finish() tea.Msg { return FinishMsg{} }

// Level is how a status line is shown.
type Level int

// Levels.
const (
	Info Level = iota
	Success
	Failure
)

// StatusMsg sets the shell's status line (above the help bar) until the
// next status or step change. An empty Text clears it.
type StatusMsg struct {
	Text  string
	Level Level
}

// SetStatus returns a command that sets the status line.
func SetStatus(level Level, text string) tea.Cmd {
	return func() tea.Msg { return StatusMsg{Text: text, Level: level} }
}

// CopyMsg asks the shell to put Text on the clipboard. What names it in the
// status line ("the DKIM value"). Save, when not nil, writes the
// instructions to a file and returns its path; the shell calls it (inside a
// command) when no clipboard works, so the status line can say where the
// text is instead.
type CopyMsg struct {
	What string
	Text string
	Save func() (string, error)
}

// BellMsg rings the terminal bell.
type BellMsg struct{}

// Bell is a command that rings the terminal bell.
func Bell() tea.Msg { return BellMsg{} }

// ToStepMsg is Msg for the step ID, wherever the person is by the time it
// arrives: a file a step wrote is then recorded even when the person has
// moved on (the shell gives Msg to that step). ToStep wraps a command's
// message so.
type ToStepMsg struct {
	Step session.StepID
	Msg  tea.Msg
}

// ToStep returns cmd with its message addressed to the step id.
func ToStep(id session.StepID, cmd tea.Cmd) tea.Cmd {
	return func() tea.Msg { return ToStepMsg{Step: id, Msg: cmd()} }
}

// SaveMsg asks the shell to save the progress now: the current step
// recorded something worth keeping (a check's reports, a file written),
// even if the person quits here.
type SaveMsg struct{}

// Save is a command that saves the progress.
func Save() tea.Msg { return SaveMsg{} }

// DNSChangedMsg says the wizard changed DNS itself at At (the demo's
// publish keys): the shell records it in the session (session.Changed),
// then shows Status.
type DNSChangedMsg struct {
	At     time.Time
	Status StatusMsg
}
