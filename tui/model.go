package tui

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

// Model is the wizard's root model: an ordered list of steps, one current,
// and the shared chrome around it (header, banner, status line, help bar).
type Model struct {
	common.Common
	steps []common.Step
	ids   []session.StepID // the steps' IDs, in order
	cur   int
	sess  *session.Session
	// simulated is Config.Simulated, kept for a session restored.
	simulated bool
	help      help.Model
	// helpScroll shows the full help when it is taller than its room.
	helpScroll common.Scroller
	status     common.StatusMsg
	banner     string
	// shortBanner stands for banner in a small window.
	shortBanner string
	clip        Clipboard
	term        io.Writer // the terminal, for the bell; nil: no bell
	quitting    bool
	finished    bool // the last step finished

	// clipHinted is set once a copy's status gave the clipboard's hint
	// (what to do if nothing pastes): later copies leave it out, until a
	// copy fails. The copy command clears it, hence atomic.
	clipHinted atomic.Bool
	// pinned are the keys the short help bar never leaves out (the
	// demo's, beside each step's main key and the help key).
	pinned []string
	// body is the height the steps were last given.
	body int

	saver   *progressSaver // nil: progress is not saved
	saveErr error          // the first failed save, said once
	offer   *Progress      // progress to offer resuming; nil once answered
	keys    struct{ Resume, Fresh key.Binding }
}

// NewModel returns the wizard's root model with the steps of Steps. term
// receives the bell and OSC 52 sequences (writes must be safe alongside the
// program's renderer); nil disables both.
func NewModel(ctx context.Context, cfg Config, term io.Writer) *Model {
	c := common.NewCommon(ctx, cfg.Platform)
	return NewModelWithSteps(c, cfg, term, Steps(c, cfg))
}

// NewModelWithSteps returns a root model navigating steps: tests use it to
// run the shell around a single step.
func NewModelWithSteps(c common.Common, cfg Config, term io.Writer, steps []common.Step) *Model {
	h := help.New()
	h.Styles = c.Styles.Help
	m := &Model{
		Common:      c,
		steps:       steps,
		ids:         stepIDs(steps),
		sess:        &session.Session{Simulated: cfg.Simulated},
		simulated:   cfg.Simulated,
		help:        h,
		banner:      cfg.Banner,
		shortBanner: cfg.ShortBanner,
		helpScroll:  common.NewScroller(c),
		clip:        NewClipboard(cfg.Clipboard, term),
		term:        term,
	}
	if term == nil {
		m.clip.Term = nil
	}
	if f := progressFile(cfg); f != nil {
		m.saver = &progressSaver{file: f}
	}
	if cfg.Resume.Resumable(c.Platform) {
		m.offer = cfg.Resume
	}
	if cfg.Notice != "" {
		m.status = common.StatusMsg{Level: common.Failure, Text: common.Capitalise(cfg.Notice)}
	}
	for _, a := range cfg.Actions {
		m.pinned = append(m.pinned, a.Key.Keys()...)
	}
	m.helpScroll.What = "keys"
	m.keys.Resume = key.NewBinding(key.WithKeys("enter", "r"), key.WithHelp("enter", "resume"))
	m.keys.Fresh = key.NewBinding(key.WithKeys("f", "n"), key.WithHelp("f", "start fresh"))
	m.resize()
	return m
}

// stepIDs returns the IDs of steps, in order.
func stepIDs(steps []common.Step) []session.StepID {
	ids := make([]session.StepID, len(steps))
	for i, s := range steps {
		ids[i] = s.ID()
	}
	return ids
}

// index returns the place of the step id, or -1.
func (m *Model) index(id session.StepID) int { return slices.Index(m.ids, id) }

// StartAt makes the step id current with the session s, as if the steps
// before it had run; call it before the program starts. The tests of each
// step render it in its place this way. An unknown ID starts at the first
// step.
func (m *Model) StartAt(id session.StepID, s *session.Session) {
	m.cur = max(m.index(id), 0)
	if s != nil {
		m.sess = s
		m.sess.Simulated = m.simulated
	}
	m.resize()
}

// SetClipboard replaces the clipboard (tests inject one with a fake
// environment).
func (m *Model) SetClipboard(c Clipboard) { m.clip = c }

// Session returns what the wizard knows so far.
func (m *Model) Session() *session.Session { return m.sess }

// Current returns the current step and its ID.
func (m *Model) Current() (common.Step, session.StepID) { return m.steps[m.cur], m.ids[m.cur] }

// Status returns the status line.
func (m *Model) Status() common.StatusMsg { return m.status }

// Finished reports whether the person went through every step.
func (m *Model) Finished() bool { return m.finished }

// Summary returns what is printed after the program ends, wrapped to the
// width of the window the program last saw (SummaryWidth when it saw
// none).
func (m *Model) Summary() Summary { return Summary{Text: SummaryText(m.Platform, m.sess, m.Width)} }

// Offering reports whether the shell is asking whether to resume.
func (m *Model) Offering() bool { return m.offer != nil }

// Init implements tea.Model: the first step is entered (after the offer
// to resume, when there is one).
func (m *Model) Init() tea.Cmd {
	if m.offer != nil {
		return nil
	}
	return m.steps[m.cur].Enter(m.sess, common.Forward)
}

// Update implements tea.Model. When the step's keys change the help
// bar's height, the steps are given the new area.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	model, cmd := m.update(msg)
	if m.frame().body != m.body {
		m.resize()
	}
	return model, cmd
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.Width, m.Height = msg.Width, msg.Height
		m.resize()
		return m, nil
	case tea.KeyMsg:
		if key.Matches(msg, m.Keys.ForceQuit) {
			return m, m.quit()
		}
		if m.offer != nil {
			return m, m.offerKey(msg)
		}
		if !m.steps[m.cur].Capturing() {
			switch {
			case key.Matches(msg, m.Keys.Quit):
				return m, m.quit()
			case key.Matches(msg, m.Keys.Help):
				m.help.ShowAll = !m.help.ShowAll
				m.helpScroll.GotoTop()
				m.resize()
				return m, nil
			case m.help.ShowAll && m.helpScroll.Overflows() && m.helpScroll.Update(msg):
				return m, nil // the scrolling keys scroll the full help while it is open
			case msg.String() == "c" && !stepHasKey(m.steps[m.cur], "c"):
				// c copies wherever there is something to copy; here it
				// says so rather than do nothing.
				m.setStatus(common.StatusMsg{Level: common.Info, Text: "Nothing to copy on this screen: c copies a record on the Records screen."})
				return m, nil
			}
		}
	case common.NextMsg:
		cmd := m.next()
		return m, tea.Batch(cmd, m.saveCmd())
	case common.BackMsg:
		cmd := m.back()
		return m, tea.Batch(cmd, m.saveCmd())
	case common.ToStepMsg:
		i := m.index(msg.Step)
		if i < 0 {
			return m, nil
		}
		s, cmd := m.steps[i].Update(msg.Msg)
		m.steps[i] = s.(common.Step)
		return m, cmd
	case common.SaveMsg:
		if m.offer != nil {
			return m, nil
		}
		return m, m.saveCmd()
	case common.DNSChangedMsg:
		// The newest fact: every read before it is older than DNS. The
		// step is told too (the records look DNS up again).
		m.sess.Changed(msg.At)
		m.setStatus(msg.Status)
		s, cmd := m.steps[m.cur].Update(msg)
		m.steps[m.cur] = s.(common.Step)
		return m, tea.Batch(cmd, m.saveCmd())
	case ProgressSavedMsg:
		if msg.Err != nil && m.saveErr == nil {
			m.saveErr = msg.Err
			m.setStatus(common.StatusMsg{Level: common.Failure, Text: progressFailure(msg.Err)})
		}
		return m, nil
	case common.FinishMsg:
		m.finished = true
		return m, m.quit()
	case common.StatusMsg:
		m.setStatus(msg)
		return m, nil
	case common.CopyMsg:
		return m, m.copy(msg)
	case common.BellMsg:
		return m, m.bell()
	}
	s, cmd := m.steps[m.cur].Update(msg)
	m.steps[m.cur] = s.(common.Step)
	return m, cmd
}

// offerKey answers the offer to resume: enter resumes, f starts fresh.
func (m *Model) offerKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.Keys.Quit):
		return m.quit()
	case key.Matches(msg, m.keys.Resume):
		return m.resume()
	case key.Matches(msg, m.keys.Fresh):
		m.offer = nil
		m.resize()
		return tea.Batch(m.forgetCmd(), m.steps[m.cur].Enter(m.sess, common.Forward))
	}
	return nil
}

// resume rebuilds the session from the saved progress and enters the
// step it reached (the checks run again at once). Progress that no longer
// makes sense is said in the status line, and the wizard starts fresh.
func (m *Model) resume() tea.Cmd {
	prog := *m.offer
	m.offer = nil
	s, at, err := prog.Restore()
	if err != nil {
		m.setStatus(common.StatusMsg{Level: common.Failure, Text: "Could not resume: " + strings.TrimPrefix(err.Error(), "session: ") + ". Starting fresh."})
		return m.steps[m.cur].Enter(m.sess, common.Forward)
	}
	m.sess, m.cur = s, max(m.index(at), 0)
	m.sess.Simulated = m.simulated
	m.setStatus(common.StatusMsg{Level: common.Info, Text: "Resumed where you stopped; looking at DNS again now."})
	return m.steps[m.cur].Enter(m.sess, common.Forward)
}

// saveCmd saves the progress in a command; nil when it is not saved or
// there is nothing to save yet.
func (m *Model) saveCmd() tea.Cmd {
	if m.saver == nil || m.offer != nil {
		return nil
	}
	prog, ok := m.sess.Progress(m.Platform.Name, m.ids[m.cur], time.Now())
	if !ok {
		return nil
	}
	s := m.saver
	s.mu.Lock()
	s.seq++
	seq := s.seq
	s.mu.Unlock()
	return func() tea.Msg { return ProgressSavedMsg{Err: s.save(seq, prog)} }
}

// forgetCmd removes the saved progress in a command (the person chose to
// start fresh); a failure is said in the status line.
func (m *Model) forgetCmd() tea.Cmd {
	if m.saver == nil {
		return nil
	}
	file := m.saver.file
	return func() tea.Msg {
		if err := file.Remove(); err != nil {
			return common.StatusMsg{Level: common.Failure, Text: "Could not remove the saved progress: " + dnscheck.Printable(err.Error())}
		}
		return common.StatusMsg{Level: common.Info, Text: "Starting fresh: the saved progress is removed."}
	}
}

// SaveProgress saves the progress now (Run calls it when the program
// ends, so the last change is never lost to a command still in flight).
func (m *Model) SaveProgress() error {
	if cmd := m.saveCmd(); cmd != nil {
		return cmd().(ProgressSavedMsg).Err
	}
	return nil
}

// ProgressErr returns the first failed save the status line reported.
func (m *Model) ProgressErr() error { return m.saveErr }

func (m *Model) quit() tea.Cmd {
	m.quitting = true
	return tea.Quit
}

// next enters the next step (or ends). What the step found is in the
// session already; nothing is forgotten: what is derived is worked out
// again from the newest facts.
func (m *Model) next() tea.Cmd {
	for {
		if m.cur == len(m.steps)-1 {
			m.finished = true
			return m.quit()
		}
		m.cur++
		if !m.skipped() {
			break
		}
	}
	m.setStatus(common.StatusMsg{})
	return m.steps[m.cur].Enter(m.sess, common.Forward)
}

func (m *Model) back() tea.Cmd {
	at := m.cur
	for {
		if m.cur == 0 {
			m.cur = at
			return nil
		}
		m.cur--
		if !m.skipped() {
			break
		}
	}
	m.setStatus(common.StatusMsg{})
	return m.steps[m.cur].Enter(m.sess, common.Backward)
}

// skipped reports whether the current step has nothing to ask now
// (common.Skipper).
func (m *Model) skipped() bool {
	sk, ok := m.steps[m.cur].(common.Skipper)
	return ok && sk.Skip(m.sess)
}

func (m *Model) setStatus(s common.StatusMsg) {
	m.status = s
	m.resize()
}

// stepHasKey reports whether step offers a key k in its full help.
func stepHasKey(step common.Step, k string) bool {
	for _, g := range step.FullHelp() {
		for _, b := range g {
			if b.Enabled() && slices.Contains(b.Keys(), k) {
				return true
			}
		}
	}
	return false
}

// copy puts text on the clipboard in a command; when nothing works it
// saves the instructions instead and says where. The clipboard's hint
// ("if nothing pastes, …") is given with the first copy of the session,
// and again after a copy that failed.
func (m *Model) copy(msg common.CopyMsg) tea.Cmd {
	clip := m.clip
	hinted := &m.clipHinted
	hint := !hinted.Swap(true)
	return func() tea.Msg {
		how, err := clip.Copy(msg.Text)
		if err == nil {
			if !hint {
				how = withoutHint(how)
			}
			return common.StatusMsg{Text: fmt.Sprintf("Copied %s %s.", msg.What, how), Level: common.Success}
		}
		hinted.Store(false)
		text := fmt.Sprintf("Could not copy %s: %s.", msg.What, dnscheck.Printable(strings.TrimPrefix(err.Error(), "tui: ")))
		if msg.Save != nil {
			if path, serr := msg.Save(); serr == nil {
				text += " The instructions are saved in " + dnscheck.Printable(path) + "."
			} else {
				text += " Saving them failed too: " + dnscheck.Printable(serr.Error()) + "."
			}
		}
		return common.StatusMsg{Text: text, Level: common.Failure}
	}
}

// withoutHint returns how (as Clipboard.Copy says it) without the
// parenthesised hint at its end.
func withoutHint(how string) string {
	if i := strings.Index(how, " ("); i >= 0 {
		return how[:i]
	}
	return how
}

func (m *Model) bell() tea.Cmd {
	if m.term == nil {
		return nil
	}
	w := m.term
	return func() tea.Msg {
		_, _ = io.WriteString(w, "\a")
		return nil
	}
}

// place returns the current step's number and the number of steps, for
// the header: a step that belongs to the one before it
// (common.Follower) is not counted, and shows that step's number.
func (m *Model) place() (n, of int) {
	for i, s := range m.steps {
		if f, ok := s.(common.Follower); ok && f.Follows() {
			continue
		}
		of++
		if i <= m.cur {
			n = of
		}
	}
	return max(n, 1), of
}

// minBody is the fewest lines the step keeps while the full help is open:
// more help than leaves it that scrolls instead.
const minBody = 3

// compact reports whether the window is lower than the wizard is laid out
// for: the chrome then takes as few lines as it can (the banner on one
// line, no blank lines around the step).
func (m *Model) compact() bool { return m.Height < common.DefaultHeight }

// frame is the chrome around the step, laid out for the window.
type frame struct {
	head string // the header line and the banner
	gap  bool   // a blank line between head and step
	foot string // the status line(s) and the help bar
	body int    // the lines left for the step
}

// frame lays out the chrome: the header (with the banner), the status
// line wrapped whole and the help bar, and what is left for the step. The
// help bar is never cut: the full help scrolls when it would leave the
// step fewer than minBody lines, and in a window too low for everything
// the header gives way first.
func (m *Model) frame() frame {
	st, w, compact := m.Styles, m.Width, m.compact()
	step := m.steps[m.cur]
	n, of := m.place()
	where := fmt.Sprintf("%d/%d %s", n, of, step.Title())
	if m.offer != nil {
		where = "welcome back"
	}
	// The header drops words before it is cut: "Neoserra setup · 4/8
	// Mail provider", "Neoserra · 4/8 Mail provider", "4/8 Mail provider".
	var head string
	for _, name := range []string{m.Platform.Name + " setup", m.Platform.Name, ""} {
		head = st.HeaderStep.Render(where)
		if name != "" {
			head = st.Header.Render(name) + " " + st.HeaderStep.Render("· "+where)
		}
		if lipgloss.Width(head) <= w {
			break
		}
	}
	head = common.Fit(head, w, 1)
	if m.banner != "" {
		if compact {
			b := m.banner
			if ansi.StringWidth(b) > w && m.shortBanner != "" {
				b = m.shortBanner
			}
			head += "\n" + st.Banner.Render(common.Fit(b, w, 1))
		} else {
			head += "\n" + st.Banner.Render(common.Wrap(m.banner, w))
		}
	}
	f := frame{head: head, gap: !compact}
	gap := 0
	if f.gap {
		gap = 1
	}
	var foot []string // the status line(s), then the help bar
	switch {
	case m.status.Text != "":
		room := max(m.Height-common.Height(head)-gap-2, 1) // the help bar and a line of the step
		foot = append(foot, st.Status[m.status.Level].Render(common.Fit(common.Wrap(m.status.Text, w), w, room)))
	case !compact:
		foot = append(foot, "") // a blank line above the help bar
	}
	help := m.helpView()
	if m.help.ShowAll && m.offer == nil {
		statusH := 0
		for _, l := range foot {
			statusH += max(common.Height(l), 1)
		}
		room := m.Height - common.Height(head) - gap - statusH - minBody
		m.helpScroll.SetSize(w, max(room, minBody))
		m.helpScroll.SetContent(help)
		if m.helpScroll.Overflows() {
			help = m.helpScroll.View()
		}
	}
	f.foot = strings.Join(append(foot, help), "\n")
	f.body = m.Height - common.Height(f.head) - gap - common.Height(f.foot)
	if f.body < 1 && f.gap {
		f.gap, f.body = false, f.body+1
	}
	if f.body < 1 { // the header gives way, then the status line's top
		keep := max(common.Height(f.head)+f.body-1, 0)
		f.head = strings.Join(strings.Split(f.head, "\n")[:keep], "\n")
		f.body = max(m.Height-keep-common.Height(f.foot), 1)
		if over := keep + f.body + common.Height(f.foot) - m.Height; over > 0 {
			lines := strings.Split(f.foot, "\n")
			f.foot = strings.Join(lines[min(over, len(lines)-1):], "\n")
		}
	}
	return f
}

// resize gives the current and every other step the area between header
// and footer.
func (m *Model) resize() {
	m.help.Width = m.Width
	f := m.frame()
	m.body = f.body
	for _, s := range m.steps {
		s.SetSize(m.Width, f.body)
	}
}

// View implements tea.Model.
func (m *Model) View() string {
	if m.quitting {
		return ""
	}
	f := m.frame()
	view := m.steps[m.cur].View()
	if m.offer != nil {
		view = m.offerView()
	}
	body := common.Fit(view, m.Width, f.body)
	if n := common.Height(body); n < f.body {
		body += strings.Repeat("\n", f.body-n)
	}
	out := body + "\n" + f.foot
	if f.gap {
		out = "\n" + out
	}
	if f.head != "" {
		out = f.head + "\n" + out
	}
	return common.Fit(out, m.Width, m.Height)
}

// helpView renders the help bar: the step's keys, then the shell's. The
// full help wraps its columns into rows that fit the window.
func (m *Model) helpView() string {
	if m.offer != nil {
		return m.shortHelp([]key.Binding{m.keys.Resume, m.keys.Fresh, m.Keys.Quit}, m.Width)
	}
	step := m.steps[m.cur]
	quit := m.Keys.Quit
	if step.Capturing() {
		quit = m.Keys.ForceQuit
	}
	helpKey := m.Keys.Help // a copy: drawing leaves the shared keys alone
	if m.help.ShowAll {
		helpKey.SetHelp("?", "fewer keys")
	}
	if !m.help.ShowAll {
		// The step's keys and quit, as many as fit, then always "? more
		// keys" (not while typing: ? is text then).
		bindings := append(step.ShortHelp(), quit)
		if !step.Capturing() {
			bindings = append(bindings, helpKey)
		}
		if bar, ok := m.pinnedHelp(bindings, m.Width); ok {
			return bar
		}
		// A window too narrow for the pinned keys: as many keys as fit.
		if step.Capturing() {
			return m.shortHelp(append(step.ShortHelp(), quit), m.Width)
		}
		tail := m.help.ShortHelpView([]key.Binding{helpKey})
		sep := m.help.Styles.ShortSeparator.Render(m.help.ShortSeparator)
		own := m.shortHelp(append(step.ShortHelp(), quit), m.Width-lipgloss.Width(tail)-lipgloss.Width(sep))
		if own == "" {
			return tail
		}
		return own + sep + tail
	}
	global := []key.Binding{helpKey, m.Keys.Quit, m.Keys.ForceQuit}
	groups := append(step.FullHelp(), global)
	if step.Capturing() {
		groups = append(step.FullHelp(), []key.Binding{m.Keys.ForceQuit})
	}
	var rows []string
	var row []string
	rowW := 0
	gap := m.help.Styles.FullSeparator.Render(m.help.FullSeparator)
	for _, g := range groups {
		col := m.help.FullHelpView([][]key.Binding{g})
		if col == "" {
			continue
		}
		cw := lipgloss.Width(col)
		if rowW > 0 && rowW+lipgloss.Width(gap)+cw > m.Width {
			rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
			row, rowW = nil, 0
		}
		if rowW > 0 {
			row = append(row, gap)
			rowW += lipgloss.Width(gap)
		}
		row = append(row, col)
		rowW += cw
	}
	if len(row) > 0 {
		rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
	}
	return strings.Join(rows, "\n")
}

// pinnedHelp renders the short help bar of bindings (the step's first,
// its main key; the help key last, when it is there). The main key, the
// demo's keys (m.pinned) and the help key are never left out: they take
// as many lines as they need, at most maxHelpLines. The others are shown,
// in order, as many as fit on those lines, and " …" follows the step's
// keys when some are left out. ok is false when the pinned keys need
// more lines.
func (m *Model) pinnedHelp(bindings []key.Binding, width int) (bar string, ok bool) {
	hm := m.help
	hm.Width = 0
	var items []string
	var pin []bool
	for i, b := range bindings {
		if !b.Enabled() {
			continue
		}
		items = append(items, hm.ShortHelpView([]key.Binding{b}))
		pinned := i == 0 || i == len(bindings)-1 && slices.Contains(b.Keys(), "?")
		for _, k := range b.Keys() {
			pinned = pinned || slices.Contains(m.pinned, k)
		}
		pin = append(pin, pinned)
	}
	if len(items) == 0 {
		return "", true
	}
	helpLast := slices.Contains(bindings[len(bindings)-1].Keys(), "?")
	sep := hm.Styles.ShortSeparator.Render(hm.ShortSeparator)
	more := " " + hm.Styles.Ellipsis.Render(hm.Ellipsis)
	layout := func(take []bool, withMore bool) []string {
		var chosen []string
		left := false
		for i, it := range items {
			if !take[i] {
				left = true
				continue
			}
			if withMore && left && helpLast && i == len(items)-1 && len(chosen) > 0 {
				chosen[len(chosen)-1] += more
			}
			chosen = append(chosen, it)
		}
		if withMore && left && (!helpLast || len(chosen) == 1) {
			chosen[len(chosen)-1] += more
		}
		var lines []string
		line := ""
		for _, c := range chosen {
			switch {
			case line == "":
				line = c
			case lipgloss.Width(line+sep+c) <= width:
				line += sep + c
			default:
				lines = append(lines, line)
				line = c
			}
		}
		return append(lines, line)
	}
	// " …" is left out when it would take a line of its own.
	fits := func(take []bool, room int) []string {
		if lines := layout(take, true); len(lines) <= room {
			return lines
		}
		if lines := layout(take, false); len(lines) <= room {
			return lines
		}
		return nil
	}
	take := slices.Clone(pin)
	room := min(len(layout(take, false)), maxHelpLines)
	for i := range take {
		if take[i] {
			continue
		}
		take[i] = true
		if fits(take, room) == nil {
			take[i] = false
		}
	}
	lines := fits(take, room)
	if len(lines) == 0 || len(lines) > maxHelpLines {
		return "", false
	}
	return strings.Join(lines, "\n"), true
}

// maxHelpLines is the most lines the short help bar takes to show the
// keys it never leaves out: four, so that at 40 columns the demo's three
// keys (p, m, u) stay beside the step's main key and "? more keys".
const maxHelpLines = 4

// shortHelp renders as many of bindings as fit in width, then " …" when
// some are left out and it fits too; "" when not even the first fits. (The
// help model's own ShortHelpView draws an item that does not fit when its
// " …" would not fit either.)
func (m *Model) shortHelp(bindings []key.Binding, width int) string {
	hm := m.help
	hm.Width = 0
	more := " " + hm.Styles.Ellipsis.Render(hm.Ellipsis)
	for n := len(bindings); n > 0; n-- {
		v := hm.ShortHelpView(bindings[:n])
		if n < len(bindings) && lipgloss.Width(v+more) < width {
			v += more
		}
		if lipgloss.Width(v) <= width {
			return v
		}
	}
	return ""
}

// offerView asks whether to resume: the domains, the step reached, and the
// last results with their age.
func (m *Model) offerView() string {
	st, w := m.Styles, m.Width
	var b strings.Builder
	b.WriteString(st.Title.Render(common.Wrap("Welcome back", w)) + "\n")
	b.WriteString(common.Wrap(m.offer.Summary(), w) + "\n")
	if lines := m.offer.LastCheck(); len(lines) > 0 {
		b.WriteString("\n" + st.Accent.Render(common.Wrap("The last check ("+ago(time.Since(m.offer.LastCheckedAt()))+")", w)) + "\n")
		for _, l := range lines {
			mark := st.Tone(dnscheck.ToneOf(l.Verdict)).Render(dnscheck.MarkOf(l.Verdict) + " ")
			b.WriteString(common.Hang(mark, "  ", l.Text, w) + "\n")
		}
	}
	b.WriteString("\n" + common.Wrap("Press enter to resume: the wizard looks at DNS again at once. Press f to start fresh (the saved progress is removed).", w))
	return b.String()
}

// ago says how long ago a duration was, roughly: "just now", "5 minutes
// ago", "3 hours ago", "2 days ago".
func ago(d time.Duration) string { return session.Ago(d) }
