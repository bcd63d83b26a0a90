package dnscheck

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Printable makes text that came from DNS safe to show on a terminal or in a
// saved file: control characters (C0, DEL, C1, which include ESC and so every
// escape sequence), bidirectional overrides and invalid UTF-8 are replaced by
// a visible escape such as \x1b, so nothing from a record can move the
// cursor, change colours or reorder what a person reads. Printable text is
// returned unchanged.
func Printable(s string) string {
	clean := true
	for _, r := range s {
		if unsafeRune(r) {
			clean = false
			break
		}
	}
	if clean && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(hexEscape(s[i]))
		case unsafeRune(r):
			if r < 0x100 {
				b.WriteString(hexEscape(byte(r)))
			} else {
				fmt.Fprintf(&b, `\u{%X}`, r)
			}
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c, r == 0x2028, r == 0x2029:
		return true // bidirectional controls
	case r == utf8.RuneError:
		return true
	}
	return !unicode.IsPrint(r) && !unicode.IsSpace(r)
}

// JSONSafe returns the JSON text b with every character that would act on
// a terminal and that encoding/json leaves raw written as a \u escape: DEL,
// the C1 controls (U+0080–U+009F), bidirectional controls and the other
// invisible characters Printable escapes (as a UTF-16 surrogate pair
// beyond U+FFFF). encoding/json already escapes the C0 controls inside
// strings; outside strings JSON text holds only ASCII, so the rewrite
// never touches the document's structure and every value decodes exactly
// as before. b is returned as is when it has nothing to escape.
func JSONSafe(b []byte) []byte {
	if !bytes.ContainsFunc(b, jsonUnsafe) {
		return b
	}
	out := make([]byte, 0, len(b)+32)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if size == 1 && r == utf8.RuneError || !jsonUnsafe(r) {
			out = append(out, b[:size]...)
		} else {
			for _, u := range utf16.AppendRune(nil, r) {
				out = append(out, '\\', 'u', hexDigits[u>>12], hexDigits[u>>8&15], hexDigits[u>>4&15], hexDigits[u&15])
			}
		}
		b = b[size:]
	}
	return out
}

// jsonUnsafe reports whether JSONSafe escapes r: what Printable escapes,
// except the ASCII controls (JSON whitespace outside strings, escaped by
// encoding/json inside them) and U+FFFD, which encoding/json writes for
// invalid UTF-8.
func jsonUnsafe(r rune) bool {
	return r >= 0x7f && r != utf8.RuneError && unsafeRune(r)
}

const hexDigits = "0123456789abcdef"

func hexEscape(c byte) string { return `\x` + string(hexDigits[c>>4]) + string(hexDigits[c&15]) }
