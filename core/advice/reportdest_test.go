package advice_test

import (
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/advice"
	"github.com/outreach-auth/wizard/dnscheck"
)

// withDestination sends r's reports to addr at dest, whose permission
// record has status.
func withDestination(r dnscheck.DomainReport, addr, dest, status string) dnscheck.DomainReport {
	r.DMARC.Domain = r.Domain
	r.DMARC.ReportsTo = []string{"mailto:" + addr}
	r.DMARC.Destinations = []dnscheck.ReportDestination{{Address: addr, Domain: dest, Name: dnscheck.PermissionName(r.Domain, dest), Status: status}}
	return r
}

// TestAdviseReportsThatCannotArrive: a reports address outside the
// organisation without its permission record gets no promise of reports,
// and says what must be published; with the record, the reports are
// named with the command that reads them.
func TestAdviseReportsThatCannotArrive(t *testing.T) {
	t.Parallel()
	p := assets.DefaultPlatform()
	ready := func(d string) dnscheck.DomainReport { return adviceReport(d, "pass", "pass", "pass", "none") }

	missing := withDestination(ready("yourcenter.edu"), "it-reports@stateuniv.edu", "stateuniv.edu", dnscheck.DestinationMissing)
	a := advice.Advise([]dnscheck.DomainReport{missing}, p)
	all := strings.Join(a.NextSteps, "\n")
	if !strings.Contains(all, "p=none, but no reports arrive: it-reports@stateuniv.edu is outside the organisation, and receivers send nothing there until stateuniv.edu publishes a TXT record \"v=DMARC1\" at yourcenter.edu._report._dmarc.stateuniv.edu") ||
		strings.Contains(all, "once the reports sent to") {
		t.Errorf("next steps:\n%s", all)
	}
	if f := advice.ReportsFact(missing.DMARC); !strings.HasPrefix(f, "none arrive: ") {
		t.Errorf("fact %q", f)
	}

	granted := withDestination(ready("yourcenter.edu"), "it-reports@stateuniv.edu", "stateuniv.edu", dnscheck.DestinationAuthorized)
	all = strings.Join(advice.Advise([]dnscheck.DomainReport{granted}, p).NextSteps, "\n")
	if !strings.Contains(all, "once the reports sent to it-reports@stateuniv.edu show every sender passing") || !strings.Contains(all, "'wizard reports FILE...'") || strings.Contains(all, "no reports arrive") {
		t.Errorf("next steps:\n%s", all)
	}
	// DNS trouble at the destination is not "missing", and promises
	// nothing either: whether reports arrive is unknown, and said so.
	trouble := withDestination(ready("yourcenter.edu"), "it-reports@stateuniv.edu", "stateuniv.edu", dnscheck.DestinationError)
	if all := strings.Join(advice.Advise([]dnscheck.DomainReport{trouble}, p).NextSteps, "\n"); strings.Contains(all, "no reports arrive") ||
		strings.Contains(all, "once the reports sent to") ||
		!strings.Contains(all, "whether reports arrive is not known yet: it-reports@stateuniv.edu is outside the organisation, and DNS did not answer for the permission record receivers look for (yourcenter.edu._report._dmarc.stateuniv.edu)") {
		t.Errorf("next steps:\n%s", all)
	}
	if f := advice.ReportsFact(trouble.DMARC); !strings.HasPrefix(f, "not known whether any arrive: ") {
		t.Errorf("fact %q", f)
	}
	twoUnknown := withDestination(ready("othercenter.edu"), "it-reports@stateuniv.edu", "stateuniv.edu", dnscheck.DestinationError)
	if all := strings.Join(advice.Advise([]dnscheck.DomainReport{trouble, twoUnknown}, p).NextSteps, "\n"); strings.Contains(all, "once their reports show") || !strings.Contains(all, "whether reports arrive is not known yet") {
		t.Errorf("next steps for two:\n%s", all)
	}
	// Two domains alike share one sentence.
	other := withDestination(ready("othercenter.edu"), "it-reports@stateuniv.edu", "stateuniv.edu", dnscheck.DestinationMissing)
	all = strings.Join(advice.Advise([]dnscheck.DomainReport{missing, other}, p).NextSteps, "\n")
	if strings.Count(all, "no reports arrive") != 1 || !strings.Contains(all, "DOMAIN._report._dmarc.DESTINATION") {
		t.Errorf("next steps:\n%s", all)
	}
}
