package dnscheck_test

import (
	"context"
	"testing"
	"time"

	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

func rdZone(domain string, lines ...string) string {
	z := "$ORIGIN " + domain + ".\n@ IN SOA ns hostmaster 1 3600 600 86400 300\n"
	for _, l := range lines {
		z += l + "\n"
	}
	return z
}

func TestReportDestinations(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t,
		rdZone("yourcenter.edu", `_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:it-reports@stateuniv.edu"`),
		rdZone("othercenter.edu", `_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@othercenter.edu,mailto:x@stateuniv.edu"`),
		rdZone("granted.edu", `_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:r@stateuniv.edu!10m"`),
		rdZone("stateuniv.edu", `granted.edu._report._dmarc IN TXT "v=DMARC1"`),
		rdZone("broken.example"),
	)
	srv.SetFault("yourcenter.edu._report._dmarc.broken.example.", dnstest.Fault{ServFail: true})
	q := dnscheck.NewClient(dnscheck.WithServers(srv.Addr()), dnscheck.WithTimeout(2*time.Second))
	c := &dnscheck.Checker{Resolver: q, Direct: true}
	ctx := context.Background()

	// Outside the organisation, no permission record: no reports arrive.
	d := c.Check(ctx, "yourcenter.edu", dnscheck.Expectation{}).DMARC
	if len(d.Destinations) != 1 || d.Destinations[0].Status != dnscheck.DestinationMissing ||
		d.Destinations[0].Name != "yourcenter.edu._report._dmarc.stateuniv.edu." || d.Destinations[0].Address != "it-reports@stateuniv.edu" {
		t.Errorf("destinations %+v", d.Destinations)
	}
	if len(d.ReportsUnverified()) != 1 {
		t.Errorf("unverified %+v", d.ReportsUnverified())
	}
	// One address inside the organisation: reports arrive there.
	d = c.Check(ctx, "othercenter.edu", dnscheck.Expectation{}).DMARC
	if len(d.Destinations) != 1 || d.ReportsUnverified() != nil {
		t.Errorf("othercenter: %+v, unverified %+v", d.Destinations, d.ReportsUnverified())
	}
	// The destination agrees (a size limit on the address is no matter).
	d = c.Check(ctx, "granted.edu", dnscheck.Expectation{}).DMARC
	if len(d.Destinations) != 1 || d.Destinations[0].Status != dnscheck.DestinationAuthorized || d.ReportsUnverified() != nil {
		t.Errorf("granted: %+v", d.Destinations)
	}
	// DNS trouble is trouble, never "missing".
	got := dnscheck.CheckReportDestinations(ctx, q, "yourcenter.edu", []string{"mailto:a@broken.example", "mailto:b@sub.yourcenter.edu", "https://example.net/r"})
	if len(got) != 1 || got[0].Status != dnscheck.DestinationError {
		t.Errorf("broken: %+v", got)
	}
}
