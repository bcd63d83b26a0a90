package confirm_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/received"
	"github.com/outreach-auth/wizard/steps/confirm"
	"github.com/outreach-auth/wizard/tui"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

func TestMain(m *testing.M) { os.Exit(tuitest.Main(m)) }

// headers is a received message's header block, unsigned: handed over by
// one of the platform's addresses, Return-Path on yourcenter.edu, whose
// SPF (before the change) does not list the platform. LF line ends.
const headers = "Return-Path: <jane@yourcenter.edu>\n" +
	"Received: from mta1.spf.outreachsystems.com (mta1.spf.outreachsystems.com [107.20.160.162])\n" +
	" by yourcenter-edu.mail.protection.outlook.com with ESMTPS; Tue, 24 Nov 2026 17:00:01 +0000\n" +
	"From: Jane Doe <jane@yourcenter.edu>\n" +
	"To: it@yourcenter.edu\n" +
	"Subject: Test from Neoserra\n" +
	"Date: Tue, 24 Nov 2026 17:00:00 +0000\n" +
	"Message-ID: <test-1@neoserra.example>\n"

// message is headers with a body: a whole saved message.
const message = headers + "\nHello from Neoserra.\n"

func newModel(t *testing.T, w, h int) (*confirm.Model, *session.Session) {
	t.Helper()
	env := tuitest.NewEnv(t)
	m := confirm.NewModel(env.Common(w, h), env.Checker)
	st := tuitest.NewSession()
	m.Enter(st, common.Forward)
	return m, st
}

func typeText(m *confirm.Model, s string) {
	for _, k := range tuitest.Type(s) {
		m.Update(k)
	}
}

func writeMessage(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPathTypedIsVerified(t *testing.T) {
	m, _ := newModel(t, 100, 200)
	path := writeMessage(t, "test.eml", message)
	typeText(m, path)
	if !m.Capturing() {
		t.Fatal("the field does not have focus")
	}
	_, cmd := m.Update(tuitest.Key("enter"))
	tuitest.Await[common.SaveMsg](t, settle(t, m, cmd))
	res := lastMessage(t, m)
	if res.Source != path || res.Verdict != received.VerdictFail || !strings.HasPrefix(res.Line, "Verdict: ") || res.FromDomain != "yourcenter.edu" || res.At.IsZero() {
		t.Fatalf("recorded %#v", res)
	}
	rep, ok := m.Report()
	if !ok || rep.From != "jane@yourcenter.edu" {
		t.Fatalf("report = %+v, %v", rep, ok)
	}
	// The same words as 'wizard verify'.
	var b bytes.Buffer
	received.WriteText(&b, rep)
	for _, line := range []string{"Message from jane@yourcenter.edu (domain yourcenter.edu)", "DKIM", "✗ no DKIM signature", received.VerdictLine(rep)} {
		if !strings.Contains(b.String(), line) || !tuitest.Contains(m.View(), line) {
			t.Errorf("view or text lacks %q:\n%s", line, tuitest.Plain(m.View()))
		}
	}
	if m.Capturing() {
		t.Error("the field still has focus on the report")
	}
	_, cmd = m.Update(tuitest.Key("enter"))
	tuitest.Await[common.NextMsg](t, cmd)
	if got := m.Session().Messages; len(got) != 1 || got[0] != res {
		t.Fatalf("finish left messages %#v, want %#v", got, res)
	}
}

func TestTabCompletesPaths(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"message-one.eml", "message-two.eml", "other.txt", ".hidden"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "saved"), 0o700); err != nil {
		t.Fatal(err)
	}
	m, _ := newModel(t, 100, 40)
	typeText(m, dir+"/me")
	m.Update(tuitest.Key("tab"))
	if got, want := m.Value(), dir+"/message-"; got != want {
		t.Fatalf("after tab: %q, want %q", got, want)
	}
	if !tuitest.Contains(m.View(), "message-one.eml message-two.eml") {
		t.Errorf("the matches are not listed:\n%s", tuitest.Plain(m.View()))
	}
	typeText(m, "t")
	m.Update(tuitest.Key("tab"))
	if got, want := m.Value(), dir+"/message-two.eml"; got != want {
		t.Fatalf("after t, tab: %q, want %q", got, want)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlU})
	typeText(m, dir+"/sa")
	m.Update(tuitest.Key("tab"))
	if got, want := m.Value(), dir+"/saved/"; got != want {
		t.Fatalf("a folder: %q, want %q", got, want)
	}
}

func TestCompleteBoundsWhatItReads(t *testing.T) {
	dir := t.TempDir()
	for i := range confirm.MaxEntries + 5 {
		if err := os.WriteFile(filepath.Join(dir, "m"+strings.Repeat("x", i%3)+string(rune('a'+i%26))+filepath.Base(dir)[:1]+itoa(i)), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	c := confirm.Complete(dir + "/m")
	if !c.Truncated {
		t.Error("a folder of more than MaxEntries entries is not said to be cut short")
	}
	if len(c.Matches) > confirm.MaxShown || c.More == 0 {
		t.Errorf("matches %d shown, %d more; want at most %d shown and the rest counted", len(c.Matches), c.More, confirm.MaxShown)
	}
	if got := confirm.Complete(filepath.Join(dir, "missing") + "/x"); got.Err == "" || got.Value != filepath.Join(dir, "missing")+"/x" {
		t.Errorf("a missing folder: %+v", got)
	}
}

func itoa(i int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + i%10)}, b...)
		if i /= 10; i == 0 {
			return string(b)
		}
	}
}

func TestPastedHeadersAreVerified(t *testing.T) {
	// A terminal pastes each line end as CR: LF text arrives with one CR
	// a line, CRLF text (a file saved on Windows) with two.
	for name, text := range map[string]string{
		"LF":   strings.ReplaceAll(headers, "\n", "\r"),
		"CRLF": strings.ReplaceAll(headers, "\n", "\r\r"),
		"raw":  strings.ReplaceAll(headers, "\n", "\r\n"),
	} {
		t.Run(name, func(t *testing.T) { pastedHeadersAreVerified(t, text) })
	}
}

func pastedHeadersAreVerified(t *testing.T, text string) {
	m, _ := newModel(t, 100, 200)
	paste := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(text), Paste: true}
	_, cmd := m.Update(paste)
	tuitest.Await[common.SaveMsg](t, settle(t, m, cmd))
	res := lastMessage(t, m)
	if res.Source != confirm.PastedSource {
		t.Errorf("source = %q", res.Source)
	}
	rep, _ := m.Report()
	if !rep.HeadersOnly || rep.From != "jane@yourcenter.edu" {
		t.Errorf("report = %+v", rep)
	}
	if !tuitest.Contains(m.View(), "Verified the pasted headers now", "The file has only the headers") {
		t.Errorf("view:\n%s", tuitest.Plain(m.View()))
	}
	if m.Value() != "" {
		t.Errorf("the paste went into the field: %q", m.Value())
	}
}

func TestPasteTooLongIsRefused(t *testing.T) {
	m, _ := newModel(t, 100, 40)
	big := headers + strings.Repeat("X-Filler: "+strings.Repeat("a", 70)+"\n", confirm.MaxPaste/80+1)
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(big), Paste: true})
	if m.Verifying() || !strings.Contains(m.Problem(), "longer than 256 KiB") || !m.Capturing() {
		t.Fatalf("verifying %v, problem %q", m.Verifying(), m.Problem())
	}
}

func TestSkip(t *testing.T) {
	for _, k := range []string{"enter", "esc"} {
		t.Run(k, func(t *testing.T) {
			m, _ := newModel(t, 100, 40)
			_, cmd := m.Update(tuitest.Key(k))
			tuitest.Await[common.NextMsg](t, cmd)
			if got := m.Session().Messages; len(got) != 0 {
				t.Errorf("skipping recorded messages %#v", got)
			}
		})
	}
}

func TestBadFileStaysOnStep(t *testing.T) {
	for name, c := range map[string]struct{ path, want string }{
		"folder":  {t.TempDir(), "is a folder: give the saved message file (.eml) inside it"},
		"missing": {filepath.Join(t.TempDir(), "nope.eml"), "cannot read"},
		"msg":     {writeMessage(t, "x.msg", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), ".eml"},
	} {
		t.Run(name, func(t *testing.T) {
			m, _ := newModel(t, 100, 40)
			typeText(m, c.path)
			_, cmd := m.Update(tuitest.Key("enter"))
			settle(t, m, cmd)
			if !strings.Contains(m.Problem(), c.want) || !m.Capturing() || m.Value() != c.path {
				t.Fatalf("problem %q (want %q), capturing %v, value %q", m.Problem(), c.want, m.Capturing(), m.Value())
			}
			if !tuitest.Contains(m.View(), "✗") {
				t.Errorf("the problem is not shown:\n%s", tuitest.Plain(m.View()))
			}
		})
	}
}

func isTick(msg tea.Msg) bool {
	_, ok := msg.(spinner.TickMsg)
	return ok
}

// settle feeds m the messages of cmd (and of the commands m returns)
// until its verification is over, and returns the command m returned
// last.
func settle(t *testing.T, m *confirm.Model, cmd tea.Cmd) tea.Cmd {
	t.Helper()
	for i := 0; m.Verifying() && i < 20; i++ {
		msgs := tuitest.Collect(t, cmd, func(msgs []tea.Msg) bool { return !isTick(msgs[len(msgs)-1]) })
		cmd = nil
		for _, msg := range msgs {
			if !isTick(msg) {
				_, cmd = m.Update(msg)
			}
		}
	}
	if m.Verifying() {
		t.Fatal("the verification did not end")
	}
	return cmd
}

// A message file given by the step before (the demo's v) is verified at
// once, and only once.
func TestMessageFileFromEarlierStep(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := confirm.NewModel(env.Common(100, 200), env.Checker)
	path := writeMessage(t, "demo.eml", message)
	st := tuitest.NewSession(tuitest.MessageFile(path))
	cmd := m.Enter(st, common.Forward)
	if !m.Verifying() || m.Value() != path {
		t.Fatalf("verifying %v, field %q", m.Verifying(), m.Value())
	}
	settle(t, m, cmd)
	if _, ok := m.Report(); !ok {
		t.Fatalf("no report:\n%s", tuitest.Plain(m.View()))
	}
	m.Enter(st, common.Backward)
	if m.Verifying() {
		t.Error("the same file is verified again on coming back")
	}
}

func TestSummaryKeepsVerdict(t *testing.T) {
	env := tuitest.NewEnv(t)
	at := time.Date(2026, 12, 7, 10, 42, 0, 0, time.Local)
	st := tuitest.NewSession(env.Input(t), session.Message{Source: "/tmp/x.eml", FromDomain: tuitest.Domain, Verdict: received.VerdictPass, Checkbox: "off",
		Line: "Verdict: Neoserra mail from yourcenter.edu passes DMARC: keep the setting OFF.", At: at})
	sum := tui.SummaryText(env.Platform, st, 100)
	want := "\nConfirmed with a real message\n  /tmp/x.eml\n  The message from yourcenter.edu (checked at 10:42) passes DMARC.\n"
	if !strings.Contains(sum, want) {
		t.Fatalf("summary lacks the confirmation:\n%s", sum)
	}
	// The decision is said once: the message's own instruction is not
	// repeated.
	if strings.Contains(sum, "keep the setting") || strings.Count(sum, "sender setting: turn it") != 1 {
		t.Errorf("the summary gives more than one instruction:\n%s", sum)
	}
	if strings.Index(sum, want) > strings.Index(sum, "Still to do") {
		t.Errorf("the confirmation is not beside the decision:\n%s", sum)
	}
	if strings.Contains(tui.SummaryText(env.Platform, tuitest.NewSession(env.Input(t)), 100), "Confirmed with") {
		t.Error("a summary without a confirmation mentions one")
	}
}

// TestAnotherMessageStartsEmpty: after a verification, a (another
// message) gives an empty field; the last path left in it made a newly
// typed path land after the old one.
func TestAnotherMessageStartsEmpty(t *testing.T) {
	m, _ := newModel(t, 100, 200)
	typeText(m, writeMessage(t, "test.eml", message))
	_, cmd := m.Update(tuitest.Key("enter"))
	tuitest.Await[common.SaveMsg](t, settle(t, m, cmd))
	m.Update(tuitest.Key("a"))
	if !m.Capturing() || m.Value() != "" {
		t.Fatalf("capturing %v, field %q: want an empty field with focus", m.Capturing(), m.Value())
	}
}

// TestHintNamesTab: the footer is cut at 40 columns and ? is typed into
// the field, so the line under it says that tab completes a path.
func TestHintNamesTab(t *testing.T) {
	m, _ := newModel(t, 40, 20)
	if !tuitest.Contains(m.View(), "Tab completes a path") {
		t.Fatalf("the hint does not name tab:\n%s", tuitest.Plain(m.View()))
	}
}

// lastMessage returns the last message the step recorded in its session.
func lastMessage(t *testing.T, m *confirm.Model) session.Message {
	t.Helper()
	msgs := m.Session().Messages
	if len(msgs) == 0 {
		t.Fatal("no message recorded in the session")
	}
	return msgs[len(msgs)-1]
}
