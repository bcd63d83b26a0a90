package plan

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// TestPlatformAddressesReadOnce: the include is read at the first Read;
// a change to it afterwards is not seen by later Reads (one run, one
// reading), and a Build with Addresses writes the set read.
func TestPlatformAddressesReadOnce(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, vendorZone, outlookZone, domainZone(genericNS, "@ IN MX 0 "+m365MX+".", `@ IN TXT "v=spf1 include:spf.protection.outlook.com -all"`))
	c := dnscheck.NewClient(dnscheck.WithServers(srv.Addr()), dnscheck.WithTimeout(2*time.Second))
	p := assets.DefaultPlatform()
	a := NewPlatformAddresses(c, p)
	first := a.Read(context.Background())
	want := []netip.Prefix{netip.MustParsePrefix("107.20.160.162/32"), netip.MustParsePrefix("35.85.179.136/32")}
	if !first.Live() || !slices.Equal(first.Networks, want) {
		t.Fatalf("first Read = %+v, want the live %v", first, want)
	}
	srv.Remove("spf.outreachsystems.com.", dns.TypeTXT)
	if err := srv.Add(`spf.outreachsystems.com. 300 IN TXT "v=spf1 ip4:203.0.113.7 -all"`); err != nil {
		t.Fatal(err)
	}
	if again := a.Read(context.Background()); !slices.Equal(again.Networks, want) {
		t.Errorf("second Read = %v, want the first reading %v", again.Networks, want)
	}
	pl, _, err := buildPlan(t, srv, testDomain, Options{UseIPs: true, Addresses: a})
	if err != nil {
		t.Fatal(err)
	}
	spf := byPurpose(t, pl, PurposeSPF)
	if wantSPF := "v=spf1 include:spf.protection.outlook.com ip4:107.20.160.162 ip4:35.85.179.136 -all"; spf.Value != wantSPF {
		t.Errorf("SPF = %q, want %q", spf.Value, wantSPF)
	}
	// A new run reads the new set.
	if fresh := NewPlatformAddresses(c, p).Read(context.Background()); len(fresh.Networks) != 1 || fresh.Networks[0].String() != "203.0.113.7/32" {
		t.Errorf("a new run's Read = %v", fresh.Networks)
	}
}

// TestPlatformAddressesFallback: an include that cannot be read gives the
// platform file's list, with the warning in the plan; a reading cut short
// by its context is not kept.
func TestPlatformAddressesFallback(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, vendorZone, outlookZone, domainZone(genericNS, "@ IN MX 0 "+m365MX+".", `@ IN TXT "v=spf1 include:spf.protection.outlook.com -all"`))
	srv.SetFault("spf.outreachsystems.com", dnstest.Fault{ServFail: true})
	c := dnscheck.NewClient(dnscheck.WithServers(srv.Addr()), dnscheck.WithTimeout(2*time.Second))
	p := assets.DefaultPlatform()

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	a := NewPlatformAddresses(c, p)
	if set := a.Read(cancelled); set.Live() {
		t.Fatalf("a cancelled Read is live: %+v", set)
	}
	pl, _, err := buildPlan(t, srv, testDomain, Options{UseIPs: true, Addresses: a})
	if err != nil {
		t.Fatal(err)
	}
	spf := byPurpose(t, pl, PurposeSPF)
	for _, ip := range p.SPF.IPs {
		if !strings.Contains(spf.Value, ip.Addr().String()) {
			t.Errorf("SPF %q lacks the platform file's %s", spf.Value, ip)
		}
	}
	if !slices.ContainsFunc(pl.Warnings, func(w string) bool {
		return strings.Contains(w, "could not be read from spf.outreachsystems.com") && strings.Contains(w, "the DNS server reported a failure")
	}) {
		t.Errorf("no warning that the include could not be read (not the cancelled reading): %q", pl.Warnings)
	}
}

// byPurpose returns the plan's record of purpose.
func byPurpose(t *testing.T, pl Plan, purpose string) Record {
	t.Helper()
	for _, r := range pl.Records {
		if r.Purpose == purpose {
			return r
		}
	}
	t.Fatalf("the plan has no %s record: %+v", purpose, pl.Records)
	return Record{}
}
