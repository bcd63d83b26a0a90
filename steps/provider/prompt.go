package provider

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

// Prompt implements common.Prompter: the providers as a numbered list,
// the one proposed from the domain's MX the default, or the SPF include
// typed in for Other. A choice already confirmed in s (a resumed
// session) is kept; coming back to the question (b at a later one) asks
// it again, Enter keeping that choice. b goes back to the domain
// question; when the domain's MX lookup failed, r goes back to look it
// up again. For the other domains (NewForOthers) it asks the same for
// each domain looked up whose provider is not confirmed yet.
func (m *Model) Prompt(_ context.Context, lp *common.LinePrompt, s *session.Session) (common.Direction, error) {
	if m.preset != nil {
		if lp.Entered == common.Backward {
			return common.Backward, nil // nothing to ask: on back
		}
		m.Enter(s, common.Forward) // every domain's provider is the preset
		if !m.others {
			lp.Say("")
			lp.Say("Mail provider: %s (as given with --provider).", m.preset.Name)
		}
		return common.Forward, nil
	}
	for {
		d := target(s, m.others)
		if d == nil {
			return lp.Entered, nil
		}
		if !m.others && d.ProviderConfirmed && lp.Entered != common.Backward {
			lp.Say("Mail provider: %s (as chosen last time).", d.Provider.Provider.Name)
			return common.Forward, nil
		}
		var current *plan.ProviderChoice
		if d.ProviderConfirmed {
			c := d.Provider
			current = &c
		}
		if m.others {
			lp.Say("")
			lp.Say("The mail provider of %s:", d.Input.Domain)
		}
		choice, back, err := m.ask(lp, d.Snap, current)
		if errors.Is(err, common.ErrBack) {
			return common.Backward, nil
		}
		if err != nil || back {
			lp.Again = back // the discovery looks again rather than pass on back
			return common.Backward, err
		}
		s.SetProvider(d.Input.Domain, choice, true)
		if !m.others {
			return common.Forward, nil
		}
	}
}

// ask asks for the provider; back is set when the person asked to look
// the domain up again, and err is common.ErrBack when they typed b.
// current (nil: none) is the choice made before, which Enter keeps.
func (m *Model) ask(lp *common.LinePrompt, snap discovery.Snapshot, current *plan.ProviderChoice) (choice plan.ProviderChoice, back bool, err error) {
	lp.Say("")
	if m.preset != nil {
		lp.Say("Mail provider: %s (as given with --provider).", m.preset.Name)
		return plan.ProviderChoice{Provider: *m.preset}, false, nil
	}
	lp.Say("Who handles your organisation's own mail? Its SPF part stays in the record beside %s's.", m.Platform.Name)
	lp.Say("%s", plan.WhyProvider(snap))
	_, lookAgain := snap.MXUnknown()
	proposed, propose := plan.ProposedProvider(snap)
	all := assets.Providers()
	def := -1
	for i, p := range all {
		mark := ""
		if snap.ProviderFound && p.ID == snap.Provider.ID {
			mark = " (detected)"
		}
		if propose && p.ID == proposed.ID && def < 0 {
			def = i
		}
		lp.Say("  %d. %s%s", i+1, p.Name, mark)
	}
	prompt := fmt.Sprintf("Number of your provider (1 to %d), or b to go back: ", len(all))
	switch {
	case current != nil:
		prompt = fmt.Sprintf("Number of your provider, Enter to keep %s, or b to go back: ", current.Provider.Name)
	case def >= 0:
		prompt = fmt.Sprintf("Number of your provider, Enter for %s, or b to go back: ", all[def].Name)
	case lookAgain:
		prompt = fmt.Sprintf("Number of your provider (1 to %d), r to look the domain up again, or b to go back: ", len(all))
	}
	for {
		line, err := lp.Ask(prompt)
		if err != nil {
			return plan.ProviderChoice{}, false, err
		}
		if common.IsBack(line) {
			return plan.ProviderChoice{}, false, common.ErrBack
		}
		if lookAgain && strings.EqualFold(line, "r") {
			return plan.ProviderChoice{}, true, nil
		}
		if current != nil && line == "" {
			lp.Say("Mail provider: %s.", current.Provider.Name)
			return *current, false, nil
		}
		i := def
		if line != "" {
			n, err := strconv.Atoi(line)
			if err != nil || n < 1 || n > len(all) {
				lp.Say("Type a number from 1 to %d, or b to go back.", len(all))
				continue
			}
			i = n - 1
		}
		if i < 0 {
			lp.Say("Type a number from 1 to %d, or b to go back.", len(all))
			continue
		}
		p := all[i]
		if p.Kind != assets.KindOther {
			lp.Say("Mail provider: %s.", p.Name)
			return plan.ProviderChoice{Provider: p, Detected: snap.ProviderFound && p.ID == snap.Provider.ID}, false, nil
		}
		back := false
		for !back {
			spec, err := lp.Ask("Your provider's SPF include or sending addresses, separated by spaces, or b to choose again: ")
			if err != nil {
				return plan.ProviderChoice{}, false, err
			}
			if common.IsBack(spec) {
				back = true // back to the list's question
				continue
			}
			cp, err := assets.CustomProvider(spec)
			if err != nil {
				lp.Say("%s", dnscheck.Printable(strings.TrimPrefix(err.Error(), "assets: ")))
				continue
			}
			lp.Say("Will authorise %s.", strings.Join(cp.SPFTerms(), " "))
			return plan.ProviderChoice{Provider: cp}, false, nil
		}
	}
}
