package verify

import (
	"context"
	"strings"
	"time"

	"github.com/outreach-auth/wizard/core/audience"
	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

// Prompt implements common.Prompter: it checks every domain until all are
// ready, or the person skips to the advice or goes back to the records
// (Backward). Each check's reports go into st and are saved.
func (m *Model) Prompt(ctx context.Context, lp *common.LinePrompt, st *common.State) (common.Direction, error) {
	choice, _ := common.Get[plan.ProviderChoice](st)
	plans, _ := common.Get[plan.Plans](st)
	base, _ := checks.Expect(m.Platform, choice.Option(), nil)
	names := make([]string, len(plans))
	exps := make([]dnscheck.Expectation, len(plans))
	for i, pl := range plans {
		names[i], exps[i] = pl.Domain, base
		exps[i].DNSHostName = pl.DNSHost
	}
	var last []dnscheck.DomainReport
	check := func() {
		lp.Say("")
		lp.Say("Checking %s...", strings.Join(names, ", "))
		reps := checks.CheckEach(ctx, m.checker, names, exps)
		if ctx.Err() != nil {
			return // lookups cut short (a signal): not results to show or save
		}
		if set, ok := checks.PlatformIPsOf(reps); ok {
			if note := checks.PlatformIPsNote(set); note != "" {
				lp.Say("%s", dnscheck.Printable(note))
			}
		}
		for i, r := range reps {
			if last == nil {
				checks.WriteReportFor(lp.Out, r, m.Platform.Name, checks.Styles{}, audience.Wizard)
				continue
			}
			if ch := checks.Changes(last[i], r, m.Platform.Name, nil); len(ch) > 0 {
				lp.Say("Since the last check:")
				for _, c := range ch {
					lp.Say("  %s", dnscheck.Printable(c))
				}
				checks.WriteReportFor(lp.Out, r, m.Platform.Name, checks.Styles{}, audience.Wizard)
			} else {
				lp.Say("%s: no change since the last check.", r.Domain)
			}
		}
		last = reps
		st.PutFrom(Name, reps)
		st.PutFrom(Name, CheckedAt(time.Now()))
		lp.Save()
		if allReady(reps) {
			lp.Say("%s.", dnscheck.Printable(checks.ReadyWords(names)))
			if still := checks.StillReported(reps, m.Platform.Name); len(still) > 0 {
				lp.Say("Still reported:")
				for _, s := range still {
					lp.Say("  %s", dnscheck.Printable(s))
				}
			}
		}
	}
	check()
	for !allReady(last) {
		line, err := lp.Ask("Not ready yet. Press Enter (or r) to check again, w to keep checking until it passes, b to go back to the records, a to leave the checks for the advice" + common.ActionWords(m.actions) + ": ")
		if err != nil {
			return common.Forward, err
		}
		switch strings.ToLower(line) {
		case "", "r":
			check()
		case "w":
			var wait time.Duration
			for !allReady(last) {
				wait = checks.NextInterval(wait)
				lp.Say("Checking again in %d seconds (Ctrl+C stops).", int(wait/time.Second))
				select {
				case <-ctx.Done():
					return common.Forward, ctx.Err()
				case <-time.After(wait):
				}
				check()
			}
		case "b":
			return common.Backward, nil
		case "a":
			return common.Forward, nil
		case "s":
			lp.Say("Nothing to save here: s saves the records, on the records question (b goes back to it). Type a for the advice.")
		default:
			if !common.RunActionLines(ctx, lp, m.actions, line, plans) {
				lp.Say("Press Enter, or type r, w, b or a.")
			}
		}
	}
	return common.Forward, nil
}
