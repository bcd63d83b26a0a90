package dnscheck_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// The limits tests publish what a hostile or broken zone can: CNAME chains
// and loops, SPF include and redirect loops, chains too deep, names with
// hundreds of TXT records or answers too big for DNS, invalid UTF-8, and
// servers that stuff their answers with records nobody asked for. Each
// must end in a clear verdict or problem code, after a bounded number of
// queries, without a panic.

// cnameChain returns the lines of a chain of n CNAMEs from name (relative
// to the zone), through name-1, name-2, …, to the last name, which holds
// last (a record's type and data, e.g. `TXT "v=DMARC1; p=none"`).
func cnameChain(name string, n int, last string) []string {
	var lines []string
	prev := name
	for i := 1; i <= n; i++ {
		next := fmt.Sprintf("%s-%d", name, i)
		lines = append(lines, prev+" IN CNAME "+next)
		prev = next
	}
	return append(lines, prev+" IN "+last)
}

// withoutLine returns lines without those starting with prefix.
func withoutLine(lines []string, prefix string) []string {
	return slices.DeleteFunc(slices.Clone(lines), func(l string) bool { return strings.HasPrefix(l, prefix) })
}

// TestLimitsCNAMEChains: at most eight CNAMEs are followed; a longer chain
// or a loop is DNS trouble (resolvers answer SERVFAIL) named in the
// problem, never a missing record.
func TestLimitsCNAMEChains(t *testing.T) {
	t.Parallel()
	dmarc := `TXT "v=DMARC1; p=none"`
	base := withoutLine(fxReadyLines(), "_dmarc")
	cases := []struct {
		name    string
		lines   []string
		status  dnscheck.Verdict
		message string // in the DMARC problem; "" for none
	}{
		{"eight CNAMEs are followed", cnameChain("_dmarc", 8, dmarc), "pass", ""},
		{"nine are too many", cnameChain("_dmarc", 9, dmarc), "error", "a chain of more than 8 CNAMEs"},
		{"a long chain to nowhere", cnameChain("_dmarc", 30, dmarc), "error", "a chain of more than 8 CNAMEs"},
		{"a loop", []string{"_dmarc IN CNAME _dmarc-a", "_dmarc-a IN CNAME _dmarc-b", "_dmarc-b IN CNAME _dmarc-a"}, "error",
			"a CNAME loop (_dmarc.yourcenter.edu → _dmarc-a.yourcenter.edu → _dmarc-b.yourcenter.edu → _dmarc-a.yourcenter.edu)"},
		{"a CNAME to itself", []string{"_dmarc IN CNAME _dmarc"}, "error", "a CNAME loop (_dmarc.yourcenter.edu → _dmarc.yourcenter.edu)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fxServer(t, fxOrgZone(fxDomain, append(base, tc.lines...)...))
			rep := fxChecker(srv, fxTimeout).Check(context.Background(), fxDomain, fxExpect(t, nil))
			if rep.DMARC.Status != tc.status {
				t.Fatalf("DMARC %s %v, want %s", rep.DMARC.Status, rep.DMARC.Problems, tc.status)
			}
			if tc.message != "" {
				if len(rep.DMARC.Problems) != 1 || rep.DMARC.Problems[0].Code != dnscheck.CodeDNSBadReply ||
					!strings.Contains(rep.DMARC.Problems[0].Message, tc.message) {
					t.Errorf("DMARC problems %+v, want dns-bad-reply saying %q", rep.DMARC.Problems, tc.message)
				}
			}
			if rep.SPF.Status != "pass" || rep.DKIM.Status != "pass" {
				t.Errorf("SPF %s DKIM %s, want pass: the chain is only at _dmarc", rep.SPF.Status, rep.DKIM.Status)
			}
			// One query for _dmarc: the client does not chase the chain
			// further than the server's answer.
			if n := len(srv.Queries()); n > 20 {
				t.Errorf("%d queries for one check", n)
			}
			fxCheckProblems(t, rep)
		})
	}
}

// TestLimitsCNAMEOnThePlatformSide: a CNAME loop behind the platform's DKIM
// name, or at the domain's own TXT, is trouble of that check only.
func TestLimitsCNAMEOnThePlatformSide(t *testing.T) {
	t.Parallel()
	loopKey := "$ORIGIN outreachsystems.com.\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n" +
		"osc1._domainkey IN CNAME k1\nk1 IN CNAME osc1._domainkey\n" +
		"spf IN TXT " + fxTXT("v=spf1 "+fxIP4Terms(fxPlatformIPs())+" -all") + "\n"
	srv := dnstest.StartT(t, loopKey, fxMicrosoftZone, fxOrgZone(fxDomain, fxReadyLines()...))
	rep := fxChecker(srv, fxTimeout).Check(context.Background(), fxDomain, fxExpect(t, nil))
	if rep.DKIM.Status != "error" || len(rep.DKIM.Problems) != 1 || !strings.Contains(rep.DKIM.Problems[0].Message, "CNAME loop") {
		t.Errorf("DKIM %s %+v, want error naming the loop", rep.DKIM.Status, rep.DKIM.Problems)
	}
	if rep.SPF.Status != "pass" || rep.DMARC.Status != "pass" {
		t.Errorf("SPF %s DMARC %s, want pass", rep.SPF.Status, rep.DMARC.Status)
	}

	lines := append(withoutLine(fxReadyLines(), "@ IN TXT"), "@ IN CNAME loop", "loop IN CNAME yourcenter.edu.")
	srv = fxServer(t, fxOrgZone(fxDomain, lines...))
	rep = fxChecker(srv, fxTimeout).Check(context.Background(), fxDomain, fxExpect(t, nil))
	if rep.SPF.Status != "error" || !slices.Contains(fxCodes(rep.SPF.Problems), dnscheck.CodeDNSBadReply) {
		t.Errorf("SPF %s %v, want error dns-bad-reply", rep.SPF.Status, fxCodes(rep.SPF.Problems))
	}
}

// TestLimitsCNAMEOutOfZone: in the authoritative mode a _dmarc CNAME to a
// DMARC service outside the zone is followed through the resolver (an
// authoritative server sends only the CNAME), within the same limits.
func TestLimitsCNAMEOutOfZone(t *testing.T) {
	t.Parallel()
	service := "$ORIGIN dmarc.test.\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n" +
		"x-edu IN TXT \"v=DMARC1; p=reject\"\n" +
		"loop IN CNAME _dmarc.x.edu.\n"
	cases := []struct {
		name, target, status, policy, message string
	}{
		{"followed", "x-edu.dmarc.test.", "pass", "reject", ""},
		{"loop back into the zone", "loop.dmarc.test.", "error", "", "a CNAME loop"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			lines := append(withoutLine(authReady, "_dmarc"), "_dmarc IN CNAME "+tc.target)
			s := newAuthSetup(t, lines, lines, lines)
			if err := s.resolver.AddZone(service); err != nil {
				t.Fatal(err)
			}
			rep := s.checker.Check(context.Background(), authDomain, fxExpect(t, nil))
			if rep.DMARC.Status != dnscheck.Verdict(tc.status) || rep.DMARC.Policy != tc.policy {
				t.Fatalf("DMARC %s policy %q %+v, want %s %q", rep.DMARC.Status, rep.DMARC.Policy, rep.DMARC.Problems, tc.status, tc.policy)
			}
			if tc.message != "" && (len(rep.DMARC.Problems) != 1 || !strings.Contains(rep.DMARC.Problems[0].Message, tc.message)) {
				t.Errorf("DMARC problems %+v, want %q", rep.DMARC.Problems, tc.message)
			}
			if rep.Source.Fallback || len(rep.Problems) != 0 || len(rep.Cache) != 0 {
				t.Errorf("Source %+v problems %v cache %+v: the authoritative answers were used, the resolver agrees", rep.Source, fxCodes(rep.Problems), rep.Cache)
			}
		})
	}
}

// TestLimitsSPFLoopsAndDepth: include and redirect loops, and chains
// deeper than receivers follow, end in spf-too-many-lookups (permerror for
// receivers) after a bounded number of queries.
func TestLimitsSPFLoopsAndDepth(t *testing.T) {
	t.Parallel()
	var deep []string
	for i := range 30 {
		deep = append(deep, fmt.Sprintf("_d%d IN TXT %s", i, fxTXT(fmt.Sprintf("v=spf1 include:_d%d.yourcenter.edu -all", i+1))))
	}
	cases := []struct {
		name    string
		lines   []string
		message string
	}{
		{"redirect loop", []string{
			spfRecord("v=spf1 redirect=_r1.yourcenter.edu"),
			"_r1 IN TXT " + fxTXT("v=spf1 redirect=_r2.yourcenter.edu"),
			"_r2 IN TXT " + fxTXT("v=spf1 redirect=_r1.yourcenter.edu")},
			"_r1.yourcenter.edu → _r2.yourcenter.edu → _r1.yourcenter.edu"},
		{"redirect to itself", []string{spfRecord("v=spf1 redirect=yourcenter.edu")}, "yourcenter.edu → yourcenter.edu"},
		{"include and redirect loop", []string{
			spfRecord("v=spf1 include:_i.yourcenter.edu include:spf.outreachsystems.com -all"),
			"_i IN TXT " + fxTXT("v=spf1 redirect=_j.yourcenter.edu"),
			"_j IN TXT " + fxTXT("v=spf1 include:_i.yourcenter.edu -all")},
			"_i.yourcenter.edu → _j.yourcenter.edu → _i.yourcenter.edu"},
		{"thirty includes deep", append([]string{spfRecord("v=spf1 include:_d0.yourcenter.edu include:spf.outreachsystems.com -all")}, deep...),
			"receivers allow 10"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fxServer(t, fxOrgZone(fxDomain, append(withoutLine(fxReadyLines(), "@ IN TXT"), tc.lines...)...))
			rep := fxChecker(srv, fxTimeout).Check(context.Background(), fxDomain, fxExpect(t, nil))
			if rep.SPF.Status != "fail" {
				t.Errorf("SPF %s, want fail (problems %v)", rep.SPF.Status, fxCodes(rep.SPF.Problems))
			}
			p, ok := fxProblem(rep.SPF.Problems, dnscheck.CodeSPFTooManyLookups)
			if !ok || !strings.Contains(p.Message, tc.message) {
				t.Errorf("SPF problems %+v, want spf-too-many-lookups saying %q", rep.SPF.Problems, tc.message)
			}
			if got := fxResults(rep.SPF.IPs); !slices.Equal(got, fxAllResults("permerror")) {
				t.Errorf("results %v, want permerror for every address", got)
			}
			txt := 0
			for _, q := range srv.Queries() {
				if q.Type == dns.TypeTXT {
					txt++
				}
			}
			if txt > 25 {
				t.Errorf("%d TXT queries for one check", txt)
			}
			if rep.DKIM.Status != "pass" {
				t.Errorf("DKIM %s, want pass", rep.DKIM.Status)
			}
		})
	}
}

// manyTXT returns n TXT lines at the apex, each of size bytes of filler
// (two strings), numbered so that no two are the same.
func manyTXT(n, size int) []string {
	var out []string
	for i := range n {
		v := fmt.Sprintf("filler-%04d-", i)
		v += strings.Repeat("x", size-len(v))
		out = append(out, "@ IN TXT "+fxTXT(v))
	}
	return out
}

// TestLimitsManyTXTRecords: a name with hundreds of TXT records (an answer
// of about 60 KB, read over TCP, the most a DNS message holds) is read
// whole, so that every record counts in the verdict; the report keeps at
// most MaxKeptRecords records and MaxKeptRecordBytes of each, and says so.
func TestLimitsManyTXTRecords(t *testing.T) {
	t.Parallel()
	filler := manyTXT(240, 240)
	t.Run("one SPF record among them", func(t *testing.T) {
		t.Parallel()
		lines := append(withoutLine(fxReadyLines(), "@ IN TXT"), filler...)
		lines = append(lines, "@ IN TXT "+fxTXT(fxSPFReady))
		srv := fxServer(t, fxOrgZone(fxDomain, lines...))
		rep := fxChecker(srv, fxTimeout).Check(context.Background(), fxDomain, fxExpect(t, nil))
		if rep.SPF.Status != "pass" || rep.SPF.Record != fxSPFReady || !rep.Ready {
			t.Errorf("SPF %s %q ready %v, want pass with the one SPF record", rep.SPF.Status, rep.SPF.Record, rep.Ready)
		}
		var protos []string
		for _, q := range srv.Queries() {
			if q.Name == fxDomain+"." && q.Type == dns.TypeTXT {
				protos = append(protos, q.Proto)
			}
		}
		if !slices.Equal(protos, []string{"udp", "tcp"}) {
			t.Errorf("the domain's TXT was asked over %v, want udp then tcp once", protos)
		}
	})
	t.Run("twenty SPF records among them", func(t *testing.T) {
		t.Parallel()
		lines := append(withoutLine(fxReadyLines(), "@ IN TXT"), filler[:200]...)
		var spfs []string
		for i := range 20 {
			rec := fmt.Sprintf("v=spf1 ip4:192.0.2.%d include:spf.outreachsystems.com -all", i)
			spfs = append(spfs, rec)
			lines = append(lines, "@ IN TXT "+fxTXT(rec))
		}
		srv := fxServer(t, fxOrgZone(fxDomain, lines...))
		rep := fxChecker(srv, fxTimeout).Check(context.Background(), fxDomain, fxExpect(t, nil))
		p, ok := fxProblem(rep.SPF.Problems, dnscheck.CodeSPFMultiple)
		if rep.SPF.Status != "fail" || !ok || !strings.Contains(p.Message, "has 20 SPF records") ||
			!strings.Contains(p.Message, fmt.Sprintf("shows the first %d", dnscheck.MaxKeptRecords)) {
			t.Fatalf("SPF %s %+v, want fail with spf-multiple counting 20 and saying what is shown", rep.SPF.Status, rep.SPF.Problems)
		}
		kept := strings.Split(rep.SPF.Record, "\n")
		if len(kept) != dnscheck.MaxKeptRecords {
			t.Errorf("Record keeps %d records, want %d", len(kept), dnscheck.MaxKeptRecords)
		}
		for _, k := range kept {
			if !slices.Contains(spfs, k) {
				t.Errorf("kept %q, which is not one of the published SPF records", k)
			}
		}
	})
	t.Run("thirty DMARC records", func(t *testing.T) {
		t.Parallel()
		lines := withoutLine(fxReadyLines(), "_dmarc")
		for i := range 30 {
			lines = append(lines, fmt.Sprintf(`_dmarc IN TXT "v=DMARC1; p=none; ri=%d"`, 3600+i))
		}
		srv := fxServer(t, fxOrgZone(fxDomain, lines...))
		rep := fxChecker(srv, fxTimeout).Check(context.Background(), fxDomain, fxExpect(t, nil))
		p, ok := fxProblem(rep.DMARC.Problems, dnscheck.CodeDMARCMultiple)
		if rep.DMARC.Status != "invalid" || !ok || !strings.Contains(p.Message, "30 DMARC records") ||
			strings.Count(p.Fix, `"v=DMARC1;`) != dnscheck.MaxKeptRecords || !strings.Contains(p.Fix, "and 25 more") {
			t.Errorf("DMARC %s %+v, want dmarc-multiple counting 30, quoting 5 and 25 more", rep.DMARC.Status, rep.DMARC.Problems)
		}
	})
	t.Run("one SPF record of 40 KB", func(t *testing.T) {
		t.Parallel()
		// Valid, and authorising the platform: receivers would evaluate
		// it (all of it: the verdict is pass), but a report shows a part.
		var terms []string
		for i := 0; len(strings.Join(terms, " ")) < 40000; i++ {
			terms = append(terms, fmt.Sprintf("ip4:10.%d.%d.0/24", i/256, i%256))
		}
		rec := "v=spf1 " + strings.Join(terms, " ") + " include:spf.outreachsystems.com -all"
		lines := append(withoutLine(fxReadyLines(), "@ IN TXT"), "@ IN TXT "+fxTXT(rec))
		srv := fxServer(t, fxOrgZone(fxDomain, lines...))
		rep := fxChecker(srv, fxTimeout).Check(context.Background(), fxDomain, fxExpect(t, nil))
		if rep.SPF.Status != "pass" {
			t.Errorf("SPF %s %v, want pass: every term counts", rep.SPF.Status, fxCodes(rep.SPF.Problems))
		}
		want := rec[:dnscheck.MaxKeptRecordBytes] + fmt.Sprintf(" … [cut: %d bytes in all]", len(rec))
		if rep.SPF.Record != want {
			t.Errorf("Record is %d bytes ending %q, want the first %d bytes and the length", len(rep.SPF.Record), rep.SPF.Record[max(len(rep.SPF.Record)-40, 0):], dnscheck.MaxKeptRecordBytes)
		}
		for _, p := range rep.AllProblems() {
			if len(p.Message)+len(p.Fix) > 2*dnscheck.MaxKeptRecordBytes {
				t.Errorf("problem %s is %d bytes long", p.Code, len(p.Message)+len(p.Fix))
			}
		}
	})
	t.Run("an answer too big for DNS", func(t *testing.T) {
		t.Parallel()
		// About 80 KB: more than one DNS message can carry. The server
		// sends what fits, truncated even over TCP; the check reports
		// trouble, not a missing record, after one query over each.
		lines := append(withoutLine(fxReadyLines(), "@ IN TXT"), manyTXT(320, 240)...)
		srv := fxServer(t, fxOrgZone(fxDomain, lines...))
		rep := fxChecker(srv, fxTimeout).Check(context.Background(), fxDomain, fxExpect(t, nil))
		if rep.SPF.Status != "error" || len(rep.SPF.Problems) == 0 || rep.SPF.Problems[0].Code != dnscheck.CodeDNSBadReply ||
			!strings.Contains(rep.SPF.Problems[0].Message, "truncated, even over TCP") {
			t.Errorf("SPF %s %+v, want error with dns-bad-reply saying truncated", rep.SPF.Status, rep.SPF.Problems)
		}
		n := 0
		for _, q := range srv.Queries() {
			if q.Name == fxDomain+"." && q.Type == dns.TypeTXT {
				n++
			}
		}
		if n != 2 {
			t.Errorf("the domain's TXT was asked %d times, want twice (udp, tcp)", n)
		}
		if rep.DKIM.Status != "pass" || rep.DMARC.Status != "pass" {
			t.Errorf("DKIM %s DMARC %s, want pass", rep.DKIM.Status, rep.DMARC.Status)
		}
	})
}

// TestLimitsInvalidUTF8: records with bytes that are not UTF-8 are judged
// (here: not valid SPF, not valid DMARC), kept byte for byte in the report,
// and shown escaped by Printable.
func TestLimitsInvalidUTF8(t *testing.T) {
	t.Parallel()
	lines := append(withoutLine(withoutLine(fxReadyLines(), "@ IN TXT"), "_dmarc"),
		`@ IN TXT "v=spf1 include:spf.outreachsystems.com \255\254 -all"`,
		`_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:\192@yourcenter.edu"`)
	srv := fxServer(t, fxOrgZone(fxDomain, lines...))
	rep := fxChecker(srv, fxTimeout).Check(context.Background(), fxDomain, fxExpect(t, nil))
	if want := "v=spf1 include:spf.outreachsystems.com \xff\xfe -all"; rep.SPF.Record != want {
		t.Errorf("SPF Record %q, want the exact bytes %q", rep.SPF.Record, want)
	}
	if want := "v=DMARC1; p=none; rua=mailto:\xc0@yourcenter.edu"; rep.DMARC.Record != want {
		t.Errorf("DMARC Record %q, want the exact bytes %q", rep.DMARC.Record, want)
	}
	if rep.SPF.Status != "fail" || !slices.Contains(fxCodes(rep.SPF.Problems), dnscheck.CodeSPFSyntax) {
		t.Errorf("SPF %s %v, want fail spf-syntax", rep.SPF.Status, fxCodes(rep.SPF.Problems))
	}
	if got := dnscheck.Printable(rep.SPF.Record); !strings.Contains(got, `\xff\xfe`) {
		t.Errorf("Printable(SPF record) = %q, want the bytes escaped", got)
	}
	// A JSON string cannot carry bytes that are not UTF-8: encoding/json
	// writes each as the escape \ufffd (U+FFFD), and the document stays
	// valid; everything else of the value is kept exactly.
	b, err := json.Marshal(rep)
	if err != nil || !json.Valid(b) || !strings.Contains(string(b), `include:spf.outreachsystems.com \ufffd\ufffd -all`) {
		t.Errorf("JSON %v: %s", err, b)
	}
	fxCheckProblems(t, rep)
}

// TestLimitsAnswersNotAsked: records for names or types nobody asked for,
// stuffed into every answer, change nothing: the report is the same as
// from an honest server.
func TestLimitsAnswersNotAsked(t *testing.T) {
	t.Parallel()
	var inject []dns.RR
	for _, s := range []string{
		// Other names: a permissive SPF record, a DKIM CNAME, a key, a
		// policy, a CNAME from a name that is not asked.
		`evil.test. 60 IN TXT "v=spf1 +all"`,
		`osc1._domainkey.evil.test. 60 IN CNAME osc1._domainkey.outreachsystems.com.`,
		`_dmarc.evil.test. 60 IN TXT "v=DMARC1; p=reject"`,
		`other.yourcenter.edu. 60 IN CNAME yourcenter.edu.`,
		`osc1._domainkey.outreachsystems.com.evil.test. 60 IN TXT "v=DKIM1; p="`,
		// Other types at the names that are asked.
		`yourcenter.edu. 60 IN A 203.0.113.66`,
		`yourcenter.edu. 60 IN SPF "v=spf1 +all"`,
		`_dmarc.yourcenter.edu. 60 IN MX 10 evil.test.`,
		`osc1._domainkey.yourcenter.edu. 60 IN AAAA 2001:db8::66`,
		`osc1._domainkey.yourcenter.edu. 60 IN TXT "v=DKIM1; p=MIGf"`,
		// A record of another class.
		`yourcenter.edu. 60 CH TXT "v=spf1 +all"`,
	} {
		rr, err := dns.NewRR(s)
		if err != nil {
			t.Fatal(err)
		}
		inject = append(inject, rr)
	}
	honest := fxServer(t, fxOrgZone(fxDomain, fxReadyLines()...))
	stuffing := fxServer(t, fxOrgZone(fxDomain, fxReadyLines()...))
	stuffed := []string{fxDomain, "spf.outreachsystems.com", "spf.protection.outlook.com", "spfd.protection.outlook.com",
		"osc1._domainkey." + fxDomain, "osc1._domainkey.outreachsystems.com", "_dmarc." + fxDomain}
	for _, name := range stuffed {
		stuffing.SetFault(name, dnstest.Fault{Inject: inject})
	}
	want := fxChecker(honest, fxTimeout).Check(context.Background(), fxDomain, fxExpect(t, nil))
	got := fxChecker(stuffing, fxTimeout).Check(context.Background(), fxDomain, fxExpect(t, nil))
	wantJSON, _ := json.Marshal(want)
	gotJSON, _ := json.Marshal(got)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("with records nobody asked for:\n%s\nwant\n%s", gotJSON, wantJSON)
	}
	if !got.Ready || got.Provider != want.Provider {
		t.Errorf("ready %v provider %q", got.Ready, got.Provider)
	}
	// The test tests something: the injected records were sent.
	if len(stuffing.Queries()) == 0 || !asked(stuffing, "_dmarc."+fxDomain+".", dns.TypeTXT) {
		t.Fatal("the stuffing server was not asked")
	}
}

// TestLimitsTruncatedOverTCP: an answer truncated over TCP too is asked
// once over each and reported as trouble, for any of the lookups.
func TestLimitsTruncatedOverTCP(t *testing.T) {
	t.Parallel()
	for _, l := range faultLookups {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			srv := fxServer(t, fxOrgZone(fxDomain, fxReadyLines()...))
			if l.qtype == 0 {
				srv.SetFault(l.at, dnstest.Fault{TruncateTCP: true})
			} else {
				srv.SetFaultType(l.at, l.qtype, dnstest.Fault{TruncateTCP: true})
			}
			rep := fxChecker(srv, fxTimeout).Check(context.Background(), fxDomain, fxExpect(t, nil))
			status, problems := checkOf(rep, l.check)
			if status != "error" || len(problems) == 0 || problems[0].Code != dnscheck.CodeDNSBadReply ||
				!strings.Contains(problems[0].Message, "truncated, even over TCP") {
				t.Errorf("%s %s %+v, want error with dns-bad-reply saying truncated", l.check, status, problems)
			}
			per := map[string]int{}
			for _, q := range srv.Queries() {
				if q.Name == dns.CanonicalName(l.at) {
					per[dns.TypeToString[q.Type]+"/"+q.Proto]++
				}
			}
			for k, n := range per {
				if n != 1 {
					t.Errorf("%s %s asked %d times, want once (no endless retry)", l.at, k, n)
				}
			}
			if len(per) == 0 {
				t.Fatal("the name at fault was never asked")
			}
		})
	}
}
