package domainname

import (
	"errors"
	"testing"
	"unicode"
)

// FuzzNormalize checks the promises of Normalize on any input: it never
// panics; a result is a Valid host name that normalises to itself (from
// both its ASCII and its display form); an error is an *Error whose message
// is non-empty printable text; a suggestion is Valid.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"yourcenter.edu",
		"Jane.Doe@YourCenter.edu",
		`"Jane Doe" <jane@x.edu>`,
		"mailto:jane%40x.edu?subject=hi",
		"Bücher.example",
		"xn--bcher-kva.example",
		"bücher。example",
		"ＹＯＵＲ．ＥＤＵ",
		"https://www.yourcenter.edu/contact",
		"x.edu:443",
		"[2001:db8::1]:25",
		"localhost",
		"foo.123",
		"a..b",
		"-a.edu",
		"your\u200bcenter.edu\u00a0",
		"a\x1b[31m.edu",
		"\xff.edu",
		"שלום.1a.example",
		"col·legi.cat",
		"\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645.example",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in, err := Normalize(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Normalize(%q) error is %T, want *Error", s, err)
			}
			if e.Error() == "" {
				t.Fatalf("Normalize(%q) error has an empty message", s)
			}
			printable(t, s, "message", e.Error())
			if e.Suggestion != "" && !Valid(e.Suggestion) {
				t.Fatalf("Normalize(%q) suggests %q, which is not Valid", s, e.Suggestion)
			}
			if in != (Input{}) {
				t.Fatalf("Normalize(%q) returned %+v with an error", s, in)
			}
			return
		}
		if !Valid(in.Domain) {
			t.Fatalf("Normalize(%q).Domain = %q, not Valid", s, in.Domain)
		}
		again, err := Normalize(in.Domain)
		if err != nil {
			t.Fatalf("Normalize(%q) = %q, but Normalize(%q) fails: %v", s, in.Domain, in.Domain, err)
		}
		if again.Domain != in.Domain || again.Unicode != in.Unicode || again.FromEmail {
			t.Fatalf("Normalize(%q) = %+v, but Normalize(%q) = %+v", s, in, in.Domain, again)
		}
		fromUnicode, err := Normalize(in.Unicode)
		if err != nil || fromUnicode.Domain != in.Domain {
			t.Fatalf("Normalize(%q) = %+v, but Normalize(%q) = %+v, %v", s, in, in.Unicode, fromUnicode, err)
		}
		for _, n := range in.Notes() {
			printable(t, s, "note", n)
		}
	})
}

func printable(t *testing.T, in, what, s string) {
	t.Helper()
	for _, r := range s {
		if !unicode.IsPrint(r) {
			t.Fatalf("Normalize(%q): %s %q contains the non-printing character %U", in, what, s, r)
		}
	}
}
