package main

import (
	"strings"
	"testing"
)

// TestSmallFaultsUsage checks that bad input is refused with exit 2 and one
// line naming the real fault, for inputs that were once misread: a top-level
// domain offered "edu.edu", an address with a number over 255 was looked up
// as a host name (exit 3), an empty --dns-server silently meant the system
// resolver, and an escape sequence was reported as unbalanced brackets.
func TestSmallFaultsUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		args  []string
		wants []string
	}{
		{"check a top-level domain", []string{"check", "edu", "--dns-server", "127.0.0.1:1"}, []string{`"edu" is a top-level domain, not a mail domain`}},
		{"records a public suffix", []string{"records", "ac.uk", "--dns-server", "127.0.0.1:1"}, []string{`"ac.uk"`, "not a mail domain", "yourcenter.ac.uk"}},
		{"--dns-server octet over 255", []string{"check", "x.edu", "--dns-server", "256.0.0.1"}, []string{"--dns-server", "not an IPv4 address", "256 is over 255"}},
		{"--dns-server octet over 255 with port", []string{"records", "x.edu", "--dns-server", "10.0.0.256:53"}, []string{"256 is over 255"}},
		{"--dns-server empty on check", []string{"check", "x.edu", "--dns-server", ""}, []string{"--dns-server needs a server"}},
		{"--dns-server empty on records", []string{"records", "x.edu", "--dns-server="}, []string{"--dns-server needs a server"}},
		{"--dns-server blank", []string{"check", "x.edu", "--dns-server", " "}, []string{"--dns-server needs a server"}},
		{"--dns-server control character", []string{"check", "x.edu", "--dns-server", "127.0.0.1\x1b[31m"}, []string{"--dns-server", `control character '\x1b'`}},
		{"--dns-server empty on demo", []string{"demo", "--dns-server", ""}, []string{"--dns-server does not apply"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runWizard(t, tc.args...)
			wantUsageError(t, r, tc.wants...)
			if strings.Contains(r.stderr, "brackets") || strings.Contains(r.stderr, "edu.edu") {
				t.Errorf("stderr names the wrong fault: %q", r.stderr)
			}
		})
	}
}
