// Package discovery is the wizard's discovery screen: a spinner while
// core/discovery looks the domain up, then a short summary of what it
// publishes today. In this package, the name discovery refers to the core
// package (the screen's own names are unqualified).
package discovery

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/domainname"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

// ResultMsg is the outcome of one discovery. Gen ties it to the lookup
// that asked for it: a result for an older lookup (the person went back,
// or asked again) is dropped.
type ResultMsg struct {
	Gen      int
	Snapshot discovery.Snapshot
	// Err is set when the preparation hook failed; Snapshot is then empty.
	Err error
}

// Model is the wizard's discovery step: a spinner while discovery.Discover runs in
// a command, then a short summary of what the domain publishes today. Its
// result (in common.NextMsg) is the discovery.Snapshot.
type Model struct {
	common.StepBase
	q       dnscheck.Querier
	prepare func(ctx context.Context, domain string) error

	domain string
	// unicode is the domain as the person typed it (U-labels), for the
	// heading; the same as domain for an ASCII name.
	unicode string
	busy    bool
	snap    discovery.Snapshot
	have    bool
	err     error
	cancel  context.CancelFunc

	keys struct{ Next, Again key.Binding }
}

// NewModel returns the discovery step. q answers the lookups; prepare, when
// not nil, runs first (the demo uses it to set up its simulated DNS).
func NewModel(c common.Common, q dnscheck.Querier, prepare func(ctx context.Context, domain string) error) *Model {
	m := &Model{
		StepBase: common.NewStepBase(c),
		q:        q,
		prepare:  prepare,
	}
	m.Redraw = m.render
	m.keys.Next = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue"))
	m.keys.Again = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "look again"))
	return m
}

// Title names the step in the header and in the saved progress.
const Title = "Discovery"

// Title implements common.Step.
func (m *Model) Title() string { return Title }

// Snapshot returns the last result, and whether there is one.
func (m *Model) Snapshot() (discovery.Snapshot, bool) { return m.snap, m.have }

// Busy reports whether a lookup is running.
func (m *Model) Busy() bool { return m.busy }

// Enter implements common.Step: coming forward it looks the domain up;
// coming back it shows what it found before.
func (m *Model) Enter(st *common.State, dir common.Direction) tea.Cmd {
	in, _ := common.Get[domainname.Input](st)
	if dir == common.Backward && m.have && m.domain == in.Domain {
		return nil
	}
	m.domain, m.unicode = in.Domain, in.Unicode
	return m.start()
}

// start runs a new lookup; whatever ran before is cancelled and its
// result will be dropped.
func (m *Model) start() tea.Cmd {
	m.stop()
	m.Gen++
	m.busy, m.have, m.err = true, false, nil
	ctx, cancel := context.WithCancel(m.Ctx)
	m.cancel = cancel
	gen, dom, q, p, prepare := m.Gen, m.domain, m.q, m.Platform, m.prepare
	m.render()
	return tea.Batch(m.Spin.Tick, func() tea.Msg {
		defer cancel()
		if prepare != nil {
			if err := prepare(ctx, dom); err != nil {
				return ResultMsg{Gen: gen, Err: err}
			}
		}
		return ResultMsg{Gen: gen, Snapshot: discovery.Discover(ctx, q, dom, p)}
	})
}

func (m *Model) stop() {
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
	m.busy = false
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	if m.busy {
		return []key.Binding{m.Keys.Back}
	}
	if !m.have {
		return []key.Binding{m.keys.Again, m.Keys.Back}
	}
	return []key.Binding{m.keys.Next, m.keys.Again, m.Keys.Back}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.ShortHelp(), m.Keys.ScrollKeys()}
}

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case ResultMsg:
		if msg.Gen != m.Gen || !m.busy {
			return m, nil // stale
		}
		m.stop()
		if msg.Err != nil {
			m.err = msg.Err
		} else {
			m.snap, m.have = msg.Snapshot, true
		}
		m.Scroll.GotoTop()
		m.render()
		return m, nil
	case spinner.TickMsg:
		return m, m.SpinTick(msg, m.busy)
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, m.Keys.Back):
			m.stop()
			m.Gen++
			return m, common.Back
		case key.Matches(msg, m.keys.Again) && !m.busy:
			return m, m.start()
		case key.Matches(msg, m.keys.Next) && m.have:
			return m, common.Next(m.snap)
		}
	}
	return m, m.Scrolled(msg)
}

const labelWidth = 15

func (m *Model) render() {
	st, w := m.Styles, m.Width
	p := dnscheck.Printable
	var b strings.Builder
	switch {
	case m.busy:
		b.WriteString(common.Wrap(m.Spin.View()+" Looking up "+m.domain+"…", w) + "\n\n")
		for _, s := range []string{"name servers (NS): who hosts its DNS", "mail servers (MX): who handles its mail",
			"SPF, DKIM and DMARC records already there"} {
			b.WriteString(st.Dim.Render(common.Hang("  · ", "    ", s, w)) + "\n")
		}
	case m.err != nil:
		b.WriteString(st.Fail.Render(common.Hang("✗ ", "  ", "Could not look up "+m.domain+": "+p(m.err.Error()), w)) + "\n\n")
		b.WriteString(common.Wrap("Press r to try again, or esc to change the domain.", w))
	case m.have:
		b.WriteString(m.summary())
	}
	m.Scroll.SetContent(strings.TrimRight(b.String(), "\n"))
}

// Fact is one line of the discovery summary (common.Fact).
type Fact = common.Fact

// Facts describes a snapshot for a person, one fact a line (common.Facts).
func Facts(s discovery.Snapshot) []Fact { return common.Facts(s) }

// TroubleAdvice is said under the facts when some lookup got no usable
// answer (common.TroubleAdvice).
const TroubleAdvice = common.TroubleAdvice

// tagWords explains the tags of the DMARC record that applies to the
// domain, met on this screen first (checks.DMARCTagWords).
func tagWords(s discovery.Snapshot) []string {
	record, _ := s.OrgPolicy()
	if len(s.DMARC) == 1 {
		record = s.DMARC[0]
	}
	return checks.DMARCTagWords(record)
}

func (m *Model) summary() string {
	st, w := m.Styles, m.Width
	var b strings.Builder
	name := m.snap.Domain
	if m.unicode != "" && m.unicode != m.snap.Domain && m.domain == m.snap.Domain {
		// The name as typed, and as DNS and the records write it.
		name = dnscheck.Printable(m.unicode) + " (" + m.snap.Domain + ")"
	}
	b.WriteString(st.Title.Render(common.Wrap("What "+name+" publishes today", w)) + "\n\n")
	for _, f := range Facts(m.snap) {
		vs := st.Text
		if f.Unknown {
			vs = st.Warn
		}
		b.WriteString(common.Field(f.Label, labelWidth, f.Value, w, st.Accent, vs) + "\n")
	}
	if words := tagWords(m.snap); len(words) > 0 {
		indent := strings.Repeat(" ", labelWidth)
		if common.Stacked(labelWidth, w) {
			indent = ""
		}
		b.WriteString(st.Dim.Render(common.Hang(indent, indent, dnscheck.Printable(strings.Join(words, "; ")), w)) + "\n")
	}
	if len(m.snap.Trouble) > 0 {
		b.WriteString("\n" + st.Warn.Render(common.Wrap(TroubleAdvice, w)) + "\n")
		b.WriteString(st.Dim.Render(common.Wrap("Press r to look again, or enter to go on and choose your mail provider yourself.", w)))
		return b.String()
	}
	b.WriteString("\n" + st.Dim.Render(common.Wrap("Press enter to confirm your mail provider.", w)))
	return b.String()
}
