package tui

import (
	"fmt"
	"strings"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/advice"
	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

// SummaryText is the plain summary of what the wizard found and advised,
// for the terminal's scroll-back: the domain, each record and what to do
// with it, the verdicts of the last check, the advice (option, checkbox,
// the setting's exact label and place) and the next steps. It is empty
// when no domain was chosen. Text from DNS goes through
// dnscheck.Printable; there is no colour.
func SummaryText(p *assets.Platform, st *common.State) string {
	names := common.Names(st)
	if len(names) == 0 {
		return ""
	}
	pr := dnscheck.Printable
	var b strings.Builder
	fmt.Fprintf(&b, "%s sender authentication: %s\n", p.Name, strings.Join(names, ", "))

	plans, _ := common.Get[plan.Plans](st)
	for _, pl := range plans {
		fmt.Fprintf(&b, "\nRecords for %s (DNS host: %s; mail provider: %s)\n", pl.Domain, pl.HostWords(), pr(pl.Provider))
		for _, r := range pl.Records {
			fmt.Fprintf(&b, "  %-5s %s\n", r.Label(), r.Title())
			fmt.Fprintf(&b, "        Name:  %s\n", pr(r.HostField))
			if r.Action != plan.ActionDelete {
				fmt.Fprintf(&b, "        Value: %s\n", pr(r.FormValue))
			}
		}
		fmt.Fprintf(&b, "  ('wizard records %s' prints them again.)\n", pl.Domain)
	}

	reports, haveReports := common.Get[[]dnscheck.DomainReport](st)
	if !haveReports || len(reports) == 0 {
		b.WriteString("\nNot checked yet. When the records are published, run:\n")
		fmt.Fprintf(&b, "  wizard check %s\n", strings.Join(names, " "))
		fmt.Fprintf(&b, "Until SPF and DKIM pass, turn ON %q (%s) in %s.\n", p.Setting.Label, p.Setting.Location, p.Name)
		return b.String()
	}
	b.WriteString("\nLast check\n")
	for _, r := range reports {
		var rb strings.Builder
		checks.WriteReport(&rb, r, checks.Styles{})
		b.WriteString(indent(rb.String(), "  "))
	}

	a := advice.Advise(reports, p)
	b.WriteString("\nAdvice\n")
	title := "Best option: every domain passes SPF and DKIM."
	if a.Option == advice.OptionSecondBest {
		title = "Second-best option for now: some domain does not pass yet."
	}
	fmt.Fprintf(&b, "  %s\n", title)
	fmt.Fprintf(&b, "  Setting:  %q\n", p.Setting.Label)
	fmt.Fprintf(&b, "  Where:    %s\n", p.Setting.Location)
	fmt.Fprintf(&b, "  Turn it:  %s\n", strings.ToUpper(a.Checkbox))
	for _, r := range a.Reasons {
		fmt.Fprintf(&b, "  • %s\n", pr(r))
	}
	if len(a.NextSteps) > 0 {
		b.WriteString("\nNext steps\n")
		for i, s := range a.NextSteps {
			fmt.Fprintf(&b, "  %d. %s\n", i+1, pr(s))
		}
	}
	return b.String()
}

// indent puts prefix before every line of s, each line made printable.
func indent(s, prefix string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		b.WriteString(prefix + dnscheck.Printable(l) + "\n")
	}
	return b.String()
}
