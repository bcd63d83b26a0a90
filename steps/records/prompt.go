package records

import (
	"context"
	"fmt"
	"strings"

	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

// Prompt implements common.Prompter: it prints the records of every
// domain and waits until the person says they are published. A session
// resumed at the checks (common.CheckAtOnce) only builds them, once.
func (m *Model) Prompt(ctx context.Context, lp *common.LinePrompt, st *common.State) (common.Direction, error) {
	snap, _ := common.Get[discovery.Snapshot](st)
	snaps := []discovery.Snapshot{snap}
	others, _ := common.Get[common.Others](st)
	for _, o := range others {
		snaps = append(snaps, o.Snap)
	}
	choice, _ := common.Get[plan.ProviderChoice](st)
	m.reports, _ = common.Get[plan.ReportAddress](st)
	quiet, _ := common.Get[common.CheckAtOnce](st)
	if quiet {
		st.Put(common.CheckAtOnce(false))
	}
	plans, err := m.prompt(ctx, lp, snaps, choice, bool(quiet))
	if err != nil {
		return common.Forward, err
	}
	st.PutFrom(Name, plans)
	return common.Forward, nil
}

func (m *Model) prompt(ctx context.Context, lp *common.LinePrompt, snaps []discovery.Snapshot, choice plan.ProviderChoice, quiet bool) (plan.Plans, error) {
	p := m.Platform
	useIPs := false
	for {
		var plans plan.Plans
		for _, snap := range snaps {
			pl, err := plan.Build(ctx, m.q, snap, p, plan.Options{Provider: choice.Option(), UseIPs: useIPs, DMARCReports: string(m.reports)})
			if err != nil {
				return nil, err
			}
			plans = append(plans, pl)
			if quiet {
				continue
			}
			lp.Say("")
			if err := plan.WriteText(lp.Out, pl); err != nil {
				return nil, err
			}
		}
		if quiet {
			return plans, nil
		}
		lp.Say("")
		for {
			keys := "s saves these instructions to a file, h writes a hand-off sheet for whoever edits your DNS"
			if len(p.SPF.IPs) > 0 && p.SPF.Include != "" {
				if useIPs {
					keys += ", i goes back to the platform's include in SPF"
				} else {
					keys += ", i lists the platform's addresses in SPF instead of its include"
				}
			}
			for _, act := range m.actions {
				keys += fmt.Sprintf(", %s: %s", act.Key.Help().Key, act.Key.Help().Desc)
			}
			line, err := lp.Ask("Press Enter once the records are published to check them (" + keys + "): ")
			if err != nil {
				return nil, err
			}
			switch strings.ToLower(line) {
			case "":
				return plans, nil
			case "s":
				for _, pl := range plans {
					path, err := Save(m.saveDir, pl)
					if err != nil {
						lp.Say("%s", dnscheck.Printable(err.Error()))
					} else {
						lp.Say("Saved the instructions for %s to %s.", pl.Domain, dnscheck.Printable(path))
					}
				}
				continue
			case "h":
				md, page, err := plan.SaveHandoff(m.saveDir, plans...)
				if err != nil {
					lp.Say("%s", dnscheck.Printable(err.Error()))
				} else {
					lp.Say("Saved the hand-off sheet to %s and %s.", dnscheck.Printable(md), dnscheck.Printable(page))
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
