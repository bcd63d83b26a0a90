package domainname

import (
	"errors"
	"strings"
	"testing"
	"unicode"
)

func TestNormalizeAccepts(t *testing.T) {
	tests := []struct {
		name, in        string
		domain, unicode string
		fromEmail       bool
		original        string // "" means the input itself
	}{
		{"plain", "yourcenter.edu", "yourcenter.edu", "yourcenter.edu", false, ""},
		{"upper case", "YourCenter.EDU", "yourcenter.edu", "yourcenter.edu", false, ""},
		{"trailing dot", "yourcenter.edu.", "yourcenter.edu", "yourcenter.edu", false, ""},
		{"subdomain", "mail.yourcenter.ac.uk", "mail.yourcenter.ac.uk", "mail.yourcenter.ac.uk", false, ""},
		{"www kept", "www.yourcenter.edu", "www.yourcenter.edu", "www.yourcenter.edu", false, ""},
		{"digits and hyphens", "sbdc-2.x1.org", "sbdc-2.x1.org", "sbdc-2.x1.org", false, ""},
		{"double hyphen ASCII label", "r3---sn-abc.example", "r3---sn-abc.example", "r3---sn-abc.example", false, ""},
		{"numeric label not last", "123.example", "123.example", "123.example", false, ""},
		{"tld with digit", "example.a1", "example.a1", "example.a1", false, ""},
		{"63-byte label", strings.Repeat("a", 63) + ".edu", strings.Repeat("a", 63) + ".edu", strings.Repeat("a", 63) + ".edu", false, ""},
		{"253-byte name", long253, long253, long253, false, ""},

		// White space and invisible characters.
		{"spaces", "  yourcenter.edu \t\r\n", "yourcenter.edu", "yourcenter.edu", false, "yourcenter.edu"},
		{"nbsp", "\u00a0yourcenter.edu\u00a0", "yourcenter.edu", "yourcenter.edu", false, "yourcenter.edu"},
		{"ideographic space", "\u3000yourcenter.edu\u3000", "yourcenter.edu", "yourcenter.edu", false, "yourcenter.edu"},
		{"zero width at ends", "\u200b\ufeffyourcenter.edu\u200b\u2060", "yourcenter.edu", "yourcenter.edu", false, "yourcenter.edu"},
		{"zero width inside", "your\u200bcenter.edu", "yourcenter.edu", "yourcenter.edu", false, ""},
		{"soft hyphen inside", "your\u00adcenter.edu", "yourcenter.edu", "yourcenter.edu", false, ""},
		{"direction marks", "\u200eyourcenter.edu\u202c", "yourcenter.edu", "yourcenter.edu", false, "yourcenter.edu"},

		// Wrappers.
		{"double quotes", `"yourcenter.edu"`, "yourcenter.edu", "yourcenter.edu", false, ""},
		{"single quotes", `'yourcenter.edu'`, "yourcenter.edu", "yourcenter.edu", false, ""},
		{"smart quotes", "“yourcenter.edu”", "yourcenter.edu", "yourcenter.edu", false, ""},
		{"angle brackets", "<yourcenter.edu>", "yourcenter.edu", "yourcenter.edu", false, ""},
		{"quoted with spaces inside", `" yourcenter.edu "`, "yourcenter.edu", "yourcenter.edu", false, ""},

		// Email addresses.
		{"email", "Jane.Doe@YourCenter.edu", "yourcenter.edu", "yourcenter.edu", true, ""},
		{"email display name", `"Jane Doe" <jane@x.edu>`, "x.edu", "x.edu", true, ""},
		{"email display name unquoted", `Jane Doe <jane@x.edu>`, "x.edu", "x.edu", true, ""},
		{"mailto", "mailto:jane@yourcenter.edu", "yourcenter.edu", "yourcenter.edu", true, ""},
		{"MAILTO with query", "MAILTO:jane@yourcenter.edu?subject=Hello", "yourcenter.edu", "yourcenter.edu", true, ""},
		{"mailto in brackets", "<mailto:jane@yourcenter.edu>", "yourcenter.edu", "yourcenter.edu", true, ""},
		{"mailto percent", "mailto:jane%40yourcenter.edu", "yourcenter.edu", "yourcenter.edu", true, ""},
		{"quoted local part with @", `"a@b"@yourcenter.edu`, "yourcenter.edu", "yourcenter.edu", true, ""},
		{"plus address", "jane+news@yourcenter.edu", "yourcenter.edu", "yourcenter.edu", true, ""},
		{"email trailing dot", "jane@yourcenter.edu.", "yourcenter.edu", "yourcenter.edu", true, ""},
		{"fullwidth at", "jane＠yourcenter.edu", "yourcenter.edu", "yourcenter.edu", true, ""},
		{"unicode local part", "jürgen@yourcenter.edu", "yourcenter.edu", "yourcenter.edu", true, ""},
		{"email with idn domain", "jane@Bücher.example", "xn--bcher-kva.example", "bücher.example", true, ""},
		{"leading at", "@yourcenter.edu", "yourcenter.edu", "yourcenter.edu", false, ""},

		// Internationalised names.
		{"idn", "Bücher.example", "xn--bcher-kva.example", "bücher.example", false, ""},
		{"idn a-label", "xn--bcher-kva.example", "xn--bcher-kva.example", "bücher.example", false, ""},
		{"idn a-label upper case", "XN--BCHER-KVA.Example", "xn--bcher-kva.example", "bücher.example", false, ""},
		{"ideographic full stop", "bücher。example", "xn--bcher-kva.example", "bücher.example", false, ""},
		{"fullwidth full stop", "yourcenter．edu", "yourcenter.edu", "yourcenter.edu", false, ""},
		{"halfwidth ideographic full stop", "yourcenter｡edu", "yourcenter.edu", "yourcenter.edu", false, ""},
		{"fullwidth letters", "ＹＯＵＲＣＥＮＴＥＲ．ＥＤＵ", "yourcenter.edu", "yourcenter.edu", false, ""},
		{"sharp s non-transitional", "faß.de", "xn--fa-hia.de", "faß.de", false, ""},
		{"hebrew", "שלום.example", "xn--9dbne9b.example", "שלום.example", false, ""},
		{"cjk", "例え.テスト", "xn--r8jz45g.xn--zckzah", "例え.テスト", false, ""},
		{"idn tld", "пример.рф", "xn--e1afmkfd.xn--p1ai", "пример.рф", false, ""},
		{"catalan middle dot", "col·legi.cat", "xn--collegi-xma.cat", "col·legi.cat", false, ""},
		{"katakana middle dot", "ア・イ.jp", "xn--ccke4x.jp", "ア・イ.jp", false, ""},
		{"zwnj in context", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645.example", "xn--mgbn2ecje63gr19l.example", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645.example", false, ""},
		{"idn trailing ideographic dot", "bücher.example。", "xn--bcher-kva.example", "bücher.example", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Normalize(tt.in)
			if err != nil {
				t.Fatalf("Normalize(%q) error: %v", tt.in, err)
			}
			orig := tt.original
			if orig == "" {
				orig = tt.in
			}
			want := Input{Domain: tt.domain, Unicode: tt.unicode, FromEmail: tt.fromEmail, Original: orig}
			if got != want {
				t.Errorf("Normalize(%q)\n got %+v\nwant %+v", tt.in, got, want)
			}
			if !Valid(got.Domain) {
				t.Errorf("Valid(%q) = false", got.Domain)
			}
		})
	}
}

var long253 = strings.Repeat(strings.Repeat("a", 62)+".", 4)[:249] + ".edu"

func TestNormalizeRefuses(t *testing.T) {
	tests := []struct {
		name, in   string
		kind       Kind
		says       []string // the message contains each of these
		suggestion string
	}{
		{"empty", "", KindEmpty, []string{"Type your organisation's mail domain, e.g. yourcenter.edu."}, ""},
		{"blank", " \t\u00a0\u200b ", KindEmpty, []string{"e.g. yourcenter.edu"}, ""},
		{"empty quotes", `""`, KindEmpty, []string{"e.g. yourcenter.edu"}, ""},
		{"empty brackets", "<>", KindEmpty, []string{"e.g. yourcenter.edu"}, ""},
		{"only mailto", "mailto:", KindEmpty, []string{"e.g. yourcenter.edu"}, ""},
		{"only dot", ".", KindEmpty, []string{"e.g. yourcenter.edu"}, ""},
		{"only at", "@", KindEmpty, []string{"e.g. yourcenter.edu"}, ""},

		{"url www", "https://www.yourcenter.edu/contact", KindURL, []string{"web address", "after the @", "type yourcenter.edu."}, "yourcenter.edu"},
		{"url no www", "http://yourcenter.edu", KindURL, []string{"web address", "type yourcenter.edu."}, "yourcenter.edu"},
		{"url without scheme", "www.x.edu/path", KindURL, []string{"web address", "type x.edu."}, "x.edu"},
		{"host and port", "x.edu:443", KindURL, []string{"web address", "type x.edu."}, "x.edu"},
		{"url query", "yourcenter.edu?x=1", KindURL, []string{"web address"}, "yourcenter.edu"},
		{"url bad host", "https://localhost/", KindURL, []string{"web address", "e.g. yourcenter.edu."}, ""},
		{"url in brackets", "<https://www.yourcenter.edu/>", KindURL, []string{"web address"}, "yourcenter.edu"},

		{"ipv4", "192.0.2.1", KindIP, []string{"IP address", "domain name instead, e.g. yourcenter.edu"}, ""},
		{"ipv4 trailing dot", "192.0.2.1.", KindIP, []string{"IP address"}, ""},
		{"ipv4 port", "192.0.2.1:25", KindIP, []string{"IP address"}, ""},
		{"ipv6", "2001:db8::1", KindIP, []string{"IP address"}, ""},
		{"ipv6 bracketed", "[2001:db8::1]", KindIP, []string{"IP address"}, ""},
		{"ipv6 bracketed port", "[2001:db8::1]:443", KindIP, []string{"IP address"}, ""},
		{"ipv6 zone", "fe80::1%eth0", KindIP, []string{"IP address"}, ""},
		{"email address literal", "jane@[192.0.2.1]", KindIP, []string{"IP address"}, ""},
		{"email ipv6 literal", "jane@[IPv6:2001:db8::1]", KindIP, []string{"IP address"}, ""},
		{"short numeric", "10.1.2", KindIP, []string{"IP address", "e.g. yourcenter.edu"}, ""},

		{"single label", "yourcenter", KindSingleLabel, []string{`"yourcenter"`, "ending", "e.g. yourcenter.edu"}, ""},
		{"single label trailing dot", "yourcenter.", KindSingleLabel, []string{"e.g. yourcenter.edu"}, ""},
		{"localhost", "localhost", KindSingleLabel, []string{"this computer", "e.g. yourcenter.edu"}, ""},
		{"email single label", "root@localhost", KindSingleLabel, []string{"e.g. yourcenter.edu"}, ""},
		{"idn single label", "bücher", KindSingleLabel, []string{"e.g. bücher.edu"}, ""},
		{"single number", "12345", KindIP, []string{"e.g. yourcenter.edu"}, ""},

		{"label too long", strings.Repeat("a", 64) + ".edu", KindLabelTooLong, []string{"64 characters", "at most 63"}, ""},
		{"idn label too long", strings.Repeat("ü", 60) + ".edu", KindLabelTooLong, []string{"in DNS", "at most 63"}, ""},
		{"name too long", strings.Repeat("a.", 127) + "edu", KindNameTooLong, []string{"257 characters", "at most 253", "e.g. yourcenter.edu"}, ""},
		{"name far too long", strings.Repeat("a", 10000), KindNameTooLong, []string{"too long", "e.g. yourcenter.edu"}, ""},

		{"space inside", "your center.edu", KindBadCharacter, []string{"a space", `"your center.edu"`, "letters, digits, hyphens and dots"}, ""},
		{"nbsp inside", "your\u00a0center.edu", KindBadCharacter, []string{"U+00A0"}, ""},
		{"underscore", "my_center.edu", KindBadCharacter, []string{`"_"`}, ""},
		{"star", "*.yourcenter.edu", KindBadCharacter, []string{`"*"`}, ""},
		{"bang", "yourcenter!.edu", KindBadCharacter, []string{`"!"`}, ""},
		{"comma", "yourcenter,edu", KindBadCharacter, []string{`","`}, ""},
		{"colon", "yourcenter.edu:x", KindBadCharacter, []string{`":"`}, ""},
		{"control char", "your\x01center.edu", KindBadCharacter, []string{`"\x01"`}, ""},
		{"tab inside", "your\tcenter.edu", KindBadCharacter, []string{"a tab"}, ""},
		{"newline inside", "your\ncenter.edu", KindBadCharacter, []string{"a line break"}, ""},
		{"nul", "your\x00center.edu", KindBadCharacter, []string{`"\x00"`}, ""},
		{"escape sequence", "x\x1b[31m.edu", KindBadCharacter, []string{`"\x1b"`}, ""},
		{"invalid utf8", "yourcenter.\xffedu", KindBadCharacter, []string{`"\xff"`}, ""},
		{"bidi override inside", "a\u202eb\u2066c.e\u0007du", KindBadCharacter, []string{`"\a"`}, ""},
		{"format char", "your\u2061center.edu", KindBadCharacter, []string{"U+2061"}, ""},
		{"replacement char", "your\ufffdcenter.edu", KindBadCharacter, []string{"U+FFFD"}, ""},
		{"leading hyphen", "-yourcenter.edu", KindBadCharacter, []string{`"-yourcenter"`, "starts with a hyphen"}, ""},
		{"trailing hyphen", "yourcenter-.edu", KindBadCharacter, []string{`"yourcenter-"`, "ends with a hyphen"}, ""},
		{"fullwidth hyphen at end", "ａ－.edu", KindBadCharacter, []string{"ends with a hyphen"}, ""},
		{"idn leading hyphen", "-bücher.example", KindBadCharacter, []string{"starts with a hyphen"}, ""},
		{"empty label", "a..b", KindBadCharacter, []string{"two dots in a row", "e.g. a.b"}, "a.b"},
		{"two trailing dots", "yourcenter.edu..", KindBadCharacter, []string{"two dots in a row", "e.g. yourcenter.edu"}, "yourcenter.edu"},
		{"leading dot", ".yourcenter.edu", KindBadCharacter, []string{"starts with a dot", "e.g. yourcenter.edu"}, "yourcenter.edu"},
		{"unbalanced quote", `"yourcenter.edu`, KindBadCharacter, []string{`"\""`}, ""},
		{"slash after at", "jane@x.edu/path", KindBadCharacter, []string{`"/"`}, ""},
		{"symbol not allowed", "your©center.edu", KindBadCharacter, []string{`"©"`}, ""},
		{"fraction slash", "a⁄b.edu", KindBadCharacter, []string{`"⁄"`}, ""},
		{"emoji", "💩.la", KindBadCharacter, []string{`"💩"`}, ""},
		{"snowman a-label", "xn--n3h.net", KindBadCharacter, []string{`"☃"`}, ""},
		{"fullwidth low line", "your＿center.edu", KindBadCharacter, []string{`"＿"`}, ""},
		{"unassigned", "a\u0378b.edu", KindBadCharacter, []string{"U+0378"}, ""},
		{"tag character", "a\U000E0001b.edu", KindBadCharacter, []string{"U+E0001"}, ""},
		{"joiner out of context", "a\u200db.edu", KindBadCharacter, []string{"U+200D"}, ""},

		{"nothing after at", "jane@", KindBadEmail, []string{`"jane@"`, "nothing after the @", "e.g. yourcenter.edu"}, ""},
		{"two addresses", "jane@x.edu, bob@y.edu", KindBadEmail, []string{"more than one email address", "e.g. yourcenter.edu"}, ""},
		{"two ats", "jane@x.edu@y.edu", KindBadEmail, []string{"more than one email address"}, ""},
		{"space in local part", "jane doe@x.edu", KindBadEmail, []string{"a space before the @", "e.g. x.edu"}, "x.edu"},
		{"bad local part", "jane(x)@x.edu", KindBadEmail, []string{`"("`, "e.g. x.edu"}, "x.edu"},

		{"bad punycode", "xn--zz.example", KindBadIDN, []string{`"xn--zz"`, "after the @"}, ""},
		{"ascii punycode", "xn--a.example", KindBadIDN, []string{`"xn--a"`}, ""},
		{"a-label not NFC", "xn--a-ecp.example", KindBadIDN, []string{"xn--"}, ""},
		{"middle dot out of context", "a·b.example", KindBadIDN, []string{"l·l"}, ""},
		{"keraia out of context", "a͵b.example", KindBadIDN, []string{"Greek"}, ""},
		{"leading combining mark", "\u0301a.example", KindBadIDN, []string{"Check the spelling"}, ""},
		{"bidi rule in label", "1שלום.example", KindBadIDN, []string{"Check the spelling"}, ""},
		{"bidi rule across labels", "שלום.1a.example", KindBadIDN, []string{"writing directions"}, ""},
		{"u-label leading hyphen", "xn---b-yka.example", KindBadCharacter, []string{`"xn---b-yka"`, "starts with a hyphen"}, ""},
		{"u-label trailing hyphen", "xn--b--xka.example", KindBadCharacter, []string{"ends with a hyphen"}, ""},
		{"u-label double hyphen", "bü--cher.example", KindBadIDN, []string{"two hyphens"}, ""},

		{"numeric tld", "foo.123", KindNumericTLD, []string{`"123"`, "not a domain ending", "e.g. yourcenter.edu"}, ""},
		{"numeric tld email", "jane@foo.123", KindNumericTLD, []string{"not a domain ending"}, ""},

		// A public suffix alone is nobody's mail domain: never "edu.edu".
		{"top-level domain", "edu", KindPublicSuffix, []string{`"edu" is a top-level domain, not a mail domain`, "e.g. yourcenter.edu."}, ""},
		{"top-level domain upper case", "COM.", KindPublicSuffix, []string{`"COM."`, "top-level domain", "e.g. yourcenter.com."}, ""},
		{"email at a top-level domain", "jane@edu", KindPublicSuffix, []string{"top-level domain", "e.g. yourcenter.edu."}, ""},
		{"registry suffix", "ac.uk", KindPublicSuffix, []string{`"ac.uk" is a domain ending (a public suffix), not a mail domain`, "e.g. yourcenter.ac.uk."}, ""},
		{"wildcard suffix", "foo.ck", KindPublicSuffix, []string{"public suffix", "e.g. yourcenter.foo.ck."}, ""},
		{"idn top-level domain", "рф", KindPublicSuffix, []string{"top-level domain", "e.g. yourcenter.рф."}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Normalize(tt.in)
			if err == nil {
				t.Fatalf("Normalize(%q) = %+v, want a %v error", tt.in, got, tt.kind)
			}
			if got != (Input{}) {
				t.Errorf("Normalize(%q) returned %+v with the error, want the zero Input", tt.in, got)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Normalize(%q) error %T, want *Error", tt.in, err)
			}
			if e.Kind != tt.kind {
				t.Errorf("Normalize(%q) kind %v, want %v (message %q)", tt.in, e.Kind, tt.kind, e.Message)
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("errors.Is(err, %v) = false", tt.kind)
			}
			if e.Error() != e.Message || e.Message == "" {
				t.Errorf("Error() = %q, Message = %q", e.Error(), e.Message)
			}
			for _, s := range tt.says {
				if !strings.Contains(e.Message, s) {
					t.Errorf("Normalize(%q) message %q does not contain %q", tt.in, e.Message, s)
				}
			}
			if e.Suggestion != tt.suggestion {
				t.Errorf("Normalize(%q) suggestion %q, want %q", tt.in, e.Suggestion, tt.suggestion)
			}
			if e.Input != trim(tt.in) {
				t.Errorf("Normalize(%q) Error.Input %q, want %q", tt.in, e.Input, trim(tt.in))
			}
			checkPrintable(t, "message", e.Message)
			if strings.HasPrefix(e.Message, "domain:") {
				t.Errorf("message %q has a package prefix", e.Message)
			}
			if !strings.HasSuffix(e.Message, ".") {
				t.Errorf("message %q is not a sentence", e.Message)
			}
		})
	}
}

func checkPrintable(t *testing.T, what, s string) {
	t.Helper()
	for _, r := range s {
		if !unicode.IsPrint(r) {
			t.Errorf("%s %q contains the non-printing character %U", what, s, r)
			return
		}
	}
}

func TestNotes(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"yourcenter.edu", nil},
		{"YourCenter.EDU.", nil},
		{"  <yourcenter.edu> ", nil},
		{"jane.doe@yourcenter.edu", []string{"Using the domain part of the email address jane.doe@yourcenter.edu."}},
		{`"Jane Doe" <Jane.Doe@YourCenter.edu>`, []string{"Using the domain part of the email address Jane.Doe@YourCenter.edu."}},
		{"Jane.Doe@YourCenter.EDU.", []string{"Using the domain part of the email address Jane.Doe@YourCenter.EDU."}},
		{`"a b"@x.edu`, []string{`Using the domain part of the email address "\"a b\"@x.edu".`}},
		{"Bücher.example", []string{`"Bücher.example" is written xn--bcher-kva.example in DNS.`}},
		{"xn--bcher-kva.example", []string{"xn--bcher-kva.example is how bücher.example is written in DNS."}},
		{"jane@bücher.example", []string{
			"Using the domain part of the email address jane@bücher.example.",
			`"bücher.example" is written xn--bcher-kva.example in DNS.`,
		}},
		{"yourcenter。edu", []string{`Read "yourcenter。edu" as yourcenter.edu.`}},
		{"your\u200bcenter.edu", []string{`Read "your\u200bcenter.edu" as yourcenter.edu.`}},
		{"\u212aelvin.example", []string{"Read \"\u212aelvin.example\" as kelvin.example."}},
	}
	for _, tt := range tests {
		in, err := Normalize(tt.in)
		if err != nil {
			t.Fatalf("Normalize(%q): %v", tt.in, err)
		}
		got := in.Notes()
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("Normalize(%q).Notes()\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
	if n := (Input{Domain: "x.edu", Unicode: "x.edu"}).Notes(); n != nil {
		t.Errorf("Notes of a hand-made Input = %q, want nil", n)
	}
}

func TestValid(t *testing.T) {
	valid := []string{"a.b", "yourcenter.edu", "xn--bcher-kva.example", "1.a", "a-b.c-d", "r3---sn.example", long253,
		strings.Repeat("a", 63) + ".edu"}
	invalid := []string{"", "a", "edu", ".a.b", "a.b.", "a..b", "A.b", "a.B", "-a.b", "a-.b", "a.-b", "a.b-",
		"a_b.c", "a b.c", "ü.b", "foo.123", "1.2.3.4", strings.Repeat("a", 64) + ".edu", long253 + "a", "a.b\x00"}
	for _, s := range valid {
		if !Valid(s) {
			t.Errorf("Valid(%q) = false, want true", s)
		}
	}
	for _, s := range invalid {
		if Valid(s) {
			t.Errorf("Valid(%q) = true, want false", s)
		}
	}
	if len(long253) != 253 {
		t.Fatalf("long253 has %d bytes", len(long253))
	}
}

func TestKind(t *testing.T) {
	names := map[Kind]string{
		KindEmpty: "empty", KindURL: "url", KindIP: "ip", KindSingleLabel: "single-label",
		KindLabelTooLong: "label-too-long", KindNameTooLong: "name-too-long", KindBadCharacter: "bad-character",
		KindBadEmail: "bad-email", KindBadIDN: "bad-idn", KindNumericTLD: "numeric-tld",
		Kind(0): "Kind(0)", Kind(99): "Kind(99)",
	}
	for k, want := range names {
		if k.String() != want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), k.String(), want)
		}
	}
	_, err := Normalize("https://www.yourcenter.edu/")
	if !errors.Is(err, KindURL) || errors.Is(err, KindIP) {
		t.Errorf("errors.Is does not follow Kind: %v", err)
	}
	if KindURL.Error() != "domain: url" {
		t.Errorf("KindURL.Error() = %q", KindURL.Error())
	}
}

// The Bidi rule already refuses labels that mix the two kinds of Arabic
// digits, so RFC 5892 A.8 and A.9 are tested directly.
func TestCheckContextO(t *testing.T) {
	for u, bad := range map[string]bool{
		"l·l": false, "a·l": true, "l·": true, "·l": true,
		"\u0375\u03b1": false, "\u0375a": true, "\u0375": true,
		"\u05d0\u05f3": false, "\u05f3\u05d0": true,
		"\u30a2\u30fb": false, "a\u30fb": true,
		"\u0627\u0660\u0661": false, "\u0627\u06f0": false, "\u0627\u0660\u06f0": true,
	} {
		if got := checkContextO(u) != ""; got != bad {
			t.Errorf("checkContextO(%q) refuses = %v, want %v", u, got, bad)
		}
	}
}

func TestNormalizeField(t *testing.T) {
	in, err := NormalizeField(" jane@yourcenter.edu ")
	if err != nil || in.Domain != "yourcenter.edu" {
		t.Fatalf("NormalizeField = %+v, %v", in, err)
	}
	// At the limit Normalize judges; over it, the field's limit is named.
	if _, err := NormalizeField(strings.Repeat("é", MaxField)); errors.Is(err, KindFieldTooLong) || err == nil {
		t.Errorf("at the limit: %v, want Normalize's refusal", err)
	}
	_, err = NormalizeField(strings.Repeat("é", 12345))
	if !errors.Is(err, KindFieldTooLong) || err.Error() != "That is 12,345 characters long, more than the 1,024 this field takes. Type or paste only the domain or one email address, e.g. yourcenter.edu." {
		t.Errorf("over the limit: %v", err)
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
