package records

import (
	"context"
	"strings"

	"github.com/outreach-auth/wizard/core/audience"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

// Prompt implements common.Prompter: it prints the records of every
// domain and waits until the person says they are published. A session
// resumed at the checks (Session.CheckAtOnce) only works them out, once.
// Each domain's records come from its newest read: a domain read before a
// check or a change to DNS (coming back from the checks) is looked up
// again first, as the screen does, so the records shown are those still
// to do. A domain whose lookup failed stays failed until r looks again. b
// goes back to the other domains (and the DMARC reports address), as esc
// does on the screen.
func (m *Model) Prompt(ctx context.Context, lp *common.LinePrompt, s *session.Session) (common.Direction, error) {
	m.sess = s
	quiet := s.CheckAtOnce
	s.CheckAtOnce = false
	retry := false
	p := m.Platform
	for {
		var plans plan.Plans
		var failed []string
		for _, d := range s.Domains {
			pl, err := m.planLines(ctx, d, retry)
			if ctx.Err() != nil {
				return common.Forward, ctx.Err()
			}
			if err != nil {
				failed = append(failed, d.Input.Domain)
				what, _ := Trouble(d.Input.Domain, err)
				lp.Say("")
				lp.Say("%s", what)
				continue
			}
			pl.Simulated = s.Simulated // the sheet says its commands are for the real domain
			plans = append(plans, pl)
			if quiet {
				continue
			}
			lp.Say("")
			if err := plan.WriteTextFor(lp.Out, pl, audience.Wizard); err != nil {
				return common.Forward, err
			}
		}
		retry = false
		lp.Save()
		if quiet && len(failed) == 0 {
			return common.Forward, nil
		}
		quiet = false
		lp.Say("")
		again := false
		for !again {
			keys := "b goes back to the other domains and the DMARC reports address, s saves these instructions to a text file per domain, h writes one hand-off sheet for whoever edits your DNS"
			if len(plans) > 1 {
				keys += " (all domains)"
			}
			if len(p.SPF.IPs) > 0 && p.SPF.Include != "" {
				if s.UseIPs {
					keys += ", i goes back to " + p.Name + "'s include in SPF"
				} else {
					keys += ", i lists " + p.Name + "'s addresses in SPF instead of its include"
				}
			}
			if len(failed) > 0 {
				keys += ", r looks " + strings.Join(failed, ", ") + " up again"
			}
			keys += common.ActionWords(m.actions)
			line, err := lp.Ask("Press Enter once the records are published to check them (" + keys + "): ")
			if err != nil {
				return common.Forward, err
			}
			switch strings.ToLower(line) {
			case "":
				if len(failed) > 0 {
					lp.Say("The records for %s could not be worked out: type r to look again, or b to go back and remove it.", strings.Join(failed, ", "))
					continue
				}
				return common.Forward, nil
			case "b":
				return common.Backward, nil
			case "r":
				retry, again = true, true
			case "s":
				for _, pl := range plans {
					path, err := SaveFS(m.fsys, m.dir(), pl)
					if err != nil {
						lp.Say("%s", m.failedSave("the records for "+pl.Domain, "s", err))
						break // the next s tries them all again (in the home folder, if offered)
					}
					lp.Say("%s", dnscheck.Printable("Saved "+m.noteSaved(pl.Domain, path)+" to "+path+"."))
					lp.Save()
				}
			case "h":
				md, page, err := plan.SaveHandoffFS(m.fsys, m.dir(), plans...)
				if err != nil {
					lp.Say("%s", m.failedSave("the hand-off sheet", "h", err))
				} else {
					msg := handoffSaved(md, page, plans, nil)
					m.noteHandoff(msg)
					lp.Say("%s", handoffText(msg))
					lp.Save()
				}
			case "i":
				s.UseIPs = !s.UseIPs
				again = true
			default:
				changed := s.ChangedAt
				if !common.RunActionLines(ctx, lp, m.actions, line, plans, s) {
					lp.Say("Press Enter, or type one of the letters.")
				}
				// DNS changed (the demo's publish keys): the records shown
				// are of an older read; they are worked out again.
				again = !s.ChangedAt.Equal(changed)
			}
		}
	}
}

// planLines works d's records out for the line prompts: looked up first
// when its read is not the newest (or retry is set and its lookup
// failed), then built and recorded in the session.
func (m *Model) planLines(ctx context.Context, d *session.Domain, retry bool) (plan.Plan, error) {
	s := m.sess
	if pl, ok := s.Plan(d); ok && s.Current(d) {
		return pl, nil
	}
	if (!s.Current(d) && d.LookupErr == "") || (retry && d.LookupErr != "") {
		s.Record(session.Discover(ctx, m.q, m.Platform, d.Input.Domain, m.prepare))
	}
	in, err := s.PlanInput(d)
	if err != nil {
		return plan.Plan{}, err
	}
	in.Addresses = m.addrs
	pl, err := session.Plan(ctx, m.q, m.Platform, in)
	if err != nil {
		return plan.Plan{}, err
	}
	s.SetPlan(in, pl)
	return pl, nil
}
