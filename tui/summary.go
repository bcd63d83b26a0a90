package tui

import (
	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/session"
)

// SummaryWidth is the width the summary is wrapped to when the terminal's
// is unknown (the line prompts, or a program that never saw its window).
const SummaryWidth = session.SummaryWidth

// SummaryText is the summary left on the terminal when the wizard ends
// (session.Summarise, the last stage): the decision said once, the
// messages verified, per domain what is still to do in DNS, the files
// written and the next steps. It is empty when no domain was chosen.
func SummaryText(p *assets.Platform, s *session.Session, width int) string {
	return session.Summarise(p, s, width)
}
