package advice_test

import (
	"fmt"
	"runtime"
	"slices"
	"testing"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/advice"
	"github.com/outreach-auth/wizard/dnscheck"
)

// tallyReports returns n reports of every kind: ready, failing, unchecked,
// with and without a DMARC policy.
func tallyReports(n int) []dnscheck.DomainReport {
	pass, fail, missing, errV := dnscheck.VerdictPass, dnscheck.VerdictFail, dnscheck.VerdictMissing, dnscheck.VerdictError
	reports := make([]dnscheck.DomainReport, n)
	for i := range reports {
		d := fmt.Sprintf("domain-%06d.edu", i)
		switch i % 4 {
		case 0:
			reports[i] = adviceReport(d, pass, pass, pass, "none")
		case 1:
			reports[i] = adviceReport(d, fail, missing, missing, "")
		case 2:
			reports[i] = adviceReport(d, errV, pass, pass, "reject")
		default:
			reports[i] = adviceReport(d, pass, fail, pass, "quarantine")
		}
	}
	return reports
}

// TestTallyReasonsOneAtATime: the advice without its reasons and the
// reasons made one at a time are, together, the whole advice, and each
// reason is Reason of that domain's outcome.
func TestTallyReasonsOneAtATime(t *testing.T) {
	t.Parallel()
	p := assets.DefaultPlatform()
	reports := tallyReports(40)
	tally := advice.NewTally(p)
	for _, r := range reports {
		tally.Add(r)
	}
	whole := advice.Advise(reports, p)
	head := tally.AdviceWithoutReasons()
	if head.Reasons != nil || head.Option != whole.Option || head.Checkbox != whole.Checkbox || !slices.Equal(head.NextSteps, whole.NextSteps) {
		t.Errorf("advice without reasons %+v, whole %+v", head, whole)
	}
	if got := slices.Collect(tally.Reasons()); !slices.Equal(got, whole.Reasons) || len(got) != len(reports) {
		t.Errorf("reasons one at a time:\n%q\nwhole:\n%q", got, whole.Reasons)
	}
	for i, o := range tally.Outcomes() {
		if o.Domain != reports[i].Domain || advice.Reason(o, p) != whole.Reasons[i] {
			t.Errorf("outcome %d %+v: reason %q, want %q", i, o, advice.Reason(o, p), whole.Reasons[i])
		}
	}
}

// TestTallyKeepsLittleADomain: of each report a tally keeps its outcome,
// not its sentence nor its name in lists: what it holds after many domains
// is a few dozen bytes a domain. (Not parallel: it reads the heap.)
func TestTallyKeepsLittleADomain(t *testing.T) {
	const n = 20_000
	reports := tallyReports(n)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	tally := advice.NewTally(assets.DefaultPlatform())
	for _, r := range reports {
		tally.Add(r)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	perDomain := (int64(after.HeapAlloc) - int64(before.HeapAlloc)) / n
	runtime.KeepAlive(reports)
	runtime.KeepAlive(tally)
	if len(tally.Outcomes()) != n {
		t.Fatalf("%d outcomes", len(tally.Outcomes()))
	}
	if perDomain > 64 {
		t.Errorf("the tally holds %d bytes a domain, want at most 64", perDomain)
	}
	t.Logf("%d bytes a domain", perDomain)
}
