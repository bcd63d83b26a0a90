package records_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/steps/records"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

var (
	keyRight = tea.KeyMsg{Type: tea.KeyRight}
	keyLeft  = tea.KeyMsg{Type: tea.KeyLeft}
)

// twoState is the state for yourcenter.edu and othercenter.org; the
// second has its snapshot when looked is set (it was looked up in the
// Other domains step) and none otherwise (a failed or resumed lookup).
func twoState(t *testing.T, env *tuitest.Env, looked bool, extra ...any) *session.Session {
	t.Helper()
	snap := env.Snapshot(t)
	other := tuitest.Extra{Input: tuitest.InputOf(t, tuitest.Other)}
	if looked {
		other.Snap = env.SnapshotOf(t, tuitest.Other)
	}
	vals := []any{env.Input(t), snap, tuitest.Detected(snap), tuitest.Others{other}}
	return tuitest.NewSession(append(vals, extra...)...)
}

// planMsgs runs cmd until it has produced n PlanMsgs and returns them by
// domain.
func planMsgs(t *testing.T, cmd tea.Cmd, n int) map[string]records.PlanMsg {
	t.Helper()
	out := map[string]records.PlanMsg{}
	tuitest.Collect(t, cmd, func(ms []tea.Msg) bool {
		if pm, ok := ms[len(ms)-1].(records.PlanMsg); ok {
			out[pm.Domain] = pm
		}
		return len(out) == n
	})
	if len(out) != n {
		t.Fatalf("got %d plans, want %d: %v", len(out), n, out)
	}
	return out
}

// feed gives m the plans in the order given and returns the plans each
// one kept in the state.
func feed(t *testing.T, m *records.Model, msgs map[string]records.PlanMsg, order ...string) []plan.Plans {
	t.Helper()
	var kept []plan.Plans
	for _, d := range order {
		m.Update(msgs[d])
		kept = append(kept, m.Session().Plans())
	}
	return kept
}

func planDomains(ps plan.Plans) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Domain)
	}
	return out
}

// twoBuilt returns the records step with both domains' plans built.
func twoBuilt(t *testing.T, env *tuitest.Env, looked bool) *records.Model {
	t.Helper()
	m := records.NewModel(env.Common(80, 40), env.Client, t.TempDir(), nil)
	msgs := planMsgs(t, m.Enter(twoState(t, env, looked), common.Forward), 2)
	feed(t, m, msgs, tuitest.Domain, tuitest.Other)
	return m
}

func hasHelp(groups [][]key.Binding, k string) bool {
	for _, g := range groups {
		for _, b := range g {
			if b.Enabled() && b.Help().Key == k {
				return true
			}
		}
	}
	return false
}

// TestSeveralPlans: both domains' plans are built; the one without a
// snapshot is looked up first; each plan is kept as it comes; ←/→ switch
// the domain shown; enter goes on with both plans in order.
func TestSeveralPlans(t *testing.T) {
	for _, looked := range []bool{true, false} {
		name := "with a snapshot"
		if !looked {
			name = "without a snapshot"
		}
		t.Run(name, func(t *testing.T) {
			env := tuitest.NewEnv(t)
			m := records.NewModel(env.Common(80, 40), env.Client, t.TempDir(), nil)
			msgs := planMsgs(t, m.Enter(twoState(t, env, looked), common.Forward), 2)
			for d, pm := range msgs {
				if pm.Err != nil || pm.Plan.Domain != d {
					t.Fatalf("plan for %s: %+v", d, pm)
				}
			}
			if (msgs[tuitest.Other].Lookup != nil) == looked || msgs[tuitest.Domain].Lookup != nil {
				t.Fatalf("looked up again: first %v, other %v", msgs[tuitest.Domain].Lookup != nil, msgs[tuitest.Other].Lookup != nil)
			}
			if !looked && msgs[tuitest.Other].Lookup.Snap.DNSHost.ID != "godaddy" {
				t.Fatalf("lookup of othercenter.org: %+v", msgs[tuitest.Other].Lookup)
			}
			// The second domain's plan may come first: each is kept.
			kept := feed(t, m, msgs, tuitest.Other, tuitest.Domain)
			if !slices.Equal(planDomains(kept[0]), []string{tuitest.Other}) ||
				!slices.Equal(planDomains(kept[1]), []string{tuitest.Domain, tuitest.Other}) {
				t.Fatalf("kept %q then %q", planDomains(kept[0]), planDomains(kept[1]))
			}

			if m.Domain() != tuitest.Domain || !tuitest.Contains(m.View(), "Records to publish for yourcenter.edu",
				"Domain 1 of 2 · ←/→ shows the others' records", "DNS host: Cloudflare", "1/3 DKIM: add a CNAME record") {
				t.Fatalf("first domain:\n%s", tuitest.Plain(m.View()))
			}
			m.Update(tuitest.Key("down")) // select the SPF card
			m.Update(keyRight)
			p, _ := m.Plan()
			if m.Domain() != tuitest.Other || p.Domain != tuitest.Other || m.Selected() != 0 {
				t.Fatalf("→ shows %q (plan %q), card %d", m.Domain(), p.Domain, m.Selected())
			}
			if p.Records[0].Purpose != plan.PurposeDKIM || p.Records[0].Action != plan.ActionKeep {
				t.Fatalf("othercenter.org's DKIM record: %+v", p.Records[0])
			}
			for _, want := range []string{"Nothing to publish for othercenter.org", "Domain 2 of 2",
				"DNS host: GoDaddy · mail provider: Microsoft 365",
				"1/3 DKIM: keep the CNAME record (no change needed)", "2/3 SPF: keep the TXT record (no change needed)"} {
				if !tuitest.Contains(m.View(), want) {
					t.Errorf("second domain lacks %q", want)
				}
			}
			if t.Failed() {
				t.Fatal(tuitest.Plain(m.View()))
			}
			// → stops at the last domain; ← and [ ] move back and forth.
			m.Update(keyRight)
			if m.Domain() != tuitest.Other {
				t.Fatalf("→ past the end shows %q", m.Domain())
			}
			m.Update(keyLeft)
			if m.Domain() != tuitest.Domain || !tuitest.Contains(m.View(), "Domain 1 of 2") {
				t.Fatalf("← shows %q", m.Domain())
			}
			m.Update(keyLeft)
			m.Update(tuitest.Key("]"))
			if m.Domain() != tuitest.Other {
				t.Fatalf("] shows %q", m.Domain())
			}
			m.Update(tuitest.Key("["))
			if m.Domain() != tuitest.Domain {
				t.Fatalf("[ shows %q", m.Domain())
			}

			_, cmd := m.Update(tuitest.Key("enter"))
			got := awaitNext(t, m, cmd)
			if !slices.Equal(planDomains(got), []string{tuitest.Domain, tuitest.Other}) ||
				got[1].Records[0].Action != plan.ActionKeep || got[0].Records[0].Action != plan.ActionAdd {
				t.Fatalf("result = %+v", got)
			}
		})
	}
}

// TestSeveralStalePlan: plans of an earlier build, or for a domain the
// step does not have, are dropped.
func TestSeveralStalePlan(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := records.NewModel(env.Common(80, 40), env.Client, t.TempDir(), nil)
	old := planMsgs(t, m.Enter(twoState(t, env, true), common.Forward), 2)
	cur := planMsgs(t, m.Enter(twoState(t, env, true), common.Forward), 2)
	for _, d := range []string{tuitest.Domain, tuitest.Other} {
		if _, cmd := m.Update(old[d]); cmd != nil {
			t.Fatalf("the old plan for %s gave a command", d)
		}
	}
	foreign := cur[tuitest.Domain] // the current build of the domain shown
	foreign.Domain, foreign.Plan.Domain = "nowhere.example", "nowhere.example"
	if _, cmd := m.Update(foreign); cmd != nil {
		t.Fatal("a plan for a domain the step does not have was taken")
	}
	if got := m.Plans(); len(got) != 0 {
		t.Fatalf("stale plans were taken: %q", planDomains(got))
	}
	if !tuitest.Contains(m.View(), "Working out the records for yourcenter.edu") {
		t.Fatalf("view:\n%s", tuitest.Plain(m.View()))
	}
	feed(t, m, cur, tuitest.Domain, tuitest.Other)
	if got := m.Plans(); !slices.Equal(planDomains(got), []string{tuitest.Domain, tuitest.Other}) {
		t.Fatalf("plans = %q", planDomains(got))
	}

	// A rebuild superseded by a later one (i, then coming back from
	// checking before it finished): its plans are dropped.
	toggled := planMsgs(t, press(t, m, "i"), 2)
	again := planMsgs(t, m.Enter(twoState(t, env, true), common.Backward), 2)
	m.Update(toggled[tuitest.Other])
	m.Update(toggled[tuitest.Domain])
	for _, p := range m.Plans() {
		if p.Records[1].Value != tuitest.NewSPF {
			t.Fatalf("a superseded plan was taken for %s: %q", p.Domain, p.Records[1].Value)
		}
	}
	feed(t, m, again, tuitest.Other, tuitest.Domain)
}

// TestSeveralBackFocus: coming back from checking with a domain in focus
// shows that domain's records, and rebuilds every plan from a new read
// (the check is newer than the reads the plans were built from).
func TestSeveralBackFocus(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := twoBuilt(t, env, true)
	if m.Domain() != tuitest.Domain {
		t.Fatalf("shows %q", m.Domain())
	}
	checked := []dnscheck.DomainReport{env.Report(t), env.ReportOf(t, tuitest.Other)}
	cmd := m.Enter(twoState(t, env, true, checked, tuitest.Focus(tuitest.Other)), common.Backward)
	// The plans of the older read are not shown meanwhile.
	if m.Domain() != tuitest.Other || !tuitest.Contains(m.View(), "Working out the records for othercenter.org") {
		t.Fatalf("coming back shows %q:\n%s", m.Domain(), tuitest.Plain(m.View()))
	}
	msgs := planMsgs(t, cmd, 2)
	for d, pm := range msgs {
		if pm.Lookup == nil {
			t.Errorf("coming back did not look %s up again", d)
		}
	}
	feed(t, m, msgs, tuitest.Domain, tuitest.Other)
	if !tuitest.Contains(m.View(), "Nothing to publish for othercenter.org", "Domain 2 of 2") {
		t.Fatalf("coming back shows:\n%s", tuitest.Plain(m.View()))
	}
	if m.Domain() != tuitest.Other {
		t.Fatalf("the rebuild moved the view to %q", m.Domain())
	}

	// Without a focus, the domain shown stays.
	m.Update(keyLeft)
	planMsgs(t, m.Enter(twoState(t, env, true, checked), common.Backward), 2)
	if m.Domain() != tuitest.Domain {
		t.Fatalf("without a focus shows %q", m.Domain())
	}
	// A focus on a domain the step does not have changes nothing.
	m.Update(keyRight)
	planMsgs(t, m.Enter(twoState(t, env, true, checked, tuitest.Focus("nowhere.example")), common.Backward), 2)
	if m.Domain() != tuitest.Other {
		t.Fatalf("an unknown focus shows %q", m.Domain())
	}
}

// TestDomainKeysInHelp: ←/→ are offered only with several domains, and
// do nothing with one.
func TestDomainKeysInHelp(t *testing.T) {
	env := tuitest.NewEnv(t)
	one := built(t, env, 80, 24, t.TempDir())
	for _, k := range []string{"←", "→"} {
		if hasHelp(one.FullHelp(), k) || hasHelp([][]key.Binding{one.ShortHelp()}, k) {
			t.Errorf("%s in the help with one domain", k)
		}
	}
	if tuitest.Contains(one.View(), "Domain 1 of") {
		t.Errorf("a domain count with one domain:\n%s", tuitest.Plain(one.View()))
	}
	one.Update(keyRight)
	if one.Domain() != tuitest.Domain {
		t.Fatalf("→ with one domain shows %q", one.Domain())
	}

	two := twoBuilt(t, env, true)
	if !hasHelp(two.FullHelp(), "←") || !hasHelp(two.FullHelp(), "→") {
		t.Errorf("←/→ missing from the help with two domains: %v", two.FullHelp())
	}
	// The short help offers the key that moves: → on the first domain,
	// ← on the last.
	short := [][]key.Binding{two.ShortHelp()}
	if !hasHelp(short, "→") || hasHelp(short, "←") {
		t.Errorf("first domain's short help: %v", two.ShortHelp())
	}
	two.Update(keyRight)
	short = [][]key.Binding{two.ShortHelp()}
	if hasHelp(short, "→") || !hasHelp(short, "←") {
		t.Errorf("last domain's short help: %v", two.ShortHelp())
	}
}

func TestSeveralGolden(t *testing.T) {
	env := tuitest.NewEnv(t)
	state := func(t *testing.T) *session.Session { return twoState(t, env, true) }
	t.Run("first", func(t *testing.T) {
		tuitest.Screen{Env: env, Step: records.Name, State: state, Wait: []string{"Domain 1 of 2", "Watch out"}}.Golden(t)
	})
	t.Run("second", func(t *testing.T) {
		tuitest.Screen{Env: env, Step: records.Name, State: state, Wait: []string{"Domain 1 of 2", "Watch out"},
			Then: func(t *testing.T, tm *teatest.TestModel) {
				tm.Send(keyRight)
				tuitest.WaitFor(t, tm, "Domain 2 of 2", "GoDaddy")
			}}.Golden(t)
	})
}

// TestEnterWaitsForEveryPlan: enter pressed while a domain's plan is
// still building goes on once it arrives, with every plan; esc meanwhile
// cancels the wait.
func TestEnterWaitsForEveryPlan(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := records.NewModel(env.Common(80, 40), env.Client, t.TempDir(), nil)
	msgs := planMsgs(t, m.Enter(twoState(t, env, true), common.Forward), 2)
	feed(t, m, msgs, tuitest.Domain)

	_, cmd := m.Update(tuitest.Key("enter"))
	if st := tuitest.Await[common.StatusMsg](t, cmd); !strings.Contains(st.Text, "as soon as every domain's records are worked out") {
		t.Fatalf("status = %q", st.Text)
	}
	_, cmd = m.Update(msgs[tuitest.Other])
	tuitest.Await[common.NextMsg](t, cmd)
	if got := planDomains(m.Session().Plans()); strings.Join(got, " ") != tuitest.Domain+" "+tuitest.Other {
		t.Fatalf("went on with %v", got)
	}

	// Esc while waiting: the late plan does not move on.
	m = records.NewModel(env.Common(80, 40), env.Client, t.TempDir(), nil)
	msgs = planMsgs(t, m.Enter(twoState(t, env, true), common.Forward), 2)
	feed(t, m, msgs, tuitest.Domain)
	m.Update(tuitest.Key("enter"))
	m.Update(tuitest.Key("esc"))
	if _, cmd = m.Update(msgs[tuitest.Other]); cmd != nil {
		t.Fatalf("after esc, the late plan was taken (and answered %T)", cmd())
	}
}

// TestFailedDomainBlocksGoingOn: when one domain's records cannot be
// worked out (its DNS fails), enter and h say so, naming it, instead of
// going on or writing a sheet without it; once DNS answers, r retries.
func TestFailedDomainBlocksGoingOn(t *testing.T) {
	env := tuitest.NewEnv(t)
	env.Server.SetFaultType(tuitest.Other+".", dns.TypeTXT, dnstest.Fault{ServFail: true})
	m := records.NewModel(env.Common(80, 40), env.Client, t.TempDir(), nil)
	msgs := planMsgs(t, m.Enter(twoState(t, env, false), common.Forward), 2)
	if msgs[tuitest.Other].Err == nil {
		t.Fatal("the test needs othercenter.org's build to fail")
	}
	feed(t, m, msgs, tuitest.Domain)
	m.Update(msgs[tuitest.Other])
	for _, k := range []string{"enter", "h"} {
		_, cmd := m.Update(tuitest.Key(k))
		st := tuitest.Await[common.StatusMsg](t, cmd)
		if st.Level != common.Failure || !strings.Contains(st.Text, "The records for othercenter.org could not be worked out") {
			t.Fatalf("%s: status = %+v", k, st)
		}
	}

	env.Server.SetFaultType(tuitest.Other+".", dns.TypeTXT, dnstest.Fault{})
	m.Update(tuitest.Key("right"))
	_, cmd := m.Update(tuitest.Key("r"))
	m.Update(tuitest.Await[records.PlanMsg](t, cmd))
	_, cmd = m.Update(tuitest.Key("enter"))
	if cmd == nil {
		t.Fatalf("enter after the retry did nothing:\n%s", tuitest.Plain(m.View()))
	}
	tuitest.Await[common.NextMsg](t, cmd)
	if got := planDomains(m.Session().Plans()); len(got) != 2 {
		t.Fatalf("went on with %v", got)
	}
}
