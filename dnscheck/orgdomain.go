package dnscheck

import (
	"strings"

	"golang.org/x/net/publicsuffix"
)

// OrgDomain returns the organisational domain of domain (RFC 7489 §3.2):
// its public suffix, as the Public Suffix List gives it, plus one label.
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
