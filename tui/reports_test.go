package tui_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/tui"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// TestAccessibleDMARCReports: the plain prompts ask where DMARC reports
// go (the domain's record has no rua=), refuse a list with the reason,
// write the address given into the DMARC record shown, and save it with
// the progress, which restores it.
func TestAccessibleDMARCReports(t *testing.T) {
	env := tuitest.NewEnv(t)
	cfg := cfgFor(env, t.TempDir())
	cfg.ProgressPath = filepath.Join(t.TempDir(), "progress.json")
	in := strings.NewReader(strings.Join([]string{
		tuitest.Domain,
		"", // the detected provider
		"", // no other domains
		"a@yourcenter.edu, b@yourcenter.edu",
		"mailto:DMARC@YourCenter.edu",
		"", // the records are shown; check
		"a",
	}, "\n") + "\n")
	var out strings.Builder
	if err := tui.RunAccessible(context.Background(), cfg, in, &out); err != nil {
		t.Fatalf("RunAccessible: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"DMARC reports (optional). Receivers can email a daily report on the mail sent as yourcenter.edu",
		"give one address only",
		"Reports will go to DMARC@yourcenter.edu.",
		"v=DMARC1; p=quarantine; rua=mailto:DMARC@yourcenter.edu",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(got)
	}
	prog := readProgress(t, cfg.ProgressPath)
	if prog.DMARCReports != "DMARC@yourcenter.edu" {
		t.Fatalf("progress = %+v, want the address saved", prog)
	}
	if err := prog.Check(env.Platform); err != nil {
		t.Fatalf("the saved progress does not restore: %v", err)
	}
	prog.DMARCReports = "not an address"
	if err := prog.Check(env.Platform); err == nil || !strings.Contains(err.Error(), "DMARC reports") {
		t.Fatalf("a bad saved address was taken: %v", err)
	}
}

// TestWelcomeTellsTheTruth: the welcome promises to resume only when the
// wizard saves progress (not in the demo, which saves nothing).
func TestWelcomeTellsTheTruth(t *testing.T) {
	env := tuitest.NewEnv(t)
	for _, tc := range []struct {
		path string
		want string
	}{{"", "Nothing is saved this time"}, {filepath.Join(t.TempDir(), "p.json"), "resumes where you left off"}} {
		cfg := cfgFor(env, t.TempDir())
		cfg.ProgressPath = tc.path
		var out strings.Builder
		_ = tui.RunAccessible(context.Background(), cfg, strings.NewReader("q\n"), &out)
		if !strings.Contains(out.String(), tc.want) {
			t.Errorf("progress path %q: the welcome lacks %q:\n%s", tc.path, tc.want, out.String())
		}
	}
}
