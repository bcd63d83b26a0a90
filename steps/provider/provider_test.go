package provider_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/outreach-auth/wizard/steps/provider"

	"github.com/charmbracelet/bubbles/list"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/domainname"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

func TestMain(m *testing.M) { os.Exit(tuitest.Main(m)) }

// update sends msg and returns the command the step answered with.
func update(t *testing.T, m *provider.Model, msg tea.Msg) tea.Cmd {
	t.Helper()
	_, cmd := m.Update(msg)
	return cmd
}

func TestDetectedPreselected(t *testing.T) {
	env := tuitest.NewEnv(t)
	snap := env.Snapshot(t)
	m := provider.New(env.Common(80, 20), nil)
	m.Enter(tuitest.NewSession(snap), common.Forward)
	if p, ok := m.Selected(); !ok || p.ID != "microsoft365" {
		t.Fatalf("selected %+v", p)
	}
	if !tuitest.Contains(m.View(), "Your MX points to Microsoft 365: yourcenter-edu.mail.protection.outlook.com.", "Microsoft 365 (detected)", "include:spf.protection.outlook.com") {
		t.Fatalf("view:\n%s", tuitest.Plain(m.View()))
	}
	cmd := update(t, m, tuitest.Key("enter"))
	tuitest.Await[common.NextMsg](t, cmd)
	c := m.Session().First().Provider
	if !c.Detected || c.Provider.ID != "microsoft365" || c.Option() != nil {
		t.Fatalf("choice = %+v", c)
	}
}

func TestChooseAnother(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := provider.New(env.Common(80, 20), nil)
	m.Enter(tuitest.NewSession(env.Snapshot(t)), common.Forward)
	update(t, m, tuitest.Key("down"))
	tuitest.Await[common.NextMsg](t, update(t, m, tuitest.Key("enter")))
	c := m.Session().First().Provider
	if c.Detected || c.Provider.ID != "google" || c.Option() == nil || c.Option().ID != "google" {
		t.Fatalf("choice = %+v", c)
	}
}

func TestFilter(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := provider.New(env.Common(80, 20), nil)
	m.Enter(tuitest.NewSession(env.Snapshot(t)), common.Forward)
	update(t, m, tuitest.Key("/"))
	if !m.Capturing() {
		t.Fatal("the filter does not capture keys")
	}
	var cmd tea.Cmd
	for _, k := range tuitest.Type("fastm") {
		cmd = update(t, m, k)
	}
	// The list filters in a command, as the program would run it.
	update(t, m, tuitest.Await[list.FilterMatchesMsg](t, cmd))
	update(t, m, tuitest.Key("enter")) // accept the filter
	if m.Capturing() {
		t.Fatal("still filtering")
	}
	if p, _ := m.Selected(); p.ID != "fastmail" {
		t.Fatalf("selected %q", p.ID)
	}
	// esc clears the filter first, then goes back.
	update(t, m, tuitest.Key("esc"))
	if p, _ := m.Selected(); p.ID != "microsoft365" {
		t.Fatalf("after esc selected %q, want the filter cleared", p.ID)
	}
	tuitest.Await[common.BackMsg](t, update(t, m, tuitest.Key("esc")))
}

// TestOther types a provider's include and addresses, checked live.
func TestOther(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := provider.New(env.Common(40, 20), nil)
	m.Enter(tuitest.NewSession(env.Snapshot(t)), common.Forward)
	for range assets.Providers() {
		if p, _ := m.Selected(); p.Kind == assets.KindOther {
			break
		}
		update(t, m, tuitest.Key("down"))
	}
	update(t, m, tuitest.Key("enter"))
	if !m.Capturing() || !tuitest.Contains(m.View(), "SPF include or addresses") {
		t.Fatalf("no field for other:\n%s", tuitest.Plain(m.View()))
	}
	for _, k := range tuitest.Type("mx:bad") {
		update(t, m, k)
	}
	if !tuitest.Contains(m.View(), "✗ mail provider term") {
		t.Fatalf("bad term accepted:\n%s", tuitest.Plain(m.View()))
	}
	if cmd := update(t, m, tuitest.Key("enter")); cmd != nil {
		t.Fatal("enter accepted a bad term")
	}
	for range "mx:bad" {
		update(t, m, tuitest.Key("backspace"))
	}
	for _, k := range tuitest.Type("spf.example.net 192.0.2.0/24") {
		update(t, m, k)
	}
	if !tuitest.Contains(m.View(), "Will authorise include:spf.example.net ip4:192.0.2.0/24") {
		t.Fatalf("view:\n%s", tuitest.Plain(m.View()))
	}
	tuitest.CheckFits(t, m.View(), 40, 20)
	tuitest.Await[common.NextMsg](t, update(t, m, tuitest.Key("enter")))
	c := m.Session().First().Provider
	if c.Provider.Kind != assets.KindOther || len(c.Provider.SPFIncludes) != 1 || len(c.Provider.SPFAddresses) != 1 {
		t.Fatalf("choice = %+v", c)
	}
}

func TestNoMXPreselectsNone(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := provider.New(env.Common(80, 20), nil)
	m.Enter(tuitest.NewSession(discovery.Snapshot{Domain: "example.org"}), common.Forward)
	if p, _ := m.Selected(); p.Kind != assets.KindNone {
		t.Fatalf("selected %+v", p)
	}
	if !tuitest.Contains(m.View(), "The domain has no MX records") {
		t.Fatalf("view:\n%s", tuitest.Plain(m.View()))
	}
}

// gatewayEnv serves yourcenter.edu with its MX at a mail gateway that is
// in no catalog entry.
func gatewayEnv(t *testing.T) *tuitest.Env {
	t.Helper()
	return tuitest.NewEnv(t, strings.Replace(tuitest.ZoneYourCenter,
		"MX 0 yourcenter-edu.mail.protection.outlook.com.", "MX 10 mx1.gateway-filter.example.", 1))
}

// TestUnmatchedMXNoDefault: MX points to a host not in the catalog. The
// domain receives mail, so "no mail of our own" is not proposed, nor is
// any other provider (it may be a gateway in front of one): nothing is
// selected, the header names the host and says why, and enter asks the
// person to choose before anything is taken.
func TestUnmatchedMXNoDefault(t *testing.T) {
	env := gatewayEnv(t)
	m := provider.New(env.Common(80, 24), nil)
	m.Enter(tuitest.NewSession(env.Snapshot(t)), common.Forward)
	if p, ok := m.Selected(); ok {
		t.Fatalf("selected %+v, want nothing", p)
	}
	v := m.View()
	if !tuitest.Contains(v, "Your MX points to mx1.gateway-filter.example, which is not in the catalog", "mail gateway", "Nothing is preselected", "Another mail provider to type its SPF include") {
		t.Fatalf("view:\n%s", tuitest.Plain(v))
	}
	if msg := tuitest.Await[common.StatusMsg](t, update(t, m, tuitest.Key("enter"))); !strings.Contains(msg.Text, "Nothing is preselected") {
		t.Errorf("enter with nothing selected: status %+v", msg)
	}
	if strings.Contains(tuitest.Plain(v), "│") {
		t.Errorf("an item is drawn as selected:\n%s", tuitest.Plain(v))
	}
	update(t, m, tuitest.Key("down"))
	if p, ok := m.Selected(); !ok || p.ID != assets.Providers()[0].ID {
		t.Fatalf("down selected %+v, want the first provider", p)
	}
	if !strings.Contains(tuitest.Plain(m.View()), "│ "+assets.Providers()[0].Name) {
		t.Errorf("the first move does not show the cursor on the first item:\n%s", tuitest.Plain(m.View()))
	}
	tuitest.Await[common.NextMsg](t, update(t, m, tuitest.Key("enter")))
	c := m.Session().First().Provider
	if c.Detected || c.Provider.ID != assets.Providers()[0].ID {
		t.Fatalf("choice = %+v", c)
	}
}

// TestUnknownMXNoDefault: the MX lookup got no answer. Whether the domain
// receives mail is unknown, so nothing is selected (never "no mail of our
// own"); the header says why in words and how to look again.
func TestUnknownMXNoDefault(t *testing.T) {
	env := tuitest.NewEnv(t)
	env.Server.SetFaultType("yourcenter.edu.", dns.TypeMX, dnstest.Fault{ServFail: true})
	snap := env.Snapshot(t)
	if _, ok := plan.ProposedProvider(snap); ok {
		t.Error("Proposed returned a provider")
	}
	m := provider.New(env.Common(80, 24), nil)
	m.Enter(tuitest.NewSession(snap), common.Forward)
	if p, ok := m.Selected(); ok {
		t.Fatalf("selected %+v, want nothing", p)
	}
	v := m.View()
	if !tuitest.Contains(v, "could not be detected: the MX lookup got no answer (the DNS server reported a failure)", "Nothing is preselected", "press esc, then r, to look again") ||
		tuitest.Contains(v, "no MX records") {
		t.Fatalf("view:\n%s", tuitest.Plain(v))
	}
	tuitest.Await[common.BackMsg](t, update(t, m, tuitest.Key("esc")))
}

// TestGoldenNoDefault: the provider question after the MX lookup failed,
// and with an MX not in the catalog.
func TestGoldenNoDefault(t *testing.T) {
	t.Run("unknown-mx", func(t *testing.T) {
		env := tuitest.NewEnv(t)
		env.Server.SetFaultType("yourcenter.edu.", dns.TypeMX, dnstest.Fault{Refused: true})
		tuitest.Screen{Env: env, Step: provider.Name,
			State: func(t *testing.T) *session.Session { return tuitest.NewSession(env.Input(t), env.Snapshot(t)) },
			Wait:  []string{"Microsoft 365"}}.Golden(t)
	})
	t.Run("unmatched-mx", func(t *testing.T) {
		env := gatewayEnv(t)
		tuitest.Screen{Env: env, Step: provider.Name,
			State: func(t *testing.T) *session.Session { return tuitest.NewSession(env.Input(t), env.Snapshot(t)) },
			Wait:  []string{"Microsoft 365"}}.Golden(t)
	})
}

// TestPreset: with --provider the step passes through both ways.
func TestPreset(t *testing.T) {
	env := tuitest.NewEnv(t)
	g, _ := assets.ProviderByID("google")
	m := provider.New(env.Common(80, 20), &g)
	tuitest.Await[common.NextMsg](t, m.Enter(tuitest.NewSession(env.Snapshot(t)), common.Forward))
	c := m.Session().First().Provider
	if c.Provider.ID != "google" || c.Detected {
		t.Fatalf("choice = %+v", c)
	}
	tuitest.Await[common.BackMsg](t, m.Enter(tuitest.NewSession(), common.Backward))
}

func TestGolden(t *testing.T) {
	env := tuitest.NewEnv(t)
	t.Run("list", func(t *testing.T) {
		tuitest.Screen{Env: env, Step: provider.Name,
			State: func(t *testing.T) *session.Session { return tuitest.NewSession(env.Input(t), env.Snapshot(t)) },
			Wait:  []string{"(detected)"}}.Golden(t)
	})
	t.Run("other", func(t *testing.T) {
		tuitest.Screen{Env: env, Step: provider.Name,
			State: func(t *testing.T) *session.Session { return tuitest.NewSession(env.Input(t), env.Snapshot(t)) },
			Wait:  []string{"(detected)"},
			Then: func(t *testing.T, tm *teatest.TestModel) {
				tm.Send(tea.KeyMsg{Type: tea.KeyEnd})
				tm.Send(tea.KeyMsg{Type: tea.KeyUp})
				tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
				tuitest.WaitFor(t, tm, "SPF include or")
				tm.Type("spf.example.net")
				tuitest.WaitFor(t, tm, "Will authorise")
			}}.Golden(t)
	})
}

// TestChoiceBeforeWithoutSnapshot: a resumed session has the choice made
// before but no look at the domain yet: that choice is selected, and the
// step claims nothing about MX records it has not seen.
func TestChoiceBeforeWithoutSnapshot(t *testing.T) {
	env := tuitest.NewEnv(t)
	google, _ := assets.ProviderByID("google")
	m := provider.New(env.Common(80, 20), nil)
	m.Enter(tuitest.NewSession(env.Input(t), plan.ProviderChoice{Provider: google}), common.Forward)
	if p, ok := m.Selected(); !ok || p.ID != "google" {
		t.Fatalf("selected %+v, want the choice made before", p)
	}
	if !tuitest.Contains(m.View(), "The choice you made before is selected") || tuitest.Contains(m.View(), "no MX records") {
		t.Fatalf("view:\n%s", tuitest.Plain(m.View()))
	}
	tuitest.Await[common.NextMsg](t, update(t, m, tuitest.Key("enter")))
	c := m.Session().First().Provider
	if c.Provider.ID != "google" {
		t.Fatalf("choice = %+v", c)
	}
}

// othersSession is yourcenter.edu (its provider confirmed) with two added
// domains looked up, whose providers are only proposed from their MX.
func othersSession(t *testing.T, env *tuitest.Env) *session.Session {
	t.Helper()
	snap := env.Snapshot(t)
	s := tuitest.NewSession(env.Input(t), snap, tuitest.Detected(snap))
	s.SetOthers([]domainname.Input{tuitest.InputOf(t, tuitest.Other), tuitest.InputOf(t, "thirdcenter.net")})
	s.Read(env.SnapshotOf(t, tuitest.Other), time.Now())
	s.Read(discovery.Snapshot{Domain: "thirdcenter.net"}, time.Now())
	return s
}

// Every added domain's provider is confirmed or chosen, one domain after
// the other, as the first domain's is; with none left to ask, the step
// is passed over.
func TestOthersConfirmedEach(t *testing.T) {
	env := tuitest.NewEnv(t)
	s := othersSession(t, env)
	m := provider.NewForOthers(env.Common(80, 30), nil)
	if m.Skip(s) || m.ID() != provider.NameOthers || !m.Follows() {
		t.Fatal("the step for the other domains is passed over with two providers unconfirmed")
	}
	m.Enter(s, common.Forward)
	if m.Domain() != tuitest.Other || !tuitest.Contains(m.View(), "Who handles the mail of othercenter.org?", "Microsoft 365 (detected)") {
		t.Fatalf("asks about %q:\n%s", m.Domain(), tuitest.Plain(m.View()))
	}
	// Confirming the first moves on to the next domain, not the next step.
	if cmd := update(t, m, tuitest.Key("enter")); cmd != nil {
		if _, ok := cmd().(common.NextMsg); ok {
			t.Fatal("went on with thirdcenter.net's provider unconfirmed")
		}
	}
	if !s.Domain(tuitest.Other).ProviderConfirmed || m.Domain() != "thirdcenter.net" {
		t.Fatalf("after enter: othercenter.org confirmed %v, asking %q", s.Domain(tuitest.Other).ProviderConfirmed, m.Domain())
	}
	// thirdcenter.net has no MX: "No mail of our own" is proposed, and
	// only confirming it makes it the domain's.
	if s.Domain("thirdcenter.net").ProviderConfirmed {
		t.Fatal("a provider proposed from no MX counts as confirmed")
	}
	if !tuitest.Contains(m.View(), "Who handles the mail of thirdcenter.net?", "The domain has no MX records") {
		t.Fatalf("view:\n%s", tuitest.Plain(m.View()))
	}
	tuitest.Await[common.NextMsg](t, update(t, m, tuitest.Key("enter")))
	if d := s.Domain("thirdcenter.net"); !d.ProviderConfirmed || d.Provider.Provider.Kind != assets.KindNone {
		t.Fatalf("thirdcenter.net: %+v confirmed %v", d.Provider, d.ProviderConfirmed)
	}
	if !m.Skip(s) {
		t.Fatal("the step is not passed over once every provider is confirmed")
	}

	// With --provider every domain's provider is the preset, unasked.
	google, _ := assets.ProviderByID("google")
	s = othersSession(t, env)
	preset := provider.NewForOthers(env.Common(80, 30), &google)
	if !preset.Skip(s) {
		t.Fatal("the step asks although --provider was given")
	}
	for _, d := range s.Others() {
		if !d.ProviderConfirmed || d.Provider.Provider.ID != "google" {
			t.Fatalf("%s: %+v", d.Input.Domain, d.Provider)
		}
	}
}
