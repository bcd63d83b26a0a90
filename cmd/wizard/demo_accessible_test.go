package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoAccessibleSameWizard walks `wizard demo --accessible` as a
// person would: the demo's banner comes first; the hand-off sheet is
// written; the records are published with the classic mistake and checked;
// b shows the records worked out again (the doubled record to delete, as
// the screen's card does); p publishes them right; the check passes; and
// the wizard ends with the same to-do summary as the screen, naming the
// files written.
func TestDemoAccessibleSameWizard(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir) // the demo writes the hand-off sheet in the current directory
	in := strings.Join([]string{
		"yourcenter.edu",
		"", // the detected provider
		"", // no other domains
		"", // no DMARC reports
		"h",
		"m",
		"", // check: the doubled name
		"b",
		"p",
		"", // check: ready
	}, "\n") + "\n"
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"demo", "--accessible"}, streams{in: strings.NewReader(in), out: &out, err: &errOut})
	got := out.String()
	if code != 0 {
		t.Fatalf("exit %d; stderr %q\n%s", code, errOut.String(), got)
	}
	if !strings.HasPrefix(got, demoBanner+"\n") {
		t.Errorf("the accessible demo does not start with its banner:\n%s", got[:min(len(got), 200)])
	}
	_, back, ok := strings.Cut(got, "b to go back to the records")
	if !ok {
		t.Fatalf("the check never offered to go back:\n%s", got)
	}
	records, _, _ := strings.Cut(back, "Checking yourcenter.edu")
	for _, want := range []string{"Records to publish for yourcenter.edu", "DKIM: delete this CNAME record", "osc1._domainkey.yourcenter.edu.yourcenter.edu."} {
		if !strings.Contains(records, want) {
			t.Errorf("the records after b lack %q", want)
		}
	}
	_, summary, ok := strings.Cut(got, "\nNeoserra sender authentication: yourcenter.edu\n")
	if !ok {
		t.Fatalf("no summary at the end:\n%s", got)
	}
	for _, want := range []string{
		"Neoserra's sender setting: turn it OFF\n",
		"  Where: Administration | Configuration | General Settings\n",
		"Still to do in DNS\n  yourcenter.edu: ready, nothing to do.\n",
		"Files written\n",
	} {
		if !strings.Contains(summary, want) {
			t.Errorf("the summary lacks %q", want)
		}
	}
	// Each path whole on a line of its own.
	lines := map[string]bool{}
	for _, l := range strings.Split(summary, "\n") {
		lines[strings.TrimSpace(l)] = true
	}
	for _, name := range []string{"dns-handoff-yourcenter.edu.md", "dns-handoff-yourcenter.edu.html"} {
		if path := filepath.Join(dir, name); !lines[path] {
			t.Errorf("the summary has no line with the path %s", path)
		}
	}
	for _, unwanted := range []string{"add a CNAME record", "delete this", "wizard check"} {
		if strings.Contains(summary, unwanted) {
			t.Errorf("the summary of a ready domain has %q", unwanted)
		}
	}
	if t.Failed() {
		t.Log(got)
	}
}

// TestDemoAccessibleTestMessage walks `wizard demo --accessible` to the
// advice with the records published right, and answers its v: the demo
// writes a signed test message, the confirm step verifies it without
// asking for a path, and the verdict (passes DMARC) is said and left in
// the summary, as in the full-screen demo.
func TestDemoAccessibleTestMessage(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // the demo writes its test message in the temporary folder
	in := strings.Join([]string{
		"yourcenter.edu",
		"", // the detected provider
		"", // no other domains
		"", // no DMARC reports
		"h",
		"p",
		"", // check: ready
		"v",
	}, "\n") + "\n"
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"demo", "--accessible"}, streams{in: strings.NewReader(in), out: &out, err: &errOut})
	got := out.String()
	if code != 0 {
		t.Fatalf("exit %d; stderr %q\n%s", code, errOut.String(), got)
	}
	// The question names the folder the message goes to.
	_, after, ok := strings.Cut(got, "Type v to write a test message from the simulated Neoserra to "+tmp+" and check it, b to go back to the checks, or press Enter to go on: ")
	if !ok {
		t.Fatalf("the advice never offered v:\n%s", got)
	}
	made, err := filepath.Glob(filepath.Join(tmp, "wizard-demo-message-*.eml"))
	if err != nil || len(made) != 1 {
		t.Fatalf("test messages written: %v, %v", made, err)
	}
	confirm, summary, ok := strings.Cut(after, "\nNeoserra sender authentication: yourcenter.edu\n")
	if !ok {
		t.Fatalf("no summary at the end:\n%s", got)
	}
	verdict := "Verdict: Neoserra mail from yourcenter.edu passes DMARC: keep the setting OFF."
	for _, want := range []string{
		"Wrote a test message for yourcenter.edu to " + made[0] + ".",
		"Confirm with a real message (optional).",
		"Verifying " + made[0] + "...",
		verdict,
	} {
		if !strings.Contains(confirm, want) {
			t.Errorf("the confirm step lacks %q", want)
		}
	}
	if strings.Contains(confirm, "Path of the saved message") {
		t.Errorf("the confirm step asked for a path although the test message was verified")
	}
	// The summary lists the message with its time, and gives the
	// decision once: the message's own instruction is not repeated.
	if !strings.Contains(summary, "Confirmed with a real message\n") || !strings.Contains(summary, "The message from yourcenter.edu (checked at ") ||
		!strings.Contains(summary, ") passes DMARC.") || strings.Contains(summary, verdict) {
		t.Errorf("the summary lacks the confirmation, or repeats its instruction")
	}
	// The hand-off sheet of the demo says its commands are for the real
	// domain.
	if sheet, err := os.ReadFile(filepath.Join(dir, "dns-handoff-yourcenter.edu.md")); err != nil || !strings.Contains(string(sheet), "run them for your real domain") {
		t.Errorf("the demo's hand-off sheet (%v) does not say its commands are for the real domain", err)
	}
	// The file the demo wrote is listed with the others, where it is.
	// (A path wider than the summary breaks between its folders.)
	if _, files, _ := strings.Cut(summary, "Files written\n"); !strings.Contains(files, "The demo's test message, signed as Neoserra signs:") ||
		!strings.Contains(strings.Join(strings.Fields(files), ""), made[0]) {
		t.Errorf("the summary does not list the test message %s", made[0])
	}
	if t.Failed() {
		t.Log(got)
	}
}

// TestDemoAccessibleCheckOffersDemoKeys: the check's question names the
// demo's p and m, as the records' question and the screen's help bar do
// (the check takes them; a person only guessed that before).
func TestDemoAccessibleCheckOffersDemoKeys(t *testing.T) {
	t.Chdir(t.TempDir())
	in := strings.Join([]string{"yourcenter.edu", "", "", "", "m", "", "p", ""}, "\n") + "\n"
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"demo", "--accessible"}, streams{in: strings.NewReader(in), out: &out, err: &errOut})
	got := out.String()
	if code != 0 {
		t.Fatalf("exit %d; stderr %q\n%s", code, errOut.String(), got)
	}
	_, q, ok := strings.Cut(got, "Not ready yet. Press Enter")
	if !ok {
		t.Fatalf("no not-ready question:\n%s", got)
	}
	q, _, _ = strings.Cut(q, "\n")
	for _, want := range []string{"p: publish (demo)", "m: publish with a mistake (demo)"} {
		if !strings.Contains(q, want) {
			t.Errorf("the check's question lacks %q: %s", want, q)
		}
	}
}

// TestDemoSummaryListsDMARCChange: a reports address given on the way
// makes the DMARC record a change to publish, and the summary left on the
// terminal lists it beside the DKIM and SPF records (a ready domain lists
// it too, under "for DMARC, still to publish").
func TestDemoSummaryListsDMARCChange(t *testing.T) {
	t.Chdir(t.TempDir())
	in := strings.Join([]string{"yourcenter.edu", "", "", "dmarc@yourcenter.edu", "", "a", "", "", "q"}, "\n") + "\n"
	var out, errOut bytes.Buffer
	run(context.Background(), []string{"demo", "--accessible"}, streams{in: strings.NewReader(in), out: &out, err: &errOut})
	_, sum, ok := strings.Cut(out.String(), "Still to do in DNS")
	if !ok {
		t.Fatalf("no summary:\n%s", out.String())
	}
	sum, _, _ = strings.Cut(sum, "Next steps")
	for _, want := range []string{"DKIM: add a CNAME record", "SPF: replace the TXT record", "DMARC: replace the TXT record", "v=DMARC1; p=none; rua=mailto:dmarc@yourcenter.edu"} {
		if !strings.Contains(sum, want) {
			t.Errorf("the summary's to-do lacks %q:\n%s", want, sum)
		}
	}
}
