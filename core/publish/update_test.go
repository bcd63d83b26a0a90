package publish

import (
	"context"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

const updateZone = `$ORIGIN yourcenter.edu.
@ IN SOA ns0.yourcenter.edu. hostmaster 1 7200 3600 1209600 300
ns0 IN A 192.0.2.53
@ IN TXT "v=spf1 include:spf.protection.outlook.com -all"
@ IN TXT "google-site-verification=abc"
osc1._domainkey IN TXT "v=DKIM1; p=MIIB"
`

func spfPlan(replaces ...string) plan.Plan {
	return plan.Plan{Domain: "yourcenter.edu", Zone: "yourcenter.edu", Records: []plan.Record{
		{Purpose: plan.PurposeDKIM, Type: "CNAME", Name: "osc1._domainkey.yourcenter.edu.", Value: "osc1._domainkey.outreachsystems.com.", Action: plan.ActionReplace, Replaces: []string{"TXT v=DKIM1; p=MIIB"}},
		{Purpose: plan.PurposeSPF, Type: "TXT", Name: "yourcenter.edu.", Value: `v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com exp="x\y" -all`, Action: plan.ActionReplace, Replaces: replaces},
	}}
}

// TestPrepareGuardsWhatWasRead: the update requires the TXT RRset and the
// DKIM name's TXT key exactly as read, deletes only the old SPF record
// and the key, and keeps the verification record.
func TestPrepareGuardsWhatWasRead(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, updateZone)
	us, err := Prepare(context.Background(), []plan.Plan{spfPlan("v=spf1 include:spf.protection.outlook.com -all")}, Options{Server: srv.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	if len(us) != 1 {
		t.Fatalf("%d updates, want 1", len(us))
	}
	script := us[0].Script()
	for _, want := range []string{
		"zone yourcenter.edu.\n",
		`prereq yxrrset osc1._domainkey.yourcenter.edu. TXT "v=DKIM1; p=MIIB"`,
		`prereq yxrrset yourcenter.edu. TXT "google-site-verification=abc"`,
		`prereq yxrrset yourcenter.edu. TXT "v=spf1 include:spf.protection.outlook.com -all"`,
		"update delete osc1._domainkey.yourcenter.edu. TXT\n",
		"update add osc1._domainkey.yourcenter.edu. 3600 CNAME osc1._domainkey.outreachsystems.com.",
		`update delete yourcenter.edu. TXT "v=spf1 include:spf.protection.outlook.com -all"`,
		`update add yourcenter.edu. 3600 TXT "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com exp=\"x\\y\" -all"`,
	} {
		if !strings.Contains(script, want) {
			t.Errorf("script lacks %q:\n%s", want, script)
		}
	}
	if strings.Contains(script, "delete yourcenter.edu. TXT \"google") {
		t.Errorf("the verification record is deleted:\n%s", script)
	}
}

// TestPrepareSeesChange: the plan was made from another SPF record than
// the primary holds: nothing is prepared, and the words say what changed.
func TestPrepareSeesChange(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, updateZone)
	_, err := Prepare(context.Background(), []plan.Plan{spfPlan("v=spf1 -all")}, Options{Server: srv.Addr()})
	if KindOf(err) != KindChanged || !strings.Contains(err.Error(), `the plan was made from "v=spf1 -all", but the primary now holds "v=spf1 include:spf.protection.outlook.com -all"`) {
		t.Errorf("err = %v", err)
	}
}

// TestPrimaryIsSOAMNAME: without --server, the zone's SOA MNAME, port 53.
func TestPrimaryIsSOAMNAME(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, updateZone)
	q := dnscheck.NewClient(dnscheck.WithServers(srv.Addr()))
	got, err := Primary(context.Background(), q, "yourcenter.edu.")
	if err != nil || got != "192.0.2.53:53" {
		t.Errorf("Primary = %q, %v; want 192.0.2.53:53", got, err)
	}
	srv.Remove("ns0.yourcenter.edu.", 0)
	srv.Remove("ns0.yourcenter.edu.", 1)
	if _, err := Primary(context.Background(), q, "yourcenter.edu."); err == nil || !strings.Contains(err.Error(), "give it with --server") {
		t.Errorf("MNAME without address: err = %v", err)
	}
}

// TestMissingReadsBack: a record the update adds that the primary does
// not hold is named.
func TestMissingReadsBack(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, updateZone)
	us, err := Prepare(context.Background(), []plan.Plan{spfPlan("v=spf1 include:spf.protection.outlook.com -all")}, Options{Server: srv.Addr()})
	if err != nil || len(us) != 1 {
		t.Fatal(us, err)
	}
	// Nothing was sent: every added record is missing.
	missing, err := us[0].Missing(context.Background(), 0)
	if err != nil || len(missing) != 2 || !strings.Contains(missing[0], "CNAME osc1._domainkey.yourcenter.edu osc1._domainkey.outreachsystems.com.") {
		t.Fatalf("missing = %q, %v", missing, err)
	}
	if err := srv.Add("osc1._domainkey.yourcenter.edu. 3600 IN CNAME osc1._domainkey.outreachsystems.com."); err != nil {
		t.Fatal(err)
	}
	if err := srv.Add(`yourcenter.edu. 3600 IN TXT "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com exp=\"x\\y\" -all"`); err != nil {
		t.Fatal(err)
	}
	if missing, err := us[0].Missing(context.Background(), 0); err != nil || len(missing) != 0 {
		t.Errorf("after the records are there: missing = %q, %v", missing, err)
	}
}
