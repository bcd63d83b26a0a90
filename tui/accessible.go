package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/statefile"
	advicestep "github.com/outreach-auth/wizard/steps/advice"
	discoverystep "github.com/outreach-auth/wizard/steps/discovery"
	"github.com/outreach-auth/wizard/steps/domain"
	"github.com/outreach-auth/wizard/steps/domains"
	"github.com/outreach-auth/wizard/steps/provider"
	"github.com/outreach-auth/wizard/steps/records"
	"github.com/outreach-auth/wizard/steps/verify"
	"github.com/outreach-auth/wizard/steps/welcome"
	"github.com/outreach-auth/wizard/tui/common"
)

// ErrInputEnded is returned by RunAccessible when its input ends before
// the wizard does.
var ErrInputEnded = common.ErrInputEnded

// RunAccessible runs the same steps as Run as plain line prompts: one
// question per line, answered with a line, no cursor movement and no
// colour, for screen readers, TERM=dumb and input that is not a terminal.
// It ends with the same advice. Typing q at any prompt stops, printing the
// summary so far.
func RunAccessible(ctx context.Context, cfg Config, in io.Reader, out io.Writer) error {
	a := &accessible{ctx: ctx, cfg: cfg, p: cfg.Platform, lp: common.NewLinePrompt(in, out), out: out, st: common.NewState(),
		steps: map[common.StepName]common.Step{}}
	steps := Steps(common.NewCommon(ctx, cfg.Platform), cfg)
	a.st.SetOrder(stepNames(steps))
	for _, s := range steps {
		a.steps[common.StepName(s.Title())] = s
	}
	err := a.run()
	if errors.Is(err, common.ErrQuit) {
		a.say("")
		if s := SummaryText(a.p, a.st); s != "" {
			io.WriteString(out, s)
		}
		return nil
	}
	return err
}

type accessible struct {
	ctx context.Context
	cfg Config
	p   *assets.Platform
	lp  *common.LinePrompt
	out io.Writer
	st  *common.State
	// steps are the wizard's steps, by name.
	steps map[common.StepName]common.Step
	// saveFailed stops saving after a failure has been said.
	saveFailed bool
}

func (a *accessible) say(format string, args ...any) { a.lp.Say(format, args...) }

// ask prints prompt and reads one line, trimmed; "q" quits.
func (a *accessible) ask(prompt string) (string, error) { return a.lp.Ask(prompt) }

// prompt runs the line-prompt form of the step named name.
func (a *accessible) prompt(name common.StepName) (common.Direction, error) {
	return a.steps[name].(common.Prompter).Prompt(a.ctx, a.lp, a.st)
}

func (a *accessible) run() error {
	if _, err := a.prompt(welcome.Name); err != nil {
		return err
	}
	checkAtOnce, err := a.offerResume()
	if err != nil {
		return err
	}
	if _, err := a.prompt(domain.Name); err != nil {
		return err
	}
	a.save(discoverystep.Name)

	for {
		if _, err := a.prompt(discoverystep.Name); err != nil {
			return err
		}
		dir, err := a.prompt(provider.Name)
		if err != nil {
			return err
		}
		if dir == common.Forward {
			break
		}
	}
	choice, _ := common.Get[plan.ProviderChoice](a.st)
	a.save(domains.Name)

	if _, err := a.prompt(domains.Name); err != nil {
		return err
	}
	snap, _ := common.Get[discovery.Snapshot](a.st)
	others, _ := common.Get[common.Others](a.st)
	a.save(records.Name)
	snaps := []discovery.Snapshot{snap}
	for _, o := range others {
		snaps = append(snaps, o.Snap)
	}

	for {
		// A session resumed at the checks checks at once; the records
		// are a b away.
		plans, err := a.records(snaps, choice, checkAtOnce)
		checkAtOnce = false
		if err != nil {
			return err
		}
		a.st.Forget(domains.Name)
		a.st.PutFrom(records.Name, plans)
		a.save(verify.Name)
		_, back, err := a.verify(choice, plans)
		if err != nil {
			return err
		}
		if back {
			continue
		}
		a.save(advicestep.Name)
		_, err = a.prompt(advicestep.Name)
		return err
	}
}

// offerResume asks whether to resume the progress saved last time; the
// person's answers restored go into the state as given values, and
// checkAtOnce says the session had reached the checks.
func (a *accessible) offerResume() (checkAtOnce bool, err error) {
	prog := a.cfg.Resume
	if !prog.Resumable(a.p) {
		return false, nil
	}
	a.say("%s", prog.Summary())
	for _, l := range prog.LastCheck() {
		a.say("  Last check of %s.", l.Text)
	}
	for {
		line, err := a.ask("Press Enter to resume (the domains are looked up and checked again), or f to start fresh: ")
		if err != nil {
			return false, err
		}
		switch strings.ToLower(line) {
		case "f":
			a.forget()
			return false, nil
		case "":
			r, err := restore(*prog)
			if err != nil {
				a.say("Could not resume: %s. Starting fresh.", strings.TrimPrefix(err.Error(), "tui: "))
				return false, nil
			}
			for _, v := range r.answers {
				a.st.Put(v)
			}
			return r.at == r.reportsOf, nil
		}
		a.say("Press Enter or type f.")
	}
}

// forget removes the saved progress (the person chose to start fresh).
func (a *accessible) forget() {
	if a.cfg.ProgressPath == "" {
		return
	}
	if err := statefile.Remove(a.cfg.ProgressPath); err != nil {
		a.say("Could not remove the saved progress: %s.", dnscheck.Printable(err.Error()))
	}
}

// save writes the progress at step, when progress is saved; a failure is
// said once.
func (a *accessible) save(step common.StepName) {
	if a.cfg.ProgressPath == "" || a.saveFailed {
		return
	}
	prog, ok := progressFrom(a.p, a.st, step, time.Now())
	if !ok {
		return
	}
	if err := statefile.Save(a.cfg.ProgressPath, prog); err != nil {
		a.saveFailed = true
		a.say("Could not save your progress (%s); the wizard goes on, but cannot resume after quitting.", dnscheck.Printable(err.Error()))
	}
}

// records prints the records of every domain and waits until the person
// says they are published; quiet only builds them (a session resumed at
// the checks).
func (a *accessible) records(snaps []discovery.Snapshot, choice plan.ProviderChoice, quiet bool) (plan.Plans, error) {
	useIPs := false
	for {
		var plans plan.Plans
		for _, snap := range snaps {
			pl, err := plan.Build(a.ctx, a.cfg.Resolver, snap, a.p, plan.Options{Provider: choice.Option(), UseIPs: useIPs})
			if err != nil {
				return nil, err
			}
			plans = append(plans, pl)
			if quiet {
				continue
			}
			a.say("")
			if err := plan.WriteText(a.out, pl); err != nil {
				return nil, err
			}
		}
		if quiet {
			return plans, nil
		}
		a.say("")
		for {
			keys := "s saves these instructions to a file, h writes a hand-off sheet for whoever edits your DNS"
			if len(a.p.SPF.IPs) > 0 && a.p.SPF.Include != "" {
				if useIPs {
					keys += ", i goes back to the platform's include in SPF"
				} else {
					keys += ", i lists the platform's addresses in SPF instead of its include"
				}
			}
			for _, act := range a.cfg.Actions {
				keys += fmt.Sprintf(", %s: %s", act.Key.Help().Key, act.Key.Help().Desc)
			}
			line, err := a.ask("Press Enter once the records are published to check them (" + keys + "): ")
			if err != nil {
				return nil, err
			}
			switch strings.ToLower(line) {
			case "":
				return plans, nil
			case "s":
				for _, pl := range plans {
					path, err := records.Save(a.cfg.SaveDir, pl)
					if err != nil {
						a.say("%s", dnscheck.Printable(err.Error()))
					} else {
						a.say("Saved the instructions for %s to %s.", pl.Domain, dnscheck.Printable(path))
					}
				}
				continue
			case "h":
				md, page, err := plan.SaveHandoff(a.cfg.SaveDir, plans...)
				if err != nil {
					a.say("%s", dnscheck.Printable(err.Error()))
				} else {
					a.say("Saved the hand-off sheet to %s and %s.", dnscheck.Printable(md), dnscheck.Printable(page))
				}
				continue
			case "i":
				useIPs = !useIPs
			default:
				if !a.action(line, plans) {
					a.say("Press Enter, or type one of the letters.")
				}
				continue
			}
			break
		}
	}
}

// action runs the extra key typed for every plan, reporting whether there
// is one.
func (a *accessible) action(typed string, plans plan.Plans) bool {
	for _, act := range a.cfg.Actions {
		for _, k := range act.Key.Keys() {
			if k != typed {
				continue
			}
			for _, p := range plans {
				text, err := act.Run(a.ctx, p)
				if err != nil {
					text = err.Error()
				}
				if len(plans) > 1 {
					text = p.Domain + ": " + text
				}
				a.say("%s", dnscheck.Printable(text))
			}
			return true
		}
	}
	return false
}

// verify checks every domain until all are ready, or the person skips or
// goes back (back true).
func (a *accessible) verify(choice plan.ProviderChoice, plans plan.Plans) ([]dnscheck.DomainReport, bool, error) {
	base, _ := checks.Expect(a.p, choice.Option(), nil)
	names := make([]string, len(plans))
	exps := make([]dnscheck.Expectation, len(plans))
	for i, pl := range plans {
		names[i], exps[i] = pl.Domain, base
		exps[i].DNSHostName = pl.DNSHost
	}
	var last []dnscheck.DomainReport
	check := func() {
		a.say("")
		a.say("Checking %s...", strings.Join(names, ", "))
		reps := checks.CheckEach(a.ctx, a.cfg.Checker, names, exps)
		if a.ctx.Err() != nil {
			return // lookups cut short (a signal): not results to show or save
		}
		if set, ok := checks.PlatformIPsOf(reps); ok {
			if note := checks.PlatformIPsNote(set); note != "" {
				a.say("%s", dnscheck.Printable(note))
			}
		}
		for i, r := range reps {
			if last == nil {
				checks.WriteReport(a.out, r, checks.Styles{})
				continue
			}
			if ch := checks.Changes(last[i], r); len(ch) > 0 {
				a.say("Since the last check:")
				for _, c := range ch {
					a.say("  %s", dnscheck.Printable(c))
				}
				checks.WriteReport(a.out, r, checks.Styles{})
			} else {
				a.say("%s: no change since the last check.", r.Domain)
			}
		}
		last = reps
		a.st.PutFrom(verify.Name, reps)
		a.st.PutFrom(verify.Name, verify.CheckedAt(time.Now()))
		a.save(verify.Name)
		if allReady(reps) {
			if len(reps) == 1 {
				a.say("SPF and DKIM pass: %s is ready.", names[0])
			} else {
				a.say("SPF and DKIM pass: all %d domains are ready.", len(reps))
			}
		}
	}
	check()
	for !allReady(last) {
		line, err := a.ask("Not ready yet. Press Enter to check again, w to keep checking until it passes, b to go back to the records, s to skip to the advice: ")
		if err != nil {
			return nil, false, err
		}
		switch strings.ToLower(line) {
		case "":
			check()
		case "w":
			var wait time.Duration
			for !allReady(last) {
				wait = checks.NextInterval(wait)
				a.say("Checking again in %d seconds (Ctrl+C stops).", int(wait/time.Second))
				select {
				case <-a.ctx.Done():
					return nil, false, a.ctx.Err()
				case <-time.After(wait):
				}
				check()
			}
		case "b":
			return nil, true, nil
		case "s":
			return last, false, nil
		default:
			if !a.action(line, plans) {
				a.say("Press Enter, or type w, b or s.")
			}
		}
	}
	return last, false, nil
}

func allReady(reports []dnscheck.DomainReport) bool {
	for _, r := range reports {
		if !r.Ready {
			return false
		}
	}
	return len(reports) > 0
}
