// Package advice is the wizard's last screen: the advice core/advice gives
// on the platform's sender-authentication checkbox and the next steps. In
// this package, the name advice refers to the core package (the screen's own
// names are unqualified).
package advice

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/core/advice"
	"github.com/outreach-auth/wizard/core/audience"
	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

// Model is the wizard's last step: the three options of the platform's FAQ
// with the one that fits the reports highlighted and why, the exact label
// and place of the setting, the DMARC state and suggestion, and the next
// steps, from the session's decision (session.Decide).
type Model struct {
	common.StepBase
	reports  []dnscheck.DomainReport
	advice   advice.Advice
	decision session.Decision
	sess     *session.Session

	// makeMessage is the demo's test message (demo.go); nil outside it.
	makeMessage common.MessageMaker
	// messageDir is the folder makeMessage writes to ("" unknown).
	messageDir string

	keys struct{ Next, Back, Message key.Binding }
}

// nextHelp says what enter does: it leads to the optional last step,
// checking a real message. shortNextHelp says it in a footer too narrow
// for the whole sentence (below wideFooter columns), so that the footer
// keeps it beside "? more keys" at 40 columns.
const (
	nextHelp      = "next: check a real message"
	shortNextHelp = "check real mail"
	wideFooter    = 60
)

// NewModel returns the advice step.
func NewModel(c common.Common) *Model {
	m := &Model{StepBase: common.NewStepBase(c)}
	m.Redraw = m.render
	m.keys.Next = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", nextHelp))
	m.keys.Back = c.Keys.BackTo("back to checking", "b")
	return m
}

// Title names the step in the header and in the saved progress.
const Title = "Advice"

// Title implements common.Step.
func (m *Model) Title() string { return Title }

// Advice returns the advice shown.
func (m *Model) Advice() advice.Advice { return m.advice }

// Enter implements common.Step: the advice is worked out from the reports
// the Check step left.
func (m *Model) Enter(s *session.Session, _ common.Direction) tea.Cmd {
	m.sess = s
	m.reports = s.Reports()
	m.decision = session.Decide(m.Platform, s, audience.Wizard)
	m.advice = m.decision.Advice
	m.Scroll.GotoTop()
	m.render()
	return nil
}

// ShortHelp implements help.KeyMap: in a narrow window, enter's help is
// shortNextHelp.
func (m *Model) ShortHelp() []key.Binding {
	next := m.keys.Next // a copy: the full help keeps the sentence
	if m.Width < wideFooter {
		next.SetHelp("enter", shortNextHelp)
	}
	return []key.Binding{next, m.keys.Back, m.keys.Message}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.keys.Next, m.keys.Back, m.keys.Message}, m.Keys.ScrollKeys()}
}

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if made, ok := msg.(messageMadeMsg); ok {
		return m, m.messageMade(made)
	}
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(k, m.keys.Message):
			return m, m.testMessage()
		case key.Matches(k, m.keys.Next):
			return m, common.Next
		case key.Matches(k, m.keys.Back):
			return m, common.Back
		}
	}
	return m, m.Scrolled(msg)
}

func (m *Model) render() {
	st, w, p, a := m.Styles, m.Width, m.Platform, m.advice
	pr := dnscheck.Printable
	var b strings.Builder
	b.WriteString(st.Title.Render(common.Wrap(fmt.Sprintf("What to do with %s's sender setting", p.Name), w)) + "\n")
	if len(m.reports) == 0 {
		b.WriteString(common.Hang("• ", "  ", "No check has finished, so no domain is known to pass yet.", w) + "\n")
	}
	for _, r := range a.Reasons {
		b.WriteString(common.Hang("• ", "  ", pr(r), w) + "\n")
	}
	b.WriteString("\n")
	b.WriteString(st.Accent.Render("The setting") + "\n")
	b.WriteString(common.Hang("  ", "  ", st.Value.Render(fmt.Sprintf("%q", p.Setting.Label)), w) + "\n")
	b.WriteString(common.Hang("  Where: ", "         ", p.Setting.Location, w) + "\n")
	b.WriteString(common.Hang("  Turn it: ", "           ", st.Value.Render(strings.ToUpper(m.decision.Checkbox)), w) + "\n")
	if m.decision.ByMessage {
		b.WriteString(common.Hang("  Why: ", "       ", pr(common.Capitalise(m.decision.Why)), w) + "\n")
	}
	for _, msg := range m.messages() {
		b.WriteString(common.Hang("  • ", "    ", pr(m.sess.MessageNote(msg)), w) + "\n")
	}
	b.WriteString("\n")
	for _, c := range advice.Choices(p) {
		var body strings.Builder
		fits := c.Key == a.Option
		title := c.Title
		if fits {
			title = "› " + title + " (fits your result)"
		}
		inner := w
		if fits {
			inner = max(w-st.CardActive.GetHorizontalFrameSize(), 10)
		}
		body.WriteString(st.Accent.Render(common.Hang("", "  ", title, inner)) + "\n")
		body.WriteString(common.Hang("  When: ", "        ", c.When+".", inner) + "\n")
		body.WriteString(common.Hang("  ", "  ", c.Effect, inner))
		if fits {
			b.WriteString(st.CardActive.Width(inner+st.CardActive.GetHorizontalPadding()).Render(body.String()) + "\n")
		} else {
			b.WriteString(st.Dim.Render(body.String()) + "\n")
		}
	}

	for _, r := range m.reports {
		b.WriteString("\n" + st.Accent.Render(common.Wrap("DMARC for "+pr(r.Domain), w)) + "\n")
		// The same words as the plain prompts (prompt.go).
		state := checks.DMARCWords(r.DMARC.State(), p.Name)
		if r.DMARC.Inherited() {
			state += " (managed by whoever runs " + r.DMARC.InheritedFrom() + "'s DNS)"
		}
		b.WriteString(common.Hang("  ", "  ", pr(state), w) + "\n")
		if f := advice.ReportsFact(r.DMARC); f != "" {
			b.WriteString(common.Hang("  Reports: ", "           ", f, w) + "\n")
		}
		for _, prob := range r.DMARC.Problems {
			b.WriteString(common.Hang(st.Warn.Render("  ! "), "    ", pr(prob.Message), w) + "\n")
		}
	}
	// What to do about DMARC is said once, in the next steps.

	b.WriteString("\n" + st.Accent.Render("Next steps") + "\n")
	for i, s := range a.NextSteps {
		n := fmt.Sprintf("%d. ", i+1)
		b.WriteString(common.Hang(n, strings.Repeat(" ", len(n)), pr(s), w) + "\n")
	}
	if m.makeMessage != nil {
		b.WriteString("\n" + st.Dim.Render(common.Wrap("Demo: v writes a test message from the simulated "+p.Name+m.messageWhere()+" and checks it.", w)) + "\n")
	}
	m.Scroll.SetContent(strings.TrimRight(b.String(), "\n"))
}

// messages returns the messages verified in the session.
func (m *Model) messages() []session.Message {
	if m.sess == nil {
		return nil
	}
	return m.sess.Messages
}
