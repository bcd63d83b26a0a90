package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/cmd/wizard/demo"
	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
)

// TestDemoUpdateDNSForMe: u in the demo publishes the plan shown by an
// RFC 2136 update signed with the demo key, into the simulated primary;
// the same plan again sends nothing.
func TestDemoUpdateDNSForMe(t *testing.T) {
	t.Parallel()
	world, err := demo.Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer world.Close()
	if err := world.Prepare("yourcenter.edu"); err != nil {
		t.Fatal(err)
	}
	u, err := startDemoUpdater(world)
	if err != nil {
		t.Fatal(err)
	}
	defer u.close()
	ctx := context.Background()
	platform := world.Platform()
	snap := discovery.Discover(ctx, world.Checker().Querier(), "yourcenter.edu", platform)
	p, err := plan.Build(ctx, dnscheck.NewLookup(world.Querier()), snap, platform, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	status, err := u.action().Run(ctx, p)
	if err != nil || !strings.Contains(status, "Published") || !strings.Contains(status, "yourcenter.edu") {
		t.Fatalf("u: %q, %v", status, err)
	}
	m := new(dns.Msg)
	m.SetQuestion("osc1._domainkey.yourcenter.edu.", dns.TypeCNAME)
	in, _, err := (&dns.Client{Timeout: 2 * time.Second}).Exchange(m, u.ns1("yourcenter.edu."))
	if err != nil || len(in.Answer) != 1 || in.Answer[0].(*dns.CNAME).Target != platform.DKIM.Target {
		t.Errorf("NS1 after u: %v, %v", in, err)
	}
	again, err := u.action().Run(ctx, p)
	if err != nil || !strings.Contains(again, "Nothing to change") {
		t.Errorf("u again: %q, %v", again, err)
	}
}

// TestEndToEndDemoUpdateDNSForMe: u on the demo's records step publishes
// by dynamic update with the demo key, and the checks then say ready.
func TestEndToEndDemoUpdateDNSForMe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel()
	s := startScreen(t, t.TempDir(), "demo")
	walkToRecords(s)
	s.press("u")
	s.waitFor("by dynamic update, signed with the demo key")
	s.press(enter)
	s.waitFor("SPF and DKIM pass: yourcenter.edu is ready!")
}
