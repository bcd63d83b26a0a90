package advice_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/advice"
	"github.com/outreach-auth/wizard/dnscheck"
)

// adviceReport builds a domain report with the given verdicts; ready is
// SPF pass and DKIM pass, as dnscheck computes it.
func adviceReport(domain string, spf, dkim, dmarc dnscheck.Verdict, policy string) dnscheck.DomainReport {
	return dnscheck.DomainReport{
		Domain: domain,
		Ready:  spf == dnscheck.VerdictPass && dkim == dnscheck.VerdictPass,
		SPF:    dnscheck.SPFReport{Status: spf, Problems: []dnscheck.Problem{}},
		DKIM:   dnscheck.DKIMReport{Status: dkim, Problems: []dnscheck.Problem{}},
		DMARC:  dnscheck.DMARCReport{Status: dmarc, Policy: policy, Problems: []dnscheck.Problem{}},
	}
}

// inherited makes r's DMARC policy the organisational domain org's.
func inherited(r dnscheck.DomainReport, org string) dnscheck.DomainReport {
	r.DMARC.Source, r.DMARC.OrgDomain = dnscheck.DMARCSourceOrganizational, org
	return r
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
			reasons:  [][]string{{"a.edu", "could not be checked", "DNS did not answer for its SPF record"}},
			steps:    [][]string{{"turn ON", "a.edu could not be checked"}, {"wizard check a.edu", "once every domain passes, turn the setting OFF"}},
			notSteps: [][]string{{"wizard records"}, {"a.edu does not pass"}, {"holding back"}}},
		{name: "several not ready",
			reports: []dnscheck.DomainReport{adviceReport("a.edu", missing, pass, pass, "none"), adviceReport("b.edu", pass, fail, pass, "reject")},
			option:  "second-best", checkbox: "on",
			reasons: [][]string{{"a.edu", "SPF record missing"}, {"b.edu", "DKIM fails"}},
			steps:   [][]string{{"turn ON", "a.edu and b.edu do not pass yet"}, {"wizard records DOMAIN"}, {"b.edu", "p=reject"}}},
		{name: "subdomain under its organisation's reject",
			reports: []dnscheck.DomainReport{inherited(adviceReport("sbdc.uni.edu", fail, missing, pass, "reject"), "uni.edu")},
			option:  "second-best", checkbox: "on",
			steps:    [][]string{{"sbdc.uni.edu", "uni.edu's", "reject", "whoever runs uni.edu's DNS", "do not add a p=none policy"}},
			notSteps: [][]string{{"sbdc.uni.edu's DMARC policy"}}},
		{name: "subdomain ready under its organisation's p=none: not theirs to tighten",
			reports: []dnscheck.DomainReport{inherited(adviceReport("sbdc.uni.edu", pass, pass, pass, "none"), "uni.edu")},
			option:  "best", checkbox: "off",
			notSteps: [][]string{{"move to p=quarantine"}}},
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

// Domain states for TestAdviseAcrossDomains.
const (
	stReady    = "ready"
	stNotReady = "not ready"
	stError    = "error"
)

// acrossReport builds the report of a domain in state st; variant picks
// one of several ways to be in that state.
func acrossReport(domain, st string, variant int) dnscheck.DomainReport {
	pass, fail, missing, errV := dnscheck.VerdictPass, dnscheck.VerdictFail, dnscheck.VerdictMissing, dnscheck.VerdictError
	verdicts := map[string][][2]dnscheck.Verdict{
		stReady:    {{pass, pass}},
		stNotReady: {{fail, pass}, {pass, missing}, {missing, fail}},
		// The last: DNS did not answer for SPF, and DKIM is known to be
		// missing; whether SPF passes is still unknown.
		stError: {{errV, pass}, {pass, errV}, {errV, missing}},
	}[st]
	v := verdicts[variant%len(verdicts)]
	return adviceReport(domain, v[0], v[1], pass, "none")
}

// acrossNames is the expected list of names in a sentence.
func acrossNames(names []string) string {
	switch len(names) {
	case 1:
		return names[0]
	case 2:
		return names[0] + " and " + names[1]
	}
	return names[0] + ", " + names[1] + " and " + names[2]
}

// TestAdviseAcrossDomains: every combination of ready, not ready and DNS
// trouble over two and three domains. The checkbox may be OFF only when
// every domain passes; otherwise it is ON, the step that says so names
// exactly the domains that hold it back (a domain with DNS trouble as
// "could not be checked", never as failing), and another says the platform
// still uses SPF and DKIM for the domains that pass.
func TestAdviseAcrossDomains(t *testing.T) {
	t.Parallel()
	p := assets.DefaultPlatform()
	domains := []string{"alpha.edu", "bravo.edu", "charlie.edu"}
	states := []string{stReady, stNotReady, stError}
	var combos [][]string
	for _, n := range []int{2, 3} {
		total := 1
		for range n {
			total *= len(states)
		}
		for c := range total {
			var combo []string
			for i := 0; i < n; i, c = i+1, c/len(states) {
				combo = append(combo, states[c%len(states)])
			}
			combos = append(combos, combo)
		}
	}
	if len(combos) != 9+27 {
		t.Fatalf("%d combinations, want 36", len(combos))
	}
	for ci, combo := range combos {
		t.Run(strings.Join(combo, ", "), func(t *testing.T) {
			t.Parallel()
			var reports []dnscheck.DomainReport
			var ready, notReady, errs []string
			for i, st := range combo {
				reports = append(reports, acrossReport(domains[i], st, ci+i))
				switch st {
				case stReady:
					ready = append(ready, domains[i])
				case stNotReady:
					notReady = append(notReady, domains[i])
				default:
					errs = append(errs, domains[i])
				}
			}
			a := advice.Advise(reports, p)
			all := strings.Join(append(append([]string{}, a.Reasons...), a.NextSteps...), "\n")

			if len(a.Reasons) != len(reports) {
				t.Fatalf("%d reasons for %d domains:\n%s", len(a.Reasons), len(reports), all)
			}
			for i, st := range combo {
				r := a.Reasons[i]
				if !strings.HasPrefix(r, domains[i]+" ") {
					t.Errorf("reason %d %q is not about %s", i, r, domains[i])
				}
				wantNot := map[string][2]string{
					stReady:    {"passes SPF and DKIM", "not"},
					stNotReady: {"does not pass yet", "could not be checked"},
					stError:    {"could not be checked", "does not pass"},
				}[st]
				want, not := wantNot[0], wantNot[1]
				if !strings.Contains(r, want) || strings.Contains(r, not) {
					t.Errorf("reason for %s (%s) = %q, want %q and not %q", domains[i], st, r, want, not)
				}
			}
			for _, d := range errs {
				for _, bad := range []string{d + " does not pass", d + " fails", d + " do not pass"} {
					if strings.Contains(all, bad) {
						t.Errorf("%s (DNS trouble) is named as failing (%q):\n%s", d, bad, all)
					}
				}
			}

			if len(notReady)+len(errs) == 0 {
				if a.Option != advice.OptionBest || a.Checkbox != advice.CheckboxOff {
					t.Errorf("every domain ready: advice %s/%s, want best/off", a.Option, a.Checkbox)
				}
				if !adviceHas(a.NextSteps, "turn OFF", p.Setting.Label) || adviceHas(a.NextSteps, "turn ON") {
					t.Errorf("every domain ready: want a step turning the setting OFF and none turning it ON:\n%s", all)
				}
				return
			}
			if a.Option != advice.OptionSecondBest || a.Checkbox != advice.CheckboxOn {
				t.Errorf("advice %s/%s, want second-best/on", a.Option, a.Checkbox)
			}
			var on []string
			for _, s := range a.NextSteps {
				if strings.Contains(s, "turn ON") {
					on = append(on, s)
				}
				if strings.Contains(s, "turn OFF "+`"`) {
					t.Errorf("a step turns the setting OFF now: %q", s)
				}
			}
			if len(on) != 1 {
				t.Fatalf("%d steps turn the setting ON, want 1:\n%s", len(on), all)
			}
			step := on[0]
			if !strings.Contains(step, p.Setting.Label) || !strings.Contains(step, "@"+p.RewriteDomain) {
				t.Errorf("the ON step does not name the setting and the rewrite domain: %q", step)
			}
			// Exactly the domains that hold it back, each named for what
			// is wrong with it.
			if len(notReady) > 0 {
				verb := " does not pass yet"
				if len(notReady) > 1 {
					verb = " do not pass yet"
				}
				if want := acrossNames(notReady) + verb; !strings.Contains(step, want) {
					t.Errorf("the ON step lacks %q: %q", want, step)
				}
			}
			if len(errs) > 0 {
				if want := acrossNames(errs) + " could not be checked"; !strings.Contains(step, want) {
					t.Errorf("the ON step lacks %q: %q", want, step)
				}
			}
			for _, d := range ready {
				if strings.Contains(step, d) {
					t.Errorf("the ON step names %s, which passes: %q", d, step)
				}
			}

			// The platform still uses SPF and DKIM for the domains that pass.
			var still []string
			for _, s := range a.NextSteps {
				if strings.Contains(s, "still uses SPF and DKIM") {
					still = append(still, s)
				}
			}
			switch {
			case len(ready) == 0 && len(still) > 0:
				t.Errorf("no domain passes, yet a step says the platform still uses SPF and DKIM for some: %q", still)
			case len(ready) > 0 && len(still) != 1:
				t.Errorf("%d steps say the platform still uses SPF and DKIM for the domains that pass, want 1:\n%s", len(still), all)
			case len(ready) > 0:
				if !strings.Contains(still[0], p.Name) || !strings.Contains(still[0], "("+acrossNames(ready)+")") {
					t.Errorf("the step %q does not name %s and exactly %s", still[0], p.Name, acrossNames(ready))
				}
				for _, d := range append(append([]string{}, notReady...), errs...) {
					if strings.Contains(still[0], d) {
						t.Errorf("the step %q names %s, which does not pass", still[0], d)
					}
				}
			}

			// What to do next: fix the failing, check the unchecked again.
			if got := adviceHas(a.NextSteps, "Fix the records ('wizard records"); got != (len(notReady) > 0) {
				t.Errorf("a step to fix the records: %v, want %v:\n%s", got, len(notReady) > 0, all)
			}
			if len(errs) > 0 && !adviceHas(a.NextSteps, "Check "+acrossNames(errs)+" again", "wizard check "+firstName(errs)) {
				t.Errorf("no step says to check %v again:\n%s", errs, all)
			}
			if len(errs) == 0 && adviceHas(a.NextSteps, "once DNS answers") {
				t.Errorf("no DNS trouble, yet a step waits for DNS:\n%s", all)
			}
			if !adviceHas(a.NextSteps, "once every domain passes, turn the setting OFF") {
				t.Errorf("no step says when to turn the setting OFF:\n%s", all)
			}
		})
	}
}

func firstName(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return "DOMAIN"
}

// TestAdviseManyDomains: a long list keeps one reason per domain, but a
// step names at most advice.MaxNamed domains and the DMARC suggestions are
// grouped, so the advice stays readable.
func TestAdviseManyDomains(t *testing.T) {
	t.Parallel()
	p := assets.DefaultPlatform()
	pass, fail, missing := dnscheck.VerdictPass, dnscheck.VerdictFail, dnscheck.VerdictMissing
	var reports []dnscheck.DomainReport
	for i := range 40 {
		d := fmt.Sprintf("d%02d.edu", i)
		switch i % 4 {
		case 0, 1:
			reports = append(reports, adviceReport(d, pass, pass, pass, "none"))
		case 2:
			reports = append(reports, adviceReport(d, fail, pass, missing, ""))
		default:
			reports = append(reports, adviceReport(d, pass, missing, pass, "reject"))
		}
	}
	a := advice.Advise(reports, p)
	if len(a.Reasons) != 40 {
		t.Errorf("%d reasons, want 40", len(a.Reasons))
	}
	if a.Option != advice.OptionSecondBest {
		t.Errorf("option %s", a.Option)
	}
	if !adviceHas(a.NextSteps, "turn ON", "d02.edu, d03.edu, d06.edu", "d19.edu and 10 more do not pass yet") || adviceHas(a.NextSteps, "turn ON", "d22.edu") {
		t.Errorf("the ON step does not name the first %d domains and the count of the rest:\n%s", advice.MaxNamed, strings.Join(a.NextSteps, "\n"))
	}
	if !adviceHas(a.NextSteps, "still uses SPF and DKIM", "(d00.edu, d01.edu, d04.edu", "and 10 more)") {
		t.Errorf("no step names the domains that pass:\n%s", strings.Join(a.NextSteps, "\n"))
	}
	dmarc := 0
	for _, s := range a.NextSteps {
		if strings.Contains(s, "DMARC") {
			dmarc++
		}
	}
	if dmarc != 3 {
		t.Errorf("%d DMARC steps, want 3 (missing, p=none, envelope sender):\n%s", dmarc, strings.Join(a.NextSteps, "\n"))
	}
	for _, want := range [][]string{
		{"d02.edu, d06.edu", "have no DMARC policy", "_dmarc.DOMAIN"},
		{"d00.edu, d01.edu", "p=none", "p=quarantine"},
		// SPF passes, DKIM does not: DMARC rests on the envelope sender.
		{"d03.edu, d07.edu", "envelope sender", "DKIM"},
	} {
		if !adviceHas(a.NextSteps, want...) {
			t.Errorf("no step has all of %q:\n%s", want, strings.Join(a.NextSteps, "\n"))
		}
	}
	if len(a.NextSteps) > 10 {
		t.Errorf("%d next steps for 40 domains, want a handful:\n%s", len(a.NextSteps), strings.Join(a.NextSteps, "\n"))
	}
}

func TestNames(t *testing.T) {
	t.Parallel()
	var many []string
	for i := range advice.MaxNamed + 3 {
		many = append(many, fmt.Sprintf("d%d.edu", i))
	}
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"a.edu"}, "a.edu"},
		{[]string{"a.edu", "b.edu"}, "a.edu and b.edu"},
		{[]string{"a.edu", "b.edu", "c.edu"}, "a.edu, b.edu and c.edu"},
		{many, strings.Join(many[:advice.MaxNamed], ", ") + " and 3 more"},
	} {
		if got := advice.Names(tc.in); got != tc.want {
			t.Errorf("Names(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestAdviseOpenToWorld: a domain whose SPF and DKIM pass but whose SPF
// record lets nearly anyone send is not ready, and the reason says why.
func TestAdviseOpenToWorld(t *testing.T) {
	t.Parallel()
	r := adviceReport("a.edu", "pass", "pass", "pass", "none")
	r.Ready = false
	r.SPF.Problems = []dnscheck.Problem{{Code: dnscheck.CodeSPFAllPermissive, Severity: dnscheck.SeverityError, Message: "m", Fix: "f"}}
	a := advice.Advise([]dnscheck.DomainReport{r}, assets.DefaultPlatform())
	if a.Option != advice.OptionSecondBest || !adviceHas(a.Reasons, "a.edu does not pass yet: its SPF record lets nearly any server send as it.") {
		t.Errorf("advice = %s %q", a.Option, a.Reasons)
	}
}

// TestDMARCStepSaysWhatThePolicyDoes: a policy holding the platform's
// mail back says what it does to it: reject refuses, quarantine sends to
// spam.
func TestDMARCStepSaysWhatThePolicyDoes(t *testing.T) {
	for policy, want := range map[string]string{
		"reject":     "a.edu's DMARC policy (p=reject) is rejecting mail that fails SPF and DKIM now",
		"quarantine": "a.edu's DMARC policy (p=quarantine) is sending mail that fails SPF and DKIM to spam now",
	} {
		r := dnscheck.DomainReport{Domain: "a.edu"}
		r.SPF.Status, r.DKIM.Status = dnscheck.VerdictFail, dnscheck.VerdictMissing
		r.DMARC.Status, r.DMARC.Policy = dnscheck.VerdictPass, policy
		if got := advice.DMARCStep(r); !strings.HasPrefix(got, want) {
			t.Errorf("p=%s: %q, want it to start %q", policy, got, want)
		}
	}
}
