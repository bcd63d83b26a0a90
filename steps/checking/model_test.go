package checking_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/outreach-auth/wizard/steps/checking"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

func TestMain(m *testing.M) { os.Exit(tuitest.Main(m)) }

func state(t *testing.T, env *tuitest.Env) *session.Session {
	snap := env.Snapshot(t)
	return tuitest.NewSession(env.Input(t), snap, tuitest.Detected(snap), plan.Plans{env.Plan(t, snap)})
}

func send(m *checking.Model, msg tea.Msg) tea.Cmd {
	_, cmd := m.Update(msg)
	return cmd
}

// first enters the step and feeds it the first result.
func first(t *testing.T, env *tuitest.Env, m *checking.Model) checking.ResultMsg {
	t.Helper()
	cmd := m.Enter(state(t, env), common.Forward)
	if !m.Checking() || !tuitest.Contains(m.View(), "Checking now") {
		t.Fatalf("no check started:\n%s", tuitest.Plain(m.View()))
	}
	res := tuitest.Await[checking.ResultMsg](t, cmd)
	tuitest.Await[common.SaveMsg](t, send(m, res))
	return res
}

// TestPolling walks the schedule with tick messages: 5 s, then 7.5 s, a
// live countdown, stale ticks dropped.
func TestPolling(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := checking.NewModel(env.Common(80, 30), env.Checker, nil)
	res := first(t, env, m)
	if m.Ready() || m.Interval() != 5*time.Second || !m.NextCheck().Equal(res.At.Add(5*time.Second)) {
		t.Fatalf("after the first check: ready %v, interval %s, next %s", m.Ready(), m.Interval(), m.NextCheck())
	}
	for _, want := range []string{"Next check in 5 s", "✗ SPF fail", "✗ DKIM missing osc1._domainkey.yourcenter.edu.",
		"✗ DMARC p=quarantine: sending Neoserra mail to spam now v=DMARC1; p=quarantine", "To fix",
		"Fix: Add include:spf.outreachsystems.com to the SPF record"} {
		if !tuitest.Contains(m.View(), want) {
			t.Errorf("view lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(tuitest.Plain(m.View()))
	}

	gen := m.Gen()
	if cmd := send(m, checking.TickMsg{Gen: gen, At: res.At.Add(2 * time.Second)}); cmd == nil {
		t.Fatal("the timer was not re-armed")
	}
	if !tuitest.Contains(m.View(), "Next check in 3 s") {
		t.Fatalf("countdown:\n%s", tuitest.Plain(m.View()))
	}
	// A tick of an older generation changes nothing and arms nothing.
	if cmd := send(m, checking.TickMsg{Gen: gen - 1, At: res.At.Add(5 * time.Second)}); cmd != nil || m.Checking() {
		t.Fatal("a stale tick started a check")
	}
	cmd := send(m, checking.TickMsg{Gen: gen, At: res.At.Add(5 * time.Second)})
	if !m.Checking() || m.Gen() == gen {
		t.Fatal("the tick at the deadline did not start a check")
	}
	res2 := tuitest.Await[checking.ResultMsg](t, cmd)
	send(m, res2)
	if m.Interval() != 7500*time.Millisecond || !tuitest.Contains(m.View(), "Next check in 8 s (2 checks so far") {
		t.Fatalf("interval %s:\n%s", m.Interval(), tuitest.Plain(m.View()))
	}
	// The old result arriving late is dropped.
	send(m, res)
	if m.Interval() != 7500*time.Millisecond {
		t.Fatal("a stale result moved the schedule")
	}
}

// TestCheckNowAndSuccess: r checks again at once (c, which copies in the
// records step, does nothing here); when SPF and DKIM pass the bell rings,
// the success shows, and the advice follows only on enter.
func TestCheckNowAndSuccess(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := checking.NewModel(env.Common(80, 30), env.Checker, nil)
	old := first(t, env, m)
	env.Publish(t)
	if send(m, tuitest.Key("c")) != nil || m.Checking() {
		t.Fatal("c checked: it copies in the records step, so it means nothing here")
	}
	if !tuitest.Contains(m.View(), "r checks again)") {
		t.Fatalf("the countdown does not name r:\n%s", tuitest.Plain(m.View()))
	}
	cmd := send(m, tuitest.Key("r"))
	if !m.Checking() {
		t.Fatal("r did not check")
	}
	if send(m, tuitest.Key("r")) != nil {
		t.Fatal("r while checking started another check")
	}
	send(m, old) // stale: dropped
	if !m.Checking() {
		t.Fatal("a stale result ended the check")
	}
	res := tuitest.Await[checking.ResultMsg](t, cmd)
	done := send(m, res)
	if !m.Ready() || !tuitest.Contains(m.View(), "✓ SPF and DKIM pass: yourcenter.edu is ready!", "Press enter for the advice.",
		"Since the last check", "yourcenter.edu: DKIM passes now (before: missing).",
		"Cleared on yourcenter.edu: DMARC is blocking Neoserra's mail now.") {
		t.Fatalf("no success:\n%s", tuitest.Plain(m.View()))
	}
	// The success rings the bell and keeps the reports, and arms no timer:
	// the person reads it and goes on with enter.
	batch, ok := done().(tea.BatchMsg)
	if !ok || len(batch) != 2 {
		t.Fatalf("the success gave %#v, want the keep and the bell alone", batch)
	}
	tuitest.Await[common.BellMsg](t, done)
	tuitest.Await[common.NextMsg](t, send(m, tuitest.Key("enter")))
	reps := m.Session().Reports()
	if len(reps) != 1 || !reps[0].Ready {
		t.Fatalf("reports = %+v", reps)
	}
}

func TestSkipAndBack(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := checking.NewModel(env.Common(80, 30), env.Checker, nil)
	// a (twice) before the first result waits for it.
	cmd := m.Enter(state(t, env), common.Forward)
	if st := tuitest.Await[common.StatusMsg](t, send(m, tuitest.Key("a"))); !strings.Contains(st.Text, "Press a again") {
		t.Fatalf("first a: status = %q", st.Text)
	}
	if st := tuitest.Await[common.StatusMsg](t, send(m, tuitest.Key("a"))); !strings.Contains(st.Text, "as soon as this first check finishes") {
		t.Fatalf("status = %q", st.Text)
	}
	tuitest.Await[common.NextMsg](t, send(m, tuitest.Await[checking.ResultMsg](t, cmd)))
	if reps := m.Session().Reports(); len(reps) != 1 || reps[0].Ready {
		t.Fatalf("reports = %+v", reps)
	}

	m = checking.NewModel(env.Common(80, 30), env.Checker, nil)
	first(t, env, m)
	send(m, tuitest.Key("a"))
	tuitest.Await[common.NextMsg](t, send(m, tuitest.Key("a")))

	m = checking.NewModel(env.Common(80, 30), env.Checker, nil)
	res := first(t, env, m)
	gen := m.Gen()
	tuitest.Await[common.BackMsg](t, send(m, tuitest.Key("b")))
	// Leaving stops the timer.
	if send(m, checking.TickMsg{Gen: gen, At: res.At.Add(time.Minute)}) != nil || m.Checking() {
		t.Fatal("the timer survived leaving")
	}
}

// TestActionThenCheck: an extra key runs, its status shows, and a check
// follows at once.
func TestActionThenCheck(t *testing.T) {
	env := tuitest.NewEnv(t)
	act := common.KeyAction{Key: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "publish")),
		Run: func(context.Context, plan.Plan) (string, error) {
			env.Publish(t)
			return "Published the records.", nil
		}}
	m := checking.NewModel(env.Common(80, 30), env.Checker, []common.KeyAction{act})
	first(t, env, m)
	cmd := send(m, tuitest.Await[tea.Msg](t, send(m, tuitest.Key("p"))))
	if !m.Checking() {
		t.Fatal("no check after the action")
	}
	var status common.StatusMsg
	var result checking.ResultMsg
	got := 0
	tuitest.Collect(t, cmd, func(msgs []tea.Msg) bool {
		switch msg := msgs[len(msgs)-1].(type) {
		case common.StatusMsg:
			status, got = msg, got+1
		case checking.ResultMsg:
			result, got = msg, got+1
		}
		return got == 2
	})
	if status.Text != "Published the records." {
		t.Fatalf("status = %+v", status)
	}
	send(m, result)
	if !m.Ready() {
		r, _ := m.Report()
		t.Fatalf("not ready: %+v\n%s", r, tuitest.Plain(m.View()))
	}
}

// TestResolverCache: the authoritative servers already serve the new SPF
// record while the person's resolver still has the old one; the screen
// says that there is nothing to do about it.
func TestResolverCache(t *testing.T) {
	env := tuitest.NewEnv(t)
	resolver := tuitest.NewEnv(t) // the resolver's older view
	env.Publish(t)
	checker := &dnscheck.Checker{
		Resolver:  resolver.Client,
		ResolveNS: func(context.Context, string) []string { return []string{env.Server.Addr()} },
	}
	m := checking.NewModel(env.Common(100, 40), checker, nil)
	m.Update(tuitest.Await[checking.ResultMsg](t, m.Enter(state(t, env), common.Forward)))
	for _, want := range []string{
		"Asked the authoritative servers amy.ns.cloudflare.com, bob.ns.cloudflare.com.",
		"Published, but your resolver still has the old answer for yourcenter.edu TXT cached for up to 5m0s.",
		"Nothing to do: resolvers, yours and receivers', drop an old answer by themselves once that time is up.",
	} {
		if !tuitest.Contains(m.View(), want) {
			t.Errorf("view lacks %q:\n%s", want, tuitest.Plain(m.View()))
		}
	}
}

// TestDNSTrouble: SERVFAIL is shown as trouble, never as missing.
func TestDNSTrouble(t *testing.T) {
	env := tuitest.NewEnv(t)
	st := state(t, env)
	env.Server.SetFault("osc1._domainkey.yourcenter.edu.", dnstest.Fault{ServFail: true})
	m := checking.NewModel(env.Common(80, 40), env.Checker, nil)
	m.Update(tuitest.Await[checking.ResultMsg](t, m.Enter(st, common.Forward)))
	if !tuitest.Contains(m.View(), "? DKIM error") || !tuitest.Contains(m.View(), "DMARC p=quarantine, found") {
		t.Fatalf("view:\n%s", tuitest.Plain(m.View()))
	}
}

func TestGolden(t *testing.T) {
	env := tuitest.NewEnv(t)
	t.Run("waiting", func(t *testing.T) {
		tuitest.Screen{Env: env, Step: checking.Name, State: func(t *testing.T) *session.Session { return state(t, env) },
			Wait: []string{"Next check in 5 s"}}.Golden(t)
	})
	t.Run("ready", func(t *testing.T) {
		ready := tuitest.NewEnv(t)
		ready.Publish(t)
		tuitest.Screen{Env: ready, Step: checking.Name, State: func(t *testing.T) *session.Session { return state(t, ready) },
			Wait: []string{"SPF and DKIM pass:"}}.Golden(t)
	})
}

// TestPlatformIPsFallback: when the platform's include cannot be read at a
// poll, the step says that the platform file's addresses stood in.
func TestPlatformIPsFallback(t *testing.T) {
	env := tuitest.NewEnv(t)
	st := state(t, env)
	m := checking.NewModel(env.Common(80, 40), env.Checker, nil)
	m.Update(tuitest.Await[checking.ResultMsg](t, m.Enter(st, common.Forward)))
	if tuitest.Contains(m.View(), "could not be read") {
		t.Fatalf("the include was served, yet the view says it could not be read:\n%s", tuitest.Plain(m.View()))
	}
	env.Server.SetFault("spf.outreachsystems.com.", dnstest.Fault{ServFail: true})
	m.Update(tuitest.Await[checking.ResultMsg](t, send(m, tuitest.Key("r"))))
	if !tuitest.Contains(m.View(), "The platform's current addresses could not be read from spf.outreachsystems.com") {
		t.Fatalf("view:\n%s", tuitest.Plain(m.View()))
	}
}

// TestSuccessWeighsWarnings: ns1 serves the published records, ns2 has not
// caught up. The domain is ready; the success says the warning left does
// not change the decision (it clears by itself), shows no code, and waits
// for enter.
func TestSuccessWeighsWarnings(t *testing.T) {
	env := tuitest.NewEnv(t)
	old := tuitest.NewEnv(t) // ns2: still the records before publishing
	env.Publish(t)
	checker := &dnscheck.Checker{
		Resolver: env.Client,
		ResolveNS: func(_ context.Context, host string) []string {
			if strings.HasPrefix(host, "bob.") {
				return []string{old.Server.Addr()}
			}
			return []string{env.Server.Addr()}
		},
	}
	m := checking.NewModel(env.Common(100, 60), checker, nil)
	m.Update(tuitest.Await[checking.ResultMsg](t, m.Enter(state(t, env), common.Forward)))
	if !m.Ready() {
		t.Fatalf("not ready:\n%s", tuitest.Plain(m.View()))
	}
	v := m.View()
	for _, want := range []string{
		"✓ SPF and DKIM pass: yourcenter.edu is ready!",
		"Still reported: 1 warning (below); it does not change the decision.",
		"Press enter for the advice.",
		"It does not change the decision: it clears by itself once the secondary servers update.",
	} {
		if !tuitest.Contains(v, want) {
			t.Errorf("success lacks %q", want)
		}
	}
	if tuitest.Contains(v, "ns-out-of-sync") || tuitest.Contains(v, "in a moment") {
		t.Error("the success shows a code, or promises to move on by itself")
	}
	if t.Failed() {
		t.Fatal(tuitest.Plain(v))
	}
	for _, k := range []string{"r", "c", "down", "s", "a", "a"} {
		if cmd := send(m, tuitest.Key(k)); cmd != nil {
			if _, ok := cmd().(common.NextMsg); ok {
				t.Fatalf("%s moved on from the success", k)
			}
		}
	}
	tuitest.Await[common.NextMsg](t, send(m, tuitest.Key("enter")))
}

// TestSuccessShowsItsTop: scrolled down to the fixes when the domain
// becomes ready, the success is shown from its top.
func TestSuccessShowsItsTop(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := checking.NewModel(env.Common(40, 12), env.Checker, nil)
	first(t, env, m)
	send(m, tuitest.Key("end"))
	if tuitest.Contains(m.View(), "Checking yourcenter.edu") {
		t.Fatalf("end did not scroll:\n%s", tuitest.Plain(m.View()))
	}
	env.Publish(t)
	send(m, tuitest.Await[checking.ResultMsg](t, send(m, tuitest.Key("r"))))
	if !m.Ready() || !tuitest.Contains(m.View(), "✓ SPF and DKIM pass:") {
		t.Fatalf("the success is not shown from its top:\n%s", tuitest.Plain(m.View()))
	}
}

// TestSaveKeyDoesNotLeave: s, which saves on Records, does not leave the
// checks: it says where saving is; a first a asks before leaving, and any
// other key then stays.
func TestSaveKeyDoesNotLeave(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := checking.NewModel(env.Common(80, 30), env.Checker, nil)
	first(t, env, m)
	st := tuitest.Await[common.StatusMsg](t, send(m, tuitest.Key("s")))
	if !strings.Contains(st.Text, "Nothing to save here") {
		t.Fatalf("s: status = %q", st.Text)
	}
	if cmd := send(m, tuitest.Key("a")); cmd == nil {
		t.Fatal("a said nothing")
	} else if _, ok := cmd().(common.NextMsg); ok {
		t.Fatal("a first press left the checks")
	}
	send(m, tuitest.Key("down")) // another key: stays, and forgets the a
	if cmd := send(m, tuitest.Key("a")); cmd != nil {
		if _, ok := cmd().(common.NextMsg); ok {
			t.Fatal("a after another key left the checks at once")
		}
	}
	tuitest.Await[common.NextMsg](t, send(m, tuitest.Key("a")))
}
