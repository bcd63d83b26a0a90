package dnscheck_test

import (
	"context"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// TestNotRecursiveServer: --dns-server pointed at a server that holds the
// domain's zone but does not recurse (it answers other names with an
// empty referral: AA=0, RA=0, the root's NS records). What it cannot
// resolve is DNS trouble, dns-not-recursive, never absence: no "the
// platform publishes no DKIM key", no "DMARC is blocking".
func TestNotRecursiveServer(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, fxOrgZone(fxDomain, fxReadyLines()...))
	srv.SetReferrals(true)
	rep := fxChecker(srv, fxAnswerWait).Check(context.Background(), fxDomain, fxExpect(t, nil))

	if rep.DKIM.Status != dnscheck.VerdictError {
		t.Errorf("DKIM %s %v, want error", rep.DKIM.Status, fxCodes(rep.DKIM.Problems))
	}
	p, ok := fxProblem(rep.DKIM.Problems, dnscheck.CodeDNSNotRecursive)
	if !ok || !strings.Contains(p.Message, "this server does not resolve other domains") || !strings.Contains(p.Fix, "recursive resolver") {
		t.Errorf("DKIM problems %+v, want dns-not-recursive", rep.DKIM.Problems)
	}
	if rep.SPF.Status != dnscheck.VerdictError {
		t.Errorf("SPF %s %v, want error", rep.SPF.Status, fxCodes(rep.SPF.Problems))
	}
	for _, p := range rep.AllProblems() {
		switch p.Code {
		case dnscheck.CodeDKIMKeyMissing, dnscheck.CodeDMARCBlocksPlatform, dnscheck.CodeSPFIncludeBroken, dnscheck.CodeSPFPlatformNotAuthorized:
			t.Errorf("%s reported from a server that does not recurse: %s", p.Code, p.Message)
		}
	}
	if !rep.HasTrouble() || rep.Ready {
		t.Errorf("HasTrouble %v ready %v, want trouble, not ready", rep.HasTrouble(), rep.Ready)
	}
	if w := dnscheck.TroubleWords(rep.DKIM.Problems); w != "the DNS server does not resolve other domains" {
		t.Errorf("TroubleWords %q", w)
	}
}
