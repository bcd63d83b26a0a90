package tui_test

import (
	"testing"

	"github.com/outreach-auth/wizard/steps/welcome"
	"github.com/outreach-auth/wizard/tui"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// Drawing the full help says "? fewer keys" without changing the shared
// key map the steps were given.
func TestHelpViewLeavesSharedKeysAlone(t *testing.T) {
	env := tuitest.NewEnv(t)
	c := env.Common(80, 24)
	m := tui.NewModelWithSteps(c, tui.Config{Platform: env.Platform}, nil, []common.Step{welcome.New(c)})
	m.Update(tuitest.Key("?"))
	if v := m.View(); !tuitest.Contains(v, "fewer keys") {
		t.Fatalf("full help lacks \"fewer keys\":\n%s", v)
	}
	if got := c.Keys.Help.Help().Desc; got != "more keys" {
		t.Fatalf("drawing the help changed the shared Help key to %q", got)
	}
}
