package dnscheck_test

import (
	"context"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// TestPlatformIncludePublishesNothing: when the platform's own include does
// not exist (NXDOMAIN at spf.outreachsystems.com), the organisation's
// record is right and nothing else is wrong with it. The fix must say so
// (contact the vendor) instead of pointing to "other problems" that are
// not listed.
func TestPlatformIncludePublishesNothing(t *testing.T) {
	t.Parallel()
	platform := "$ORIGIN outreachsystems.com.\n" +
		"@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n" +
		"osc1._domainkey IN TXT " + fxTXT("v=DKIM1; k=rsa; p="+fxPlatformKey(t)) + "\n"
	srv := dnstest.StartT(t, platform, fxMicrosoftZone, fxOrgZone(fxDomain, fxReadyLines()...))
	exp := fxExpect(t, nil)
	exp.Live = dnscheck.StartPlatformIPs(context.Background(), fxChecker(srv, fxTimeout).Resolver, exp.SPFInclude, exp.PlatformIPs)
	rep := fxChecker(srv, fxTimeout).Check(context.Background(), fxDomain+".", exp)

	p, ok := fxProblem(rep.SPF.Problems, dnscheck.CodeSPFPlatformNotAuthorized)
	if !ok {
		t.Fatalf("no %s among %v", dnscheck.CodeSPFPlatformNotAuthorized, fxCodes(rep.SPF.Problems))
	}
	for _, want := range []string{"spf.outreachsystems.com", "publishes no usable SPF record (spf.outreachsystems.com does not exist", "Nothing on your side", "contact OutreachSystems"} {
		if !strings.Contains(p.Fix, want) {
			t.Errorf("fix %q lacks %q", p.Fix, want)
		}
	}
	if strings.Contains(p.Fix, "other problems") {
		t.Errorf("fix %q points to other problems; the report lists %v", p.Fix, fxCodes(rep.SPF.Problems))
	}
}

// TestPlatformIncludeDecidedBefore: the include is there and works, but a
// term before it fails one of the platform's addresses. Nothing else is
// wrong with the record, so the fix names that term's place instead of
// "other problems".
func TestPlatformIncludeDecidedBefore(t *testing.T) {
	t.Parallel()
	ip := fxPlatformIPs()[0]
	srv := fxServer(t, fxOrgZone(fxDomain, fxMX365, fxDKIMCNAME, fxDMARCQuar,
		"@ IN TXT "+fxTXT("v=spf1 -ip4:"+ip+" include:spf.protection.outlook.com include:spf.outreachsystems.com -all")))
	rep := fxChecker(srv, fxTimeout).Check(context.Background(), fxDomain+".", fxExpect(t, nil))
	p, ok := fxProblem(rep.SPF.Problems, dnscheck.CodeSPFPlatformNotAuthorized)
	if !ok || !strings.Contains(p.Message, ip+" (fail)") {
		t.Fatalf("no %s for %s among %+v", dnscheck.CodeSPFPlatformNotAuthorized, ip, rep.SPF.Problems)
	}
	if strings.Contains(p.Fix, "other problems") || !strings.Contains(p.Fix, "a term before include:spf.outreachsystems.com decides them first") {
		t.Errorf("fix %q; the report lists %v", p.Fix, fxCodes(rep.SPF.Problems))
	}
}
