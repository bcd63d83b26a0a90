package advice

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

// messageMadeMsg is the demo's test message written (or not).
type messageMadeMsg struct {
	path string
	err  error
}

// WithTestMessage gives the step the demo's v key: maker writes a test
// message for the first domain checked, and the wizard goes on to the
// confirm step with its path (common.MessageFile) beside the advice.
// nil leaves the key out. It returns m.
func (m *Model) WithTestMessage(maker common.MessageMaker) *Model {
	m.makeMessage = maker
	m.keys.Message = key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "test message (demo)"))
	m.keys.Message.SetEnabled(maker != nil)
	return m
}

// WithTestMessageIn is WithTestMessage for a maker that writes to the
// folder dir, which the step names beside the v key, so that the file is
// found where the demo says. It returns m.
func (m *Model) WithTestMessageIn(maker common.MessageMaker, dir string) *Model {
	m.messageDir = dir
	return m.WithTestMessage(maker)
}

// messageWhere says where the test message goes, for the sentence that
// offers v: " to DIR" (made printable), or "" when the folder is not known.
func (m *Model) messageWhere() string {
	if m.messageDir == "" {
		return ""
	}
	return " to " + dnscheck.Printable(m.messageDir)
}

// testMessage writes the test message in a command.
func (m *Model) testMessage() tea.Cmd {
	if len(m.reports) == 0 {
		return common.SetStatus(common.Failure, "No domain has been checked, so there is no domain to make a test message for.")
	}
	ctx, maker, domain := m.Ctx, m.makeMessage, m.reports[0].Domain
	return func() tea.Msg {
		path, err := maker(ctx, domain)
		return messageMadeMsg{path: path, err: err}
	}
}

// messageMade goes on to the confirm step with the message, or says why
// there is none.
func (m *Model) messageMade(msg messageMadeMsg) tea.Cmd {
	if msg.err != nil {
		return common.SetStatus(common.Failure, "Could not write the test message: "+dnscheck.Printable(msg.err.Error()))
	}
	m.sess.MessageFile = msg.path
	m.sess.AddFile(session.SavedFile{Path: msg.path, Holds: "the demo's test message, signed as " + m.Platform.Name + " signs"})
	return common.Next
}
