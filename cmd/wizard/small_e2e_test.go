package main

import (
	"strings"
	"testing"
	"time"
)

// lastLine returns the screen's last line that is not blank.
func lastLine(screen string) string {
	lines := strings.Split(strings.TrimRight(screen, " \n"), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// waitFooter waits until the screen shows every one of want with the help
// bar, ending in "? more keys", as its last line.
func (s *screen) waitFooter(want ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		txt := s.text()
		ok := strings.HasSuffix(lastLine(txt), "? more keys")
		for _, w := range want {
			ok = ok && strings.Contains(txt, w)
		}
		if ok {
			return txt
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the screen never showed %q above a footer ending in \"? more keys\"; it shows:\n%s", want, txt)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestEndToEndDemoSmallWindow walks the whole demo in a 40×20 window, a
// small SSH session: every step shows its key lines, the footer keeps
// "? more keys", the full help scrolls to its last key, and a long status
// line is shown whole.
func TestEndToEndDemoSmallWindow(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel()
	home := t.TempDir()
	s := startScreenSized(t, home, 40, 20, "demo")

	txt := s.waitFooter("1/9 Welcome", "DEMO · simulated DNS · progress unsaved", "Let Neoserra send mail as your own")
	if strings.Contains(txt, "…") {
		t.Errorf("the welcome cuts a line:\n%s", txt)
	}
	s.press(enter)
	s.waitFor("2/9 Domain", "What is your mail domain?")
	s.press("Jane.Doe@YourCenter.edu")
	s.waitFor("Will use yourcenter.edu")
	s.press(enter)
	s.waitFooter("3/9 Discovery", "What yourcenter.edu publishes today", "Mail provider:")
	s.press(enter)
	// The provider list shows a line a provider, and the selected one's
	// SPF part.
	s.waitFooter("4/9 Mail provider", "Microsoft 365 (detected)", "Google Workspace", "Zoho Mail (EU data centre)",
		"Zoho Mail (India data centre)", "Amazon WorkMail / SES", "include:spf.protection.outlook.com")
	s.press(enter)
	s.waitFor("5/9 Other domains", "Do your staff send Neoserra mail from")
	s.press(enter)
	s.waitFooter("6/9 Records", "Records to publish for yourcenter.edu", "Watch out")

	// The full help is taller than the window: it scrolls to its last key.
	s.press("?")
	s.waitFor("↓ more keys below", "c copy value")
	s.press("G")
	s.waitFor("↑ more keys above", "p publish (demo)", "m publish with a mistake (demo)", "fewer keys", "ctrl+c quit")
	s.press("?")
	s.waitFooter("Records to publish for yourcenter.edu")

	// A status line longer than a line is shown whole.
	s.press("p")
	s.waitFooter("Published 2 records for", "up in 6s.")

	s.press(enter)
	s.waitFor("7/9 Check", "SPF and DKIM pass: yourcenter.edu")
	if strings.Contains(s.text(), "7/9 Check") {
		s.press(enter) // on to the advice now
	}
	s.waitFooter("8/9 Advice", "Turn it: OFF", "Best: publish SPF and DKIM,")
	s.press(enter)
	s.waitFor("9/9 Confirm")
	s.press(enter) // no message to check: the wizard ends
	if code := s.exited(); code != 0 {
		t.Errorf("exit status %d, want 0", code)
	}
	wantNoProgress(t, home)
}
