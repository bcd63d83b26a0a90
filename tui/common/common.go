// Package common holds what the wizard's shell (package tui) and its steps
// (the packages under steps/) share: the Common struct every component
// embeds (window size, styles, keys, context), the Step interface the shell
// navigates, the messages steps send to the shell, and the State that
// carries each step's result to the steps after it.
//
// It sits below both the shell and the steps, so neither imports the other's
// internals and the shell knows no step by name.
package common

import (
	"context"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/assets"
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
	// Title names the step in the header, e.g. "Records"; as a StepName
	// it identifies the step in the State and the saved progress.
	Title() string
	// Enter makes the step current. st holds the results of the steps
	// before it; dir says whether the person came forward or back. The
	// returned command starts the step's work (lookups, polling).
	Enter(st *State, dir Direction) tea.Cmd
	// Capturing reports that a text field has focus: every key is text,
	// so the shell leaves q and ? to the step (ctrl+c still quits).
	Capturing() bool
}

// NextMsg tells the shell the current step is done. Its Results are stored
// in the State (each under its own type) for the steps that follow, and
// whatever later steps had stored is dropped, since it was built on older
// input.
type NextMsg struct{ Results []any }

// Next returns a command that finishes the current step with results.
func Next(results ...any) tea.Cmd {
	return func() tea.Msg { return NextMsg{Results: results} }
}

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

// KeepMsg stores Results in the State as the current step's, without
// moving on: a step's latest result (the verify step's report) is then in
// the summary, and in the saved progress, even when the person quits
// there. Step is the title of the step that sent it: a KeepMsg arriving
// after the person has moved to another step is dropped, so it is never
// filed as that step's result.
type KeepMsg struct {
	Step    string
	Results []any
}

// Keep returns a command that stores results of the step titled step
// without moving on.
func Keep(step string, results ...any) tea.Cmd {
	return func() tea.Msg { return KeepMsg{Step: step, Results: results} }
}
