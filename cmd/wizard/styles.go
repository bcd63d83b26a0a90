package main

import (
	"io"

	"github.com/charmbracelet/lipgloss"

	"github.com/outreach-auth/wizard/core/checks"
)

// stylesFor returns the report's styles for w: colour only when w is a
// terminal that supports it and NO_COLOR is not set. Both are read from the
// environment, never by asking the terminal: a report only prints, and a
// terminal's answer arriving after it has ended lands in the shell prompt.
func stylesFor(w io.Writer) checks.Styles {
	r := lipgloss.NewRenderer(w)
	r.SetColorProfile(r.Output().EnvColorProfile())
	// The colours are the terminal's own ANSI ones, readable on any
	// background: it is set, not asked.
	r.SetHasDarkBackground(true)
	style := func(s lipgloss.Style) checks.Style {
		return func(t string) string { return s.Render(t) }
	}
	return checks.Styles{
		Pass: style(r.NewStyle().Foreground(lipgloss.Color("2"))),
		Fail: style(r.NewStyle().Foreground(lipgloss.Color("1"))),
		Warn: style(r.NewStyle().Foreground(lipgloss.Color("3"))),
		Dim:  style(r.NewStyle().Faint(true)),
		Bold: style(r.NewStyle().Bold(true)),
		// check names each problem's code after its title, for searching.
		Codes: true,
	}
}
