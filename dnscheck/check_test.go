package dnscheck_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
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

// Fixtures shared by the tests of Checker.Check, CheckSPF, the
// authoritative mode and the benchmark. Their names start with "fx" so
// that they cannot collide with the helpers of the other test files of
// this package.

// fxDomain is the organisation's domain in most tests.
const fxDomain = "yourcenter.edu"

var (
	fxKeyOnce sync.Once
	fxKeyP    string
	fxKeyErr  error
)

// fxPlatformKey returns the p= value of the platform's 2048-bit RSA DKIM
// key (base64 of the PKIX public key), generated once per test binary.
func fxPlatformKey(t testing.TB) string {
	t.Helper()
	fxKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			fxKeyErr = err
			return
		}
		der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
		if err != nil {
			fxKeyErr = err
			return
		}
		fxKeyP = base64.StdEncoding.EncodeToString(der)
	})
	if fxKeyErr != nil {
		t.Fatalf("generating the platform's DKIM key: %v", fxKeyErr)
	}
	return fxKeyP
}

// fxTXT returns value as TXT RDATA in master-file syntax: quoted strings of
// at most 255 bytes, quotes and backslashes escaped.
func fxTXT(value string) string {
	var parts []string
	for len(value) > 0 {
		n := min(len(value), 255)
		chunk := strings.ReplaceAll(value[:n], `\`, `\\`)
		chunk = strings.ReplaceAll(chunk, `"`, `\"`)
		parts = append(parts, `"`+chunk+`"`)
		value = value[n:]
	}
	if len(parts) == 0 {
		return `""`
	}
	return strings.Join(parts, " ")
}

// fxPlatformIPs are the platform's addresses, as the platform file has them.
func fxPlatformIPs() []string {
	var out []string
	for _, p := range assets.DefaultPlatform().SPF.IPs {
		out = append(out, p.Addr().String())
	}
	return out
}

// fxIP4Terms returns "ip4:A ip4:B …" for addrs.
func fxIP4Terms(addrs []string) string {
	var terms []string
	for _, a := range addrs {
		terms = append(terms, "ip4:"+a)
	}
	return strings.Join(terms, " ")
}

// fxPlatformZone is the platform's zone: its SPF include (the eight
// addresses of the platform file) and its DKIM key.
func fxPlatformZone(t testing.TB) string {
	return "$ORIGIN outreachsystems.com.\n" +
		"@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n" +
		"spf IN TXT " + fxTXT("v=spf1 "+fxIP4Terms(fxPlatformIPs())+" -all") + "\n" +
		"osc1._domainkey IN TXT " + fxTXT("v=DKIM1; k=rsa; p="+fxPlatformKey(t)) + "\n"
}

// fxMicrosoftZone is Microsoft 365's SPF include, with its one nested
// include, as published.
const fxMicrosoftZone = `$ORIGIN protection.outlook.com.
@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
spf IN TXT "v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 ip4:52.100.0.0/15 ip4:52.102.0.0/16 ip4:52.103.0.0/17 ip4:104.47.0.0/17 ip6:2a01:111:f400::/48 ip6:2a01:111:f403::/49 include:spfd.protection.outlook.com -all"
spfd IN TXT "v=spf1 ip4:51.4.72.0/24 ip4:51.5.72.0/24 ip4:51.5.80.0/27 ip4:20.47.149.138/32 ip4:51.4.80.0/27 ip6:2a01:4180:4051:0800::/64 ip6:2a01:4180:4050:0800::/64 -all"
`

// fxOrgZone is a zone for domain with an SOA and the given lines
// (relative names are relative to domain).
func fxOrgZone(domain string, lines ...string) string {
	return "$ORIGIN " + domain + ".\n" +
		"@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n" +
		strings.Join(lines, "\n") + "\n"
}

const (
	fxMX365      = "@ IN MX 0 yourcenter-edu.mail.protection.outlook.com."
	fxSPFReady   = "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all"
	fxDKIMCNAME  = "osc1._domainkey IN CNAME osc1._domainkey.outreachsystems.com."
	fxDMARCQuar  = `_dmarc IN TXT "v=DMARC1; p=quarantine"`
	fxTimeout    = 500 * time.Millisecond
	fxSilentWait = 200 * time.Millisecond
)

// fxAnswerWait is the query timeout of checks whose server answers every
// question, faults included (SERVFAIL, REFUSED): only a broken run reaches
// it, so a loaded machine never turns a fault's answer into a timeout.
const fxAnswerWait = 10 * time.Second

// fxWaitFor returns the query timeout for a check against a server with
// fault f: fxSilentWait when f is silence (the timeout is what is tested),
// fxAnswerWait otherwise.
func fxWaitFor(f dnstest.Fault) time.Duration {
	if f.Silent {
		return fxSilentWait
	}
	return fxAnswerWait
}

// fxReadyLines are the records of a domain set up as the platform's FAQ
// describes, for an organisation on Microsoft 365.
func fxReadyLines() []string {
	return []string{fxMX365, "@ IN TXT " + fxTXT(fxSPFReady), fxDKIMCNAME, fxDMARCQuar}
}

// fxServer starts a dnstest server with the platform's and Microsoft's
// zones and the given zones.
func fxServer(t testing.TB, zones ...string) *dnstest.Server {
	t.Helper()
	return dnstest.StartT(t, append([]string{fxPlatformZone(t), fxMicrosoftZone}, zones...)...)
}

// fxChecker asks every question of srv (the --dns-server mode).
func fxChecker(srv *dnstest.Server, timeout time.Duration) *dnscheck.Checker {
	return &dnscheck.Checker{
		Resolver: dnscheck.NewClient(dnscheck.WithServers(srv.Addr()), dnscheck.WithTimeout(timeout)),
		Direct:   true,
	}
}

// fxExpect is the expectation the check command builds for the built-in
// platform: provider nil means detect it from MX; ips replace the
// platform's addresses.
func fxExpect(t testing.TB, provider *assets.Provider, ips ...string) dnscheck.Expectation {
	t.Helper()
	exp, err := checks.Expect(assets.DefaultPlatform(), provider, ips)
	if err != nil {
		t.Fatalf("checks.Expect: %v", err)
	}
	return exp
}

// fxProvider returns the catalog provider id.
func fxProvider(t testing.TB, id string) *assets.Provider {
	t.Helper()
	p, ok := assets.ProviderByID(id)
	if !ok {
		t.Fatalf("no provider %q in the catalog", id)
	}
	return &p
}

// fxCodes returns the codes of ps, in order.
func fxCodes(ps []dnscheck.Problem) []dnscheck.Code {
	out := []dnscheck.Code{}
	for _, p := range ps {
		out = append(out, p.Code)
	}
	return out
}

func fxProblem(ps []dnscheck.Problem, code dnscheck.Code) (dnscheck.Problem, bool) {
	for _, p := range ps {
		if p.Code == code {
			return p, true
		}
	}
	return dnscheck.Problem{}, false
}

// fxResults returns "ip=result" for each evaluated address.
func fxResults(ips []dnscheck.IPResult) []string {
	var out []string
	for _, r := range ips {
		out = append(out, r.IP+"="+r.Result)
	}
	return out
}

// fxAllResults returns what fxResults gives when every platform address
// got result.
func fxAllResults(result string) []string {
	var out []string
	for _, ip := range fxPlatformIPs() {
		out = append(out, ip+"="+result)
	}
	return out
}

// fxDuplicates returns the (name, type) pairs srv was asked more than once
// over UDP.
func fxDuplicates(srv *dnstest.Server) []string {
	n := map[string]int{}
	for _, q := range srv.Queries() {
		if q.Proto == "udp" {
			n[q.Name+" "+dns.TypeToString[q.Type]]++
		}
	}
	var out []string
	for k, c := range n {
		if c > 1 {
			out = append(out, fmt.Sprintf("%s ×%d", k, c))
		}
	}
	slices.Sort(out)
	return out
}

// fxCheckProblems asserts that every problem has a severity, a message and
// a fix a person can act on.
func fxCheckProblems(t *testing.T, rep dnscheck.DomainReport) {
	t.Helper()
	for _, p := range rep.AllProblems() {
		if p.Code == "" || p.Message == "" || p.Fix == "" {
			t.Errorf("problem without code, message or fix: %+v", p)
		}
		switch p.Severity {
		case dnscheck.SeverityError, dnscheck.SeverityWarning, dnscheck.SeverityInfo:
		default:
			t.Errorf("problem %s has severity %q", p.Code, p.Severity)
		}
	}
}

func TestCheckReady(t *testing.T) {
	t.Parallel()
	srv := fxServer(t, fxOrgZone(fxDomain, fxReadyLines()...))
	rep := fxChecker(srv, fxTimeout).Check(context.Background(), fxDomain+".", fxExpect(t, nil))

	if rep.Domain != fxDomain {
		t.Errorf("Domain = %q, want %q", rep.Domain, fxDomain)
	}
	if !rep.Ready {
		t.Errorf("not ready: %+v", rep)
	}
	if rep.SPF.Status != "pass" || rep.SPF.Record != fxSPFReady || rep.SPF.Lookups != 3 || rep.SPF.VoidLookups != 0 {
		t.Errorf("SPF = %s %q lookups %d void %d, want pass %q 3 0", rep.SPF.Status, rep.SPF.Record, rep.SPF.Lookups, rep.SPF.VoidLookups, fxSPFReady)
	}
	if got, want := fxResults(rep.SPF.IPs), fxAllResults("pass"); !slices.Equal(got, want) {
		t.Errorf("SPF IPs = %v, want %v", got, want)
	}
	if rep.DKIM.Status != "pass" || rep.DKIM.KeyBits != 2048 ||
		rep.DKIM.Name != "osc1._domainkey.yourcenter.edu." || rep.DKIM.Target != "osc1._domainkey.outreachsystems.com." {
		t.Errorf("DKIM = %+v", rep.DKIM)
	}
	if rep.DMARC.Status != "pass" || rep.DMARC.Policy != "quarantine" || rep.DMARC.Record != "v=DMARC1; p=quarantine" {
		t.Errorf("DMARC = %+v", rep.DMARC)
	}
	if ps := rep.AllProblems(); len(ps) != 0 {
		t.Errorf("problems = %v, want none", fxCodes(ps))
	}
	if rep.Provider != "Microsoft 365" {
		t.Errorf("Provider = %q, want Microsoft 365 (from MX)", rep.Provider)
	}
	if rep.HasTrouble() {
		t.Error("HasTrouble() = true")
	}
	if rep.Source.Server != srv.Addr() || rep.Source.Fallback || len(rep.Source.Authoritative) != 0 {
		t.Errorf("Source = %+v, want the --dns-server %s only", rep.Source, srv.Addr())
	}
	for _, ps := range [][]dnscheck.Problem{rep.SPF.Problems, rep.DKIM.Problems, rep.DMARC.Problems} {
		if ps == nil {
			t.Error("a problem list is nil, want empty (JSON [])")
		}
	}
}

// TestCheckNotReadyStatuses covers the statuses and ready flag for the
// usual states of a domain on its way to ready.
func TestCheckNotReadyStatuses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name                string
		lines               []string
		spf, dkim, dmarc    dnscheck.Verdict
		ready               bool
		wantCodes, notCodes []dnscheck.Code
		dmarcBlocks         bool
	}{
		{name: "nothing published", lines: []string{fxMX365},
			spf: "missing", dkim: "missing", dmarc: "missing",
			wantCodes: []dnscheck.Code{"spf-missing", "dkim-missing", "dmarc-missing"}},
		{name: "SPF only: DMARC rests on the envelope sender", lines: []string{fxMX365, "@ IN TXT " + fxTXT(fxSPFReady), fxDMARCQuar},
			spf: "pass", dkim: "missing", dmarc: "pass",
			wantCodes: []dnscheck.Code{"dkim-missing", "dmarc-depends-on-envelope"}, notCodes: []dnscheck.Code{"spf-missing", "dmarc-blocks-platform"}},
		{name: "DKIM only", lines: []string{fxMX365, fxDKIMCNAME, `_dmarc IN TXT "v=DMARC1; p=none"`},
			spf: "missing", dkim: "pass", dmarc: "pass",
			wantCodes: []dnscheck.Code{"spf-missing"}, notCodes: []dnscheck.Code{"dmarc-blocks-platform", "dkim-missing"}},
		{name: "SPF without the platform: DMARC passes through DKIM", lines: []string{fxMX365, `@ IN TXT "v=spf1 include:spf.protection.outlook.com -all"`, fxDKIMCNAME, fxDMARCQuar},
			spf: "fail", dkim: "pass", dmarc: "pass",
			wantCodes: []dnscheck.Code{"spf-platform-not-authorized"}, notCodes: []dnscheck.Code{"dmarc-blocks-platform", "dmarc-depends-on-envelope"}},
		{name: "ready, p=none", lines: []string{fxMX365, "@ IN TXT " + fxTXT(fxSPFReady), fxDKIMCNAME, `_dmarc IN TXT "v=DMARC1; p=none"`},
			spf: "pass", dkim: "pass", dmarc: "pass", ready: true,
			notCodes: []dnscheck.Code{"dmarc-blocks-platform"}},
		{name: "ready, DMARC broken", lines: []string{fxMX365, "@ IN TXT " + fxTXT(fxSPFReady), fxDKIMCNAME, `_dmarc IN TXT "v=DMARC1; p=sometimes"`},
			spf: "pass", dkim: "pass", dmarc: "invalid", ready: true,
			wantCodes: []dnscheck.Code{"dmarc-syntax"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fxServer(t, fxOrgZone(fxDomain, tc.lines...))
			rep := fxChecker(srv, fxTimeout).Check(context.Background(), fxDomain, fxExpect(t, nil))
			if rep.SPF.Status != tc.spf || rep.DKIM.Status != tc.dkim || rep.DMARC.Status != tc.dmarc || rep.Ready != tc.ready {
				t.Errorf("SPF %s DKIM %s DMARC %s ready %v, want %s %s %s %v (problems %v)",
					rep.SPF.Status, rep.DKIM.Status, rep.DMARC.Status, rep.Ready, tc.spf, tc.dkim, tc.dmarc, tc.ready, fxCodes(rep.AllProblems()))
			}
			got := fxCodes(rep.AllProblems())
			for _, c := range tc.wantCodes {
				if !slices.Contains(got, c) {
					t.Errorf("problems %v lack %s", got, c)
				}
			}
			for _, c := range tc.notCodes {
				if slices.Contains(got, c) {
					t.Errorf("problems %v include %s", got, c)
				}
			}
			if rep.HasTrouble() {
				t.Error("HasTrouble() = true without DNS trouble")
			}
			fxCheckProblems(t, rep)
		})
	}
}

// TestCheckDNSTrouble: a lookup that fails is an error, never a missing
// record, and the other checks still report.
func TestCheckDNSTrouble(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		at       string // the name that misbehaves
		fault    dnstest.Fault
		code     dnscheck.Code
		ipResult string
	}{
		{"domain TXT SERVFAIL", fxDomain, dnstest.Fault{ServFail: true}, "dns-servfail", "temperror"},
		{"domain TXT REFUSED", fxDomain, dnstest.Fault{Refused: true}, "dns-refused", "temperror"},
		{"domain TXT timeout", fxDomain, dnstest.Fault{Silent: true}, "dns-timeout", "temperror"},
		{"include target SERVFAIL", "spf.outreachsystems.com", dnstest.Fault{ServFail: true}, "dns-servfail", "temperror"},
		{"include target timeout", "spf.outreachsystems.com", dnstest.Fault{Silent: true}, "dns-timeout", "temperror"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fxServer(t, fxOrgZone(fxDomain, fxReadyLines()...))
			srv.SetFaultType(tc.at, dns.TypeTXT, tc.fault)
			start := time.Now()
			rep := fxChecker(srv, fxWaitFor(tc.fault)).Check(context.Background(), fxDomain, fxExpect(t, nil))
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("the check took %s", d)
			}
			if rep.SPF.Status != "error" {
				t.Errorf("SPF status = %q, want error (problems %v)", rep.SPF.Status, fxCodes(rep.SPF.Problems))
			}
			got := fxCodes(rep.SPF.Problems)
			if !slices.Contains(got, tc.code) {
				t.Errorf("SPF problems = %v, want %s", got, tc.code)
			}
			if slices.Contains(got, "spf-missing") {
				t.Errorf("SPF problems = %v: trouble reported as missing", got)
			}
			if p, _ := fxProblem(rep.SPF.Problems, tc.code); !strings.Contains(p.Message, tc.at) {
				t.Errorf("%s message %q does not name %s", tc.code, p.Message, tc.at)
			}
			for _, r := range rep.SPF.IPs {
				if r.Result != tc.ipResult {
					t.Errorf("%s: result %q, want %q", r.IP, r.Result, tc.ipResult)
				}
			}
			if rep.DKIM.Status != "pass" || rep.DMARC.Status != "pass" {
				t.Errorf("DKIM %s, DMARC %s: want both still checked (pass)", rep.DKIM.Status, rep.DMARC.Status)
			}
			if rep.Ready || !rep.HasTrouble() {
				t.Errorf("Ready %v HasTrouble %v, want false true", rep.Ready, rep.HasTrouble())
			}
			fxCheckProblems(t, rep)
		})
	}
}

// TestCheckOtherChecksInTrouble: DKIM and DMARC trouble is an error too,
// and SPF is still checked.
func TestCheckOtherChecksInTrouble(t *testing.T) {
	t.Parallel()
	srv := fxServer(t, fxOrgZone(fxDomain, fxReadyLines()...))
	srv.SetFault("osc1._domainkey."+fxDomain, dnstest.Fault{ServFail: true})
	srv.SetFault("_dmarc."+fxDomain, dnstest.Fault{Refused: true})
	rep := fxChecker(srv, fxTimeout).Check(context.Background(), fxDomain, fxExpect(t, nil))
	if rep.SPF.Status != "pass" || rep.DKIM.Status != "error" || rep.DMARC.Status != "error" {
		t.Errorf("SPF %s DKIM %s DMARC %s, want pass error error", rep.SPF.Status, rep.DKIM.Status, rep.DMARC.Status)
	}
	if !slices.Contains(fxCodes(rep.DKIM.Problems), "dns-servfail") || !slices.Contains(fxCodes(rep.DMARC.Problems), "dns-refused") {
		t.Errorf("DKIM problems %v, DMARC problems %v", fxCodes(rep.DKIM.Problems), fxCodes(rep.DMARC.Problems))
	}
	if !rep.HasTrouble() || rep.Ready {
		t.Errorf("HasTrouble %v Ready %v", rep.HasTrouble(), rep.Ready)
	}
}

// TestCheckAsksEachQuestionOnce: one check never asks the same name and
// type twice, however many analyses need the answer.
func TestCheckAsksEachQuestionOnce(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		lines []string
	}{
		{"FAQ domain", fxReadyLines()},
		// The a and mx terms are asked by the walk, the evaluation of
		// eight addresses and the provider detection.
		{"a, mx and includes", []string{"@ IN MX 10 mail", "mail IN A 192.0.2.25", fxDKIMCNAME, fxDMARCQuar,
			"@ IN TXT " + fxTXT("v=spf1 a mx a:mail.yourcenter.edu mx:yourcenter.edu include:_spf.yourcenter.edu include:spf.outreachsystems.com ~all"),
			"_spf IN TXT " + fxTXT("v=spf1 include:spf.protection.outlook.com a:gone.yourcenter.edu ~all")}},
		{"nothing published", []string{"@ IN MX 10 mail"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fxServer(t, fxOrgZone(fxDomain, tc.lines...))
			fxChecker(srv, fxTimeout).Check(context.Background(), fxDomain, fxExpect(t, nil))
			if len(srv.Queries()) == 0 {
				t.Fatal("no query reached the server")
			}
			if d := fxDuplicates(srv); len(d) > 0 {
				t.Errorf("asked more than once: %v", d)
			}
		})
	}
}

// TestCheckIPsReplacePlatform: --ip addresses are evaluated instead of the
// platform's.
func TestCheckIPsReplacePlatform(t *testing.T) {
	t.Parallel()
	srv := fxServer(t, fxOrgZone(fxDomain, fxReadyLines()...))
	exp := fxExpect(t, nil, "40.92.1.1", "192.0.2.7", "::ffff:107.20.160.162")
	rep := fxChecker(srv, fxTimeout).Check(context.Background(), fxDomain, exp)
	want := []string{"40.92.1.1=pass", "192.0.2.7=fail", "107.20.160.162=pass"}
	if got := fxResults(rep.SPF.IPs); !slices.Equal(got, want) {
		t.Errorf("IPs = %v, want %v", got, want)
	}
	if rep.SPF.Status != "fail" || rep.Ready {
		t.Errorf("SPF %s ready %v, want fail false", rep.SPF.Status, rep.Ready)
	}
}

// TestCheckContextCancelled: a cancelled check returns promptly.
func TestCheckContextCancelled(t *testing.T) {
	t.Parallel()
	srv := fxServer(t, fxOrgZone(fxDomain, fxReadyLines()...))
	srv.SetLatency(time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	rep := fxChecker(srv, 3*time.Second).Check(ctx, fxDomain, fxExpect(t, nil))
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %s after the context ended", d)
	}
	if rep.Ready || rep.SPF.Status != "error" {
		t.Errorf("ready %v SPF %s, want false error", rep.Ready, rep.SPF.Status)
	}
}
