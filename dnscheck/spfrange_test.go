package dnscheck_test

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// The platform's include as it reads in these tests: a /24 and a single
// address.
const (
	rgNetwork = "107.20.160.0/24"
	rgSingle  = "35.85.179.136"
	rgInclude = "v=spf1 ip4:" + rgNetwork + " ip4:" + rgSingle + " -all"
)

// rgCheck checks yourcenter.edu publishing spf (and the extra lines) with
// the platform's include read live from the server, as a run does.
func rgCheck(t *testing.T, spf string, extra ...string) (dnscheck.SPFReport, *dnstest.Server) {
	t.Helper()
	srv := fxServer(t, fxOrgZone(fxDomain, append([]string{spfRecord(spf)}, extra...)...))
	fxSetInclude(t, srv, rgInclude)
	return rgCheckOn(t, srv), srv
}

func rgCheckOn(t *testing.T, srv *dnstest.Server) dnscheck.SPFReport {
	t.Helper()
	ctx := context.Background()
	c := fxChecker(srv, fxAnswerWait)
	exp := fxExpect(t, fxProvider(t, "none"))
	exp.Live = dnscheck.StartPlatformIPs(ctx, c.Resolver, exp.SPFInclude, exp.PlatformIPs)
	return c.Check(ctx, fxDomain, exp).SPF
}

// rgEntry returns the report's entry for ip (an address or a network).
func rgEntry(t *testing.T, rep dnscheck.SPFReport, ip string) dnscheck.IPResult {
	t.Helper()
	for _, r := range rep.IPs {
		if r.IP == ip {
			return r
		}
	}
	t.Fatalf("no entry for %s in %+v", ip, rep.IPs)
	return dnscheck.IPResult{}
}

// TestSPFRangeExact: a network the platform lists is settled for every
// address by prefix arithmetic, whatever terms cover it and in what
// order; only the parts that do not pass are named.
func TestSPFRangeExact(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, spf string
		extra     []string
		status    string
		result    string
		uncovered []string
	}{
		{name: "include", spf: "v=spf1 include:spf.outreachsystems.com -all",
			status: "pass", result: "pass", uncovered: []string{}},
		{name: "two halves", spf: "v=spf1 ip4:107.20.160.0/25 ip4:107.20.160.128/25 ip4:" + rgSingle + " -all",
			status: "pass", result: "pass", uncovered: []string{}},
		{name: "wider network", spf: "v=spf1 ip4:107.20.0.0/16 ip4:" + rgSingle + " ~all",
			status: "pass", result: "pass", uncovered: []string{}},
		// The red-team case: only the network's first address.
		{name: "first address only", spf: "v=spf1 ip4:107.20.160.0/32 ip4:" + rgSingle + " -all",
			status: "fail", result: "fail",
			uncovered: []string{"107.20.160.1/32", "107.20.160.2/31", "107.20.160.4/30", "107.20.160.8/29",
				"107.20.160.16/28", "107.20.160.32/27", "107.20.160.64/26", "107.20.160.128/25"}},
		{name: "one address excluded first", spf: "v=spf1 -ip4:107.20.160.7 include:spf.outreachsystems.com -all",
			status: "fail", result: "fail", uncovered: []string{"107.20.160.7/32"}},
		{name: "softfail for the upper half", spf: "v=spf1 ~ip4:107.20.160.128/25 include:spf.outreachsystems.com -all",
			status: "fail", result: "softfail", uncovered: []string{"107.20.160.128/25"}},
		{name: "a term covers part", spf: "v=spf1 a:relay.yourcenter.edu/28 ip4:" + rgSingle + " -all",
			extra:  []string{"relay IN A 107.20.160.5"},
			status: "fail", result: "fail",
			uncovered: []string{"107.20.160.16/28", "107.20.160.32/27", "107.20.160.64/26", "107.20.160.128/25"}},
		{name: "mx covers all", spf: "v=spf1 mx/24 ip4:" + rgSingle + " -all",
			extra:  []string{"@ IN MX 10 mx1", "mx1 IN A 107.20.160.200"},
			status: "pass", result: "pass", uncovered: []string{}},
		{name: "neutral at the end", spf: "v=spf1 ip4:107.20.160.0/25 ip4:" + rgSingle,
			status: "fail", result: "neutral", uncovered: []string{"107.20.160.128/25"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rep, _ := rgCheck(t, tc.spf, tc.extra...)
			e := rgEntry(t, rep, rgNetwork)
			if string(rep.Status) != tc.status || e.Result != tc.result || !slices.Equal(e.Uncovered, tc.uncovered) {
				t.Errorf("status %s, %s = %s uncovered %v; want %s, %s uncovered %v (problems %v)",
					rep.Status, rgNetwork, e.Result, e.Uncovered, tc.status, tc.result, tc.uncovered, rep.Problems)
			}
			if s := rgEntry(t, rep, rgSingle); s.Result != "pass" || s.Uncovered != nil {
				t.Errorf("%s = %+v, want pass", rgSingle, s)
			}
			p, found := fxProblem(rep.Problems, dnscheck.CodeSPFPlatformNotAuthorized)
			if found != (tc.status != "pass") {
				t.Errorf("spf-platform-not-authorized found %v, want %v", found, tc.status != "pass")
			}
			if found && !strings.Contains(p.Message, tc.uncovered[0]) {
				t.Errorf("the message does not name the uncovered part %s: %q", tc.uncovered[0], p.Message)
			}
			for _, p := range rep.Problems {
				if tc.status != "pass" && strings.Contains(p.Message, "let them pass for now") {
					t.Errorf("false reassurance: %q", p.Message)
				}
			}
		})
	}
}

// TestSPFRangeAgreesWithCheckHost: for every address of a small network,
// what the network's entry says (pass unless in an uncovered part; the
// worst result) is what check_host gives that address.
func TestSPFRangeAgreesWithCheckHost(t *testing.T) {
	t.Parallel()
	const network = "107.20.160.0/27"
	include := "v=spf1 ip4:" + network + " -all"
	for _, spf := range []string{
		"v=spf1 ip4:107.20.160.0/32 -all",
		"v=spf1 -ip4:107.20.160.9 ?ip4:107.20.160.16/29 include:spf.outreachsystems.com ~all",
		"v=spf1 a:relay.yourcenter.edu/30 mx -all",
		"v=spf1 include:part.yourcenter.edu redirect=rest.yourcenter.edu",
		"v=spf1 include:gone.yourcenter.edu ip4:107.20.160.0/27 -all",
		"v=spf1 ip4:107.20.160.0/28 include:gone.yourcenter.edu -all",
		"v=spf1 ip4:107.20.160.0/29 exists:there.yourcenter.edu -all",
		// The lookup limit, reached only by the addresses the first
		// term does not match.
		"v=spf1 ip4:107.20.160.0/28 include:c1.yourcenter.edu -all",
		// The void-lookup limit likewise.
		"v=spf1 ip4:107.20.160.0/28 a:v1.yourcenter.edu a:v2.yourcenter.edu a:v3.yourcenter.edu -all",
	} {
		t.Run(spf, func(t *testing.T) {
			t.Parallel()
			srv := fxServer(t, fxOrgZone(fxDomain, spfRecord(spf),
				"relay IN A 107.20.160.6",
				"@ IN MX 10 mx1",
				"mx1 IN A 107.20.160.30",
				"part IN TXT "+fxTXT("v=spf1 ip4:107.20.160.0/28 -ip4:107.20.160.20 ?all"),
				"rest IN TXT "+fxTXT("v=spf1 ip4:107.20.160.16/30 ~all"),
				"there IN A 127.0.0.2",
				"c1 IN TXT "+fxTXT("v=spf1 include:c2.yourcenter.edu"),
				"c2 IN TXT "+fxTXT("v=spf1 include:c3.yourcenter.edu"),
				"c3 IN TXT "+fxTXT("v=spf1 include:c4.yourcenter.edu"),
				"c4 IN TXT "+fxTXT("v=spf1 include:c5.yourcenter.edu"),
				"c5 IN TXT "+fxTXT("v=spf1 include:c6.yourcenter.edu"),
				"c6 IN TXT "+fxTXT("v=spf1 include:c7.yourcenter.edu"),
				"c7 IN TXT "+fxTXT("v=spf1 include:c8.yourcenter.edu"),
				"c8 IN TXT "+fxTXT("v=spf1 include:c9.yourcenter.edu"),
				"c9 IN TXT "+fxTXT("v=spf1 include:c10.yourcenter.edu"),
				"c10 IN TXT "+fxTXT("v=spf1 include:c11.yourcenter.edu"),
				"c11 IN TXT "+fxTXT("v=spf1 ip4:107.20.160.16/28")))
			fxSetInclude(t, srv, include)
			rep := rgCheckOn(t, srv)
			e := rgEntry(t, rep, network)
			q := dnscheck.NewClient(dnscheck.WithServers(srv.Addr()), dnscheck.WithTimeout(fxAnswerWait))
			worst := ""
			rank := map[string]int{"pass": 0, "neutral": 1, "none": 2, "softfail": 3, "fail": 4, "permerror": 5, "temperror": 6}
			p := netip.MustParsePrefix(network)
			for a := p.Addr(); p.Contains(a); a = a.Next() {
				got := string(dnscheck.EvaluateSPF(context.Background(), q, a, fxDomain))
				if worst == "" || rank[got] > rank[worst] {
					worst = got
				}
				uncovered := slices.ContainsFunc(e.Uncovered, func(u string) bool { return netip.MustParsePrefix(u).Contains(a) })
				if uncovered != (got != "pass") {
					t.Errorf("%s: check_host says %s, the network's entry says uncovered %v (%v)", a, got, uncovered, e.Uncovered)
				}
			}
			if (strings.Contains(spf, "c1.") || strings.Contains(spf, "v1.")) && worst != "permerror" {
				t.Errorf("the limit is not reached: worst %s", worst)
			}
			if e.Result != worst {
				t.Errorf("network result %s, worst of check_host %s", e.Result, worst)
			}
		})
	}
}

// TestSPFRangeUnsettled: a term that decides from the sending address
// itself (a macro) leaves the network unsettled: said so, and the
// addresses evaluated instead give the verdict.
func TestSPFRangeUnsettled(t *testing.T) {
	t.Parallel()
	rep, _ := rgCheck(t, "v=spf1 exists:%{i}.allow.yourcenter.edu ip4:"+rgSingle+" -all",
		"107.20.160.0.allow IN A 127.0.0.2",
		"107.20.160.255.allow IN A 127.0.0.2")
	e := rgEntry(t, rep, rgNetwork)
	p, ok := fxProblem(rep.Problems, dnscheck.CodeSPFRangeUnsettled)
	if !ok || p.Severity != dnscheck.SeverityWarning || !strings.Contains(p.Message, "cannot be settled without the sending address") ||
		!strings.Contains(p.Message, "exists:%{i}.allow.yourcenter.edu") {
		t.Fatalf("problems %+v, want spf-range-unsettled naming the exists term", rep.Problems)
	}
	if e.Result != "pass" {
		t.Errorf("%s = %+v, want pass from the addresses evaluated", rgNetwork, e)
	}
}

// TestSPFRangeJSON: a network's entry has its prefix, its worst result and
// "uncovered" (empty when every address passes); an address's has no
// "uncovered".
func TestSPFRangeJSON(t *testing.T) {
	t.Parallel()
	rep, _ := rgCheck(t, "v=spf1 ip4:107.20.160.0/25 ip4:"+rgSingle+" -all")
	b, err := rep.IPs[0].MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"ip":"107.20.160.0/24","result":"fail","uncovered":["107.20.160.128/25"]}`; string(b) != want {
		t.Errorf("network entry %s, want %s", b, want)
	}
	b, _ = rep.IPs[1].MarshalJSON()
	if want := `{"ip":"35.85.179.136","result":"pass"}`; string(b) != want {
		t.Errorf("address entry %s, want %s", b, want)
	}
	b, _ = dnscheck.IPResult{IP: rgNetwork, Result: "pass"}.MarshalJSON()
	if want := `{"ip":"107.20.160.0/24","result":"pass","uncovered":[]}`; string(b) != want {
		t.Errorf("covered network %s, want %s", b, want)
	}
}

// TestSPFRangeBounded: a record that cuts the network into slivers and
// then drags them through a thousand more terms stops at the bound:
// what is left is evaluated at sample addresses, and said so.
func TestSPFRangeBounded(t *testing.T) {
	t.Parallel()
	terms := []string{"v=spf1"}
	for n := 1; n < 255; n += 2 {
		terms = append(terms, fmt.Sprintf("?ip4:107.20.160.%d", n))
	}
	for n := range 1500 {
		terms = append(terms, fmt.Sprintf("ip4:10.%d.%d.1", n/250, n%250))
	}
	terms = append(terms, "include:spf.outreachsystems.com", "-all")
	rep, _ := rgCheck(t, strings.Join(terms, " "))
	if _, ok := fxProblem(rep.Problems, dnscheck.CodeSPFRangeUnsettled); !ok {
		t.Errorf("problems %v, want spf-range-unsettled for the bound", fxCodes(rep.Problems))
	}
	if e := rgEntry(t, rep, rgNetwork); e.Result == "pass" || len(e.Uncovered) == 0 {
		t.Errorf("%s = %+v: the odd addresses are neutral, not pass", rgNetwork, e)
	}
}

// TestSPFRangeIPv6: an IPv6 network is settled the same way.
func TestSPFRangeIPv6(t *testing.T) {
	t.Parallel()
	srv := fxServer(t, fxOrgZone(fxDomain, spfRecord("v=spf1 ip6:2001:db8::/126 ip6:2001:db8::8/125 ip4:192.0.2.0/24 -all")))
	fxSetInclude(t, srv, "v=spf1 ip6:2001:db8::/124 -all")
	rep := rgCheckOn(t, srv)
	e := rgEntry(t, rep, "2001:db8::/124")
	if e.Result != "fail" || !slices.Equal(e.Uncovered, []string{"2001:db8::4/126"}) {
		t.Errorf("2001:db8::/124 = %+v, want fail uncovered [2001:db8::4/126]", e)
	}
}
