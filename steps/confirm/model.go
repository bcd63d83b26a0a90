// Package confirm is the wizard's optional last step, "Confirm with a
// real message": it says how to save a received message from the common
// mail clients, takes the saved file's path (with tab completion) or a
// pasted header block, verifies it with received.Verify through the
// wizard's own DNS path, and shows the same report as 'wizard verify'
// (received.WriteText). It can be skipped; the wizard then ends as before.
package confirm

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/audience"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/core/reports"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/received"
	"github.com/outreach-auth/wizard/tui/common"
)

// MaxPaste bounds a pasted header block: a paste longer than this is
// refused with a sentence saying to save the message to a file instead.
const MaxPaste = 256 << 10

// tooLongText says a paste is longer than MaxPaste.
var tooLongText = fmt.Sprintf("The pasted text is longer than %d KiB. Paste the headers only, or save the message to a file and give its path.", MaxPaste>>10)

// PastedSource names a pasted header block where a path would be named.
const PastedSource = "the pasted headers"

// doneMsg is a verification finishing. Gen ties it to the verification
// that asked for it: one abandoned since (esc, a new one) is dropped.
type doneMsg struct {
	gen    int
	report received.Report
	err    error
	// summary, when set, is the file read as DMARC reports instead.
	summary *reports.Summary
}

// mode is what the step is doing.
type mode int

const (
	asking    mode = iota // the field has focus
	verifying             // a verification runs
	done                  // the report is shown
)

// Model is the confirm step. While asking, the text field has focus
// (Capturing): enter verifies the path typed (or skips when the field is
// empty), tab completes it, a pasted block of several lines is verified
// as headers, esc skips. While the report is shown, enter finishes, a
// asks for another message and b goes back to the advice. Each message
// verified is recorded in the session (MessageOf), with its time.
type Model struct {
	sess *session.Session
	common.StepBase
	checker *dnscheck.Checker

	input  textinput.Model
	mode   mode
	source string // what is being (or was) verified: a path, or PastedSource
	pasted string // the pasted block being verified
	report received.Report
	// summary is the DMARC reports summary shown instead of report, when
	// the file held reports (reports.go).
	summary *reports.Summary
	// problem says why the last input could not be verified (bad file,
	// too long a paste); shown under the field.
	problem string
	// hint lists completion matches under the field.
	hint   string
	cancel context.CancelFunc
	// auto is the last message file given by an earlier step that was
	// verified, so going back and forth does not verify it again.
	auto string

	keys struct{ Verify, Complete, Skip, Finish, Another, Back, Cancel key.Binding }
}

// NewModel returns the confirm step; checker answers the lookups the
// verification needs (the same as the verify step's).
func NewModel(c common.Common, checker *dnscheck.Checker) *Model {
	ti := textinput.New()
	ti.Prompt = "› "
	ti.PromptStyle = c.Styles.Accent
	ti.Cursor.SetMode(cursor.CursorStatic)
	m := &Model{StepBase: common.NewStepBase(c), checker: checker, input: ti}
	m.Redraw = m.render
	m.keys.Verify = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "verify (empty: skip)"))
	m.keys.Complete = key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete path"))
	m.keys.Skip = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "skip"))
	m.keys.Finish = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "finish"))
	m.keys.Another = key.NewBinding(key.WithKeys("a", "esc"), key.WithHelp("a", "another message"))
	m.keys.Back = key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "back to advice"))
	m.keys.Cancel = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "stop"))
	m.SetSize(c.Width, c.Height)
	return m
}

// Title names the step in the header and in the saved progress.
const Title = "Confirm"

// Title implements common.Step.
func (m *Model) Title() string { return Title }

// Capturing implements common.Step: every key is text while asking.
func (m *Model) Capturing() bool { return m.mode == asking }

// Report returns the last report shown, and whether there is one.
func (m *Model) Report() (received.Report, bool) { return m.report, m.mode == done }

// Value returns the text in the field.
func (m *Model) Value() string { return m.input.Value() }

// Problem returns why the last input could not be verified ("" when it
// could).
func (m *Model) Problem() string { return m.problem }

// Verifying reports whether a verification runs.
func (m *Model) Verifying() bool { return m.mode == verifying }

// SetSize implements common.Step.
func (m *Model) SetSize(w, h int) {
	m.input.Width = max(w-len([]rune(m.input.Prompt))-1, 1)
	m.StepBase.SetSize(w, h)
}

// Enter implements common.Step: the field has focus; a message file an
// earlier step made (the demo's) is filled in and verified at once.
func (m *Model) Enter(s *session.Session, _ common.Direction) tea.Cmd {
	m.sess = s
	m.stop()
	m.mode, m.problem, m.hint = asking, "", ""
	m.Scroll.GotoTop()
	if f := s.MessageFile; f != "" && f != m.auto {
		m.auto = f
		m.input.SetValue(f)
		m.input.CursorEnd()
		return tea.Batch(m.input.Focus(), m.startPath(f))
	}
	m.render()
	return m.input.Focus()
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	switch m.mode {
	case verifying:
		return []key.Binding{m.keys.Cancel}
	case done:
		return []key.Binding{m.keys.Finish, m.keys.Another, m.keys.Back}
	}
	return []key.Binding{m.keys.Verify, m.keys.Complete, m.keys.Skip}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	if m.mode == done {
		return [][]key.Binding{m.ShortHelp(), m.Keys.ScrollKeys()}
	}
	return [][]key.Binding{m.ShortHelp()}
}

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case doneMsg:
		return m, m.finished(msg)
	case spinner.TickMsg:
		return m, m.SpinTick(msg, m.mode == verifying)
	case tea.KeyMsg:
		switch m.mode {
		case asking:
			return m, m.askKey(msg)
		case verifying:
			if key.Matches(msg, m.keys.Cancel) {
				m.stop()
				m.mode = asking
				m.render()
				return m, m.input.Focus()
			}
			return m, nil
		case done:
			switch {
			case key.Matches(msg, m.keys.Finish):
				return m, common.Next
			case key.Matches(msg, m.keys.Another):
				// Another message: an empty field, so a path typed is not
				// appended to the last one.
				m.mode, m.problem, m.hint = asking, "", ""
				m.input.Reset()
				m.Scroll.GotoTop()
				m.render()
				return m, m.input.Focus()
			case key.Matches(msg, m.keys.Back):
				return m, common.Back
			}
		}
	}
	return m, m.Scrolled(msg)
}

// askKey handles a key while the field has focus.
func (m *Model) askKey(k tea.KeyMsg) tea.Cmd {
	switch {
	case k.Paste && strings.ContainsAny(string(k.Runes), "\r\n"):
		return m.startPaste(string(k.Runes))
	case key.Matches(k, m.keys.Skip):
		return common.Next
	case key.Matches(k, m.keys.Verify):
		path := strings.TrimSpace(m.input.Value())
		if path == "" {
			return common.Next
		}
		return m.startPath(path)
	case key.Matches(k, m.keys.Complete):
		m.complete()
		return nil
	case k.Type == tea.KeyPgUp || k.Type == tea.KeyPgDown:
		m.Scroll.Update(k)
		return nil
	}
	before := m.input.Value()
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(k)
	if m.input.Value() != before {
		m.problem, m.hint = "", ""
	}
	m.render()
	return cmd
}

// complete completes the path in the field (Complete) and lists the
// matches when there are several.
func (m *Model) complete() {
	c := Complete(m.input.Value())
	m.input.SetValue(c.Value)
	m.input.CursorEnd()
	m.problem = ""
	switch {
	case c.Err != "":
		m.hint = "Cannot list that folder: " + c.Err + "."
	case len(c.Matches) > 0:
		m.hint = strings.Join(c.Matches, "  ")
		if c.More > 0 {
			m.hint += fmt.Sprintf("  … and %d more", c.More)
		}
	default:
		m.hint = ""
	}
	if c.Truncated {
		m.hint = strings.TrimSpace(m.hint + fmt.Sprintf("  (only the first %d entries of the folder were read)", MaxEntries))
	}
	m.render()
}

// startPath starts verifying the file at path.
func (m *Model) startPath(path string) tea.Cmd {
	m.source, m.pasted = path, ""
	return m.start()
}

// startPaste starts verifying a pasted header block, or says why not.
func (m *Model) startPaste(text string) tea.Cmd {
	if len(text) > MaxPaste {
		m.problem = tooLongText
		m.render()
		return nil
	}
	text = pastedLines(text)
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	m.source, m.pasted = PastedSource, text
	return m.start()
}

// pastedLines gives a pasted block LF line ends. Terminals paste a line
// end as CR, so CRLF text (saved on Windows, say) arrives with every line
// ended by two CRs, which would read as a blank line ending the headers
// after the first: when every line break of a paste without LFs is a
// doubled CR, each pair is one line end.
func pastedLines(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	if !strings.Contains(text, "\n") && strings.Contains(text, "\r\r") {
		doubled := true
		for _, line := range strings.Split(text, "\r\r") {
			if strings.Contains(line, "\r") {
				doubled = false
				break
			}
		}
		if doubled {
			text = strings.ReplaceAll(text, "\r\r", "\n")
		}
	}
	return strings.ReplaceAll(text, "\r", "\n")
}

// start runs the verification in a command.
func (m *Model) start() tea.Cmd {
	m.stop()
	m.Gen++
	m.mode, m.problem, m.hint = verifying, "", ""
	m.input.Blur()
	ctx, cancel := context.WithCancel(m.Ctx)
	m.cancel = cancel
	gen, checker, platform := m.Gen, m.checker, m.Platform
	path, pasted := m.source, m.pasted
	m.render()
	run := func() tea.Msg {
		defer cancel()
		if pasted == "" {
			if sum, ok := readReports(ctx, checker, platform, path); ok {
				return doneMsg{gen: gen, summary: &sum}
			}
		}
		rep, err := verify(ctx, checker, platform, path, pasted)
		return doneMsg{gen: gen, report: rep, err: err}
	}
	return tea.Batch(run, m.Spin.Tick)
}

// verify verifies the message saved at path, or the pasted text when it
// is not empty, through checker, with the fixes in the wizard's words.
func verify(ctx context.Context, checker *dnscheck.Checker, p *assets.Platform, path, pasted string) (received.Report, error) {
	var r io.Reader = strings.NewReader(pasted)
	if pasted == "" {
		f, err := received.OpenFile(expandHome(path))
		if err != nil {
			return received.Report{}, err
		}
		defer f.Close()
		r = f
	}
	return received.Verify(ctx, r, received.Options{Checker: checker, Platform: p, Audience: audience.Wizard})
}

// stop abandons the verification running, if any.
func (m *Model) stop() {
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
}

// finished shows a verification's report, or says why the input could
// not be verified and asks again.
func (m *Model) finished(msg doneMsg) tea.Cmd {
	if msg.gen != m.Gen || m.mode != verifying {
		return nil
	}
	m.cancel = nil
	if msg.err != nil {
		m.mode = asking
		m.problem = strings.TrimPrefix(msg.err.Error(), "received: ")
		m.render()
		return m.input.Focus()
	}
	m.mode, m.report, m.summary = done, msg.report, msg.summary
	m.sess.AddMessage(m.message(time.Now()))
	m.Scroll.GotoTop()
	m.render()
	return common.Save
}

// message is the fact of what is shown, verified (or read) at at.
func (m *Model) message(at time.Time) session.Message {
	if m.summary != nil {
		return reportsMessage(m.source, *m.summary, at)
	}
	return session.MessageOf(m.source, m.report, at)
}

// render draws the content for the mode.
func (m *Model) render() {
	st, w := m.Styles, m.Width
	var b strings.Builder
	b.WriteString(st.Title.Render(common.Wrap("Confirm with a real message (optional)", w)) + "\n")
	switch m.mode {
	case done:
		if m.summary != nil {
			b.WriteString(st.Dim.Render(common.Wrap("Read "+dnscheck.Printable(m.source)+" as DMARC aggregate reports, as 'wizard reports' does:", w)) + "\n\n")
			b.WriteString(summaryText(*m.summary, w))
			m.Scroll.SetContent(strings.TrimRight(b.String(), "\n"))
			return
		}
		b.WriteString(st.Dim.Render(common.Wrap("Verified "+dnscheck.Printable(m.source)+" now, with the same checks as 'wizard verify':", w)) + "\n\n")
		b.WriteString(reportText(m.report, w, m))
		m.Scroll.SetContent(strings.TrimRight(b.String(), "\n"))
		return
	case verifying:
		b.WriteString(common.Hang(m.Spin.View()+" ", "  ", "Verifying "+dnscheck.Printable(m.source)+": its DKIM signatures, SPF and DMARC…", w) + "\n")
		m.Scroll.SetContent(strings.TrimRight(b.String(), "\n"))
		return
	}
	b.WriteString(common.Wrap("DNS can only say the records are right. A message sent by "+m.Platform.Name+" and received by you proves the mail passes. Give the saved message's path, or paste its headers here.", w) + "\n\n")
	b.WriteString(m.input.View() + "\n")
	switch {
	case m.problem != "":
		b.WriteString(st.Fail.Render(common.Hang("✗ ", "  ", dnscheck.Printable(m.problem), w)) + "\n")
	case m.hint != "":
		b.WriteString(st.Dim.Render(common.Hang("  ", "  ", dnscheck.Printable(m.hint), w)) + "\n")
	default:
		b.WriteString(st.Dim.Render(common.Wrap("Tab completes a path; enter on an empty field skips this step.", w)) + "\n")
	}
	b.WriteString("\n" + st.Accent.Render(common.Wrap("How to save a message", w)) + "\n")
	for _, h := range received.HowToSave {
		b.WriteString(common.Hang("• ", "  ", h.Client+": "+h.Steps+".", w) + "\n")
	}
	b.WriteString(common.Hang("• ", "  ", "Send yourself a message from "+m.Platform.Name+" to test with; only its headers are shown, and nothing is saved.", w) + "\n")
	b.WriteString(common.Hang("• ", "  ", "A DMARC aggregate report (.xml, .xml.gz, .zip, or the message it came in) is read too, as 'wizard reports' reads it.", w) + "\n")
	m.Scroll.SetContent(strings.TrimRight(b.String(), "\n"))
}

// reportText is received.WriteText of r wrapped to width, each line's
// wrapped part indented under its text; the verdict line stands out.
func reportText(r received.Report, width int, m *Model) string {
	var raw strings.Builder
	received.WriteText(&raw, r)
	st := m.Styles
	var b strings.Builder
	foreign := m.sess != nil && len(m.sess.Domains) > 0 && !m.sess.Has(strings.ToLower(strings.TrimSuffix(r.FromDomain, ".")))
	if foreign {
		// It proves nothing about the domains being set up: its verdict
		// gives no instruction on the setting.
		note := m.sess.MessageNote(session.MessageOf(m.source, r, time.Now()))
		b.WriteString(st.Warn.Render(common.Hang("! ", "  ", dnscheck.Printable(note), width)) + "\n\n")
	}
	for _, line := range strings.Split(strings.TrimRight(raw.String(), "\n"), "\n") {
		if foreign && strings.HasPrefix(line, "Verdict: ") {
			line = "Verdict: " + r.Verdict + " (for " + r.FromDomain + " only)"
		}
		body := strings.TrimLeft(line, " ")
		lead := strings.Repeat(" ", len(line)-len(body))
		rest := lead
		if strings.HasPrefix(body, "• ") || strings.HasPrefix(body, "✓ ") || strings.HasPrefix(body, "✗ ") || strings.HasPrefix(body, "? ") || strings.HasPrefix(body, "! ") {
			rest += "  "
		}
		out := common.Hang(lead, rest, body, width)
		switch {
		case strings.HasPrefix(line, "Verdict: "):
			tone := st.Fail
			if r.Verdict == received.VerdictPass {
				tone = st.Pass
			}
			out = tone.Render(out)
		case line != "" && lead == "":
			out = st.Accent.Render(out)
		}
		b.WriteString(out + "\n")
	}
	return b.String()
}
