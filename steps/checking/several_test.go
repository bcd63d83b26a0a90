package checking_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/outreach-auth/wizard/steps/checking"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// twoState is the state for yourcenter.edu (not ready) and
// othercenter.org (ready), with both plans.
func twoState(t *testing.T, env *tuitest.Env) *session.Session {
	t.Helper()
	snap := env.Snapshot(t)
	other := env.SnapshotOf(t, tuitest.Other)
	return tuitest.NewSession(env.Input(t), snap, tuitest.Detected(snap),
		tuitest.Others{{Input: tuitest.InputOf(t, tuitest.Other), Snap: other}},
		plan.Plans{env.Plan(t, snap), env.Plan(t, other)})
}

// firstTwo enters the step with both domains and feeds it the first
// result; it returns the result and what the step kept.
func firstTwo(t *testing.T, env *tuitest.Env, m *checking.Model) (checking.ResultMsg, *session.Session) {
	t.Helper()
	cmd := m.Enter(twoState(t, env), common.Forward)
	if !m.Checking() || !tuitest.Contains(m.View(), "Checking 2 domains until SPF and DKIM pass", "Checking now") {
		t.Fatalf("no check started:\n%s", tuitest.Plain(m.View()))
	}
	res := tuitest.Await[checking.ResultMsg](t, cmd)
	tuitest.Await[common.SaveMsg](t, send(m, res))
	return res, m.Session()
}

func reportDomains(reps []dnscheck.DomainReport) []string {
	var out []string
	for _, r := range reps {
		out = append(out, r.Domain)
	}
	return out
}

var both = []string{tuitest.Domain, tuitest.Other}

// TestSeveralList: the first result shows one line per domain, with its
// mark and verdicts; the reports and the time are kept.
func TestSeveralList(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := checking.NewModel(env.Common(80, 30), env.Checker, nil)
	res, keep := firstTwo(t, env, m)
	if !slices.Equal(reportDomains(res.Reports), both) || !slices.Equal(m.Domains(), both) {
		t.Fatalf("checked %q, step has %q", reportDomains(res.Reports), m.Domains())
	}
	if res.Reports[0].Ready || !res.Reports[1].Ready {
		t.Fatalf("ready: %v %v", res.Reports[0].Ready, res.Reports[1].Ready)
	}
	kept, at := keep.Reports(), keep.CheckedAt()
	if !slices.Equal(reportDomains(kept), both) || !at.Equal(res.At) {
		t.Fatalf("the session holds %#v at %v", kept, at)
	}
	problems := len(res.Reports[0].AllProblems())
	if problems == 0 {
		t.Fatal("yourcenter.edu has no problems")
	}
	v := m.View()
	for _, want := range []string{
		"Next check in 5 s",
		"› ✗ yourcenter.edu SPF fail · DKIM missing · DMARC p=quarantine: sending Neoserra mail to spam now · " + plural(problems, "problem"),
		"✓ othercenter.org SPF pass · DKIM pass · DMARC p=none, found",
		"Enter opens the selected domain",
	} {
		if !tuitest.Contains(v, want) {
			t.Errorf("list lacks %q", want)
		}
	}
	// The list does not show either domain's details.
	if tuitest.Contains(v, "To fix") || tuitest.Contains(v, "othercenter.org SPF pass · DKIM pass · DMARC p=none, found ·") || tuitest.Contains(v, "DMARC pass") {
		t.Error("the list shows details or counts problems of a ready domain")
	}
	if t.Failed() {
		t.Fatal(tuitest.Plain(v))
	}
	// enter in the list opens; it does not check.
	if cmd := send(m, tuitest.Key("enter")); cmd != nil || m.Checking() {
		t.Fatal("enter in the list started a check")
	}
	send(m, tuitest.Key("esc"))
}

// TestSeveralOpen: ↓ and enter open othercenter.org's verdicts; esc goes
// back to the list with it still selected.
func TestSeveralOpen(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := checking.NewModel(env.Common(80, 30), env.Checker, nil)
	firstTwo(t, env, m)
	send(m, tuitest.Key("down"))
	send(m, tuitest.Key("down")) // stops at the last
	if !tuitest.Contains(m.View(), "› ✓ othercenter.org") {
		t.Fatalf("↓ did not select othercenter.org:\n%s", tuitest.Plain(m.View()))
	}
	if cmd := send(m, tuitest.Key("enter")); cmd != nil {
		t.Fatal("enter gave a command")
	}
	v := m.View()
	for _, want := range []string{
		"Checking othercenter.org until SPF and DKIM pass",
		"✓ SPF pass " + tuitest.NewSPF,
		"✓ DKIM pass osc1._domainkey.othercenter.org. → osc1._domainkey.outreachsystems.com.",
		"✓ DMARC p=none, found v=DMARC1; p=none",
	} {
		if !tuitest.Contains(v, want) {
			t.Errorf("opened domain lacks %q", want)
		}
	}
	if tuitest.Contains(v, "yourcenter.edu") {
		t.Error("the opened domain shows the other one")
	}
	if t.Failed() {
		t.Fatal(tuitest.Plain(v))
	}
	// ↑ does not move while a domain is open.
	send(m, tuitest.Key("up"))
	if !tuitest.Contains(m.View(), "Checking othercenter.org") {
		t.Fatalf("↑ changed the opened domain:\n%s", tuitest.Plain(m.View()))
	}
	// esc closes it, without leaving the step.
	if cmd := send(m, tuitest.Key("esc")); cmd != nil {
		t.Fatal("esc on an opened domain left the step")
	}
	if !tuitest.Contains(m.View(), "Checking 2 domains", "› ✓ othercenter.org", "✗ yourcenter.edu") {
		t.Fatalf("esc did not go back to the list:\n%s", tuitest.Plain(m.View()))
	}

	// ↑ and enter open yourcenter.edu: its problems and fixes.
	send(m, tuitest.Key("up"))
	send(m, tuitest.Key("enter"))
	if !tuitest.Contains(m.View(), "Checking yourcenter.edu", "✗ DKIM missing", "To fix",
		"Fix: Add include:spf.outreachsystems.com to the SPF record") {
		t.Fatalf("yourcenter.edu opened:\n%s", tuitest.Plain(m.View()))
	}
	// With several domains only r checks again: enter, which opened the
	// domain, does nothing more, nor does c (it copies in the records step).
	if cmd := send(m, tuitest.Key("enter")); cmd != nil || m.Checking() {
		t.Fatal("enter on an opened domain started a check")
	}
	if cmd := send(m, tuitest.Key("c")); cmd != nil || m.Checking() {
		t.Fatal("c on an opened domain checked")
	}
	if cmd := send(m, tuitest.Key("r")); cmd == nil || !m.Checking() {
		t.Fatal("r on an opened domain did not check")
	}
}

// TestSeveralReady: once yourcenter.edu is published, the next check
// finds every domain ready: the success names them all, the bell rings,
// the changes name their domain, and the advice gets both reports.
func TestSeveralReady(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := checking.NewModel(env.Common(80, 30), env.Checker, nil)
	firstTwo(t, env, m)
	send(m, tuitest.Key("enter")) // open yourcenter.edu
	env.Publish(t)
	cmd := send(m, tuitest.Key("r"))
	res := tuitest.Await[checking.ResultMsg](t, cmd)
	done := send(m, res)
	if !m.Ready() {
		t.Fatalf("not ready:\n%s", tuitest.Plain(m.View()))
	}
	v := m.View()
	for _, want := range []string{
		"✓ SPF and DKIM pass: both domains are ready!",
		"✓ yourcenter.edu SPF pass · DKIM pass · DMARC p=quarantine, found",
		"✓ othercenter.org SPF pass · DKIM pass · DMARC p=none, found",
		"Press enter for the advice.",
		"Since the last check",
		"• yourcenter.edu: SPF passes now (before: fail).",
		"• yourcenter.edu: DKIM passes now (before: missing).",
		"• yourcenter.edu is ready: SPF and DKIM pass.",
	} {
		if !tuitest.Contains(v, want) {
			t.Errorf("success lacks %q", want)
		}
	}
	for _, bad := range []string{"othercenter.org: SPF", "othercenter.org: DKIM", "yourcenter.edu: yourcenter.edu", "›", "Enter opens", "all 2", "→"} {
		if tuitest.Contains(v, bad) {
			t.Errorf("success has %q", bad)
		}
	}
	if t.Failed() {
		t.Fatal(tuitest.Plain(v))
	}
	msgs := tuitest.Collect(t, done, func(ms []tea.Msg) bool {
		var bell, keep bool
		for _, msg := range ms {
			switch msg.(type) {
			case common.BellMsg:
				bell = true
			case common.SaveMsg:
				keep = true
			}
		}
		return bell && keep
	})
	if len(msgs) == 0 || msgs[len(msgs)-1] == nil {
		t.Fatalf("no bell and keep: %v", msgs)
	}
	// Keys of the list do nothing now; enter goes on.
	send(m, tuitest.Key("down"))
	if tuitest.Contains(m.View(), "›") {
		t.Fatal("↓ selected a domain in the success")
	}
	tuitest.Await[common.NextMsg](t, send(m, tuitest.Key("enter")))
	reps := m.Session().Reports()
	if !slices.Equal(reportDomains(reps), both) || !reps[0].Ready || !reps[1].Ready {
		t.Fatalf("reports = %+v", reps)
	}
}

// TestSeveralSkip: a, twice, goes on with both reports, in order.
func TestSeveralSkip(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := checking.NewModel(env.Common(80, 30), env.Checker, nil)
	firstTwo(t, env, m)
	send(m, tuitest.Key("a"))
	tuitest.Await[common.NextMsg](t, send(m, tuitest.Key("a")))
	reps := m.Session().Reports()
	if !slices.Equal(reportDomains(reps), both) || reps[0].Ready || !reps[1].Ready {
		t.Fatalf("reports = %+v", reps)
	}
}

// back presses k, which must go back, and returns the domain the step
// left for the records to show.
func back(t *testing.T, m *checking.Model, k string) string {
	t.Helper()
	tuitest.Await[common.BackMsg](t, send(m, tuitest.Key(k)))
	return m.Session().Focus
}

// TestSeveralBack: b (and esc in the list) keep the selected domain as
// the records step's focus, then go back, in that order.
func TestSeveralBack(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := checking.NewModel(env.Common(80, 30), env.Checker, nil)
	res, _ := firstTwo(t, env, m)
	send(m, tuitest.Key("down"))
	gen := m.Gen()
	if focus := back(t, m, "b"); focus != tuitest.Other {
		t.Fatalf("focus = %q", focus)
	}
	// Leaving stops the timer.
	if send(m, checking.TickMsg{Gen: gen, At: res.At.Add(time.Minute)}) != nil || m.Checking() {
		t.Fatal("the timer survived leaving")
	}

	// Coming back to the same domains keeps the list where it was; an
	// opened domain's b keeps it too; esc in the list goes back with
	// the first domain selected.
	m = checking.NewModel(env.Common(80, 30), env.Checker, nil)
	firstTwo(t, env, m)
	send(m, tuitest.Key("down"))
	send(m, tuitest.Key("enter"))
	if focus := back(t, m, "b"); focus != tuitest.Other {
		t.Fatalf("b on an opened domain: %q", focus)
	}
	m = checking.NewModel(env.Common(80, 30), env.Checker, nil)
	firstTwo(t, env, m)
	if focus := back(t, m, "esc"); focus != tuitest.Domain {
		t.Fatalf("esc in the list: %q", focus)
	}
}

// TestSeveralTrouble: a domain whose DNS does not answer is marked as an
// error in the list, never as missing.
func TestSeveralTrouble(t *testing.T) {
	env := tuitest.NewEnv(t)
	st := twoState(t, env)
	env.Server.SetFault("osc1._domainkey."+tuitest.Other+".", dnstest.Fault{ServFail: true})
	m := checking.NewModel(env.Common(100, 30), env.Checker, nil)
	m.Update(tuitest.Await[checking.ResultMsg](t, m.Enter(st, common.Forward)))
	if !tuitest.Contains(m.View(), "? othercenter.org SPF pass · DKIM unknown · DMARC p=none, found · DNS could not answer: the DNS server reported a failure") ||
		tuitest.Contains(m.View(), "othercenter.org SPF pass · DKIM missing") || tuitest.Contains(m.View(), "DKIM error") {
		t.Fatalf("view:\n%s", tuitest.Plain(m.View()))
	}
}

func TestSeveralGolden(t *testing.T) {
	env := tuitest.NewEnv(t)
	state := func(t *testing.T) *session.Session { return twoState(t, env) }
	t.Run("list", func(t *testing.T) {
		tuitest.Screen{Env: env, Step: checking.Name, State: state, Wait: []string{"Next check in 5 s", "othercenter.org"}}.Golden(t)
	})
	t.Run("open", func(t *testing.T) {
		tuitest.Screen{Env: env, Step: checking.Name, State: state, Wait: []string{"Next check in 5 s", "othercenter.org"},
			Then: func(t *testing.T, tm *teatest.TestModel) {
				tm.Send(tuitest.Key("down"))
				tm.Send(tuitest.Key("enter"))
				tuitest.WaitFor(t, tm, "Checking othercenter.org")
			}}.Golden(t)
	})
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// TestLongListKeepsSelectionInView: with more domains than fit, moving the
// selection scrolls the list so the selected row stays on screen, at a
// wide and at a narrow width (where each row takes two lines).
func TestLongListKeepsSelectionInView(t *testing.T) {
	env := tuitest.NewEnv(t)
	var others tuitest.Others
	for i := range 14 {
		others = append(others, tuitest.Extra{Input: tuitest.InputOf(t, "branch"+strconv.Itoa(i)+".example")})
	}
	for _, size := range tuitest.Sizes {
		t.Run(size.Name, func(t *testing.T) {
			m := checking.NewModel(env.Common(size.Width, 12), env.Checker, nil)
			st := tuitest.NewSession(env.Input(t), others)
			res := tuitest.Await[checking.ResultMsg](t, m.Enter(st, common.Forward))
			send(m, res)
			if len(m.Reports()) != 15 {
				t.Fatalf("%d reports, want 15", len(m.Reports()))
			}
			for range 14 {
				send(m, tuitest.Key("down"))
			}
			view := tuitest.Plain(m.View())
			if !tuitest.Contains(view, "› ? branch13.example") && !tuitest.Contains(view, "› ✗ branch13.example") {
				t.Fatalf("the last domain, selected, is not in view:\n%s", view)
			}
			for range 14 {
				send(m, tuitest.Key("up"))
			}
			if view := tuitest.Plain(m.View()); !tuitest.Contains(view, "› ✗ yourcenter.edu") {
				t.Fatalf("the first domain, selected again, is not in view:\n%s", view)
			}
		})
	}
}

// TestSeveralStatusNamesItsDomain: an extra key's status names the domain
// it acted on, and moving to another domain clears it.
func TestSeveralStatusNamesItsDomain(t *testing.T) {
	env := tuitest.NewEnv(t)
	act := common.KeyAction{Key: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "publish")),
		Run: func(context.Context, plan.Plan) (string, error) { return "Published 2 records on ns1.", nil }}
	m := checking.NewModel(env.Common(80, 30), env.Checker, []common.KeyAction{act})
	firstTwo(t, env, m)
	var status common.StatusMsg
	tuitest.Collect(t, send(m, tuitest.Await[tea.Msg](t, send(m, tuitest.Key("p")))), func(msgs []tea.Msg) bool {
		st, ok := msgs[len(msgs)-1].(common.StatusMsg)
		status = st
		return ok
	})
	if status.Text != tuitest.Domain+": Published 2 records on ns1." {
		t.Fatalf("status = %q, want it to name %s", status.Text, tuitest.Domain)
	}
	cmd := send(m, tuitest.Key("down"))
	if cmd == nil {
		t.Fatal("moving to othercenter.org left yourcenter.edu's status")
	}
	if st, ok := cmd().(common.StatusMsg); !ok || st.Text != "" {
		t.Fatalf("moving to othercenter.org gave %#v, want the status cleared", st)
	}
	// Nothing to clear any more.
	if cmd := send(m, tuitest.Key("up")); cmd != nil {
		t.Fatalf("moving back gave %#v", cmd())
	}
}
