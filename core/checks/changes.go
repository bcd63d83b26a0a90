package checks

import (
	"fmt"

	"github.com/outreach-auth/wizard/dnscheck"
)

// Changes describes, one sentence each, what differs between two reports of
// the same domain: verdicts that moved and problems that appeared or
// cleared.
func Changes(before, after dnscheck.DomainReport) []string {
	var out []string
	for _, c := range []struct {
		name string
		a, b dnscheck.Verdict
	}{
		{"SPF", before.SPF.Status, after.SPF.Status},
		{"DKIM", before.DKIM.Status, after.DKIM.Status},
		{"DMARC", before.DMARC.Status, after.DMARC.Status},
	} {
		if c.a != c.b {
			out = append(out, fmt.Sprintf("%s %s: %s → %s", after.Domain, c.name, c.a, c.b))
		}
	}
	old, cur := codes(before), codes(after)
	for _, p := range after.AllProblems() {
		if !old[p.Code] {
			out = append(out, fmt.Sprintf("%s new problem %s: %s", after.Domain, p.Code, p.Message))
		}
	}
	for _, p := range before.AllProblems() {
		if !cur[p.Code] {
			out = append(out, fmt.Sprintf("%s cleared: %s", after.Domain, p.Code))
		}
	}
	if before.Ready != after.Ready && after.Ready {
		out = append(out, after.Domain+" is ready: SPF and DKIM pass.")
	}
	return out
}

func codes(r dnscheck.DomainReport) map[dnscheck.Code]bool {
	m := map[dnscheck.Code]bool{}
	for _, p := range r.AllProblems() {
		m[p.Code] = true
	}
	return m
}
