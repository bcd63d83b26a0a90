package dnscheck

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPrintable(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		// Unchanged: ordinary text in any script.
		{"", ""},
		{"v=spf1 include:spf.outreachsystems.com -all", "v=spf1 include:spf.outreachsystems.com -all"},
		{"café résumé", "café résumé"},
		{"漢字 かな ㄅ", "漢字 かな ㄅ"},
		{"Ελληνικά русский עברית العربية", "Ελληνικά русский עברית العربية"},
		{"e\u0301", "e\u0301"}, // combining accent
		{"emoji 🙂", "emoji 🙂"},
		{`back\slash`, `back\slash`},
		// Escape sequences: ESC and so the whole sequence is defused.
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"\x1b]0;title\x07", `\x1b]0;title\x07`},
		{"\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\", `\x1b]8;;http://evil.example\x1b\link\x1b]8;;\x1b\`},
		// C0 controls, DEL.
		{"a\x00b", `a\x00b`},
		{"line1\nline2\r", `line1\x0aline2\x0d`},
		{"tab\there", `tab\x09here`},
		{"\x08\x08\x08ok", `\x08\x08\x08ok`},
		{"del\x7f", `del\x7f`},
		// C1 controls, written as UTF-8 (U+0080–U+009F).
		{"csi\u009b31m", `csi\x9b31m`},
		{"\u0085next", `\x85next`},
		// Bidirectional controls.
		{"abc\u202edcba", `abc\u{202E}dcba`},
		{"\u2066x\u2069", `\u{2066}x\u{2069}`},
		{"\u200f\u200e\u061c", `\u{200F}\u{200E}\u{61C}`},
		{"a\u2028b\u2029", `a\u{2028}b\u{2029}`},
		// Other invisible format characters.
		{"zero\u200bwidth\ufeff", `zero\u{200B}width\u{FEFF}`},
		// Invalid UTF-8: each bad byte.
		{"\xff\xfe", `\xff\xfe`},
		{"ok\xc3(", `ok\xc3(`},
		{"\xed\xa0\x80", `\xed\xa0\x80`}, // an encoded surrogate
		{"\x9b31m", `\x9b31m`},           // a raw C1 byte is invalid UTF-8
	}
	for _, tt := range tests {
		got := Printable(tt.in)
		if got != tt.want {
			t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
		assertPrintable(t, tt.in, got)
	}
}

// assertPrintable checks what must hold for any output of Printable.
func assertPrintable(t *testing.T, in, out string) {
	t.Helper()
	for i := 0; i < len(out); i++ {
		if c := out[i]; c < 0x20 || c == 0x7f {
			t.Fatalf("Printable(%q) = %q holds byte %#x", in, out, c)
		}
	}
	if !utf8.ValidString(out) {
		t.Fatalf("Printable(%q) = %q is not valid UTF-8", in, out)
	}
	for _, r := range out {
		if r >= 0x80 && r < 0xa0 || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c {
			t.Fatalf("Printable(%q) = %q holds control %U", in, out, r)
		}
	}
	if again := Printable(out); again != out {
		t.Fatalf("Printable is not idempotent: %q then %q", out, again)
	}
}

func TestPrintableEveryByte(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for c := range 256 {
		b.WriteByte(byte(c))
	}
	assertPrintable(t, b.String(), Printable(b.String()))
	for r := rune(0); r < 0x3000; r++ {
		s := string(r)
		assertPrintable(t, s, Printable(s))
	}
}

// assertJSONSafe checks JSONSafe on the JSON encoding of s: valid JSON,
// the same value when decoded, nothing raw a terminal would act on.
func assertJSONSafe(t *testing.T, s string) {
	t.Helper()
	b, err := json.Marshal(map[string][]string{"k\x9b": {s, "x"}})
	if err != nil {
		t.Fatal(err)
	}
	out := JSONSafe(b)
	if !json.Valid(out) {
		t.Fatalf("JSONSafe(%s) = %s is not JSON", b, out)
	}
	var before, after map[string][]string
	if json.Unmarshal(b, &before) != nil || json.Unmarshal(out, &after) != nil || len(after) != 1 ||
		strings.Join(after["k\x9b"], "|") != strings.Join(before["k\x9b"], "|") {
		t.Fatalf("JSONSafe changed the value: %s decodes to %q, was %q", out, after, before)
	}
	for i := 0; i < len(out); {
		r, size := utf8.DecodeRune(out[i:])
		if r == 0x7f || r >= 0x80 && r != utf8.RuneError && unsafeRune(r) {
			t.Fatalf("JSONSafe(%q) = %q holds %U raw", b, out, r)
		}
		i += size
	}
}

func TestJSONSafe(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "plain", "\x1b[2J", "csi\u009b31m", "del\x7f", "\u202egnp.exe", "zero\u200bwidth",
		"tag\U000E0041", "\xff\xfe", "漢字 café 🙂", "\u2028", "<&>"} {
		assertJSONSafe(t, s)
	}
	if got := string(JSONSafe([]byte("{\"a\":\"\u009b\u202e\U000E0041\"}"))); got != `{"a":"\u009b\u202e\udb40\udc41"}` {
		t.Errorf("JSONSafe = %s", got)
	}
	if b := []byte(`{"a": "plain"}`); &JSONSafe(b)[0] != &b[0] {
		t.Error("JSONSafe copied text with nothing to escape")
	}
}

func FuzzPrintable(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[2J", "\u202e", "\xff", "漢字", "a\u0085b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Printable(s)
		assertPrintable(t, s, out)
		if utf8.ValidString(s) && !strings.ContainsFunc(s, unsafeRune) && out != s {
			t.Fatalf("Printable(%q) = %q changed safe text", s, out)
		}
		assertJSONSafe(t, s)
	})
}
