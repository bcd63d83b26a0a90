package records

import (
	"context"
	"errors"
	"strings"

	"github.com/outreach-auth/wizard/core/audience"
	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

// Prompt implements common.Prompter: it prints the records of every
// domain and waits until the person says they are published. A session
// resumed at the checks (common.CheckAtOnce) only builds them, once.
// Coming back from the checks (lp.Entered is Backward), each domain is
// looked up again first, as the screen does, so the records shown are
// those still to do (a record at a doubled name is to be deleted). b goes
// back to the other domains (and the DMARC reports address), as esc does
// on the screen.
func (m *Model) Prompt(ctx context.Context, lp *common.LinePrompt, st *common.State) (common.Direction, error) {
	snap, _ := common.Get[discovery.Snapshot](st)
	snaps := []discovery.Snapshot{snap}
	others, _ := common.Get[common.Others](st)
	for _, o := range others {
		snaps = append(snaps, o.Snap)
	}
	choice, _ := common.Get[plan.ProviderChoice](st)
	m.noteChoice(choice)
	m.reports, _ = common.Get[plan.ReportAddress](st)
	quiet, _ := common.Get[common.CheckAtOnce](st)
	if quiet {
		st.Put(common.CheckAtOnce(false))
	}
	if files, ok := common.Get[common.HandoffFiles](st); ok {
		m.files = files
	}
	// The files written stay listed (the runner forgets this step's
	// results when it asks it again).
	keep := func() {
		if len(m.files) > 0 {
			st.PutFrom(Name, m.files)
		}
	}
	keep()
	shown := func(plans plan.Plans) { st.PutFrom(Name, plans) }
	for _, s := range snaps {
		m.noteFirst(s)
	}
	plans, err := m.prompt(ctx, lp, snaps, choice, bool(quiet), lp.Entered == common.Backward, keep, shown)
	if errors.Is(err, errBack) {
		return common.Backward, nil
	}
	if err != nil {
		return common.Forward, err
	}
	st.PutFrom(Name, plans)
	if len(m.files) > 0 {
		st.PutFrom(Name, m.files)
	}
	return common.Forward, nil
}

// errBack is prompt's answer to b: back to the step before.
var errBack = errors.New("records: back")

// prompt shows the plans and answers the keys until Enter (or b:
// errBack); rediscover
// looks each domain up again before its first plan; kept is called after
// a file is written, shown with the plans once they are worked out (kept
// in the state then, as the screen does, so a q lists them).
func (m *Model) prompt(ctx context.Context, lp *common.LinePrompt, snaps []discovery.Snapshot, choice plan.ProviderChoice, quiet, rediscover bool, kept func(), shown func(plan.Plans)) (plan.Plans, error) {
	p := m.Platform
	useIPs := false
	for {
		var plans plan.Plans
		for i, snap := range snaps {
			opt := m.options(snap.Domain, useIPs)
			opt.ReportsFrom = domainsOf(snaps)
			pl, fresh, err := build(ctx, m.q, snap, p, opt, rediscover)
			if err != nil {
				return nil, err
			}
			if fresh != nil {
				snaps[i] = *fresh
			}
			plans = append(plans, pl)
			if quiet {
				continue
			}
			lp.Say("")
			if err := plan.WriteTextFor(lp.Out, pl, audience.Wizard); err != nil {
				return nil, err
			}
		}
		rediscover = false
		shown(plans)
		if quiet {
			return plans, nil
		}
		lp.Say("")
		for {
			keys := "b goes back to the other domains and the DMARC reports address, s saves these instructions to a text file per domain, h writes one hand-off sheet for whoever edits your DNS"
			if len(plans) > 1 {
				keys += " (all domains)"
			}
			if len(p.SPF.IPs) > 0 && p.SPF.Include != "" {
				if useIPs {
					keys += ", i goes back to " + p.Name + "'s include in SPF"
				} else {
					keys += ", i lists " + p.Name + "'s addresses in SPF instead of its include"
				}
			}
			keys += common.ActionWords(m.actions)
			line, err := lp.Ask("Press Enter once the records are published to check them (" + keys + "): ")
			if err != nil {
				return nil, err
			}
			switch strings.ToLower(line) {
			case "":
				return plans, nil
			case "b":
				return nil, errBack
			case "s":
				for _, pl := range plans {
					path, err := SaveFS(m.fsys, m.dir(), pl)
					if err != nil {
						lp.Say("%s", m.failedSave("the records for "+pl.Domain, "s", err))
						break // the next s tries them all again (in the home folder, if offered)
					}
					lp.Say("%s", dnscheck.Printable("Saved "+m.noteSaved(pl.Domain, path)+" to "+path+"."))
					kept()
				}
				continue
			case "h":
				md, page, err := plan.SaveHandoffFS(m.fsys, m.dir(), plans...)
				if err != nil {
					lp.Say("%s", m.failedSave("the hand-off sheet", "h", err))
				} else {
					msg := handoffSaved(md, page, plans, nil)
					m.noteHandoff(msg)
					lp.Say("%s", handoffText(msg))
					kept()
				}
				continue
			case "i":
				useIPs = !useIPs
			default:
				if !common.RunActionLines(ctx, lp, m.actions, line, plans) {
					lp.Say("Press Enter, or type one of the letters.")
				}
				continue
			}
			break
		}
	}
}

// domainsOf returns the domains of snaps: the session's, whose reports
// may go to one of them (plan.Options.ReportsFrom).
func domainsOf(snaps []discovery.Snapshot) []string {
	out := make([]string, len(snaps))
	for i, s := range snaps {
		out[i] = s.Domain
	}
	return out
}
