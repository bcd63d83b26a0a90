package tui_test

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// unwrapped is s with every run of spaces and line breaks made one space,
// so that a test finds a sentence wherever the summary wrapped it.
func unwrapped(s string) string { return strings.Join(strings.Fields(s), " ") }

// checkSummaryWidth fails when a line of sum is wider than width, unless
// the line is (after its indent) one of whole: a command, a path or a
// value that is never cut.
func checkSummaryWidth(t *testing.T, sum string, width int, whole ...string) {
	t.Helper()
	for _, l := range strings.Split(strings.TrimSuffix(sum, "\n"), "\n") {
		if ansi.StringWidth(l) <= width {
			continue
		}
		ok := false
		for _, w := range whole {
			ok = ok || strings.TrimSpace(l) == w
		}
		if !ok {
			t.Errorf("line wider than %d: %q", width, l)
		}
	}
	if strings.ContainsAny(sum, "\x1b\r") {
		t.Errorf("summary has escape sequences or carriage returns: %q", sum)
	}
}

// twoDomains is the state of a wizard set up for yourcenter.edu and
// othercenter.org, with the records worked out before anything was
// published.
func twoDomains(t *testing.T, env *tuitest.Env) *common.State {
	snap, other := env.Snapshot(t), env.SnapshotOf(t, tuitest.Other)
	return common.NewState(env.Input(t), snap, tuitest.Detected(snap),
		common.Others{{Input: tuitest.InputOf(t, tuitest.Other), Snap: other}},
		plan.Plans{env.Plan(t, snap), env.Plan(t, other)})
}

// TestSummaryReadyIsNothingToDo: once the records are published and the
// check passes, the summary says so and repeats no record; the decision
// comes first and the files written are listed, a path wider than the
// line wrapped between its folders, never inside a name.
func TestSummaryReadyIsNothingToDo(t *testing.T) {
	env := tuitest.NewEnv(t)
	st := twoDomains(t, env)
	env.Publish(t)
	st.Put([]dnscheck.DomainReport{env.Report(t), env.ReportOf(t, tuitest.Other)})
	md := "/home/jane/a-folder-with-a-rather-long-name/yourcenter.edu-dns-handoff.md"
	st.Put(common.HandoffFiles{{Path: md, Holds: "the hand-off sheet for whoever edits DNS (Markdown)"}})

	sum := tui.SummaryText(env.Platform, st, 60)
	checkSummaryWidth(t, sum, 60)
	for _, want := range []string{
		"Neoserra's sender setting: turn it OFF\n" +
			"  \"When sending email, have Neoserra authenticate on\n" +
			"  sender's behalf?\"\n" +
			"  Where: Administration | Configuration | General Settings\n" +
			"  Why: every domain passes SPF and DKIM.\n",
		"Still to do in DNS\n  yourcenter.edu: ready, nothing to do.\n  othercenter.org: ready, nothing to do.\n",
		"Files written\n  The hand-off sheet for whoever edits DNS (Markdown):\n    /home/jane/a-folder-with-a-rather-long-name/\n    yourcenter.edu-dns-handoff.md\n",
		"Next steps\n  1. In Neoserra, turn OFF",
	} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	for _, unwanted := range []string{"add a CNAME record", "replace the TXT record", "delete this", "osc1._domainkey.outreachsystems.com.", "wizard check", "Value"} {
		if strings.Contains(sum, unwanted) {
			t.Errorf("summary of ready domains has %q", unwanted)
		}
	}
	if i, j := strings.Index(sum, "sender setting"), strings.Index(sum, "Still to do"); i < 0 || j < i {
		t.Errorf("the decision does not come first")
	}
	if t.Failed() {
		t.Log("\n" + sum)
	}
}

// TestSummaryNotChecked: nothing was checked: the records still to
// publish (not those to keep) and the command that checks them, wrapped
// to a small window without cutting a value or the command.
func TestSummaryNotChecked(t *testing.T) {
	env := tuitest.NewEnv(t)
	sum := tui.SummaryText(env.Platform, twoDomains(t, env), 40)
	cmd := "wizard check yourcenter.edu othercenter.org"
	checkSummaryWidth(t, sum, 40, tuitest.NewSPF, cmd, "osc1._domainkey.outreachsystems.com.")
	for _, want := range []string{
		"Neoserra's sender setting: turn it ON\n",
		"  Why: the records are not checked yet.\n  Turn it OFF once every domain passes\n  SPF and DKIM.\n",
		"  yourcenter.edu: not checked yet;\n    publish:\n" +
			"    DKIM: add a CNAME record\n" +
			"      Name:      osc1._domainkey\n",
		"      Value:\nosc1._domainkey.outreachsystems.com.\n", // only unindented it fits
		"    SPF: replace the TXT record\n",
		"      Value:\n        " + tuitest.NewSPF + "\n",
		"  othercenter.org: not checked yet;\n    nothing to publish (the records are\n    already there).\n",
		"  When they are published, check them:\n    " + cmd + "\n",
	} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	if strings.Contains(sum, "DMARC:") || strings.Contains(sum, "keep the") {
		t.Errorf("summary lists records to keep")
	}
	if t.Failed() {
		t.Log("\n" + sum)
	}
}

// TestSummaryStillToFix: the last check found the DKIM record at a doubled
// name: the summary lists only the DKIM records still to publish (add,
// and delete the doubled one), not SPF's (which passes), and says nothing
// twice; the default width is 80. With records worked out before the
// mistake (no card deletes it), the check's fix says to delete it.
func TestSummaryStillToFix(t *testing.T) {
	env := tuitest.NewEnv(t)
	before := env.Plan(t, env.Snapshot(t))
	if err := env.Server.Add("osc1._domainkey.yourcenter.edu.yourcenter.edu. 300 IN CNAME osc1._domainkey.outreachsystems.com."); err != nil {
		t.Fatal(err)
	}
	env.Publish(t)
	env.Server.Remove("osc1._domainkey.yourcenter.edu.", 5) // CNAME
	snap := env.Snapshot(t)
	st := common.NewState(env.Input(t), snap, tuitest.Detected(snap), plan.Plans{env.Plan(t, snap)}, []dnscheck.DomainReport{env.Report(t)})

	sum := tui.SummaryText(env.Platform, st, 0)
	checkSummaryWidth(t, sum, tui.SummaryWidth)
	flat := unwrapped(sum)
	for _, want := range []string{
		"yourcenter.edu: not ready yet (last check: SPF pass, DKIM missing).",
		"DKIM: add a CNAME record Name: osc1._domainkey",
		"DKIM: delete this CNAME record Name: osc1._domainkey.yourcenter.edu",
		"When that is done, check again: wizard check yourcenter.edu",
		"Neoserra's sender setting: turn it ON",
		"Why: yourcenter.edu does not pass yet.",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	if strings.Contains(sum, "SPF: ") || strings.Contains(sum, "At your DNS host, add") || strings.Contains(sum, "•") {
		t.Errorf("summary lists what is done, or says the same thing twice")
	}
	if t.Failed() {
		t.Log("\n" + sum)
	}

	st.Put(plan.Plans{before})
	sum = tui.SummaryText(env.Platform, st, 0)
	flat = unwrapped(sum)
	for _, want := range []string{
		"• Delete the record at osc1._domainkey.yourcenter.edu.yourcenter.edu and re-create it",
		"DKIM: add a CNAME record Name: osc1._domainkey",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("summary with the records from before lacks %q\n%s", want, sum)
		}
	}
}

// TestSummaryPrintable: text from DNS reaches the summary only through
// dnscheck.Printable.
func TestSummaryPrintable(t *testing.T) {
	env := tuitest.NewEnv(t)
	env.Server.Remove(tuitest.Domain+".", 16) // TXT
	if err := env.Server.Add(tuitest.Domain + `. 300 IN TXT "v=spf1 \027[2J\027]52;c;aGk=\007 -all"`); err != nil {
		t.Fatal(err)
	}
	snap := env.Snapshot(t)
	st := common.NewState(env.Input(t), snap, tuitest.Detected(snap), plan.Plans{env.Plan(t, snap)}, []dnscheck.DomainReport{env.Report(t)})
	sum := tui.SummaryText(env.Platform, st, 80)
	if c, _ := rawControls(sum, false); c != "" {
		t.Fatalf("summary has the control characters %q from DNS:\n%q", c, sum)
	}
	if !strings.Contains(unwrapped(sum), dnscheck.Printable("\x1b[2J\x1b]52;c;aGk=\x07")) {
		t.Fatalf("the TXT record's text never reached the summary, so this proves nothing:\n%s", sum)
	}

	// A report whose problem holds DNS text unsanitised (as a check
	// that missed it would leave it): the summary still makes it
	// printable.
	rep := env.Report(t)
	rep.SPF.Problems = append(rep.SPF.Problems, dnscheck.Problem{Code: "x", Severity: dnscheck.SeverityError, Message: "m", Fix: "Found " + hostile})
	st.Put([]dnscheck.DomainReport{rep})
	wantSanitised(t, "the summary of a report from DNS", tui.SummaryText(env.Platform, st, 80), false)
}
