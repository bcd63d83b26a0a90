package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
	"github.com/outreach-auth/wizard/tui"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// The helpers of this file start with "rs" so as not to collide with those
// of the other tests of the command. The zones are those of tui/tuitest:
// yourcenter.edu not ready yet, othercenter.org already set up, and a third
// domain for the run that starts over.

const (
	rsFirst  = tuitest.Domain
	rsSecond = tuitest.Other
	rsThird  = "thirdcenter.edu"
)

// rsZoneThird is a domain for the run that starts over.
const rsZoneThird = `$ORIGIN thirdcenter.edu.
@ 300 IN SOA amy.ns.cloudflare.com. dns.cloudflare.com. 1 7200 3600 1209600 300
@ 300 IN NS amy.ns.cloudflare.com.
@ 300 IN MX 0 thirdcenter-edu.mail.protection.outlook.com.
@ 300 IN TXT "` + tuitest.OldSPF + `"
`

// rsPublish makes the changes the wizard asks of yourcenter.edu.
func rsPublish(t *testing.T, srv *dnstest.Server) {
	t.Helper()
	srv.Remove(rsFirst+".", dns.TypeTXT)
	for _, rr := range []string{
		rsFirst + `. 300 IN TXT "` + tuitest.NewSPF + `"`,
		"osc1._domainkey." + rsFirst + ". 300 IN CNAME osc1._domainkey.outreachsystems.com.",
	} {
		if err := srv.Add(rr); err != nil {
			t.Fatal(err)
		}
	}
}

// rsReadState reads the progress file at path: found is false when there
// is none; a file that is there must be whole, valid progress.
func rsReadState(t *testing.T, path string) (tui.Progress, bool) {
	t.Helper()
	var p tui.Progress
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return p, false
	}
	if err != nil {
		t.Fatalf("reading the progress: %v", err)
	}
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatalf("the progress file is not whole JSON (%v):\n%s", err, data)
	}
	return p, true
}

// rsAwaitState waits until the progress file satisfies ok, failing the
// test if the file is ever seen half-written, or after 20 s.
func rsAwaitState(t *testing.T, path, what string, ok func(tui.Progress) bool) tui.Progress {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		p, found := rsReadState(t, path)
		if found && ok(p) {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("the progress file never had %s; last seen (found %v): %+v", what, found, p)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// rsWantOnlyState fails the test when the progress directory holds
// anything but the progress file and, at most, temporary files of an
// interrupted save (".neoserra.json.tmp-*", which Load never reads).
func rsWantOnlyState(t *testing.T, path string) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Base(path)
	for _, e := range entries {
		if e.Name() != base && !strings.HasPrefix(e.Name(), "."+base+".tmp-") {
			t.Errorf("unexpected file beside the progress: %s", e.Name())
		}
	}
}

// killed ends the wizard with SIGKILL, so it has no chance to save at
// exit, and waits for it.
func (s *screen) killed() {
	s.t.Helper()
	if err := s.cmd.Process.Kill(); err != nil {
		s.t.Fatalf("killing the wizard: %v", err)
	}
	err := s.cmd.Wait()
	<-s.done
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Exited() {
		s.t.Fatalf("the wizard was not killed: %v", err)
	}
}

// rsLastCheck is how the "Welcome back" screen sums up a saved report.
func rsLastCheck(p tui.Progress) []string {
	var out []string
	for _, r := range p.Checks() {
		out = append(out, fmt.Sprintf("%s: SPF %s, DKIM %s", r.Domain, r.SPF.Status, r.DKIM.Status))
	}
	return out
}

// TestEndToEndResumeAfterKill kills the real wizard in the middle of the
// verification, checks that what it saved is whole, resumes where it
// stopped (checking again at once), and finally starts over with --fresh.
func TestEndToEndResumeAfterKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel()
	srv := dnstest.StartT(t, tuitest.ZoneYourCenter, tuitest.ZoneOther, rsZoneThird, tuitest.ZoneOutlook, tuitest.ZoneVendor(assets.DefaultPlatform()))
	home := t.TempDir()
	path := statePath(home)

	// First run: up to the first check, then killed.
	s := startScreen(t, home, "--dns-server", srv.Addr())
	s.waitFor("Let Neoserra send mail as your own domain")
	if txt := s.text(); strings.Contains(txt, "Welcome back") || strings.Contains(txt, "DEMO") {
		t.Fatalf("a first run offers to resume or says DEMO:\n%s", txt)
	}
	walkToOtherDomains(s)
	s.press(rsSecond)
	s.waitFor("Press enter to add it.")
	s.press(enter)
	s.waitFor("othercenter.org  DNS: ", "Press enter with the field empty to go on with 2 domains.")
	s.press(enter)
	// The added domain's provider is confirmed, as the first one's.
	s.waitFor("Who handles the mail of othercenter.org?")
	s.press(enter)
	s.waitFor("Records to publish for yourcenter.edu", "Domain 1 of 2", "osc1._domainkey.outreachsystems.com.")
	s.press(enter)
	s.waitFor("Checking 2 domains until SPF and DKIM pass", "Next check in", "1 check so far", "yourcenter.edu", "othercenter.org")
	// The check is saved as it happens, not only at exit.
	rsAwaitState(t, path, "the first check", func(p tui.Progress) bool { return len(p.Checks()) == 2 })
	s.killed()

	// What the killed wizard left is whole.
	rsWantOnlyState(t, path)
	got, found := rsReadState(t, path)
	if !found {
		t.Fatalf("no progress file at %s after the kill", path)
	}
	if got.Step != "check" {
		t.Errorf("step %q, want check", got.Step)
	}
	if !slices.Equal(got.Names(), []string{rsFirst, rsSecond}) {
		t.Errorf("domains %q, want %q", got.Names(), []string{rsFirst, rsSecond})
	}
	reps := got.Checks()
	if len(reps) != 2 || reps[0].Domain != rsFirst || reps[1].Domain != rsSecond {
		t.Fatalf("reports %+v, want one for each domain in order", reps)
	}
	if reps[0].Ready || !reps[1].Ready {
		t.Errorf("ready %v/%v, want false for %s and true for %s", reps[0].Ready, reps[1].Ready, rsFirst, rsSecond)
	}
	if got.LastCheckedAt().IsZero() || got.SavedAt.IsZero() {
		t.Errorf("checked_at %v, saved_at %v: both should be set", got.LastCheckedAt(), got.SavedAt)
	}
	if d := got.Session.Domains[0]; got.Platform != "Neoserra" || d.Provider != "microsoft365" || !d.ProviderDetected || !d.ProviderConfirmed || got.Version != tui.ProgressVersion {
		t.Errorf("platform %q, provider %q (detected %v), version %d", got.Platform, d.Provider, d.ProviderDetected, got.Version)
	}

	// Second run: offered to resume, with the last check; nothing is looked
	// up before the person answers.
	srv.ResetQueries()
	s = startScreen(t, home, "--dns-server", srv.Addr())
	s.waitFor(append([]string{"Welcome back", "you were setting up yourcenter.edu, othercenter.org, at the Check step",
		"The last check", "enter resume", "f start fresh"}, rsLastCheck(got)...)...)
	if q := srv.Queries(); len(q) != 0 {
		t.Errorf("the offer to resume asked DNS %d questions before the person answered: %+v", len(q), q)
	}
	s.press(enter)
	// The Check step checks again at once: it never waits for a timer
	// with no check made since resuming ("0 checks so far").
	deadline := time.Now().Add(20 * time.Second)
	for {
		txt := s.text()
		if strings.Contains(txt, "0 checks so far") {
			t.Fatalf("the resumed Check step waits for its timer instead of checking at once:\n%s", txt)
		}
		if strings.Contains(txt, "Checking 2 domains") && (strings.Contains(txt, "Checking now") || strings.Contains(txt, "1 check so far")) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the resumed Check step never checked; the screen shows:\n%s", txt)
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.waitFor("1 check so far", "Resumed where you stopped")
	if !slices.ContainsFunc(srv.Queries(), func(q dnstest.Query) bool { return strings.Contains(strings.ToLower(q.Name), "_domainkey."+rsFirst) }) {
		t.Error("resuming did not look DKIM up again")
	}

	// The records go live; r checks again and both domains are ready.
	rsPublish(t, srv)
	s.press("r")
	s.waitFor("SPF and DKIM pass: both domains are ready!")
	ready := rsAwaitState(t, path, "both domains ready", func(p tui.Progress) bool {
		reps := p.Checks()
		return len(reps) == 2 && reps[0].Ready && reps[1].Ready
	})
	if !ready.LastCheckedAt().After(got.LastCheckedAt()) {
		t.Errorf("checked_at %v is not after the first run's %v", ready.LastCheckedAt(), got.LastCheckedAt())
	}
	s.press("q")
	if code := s.exited(); code != 0 {
		t.Errorf("exit status %d after q, want 0", code)
	}
	rsWantOnlyState(t, path)

	// Third run with --fresh: the progress is forgotten before the wizard
	// starts, and what is saved next names only the new domain.
	s = startScreen(t, home, "--fresh", "--dns-server", srv.Addr())
	s.waitFor("Let Neoserra send mail as your own domain")
	if txt := s.text(); strings.Contains(txt, "Welcome back") {
		t.Fatalf("--fresh still offers to resume:\n%s", txt)
	}
	if _, found := rsReadState(t, path); found {
		t.Errorf("--fresh left the progress file at %s", path)
	}
	s.press(enter)
	s.waitFor("What is your mail domain?")
	s.press(rsThird)
	s.waitFor("Will use thirdcenter.edu")
	s.press(enter)
	s.waitFor("What thirdcenter.edu publishes today")
	fresh := rsAwaitState(t, path, "the new domain", func(p tui.Progress) bool { return len(p.Names()) > 0 })
	if !slices.Equal(fresh.Names(), []string{rsThird}) || len(fresh.Checks()) != 0 {
		t.Errorf("after --fresh the progress names %q with %d reports, want only %s and none", fresh.Names(), len(fresh.Checks()), rsThird)
	}
	s.press("q")
	if code := s.exited(); code != 0 {
		t.Errorf("exit status %d after q, want 0", code)
	}
	final, _ := rsReadState(t, path)
	if slices.Contains(final.Names(), rsFirst) || slices.Contains(final.Names(), rsSecond) {
		t.Errorf("the progress still names the old domains: %q", final.Names())
	}
}
