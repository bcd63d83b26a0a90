package dnscheck

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRepairSPF(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		raw   string
		want  string
		notes []string // each must appear (substring) in the notes, in this order
	}{
		{"valid record unchanged", "v=spf1 include:spf.protection.outlook.com -all", "v=spf1 include:spf.protection.outlook.com -all", nil},
		{"valid record with odd spacing unchanged", "v=spf1  mx   -all", "v=spf1  mx   -all", nil},
		{"~al", "v=spf1 include:spf.protection.outlook.com ~al", "v=spf1 include:spf.protection.outlook.com ~all", []string{"“~al” as ~all"}},
		{"-al", "v=spf1 mx -al", "v=spf1 mx -all", []string{"“-al” as -all"}},
		{"all-: qualifier after", "v=spf1 mx all-", "v=spf1 mx -all", []string{"“all-” as -all", "qualifier goes before"}},
		{"all~", "v=spf1 mx all~", "v=spf1 mx ~all", []string{"“all~” as ~all"}},
		{"-alll", "v=spf1 mx -alll", "v=spf1 mx -all", []string{"“-alll” as -all"}},
		{"al without qualifier: unclear, ~all", "v=spf1 mx al", "v=spf1 mx ~all", []string{"“al” was meant as the all term", "unclear", "became ~all"}},
		{"two qualifiers: unclear, ~all", "v=spf1 mx -~all", "v=spf1 mx ~all", []string{"“-~all”", "unclear"}},
		{"include=", "v=spf1 include=spf.protection.outlook.com -all", "v=spf1 include:spf.protection.outlook.com -all", []string{"“include=spf.protection.outlook.com” as “include:spf.protection.outlook.com”", "colon"}},
		{"~include= keeps its qualifier", "v=spf1 ~include=_spf.google.com -all", "v=spf1 ~include:_spf.google.com -all", []string{"colon"}},
		{"ip4= and ipv4:", "v=spf1 ip4=192.0.2.1 ipv4:192.0.2.2 -all", "v=spf1 ip4:192.0.2.1 ip4:192.0.2.2 -all", []string{"colon", "spelt ip4"}},
		{"smart quotes", "“v=spf1 include:spf.protection.outlook.com -all”", "v=spf1 include:spf.protection.outlook.com -all", []string{"quotation marks"}},
		{"straight quotes of two strings", `"v=spf1 include:a.example" "include:b.example -all"`, "v=spf1 include:a.example include:b.example -all", []string{"quotation marks"}},
		{"non-breaking space", "v=spf1\u00a0include:spf.protection.outlook.com\u00a0-all", "v=spf1 include:spf.protection.outlook.com -all", []string{"non-breaking"}},
		{"tab", "v=spf1 mx\t-all", "v=spf1 mx -all", []string{"non-breaking spaces, tabs"}},
		{"zero-width space", "v=spf1 mx\u200b -all", "v=spf1 mx -all", []string{"invisible"}},
		{"word processor dash", "v=spf1 mx –all", "v=spf1 mx -all", []string{"long dash"}},
		{"strings joined: two includes", "v=spf1 include:a.cominclude:b.com -all", "v=spf1 include:a.com include:b.com -all", []string{"between “include:a.com” and “include:b.com”", "without a space"}},
		{"strings joined: ~all", "v=spf1 include:spf.protection.outlook.com~all", "v=spf1 include:spf.protection.outlook.com ~all", []string{"“include:spf.protection.outlook.com” and “~all”"}},
		{"strings joined: -all at the end", "v=spf1 include:spf.protection.outlook.com-all", "v=spf1 include:spf.protection.outlook.com -all", []string{"and “-all”"}},
		{"strings joined: qualifier goes with the next term", "v=spf1 ip4:192.0.2.1~include:b.example -all", "v=spf1 ip4:192.0.2.1 ~include:b.example -all", []string{"“~include:b.example”"}},
		{"strings joined three times", "v=spf1 ip4:192.0.2.1ip4:192.0.2.2ip6:2001:db8::1 -all", "v=spf1 ip4:192.0.2.1 ip4:192.0.2.2 ip6:2001:db8::1 -all", []string{"glued", "glued"}},
		{"v=spf1 glued to the first term", "v=spf1include:a.example -all", "v=spf1 include:a.example -all", []string{"space after v=spf1"}},
		{"a name with -all inside is not split", "v=spf1 include:small-allies.org include=x.example -all", "v=spf1 include:small-allies.org include:x.example -all", []string{"colon"}},
		{"missing v=spf1", "include:spf.protection.outlook.com -all", "v=spf1 include:spf.protection.outlook.com -all", []string{"Added v=spf1"}},
		{"misspelt v=spf1", "v=spf2 mx -all", "v=spf1 mx -all", []string{"“v=spf2” as v=spf1"}},
		{"leading space", " v=spf1 mx -all", "v=spf1 mx -all", []string{"space before the record"}},
		{"second v=spf1 from two records joined", "v=spf1 mx v=spf1 a -al", "v=spf1 mx a -all", []string{"second v=spf1", "-all"}},
		{"duplicate term in a valid record", "v=spf1 include:a.example mx include:A.example. -all", "v=spf1 include:a.example mx -all", []string{"second “include:A.example.”", "twice"}},
		{"duplicate term in a broken one", "v=spf1 mx mx ~al", "v=spf1 mx ~all", []string{"second “mx”", "~all"}},
		{"second redirect", "v=spf1 redirect=a.example redirect=b.example", "v=spf1 redirect=a.example", []string{"“redirect=b.example”", "only one redirect="}},
		{"unknown term dropped, named, with why", "v=spf1 bogus:thing include:a.example -all", "v=spf1 include:a.example -all", []string{"Dropped “bogus:thing”", "unknown mechanism"}},
		{"bad address dropped", "v=spf1 ip4:300.1.1.1 mx -all", "v=spf1 mx -all", []string{"Dropped “ip4:300.1.1.1”", "not an IPv4 address"}},
		{"include= with a bad name says what is wrong", "v=spf1 include=nodot -all", "v=spf1 -all", []string{"Dropped “include=nodot”", "domain name"}},
		{"stray comma", "v=spf1 include:a.example, include:b.example -all", "v=spf1 include:a.example include:b.example -all", []string{"stray “,”"}},
		{"space after the colon", "v=spf1 include: a.example -all", "v=spf1 include:a.example -all", []string{"space inside “include: a.example”"}},
		{"space after the qualifier", "v=spf1 mx ~ all", "v=spf1 mx ~all", []string{"space inside “~ all”"}},
		{"the issue's typo", "v=spf1 include:spf.protection.outlook.com ~al", "v=spf1 include:spf.protection.outlook.com ~all", nil},
		{"control characters are shown safely", "v=spf1 mx \x1b[31mred -all", "v=spf1 mx -all", []string{"Dropped “\\x1b[31mred”"}},
		{"nothing left", "hello", "v=spf1", []string{"Added v=spf1", "Dropped “hello”"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, notes := RepairSPF(tc.raw)
			if got != tc.want {
				t.Errorf("RepairSPF(%q)\n got %q\nwant %q\nnotes %q", tc.raw, got, tc.want, notes)
			}
			if _, err := ParseSPF(got); err != nil {
				t.Errorf("repaired %q does not parse: %v", got, err)
			}
			all := strings.Join(notes, "\n")
			at := 0
			for _, n := range tc.notes {
				i := strings.Index(all[at:], n)
				if i < 0 {
					t.Errorf("notes %q lack %q (in order)", notes, n)
					break
				}
				at += i + len(n)
			}
			if got == tc.raw && len(notes) > 0 {
				t.Errorf("unchanged record with notes %q", notes)
			}
			if got != tc.raw && len(notes) == 0 {
				t.Errorf("record changed to %q without a note", got)
			}
			for _, n := range notes {
				if !strings.HasSuffix(n, ".") || n != Printable(n) {
					t.Errorf("note %q is not one printable sentence", n)
				}
			}
			if again, more := RepairSPF(got); again != got || len(more) > 0 {
				t.Errorf("repairing %q again gave %q %q", got, again, more)
			}
		})
	}
}

// FuzzRepairSPF checks that whatever RepairSPF is given, it returns a
// record that parses, that repairing it again changes nothing, and that it
// grows by a bounded amount.
func FuzzRepairSPF(f *testing.F) {
	for _, s := range []string{
		"v=spf1 include:spf.protection.outlook.com ~al",
		"v=spf1 include:a.cominclude:b.com -all",
		"“v=spf1 include=x.example –all”",
		"include:x.example all-",
		"v=spf1 mx v=spf1 a redirect=a.example redirect=b.example",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, notes := RepairSPF(raw)
		if _, err := ParseSPF(got); err != nil {
			t.Fatalf("RepairSPF(%q) = %q, which does not parse: %v", raw, got, err)
		}
		if again, more := RepairSPF(got); again != got || len(more) > 0 {
			t.Fatalf("RepairSPF(%q) = %q, and again %q %q", raw, got, again, more)
		}
		if len(got) > len(raw)+maxRepairGrowth {
			t.Fatalf("RepairSPF(%q) = %q: grew by %d bytes", raw, got, len(got)-len(raw))
		}
		if got != raw && len(notes) == 0 {
			t.Fatalf("RepairSPF(%q) = %q without a note", raw, got)
		}
		for _, n := range notes {
			if !utf8.ValidString(n) || n != Printable(n) {
				t.Fatalf("note %q is not printable", n)
			}
		}
	})
}

// maxRepairGrowth is how much longer than its input a repaired record may
// be: "v=spf1 " added, a space for each glued term split, a letter for
// each kind of "al" completed.
const maxRepairGrowth = 7 + maxRepairSplits + 8

// TestRepairSPFNonASCII: letters whose lower case is longer or shorter
// than they are (İ, K) do not shift where glued terms are split.
func TestRepairSPFNonASCII(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{
		"v=spf1 İİİİinclude:a.example -all",
		"v=spf1 include:a.example\u212ainclude:b.example -all",
		"\u212a=spf1 ip4:192.0.2.1ip4:192.0.2.2",
	} {
		got, notes := RepairSPF(raw)
		if _, err := ParseSPF(got); err != nil || !utf8.ValidString(strings.Join(notes, "")) {
			t.Errorf("RepairSPF(%q) = %q %q", raw, got, notes)
		}
	}
	if got, _ := RepairSPF("v=spf1 include:a.example\u212ainclude:b.example -all"); got != "v=spf1 include:b.example -all" {
		t.Errorf("got %q: the term with the Kelvin sign dropped, the one glued after it kept", got)
	}
}
