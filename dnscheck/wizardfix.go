package dnscheck

import "strings"

// wizardTroubleAdvice is what a person inside the wizard can do about each
// kind of DNS trouble whose command-line fix names a flag: the wizard's
// reader never typed one (see docs/demo.md, "DNS trouble inside the
// wizard").
var wizardTroubleAdvice = map[Code]string{
	CodeDNSRefused:     "Check again in a few minutes. If it lasts and the name is in your own domain, check that the domain is delegated to the DNS host you edit (its NS records at the registrar); if it is another organisation's name, check that it is spelled as that organisation documents it, or ask whoever runs your network about DNS.",
	CodeDNSUnreachable: "Check this computer's network connection and DNS settings, then check again.",
	CodeDNSBadReply:    "Check again shortly. If it persists, something between here and the DNS servers (a firewall or DNS proxy) alters DNS replies: ask whoever runs your network.",
	CodeDNSTimeout:     "Check again in a minute; if it keeps timing out, those DNS servers may be down or unreachable from this network.",
	CodeDNSServFail:    "Check again shortly. If it persists, the domain's records may be broken at its DNS host (a signing (DNSSEC) or delegation mistake causes this): ask that DNS host.",
}

// wizardTroubleVerb says what the servers did, per kind of trouble.
var wizardTroubleVerb = map[Code]string{
	CodeDNSTimeout:     "did not answer in time",
	CodeDNSRefused:     "refused to answer",
	CodeDNSServFail:    "reported a failure of their own when asked",
	CodeDNSUnreachable: "could not be reached",
	CodeDNSBadReply:    "sent a reply that could not be used",
}

// WizardTroubleFix returns the fix of a DNS-trouble problem (the dns-*
// codes) in the words of the interactive wizard, whose reader never typed
// a command-line flag: it names the name that failed and whose servers
// were asked ("The DNS servers of google.com refused to answer for
// _spf.google.com. Check again in a few minutes…"), and never names a
// flag. Other problems keep their Fix.
func WizardTroubleFix(p Problem) string {
	if !p.Code.IsDNSTrouble() {
		return p.Fix
	}
	advice := p.Fix
	if advice == "" || strings.Contains(advice, "--") {
		advice = wizardTroubleAdvice[p.Code]
	}
	if p.Name == "" {
		return advice
	}
	name := Printable(p.Name)
	if p.Code == CodeDNSUnreachable {
		return "No DNS server could be reached to ask for " + name + ". " + advice
	}
	owner := OrgDomain(p.Name)
	if owner == "" {
		owner = p.Name
	}
	return "The DNS servers of " + Printable(owner) + " " + wizardTroubleVerb[p.Code] + " for " + name + ". " + advice
}
