package dnscheck

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// Checker checks domains. The zero value is not usable; set Resolver.
type Checker struct {
	// Resolver is a recursive resolver: the system's, or the one
	// --dns-server.
	Resolver Querier
	// Direct sends every query to Resolver, with no authoritative discovery
	// (the --dns-server mode).
	Direct bool
	// ResolveNS turns an authoritative server's name into addresses to
	// ask; nil means its A/AAAA records through Resolver, port 53.
	ResolveNS NSResolver
	// Timeout bounds one query to one authoritative server; zero means
	// DefaultTimeout.
	Timeout time.Duration
}

// Check reports whether domain is ready for the platform described by exp:
// SPF, DKIM and DMARC analysed concurrently, through one per-check cache,
// so no server is asked the same name and type twice.
//
// Unless Direct is set, the domain's authoritative servers are found and
// asked directly (a record counts as published the moment they serve it);
// the resolver's view of the same records is compared, and a resolver
// still holding an older answer is noted in DomainReport.Cache.
func (c *Checker) Check(ctx context.Context, domain string, exp Expectation) DomainReport {
	domain = trimDot(canonical(domain))
	rep := DomainReport{Domain: domain, Problems: []Problem{}}
	resolver := NewLookup(c.Resolver)
	q := Querier(resolver)
	var auth *authQuerier
	if c.Direct {
		if cl, ok := c.Resolver.(*Client); ok && len(cl.Servers()) > 0 {
			rep.Source.Server = cl.Servers()[0]
		}
	} else {
		auth = c.authority(ctx, resolver, domain)
		q = NewLookup(auth)
		for _, s := range auth.servers {
			rep.Source.Authoritative = append(rep.Source.Authoritative, s.Name)
		}
	}

	var wg sync.WaitGroup
	run := func(f func()) { wg.Add(1); go func() { defer wg.Done(); f() }() }
	run(func() { rep.SPF = CheckSPF(ctx, q, domain, exp) })
	// A name longer than DNS allows cannot be asked for: its check says
	// so (domain-too-long) instead of blaming the network.
	tooLong, dkimTooLong, dmarcTooLong := DomainTooLong(domain, exp)
	if dkimTooLong {
		rep.DKIM = DKIMReport{Status: VerdictFail, Name: exp.DKIMSelector + "._domainkey." + domain + ".", Target: canonical(exp.DKIMTarget), Problems: []Problem{tooLong}}
	} else {
		run(func() { rep.DKIM = CheckDKIM(ctx, q, domain, exp) })
	}
	if dmarcTooLong {
		rep.DMARC = DMARCReport{Status: VerdictMissing, Domain: domain, Problems: []Problem{tooLong}}
	} else {
		run(func() {
			rep.DMARC = CheckDMARC(ctx, q, domain)
			rep.DMARC.Destinations = checkDestinations(ctx, q, rep.DMARC)
		})
	}
	var mx []string
	if len(exp.ProviderTerms) == 0 && exp.DetectProvider != nil {
		run(func() {
			for _, rr := range q.Query(ctx, domain, dns.TypeMX).Records() {
				mx = append(mx, trimDot(rr.(*dns.MX).Mx))
			}
		})
	}
	var cache []CacheNote
	if auth != nil {
		run(func() { cache = compareResolver(ctx, q, resolver, domain, exp) })
	}
	wg.Wait()

	rep.Provider = exp.ProviderName
	if len(exp.ProviderTerms) == 0 && exp.DetectProvider != nil {
		if name, terms, ok := exp.DetectProvider(mx); ok {
			rep.Provider = name
			if rep.SPF.walk.Root != nil && rep.SPF.walk.Root.Record != nil {
				detected := exp
				detected.ProviderName, detected.ProviderTerms = name, terms
				rep.SPF.Problems = append(rep.SPF.Problems, providerProblems(rep.SPF.walk, detected)...)
			}
		}
	}
	passes := rep.SPF.Status == VerdictPass && rep.DKIM.Status == VerdictPass
	// A record that lets anyone send passes the platform too, but is not
	// ready: it lets everyone else pass as well.
	rep.Ready = passes && !HasError(rep.SPF.Problems, CodeSPFAllPermissive)
	// "Mail is being lost now" is said only when SPF and DKIM were read:
	// DNS trouble tells nothing about what receivers decide. DKIM passing
	// alone carries DMARC, whatever SPF says.
	if rep.SPF.Status != VerdictError && rep.DKIM.Status != VerdictError {
		by, p, ok := PlatformDMARC(rep.DMARC, rep.SPF.Status, rep.DKIM.Status, exp.PlatformName)
		rep.DMARC.PassesBy = by
		if ok {
			rep.DMARC.Problems = append(rep.DMARC.Problems, p)
		}
	}
	// The domain's TXT answer is cached: this asks nothing new.
	if target := q.Query(ctx, domain, dns.TypeTXT).CNAMETarget(); target != "" {
		rep.Alias = trimDot(target)
		rep.Problems = append(rep.Problems, aliasProblem(domain, rep.Alias, exp))
	}
	if auth != nil {
		rep.Problems = append(rep.Problems, auth.outOfSync()...)
		rep.Source.Fallback = len(auth.servers) == 0 || (auth.fellBack && !auth.answered)
		rep.Cache = cache
		if len(auth.servers) == 0 {
			rep.Problems = append(rep.Problems, discoveryProblems(ctx, resolver, domain, trimDot(auth.zone))...)
		}
	}
	return rep
}

// authority finds domain's authoritative servers through resolver and
// returns a querier that asks them (names outside the zone, and questions
// none of them answers, go to resolver).
func (c *Checker) authority(ctx context.Context, resolver Querier, domain string) *authQuerier {
	resolve := c.ResolveNS
	if resolve == nil {
		resolve = DefaultNSResolver(resolver)
	}
	timeout := c.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	zone, servers := DiscoverAuthority(ctx, resolver, domain, resolve)
	return newAuthQuerier(zone, servers, timeout, resolver)
}

// DomainQuerier is a Querier that can also give, for one domain, a
// querier that sees that domain the way Checker.Check does.
type DomainQuerier interface {
	Querier
	// ForDomain returns a querier for one look at domain (its answers are
	// cached for that look only; ask again for a fresh look).
	ForDomain(ctx context.Context, domain string) Querier
}

// Querier returns a DomainQuerier over the checker: plain queries go to
// its Resolver; ForDomain asks the domain's authoritative servers first
// (unless Direct), so a look at the domain sees a record the moment it is
// published, as the checks do, whatever the resolver has cached.
func (c *Checker) Querier() DomainQuerier { return checkerQuerier{c} }

type checkerQuerier struct{ c *Checker }

// Query implements Querier through the checker's resolver.
func (q checkerQuerier) Query(ctx context.Context, name string, qtype uint16) Response {
	return q.c.Resolver.Query(ctx, name, qtype)
}

// ForDomain implements DomainQuerier.
func (q checkerQuerier) ForDomain(ctx context.Context, domain string) Querier {
	resolver := NewLookup(q.c.Resolver)
	if q.c.Direct {
		return resolver
	}
	return NewLookup(q.c.authority(ctx, resolver, trimDot(canonical(domain))))
}

// discoveryProblems explains, when the authoritative servers could not be
// found because a lookup of the discovery (the zone's NS records, or the
// domain's SOA that finds the zone) ended in DNS trouble, that the verdicts
// rest on the resolver's answers instead. It is a warning: the checks
// themselves still ran, and report their own trouble if they had any. The
// lookups were made by the discovery; resolver, the per-check cache,
// answers them again without asking.
func discoveryProblems(ctx context.Context, resolver Querier, domain, zone string) []Problem {
	for _, q := range []struct {
		name, what string
		qtype      uint16
	}{{zone, "the name servers (NS) of " + zone, dns.TypeNS}, {domain, "the zone (SOA) of " + domain, dns.TypeSOA}} {
		r := resolver.Query(ctx, q.name, q.qtype)
		if !r.Status.Trouble() {
			continue
		}
		return []Problem{{Code: troubleCode(r.Status), Severity: SeverityWarning, Name: trimDot(canonical(q.name)),
			Message: "Your resolver could not give " + q.what + ": " + troubleReason(r) + ". So the domain's authoritative servers could not be asked directly: the verdicts rest on your resolver's answers, which may be older than what was just published.",
			Fix:     "If the verdicts look out of date, check again in a few minutes. If this persists, check the domain's delegation: its NS records at the registrar and at the DNS host."}}
	}
	return nil
}

// compareResolver asks the resolver for the records the verdict rests on
// and notes those it answers differently from the authoritative servers.
func compareResolver(ctx context.Context, auth, resolver Querier, domain string, exp Expectation) []CacheNote {
	type question struct {
		name  string
		qtype uint16
	}
	qs := []question{
		{domain, dns.TypeTXT},
		{exp.DKIMSelector + "._domainkey." + domain, dns.TypeCNAME},
		{"_dmarc." + domain, dns.TypeTXT},
	}
	notes := make([]*CacheNote, len(qs))
	var wg sync.WaitGroup
	for i, qu := range qs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := auth.Query(ctx, qu.name, qu.qtype)
			r := resolver.Query(ctx, qu.name, qu.qtype)
			if a.Status.Trouble() || r.Status.Trouble() || answerKey(a) == answerKey(r) {
				return
			}
			notes[i] = &CacheNote{Name: trimDot(canonical(qu.name)), Type: dns.TypeToString[qu.qtype], TTL: r.TTL}
		}()
	}
	wg.Wait()
	var out []CacheNote
	for _, n := range notes {
		if n != nil {
			out = append(out, *n)
		}
	}
	return out
}

// aliasProblem explains that domain is a CNAME to target: no record can
// sit beside a CNAME (RFC 1034 §3.6.2), and receivers follow it, so the
// SPF that counts is target's, which someone else controls. (The DMARC
// policy is still looked up at _dmarc.<domain>, a name of its own.)
func aliasProblem(domain, target string, exp Expectation) Problem {
	platform := exp.platform()
	include := platform + "'s include"
	if exp.SPFInclude != "" {
		include = "include:" + exp.SPFInclude
	}
	return Problem{Code: CodeDomainIsAlias, Severity: SeverityError,
		Message: fmt.Sprintf("%s is an alias (a CNAME to %s). A name with a CNAME can hold no other record, so no SPF record can be published at %s; receivers follow the alias, and the SPF verdicts here are those of %s's record, which whoever runs %s controls.", domain, target, domain, target, target),
		Fix: fmt.Sprintf("Either ask whoever runs %s to add %s to its SPF record (one record, merged), or replace the alias at %s with records of your own (an A or AAAA record where the alias served a web site, and your own SPF record), so that %s's mail rests on records you control.",
			target, include, domain, platform),
	}
}
