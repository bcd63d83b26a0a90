package dnscheck_test

import (
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/dnscheck"
)

// TestMarkOf: each verdict has one sign and one tone, the same on every
// screen and report; DMARC, which does not decide readiness, marks what is
// not a pass as worth knowing rather than as a failure.
func TestMarkOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v            dnscheck.Verdict
		mark         string
		tone         dnscheck.Tone
		advisoryMark string
		advisoryTone dnscheck.Tone
	}{
		{dnscheck.VerdictPass, "✓", dnscheck.TonePass, "✓", dnscheck.TonePass},
		{dnscheck.VerdictFail, "✗", dnscheck.ToneFail, "!", dnscheck.ToneWarn},
		{dnscheck.VerdictMissing, "✗", dnscheck.ToneFail, "!", dnscheck.ToneWarn},
		{dnscheck.VerdictInvalid, "✗", dnscheck.ToneFail, "!", dnscheck.ToneWarn},
		{dnscheck.VerdictError, "?", dnscheck.ToneWarn, "?", dnscheck.ToneWarn},
		{"", "·", dnscheck.ToneDim, "·", dnscheck.ToneDim},
		{"bogus", "✗", dnscheck.ToneFail, "!", dnscheck.ToneWarn},
	} {
		if got := dnscheck.MarkOf(tc.v); got != tc.mark {
			t.Errorf("MarkOf(%q) = %q, want %q", tc.v, got, tc.mark)
		}
		if got := dnscheck.ToneOf(tc.v); got != tc.tone {
			t.Errorf("ToneOf(%q) = %q, want %q", tc.v, got, tc.tone)
		}
		if got := dnscheck.AdvisoryMarkOf(tc.v); got != tc.advisoryMark {
			t.Errorf("AdvisoryMarkOf(%q) = %q, want %q", tc.v, got, tc.advisoryMark)
		}
		if got := dnscheck.AdvisoryToneOf(tc.v); got != tc.advisoryTone {
			t.Errorf("AdvisoryToneOf(%q) = %q, want %q", tc.v, got, tc.advisoryTone)
		}
	}
}

// TestCodeIsDNSTrouble: exactly the dns-* codes of the contract say that
// DNS could not answer.
func TestCodeIsDNSTrouble(t *testing.T) {
	t.Parallel()
	for _, c := range []dnscheck.Code{
		dnscheck.CodeSPFMissing, dnscheck.CodeSPFMultiple, dnscheck.CodeSPFSyntax, dnscheck.CodeSPFTooManyLookups,
		dnscheck.CodeSPFTooManyVoidLookups, dnscheck.CodeSPFPlatformNotAuthorized, dnscheck.CodeSPFPlatformIPsListed,
		dnscheck.CodeSPFPlatformIPsStale, dnscheck.CodeSPFProviderMissing, dnscheck.CodeSPFAllPermissive,
		dnscheck.CodeDKIMMissing, dnscheck.CodeDKIMDoubledDomain, dnscheck.CodeDKIMTargetRelative, dnscheck.CodeDKIMWrongTarget,
		dnscheck.CodeDKIMNotCNAME, dnscheck.CodeDKIMKeyMissing, dnscheck.CodeDKIMKeyInvalid, dnscheck.CodeDKIMKeyWeak,
		dnscheck.CodeDMARCMissing, dnscheck.CodeDMARCMultiple, dnscheck.CodeDMARCSyntax, dnscheck.CodeDMARCBlocksPlatform,
		dnscheck.CodeDNSTimeout, dnscheck.CodeDNSServFail, dnscheck.CodeDNSRefused, dnscheck.CodeDNSUnreachable, dnscheck.CodeDNSBadReply,
		dnscheck.CodeNSOutOfSync, dnscheck.CodeDomainIsAlias, "dns-something-new", "",
	} {
		want := strings.HasPrefix(string(c), "dns-") && c != "dns-something-new"
		if got := c.IsDNSTrouble(); got != want {
			t.Errorf("Code(%q).IsDNSTrouble() = %v, want %v", c, got, want)
		}
	}
}

// TestHasTroubleDomainWide: a dns-* problem of the domain itself (the NS
// lookup) is DNS trouble even when every check has its verdict; another
// domain-wide problem is not.
func TestHasTroubleDomainWide(t *testing.T) {
	t.Parallel()
	rep := dnscheck.DomainReport{SPF: dnscheck.SPFReport{Status: dnscheck.VerdictPass},
		DKIM: dnscheck.DKIMReport{Status: dnscheck.VerdictPass}, DMARC: dnscheck.DMARCReport{Status: dnscheck.VerdictPass}}
	rep.Problems = []dnscheck.Problem{{Code: dnscheck.CodeNSOutOfSync}}
	if rep.HasTrouble() {
		t.Errorf("HasTrouble with only %s", dnscheck.CodeNSOutOfSync)
	}
	rep.Problems = append(rep.Problems, dnscheck.Problem{Code: dnscheck.CodeDNSRefused})
	if !rep.HasTrouble() {
		t.Errorf("no HasTrouble with %s", dnscheck.CodeDNSRefused)
	}
}

// TestDMARCMarkOfHowMailPasses: a policy the platform's mail passes
// through DKIM is marked as passing; one it passes only through SPF is a
// warning (it rests on the envelope sender); one that blocks it fails.
func TestDMARCMarkOfHowMailPasses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		s    dnscheck.DMARCState
		mark string
		tone dnscheck.Tone
	}{
		{dnscheck.DMARCState{Verdict: dnscheck.VerdictPass, Policy: dnscheck.DMARCReject, Tag: "p", PassesBy: dnscheck.DMARCPassesByDKIM}, "✓", dnscheck.TonePass},
		{dnscheck.DMARCState{Verdict: dnscheck.VerdictPass, Policy: dnscheck.DMARCReject, Tag: "p", PassesBy: dnscheck.DMARCPassesBySPFOnly}, "!", dnscheck.ToneWarn},
		{dnscheck.DMARCState{Verdict: dnscheck.VerdictPass, Policy: dnscheck.DMARCNone, Tag: "p", PassesBy: dnscheck.DMARCPassesBySPFOnly}, "✓", dnscheck.TonePass},
		{dnscheck.DMARCState{Verdict: dnscheck.VerdictPass, Policy: dnscheck.DMARCReject, Tag: "p", Blocks: true}, "✗", dnscheck.ToneFail},
	} {
		if m, tone := dnscheck.DMARCMarkOf(tc.s); m != tc.mark || tone != tc.tone {
			t.Errorf("%+v: %s %s, want %s %s", tc.s, m, tone, tc.mark, tc.tone)
		}
	}
}
