package dnscheck_test

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

const (
	// fxInclude is the platform's include, as the platform file names it.
	fxInclude = "spf.outreachsystems.com"
	// fxNewIP is an address the platform has added since the catalog was
	// written.
	fxNewIP = "203.0.113.9"
)

// fxLiveIPs is the platform's set as its include serves it after a change:
// the catalog's first address removed, fxNewIP added.
func fxLiveIPs() []string { return append(fxPlatformIPs()[1:], fxNewIP) }

// fxSetInclude replaces the TXT record of the platform's include with
// value (nothing when value is "").
func fxSetInclude(t testing.TB, srv *dnstest.Server, value string) {
	t.Helper()
	srv.Remove(fxInclude+".", dns.TypeTXT)
	if value == "" {
		return
	}
	if err := srv.Add(fxInclude + ". 300 IN TXT " + fxTXT(value)); err != nil {
		t.Fatal(err)
	}
}

// fxPrefixes returns each address as a /32 (or /128) network.
func fxPrefixes(addrs ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, a := range addrs {
		ip := netip.MustParseAddr(a)
		out = append(out, netip.PrefixFrom(ip, ip.BitLen()))
	}
	return out
}

// fxExpand reads the include from srv.
func fxExpand(srv *dnstest.Server) dnscheck.PlatformIPs {
	q := dnscheck.NewClient(dnscheck.WithServers(srv.Addr()), dnscheck.WithTimeout(fxTimeout))
	return dnscheck.ExpandPlatformIPs(context.Background(), q, fxInclude, assets.DefaultPlatform().SPF.IPs)
}

func TestExpandPlatformIPs(t *testing.T) {
	t.Parallel()
	catalog := assets.DefaultPlatform().SPF.IPs
	many := make([]string, dnscheck.MaxPlatformNetworks+8)
	for i := range many {
		many[i] = fmt.Sprintf("ip4:198.51.100.%d", i+1)
	}
	deep := []string{}
	for i := range 10 {
		deep = append(deep, fmt.Sprintf("_n%d.outreachsystems.com. 300 IN TXT %s", i, fxTXT(fmt.Sprintf("v=spf1 include:_n%d.outreachsystems.com -all", i+1))))
	}
	deep = append(deep, "_n10.outreachsystems.com. 300 IN TXT "+fxTXT("v=spf1 ip4:192.0.2.1 -all"))

	cases := []struct {
		name    string
		include string   // the include's record ("" for none)
		extra   []string // more records (absolute names)
		fault   *dnstest.Fault
		faultAt string // the name of the fault; the include when ""
		// live is the networks wanted from a live reading; nil wants the
		// catalog's, with a reason containing reason.
		live   []string
		reason string
	}{
		{name: "changed: one added, one removed", include: "v=spf1 " + fxIP4Terms(fxLiveIPs()) + " -all",
			live: fxLiveIPs()},
		{name: "nested include, redirect, ip6 and networks",
			include: "v=spf1 ip4:192.0.2.1 include:_b.outreachsystems.com redirect=_c.outreachsystems.com",
			extra: []string{
				"_b.outreachsystems.com. 300 IN TXT " + fxTXT("v=spf1 ip4:192.0.2.2 ip6:2001:db8::/64 -all"),
				"_c.outreachsystems.com. 300 IN TXT " + fxTXT("v=spf1 ip4:198.51.100.0/24 -all"),
			},
			live: []string{"192.0.2.1/32", "192.0.2.2/32", "2001:db8::/64", "198.51.100.0/24"}},
		{name: "not-passing terms and terms after all are left out",
			include: "v=spf1 ip4:192.0.2.1 -ip4:192.0.2.2 ~ip4:192.0.2.3 ?ip4:192.0.2.4 -all ip4:192.0.2.5",
			live:    []string{"192.0.2.1/32"}},
		{name: "a repeat is kept once", include: "v=spf1 ip4:192.0.2.1 ip4:192.0.2.1/32 -all", live: []string{"192.0.2.1/32"}},
		{name: "bound: only the first networks", include: "v=spf1 " + strings.Join(many, " ") + " -all",
			live: func() []string {
				var out []string
				for i := range dnscheck.MaxPlatformNetworks {
					out = append(out, fmt.Sprintf("198.51.100.%d/32", i+1))
				}
				return out
			}(), reason: fmt.Sprintf("only the first %d", dnscheck.MaxPlatformNetworks)},

		{name: "fallback: SERVFAIL", include: "v=spf1 ip4:192.0.2.1 -all", fault: &dnstest.Fault{ServFail: true}, reason: "the DNS server reported a failure"},
		{name: "fallback: timeout", include: "v=spf1 ip4:192.0.2.1 -all", fault: &dnstest.Fault{Silent: true}, reason: "did not answer within"},
		{name: "fallback: missing", reason: "does not exist or has no TXT records"},
		{name: "fallback: no SPF record", include: "hello", reason: "has no SPF record"},
		{name: "fallback: no address", include: "v=spf1 a:mail.outreachsystems.com -all", reason: "lists no ip4 or ip6 address"},
		{name: "fallback: a nested include in trouble", include: "v=spf1 ip4:192.0.2.1 include:_b.outreachsystems.com -all",
			extra: []string{"_b.outreachsystems.com. 300 IN TXT " + fxTXT("v=spf1 ip4:192.0.2.2 -all")},
			fault: &dnstest.Fault{ServFail: true}, faultAt: "_b.outreachsystems.com", reason: "DNS could not give _b.outreachsystems.com"},
		{name: "fallback: a nested include missing", include: "v=spf1 ip4:192.0.2.1 include:_gone.outreachsystems.com -all",
			reason: "_gone.outreachsystems.com does not exist"},
		{name: "fallback: a loop", include: "v=spf1 ip4:192.0.2.1 include:_b.outreachsystems.com -all",
			extra:  []string{"_b.outreachsystems.com. 300 IN TXT " + fxTXT("v=spf1 include:spf.outreachsystems.com -all")},
			reason: "loops"},
		{name: "fallback: too many lookups", include: "v=spf1 include:_n0.outreachsystems.com -all", extra: deep,
			reason: "more than receivers allow"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fxServer(t)
			fxSetInclude(t, srv, tc.include)
			for _, rr := range tc.extra {
				if err := srv.Add(rr); err != nil {
					t.Fatal(err)
				}
			}
			if tc.fault != nil {
				target := tc.faultAt
				if target == "" {
					target = fxInclude
				}
				srv.SetFault(target, *tc.fault)
			}
			got := fxExpand(srv)
			if got.Include != fxInclude {
				t.Errorf("include = %q", got.Include)
			}
			if tc.live == nil {
				if got.Source != dnscheck.PlatformIPsCatalog || !slices.Equal(got.Networks, catalog) {
					t.Errorf("got %s %v, want the catalog's", got.Source, got.Networks)
				}
			} else {
				var want []netip.Prefix
				for _, s := range tc.live {
					if !strings.Contains(s, "/") {
						s += "/32"
					}
					want = append(want, netip.MustParsePrefix(s))
				}
				if got.Source != dnscheck.PlatformIPsLive || !slices.Equal(got.Networks, want) {
					t.Errorf("got %s %v (%s), want live %v", got.Source, got.Networks, got.Reason, want)
				}
			}
			if !strings.Contains(got.Reason, tc.reason) || (tc.reason == "") != (got.Reason == "") {
				t.Errorf("reason = %q, want it to contain %q", got.Reason, tc.reason)
			}
		})
	}
}

// fxRun checks domains as one run does (wizard check, a --watch round, a
// poll of the verify step): the platform's include read once, beside.
func fxRun(t testing.TB, srv *dnstest.Server, domains ...string) []dnscheck.DomainReport {
	t.Helper()
	return checks.CheckAll(context.Background(), fxChecker(srv, fxTimeout), domains, fxExpect(t, nil), nil)
}

// fxEvaluated returns the addresses a report evaluated.
func fxEvaluated(r dnscheck.DomainReport) []string {
	var out []string
	for _, ip := range r.SPF.IPs {
		out = append(out, ip.IP)
	}
	return out
}

// TestCheckLivePlatformIPs: the include serves a changed set (one address
// added, one removed); a run evaluates the live set, and a record that
// lists the platform by hand is told what it misses.
func TestCheckLivePlatformIPs(t *testing.T) {
	t.Parallel()
	catalog, live := fxPlatformIPs(), fxLiveIPs()
	srv := fxServer(t,
		// The include: passes the live set.
		fxOrgZone("include.edu", spfRecord("v=spf1 include:spf.outreachsystems.com -all"), fxDKIMCNAME),
		// The catalog's list by hand: misses the new address, lists
		// the removed one.
		fxOrgZone("bycatalog.edu", spfRecord("v=spf1 "+fxIP4Terms(catalog)+" -all"), fxDKIMCNAME),
		// Today's list by hand: nothing missing.
		fxOrgZone("bylive.edu", spfRecord("v=spf1 "+fxIP4Terms(live)+" -all"), fxDKIMCNAME),
		// The catalog's list by hand, and the new address through
		// another include: it passes, so a warning only.
		fxOrgZone("covered.edu", spfRecord("v=spf1 "+fxIP4Terms(catalog)+" include:_relay.covered.edu -all"),
			"_relay IN TXT "+fxTXT("v=spf1 ip4:203.0.113.0/24 -all"), fxDKIMCNAME),
	)
	fxSetInclude(t, srv, "v=spf1 "+fxIP4Terms(live)+" -all")
	reps := fxRun(t, srv, "include.edu", "bycatalog.edu", "bylive.edu", "covered.edu")
	for _, r := range reps {
		if r.SPF.Platform.Source != dnscheck.PlatformIPsLive || !slices.Equal(r.SPF.Platform.Networks, fxPrefixes(live...)) {
			t.Errorf("%s: platform set %+v, want the live one", r.Domain, r.SPF.Platform)
		}
		if got := fxEvaluated(r); !slices.Equal(got, live) {
			t.Errorf("%s: evaluated %v, want the live set %v", r.Domain, got, live)
		}
		fxCheckProblems(t, r)
	}
	byName := map[string]dnscheck.DomainReport{}
	for _, r := range reps {
		byName[r.Domain] = r
	}

	if r := byName["include.edu"]; r.SPF.Status != "pass" || len(fxCodes(r.SPF.Problems)) != 0 {
		t.Errorf("include.edu: SPF %s %v, want pass without problems", r.SPF.Status, fxCodes(r.SPF.Problems))
	}

	r := byName["bycatalog.edu"]
	stale, ok := fxProblem(r.SPF.Problems, dnscheck.CodeSPFPlatformIPsStale)
	switch {
	case !ok:
		t.Errorf("bycatalog.edu: problems %v lack the stale code", fxCodes(r.SPF.Problems))
	case stale.Severity != dnscheck.SeverityError || !strings.Contains(stale.Message, fxNewIP) || strings.Contains(stale.Message, catalog[0]+",") ||
		!strings.Contains(stale.Fix, "include:spf.outreachsystems.com") || !strings.Contains(stale.Fix, "ip4:"+fxNewIP):
		t.Errorf("bycatalog.edu: stale problem %+v, want an error naming %s, with the include and ip4:%s as fixes", stale, fxNewIP, fxNewIP)
	}
	listed, ok := fxProblem(r.SPF.Problems, dnscheck.CodeSPFPlatformIPsListed)
	if !ok || listed.Severity != dnscheck.SeverityWarning || !strings.Contains(listed.Message, "still lists "+catalog[0]) || strings.Contains(listed.Message, "lacks") {
		t.Errorf("bycatalog.edu: listed problem %+v (ok %v), want a warning naming the removed %s", listed, ok, catalog[0])
	}
	// The fixes people read name the platform.
	if !strings.HasPrefix(stale.Fix, "Replace Neoserra's ip4: terms") || !strings.HasPrefix(listed.Fix, "Replace Neoserra's ip4: terms") {
		t.Errorf("bycatalog.edu: fixes %q and %q do not name Neoserra", stale.Fix, listed.Fix)
	}
	if na, ok := fxProblem(r.SPF.Problems, dnscheck.CodeSPFPlatformNotAuthorized); !ok || !strings.Contains(na.Message, fxNewIP) {
		t.Errorf("bycatalog.edu: not-authorized %+v (ok %v), want it naming %s", na, ok, fxNewIP)
	}
	if r.SPF.Status != "fail" || r.Ready {
		t.Errorf("bycatalog.edu: SPF %s ready %v, want fail, not ready", r.SPF.Status, r.Ready)
	}

	r = byName["bylive.edu"]
	if got := fxCodes(r.SPF.Problems); !slices.Equal(got, []dnscheck.Code{dnscheck.CodeSPFPlatformIPsListed}) || r.SPF.Status != "pass" {
		t.Errorf("bylive.edu: SPF %s %v, want pass with only the listed warning", r.SPF.Status, got)
	}

	r = byName["covered.edu"]
	if stale, ok := fxProblem(r.SPF.Problems, dnscheck.CodeSPFPlatformIPsStale); !ok || stale.Severity != dnscheck.SeverityWarning {
		t.Errorf("covered.edu: stale problem %+v (ok %v), want a warning", stale, ok)
	}
	if r.SPF.Status != "pass" || slices.Contains(fxCodes(r.SPF.Problems), dnscheck.CodeSPFPlatformNotAuthorized) {
		t.Errorf("covered.edu: SPF %s %v, want pass, authorised", r.SPF.Status, fxCodes(r.SPF.Problems))
	}
}

// TestCheckLivePlatformIPsOncePerRun: a run reads the include once,
// whatever the number of domains, and the check of a domain that includes
// it does not ask for it again.
func TestCheckLivePlatformIPsOncePerRun(t *testing.T) {
	t.Parallel()
	srv := fxServer(t,
		fxOrgZone("a.edu", spfRecord("v=spf1 "+fxIP4Terms(fxPlatformIPs())+" -all")),
		fxOrgZone("b.edu", spfRecord("v=spf1 "+fxIP4Terms(fxPlatformIPs())+" -all")),
		fxOrgZone("c.edu", spfRecord("v=spf1 include:spf.outreachsystems.com -all")),
	)
	srv.ResetQueries()
	reps := fxRun(t, srv, "a.edu", "b.edu")
	if n := fxCount(srv, fxInclude); n != 1 {
		t.Errorf("the include was asked %d times for two domains, want once", n)
	}
	for _, r := range reps {
		if !r.SPF.Platform.Live() {
			t.Errorf("%s: platform set %+v, want live", r.Domain, r.SPF.Platform)
		}
	}
	srv.ResetQueries()
	if r := fxRun(t, srv, "c.edu")[0]; r.SPF.Status != "pass" || !r.SPF.Platform.Live() {
		t.Errorf("c.edu: SPF %s, platform %+v", r.SPF.Status, r.SPF.Platform)
	}
	if n := fxCount(srv, fxInclude); n != 1 {
		t.Errorf("the include was asked %d times for a domain that includes it, want once", n)
	}
}

// fxCount counts the TXT questions for name that srv received over UDP.
func fxCount(srv *dnstest.Server, name string) int {
	n := 0
	for _, q := range srv.Queries() {
		if q.Proto == "udp" && q.Type == dns.TypeTXT && q.Name == dns.Fqdn(name) {
			n++
		}
	}
	return n
}

// TestCheckLivePlatformIPsFallback: when the include cannot be read, the
// catalog's addresses are evaluated, and the report says why.
func TestCheckLivePlatformIPsFallback(t *testing.T) {
	t.Parallel()
	for _, fault := range []dnstest.Fault{{ServFail: true}, {Silent: true}} {
		t.Run(fmt.Sprintf("%+v", fault), func(t *testing.T) {
			t.Parallel()
			srv := fxServer(t, fxOrgZone(fxDomain, spfRecord("v=spf1 "+fxIP4Terms(fxPlatformIPs()[:6])+" -all"), fxDKIMCNAME))
			srv.SetFault(fxInclude, fault)
			r := fxRun(t, srv, fxDomain)[0]
			set := r.SPF.Platform
			if set.Source != dnscheck.PlatformIPsCatalog || set.Reason == "" || !strings.Contains(set.Reason, fxInclude) {
				t.Errorf("platform set %+v, want the catalog's with a reason", set)
			}
			if got := fxEvaluated(r); !slices.Equal(got, fxPlatformIPs()) {
				t.Errorf("evaluated %v, want the catalog's %v", got, fxPlatformIPs())
			}
			// The catalog's list decides the listed warning, as before;
			// nothing is said to be stale without a live reading.
			codes := fxCodes(r.SPF.Problems)
			if slices.Contains(codes, dnscheck.CodeSPFPlatformIPsStale) || !slices.Contains(codes, dnscheck.CodeSPFPlatformIPsListed) {
				t.Errorf("problems %v, want ips-listed and no ips-stale", codes)
			}
			if p, _ := fxProblem(r.SPF.Problems, dnscheck.CodeSPFPlatformIPsListed); !strings.Contains(p.Message, "lacks "+fxPlatformIPs()[6]) {
				t.Errorf("listed warning %q does not say what the record lacks", p.Message)
			}
			if note := checks.PlatformIPsNote(set); !strings.Contains(note, "could not be read from "+fxInclude) || !strings.Contains(note, "the 8 in the platform file") {
				t.Errorf("note = %q", note)
			}
		})
	}
}
