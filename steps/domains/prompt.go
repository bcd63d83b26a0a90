package domains

import (
	"context"

	"github.com/outreach-auth/wizard/core/domainname"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

// Prompt implements common.Prompter: it asks for the other domains, one a
// line, each looked up at once; an empty line ends the list. The domains
// already in st (a resumed session) are looked up again instead.
func (m *Model) Prompt(ctx context.Context, lp *common.LinePrompt, st *common.State) (common.Direction, error) {
	var others common.Others
	if saved, ok := common.Get[common.Others](st); ok {
		for _, o := range saved {
			s, err := common.LookUpLines(ctx, lp, m.q, m.prepare, m.Platform, o.Input.Domain)
			if err != nil {
				return common.Forward, err
			}
			others = append(others, common.Extra{Input: o.Input, Snap: s})
		}
	} else {
		first, _ := common.Get[domainname.Input](st)
		var err error
		if others, err = m.ask(ctx, lp, first); err != nil {
			return common.Forward, err
		}
	}
	st.PutFrom(Name, others)
	return common.Forward, nil
}

func (m *Model) ask(ctx context.Context, lp *common.LinePrompt, first domainname.Input) (common.Others, error) {
	lp.Say("")
	lp.Say("Do users of your database send from other domains? Each needs its own records.")
	others := common.Others{}
	seen := map[string]bool{first.Domain: true}
	for {
		line, err := lp.Ask("Another domain, or Enter to go on: ")
		if err != nil {
			return nil, err
		}
		if line == "" {
			return others, nil
		}
		in, err := domainname.NormalizeField(line)
		if err != nil {
			lp.Say("%s", dnscheck.Printable(err.Error()))
			continue
		}
		if seen[in.Domain] {
			lp.Say("%s is already in the list.", in.Domain)
			continue
		}
		seen[in.Domain] = true
		snap, err := common.LookUpLines(ctx, lp, m.q, m.prepare, m.Platform, in.Domain)
		if err != nil {
			return nil, err
		}
		others = append(others, common.Extra{Input: in, Snap: snap})
		lp.Say("Added %s.", in.Domain)
	}
}
