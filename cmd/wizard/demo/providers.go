package demo

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
)

// The simulated world answers for every SPF include of the provider
// catalog (assets/providers.json), so that whichever provider the person
// picks in the demo, its include exists and SPF can pass. The records are
// made from the catalog at start-up: a provider added to the catalog is
// covered without a change here. See docs/demo.md.

// nestedLabel is the first label of the record each provider's include
// includes in turn, as real providers split their ranges over several
// records (Google's _spf.google.com includes _netblocks.google.com…).
const nestedLabel = "_netblocks"

// providerBlocks is how many distinct IPv4 blocks the documentation range
// 203.0.113.0/24 (RFC 5737) gives the providers: /29 each. The catalog
// has fewer includes; past that many the blocks repeat, which no check
// minds (they are the providers' addresses, never the platform's).
const providerBlocks = 32

// providerAddresses returns the plausible addresses of the n-th include
// the world serves: an IPv4 /29 of 203.0.113.0/24 (RFC 5737) and an IPv6
// /48 of 2001:db8::/32 (RFC 3849), both documentation ranges that no real
// sender uses.
func providerAddresses(n int) (v4, v6 netip.Prefix) {
	block := byte(n % providerBlocks)
	v4 = netip.PrefixFrom(netip.AddrFrom4([4]byte{203, 0, 113, block * 8}), 29)
	var a [16]byte
	a[0], a[1], a[2], a[3] = 0x20, 0x01, 0x0d, 0xb8
	a[4], a[5] = byte(n>>8), byte(n)
	v6 = netip.PrefixFrom(netip.AddrFrom16(a), 48)
	return v4, v6
}

// providerRecords returns the SPF records of every include the catalog's
// providers name, except those in skip (served with records of their
// own: the platform's include, Microsoft's): at the include, its IPv4
// block and an include of <nestedLabel>.<include>; there, its IPv6 block.
// Each include is served once, even when two providers share it.
func providerRecords(providers []assets.Provider, skip map[string]bool) []dns.RR {
	var rrs []dns.RR
	seen := map[string]bool{}
	n := 0
	for _, p := range providers {
		for _, inc := range p.SPFIncludes {
			name := fqdn(inc)
			if skip[name] || seen[name] {
				continue
			}
			seen[name] = true
			v4, v6 := providerAddresses(n)
			n++
			nested := fqdn(nestedLabel + "." + inc)
			if _, ok := dns.IsDomainName(nested); !ok || len(nested) > 253 {
				// No room for the nested name: the addresses sit in
				// the include's own record.
				rrs = append(rrs, txtRR(name, fmt.Sprintf("v=spf1 ip4:%s ip6:%s -all", v4, v6), worldTTL))
				continue
			}
			rrs = append(rrs,
				txtRR(name, fmt.Sprintf("v=spf1 ip4:%s include:%s -all", v4, nested[:len(nested)-1]), worldTTL),
				txtRR(nested, fmt.Sprintf("v=spf1 ip6:%s -all", v6), worldTTL))
		}
	}
	return rrs
}

// provideIncludes serves, on the Resolver, an SPF record for every
// include and redirect of the SPF record value that names a zone the
// world does not serve yet: an include the person typed for "Another mail
// provider" exists once the record naming it is published, with
// plausible addresses, as their provider would serve it. A name in a zone
// the world serves (a typo in a catalog provider's include, a name of the
// person's own domains) is left as it is. w.mu must be held.
func (w *World) provideIncludes(value string) error {
	rec, err := dnscheck.ParseSPF(value)
	if err != nil {
		return nil // the plan's own record parses; a broken one provides nothing
	}
	for _, t := range rec.Terms {
		if t.Mechanism != dnscheck.MechInclude && t.Modifier != dnscheck.ModRedirect {
			continue
		}
		name := fqdn(t.Value)
		if strings.ContainsAny(name, "%") {
			continue // a macro: no one name to serve
		}
		if _, ok := dns.IsDomainName(name); !ok || name == "." || w.served(name) {
			continue
		}
		apex := apexOf(name)
		v4, v6 := providerAddresses(providerBlocks + len(w.provided))
		rrs := []dns.RR{
			&dns.SOA{Hdr: header(apex, dns.TypeSOA, worldTTL), Ns: fqdn("ns1." + apex), Mbox: fqdn("hostmaster." + apex), Serial: 1,
				Refresh: soaRefresh, Retry: soaRetry, Expire: soaExpire, Minttl: 300},
			txtRR(name, fmt.Sprintf("v=spf1 ip4:%s ip6:%s -all", v4, v6), worldTTL),
		}
		if err := w.resolver.AddZone(zoneText(rrs)); err != nil {
			return fmt.Errorf("demo: serving %s: %w", strings.TrimSuffix(name, "."), err)
		}
		w.apexes = append(w.apexes, apex)
		w.provided = append(w.provided, apex)
	}
	return nil
}

// served reports whether name lies in a zone the world serves: the
// platform's and the providers' (and those provided since), the person's
// prepared domains, or their organisations'. w.mu must be held.
func (w *World) served(name string) bool {
	n := strings.TrimSuffix(name, ".")
	within := func(zone string) bool { return n == zone || strings.HasSuffix(n, "."+zone) }
	for _, apex := range w.apexes {
		if within(apex) {
			return true
		}
	}
	for d := range w.domains {
		if within(d) {
			return true
		}
	}
	for o := range w.orgs {
		if within(o) {
			return true
		}
	}
	return false
}
