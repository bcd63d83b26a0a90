package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestDMARCPassesThroughDKIM: a subdomain under its organisation's
// sp=reject, with the DKIM CNAME right (the platform signs d=<domain>, so
// DKIM passes and so does DMARC) and SPF broken (two SPF records). No
// output says the mail is being rejected or that DMARC blocks it: DMARC
// passes through DKIM, and SPF still needs fixing.
func TestDMARCPassesThroughDKIM(t *testing.T) {
	t.Parallel()
	srv := chkServer(t, uniEduZone(
		"sbdc IN MX 10 sbdc-edu.mail.protection.outlook.com.",
		`sbdc IN TXT "v=spf1 include:spf.protection.outlook.com -all"`,
		`sbdc IN TXT "v=spf1 include:spf.outreachsystems.com -all"`,
		"osc1._domainkey.sbdc IN CNAME osc1._domainkey.outreachsystems.com.",
	))
	human := chkCheck(t, srv, "sbdc.uni.edu")
	js := chkCheck(t, srv, "--json", "sbdc.uni.edu")
	d := shapeCheckJSON(t, js)
	if d.Ready || d.SPF.Status != "fail" || d.DMARC.Policy != "reject" || d.DMARC.Source != "organizational" || d.DMARC.OrgDomain != "uni.edu" {
		t.Fatalf("check --json: %+v", d)
	}
	text := recordsRun(t, srv, "sbdc.uni.edu")
	md := recordsRun(t, srv, "sbdc.uni.edu", "--format", "markdown")
	bad := regexp.MustCompile(`(?i)rejecting [^.]* now|being rejected now|is blocking|holding back mail now|dmarc-blocks-platform|passes neither DKIM nor SPF yet`)
	for name, out := range map[string]string{"check": human.stdout, "check --json": js.stdout, "records": text.stdout, "records --format markdown": md.stdout} {
		if m := bad.FindString(out); m != "" {
			t.Errorf("%s says %q:\n%s", name, m, out)
		}
	}
	if !strings.Contains(human.stdout, "inherited sp=reject from uni.edu: Neoserra mail passes it through DKIM") {
		t.Errorf("check does not say DMARC passes through DKIM:\n%s", human.stdout)
	}
	if !strings.Contains(human.stdout, "SPF still needs fixing") {
		t.Errorf("the advice does not say SPF still needs fixing:\n%s", human.stdout)
	}
	if !strings.Contains(md.stdout, "passes DMARC through DKIM") {
		t.Errorf("the hand-off sheet does not say DMARC passes through DKIM:\n%s", md.stdout)
	}
}

// TestDMARCTreeWalkZones: the answers of an RFC 9989 implementation on
// the zones of the tree-walk cases.
func TestDMARCTreeWalkZones(t *testing.T) {
	t.Parallel()
	srv := chkServer(t,
		chkZone("psdx", `_dmarc IN TXT "v=DMARC1; p=reject; psd=y"`, "center IN MX 10 center-psdx.mail.protection.outlook.com."),
		chkZone("github.io", `_dmarc IN TXT "v=DMARC1; p=reject"`, "center IN MX 10 center-gh.mail.protection.outlook.com."),
		chkZone("uni.edu", `_dmarc IN TXT "v=DMARC1; p=reject; sp=quarantine"`, `_dmarc.dept IN TXT "v=DMARC1; p=none; psd=n"`,
			"sbdc.dept IN MX 10 sbdc-edu.mail.protection.outlook.com."),
	)
	for _, tc := range []struct{ domain, source, org, policy string }{
		{"center.psdx", "psd", "center.psdx", "reject"},
		{"center.github.io", "organizational", "github.io", "reject"},
		{"sbdc.dept.uni.edu", "organizational", "dept.uni.edu", "none"},
	} {
		d := shapeCheckJSON(t, chkCheck(t, srv, "--json", tc.domain))
		if d.DMARC.Status != "pass" || d.DMARC.Source != tc.source || d.DMARC.OrgDomain != tc.org || d.DMARC.Policy != tc.policy {
			t.Errorf("%s: dmarc %+v, want %s policy %s from org %s", tc.domain, d.DMARC, tc.source, tc.policy, tc.org)
		}
	}
	// records: the psd-only domain gets its own record, as strict.
	rr := recordsRun(t, srv, "center.psdx", "--format", "json")
	wantOK(t, rr)
	_, recs := decodePlan(t, rr.stdout)
	if dm := byPurpose(t, recs, "dmarc"); dm["action"] != "add" || dm["name"] != "_dmarc.center.psdx." || dm["value"] != "v=DMARC1; p=reject" {
		t.Errorf("dmarc record = %v, want add v=DMARC1; p=reject", dm)
	}
	// The department's own organisation keeps its p=none: no record to add.
	rr = recordsRun(t, srv, "sbdc.dept.uni.edu", "--format", "json")
	wantOK(t, rr)
	_, recs = decodePlan(t, rr.stdout)
	if dm := byPurpose(t, recs, "dmarc"); dm["action"] != "keep" || dm["name"] != "_dmarc.dept.uni.edu." {
		t.Errorf("dmarc record = %v, want keep naming _dmarc.dept.uni.edu.", dm)
	}
}
