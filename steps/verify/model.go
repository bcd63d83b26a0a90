package verify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/steps/domain"
	"github.com/outreach-auth/wizard/steps/provider"
	"github.com/outreach-auth/wizard/steps/records"
	"github.com/outreach-auth/wizard/tui/common"
)

// SuccessPause is how long the moment of success stays on screen before
// the wizard moves on to the advice.
const SuccessPause = 3 * time.Second

// ResultMsg is one finished check. Gen ties it to the check that asked for
// it: a result of an older check (superseded by "check now", or the person
// left the step) is dropped.
type ResultMsg struct {
	Gen    int
	Report dnscheck.DomainReport
	At     time.Time // when the check finished
}

// TickMsg drives the countdown to the next check. Gen ties it to the
// polling that armed it; ticks of an older polling are dropped, so there is
// never more than one timer.
type TickMsg struct {
	Gen int
	At  time.Time
}

// AdvanceMsg moves on to the advice after the moment of success.
type AdvanceMsg struct{ Gen int }

// actionMsg is an extra key's action finishing: its status, then a check.
type actionMsg struct{ status common.StatusMsg }

// Model is the wizard's verify step: it checks the domain at once, then
// again after 5 s, waiting longer each time up to 30 s, until SPF and DKIM
// pass; then it rings the bell, shows the success and moves on. Every check
// runs in a command; Update never waits. Its result (in common.NextMsg) is
// the []dnscheck.DomainReport the advice is built on.
type Model struct {
	common.Common
	checker *dnscheck.Checker
	actions []records.KeyAction
	scroll  common.Scroller
	spin    spinner.Model

	domain string
	exp    dnscheck.Expectation
	plan   records.Plan

	gen      int
	checking bool
	cancel   context.CancelFunc
	report   dnscheck.DomainReport
	have     bool
	checks   int
	changes  []string
	interval time.Duration
	next     time.Time // when the next check starts
	now      time.Time // the time of the last tick or result
	ready    bool
	skipping bool // skip asked for before the first result

	keys struct{ Now, Skip, Records, Back, Advice key.Binding }
}

// NewModel returns the verify step; checker answers the checks; actions
// are extra keys (each followed by a check).
func NewModel(c common.Common, checker *dnscheck.Checker, actions []records.KeyAction) *Model {
	m := &Model{
		Common:  c,
		checker: checker,
		actions: actions,
		scroll:  common.NewScroller(c),
		spin:    spinner.New(spinner.WithSpinner(spinner.Line), spinner.WithStyle(c.Styles.Accent)),
	}
	m.keys.Now = key.NewBinding(key.WithKeys("c", "enter"), key.WithHelp("c/enter", "check now"))
	m.keys.Skip = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "skip to advice"))
	m.keys.Records = key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "back to records"))
	m.keys.Back = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back"))
	m.keys.Advice = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "see the advice"))
	return m
}

// Title implements common.Step.
func (m *Model) Title() string { return "Verify" }

// Init implements tea.Model.
func (m *Model) Init() tea.Cmd { return nil }

// Capturing implements common.Step.
func (m *Model) Capturing() bool { return false }

// Report returns the latest report, and whether there is one.
func (m *Model) Report() (dnscheck.DomainReport, bool) { return m.report, m.have }

// Checking reports whether a check is running.
func (m *Model) Checking() bool { return m.checking }

// Ready reports whether SPF and DKIM passed.
func (m *Model) Ready() bool { return m.ready }

// Gen returns the current polling generation (for tests that drive the
// timer with their own TickMsg).
func (m *Model) Gen() int { return m.gen }

// Interval returns the current wait between checks.
func (m *Model) Interval() time.Duration { return m.interval }

// NextCheck returns when the next check starts (zero while one runs).
func (m *Model) NextCheck() time.Time { return m.next }

// Enter implements common.Step: polling starts with a check now, whichever
// way the person came.
func (m *Model) Enter(st *common.State, _ common.Direction) tea.Cmd {
	in, _ := common.Get[domain.Input](st)
	choice, _ := common.Get[provider.Choice](st)
	m.plan, _ = common.Get[records.Plan](st)
	if in.Domain != m.domain {
		m.have, m.report, m.checks = false, dnscheck.DomainReport{}, 0
	}
	m.domain = in.Domain
	m.exp, _ = Expect(m.Platform, choice.Option(), nil) // fails only on check IPs, none here
	m.exp.DNSHostName = m.plan.DNSHost
	m.interval, m.ready, m.skipping, m.changes = 0, false, false, nil
	m.scroll.GotoTop()
	return m.startCheck()
}

// startCheck starts a check now: a new generation, so the timer and any
// check still running are forgotten.
func (m *Model) startCheck() tea.Cmd {
	m.stop()
	m.gen++
	m.checking, m.next = true, time.Time{}
	ctx, cancel := context.WithCancel(m.Ctx)
	m.cancel = cancel
	gen, c, d, exp := m.gen, m.checker, m.domain, m.exp
	m.render()
	return tea.Batch(m.spin.Tick, func() tea.Msg {
		defer cancel()
		rep := c.Check(ctx, d, exp)
		return ResultMsg{Gen: gen, Report: rep, At: time.Now()}
	})
}

// stop cancels the running check and disarms the timer.
func (m *Model) stop() {
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
	m.checking = false
	m.gen++
}

func (m *Model) tick() tea.Cmd {
	gen := m.gen
	wait := min(time.Second, m.next.Sub(m.now))
	if rem := m.next.Sub(m.now) % time.Second; rem > 0 {
		wait = rem // land on whole seconds of the countdown
	}
	return tea.Tick(max(wait, time.Millisecond), func(t time.Time) tea.Msg { return TickMsg{Gen: gen, At: t} })
}

func (m *Model) done() tea.Cmd {
	m.stop()
	var reps []dnscheck.DomainReport
	if m.have {
		reps = []dnscheck.DomainReport{m.report}
	}
	return common.Next(reps)
}

// SetSize implements common.Step.
func (m *Model) SetSize(w, h int) {
	m.Common.SetSize(w, h)
	m.scroll.SetSize(m.Width, m.Height)
	m.render()
}

func (m *Model) actionKeys() []key.Binding {
	var out []key.Binding
	for _, a := range m.actions {
		out = append(out, a.Key)
	}
	return out
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	if m.ready {
		return []key.Binding{m.keys.Advice, m.keys.Records}
	}
	return append(append([]key.Binding{m.keys.Now}, m.actionKeys()...), m.keys.Skip, m.keys.Records)
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	g := [][]key.Binding{{m.keys.Now, m.keys.Skip, m.keys.Records, m.keys.Back}, m.Keys.ScrollKeys()}
	if m.ready {
		g[0] = []key.Binding{m.keys.Advice, m.keys.Records, m.keys.Back}
	}
	if len(m.actions) > 0 {
		g = append(g, m.actionKeys())
	}
	return g
}

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case ResultMsg:
		return m, m.result(msg)
	case TickMsg:
		if msg.Gen != m.gen || m.checking || m.ready {
			return m, nil // stale
		}
		m.now = msg.At
		if !m.now.Before(m.next) {
			return m, m.startCheck()
		}
		m.render()
		return m, m.tick()
	case AdvanceMsg:
		if msg.Gen == m.gen && m.ready {
			return m, m.done()
		}
		return m, nil
	case actionMsg:
		st := msg.status
		return m, tea.Batch(func() tea.Msg { return st }, m.startCheck())
	case spinner.TickMsg:
		if !m.checking {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		m.render()
		return m, cmd
	case tea.KeyMsg:
		if cmd, ok := m.key(msg); ok {
			return m, cmd
		}
	}
	m.scroll.Update(msg)
	return m, nil
}

func (m *Model) key(msg tea.KeyMsg) (tea.Cmd, bool) {
	switch {
	case key.Matches(msg, m.keys.Records), key.Matches(msg, m.keys.Back):
		m.stop()
		return common.Back, true
	case m.ready && key.Matches(msg, m.keys.Advice):
		return m.done(), true
	case m.ready:
		return nil, false
	case key.Matches(msg, m.keys.Skip):
		if m.have {
			return m.done(), true
		}
		m.skipping = true
		return common.SetStatus(common.Info, "Going to the advice as soon as this first check finishes…"), true
	case key.Matches(msg, m.keys.Now):
		if m.checking {
			return nil, true
		}
		return m.startCheck(), true
	}
	for _, a := range m.actions {
		if key.Matches(msg, a.Key) {
			run := records.RunAction(m.Ctx, a, m.plan)
			return func() tea.Msg { return actionMsg{status: run().(common.StatusMsg)} }, true
		}
	}
	return nil, false
}

func (m *Model) result(msg ResultMsg) tea.Cmd {
	if msg.Gen != m.gen || !m.checking {
		return nil // stale
	}
	m.checking, m.cancel = false, nil
	m.checks++
	m.changes = nil
	if m.have {
		m.changes = Changes(m.report, msg.Report)
	}
	m.report, m.have, m.now = msg.Report, true, msg.At
	keep := common.Keep([]dnscheck.DomainReport{msg.Report})
	if msg.Report.Ready {
		m.ready = true
		m.render()
		gen := m.gen
		return tea.Batch(keep, common.Bell,
			tea.Tick(SuccessPause, func(time.Time) tea.Msg { return AdvanceMsg{Gen: gen} }))
	}
	if m.skipping {
		return m.done()
	}
	m.interval = NextInterval(m.interval)
	m.next = msg.At.Add(m.interval)
	m.render()
	return tea.Batch(keep, m.tick())
}

// View implements tea.Model.
func (m *Model) View() string { return m.scroll.View() }

func (m *Model) render() {
	st, w := m.Styles, m.Width
	p := dnscheck.Printable
	var b strings.Builder
	if m.ready {
		box := st.CardActive
		inner := max(w-box.GetHorizontalFrameSize(), 10)
		msg := st.Success.Render(common.Wrap("✓ SPF and DKIM pass: "+m.domain+" is ready!", inner)) + "\n" +
			common.Wrap(fmt.Sprintf("Receivers will accept the mail %s sends as your staff's addresses.", m.Platform.Name), inner)
		b.WriteString(box.Width(inner+box.GetHorizontalPadding()).Render(msg) + "\n")
		b.WriteString(st.Dim.Render(common.Wrap("On to the advice in a moment (enter: now).", w)) + "\n")
	} else {
		b.WriteString(st.Title.Render(common.Wrap("Checking "+m.domain+" until SPF and DKIM pass", w)) + "\n")
	}
	switch {
	case m.checking:
		b.WriteString(common.Wrap(m.spin.View()+" Checking now…", w) + "\n")
	case m.ready:
	case m.have:
		left := max(m.next.Sub(m.now), 0)
		secs := int((left + time.Second - 1) / time.Second)
		b.WriteString(st.Accent.Render(common.Wrap(fmt.Sprintf("Next check in %d s (%s so far; the wait grows to %d s; c checks now)",
			secs, plural(m.checks, "check"), int(MaxInterval/time.Second)), w)) + "\n")
	}
	if !m.have {
		m.scroll.SetContent(strings.TrimRight(b.String(), "\n"))
		return
	}
	r := m.report
	b.WriteString("\n")
	line := func(name, status, detail string) {
		head := fmt.Sprintf("%s %-5s %-7s ", Mark(status), name, status)
		head = st.Verdict(status).Render(head)
		if w-16 < common.MinValueWidth {
			b.WriteString(head + "\n")
			if detail != "" {
				b.WriteString(st.Dim.Render(common.Hang("  ", "  ", p(detail), w)) + "\n")
			}
			return
		}
		b.WriteString(common.Hang(head, strings.Repeat(" ", 16), p(detail), w) + "\n")
	}
	spf := r.SPF.Record
	if spf != "" && r.SPF.Lookups > 0 {
		spf += fmt.Sprintf(" (%d of %d lookups)", r.SPF.Lookups, dnscheck.MaxSPFLookups)
	}
	line("SPF", r.SPF.Status, strings.ReplaceAll(spf, "\n", " | "))
	dkim := r.DKIM.Name
	if r.DKIM.Found != "" {
		dkim += " → " + r.DKIM.Found
	}
	if r.DKIM.KeyBits > 0 {
		dkim += fmt.Sprintf(" (%d-bit key)", r.DKIM.KeyBits)
	}
	line("DKIM", r.DKIM.Status, dkim)
	dmarc := r.DMARC.Record
	if r.DMARC.Status == dnscheck.VerdictPass && r.DMARC.Policy != "" {
		dmarc = "p=" + r.DMARC.Policy + ": " + dmarc
	}
	dsty := st.Warn
	if r.DMARC.Status == dnscheck.VerdictPass {
		dsty = st.Pass
	}
	head := dsty.Render(fmt.Sprintf("%s %-5s %-7s ", dmarcMark(r.DMARC), "DMARC", r.DMARC.Status))
	if w-16 < common.MinValueWidth {
		b.WriteString(head + "\n")
		if dmarc != "" {
			b.WriteString(st.Dim.Render(common.Hang("  ", "  ", p(dmarc), w)) + "\n")
		}
	} else {
		b.WriteString(common.Hang(head, strings.Repeat(" ", 16), p(dmarc), w) + "\n")
	}

	// What the authoritative servers say, beside the person's resolver.
	b.WriteString(st.Dim.Render(common.Wrap(capitalise(p(sourceLine(r)))+".", w)) + "\n")
	switch {
	case len(r.Cache) > 0:
		for _, c := range r.Cache {
			b.WriteString(st.Warn.Render(common.Hang("! ", "  ", fmt.Sprintf("Published, but your resolver still has the old answer for %s %s cached for up to %s.", p(c.Name), c.Type, time.Duration(c.TTL)*time.Second), w)) + "\n")
		}
	case len(r.Source.Authoritative) > 0 && !r.Source.Fallback:
		b.WriteString(st.Dim.Render(common.Wrap("Your resolver sees the same answers.", w)) + "\n")
	}

	if probs := r.AllProblems(); len(probs) > 0 {
		b.WriteString("\n" + st.Accent.Render("To fix") + "\n")
		for _, pr := range probs {
			sign, sty := "✗ ", st.Fail
			switch pr.Severity {
			case dnscheck.SeverityWarning:
				sign, sty = "! ", st.Warn
			case dnscheck.SeverityInfo:
				sign, sty = "i ", st.Dim
			}
			b.WriteString(common.Hang(sty.Render(sign), "  ", p(pr.Message), w) + "\n")
			if pr.Fix != "" {
				b.WriteString(st.Dim.Render(common.Hang("  Fix: ", "       ", p(pr.Fix), w)) + "\n")
			}
		}
	}
	if len(m.changes) > 0 {
		b.WriteString("\n" + st.Accent.Render("Since the last check") + "\n")
		for _, c := range m.changes {
			b.WriteString(common.Hang("• ", "  ", p(c), w) + "\n")
		}
	}
	m.scroll.SetContent(strings.TrimRight(b.String(), "\n"))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
