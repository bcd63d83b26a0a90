// Package advice turns check results into the advice on the platform's
// sender-authentication checkbox (best / second best / do nothing) and the
// next steps, the same for the command line and the wizard.
package advice

import (
	"fmt"
	"strings"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
)

// Option keys (the JSON contract's advice.option).
const (
	OptionBest       = "best"
	OptionSecondBest = "second-best"
	OptionNothing    = "nothing"
)

// Checkbox positions.
const (
	CheckboxOff = "off"
	CheckboxOn  = "on"
)

// Advice is what to do with the platform setting, and why.
type Advice struct {
	Option    string   `json:"option"`
	Checkbox  string   `json:"checkbox"`
	Reasons   []string `json:"reasons"`
	NextSteps []string `json:"next_steps"`
}

// Choice is one of the three options the platform's FAQ describes.
type Choice struct {
	Key      string // OptionBest, OptionSecondBest or OptionNothing
	Title    string
	Checkbox string
	When     string // when it applies
	Effect   string // what happens to mail
}

// Choices returns the three options, best first.
func Choices(p *assets.Platform) []Choice {
	return []Choice{
		{Key: OptionBest, Title: "Best: publish SPF and DKIM, checkbox OFF", Checkbox: CheckboxOff,
			When:   "every domain your users send from passes SPF and DKIM",
			Effect: fmt.Sprintf("Mail from %s goes out as your staff's own addresses and passes SPF, DKIM and DMARC.", p.Name)},
		{Key: OptionSecondBest, Title: "Second best: checkbox ON", Checkbox: CheckboxOn,
			When: "some domain does not pass yet (DNS not changed, or users on several domains)",
			Effect: fmt.Sprintf("For domains that do not pass, %s sends as @%s with your staff's name and reply-to address; domains that pass still use their own SPF and DKIM (the setting is checked per message).",
				p.Name, p.RewriteDomain)},
		{Key: OptionNothing, Title: "Not recommended: do nothing, checkbox OFF", Checkbox: CheckboxOff,
			When:   "never",
			Effect: "Receivers see mail claiming to be from your domain that fails authentication: much of it is rejected or lands in spam, and your domain's reputation suffers."},
	}
}

// Advise returns the advice across every domain the database's users send
// from: the checkbox may be OFF only when all of them are ready.
func Advise(reports []dnscheck.DomainReport, p *assets.Platform) Advice {
	a := Advice{Option: OptionBest, Checkbox: CheckboxOff, Reasons: []string{}, NextSteps: []string{}}
	var blocking []string
	for _, r := range reports {
		if r.Ready {
			a.Reasons = append(a.Reasons, fmt.Sprintf("%s passes SPF and DKIM for %s.", r.Domain, p.Name))
			continue
		}
		blocking = append(blocking, r.Domain)
		a.Reasons = append(a.Reasons, fmt.Sprintf("%s does not pass yet: %s.", r.Domain, whyNot(r)))
	}
	if len(reports) == 0 || len(blocking) > 0 {
		a.Option, a.Checkbox = OptionSecondBest, CheckboxOn
	}
	setting := fmt.Sprintf("%q (%s)", p.Setting.Label, p.Setting.Location)
	if a.Option == OptionBest {
		a.NextSteps = append(a.NextSteps,
			fmt.Sprintf("In %s, turn OFF %s.", p.Name, setting),
			fmt.Sprintf("Contact %s (%s) and ask them to clear any of your addresses that were rejected while authentication failed.", contactName(p), contactWays(p)))
	} else {
		a.NextSteps = append(a.NextSteps,
			fmt.Sprintf("In %s, turn ON %s. Until %s passes, its mail is sent as @%s; domains that pass keep using their own SPF and DKIM.", p.Name, setting, strings.Join(blocking, ", "), p.RewriteDomain),
			fmt.Sprintf("Fix the records ('wizard records %s' prints them), then run 'wizard check' again; once every domain passes, turn the setting OFF.", firstOr(blocking, "DOMAIN")),
			fmt.Sprintf("After the fix, contact %s (%s) to clear addresses that were rejected while authentication failed.", contactName(p), contactWays(p)))
	}
	for _, r := range reports {
		if s := dmarcStep(r); s != "" {
			a.NextSteps = append(a.NextSteps, s)
		}
	}
	return a
}

func whyNot(r dnscheck.DomainReport) string {
	var parts []string
	if r.SPF.Status != dnscheck.VerdictPass {
		parts = append(parts, "SPF "+verdictWords(r.SPF.Status))
	}
	if r.DKIM.Status != dnscheck.VerdictPass {
		parts = append(parts, "DKIM "+verdictWords(r.DKIM.Status))
	}
	return strings.Join(parts, ", ")
}

func verdictWords(status string) string {
	switch status {
	case dnscheck.VerdictMissing:
		return "record missing"
	case dnscheck.VerdictError:
		return "could not be checked (DNS trouble)"
	}
	return "fails"
}

// DMARCStep returns the suggestion for the domain's DMARC policy given its
// report (the same sentence Advise adds to the next steps), or "" when
// there is none.
func DMARCStep(r dnscheck.DomainReport) string { return dmarcStep(r) }

func dmarcStep(r dnscheck.DomainReport) string {
	switch {
	case r.DMARC.Status == dnscheck.VerdictMissing:
		return fmt.Sprintf("%s has no DMARC policy: publish v=DMARC1; p=none at _dmarc.%s to start receiving reports.", r.Domain, r.Domain)
	case r.DMARC.Status == dnscheck.VerdictPass && r.Ready && r.DMARC.Policy == "none":
		return fmt.Sprintf("%s's DMARC policy is p=none; once reports show every sender passing, move to p=quarantine.", r.Domain)
	case r.DMARC.Status == dnscheck.VerdictPass && !r.Ready && (r.DMARC.Policy == "quarantine" || r.DMARC.Policy == "reject"):
		return fmt.Sprintf("%s's DMARC policy (p=%s) is holding back mail now; fix SPF and DKIM first.", r.Domain, r.DMARC.Policy)
	}
	return ""
}

func contactName(p *assets.Platform) string {
	if p.Contact.Name != "" {
		return p.Contact.Name
	}
	return p.Vendor
}

func contactWays(p *assets.Platform) string {
	var ways []string
	for _, w := range []string{p.Contact.Phone, p.Contact.Email, p.Contact.URL} {
		if w != "" {
			ways = append(ways, w)
		}
	}
	return strings.Join(ways, ", ")
}

func firstOr(list []string, def string) string {
	if len(list) == 1 {
		return list[0]
	}
	return def
}
