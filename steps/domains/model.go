// Package domains is the wizard's screen for databases whose users send
// from more than one mail domain: after the first domain it asks whether
// the staff send the platform's mail from any other domain, adds each one
// (normalised like the first, looked up at once), and stores the list as
// common.Others for the records, verify and advice screens (common.Targets
// reads it back). When some domain's own DMARC record would send no reports
// (plan.AsksReportAddress), it also asks, optionally, where they should go,
// and stores the answer as plan.ReportAddress for the records step.
package domains

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/advice"
	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/domainname"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

// LookedUpMsg is the lookup of an added domain finishing. Gen ties it to
// the domain as it was added: a lookup of a domain removed meanwhile is
// dropped.
type LookedUpMsg struct {
	Gen  int
	Snap discovery.Snapshot
	Err  error // the preparation hook failed
}

// entry is one added domain and the state of its lookup.
type entry struct {
	common.Extra
	gen  int
	busy bool
	err  error
}

// Model is the step that asks whether the database's users send from other
// domains. A text field adds one domain at a time (checked with
// domainname.Normalize, looked up at once); tab moves to the list, where x
// removes one. Enter on an empty field goes on; its result (in
// common.NextMsg) is common.Others.
type Model struct {
	common.StepBase
	q       dnscheck.Querier
	prepare func(ctx context.Context, domain string) error
	input   textinput.Model

	first   domainname.Input
	list    []entry
	inList  bool // the list has focus, not the field
	sel     int
	problem string // why the last enter added nothing
	waiting bool   // continue once every lookup has finished

	// The optional question where DMARC reports should go, asked below
	// the domains when some domain's own record would send none.
	firstSnap discovery.Snapshot
	reports   textinput.Model
	inReports bool   // the reports field has focus
	badReport string // why the address typed is refused

	keys struct {
		Add, Continue, List, Field, Up, Down, Remove key.Binding
		ToReports, FromReports                       key.Binding
	}
}

// NewModel returns the step. q answers the lookups of added domains;
// prepare, when not nil, runs before each (the demo sets up its simulated
// DNS with it).
func NewModel(c common.Common, q dnscheck.Querier, prepare func(ctx context.Context, domain string) error) *Model {
	ti := textinput.New()
	ti.Prompt = "› "
	// No CharLimit: it would cut a long paste without a word; Update
	// refuses a change past domainname.MaxField and says so instead.
	ti.PromptStyle = c.Styles.Accent
	ti.Cursor.SetMode(cursor.CursorStatic)
	ti.Focus()
	ri := textinput.New()
	ri.Prompt = "› "
	// Likewise past maxReportField.
	ri.PromptStyle = c.Styles.Accent
	ri.Cursor.SetMode(cursor.CursorStatic)
	m := &Model{
		StepBase: common.NewStepBase(c),
		q:        q,
		prepare:  prepare,
		input:    ti,
		reports:  ri,
	}
	m.Redraw = m.render
	m.keys.Add = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "add it"))
	m.keys.Continue = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue"))
	m.keys.List = key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "edit the list"))
	m.keys.Field = key.NewBinding(key.WithKeys("tab", "a"), key.WithHelp("tab/a", "add another"))
	m.keys.Up = key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up"))
	m.keys.Down = key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down"))
	m.keys.Remove = key.NewBinding(key.WithKeys("x", "delete", "backspace"), key.WithHelp("x", "remove"))
	m.keys.ToReports = key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "DMARC reports"))
	m.keys.FromReports = key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "back to domains"))
	m.Scroll.LineKeys = false
	m.SetSize(c.Width, c.Height)
	return m
}

// Title names the step in the header and in the saved progress.
const Title = "Other domains"

// Title implements common.Step.
func (m *Model) Title() string { return Title }

// Capturing implements common.Step: the field takes every key while it
// has focus.
func (m *Model) Capturing() bool { return !m.inList }

// Others returns the domains added so far (looked up or not).
func (m *Model) Others() common.Others {
	out := common.Others{}
	for _, e := range m.list {
		out = append(out, e.Extra)
	}
	return out
}

// Busy reports whether some lookup is running.
func (m *Model) Busy() bool {
	for _, e := range m.list {
		if e.busy {
			return true
		}
	}
	return false
}

// Enter implements common.Step. The list is kept when the person comes
// back; a domain equal to the (possibly new) first one is dropped from it.
// When the state already holds others (a resumed session) and the list is
// empty, they are taken from there.
func (m *Model) Enter(st *common.State, _ common.Direction) tea.Cmd {
	m.first, _ = common.Get[domainname.Input](st)
	m.firstSnap, _ = common.Get[discovery.Snapshot](st)
	if addr, ok := common.Get[plan.ReportAddress](st); ok && strings.TrimSpace(m.reports.Value()) == "" {
		m.reports.SetValue(string(addr))
	}
	resumed := false
	if saved, ok := common.Get[common.Others](st); ok && len(m.list) == 0 {
		for _, e := range saved {
			m.list = append(m.list, entry{Extra: e})
		}
		resumed = true
	}
	kept := m.list[:0]
	for _, e := range m.list {
		if e.Input.Domain != m.first.Domain {
			kept = append(kept, e)
		}
	}
	m.list = kept
	m.sel = min(m.sel, max(len(m.list)-1, 0))
	// Resumed domains not looked up yet are looked up now (after the
	// first domain was dropped from them, so it is not looked up again),
	// and so are those whose lookup was running when the person left the
	// step: its result went to another step and is lost.
	var cmds []tea.Cmd
	for i, e := range m.list {
		if e.busy || resumed && e.Snap.Domain != e.Input.Domain {
			cmds = append(cmds, m.lookUp(i))
		}
	}
	if len(cmds) > 0 {
		cmds = append(cmds, m.Spin.Tick)
	}
	m.inList, m.waiting, m.problem, m.inReports, m.badReport = false, false, "", false, ""
	m.reports.Blur()
	cmds = append(cmds, m.input.Focus())
	m.render()
	return tea.Batch(cmds...)
}

// SetSize implements common.Step.
func (m *Model) SetSize(w, h int) {
	m.Common.SetSize(w, h)
	m.input.Width = max(m.Width-len([]rune(m.input.Prompt))-1, 1)
	m.reports.Width = m.input.Width
	m.StepBase.SetSize(m.Width, m.Height)
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	if m.inList {
		return []key.Binding{m.keys.Remove, m.keys.Continue, m.keys.Field, m.Keys.Back}
	}
	if m.inReports {
		return []key.Binding{m.keys.Continue, m.keys.FromReports, m.Keys.Back}
	}
	next := m.keys.Continue
	if strings.TrimSpace(m.input.Value()) != "" {
		next = m.keys.Add
	}
	keys := []key.Binding{next}
	if len(m.list) > 0 {
		keys = append(keys, m.keys.List)
	}
	keys = append(keys, m.Keys.Back)
	if m.asksReports() {
		keys = append(keys, m.keys.ToReports)
	}
	return keys
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	if m.inList {
		return [][]key.Binding{{m.keys.Up, m.keys.Down, m.keys.Remove}, {m.keys.Continue, m.keys.Field, m.Keys.Back}}
	}
	return [][]key.Binding{m.ShortHelp()}
}

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case LookedUpMsg:
		return m, m.lookedUp(msg)
	case spinner.TickMsg:
		return m, m.SpinTick(msg, m.Busy())
	case tea.KeyMsg:
		if key.Matches(msg, m.Keys.Back) {
			m.waiting = false
			return m, common.Back
		}
		if msg.Type == tea.KeyPgUp || msg.Type == tea.KeyPgDown {
			// The "pgup/pgdn scroll" line is shown in every mode; no field
			// takes these keys, so they scroll (at 40×20 the reports
			// question sits below the fold).
			m.Scroll.Update(msg)
			return m, nil
		}
		switch {
		case m.inList:
			return m, m.listKey(msg)
		case m.inReports:
			return m, m.reportsKey(msg)
		}
		return m, m.fieldKey(msg)
	}
	return m, nil
}

func (m *Model) fieldKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Add):
		if strings.TrimSpace(m.input.Value()) == "" {
			return m.finish()
		}
		return m.add()
	case key.Matches(msg, m.keys.List) && len(m.list) > 0:
		m.inList, m.waiting = true, false // editing the list: not going on yet
		m.input.Blur()
		m.render()
		return nil
	case key.Matches(msg, m.keys.ToReports) && m.asksReports():
		m.inReports, m.waiting = true, false
		m.input.Blur()
		cmd := m.reports.Focus() // before drawing: the field shows its cursor
		m.render()
		return cmd
	}
	cmd, changed, refused := common.UpdateField(&m.input, msg, domainname.MaxField)
	switch {
	case refused > 0:
		m.problem = domainname.FieldTooLong(refused).Message
	case changed:
		m.problem = ""
	}
	m.render()
	return cmd
}

func (m *Model) listKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Up):
		m.sel = max(m.sel-1, 0)
	case key.Matches(msg, m.keys.Down):
		m.sel = min(m.sel+1, len(m.list)-1)
	case key.Matches(msg, m.keys.Remove) && len(m.list) > 0:
		m.list = append(m.list[:m.sel], m.list[m.sel+1:]...)
		m.sel = min(m.sel, max(len(m.list)-1, 0))
		if len(m.list) == 0 {
			m.inList = false
			focus := m.input.Focus()
			m.render()
			return tea.Batch(focus, m.keep())
		}
		m.render()
		return m.keep()
	case key.Matches(msg, m.keys.Continue):
		return m.finish()
	case key.Matches(msg, m.keys.Field):
		m.inList = false
		cmd := m.input.Focus()
		m.render()
		return cmd
	}
	m.render()
	return nil
}

func (m *Model) reportsKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Continue):
		return m.finish()
	case key.Matches(msg, m.keys.FromReports):
		m.inReports = false
		m.reports.Blur()
		cmd := m.input.Focus()
		m.render()
		return cmd
	}
	cmd, changed, refused := common.UpdateField(&m.reports, msg, maxReportField)
	switch {
	case refused > 0:
		m.badReport = fmt.Sprintf("That is %d characters long, more than the %d this field takes. Type one mailbox you read.", refused, maxReportField)
	case changed:
		m.badReport = ""
	}
	m.render()
	return cmd
}

// reportDomains are the domains whose own DMARC record would send no
// reports (plan.AsksReportAddress), looked up so far.
func (m *Model) reportDomains() []string {
	var out []string
	if m.firstSnap.Domain != "" && plan.AsksReportAddress(m.firstSnap) {
		out = append(out, m.firstSnap.Domain)
	}
	for _, e := range m.list {
		if !e.busy && e.err == nil && e.Snap.Domain != "" && plan.AsksReportAddress(e.Snap) {
			out = append(out, e.Snap.Domain)
		}
	}
	return out
}

// asksReports reports whether the question where DMARC reports should go
// is shown.
func (m *Model) asksReports() bool { return len(m.reportDomains()) > 0 }

// reportAddress is the address typed for DMARC reports, checked; "" when
// the field is empty or the question is not asked.
func (m *Model) reportAddress() (plan.ReportAddress, error) {
	if !m.asksReports() || strings.TrimSpace(m.reports.Value()) == "" {
		return "", nil
	}
	addr, err := plan.ParseReportAddress(m.reports.Value())
	if err != nil {
		return "", errors.New(strings.TrimPrefix(err.Error(), plan.ErrReportAddress.Error()+": "))
	}
	return plan.ReportAddress(addr), nil
}

// add normalises the field's text and, when it is a new domain, adds it
// and starts its lookup.
func (m *Model) add() tea.Cmd {
	in, err := domainname.Normalize(m.input.Value())
	if err != nil {
		var de *domainname.Error
		if errors.As(err, &de) && de.Suggestion != "" {
			m.problem = de.Message + " Did you mean " + de.Suggestion + "?"
		} else {
			m.problem = err.Error()
		}
		m.render()
		return nil
	}
	if in.Domain == m.first.Domain {
		m.problem = in.Domain + " is the first domain; add the others here."
		m.render()
		return nil
	}
	for _, e := range m.list {
		if e.Input.Domain == in.Domain {
			m.problem = in.Domain + " is already in the list."
			m.render()
			return nil
		}
	}
	m.problem = ""
	m.input.SetValue("")
	m.list = append(m.list, entry{Extra: common.Extra{Input: in}})
	return tea.Batch(m.lookUp(len(m.list)-1), m.Spin.Tick, m.keep())
}

// keep stores the list in the wizard's state as it changes, so the
// progress saved has it even if the person quits on this step.
func (m *Model) keep() tea.Cmd { return common.Keep(m.Title(), m.Others()) }

// lookUp starts the lookup of list entry i in a command.
func (m *Model) lookUp(i int) tea.Cmd {
	m.Gen++
	e := &m.list[i]
	e.gen, e.busy, e.err = m.Gen, true, nil
	gen, dom, q, p, prepare, ctx := e.gen, e.Input.Domain, m.q, m.Platform, m.prepare, m.Ctx
	m.render()
	return func() tea.Msg {
		if prepare != nil {
			if err := prepare(ctx, dom); err != nil {
				return LookedUpMsg{Gen: gen, Err: err}
			}
		}
		return LookedUpMsg{Gen: gen, Snap: discovery.Discover(ctx, q, dom, p)}
	}
}

func (m *Model) lookedUp(msg LookedUpMsg) tea.Cmd {
	defer m.render()
	for i := range m.list {
		e := &m.list[i]
		if e.gen != msg.Gen || !e.busy {
			continue
		}
		e.busy, e.err = false, msg.Err
		if msg.Err == nil {
			e.Snap = msg.Snap
		}
	}
	if m.waiting && !m.Busy() {
		m.waiting = false
		return m.finish()
	}
	return m.keep()
}

// finish goes on with the list; while a lookup runs it waits for it, so
// the records step starts from what each domain publishes.
// An address for DMARC reports that is refused keeps the person here, in
// that field, with the reason.
func (m *Model) finish() tea.Cmd {
	if m.Busy() {
		m.waiting = true
		m.render()
		return nil
	}
	addr, err := m.reportAddress()
	if err != nil {
		m.badReport = err.Error()
		var focus tea.Cmd
		if !m.inReports {
			m.inReports = true
			m.input.Blur()
			focus = m.reports.Focus()
		}
		m.render()
		return focus
	}
	return common.Next(m.Others(), addr)
}

func (m *Model) render() {
	st, w := m.Styles, m.Width
	p := dnscheck.Printable
	var b strings.Builder
	b.WriteString(st.Title.Render(common.Wrap(Question(m.Platform.Name), w)) + "\n")
	b.WriteString(common.Wrap(Explain, w) + "\n\n")

	b.WriteString(st.Accent.Render("Domains") + "\n")
	b.WriteString(common.Hang("  "+st.Pass.Render("✓ "), "    ", m.first.Domain+st.Dim.Render("  (first domain)"), w) + "\n")
	for i, e := range m.list {
		mark, note := st.Pass.Render("✓ "), ""
		switch {
		case e.busy:
			mark, note = m.Spin.View()+" ", "looking up…"
		case e.err != nil:
			mark, note = st.Fail.Render("✗ "), "could not look it up: "+p(e.err.Error())
		case e.Snap.Domain != "":
			note = describe(e.Snap)
			if len(e.Snap.Trouble) > 0 {
				mark = st.Warn.Render("! ")
			}
		}
		name := e.Input.Domain
		if e.Input.Unicode != e.Input.Domain {
			name += " (" + p(e.Input.Unicode) + ")"
		}
		lead := "  "
		if m.inList && i == m.sel {
			lead, name = st.Accent.Render("› "), st.Accent.Render(name)
		}
		line := name
		if note != "" {
			line += st.Dim.Render("  " + note)
		}
		row := common.Hang(lead+mark, "    ", line, w)
		if m.inList && i == m.sel {
			top := common.Height(b.String()) - 1
			defer m.Scroll.Show(top, top+common.Height(row)) // the selected row stays in view
		}
		b.WriteString(row + "\n")
	}
	b.WriteString("\n")
	if m.inList {
		b.WriteString(st.Dim.Render(common.Wrap("x removes the selected domain; tab adds another; enter goes on.", w)) + "\n")
	} else {
		b.WriteString(st.Text.Render(common.Wrap("Add another domain:", w)) + "\n")
		field := common.Height(b.String())
		b.WriteString(m.input.View() + "\n")
		defer m.Scroll.Show(field-1, field+2) // the field and the line under it stay in view
		switch {
		case m.problem != "":
			b.WriteString(st.Fail.Render(common.Hang("✗ ", "  ", p(m.problem), w)) + "\n")
		case m.waiting:
			b.WriteString(common.Wrap(m.Spin.View()+" Going on as soon as the lookups finish…", w) + "\n")
		case m.inReports:
		case strings.TrimSpace(m.input.Value()) == "":
			n := len(m.list) + 1
			b.WriteString(st.Dim.Render(common.Wrap(fmt.Sprintf("Press enter with the field empty to go on with %s.", common.Plural(n, "domain")), w)) + "\n")
		default:
			b.WriteString(st.Dim.Render(common.Wrap("Press enter to add it.", w)) + "\n")
		}
	}
	if !m.inList && m.asksReports() {
		m.renderReports(&b)
	}
	m.Scroll.SetContent(strings.TrimRight(b.String(), "\n"))
}

// renderReports writes the optional question where DMARC reports go.
func (m *Model) renderReports(b *strings.Builder) {
	st, w := m.Styles, m.Width
	b.WriteString("\n" + st.Accent.Render("DMARC reports (optional)") + "\n")
	b.WriteString(common.Wrap(ReportsQuestion(m.reportDomains()), w) + "\n")
	field := common.Height(b.String())
	b.WriteString(m.reports.View() + "\n")
	if m.inReports {
		defer m.Scroll.Show(field-2, field+2) // the question, the field and the line under it stay in view
	}
	switch {
	case m.badReport != "":
		b.WriteString(st.Fail.Render(common.Hang("✗ ", "  ", dnscheck.Printable(m.badReport), w)) + "\n")
	case m.inReports:
		b.WriteString(st.Dim.Render(common.Wrap("Press enter to go on; left empty, no reports arrive.", w)) + "\n")
	default:
		b.WriteString(st.Dim.Render(common.Wrap("Press ↓ to type one; left empty, no reports arrive.", w)) + "\n")
	}
}

// Question is the step's question for platform.
func Question(platform string) string {
	return fmt.Sprintf("Do your staff send %s mail from any other domain?", platform)
}

// Explain says what counts as another domain and why it matters.
const Explain = "For example a second center's domain, as in jane@othercenter.org. Each domain needs its own records; the advice covers them all."

// maxReportField is how many characters the reports field takes: a
// mailbox of plan.MaxReportAddressLen, a "mailto:" and a little room for
// spaces around it.
const maxReportField = plan.MaxReportAddressLen + len("mailto:") + 16

// ReportsQuestion asks where DMARC reports should go for domains.
func ReportsQuestion(domains []string) string {
	return fmt.Sprintf("Receivers can email a daily report on the mail sent as %s: who sent it and whether it passed. Where should these reports go? Type a mailbox you read, like dmarc@%s.", advice.Names(domains), domains[0])
}

// describe sums a snapshot up in a few words: DNS host and mail provider.
func describe(s discovery.Snapshot) string {
	host := "DNS: " + s.DNSHost.Name
	switch {
	case len(s.NS) == 0 && troubled(s, "NS"):
		host = "DNS host unknown (no answer)"
	case s.DNSHost.ID == assets.GenericDNSHostID || s.DNSHost.Name == "":
		host = "DNS host not recognised"
	}
	mail := "mail: none (no MX)"
	switch {
	case s.ProviderFound:
		mail = "mail: " + s.Provider.Name
	case len(s.MX) > 0:
		mail = "mail: a provider not in the catalog"
	case troubled(s, "MX"):
		mail = "mail: unknown (no answer)" // not "none": the lookup failed
	}
	parts := []string{host, mail}
	if len(s.Trouble) > 0 {
		parts = append(parts, common.Plural(len(s.Trouble), "lookup")+" got no answer")
	}
	return strings.Join(parts, " · ")
}

// troubled reports whether a lookup of type qtype got no answer.
func troubled(s discovery.Snapshot, qtype string) bool {
	for _, t := range s.Trouble {
		if t.Type == qtype {
			return true
		}
	}
	return false
}
