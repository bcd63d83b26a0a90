package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// The domains people actually have, through 'wizard check --json' and
// 'wizard records --format json': a subdomain under its organisation's
// DMARC policy (in the parent's zone, behind a zone cut, under a
// multi-label public suffix, with a policy of its own), an alias, a
// gateway MX the catalog does not know.

const (
	// uniEdu is central IT's zone: p=reject for subdomains too.
	uniDMARC = "v=DMARC1; p=reject; sp=reject; rua=mailto:dmarc@uni.edu"
	sbdcMX   = "mx1.sbdc-gw.example."
)

func uniEduZone(lines ...string) string {
	return chkZone("uni.edu", append([]string{`_dmarc IN TXT "` + uniDMARC + `"`}, lines...)...)
}

// shapeCheck is one domain of 'check --json'.
type shapeCheck struct {
	Domain string `json:"domain"`
	Ready  bool   `json:"ready"`
	SPF    struct {
		Status string `json:"status"`
		Record string `json:"record"`
	} `json:"spf"`
	DMARC struct {
		Status    string `json:"status"`
		Policy    string `json:"policy"`
		Source    string `json:"source"`
		OrgDomain string `json:"org_domain"`
		Record    string `json:"record"`
		Problems  []struct {
			Code, Message, Fix string
		} `json:"problems"`
	} `json:"dmarc"`
	Problems []struct {
		Code, Severity, Message, Fix string
	} `json:"problems"`
}

func shapeCheckJSON(t *testing.T, r chkResult) shapeCheck {
	t.Helper()
	var doc struct {
		Domains []shapeCheck `json:"domains"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || len(doc.Domains) != 1 {
		t.Fatalf("check --json: %v (%d domains)\n%s\nstderr: %s", err, len(doc.Domains), r.stdout, r.stderr)
	}
	return doc.Domains[0]
}

func TestShapesSubdomainUnderOrganisationalPolicy(t *testing.T) {
	t.Parallel()
	sbdc := []string{"sbdc IN MX 10 sbdc-edu.mail.protection.outlook.com.", `sbdc IN TXT "v=spf1 include:spf.protection.outlook.com -all"`}
	cut := []string{"@ IN MX 10 sbdc-edu.mail.protection.outlook.com.", `@ IN TXT "v=spf1 include:spf.protection.outlook.com -all"`}
	for _, tc := range []struct {
		name, domain, org string
		zones             []string
		policy            string
	}{
		{"in the parent's zone", "sbdc.uni.edu", "uni.edu", []string{uniEduZone(sbdc...)}, "reject"},
		{"behind a zone cut", "sbdc.uni.edu", "uni.edu", []string{uniEduZone("sbdc IN NS ns1.sbdc.uni.edu."), chkZone("sbdc.uni.edu", cut...)}, "reject"},
		{"multi-label public suffix", "sbdc.uni.ac.uk", "uni.ac.uk", []string{
			chkZone("uni.ac.uk", `_dmarc IN TXT "v=DMARC1; p=none; sp=quarantine"`), chkZone("sbdc.uni.ac.uk", cut...),
		}, "quarantine"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := chkServer(t, tc.zones...)
			r := chkCheck(t, srv, "--json", tc.domain)
			if r.code != exitNotReady {
				t.Errorf("exit %d, want %d", r.code, exitNotReady)
			}
			d := shapeCheckJSON(t, r)
			if d.DMARC.Status != "pass" || d.DMARC.Source != "organizational" || d.DMARC.OrgDomain != tc.org || d.DMARC.Policy != tc.policy {
				t.Fatalf("dmarc = %+v, want %s's policy %s, organizational", d.DMARC, tc.org, tc.policy)
			}
			blocks := false
			for _, p := range d.DMARC.Problems {
				if p.Code == "dmarc-blocks-platform" {
					blocks = true
					if !strings.Contains(p.Message, "inherited from _dmarc."+tc.org) || !strings.Contains(p.Fix, "whoever runs "+tc.org+"'s DNS") {
						t.Errorf("blocks-platform does not say whose policy it is and who to ask: %+v", p)
					}
				}
			}
			if !blocks {
				t.Errorf("no dmarc-blocks-platform under %s=%s while the platform does not pass: %+v", "sp", tc.policy, d.DMARC.Problems)
			}

			// Human output says where the policy comes from.
			h := chkCheck(t, srv, tc.domain)
			fate := map[string]string{"reject": "rejecting Neoserra mail now", "quarantine": "sending Neoserra mail to spam now"}[tc.policy]
			if !regexp.MustCompile(`DMARC inherited s?p=` + tc.policy + ` from ` + regexp.QuoteMeta(tc.org) + `: ` + fate).MatchString(h.stdout) {
				t.Errorf("human output does not say the policy is inherited from %s:\n%s", tc.org, h.stdout)
			}

			// The records never propose a DMARC record for the subdomain.
			rr := recordsRun(t, srv, tc.domain, "--format", "json")
			wantOK(t, rr)
			_, recs := decodePlan(t, rr.stdout)
			dm := byPurpose(t, recs, "dmarc")
			if dm["action"] != "keep" || dm["name"] != "_dmarc."+tc.org+"." {
				t.Fatalf("dmarc record = %v, want keep naming _dmarc.%s.", dm, tc.org)
			}
			notes := strings.Join(strs(dm["notes"]), " ")
			policyFate := map[string]string{"reject": "is refused by receivers", "quarantine": "is delivered to spam"}[tc.policy]
			for _, want := range []string{"whoever runs " + tc.org + "'s DNS", "Do not add a DMARC record at _dmarc." + tc.domain, "mail sent as " + tc.domain + " that passes neither DKIM nor SPF " + policyFate, "as soon as DKIM passes"} {
				if !strings.Contains(notes, want) {
					t.Errorf("dmarc notes %q lack %q", notes, want)
				}
			}
			for _, rec := range recs {
				if rec["name"] == "_dmarc."+tc.domain+"." {
					t.Errorf("a record proposed at _dmarc.%s: %v", tc.domain, rec)
				}
			}
			text := recordsRun(t, srv, tc.domain)
			if strings.Contains(text.stdout, "p=none") && !strings.Contains(text.stdout, "Do not add") {
				t.Errorf("text output proposes p=none for a subdomain:\n%s", text.stdout)
			}
		})
	}
}

func TestShapesOwnPolicyUnderOrganisation(t *testing.T) {
	t.Parallel()
	srv := chkServer(t, uniEduZone("sbdc IN MX 10 sbdc-edu.mail.protection.outlook.com.", `_dmarc.sbdc IN TXT "v=DMARC1; p=none"`))
	d := shapeCheckJSON(t, chkCheck(t, srv, "--json", "sbdc.uni.edu"))
	// Its own record applies; the tree walk's organisational domain is
	// still uni.edu (RFC 9989 §4.10.2).
	if d.DMARC.Source != "domain" || d.DMARC.Policy != "none" || d.DMARC.OrgDomain != "uni.edu" {
		t.Errorf("dmarc = %+v, want its own p=none, organisational domain uni.edu", d.DMARC)
	}
	rr := recordsRun(t, srv, "sbdc.uni.edu", "--format", "json")
	wantOK(t, rr)
	_, recs := decodePlan(t, rr.stdout)
	if dm := byPurpose(t, recs, "dmarc"); dm["action"] != "keep" || dm["name"] != "_dmarc.sbdc.uni.edu." {
		t.Errorf("dmarc record = %v, want its own kept", dm)
	}
}

func TestShapesAlias(t *testing.T) {
	t.Parallel()
	srv := chkServer(t,
		chkZone("example.edu", "news IN CNAME news.campaigns.example.", "news IN A 192.0.2.1"),
		chkZone("campaigns.example", `news IN TXT "v=spf1 include:spf.protection.outlook.com -all"`, "news IN A 192.0.2.80"))
	r := chkCheck(t, srv, "--json", "news.example.edu")
	d := shapeCheckJSON(t, r)
	alias := false
	for _, p := range d.Problems {
		alias = alias || (p.Code == "domain-is-alias" && p.Severity == "error" && strings.Contains(p.Message, "news.campaigns.example"))
	}
	if !alias || d.SPF.Record != "v=spf1 include:spf.protection.outlook.com -all" || d.SPF.Status != "fail" {
		t.Errorf("want domain-is-alias and the target's SPF evaluated through the alias: %+v", d)
	}

	h := chkCheck(t, srv, "news.example.edu")
	if !strings.Contains(h.stdout, "news.example.edu is an alias (a CNAME to news.campaigns.example)") || !strings.Contains(h.stdout, "read through the alias") {
		t.Errorf("human output does not say the domain is an alias:\n%s", h.stdout)
	}

	rr := recordsRun(t, srv, "news.example.edu", "--format", "json")
	wantOK(t, rr)
	_, recs := decodePlan(t, rr.stdout)
	spf := byPurpose(t, recs, "spf")
	if spf["action"] != "ask-owner" || spf["name"] != "news.campaigns.example." ||
		spf["value"] != "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all" {
		t.Errorf("spf record = %v, want ask-owner at the alias target with the merged record", spf)
	}
	notes := strings.Join(strs(spf["notes"]), " ")
	for _, want := range []string{"ask whoever runs news.campaigns.example", "replace the alias"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes %q lack %q", notes, want)
		}
	}
	for _, rec := range recs {
		if rec["type"] == "TXT" && rec["name"] == "news.example.edu." {
			t.Errorf("a TXT record proposed beside the alias's CNAME: %v", rec)
		}
	}
	text := recordsRun(t, srv, "news.example.edu")
	if !strings.Contains(text.stdout, "news.campaigns.example") || strings.Contains(text.stdout, "replace the TXT record at news.example.edu") {
		t.Errorf("text output:\n%s", text.stdout)
	}
}

func TestShapesGatewayMX(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, spf, want string
	}{
		{"no SPF", "", "v=spf1 include:spf.outreachsystems.com ~all"},
		{"existing SPF kept", "v=spf1 ip4:198.51.100.0/24 -all", "v=spf1 ip4:198.51.100.0/24 include:spf.outreachsystems.com -all"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			lines := []string{"@ IN MX 10 " + sbdcMX}
			if tc.spf != "" {
				lines = append(lines, `@ IN TXT "`+tc.spf+`"`)
			}
			srv := chkServer(t, chkZone("gwcenter.edu", lines...))
			rr := recordsRun(t, srv, "gwcenter.edu", "--format", "json")
			wantOK(t, rr)
			doc, recs := decodePlan(t, rr.stdout)
			if spf := byPurpose(t, recs, "spf"); spf["value"] != tc.want {
				t.Errorf("spf = %v, want %q", spf["value"], tc.want)
			}
			if strings.Contains(doc["provider"].(string), "No mail of our own") {
				t.Errorf("provider %q for a domain that receives mail", doc["provider"])
			}
			warnings := strings.Join(strs(doc["warnings"]), " ")
			if !strings.Contains(warnings, strings.TrimSuffix(sbdcMX, ".")) || !strings.Contains(warnings, "--provider") {
				t.Errorf("warnings %q do not name the MX host and ask for --provider", warnings)
			}
		})
	}
}

// TestShapesHandoffSheet: the sheet for whoever edits DNS says the same
// as the plan: the organisation's policy is left alone, the alias's SPF is
// asked of its owner and not listed among the changes to make here.
func TestShapesHandoffSheet(t *testing.T) {
	t.Parallel()
	srv := chkServer(t,
		uniEduZone("sbdc IN MX 10 sbdc-edu.mail.protection.outlook.com."),
		chkZone("example.edu", "news IN CNAME news.campaigns.example."),
		chkZone("campaigns.example", `news IN TXT "v=spf1 include:spf.protection.outlook.com -all"`))

	sub := recordsRun(t, srv, "sbdc.uni.edu", "--format", "markdown")
	wantOK(t, sub)
	for _, want := range []string{"Already right", "_dmarc.uni.edu.", "Do not add a DMARC record at _dmarc.sbdc.uni.edu"} {
		if !strings.Contains(sub.stdout, want) {
			t.Errorf("subdomain sheet lacks %q:\n%s", want, sub.stdout)
		}
	}
	changes, _, _ := strings.Cut(sub.stdout, "Already right")
	if strings.Contains(changes, "DMARC: add") {
		t.Errorf("subdomain sheet asks to add a DMARC record:\n%s", changes)
	}

	alias := recordsRun(t, srv, "news.example.edu", "--format", "markdown")
	wantOK(t, alias)
	changes, asks, ok := strings.Cut(alias.stdout, "To ask of whoever runs news.campaigns.example")
	if !ok || !strings.Contains(asks, "include:spf.outreachsystems.com") {
		t.Fatalf("alias sheet has no request to the target's owner:\n%s", alias.stdout)
	}
	if strings.Contains(changes, "SPF:") {
		t.Errorf("alias sheet lists an SPF change to make at the person's own DNS host:\n%s", changes)
	}
}

// TestShapesAskProvider: an MX at a gateway whose SPF include is per
// customer (Cisco Secure Email) is recognised, and the plan asks for the
// include instead of guessing, never ending a new record with -all.
func TestShapesAskProvider(t *testing.T) {
	t.Parallel()
	srv := chkServer(t, chkZone("gwcenter.edu", "@ IN MX 10 mx1.gwcenter.iphmx.com."))
	rr := recordsRun(t, srv, "gwcenter.edu", "--format", "json")
	wantOK(t, rr)
	doc, recs := decodePlan(t, rr.stdout)
	if spf := byPurpose(t, recs, "spf"); spf["value"] != "v=spf1 include:spf.outreachsystems.com ~all" {
		t.Errorf("spf = %v", spf["value"])
	}
	warnings := strings.Join(strs(doc["warnings"]), " ")
	if !strings.Contains(warnings, "Cisco") || !strings.Contains(warnings, "--provider include:") {
		t.Errorf("warnings %q do not name the provider and ask for its include", warnings)
	}
}
