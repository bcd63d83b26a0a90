package dnscheck_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// The authoritative-mode tests use x.edu, served by ns1.x.edu and
// ns2.x.edu (two dnstest servers), and a third dnstest server standing for
// the person's resolver: it serves the platform's zones, and x.edu's SOA
// and NS records (and whatever it still has cached of x.edu).

const authDomain = "x.edu"

// authZone is x.edu as an authoritative server (or the resolver) holds it:
// SOA (serial 1), NS and the given lines.
func authZone(lines ...string) string { return authZoneSerial(1, lines...) }

// authZoneSerial is authZone with the given SOA serial.
func authZoneSerial(serial int, lines ...string) string {
	return fmt.Sprintf("$ORIGIN x.edu.\n@ 300 IN SOA ns1 hostmaster %d 7200 3600 1209600 300\n", serial) +
		strings.Join(append([]string{
			"@ IN NS ns1.x.edu.",
			"@ IN NS ns2.x.edu.",
			"ns1 IN A 192.0.2.53",
			"ns2 IN A 192.0.2.54",
		}, lines...), "\n") + "\n"
}

// authReady are x.edu's records once set up for the platform.
var authReady = []string{
	`@ IN TXT "v=spf1 include:spf.outreachsystems.com -all"`,
	fxDKIMCNAME,
	`_dmarc IN TXT "v=DMARC1; p=none"`,
}

type authSetup struct {
	resolver, ns1, ns2 *dnstest.Server
	checker            *dnscheck.Checker
}

// newAuthSetup starts the resolver with resolverLines for x.edu, and the
// two authoritative servers with theirs.
func newAuthSetup(t *testing.T, resolverLines, ns1Lines, ns2Lines []string) authSetup {
	t.Helper()
	s := authSetup{
		resolver: fxServer(t, authZone(resolverLines...)),
		ns1:      dnstest.StartT(t, authZone(ns1Lines...)),
		ns2:      dnstest.StartT(t, authZone(ns2Lines...)),
	}
	s.checker = &dnscheck.Checker{
		Resolver: dnscheck.NewClient(dnscheck.WithServers(s.resolver.Addr()), dnscheck.WithTimeout(fxTimeout)),
		ResolveNS: func(_ context.Context, host string) []string {
			switch host {
			case "ns1.x.edu":
				return []string{s.ns1.Addr()}
			case "ns2.x.edu":
				return []string{s.ns2.Addr()}
			}
			t.Errorf("ResolveNS(%q): not an NS of x.edu", host)
			return nil
		},
		Timeout: 200 * time.Millisecond,
	}
	return s
}

func TestFindZone(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, authZone("mail IN A 192.0.2.25", "deep.sub IN A 192.0.2.26"),
		fxOrgZone("sub.y.edu", "@ IN A 192.0.2.27"))
	q := dnscheck.NewLookup(dnscheck.NewClient(dnscheck.WithServers(srv.Addr()), dnscheck.WithTimeout(fxTimeout)))
	ctx := context.Background()
	for _, tc := range []struct{ domain, zone string }{
		{"x.edu", "x.edu"},
		{"X.EDU.", "x.edu"},
		{"mail.x.edu", "x.edu"},
		{"deep.sub.x.edu", "x.edu"},
		{"nothing.x.edu", "x.edu"},
		{"a.sub.y.edu", "sub.y.edu"},
		{"unserved.example", "unserved.example"}, // REFUSED: the domain itself
	} {
		if got := dnscheck.FindZone(ctx, q, tc.domain); got != tc.zone {
			t.Errorf("FindZone(%q) = %q, want %q", tc.domain, got, tc.zone)
		}
	}
}

func TestDiscoverAuthority(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, authZone("ns1 IN AAAA 2001:db8::53"))
	q := dnscheck.NewLookup(dnscheck.NewClient(dnscheck.WithServers(srv.Addr()), dnscheck.WithTimeout(fxTimeout)))
	ctx := context.Background()

	got := dnscheck.DefaultNSResolver(q)(ctx, "ns1.x.edu")
	if want := []string{"192.0.2.53:53", "[2001:db8::53]:53"}; !slices.Equal(got, want) {
		t.Errorf("DefaultNSResolver = %v, want %v", got, want)
	}

	zone, servers := dnscheck.DiscoverAuthority(ctx, q, "www.x.edu", func(_ context.Context, host string) []string {
		return []string{"addr-of-" + host + ":53", "second-addr:53"}
	})
	want := []dnscheck.AuthServer{{Name: "ns1.x.edu", Addr: "addr-of-ns1.x.edu:53"}, {Name: "ns2.x.edu", Addr: "addr-of-ns2.x.edu:53"}}
	if zone != "x.edu" || !slices.Equal(servers, want) {
		t.Errorf("DiscoverAuthority = %q %v, want x.edu %v", zone, servers, want)
	}
}

// TestAuthOutOfSync: ns1 has the new DKIM CNAME, ns2 has not caught up. The
// verdict rests on ns1's answer and ns2 is named as lagging.
func TestAuthOutOfSync(t *testing.T) {
	t.Parallel()
	withoutDKIM := []string{authReady[0], authReady[2]}
	s := newAuthSetup(t, authReady, authReady, withoutDKIM)
	rep := s.checker.Check(context.Background(), authDomain, fxExpect(t, nil))

	if rep.DKIM.Status != "pass" || !rep.Ready {
		t.Errorf("DKIM %s ready %v, want pass true (problems %v)", rep.DKIM.Status, rep.Ready, fxCodes(rep.AllProblems()))
	}
	p, ok := fxProblem(rep.Problems, "ns-out-of-sync")
	if !ok {
		t.Fatalf("domain problems %v, want ns-out-of-sync", fxCodes(rep.Problems))
	}
	if !strings.Contains(p.Message, "ns2.x.edu") || strings.Contains(p.Message, "ns1.x.edu") {
		t.Errorf("ns-out-of-sync message %q: want ns2.x.edu named, not ns1.x.edu", p.Message)
	}
	if strings.Contains(p.Fix, "zone transfer") || !strings.Contains(p.Fix, "ask your DNS host why the secondary server ns2.x.edu has not copied the zone") {
		t.Errorf("ns-out-of-sync fix %q: want what to ask the DNS host, in plain words", p.Fix)
	}
	if n := strings.Count(p.Message, "osc1._domainkey.x.edu"); n != 1 {
		t.Errorf("ns-out-of-sync message %q names the record %d times, want once (not once per probed type)", p.Message, n)
	}
	if n := strings.Count(fmt.Sprint(fxCodes(rep.Problems)), "ns-out-of-sync"); n != 1 {
		t.Errorf("%d ns-out-of-sync problems, want 1", n)
	}
	if !slices.Equal(rep.Source.Authoritative, []string{"ns1.x.edu", "ns2.x.edu"}) || rep.Source.Fallback || rep.Source.Server != "" {
		t.Errorf("Source = %+v", rep.Source)
	}
	for _, srv := range []*dnstest.Server{s.ns1, s.ns2} {
		if !asked(srv, "osc1._domainkey.x.edu.", dns.TypeCNAME) {
			t.Errorf("%s was not asked for the DKIM CNAME", srv.Addr())
		}
	}
	fxCheckProblems(t, rep)
}

// TestAuthInSync: both servers agree: no ns-out-of-sync, and the answers
// come from them, not from the resolver.
func TestAuthInSync(t *testing.T) {
	t.Parallel()
	// The resolver has nothing for x.edu but SOA and NS: a verdict resting
	// on it would be "missing".
	s := newAuthSetup(t, nil, authReady, authReady)
	rep := s.checker.Check(context.Background(), authDomain, fxExpect(t, nil))
	if !rep.Ready || rep.SPF.Status != "pass" || rep.DKIM.Status != "pass" || rep.DMARC.Status != "pass" {
		t.Errorf("SPF %s DKIM %s DMARC %s ready %v, want the authoritative answers (pass)", rep.SPF.Status, rep.DKIM.Status, rep.DMARC.Status, rep.Ready)
	}
	if len(rep.Problems) != 0 {
		t.Errorf("domain problems %v, want none", fxCodes(rep.Problems))
	}
	if rep.Source.Fallback {
		t.Error("Source.Fallback set while both servers answered")
	}
	// The resolver still answers "nothing": each published record is
	// noted as cached negatively.
	var notes []string
	for _, n := range rep.Cache {
		notes = append(notes, n.Name+" "+n.Type)
		if n.TTL != 300 {
			t.Errorf("cache note %+v: want the SOA negative TTL 300", n)
		}
	}
	want := []string{"x.edu TXT", "osc1._domainkey.x.edu CNAME", "_dmarc.x.edu TXT"}
	if !slices.Equal(notes, want) {
		t.Errorf("cache notes %v, want %v", notes, want)
	}
}

// TestAuthResolverCache: the resolver still serves the old SPF record; the
// authoritative servers serve the new one. The verdict is the new one's,
// and the report says how long the resolver may keep the old answer.
func TestAuthResolverCache(t *testing.T) {
	t.Parallel()
	old := append([]string{`@ 3600 IN TXT "v=spf1 include:spf.protection.outlook.com -all"`}, authReady[1:]...)
	s := newAuthSetup(t, old, authReady, authReady)
	rep := s.checker.Check(context.Background(), authDomain, fxExpect(t, nil))
	if rep.SPF.Status != "pass" || rep.SPF.Record != "v=spf1 include:spf.outreachsystems.com -all" {
		t.Errorf("SPF %s %q, want the authoritative record and pass", rep.SPF.Status, rep.SPF.Record)
	}
	want := []dnscheck.CacheNote{{Name: "x.edu", Type: "TXT", TTL: 3600}}
	if !slices.Equal(rep.Cache, want) {
		t.Errorf("Cache = %+v, want %+v", rep.Cache, want)
	}
	if len(rep.Problems) != 0 {
		t.Errorf("domain problems %v, want none", fxCodes(rep.Problems))
	}
}

// TestAuthAllSilent: no authoritative server answers; the check falls
// back to the resolver, says so, and does not hang.
func TestAuthAllSilent(t *testing.T) {
	t.Parallel()
	s := newAuthSetup(t, authReady, authReady, authReady)
	silenced := []string{"x.edu.", "osc1._domainkey.x.edu.", "_dmarc.x.edu.", "osc1._domainkey.x.edu.x.edu."}
	for _, srv := range []*dnstest.Server{s.ns1, s.ns2} {
		for _, n := range silenced {
			srv.SetFault(n, dnstest.Fault{Silent: true})
		}
	}
	start := time.Now()
	rep := s.checker.Check(context.Background(), authDomain, fxExpect(t, nil))
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the check took %s with Timeout 200ms", d)
	}
	if !rep.Source.Fallback {
		t.Errorf("Source = %+v, want Fallback", rep.Source)
	}
	if !rep.Ready || rep.SPF.Status != "pass" || rep.DKIM.Status != "pass" || rep.DMARC.Status != "pass" {
		t.Errorf("SPF %s DKIM %s DMARC %s: want the resolver's answers (pass)", rep.SPF.Status, rep.DKIM.Status, rep.DMARC.Status)
	}
	for _, srv := range []*dnstest.Server{s.ns1, s.ns2} {
		qs := srv.Queries()
		if len(qs) == 0 {
			t.Errorf("%s was never asked", srv.Addr())
		}
		for _, q := range qs {
			if !slices.Contains(silenced, q.Name) {
				t.Errorf("%s was asked %s, which is not silenced: the test does not test silence", srv.Addr(), q.Name)
			}
		}
	}
}

// TestAuthNoServers: a zone whose NS names resolve to nothing is checked
// through the resolver.
func TestAuthNoServers(t *testing.T) {
	t.Parallel()
	s := newAuthSetup(t, authReady, nil, nil)
	s.checker.ResolveNS = func(context.Context, string) []string { return nil }
	rep := s.checker.Check(context.Background(), authDomain, fxExpect(t, nil))
	if !rep.Source.Fallback || len(rep.Source.Authoritative) != 0 || !rep.Ready {
		t.Errorf("Source %+v ready %v, want fallback to the resolver and ready", rep.Source, rep.Ready)
	}
}

// TestAuthNewestBySerial: both servers have an SPF record, different ones;
// the newer zone (higher SOA serial) wins whichever server lists first, and
// the other is the lagging one.
func TestAuthNewestBySerial(t *testing.T) {
	t.Parallel()
	oldSPF := `@ IN TXT "v=spf1 include:spf.protection.outlook.com -all"`
	newSPF := authReady[0]
	for _, tc := range []struct {
		name       string
		ns1, ns2   string
		lag, ahead string
	}{
		{"ns1 lags", authZoneSerial(2026010100, append([]string{oldSPF}, authReady[1:]...)...), authZoneSerial(2026010101, authReady...), "ns1.x.edu", "ns2.x.edu"},
		{"ns2 lags", authZoneSerial(2026010101, authReady...), authZoneSerial(2026010100, append([]string{oldSPF}, authReady[1:]...)...), "ns2.x.edu", "ns1.x.edu"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newAuthSetup(t, authReady, nil, nil)
			for srv, zone := range map[*dnstest.Server]string{s.ns1: tc.ns1, s.ns2: tc.ns2} {
				if err := srv.AddZone(zone); err != nil {
					t.Fatal(err)
				}
			}
			rep := s.checker.Check(context.Background(), authDomain, fxExpect(t, nil))
			if rep.SPF.Record != "v=spf1 include:spf.outreachsystems.com -all" || !rep.Ready {
				t.Errorf("SPF record %q ready %v, want the newer zone's record (%s)", rep.SPF.Record, rep.Ready, newSPF)
			}
			p, ok := fxProblem(rep.Problems, "ns-out-of-sync")
			if !ok || !strings.Contains(p.Message, tc.lag) || strings.Contains(p.Message, tc.ahead) {
				t.Errorf("domain problems %+v, want ns-out-of-sync naming %s only", rep.Problems, tc.lag)
			}
		})
	}
}

func asked(srv *dnstest.Server, name string, qtype uint16) bool {
	return slices.ContainsFunc(srv.Queries(), func(q dnstest.Query) bool { return q.Name == name && q.Type == qtype })
}

// TestCheckerQuerier: ForDomain looks at the domain as Check does (the
// authoritative servers, not the resolver's cache); plain queries, and
// everything in Direct mode, go to the resolver.
func TestCheckerQuerier(t *testing.T) {
	t.Parallel()
	s := newAuthSetup(t, nil, authReady, authReady) // the resolver has no DKIM CNAME cached yet
	ctx := context.Background()
	name := "osc1._domainkey." + authDomain
	q := s.checker.Querier()
	if r := q.Query(ctx, name, dns.TypeCNAME); r.Status.Found() {
		t.Fatalf("the resolver answered %v; the test needs it without the record", r.Status)
	}
	r := q.ForDomain(ctx, authDomain).Query(ctx, name, dns.TypeCNAME)
	if !r.Status.Found() || r.Records()[0].(*dns.CNAME).Target != "osc1._domainkey.outreachsystems.com." {
		t.Fatalf("ForDomain saw %v %v; want the CNAME the authoritative servers publish", r.Status, r.Records())
	}
	// Names outside the zone go to the resolver.
	if r := q.ForDomain(ctx, authDomain).Query(ctx, "spf.outreachsystems.com", dns.TypeTXT); !r.Status.Found() {
		t.Errorf("an out-of-zone name was not answered by the resolver: %v", r.Status)
	}

	direct := *s.checker
	direct.Direct = true
	if r := direct.Querier().ForDomain(ctx, authDomain).Query(ctx, name, dns.TypeCNAME); r.Status.Found() {
		t.Errorf("in Direct mode ForDomain asked past the resolver: %v", r.Status)
	}
}
