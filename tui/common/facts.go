package common

import (
	"fmt"
	"slices"
	"strings"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/dnscheck"
)

// Fact is one line of the discovery summary. Unknown is set when the
// lookup behind it got no usable answer: Value then says "unknown: " and
// why, never "none".
type Fact struct {
	Label, Value string
	Unknown      bool
}

// Facts describes a snapshot for a person, one fact a line: DNS host, mail
// provider, SPF, DKIM, DMARC, then lookups that got no answer and belong
// to none of these. A fact whose lookup failed reads "unknown: " and the
// reason in words. Text from DNS is made printable.
func Facts(s discovery.Snapshot) []Fact {
	p := dnscheck.Printable
	var out []Fact
	add := func(label, value string) { out = append(out, Fact{Label: label, Value: value}) }
	shown := map[discovery.Trouble]bool{}
	// unknown adds the fact as unknown when the lookup of name (types)
	// failed, and reports whether it did.
	unknown := func(label, name string, types ...string) bool {
		t, ok := s.TroubleAt(name, types...)
		if !ok {
			return false
		}
		out = append(out, Fact{Label: label, Value: "unknown: " + p(t.Words()), Unknown: true})
		for _, other := range s.Trouble { // every failed lookup of the fact
			if dns.CanonicalName(other.Name) == dns.CanonicalName(name) && (len(types) == 0 || slices.Contains(types, other.Type)) {
				shown[other] = true
			}
		}
		return true
	}

	zone := s.Zone
	if zone == "" {
		zone = s.Domain
	}
	if len(s.NS) > 0 || !unknown("DNS host", zone, "NS") {
		host := s.DNSHost.Name
		if s.DNSHost.ID == assets.GenericDNSHostID {
			host = "not recognised"
		}
		if len(s.NS) > 0 {
			host += " (" + p(strings.Join(s.NS, ", ")) + ")"
		} else {
			host += " (no NS records found)"
		}
		if s.DNSHost.ID == assets.GenericDNSHostID {
			host += "; the records use names any DNS host accepts"
		}
		add("DNS host", host)
	}

	switch {
	case unknown("Mail provider", s.Domain, "MX"):
	case s.ProviderFound:
		add("Mail provider", fmt.Sprintf("%s, detected from your MX record %s", s.Provider.Name, p(s.ProviderMX)))
	case len(s.MX) > 0:
		add("Mail provider", fmt.Sprintf("not in the catalog (MX %s)", p(strings.Join(s.MX, ", "))))
	default:
		add("Mail provider", "none: the domain has no MX records")
	}

	switch {
	case unknown("SPF", s.Domain, "TXT"):
	case len(s.SPF) == 0 && len(s.SPFLike) == 0:
		add("SPF", "none")
	case len(s.SPF) > 1:
		add("SPF", fmt.Sprintf("%d records (only one is allowed): %s", len(s.SPF), p(strings.Join(s.SPF, " | "))))
	case len(s.SPF) == 1:
		add("SPF", p(s.SPF[0]))
	}
	if len(s.SPFLike) > 0 {
		add("Broken SPF", p(strings.Join(s.SPFLike, " | ")))
	}

	switch {
	case s.DKIMTarget != "":
		add("DKIM", "CNAME → "+p(s.DKIMTarget))
	case len(s.DKIMOther) > 0:
		add("DKIM", "not a CNAME: "+p(strings.Join(s.DKIMOther, " | ")))
	case unknown("DKIM", s.DKIMName):
	default:
		add("DKIM", "nothing at "+p(strings.TrimSuffix(s.DKIMName, ".")))
	}
	// The look for the name written twice (a form that appends the zone):
	// when it failed, it is covered by an unknown DKIM line, or has one of
	// its own.
	dkimUnknown := len(out) > 0 && out[len(out)-1].Label == "DKIM" && out[len(out)-1].Unknown
	for _, t := range s.Trouble {
		name := dns.CanonicalName(t.Name)
		if t.Type != "CNAME" || name == dns.CanonicalName(s.DKIMName) || !strings.HasPrefix(name, strings.TrimSuffix(dns.CanonicalName(s.DKIMName), ".")+".") {
			continue
		}
		shown[t] = true
		if !dkimUnknown {
			out = append(out, Fact{Label: "DKIM (twice)", Value: "unknown whether a CNAME sits at " + p(strings.TrimSuffix(t.Name, ".")) + ", the domain written twice: " + p(t.Words()), Unknown: true})
		}
	}
	if s.DKIMDoubled != "" {
		add("DKIM (twice)", "a CNAME at "+p(s.DKIMDoubled)+", the domain written twice")
	}
	if s.Alias != "" {
		add("Alias", fmt.Sprintf("%s is a CNAME to %s: no TXT record can sit beside it, so the SPF above is %s's, whose owner must change it", s.Domain, p(s.Alias), p(s.Alias)))
	}
	rec, inherited := s.OrgPolicy()
	switch {
	case unknown("DMARC", "_dmarc."+s.Domain, "TXT"):
		// The organisation's policy matters only when the domain has
		// none: unknown already says all there is to say.
		if t, ok := s.TroubleAt("_dmarc."+s.ParentDMARCDomain, "TXT"); ok && s.ParentDMARCDomain != "" {
			shown[t] = true
		}
	case len(s.DMARC) > 0:
		add("DMARC", p(strings.Join(s.DMARC, " | ")))
	case inherited && s.ParentPSD:
		add("DMARC", fmt.Sprintf("none of its own; the public suffix %s's applies (psd=y, a policy for every domain under it): %s", s.ParentDMARCDomain, p(rec)))
	case inherited:
		add("DMARC", fmt.Sprintf("none of its own; %s's applies, managed by whoever runs %s's DNS: %s", s.ParentDMARCDomain, s.ParentDMARCDomain, p(rec)))
	case s.ParentDMARCDomain != "" && len(s.DMARC) == 0 && unknown("DMARC", "_dmarc."+s.ParentDMARCDomain, "TXT"):
		// None of its own; whether the organisation's applies is unknown.
	case s.ParentDMARCDomain != "":
		add("DMARC", "none (nor at "+s.ParentDMARCDomain+")")
	default:
		add("DMARC", "none")
	}
	for _, t := range s.Trouble {
		if !shown[t] {
			out = append(out, Fact{Label: "No answer", Value: p(t.String()) + "; what is there is unknown", Unknown: true})
		}
	}
	return out
}

// TroubleAdvice is said under the facts when some lookup got no usable
// answer, on the screen and in the line prompts.
const TroubleAdvice = "DNS did not answer every lookup: what is marked unknown may or may not be there, so nothing is assumed missing."
