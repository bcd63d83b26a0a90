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
// is one. A domain already in s (a resumed session) is kept.
func (m *Model) Prompt(_ context.Context, lp *common.LinePrompt, s *session.Session) (common.Direction, error) {
	if s.First() != nil {
		return common.Forward, nil
	}
	for {
		line, err := lp.Ask("Your mail domain, or one of your staff's email addresses: ")
		if err != nil {
			return common.Forward, err
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
