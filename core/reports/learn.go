package reports

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
)

// maxConcurrentDomains bounds the domains whose provider is read at once.
const maxConcurrentDomains = 8

// Learn reads, through q (the wizard's DNS path: --dns-server, or the
// system's resolvers), what Summarise needs besides the reports:
//
//   - the platform's live SPF set, read once from its include, with the
//     platform file's addresses when it cannot be read (as `wizard check`
//     does, dnscheck.ExpandPlatformIPs);
//   - each domain's own mail provider: provider when given (--provider),
//     else recognised from the domain's MX hosts, and its networks read
//     from its SPF includes, each include once.
//
// No source address of a report is looked up. Every answer is shared
// through one dnscheck.Lookup, so no question is asked twice.
func Learn(ctx context.Context, q dnscheck.Querier, p *assets.Platform, provider *assets.Provider, domains []string) Knowledge {
	lookup := dnscheck.NewLookup(q)
	k := Knowledge{
		PlatformName: p.Name,
		Selector:     strings.ToLower(p.DKIM.Selector),
		DKIMTarget:   p.DKIM.Target,
		SPFInclude:   p.SPF.Include,
		Providers:    map[string]Sender{},
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wg.Add(1)
	go func() {
		defer wg.Done()
		set := dnscheck.ExpandPlatformIPs(ctx, lookup, p.SPF.Include, p.SPF.IPs)
		mu.Lock()
		defer mu.Unlock()
		k.PlatformNetworks = set.Networks
		if !set.Live() && set.Reason != "" {
			k.PlatformNote = fmt.Sprintf("%s's current addresses could not be read from %s (%s); the %d in the platform file were used instead.",
				k.PlatformName, set.Include, set.Reason, len(set.Networks))
		}
	}()
	includes := &includeCache{lookup: lookup, sets: map[string]*includeSet{}}
	slots := make(chan struct{}, maxConcurrentDomains)
	for _, d := range domains {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			pr, ok := provider, provider != nil
			if !ok {
				var found assets.Provider
				found, ok = detectProvider(ctx, lookup, d)
				pr = &found
			}
			if !ok || pr.Kind == assets.KindNone {
				return
			}
			s := includes.sender(ctx, *pr)
			mu.Lock()
			defer mu.Unlock()
			k.Providers[d] = s
		}()
	}
	wg.Wait()
	return k
}

// detectProvider recognises domain's own mail provider from its MX
// hosts, in order of preference.
func detectProvider(ctx context.Context, q dnscheck.Querier, domain string) (assets.Provider, bool) {
	var mx []*dns.MX
	for _, rr := range q.Query(ctx, domain, dns.TypeMX).Records() {
		if m, ok := rr.(*dns.MX); ok {
			mx = append(mx, m)
		}
	}
	slices.SortStableFunc(mx, func(a, b *dns.MX) int { return int(a.Preference) - int(b.Preference) })
	hosts := make([]string, len(mx))
	for i, m := range mx {
		hosts[i] = strings.TrimSuffix(m.Mx, ".")
	}
	p, _, ok := assets.DetectProvider(hosts)
	return p, ok
}

// includeCache reads each SPF include once for all the domains.
type includeCache struct {
	lookup *dnscheck.Lookup
	mu     sync.Mutex
	sets   map[string]*includeSet
}

type includeSet struct {
	once sync.Once
	set  dnscheck.PlatformIPs
}

// sender returns the provider's name and networks: its addresses, and
// those its includes list.
func (c *includeCache) sender(ctx context.Context, p assets.Provider) Sender {
	s := Sender{Name: p.Name, Networks: slices.Clone(p.SPFAddresses)}
	var unread []string
	for _, inc := range p.SPFIncludes {
		c.mu.Lock()
		e := c.sets[inc]
		if e == nil {
			e = &includeSet{}
			c.sets[inc] = e
		}
		c.mu.Unlock()
		e.once.Do(func() { e.set = dnscheck.ExpandPlatformIPs(ctx, c.lookup, inc, nil) })
		if !e.set.Live() {
			unread = append(unread, fmt.Sprintf("%s (%s)", inc, e.set.Reason))
			continue
		}
		s.Networks = append(s.Networks, e.set.Networks...)
	}
	if len(unread) > 0 {
		s.Note = fmt.Sprintf("%s's addresses could not all be read from %s; its mail may be listed by address only.", p.Name, strings.Join(unread, ", "))
	}
	return s
}
