package advice_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/advice"
	"github.com/outreach-auth/wizard/core/audience"
	"github.com/outreach-auth/wizard/dnscheck"
)

// withReports gives r's DMARC record rua= URIs.
func withReports(r dnscheck.DomainReport, uris ...string) dnscheck.DomainReport {
	r.DMARC.ReportsTo = uris
	return r
}

// TestAdviseDMARCReports: the advice never promises reports that cannot
// arrive. A p=none record without rua= is told, once, that no reports
// arrive and what to do instead; one with rua= names where they go; a
// missing policy is given a record with rua=.
func TestAdviseDMARCReports(t *testing.T) {
	t.Parallel()
	p := assets.DefaultPlatform()
	ready := func(d string) dnscheck.DomainReport { return adviceReport(d, "pass", "pass", "pass", "none") }
	tests := []struct {
		name    string
		reports []dnscheck.DomainReport
		has     []string
		once    string // said exactly once across the next steps
	}{
		{name: "one domain without rua", reports: []dnscheck.DomainReport{ready("a.edu")},
			has: []string{"no rua= tag, so no reports arrive", "wizard verify"}, once: "no reports arrive"},
		{name: "two domains without rua", reports: []dnscheck.DomainReport{ready("a.edu"), ready("b.edu")},
			has: []string{"a.edu and b.edu is p=none with no rua= tag"}, once: "no reports arrive"},
		{name: "rua names where reports go", reports: []dnscheck.DomainReport{withReports(ready("a.edu"), "mailto:dmarc@a.edu")},
			has: []string{"once the reports sent to dmarc@a.edu show every sender passing"}},
		{name: "missing gets rua", reports: []dnscheck.DomainReport{adviceReport("a.edu", "pass", "pass", "missing", "")},
			has: []string{"publish the p=none record at _dmarc.a.edu ('wizard records a.edu' prints it)", "'wizard records a.edu' with --dmarc-reports ADDRESS"}, once: "daily reports"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := advice.Advise(tc.reports, p)
			all := strings.Join(a.NextSteps, "\n")
			for _, s := range tc.has {
				if !strings.Contains(all, s) {
					t.Errorf("next steps lack %q:\n%s", s, all)
				}
			}
			if strings.Contains(all, "once reports show") {
				t.Errorf("next steps promise reports the record does not ask for:\n%s", all)
			}
			if tc.once != "" && strings.Count(all, tc.once) != 1 {
				t.Errorf("next steps say %q %d times, want once:\n%s", tc.once, strings.Count(all, tc.once), all)
			}
		})
	}
}

// TestSecondBestWhenIsAboutTheResult: second best applies when some
// domain does not pass, whatever the number of domains; several domains
// that all pass are the best option.
func TestSecondBestWhenIsAboutTheResult(t *testing.T) {
	t.Parallel()
	c := advice.Choices(assets.DefaultPlatform())[1]
	if c.Key != advice.OptionSecondBest || strings.Contains(c.When, "several domains") || !strings.Contains(c.When, "SPF or DKIM does not pass") {
		t.Errorf("second best When = %q, want it stated in terms of the result", c.When)
	}
}

// TestAdviceWordsPerAudience: inside the wizard the next steps point to
// its steps and never to a command ('wizard verify' is the wizard's own
// last step there); the commands' output names the commands. Neither
// gives a fragment to type that wraps apart ("; rua=") or a placeholder
// in angle brackets.
func TestAdviceWordsPerAudience(t *testing.T) {
	t.Parallel()
	p := assets.DefaultPlatform()
	ready := func(d string) dnscheck.DomainReport { return adviceReport(d, "pass", "pass", "pass", "none") }
	missing := func(d string) dnscheck.DomainReport { return adviceReport(d, "pass", "pass", "missing", "") }
	failing := adviceReport("f.edu", "fail", "missing", "pass", "none")
	unchecked := adviceReport("u.edu", "error", "pass", "pass", "none")
	sets := [][]dnscheck.DomainReport{
		{ready("a.edu")},
		{ready("a.edu"), ready("b.edu")},
		{missing("a.edu")},
		{missing("a.edu"), missing("b.edu"), failing, unchecked},
		{failing},
		{unchecked},
	}
	for i, reps := range sets {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			in := strings.Join(advice.AdviseFor(reps, p, audience.Wizard).NextSteps, "\n")
			cli := strings.Join(advice.Advise(reps, p).NextSteps, "\n")
			for _, all := range []string{in, cli} {
				for _, bad := range []string{"; rua=", "<a mailbox"} {
					if strings.Contains(all, bad) {
						t.Errorf("next steps say %q:\n%s", bad, all)
					}
				}
			}
			if strings.Contains(in, "'wizard ") {
				t.Errorf("inside the wizard, next steps name a command:\n%s", in)
			}
			if !strings.Contains(cli, "'wizard ") {
				t.Errorf("the command's next steps name no command:\n%s", cli)
			}
			if strings.Contains(cli, "no rua=") != strings.Contains(in, "no rua=") || strings.Contains(in, "no DMARC policy") != strings.Contains(cli, "no DMARC policy") {
				t.Errorf("the audiences are told different things:\n%s\n--\n%s", in, cli)
			}
		})
	}
	in := strings.Join(advice.AdviseFor([]dnscheck.DomainReport{ready("a.edu")}, p, audience.Wizard).NextSteps, "\n")
	for _, want := range []string{"the wizard's last step checks a real message", "type a reports address on the Other domains screen"} {
		if !strings.Contains(in, want) {
			t.Errorf("inside the wizard, next steps lack %q:\n%s", want, in)
		}
	}
}
