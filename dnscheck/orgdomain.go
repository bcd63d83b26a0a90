package dnscheck

import (
	"strings"

	"golang.org/x/net/publicsuffix"
)

// OrgDomain returns the registrable domain of domain as the Public Suffix
// List gives it (RFC 7489 §3.2's organisational domain): its public suffix
// plus one label. DMARC no longer uses it: RFC 9989 finds the
// organisational domain by the DNS tree walk (OrgDomainWalk,
// docs/dmarc.md). It is kept for the demo's simulated world, which
// decides from it which organisation's zone to serve above a subdomain.
// "sbdc.uni.edu" gives "uni.edu", "sbdc.uni.ac.uk" gives "uni.ac.uk". It
// returns domain itself (lower case, without a trailing dot) when domain is
// its own organisational domain, and "" when domain is a public suffix or
// not a name at all.
func OrgDomain(domain string) string {
	d := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(domain), "."))
	if d == "" {
		return ""
	}
	org, err := publicsuffix.EffectiveTLDPlusOne(d)
	if err != nil {
		return ""
	}
	return org
}
