package common

import (
	"context"
	"strings"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
)

// LookUpLines looks domain up for the line prompts and says what it
// publishes today, fact by fact. When a lookup got no usable answer the
// person may look again; when prepare (nil: none) fails they may try
// again. Both the discovery and the other domains steps use it. b at
// either question returns ErrBack.
func LookUpLines(ctx context.Context, lp *LinePrompt, q dnscheck.Querier, prepare func(ctx context.Context, domain string) error, p *assets.Platform, domain string) (discovery.Snapshot, error) {
	for {
		lp.Say("")
		lp.Say("Looking up %s: name servers, mail servers, SPF, DKIM and DMARC...", domain)
		var err error
		if prepare != nil {
			err = prepare(ctx, domain)
		}
		if err == nil {
			l := session.Discover(ctx, q, p, domain, nil)
			snap := l.Snap
			lp.Say("What %s publishes today:", domain)
			for _, f := range session.Facts(snap) {
				lp.Say("  %s: %s", f.Label, f.Value)
			}
			if len(snap.Trouble) == 0 {
				return snap, nil
			}
			lp.Say("%s", session.TroubleAdvice)
			line, err := lp.Ask("Press Enter to go on, type r to look again, or b to go back (q stops): ")
			if err != nil {
				return discovery.Snapshot{}, err
			}
			if IsBack(line) {
				return discovery.Snapshot{}, ErrBack
			}
			if !strings.EqualFold(line, "r") {
				return snap, nil
			}
			continue
		}
		lp.Say("Could not look up %s: %s", domain, dnscheck.Printable(err.Error()))
		line, err := lp.Ask("Press Enter to try again, or b to go back (q stops): ")
		if err != nil {
			return discovery.Snapshot{}, err
		}
		if IsBack(line) {
			return discovery.Snapshot{}, ErrBack
		}
	}
}
