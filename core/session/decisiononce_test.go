package session

import (
	"regexp"
	"testing"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
)

// TestSummarySaysTheDecisionOnce: whatever the last check says (not
// checked, not passing, DNS trouble, ready), the summary says once when
// the setting goes OFF: in the decision, not again in the next steps.
func TestSummarySaysTheDecisionOnce(t *testing.T) {
	const d = "yourcenter.edu"
	off := regexp.MustCompile(`(?i)turn (it |the setting )?OFF`)
	for name, rep := range map[string]*dnscheck.DomainReport{
		"not checked": nil,
		"failing":     {Domain: d, SPF: dnscheck.SPFReport{Status: dnscheck.VerdictPass}, DKIM: dnscheck.DKIMReport{Status: dnscheck.VerdictMissing}},
		"DNS trouble": {Domain: d, SPF: dnscheck.SPFReport{Status: dnscheck.VerdictError, Problems: []dnscheck.Problem{{Code: dnscheck.CodeDNSServFail, Severity: dnscheck.SeverityError}}}, DKIM: dnscheck.DKIMReport{Status: dnscheck.VerdictPass}},
		"ready":       {Domain: d, Ready: true, SPF: dnscheck.SPFReport{Status: dnscheck.VerdictPass}, DKIM: dnscheck.DKIMReport{Status: dnscheck.VerdictPass}},
	} {
		t.Run(name, func(t *testing.T) {
			s := oneDomain(t, d)
			if rep != nil {
				s.Checked([]dnscheck.DomainReport{*rep}, at(10, 5))
			}
			sum := Summarise(assets.DefaultPlatform(), s, 80)
			if n := len(off.FindAllString(sum, -1)); n != 1 {
				t.Errorf("the summary says to turn the setting OFF %d times, want once:\n%s", n, sum)
			}
		})
	}
}

// TestSummarySimulatedCommands: in the demo (Simulated), the command that
// checks the domain is said to be for the real domain, since it asks the
// real Internet; outside the demo it is not.
func TestSummarySimulatedCommands(t *testing.T) {
	const d = "yourcenter.edu"
	for _, simulated := range []bool{false, true} {
		s := oneDomain(t, d)
		s.Simulated = simulated
		s.Checked([]dnscheck.DomainReport{{Domain: d, SPF: dnscheck.SPFReport{Status: dnscheck.VerdictPass}, DKIM: dnscheck.DKIMReport{Status: dnscheck.VerdictMissing}}}, at(10, 5))
		sum := Summarise(assets.DefaultPlatform(), s, 80)
		said := regexp.MustCompile(`check again, with your real domain \(the demo's DNS is\s+simulated\):\n\s+wizard check yourcenter.edu`).MatchString(sum)
		if said != simulated {
			t.Errorf("simulated %v: the check command is said to be for the real domain: %v\n%s", simulated, said, sum)
		}
	}
}
