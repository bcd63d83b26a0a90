package demo

import (
	"context"
	"testing"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
)

// TestEveryCatalogIncludeResolves: the Resolver serves every include of
// the provider catalog as an SPF record whose tree (its nested include
// too) resolves without trouble, void lookups or errors, to addresses.
func TestEveryCatalogIncludeResolves(t *testing.T) {
	t.Parallel()
	w := startWorld(t, nil, 0, 0)
	ctx := context.Background()
	q := dnscheck.NewLookup(w.Querier())
	n := 0
	for _, p := range assets.Providers() {
		for _, inc := range p.SPFIncludes {
			n++
			resp := q.Query(ctx, inc, dns.TypeTXT)
			rec, err := dnscheck.SelectSPF(resp)
			if err != nil || rec == nil {
				t.Errorf("%s (%s): no SPF record (%v, %v)", inc, p.ID, resp.Status, err)
				continue
			}
			walk := dnscheck.WalkSPF(ctx, q, inc, rec)
			if walk.VoidLookups > 0 || len(walk.Loops) > 0 || walk.Truncated {
				t.Errorf("%s: void %d, loops %v, truncated %v", inc, walk.VoidLookups, walk.Loops, walk.Truncated)
			}
			set := dnscheck.ExpandPlatformIPs(ctx, q, inc, nil)
			if !set.Live() || len(set.Networks) == 0 {
				t.Errorf("%s: its tree gives no addresses: %+v", inc, set)
			}
		}
	}
	if n == 0 {
		t.Fatal("the catalog has no include")
	}
}

// TestPublishProvidesTypedIncludes: an include the person typed for
// another provider exists once the record naming it is published; a
// typo inside a zone the world serves stays a name that does not exist.
func TestPublishProvidesTypedIncludes(t *testing.T) {
	t.Parallel()
	w := startWorld(t, nil, 0, 0)
	const d = "yourcenter.edu"
	if err := w.Prepare(d); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if r := w.Querier().Query(ctx, "spf.mailer.example", dns.TypeTXT); r.Status.Absent() || r.Status == dnscheck.StatusOK {
		t.Fatalf("spf.mailer.example is served before anything was published: %v", r.Status)
	}
	value := "v=spf1 include:spf.mailer.example include:_spff.google.com include:spf.outreachsystems.com -all"
	p := plan.Plan{Domain: d, Records: []plan.Record{{Purpose: plan.PurposeSPF, Type: "TXT", Name: d + ".", Value: value, Action: plan.ActionReplace}}}
	if _, err := w.Publish(p); err != nil {
		t.Fatal(err)
	}
	r := w.Querier().Query(ctx, "spf.mailer.example", dns.TypeTXT)
	if rec, err := dnscheck.SelectSPF(r); err != nil || rec == nil {
		t.Errorf("the typed include is not served after publishing: %v %v", r.Status, err)
	}
	if r := w.Querier().Query(ctx, "_spff.google.com", dns.TypeTXT); !r.Status.Absent() {
		t.Errorf("a typo in google.com's zone is served: %v", r.Status)
	}
	if err := w.Prepare("mailer.example"); err == nil {
		t.Error("the person can prepare a domain the world now serves as a provider's")
	}
}
