package discovery

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

// Prompt implements common.Prompter: it looks the domain up and says what
// it publishes today. It asks nothing of its own, so going back (b at the
// provider question) passes on back to the domain question, unless the
// step after asked for a new look (lp.Again, the provider question's r).
// b at its own questions (DNS trouble) goes back too.
func (m *Model) Prompt(ctx context.Context, lp *common.LinePrompt, s *session.Session) (common.Direction, error) {
	if lp.Entered == common.Backward && !lp.Again {
		return common.Backward, nil
	}
	lp.Again = false
	first := s.First()
	if first == nil {
		return common.Backward, nil
	}
	snap, err := common.LookUpLines(ctx, lp, m.q, m.prepare, m.Platform, first.Input.Domain)
	if errors.Is(err, common.ErrBack) {
		return common.Backward, nil
	}
	if err != nil {
		return common.Forward, err
	}
	if words := tagWords(snap); len(words) > 0 {
		lp.Say("  In DMARC, %s.", dnscheck.Printable(strings.Join(words, "; ")))
	}
	s.Read(snap, time.Now())
	return common.Forward, nil
}
