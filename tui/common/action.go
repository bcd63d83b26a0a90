package common

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
)

// KeyAction is an extra key shown in the help bar of the records and
// Check steps (the demo's): Run gets the current plan and returns a status
// line. (tui.Action is this type.)
type KeyAction struct {
	Key key.Binding
	Run func(ctx context.Context, plan plan.Plan) (string, error)
	// ChangesDNS is set when Run changes DNS (the publish keys):
	// what was read before it is then older than DNS.
	ChangesDNS bool
	// Ask, when set, returns a question to ask (one line of text, such
	// as a file's path) before Run, or "" when none is needed now; the
	// answer goes to Answer, then Run runs.
	Ask    func() string
	Answer func(text string)
}

// Question returns the question to ask before a runs ("" = none).
func (a KeyAction) Question() string {
	if a.Ask == nil || a.Answer == nil {
		return ""
	}
	return a.Ask()
}

// RunAction returns a command that runs a in the background and reports
// its result as the status line.
func RunAction(ctx context.Context, a KeyAction, p plan.Plan) tea.Cmd {
	return func() tea.Msg {
		text, err := a.Run(ctx, p)
		if err != nil {
			return StatusMsg{Text: dnscheck.Printable(err.Error()), Level: Failure}
		}
		st := StatusMsg{Text: dnscheck.Printable(text), Level: Success}
		if a.ChangesDNS {
			return DNSChangedMsg{At: time.Now(), Status: st}
		}
		return st
	}
}

// ActionKeys returns the keys of actions, in order, for a help bar.
func ActionKeys(actions []KeyAction) []key.Binding {
	var out []key.Binding
	for _, a := range actions {
		out = append(out, a.Key)
	}
	return out
}

// WithActionKeys returns a step's full help groups with the actions' keys
// as one more group, when there are any.
func WithActionKeys(groups [][]key.Binding, actions []KeyAction) [][]key.Binding {
	if len(actions) == 0 {
		return groups
	}
	return append(groups, ActionKeys(actions))
}
