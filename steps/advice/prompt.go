package advice

import (
	"context"
	"strings"

	"github.com/outreach-auth/wizard/core/advice"
	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

// Prompt implements common.Prompter: the advice on the platform's sender
// setting for the reports in st, DMARC a domain (what to do about it is
// said once, in the next steps), and the next steps.
func (m *Model) Prompt(_ context.Context, lp *common.LinePrompt, st *common.State) (common.Direction, error) {
	p := m.Platform
	reps, _ := common.Get[[]dnscheck.DomainReport](st)
	adv := advice.Advise(reps, p)
	lp.Say("")
	lp.Say("What to do with %s's sender setting.", p.Name)
	for _, r := range adv.Reasons {
		lp.Say("%s", dnscheck.Printable(r))
	}
	lp.Say("The three options:")
	for i, c := range advice.Choices(p) {
		fits := ""
		if c.Key == adv.Option {
			fits = " This one fits your result."
		}
		lp.Say("  %d. %s.%s When: %s. %s", i+1, c.Title, fits, c.When, c.Effect)
	}
	lp.Say("The setting: %q, in %s. Turn it %s.", p.Setting.Label, p.Setting.Location, strings.ToUpper(adv.Checkbox))
	for _, r := range reps {
		state := checks.DMARCWords(r.DMARC.State(), p.Name)
		if r.DMARC.Inherited() {
			state += " (managed by whoever runs " + r.DMARC.OrgDomain + "'s DNS)"
		}
		if f := advice.ReportsFact(r.DMARC); f != "" {
			state += "; reports: " + f
		}
		lp.Say("DMARC for %s: %s.", r.Domain, dnscheck.Printable(state))
	}
	lp.Say("Next steps:")
	for i, s := range adv.NextSteps {
		lp.Say("  %d. %s", i+1, dnscheck.Printable(s))
	}
	return common.Forward, nil
}
