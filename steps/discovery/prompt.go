package discovery

import (
	"context"
	"errors"
	"strings"

	"github.com/outreach-auth/wizard/core/domainname"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

// Prompt implements common.Prompter: it looks the domain up and says what
// it publishes today. It asks nothing of its own, so going back (b at the
// provider question) passes on back to the domain question, unless the
// step after asked for a new look (lp.Again, the provider question's r).
// b at its own questions (DNS trouble) goes back too.
func (m *Model) Prompt(ctx context.Context, lp *common.LinePrompt, st *common.State) (common.Direction, error) {
	if lp.Entered == common.Backward && !lp.Again {
		return common.Backward, nil
	}
	lp.Again = false
	in, _ := common.Get[domainname.Input](st)
	snap, err := common.LookUpLines(ctx, lp, m.q, m.prepare, m.Platform, in.Domain)
	if errors.Is(err, common.ErrBack) {
		return common.Backward, nil
	}
	if err != nil {
		return common.Forward, err
	}
	if words := tagWords(snap); len(words) > 0 {
		lp.Say("  In DMARC, %s.", dnscheck.Printable(strings.Join(words, "; ")))
	}
	st.PutFrom(Name, snap)
	return common.Forward, nil
}
