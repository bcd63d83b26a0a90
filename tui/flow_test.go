package tui_test

import (
	"context"
	"testing"

	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/tui"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// TestEveryStepHasLinePrompts: --accessible walks the same steps as the
// full-screen wizard, so each must have a line-prompt form, and each a
// name of its own.
func TestEveryStepHasLinePrompts(t *testing.T) {
	env := tuitest.NewEnv(t)
	seen := map[session.StepID]bool{}
	for _, s := range tui.Steps(common.NewCommon(context.Background(), env.Platform), env.Config(t)) {
		name := session.StepID(s.Title())
		if _, ok := s.(common.Prompter); !ok {
			t.Errorf("the %s step has no line prompts", name)
		}
		if seen[name] {
			t.Errorf("two steps are named %s", name)
		}
		seen[name] = true
	}
}
