package checks_test

import (
	"slices"
	"testing"

	"github.com/outreach-auth/wizard/core/checks"
)

// TestDMARCTagWords: each tag a person meets is said in a few words.
func TestDMARCTagWords(t *testing.T) {
	for _, tc := range []struct {
		record string
		want   []string
	}{
		{"v=DMARC1; p=none", []string{"p=none: receivers deliver mail that fails, and only report it", "no rua=: no reports are sent"}},
		{"v=DMARC1; p=quarantine; rua=mailto:d@example.org", []string{"p=quarantine: receivers put mail that fails in spam", "rua=: where reports go"}},
		{"v=DMARC1; p=reject; sp=none", []string{"p=reject: receivers refuse mail that fails", "sp=none: for its subdomains, receivers deliver mail that fails, and only report it", "no rua=: no reports are sent"}},
		{"v=DMARC1; p=bogus", nil},
		{"", nil},
	} {
		if got := checks.DMARCTagWords(tc.record); !slices.Equal(got, tc.want) {
			t.Errorf("DMARCTagWords(%q) = %q, want %q", tc.record, got, tc.want)
		}
	}
}
