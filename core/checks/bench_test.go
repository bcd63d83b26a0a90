package checks_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// benchPlatformZones are the platform's zone with its eight addresses and a
// 2048-bit DKIM key, and Microsoft's SPF records.
func benchPlatformZones(b *testing.B) []string {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		b.Fatal(err)
	}
	key := "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der)
	var terms []string
	for _, p := range assets.DefaultPlatform().SPF.IPs {
		terms = append(terms, "ip4:"+p.Addr().String())
	}
	return []string{
		"$ORIGIN outreachsystems.com.\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n" +
			`spf IN TXT "v=spf1 ` + strings.Join(terms, " ") + ` -all"` + "\n" +
			`osc1._domainkey IN TXT "` + key[:200] + `" "` + key[200:] + `"` + "\n",
		"$ORIGIN protection.outlook.com.\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n" +
			`spf IN TXT "v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 -all"` + "\n",
	}
}

// benchDomains returns n zones, each with two NS records, in turn ready
// (the platform's FAQ setup), not ready (SPF without the platform, no
// DKIM) and bare, and whether each domain is ready.
func benchDomains(n int) (zones, domains []string, ready []bool) {
	for i := range n {
		d := fmt.Sprintf("d%04d.edu", i)
		lines := []string{"@ IN NS ns1", "@ IN NS ns2"}
		switch i % 3 {
		case 0:
			lines = append(lines, "@ IN MX 0 d-edu.mail.protection.outlook.com.",
				`@ IN TXT "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all"`,
				"osc1._domainkey IN CNAME osc1._domainkey.outreachsystems.com.",
				`_dmarc IN TXT "v=DMARC1; p=quarantine"`)
		case 1:
			lines = append(lines, "@ IN MX 0 d-edu.mail.protection.outlook.com.",
				`@ IN TXT "v=spf1 include:spf.protection.outlook.com -all"`,
				`_dmarc IN TXT "v=DMARC1; p=none"`)
		}
		zones = append(zones, "$ORIGIN "+d+".\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"+strings.Join(lines, "\n")+"\n")
		domains = append(domains, d)
		ready = append(ready, i%3 == 0)
	}
	return zones, domains, ready
}

// benchOpenFDs counts the process's open file descriptors (Linux only).
func benchOpenFDs() (int, bool) {
	if runtime.GOOS != "linux" {
		return 0, false
	}
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0, false
	}
	return len(entries), true
}

// BenchmarkCheckManyDomains checks 1,000 domains (a third ready, a third
// not ready, a third with nothing published) with checks.CheckAll against
// dnstest answering every question after 20 ms, the way 'wizard check
// --domains-file' does: with every query sent to one server
// (--dns-server), and with each domain's authoritative servers found and
// asked (two NS per zone, both this server).
//
// Metrics: domains/s; peak-extra-goroutines and peak-extra-fds, sampled
// each time a domain finishes, above the count before the run (the fds
// only on Linux). They stay near MaxConcurrentDomains checks' worth
// whatever the number of domains. Time is only reported, never asserted;
// a wrong verdict fails the benchmark.
func BenchmarkCheckManyDomains(b *testing.B) {
	const (
		n       = 1000
		latency = 20 * time.Millisecond
	)
	zones, domains, ready := benchDomains(n)
	srv := dnstest.StartT(b, append(zones, benchPlatformZones(b)...)...)
	srv.SetLatency(latency)
	exp, err := checks.Expect(assets.DefaultPlatform(), nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	client := dnscheck.NewClient(dnscheck.WithServers(srv.Addr()), dnscheck.WithTimeout(2*time.Second))
	for _, mode := range []struct {
		name    string
		checker *dnscheck.Checker
	}{
		{"dns-server", &dnscheck.Checker{Resolver: client, Direct: true}},
		{"authoritative", &dnscheck.Checker{Resolver: client, Timeout: 2 * time.Second,
			ResolveNS: func(context.Context, string) []string { return []string{srv.Addr()} }}},
	} {
		b.Run(mode.name, func(b *testing.B) {
			baseG := runtime.NumGoroutine()
			baseFDs, haveFDs := benchOpenFDs()
			var mu sync.Mutex
			peakG, peakFDs := baseG, baseFDs
			sample := func(int) { // CheckAll calls it one at a time
				mu.Lock()
				defer mu.Unlock()
				peakG = max(peakG, runtime.NumGoroutine())
				if fds, ok := benchOpenFDs(); ok {
					peakFDs = max(peakFDs, fds)
				}
			}
			checked := 0
			for b.Loop() {
				srv.ResetQueries() // the server's log would grow with every run
				reports := checks.CheckAll(context.Background(), mode.checker, domains, exp, sample)
				if len(reports) != n {
					b.Fatalf("%d reports for %d domains", len(reports), n)
				}
				for i, r := range reports {
					if r.Domain != domains[i] || r.Ready != ready[i] || r.HasTrouble() {
						b.Fatalf("report %d: %s ready %v (SPF %s, DKIM %s, DMARC %s), want %s ready %v",
							i, r.Domain, r.Ready, r.SPF.Status, r.DKIM.Status, r.DMARC.Status, domains[i], ready[i])
					}
				}
				checked += n
			}
			b.ReportMetric(float64(checked)/b.Elapsed().Seconds(), "domains/s")
			b.ReportMetric(float64(peakG-baseG), "peak-extra-goroutines")
			if haveFDs {
				b.ReportMetric(float64(peakFDs-baseFDs), "peak-extra-fds")
			}
		})
	}
}

// TestCheckManyNameServers: a zone may list any number of NS records, but
// a check asks at most dnscheck.MaxAuthServers of them (the first by name),
// so one domain cannot make a check open a socket per NS for each
// question.
func TestCheckManyNameServers(t *testing.T) {
	t.Parallel()
	const d = "many-ns.edu"
	lines := []string{
		`@ IN TXT "v=spf1 include:spf.outreachsystems.com -all"`,
	}
	for i := range 30 {
		lines = append(lines, fmt.Sprintf("@ IN NS ns%02d", i))
	}
	srv := dnstest.StartT(t, runPlatformZone,
		"$ORIGIN "+d+".\n@ IN SOA ns00 hostmaster 1 7200 3600 1209600 300\n"+strings.Join(lines, "\n")+"\n")
	var mu sync.Mutex
	var resolved []string
	c := &dnscheck.Checker{
		Resolver: dnscheck.NewClient(dnscheck.WithServers(srv.Addr()), dnscheck.WithTimeout(2*time.Second)),
		ResolveNS: func(_ context.Context, host string) []string {
			mu.Lock()
			defer mu.Unlock()
			resolved = append(resolved, host)
			return []string{srv.Addr()}
		},
		Timeout: 2 * time.Second,
	}
	exp, err := checks.Expect(assets.DefaultPlatform(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	reports := checks.CheckAll(context.Background(), c, []string{d}, exp, nil)
	var want []string
	for i := range dnscheck.MaxAuthServers {
		want = append(want, fmt.Sprintf("ns%02d.%s", i, d))
	}
	if got := reports[0].Source.Authoritative; !slices.Equal(got, want) {
		t.Errorf("authoritative servers asked %v, want %v", got, want)
	}
	if reports[0].SPF.Status != dnscheck.VerdictPass {
		t.Errorf("SPF %s, want pass", reports[0].SPF.Status)
	}
	mu.Lock()
	slices.Sort(resolved)
	if !slices.Equal(resolved, want) {
		t.Errorf("NS names resolved %v, want %v", resolved, want)
	}
	mu.Unlock()
	asked := 0
	for _, q := range srv.Queries() {
		if q.Name == d+"." && q.Type == dns.TypeTXT {
			asked++
		}
	}
	// Each authoritative server once, and the resolver once to compare.
	if asked != dnscheck.MaxAuthServers+1 {
		t.Errorf("%s TXT asked %d times, want %d", d, asked, dnscheck.MaxAuthServers+1)
	}
}
