package dnscheck_test

import (
	"testing"
	"unsafe"

	"github.com/outreach-auth/wizard/dnscheck"
)

// TestOutcomeKeepsWhatASummaryNeeds: a report's outcome gives back its
// name, readiness, trouble, every verdict of each check and the
// permissive-SPF error, in a few bytes beside the name.
func TestOutcomeKeepsWhatASummaryNeeds(t *testing.T) {
	t.Parallel()
	verdicts := []dnscheck.Verdict{"", dnscheck.VerdictPass, dnscheck.VerdictFail, dnscheck.VerdictMissing, dnscheck.VerdictError, dnscheck.VerdictInvalid}
	for _, spf := range verdicts {
		for _, dkim := range verdicts {
			for _, dmarc := range verdicts {
				r := dnscheck.DomainReport{Domain: "x.edu", Ready: spf == dnscheck.VerdictPass && dkim == dnscheck.VerdictPass}
				r.SPF.Status, r.DKIM.Status, r.DMARC.Status = spf, dkim, dmarc
				o := r.Outcome()
				if o.Domain != "x.edu" || o.Ready != r.Ready || o.Trouble != r.HasTrouble() || o.SPFPermissive {
					t.Errorf("%s/%s/%s: outcome %+v", spf, dkim, dmarc, o)
				}
				if o.SPF() != spf || o.DKIM() != dkim || o.DMARC() != dmarc {
					t.Errorf("verdicts %q %q %q, want %q %q %q", o.SPF(), o.DKIM(), o.DMARC(), spf, dkim, dmarc)
				}
			}
		}
	}

	var r dnscheck.DomainReport
	r.Problems = []dnscheck.Problem{{Code: dnscheck.CodeDNSTimeout, Severity: dnscheck.SeverityError}}
	r.SPF.Problems = []dnscheck.Problem{{Code: dnscheck.CodeSPFAllPermissive, Severity: dnscheck.SeverityError}}
	if o := r.Outcome(); !o.Trouble || !o.SPFPermissive {
		t.Errorf("domain-wide trouble and permissive SPF: outcome %+v", o)
	}
	r.SPF.Problems[0].Severity = dnscheck.SeverityWarning
	if r.Outcome().SPFPermissive {
		t.Error("a permissive-SPF warning counted as the error")
	}

	if size, name := unsafe.Sizeof(dnscheck.Outcome{}), unsafe.Sizeof(""); size > name+8 {
		t.Errorf("an Outcome takes %d bytes, more than its name's %d and 8", size, name)
	}
}

// TestOutcomeKeepsTheDMARCState: the outcome gives back what a person is
// told about DMARC (policy, share, inherited, blocking), as the report's
// own DMARCReport.State says it.
func TestOutcomeKeepsTheDMARCState(t *testing.T) {
	t.Parallel()
	block := []dnscheck.Problem{{Code: dnscheck.CodeDMARCBlocksPlatform, Severity: dnscheck.SeverityError}}
	for _, d := range []dnscheck.DMARCReport{
		{Status: dnscheck.VerdictMissing},
		{Status: dnscheck.VerdictPass, Policy: "none", PolicyTag: "p", Percent: 100},
		{Status: dnscheck.VerdictPass, Policy: "quarantine", PolicyTag: "p", Percent: 50, Problems: block},
		{Status: dnscheck.VerdictPass, Policy: "reject", PolicyTag: "p", Percent: 0, Problems: block},
		{Status: dnscheck.VerdictPass, Policy: "reject", PolicyTag: "sp", Percent: 100, Source: dnscheck.DMARCSourceOrganizational, OrgDomain: "uni.edu", Problems: block},
		{Status: dnscheck.VerdictPass, Policy: "reject", PolicyTag: "sp", Percent: 100, Source: dnscheck.DMARCSourceOrganizational, OrgDomain: "uni.edu", PolicyDomain: "uni.edu", PassesBy: dnscheck.DMARCPassesByDKIM},
		{Status: dnscheck.VerdictPass, Policy: "quarantine", PolicyTag: "p", Percent: 100, Testing: true, PassesBy: dnscheck.DMARCPassesBySPFOnly},
		{Status: dnscheck.VerdictPass, Policy: "reject", PolicyTag: "np", Percent: 100, Source: dnscheck.DMARCSourceOrganizational, OrgDomain: "uni.edu", PolicyDomain: "uni.edu"},
		{Status: dnscheck.VerdictPass, Policy: "reject", PolicyTag: "p", Percent: 100, Source: dnscheck.DMARCSourcePSD, OrgDomain: "dept.uni.edu", PolicyDomain: "edu"},
	} {
		r := dnscheck.DomainReport{Domain: "dept.uni.edu", DMARC: d}
		if got, want := r.Outcome().DMARCState(), d.State(); got != want {
			t.Errorf("%+v: outcome's state %+v, report's %+v", d, got, want)
		}
	}
	d := dnscheck.DMARCReport{Status: dnscheck.VerdictPass, Policy: "reject", PolicyTag: "p", Percent: 100, Problems: block}
	if s := d.State(); !s.Blocks || s.Share != dnscheck.DMARCShareAll || s.Inherited() {
		t.Errorf("state %+v", s)
	}
}
