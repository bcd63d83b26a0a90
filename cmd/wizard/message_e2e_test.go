package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestEndToEndDemoTestMessage walks the full-screen demo to the advice
// with the records published right (p), presses v: the demo writes a
// signed test message, the confirm step verifies it and says it passes
// DMARC; enter ends the wizard, whose summary, left on the terminal,
// has the confirmation.
func TestEndToEndDemoTestMessage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	// Not parallel: the demo writes its test message in the temporary
	// folder, which the wizard's environment points at a test folder.
	// The wizard's link is made (once, for every test) before: it goes in
	// the temporary folder too, and must outlive this test's.
	buildWizard(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	home := t.TempDir()
	s := startScreenSized(t, home, 100, 60, "demo")
	walkToRecords(s)
	s.press("p")
	s.waitFor("Published")
	s.press(enter)
	s.waitFor("SPF and DKIM pass: yourcenter.edu is ready!", "Press enter for the advice.")
	s.press(enter)
	s.waitFor("passes SPF and DKIM", "Turn it: OFF")
	s.press("v")
	// The receiver's own results stand beside the wizard's, as for a
	// message a real receiver delivered.
	s.waitFor("Confirm with a real message", "passes DMARC", "The receiver (mx.demo-receiver.example) said: dkim=pass spf=pass dmarc=pass")
	made, err := filepath.Glob(filepath.Join(tmp, "wizard-demo-message-*.eml"))
	if err != nil || len(made) != 1 {
		t.Fatalf("test messages written in %s: %v, %v", tmp, made, err)
	}
	s.press(enter)
	if code := s.exited(); code != 0 {
		t.Errorf("exit status %d, want 0", code)
	}
	txt := s.waitFor("Confirmed with a real message")
	if !strings.Contains(txt, "The message from yourcenter.edu (checked at") || !strings.Contains(txt, "passes DMARC.") {
		t.Errorf("the summary lacks the verdict:\n%s", txt)
	}
	wantNoProgress(t, home)
}
