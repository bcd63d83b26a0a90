package dnscheck

import (
	"strings"
	"testing"
)

// TestParseServerNamesTheFault checks that a bad --dns-server value is
// refused for what is wrong with it, not for a side effect: an IPv4
// address with a number over 255 is not taken for a host name, and an
// escape sequence is not reported as unbalanced brackets.
func TestParseServerNamesTheFault(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		says []string
	}{
		{"", []string{"no DNS server given"}},
		{" \t", []string{"no DNS server given"}},
		{"256.0.0.1", []string{`"256.0.0.1" is not an IPv4 address`, "256 is over 255"}},
		{"192.0.2.300:53", []string{"not an IPv4 address", "300 is over 255"}},
		{"1.2.3", []string{"not an IPv4 address", "it has 3 numbers between dots, an address has 4"}},
		{"1.2.3.4.5", []string{"not an IPv4 address", "it has 5 numbers"}},
		{"1..2.3", []string{"not an IPv4 address", "a number is missing"}},
		{"01.2.3.4", []string{"not an IPv4 address", "01 starts with a zero"}},
		{"99999999999999999999.0.0.1", []string{"not an IPv4 address", "is over 255"}},
		{"192.0.2.1\x1b[31m", []string{`"192.0.2.1\x1b[31m"`, `the control character '\x1b'`}},
		{"ns1.example\x00.com", []string{`the control character '\x00'`}},
		{"192.0.2.1\n192.0.2.2", []string{`the control character '\n'`}},
	}
	for _, tt := range tests {
		got, err := ParseServer(tt.in)
		if err == nil {
			t.Errorf("ParseServer(%q) = %q, want an error", tt.in, got)
			continue
		}
		for _, s := range tt.says {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("ParseServer(%q) error %q lacks %q", tt.in, err, s)
			}
		}
		if strings.Contains(err.Error(), "brackets") {
			t.Errorf("ParseServer(%q) error %q blames brackets", tt.in, err)
		}
		for _, r := range err.Error() {
			if r < 0x20 || r == 0x7f {
				t.Errorf("ParseServer(%q) error %q has a raw control character", tt.in, err)
				break
			}
		}
	}
	// Host names with digits stay host names; a pasted line break around
	// the value is white space, not a control character inside it.
	for _, in := range []string{"ns1.example.com", "1.2.3.example", "192.0.2.1\n", "a1.b2"} {
		if _, err := ParseServer(in); err != nil {
			t.Errorf("ParseServer(%q) error %v, want none", in, err)
		}
	}
}
