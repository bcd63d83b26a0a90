package plan

import (
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/core/audience"
)

func stateUnivZone(lines ...string) string {
	return "$ORIGIN stateuniv.edu.\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n" + strings.Join(lines, "\n") + "\n"
}

// TestPlanReportsAddressOutside: a reports address at another
// organisation whose permission record is missing is said, on the record
// and on the hand-off sheet, to receive nothing until it is published;
// with the record there, the general note stays.
func TestPlanReportsAddressOutside(t *testing.T) {
	t.Parallel()
	srv := startZones(t, domainZone(genericNS), stateUnivZone())
	plan, _, err := buildPlan(t, srv, testDomain, Options{DMARCReports: "it-reports@stateuniv.edu"})
	if err != nil {
		t.Fatal(err)
	}
	rec := plan.Records[len(plan.Records)-1]
	if rec.Purpose != PurposeDMARC || !strings.Contains(rec.Value, "rua=mailto:it-reports@stateuniv.edu") {
		t.Fatalf("record %+v", rec)
	}
	want := "No reports arrive at it-reports@stateuniv.edu until stateuniv.edu publishes a TXT record \"v=DMARC1\" at yourcenter.edu._report._dmarc.stateuniv.edu"
	for _, a := range []audience.Audience{audience.Command, audience.Wizard, audience.Sheet} {
		notes := strings.Join(rec.NotesFor(a), "\n")
		if !strings.Contains(notes, want) || strings.Contains(notes, "only if") {
			t.Errorf("audience %v notes:\n%s", a, notes)
		}
	}

	srv = startZones(t, domainZone(genericNS), stateUnivZone(`yourcenter.edu._report._dmarc IN TXT "v=DMARC1"`))
	plan, _, err = buildPlan(t, srv, testDomain, Options{DMARCReports: "it-reports@stateuniv.edu"})
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(plan.Records[len(plan.Records)-1].Notes, "\n")
	if strings.Contains(notes, "No reports arrive") || !strings.Contains(notes, "only if it publishes") {
		t.Errorf("notes with the permission published:\n%s", notes)
	}
}

// TestPlanPermissionRecordForOwnDomain: when the reports address is at
// another domain of the session, that domain's plan gets the permission
// record for each domain sending there (kept once published), and none
// for itself.
func TestPlanPermissionRecordForOwnDomain(t *testing.T) {
	t.Parallel()
	opt := Options{DMARCReports: "it-reports@stateuniv.edu", ReportsFrom: []string{testDomain, "sbdc.stateuniv.edu", "othercenter.org"}}
	srv := startZones(t, domainZone(genericNS), stateUnivZone("@ IN NS ns1.stateuniv.edu."))
	plan, _, err := buildPlan(t, srv, "stateuniv.edu", opt)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range plan.Records {
		if strings.Contains(r.Name, "._report._dmarc.") {
			names = append(names, r.Name)
			if r.Type != "TXT" || r.Value != "v=DMARC1" || r.Action != ActionAdd || r.HostField == "" {
				t.Errorf("record %+v", r)
			}
		}
	}
	if strings.Join(names, " ") != "yourcenter.edu._report._dmarc.stateuniv.edu. othercenter.org._report._dmarc.stateuniv.edu." {
		t.Errorf("permission records %v", names)
	}

	srv = startZones(t, domainZone(genericNS), stateUnivZone("@ IN NS ns1.stateuniv.edu.", `yourcenter.edu._report._dmarc IN TXT "v=DMARC1"`))
	plan, _, err = buildPlan(t, srv, "stateuniv.edu", opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range plan.Records {
		if r.Name == "yourcenter.edu._report._dmarc.stateuniv.edu." && r.Action != ActionKeep {
			t.Errorf("published record not kept: %+v", r)
		}
	}
	// The address elsewhere: yourcenter.edu's own plan gets none.
	plan, _, err = buildPlan(t, srv, testDomain, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range plan.Records {
		if strings.Contains(r.Name, "._report._dmarc.") {
			t.Errorf("unexpected %+v", r)
		}
	}
}
