// Package domain is the wizard's domain screen: a text field checked live
// with domainname.Normalize; its result is the domainname.Input.
package domain

import (
	"errors"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/core/domainname"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

// Model is the wizard's domain step: a text field checked with domainname.Normalize
// as the person types, showing the domain as it will be used. Its result
// (recorded in the session as the first domain) is the domainname.Input.
type Model struct {
	sess *session.Session
	common.Common
	input textinput.Model
	in    domainname.Input  // the last valid input
	err   *domainname.Error // why the text is not a domain, when it is not
	tried bool              // enter was pressed on text that is not a domain
	// tooLong says why the last change (a paste, usually) was refused:
	// it would have made the text longer than domainname.MaxField.
	tooLong *domainname.Error
	keys    modelKeys
}

type modelKeys struct {
	Next    key.Binding
	Suggest key.Binding
}

// NewModel returns the domain step.
func NewModel(c common.Common) *Model {
	ti := textinput.New()
	ti.Prompt = "› "
	// No placeholder: without colour it would look typed; the hint
	// under the field gives the example.
	// No CharLimit: the field would cut a long paste without a word.
	// Update refuses a change past domainname.MaxField and says so instead.
	ti.PromptStyle = c.Styles.Accent
	ti.PlaceholderStyle = c.Styles.Dim
	// A steady cursor: nothing redraws while the person thinks, which
	// matters over a slow SSH link.
	ti.Cursor.SetMode(cursor.CursorStatic)
	ti.Focus()
	m := &Model{
		Common: c,
		input:  ti,
		keys: modelKeys{
			Next:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")),
			Suggest: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "use the suggestion"), key.WithDisabled()),
		},
	}
	m.SetSize(c.Width, c.Height)
	m.validate()
	return m
}

// Title names the step in the header and in the saved progress.
const Title = "Domain"

// Title implements common.Step.
func (m *Model) Title() string { return Title }

// Init implements tea.Model.
func (m *Model) Init() tea.Cmd { return nil }

// Capturing implements common.Step: the text field always has focus.
func (m *Model) Capturing() bool { return true }

// Enter implements common.Step: the field keeps what was typed, or shows
// the domain chosen before.
func (m *Model) Enter(s *session.Session, _ common.Direction) tea.Cmd {
	m.sess = s
	if f := s.First(); f != nil && m.input.Value() == "" {
		m.input.SetValue(f.Input.Original)
		m.input.CursorEnd()
		m.validate()
	}
	m.tried = false
	return m.input.Focus()
}

// SetSize implements common.Step.
func (m *Model) SetSize(w, h int) {
	m.Common.SetSize(w, h)
	m.input.Width = max(m.Width-len([]rune(m.input.Prompt))-1, 1)
}

// Input returns the domain as typed so far, and whether it is valid.
func (m *Model) Input() (domainname.Input, bool) { return m.in, m.err == nil && m.in.Domain != "" }

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.keys.Next, m.keys.Suggest, m.Keys.Back}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.keys.Next, m.keys.Suggest, m.Keys.Back}}
}

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(k, m.Keys.Back):
			return m, common.Back
		case key.Matches(k, m.keys.Next):
			if in, ok := m.Input(); ok {
				m.sess.SetFirst(in)
				return m, common.Next
			}
			m.tried = true
			return m, nil
		case key.Matches(k, m.keys.Suggest):
			m.tooLong = nil
			m.input.SetValue(m.err.Suggestion)
			m.input.CursorEnd()
			m.validate()
			return m, nil
		}
	}
	cmd, changed, refused := common.UpdateField(&m.input, msg, domainname.MaxField)
	switch {
	case refused > 0:
		m.tooLong = domainname.FieldTooLong(refused)
	case changed:
		m.tooLong = nil
		m.tried = false
		m.validate()
	}
	return m, cmd
}

// validate runs domainname.Normalize on the text, live.
func (m *Model) validate() {
	m.in, m.err = domainname.Input{}, nil
	in, err := domainname.Normalize(m.input.Value())
	if err != nil {
		if !errors.As(err, &m.err) {
			m.err = &domainname.Error{Message: err.Error()}
		}
	} else {
		m.in = in
	}
	m.keys.Suggest.SetEnabled(m.err != nil && m.err.Suggestion != "")
}

// View implements tea.Model.
func (m *Model) View() string {
	st, w := m.Styles, m.Width
	var b strings.Builder
	b.WriteString(st.Title.Render(common.Wrap("What is your mail domain?", w)) + "\n")
	b.WriteString(common.Wrap("The part after the @ in your staff's email addresses. You may paste a whole address.", w) + "\n\n")
	b.WriteString(m.input.View() + "\n\n")
	switch {
	case m.tooLong != nil:
		b.WriteString(st.Fail.Render(common.Hang("✗ ", "  ", m.tooLong.Message, w)) + "\n")
	case m.err != nil && m.err.Kind == domainname.KindEmpty:
		if m.tried {
			b.WriteString(st.Fail.Render(common.Hang("✗ ", "  ", m.err.Message, w)) + "\n")
		} else {
			b.WriteString(st.Dim.Render(common.Wrap("For example yourcenter.edu or jane@yourcenter.edu.", w)) + "\n")
		}
	case m.err != nil:
		sty := st.Warn
		if m.tried {
			sty = st.Fail
		}
		b.WriteString(sty.Render(common.Hang("✗ ", "  ", dnscheck.Printable(m.err.Message), w)) + "\n")
		if m.err.Suggestion != "" {
			b.WriteString(common.Hang("  ", "  ", "Press tab to use "+st.Value.Render(m.err.Suggestion)+".", w) + "\n")
		}
	default:
		use := m.in.Domain
		if m.in.Unicode != m.in.Domain {
			use += " (" + dnscheck.Printable(m.in.Unicode) + ")"
		}
		b.WriteString(common.Hang(st.Pass.Render("✓ "), "  ", "Will use "+st.Value.Render(use), w) + "\n")
		for _, n := range m.in.Notes() {
			b.WriteString(st.Dim.Render(common.Hang("  ", "  ", dnscheck.Printable(n), w)) + "\n")
		}
		b.WriteString(st.Dim.Render(common.Hang("  ", "  ", "Press enter to look up its DNS.", w)) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
