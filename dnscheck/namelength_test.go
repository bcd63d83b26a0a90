package dnscheck_test

import (
	"context"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// rgLongDomain returns a domain of exactly n characters under edu.
func rgLongDomain(n int) string {
	var labels []string
	left := n - len(".edu")
	for left > 0 {
		l := min(left, 63)
		if left-l == 1 { // a label cannot be empty: keep two characters for the last
			l--
		}
		labels = append(labels, strings.Repeat("a", l))
		left -= l + 1
	}
	return strings.Join(labels, ".") + ".edu"
}

// TestDomainTooLong: a domain too long for the platform's DKIM name (with
// the selector osc1, over 237 characters) is said to be too long,
// domain-too-long; the network is not blamed. One character shorter, the
// name fits and is looked up.
func TestDomainTooLong(t *testing.T) {
	t.Parallel()
	exp := fxExpect(t, fxProvider(t, "none"))
	if got := dnscheck.MaxDomainUnder(exp.DKIMSelector + "._domainkey"); got != 237 {
		t.Fatalf("MaxDomainUnder(osc1._domainkey) = %d, want 237", got)
	}
	for _, tc := range []struct {
		n            int
		dkim, dmarc  bool
		dkimStatus   dnscheck.Verdict
		dmarcMissing bool
	}{
		{n: 237, dkimStatus: dnscheck.VerdictPass},
		{n: 238, dkim: true, dkimStatus: dnscheck.VerdictFail},
		{n: 250, dkim: true, dmarc: true, dkimStatus: dnscheck.VerdictFail},
	} {
		domain := rgLongDomain(tc.n)
		if len(domain) != tc.n {
			t.Fatalf("made a domain of %d characters, want %d", len(domain), tc.n)
		}
		lines := []string{domain + ". IN TXT " + fxTXT("v=spf1 include:spf.outreachsystems.com -all")}
		if !tc.dkim { // a name too long cannot even be written in a zone
			lines = append(lines, "osc1._domainkey."+domain+". IN CNAME osc1._domainkey.outreachsystems.com.")
		}
		srv := dnstest.StartT(t, fxPlatformZone(t), fxOrgZone("edu", lines...))
		rep := fxChecker(srv, fxAnswerWait).Check(context.Background(), domain, exp)
		p, found := fxProblem(rep.DKIM.Problems, dnscheck.CodeDomainTooLong)
		if found != tc.dkim || rep.DKIM.Status != tc.dkimStatus {
			t.Errorf("%d characters: DKIM %s %v, want %s, domain-too-long %v", tc.n, rep.DKIM.Status, fxCodes(rep.DKIM.Problems), tc.dkimStatus, tc.dkim)
		}
		if found && (!strings.Contains(p.Message, "too long for Neoserra's DKIM name") || !strings.Contains(p.Message, "at most 237")) {
			t.Errorf("%d characters: message %q", tc.n, p.Message)
		}
		if _, found := fxProblem(rep.DMARC.Problems, dnscheck.CodeDomainTooLong); found != tc.dmarc {
			t.Errorf("%d characters: DMARC problems %v", tc.n, fxCodes(rep.DMARC.Problems))
		}
		if rep.HasTrouble() {
			t.Errorf("%d characters: DNS trouble reported: %v", tc.n, fxCodes(rep.AllProblems()))
		}
		if rep.SPF.Status != dnscheck.VerdictPass {
			t.Errorf("%d characters: SPF %s %v, want pass", tc.n, rep.SPF.Status, fxCodes(rep.SPF.Problems))
		}
	}
}
