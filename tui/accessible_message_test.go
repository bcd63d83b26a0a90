package tui_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/tui"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// unsignedMessage is a saved message from the checked domain without a
// DKIM signature: the confirm step's verdict on it is a failure, which is
// enough to see that it was verified.
const unsignedMessage = "Return-Path: <jane@yourcenter.edu>\n" +
	"From: Jane Doe <jane@yourcenter.edu>\n" +
	"To: it@yourcenter.edu\n" +
	"Subject: Test from Neoserra\n" +
	"Date: Tue, 24 Nov 2026 17:00:00 +0000\n" +
	"Message-ID: <test-1@neoserra.example>\n" +
	"\n" +
	"Hello from Neoserra.\n"

const offerV = "Type v to write a test message from the simulated Neoserra and check it, b to go back to the checks, or press Enter to go on: "

// TestAccessibleTestMessage: with a test message maker (the demo's), the
// advice's plain prompt offers v, says a message it could not write and
// offers again, and the confirm step verifies the message written without
// asking for a path; the summary has its verdict.
func TestAccessibleTestMessage(t *testing.T) {
	env := tuitest.NewEnv(t)
	env.Publish(t)
	cfg := cfgFor(env, t.TempDir())
	path := filepath.Join(t.TempDir(), "test.eml")
	var asked []string
	cfg.TestMessage = func(_ context.Context, domain string) (string, error) {
		asked = append(asked, domain)
		if len(asked) == 1 {
			return "", errors.New("the disk is full")
		}
		return path, os.WriteFile(path, []byte(unsignedMessage), 0o600)
	}
	in := strings.NewReader(strings.Join([]string{
		"yourcenter.edu",
		"", // the detected provider
		"", // no other domains
		"", // no DMARC reports
		"", // check
		"w",
		"v", // the disk is full
		"v",
	}, "\n") + "\n")
	var out bytes.Buffer
	if err := tui.RunAccessible(context.Background(), cfg, in, &out); err != nil {
		t.Fatalf("RunAccessible: %v\n%s", err, out.String())
	}
	got := out.String()
	if len(asked) != 2 || asked[0] != "yourcenter.edu" || asked[1] != "yourcenter.edu" {
		t.Errorf("test messages asked for %q", asked)
	}
	if n := strings.Count(got, offerV); n != 3 {
		t.Errorf("v offered %d times, want 3 (at first, after w, after the failure)", n)
	}
	for _, want := range []string{
		"Type v or b, or press Enter.",
		"Could not write the test message: the disk is full.",
		"Wrote a test message for yourcenter.edu to " + path + ".",
		"Verifying " + path + "...",
		"Message from jane@yourcenter.edu (domain yourcenter.edu)",
		"\nConfirmed with a real message\n  " + path + "\n  The message from yourcenter.edu (checked at ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(got, "Path of the saved message") {
		t.Error("the confirm step asked for a path although the test message was verified")
	}
	if t.Failed() {
		t.Log(got)
	}
}

// TestAccessibleNoTestMessage: outside the demo the advice offers no v,
// and the confirm step asks for a saved message.
func TestAccessibleNoTestMessage(t *testing.T) {
	env := tuitest.NewEnv(t)
	env.Publish(t)
	in := strings.NewReader("yourcenter.edu\n\n\n\n\n\n")
	var out bytes.Buffer
	if err := tui.RunAccessible(context.Background(), cfgFor(env, t.TempDir()), in, &out); err != nil {
		t.Fatalf("RunAccessible: %v\n%s", err, out.String())
	}
	if got := out.String(); strings.Contains(got, offerV) || !strings.Contains(got, "Path of the saved message") {
		t.Errorf("output:\n%s", got)
	}
}
