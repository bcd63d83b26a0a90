package demo

import (
	"fmt"
	"net/netip"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
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
