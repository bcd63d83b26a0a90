package dnscheck_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/dnscheck"
)

// TestSPFPermErrorCauses: every cause of permerror the evaluator knows is
// stated as the cause, by its code, and the platform's fix points to it,
// never to "a term before the include".
func TestSPFPermErrorCauses(t *testing.T) {
	t.Parallel()
	var manyMX []string
	for i := range 11 {
		manyMX = append(manyMX, fmt.Sprintf("@ IN MX %d mx%d", i, i), fmt.Sprintf("mx%d IN A 192.0.2.%d", i, i+1))
	}
	for _, tc := range []struct {
		name  string
		spf   string
		extra []string
		code  dnscheck.Code
		says  string
	}{
		{name: "include does not exist", spf: "v=spf1 include:_spf.deadvendor.test include:spf.outreachsystems.com -all",
			code: dnscheck.CodeSPFIncludeBroken,
			says: "include:_spf.deadvendor.test does not exist, so receivers treat the whole SPF record as broken"},
		{name: "include without SPF", spf: "v=spf1 include:_spf.novendor.test include:spf.outreachsystems.com -all",
			code: dnscheck.CodeSPFIncludeBroken,
			says: "include:_spf.novendor.test has no SPF record, so receivers treat the whole SPF record as broken"},
		{name: "include of a broken include", spf: "v=spf1 include:vendor.yourcenter.edu include:spf.outreachsystems.com -all",
			extra: []string{"vendor IN TXT " + fxTXT("v=spf1 include:_spf.deadvendor.test ~all")},
			code:  dnscheck.CodeSPFIncludeBroken,
			says:  "include:_spf.deadvendor.test, which your record reaches through include:vendor.yourcenter.edu, does not exist"},
		{name: "redirect does not exist", spf: "v=spf1 ip4:192.0.2.1 redirect=_spf.deadvendor.test",
			code: dnscheck.CodeSPFIncludeBroken,
			says: "redirect=_spf.deadvendor.test does not exist"},
		{name: "include of itself", spf: "v=spf1 include:yourcenter.edu include:spf.outreachsystems.com -all",
			code: dnscheck.CodeSPFTooManyLookups, says: "loops (yourcenter.edu → yourcenter.edu)"},
		{name: "too many MX hosts", spf: "v=spf1 mx include:spf.outreachsystems.com -all", extra: manyMX,
			code: dnscheck.CodeSPFTooManyLookups, says: "more than 10 mail servers"},
		{name: "void lookups from macros", spf: "v=spf1 exists:%{i}.a.yourcenter.edu exists:%{i}.b.yourcenter.edu exists:%{i}.c.yourcenter.edu include:spf.outreachsystems.com -all",
			code: dnscheck.CodeSPFTooManyVoidLookups, says: "names built from the sender by macros"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dead := fxOrgZone("deadvendor.test")
			none := fxOrgZone("novendor.test", `_spf IN TXT "google-site-verification=abc"`)
			srv := fxServer(t, dead, none, fxOrgZone(fxDomain, append([]string{spfRecord(tc.spf), fxDKIMCNAME}, tc.extra...)...))
			rep := fxChecker(srv, fxAnswerWait).Check(context.Background(), fxDomain, fxExpect(t, fxProvider(t, "none"))).SPF
			p, ok := fxProblem(rep.Problems, tc.code)
			if !ok || p.Severity != dnscheck.SeverityError || !strings.Contains(p.Message, tc.says) {
				t.Fatalf("problems %+v, want %s saying %q", rep.Problems, tc.code, tc.says)
			}
			if rep.Status != dnscheck.VerdictFail {
				t.Errorf("status %s, want fail", rep.Status)
			}
			for _, r := range rep.IPs {
				if r.Result != "permerror" {
					t.Errorf("%s = %s, want permerror", r.IP, r.Result)
				}
			}
			if na, ok := fxProblem(rep.Problems, dnscheck.CodeSPFPlatformNotAuthorized); ok && strings.Contains(na.Fix, "a term before") {
				t.Errorf("the platform's fix blames a term before the include: %q", na.Fix)
			}
			fxCheckProblems(t, dnscheck.DomainReport{SPF: rep})
		})
	}
}

// TestSPFBrokenIncludeAfterPlatform: a dead include after the platform's
// is still named (the organisation's other mail fails on it), while the
// platform's addresses pass before it is reached.
func TestSPFBrokenIncludeAfterPlatform(t *testing.T) {
	t.Parallel()
	srv := fxServer(t, fxOrgZone("deadvendor.test"), fxOrgZone(fxDomain, spfRecord("v=spf1 include:spf.outreachsystems.com include:_spf.deadvendor.test -all"), fxDKIMCNAME))
	rep := fxChecker(srv, fxAnswerWait).Check(context.Background(), fxDomain, fxExpect(t, fxProvider(t, "none")))
	if _, ok := fxProblem(rep.SPF.Problems, dnscheck.CodeSPFIncludeBroken); !ok || rep.SPF.Status != dnscheck.VerdictPass {
		t.Errorf("SPF %s %v, want pass with spf-include-broken", rep.SPF.Status, fxCodes(rep.SPF.Problems))
	}
}
