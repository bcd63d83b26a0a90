// Package checks runs the checks that prove a domain is ready and writes
// what they found: the expectation built from the platform and provider,
// checks over many domains with bounded concurrency, the polling schedule,
// and the written report, summary and advice for a person.
package checks

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
)

// Polling schedule: the first re-check after FirstInterval, each next one
// half as long again, never more than MaxInterval apart.
const (
	FirstInterval = 5 * time.Second
	MaxInterval   = 30 * time.Second
)

// NextInterval returns the wait after a wait of prev (0 for the first).
func NextInterval(prev time.Duration) time.Duration {
	if prev <= 0 {
		return FirstInterval
	}
	return min(prev+prev/2, MaxInterval)
}

// MaxConcurrentDomains bounds how many domains are checked at once, so a
// long list never exhausts sockets.
const MaxConcurrentDomains = 8

// Expect builds what a domain must publish for the platform. provider is
// the organisation's own mail provider as chosen (nil: detect it from each
// domain's MX); checkIPs replaces the platform's addresses (--ip).
func Expect(p *assets.Platform, provider *assets.Provider, checkIPs []string) (dnscheck.Expectation, error) {
	exp := dnscheck.Expectation{
		PlatformName: p.Name,
		Vendor:       p.Vendor,
		DKIMSelector: p.DKIM.Selector,
		DKIMTarget:   p.DKIM.Target,
		SPFInclude:   p.SPF.Include,
		PlatformIPs:  p.SPF.IPs,
	}
	for _, s := range checkIPs {
		ip, err := parseIP(s)
		if err != nil {
			return exp, err
		}
		exp.CheckIPs = append(exp.CheckIPs, ip)
	}
	if provider != nil {
		exp.ProviderName, exp.ProviderTerms = provider.Name, provider.SPFTerms()
	} else {
		exp.DetectProvider = func(mx []string) (string, []string, bool) {
			pr, _, ok := assets.DetectProvider(mx)
			return pr.Name, pr.SPFTerms(), ok
		}
	}
	return exp, nil
}

// CheckAll checks every domain, at most MaxConcurrentDomains at a time,
// and returns the reports in input order. The platform's include is read
// once for the call, beside the checks (see withLiveIPs), and each
// report's SPF.Platform says which addresses were evaluated. A domain's goroutine starts only
// once a slot is free, so a list of any length holds at most
// MaxConcurrentDomains checks (and their sockets) at once. progress, when
// not nil, is called after each domain finishes with the number done, one
// call at a time. Every domain gets a report, even once ctx has ended
// (its lookups then fail at once); StreamAll stops instead.
func CheckAll(ctx context.Context, c *dnscheck.Checker, domains []string, exp dnscheck.Expectation, progress func(done int)) []dnscheck.DomainReport {
	return checkEach(ctx, c, domains, func(int) dnscheck.Expectation { return exp }, progress)
}

// CheckEach is CheckAll with an expectation a domain: names[i] is checked
// against exps[i] (each with its own DNS host's name, for example).
func CheckEach(ctx context.Context, c *dnscheck.Checker, names []string, exps []dnscheck.Expectation) []dnscheck.DomainReport {
	return checkEach(ctx, c, names, func(i int) dnscheck.Expectation { return exps[i] }, nil)
}

func checkEach(ctx context.Context, c *dnscheck.Checker, domains []string, exp func(i int) dnscheck.Expectation, progress func(done int)) []dnscheck.DomainReport {
	out := make([]dnscheck.DomainReport, len(domains))
	stream(ctx, c, domains, exp, progress, nil, func(i int, r dnscheck.DomainReport) bool {
		out[i] = r
		return true
	})
	return out
}

// ReorderWindow bounds how far the checks run ahead of the first domain
// whose report is not known yet: reports are handed on in input order,
// and at most this many are started and not yet handed on, so a slow
// domain never lets the reports behind it pile up.
const ReorderWindow = 256

// StreamAll checks every domain like CheckAll, but hands each report to
// emit as soon as it and every report before it are known, in input
// order, instead of returning them together: a list of any length is
// never held whole. emit and progress are called one at a time, from the
// calling goroutine. StreamAll stops early, starting no more checks and
// handing on no more reports, once ctx ends (a report cut short by it is
// never handed on) or emit returns an error; it returns that error, or
// ctx.Err(). Every check it started has finished when it returns.
func StreamAll(ctx context.Context, c *dnscheck.Checker, domains []string, exp dnscheck.Expectation, progress func(done int), emit func(i int, r dnscheck.DomainReport) error) error {
	var err error
	stream(ctx, c, domains, func(int) dnscheck.Expectation { return exp }, progress, ctx.Done(), func(i int, r dnscheck.DomainReport) bool {
		if err = ctx.Err(); err != nil {
			return false
		}
		err = emit(i, r)
		return err == nil
	})
	if err == nil {
		err = ctx.Err()
	}
	return err
}

// stream runs the checks, at most MaxConcurrentDomains at once and at
// most ReorderWindow ahead of the first report not yet emitted, and calls
// emit with each report in input order until it returns false. progress
// counts the checks finished, in the order they finish. Once stop is
// closed (nil: never), no more checks start.
func stream(ctx context.Context, c *dnscheck.Checker, domains []string, exp func(i int) dnscheck.Expectation, progress func(done int), stop <-chan struct{}, emit func(i int, r dnscheck.DomainReport) bool) {
	type result struct {
		i int
		r dnscheck.DomainReport
	}
	exp = withLiveIPs(ctx, c, len(domains), exp)
	// window holds a token for each check started and not yet emitted;
	// results never holds more, so a finished check never waits to send.
	window := make(chan struct{}, ReorderWindow)
	results := make(chan result, ReorderWindow)
	sem := make(chan struct{}, MaxConcurrentDomains)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the dispatcher
		defer wg.Done()
		for i, d := range domains {
			select {
			case window <- struct{}{}:
			case <-quit:
				return
			}
			select {
			case sem <- struct{}{}:
			case <-quit:
				return
			}
			select {
			case <-stop:
				return
			default:
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := c.Check(ctx, d, exp(i))
				<-sem
				results <- result{i, r}
			}()
		}
	}()
	defer wg.Wait()
	defer close(quit)
	waiting := map[int]dnscheck.DomainReport{}
	next, done := 0, 0
	for next < len(domains) {
		var res result
		select {
		case res = <-results:
		case <-stop: // the dispatcher may have stopped before next
			return
		}
		done++
		if progress != nil {
			progress(done)
		}
		waiting[res.i] = res.r
		for {
			r, ok := waiting[next]
			if !ok {
				break
			}
			delete(waiting, next)
			if !emit(next, r) {
				return
			}
			<-window
			next++
		}
	}
}

// withLiveIPs starts one reading of the platform's include for a run of n
// checks, through the checker's resolver (the --dns-server when given),
// and returns exp with it set on every expectation that has none and
// names the same include. The reading goes on beside the domains' own
// lookups; a check waits for it only when it evaluates the addresses.
func withLiveIPs(ctx context.Context, c *dnscheck.Checker, n int, exp func(i int) dnscheck.Expectation) func(i int) dnscheck.Expectation {
	if n == 0 {
		return exp
	}
	first := exp(0)
	if first.Live != nil || first.SPFInclude == "" {
		return exp
	}
	live := dnscheck.StartPlatformIPs(ctx, c.Resolver, first.SPFInclude, first.PlatformIPs)
	return func(i int) dnscheck.Expectation {
		e := exp(i)
		if e.Live == nil && e.SPFInclude == first.SPFInclude {
			e.Live = live
		}
		return e
	}
}

// PlatformIPsOf returns the platform's addresses a run of checks
// evaluated (every check of one CheckAll or CheckEach shares them), and
// false when no report says (no domain, or none reached SPF).
func PlatformIPsOf(reports []dnscheck.DomainReport) (dnscheck.PlatformIPs, bool) {
	for _, r := range reports {
		if r.SPF.Platform.Source != "" {
			return r.SPF.Platform, true
		}
	}
	return dnscheck.PlatformIPs{}, false
}

// PlatformIPsNote is the one line that tells a person about the
// platform's addresses a run evaluated: that the catalog's list stood in
// for the include that could not be read, or what a live reading left
// out. It is "" when there is nothing to say (read live and whole, or no
// reading was made). Text from DNS in it is exact: pass it through
// dnscheck.Printable for a terminal.
func PlatformIPsNote(set dnscheck.PlatformIPs) string {
	switch {
	case set.Source == dnscheck.PlatformIPsCatalog && set.Reason != "":
		return fmt.Sprintf("The platform's current addresses could not be read from %s (%s); SPF was checked for the %d in the platform file instead.",
			set.Include, set.Reason, len(set.Networks))
	case set.Reason != "":
		return "The platform's addresses were read from " + set.Include + ", but " + set.Reason + "."
	}
	return ""
}
