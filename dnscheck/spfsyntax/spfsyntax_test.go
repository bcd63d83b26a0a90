package spfsyntax

import (
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

// spfTermWant is the part of a parsed term the tables check.
type spfTermWant struct {
	qual  byte   // 0 for a modifier
	mech  string // mechanism, or modifier name when qual == 0
	value string
	pfx   string // ip4 / ip6 network, "" otherwise
}

func TestParseSPFValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		record string
		want   []spfTermWant
	}{
		{"v=spf1", nil},
		{"v=spf1 -all", []spfTermWant{{'-', "all", "", ""}}},
		{"V=SPF1 +All", []spfTermWant{{'+', "all", "", ""}}},
		{"v=spf1   include:_spf.google.com   ~all  ", []spfTermWant{
			{'+', "include", "_spf.google.com", ""}, {'~', "all", "", ""}}},
		{"v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all", []spfTermWant{
			{'+', "include", "spf.protection.outlook.com", ""},
			{'+', "include", "spf.outreachsystems.com", ""},
			{'-', "all", "", ""}}},
		{"v=spf1 a mx ptr ?all", []spfTermWant{
			{'+', "a", "", ""}, {'+', "mx", "", ""}, {'+', "ptr", "", ""}, {'?', "all", "", ""}}},
		{"v=spf1 a:mail.example.com/24 mx/24//64 a//64 -mx:mx.example.com/0//0 ~ptr:example.com ?all", []spfTermWant{
			{'+', "a", "mail.example.com", ""},
			{'+', "mx", "", ""},
			{'+', "a", "", ""},
			{'-', "mx", "mx.example.com", ""},
			{'~', "ptr", "example.com", ""},
			{'?', "all", "", ""}}},
		{"v=spf1 ip4:192.0.2.0/24 ip4:192.0.2.1 -ip6:2001:db8::/32 ip6:2001:db8::1 ip4:0.0.0.0/0 -all", []spfTermWant{
			{'+', "ip4", "192.0.2.0/24", "192.0.2.0/24"},
			{'+', "ip4", "192.0.2.1", "192.0.2.1/32"},
			{'-', "ip6", "2001:db8::/32", "2001:db8::/32"},
			{'+', "ip6", "2001:db8::1", "2001:db8::1/128"},
			{'+', "ip4", "0.0.0.0/0", "0.0.0.0/0"},
			{'-', "all", "", ""}}},
		{"v=spf1 exists:%{i}._spf.%{d} -all", []spfTermWant{
			{'+', "exists", "%{i}._spf.%{d}", ""}, {'-', "all", "", ""}}},
		{"v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d2} a:%{d} -all", []spfTermWant{
			{'+', "exists", "%{ir}.%{l1r+-}._spf.%{d2}", ""}, {'+', "a", "%{d}", ""}, {'-', "all", "", ""}}},
		{"v=spf1 exists:%{i}.%%.%_.%-.x.example ~all", []spfTermWant{
			{'+', "exists", "%{i}.%%.%_.%-.x.example", ""}, {'~', "all", "", ""}}},
		{"v=spf1 mx redirect=_spf.example.com", []spfTermWant{
			{'+', "mx", "", ""}, {0, "redirect", "_spf.example.com", ""}}},
		{"v=spf1 -all exp=explain._spf.%{d}", []spfTermWant{
			{'-', "all", "", ""}, {0, "exp", "explain._spf.%{d}", ""}}},
		{"v=spf1 Redirect=Example.COM. foo=bar x-y.z_1= -all", []spfTermWant{
			{0, "redirect", "Example.COM.", ""}, {0, "foo", "bar", ""}, {0, "x-y.z_1", "", ""}, {'-', "all", "", ""}}},
		// "-all" inside a domain name is not a glued term.
		{"v=spf1 include:spf.small-allies.org a:my-all.example.com -all", []spfTermWant{
			{'+', "include", "spf.small-allies.org", ""}, {'+', "a", "my-all.example.com", ""}, {'-', "all", "", ""}}},
	}
	for _, tt := range tests {
		rec, err := Parse(tt.record)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.record, err)
			continue
		}
		if rec.Raw != tt.record {
			t.Errorf("Raw = %q", rec.Raw)
		}
		var got []spfTermWant
		for _, term := range rec.Terms {
			w := spfTermWant{qual: term.Qualifier, value: term.Value}
			if term.IsDirective() {
				w.mech = term.Mechanism
			} else {
				w.mech = term.Modifier
				if term.Mechanism != "" {
					t.Errorf("%q: modifier %q has a mechanism", tt.record, term.Raw)
				}
			}
			if term.Prefix.IsValid() {
				w.pfx = term.Prefix.String()
			}
			got = append(got, w)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q) terms\n got %+v\nwant %+v", tt.record, got, tt.want)
		}
		if want := strings.Fields(tt.record)[1:]; len(want) != len(rec.Terms) {
			t.Errorf("%q: %d terms, want %d", tt.record, len(rec.Terms), len(want))
		} else {
			for i, term := range rec.Terms {
				if term.Raw != want[i] {
					t.Errorf("%q: term %d Raw %q, want %q", tt.record, i, term.Raw, want[i])
				}
			}
		}
	}
}

func TestParseSPFRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		record string
		term   string // the offending term ("" for the whole record)
	}{
		{"v=spf1 include=spf.example.com -all", "include=spf.example.com"},
		{"v=spf1 a ip4=192.0.2.1 -all", "ip4=192.0.2.1"},
		{"v=spf1 include:a.cominclude:b.com -all", "include:a.cominclude:b.com"},
		{"v=spf1 ip4:1.2.3.4-all", "ip4:1.2.3.4-all"},
		{"v=spf1 include:spf.example.com-all", "include:spf.example.com-all"},
		{"v=spf1 ip4:1.2.3.4~all", "ip4:1.2.3.4~all"},
		{"v=spf1 ip4:192.0.2.1ip4:192.0.2.2 -all", "ip4:192.0.2.1ip4:192.0.2.2"},
		{"v=spf1 include:a.comredirect=b.com", "include:a.comredirect=b.com"},
		{"v=spf1 ip4:192.0.2.1v=spf1 -all", "ip4:192.0.2.1v=spf1"},
		// Quotes, smart or straight: the term that holds them is named.
		{"v=spf1 include:“spf.example.com” -all", "include:“spf.example.com”"},
		{"“v=spf1 -all”", "“v=spf1"},
		{`"v=spf1 -all"`, `"v=spf1`},
		{"v=spf1 ‘a’ -all", "‘a’"},
		{"v=spf1 ipv4:192.0.2.1 -all", "ipv4:192.0.2.1"},
		{"v=spf1 ip:192.0.2.1", "ip:192.0.2.1"},
		{"v=spf1 - all", "-"},
		{"v=spf1 ip4:192.0.2 -all", "ip4:192.0.2"},
		{"v=spf1 ip4:256.0.2.1", "ip4:256.0.2.1"},
		{"v=spf1 ip4:192.0.2.1/33", "ip4:192.0.2.1/33"},
		{"v=spf1 ip4:192.0.2.1/", "ip4:192.0.2.1/"},
		{"v=spf1 ip4:192.0.2.0/024", "ip4:192.0.2.0/024"},
		{"v=spf1 ip4:2001:db8::1", "ip4:2001:db8::1"},
		{"v=spf1 ip6:192.0.2.1", "ip6:192.0.2.1"},
		{"v=spf1 ip6:2001:db8::/129", "ip6:2001:db8::/129"},
		{"v=spf1 ip6:fe80::1%eth0", "ip6:fe80::1%eth0"},
		{"v=spf1 ip4", "ip4"},
		{"v=spf1 ip4:", "ip4:"},
		{"v=spf1 a/33", "a/33"},
		{"v=spf1 a//129", "a//129"},
		{"v=spf1 mx/24/64", "mx/24/64"},
		{"v=spf1 mx/", "mx/"},
		{"v=spf1 ptr/24", "ptr/24"},
		{"v=spf1 a:", "a:"},
		{"v=spf1 a:example..com", "a:example..com"},
		{"v=spf1 include", "include"},
		{"v=spf1 include:", "include:"},
		{"v=spf1 include:localhost", "include:localhost"},
		{"v=spf1 include:example.com/24", "include:example.com/24"},
		{"v=spf1 all:example.com", "all:example.com"},
		{"v=spf1 -all/0", "-all/0"},
		{"v=spf1 exists:%{x}.example.com", "exists:%{x}.example.com"},
		{"v=spf1 exists:%{i", "exists:%{i"},
		{"v=spf1 exists:%{}.example.com", "exists:%{}.example.com"},
		{"v=spf1 exists:%{dxyz}.example.com", "exists:%{dxyz}.example.com"},
		{"v=spf1 exists:%{d0}.example.com", "exists:%{d0}.example.com"},
		{"v=spf1 exists:%{i}.%", "exists:%{i}.%"},
		{"v=spf1 exists:%a.example.com", "exists:%a.example.com"},
		{"v=spf1 foo=%{x}", "foo=%{x}"},
		{"v=spf1 redirect=a.example redirect=b.example", "redirect=b.example"},
		{"v=spf1 exp=a.example -all exp=b.example", "exp=b.example"},
		{"v=spf1 redirect=", "redirect="},
		{"v=spf1 redirect=nodot", "redirect=nodot"},
		{"v=spf10 -all", ""},
		{"v=spf1-all", ""},
		{"v=spf2 -all", ""},
		{" v=spf1 -all", ""},
		{"", ""},
		{"v=spf1 include:exämple.com -all", "include:exämple.com"},
		{"v=spf1 a:漢字.example -all", "a:漢字.example"},
		// Non-ASCII spaces and tabs do not separate terms.
		{"v=spf1 include:a.example.com\u00a0-all", "include:a.example.com\u00a0-all"},
		{"v=spf1 a\t-all", "a\t-all"},
		{"v=spf1 a -all\x00", "-all\x00"},
	}
	for _, tt := range tests {
		rec, err := Parse(tt.record)
		if err == nil {
			t.Errorf("Parse(%q) = %v, want an error", tt.record, rec)
			continue
		}
		if !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q): %v does not wrap ErrSyntax", tt.record, err)
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q): %T is not *SyntaxError", tt.record, err)
			continue
		}
		if se.Term != tt.term {
			t.Errorf("Parse(%q): offending term %q, want %q (%v)", tt.record, se.Term, tt.term, err)
		}
		if se.Reason == "" || (tt.term != "" && !strings.Contains(err.Error(), fmt.Sprintf("%q", se.Term))) {
			t.Errorf("Parse(%q): error %q does not say what and where", tt.record, err)
		}
		if rec == nil || rec.Raw != tt.record {
			t.Errorf("Parse(%q): the record is not returned with the error", tt.record)
		}
	}
}

func TestParseSPFErrorMessages(t *testing.T) {
	t.Parallel()
	tests := []struct{ record, want string }{
		{"v=spf1 include=x.example.com", "include:x.example.com"}, // shows the fix
		{"v=spf1 include:a.cominclude:b.com", "include:b.com"},    // shows what is glued
		{"v=spf1 include:“x.example.com”", "quot"},
		{"v=spf1 ipv4:192.0.2.1", "unknown mechanism"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.record)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) error %v, want it to mention %q", tt.record, err, tt.want)
		}
	}
}

func TestIsSPF(t *testing.T) {
	t.Parallel()
	tests := []struct {
		txt       string
		is, looks bool
	}{
		{"v=spf1", true, false},
		{"v=spf1 -all", true, false},
		{"V=SPF1 -all", true, false},
		{"v=spf1 ", true, false},
		{"v=spf1-all", false, true},
		{"v=spf1include:spf.example.com -all", false, true},
		{"v=spf10", false, true},
		{"v=spf2 -all", false, true},
		{" v=spf1 -all", false, true},
		{"v=spf1\t-all", false, true},
		{"“v=spf1 -all”", false, true},
		{`"v=spf1 -all"`, false, true},
		{"'v=spf1 -all'", false, true},
		{"v=spf", false, true},
		{"v=sp", false, false},
		{"", false, false},
		{"spf2.0/pra ip4:192.0.2.1 -all", false, false},
		{"google-site-verification=abc", false, false},
		{"v=DMARC1; p=none", false, false},
		{"x v=spf1 -all", false, false},
	}
	for _, tt := range tests {
		if got := IsSPF(tt.txt); got != tt.is {
			t.Errorf("IsSPF(%q) = %v, want %v", tt.txt, got, tt.is)
		}
		if got := LooksLikeSPF(tt.txt); got != tt.looks {
			t.Errorf("LooksLikeSPF(%q) = %v, want %v", tt.txt, got, tt.looks)
		}
	}
}

func TestSPFRecordString(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"v=spf1", "v=spf1"},
		{"V=SPF1 -ALL", "v=spf1 -ALL"},
		{"v=spf1    a   mx  -all   ", "v=spf1 a mx -all"},
		{"v=spf1 include:_spf.google.com ip4:192.0.2.0/24 ip6:2001:db8::/32 exists:%{i}._spf.%{d} a/24//64 ~all exp=x.%{d} redirect=r.example.com",
			"v=spf1 include:_spf.google.com ip4:192.0.2.0/24 ip6:2001:db8::/32 exists:%{i}._spf.%{d} a/24//64 ~all exp=x.%{d} redirect=r.example.com"},
	}
	for _, tt := range tests {
		rec, err := Parse(tt.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.in, err)
		}
		s := rec.String()
		if s != tt.want {
			t.Errorf("String() = %q, want %q", s, tt.want)
		}
		again, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(String()) = %v", err)
		}
		if !reflect.DeepEqual(again.Terms, rec.Terms) {
			t.Errorf("round trip of %q changed the terms:\n%+v\n%+v", tt.in, rec.Terms, again.Terms)
		}
	}
}

func TestSPFTermQueriesDNS(t *testing.T) {
	t.Parallel()
	rec, err := Parse("v=spf1 include:a.example a mx:b.example ptr exists:%{i}.c.example ip4:192.0.2.1 ip6:2001:db8::1 -all exp=e.example foo=bar redirect=r.example")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		"include:a.example": true, "a": true, "mx:b.example": true, "ptr": true,
		"exists:%{i}.c.example": true, "redirect=r.example": true,
		"ip4:192.0.2.1": false, "ip6:2001:db8::1": false, "-all": false,
		"exp=e.example": false, "foo=bar": false,
	}
	if len(rec.Terms) != len(want) {
		t.Fatalf("%d terms, want %d", len(rec.Terms), len(want))
	}
	for _, term := range rec.Terms {
		if got := term.QueriesDNS(); got != want[term.Raw] {
			t.Errorf("%q.QueriesDNS() = %v, want %v", term.Raw, got, want[term.Raw])
		}
	}
}

func TestSPFRecordAccessors(t *testing.T) {
	t.Parallel()
	rec, err := Parse("v=spf1 ip4:192.0.2.1 include:SPF.Example.COM ~all -all redirect=r.example.com")
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.All(); got != 2 {
		t.Errorf("All() = %d, want 2 (the first)", got)
	}
	if got := rec.Redirect(); got != "r.example.com" {
		t.Errorf("Redirect() = %q", got)
	}
	for _, d := range []string{"spf.example.com", "spf.example.com.", "SPF.EXAMPLE.COM"} {
		if !rec.HasInclude(d) {
			t.Errorf("HasInclude(%q) = false", d)
		}
	}
	for _, d := range []string{"example.com", "spf.example.co", "r.example.com", "192.0.2.1"} {
		if rec.HasInclude(d) {
			t.Errorf("HasInclude(%q) = true", d)
		}
	}
	if !rec.Terms[1].IsDirective() || rec.Terms[4].IsDirective() {
		t.Error("IsDirective wrong")
	}
	if want := netip.MustParsePrefix("192.0.2.1/32"); rec.Terms[0].Prefix != want {
		t.Errorf("Prefix = %v", rec.Terms[0].Prefix)
	}
	empty, _ := Parse("v=spf1")
	if empty.All() != -1 || empty.Redirect() != "" || empty.HasInclude("x.example") {
		t.Error("accessors of an empty record")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"v=spf1",
		"v=spf1 -all",
		"v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all",
		"v=spf1 a:mail.example.com/24//64 mx/24 ptr ?all",
		"v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all",
		"v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all exp=explain.%{d}",
		"v=spf1 redirect=_spf.example.com",
		"v=spf1 include=x.com",
		"v=spf1 include:a.cominclude:b.com",
		"v=spf1 ip4:1.2.3.4-all",
		"“v=spf1 -all”",
		"v=spf1 a\u00a0-all",
		"v=spf1 foo=%{i} -all",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, record string) {
		rec, err := Parse(record)
		if rec == nil {
			t.Fatalf("Parse(%q) returned a nil record", record)
		}
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("Parse(%q): %v does not wrap ErrSyntax", record, err)
			}
			return
		}
		for _, term := range rec.Terms {
			if term.Raw == "" || strings.ContainsAny(term.Raw, " \t") {
				t.Fatalf("Parse(%q): bad term %q", record, term.Raw)
			}
			if term.IsDirective() == (term.Modifier != "") {
				t.Fatalf("Parse(%q): term %q is both or neither directive and modifier", record, term.Raw)
			}
			// One term alone reads as it does in the record.
			if alone, err := ParseTerm(term.Raw); err != nil || !reflect.DeepEqual(alone, term) {
				t.Fatalf("Parse(%q) has term %+v; ParseTerm(%q) = %+v, %v", record, term, term.Raw, alone, err)
			}
		}
		s := rec.String()
		again, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q) succeeded, but not Parse(String() = %q): %v", record, s, err)
		}
		if len(again.Terms) != len(rec.Terms) {
			t.Fatalf("Parse(%q): %d terms, after String() %d", record, len(rec.Terms), len(again.Terms))
		}
		if again.String() != s {
			t.Fatalf("String() not stable: %q then %q", s, again.String())
		}
	})
}

// TestParseTerm: one term is read as Parse reads it inside a record, and
// what is not exactly one valid term is refused with a *SyntaxError.
func TestParseTerm(t *testing.T) {
	t.Parallel()
	for _, term := range []string{
		"include:spf.example.net", "+include:SPF.Example.NET.", "ip4:192.0.2.1", "ip4:192.0.2.0/24", "ip6:2001:db8::/32",
		"-all", "~all", "?mx/24", "a:mail.example.com/24//64", "exists:%{i}._spf.%{d}", "redirect=_spf.example.net", "foo=bar",
	} {
		got, err := ParseTerm(term)
		if err != nil {
			t.Errorf("ParseTerm(%q): %v", term, err)
			continue
		}
		rec, err := Parse("v=spf1 " + term)
		if err != nil || len(rec.Terms) != 1 || !reflect.DeepEqual(rec.Terms[0], got) {
			t.Errorf("ParseTerm(%q) = %+v; in a record it reads %+v (%v)", term, got, rec, err)
		}
	}
	if got, _ := ParseTerm("ip4:192.0.2.0/24"); got.Mechanism != MechIP4 || got.Prefix != netip.MustParsePrefix("192.0.2.0/24") || got.Qualifier != '+' {
		t.Errorf("ParseTerm(ip4:192.0.2.0/24) = %+v", got)
	}
	for _, tt := range []struct{ term, reason string }{
		{"", "there is no term"},
		{"include:a.example include:b.example", "holds a space"},
		{" include:a.example", "holds a space"},
		{"include:", "needs a domain name"},
		{"include=spf.example.net", "write it with a colon"},
		{"ip4:2001:db8::1", "is not an IPv4 address"},
		{"ip6:192.0.2.1", "is not an IPv6 address"},
		{"ip4:192.0.2.0/", "no prefix length"},
		{"bogus:x.example", "unknown mechanism"},
		{"include:a.cominclude:b.com", "glued"},
		{"all/24", "takes no value"},
	} {
		_, err := ParseTerm(tt.term)
		var se *SyntaxError
		if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) || !strings.Contains(se.Reason, tt.reason) {
			t.Errorf("ParseTerm(%q) = %v, want a *SyntaxError saying %q", tt.term, err, tt.reason)
		}
	}
}
