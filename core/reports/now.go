package reports

import (
	"context"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/dnscheck"
)

// CheckNow checks each domain once, as 'wizard check' does (checker's
// DNS path, the platform p and the organisation's provider, nil when
// not given), and returns what Knowledge.Now needs: each domain's DKIM
// and SPF verdict now. It returns nil when no expectation can be built.
func CheckNow(ctx context.Context, checker *dnscheck.Checker, p *assets.Platform, provider *assets.Provider, domains []string) map[string]RecordsNow {
	exp, err := checks.Expect(p, provider, nil)
	if err != nil {
		return nil
	}
	reps := checks.CheckAll(ctx, checker, domains, exp, nil)
	now := make(map[string]RecordsNow, len(reps))
	for i, r := range reps {
		now[domains[i]] = RecordsNow{DKIM: r.DKIM.Status, SPF: r.SPF.Status}
	}
	return now
}
