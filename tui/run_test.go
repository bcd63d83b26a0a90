package tui_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/outreach-auth/wizard/tui"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// Read drains what was written so far (teatest.WaitFor reads it).
func (s *syncBuffer) Read(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Read(p)
}

// TestRun runs the whole program on a pipe: keys typed as a person would,
// the screen read back, and the summary printed after the alternate screen
// is left.
func TestRun(t *testing.T) {
	env := tuitest.NewEnv(t)
	inR, inW := io.Pipe()
	out := &syncBuffer{}
	var all strings.Builder
	wait := func(text string) {
		t.Helper()
		teatest.WaitFor(t, out, func(b []byte) bool {
			return strings.Contains(ansi.Strip(string(b)), text)
		}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
		all.WriteString(text)
	}
	type result struct {
		sum tui.Summary
		err error
	}
	done := make(chan result, 1)
	go func() {
		sum, err := tui.Run(context.Background(), cfgFor(env, t.TempDir()), inR, out)
		done <- result{sum, err}
	}()
	typ := func(s string) {
		if _, err := io.WriteString(inW, s); err != nil {
			t.Fatal(err)
		}
	}
	wait("Let Neoserra send mail as your own domain")
	typ("\r")
	wait("What is your mail domain?")
	typ("yourcenter.edu")
	wait("Will use yourcenter.edu")
	typ("\r")
	wait("What yourcenter.edu publishes today")
	typ("\r")
	wait("Microsoft 365 (detected)")
	typ("\r")
	wait("Do your staff send Neoserra mail from any other domain?")
	typ("\r")
	wait("Records to publish for yourcenter.edu")
	typ("q")
	var r result
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the program did not end on q")
	}
	inW.Close()
	if r.err != nil {
		t.Fatal(r.err)
	}
	for _, want := range []string{"Neoserra sender authentication: yourcenter.edu", "Neoserra's sender setting: turn it ON",
		"  yourcenter.edu: not checked yet; publish:\n    DKIM: add a CNAME record\n",
		"  When they are published, check them:\n    wizard check yourcenter.edu\n"} {
		if !strings.Contains(r.sum.Text, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.sum.Text)
		}
	}
	rest, _ := io.ReadAll(out)
	if !strings.HasSuffix(string(rest), r.sum.Text) {
		t.Errorf("the summary was not printed last:\n%q", rest)
	}
	if !strings.Contains(string(rest), "\x1b[?1049l") {
		t.Errorf("the alternate screen was not left before the summary")
	}
}
