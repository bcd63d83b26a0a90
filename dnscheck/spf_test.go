package dnscheck_test

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// spfCase is one state of a domain's SPF record: the zone lines, what the
// check must report, and what it must not.
type spfCase struct {
	name  string
	lines []string // records of yourcenter.edu besides its SOA
	// provider is the organisation's provider as chosen (--provider);
	// nil detects it from MX.
	provider *assets.Provider
	status   dnscheck.Verdict
	want     []string        // problem codes that must be reported ("code/severity" for that severity too)
	not      []dnscheck.Code // problem codes that must not
	// results, when set, is the check_host result every platform address
	// must get.
	results       string
	lookups, void int // checked when lookups >= 0
	message       string
	// notReady: the domain is not ready though SPF passes (an
	// error-severity spf-all-permissive).
	notReady bool
}

// spfRecord is "@ IN TXT" with value.
func spfRecord(value string) string { return "@ IN TXT " + fxTXT(value) }

// aTerms returns n "a:<prefix><letter>.yourcenter.edu" terms and their A records.
func aTerms(n int, prefix string) (terms string, lines []string) {
	var ts []string
	for i := range n {
		host := prefix + string(rune('a'+i))
		ts = append(ts, "a:"+host+".yourcenter.edu")
		lines = append(lines, host+" IN A 192.0.2."+string(rune('0'+i%10)))
	}
	return strings.Join(ts, " "), lines
}

// voidTerms returns n "a:" terms naming hosts that do not exist.
func voidTerms(n int) string {
	var ts []string
	for i := range n {
		ts = append(ts, "a:gone"+string(rune('a'+i))+".yourcenter.edu")
	}
	return strings.Join(ts, " ")
}

func spfCases(t *testing.T) []spfCase {
	ten, tenLines := aTerms(10, "h")
	nine, nineLines := aTerms(9, "h")
	ips := fxPlatformIPs()
	microsoft := fxProvider(t, "microsoft365")
	return []spfCase{
		// spf-missing
		{name: "missing: no TXT at all", lines: []string{fxMX365},
			status: "missing", want: []string{"spf-missing"}, results: "none", lookups: -1},
		{name: "missing: only other TXT records", lines: []string{`@ IN TXT "google-site-verification=abc123"`, `@ IN TXT "MS=ms12345"`},
			status: "missing", want: []string{"spf-missing"}, results: "none", lookups: -1},
		{name: "near missing: upper-case V=SPF1 is a record", lines: []string{spfRecord("V=SPF1 include:spf.outreachsystems.com -all")},
			status: "pass", not: []dnscheck.Code{"spf-missing", "spf-syntax"}, results: "pass", lookups: 1},

		// spf-multiple
		{name: "multiple: two SPF records", lines: []string{
			spfRecord("v=spf1 include:spf.protection.outlook.com -all"),
			spfRecord("v=spf1 include:spf.outreachsystems.com -all")},
			status: "fail", want: []string{"spf-multiple"}, results: "permerror", lookups: -1},
		{name: "near multiple: one SPF record among other TXT", lines: []string{
			spfRecord("v=spf1 include:spf.outreachsystems.com -all"),
			`@ IN TXT "google-site-verification=abc123"`,
			`@ IN TXT "v=spf10 not an spf record"`},
			status: "pass", not: []dnscheck.Code{"spf-multiple", "spf-syntax"}, results: "pass", lookups: 1},

		// spf-syntax
		{name: "syntax: TXT strings joined without a space", lines: []string{
			`@ IN TXT "v=spf1 include:spf.protection.outlook.com" "include:spf.outreachsystems.com -all"`},
			status: "fail", want: []string{"spf-syntax"}, results: "permerror", lookups: -1,
			message: "include:spf.outreachsystems.com"},
		{name: "near syntax: TXT strings joined, the first ending in a space", lines: []string{
			`@ IN TXT "v=spf1 include:spf.protection.outlook.com " "include:spf.outreachsystems.com -all"`},
			status: "pass", not: []dnscheck.Code{"spf-syntax"}, results: "pass", lookups: 3},
		{name: "syntax: include= instead of include:", lines: []string{spfRecord("v=spf1 include=spf.outreachsystems.com -all")},
			status: "fail", want: []string{"spf-syntax"}, results: "fail", lookups: -1,
			message: "include:spf.outreachsystems.com"},
		{name: "near syntax: a real modifier (exp=) is fine", lines: []string{spfRecord("v=spf1 include:spf.outreachsystems.com -all exp=explain.yourcenter.edu")},
			status: "pass", not: []dnscheck.Code{"spf-syntax"}, results: "pass", lookups: 1},
		{name: "syntax: smart quotes around the record", lines: []string{spfRecord("“v=spf1 include:spf.outreachsystems.com -all”")},
			status: "fail", want: []string{"spf-syntax"}, not: []dnscheck.Code{"spf-missing"}, results: "none", lookups: -1},
		{name: "syntax: smart quote inside the record", lines: []string{spfRecord("v=spf1 include:spf.outreachsystems.com “-all”")},
			status: "fail", want: []string{"spf-syntax"}, not: []dnscheck.Code{"spf-missing"}, lookups: -1},
		{name: "syntax: unknown mechanism", lines: []string{spfRecord("v=spf1 inclde:spf.outreachsystems.com -all")},
			status: "fail", want: []string{"spf-syntax"}, results: "permerror", lookups: -1, message: "inclde:spf.outreachsystems.com"},
		{name: "syntax: term after all (warning)", lines: []string{spfRecord("v=spf1 include:spf.outreachsystems.com -all include:spf.protection.outlook.com")},
			status: "pass", want: []string{"spf-syntax"}, results: "pass", lookups: -1},

		// spf-too-many-lookups
		{name: "lookups: exactly ten", lines: append([]string{spfRecord("v=spf1 " + nine + " include:spf.outreachsystems.com -all")}, nineLines...),
			status: "pass", not: []dnscheck.Code{"spf-too-many-lookups"}, results: "pass", lookups: 10},
		{name: "lookups: eleven", lines: append([]string{spfRecord("v=spf1 " + ten + " include:spf.outreachsystems.com -all")}, tenLines...),
			status: "fail", want: []string{"spf-too-many-lookups", "spf-platform-not-authorized"}, results: "permerror", lookups: 11,
			message: "include:spf.outreachsystems.com 1"},
		{name: "lookups: an include loop", lines: []string{
			spfRecord("v=spf1 include:_a.yourcenter.edu include:spf.outreachsystems.com -all"),
			"_a IN TXT " + fxTXT("v=spf1 include:_b.yourcenter.edu -all"),
			"_b IN TXT " + fxTXT("v=spf1 include:_a.yourcenter.edu -all")},
			status: "fail", want: []string{"spf-too-many-lookups"}, results: "permerror", lookups: -1,
			message: "_a.yourcenter.edu → _b.yourcenter.edu → _a.yourcenter.edu"},
		{name: "near loop: two includes sharing one record", lines: []string{
			spfRecord("v=spf1 include:_a.yourcenter.edu include:_b.yourcenter.edu ~all"),
			"_a IN TXT " + fxTXT("v=spf1 include:spf.outreachsystems.com -all"),
			"_b IN TXT " + fxTXT("v=spf1 include:spf.outreachsystems.com -all")},
			status: "pass", not: []dnscheck.Code{"spf-too-many-lookups"}, results: "pass", lookups: 4},

		// spf-too-many-void-lookups
		{name: "void: two void lookups", lines: []string{spfRecord("v=spf1 " + voidTerms(2) + " include:spf.outreachsystems.com -all")},
			status: "pass", not: []dnscheck.Code{"spf-too-many-void-lookups"}, results: "pass", lookups: 3, void: 2},
		{name: "void: three void lookups", lines: []string{spfRecord("v=spf1 " + voidTerms(3) + " include:spf.outreachsystems.com -all")},
			status: "fail", want: []string{"spf-too-many-void-lookups", "spf-platform-not-authorized"}, results: "permerror", lookups: 4, void: 3,
			message: "a:gonec.yourcenter.edu"},
		{name: "void: an mx term without MX and includes of names without records", lines: []string{
			spfRecord("v=spf1 mx:nomx.yourcenter.edu include:gone.yourcenter.edu include:nothing.yourcenter.edu include:spf.outreachsystems.com -all"),
			"nomx IN A 192.0.2.9"},
			status: "fail", want: []string{"spf-too-many-void-lookups"}, lookups: -1, void: 3},

		// spf-platform-not-authorized
		{name: "platform: not in the record", lines: []string{spfRecord("v=spf1 include:spf.protection.outlook.com -all")},
			status: "fail", want: []string{"spf-platform-not-authorized"}, results: "fail", lookups: 2,
			message: "none of Neoserra's 8 addresses pass."},
		{name: "near platform: include nested two levels deep", lines: []string{
			spfRecord("v=spf1 include:_spf.yourcenter.edu -all"),
			"_spf IN TXT " + fxTXT("v=spf1 include:_inner.yourcenter.edu -all"),
			"_inner IN TXT " + fxTXT("v=spf1 include:spf.outreachsystems.com -all")},
			status: "pass", not: []dnscheck.Code{"spf-platform-not-authorized", "spf-platform-ips-listed"}, results: "pass", lookups: 3},
		{name: "near platform: redirect to a record that includes it", lines: []string{
			spfRecord("v=spf1 redirect=_spf.yourcenter.edu"),
			"_spf IN TXT " + fxTXT("v=spf1 include:spf.outreachsystems.com -all")},
			status: "pass", not: []dnscheck.Code{"spf-platform-not-authorized", "spf-all-permissive"}, results: "pass", lookups: 2},

		// spf-platform-ips-listed
		{name: "ips listed: all eight", lines: []string{spfRecord("v=spf1 " + fxIP4Terms(ips) + " -all")},
			status: "pass", want: []string{"spf-platform-ips-listed"}, not: []dnscheck.Code{"spf-platform-not-authorized"}, results: "pass", lookups: 0},
		{name: "ips listed: a stale list lacking two", lines: []string{spfRecord("v=spf1 " + fxIP4Terms(ips[:6]) + " -all")},
			status: "fail", want: []string{"spf-platform-ips-listed", "spf-platform-not-authorized"}, lookups: 0,
			message: "lacks " + ips[6] + ", " + ips[7]},
		{name: "near ips listed: the include, no addresses", lines: []string{spfRecord("v=spf1 include:spf.outreachsystems.com -all")},
			status: "pass", not: []dnscheck.Code{"spf-platform-ips-listed"}, results: "pass", lookups: 1},
		{name: "near ips listed: other addresses only", lines: []string{spfRecord("v=spf1 ip4:192.0.2.0/24 include:spf.outreachsystems.com -all")},
			status: "pass", not: []dnscheck.Code{"spf-platform-ips-listed"}, results: "pass", lookups: 1},

		// spf-provider-missing
		{name: "provider: chosen, not in the record", provider: microsoft,
			lines:  []string{spfRecord("v=spf1 include:spf.outreachsystems.com -all")},
			status: "pass", want: []string{"spf-provider-missing"}, results: "pass", lookups: 1,
			message: "Microsoft 365"},
		{name: "near provider: chosen, included", provider: microsoft,
			lines:  []string{spfRecord(fxSPFReady)},
			status: "pass", not: []dnscheck.Code{"spf-provider-missing"}, results: "pass", lookups: 3},
		{name: "provider: from MX, not in the record", lines: []string{fxMX365, spfRecord("v=spf1 include:spf.outreachsystems.com -all")},
			status: "pass", want: []string{"spf-provider-missing"}, results: "pass", lookups: 1,
			message: "Microsoft 365"},
		{name: "near provider: from MX, included through another include", lines: []string{fxMX365,
			spfRecord("v=spf1 include:_spf.yourcenter.edu -all"),
			"_spf IN TXT " + fxTXT(fxSPFReady)},
			status: "pass", not: []dnscheck.Code{"spf-provider-missing"}, results: "pass", lookups: 4},
		{name: "near provider: MX of no known provider", lines: []string{"@ IN MX 10 mail", "mail IN A 192.0.2.25",
			spfRecord("v=spf1 include:spf.outreachsystems.com -all")},
			status: "pass", not: []dnscheck.Code{"spf-provider-missing"}, results: "pass", lookups: 1},

		// spf-all-permissive
		{name: "all: +all", lines: []string{spfRecord("v=spf1 include:spf.outreachsystems.com +all")},
			status: "pass", want: []string{"spf-all-permissive/error"}, results: "pass", lookups: 1, message: "+all", notReady: true},
		{name: "all: bare all means +all", lines: []string{spfRecord("v=spf1 include:spf.protection.outlook.com all")},
			status: "pass", want: []string{"spf-all-permissive/error"}, results: "pass", lookups: 2, message: `"all" means +all`, notReady: true},
		{name: "all: ip4:0.0.0.0/0", lines: []string{spfRecord("v=spf1 ip4:0.0.0.0/0 -all")},
			status: "pass", want: []string{"spf-all-permissive/error"}, results: "pass", lookups: 0, message: "ip4:0.0.0.0/0", notReady: true},
		{name: "all: ip4 shorter than /8", lines: []string{spfRecord("v=spf1 include:spf.outreachsystems.com ip4:10.0.0.0/7 -all")},
			status: "pass", want: []string{"spf-all-permissive/error"}, results: "pass", lookups: 1, message: "over 33 million addresses", notReady: true},
		{name: "near all: ip4 /8", lines: []string{spfRecord("v=spf1 include:spf.outreachsystems.com ip4:10.0.0.0/8 -all")},
			status: "pass", not: []dnscheck.Code{"spf-all-permissive"}, results: "pass", lookups: 1},
		{name: "all: ip6 shorter than /16", lines: []string{spfRecord("v=spf1 include:spf.outreachsystems.com ip6:2000::/15 -all")},
			status: "pass", want: []string{"spf-all-permissive/error"}, results: "pass", lookups: 1, message: "ip6:2000::/15", notReady: true},
		{name: "near all: ip6 /16", lines: []string{spfRecord("v=spf1 include:spf.outreachsystems.com ip6:2001::/16 -all")},
			status: "pass", not: []dnscheck.Code{"spf-all-permissive"}, results: "pass", lookups: 1},
		{name: "near all: a wide network that fails", lines: []string{spfRecord("v=spf1 include:spf.outreachsystems.com -ip4:0.0.0.0/0 ~ip6:::/0 -all")},
			status: "pass", not: []dnscheck.Code{"spf-all-permissive"}, results: "pass", lookups: 1},
		{name: "all: +all reached through an include", lines: []string{
			spfRecord("v=spf1 include:_open.yourcenter.edu -all"),
			"_open IN TXT " + fxTXT("v=spf1 mx +all")},
			status: "pass", want: []string{"spf-all-permissive/error"}, results: "pass", lookups: 2, void: 1,
			message: "_open.yourcenter.edu", notReady: true},
		{name: "all: a world network two includes down", lines: []string{
			spfRecord("v=spf1 include:spf.outreachsystems.com include:_a.yourcenter.edu -all"),
			"_a IN TXT " + fxTXT("v=spf1 include:_b.yourcenter.edu -all"),
			"_b IN TXT " + fxTXT("v=spf1 ip4:0.0.0.0/0 -all")},
			status: "pass", want: []string{"spf-all-permissive/error"}, results: "pass", lookups: 3,
			message: "include:_a.yourcenter.edu → include:_b.yourcenter.edu", notReady: true},
		{name: "all: +all reached through redirect", lines: []string{
			spfRecord("v=spf1 mx redirect=_open.yourcenter.edu"),
			"_open IN TXT " + fxTXT("v=spf1 +all")},
			status: "pass", want: []string{"spf-all-permissive/error"}, results: "pass", lookups: 2, void: 1, notReady: true},
		{name: "near all: +all under an include that only softfails", lines: []string{
			spfRecord("v=spf1 include:spf.outreachsystems.com ~include:_open.yourcenter.edu -all"),
			"_open IN TXT " + fxTXT("v=spf1 +all")},
			status: "pass", not: []dnscheck.Code{"spf-all-permissive"}, results: "pass", lookups: 2},
		{name: "near all: ?all with the platform is a warning, still ready", lines: []string{spfRecord("v=spf1 include:spf.outreachsystems.com ?all")},
			status: "pass", want: []string{"spf-all-permissive/warning"}, results: "pass", lookups: 1},
		{name: "all: ?all", lines: []string{spfRecord("v=spf1 include:spf.protection.outlook.com ?all")},
			status: "fail", want: []string{"spf-all-permissive", "spf-platform-not-authorized"}, results: "neutral", lookups: 2, message: "?all"},
		{name: "all: no all", lines: []string{spfRecord("v=spf1 include:spf.protection.outlook.com")},
			status: "fail", want: []string{"spf-all-permissive", "spf-platform-not-authorized"}, results: "neutral", lookups: 2, message: "no all"},
		{name: "near all: ~all is not permissive", lines: []string{spfRecord("v=spf1 include:spf.protection.outlook.com ~all")},
			status: "fail", want: []string{"spf-platform-not-authorized"}, not: []dnscheck.Code{"spf-all-permissive"}, results: "softfail", lookups: 2},
		{name: "near all: -all", lines: []string{spfRecord("v=spf1 include:spf.outreachsystems.com -all")},
			status: "pass", not: []dnscheck.Code{"spf-all-permissive"}, results: "pass", lookups: 1},
	}
}

func TestCheckSPFProblems(t *testing.T) {
	t.Parallel()
	for _, tc := range spfCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// The DKIM CNAME is right in every case: ready is SPF's verdict.
			srv := fxServer(t, fxOrgZone(fxDomain, append(tc.lines, fxDKIMCNAME)...))
			rep := fxChecker(srv, fxTimeout).Check(context.Background(), fxDomain, fxExpect(t, tc.provider))
			spf := rep.SPF
			got := fxCodes(spf.Problems)
			if spf.Status != tc.status {
				t.Errorf("status = %q, want %q (problems %v, ips %v)", spf.Status, tc.status, got, fxResults(spf.IPs))
			}
			for _, c := range tc.want {
				// "code/severity" asks for that severity too.
				code, sev, _ := strings.Cut(c, "/")
				if !slices.ContainsFunc(spf.Problems, func(p dnscheck.Problem) bool {
					return p.Code == dnscheck.Code(code) && (sev == "" || string(p.Severity) == sev)
				}) {
					t.Errorf("problems %v lack %s", spf.Problems, c)
				}
			}
			for _, c := range tc.not {
				if slices.Contains(got, c) {
					p, _ := fxProblem(spf.Problems, c)
					t.Errorf("problems include %s: %s", c, p.Message)
				}
			}
			// dnscheck states facts: the command line is the caller's.
			for _, p := range spf.Problems {
				if strings.Contains(p.Message+" "+p.Fix, "'wizard ") {
					t.Errorf("%s names a command: %s %s", p.Code, p.Message, p.Fix)
				}
			}
			if tc.results != "" {
				if r := fxResults(spf.IPs); !slices.Equal(r, fxAllResults(tc.results)) {
					t.Errorf("results = %v, want all %s", r, tc.results)
				}
			}
			if len(spf.IPs) != len(fxPlatformIPs()) {
				t.Errorf("%d addresses evaluated, want %d", len(spf.IPs), len(fxPlatformIPs()))
			}
			if tc.lookups >= 0 && (spf.Lookups != tc.lookups || spf.VoidLookups != tc.void) {
				t.Errorf("lookups %d void %d, want %d %d", spf.Lookups, spf.VoidLookups, tc.lookups, tc.void)
			}
			if tc.message != "" {
				found := false
				for _, p := range spf.Problems {
					found = found || strings.Contains(p.Message, tc.message) || strings.Contains(p.Fix, tc.message)
				}
				if !found {
					t.Errorf("no problem mentions %q: %+v", tc.message, spf.Problems)
				}
			}
			if rep.DKIM.Status != "pass" || rep.Ready != (spf.Status == "pass" && !tc.notReady) {
				t.Errorf("DKIM %s, ready %v with SPF %s", rep.DKIM.Status, rep.Ready, spf.Status)
			}
			fxCheckProblems(t, rep)
		})
	}
}

// TestEvaluateSPFResults: the result names are exactly what RFC 7208
// check_host returns.
func TestEvaluateSPFResults(t *testing.T) {
	t.Parallel()
	srv := fxServer(t,
		fxOrgZone("pass.edu", spfRecord("v=spf1 ip4:192.0.2.1 -all")),
		fxOrgZone("fail.edu", spfRecord("v=spf1 ip4:198.51.100.1 -all")),
		fxOrgZone("softfail.edu", spfRecord("v=spf1 ip4:198.51.100.1 ~all")),
		fxOrgZone("neutral.edu", spfRecord("v=spf1 ip4:198.51.100.1 ?all")),
		fxOrgZone("none.edu", `@ IN TXT "hello"`),
		fxOrgZone("permerror.edu", spfRecord("v=spf1 ip4:192.0.2.300 -all")),
		fxOrgZone("temperror.edu", spfRecord("v=spf1 include:broken.temperror.edu -all")),
	)
	srv.SetFault("broken.temperror.edu", dnstest.Fault{ServFail: true})
	q := dnscheck.NewLookup(dnscheck.NewClient(dnscheck.WithServers(srv.Addr()), dnscheck.WithTimeout(fxTimeout)))
	ip := netip.MustParseAddr("192.0.2.1")
	for _, want := range []string{"pass", "fail", "softfail", "neutral", "none", "permerror", "temperror"} {
		if got := string(dnscheck.EvaluateSPF(context.Background(), q, ip, want+".edu")); got != want {
			t.Errorf("%s.edu: %q, want %q", want, got, want)
		}
	}
}

// TestCheckSPFResultNames: the same names reach the report.
func TestCheckSPFResultNames(t *testing.T) {
	t.Parallel()
	cases := []struct{ record, want string }{
		{"v=spf1 include:spf.outreachsystems.com -all", "pass"},
		{"v=spf1 ip4:192.0.2.1 -all", "fail"},
		{"v=spf1 ip4:192.0.2.1 ~all", "softfail"},
		{"v=spf1 ip4:192.0.2.1 ?all", "neutral"},
		{"v=spf1 ip4:192.0.2.1/33 include:spf.outreachsystems.com -all", "permerror"},
		{"v=spf1 include:broken.yourcenter.edu include:spf.outreachsystems.com -all", "temperror"},
	}
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			t.Parallel()
			srv := fxServer(t, fxOrgZone(fxDomain, spfRecord(tc.record)))
			srv.SetFault("broken."+fxDomain, dnstest.Fault{ServFail: true})
			spf := fxChecker(srv, fxTimeout).Check(context.Background(), fxDomain, fxExpect(t, nil)).SPF
			if got := fxResults(spf.IPs); !slices.Equal(got, fxAllResults(tc.want)) {
				t.Errorf("results %v, want all %s", got, tc.want)
			}
		})
	}
}

// TestCheckSPFDirect calls CheckSPF itself, with ProviderTerms given.
func TestCheckSPFDirect(t *testing.T) {
	t.Parallel()
	srv := fxServer(t, fxOrgZone(fxDomain, spfRecord("v=spf1 ip4:192.0.2.1 include:spf.outreachsystems.com ~all")))
	q := dnscheck.NewLookup(dnscheck.NewClient(dnscheck.WithServers(srv.Addr()), dnscheck.WithTimeout(fxTimeout)))
	exp := fxExpect(t, nil)
	exp.DetectProvider = nil
	exp.ProviderName, exp.ProviderTerms = "Our own server", []string{"ip4:192.0.2.1"}
	rep := dnscheck.CheckSPF(context.Background(), q, fxDomain, exp)
	if rep.Status != "pass" || len(rep.Problems) != 0 {
		t.Errorf("status %s problems %v, want pass none", rep.Status, fxCodes(rep.Problems))
	}
	exp.ProviderTerms = []string{"ip4:192.0.2.2", "include:spf.protection.outlook.com"}
	rep = dnscheck.CheckSPF(context.Background(), q, fxDomain, exp)
	p, ok := fxProblem(rep.Problems, "spf-provider-missing")
	if !ok || !strings.Contains(p.Fix, "ip4:192.0.2.2 include:spf.protection.outlook.com") || !strings.Contains(p.Message, "Our own server") {
		t.Errorf("problems %+v, want spf-provider-missing naming both terms", rep.Problems)
	}
	if want := []dnscheck.IncludeCost{{Term: "include:spf.outreachsystems.com", Lookups: 1}}; !slices.Equal(rep.Costs, want) {
		t.Errorf("costs %+v, want %+v", rep.Costs, want)
	}
}

// TestCheckSPFTXTFaultsOnlyTXT: trouble on another type at the domain
// (here MX) does not make SPF an error.
func TestCheckSPFTXTFaultsOnlyTXT(t *testing.T) {
	t.Parallel()
	srv := fxServer(t, fxOrgZone(fxDomain, fxReadyLines()...))
	srv.SetFaultType(fxDomain, dns.TypeMX, dnstest.Fault{ServFail: true})
	rep := fxChecker(srv, fxTimeout).Check(context.Background(), fxDomain, fxExpect(t, nil))
	if rep.SPF.Status != "pass" || !rep.Ready {
		t.Errorf("SPF %s ready %v, want pass true", rep.SPF.Status, rep.Ready)
	}
}

// TestCheckSPFTroubleBeyondIncludes: DNS trouble at an a or mx target that
// decides a verdict (temperror) is an error named by its dns-* problem;
// trouble the evaluation never reaches, or that cannot change it (ptr),
// is not.
func TestCheckSPFTroubleBeyondIncludes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, record, status, results string
		code                          dnscheck.Code // "" for no dns-* problem
	}{
		{"a target SERVFAIL before the include", "v=spf1 a:broken.yourcenter.edu include:spf.outreachsystems.com -all", "error", "temperror", "dns-servfail"},
		{"mx target SERVFAIL before the include", "v=spf1 mx:broken.yourcenter.edu include:spf.outreachsystems.com -all", "error", "temperror", "dns-servfail"},
		{"near: a target SERVFAIL after the include", "v=spf1 include:spf.outreachsystems.com a:broken.yourcenter.edu -all", "pass", "pass", ""},
		// The reverse zones are not served: every PTR question is refused.
		{"near: ptr lookups refused", "v=spf1 ptr include:spf.outreachsystems.com -all", "pass", "pass", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fxServer(t, fxOrgZone(fxDomain, spfRecord(tc.record), fxDKIMCNAME))
			srv.SetFault("broken."+fxDomain, dnstest.Fault{ServFail: true})
			rep := fxChecker(srv, fxTimeout).Check(context.Background(), fxDomain, fxExpect(t, nil))
			if rep.SPF.Status != dnscheck.Verdict(tc.status) {
				t.Errorf("status %s, want %s (problems %v)", rep.SPF.Status, tc.status, fxCodes(rep.SPF.Problems))
			}
			if got := fxResults(rep.SPF.IPs); !slices.Equal(got, fxAllResults(tc.results)) {
				t.Errorf("results %v, want all %s", got, tc.results)
			}
			var dnsCodes []dnscheck.Code
			for _, p := range rep.SPF.Problems {
				if p.Code.IsDNSTrouble() {
					dnsCodes = append(dnsCodes, p.Code)
					if !strings.Contains(p.Message, "broken.yourcenter.edu") {
						t.Errorf("%s does not name the name at fault: %s", p.Code, p.Message)
					}
				}
			}
			if tc.code == "" && len(dnsCodes) > 0 || tc.code != "" && !slices.Equal(dnsCodes, []dnscheck.Code{tc.code}) {
				t.Errorf("dns problems %v, want %q", dnsCodes, tc.code)
			}
			if (tc.status == "error") != rep.HasTrouble() {
				t.Errorf("HasTrouble %v", rep.HasTrouble())
			}
		})
	}
}

// TestPermissiveLimitsAgree: the networks the check calls open to the world
// are exactly those that assets refuses in a provider or platform file.
func TestPermissiveLimitsAgree(t *testing.T) {
	t.Parallel()
	if dnscheck.MinSPFIPv4Bits != assets.MinIPv4Bits || dnscheck.MinSPFIPv6Bits != assets.MinIPv6Bits {
		t.Errorf("dnscheck limits /%d /%d, assets /%d /%d", dnscheck.MinSPFIPv4Bits, dnscheck.MinSPFIPv6Bits, assets.MinIPv4Bits, assets.MinIPv6Bits)
	}
}
