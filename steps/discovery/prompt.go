package discovery

import (
	"context"

	"github.com/outreach-auth/wizard/core/domainname"
	"github.com/outreach-auth/wizard/tui/common"
)

// Prompt implements common.Prompter: it looks the domain up and says what
// it publishes today.
func (m *Model) Prompt(ctx context.Context, lp *common.LinePrompt, st *common.State) (common.Direction, error) {
	in, _ := common.Get[domainname.Input](st)
	snap, err := common.LookUpLines(ctx, lp, m.q, m.prepare, m.Platform, in.Domain)
	if err != nil {
		return common.Forward, err
	}
	st.PutFrom(Name, snap)
	return common.Forward, nil
}
