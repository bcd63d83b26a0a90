package domainname

import (
	"strings"
	"unicode"
)

// UTS #46, which golang.org/x/net/idna implements, also accepts code
// points that IDNA2008 does not (those marked NV8 and XV8: symbols,
// punctuation, emoji), and it does not apply the CONTEXTO rules. No
// registry following RFC 5891 section 4 registers such names, and several
// of those characters are look-alikes (U+2044 FRACTION SLASH for '/'), so
// U-labels are checked here against the derivation of RFC 5892 section 2
// as well.

// pvalid reports whether r, after the UTS #46 mapping, is PVALID in
// IDNA2008 (RFC 5892 section 2): LDH, the listed exceptions, or a letter,
// mark or decimal digit that is not in an ignorable block, not a default
// ignorable code point and not an old Hangul jamo. The joiners U+200C and
// U+200D are CONTEXTJ rules that x/net/idna checks; they are let through.
func pvalid(r rune) bool {
	switch {
	case 'a' <= r && r <= 'z', '0' <= r && r <= '9', r == '-':
		return true
	case r < 0x80:
		return false
	case r == '\u200c', r == '\u200d':
		return true
	}
	// Exceptions (RFC 5892 section 2.6).
	switch r {
	case '\u00df', '\u03c2', '\u06fd', '\u06fe', '\u0f0b', '\u3007':
		return true
	case '\u0640', '\u07fa', '\u302e', '\u302f', '\u3031', '\u3032', '\u3033', '\u3034', '\u3035', '\u303b':
		return false
	}
	switch {
	case '\u1100' <= r && r <= '\u11ff', '\ua960' <= r && r <= '\ua97f', '\ud7b0' <= r && r <= '\ud7ff': // OldHangulJamo
		return false
	case '\u20d0' <= r && r <= '\u20ff', 0x1d100 <= r && r <= 0x1d24f: // IgnorableBlocks
		return false
	case unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r), unicode.Is(unicode.Variation_Selector, r),
		unicode.Is(unicode.Noncharacter_Code_Point, r), unicode.IsSpace(r):
		return false
	}
	return unicode.In(r, unicode.Ll, unicode.Lo, unicode.Lm, unicode.Nd, unicode.Mn, unicode.Mc)
}

// contextO reports the code points that IDNA2008 allows only in context
// (RFC 5892 appendix A.3 to A.9).
func contextO(r rune) bool {
	switch {
	case r == '\u00b7', r == '\u0375', r == '\u05f3', r == '\u05f4', r == '\u30fb':
		return true
	}
	return false
}

// checkContextO applies the CONTEXTO rules of RFC 5892 appendix A to a
// U-label and says what is wrong, or returns "".
func checkContextO(u string) string {
	rs := []rune(u)
	arabic, extended := false, false
	for i, r := range rs {
		var before, after rune
		if i > 0 {
			before = rs[i-1]
		}
		if i+1 < len(rs) {
			after = rs[i+1]
		}
		switch {
		case r == '\u00b7':
			if before != 'l' || after != 'l' {
				return `the middle dot "·" may only stand between two l's, as in "l·l"`
			}
		case r == '\u0375':
			if !unicode.Is(unicode.Greek, after) {
				return "the Greek numeral sign must be followed by a Greek letter"
			}
		case r == '\u05f3' || r == '\u05f4':
			if !unicode.Is(unicode.Hebrew, before) {
				return "the Hebrew geresh or gershayim must follow a Hebrew letter"
			}
		case r == '\u30fb':
			if !strings.ContainsFunc(u, func(c rune) bool {
				return c != '\u30fb' && (unicode.Is(unicode.Hiragana, c) || unicode.Is(unicode.Katakana, c) || unicode.Is(unicode.Han, c))
			}) {
				return "the katakana middle dot needs Japanese characters in the same part"
			}
		case '\u0660' <= r && r <= '\u0669':
			arabic = true
		case '\u06f0' <= r && r <= '\u06f9':
			extended = true
		}
	}
	if arabic && extended {
		return "it mixes Arabic-Indic and extended Arabic-Indic digits"
	}
	return ""
}
