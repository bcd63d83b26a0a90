package checks

import (
	"fmt"

	"github.com/outreach-auth/wizard/dnscheck"
)

// Changes describes, one sentence each, what differs between two reports of
// the same domain: verdicts that moved (DMARC in its words), problems that
// appeared (by their title) and problems that cleared. Only a problem the
// person was shown is said to have cleared: shown reports whether the
// problem of a code was shown with the earlier report (nil: every one
// was, as when the whole report was written). platform names the sending
// platform. No code appears in a sentence; text from DNS in them is exact
// (pass it through dnscheck.Printable before a terminal).
func Changes(before, after dnscheck.DomainReport, platform string, shown func(dnscheck.Code) bool) []string {
	var out []string
	d := after.Domain
	for _, c := range []struct {
		name string
		a, b dnscheck.Verdict
	}{
		{"SPF", before.SPF.Status, after.SPF.Status},
		{"DKIM", before.DKIM.Status, after.DKIM.Status},
	} {
		if c.a != c.b {
			out = append(out, fmt.Sprintf("%s: %s %s now (before: %s).", d, c.name, verdictVerb(c.b), VerdictWords(c.a)))
		}
	}
	if a, b := DMARCWords(before.DMARC.State(), platform), DMARCWords(after.DMARC.State(), platform); a != b {
		out = append(out, fmt.Sprintf("%s: DMARC is now %s (before: %s).", d, b, a))
	}
	old, cur := codes(before), codes(after)
	seen := map[dnscheck.Code]bool{}
	for _, p := range after.AllProblems() {
		if !old[p.Code] && !seen[p.Code] {
			seen[p.Code] = true
			out = append(out, fmt.Sprintf("New on %s: %s.", d, Title(p.Code, platform)))
		}
	}
	for _, p := range before.AllProblems() {
		if !cur[p.Code] && !seen[p.Code] && (shown == nil || shown(p.Code)) {
			seen[p.Code] = true
			out = append(out, fmt.Sprintf("Cleared on %s: %s.", d, Title(p.Code, platform)))
		}
	}
	if before.Ready != after.Ready && after.Ready {
		out = append(out, d+" is ready: SPF and DKIM pass.")
	}
	return out
}

// verdictVerb says a verdict of SPF or DKIM after the check's name:
// "passes", "fails", "is missing", "could not be read".
func verdictVerb(v dnscheck.Verdict) string {
	switch v {
	case dnscheck.VerdictPass:
		return "passes"
	case dnscheck.VerdictFail:
		return "fails"
	case dnscheck.VerdictError:
		return "could not be read"
	case "":
		return "is not checked"
	}
	return "is " + string(v)
}

func codes(r dnscheck.DomainReport) map[dnscheck.Code]bool {
	m := map[dnscheck.Code]bool{}
	for _, p := range r.AllProblems() {
		m[p.Code] = true
	}
	return m
}
