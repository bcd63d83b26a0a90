package common

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// MinValueWidth is the narrowest column a value is given beside its
// label; below it the label goes on a line of its own.
const MinValueWidth = 30

// Wrap wraps s to width columns at spaces. A word longer than a line (a
// path, a host name, a key) is broken after a path separator, else after
// a dot, else after a hyphen, else (a base64 key, which has none) at the
// width, and never so that punctuation stands alone on a line: a name is never cut
// mid-label, so "outreachsystems.com." never shows as "outreachsy" /
// "stems.com.". It never breaks before a hyphen: "-all" in an SPF record
// stays whole, and neither does a phone number ("+1 (805) 967-1280" is
// one unit, see PhoneUnits). Nothing is added to the text; only line
// breaks replace spaces or go between a word's pieces.
func Wrap(s string, width int) string {
	width = max(width, 1)
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line, lineW := "", 0
		flush := func() {
			out = append(out, line)
			line, lineW = "", 0
		}
		for _, word := range PhoneUnits(strings.Split(para, " ")) {
			ww := ansi.StringWidth(word)
			switch {
			case lineW > 0 && lineW+1+ww <= width:
				line += " " + word
				lineW += 1 + ww
				continue
			case lineW > 0:
				flush()
			}
			for ww > width {
				head := breakWord(word, width)
				out = append(out, head)
				if strings.HasPrefix(word, head) {
					word = word[len(head):]
				} else { // styled text: cut by columns
					word = ansi.TruncateLeft(word, ansi.StringWidth(head), "")
				}
				ww = ansi.StringWidth(word)
			}
			line, lineW = word, ww
		}
		flush()
	}
	return strings.Join(out, "\n")
}

// PhoneUnits joins, in words (a text split at single spaces), the
// pieces of an international phone number into one unit, so that wrapping
// never leaves "+1" at the end of a line and the rest on the next: a
// word "+DIGITS" (perhaps after an opening parenthesis) takes along the
// words after it made of digits, parentheses, hyphens and dots (perhaps
// ending in punctuation), joined by the one space that was between them.
func PhoneUnits(words []string) []string {
	out := make([]string, 0, len(words))
	inPhone := false
	for _, w := range words {
		if inPhone && phonePiece(w) {
			out[len(out)-1] += " " + w
			continue
		}
		out = append(out, w)
		code := strings.TrimLeft(w, "(")
		inPhone = len(code) > 1 && code[0] == '+' && strings.Trim(code[1:], "0123456789") == ""
	}
	return out
}

// phonePiece reports whether w continues a phone number: digits with
// parentheses, hyphens or dots, perhaps ending in , ; : or . (the
// sentence's).
func phonePiece(w string) bool {
	core := strings.TrimRight(w, ",;:.")
	return strings.ContainsAny(core, "0123456789") && strings.Trim(core, "0123456789()-.") == ""
}

// breakWord returns the longest start of word (wider than width) that fits
// width and ends with a path separator (a path wraps between its folders),
// else with a dot, else with a hyphen, else the first width columns. It
// never leaves punctuation alone on the next line ("yourcenter.edu.,"
// does not break before its comma): a break that would is passed over
// for an earlier one.
func breakWord(word string, width int) string {
	fit := ansi.Truncate(word, width, "")
	if fit == "" { // a character wider than the line
		_, size := utf8.DecodeRuneInString(word)
		return word[:size]
	}
	for _, sep := range []string{"/", "\\", ".", "-"} {
		for cut := fit; ; {
			i := strings.LastIndex(cut, sep)
			if i <= 0 {
				break
			}
			if !onlyPunct(word[i+1:]) {
				return fit[:i+1]
			}
			cut = cut[:i]
		}
	}
	for len(fit) > 1 && onlyPunct(strings.TrimPrefix(word, fit)) {
		_, size := utf8.DecodeLastRuneInString(fit)
		fit = fit[:len(fit)-size]
	}
	return fit
}

// onlyPunct reports whether s is made only of sentence punctuation (and
// is not empty): what a line must never hold alone.
func onlyPunct(s string) bool {
	return s != "" && strings.Trim(s, ".,;:!?)]}\"'") == ""
}

// OneLine returns s when it fits width columns, otherwise its start cut
// after the last whole word that fits, followed by "…" (a folded note:
// a key shows it in full).
func OneLine(s string, width int) string {
	if ansi.StringWidth(s) <= width {
		return s
	}
	cut := ansi.Truncate(s, max(width-1, 1), "")
	if i := strings.LastIndex(cut, " "); i > 0 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:") + "…"
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
// its own column, when that column is at least MinValueWidth wide;
// otherwise the label on a line of its own and the value under it, at full
// width (a value to type is broken as little as possible). The layout
// depends only on the widths, never on the value, so the fields of one
// view all take the same layout.
func Field(label string, labelWidth int, value string, width int, ls, vs lipgloss.Style) string {
	if Stacked(labelWidth, width) {
		v := vs.Render(Wrap(value, width))
		if label == "" {
			return v
		}
		return ls.Render(label+":") + "\n" + v
	}
	pad := strings.Repeat(" ", max(labelWidth-lipgloss.Width(label), 1))
	lines := strings.Split(Wrap(value, width-lipgloss.Width(label+pad)), "\n")
	indent := strings.Repeat(" ", lipgloss.Width(label+pad))
	for i, l := range lines {
		if i == 0 {
			lines[i] = ls.Render(label) + pad + vs.Render(l)
		} else {
			lines[i] = indent + vs.Render(l)
		}
	}
	return strings.Join(lines, "\n")
}

// Stacked reports whether Field puts labels of labelWidth on lines of
// their own at width: when the value column beside them would be narrower
// than MinValueWidth.
func Stacked(labelWidth, width int) bool { return width-labelWidth < MinValueWidth }

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

// Plural counts n of word: "1 check", "3 checks" (word takes an s).
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Capitalise returns s with its first letter upper case (s is ASCII-led
// text the wizard writes, such as "asked the authoritative servers …").
func Capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
