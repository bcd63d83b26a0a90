package checking

import (
	"context"
	"strings"
	"time"

	"github.com/outreach-auth/wizard/core/audience"
	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

// Prompt implements common.Prompter: it checks every domain until all are
// ready, or the person skips to the advice or goes back to the records
// (Backward). Each check's reports are recorded in s and saved.
func (m *Model) Prompt(ctx context.Context, lp *common.LinePrompt, s *session.Session) (common.Direction, error) {
	names, exps := s.Targets(m.Platform)
	var last []dnscheck.DomainReport
	check := func() {
		lp.Say("")
		lp.Say("Checking %s...", strings.Join(names, ", "))
		reps := session.Check(ctx, m.checker, names, exps)
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
		s.Checked(reps, time.Now())
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
			if !common.RunActionLines(ctx, lp, m.actions, line, m.plansNow(ctx, s), s) {
				lp.Say("Press Enter, or type r, w, b or a.")
			}
		}
	}
	return common.Forward, nil
}

// plansNow works every domain's records out from DNS as it is now, for
// an action (the demo's publish keys) that must never act on an older
// read; a domain whose records cannot be worked out is left out.
func (m *Model) plansNow(ctx context.Context, s *session.Session) plan.Plans {
	var out plan.Plans
	for _, d := range s.Domains {
		l, in, pl, err := session.PlanNow(ctx, m.checker.Querier(), m.Platform, d.Input.Domain, nil, s.PlanInputAfter(d))
		s.Record(l)
		if err != nil {
			continue
		}
		s.SetPlan(in, pl)
		out = append(out, pl)
	}
	return out
}
