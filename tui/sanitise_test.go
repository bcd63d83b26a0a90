package tui_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// Text from DNS, a saved file or a message must reach the terminal with
// its control characters made visible (dnscheck.Printable). These tests
// look at the raw output, escape sequences and all: stripping the
// escapes first (ansi.Strip, tuitest.Plain) would remove the very thing
// they look for.

// hostile holds what an attacker would put in DNS or a file: a title
// change and bell (OSC), a screen clear (CSI) and a C1 CSI.
const hostile = "\x1b]0;owned\x07\x1b[2J\u009b31m"

// hostileShown is hostile as dnscheck.Printable shows it.
var hostileShown = dnscheck.Printable(hostile)

// rawControls returns the first control character in raw that is not a
// line feed, a tab or (when styled) part of a colour sequence the wizard
// draws itself (CSI … m), with its offset; "" when there is none.
func rawControls(raw string, styled bool) (string, int) {
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRuneInString(raw[i:])
		switch {
		case r == '\n' || r == '\t':
		case r == 0x1b && styled && strings.HasPrefix(raw[i:], "\x1b["):
			j := i + 2
			for j < len(raw) && (raw[j] == ';' || raw[j] == ':' || (raw[j] >= '0' && raw[j] <= '9')) {
				j++
			}
			if j < len(raw) && raw[j] == 'm' {
				i = j + 1
				continue
			}
			return raw[i:min(j+1, len(raw))], i
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || (r == utf8.RuneError && size == 1):
			return raw[i : i+size], i
		}
		i += size
	}
	return "", -1
}

// wantSanitised fails unless raw has no control characters of its own
// (colours allowed when styled) and shows hostile made printable, which
// proves the hostile text did reach it.
func wantSanitised(t *testing.T, what, raw string, styled bool) {
	t.Helper()
	if c, at := rawControls(raw, styled); c != "" {
		t.Errorf("%s has the raw control sequence %q at %d:\n%q", what, c, at, raw)
	}
	if !strings.Contains(unwrapped(tuitest.Plain(raw)), hostileShown) && !strings.Contains(strings.Join(strings.Fields(tuitest.Plain(raw)), ""), hostileShown) {
		t.Errorf("%s does not show %q: the hostile text never reached it, so the test proves nothing:\n%q", what, hostileShown, raw)
	}
}

// TestRawControlsSees: the checker itself finds what it is for, and lets
// the wizard's own colours through.
func TestRawControlsSees(t *testing.T) {
	for _, bad := range []string{hostile, "a\x07", "a\x1b]0;x\x07", "\x1b[2J", "\u009b31m", "a\rb", "\x7f", "\xff"} {
		if c, _ := rawControls("ok "+bad, true); c == "" {
			t.Errorf("%q not seen", bad)
		}
	}
	if c, _ := rawControls("\x1b[1;38;5;12mtitle\x1b[0m\n\tline", true); c != "" {
		t.Errorf("colours seen as hostile: %q", c)
	}
	if c, _ := rawControls("\x1b[1mtitle\x1b[0m", false); c == "" {
		t.Error("colours let through in plain output")
	}
}

// hostileProgress is saved progress whose step, second domain and first
// result hold hostile text.
func hostileProgress(t *testing.T, env *tuitest.Env) tui.Progress {
	prog := savedProgress(t, env)
	prog.Step += hostile
	prog.Session.Domains[1].Name += hostile
	prog.Session.Domains[0].Check.SPF.Status += hostile
	return prog
}

// TestOfferHostileProgressAccessible: the line prompts' offer to resume,
// its last-check lines and the refusal to resume show the file's hostile
// text made printable, never raw.
func TestOfferHostileProgressAccessible(t *testing.T) {
	env := tuitest.NewEnv(t)
	prog := hostileProgress(t, env)
	for _, l := range prog.LastCheck() {
		if c, _ := rawControls(l.Text, false); c != "" {
			t.Errorf("LastCheck line %q has %q", l.Text, c)
		}
	}
	if lines := prog.LastCheck(); len(lines) == 0 || !strings.Contains(lines[0].Text, hostileShown) {
		t.Errorf("LastCheck does not show the file's text made printable: %+v", lines)
	}
	cfg := cfgFor(env, t.TempDir())
	cfg.Resume = &prog
	var out bytes.Buffer
	if err := tui.RunAccessible(context.Background(), cfg, strings.NewReader("\nq\n"), &out); err != nil {
		t.Fatalf("RunAccessible: %v\n%s", err, out.String())
	}
	wantSanitised(t, "the line prompts' offer", out.String(), false)
	if !strings.Contains(out.String(), "Could not resume") {
		t.Errorf("no refusal to resume:\n%s", out.String())
	}
}

// TestSummaryHostileFromFilesAndMessages: SummaryText shows text from a
// saved progress file (its results), a file the wizard wrote (its path)
// and a message (its file name and verdict) made printable.
func TestSummaryHostileFromFilesAndMessages(t *testing.T) {
	env := tuitest.NewEnv(t)
	snap := env.Snapshot(t)
	base := func(more ...any) *session.Session {
		return tuitest.NewSession(append([]any{env.Input(t), snap, tuitest.Detected(snap), plan.Plans{env.Plan(t, snap)}}, more...)...)
	}

	// Results read back from a saved progress file.
	rep := env.Report(t)
	rep.Problems = append(rep.Problems, dnscheck.Problem{Code: "x", Severity: dnscheck.SeverityError, Message: "m", Fix: "Ask " + hostile})
	wantSanitised(t, "the summary of saved results", tui.SummaryText(env.Platform, base([]dnscheck.DomainReport{rep}), 80), false)

	// A file written, in a folder with a hostile name.
	files := []session.SavedFile{{Path: "/tmp/" + hostile + "/dns-handoff-yourcenter.edu.md", Holds: "the hand-off sheet"}}
	wantSanitised(t, "the summary of files written", tui.SummaryText(env.Platform, base(files), 80), false)

	// A message: its file name, its From domain and its verdict line.
	now := time.Now()
	for name, m := range map[string]session.Message{
		"file name":   {Source: "/tmp/msg" + hostile + ".eml", FromDomain: "yourcenter.edu", Verdict: "fail", Line: "fails", At: now},
		"from domain": {Source: "msg.eml", FromDomain: "yourcenter.edu" + hostile, Verdict: "fail", Line: "fails", At: now},
		"reports":     {Source: "msg.eml", Verdict: "fail", Line: "Reports: From " + hostile + " fails DMARC", At: now, Reports: true},
	} {
		wantSanitised(t, "the summary of a message's "+name, tui.SummaryText(env.Platform, base(m), 80), false)
	}
}
