package common

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// NarrowWidth is the width under which label/value pairs are stacked
// rather than laid out in two columns.
const NarrowWidth = 56

// Wrap wraps s to width columns, between words where it can and inside a
// word longer than a line (SPF records, host names), so no line is wider.
func Wrap(s string, width int) string {
	return ansi.Wrap(s, max(width, 1), "")
}

// Hang wraps s to width with first before its first line and rest before
// the others: a bullet or number with a hanging indent.
func Hang(first, rest, s string, width int) string {
	w := max(lipgloss.Width(first), lipgloss.Width(rest))
	lines := strings.Split(Wrap(s, width-w), "\n")
	for i, l := range lines {
		if i == 0 {
			lines[i] = first + l
		} else {
			lines[i] = rest + l
		}
	}
	return strings.Join(lines, "\n")
}

// Field lays out a label and its value: side by side, the value wrapped in
// its own column, or at narrow widths the label on a line of its own and the
// value indented under it.
func Field(label string, labelWidth int, value string, width int, ls, vs lipgloss.Style) string {
	if width < NarrowWidth {
		v := Hang("  ", "  ", vs.Render(value), width)
		if label == "" {
			return v
		}
		return ls.Render(label) + "\n" + v
	}
	pad := strings.Repeat(" ", max(labelWidth-lipgloss.Width(label), 1))
	return Hang(ls.Render(label)+pad, strings.Repeat(" ", lipgloss.Width(label+pad)), vs.Render(value), width)
}

// Fit cuts s to at most height lines of at most width columns each: the
// shell's last guard that nothing is drawn outside the window.
func Fit(s string, width, height int) string {
	lines := strings.Split(s, "\n")
	if height >= 0 && len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > width {
			lines[i] = ansi.Truncate(l, width, "…")
		}
	}
	return strings.Join(lines, "\n")
}

// Height returns the number of lines s takes.
func Height(s string) int {
	if s == "" {
		return 0
	}
	return strings.Count(s, "\n") + 1
}
