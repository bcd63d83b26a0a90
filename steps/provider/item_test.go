package provider

import (
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/assets"
)

// An ask provider (its SPF entry differs per customer) is described by
// where to find that entry, not by an empty list of terms.
func TestAskProviderDescription(t *testing.T) {
	p, ok := assets.ProviderByID("cisco-secure-email")
	if !ok || !p.NeedsAsk() {
		t.Fatalf("the catalog has no ask provider cisco-secure-email: %+v", p)
	}
	if got := (item{p: p}).Description(); !strings.Contains(got, p.Ask) {
		t.Errorf("Description() = %q, want it to carry %q", got, p.Ask)
	}
}
