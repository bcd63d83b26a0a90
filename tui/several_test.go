package tui_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/statefile"
	advicestep "github.com/outreach-auth/wizard/steps/advice"
	"github.com/outreach-auth/wizard/steps/checking"
	discoverystep "github.com/outreach-auth/wizard/steps/discovery"
	"github.com/outreach-auth/wizard/steps/domains"
	"github.com/outreach-auth/wizard/steps/provider"
	"github.com/outreach-auth/wizard/steps/records"
	"github.com/outreach-auth/wizard/steps/welcome"
	"github.com/outreach-auth/wizard/tui"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// readProgress decodes the progress file at path.
func readProgress(t *testing.T, path string) tui.Progress {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no progress saved: %v", err)
	}
	var p tui.Progress
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("the progress file is not whole JSON: %v\n%s", err, b)
	}
	return p
}

// awaitPlans feeds the records step every plan cmd builds (one per
// domain); it returns a command that saves the progress then.
func (s shell) awaitPlans(cmd tea.Cmd, n int) tea.Cmd {
	s.t.Helper()
	msgs := tuitest.Collect(s.t, cmd, func(ms []tea.Msg) bool {
		got := 0
		for _, m := range ms {
			if _, ok := m.(records.PlanMsg); ok {
				got++
			}
		}
		return got == n
	})
	for _, m := range msgs {
		if pm, ok := m.(records.PlanMsg); ok {
			s.send(pm)
		}
	}
	return func() tea.Msg { return tui.ProgressSavedMsg{Err: s.m.SaveProgress()} }
}

// TestSeveralDomains walks the wizard with a second domain: it is added
// and looked up, both get records, the Check step lists both, the
// advice keeps the checkbox ON naming the domain that holds it back, and
// the progress file follows every step.
func TestSeveralDomains(t *testing.T) {
	env := tuitest.NewEnv(t)
	cfg := cfgFor(env, t.TempDir())
	cfg.ProgressPath = filepath.Join(t.TempDir(), "progress.json")
	m := tui.NewModel(context.Background(), cfg, &syncBuffer{})
	s := shell{t: t, m: m, w: 80, h: 30}
	s.send(tea.WindowSizeMsg{Width: 80, Height: 30})

	s.next(tuitest.Key("enter"))
	s.typ(tuitest.Domain)
	s.send(tuitest.Await[discoverystep.ResultMsg](t, s.next(tuitest.Key("enter"))))
	s.next(tuitest.Key("enter"))                                                  // discovery → provider
	saved := tuitest.Await[tui.ProgressSavedMsg](t, s.next(tuitest.Key("enter"))) // the detected provider
	if saved.Err != nil {
		t.Fatal(saved.Err)
	}
	s.wantStep(domains.Name)
	if p := readProgress(t, cfg.ProgressPath); p.Step != "domains" || strings.Join(p.Names(), " ") != tuitest.Domain || p.Session.Domains[0].Provider != "microsoft365" ||
		!p.Session.Domains[0].ProviderDetected || !p.Session.Domains[0].ProviderConfirmed {
		t.Fatalf("progress at the other domains = %+v", p)
	}

	s.typ("Jane <jane@OtherCenter.org>")
	keep := tuitest.Await[common.SaveMsg](t, s.send(tuitest.Await[domains.LookedUpMsg](t, s.keys("enter"))))
	s.wantView("✓ othercenter.org", "DNS: GoDaddy · mail: Microsoft 365", "go on with 2 domains")
	// The added domain is saved at once, before the person goes on.
	if msg := s.send(keep)().(tui.ProgressSavedMsg); msg.Err != nil {
		t.Fatal(msg.Err)
	}
	if p := readProgress(t, cfg.ProgressPath); p.Step != "domains" || strings.Join(p.Names(), " ") != tuitest.Domain+" "+tuitest.Other {
		t.Fatalf("progress after adding a domain = %+v", p)
	}

	// The added domain's provider is confirmed, as the first one's was.
	s.next(tuitest.Key("enter"))
	s.wantStep(provider.NameOthers)
	s.wantView("5/9 Other domains' mail providers", "Who handles the mail of othercenter.org?", "Microsoft 365 (detected)")
	save := s.awaitPlans(s.next(tuitest.Key("enter")), 2)
	s.wantStep(records.Name)
	s.wantView("Records to publish for yourcenter.edu", "Domain 1 of 2")
	s.keys("right")
	s.wantView("Nothing to publish for othercenter.org", "Domain 2 of 2", "DKIM: keep the CNAME record")
	if msg := save().(tui.ProgressSavedMsg); msg.Err != nil {
		t.Fatal(msg.Err)
	}

	cmd := s.next(tuitest.Key("enter"))
	s.wantStep(checking.Name)
	res := tuitest.Await[checking.ResultMsg](t, cmd)
	keep = tuitest.Await[common.SaveMsg](t, s.send(res))
	if msg := s.send(keep)().(tui.ProgressSavedMsg); msg.Err != nil {
		t.Fatal(msg.Err)
	}
	s.wantView("Checking 2 domains until SPF and DKIM pass", "✗ yourcenter.edu", "✓ othercenter.org", "SPF pass · DKIM pass · DMARC p=none, found")
	p := readProgress(t, cfg.ProgressPath)
	if reps := p.Checks(); p.Step != "check" || len(reps) != 2 || reps[1].Domain != tuitest.Other || !reps[1].Ready || reps[0].Ready || p.LastCheckedAt().IsZero() {
		t.Fatalf("progress at the Check step = %+v", p)
	}

	// Enter opens the selected domain; esc comes back to the list.
	s.keys("enter")
	s.wantView("Checking yourcenter.edu until SPF and DKIM pass", "To fix", "DKIM missing")
	s.keys("esc")
	s.wantView("✓ othercenter.org")

	s.keys("a")
	s.next(tuitest.Key("a"))
	s.wantStep(advicestep.Name)
	s.wantView("Second best: checkbox ON (fits your result)")
	sum := unwrapped(s.m.Summary().Text)
	for _, want := range []string{
		"Neoserra sender authentication: yourcenter.edu, othercenter.org",
		"Neoserra's sender setting: turn it ON", "Why: yourcenter.edu does not pass yet.",
		"yourcenter.edu: not ready yet (last check: SPF fail, DKIM missing).",
		"othercenter.org: ready, nothing to do.",
		"Neoserra still uses SPF and DKIM for the domain that passes (othercenter.org)",
	} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	// The decision is given once.
	if n := strings.Count(sum, `"When sending email, have Neoserra authenticate on sender's behalf?"`); n != 1 {
		t.Errorf("the summary names the setting %d times, want once:\n%s", n, sum)
	}
}

// savedProgress is what a person who reached the Check step with two
// domains two hours ago left behind: both providers confirmed, both
// domains checked.
func savedProgress(t *testing.T, env *tuitest.Env) tui.Progress {
	at := time.Now().Add(-2 * time.Hour).UTC()
	snap := env.Snapshot(t)
	s := tuitest.NewSession(env.Input(t), snap, tuitest.Detected(snap),
		tuitest.Others{{Input: tuitest.InputOf(t, tuitest.Other), Snap: env.SnapshotOf(t, tuitest.Other)}})
	s.Checked([]dnscheck.DomainReport{env.Report(t), env.ReportOf(t, tuitest.Other)}, at)
	prog, ok := s.Progress(env.Platform.Name, session.StepCheck, at)
	if !ok {
		t.Fatal("nothing to save")
	}
	// As read back from a file.
	b, err := json.Marshal(prog)
	if err != nil {
		t.Fatal(err)
	}
	var back tui.Progress
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	return back
}

// savedProgressV1 is savedProgress as version 1 of the format saved it:
// one provider (the first domain's), the reports and their time beside
// the domains, the step by its title.
func savedProgressV1(t *testing.T, env *tuitest.Env) tui.Progress {
	at := time.Now().Add(-2 * time.Hour).UTC()
	return tui.Progress{
		Version: 1, Platform: env.Platform.Name,
		Domains:  []string{tuitest.Domain, tuitest.Other},
		Provider: "microsoft365", ProviderDetected: true,
		Step: "Verify", Reports: []dnscheck.DomainReport{env.Report(t), env.ReportOf(t, tuitest.Other)},
		CheckedAt: at, SavedAt: at,
	}
}

// TestResume: the saved progress is offered; enter rebuilds the state and
// checks again at once, at the Check step.
func TestResume(t *testing.T) {
	env := tuitest.NewEnv(t)
	cfg := cfgFor(env, t.TempDir())
	cfg.ProgressPath = filepath.Join(t.TempDir(), "progress.json")
	prog := savedProgress(t, env)
	cfg.Resume = &prog
	m := tui.NewModel(context.Background(), cfg, &syncBuffer{})
	s := shell{t: t, m: m, w: 80, h: 30}
	s.send(tea.WindowSizeMsg{Width: 80, Height: 30})
	if cmd := m.Init(); cmd != nil || !m.Offering() {
		t.Fatal("the offer to resume is not shown first")
	}
	s.wantView("setup · welcome back", "Last time (2 hours ago) you were setting up yourcenter.edu, othercenter.org, at the Check step.",
		"The last check (2 hours ago)", "✗ yourcenter.edu: SPF fail, DKIM missing", "enter resume", "f start fresh")

	cmd := s.keys("enter")
	s.wantStep(checking.Name)
	if m.Offering() {
		t.Fatal("still offering after enter")
	}
	// The last results show at once, while the new check runs.
	s.wantView("Checking now", "✗ yourcenter.edu")
	if c, ok := m.Session().Provider(); !ok || c.Provider.ID != "microsoft365" || !c.Detected {
		t.Fatalf("provider choice = %+v", c)
	}
	env.Publish(t)
	res := tuitest.Await[checking.ResultMsg](t, cmd)
	if len(res.Reports) != 2 || !res.Reports[0].Ready || !res.Reports[1].Ready {
		t.Fatalf("the check after resuming = %+v", res.Reports)
	}
	s.send(res)
	s.wantView("both domains are ready!", "• yourcenter.edu: SPF passes now (before: fail).")

	// Back to the records (the Check step keeps the domain in view
	// first): both domains are looked up again.
	save := s.awaitPlans(s.send(tuitest.Await[common.BackMsg](t, s.keys("b"))), 2)
	s.wantStep(records.Name)
	s.wantView("Nothing to publish for yourcenter.edu", "Domain 1 of 2")
	if msg := save().(tui.ProgressSavedMsg); msg.Err != nil {
		t.Fatal(msg.Err)
	}
	if p := readProgress(t, cfg.ProgressPath); p.Step != "records" || len(p.Names()) != 2 || len(p.Checks()) != 2 {
		t.Fatalf("progress after going back = %+v", p)
	}
}

// TestResumeDeclined: f starts fresh at the welcome; progress for another
// platform, or without a domain, is not offered; progress that no longer
// makes sense is said and the wizard starts fresh.
func TestResumeDeclined(t *testing.T) {
	env := tuitest.NewEnv(t)
	prog := savedProgress(t, env)
	cfg := cfgFor(env, t.TempDir())
	cfg.Resume = &prog
	m := tui.NewModel(context.Background(), cfg, &syncBuffer{})
	s := shell{t: t, m: m}
	s.keys("f")
	s.wantStep(welcome.Name)
	s.wantView("1/9 Welcome")
	if m.Offering() {
		t.Fatal("still offering after f")
	}

	for _, p := range []tui.Progress{{Platform: "Another platform", Domains: []string{tuitest.Domain}}, {Platform: env.Platform.Name}} {
		cfg.Resume = &p
		if tui.NewModel(context.Background(), cfg, &syncBuffer{}).Offering() {
			t.Errorf("offered %+v", p)
		}
	}

	bad := savedProgress(t, env)
	bad.Session.Domains[0].Name = "not a domain!"
	cfg.Resume = &bad
	m = tui.NewModel(context.Background(), cfg, &syncBuffer{})
	s = shell{t: t, m: m}
	s.keys("enter")
	s.wantStep(welcome.Name)
	if st := m.Status(); st.Level != common.Failure || !strings.Contains(st.Text, "Could not resume") || !strings.Contains(st.Text, "Starting fresh") {
		t.Fatalf("status = %+v", st)
	}
}

// TestSaveFailureSaidOnce: when the progress cannot be written the status
// line says so once, and the wizard goes on.
func TestSaveFailureSaidOnce(t *testing.T) {
	env := tuitest.NewEnv(t)
	cfg := cfgFor(env, t.TempDir())
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.ProgressPath = filepath.Join(blocker, "progress.json") // its parent is a file
	m := tui.NewModel(context.Background(), cfg, &syncBuffer{})
	s := shell{t: t, m: m}
	s.next(tuitest.Key("enter"))
	s.typ(tuitest.Domain)
	cmd := s.next(tuitest.Key("enter"))
	saved := tuitest.Await[tui.ProgressSavedMsg](t, cmd)
	if saved.Err == nil {
		t.Fatal("saving under a file succeeded")
	}
	s.send(saved)
	if st := m.Status(); st.Level != common.Failure || !strings.Contains(st.Text, "Could not save your progress") {
		t.Fatalf("status = %+v", st)
	}
	s.send(common.StatusMsg{})
	s.send(saved)
	if st := m.Status(); st.Text != "" {
		t.Fatalf("the failure was said twice: %q", st.Text)
	}
	if m.SaveProgress() == nil {
		t.Fatal("SaveProgress hid the failure")
	}
}

// TestAccessibleSeveralDomains: the plain prompts ask for other domains
// (a duplicate refused), print both domains' records, check both, and
// advise across them.
func TestAccessibleSeveralDomains(t *testing.T) {
	env := tuitest.NewEnv(t)
	dir := t.TempDir()
	cfg := cfgFor(env, dir)
	cfg.ProgressPath = filepath.Join(t.TempDir(), "progress.json")
	cfg.Actions = []tui.Action{{Key: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "note")),
		Run: func(_ context.Context, pl plan.Plan) (string, error) {
			return "noted its " + pl.Records[0].Label(), nil
		}}}
	in := strings.NewReader(strings.Join([]string{
		tuitest.Domain,
		"", // the detected provider
		"jane@othercenter.org",
		"OTHERCENTER.ORG", // already there
		"",                // no more
		"",                // no address for DMARC reports
		"",                // othercenter.org's provider: the detected one
		"h",               // the hand-off sheet
		"x",               // the extra action, once per domain
		"",                // check
		"a",               // skip to the advice
	}, "\n") + "\n")
	var out strings.Builder
	if err := tui.RunAccessible(context.Background(), cfg, in, &out); err != nil {
		t.Fatalf("RunAccessible: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"Do your staff send Neoserra mail from any other domain?",
		"What othercenter.org publishes today:",
		"Added othercenter.org.",
		"othercenter.org is already in the list.",
		"Records to publish for yourcenter.edu", "Nothing to publish for othercenter.org",
		"Saved the hand-off sheet for both domains, for whoever edits DNS, in " + dir +
			": dns-handoff-yourcenter.edu-and-1-more.md (Markdown, to send or print) and dns-handoff-yourcenter.edu-and-1-more.html (the same as a web page).",
		"yourcenter.edu: noted its DKIM\nothercenter.org: noted its DKIM\n",
		"Checking yourcenter.edu, othercenter.org...",
		"othercenter.org  ✓ ready",
		"  2. Second best: checkbox ON. This one fits your result.",
		"Neoserra still uses SPF and DKIM for the domain that passes (othercenter.org)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(got)
	}
	sheet, err := os.ReadFile(filepath.Join(dir, "dns-handoff-yourcenter.edu-and-1-more.md"))
	if err != nil || !strings.Contains(string(sheet), tuitest.Domain) || !strings.Contains(string(sheet), tuitest.Other) {
		t.Errorf("the hand-off sheet does not cover both domains (%v):\n%s", err, sheet)
	}
	if p := readProgress(t, cfg.ProgressPath); p.Step != "advice" || len(p.Checks()) != 2 || strings.Join(p.Names(), " ") != tuitest.Domain+" "+tuitest.Other {
		t.Fatalf("progress = %+v", p)
	}
}

// TestAccessibleResume: enter resumes with the saved domains and
// provider; nothing is asked again but the check.
func TestAccessibleResume(t *testing.T) {
	env := tuitest.NewEnv(t)
	cfg := cfgFor(env, t.TempDir())
	cfg.ProgressPath = filepath.Join(t.TempDir(), "progress.json")
	prog := savedProgress(t, env)
	cfg.Resume = &prog
	env.Publish(t)
	var out strings.Builder
	if err := tui.RunAccessible(context.Background(), cfg, strings.NewReader("\n"), &out); err != nil {
		t.Fatalf("RunAccessible: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"Last time (2 hours ago) you were setting up yourcenter.edu, othercenter.org, at the Check step.",
		"  Last check of yourcenter.edu: SPF fail, DKIM missing.",
		"Mail provider: Microsoft 365 (as chosen last time).",
		"What othercenter.org publishes today:",
		"SPF and DKIM pass: both domains are ready.",
		"  1. Best: publish SPF and DKIM, checkbox OFF. This one fits your result.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(got, "Your mail domain, or one of your staff's email addresses") || strings.Contains(got, "Number of your provider") {
		t.Error("a resumed session asked again")
	}
	if t.Failed() {
		t.Log(got)
	}
	if p := readProgress(t, cfg.ProgressPath); p.Step != "advice" || len(p.Checks()) != 2 || !p.Checks()[0].Ready || !p.LastCheckedAt().After(prog.LastCheckedAt()) {
		t.Fatalf("progress = %+v", p)
	}
}

// TestOfferHostileProgress: the saved file is untrusted; nothing in it
// reaches the screen with control characters.
func TestOfferHostileProgress(t *testing.T) {
	env := tuitest.NewEnv(t)
	prog := hostileProgress(t, env)
	cfg := cfgFor(env, t.TempDir())
	cfg.Resume = &prog
	m := tui.NewModel(context.Background(), cfg, &syncBuffer{})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	// The raw view: tuitest.Plain would strip the very sequences looked for.
	view := m.View()
	wantSanitised(t, "the offer", view, true)
	if !strings.Contains(tuitest.Plain(view), "Welcome back") {
		t.Fatalf("no offer:\n%s", tuitest.Plain(view))
	}
	for _, l := range prog.LastCheck() {
		if c, _ := rawControls(l.Text, false); c != "" {
			t.Errorf("LastCheck line %q has %q", l.Text, c)
		}
	}
	m.Update(tuitest.Key("enter"))
	st := m.Status()
	if !strings.Contains(st.Text, "Could not resume") {
		t.Fatalf("status = %q", st.Text)
	}
	wantSanitised(t, "the status after enter", st.Text, false)
	if c, _ := rawControls(m.View(), true); c != "" {
		t.Fatalf("the view after enter has %q", c)
	}
}

// resumeWith starts the shell with prog to resume and presses enter.
func resumeWith(t *testing.T, env *tuitest.Env, prog tui.Progress) (shell, *tui.Model, tea.Cmd) {
	t.Helper()
	cfg := cfgFor(env, t.TempDir())
	cfg.ProgressPath = filepath.Join(t.TempDir(), "progress.json")
	cfg.Resume = &prog
	m := tui.NewModel(context.Background(), cfg, &syncBuffer{})
	s := shell{t: t, m: m, w: 80, h: 30}
	s.send(tea.WindowSizeMsg{Width: 80, Height: 30})
	return s, m, s.keys("enter")
}

// TestResumeEarlyKeepsAnswers: progress saved at the provider step is
// resumed at the discovery; going forward from there keeps the saved
// provider (selected) and the other domains.
func TestResumeEarlyKeepsAnswers(t *testing.T) {
	env := tuitest.NewEnv(t)
	prog := savedProgress(t, env)
	prog.Step = "provider"
	for i := range prog.Session.Domains {
		prog.Session.Domains[i].Check = nil
	}
	prog.Session.Domains[0].Provider, prog.Session.Domains[0].ProviderDetected = "google", false
	s, _, cmd := resumeWith(t, env, prog)
	s.wantStep(discoverystep.Name)
	s.send(tuitest.Await[discoverystep.ResultMsg](t, cmd))
	s.next(tuitest.Key("enter"))
	s.wantStep(provider.Name)
	s.wantView("│ Google Workspace")
	s.next(tuitest.Key("enter"))
	s.wantStep(domains.Name)
	s.wantView("✓ yourcenter.edu", "othercenter.org")
}

// TestResumeUntrustedFile: results with verdicts the wizard never writes
// are dropped (nothing raw reaches the screen), a domain saved twice
// counts once, and progress of another version is not offered.
func TestResumeUntrustedFile(t *testing.T) {
	env := tuitest.NewEnv(t)
	prog := savedProgress(t, env)
	prog.Session.Domains[0].Check.SPF.Status = "fail\x1b]0;owned\x07"
	s, m, _ := resumeWith(t, env, prog)
	s.wantStep(checking.Name)
	if m.Session().First().Check != nil || m.Session().Reports() != nil {
		t.Fatal("results with an unknown verdict were restored")
	}
	if strings.ContainsAny(m.View(), "\x07") || strings.Contains(m.View(), "\x1b]") {
		t.Fatalf("raw control characters on screen:\n%q", m.View())
	}

	twice := savedProgress(t, env)
	twice.Step = "records"
	twice.Session.Domains = append(twice.Session.Domains, session.SavedDomain{Name: "OtherCenter.ORG"})
	s, _, cmd := resumeWith(t, env, twice)
	s.wantStep(records.Name)
	s.awaitPlans(cmd, 2)
	s.wantView("Domain 1 of 2")

	future := savedProgress(t, env)
	future.Version = tui.ProgressVersion + 1
	cfg := cfgFor(env, t.TempDir())
	cfg.Resume = &future
	if tui.NewModel(context.Background(), cfg, &syncBuffer{}).Offering() {
		t.Fatal("progress of a newer version was offered")
	}
}

// TestStartFreshRemovesProgress: f at the offer removes the saved file.
func TestStartFreshRemovesProgress(t *testing.T) {
	env := tuitest.NewEnv(t)
	prog := savedProgress(t, env)
	cfg := cfgFor(env, t.TempDir())
	cfg.ProgressPath = filepath.Join(t.TempDir(), "progress.json")
	if err := statefile.Save(cfg.ProgressPath, prog); err != nil {
		t.Fatal(err)
	}
	cfg.Resume = &prog
	m := tui.NewModel(context.Background(), cfg, &syncBuffer{})
	_, cmd := m.Update(tuitest.Key("f"))
	if st := tuitest.Await[common.StatusMsg](t, cmd); !strings.Contains(st.Text, "the saved progress is removed") {
		t.Fatalf("status = %+v", st)
	}
	if _, err := os.Stat(cfg.ProgressPath); !os.IsNotExist(err) {
		t.Fatalf("the saved progress is still there after f: %v", err)
	}
}

// TestAccessibleResumeEarly: progress saved before the question about
// other domains asks it on resume (and nothing answered before), then
// shows the records before checking; f removes the saved progress.
func TestAccessibleResumeEarly(t *testing.T) {
	env := tuitest.NewEnv(t)
	prog := savedProgress(t, env)
	prog.Step, prog.Session.Domains, prog.Session.OthersAnswered = "provider", prog.Session.Domains[:1], false
	prog.Session.Domains[0].Check = nil
	cfg := cfgFor(env, t.TempDir())
	cfg.ProgressPath = filepath.Join(t.TempDir(), "progress.json")
	cfg.Resume = &prog
	var out strings.Builder
	if err := tui.RunAccessible(context.Background(), cfg, strings.NewReader("\n\n\n\na\n"), &out); err != nil {
		t.Fatalf("RunAccessible: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{"Mail provider: Microsoft 365 (as chosen last time).", "Another domain, b to go back, or Enter to go on: ", "Records to publish for yourcenter.edu", "Checking yourcenter.edu..."} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(got, "Your mail domain, or one of") || strings.Contains(got, "Number of your provider") {
		t.Error("asked again what was answered before")
	}
	if t.Failed() {
		t.Log(got)
	}

	if err := statefile.Save(cfg.ProgressPath, prog); err != nil {
		t.Fatal(err)
	}
	if err := tui.RunAccessible(context.Background(), cfg, strings.NewReader("f\nq\n"), &out); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(cfg.ProgressPath); !os.IsNotExist(err) {
		t.Fatalf("f left the saved progress: %v", err)
	}
}

// TestResumeVersion1: progress saved by the version before the session
// (format 1) is still offered and resumed at the checks, with the last
// check; the other domain's provider, never asked then, is asked before
// any record is proposed for it.
func TestResumeVersion1(t *testing.T) {
	env := tuitest.NewEnv(t)
	prog := savedProgressV1(t, env)
	s, m, cmd := resumeWith(t, env, prog)
	s.wantStep(checking.Name)
	s.wantView("Checking now", "✗ yourcenter.edu")
	if reps := m.Session().Reports(); len(reps) != 2 || !m.Session().CheckedAt().Equal(prog.CheckedAt) {
		t.Fatalf("the last check was not restored: %+v at %v", reps, m.Session().CheckedAt())
	}
	if d := m.Session().Domain(tuitest.Other); d == nil || d.ProviderConfirmed {
		t.Fatalf("othercenter.org's provider: %+v", d)
	}
	s.send(tuitest.Await[checking.ResultMsg](t, cmd))
	s.awaitPlans(s.send(tuitest.Await[common.BackMsg](t, s.keys("b"))), 2)
	s.wantStep(records.Name)
	s.keys("right")
	s.wantView("The mail provider of othercenter.org is not confirmed yet")
	s.send(s.keys("esc")())
	s.wantStep(provider.NameOthers)
	s.wantView("Who handles the mail of othercenter.org?")
}
