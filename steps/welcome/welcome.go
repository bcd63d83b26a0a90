// Package welcome is the wizard's first screen: what will happen, what it
// needs, and which platform it sets up (from the platform file).
package welcome

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/tui/common"
)

// Model is the welcome step.
type Model struct {
	common.StepBase
	start key.Binding
	saves bool // progress is saved as the person goes
}

// New returns the welcome step.
func New(c common.Common) *Model {
	m := &Model{
		StepBase: common.NewStepBase(c),
		start:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "start")),
	}
	m.Redraw = m.render
	m.render()
	return m
}

// SavesProgress says whether the wizard saves progress as the person goes
// (the welcome then promises to resume where they left off; without it,
// as in the demo, it says that nothing is kept), and returns m.
func (m *Model) SavesProgress(saves bool) *Model {
	m.saves = saves
	m.render()
	return m
}

// Title names the step in the header and in the saved progress.
const Title = "Welcome"

// Title implements common.Step.
func (m *Model) Title() string { return Title }

// Enter implements common.Step.
func (m *Model) Enter(*session.Session, common.Direction) tea.Cmd { return nil }

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.start}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.start}, m.Keys.ScrollKeys()}
}

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && key.Matches(k, m.start) {
		return m, common.Next
	}
	return m, m.Scrolled(msg)
}

// Intro returns the welcome text as plain sentences: the lead, what will
// happen, what the person needs, and a closing note; saves says whether
// progress is saved, so that stopping can be resumed. The accessible mode
// prints the same.
func Intro(p *assets.Platform, saves bool) (lead string, happen, need []string, note string) {
	lead = fmt.Sprintf("%s (run by %s) sends mail from your staff's addresses. "+
		"Receivers trust that mail only when your domain's DNS says %s may send it.", p.Name, p.Vendor, p.Name)
	happen = []string{
		"You type your mail domain.",
		"The wizard looks at its DNS: host, mail provider, SPF, DKIM, DMARC.",
		"You confirm your mail provider and add any other domains.",
		"It shows the records, ready to copy or to hand to whoever edits DNS.",
		"It checks until SPF and DKIM pass.",
		fmt.Sprintf("It tells you how to set %s's sender setting.", p.Name),
		fmt.Sprintf("Optionally, it checks a real message %s sent, to prove it works.", p.Name),
	}
	need = []string{
		"A login to your DNS host, or the name of who has one (the wizard writes a hand-off sheet for them).",
		"About 15 minutes. If you stop, the wizard resumes where you left off.",
	}
	if !saves {
		need[1] = "About 15 minutes. Nothing is saved this time: stopping means starting over."
	}
	return lead, happen, need, "The wizard only reads your DNS, unless you ask it to publish the records for you (with a key from whoever runs your DNS)."
}

// Heading is the welcome's title.
func Heading(p *assets.Platform) string {
	return fmt.Sprintf("Let %s send mail as your own domain", p.Name)
}

func (m *Model) render() {
	st, w := m.Styles, m.Width
	lead, happen, need, note := Intro(m.Platform, m.saves)
	var b strings.Builder
	b.WriteString(st.Title.Render(common.Wrap(Heading(m.Platform), w)) + "\n\n")
	b.WriteString(common.Wrap(lead, w) + "\n\n")
	b.WriteString(st.Accent.Render("What will happen") + "\n")
	for i, s := range happen {
		b.WriteString(common.Hang(fmt.Sprintf("%d. ", i+1), "   ", s, w) + "\n")
	}
	b.WriteString("\n" + st.Accent.Render("What you need") + "\n")
	for _, s := range need {
		b.WriteString(common.Hang("• ", "  ", s, w) + "\n")
	}
	b.WriteString("\n" + st.Dim.Render(common.Wrap(note, w)))
	m.Scroll.SetContent(b.String())
}
