// Package records is the wizard's records screen: the plan core/plan builds
// for each domain, shown the way the domain's DNS host wants it, saved as
// instructions or as a hand-off sheet for whoever edits DNS.
package records

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/outreach-auth/wizard/core/audience"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/internal/safefile"
	"github.com/outreach-auth/wizard/tui/common"
)

// PlanMsg is the outcome of one plan build (session.Plan). Gen ties it to
// the build that asked for it; results of older builds are dropped.
type PlanMsg struct {
	Gen    int
	Domain string // the domain it was built for
	Plan   plan.Plan
	Err    error
	// Input is what the plan was built from.
	Input session.PlanInput
	// Lookup is set when the build looked the domain up again first.
	Lookup *session.Lookup
}

// SavedMsg reports that the instructions for Domain were written to Path
// (or why not).
type SavedMsg struct {
	Domain string
	Path   string
	Err    error
}

// FileName returns the name the instructions for domain are saved under.
func FileName(domain string) string { return "dns-records-" + domain + ".txt" }

// Save writes the plan's instructions (plan.WriteTextFor) to dir (the
// current directory when empty) and returns the file's absolute path. The
// file may be read by someone without the wizard, so it is worded as the
// hand-off sheet is (audience.Sheet). It is SaveFS on the real file
// system.
func Save(dir string, p plan.Plan) (string, error) { return SaveFS(nil, dir, p) }

// SaveFS is Save through fsys (nil: the real file system): the file is
// written whole or not at all, never through a symbolic link or other
// non-file at its name (safefile.WriteFile, see docs/files.md); the error
// then wraps a *safefile.WriteError.
func SaveFS(fsys safefile.FS, dir string, p plan.Plan) (string, error) {
	var b bytes.Buffer
	if err := plan.WriteTextFor(&b, p, audience.Sheet); err != nil {
		return "", err
	}
	path, err := filepath.Abs(filepath.Join(dir, FileName(p.Domain)))
	if err != nil {
		return "", fmt.Errorf("records: %w", err)
	}
	if err := safefile.WriteFile(fsys, path, b.Bytes(), 0o644); err != nil {
		return "", fmt.Errorf("records: saving the instructions: %w", err)
	}
	return path, nil
}

// Model is the wizard's records step: one card per record (type, the name
// as the DNS host's form wants it, the value, add / replace / keep), the
// DNS host's warnings, and keys to copy, save and switch the platform's SPF
// part between include and addresses. Each plan, built from the newest
// read (session.Plan), is recorded in the session.
type Model struct {
	common.StepBase
	q       dnscheck.Querier
	saveDir string
	fsys    safefile.FS // nil: the real file system (WithFS)
	// home is the person's home folder once a save found the folder
	// given read-only and offered it; s and h write there from then on.
	home    string
	actions []common.KeyAction

	prepare session.Prepare
	sess    *session.Session

	doms   []slot // one per domain, in the wizard's order
	cur    int    // the domain shown
	useIPs bool
	// addrs is the platform's addresses that i writes, read once per run
	// (as 'wizard records --use-ips' reads them).
	addrs   *plan.PlatformAddresses
	toggled bool
	going   bool // enter was pressed while a domain's plan was building
	// pending is an action key (the demo's p) pressed while the plan of
	// the domain shown was being worked out: it runs on the new plan.
	pending *pendingAction
	sel     int
	tops    []int // first line of each card in the content
	// notesOpen shows the "Watch out" notes in full; folded, each takes
	// one line, so that the cards fit above the fold (w switches).
	notesOpen bool
	// restTop is where the person had scrolled before a resize moved
	// the view to keep the selected card in it (-1: it did not): the
	// next resize goes back there when the card is seen from there, so
	// a window that shrinks for a moment (the full help) and grows
	// again shows what it showed.
	restTop int

	keys recordKeys

	// asking is the extra key whose question (Action.Ask) is being
	// answered in input, or nil.
	asking *common.KeyAction
	input  textinput.Model
}

type recordKeys struct {
	Next, Prev, NextCard, CopyValue, CopyName, CopyAll, Save, ToggleIPs, Retry, PrevDomain, NextDomain key.Binding

	Handoff key.Binding // writes the hand-off sheet
	Notes   key.Binding // shows the "Watch out" notes in full, or folds them
}

// slot is one domain's plan, and the work on it.
type slot struct {
	domain string
	// lookupFailed is set when err is a failed lookup (r looks again).
	lookupFailed bool
	plan         plan.Plan
	have         bool
	err          error
	busy         bool
	gen          int
}

// NewModel returns the records step. q answers the lookups plan.Build makes;
// saveDir is where instructions are saved ("" is the current directory);
// actions are extra keys.
func NewModel(c common.Common, q dnscheck.Querier, saveDir string, actions []common.KeyAction) *Model {
	m := &Model{
		StepBase: common.NewStepBase(c),
		q:        q,
		saveDir:  saveDir,
		actions:  actions,
		keys: recordKeys{
			Next:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "check them")),
			Prev:       key.NewBinding(key.WithKeys("up", "k", "shift+tab"), key.WithHelp("↑/k", "previous record")),
			NextCard:   key.NewBinding(key.WithKeys("down", "j", "tab"), key.WithHelp("↓/j", "next record")),
			CopyValue:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy value")),
			CopyName:   key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "copy name")),
			CopyAll:    key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "copy all (zone)")),
			Save:       key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save this domain (.txt)")),
			ToggleIPs:  key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "SPF: use addresses")),
			Retry:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "try again")),
			Handoff:    key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "hand-off sheet, all domains")),
			PrevDomain: key.NewBinding(key.WithKeys("left", "["), key.WithHelp("←", "previous domain")),
			NextDomain: key.NewBinding(key.WithKeys("right", "]"), key.WithHelp("→", "next domain")),
			Notes:      key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "read the notes in full")),
		},
		doms:    []slot{{}},
		addrs:   plan.NewPlatformAddresses(q, c.Platform),
		restTop: -1,
	}
	m.Redraw = m.render
	m.Scroll.LineKeys = false
	if len(c.Platform.SPF.IPs) == 0 || c.Platform.SPF.Include == "" {
		m.keys.ToggleIPs.SetEnabled(false)
	}
	return m
}

// Title names the step in the header and in the saved progress.
const Title = "Records"

// Title implements common.Step.
func (m *Model) Title() string { return Title }

// WithPrepare sets what runs before a domain is looked up again (the
// demo sets its simulated DNS up with it); it returns m.
func (m *Model) WithPrepare(prepare session.Prepare) *Model {
	m.prepare = prepare
	return m
}

// Plan returns the plan of the domain shown, and whether there is one.
func (m *Model) Plan() (plan.Plan, bool) { return m.s().plan, m.s().have }

// Plans returns the plans built so far, in the domains' order, marked
// Simulated in the demo (the sheet then says its commands are for the
// real domain).
func (m *Model) Plans() plan.Plans {
	out := plan.Plans{}
	for _, d := range m.doms {
		if d.have {
			pl := d.plan
			pl.Simulated = m.sess != nil && m.sess.Simulated
			out = append(out, pl)
		}
	}
	return out
}

// Domain returns the domain shown.
func (m *Model) Domain() string { return m.s().domain }

// s returns the slot of the domain shown.
func (m *Model) s() *slot { return &m.doms[m.cur] }

// several reports whether the step has more than one domain.
func (m *Model) several() bool { return len(m.doms) > 1 }

// Selected returns the index of the selected card.
func (m *Model) Selected() int { return m.sel }

// Enter implements common.Step: every domain's records are worked out
// from the newest facts in the session. A domain whose last read is older
// than a check or a change to DNS (coming back from the checks, or after
// a publish) is looked up again first, so the records shown are those of
// DNS as last read: "keep" for what was published meanwhile, "delete" for
// a record at a wrong name. A domain whose lookup failed stays failed
// (r looks again); a plan already built from the newest facts is shown
// as it is. Coming back, the domain the person was looking at is shown.
func (m *Model) Enter(s *session.Session, dir common.Direction) tea.Cmd {
	m.pending = nil
	m.sess = s
	m.useIPs = s.UseIPs
	m.updateToggleHelp()
	focus := ""
	if dir == common.Backward && s.Focus != "" {
		focus, s.Focus = s.Focus, ""
	}
	shown := m.Domain()
	m.doms = make([]slot, 0, max(len(s.Domains), 1))
	for _, d := range s.Domains {
		sl := slot{domain: d.Input.Domain}
		if pl, ok := s.Plan(d); ok && s.Current(d) {
			sl.plan, sl.have = pl, true
		}
		m.doms = append(m.doms, sl)
	}
	if len(m.doms) == 0 {
		m.doms = []slot{{}}
	}
	m.cur, m.sel = 0, 0
	if dir == common.Backward {
		// The domain in focus, else (an unknown one) the one shown before.
		m.cur = m.indexOf(shown)
		m.cur = m.indexOf(focus)
	}
	m.Scroll.GotoTop()
	// The newest fact wins, and the step says why the records may differ
	// from those shown before.
	var reread tea.Cmd
	for _, d := range s.Domains {
		if !d.ReadAt.IsZero() && !s.Current(d) {
			reread = common.SetStatus(common.Info, "Looking DNS up again: it was checked or changed since it was last read, so the records show what it says now.")
			break
		}
	}
	return tea.Batch(reread, m.buildAll())
}

func (m *Model) indexOf(domain string) int {
	for i, d := range m.doms {
		if d.domain == domain {
			return i
		}
	}
	return m.cur
}

// show makes domain i the one shown. The command it returns clears the
// status line, which spoke of the domain shown before.
func (m *Model) show(i int) tea.Cmd {
	if i < 0 || i >= len(m.doms) || i == m.cur {
		return nil
	}
	m.cur, m.sel = i, 0
	m.Scroll.GotoTop()
	m.render()
	return common.SetStatus(common.Info, "")
}

// slotDomain returns the session's domain of slot i.
func (m *Model) slotDomain(i int) *session.Domain { return m.sess.Domain(m.doms[i].domain) }

func (m *Model) buildAll() tea.Cmd {
	cmds := []tea.Cmd{}
	for i := range m.doms {
		if !m.doms[i].have {
			cmds = append(cmds, m.work(i, false))
		}
	}
	m.render()
	return tea.Batch(cmds...)
}

// work works domain i's records out: looked up first when its read is not
// the newest (or again, when retry is set), then built. A domain whose
// lookup failed is not looked up again unless retry is set: it stays
// "could not look it up".
func (m *Model) work(i int, retry bool) tea.Cmd {
	d := m.slotDomain(i)
	if d == nil {
		return nil
	}
	switch {
	case retry || (!m.sess.Current(d) && d.LookupErr == ""):
		return m.lookUp(i)
	case d.LookupErr != "":
		sl := &m.doms[i]
		_, err := m.sess.PlanInput(d) // says the lookup failed
		sl.busy, sl.have, sl.err = false, false, err
		sl.lookupFailed = true
		return nil
	}
	return m.rebuild(i)
}

// lookUp looks domain i up again and builds its plan in a command.
func (m *Model) lookUp(i int) tea.Cmd {
	m.Gen++
	sl := &m.doms[i]
	sl.gen, sl.busy, sl.err, sl.lookupFailed = m.Gen, true, nil, false
	gen, q, dom, p, prepare, ctx, addrs := sl.gen, m.q, sl.domain, m.Platform, m.prepare, m.Ctx, m.addrs
	after := m.sess.PlanInputAfter(m.slotDomain(i))
	m.render()
	return tea.Batch(m.Spin.Tick, func() tea.Msg {
		l := session.Discover(ctx, q, p, dom, prepare)
		msg := PlanMsg{Gen: gen, Domain: dom, Lookup: &l}
		in, err := after(l)
		if err != nil {
			msg.Err = err
			return msg
		}
		in.Addresses = addrs
		msg.Input = in
		msg.Plan, msg.Err = session.Plan(ctx, q, p, in)
		return msg
	})
}

// rebuild builds domain i's plan from the session's newest facts in a
// command (session.Plan).
func (m *Model) rebuild(i int) tea.Cmd {
	sl := &m.doms[i]
	in, err := m.sess.PlanInput(m.slotDomain(i))
	if err != nil {
		sl.busy, sl.err = false, err
		m.render()
		return nil
	}
	in.Addresses = m.addrs
	m.Gen++
	sl.gen, sl.busy, sl.err = m.Gen, true, nil
	gen, q, p, ctx := sl.gen, m.q, m.Platform, m.Ctx
	m.render()
	return tea.Batch(m.Spin.Tick, func() tea.Msg {
		pl, err := session.Plan(ctx, q, p, in)
		return PlanMsg{Gen: gen, Domain: in.Snap.Domain, Plan: pl, Err: err, Input: in}
	})
}

// settled goes on when enter was pressed while domains were being worked
// out and every one is done now (or says which failed).
func (m *Model) settled() tea.Cmd {
	if !m.going || m.busy() {
		return nil
	}
	m.going = false
	if failed := m.failed(); len(failed) > 0 {
		return m.failedStatus(failed)
	}
	return common.Next
}

// Trouble says why the records of domain could not be worked out (err),
// and what the person can do, for the screen and the line prompts: a
// failed lookup stays failed ("could not look it up", r looks again); a
// provider nobody confirmed is confirmed first.
func Trouble(domain string, err error) (what, how string) {
	p := dnscheck.Printable
	switch {
	case errors.Is(err, session.ErrUnconfirmed):
		return "The mail provider of " + domain + " is not confirmed yet, so no records are proposed for it.",
			"Press esc to go back and confirm or choose it."
	case errors.Is(err, session.ErrNotRead):
		why := strings.TrimPrefix(err.Error(), session.ErrNotRead.Error())
		why = strings.TrimPrefix(strings.TrimPrefix(why, ": "), "could not look it up ")
		return p(domain + ": could not look it up " + why),
			"No records are proposed until it has been read. Press r to look it up again, or esc to go back and remove it."
	}
	return "Could not work out the records: " + p(err.Error()), "Press r to try again, or esc to go back."
}

// failed returns the domains whose records could not be worked out.
func (m *Model) failed() []string {
	var out []string
	for _, d := range m.doms {
		if d.err != nil && !d.have {
			out = append(out, d.domain)
		}
	}
	return out
}

// failedStatus says which domains have no records yet and what to do.
func (m *Model) failedStatus(failed []string) tea.Cmd {
	how := "go to it with ←/→ and press r to try again, or esc back to remove it from the list."
	if !m.several() {
		how = "press r to try again."
	}
	return common.SetStatus(common.Failure, fmt.Sprintf("The records for %s could not be worked out: %s", strings.Join(failed, ", "), how))
}

// busy reports whether some domain's build is running.
func (m *Model) busy() bool {
	for _, d := range m.doms {
		if d.busy {
			return true
		}
	}
	return false
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	if !m.s().have {
		if m.s().err != nil && !errors.Is(m.s().err, session.ErrUnconfirmed) {
			return []key.Binding{k.Retry, m.Keys.Back}
		}
		return []key.Binding{m.Keys.Back}
	}
	// Extra actions (the demo's publish keys) come early so that they fit.
	keys := append([]key.Binding{k.Next}, common.ActionKeys(m.actions)...)
	if m.several() {
		// The key that moves from here: the last domain has no next one.
		if m.cur == len(m.doms)-1 {
			keys = append(keys, k.PrevDomain)
		} else {
			keys = append(keys, k.NextDomain)
		}
	}
	return append(keys, k.CopyValue, k.Handoff, k.CopyName, k.CopyAll, k.Save, k.Notes, k.ToggleIPs, k.NextCard)
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	groups := [][]key.Binding{
		{k.CopyValue, k.CopyName, k.CopyAll, k.Save, k.Handoff},
		{k.Next, m.Keys.Back, k.ToggleIPs, k.Notes},
		{k.Prev, k.NextCard, m.Keys.PageUp, m.Keys.PageDown, m.Keys.Top, m.Keys.Bottom},
	}
	if m.several() {
		groups = append(groups, []key.Binding{k.PrevDomain, k.NextDomain})
	}
	return common.WithActionKeys(groups, m.actions)
}

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case common.DNSChangedMsg:
		// The shell recorded the change: every domain is looked up again,
		// its records shown meanwhile, so what was published now reads
		// "keep".
		var cmds []tea.Cmd
		for i := range m.doms {
			if !m.doms[i].busy {
				cmds = append(cmds, m.work(i, false))
			}
		}
		return m, tea.Batch(cmds...)
	case PlanMsg:
		i := m.indexOf(msg.Domain)
		sl := &m.doms[i]
		if sl.domain != msg.Domain || msg.Gen != sl.gen || !sl.busy {
			return m, nil // stale
		}
		sl.busy = false
		var cmd tea.Cmd
		if msg.Lookup != nil {
			m.sess.Record(*msg.Lookup)
			cmd = common.Save
		}
		switch {
		case msg.Lookup != nil && msg.Lookup.Err != nil:
			sl.have = false
			m.work(i, false) // says the lookup failed
		case msg.Err != nil:
			sl.err = msg.Err
		case !m.sess.SetPlan(msg.Input, msg.Plan):
			// Built from facts that are no longer the newest: build again.
			return m, tea.Batch(cmd, m.rebuild(i))
		default:
			sl.plan, sl.have = msg.Plan, true
			if i == m.cur {
				m.sel = max(min(m.sel, len(sl.plan.Records)-1), 0)
			}
			if m.toggled && !m.busy() {
				how := "its include (" + m.Platform.SPF.Include + ")"
				if m.useIPs {
					how = "its addresses (ip4:), which must be updated by hand when they change"
				}
				whose := "The SPF record of " + m.Domain()
				if m.several() {
					whose = "The SPF record of every domain"
				}
				cmd = tea.Batch(cmd, common.SetStatus(common.Info, fmt.Sprintf("%s now authorises %s by %s.", whose, m.Platform.Name, how)))
			}
		}
		if !m.busy() {
			m.toggled = false
		}
		m.render()
		if m.pending != nil && m.pending.dom == i && !sl.busy {
			if sl.have {
				// After this update's own messages, so that what the
				// action says is the last word on the status line.
				cmd = tea.Sequence(cmd, common.RunAction(m.Ctx, m.pending.action, sl.plan))
			}
			m.pending = nil
		}
		return m, tea.Batch(cmd, m.settled())
	case HandoffSavedMsg:
		if msg.Err != nil {
			return m, common.SetStatus(common.Failure, m.failedSave("the hand-off sheet", "h", msg.Err))
		}
		m.noteHandoff(msg)
		return m, tea.Batch(handoffStatus(msg), common.Save)
	case SavedMsg:
		if msg.Err != nil {
			return m, common.SetStatus(common.Failure, m.failedSave("the records for "+msg.Domain, "s", msg.Err))
		}
		what := m.noteSaved(msg.Domain, msg.Path)
		text := "Saved " + what + " to " + msg.Path + "."
		if m.several() {
			text = "Saved " + what + " (this domain only; h saves every domain's) to " + msg.Path + "."
		}
		return m, tea.Batch(common.SetStatus(common.Success, dnscheck.Printable(text)), common.Save)
	case spinner.TickMsg:
		return m, m.SpinTick(msg, m.busy())
	case tea.KeyMsg, tea.MouseMsg:
		m.restTop = -1 // the person moves the view from here on
		if msg, ok := msg.(tea.KeyMsg); ok {
			if cmd, ok := m.key(msg); ok {
				return m, cmd
			}
		}
	}
	return m, m.Scrolled(msg)
}

// Capturing implements common.Step: an extra key's question takes typed
// text.
func (m *Model) Capturing() bool { return m.asking != nil }

// answering handles a key while an extra key's question is asked: enter
// runs the key with the answer, esc drops it.
func (m *Model) answering(msg tea.KeyMsg) tea.Cmd {
	a := *m.asking
	switch msg.Type {
	case tea.KeyEnter:
		m.asking = nil
		m.render()
		a.Answer(strings.TrimSpace(m.input.Value()))
		return common.RunAction(m.Ctx, a, m.s().plan)
	case tea.KeyEsc:
		m.asking = nil
		m.render()
		return common.SetStatus(common.Info, "Nothing was done.")
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	m.render()
	return cmd
}

func (m *Model) key(msg tea.KeyMsg) (tea.Cmd, bool) {
	k := m.keys
	if m.asking != nil {
		return m.answering(msg), true
	}
	if key.Matches(msg, m.Keys.Back) {
		for i := range m.doms { // drop the builds in flight
			m.doms[i].busy, m.doms[i].gen = false, 0
		}
		m.going = false
		return common.Back, true
	}
	if m.several() {
		switch {
		case key.Matches(msg, k.PrevDomain):
			return m.show(max(m.cur-1, 0)), true
		case key.Matches(msg, k.NextDomain):
			return m.show(min(m.cur+1, len(m.doms)-1)), true
		}
	}
	if !m.s().have {
		if m.s().err != nil && !errors.Is(m.s().err, session.ErrUnconfirmed) && !m.s().busy && key.Matches(msg, k.Retry) {
			return m.work(m.cur, true), true // look again: the last look had trouble
		}
		return nil, false
	}
	rec := m.s().plan.Records[m.sel]
	if m.s().busy && key.Matches(msg, k.CopyValue, k.CopyName, k.CopyAll, k.Save) {
		// DNS is being read again: what is on the screen may be of an
		// older read, and nothing older is copied or saved.
		return common.SetStatus(common.Info, "Still working out the records from DNS as it is now; press "+msg.String()+" again in a moment."), true
	}
	switch {
	case key.Matches(msg, k.Notes):
		m.notesOpen = !m.notesOpen
		if m.notesOpen {
			k.Notes.SetHelp("w", "fold the notes")
			m.keys.Notes = k.Notes
			m.render()
			m.Scroll.GotoTop() // the notes are read from their start
			break
		}
		k.Notes.SetHelp("w", "read the notes in full")
		m.keys.Notes = k.Notes
		m.selectCard(m.sel)
	case key.Matches(msg, k.Next):
		if m.busy() {
			// Every domain's plan goes to the checks: wait for the rest.
			m.going = true
			return common.SetStatus(common.Info, "Going on as soon as every domain's records are worked out…"), true
		}
		if failed := m.failed(); len(failed) > 0 {
			return m.failedStatus(failed), true
		}
		return common.Next, true
	case key.Matches(msg, k.Prev):
		m.selectCard(m.sel - 1)
	case key.Matches(msg, k.NextCard):
		if m.sel == 0 && !m.cardInView(0) {
			// The notes above the cards fill the window: the first
			// press shows the first card rather than skip it.
			m.Scroll.Show(m.tops[0], m.tops[1])
			break
		}
		m.selectCard(m.sel + 1)
	case key.Matches(msg, k.CopyValue):
		return m.copy(fmt.Sprintf("the %s value for %s", rec.Label(), m.Domain()), rec.FormValue), true
	case key.Matches(msg, k.CopyName):
		if rec.HostField == "" {
			return common.SetStatus(common.Info, dnscheck.Printable(fmt.Sprintf("Nothing to copy: leave the name box of the %s record for %s empty (the domain itself).", rec.Label(), m.Domain()))), true
		}
		return m.copy(fmt.Sprintf("the %s name for %s", rec.Label(), m.Domain()), rec.HostField), true
	case key.Matches(msg, k.CopyAll):
		return m.copy("all records for "+m.Domain()+" as a zone-file snippet", plan.ZoneSnippet(m.s().plan)), true
	case key.Matches(msg, k.Save):
		fsys, dir, p := m.fsys, m.dir(), m.s().plan
		// Addressed to this step: the file is recorded even if the
		// person has moved on by the time it is written.
		return common.ToStep(Name, func() tea.Msg {
			path, err := SaveFS(fsys, dir, p)
			return SavedMsg{Domain: p.Domain, Path: path, Err: err}
		}), true
	case key.Matches(msg, k.Handoff):
		// The sheet covers every domain, or it is not written.
		if m.busy() {
			return common.SetStatus(common.Info, "Still working out the records; press h again in a moment."), true
		}
		if failed := m.failed(); len(failed) > 0 {
			return m.failedStatus(failed), true
		}
		return common.ToStep(Name, saveHandoff(m.fsys, m.dir(), m.Plans()...)), true
	case key.Matches(msg, k.ToggleIPs) && !m.busy():
		m.useIPs, m.toggled = !m.useIPs, true
		m.sess.UseIPs = m.useIPs
		m.updateToggleHelp()
		var cmds []tea.Cmd
		for i := range m.doms {
			cmds = append(cmds, m.rebuild(i))
		}
		return tea.Batch(cmds...), true
	default:
		for _, a := range m.actions {
			if !key.Matches(msg, a.Key) {
				continue
			}
			if m.s().busy {
				// The records are being worked out again: what is on
				// the screen is about to change. The action runs on
				// the records once they show (as enter does).
				m.pending = &pendingAction{action: a, dom: m.cur}
				return common.SetStatus(common.Info, "The records are being worked out; "+a.Key.Help().Key+" runs once they show."), true
			}
			if !m.s().have {
				return common.SetStatus(common.Info, "There are no records yet: press r to try again."), true
			}
			if q := a.Question(); q != "" {
				m.asking = &a
				m.input = textinput.New()
				m.input.Prompt = dnscheck.Printable(q) + " "
				m.input.CharLimit = 4096
				m.input.Focus()
				m.render()
				m.Scroll.GotoTop()
				return nil, true
			}
			return common.RunAction(m.Ctx, a, m.s().plan), true
		}
		return nil, false
	}
	return nil, true
}

func (m *Model) updateToggleHelp() {
	if m.useIPs {
		m.keys.ToggleIPs.SetHelp("i", "SPF: use include")
	} else {
		m.keys.ToggleIPs.SetHelp("i", "SPF: use addresses")
	}
}

func (m *Model) copy(what, text string) tea.Cmd {
	fsys, dir, p := m.fsys, m.dir(), m.s().plan
	return func() tea.Msg {
		return common.CopyMsg{What: what, Text: text, Save: func() (string, error) { return SaveFS(fsys, dir, p) }}
	}
}

// SetSize implements common.Step: the content is laid out again for the
// new area, and the selected card, when its heading left the window,
// is brought back into it (c copies the card that is seen).
func (m *Model) SetSize(width, height int) {
	m.StepBase.SetSize(width, height)
	if !m.s().have || m.sel+1 >= len(m.tops) {
		return
	}
	if m.restTop >= 0 {
		m.Scroll.SetYOffset(m.restTop)
		if m.cardInView(m.sel) {
			m.restTop = -1
			return
		}
	}
	if !m.cardInView(m.sel) {
		if m.restTop < 0 {
			m.restTop = m.Scroll.YOffset()
		}
		m.Scroll.Show(m.tops[m.sel], m.tops[m.sel+1])
	}
}

// cardInView reports whether card i's heading is in the window.
func (m *Model) cardInView(i int) bool {
	top := m.Scroll.YOffset()
	return m.tops[i] >= top && m.tops[i] < top+m.Scroll.Height()
}

func (m *Model) selectCard(i int) {
	if i < 0 || i >= len(m.s().plan.Records) {
		return
	}
	m.sel = i
	m.render()
	if i == 0 && m.tops[1] <= m.Scroll.Height() {
		m.Scroll.GotoTop() // the notes above the first card too
		return
	}
	m.Scroll.Show(m.tops[i], m.tops[i+1])
}

func (m *Model) render() {
	st, w := m.Styles, m.Width
	var b strings.Builder
	switch {
	case m.s().busy && !m.s().have:
		b.WriteString(common.Wrap(m.Spin.View()+" Working out the records for "+m.s().domain+"…", w))
	case m.s().err != nil:
		what, how := Trouble(m.s().domain, m.s().err)
		b.WriteString(st.Fail.Render(common.Hang("✗ ", "  ", what, w)) + "\n\n")
		b.WriteString(common.Wrap(how, w))
	case m.s().have:
		if m.asking != nil {
			b.WriteString(m.input.View() + "\n")
			b.WriteString(st.Dim.Render(common.Wrap("enter goes on · esc drops it", w)) + "\n\n")
		}
		m.renderPlan(&b)
	}
	m.Scroll.SetContent(strings.TrimRight(b.String(), "\n"))
}

func (m *Model) renderPlan(b *strings.Builder) {
	st, w, pl := m.Styles, m.Width, m.s().plan
	p := dnscheck.Printable
	title := pl.Heading()
	if m.s().busy {
		title = m.Spin.View() + " " + title
	}
	b.WriteString(st.Title.Render(common.Wrap(title, w)) + "\n")
	if m.several() {
		b.WriteString(st.Accent.Render(common.Wrap(fmt.Sprintf("Domain %d of %d · ←/→ shows the others' records", m.cur+1, len(m.doms)), w)) + "\n")
	}
	b.WriteString(st.Dim.Render(common.Wrap("DNS host: "+pl.HostWords()+" · mail provider: "+p(pl.Provider), w)) + "\n")
	b.WriteString(st.Dim.Render(common.Wrap("Each card's Name goes in the form's name box, its Value in the value box.", w)) + "\n")
	// The notes that prevent a mistake (how the form wants names and
	// quotes, the record to edit rather than add) come before the cards.
	// Folded, each takes one line (w shows them in full), so that the
	// first cards fit in a 80×24 window.
	if warnings := pl.WarningsFor(audience.Wizard); len(warnings) > 0 {
		if m.notesOpen {
			b.WriteString(st.Warn.Render(common.Wrap("Watch out (w folds these notes)", w)) + "\n")
			for _, warn := range warnings {
				b.WriteString(common.Hang(st.Warn.Render("! "), "  ", p(warn), w) + "\n")
			}
		} else {
			var notes strings.Builder
			notes.WriteString(st.Warn.Render(common.Wrap("Watch out (w reads these notes in full)", w)) + "\n")
			for _, warn := range warnings {
				notes.WriteString(st.Warn.Render("! ") + common.OneLine(p(warn), max(w-2, 1)) + "\n")
			}
			// A window too low for them and the first card whole (its
			// heading, name and value) gets one line instead.
			if len(pl.Records) > 0 && common.Height(b.String()+notes.String())+common.Height(m.card(0, pl.Records[0])) > m.Height-1 {
				notes.Reset()
				notes.WriteString(st.Warn.Render(common.Wrap(fmt.Sprintf("! Watch out: %s (w reads them)", common.Plural(len(warnings), "note")), w)) + "\n")
			}
			b.WriteString(notes.String())
		}
	}
	lines := strings.Count(b.String(), "\n") // the first card's line
	m.tops = m.tops[:0]
	for i, r := range pl.Records {
		card := m.card(i, r)
		m.tops = append(m.tops, lines)
		b.WriteString(card + "\n")
		lines += common.Height(card)
	}
	m.tops = append(m.tops, lines)
}

// wideCards is the narrowest window whose cards put labels and values in
// two columns; below it every label stands on its own line and its value
// under it from the first column.
const wideCards = 60

// cardLabelWidth is the label column of wide cards.
const cardLabelWidth = 10

// card renders record i: a heading with a rule (thick and marked › when
// selected), then its fields. A card has one layout for a width: in
// columns from wideCards up, stacked below. Names and values are wrapped
// only at spaces and dots (common.Wrap), and no border or mark is drawn
// beside them, so that a value selected with the mouse copies as it is:
// stacked, its lines start in the first column; in columns, a continuation
// line starts with spaces only, which SPF and DMARC records allow between
// their terms.
func (m *Model) card(i int, r plan.Record) string {
	st, w := m.Styles, max(m.Width, 10)
	p := dnscheck.Printable
	wide := w >= wideCards
	rule, hs, mark := "─", st.Dim, "  "
	if i == m.sel {
		rule, hs, mark = "━", st.Accent, "› "
	}
	head := strings.Split(common.Hang(mark, "  ", fmt.Sprintf("%d/%d %s: %s", i+1, len(m.s().plan.Records), r.Label(), r.Title()), w), "\n")
	if room := w - lipgloss.Width(head[len(head)-1]) - 1; room >= 3 {
		head[len(head)-1] += " " + strings.Repeat(rule, room)
	}
	var b strings.Builder
	b.WriteString(hs.Render(strings.Join(head, "\n")) + "\n")
	field := func(label, value string, vs lipgloss.Style) {
		if wide {
			b.WriteString(common.Field(label, cardLabelWidth, value, w, st.Dim, vs) + "\n")
			return
		}
		b.WriteString(st.Dim.Render(label+":") + "\n" + vs.Render(common.Wrap(value, w)) + "\n")
	}
	name := p(r.NameBox())
	nameStyle := st.Value
	if r.HostField == "" {
		nameStyle = st.Dim
	}
	field("Name", name, nameStyle)
	if r.ShowsFullName() {
		full := "full name: " + p(r.Name)
		if wide {
			b.WriteString(common.Hang(strings.Repeat(" ", cardLabelWidth), strings.Repeat(" ", cardLabelWidth), st.Dim.Render(full), w) + "\n")
		} else {
			b.WriteString(st.Dim.Render(common.Wrap(full, w)) + "\n")
		}
	}
	if r.Action != plan.ActionDelete {
		field("Value", p(r.FormValue), st.Value)
	}
	for _, old := range r.Olds() {
		field(old.Verb, p(old.Value), st.Dim)
	}
	if r.Purpose == plan.PurposeSPF {
		b.WriteString(st.Dim.Render(common.Wrap(fmt.Sprintf("Uses %d of the %d DNS lookups receivers allow.", m.s().plan.SPFLookups, dnscheck.MaxSPFLookups), w)) + "\n")
	}
	for _, n := range r.NotesFor(audience.Wizard) {
		b.WriteString(st.Dim.Render(common.Wrap(p(n), w)) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
