package advice_test

import (
	"context"
	"slices"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	advicestep "github.com/outreach-auth/wizard/steps/advice"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// The demo's v writes a test message for the first domain and goes on
// with its path; without a maker there is no v.
func TestDemoTestMessageKey(t *testing.T) {
	env := tuitest.NewEnv(t)
	var asked string
	m := advicestep.NewModel(env.Common(100, 80)).WithTestMessageIn(func(_ context.Context, d string) (string, error) {
		asked = d
		return "/tmp/wizard-demo-message-1.eml", nil
	}, "/tmp")
	m.Enter(tuitest.NewSession(reports(t, true)), common.Forward)
	// The screen says where the message goes.
	if !tuitest.Contains(m.View(), "Demo: v writes a test message from the simulated Neoserra to /tmp and checks it.") {
		t.Errorf("the advice does not say where the test message goes:\n%s", tuitest.Plain(m.View()))
	}
	if !slices.ContainsFunc(m.ShortHelp(), func(b key.Binding) bool { return b.Enabled() && b.Help().Key == "v" }) {
		t.Errorf("help lacks v")
	}
	_, cmd := m.Update(tuitest.Key("v"))
	made := tuitest.Collect(t, cmd, func([]tea.Msg) bool { return true })
	_, cmd = m.Update(made[0])
	tuitest.Await[common.NextMsg](t, cmd)
	if asked != tuitest.Domain || m.Session().MessageFile != "/tmp/wizard-demo-message-1.eml" {
		t.Fatalf("asked for %q; message file %q", asked, m.Session().MessageFile)
	}
	// The file is listed with the files written in this run.
	if f := m.Session().Files; len(f) != 1 || f[0].Path != "/tmp/wizard-demo-message-1.eml" {
		t.Errorf("files written = %+v", f)
	}

	plain := advicestep.NewModel(env.Common(100, 80))
	plain.Enter(tuitest.NewSession(reports(t, true)), common.Forward)
	if _, cmd := plain.Update(tuitest.Key("v")); cmd != nil {
		t.Error("v does something outside the demo")
	}
}
