package advice

import (
	"context"
	"errors"
	"strings"

	"github.com/outreach-auth/wizard/core/advice"
	"github.com/outreach-auth/wizard/core/audience"
	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

// Prompt implements common.Prompter: the advice on the platform's sender
// setting for the reports in st, DMARC a domain (what to do about it is
// said once, in the next steps), and the next steps. It then offers b,
// back to the checks, as the screen's esc/b does. In the demo (a test message maker, WithTestMessage) it offers
// v, as the screen does: a test message for the first domain checked,
// whose path (common.MessageFile) the confirm step verifies at once.
func (m *Model) Prompt(ctx context.Context, lp *common.LinePrompt, s *session.Session) (common.Direction, error) {
	p := m.Platform
	reps := s.Reports()
	dec := session.Decide(p, s, audience.Wizard)
	adv := dec.Advice
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
	lp.Say("The setting: %q, in %s. Turn it %s.", p.Setting.Label, p.Setting.Location, strings.ToUpper(dec.Checkbox))
	if dec.ByMessage {
		lp.Say("Why: %s", dnscheck.Printable(dec.Why))
	}
	for _, msg := range s.Messages {
		lp.Say("%s", dnscheck.Printable(s.MessageNote(msg)))
	}
	for _, r := range reps {
		state := checks.DMARCWords(r.DMARC.State(), p.Name)
		if r.DMARC.Inherited() {
			state += " (managed by whoever runs " + r.DMARC.InheritedFrom() + "'s DNS)"
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
	// The advice may send the person back (to the checks, or on to the
	// records and the other domains): b goes there, as esc/b does on
	// the screen.
	domain := ""
	if m.makeMessage != nil && len(reps) > 0 {
		domain = reps[0].Domain
	}
	return m.promptNext(ctx, lp, s, domain)
}

// promptNext asks what next: b goes back to the checks, and in the demo
// (domain set) v writes a test message for domain and stores its path as
// the step's result. Enter, or input that ends here (a script's), goes
// on; a message that could not be written is said, and the question
// asked again.
func (m *Model) promptNext(ctx context.Context, lp *common.LinePrompt, s *session.Session, domain string) (common.Direction, error) {
	question, retry := "Press Enter to go on, or type b to go back to the checks: ", "Type b, or press Enter."
	if domain != "" {
		question = "Type v to write a test message from the simulated Neoserra" + m.messageWhere() + " and check it, b to go back to the checks, or press Enter to go on: "
		retry = "Type v or b, or press Enter."
	}
	for {
		line, err := lp.Ask(question)
		if errors.Is(err, common.ErrInputEnded) {
			return common.Forward, nil
		}
		if err != nil {
			return common.Forward, err
		}
		switch strings.ToLower(line) {
		case "":
			return common.Forward, nil
		case "b":
			return common.Backward, nil
		case "v":
			if domain == "" {
				lp.Say("%s", retry)
				continue
			}
			path, err := m.makeMessage(ctx, domain)
			if err != nil {
				lp.Say("Could not write the test message: %s.", dnscheck.Printable(err.Error()))
				continue
			}
			lp.Say("Wrote a test message for %s to %s.", domain, dnscheck.Printable(path))
			s.MessageFile = path
			s.AddFile(session.SavedFile{Path: path, Holds: "the demo's test message, signed as " + m.Platform.Name + " signs"})
			return common.Forward, nil
		default:
			lp.Say("%s", retry)
		}
	}
}
