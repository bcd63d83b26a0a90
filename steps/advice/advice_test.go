package advice_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/steps/advice"
)

// adviceReport builds a domain report with the given verdicts; ready is
// SPF pass and DKIM pass, as dnscheck computes it.
func adviceReport(domain, spf, dkim, dmarc, policy string) dnscheck.DomainReport {
	return dnscheck.DomainReport{
		Domain: domain,
		Ready:  spf == dnscheck.VerdictPass && dkim == dnscheck.VerdictPass,
		SPF:    dnscheck.SPFReport{Status: spf, Problems: []dnscheck.Problem{}},
		DKIM:   dnscheck.DKIMReport{Status: dkim, Problems: []dnscheck.Problem{}},
		DMARC:  dnscheck.DMARCReport{Status: dmarc, Policy: policy, Problems: []dnscheck.Problem{}},
	}
}

func adviceHas(list []string, parts ...string) bool {
	for _, s := range list {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(s, p)
		}
		if all {
			return true
		}
	}
	return false
}

func TestAdvise(t *testing.T) {
	t.Parallel()
	p := assets.DefaultPlatform()
	pass, fail, missing, errV := dnscheck.VerdictPass, dnscheck.VerdictFail, dnscheck.VerdictMissing, dnscheck.VerdictError
	cases := []struct {
		name             string
		reports          []dnscheck.DomainReport
		option, checkbox string
		reasons          [][]string // each: fragments one reason must contain
		steps            [][]string // each: fragments one next step must contain
		notSteps         [][]string
	}{
		{name: "one domain ready",
			reports: []dnscheck.DomainReport{adviceReport("yourcenter.edu", pass, pass, pass, "quarantine")},
			option:  "best", checkbox: "off",
			reasons:  [][]string{{"yourcenter.edu", "passes SPF and DKIM", "Neoserra"}},
			steps:    [][]string{{"turn OFF", p.Setting.Label, p.Setting.Location}, {p.Contact.Name, p.Contact.Phone}},
			notSteps: [][]string{{"turn ON"}}},
		{name: "every domain ready",
			reports: []dnscheck.DomainReport{adviceReport("a.edu", pass, pass, pass, "reject"), adviceReport("b.edu", pass, pass, pass, "none")},
			option:  "best", checkbox: "off",
			reasons: [][]string{{"a.edu", "passes"}, {"b.edu", "passes"}},
			steps:   [][]string{{"turn OFF"}, {"b.edu", "p=none", "p=quarantine"}}},
		{name: "one of two not ready",
			reports: []dnscheck.DomainReport{adviceReport("a.edu", pass, pass, pass, "none"), adviceReport("b.edu", fail, missing, missing, "")},
			option:  "second-best", checkbox: "on",
			reasons: [][]string{{"a.edu", "passes"}, {"b.edu", "does not pass", "SPF fails", "DKIM record missing"}},
			steps: [][]string{{"turn ON", p.Setting.Label, "b.edu", "@" + p.RewriteDomain},
				{"wizard records b.edu"}, {p.Contact.Name, p.Contact.Phone}, {"b.edu", "no DMARC policy", "_dmarc.b.edu"}},
			notSteps: [][]string{{"turn OFF " + `"`}}},
		{name: "DNS trouble is not ready",
			reports: []dnscheck.DomainReport{adviceReport("a.edu", errV, pass, pass, "quarantine")},
			option:  "second-best", checkbox: "on",
			reasons: [][]string{{"a.edu", "SPF could not be checked"}},
			steps:   [][]string{{"turn ON"}, {"a.edu", "p=quarantine", "holding back"}}},
		{name: "several not ready",
			reports: []dnscheck.DomainReport{adviceReport("a.edu", missing, pass, pass, "none"), adviceReport("b.edu", pass, fail, pass, "reject")},
			option:  "second-best", checkbox: "on",
			reasons: [][]string{{"a.edu", "SPF record missing"}, {"b.edu", "DKIM fails"}},
			steps:   [][]string{{"turn ON", "a.edu, b.edu"}, {"wizard records DOMAIN"}, {"b.edu", "p=reject"}}},
		{name: "no domain",
			reports: nil,
			option:  "second-best", checkbox: "on"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := advice.Advise(tc.reports, p)
			if a.Option != tc.option || a.Checkbox != tc.checkbox {
				t.Errorf("advice %s / %s, want %s / %s", a.Option, a.Checkbox, tc.option, tc.checkbox)
			}
			if a.Reasons == nil || a.NextSteps == nil {
				t.Errorf("nil lists (JSON null): %+v", a)
			}
			if len(a.Reasons) != len(tc.reports) {
				t.Errorf("%d reasons for %d domains: %q", len(a.Reasons), len(tc.reports), a.Reasons)
			}
			for _, want := range tc.reasons {
				if !adviceHas(a.Reasons, want...) {
					t.Errorf("no reason has all of %q:\n%s", want, strings.Join(a.Reasons, "\n"))
				}
			}
			for _, want := range tc.steps {
				if !adviceHas(a.NextSteps, want...) {
					t.Errorf("no next step has all of %q:\n%s", want, strings.Join(a.NextSteps, "\n"))
				}
			}
			for _, not := range tc.notSteps {
				if adviceHas(a.NextSteps, not...) {
					t.Errorf("a next step has all of %q:\n%s", not, strings.Join(a.NextSteps, "\n"))
				}
			}
		})
	}
}

func TestAdviseJSON(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(advice.Advise(nil, assets.DefaultPlatform()))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"option", "checkbox", "reasons", "next_steps"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON %s lacks %q", b, k)
		}
	}
	if len(m) != 4 {
		t.Errorf("JSON %s has keys beyond the contract", b)
	}
	if _, ok := m["reasons"].([]any); !ok {
		t.Errorf("reasons is %v, want an array", m["reasons"])
	}
}

// TestAdviseOtherPlatform: every vendor fact comes from the platform.
func TestAdviseOtherPlatform(t *testing.T) {
	t.Parallel()
	p := &assets.Platform{
		Name: "MailBlaster", Vendor: "Blast Inc.", RewriteDomain: "relay.blast.example",
		Setting: assets.SettingSpec{Label: "Send on behalf?", Location: "Settings | Mail"},
		Contact: assets.ContactSpec{Email: "help@blast.example", URL: "https://blast.example/help"},
	}
	a := advice.Advise([]dnscheck.DomainReport{adviceReport("a.edu", "fail", "pass", "pass", "none")}, p)
	all := strings.Join(append(a.Reasons, a.NextSteps...), "\n")
	for _, want := range []string{"MailBlaster", "Send on behalf?", "Settings | Mail", "@relay.blast.example", "Blast Inc.", "help@blast.example, https://blast.example/help"} {
		if !strings.Contains(all, want) {
			t.Errorf("advice lacks %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "Neoserra") || strings.Contains(all, "OutreachSystems") {
		t.Errorf("advice names the built-in platform:\n%s", all)
	}
}

func TestChoices(t *testing.T) {
	t.Parallel()
	cs := advice.Choices(assets.DefaultPlatform())
	want := []struct{ key, checkbox string }{{"best", "off"}, {"second-best", "on"}, {"nothing", "off"}}
	if len(cs) != len(want) {
		t.Fatalf("%d choices, want %d", len(cs), len(want))
	}
	for i, w := range want {
		c := cs[i]
		if c.Key != w.key || c.Checkbox != w.checkbox || c.Title == "" || c.When == "" || c.Effect == "" {
			t.Errorf("choice %d = %+v, want key %s checkbox %s and every text", i, c, w.key, w.checkbox)
		}
	}
	if !strings.Contains(cs[1].Effect, "@mail.outreachsystems.com") {
		t.Errorf("second best does not say where mail is sent from: %q", cs[1].Effect)
	}
}
