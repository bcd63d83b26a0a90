package tui_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/core/advice"
	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/domainname"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	advicestep "github.com/outreach-auth/wizard/steps/advice"
	"github.com/outreach-auth/wizard/steps/checking"
	confirmstep "github.com/outreach-auth/wizard/steps/confirm"
	discoverystep "github.com/outreach-auth/wizard/steps/discovery"
	"github.com/outreach-auth/wizard/steps/domain"
	"github.com/outreach-auth/wizard/steps/domains"
	"github.com/outreach-auth/wizard/steps/provider"
	"github.com/outreach-auth/wizard/steps/records"
	"github.com/outreach-auth/wizard/steps/welcome"
	"github.com/outreach-auth/wizard/tui"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

func TestMain(m *testing.M) { os.Exit(tuitest.Main(m)) }

func cfgFor(env *tuitest.Env, dir string) tui.Config {
	return tui.Config{Platform: env.Platform, Resolver: env.Client, Checker: env.Checker, Clipboard: tui.ClipboardOff, SaveDir: dir}
}

// syncBuffer is the terminal the shell writes the bell and OSC 52 to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// shell drives the root model by hand: send gives it a message and returns
// the command it answered with.
type shell struct {
	t    *testing.T
	m    *tui.Model
	w, h int
}

func (s shell) send(msg tea.Msg) tea.Cmd {
	s.t.Helper()
	_, cmd := s.m.Update(msg)
	return cmd
}

func (s shell) keys(ks ...string) tea.Cmd {
	var cmd tea.Cmd
	for _, k := range ks {
		cmd = s.send(tuitest.Key(k))
	}
	return cmd
}

func (s shell) typ(text string) {
	for _, k := range tuitest.Type(text) {
		s.send(k)
	}
}

func (s shell) current() (common.Step, session.StepID) { return s.m.Current() }

func (s shell) view() string { return tuitest.Plain(s.m.View()) }

func (s shell) wantStep(want session.StepID) {
	s.t.Helper()
	if _, got := s.current(); got != want {
		s.t.Fatalf("current step = %q, want %q\n%s", got, want, s.view())
	}
}

// wantView checks the screen fits the window and, at 80 columns or more
// (where nothing checked is scrolled out of view), shows texts.
func (s shell) wantView(texts ...string) {
	s.t.Helper()
	if (s.w == 0 || s.w >= 80) && !tuitest.Contains(s.m.View(), texts...) {
		s.t.Fatalf("view lacks %q:\n%s", texts, s.view())
	}
	if s.w > 0 {
		tuitest.CheckFits(s.t, s.m.View(), s.w, s.h)
	}
}

// next sends msg, waits for the step to finish (common.NextMsg) and feeds
// that to the shell, returning the next step's starting command.
func (s shell) next(msg tea.Msg) tea.Cmd {
	s.t.Helper()
	return s.send(tuitest.Await[common.NextMsg](s.t, s.send(msg)))
}

func newShell(t *testing.T, env *tuitest.Env, w, h int) (shell, *syncBuffer) {
	term := &syncBuffer{}
	m := tui.NewModel(context.Background(), cfgFor(env, t.TempDir()), term)
	s := shell{t: t, m: m, w: w, h: h}
	s.send(tea.WindowSizeMsg{Width: w, Height: h})
	if cmd := m.Init(); cmd != nil {
		t.Fatalf("welcome started work: %T", cmd())
	}
	return s, term
}

// TestWalkthrough goes through every step against a real DNS server: the
// records are published while the Check step polls, the bell rings, the
// advice is the best option, and the summary says so.
func TestWalkthrough(t *testing.T) {
	for _, size := range tuitest.Sizes {
		t.Run(size.Name, func(t *testing.T) { walkthrough(t, size.Width, size.Height) })
	}
}

func walkthrough(t *testing.T, w, h int) {
	env := tuitest.NewEnv(t)
	s, term := newShell(t, env, w, h)
	s.wantView("1/9 Welcome", "Let Neoserra send mail as your own domain", "enter start")

	s.next(tuitest.Key("enter"))
	s.wantStep(domain.Name)
	s.typ("jane@YourCenter.edu")
	s.wantView("Will use yourcenter.edu", "Using the domain part of the email address")

	cmd := s.next(tuitest.Key("enter"))
	s.wantStep(discoverystep.Name)
	s.wantView("Looking up yourcenter.edu")
	s.send(tuitest.Await[discoverystep.ResultMsg](t, cmd))
	s.wantView("DNS host Cloudflare", "Microsoft 365, detected from your MX record", "DKIM nothing at osc1._domainkey.yourcenter.edu")

	s.next(tuitest.Key("enter"))
	s.wantStep(provider.Name)
	s.wantView("Microsoft 365 (detected)", "Your MX points to Microsoft 365")

	s.next(tuitest.Key("enter"))
	s.wantStep(domains.Name)
	s.wantView("Do your staff send Neoserra mail from any other domain?", "✓ yourcenter.edu", "go on with 1 domain")

	cmd = s.next(tuitest.Key("enter"))
	s.wantStep(records.Name)
	s.send(tuitest.Await[records.PlanMsg](t, cmd))
	s.wantView("Records to publish for yourcenter.edu", "1/3 DKIM: add a CNAME record")
	if c, ok := s.m.Session().Provider(); !ok || !c.Detected || c.Provider.ID != "microsoft365" {
		t.Fatalf("provider choice = %+v, %v", c, ok)
	}

	cmd = s.next(tuitest.Key("enter"))
	s.wantStep(checking.Name)
	cmd = s.send(tuitest.Await[checking.ResultMsg](t, cmd))
	s.send(tuitest.Await[common.SaveMsg](t, cmd))
	s.wantView("SPF fail", "DKIM missing", "Next check in 5 s")
	if reps := s.m.Session().Reports(); len(reps) != 1 || reps[0].Ready {
		t.Fatalf("kept reports = %+v", reps)
	}

	env.Publish(t)
	cmd = s.send(tuitest.Await[checking.ResultMsg](t, s.keys("r")))
	s.wantView("SPF and DKIM pass: yourcenter.edu is ready!")
	s.send(tuitest.Await[common.BellMsg](t, cmd))
	if got := term.String(); got != "" {
		// The bell is written by a command of its own.
		t.Fatalf("terminal got %q before the bell command ran", got)
	}
	bell := s.send(common.BellMsg{})
	bell()
	if got := term.String(); got != "\a" {
		t.Fatalf("terminal got %q, want the bell", got)
	}

	s.next(tuitest.Key("enter"))
	s.wantStep(advicestep.Name)
	s.wantView("Best: publish SPF and DKIM, checkbox OFF (fits your result)")

	s.next(tuitest.Key("enter"))
	s.wantStep(confirmstep.Name)
	s.wantView("Confirm with a real message (optional)")
	quit := s.next(tuitest.Key("enter")) // an empty field skips
	if quit == nil {
		t.Fatal("skipping the last step did not end the program")
	}
	if _, ok := quit().(tea.QuitMsg); !ok || !s.m.Finished() {
		t.Fatal("skipping the last step did not end the program")
	}
	// The summary is a to-do list: the decision, then nothing left to do
	// for the domain that passes (not the records it published).
	sum := s.m.Summary().Text
	checkSummaryWidth(t, sum, w)
	sum = unwrapped(sum)
	for _, want := range []string{
		"Neoserra sender authentication: yourcenter.edu",
		"Neoserra's sender setting: turn it OFF",
		`"When sending email, have Neoserra authenticate on sender's behalf?"`,
		"Where: Administration | Configuration | General Settings",
		"Why: yourcenter.edu passes SPF and DKIM.",
		"yourcenter.edu: ready, nothing to do.",
		"Contact OutreachSystems support (+1 (805) 967-1280)",
	} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	for _, unwanted := range []string{"add a CNAME record", "osc1._domainkey.outreachsystems.com.", "wizard check"} {
		if strings.Contains(sum, unwanted) {
			t.Errorf("summary of a ready domain has %q:\n%s", unwanted, sum)
		}
	}
	if strings.Contains(sum, "\x1b") {
		t.Errorf("summary has escape sequences: %q", sum)
	}
}

func TestQuitKeys(t *testing.T) {
	env := tuitest.NewEnv(t)
	s, _ := newShell(t, env, 80, 24)
	// q quits where nothing is typed.
	if cmd := s.keys("q"); cmd == nil {
		t.Fatal("q on the welcome did not quit")
	} else if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q on the welcome did not quit")
	}

	s, _ = newShell(t, env, 80, 24)
	s.next(tuitest.Key("enter"))
	// In the domain field q and ? are text.
	s.keys("q", "?")
	s.wantView("› q?")
	if step, _ := s.current(); !step.Capturing() {
		t.Fatal("the domain step does not capture keys")
	}
	s.wantView("ctrl+c quit")
	if cmd := s.keys("ctrl+c"); cmd == nil {
		t.Fatal("ctrl+c did not quit")
	} else if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("ctrl+c did not quit")
	}
	if s.m.Summary().Text != "" {
		t.Fatalf("summary without a domain: %q", s.m.Summary().Text)
	}
}

func TestHelpToggleAndBack(t *testing.T) {
	env := tuitest.NewEnv(t)
	s, _ := newShell(t, env, 40, 20)
	s.wantView("? more keys")
	s.keys("?")
	s.wantView("? fewer keys", "q quit", "ctrl+c quit", "pgup page up", "end/G bottom")
	tuitest.CheckFits(t, s.m.View(), 40, 20)
	s.keys("?")
	s.wantView("? more keys")

	s.next(tuitest.Key("enter"))
	s.typ("yourcenter.edu")
	// esc goes back and the text is kept.
	s.send(s.keys("esc")())
	s.wantStep(welcome.Name)
	s.next(tuitest.Key("enter"))
	s.wantView("› yourcenter.edu")
}

// TestForgetLaterResults checks that going back and choosing another
// domain drops what was known about the old one.
func TestForgetLaterResults(t *testing.T) {
	env := tuitest.NewEnv(t)
	s, _ := newShell(t, env, 80, 24)
	s.next(tuitest.Key("enter"))
	s.typ("yourcenter.edu")
	cmd := s.next(tuitest.Key("enter"))
	s.send(tuitest.Await[discoverystep.ResultMsg](t, cmd))
	s.next(tuitest.Key("enter"))
	if f := s.m.Session().First(); f == nil || f.ReadAt.IsZero() {
		t.Fatal("no snapshot after discovery")
	}
	s.send(s.keys("esc")()) // provider → discovery
	s.send(s.keys("esc")()) // discovery → domain
	s.wantStep(domain.Name)
	s.keys("backspace", "backspace", "backspace")
	s.typ("org")
	s.next(tuitest.Key("enter"))
	f := s.m.Session().First()
	if f.Input.Domain != "yourcenter.org" {
		t.Fatalf("domain = %q", f.Input.Domain)
	}
	if s.m.Session().Has("yourcenter.edu") || f.Snap.Domain == "yourcenter.edu" {
		t.Fatal("the old domain's snapshot was kept")
	}
}

// TestCopyFallsBackToFile: with the clipboard off, copying saves the
// instructions and the status line says where.
func TestCopyFallsBackToFile(t *testing.T) {
	env := tuitest.NewEnv(t)
	dir := t.TempDir()
	cfg := cfgFor(env, dir)
	m := tui.NewModel(context.Background(), cfg, &syncBuffer{})
	s := shell{t: t, m: m}
	snap := discovery.Discover(context.Background(), env.Client, tuitest.Domain, env.Platform)
	in, _ := domainname.Normalize(tuitest.Domain)
	m.StartAt(records.Name, tuitest.NewSession(in, snap, plan.ProviderChoice{Provider: snap.Provider, Detected: true}))
	s.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	s.send(tuitest.Await[records.PlanMsg](t, m.Init()))

	copyMsg := tuitest.Await[common.CopyMsg](t, s.keys("c"))
	if copyMsg.Text != "osc1._domainkey.outreachsystems.com." || copyMsg.What != "the DKIM value for yourcenter.edu" {
		t.Fatalf("copy = %+v", copyMsg)
	}
	status := tuitest.Await[common.StatusMsg](t, s.send(copyMsg))
	path := filepath.Join(dir, "dns-records-yourcenter.edu.txt")
	want := "Could not copy the DKIM value for yourcenter.edu: the clipboard is off (--clipboard off). The instructions are saved in " + path + "."
	if status.Text != want || status.Level != common.Failure {
		t.Fatalf("status = %+v\nwant %q", status, want)
	}
	s.send(status)
	s.wantView("The instructions are saved in")
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), "Records to publish for yourcenter.edu") {
		t.Fatalf("saved file: %v\n%s", err, data)
	}
	tuitest.CheckFits(t, m.View(), 80, 24)
}

// TestCopyOSC52 copies through the shell over SSH: the exact sequence
// reaches the terminal and the status line says how.
func TestCopyOSC52(t *testing.T) {
	env := tuitest.NewEnv(t)
	term := &syncBuffer{}
	m := tui.NewModel(context.Background(), cfgFor(env, t.TempDir()), term)
	m.SetClipboard(tui.Clipboard{Mode: tui.ClipboardAuto, GOOS: "linux", Term: term,
		Getenv: envOf(map[string]string{"SSH_TTY": "/dev/pts/3", "DISPLAY": ":0"}),
		System: func(string) error { t.Error("system clipboard used over SSH"); return nil }})
	status := tuitest.Await[common.StatusMsg](t, shell{t: t, m: m}.send(common.CopyMsg{What: "the SPF value", Text: "v=spf1 -all"}))
	if got, want := term.String(), "\x1b]52;c;dj1zcGYxIC1hbGw=\a"; got != want {
		t.Fatalf("terminal got %q, want %q", got, want)
	}
	if !strings.HasPrefix(status.Text, "Copied the SPF value through your terminal (if nothing pastes") {
		t.Fatalf("status = %q", status.Text)
	}
}

func TestAdviceSecondBestSummary(t *testing.T) {
	env := tuitest.NewEnv(t)
	in, _ := domainname.Normalize(tuitest.Domain)
	exp, _ := checks.Expect(env.Platform, nil, nil)
	rep := env.Checker.Check(context.Background(), tuitest.Domain, exp)
	st := tuitest.NewSession(in, []dnscheck.DomainReport{rep})
	sum := tui.SummaryText(env.Platform, st, 80)
	for _, want := range []string{
		"Neoserra's sender setting: turn it ON",
		"  Why: yourcenter.edu does not pass yet. Turn it OFF once every domain passes\n  SPF and DKIM.\n",
		"  yourcenter.edu: not ready yet (last check: SPF fail, DKIM missing).",
		"  When that is done, check again:\n    wizard check yourcenter.edu\n",
	} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	if a := advice.Advise([]dnscheck.DomainReport{rep}, env.Platform); a.Option != advice.OptionSecondBest {
		t.Fatalf("advice = %+v", a)
	}
}
