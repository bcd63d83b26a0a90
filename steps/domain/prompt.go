package domain

import (
	"context"
	"errors"

	"github.com/outreach-auth/wizard/core/domainname"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

// Prompt implements common.Prompter: it asks for the mail domain until it
// is one. A domain already in s (a resumed session) is kept; coming back
// to it (b at a later question) asks again, Enter keeping it. It is the
// first question: b says there is nothing before it.
func (m *Model) Prompt(_ context.Context, lp *common.LinePrompt, s *session.Session) (common.Direction, error) {
	first := s.First()
	if first != nil && lp.Entered != common.Backward {
		return common.Forward, nil
	}
	question := "Your mail domain, or one of your staff's email addresses: "
	if first != nil {
		question = "Your mail domain, or Enter to keep " + first.Input.Domain + ": "
	}
	for {
		line, err := lp.Ask(question)
		if err != nil {
			return common.Forward, err
		}
		if first != nil && line == "" {
			lp.Say("Using %s.", first.Input.Domain)
			return common.Forward, nil
		}
		if common.IsBack(line) {
			lp.Say("This is the first question: there is nothing before it. Type your domain, or q to stop.")
			continue
		}
		in, err := domainname.NormalizeField(line)
		if err != nil {
			lp.Say("%s", dnscheck.Printable(err.Error()))
			var de *domainname.Error
			if errors.As(err, &de) && de.Suggestion != "" {
				lp.Say("Did you mean %s? Type it to use it.", de.Suggestion)
			}
			continue
		}
		for _, n := range in.Notes() {
			lp.Say("%s", dnscheck.Printable(n))
		}
		lp.Say("Using %s.", in.Domain)
		s.SetFirst(in)
		return common.Forward, nil
	}
}
