package demo

import (
	"context"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
)

// txtOn returns the TXT values ns1 serves at name that keep does.
func txtOn(w *World, name string, keep func(string) bool) []string {
	var out []string
	for _, rr := range w.ns1.Records(fqdn(name), dns.TypeTXT) {
		if v := txtValue(rr); keep(v) {
			out = append(out, v)
		}
	}
	return out
}

// TestPublishFromAnOlderReadLeavesOneRecord publishes plans worked out
// from the read made before anything was published, for one provider
// after another, as the records step does after going back to the
// provider: each time the name ends with exactly the SPF and DMARC
// records of the plan published last, never one of an earlier plan
// beside it.
func TestPublishFromAnOlderReadLeavesOneRecord(t *testing.T) {
	t.Parallel()
	w := startWorld(t, nil, 0, 0)
	const d = "yourcenter.edu"
	if err := w.Prepare(d); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	first := discovery.Discover(ctx, w.Querier(), d, w.Platform())
	for i, id := range []string{"google", "microsoft365", "zoho", "google"} {
		pr, _ := assets.ProviderByID(id)
		// A new reports address each time changes the DMARC record too.
		reports := "dmarc" + string(rune('a'+i)) + "@" + d
		p, err := plan.Build(ctx, w.Querier(), first, w.Platform(), plan.Options{Provider: &pr, DMARCReports: reports})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Publish(p); err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Records {
			if r.Type != "TXT" || r.Action == plan.ActionKeep {
				continue
			}
			kind := policyKind(r.Value)
			got := txtOn(w, r.Name, func(v string) bool { return policyKind(v) == kind })
			if len(got) != 1 || got[0] != r.Value {
				t.Errorf("%s: after publishing for %s, %s has %q, want only %q", r.Name, pr.Name, kind, got, r.Value)
			}
		}
		// The record that is not SPF stays.
		if got := txtOn(w, d, func(v string) bool { return strings.HasPrefix(v, "MS=") }); len(got) != 1 {
			t.Errorf("the verification record is gone: %q", got)
		}
	}
	if got := txtOn(w, d, dnscheck.IsSPF); len(got) != 1 || strings.Contains(got[0], "zohomail") {
		t.Errorf("SPF records at the end: %q", got)
	}
}
