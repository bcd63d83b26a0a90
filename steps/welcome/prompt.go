package welcome

import (
	"context"

	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/tui/common"
)

// Prompt implements common.Prompter: the welcome as plain lines.
func (m *Model) Prompt(_ context.Context, lp *common.LinePrompt, _ *session.Session) (common.Direction, error) {
	p := m.Platform
	lead, happen, need, note := Intro(p, m.saves)
	lp.Say("%s (plain prompts).", Heading(p))
	lp.Say("%s", lead)
	lp.Say("What will happen:")
	for i, s := range happen {
		lp.Say("  %d. %s", i+1, s)
	}
	lp.Say("What you need:")
	for _, s := range need {
		lp.Say("  - %s", s)
	}
	lp.Say("%s Type q at any question to stop.", note)
	lp.Say("")
	return common.Forward, nil
}
