package plan

import (
	"slices"
	"strings"
	"testing"
)

// grantPlan changes a DKIM name that holds a TXT key today, deletes a
// doubled CNAME, swaps the SPF record, keeps DMARC, and adds a report
// authorisation record in another zone.
func grantPlan() Plan {
	return Plan{Domain: "yourcenter.edu", Zone: "yourcenter.edu", Records: []Record{
		{Purpose: PurposeDKIM, Type: "CNAME", Name: "osc1._domainkey.yourcenter.edu.yourcenter.edu.", Value: "osc1._domainkey.outreachsystems.com.", Action: ActionDelete},
		{Purpose: PurposeDKIM, Type: "CNAME", Name: "osc1._domainkey.yourcenter.edu.", Value: "osc1._domainkey.outreachsystems.com.", Action: ActionReplace, Replaces: []string{"TXT v=DKIM1; p=MIIB"}},
		{Purpose: PurposeSPF, Type: "TXT", Name: "yourcenter.edu.", Value: "v=spf1 include:spf.outreachsystems.com -all", Action: ActionReplace, Replaces: []string{"v=spf1 -all", "it's"}},
		{Purpose: PurposeDMARC, Type: "TXT", Name: "_dmarc.yourcenter.edu.", Value: "v=DMARC1; p=none", Action: ActionKeep},
		{Purpose: PurposeDMARC, Type: "TXT", Name: "yourcenter.edu._report._dmarc.reports.example.", Value: "v=DMARC1", Action: ActionAdd},
	}}
}

func TestGrantLeastPrivilege(t *testing.T) {
	t.Parallel()
	zoneOf := func(name string) string { return "reports.example." }
	g := GrantFor("wizard-key", []Plan{grantPlan()}, zoneOf)
	bind := strings.Join(g.BIND(), "\n")
	for _, want := range []string{
		"tsig-keygen -a hmac-sha256 wizard-key",
		`zone "yourcenter.edu" { … update-policy {`,
		"grant wizard-key name osc1._domainkey.yourcenter.edu. CNAME TXT;",
		"grant wizard-key name osc1._domainkey.yourcenter.edu.yourcenter.edu. CNAME;",
		"grant wizard-key name yourcenter.edu. TXT;",
		`zone "reports.example" { … update-policy {`,
		"grant wizard-key name yourcenter.edu._report._dmarc.reports.example. TXT;",
	} {
		if !strings.Contains(bind, want) {
			t.Errorf("BIND grant lacks %q:\n%s", want, bind)
		}
	}
	// DMARC is kept: the key may not change it.
	if strings.Contains(bind, "_dmarc.yourcenter.edu.") {
		t.Errorf("BIND grant allows the DMARC name the plan keeps:\n%s", bind)
	}
	if n := strings.Count(bind, "grant wizard-key"); n != 4 {
		t.Errorf("%d grants, want 4:\n%s", n, bind)
	}
	knot := strings.Join(g.Knot(), "\n")
	if !strings.Contains(knot, "update-type: [CNAME, TXT]") || !strings.Contains(knot, "update-owner-name: [osc1._domainkey.yourcenter.edu., osc1._domainkey.yourcenter.edu.yourcenter.edu., yourcenter.edu.]") {
		t.Errorf("Knot acl:\n%s", knot)
	}
	if w := g.KnotWider(); !strings.Contains(w, "2 name and type pair(s)") || !strings.Contains(w, "TXT at osc1._domainkey.yourcenter.edu.yourcenter.edu") || !strings.Contains(w, "CNAME at yourcenter.edu") {
		t.Errorf("KnotWider = %q", w)
	}
	if w := g.PowerDNSWider(); !strings.Contains(w, "whole zone (reports.example, yourcenter.edu)") {
		t.Errorf("PowerDNSWider = %q", w)
	}
	if !slices.Contains(g.Windows, "Remove-DnsServerResourceRecord -ZoneName 'yourcenter.edu' -Name '@' -RRType Txt -RecordData 'it''s' -Force") {
		t.Errorf("Windows lines do not quote a value with a quote:\n%s", strings.Join(g.Windows, "\n"))
	}
	if !slices.Contains(g.Windows, "Add-DnsServerResourceRecord -ZoneName 'reports.example' -Name 'yourcenter.edu._report._dmarc' -Txt -DescriptiveText 'v=DMARC1'") {
		t.Errorf("Windows lines do not add the report record in its zone:\n%s", strings.Join(g.Windows, "\n"))
	}
	if !slices.Contains(g.Windows, "Remove-DnsServerResourceRecord -ZoneName 'yourcenter.edu' -Name 'osc1._domainkey' -RRType 'Txt' -Force") {
		t.Errorf("Windows lines do not delete the TXT key:\n%s", strings.Join(g.Windows, "\n"))
	}
}

func TestGrantNothingToChange(t *testing.T) {
	t.Parallel()
	p := Plan{Domain: "yourcenter.edu", Zone: "yourcenter.edu", Records: []Record{{Purpose: PurposeSPF, Type: "TXT", Name: "yourcenter.edu.", Action: ActionKeep}}}
	g := GrantFor("", []Plan{p}, nil)
	if !g.Empty() || !strings.Contains(g.Text(), "no grant is needed") {
		t.Errorf("grant for nothing: %q", g.Text())
	}
	if g.Key != "wizard-yourcenter.edu." {
		t.Errorf("default key name %q", g.Key)
	}
}
