package dnscheck

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// txtPresentation returns value as the TXT strings of a record in
// miekg/dns presentation form (what Response.TXT undoes): chunks of at
// most 255 bytes, each byte that is not printable ASCII, and the quote and
// backslash, written \DDD.
func txtPresentation(value string) []string {
	var out []string
	for {
		n := min(len(value), 255)
		var b strings.Builder
		for i := 0; i < n; i++ {
			if c := value[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
				fmt.Fprintf(&b, `\%03d`, c)
			} else {
				b.WriteByte(c)
			}
		}
		out = append(out, b.String())
		value = value[n:]
		if value == "" {
			return out
		}
	}
}

// txtAnswer is a NOERROR answer for name holding one TXT record per value.
func txtAnswer(name string, values ...string) Response {
	r := Response{Name: name, Type: dns.TypeTXT, Status: StatusOK}
	for _, v := range values {
		r.Answer = append(r.Answer, &dns.TXT{
			Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 300},
			Txt: txtPresentation(v),
		})
	}
	return r
}

// checkReportProblems fails on a problem without code, severity, message
// or fix, with a code not of prefix, or longer than a report keeps.
func checkReportProblems(t *testing.T, ps []Problem, prefixes ...string) {
	t.Helper()
	for _, p := range ps {
		if p.Message == "" || p.Fix == "" {
			t.Fatalf("problem %s without message or fix: %+v", p.Code, p)
		}
		if !slices.ContainsFunc(prefixes, func(pre string) bool { return strings.HasPrefix(string(p.Code), pre) }) {
			t.Fatalf("problem code %q, want one of %v…", p.Code, prefixes)
		}
		switch p.Severity {
		case SeverityError, SeverityWarning, SeverityInfo:
		default:
			t.Fatalf("problem %s has severity %q", p.Code, p.Severity)
		}
		// Two records' worth of quoted text, and the sentence around it.
		if n := len(p.Message) + len(p.Fix); n > 4*MaxKeptRecordBytes+4096 {
			t.Fatalf("problem %s is %d bytes: more than a report keeps", p.Code, n)
		}
	}
}

// FuzzDMARC fuzzes what turns the TXT answer at _dmarc into the DMARC
// report: ParseDMARC, and judgeDMARC over one or two TXT records (b empty:
// one). Whatever the records, the report has a known status, complete
// problems of bounded size, a policy exactly when it passes, and a record
// kept exactly (or cut, saying so).
func FuzzDMARC(f *testing.F) {
	f.Fuzz(func(t *testing.T, a, b string) {
		pol, err := ParseDMARC(a)
		if err != nil {
			if !errors.Is(err, ErrDMARCSyntax) {
				t.Fatalf("ParseDMARC(%q): error %v does not wrap ErrDMARCSyntax", a, err)
			}
		} else {
			if !slices.Contains([]string{DMARCNone, DMARCQuarantine, DMARCReject}, pol.Policy) ||
				!slices.Contains([]string{"", DMARCNone, DMARCQuarantine, DMARCReject}, pol.SubdomainPolicy) ||
				pol.Percent < 0 || pol.Percent > 100 {
				t.Fatalf("ParseDMARC(%q) = %+v", a, pol)
			}
		}

		values := []string{a}
		if b != "" {
			values = append(values, b)
		}
		resp := txtAnswer("_dmarc.fuzz.test.", values...)
		if got := resp.TXT(); !slices.Equal(got, values) {
			t.Fatalf("TXT() = %q, want %q", got, values)
		}
		for _, inherited := range []bool{false, true} {
			r := judgeDMARC(resp, "fuzz.test", inherited)
			var recs []string
			for _, v := range values {
				if IsDMARC(v) {
					recs = append(recs, v)
				}
			}
			want := VerdictMissing
			switch {
			case len(recs) > 1:
				want = VerdictInvalid
			case len(recs) == 1:
				want = VerdictInvalid
				if _, err := ParseDMARC(recs[0]); err == nil {
					want = VerdictPass
				}
			}
			if r.Status != want {
				t.Fatalf("judgeDMARC(%q) status %q, want %q", values, r.Status, want)
			}
			wantProblems := 1 // the one reason it does not pass
			if r.Status == VerdictPass {
				wantProblems = 0
				if pol, _ := ParseDMARC(recs[0]); pol.RelaxedByPct() {
					wantProblems = 1 // dmarc-pct-ignored
				}
			}
			if (r.Status == VerdictPass) != (r.Policy != "") || len(r.Problems) != wantProblems {
				t.Fatalf("judgeDMARC(%q) = %+v", values, r)
			}
			if len(recs) > 0 && r.Record != clip(recs[0]) {
				t.Fatalf("Record %q, want %q kept", r.Record, clip(recs[0]))
			}
			checkReportProblems(t, r.Problems, "dmarc-")
			if p, ok := BlocksPlatform(r, false, "P"); ok && (r.Status != VerdictPass || p.Code != CodeDMARCBlocksPlatform) {
				t.Fatalf("BlocksPlatform(%+v) = %+v", r, p)
			}
		}
	})
}

// fuzzSPFZone is the fixed world FuzzCheckSPF evaluates records against:
// every name outside fz.test does not exist (the root zone is served), and
// inside it are includes, a redirect, loops, addresses, MX, records that
// are not SPF or are broken, CNAMEs and names in DNS trouble.
const fuzzSPFZone = `$ORIGIN .
. 300 IN SOA a.root. hostmaster.root. 1 7200 3600 1209600 300
$ORIGIN fz.test.
@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
platform IN TXT "v=spf1 ip4:192.0.2.10 ip6:2001:db8::10 -all"
provider IN TXT "v=spf1 ip4:198.51.100.0/24 -all"
inc      IN TXT "v=spf1 include:platform.fz.test ~all"
red      IN TXT "v=spf1 redirect=platform.fz.test"
loop1    IN TXT "v=spf1 include:loop2.fz.test -all"
loop2    IN TXT "v=spf1 include:loop1.fz.test -all"
selfred  IN TXT "v=spf1 redirect=selfred.fz.test"
deep1    IN TXT "v=spf1 include:deep2.fz.test -all"
deep2    IN TXT "v=spf1 include:deep3.fz.test -all"
deep3    IN TXT "v=spf1 include:deep1.fz.test a:host.fz.test mx:mx.fz.test exists:host.fz.test -all"
host     IN A    192.0.2.10
host     IN AAAA 2001:db8::10
mx       IN MX   10 host.fz.test.
mx       IN MX   20 nowhere.fz.test.
nospf    IN TXT  "hello"
two      IN TXT  "v=spf1 -all"
two      IN TXT  "v=spf1 +all"
broken   IN TXT  "v=spf1 include=platform.fz.test -all"
cname    IN CNAME platform.fz.test.
cloop    IN CNAME cloop2.fz.test.
cloop2   IN CNAME cloop.fz.test.
10.2.0.192.fz.test. IN A 127.0.0.2
`

var (
	fuzzSPFOnce   sync.Once
	fuzzSPFServer *dnstest.Server
	fuzzSPFErr    error
	fuzzSPFSeq    atomic.Int64
)

// fuzzSPFWorld starts the server of FuzzCheckSPF once per process (a fuzz
// worker runs many inputs; starting a server for each would be the most of
// its work). It is never closed: the process ends with the fuzzing.
func fuzzSPFWorld(t *testing.T) *dnstest.Server {
	fuzzSPFOnce.Do(func() {
		fuzzSPFServer, fuzzSPFErr = dnstest.Start(fuzzSPFZone)
		if fuzzSPFErr != nil {
			return
		}
		fuzzSPFServer.SetFault("servfail.fz.test.", dnstest.Fault{ServFail: true})
		fuzzSPFServer.SetFault("refused.fz.test.", dnstest.Fault{Refused: true})
		fuzzSPFServer.SetFault("silent.fz.test.", dnstest.Fault{Silent: true})
		fuzzSPFServer.SetFault("trunc.fz.test.", dnstest.Fault{TruncateTCP: true})
	})
	if fuzzSPFErr != nil {
		t.Fatal(fuzzSPFErr)
	}
	return fuzzSPFServer
}

// spfResultNames are the RFC 7208 results check_host returns.
var spfResultNames = []string{"pass", "fail", "softfail", "neutral", "none", "permerror", "temperror"}

// FuzzCheckSPF fuzzes the whole SPF analysis of one record: it is
// published (exactly, as one TXT record) at a fresh name in a fixed zone,
// and CheckSPF reads it, walks its includes and redirects and evaluates the
// platform's two addresses, against a real dnstest server. Whatever the
// record, the report has a known status, complete problems of bounded
// size, an RFC 7208 result per address, and never blames DNS without
// saying which name failed.
func FuzzCheckSPF(f *testing.F) {
	f.Fuzz(func(t *testing.T, record string) {
		if len(record) > 4096 {
			return // more than any published SPF record; the limits tests cover size
		}
		srv := fuzzSPFWorld(t)
		name := fmt.Sprintf("r%d.fz.test.", fuzzSPFSeq.Add(1))
		var quoted []string
		for _, s := range txtPresentation(record) {
			quoted = append(quoted, `"`+s+`"`)
		}
		if err := srv.Add(name + " 300 IN TXT " + strings.Join(quoted, " ")); err != nil {
			t.Fatalf("publishing %q: %v", record, err)
		}
		defer srv.Remove(name, dns.TypeANY)

		exp := Expectation{
			PlatformName: "P", SPFInclude: "platform.fz.test",
			PlatformIPs:  []netip.Prefix{netip.MustParsePrefix("192.0.2.10/32"), netip.MustParsePrefix("2001:db8::10/128")},
			ProviderName: "Q", ProviderTerms: []string{"include:provider.fz.test", "ip4:198.51.100.7"},
		}
		q := NewLookup(NewClient(WithServers(srv.Addr()), WithTimeout(300*time.Millisecond)))
		rep := CheckSPF(context.Background(), q, name, exp)

		if !slices.Contains([]Verdict{VerdictPass, VerdictFail, VerdictMissing, VerdictError}, rep.Status) {
			t.Fatalf("status %q", rep.Status)
		}
		// Two verdicts, or none when the record itself could not be read
		// (under load even a loopback answer can come too late).
		ownTrouble := rep.Status == VerdictError && len(rep.Problems) == 1 && rep.Problems[0].Code.IsDNSTrouble() &&
			strings.Contains(rep.Problems[0].Message, "the SPF record ("+strings.TrimSuffix(name, ".")+")")
		if len(rep.IPs) != 2 && !(ownTrouble && len(rep.IPs) == 0) {
			t.Fatalf("IPs %+v, want two (problems %+v)", rep.IPs, rep.Problems)
		}
		for _, r := range rep.IPs {
			if !slices.Contains(spfResultNames, r.Result) {
				t.Fatalf("result %q for %s", r.Result, r.IP)
			}
		}
		checkReportProblems(t, rep.Problems, "spf-", "dns-")
		if rep.Lookups < 0 || rep.VoidLookups < 0 || len(rep.Record) > MaxKeptRecordBytes+64 {
			t.Fatalf("lookups %d void %d record %d bytes", rep.Lookups, rep.VoidLookups, len(rep.Record))
		}
		if IsSPF(record) && rep.Record != clip(record) {
			t.Fatalf("Record %q, want %q", rep.Record, clip(record))
		}
		switch rep.Status {
		case VerdictMissing:
			if IsSPF(record) || !slices.ContainsFunc(rep.Problems, func(p Problem) bool { return p.Code == CodeSPFMissing }) {
				t.Fatalf("missing for %q: %+v", record, rep.Problems)
			}
		case VerdictError:
			// DNS trouble is always explained by the name that failed.
			if !slices.ContainsFunc(rep.Problems, func(p Problem) bool { return p.Code.IsDNSTrouble() }) {
				t.Fatalf("error without a dns-* problem for %q: %+v", record, rep.Problems)
			}
		case VerdictPass:
			for _, r := range rep.IPs {
				if r.Result != "pass" {
					t.Fatalf("pass with %s %s", r.IP, r.Result)
				}
			}
		}
	})
}
