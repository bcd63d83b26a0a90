package provider_test

import (
	"os"
	"testing"

	"github.com/charmbracelet/bubbles/list"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/steps/discovery"
	"github.com/outreach-auth/wizard/steps/provider"
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
	m.Enter(common.NewState(snap), common.Forward)
	if p, ok := m.Selected(); !ok || p.ID != "microsoft365" {
		t.Fatalf("selected %+v", p)
	}
	if !tuitest.Contains(m.View(), "Your MX points to Microsoft 365 (yourcenter-edu.mail.protection.outlook.com).", "Microsoft 365 (detected)", "include:spf.protection.outlook.com") {
		t.Fatalf("view:\n%s", tuitest.Plain(m.View()))
	}
	cmd := update(t, m, tuitest.Key("enter"))
	c := tuitest.Await[common.NextMsg](t, cmd).Results[0].(provider.Choice)
	if !c.Detected || c.Provider.ID != "microsoft365" || c.Option() != nil {
		t.Fatalf("choice = %+v", c)
	}
}

func TestChooseAnother(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := provider.New(env.Common(80, 20), nil)
	m.Enter(common.NewState(env.Snapshot(t)), common.Forward)
	update(t, m, tuitest.Key("down"))
	c := tuitest.Await[common.NextMsg](t, update(t, m, tuitest.Key("enter"))).Results[0].(provider.Choice)
	if c.Detected || c.Provider.ID != "google" || c.Option() == nil || c.Option().ID != "google" {
		t.Fatalf("choice = %+v", c)
	}
}

func TestFilter(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := provider.New(env.Common(80, 20), nil)
	m.Enter(common.NewState(env.Snapshot(t)), common.Forward)
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
	m.Enter(common.NewState(env.Snapshot(t)), common.Forward)
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
	c := tuitest.Await[common.NextMsg](t, update(t, m, tuitest.Key("enter"))).Results[0].(provider.Choice)
	if c.Provider.Kind != assets.KindOther || len(c.Provider.SPFIncludes) != 1 || len(c.Provider.SPFAddresses) != 1 {
		t.Fatalf("choice = %+v", c)
	}
}

func TestNoMXPreselectsNone(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := provider.New(env.Common(80, 20), nil)
	m.Enter(common.NewState(discovery.Snapshot{Domain: "example.org"}), common.Forward)
	if p, _ := m.Selected(); p.Kind != assets.KindNone {
		t.Fatalf("selected %+v", p)
	}
	if !tuitest.Contains(m.View(), "The domain has no MX records") {
		t.Fatalf("view:\n%s", tuitest.Plain(m.View()))
	}
}

// TestPreset: with --provider the step passes through both ways.
func TestPreset(t *testing.T) {
	env := tuitest.NewEnv(t)
	g, _ := assets.ProviderByID("google")
	m := provider.New(env.Common(80, 20), &g)
	c := tuitest.Await[common.NextMsg](t, m.Enter(common.NewState(env.Snapshot(t)), common.Forward)).Results[0].(provider.Choice)
	if c.Provider.ID != "google" || c.Detected {
		t.Fatalf("choice = %+v", c)
	}
	tuitest.Await[common.BackMsg](t, m.Enter(common.NewState(), common.Backward))
}

func TestGolden(t *testing.T) {
	env := tuitest.NewEnv(t)
	t.Run("list", func(t *testing.T) {
		tuitest.Screen{Env: env, Step: 3,
			State: func(t *testing.T) *common.State { return common.NewState(env.Input(t), env.Snapshot(t)) },
			Wait:  []string{"(detected)"}}.Golden(t)
	})
	t.Run("other", func(t *testing.T) {
		tuitest.Screen{Env: env, Step: 3,
			State: func(t *testing.T) *common.State { return common.NewState(env.Input(t), env.Snapshot(t)) },
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
	m.Enter(common.NewState(env.Input(t), provider.Choice{Provider: google}), common.Forward)
	if p, ok := m.Selected(); !ok || p.ID != "google" {
		t.Fatalf("selected %+v, want the choice made before", p)
	}
	if !tuitest.Contains(m.View(), "The choice you made before is selected") || tuitest.Contains(m.View(), "no MX records") {
		t.Fatalf("view:\n%s", tuitest.Plain(m.View()))
	}
	c := tuitest.Await[common.NextMsg](t, update(t, m, tuitest.Key("enter"))).Results[0].(provider.Choice)
	if c.Provider.ID != "google" {
		t.Fatalf("choice = %+v", c)
	}
}
