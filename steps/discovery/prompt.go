package discovery

import (
	"context"
	"time"

	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/tui/common"
)

// Prompt implements common.Prompter: it looks the domain up and says what
// it publishes today.
func (m *Model) Prompt(ctx context.Context, lp *common.LinePrompt, s *session.Session) (common.Direction, error) {
	first := s.First()
	if first == nil {
		return common.Backward, nil
	}
	snap, err := common.LookUpLines(ctx, lp, m.q, m.prepare, m.Platform, first.Input.Domain)
	if err != nil {
		return common.Forward, err
	}
	s.Read(snap, time.Now())
	return common.Forward, nil
}
