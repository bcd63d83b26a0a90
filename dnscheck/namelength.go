package dnscheck

import (
	"fmt"
	"strings"
)

// MaxNameLength is the longest a DNS name can be, written without its
// final dot: 253 characters (255 octets on the wire, RFC 1035 §3.1).
const MaxNameLength = 253

// MaxDomainUnder returns how long a domain may be for the name
// "<prefix>.<domain>" to fit in MaxNameLength: 237 for the prefix
// "osc1._domainkey", 246 for "_dmarc".
func MaxDomainUnder(prefix string) int { return MaxNameLength - len(prefix) - 1 }

// nameTooLong reports whether name (with or without its final dot) is
// longer than a DNS name can be: no server can be asked for it, and no
// record can exist there.
func nameTooLong(name string) bool { return len(strings.TrimSuffix(name, ".")) > MaxNameLength }

// DomainTooLong returns the domain-too-long problem when the platform's
// DKIM name (selector._domainkey.<domain>) or the DMARC name
// (_dmarc.<domain>) would be longer than a DNS name can be, and which of
// the two (dkim, dmarc) cannot exist; ok is false when both fit. Nothing
// is asked: the length alone decides, and the network is not to blame.
func DomainTooLong(domain string, exp Expectation) (p Problem, dkim, dmarc bool) {
	domain = trimDot(canonical(domain))
	dkimPrefix := strings.ToLower(strings.TrimSpace(exp.DKIMSelector)) + "._domainkey"
	dkim = exp.DKIMSelector != "" && len(domain) > MaxDomainUnder(dkimPrefix)
	dmarc = len(domain) > MaxDomainUnder("_dmarc")
	if !dkim && !dmarc {
		return Problem{}, false, false
	}
	limit, name := MaxDomainUnder(dkimPrefix), exp.platform()+"'s DKIM name "+dkimPrefix+".<domain>"
	if !dkim {
		limit, name = MaxDomainUnder("_dmarc"), "the DMARC name _dmarc.<domain>"
	}
	return Problem{Code: CodeDomainTooLong, Severity: SeverityError,
		Message: fmt.Sprintf("The domain is %d characters long, too long for %s: a DNS name can have at most %d characters, so that name cannot exist under this domain (at most %d characters fit).",
			len(domain), name, MaxNameLength, limit),
		Fix: fmt.Sprintf("Send from a shorter domain (at most %d characters): no DNS host can publish %s under this one.", limit, name),
	}, dkim, dmarc
}
