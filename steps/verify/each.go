package verify

import (
	"context"
	"sync"

	"github.com/outreach-auth/wizard/dnscheck"
)

// CheckEach checks names[i] against exps[i] (each domain with its own
// expectation, such as its DNS host's name), at most MaxConcurrentDomains
// at a time, and returns the reports in order.
func CheckEach(ctx context.Context, c *dnscheck.Checker, names []string, exps []dnscheck.Expectation) []dnscheck.DomainReport {
	out := make([]dnscheck.DomainReport, len(names))
	sem := make(chan struct{}, MaxConcurrentDomains)
	var wg sync.WaitGroup
	for i, d := range names {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i] = c.Check(ctx, d, exps[i])
		}()
	}
	wg.Wait()
	return out
}
