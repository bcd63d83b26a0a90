// Package checking is the wizard's Check screen: it runs core/checks over
// every domain, re-checks on a schedule until all are ready, and shows each
// domain's verdicts, problems and fixes.
package checking

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/core/audience"
	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

// ResultMsg is one finished check of every domain. Gen ties it to the
// check that asked for it: a result of an older check (superseded by
// "check again", or the person left the step) is dropped.
type ResultMsg struct {
	Gen     int
	Reports []dnscheck.DomainReport // one per domain, in the step's order
	At      time.Time               // when the check finished
}

// TickMsg drives the countdown to the next check. Gen ties it to the
// polling that armed it; ticks of an older polling are dropped, so there is
// never more than one timer.
type TickMsg struct {
	Gen int
	At  time.Time
}

// actionMsg is an extra key's action finishing: its status (about
// domain), then a check.
type actionMsg struct {
	domain string
	status common.StatusMsg
	// changed is when the action changed DNS (zero: it did not).
	changed time.Time
}

// Model is the wizard's Check step: it checks every domain at once, then
// again after 5 s, waiting longer each time up to 30 s, until SPF and DKIM
// pass for all of them; then it rings the bell, shows the success with
// whether each warning still reported changes the decision, and waits for
// enter before the advice. With one domain it shows that domain's verdicts and problems; with
// several, a list with one status line per domain, where enter opens one.
// Every check runs in a command; Update never waits. Each check's reports
// are recorded in the session with their time.
type Model struct {
	common.StepBase
	checker *dnscheck.Checker
	actions []common.KeyAction

	domains []string
	sess    *session.Session

	checking bool
	cancel   context.CancelFunc
	reports  []dnscheck.DomainReport // the last check's, one per domain
	have     bool
	checks   int
	changes  []string
	interval time.Duration
	next     time.Time // when the next check starts
	now      time.Time // the time of the last tick or result
	ready    bool
	skipping bool  // skip asked for before the first result
	sel      int   // the selected domain in the list
	open     bool  // the selected domain's details are shown (several domains)
	rows     []int // first line of each row of the list, and the line after the last
	// shown holds, per domain, the codes of the problems the person was
	// shown (on its report, or named in "Since the last check"): only
	// those are said to have cleared.
	shown map[string]map[dnscheck.Code]bool
	// statusFor is the domain the step's last status line is about ("":
	// none): moving to another domain clears it.
	statusFor string
	// leaving is set by a first press of the advice key before the
	// domains are ready: a second press leaves, any other key stays.
	leaving bool

	keys struct{ Now, Skip, Records, Advice, Open, Close, Up, Down key.Binding }
}

// NewModel returns the Check step; checker answers the checks; actions
// are extra keys (each followed by a check).
func NewModel(c common.Common, checker *dnscheck.Checker, actions []common.KeyAction) *Model {
	m := &Model{
		StepBase: common.NewStepBase(c),
		checker:  checker,
		actions:  actions,
	}
	m.Redraw = m.render
	m.keys.Now = key.NewBinding(key.WithKeys("r", "enter"), key.WithHelp("r/enter", "check again"))
	// a, pressed twice, leaves for the advice before the checks pass (s
	// saves, on every screen that saves; docs/walkthrough.md).
	m.keys.Skip = key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "advice"))
	m.keys.Records = key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "back to records"))
	m.keys.Advice = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "see the advice"))
	m.keys.Open = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open"))
	m.keys.Close = c.Keys.BackTo("all domains")
	m.keys.Up = key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "previous domain"))
	m.keys.Down = key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "next domain"))
	return m
}

// Title names the step in the header and in the saved progress.
const Title = "Check"

// Title implements common.Step.
func (m *Model) Title() string { return Title }

// Report returns the latest report of the first domain, and whether there
// is one.
func (m *Model) Report() (dnscheck.DomainReport, bool) {
	if !m.have || len(m.reports) == 0 {
		return dnscheck.DomainReport{}, false
	}
	return m.reports[0], true
}

// Reports returns the latest report of every domain (nil before the first
// check finishes).
func (m *Model) Reports() []dnscheck.DomainReport { return m.reports }

// Domains returns the domains being checked, in order.
func (m *Model) Domains() []string { return m.domains }

// Checking reports whether a check is running.
func (m *Model) Checking() bool { return m.checking }

// Ready reports whether SPF and DKIM passed for every domain.
func (m *Model) Ready() bool { return m.ready }

// Gen returns the current polling generation (for tests that drive the
// timer with their own TickMsg).
func (m *Model) Gen() int { return m.StepBase.Gen }

// Interval returns the current wait between checks.
func (m *Model) Interval() time.Duration { return m.interval }

// NextCheck returns when the next check starts (zero while one runs).
func (m *Model) NextCheck() time.Time { return m.next }

// several reports whether the step shows a list of domains.
func (m *Model) several() bool { return len(m.domains) > 1 }

// Enter implements common.Step: polling starts with a check now, whichever
// way the person came.
func (m *Model) Enter(s *session.Session, _ common.Direction) tea.Cmd {
	m.sess = s
	names := s.Names()
	if strings.Join(names, " ") != strings.Join(m.domains, " ") {
		m.have, m.reports, m.checks, m.sel, m.open = false, nil, 0, 0, false
		m.shown = nil
		// A resumed session brings the last results along.
		if last := s.Reports(); sameDomains(last, names) {
			m.reports, m.have = last, true
		}
	}
	m.domains = names
	m.interval, m.ready, m.skipping, m.changes, m.leaving = 0, false, false, nil, false
	m.Scroll.GotoTop()
	return m.startCheck()
}

func sameDomains(reports []dnscheck.DomainReport, names []string) bool {
	if len(reports) != len(names) {
		return false
	}
	for i, r := range reports {
		if r.Domain != names[i] {
			return false
		}
	}
	return true
}

// startCheck starts a check now: a new generation, so the timer and any
// check still running are forgotten.
func (m *Model) startCheck() tea.Cmd {
	m.stop()
	m.StepBase.Gen++
	m.checking, m.next = true, time.Time{}
	ctx, cancel := context.WithCancel(m.Ctx)
	m.cancel = cancel
	gen, c := m.StepBase.Gen, m.checker
	names, exps := m.sess.Targets(m.Platform)
	m.render()
	return tea.Batch(m.Spin.Tick, func() tea.Msg {
		defer cancel()
		return ResultMsg{Gen: gen, Reports: session.Check(ctx, c, names, exps), At: time.Now()}
	})
}

// stop cancels the running check and disarms the timer.
func (m *Model) stop() {
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
	m.checking = false
	m.StepBase.Gen++
}

func (m *Model) tick() tea.Cmd {
	gen := m.StepBase.Gen
	wait := min(time.Second, m.next.Sub(m.now))
	if rem := m.next.Sub(m.now) % time.Second; rem > 0 {
		wait = rem // land on whole seconds of the countdown
	}
	return tea.Tick(max(wait, time.Millisecond), func(t time.Time) tea.Msg { return TickMsg{Gen: gen, At: t} })
}

func (m *Model) done() tea.Cmd {
	m.stop()
	return common.Next
}

// listing reports whether the list of domains is shown (several domains,
// none opened).
func (m *Model) listing() bool { return m.several() && !m.open }

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	now := m.keys.Now
	if m.several() {
		now = m.againKey()
	}
	var keys []key.Binding
	switch {
	case m.ready:
		keys = []key.Binding{m.keys.Advice, m.keys.Records}
	case m.listing():
		keys = append(append([]key.Binding{m.keys.Open, now}, common.ActionKeys(m.actions)...), m.keys.Skip, m.keys.Records)
	case m.several():
		keys = append(append([]key.Binding{m.keys.Close, now}, common.ActionKeys(m.actions)...), m.keys.Skip, m.keys.Records)
	default:
		keys = append(append([]key.Binding{now}, common.ActionKeys(m.actions)...), m.keys.Skip, m.keys.Records)
	}
	return keys
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	g := [][]key.Binding{{m.keys.Now, m.keys.Skip, m.keys.Records, m.Keys.Back}, m.Keys.ScrollKeys()}
	switch {
	case m.ready:
		g[0] = []key.Binding{m.keys.Advice, m.keys.Records, m.Keys.Back}
	case m.listing():
		g[0] = []key.Binding{m.keys.Open, m.keys.Up, m.keys.Down, m.againKey(), m.keys.Skip, m.keys.Records, m.Keys.Back}
	case m.several():
		g[0] = []key.Binding{m.againKey(), m.keys.Skip, m.keys.Records, m.keys.Close}
	}
	return common.WithActionKeys(g, m.actions)
}

// againKey is the key that checks again with several domains, where enter
// opens one: r alone.
func (m *Model) againKey() key.Binding {
	return key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "check again"))
}

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case ResultMsg:
		return m, m.result(msg)
	case TickMsg:
		if msg.Gen != m.StepBase.Gen || m.checking || m.ready {
			return m, nil // stale
		}
		m.now = msg.At
		if !m.now.Before(m.next) {
			return m, m.startCheck()
		}
		m.render()
		return m, m.tick()
	case actionMsg:
		if !msg.changed.IsZero() {
			m.sess.Changed(msg.changed)
		}
		return m, tea.Batch(m.setStatus(msg.domain, msg.status), m.startCheck())
	case spinner.TickMsg:
		return m, m.SpinTick(msg, m.checking)
	case tea.KeyMsg:
		if cmd, ok := m.key(msg); ok {
			return m, cmd
		}
	}
	return m, m.Scrolled(msg)
}

func (m *Model) key(msg tea.KeyMsg) (tea.Cmd, bool) {
	leaving := m.leaving
	m.leaving = false // any key but the advice key again stays
	if m.several() {
		if cmd, ok := m.listKey(msg); ok {
			return cmd, true
		}
	}
	switch {
	case key.Matches(msg, m.keys.Records), key.Matches(msg, m.Keys.Back):
		m.stop()
		m.sess.Focus = m.focused()
		return common.Back, true
	case m.ready && key.Matches(msg, m.keys.Advice):
		return m.done(), true
	case m.ready:
		return nil, false
	case key.Matches(msg, m.keys.Skip) && !leaving:
		m.leaving = true
		return m.setStatus("", common.StatusMsg{Level: common.Info, Text: "SPF and DKIM do not pass yet. Press a again to leave the checks for the advice; any other key stays here."}), true
	case key.Matches(msg, m.keys.Skip):
		if m.have {
			return m.done(), true
		}
		m.skipping = true
		return m.setStatus("", common.StatusMsg{Level: common.Info, Text: "Going to the advice as soon as this first check finishes…"}), true
	case msg.String() == "s":
		return m.setStatus("", common.StatusMsg{Level: common.Info, Text: "Nothing to save here: s saves the records on the Records screen (b goes back to them). Press a for the advice."}), true
	case key.Matches(msg, m.keys.Now):
		if m.checking {
			return nil, true
		}
		return m.startCheck(), true
	}
	for _, a := range m.actions {
		if key.Matches(msg, a.Key) {
			d := m.focused()
			if !m.sess.Domain(d).ProviderConfirmed {
				return m.setStatus(d, common.StatusMsg{Level: common.Failure, Text: "There are no records for " + d + " yet: go back to the records first."}), true
			}
			// The action acts on the records of DNS as it is now (a publish
			// since the records were shown changed them), never on an
			// older read.
			ctx, q, p, after := m.Ctx, m.checker.Querier(), m.Platform, m.sess.PlanInputAfter(m.sess.Domain(d))
			return func() tea.Msg {
				_, _, pl, err := session.PlanNow(ctx, q, p, d, nil, after)
				if err != nil {
					return actionMsg{domain: d, status: common.StatusMsg{Level: common.Failure, Text: "The records for " + d + " could not be worked out: " + dnscheck.Printable(err.Error())}}
				}
				switch msg := common.RunAction(ctx, a, pl)().(type) {
				case common.DNSChangedMsg:
					return actionMsg{domain: d, status: msg.Status, changed: msg.At}
				case common.StatusMsg:
					return actionMsg{domain: d, status: msg}
				}
				return nil
			}, true
		}
	}
	return nil, false
}

// listKey handles the keys of the list of domains and of an opened one.
func (m *Model) listKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	switch {
	case m.open && key.Matches(msg, m.keys.Close):
		m.open = false
		m.render()
		m.showSelected()
		return nil, true
	case m.listing() && !m.ready && key.Matches(msg, m.keys.Open):
		m.open = true
		m.Scroll.GotoTop()
		m.render()
		return nil, true
	case m.listing() && key.Matches(msg, m.keys.Up):
		m.sel = max(m.sel-1, 0)
		m.render()
		m.showSelected()
		return m.statusStale(), true
	case m.listing() && key.Matches(msg, m.keys.Down):
		m.sel = min(m.sel+1, len(m.domains)-1)
		m.render()
		m.showSelected()
		return m.statusStale(), true
	case key.Matches(msg, m.keys.Now) && msg.String() == "enter":
		return nil, m.open // enter opens; it does not check in a list
	}
	return nil, false
}

// setStatus returns the command that shows st in the status line, about
// domain ("": about no domain). A status about a domain names it, so that
// with several domains it is never read as another's.
func (m *Model) setStatus(domain string, st common.StatusMsg) tea.Cmd {
	m.statusFor = domain
	if domain != "" && m.several() && st.Text != "" && !strings.Contains(st.Text, domain) {
		st.Text = domain + ": " + st.Text
	}
	return func() tea.Msg { return st }
}

// statusStale clears the status line when it is about another domain
// than the one now focused (nil when there is nothing to clear).
func (m *Model) statusStale() tea.Cmd {
	if m.statusFor == "" || m.statusFor == m.focused() {
		return nil
	}
	return m.setStatus("", common.StatusMsg{})
}

// focused returns the domain the person is looking at.
func (m *Model) focused() string {
	if len(m.domains) == 0 {
		return ""
	}
	return m.domains[min(m.sel, len(m.domains)-1)]
}

func (m *Model) result(msg ResultMsg) tea.Cmd {
	if msg.Gen != m.StepBase.Gen || !m.checking {
		return nil // stale
	}
	m.checking, m.cancel = false, nil
	m.checks++
	m.changes = nil
	if m.have && len(m.reports) == len(msg.Reports) {
		for i := range msg.Reports {
			shown := m.shown[msg.Reports[i].Domain]
			m.changes = append(m.changes, checks.Changes(m.reports[i], msg.Reports[i], m.Platform.Name,
				func(c dnscheck.Code) bool { return shown[c] })...)
			for _, p := range msg.Reports[i].AllProblems() { // named by title in the changes
				if !slices.ContainsFunc(m.reports[i].AllProblems(), func(q dnscheck.Problem) bool { return q.Code == p.Code }) {
					m.markShown(msg.Reports[i].Domain, p.Code)
				}
			}
		}
	}
	m.reports, m.have, m.now = msg.Reports, true, msg.At
	m.sess.Checked(msg.Reports, msg.At)
	keep := common.Save
	if allReady(msg.Reports) {
		m.ready, m.open = true, false
		m.render()
		m.Scroll.GotoTop() // the success is read from its top
		return tea.Batch(keep, common.Bell)
	}
	if m.skipping {
		return tea.Batch(keep, m.done())
	}
	m.interval = checks.NextInterval(m.interval)
	m.next = msg.At.Add(m.interval)
	m.render()
	return tea.Batch(keep, m.tick())
}

// markShown notes that the problem of code was shown for domain.
func (m *Model) markShown(domain string, code dnscheck.Code) {
	if m.shown == nil {
		m.shown = map[string]map[dnscheck.Code]bool{}
	}
	if m.shown[domain] == nil {
		m.shown[domain] = map[dnscheck.Code]bool{}
	}
	m.shown[domain][code] = true
}

func allReady(reports []dnscheck.DomainReport) bool {
	for _, r := range reports {
		if !r.Ready {
			return false
		}
	}
	return len(reports) > 0
}

// showSelected scrolls the least needed to show the selected row.
func (m *Model) showSelected() {
	if m.listing() && m.sel+1 < len(m.rows) {
		m.Scroll.Show(m.rows[m.sel], m.rows[m.sel+1])
	}
}

func (m *Model) render() {
	st, w := m.Styles, m.Width
	var b strings.Builder
	subject := strings.Join(m.domains, "")
	if m.several() {
		subject = common.Plural(len(m.domains), "domain")
		if m.open {
			subject = m.focused()
		}
	}
	if m.ready {
		box := st.CardActive
		inner := max(w-box.GetHorizontalFrameSize(), 10)
		msg := st.Success.Render(common.Wrap("✓ "+checks.ReadyWords(m.domains)+"!", inner)) + "\n" +
			common.Wrap(fmt.Sprintf("Receivers will accept the mail %s sends as your staff's addresses.", m.Platform.Name), inner)
		if n, changes := m.remaining(); n > 0 {
			what := "it does not change the decision"
			if n > 1 {
				what = "none changes the decision"
			}
			if changes {
				what = "read it before you decide"
			}
			msg += "\n" + common.Wrap(fmt.Sprintf("Still reported: %s (below); %s.", common.Plural(n, "warning"), what), inner)
		}
		b.WriteString(box.Width(inner+box.GetHorizontalPadding()).Render(msg) + "\n")
		b.WriteString(st.Accent.Render(common.Wrap("Press enter for the advice.", w)) + "\n")
	} else {
		b.WriteString(st.Title.Render(common.Wrap("Checking "+subject+" until SPF and DKIM pass", w)) + "\n")
	}
	switch {
	case m.checking:
		b.WriteString(common.Wrap(m.Spin.View()+" Checking now…", w) + "\n")
	case m.ready:
	case m.have:
		left := max(m.next.Sub(m.now), 0)
		secs := int((left + time.Second - 1) / time.Second)
		b.WriteString(st.Accent.Render(common.Wrap(fmt.Sprintf("Next check in %d s (%s so far; the wait grows to %d s; r checks again)",
			secs, common.Plural(m.checks, "check"), int(checks.MaxInterval/time.Second)), w)) + "\n")
	default:
		b.WriteString("\n")
	}
	if !m.have {
		m.Scroll.SetContent(strings.TrimRight(b.String(), "\n"))
		return
	}
	b.WriteString("\n")
	if set, ok := checks.PlatformIPsOf(m.reports); ok {
		if note := checks.PlatformIPsNote(set); note != "" {
			b.WriteString(st.Warn.Render(common.Hang("! ", "  ", dnscheck.Printable(note), w)) + "\n\n")
		}
	}
	if m.listing() || (m.several() && m.ready) {
		m.renderList(&b, common.Height(b.String())-1)
		if m.ready {
			m.renderRemaining(&b)
		}
	} else {
		m.renderReport(&b, m.reports[min(m.sel, len(m.reports)-1)])
	}
	if len(m.changes) > 0 {
		b.WriteString("\n" + st.Accent.Render("Since the last check") + "\n")
		for _, c := range m.changes {
			b.WriteString(common.Hang("• ", "  ", dnscheck.Printable(c), w) + "\n")
		}
	}
	m.Scroll.SetContent(strings.TrimRight(b.String(), "\n"))
}

// renderList writes one line per domain (two when narrow): its mark, name
// and verdicts. top is the content line the list starts at.
func (m *Model) renderList(b *strings.Builder, top int) {
	st, w := m.Styles, m.Width
	m.rows = append(m.rows[:0], top)
	longest := 0
	for _, r := range m.reports {
		longest = max(longest, len([]rune(dnscheck.Printable(r.Domain))))
	}
	narrow := longest+4+40 > w // no room for columns: the verdicts go under the name
	if narrow {
		longest = 0
	}
	for i, r := range m.reports {
		v := checks.VerdictOf(r)
		mark := st.Tone(dnscheck.ToneOf(v)).Render(dnscheck.MarkOf(v))
		name := dnscheck.Printable(r.Domain)
		name += strings.Repeat(" ", max(longest-len([]rune(name)), 0))
		lead := "  "
		if i == m.sel && !m.ready {
			lead = "› "
			name = st.Accent.Render(name)
		}
		detail := dnscheck.Printable(checks.RowWords(r, m.Platform.Name))
		if n := len(r.AllProblems()); n > 0 && !r.Ready {
			detail += " · " + common.Plural(n, "problem")
		}
		head := lead + mark + " " + name
		row := common.Hang(head+"  ", "      ", st.Dim.Render(detail), w)
		if narrow {
			row = common.Hang(lead+mark+" ", "    ", name, w) + "\n" +
				st.Dim.Render(common.Hang("    ", "    ", detail, w))
		}
		b.WriteString(row + "\n")
		m.rows = append(m.rows, m.rows[len(m.rows)-1]+common.Height(row))
	}
	if !m.ready {
		b.WriteString("\n" + st.Dim.Render(common.Wrap("Enter opens the selected domain: what is wrong and how to fix it.", w)) + "\n")
	}
}

// renderReport writes one domain's verdicts, sources and problems.
func (m *Model) renderReport(b *strings.Builder, r dnscheck.DomainReport) {
	st, w := m.Styles, m.Width
	p := dnscheck.Printable
	line := func(name, mark string, tone dnscheck.Tone, status dnscheck.Verdict, detail string) {
		head := st.Tone(tone).Render(fmt.Sprintf("%s %-5s %-7s ", mark, name, dnscheck.Printable(string(status))))
		if w-16 < common.MinValueWidth {
			b.WriteString(head + "\n")
			if detail != "" {
				b.WriteString(st.Dim.Render(common.Hang("  ", "  ", p(detail), w)) + "\n")
			}
			return
		}
		b.WriteString(common.Hang(head, strings.Repeat(" ", 16), p(detail), w) + "\n")
	}
	d := checks.DetailsOf(r)
	line("SPF", dnscheck.MarkOf(r.SPF.Status), dnscheck.ToneOf(r.SPF.Status), r.SPF.Status, d.SPF)
	line("DKIM", dnscheck.MarkOf(r.DKIM.Status), dnscheck.ToneOf(r.DKIM.Status), r.DKIM.Status, d.DKIM)
	// DMARC in words: what its policy is and does, then its record.
	state := r.DMARC.State()
	mark, tone := dnscheck.DMARCMarkOf(state)
	words, record := checks.DMARCWords(state, m.Platform.Name), d.DMARC
	if r.DMARC.Status == dnscheck.VerdictError {
		words, record = d.DMARC, "" // "unknown: why"
	}
	b.WriteString(st.Tone(tone).Render(common.Hang(mark+" DMARC ", strings.Repeat(" ", 8), p(words), w)) + "\n")
	if record != "" {
		indent := strings.Repeat(" ", 16)
		if w-16 < common.MinValueWidth {
			indent = "  "
		}
		b.WriteString(st.Dim.Render(common.Hang(indent, indent, p(record), w)) + "\n")
	}

	// What the authoritative servers say, beside the person's resolver.
	b.WriteString(st.Dim.Render(common.Wrap(common.Capitalise(p(checks.SourceLine(r)))+".", w)) + "\n")
	switch {
	case len(r.Cache) > 0:
		for _, c := range r.Cache {
			b.WriteString(st.Warn.Render(common.Hang("! ", "  ", fmt.Sprintf("Published, but your resolver still has the old answer for %s %s cached for up to %s.", p(c.Name), c.Type, time.Duration(c.TTL)*time.Second), w)) + "\n")
		}
		b.WriteString(st.Dim.Render(common.Hang("  ", "  ", checks.CacheClears, w)) + "\n")
	case len(r.Source.Authoritative) > 0 && !r.Source.Fallback:
		b.WriteString(st.Dim.Render(common.Wrap("Your resolver sees the same answers.", w)) + "\n")
	}

	if probs := r.AllProblems(); len(probs) > 0 {
		heading := "To fix"
		if r.Ready {
			heading = "Still reported"
		}
		b.WriteString("\n" + st.Accent.Render(heading) + "\n")
		for _, pr := range probs {
			m.markShown(r.Domain, pr.Code)
			sign, sty := "✗ ", st.Fail
			switch pr.Severity {
			case dnscheck.SeverityWarning:
				sign, sty = "! ", st.Warn
			case dnscheck.SeverityInfo:
				sign, sty = "i ", st.Dim
			}
			b.WriteString(common.Hang(sty.Render(sign), "  ", p(pr.Message), w) + "\n")
			if fix := checks.FixFor(pr, audience.Wizard); fix != "" {
				b.WriteString(st.Dim.Render(common.Hang("  Fix: ", "       ", p(fix), w)) + "\n")
			}
			if r.Ready {
				_, why := checks.AfterReady(pr.Code)
				b.WriteString(st.Accent.Render(common.Hang("  ", "  ", why, w)) + "\n")
			}
		}
	}
}

// remaining counts the problems still reported on the domains, all ready,
// and says whether any of them changes the decision (checks.AfterReady).
func (m *Model) remaining() (n int, changes bool) {
	for _, r := range m.reports {
		for _, pr := range r.AllProblems() {
			n++
			c, _ := checks.AfterReady(pr.Code)
			changes = changes || c
		}
	}
	return n, changes
}

// renderRemaining writes, below the list of ready domains, each problem
// still reported, by title, and whether it changes the decision.
func (m *Model) renderRemaining(b *strings.Builder) {
	st, w := m.Styles, m.Width
	if n, _ := m.remaining(); n == 0 {
		return
	}
	b.WriteString("\n" + st.Accent.Render("Still reported") + "\n")
	var signs []string
	for _, r := range m.reports {
		for _, pr := range r.AllProblems() {
			m.markShown(r.Domain, pr.Code)
			signs = append(signs, checks.SignOf(pr.Severity))
		}
	}
	for i, text := range checks.StillReported(m.reports, m.Platform.Name) {
		b.WriteString(common.Hang(st.Warn.Render(signs[i]+" "), "  ", dnscheck.Printable(text), w) + "\n")
	}
}
