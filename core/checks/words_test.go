package checks_test

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/dnscheck"
)

// TestDMARCWords: DMARC is said as what it is, never "pass" alone: the
// policy found, whose it is, and what it does to the platform's mail now
// while SPF and DKIM do not pass.
func TestDMARCWords(t *testing.T) {
	t.Parallel()
	block := []dnscheck.Problem{{Code: dnscheck.CodeDMARCBlocksPlatform, Severity: dnscheck.SeverityError}}
	for _, tc := range []struct {
		d    dnscheck.DMARCReport
		want string
	}{
		{dnscheck.DMARCReport{Status: "pass", Policy: "none", PolicyTag: "p", Percent: 100}, "p=none, found"},
		{dnscheck.DMARCReport{Status: "pass", Policy: "quarantine", PolicyTag: "p", Percent: 100}, "p=quarantine, found"},
		{dnscheck.DMARCReport{Status: "pass", Policy: "reject", PolicyTag: "p", Percent: 100, Problems: block}, "p=reject: rejecting Neoserra mail now"},
		// RFC 9989 removed pct=: the policy is said as applied in full.
		{dnscheck.DMARCReport{Status: "pass", Policy: "reject", PolicyTag: "p", Percent: 30, Problems: block}, "p=reject: rejecting Neoserra mail now"},
		{dnscheck.DMARCReport{Status: "pass", Policy: "quarantine", PolicyTag: "p", Percent: 100, Problems: block}, "p=quarantine: sending Neoserra mail to spam now"},
		// t=y: the next lower policy.
		{dnscheck.DMARCReport{Status: "pass", Policy: "reject", PolicyTag: "p", Testing: true, Problems: block}, "p=reject (t=y: applied as quarantine): sending Neoserra mail to spam now"},
		// DKIM passes: DMARC passes, whatever SPF does.
		{dnscheck.DMARCReport{Status: "pass", Policy: "reject", PolicyTag: "sp", Source: "organizational", OrgDomain: "uni.edu", PassesBy: dnscheck.DMARCPassesByDKIM}, "inherited sp=reject from uni.edu: Neoserra mail passes it through DKIM"},
		{dnscheck.DMARCReport{Status: "pass", Policy: "quarantine", PolicyTag: "p", PassesBy: dnscheck.DMARCPassesBySPFOnly}, "p=quarantine: Neoserra mail passes only if its envelope sender is in the domain"},
		{dnscheck.DMARCReport{Status: "pass", Policy: "none", PolicyTag: "p", PassesBy: dnscheck.DMARCPassesBySPFOnly}, "p=none, found"},
		{dnscheck.DMARCReport{Status: "pass", Policy: "reject", PolicyTag: "p", Source: "psd", OrgDomain: "center.psdx", PolicyDomain: "psdx"}, "inherited p=reject from psdx, a public suffix's policy"},
		{dnscheck.DMARCReport{Status: "pass", Policy: "reject", PolicyTag: "p", Percent: 100, Source: "organizational", OrgDomain: "uni.edu"}, "inherited p=reject from uni.edu"},
		{dnscheck.DMARCReport{Status: "pass", Policy: "quarantine", PolicyTag: "sp", Percent: 100, Source: "organizational", OrgDomain: "uni.edu", Problems: block}, "inherited sp=quarantine from uni.edu: sending Neoserra mail to spam now"},
		{dnscheck.DMARCReport{Status: "missing"}, "missing"},
		{dnscheck.DMARCReport{Status: "invalid"}, "invalid: receivers ignore it"},
		{dnscheck.DMARCReport{Status: "error"}, "unknown"},
	} {
		if got := checks.DMARCWords(tc.d.State(), "Neoserra"); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.d, got, tc.want)
		}
	}
}

// TestTitleForEveryCode: every problem code of dnscheck (read from its
// source, so a new code cannot be missed) has a title, and no title shows
// a code.
func TestTitleForEveryCode(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("../../dnscheck/report.go")
	if err != nil {
		t.Fatal(err)
	}
	found := regexp.MustCompile(`Code += "([a-z-]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(found) < 25 {
		t.Fatalf("found only %d codes in dnscheck/report.go", len(found))
	}
	for _, m := range found {
		code := dnscheck.Code(m[1])
		title := checks.Title(code, "Neoserra")
		if title == "Another problem" || strings.Contains(title, string(code)) || strings.Contains(title, "%") {
			t.Errorf("%s: title %q", code, title)
		}
		// Titles are plain words: no DNS answer code nor SPF result name.
		if regexp.MustCompile(`SERVFAIL|REFUSED|(?i)permerror|temperror`).MatchString(title) {
			t.Errorf("%s: title %q names a protocol word", code, title)
		}
	}
}

// TestAfterReady: a warning still reported beside a ready domain says
// whether it changes the decision; ns-out-of-sync does not, and clears by
// itself.
func TestAfterReady(t *testing.T) {
	t.Parallel()
	changes, why := checks.AfterReady(dnscheck.CodeNSOutOfSync)
	if changes || !strings.Contains(why, "does not change the decision") || !strings.Contains(why, "clears by itself") {
		t.Errorf("ns-out-of-sync: %v %q", changes, why)
	}
	if changes, _ := checks.AfterReady("some-new-code"); !changes {
		t.Error("an unknown code is said not to change the decision")
	}
}

// TestReadyWords: read aloud, "both domains", never "all 2 domains".
func TestReadyWords(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		domains []string
		want    string
	}{
		{[]string{"a.edu"}, "SPF and DKIM pass: a.edu is ready"},
		{[]string{"a.edu", "b.edu"}, "SPF and DKIM pass: both domains are ready"},
		{[]string{"a.edu", "b.edu", "c.edu"}, "SPF and DKIM pass: all 3 domains are ready"},
	} {
		if got := checks.ReadyWords(tc.domains); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.domains, got, tc.want)
		}
	}
}

// TestRowWords: a row of a list says error in words, with why.
func TestRowWords(t *testing.T) {
	t.Parallel()
	r := checkReport("error", "error")
	r.SPF.Problems = []dnscheck.Problem{{Code: dnscheck.CodeDNSServFail, Severity: dnscheck.SeverityError}}
	got := checks.RowWords(r, "Neoserra")
	if want := "SPF unknown · DKIM unknown · DMARC p=none, found · DNS could not answer: the DNS server reported a failure"; got != want {
		t.Errorf("row = %q, want %q", got, want)
	}
}

// TestSummaryDMARCInWords: the summary table of many domains says what
// DMARC is, never "pass" alone.
func TestSummaryDMARCInWords(t *testing.T) {
	t.Parallel()
	a := checkReport("fail", "missing")
	a.DMARC = dnscheck.DMARCReport{Status: "pass", Policy: "reject", PolicyTag: "p", Percent: 100,
		Problems: []dnscheck.Problem{{Code: dnscheck.CodeDMARCBlocksPlatform, Severity: dnscheck.SeverityError}}}
	b := checkReport("pass", "pass")
	b.Domain = "other.org"
	var out bytes.Buffer
	checks.WriteSummary(&out, []dnscheck.DomainReport{a, b}, "Neoserra", checks.Styles{})
	for _, want := range []string{"✗ p=reject: rejecting Neoserra mail now", "✓ p=none, found"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "✓ pass\n") {
		t.Errorf("summary says DMARC pass:\n%s", out.String())
	}
}

// TestWriteReportCodesOnlyWhenAsked: the wizard's screens and prompts
// (Styles without Codes) show a problem by its title alone; 'wizard check'
// (Codes) adds the code after it.
func TestWriteReportCodesOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	r := checkReport("pass", "missing", "dkim-missing")
	var plain, coded bytes.Buffer
	checks.WriteReport(&plain, r, "Neoserra", checks.Styles{})
	checks.WriteReport(&coded, r, "Neoserra", checks.Styles{Codes: true})
	if !strings.Contains(plain.String(), "✗ There is no DKIM record\n") || strings.Contains(plain.String(), "(dkim-missing)") {
		t.Errorf("without Codes:\n%s", plain.String())
	}
	if !strings.Contains(coded.String(), "✗ There is no DKIM record (dkim-missing)\n") {
		t.Errorf("with Codes:\n%s", coded.String())
	}
}
