package dnscheck_test

import (
	"context"
	"testing"
	"time"

	"github.com/outreach-auth/wizard/core/checks"
)

// BenchmarkCheckFAQDomain is one full check (--dns-server mode) of a
// domain set up as the platform's FAQ describes for an organisation on
// Microsoft 365:
//
//	yourcenter.edu.                 MX    0 yourcenter-edu.mail.protection.outlook.com.
//	yourcenter.edu.                 TXT   "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all"
//	osc1._domainkey.yourcenter.edu. CNAME osc1._domainkey.outreachsystems.com.
//	_dmarc.yourcenter.edu.          TXT   "v=DMARC1; p=quarantine"
//
// with spf.protection.outlook.com including spfd.protection.outlook.com,
// and every answer delayed by 20 ms.
//
// The critical path is the longest chain of lookups that each need the
// previous answer:
//
//	yourcenter.edu TXT → spf.protection.outlook.com TXT → spfd.protection.outlook.com TXT
//
// three lookups, 3 × 20 ms = 60 ms. Everything else can be asked beside
// that chain: spf.outreachsystems.com TXT, DKIM's questions (the CNAME and
// the key at its expected target at once), _dmarc TXT, the MX for provider
// detection (first level), and the check_host evaluation of the platform's
// addresses, which follows the walk through the cache.
//
// The check runs as one run of 'wizard check' does (checks.CheckAll): the
// platform's include is read live at the first level, beside the domain's
// own questions, and the walk's question for it (second level) is
// answered by that reading, so the live addresses add no dependent
// lookup and no question asked twice.
//
// Metrics: queries/op (questions the server received), critical-path-ms,
// and ratio = wall time per check / critical path (target ≤ 1.5). Time is
// only reported, never asserted; asking a name and type twice fails.
func BenchmarkCheckFAQDomain(b *testing.B) {
	const (
		latency = 20 * time.Millisecond
		chain   = 3 // the lookups of the critical path above
	)
	critical := chain * latency

	srv := fxServer(b, fxOrgZone(fxDomain, fxReadyLines()...))
	srv.SetLatency(latency)
	checker := fxChecker(srv, 2*time.Second)
	exp := fxExpect(b, nil)
	ctx := context.Background()

	queries := 0
	runs := 0
	var wall time.Duration
	for b.Loop() {
		srv.ResetQueries()
		start := time.Now()
		rep := checks.CheckAll(ctx, checker, []string{fxDomain}, exp, nil)[0]
		wall += time.Since(start)
		runs++
		if !rep.Ready {
			b.Fatalf("the FAQ domain is not ready: SPF %s DKIM %s, problems %v", rep.SPF.Status, rep.DKIM.Status, fxCodes(rep.AllProblems()))
		}
		if !rep.SPF.Platform.Live() {
			b.Fatalf("the platform's addresses were not read live: %+v", rep.SPF.Platform)
		}
		if d := fxDuplicates(srv); len(d) > 0 {
			b.Fatalf("one check asked the same name and type more than once: %v", d)
		}
		queries += len(srv.Queries())
	}
	b.ReportMetric(float64(queries)/float64(runs), "queries/op")
	b.ReportMetric(float64(critical)/float64(time.Millisecond), "critical-path-ms")
	b.ReportMetric(float64(wall)/float64(runs)/float64(critical), "ratio")
}
