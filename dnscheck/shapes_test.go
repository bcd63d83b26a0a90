package dnscheck_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// The shapes of domains people actually have: a subdomain under its
// organisation's DMARC policy (in the parent's zone, behind a zone cut,
// under a multi-label public suffix), a sending name that is an alias.

// uniZone is uni.edu run by central IT: p=reject, sp=reject.
func uniZone(lines ...string) string {
	return fxOrgZone("uni.edu", append([]string{`_dmarc IN TXT "v=DMARC1; p=reject; sp=reject; rua=mailto:dmarc@uni.edu"`}, lines...)...)
}

func TestCheckDMARCOrganizational(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		domain  string
		zones   []string
		fault   string // a name that answers SERVFAIL
		status  dnscheck.Verdict
		source  string
		org     string
		policy  string
		codes   []string
		inWords string
	}{
		{
			name: "subdomain in the parent's zone inherits sp=", domain: "sbdc.uni.edu",
			zones:  []string{uniZone("sbdc IN MX 10 mx.uni.edu.")},
			status: "pass", source: "organizational", org: "uni.edu", policy: "reject", codes: []string{},
		},
		{
			name: "p= applies when the organisation has no sp=", domain: "sbdc.state.gov",
			zones:  []string{fxOrgZone("state.gov", `_dmarc IN TXT "v=DMARC1; p=quarantine"`)},
			status: "pass", source: "organizational", org: "state.gov", policy: "quarantine", codes: []string{},
		},
		{
			name: "multi-label public suffix that says psd=y: uni.ac.uk, not ac.uk", domain: "sbdc.uni.ac.uk",
			zones:  []string{fxOrgZone("uni.ac.uk", `_dmarc IN TXT "v=DMARC1; p=none; sp=reject"`), fxOrgZone("ac.uk", `_dmarc IN TXT "v=DMARC1; p=none; psd=y"`)},
			status: "pass", source: "organizational", org: "uni.ac.uk", policy: "reject", codes: []string{},
		},
		{
			// RFC 9989 §4.10.2: without psd=, the record with the fewest
			// labels marks the organisational domain, whatever a list says.
			name: "a suffix publishing DMARC without psd= becomes the organisational domain", domain: "sbdc.uni.ac.uk",
			zones:  []string{fxOrgZone("uni.ac.uk", `_dmarc IN TXT "v=DMARC1; p=none; sp=reject"`), fxOrgZone("ac.uk", `_dmarc IN TXT "v=DMARC1; p=none"`)},
			status: "pass", source: "organizational", org: "ac.uk", policy: "none", codes: []string{},
		},
		{
			name: "own policy under an organisational one", domain: "sbdc.uni.edu",
			zones:  []string{uniZone(`_dmarc.sbdc IN TXT "v=DMARC1; p=none"`)},
			status: "pass", source: "domain", org: "uni.edu", policy: "none", codes: []string{},
		},
		{
			name: "a public suffix's psd=y policy applies to a domain under it", domain: "center.psdx",
			zones:  []string{fxOrgZone("psdx", `_dmarc IN TXT "v=DMARC1; p=reject; psd=y"`, "center IN MX 10 mx.center.psdx.")},
			status: "pass", source: "psd", org: "center.psdx", policy: "reject", codes: []string{},
		},
		{
			name: "a listed suffix that publishes DMARC: its reject is inherited", domain: "center.github.io",
			zones:  []string{fxOrgZone("github.io", `_dmarc IN TXT "v=DMARC1; p=reject"`, "center IN A 192.0.2.7")},
			status: "pass", source: "organizational", org: "github.io", policy: "reject", codes: []string{},
		},
		{
			name: "psd=n lower down makes the organisational domain", domain: "sbdc.dept.uni.edu",
			zones: []string{fxOrgZone("uni.edu", `_dmarc IN TXT "v=DMARC1; p=reject; sp=quarantine"`,
				`_dmarc.dept IN TXT "v=DMARC1; p=none; psd=n"`, "sbdc.dept IN MX 10 mx.uni.edu.")},
			status: "pass", source: "organizational", org: "dept.uni.edu", policy: "none", codes: []string{},
		},
		{
			name: "trouble above a psd=n stop does not matter", domain: "sbdc.dept.uni.edu",
			zones: []string{fxOrgZone("uni.edu", `_dmarc.dept IN TXT "v=DMARC1; p=none; psd=n"`)}, fault: "_dmarc.uni.edu",
			status: "pass", source: "organizational", org: "dept.uni.edu", policy: "none", codes: []string{},
		},
		{
			name: "two records of its own are discarded: the organisation's applies", domain: "sbdc.uni.edu",
			zones:  []string{uniZone(`_dmarc.sbdc IN TXT "v=DMARC1; p=none"`, `_dmarc.sbdc IN TXT "v=DMARC1; p=quarantine"`)},
			status: "invalid", source: "domain", org: "uni.edu", codes: []string{"dmarc-multiple/error"}, inWords: "apply the policy of uni.edu instead (sp=reject",
		},
		{
			name: "np= applies to a subdomain that does not exist", domain: "new.uni.edu",
			zones:  []string{fxOrgZone("uni.edu", `_dmarc IN TXT "v=DMARC1; p=none; sp=quarantine; np=reject"`)},
			status: "pass", source: "organizational", org: "uni.edu", policy: "reject", codes: []string{},
		},
		{
			name: "sp= applies to a subdomain that exists, np= not", domain: "sbdc.uni.edu",
			zones:  []string{fxOrgZone("uni.edu", `_dmarc IN TXT "v=DMARC1; p=none; sp=quarantine; np=reject"`, "sbdc IN A 192.0.2.1")},
			status: "pass", source: "organizational", org: "uni.edu", policy: "quarantine", codes: []string{},
		},
		{
			name: "a parent with two records is discarded, and said", domain: "sbdc.uni.edu",
			zones:  []string{fxOrgZone("uni.edu", `_dmarc IN TXT "v=DMARC1; p=reject"`, `_dmarc IN TXT "v=DMARC1; p=none"`)},
			status: "invalid", source: "organizational", org: "sbdc.uni.edu", codes: []string{"dmarc-multiple/error"}, inWords: "_dmarc.uni.edu",
		},
		{
			name: "the organisation's record cannot be read: unknown, not missing", domain: "sbdc.uni.edu",
			zones: []string{uniZone()}, fault: "_dmarc.uni.edu",
			status: "error", codes: []string{"dns-servfail/error"}, inWords: "_dmarc.uni.edu",
		},
		{
			name: "neither has a policy", domain: "sbdc.uni.ac.uk",
			zones:  []string{fxOrgZone("uni.ac.uk", "@ IN A 192.0.2.1")},
			status: "missing", org: "sbdc.uni.ac.uk", codes: []string{"dmarc-missing/warning"}, inWords: "asked: _dmarc.uni.ac.uk, _dmarc.ac.uk, _dmarc.uk",
		},
		{
			name: "a domain that is its own organisation asks only its parents", domain: "uni.edu",
			zones:  []string{uniZone()},
			status: "pass", source: "domain", org: "uni.edu", policy: "reject", codes: []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := dnstest.StartT(t, tt.zones...)
			if tt.fault != "" {
				srv.SetFault(tt.fault, dnstest.Fault{ServFail: true})
			}
			r := dnscheck.CheckDMARC(context.Background(), newLookup(srv), tt.domain)
			if r.Status != tt.status || r.Source != tt.source || r.OrgDomain != tt.org || !slices.Equal(codes(r.Problems), tt.codes) {
				t.Fatalf("status %q source %q org %q codes %v; want %q %q %q %v\n%+v", r.Status, r.Source, r.OrgDomain, codes(r.Problems), tt.status, tt.source, tt.org, tt.codes, r)
			}
			if tt.policy != "" && r.Policy != tt.policy {
				t.Errorf("Policy = %q, want %q", r.Policy, tt.policy)
			}
			if tt.inWords != "" && (len(r.Problems) == 0 || !strings.Contains(r.Problems[0].Message, tt.inWords)) {
				t.Errorf("problem %+v does not say %q", r.Problems, tt.inWords)
			}
			if tt.domain == "uni.edu" {
				for _, q := range srv.Queries() {
					if q.Name != "_dmarc.uni.edu." && q.Name != "_dmarc.edu." {
						t.Errorf("asked %s (type %d) for a domain that is its own organisation", q.Name, q.Type)
					}
				}
			}
		})
	}
}

// TestBlocksPlatformInherited: an inherited reject says whose policy it
// is, who to ask, and never to weaken it with a p=none of one's own.
func TestBlocksPlatformInherited(t *testing.T) {
	t.Parallel()
	d := dnscheck.DMARCReport{Status: "pass", Policy: "reject", Percent: 100, Source: "organizational", OrgDomain: "uni.edu",
		Domain: "sbdc.uni.edu", Record: "v=DMARC1; p=reject; sp=reject", PolicyTag: "sp"}
	p, ok := dnscheck.BlocksPlatform(d, false, "Neoserra")
	if !ok || p.Code != dnscheck.CodeDMARCBlocksPlatform || p.Severity != dnscheck.SeverityError {
		t.Fatalf("BlocksPlatform = %+v, %v", p, ok)
	}
	for _, want := range []string{"sp=reject", "inherited from _dmarc.uni.edu", "whoever runs uni.edu's DNS", "rejected"} {
		if !strings.Contains(p.Message, want) {
			t.Errorf("message %q lacks %q", p.Message, want)
		}
	}
	for _, want := range []string{"Do not add a DMARC record with p=none at _dmarc.sbdc.uni.edu", "weaken uni.edu's policy", "central IT"} {
		if !strings.Contains(p.Fix, want) {
			t.Errorf("fix %q lacks %q", p.Fix, want)
		}
	}
	if strings.Contains(p.Fix, "relax the DMARC policy") {
		t.Errorf("fix %q tells a subdomain to relax its organisation's policy", p.Fix)
	}
}

// TestCheckSubdomainShapes runs the whole check, in authoritative mode, on
// sbdc.uni.edu in uni.edu's zone and behind a zone cut (delegated to its
// own name server): the organisation's p=reject applies either way, and
// mail from the platform is said to be lost now.
func TestCheckSubdomainShapes(t *testing.T) {
	t.Parallel()
	sbdcLines := []string{"@ IN MX 10 mx.uni.edu."}
	for _, cut := range []bool{false, true} {
		name := "in the parent's zone"
		if cut {
			name = "behind a zone cut"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			uniNS := []string{"@ IN NS ns1.uni.edu.", "ns1 IN A 192.0.2.53"}
			var resolverZones, uniZones, sbdcZones []string
			if cut {
				delegation := []string{"sbdc IN NS ns1.sbdc.uni.edu.", "ns1.sbdc IN A 192.0.2.54"}
				sbdc := fxOrgZone("sbdc.uni.edu", append([]string{"@ IN NS ns1.sbdc.uni.edu.", "ns1 IN A 192.0.2.54"}, sbdcLines...)...)
				resolverZones = []string{uniZone(append(uniNS, delegation...)...), sbdc}
				uniZones = []string{uniZone(append(uniNS, delegation...)...)}
				sbdcZones = []string{sbdc}
			} else {
				var lines []string
				for _, l := range sbdcLines {
					lines = append(lines, strings.Replace(l, "@", "sbdc", 1))
				}
				z := uniZone(append(uniNS, lines...)...)
				resolverZones, uniZones = []string{z}, []string{z}
			}
			resolver := fxServer(t, resolverZones...)
			uniAuth := dnstest.StartT(t, uniZones...)
			var sbdcAuth *dnstest.Server
			if cut {
				sbdcAuth = dnstest.StartT(t, sbdcZones...)
			}
			checker := &dnscheck.Checker{
				Resolver: dnscheck.NewClient(dnscheck.WithServers(resolver.Addr()), dnscheck.WithTimeout(fxTimeout)),
				ResolveNS: func(_ context.Context, host string) []string {
					switch host {
					case "ns1.uni.edu":
						return []string{uniAuth.Addr()}
					case "ns1.sbdc.uni.edu":
						if sbdcAuth != nil {
							return []string{sbdcAuth.Addr()}
						}
					}
					t.Errorf("ResolveNS(%q): not a name server here", host)
					return nil
				},
				Timeout: 500 * time.Millisecond,
			}
			rep := checker.Check(context.Background(), "sbdc.uni.edu", fxExpect(t, nil))
			wantNS := "ns1.uni.edu"
			if cut {
				wantNS = "ns1.sbdc.uni.edu"
			}
			if !slices.Equal(rep.Source.Authoritative, []string{wantNS}) {
				t.Errorf("asked %v, want the zone's own server %s", rep.Source.Authoritative, wantNS)
			}
			d := rep.DMARC
			if d.Status != "pass" || d.Source != "organizational" || d.OrgDomain != "uni.edu" || d.Policy != "reject" {
				t.Fatalf("DMARC = %+v, want uni.edu's sp=reject, inherited", d)
			}
			p, ok := fxProblem(d.Problems, dnscheck.CodeDMARCBlocksPlatform)
			if !ok || !strings.Contains(p.Fix, "Do not add a DMARC record") {
				t.Errorf("want dmarc-blocks-platform naming who must act, got %+v", d.Problems)
			}
			if rep.HasTrouble() {
				t.Errorf("trouble reported: %+v", rep.AllProblems())
			}
		})
	}
}

// TestCheckAlias: news.yourcenter.edu is a CNAME to a name someone else
// runs. SPF is evaluated through the alias, as receivers do, and the
// domain says it is an alias; DMARC is still its own name's.
func TestCheckAlias(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, targetSPF, want string
	}{
		{"target authorises the platform", "v=spf1 include:spf.outreachsystems.com -all", "pass"},
		{"target does not", "v=spf1 include:spf.protection.outlook.com -all", "fail"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fxServer(t,
				fxOrgZone("yourcenter.edu", "news IN CNAME web.vendor.example.", "osc1._domainkey.news IN CNAME osc1._domainkey.outreachsystems.com."),
				fxOrgZone("vendor.example", "web IN TXT "+fxTXT(tc.targetSPF), "web IN A 192.0.2.80"))
			rep := fxChecker(srv, fxTimeout).Check(context.Background(), "news.yourcenter.edu", fxExpect(t, fxProvider(t, "microsoft365")))
			p, ok := fxProblem(rep.Problems, dnscheck.CodeDomainIsAlias)
			if !ok || p.Severity != dnscheck.SeverityError || rep.Alias != "web.vendor.example" {
				t.Fatalf("problems %+v alias %q; want domain-is-alias (error) naming web.vendor.example", rep.Problems, rep.Alias)
			}
			for _, want := range []string{"web.vendor.example", "CNAME", "ask whoever runs web.vendor.example", "include:spf.outreachsystems.com", "replace the alias"} {
				if !strings.Contains(p.Message+" "+p.Fix, want) {
					t.Errorf("alias problem lacks %q: %+v", want, p)
				}
			}
			if rep.SPF.Status != dnscheck.Verdict(tc.want) || rep.SPF.Record != tc.targetSPF {
				t.Errorf("SPF %q %q, want %q through the alias (%q)", rep.SPF.Status, rep.SPF.Record, tc.want, tc.targetSPF)
			}
			if rep.DKIM.Status != "pass" {
				t.Errorf("DKIM %q: a name below the alias holds its own CNAME", rep.DKIM.Status)
			}
		})
	}
	t.Run("not an alias", func(t *testing.T) {
		t.Parallel()
		srv := fxServer(t, fxOrgZone("yourcenter.edu", fxReadyLines()...))
		rep := fxChecker(srv, fxTimeout).Check(context.Background(), "yourcenter.edu", fxExpect(t, nil))
		if _, ok := fxProblem(rep.Problems, dnscheck.CodeDomainIsAlias); ok || rep.Alias != "" {
			t.Errorf("domain-is-alias on a domain with its own records: %+v", rep.Problems)
		}
	})
}

// TestCheckSPFTimeoutIsTemperror: the SPF TXT lookup times out; every
// platform address is temperror (RFC 7208 §4.4) and the check is DNS
// trouble.
func TestCheckSPFTimeoutIsTemperror(t *testing.T) {
	t.Parallel()
	srv := fxServer(t, fxOrgZone("yourcenter.edu", fxReadyLines()...))
	silent := dnstest.Fault{Silent: true}
	srv.SetFaultType("yourcenter.edu", dns.TypeTXT, silent)
	c := &dnscheck.Checker{Resolver: faultQuerier(srv, "yourcenter.edu", dns.TypeTXT, silent), Direct: true}
	rep := c.Check(context.Background(), "yourcenter.edu", fxExpect(t, nil))
	if rep.SPF.Status != "error" || !rep.HasTrouble() {
		t.Fatalf("SPF %q, trouble %v; want error and trouble", rep.SPF.Status, rep.HasTrouble())
	}
	if len(rep.SPF.IPs) != len(fxPlatformIPs()) {
		t.Fatalf("ips %v, want one per platform address", rep.SPF.IPs)
	}
	for _, r := range rep.SPF.IPs {
		if r.Result != "temperror" {
			t.Errorf("%s: %q, want temperror", r.IP, r.Result)
		}
	}
}

// TestCheckDKIMPastedKeyJudged: a key pasted as TXT at the DKIM name is
// dkim-not-cname, and the key itself is judged as receivers would use it.
func TestCheckDKIMPastedKeyJudged(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, key string
		codes     []string
		bits      int
	}{
		{"strong key", "v=DKIM1; k=rsa; p=" + rsaP(t, 2048), []string{"dkim-not-cname/error"}, 2048},
		{"2047 bits", "v=DKIM1; k=rsa; p=" + rsaP(t, 2047), []string{"dkim-not-cname/error", "dkim-key-weak/warning"}, 2047},
		{"1023 bits", "v=DKIM1; k=rsa; p=" + rsaP(t, 1023), []string{"dkim-not-cname/error", "dkim-key-weak/error"}, 1023},
		{"1024 bits", "v=DKIM1; k=rsa; p=" + rsaP(t, 1024), []string{"dkim-not-cname/error", "dkim-key-weak/warning"}, 1024},
		{"revoked", "v=DKIM1; k=rsa; p=", []string{"dkim-not-cname/error", "dkim-key-invalid/error"}, 0},
		{"garbage key", "v=DKIM1; k=rsa; p=bm90IGEga2V5", []string{"dkim-not-cname/error", "dkim-key-invalid/error"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := dnstest.StartT(t, zoneYC("osc1._domainkey IN TXT "+txt(tc.key)), zoneVendor("v=DKIM1; k=rsa; p="+rsaP(t, 2048)))
			r := dnscheck.CheckDKIM(context.Background(), newLookup(srv), testDomain, testExpectation())
			if r.Status != "fail" || !slices.Equal(codes(r.Problems), tc.codes) || r.KeyBits != tc.bits {
				t.Fatalf("status %q codes %v bits %d; want fail %v %d\n%+v", r.Status, codes(r.Problems), r.KeyBits, tc.codes, tc.bits, r.Problems)
			}
			for _, p := range r.Problems[1:] {
				if !strings.Contains(p.Message, "pasted at osc1._domainkey.yourcenter.edu") || !strings.Contains(p.Fix, "CNAME") {
					t.Errorf("key problem does not say where the key is and that the CNAME fixes it: %+v", p)
				}
			}
		})
	}
}
