package confirm

import (
	"context"
	"strings"
	"time"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/reports"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

// The step also takes DMARC aggregate reports (docs/reports.md): a file
// that holds any is summarised as 'wizard reports' does, instead of
// being verified as a message.

// readReports reads path as aggregate reports and summarises them, with
// the platform's addresses read through checker's resolver; ok is false
// when path holds no report (a message to verify, or a bad file whose
// reason the verification gives).
func readReports(ctx context.Context, checker *dnscheck.Checker, p *assets.Platform, path string) (sum reports.Summary, ok bool) {
	results := reports.ReadPaths(ctx, []string{expandHome(path)}, nil)
	if len(reports.Domains(results)) == 0 {
		return sum, false
	}
	var q dnscheck.Querier
	if checker != nil {
		q = checker.Resolver
	}
	k := reports.Knowledge{PlatformName: p.Name, Selector: p.DKIM.Selector, DKIMTarget: p.DKIM.Target, SPFInclude: p.SPF.Include, PlatformNetworks: p.SPF.IPs}
	if q != nil {
		k = reports.Learn(ctx, q, p, nil, reports.Domains(results))
		// The next step asks only for the records missing now.
		k.Now = reports.CheckNow(ctx, checker, p, nil, reports.Domains(results))
	}
	return reports.Summarise(results, k), true
}

// reportsMessage is the session's fact of a summary of reports read at
// at: its verdict is pass when every domain's mail passed.
func reportsMessage(source string, s reports.Summary, at time.Time) session.Message {
	verdict := "fail"
	if s.AllPass() && !s.Failed() {
		verdict = "pass"
	}
	var lines []string
	for _, d := range s.Domains {
		lines = append(lines, d.Verdict)
	}
	return session.ReportsOf(source, verdict, lines, at)
}

// summaryText is reports.WriteText of s wrapped to width, each wrapped
// line indented under its text.
func summaryText(s reports.Summary, width int) string {
	var raw strings.Builder
	reports.WriteText(&raw, s)
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimRight(raw.String(), "\n"), "\n") {
		body := strings.TrimLeft(line, " ")
		lead := strings.Repeat(" ", len(line)-len(body))
		b.WriteString(common.Hang(lead, lead+"  ", body, width) + "\n")
	}
	return b.String()
}
