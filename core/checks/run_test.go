package checks_test

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/advice"
	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

func TestNextInterval(t *testing.T) {
	t.Parallel()
	want := []time.Duration{5 * time.Second, 7500 * time.Millisecond, 11250 * time.Millisecond, 16875 * time.Millisecond,
		25312500 * time.Microsecond, 30 * time.Second, 30 * time.Second}
	var got []time.Duration
	var d time.Duration
	for range want {
		d = checks.NextInterval(d)
		got = append(got, d)
	}
	if !slices.Equal(got, want) {
		t.Errorf("intervals %v, want %v", got, want)
	}
	if checks.NextInterval(-time.Second) != checks.FirstInterval || checks.NextInterval(time.Hour) != checks.MaxInterval {
		t.Error("NextInterval out of range is not clamped")
	}
}

func TestExpect(t *testing.T) {
	t.Parallel()
	p := assets.DefaultPlatform()
	exp, err := checks.Expect(p, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if exp.PlatformName != "Neoserra" || exp.DKIMSelector != "osc1" || exp.DKIMTarget != "osc1._domainkey.outreachsystems.com." ||
		exp.SPFInclude != "spf.outreachsystems.com" || !slices.Equal(exp.PlatformIPs, p.SPF.IPs) || len(exp.CheckIPs) != 0 {
		t.Errorf("Expect = %+v", exp)
	}
	if exp.DetectProvider == nil || exp.ProviderTerms != nil {
		t.Fatalf("without a provider, want DetectProvider and no terms: %+v", exp)
	}
	name, terms, ok := exp.DetectProvider([]string{"yourcenter-edu.mail.protection.outlook.com"})
	if !ok || name != "Microsoft 365" || !slices.Equal(terms, []string{"include:spf.protection.outlook.com"}) {
		t.Errorf("DetectProvider(Microsoft MX) = %q %v %v", name, terms, ok)
	}
	if _, _, ok := exp.DetectProvider([]string{"mail.yourcenter.edu"}); ok {
		t.Error("DetectProvider recognised an unknown MX")
	}

	google, _ := assets.ProviderByID("google")
	exp, err = checks.Expect(p, &google, []string{"192.0.2.1", "::ffff:198.51.100.7", "2001:db8::1"})
	if err != nil {
		t.Fatal(err)
	}
	if exp.ProviderName != "Google Workspace" || !slices.Equal(exp.ProviderTerms, []string{"include:_spf.google.com"}) || exp.DetectProvider != nil {
		t.Errorf("with a provider: %q %v detect %v", exp.ProviderName, exp.ProviderTerms, exp.DetectProvider != nil)
	}
	wantIPs := []netip.Addr{netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("198.51.100.7"), netip.MustParseAddr("2001:db8::1")}
	if !slices.Equal(exp.CheckIPs, wantIPs) {
		t.Errorf("CheckIPs %v, want %v", exp.CheckIPs, wantIPs)
	}

	for _, bad := range []string{"300.1.1.1", "mail.example.com", "fe80::1%eth0", "192.0.2.0/24", ""} {
		if _, err := checks.Expect(p, nil, []string{bad}); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%q", bad)) {
			t.Errorf("Expect(--ip %q) error %v, want one naming it", bad, err)
		}
	}
}

// runPlatformZone serves the platform's include (its DKIM key is not
// needed here: the domains below are judged on SPF).
const runPlatformZone = `$ORIGIN outreachsystems.com.
@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300
spf IN TXT "v=spf1 ip4:107.20.160.162 ip4:35.85.179.136 ip4:44.203.150.85 ip4:50.112.114.135 ip4:52.5.236.246 ip4:54.163.226.88 ip4:54.185.24.42 ip4:54.204.25.186 -all"
`

// activeQuerier passes every question to a real client and records how
// many of the checked domains had questions in flight at once.
type activeQuerier struct {
	next    dnscheck.Querier
	domains []string

	mu       sync.Mutex
	inFlight map[string]int
	maxBusy  int
}

func (a *activeQuerier) Query(ctx context.Context, name string, qtype uint16) dnscheck.Response {
	d := ""
	for _, dom := range a.domains {
		if strings.HasSuffix(strings.TrimSuffix(name, "."), dom) {
			d = dom
		}
	}
	a.mu.Lock()
	a.inFlight[d]++
	busy := 0
	for k, n := range a.inFlight {
		if k != "" && n > 0 {
			busy++
		}
	}
	a.maxBusy = max(a.maxBusy, busy)
	a.mu.Unlock()
	defer func() { a.mu.Lock(); a.inFlight[d]--; a.mu.Unlock() }()
	return a.next.Query(ctx, name, qtype)
}

// TestCheckAll: reports in input order, progress once per domain, and no
// more than MaxConcurrentDomains domains checked at once.
func TestCheckAll(t *testing.T) {
	t.Parallel()
	var zones []string
	var domains []string
	for i := range 3 * checks.MaxConcurrentDomains {
		d := fmt.Sprintf("d%02d.edu", i)
		domains = append(domains, d)
		spf := "v=spf1 include:spf.outreachsystems.com -all"
		if i%3 == 1 {
			spf = "v=spf1 -all"
		}
		zones = append(zones, fmt.Sprintf("$ORIGIN %s.\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN TXT %q\n", d, spf))
	}
	srv := dnstest.StartT(t, append(zones, runPlatformZone)...)
	srv.SetLatency(20 * time.Millisecond)
	q := &activeQuerier{
		next:     dnscheck.NewClient(dnscheck.WithServers(srv.Addr()), dnscheck.WithTimeout(2*time.Second)),
		domains:  domains,
		inFlight: map[string]int{},
	}
	exp, err := checks.Expect(assets.DefaultPlatform(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var progress []int
	reports := checks.CheckAll(context.Background(), &dnscheck.Checker{Resolver: q, Direct: true}, domains, exp, func(done int) {
		mu.Lock()
		progress = append(progress, done)
		mu.Unlock()
	})
	if len(reports) != len(domains) {
		t.Fatalf("%d reports for %d domains", len(reports), len(domains))
	}
	for i, r := range reports {
		wantSPF := dnscheck.VerdictPass
		if i%3 == 1 {
			wantSPF = dnscheck.VerdictFail
		}
		if r.Domain != domains[i] || r.SPF.Status != wantSPF {
			t.Errorf("report %d: %s SPF %s, want %s SPF %s", i, r.Domain, r.SPF.Status, domains[i], wantSPF)
		}
	}
	var want []int
	for i := range domains {
		want = append(want, i+1)
	}
	if !slices.Equal(progress, want) {
		t.Errorf("progress %v, want %v", progress, want)
	}
	if q.maxBusy > checks.MaxConcurrentDomains || q.maxBusy < 2 {
		t.Errorf("%d domains checked at once, want 2 to %d", q.maxBusy, checks.MaxConcurrentDomains)
	}
}

func TestCheckAllEmptyAndNilProgress(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, runPlatformZone)
	c := &dnscheck.Checker{Resolver: dnscheck.NewClient(dnscheck.WithServers(srv.Addr())), Direct: true}
	exp, _ := checks.Expect(assets.DefaultPlatform(), nil, nil)
	if got := checks.CheckAll(context.Background(), c, nil, exp, nil); len(got) != 0 {
		t.Errorf("CheckAll(nil) = %v", got)
	}
	if got := checks.CheckAll(context.Background(), c, []string{"outreachsystems.com"}, exp, nil); len(got) != 1 {
		t.Errorf("CheckAll with nil progress = %d reports", len(got))
	}
}

func checkReport(spf, dkim dnscheck.Verdict, problems ...string) dnscheck.DomainReport {
	r := dnscheck.DomainReport{Domain: "yourcenter.edu", Problems: []dnscheck.Problem{},
		Ready: spf == "pass" && dkim == "pass",
		SPF:   dnscheck.SPFReport{Status: spf, Problems: []dnscheck.Problem{}},
		DKIM:  dnscheck.DKIMReport{Status: dkim, Problems: []dnscheck.Problem{}},
		DMARC: dnscheck.DMARCReport{Status: "pass", Policy: "none", Problems: []dnscheck.Problem{}}}
	for _, c := range problems {
		p := dnscheck.Problem{Code: dnscheck.Code(c), Severity: dnscheck.SeverityError, Message: "about " + c + ".", Fix: "fix " + c + "."}
		switch {
		case strings.HasPrefix(c, "spf-"):
			r.SPF.Problems = append(r.SPF.Problems, p)
		case strings.HasPrefix(c, "dkim-"):
			r.DKIM.Problems = append(r.DKIM.Problems, p)
		default:
			r.Problems = append(r.Problems, p)
		}
	}
	return r
}

func TestChanges(t *testing.T) {
	t.Parallel()
	before := checkReport("fail", "missing", "spf-platform-not-authorized", "dkim-missing")
	after := checkReport("pass", "pass", "ns-out-of-sync")
	got := checks.Changes(before, after, "Neoserra", nil)
	want := []string{
		"yourcenter.edu: SPF passes now (before: fail).",
		"yourcenter.edu: DKIM passes now (before: missing).",
		"New on yourcenter.edu: A secondary name server still serves old records.",
		"Cleared on yourcenter.edu: SPF does not authorise Neoserra's servers.",
		"Cleared on yourcenter.edu: There is no DKIM record.",
		"yourcenter.edu is ready: SPF and DKIM pass.",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Changes =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, s := range got {
		for _, code := range []string{"ns-out-of-sync", "spf-platform-not-authorized", "dkim-missing", "→"} {
			if strings.Contains(s, code) {
				t.Errorf("a change shows the code %q: %q", code, s)
			}
		}
	}
	if got := checks.Changes(before, before, "Neoserra", nil); len(got) != 0 {
		t.Errorf("Changes of a report with itself = %q, want none", got)
	}
	if got := checks.Changes(after, before, "Neoserra", nil); slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "is ready") }) {
		t.Errorf("Changes towards not ready says ready: %q", got)
	}
	// Only a problem the person was shown is said to have cleared.
	onlyDKIM := func(c dnscheck.Code) bool { return c == dnscheck.CodeDKIMMissing }
	got = checks.Changes(before, after, "Neoserra", onlyDKIM)
	if slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "Neoserra's servers") }) ||
		!slices.Contains(got, "Cleared on yourcenter.edu: There is no DKIM record.") {
		t.Errorf("Changes with only dkim-missing shown = %q", got)
	}
	// DMARC moves are said in words, not as pass → pass.
	bd, ad := checkReport("fail", "missing"), checkReport("fail", "missing")
	bd.DMARC = dnscheck.DMARCReport{Status: "missing"}
	if got := checks.Changes(bd, ad, "Neoserra", nil); !slices.Contains(got, "yourcenter.edu: DMARC is now p=none, found (before: missing).") {
		t.Errorf("DMARC change = %q", got)
	}
}

func noRawText(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("output is not valid UTF-8: %q", s)
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r < 0xa0 || r >= 0x202a && r <= 0x202e {
			t.Errorf("output has raw %U: %q", r, s)
			return
		}
	}
}

func TestWriteReport(t *testing.T) {
	t.Parallel()
	evil := "v=spf1 \x1b[2J\x9b\u202e include:spf.outreachsystems.com -all"
	r := checkReport("fail", "pass")
	r.SPF.Record, r.SPF.Lookups = evil, 1
	r.SPF.Problems = []dnscheck.Problem{{Code: "spf-syntax", Severity: dnscheck.SeverityError, Message: "The record " + evil + " does not parse.", Fix: "Remove \x07 the bell."}}
	r.DKIM.Name, r.DKIM.Found, r.DKIM.KeyBits = "osc1._domainkey.yourcenter.edu.", "osc1._domainkey.outreachsystems.com.", 2048
	r.DMARC.Record = "v=DMARC1; p=none; rua=mailto:\x1b]0;title\x07@x"
	r.Cache = []dnscheck.CacheNote{{Name: "yourcenter.edu", Type: "TXT", TTL: 3600}}
	r.Source = dnscheck.Source{Authoritative: []string{"ns1.yourcenter.edu", "ns2.yourcenter.edu"}}

	var b bytes.Buffer
	checks.WriteReport(&b, r, "Neoserra", checks.Styles{Codes: true})
	out := b.String()
	noRawText(t, out)
	for _, want := range []string{
		"yourcenter.edu  ✗ not ready",
		"asked the authoritative servers ns1.yourcenter.edu, ns2.yourcenter.edu",
		`✗ SPF   fail    v=spf1 \x1b[2J\x9b\u{202E} include:spf.outreachsystems.com -all (1 of 10 lookups)`,
		"✓ DKIM  pass    osc1._domainkey.yourcenter.edu. → osc1._domainkey.outreachsystems.com. (2048-bit key)",
		"✓ DMARC p=none, found\n",
		`                  v=DMARC1; p=none; rua=mailto:\x1b]0;title\x07@x`,
		"cached for up to 1h0m0s.\n  Nothing to do: resolvers, yours and receivers', drop an old answer",
		"✗ The SPF record does not parse (spf-syntax)\n      The record",
		`Fix: Remove \x07 the bell.`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, " \n") {
		t.Errorf("the report has a line ending in a space:\n%q", out)
	}
	if strings.Contains(out, "error spf-syntax") || strings.Contains(out, "DMARC pass") {
		t.Errorf("the report shows a code as a heading or DMARC as pass:\n%s", out)
	}

	for _, tc := range []struct {
		rep  dnscheck.DomainReport
		want string
	}{
		{checkReport("pass", "pass"), "✓ ready"},
		{checkReport("error", "pass"), "? DNS trouble"},
		{dnscheck.DomainReport{Domain: "a.edu", Source: dnscheck.Source{Server: "127.0.0.1:53"}}, "asked 127.0.0.1:53"},
		{dnscheck.DomainReport{Domain: "a.edu", Source: dnscheck.Source{Fallback: true}}, "no authoritative server answered"},
	} {
		var b bytes.Buffer
		checks.WriteReport(&b, tc.rep, "Neoserra", checks.Styles{})
		if !strings.Contains(b.String(), tc.want) {
			t.Errorf("report lacks %q:\n%s", tc.want, b.String())
		}
	}
}

func TestWriteAdvice(t *testing.T) {
	t.Parallel()
	p := assets.DefaultPlatform()
	for _, tc := range []struct {
		reports []dnscheck.DomainReport
		want    []string
	}{
		{[]dnscheck.DomainReport{checkReport("pass", "pass")}, []string{"Best option: turn the checkbox OFF.", "Next steps:", "  1. ", "  2. "}},
		{[]dnscheck.DomainReport{checkReport("fail", "pass")}, []string{"Second-best option for now: turn the checkbox ON.", "• yourcenter.edu does not pass yet"}},
	} {
		var b bytes.Buffer
		checks.WriteAdvice(&b, advice.Advise(tc.reports, p), checks.Styles{})
		noRawText(t, b.String())
		for _, w := range tc.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("advice lacks %q:\n%s", w, b.String())
			}
		}
	}
}

// TestWriteReportNoTrailingSpace: a verdict without a record to show (SPF
// missing) ends its line at the verdict.
func TestWriteReportNoTrailingSpace(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	checks.WriteReport(&b, checkReport("missing", "missing"), "Neoserra", checks.Styles{})
	if out := b.String(); strings.Contains(out, " \n") || !strings.Contains(out, "✗ SPF   missing\n") {
		t.Errorf("report:\n%q", out)
	}
}
