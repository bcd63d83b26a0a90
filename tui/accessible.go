package tui

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/steps/advice"
	"github.com/outreach-auth/wizard/steps/discovery"
	"github.com/outreach-auth/wizard/steps/domain"
	"github.com/outreach-auth/wizard/steps/provider"
	"github.com/outreach-auth/wizard/steps/records"
	"github.com/outreach-auth/wizard/steps/verify"
	"github.com/outreach-auth/wizard/steps/welcome"
	"github.com/outreach-auth/wizard/tui/common"
)

// ErrInputEnded is returned by RunAccessible when its input ends before
// the wizard does.
var ErrInputEnded = errors.New("tui: input ended before the wizard finished")

// errQuit ends the accessible wizard at the person's request.
var errQuit = errors.New("tui: quit")

// RunAccessible runs the same steps as Run as plain line prompts: one
// question per line, answered with a line, no cursor movement and no
// colour, for screen readers, TERM=dumb and input that is not a terminal.
// It ends with the same advice. Typing q at any prompt stops, printing the
// summary so far.
func RunAccessible(ctx context.Context, cfg Config, in io.Reader, out io.Writer) error {
	a := &accessible{ctx: ctx, cfg: cfg, p: cfg.Platform, in: bufio.NewReader(in), out: out, st: common.NewState()}
	err := a.run()
	if errors.Is(err, errQuit) {
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
	in  *bufio.Reader
	out io.Writer
	st  *common.State
}

func (a *accessible) say(format string, args ...any) {
	fmt.Fprintf(a.out, format+"\n", args...)
}

// ask prints prompt and reads one line, trimmed; "q" quits.
func (a *accessible) ask(prompt string) (string, error) {
	fmt.Fprint(a.out, prompt)
	line, err := a.in.ReadString('\n')
	if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
		a.say("")
		if errors.Is(err, io.EOF) {
			return "", ErrInputEnded
		}
		return "", fmt.Errorf("tui: reading the answer: %w", err)
	}
	line = strings.TrimSpace(line)
	if strings.EqualFold(line, "q") || strings.EqualFold(line, "quit") {
		return "", errQuit
	}
	return line, nil
}

func (a *accessible) run() error {
	p := a.p
	lead, happen, need, note := welcome.Intro(p)
	a.say("%s (plain prompts).", welcome.Heading(p))
	a.say("%s", lead)
	a.say("What will happen:")
	for i, s := range happen {
		a.say("  %d. %s", i+1, s)
	}
	a.say("What you need:")
	for _, s := range need {
		a.say("  - %s", s)
	}
	a.say("%s Type q at any question to stop.", note)
	a.say("")

	in, err := a.askDomain()
	if err != nil {
		return err
	}
	a.st.PutFrom(1, in)

	snap, err := a.discover(in.Domain)
	if err != nil {
		return err
	}
	a.st.PutFrom(2, snap)

	choice, err := a.askProvider(snap)
	if err != nil {
		return err
	}
	a.st.PutFrom(3, choice)

	for {
		plan, err := a.records(snap, choice)
		if err != nil {
			return err
		}
		a.st.Forget(3)
		a.st.PutFrom(4, plan)
		reps, back, err := a.verify(in.Domain, choice, plan)
		if err != nil {
			return err
		}
		if back {
			continue
		}
		a.st.PutFrom(5, reps)
		a.advice(reps)
		return nil
	}
}

func (a *accessible) askDomain() (domain.Input, error) {
	for {
		line, err := a.ask("Your mail domain, or one of your staff's email addresses: ")
		if err != nil {
			return domain.Input{}, err
		}
		in, err := domain.Normalize(line)
		if err != nil {
			a.say("%s", dnscheck.Printable(err.Error()))
			var de *domain.Error
			if errors.As(err, &de) && de.Suggestion != "" {
				a.say("Did you mean %s? Type it to use it.", de.Suggestion)
			}
			continue
		}
		for _, n := range in.Notes() {
			a.say("%s", dnscheck.Printable(n))
		}
		a.say("Using %s.", in.Domain)
		return in, nil
	}
}

func (a *accessible) discover(d string) (discovery.Snapshot, error) {
	for {
		a.say("")
		a.say("Looking up %s: name servers, mail servers, SPF, DKIM and DMARC...", d)
		var err error
		if a.cfg.Prepare != nil {
			err = a.cfg.Prepare(a.ctx, d)
		}
		if err == nil {
			snap := discovery.Discover(a.ctx, a.cfg.Resolver, d, a.p)
			a.say("What %s publishes today:", d)
			for _, f := range discovery.Facts(snap) {
				a.say("  %s: %s", f.Label, f.Value)
			}
			return snap, nil
		}
		a.say("Could not look up %s: %s", d, dnscheck.Printable(err.Error()))
		if _, err := a.ask("Press Enter to try again (q stops): "); err != nil {
			return discovery.Snapshot{}, err
		}
	}
}

func (a *accessible) askProvider(snap discovery.Snapshot) (provider.Choice, error) {
	a.say("")
	if a.cfg.Provider != nil {
		a.say("Mail provider: %s (as given with --provider).", a.cfg.Provider.Name)
		return provider.Choice{Provider: *a.cfg.Provider}, nil
	}
	a.say("Who handles your organisation's own mail? Its SPF part stays in the record beside %s's.", a.p.Name)
	switch {
	case snap.ProviderFound:
		a.say("Your MX points to %s (%s).", snap.Provider.Name, dnscheck.Printable(snap.ProviderMX))
	case len(snap.MX) > 0:
		a.say("Your MX (%s) matches no provider in the list: choose yours, or Other to type its SPF include.", dnscheck.Printable(snap.MX[0]))
	default:
		a.say("The domain has no MX records, so it may send no mail of its own.")
	}
	all := assets.Providers()
	def := -1
	for i, p := range all {
		mark := ""
		if snap.ProviderFound && p.ID == snap.Provider.ID {
			mark, def = " (detected)", i
		}
		if def < 0 && !snap.ProviderFound && len(snap.MX) == 0 && p.Kind == assets.KindNone {
			def = i
		}
		a.say("  %d. %s%s", i+1, p.Name, mark)
	}
	prompt := fmt.Sprintf("Number of your provider (1 to %d): ", len(all))
	if def >= 0 {
		prompt = fmt.Sprintf("Number of your provider, or Enter for %s: ", all[def].Name)
	}
	for {
		line, err := a.ask(prompt)
		if err != nil {
			return provider.Choice{}, err
		}
		i := def
		if line != "" {
			n, err := strconv.Atoi(line)
			if err != nil || n < 1 || n > len(all) {
				a.say("Type a number from 1 to %d.", len(all))
				continue
			}
			i = n - 1
		}
		if i < 0 {
			a.say("Type a number from 1 to %d.", len(all))
			continue
		}
		p := all[i]
		if p.Kind != assets.KindOther {
			a.say("Mail provider: %s.", p.Name)
			return provider.Choice{Provider: p, Detected: snap.ProviderFound && p.ID == snap.Provider.ID}, nil
		}
		for {
			spec, err := a.ask("Your provider's SPF include or sending addresses, separated by spaces: ")
			if err != nil {
				return provider.Choice{}, err
			}
			cp, err := assets.CustomProvider(spec)
			if err != nil {
				a.say("%s", dnscheck.Printable(strings.TrimPrefix(err.Error(), "assets: ")))
				continue
			}
			a.say("Will authorise %s.", strings.Join(cp.SPFTerms(), " "))
			return provider.Choice{Provider: cp}, nil
		}
	}
}

func (a *accessible) records(snap discovery.Snapshot, choice provider.Choice) (records.Plan, error) {
	useIPs := false
	for {
		plan, err := records.Build(a.ctx, a.cfg.Resolver, snap, a.p, records.Options{Provider: choice.Option(), UseIPs: useIPs})
		if err != nil {
			return plan, err
		}
		a.say("")
		if err := records.WriteText(a.out, plan); err != nil {
			return plan, err
		}
		a.say("")
		for {
			keys := "s saves these instructions to a file"
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
				return plan, err
			}
			switch strings.ToLower(line) {
			case "":
				return plan, nil
			case "s":
				path, err := records.Save(a.cfg.SaveDir, plan)
				if err != nil {
					a.say("%s", dnscheck.Printable(err.Error()))
				} else {
					a.say("Saved the instructions to %s.", dnscheck.Printable(path))
				}
				continue
			case "i":
				useIPs = !useIPs
			default:
				if !a.action(line, plan) {
					a.say("Press Enter, or type one of the letters.")
				}
				continue
			}
			break
		}
	}
}

// action runs the extra key typed, reporting whether there is one.
func (a *accessible) action(typed string, plan records.Plan) bool {
	for _, act := range a.cfg.Actions {
		for _, k := range act.Key.Keys() {
			if k == typed {
				text, err := act.Run(a.ctx, plan)
				if err != nil {
					a.say("%s", dnscheck.Printable(err.Error()))
				} else {
					a.say("%s", dnscheck.Printable(text))
				}
				return true
			}
		}
	}
	return false
}

// verify checks until the domain is ready, or the person skips or goes
// back (back true).
func (a *accessible) verify(d string, choice provider.Choice, plan records.Plan) ([]dnscheck.DomainReport, bool, error) {
	exp, _ := verify.Expect(a.p, choice.Option(), nil)
	exp.DNSHostName = plan.DNSHost
	var last dnscheck.DomainReport
	have := false
	check := func() {
		a.say("")
		a.say("Checking %s...", d)
		r := a.cfg.Checker.Check(a.ctx, d, exp)
		if !have {
			verify.WriteReport(a.out, r, verify.Styles{})
		} else if ch := verify.Changes(last, r); len(ch) > 0 {
			a.say("Since the last check:")
			for _, c := range ch {
				a.say("  %s", dnscheck.Printable(c))
			}
			verify.WriteReport(a.out, r, verify.Styles{})
		} else {
			a.say("No change since the last check.")
		}
		last, have = r, true
		if r.Ready {
			a.say("SPF and DKIM pass: %s is ready.", d)
		}
	}
	check()
	for !last.Ready {
		line, err := a.ask("Not ready yet. Press Enter to check again, w to keep checking until it passes, b to go back to the records, s to skip to the advice: ")
		if err != nil {
			return nil, false, err
		}
		switch strings.ToLower(line) {
		case "":
			check()
		case "w":
			var wait time.Duration
			for !last.Ready {
				wait = verify.NextInterval(wait)
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
			return []dnscheck.DomainReport{last}, false, nil
		default:
			if !a.action(line, plan) {
				a.say("Press Enter, or type w, b or s.")
			}
		}
	}
	return []dnscheck.DomainReport{last}, false, nil
}

func (a *accessible) advice(reps []dnscheck.DomainReport) {
	p := a.p
	adv := advice.Advise(reps, p)
	a.say("")
	a.say("What to do with %s's sender setting.", p.Name)
	for _, r := range adv.Reasons {
		a.say("%s", dnscheck.Printable(r))
	}
	a.say("The three options:")
	for i, c := range advice.Choices(p) {
		fits := ""
		if c.Key == adv.Option {
			fits = " This one fits your result."
		}
		a.say("  %d. %s.%s When: %s. %s", i+1, c.Title, fits, c.When, c.Effect)
	}
	a.say("The setting: %q, in %s. Turn it %s.", p.Setting.Label, p.Setting.Location, strings.ToUpper(adv.Checkbox))
	for _, r := range reps {
		state := r.DMARC.Status
		if r.DMARC.Policy != "" {
			state += ", policy " + r.DMARC.Policy
		}
		a.say("DMARC for %s: %s.", r.Domain, dnscheck.Printable(state))
		if s := advice.DMARCStep(r); s != "" {
			a.say("%s", dnscheck.Printable(s))
		}
	}
	a.say("Next steps:")
	for i, s := range adv.NextSteps {
		a.say("  %d. %s", i+1, dnscheck.Printable(s))
	}
}
