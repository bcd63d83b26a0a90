package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// TestSmallFaultsUsage checks that bad input is refused with exit 2 and one
// line naming the real fault, for inputs that were once misread: a top-level
// domain offered "edu.edu", an address with a number over 255 was looked up
// as a host name (exit 3), an empty --dns-server silently meant the system
// resolver, and an escape sequence was reported as unbalanced brackets.
func TestSmallFaultsUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		args  []string
		wants []string
	}{
		{"check a top-level domain", []string{"check", "edu", "--dns-server", "127.0.0.1:1"}, []string{`"edu" is a top-level domain, not a mail domain`}},
		{"records a public suffix", []string{"records", "ac.uk", "--dns-server", "127.0.0.1:1"}, []string{`"ac.uk"`, "not a mail domain", "yourcenter.ac.uk"}},
		{"--dns-server octet over 255", []string{"check", "x.edu", "--dns-server", "256.0.0.1"}, []string{"--dns-server", "not an IPv4 address", "256 is over 255"}},
		{"--dns-server octet over 255 with port", []string{"records", "x.edu", "--dns-server", "10.0.0.256:53"}, []string{"256 is over 255"}},
		{"--dns-server empty on check", []string{"check", "x.edu", "--dns-server", ""}, []string{"--dns-server needs a server"}},
		{"--dns-server empty on records", []string{"records", "x.edu", "--dns-server="}, []string{"--dns-server needs a server"}},
		{"--dns-server blank", []string{"check", "x.edu", "--dns-server", " "}, []string{"--dns-server needs a server"}},
		{"--dns-server control character", []string{"check", "x.edu", "--dns-server", "127.0.0.1\x1b[31m"}, []string{"--dns-server", `control character '\x1b'`}},
		{"--dns-server empty on demo", []string{"demo", "--dns-server", ""}, []string{"--dns-server does not apply"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runWizard(t, tc.args...)
			wantUsageError(t, r, tc.wants...)
			if strings.Contains(r.stderr, "brackets") || strings.Contains(r.stderr, "edu.edu") {
				t.Errorf("stderr names the wrong fault: %q", r.stderr)
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitOutput waits until b holds want, with a long deadline that only a
// broken program reaches.
func waitOutput(t *testing.T, what string, b *syncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(b.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("%s never showed %q; it holds:\n%s", what, want, b.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServeOnlyLongLine feeds demo --serve-only, through a real pipe, a
// line over 64 KiB and then a command: the long line is reported on stderr
// naming the limit, and the command after it still runs (a bufio.Scanner
// stopped reading at the long line, silently).
func TestServeOnlyLongLine(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(buildWizard(t), "demo", "--serve-only")
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "HOME="+cmd.Dir, "XDG_CONFIG_HOME="+cmd.Dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr syncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = stdin.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	waitOutput(t, "stdout", &stdout, "Simulated DNS serving on")

	long := "publish " + strings.Repeat("x", 70<<10) + "\n"
	if _, err := io.WriteString(stdin, long+"publish yourcenter.edu\n"); err != nil {
		t.Fatalf("writing to the pipe: %v", err)
	}
	waitOutput(t, "stdout", &stdout, "Published 2 records")
	waitOutput(t, "stderr", &stderr, "\n")
	if got, want := stderr.String(), "a line longer than 64 KiB was skipped; say \"publish DOMAIN\" or \"mistake DOMAIN\"\n"; got != want {
		t.Errorf("stderr = %q, want %q", got, want)
	}

	// A line at the limit is read as a line (and refused as a command).
	if _, err := io.WriteString(stdin, strings.Repeat("y", 64<<10)+"\nmistake yourcenter.edu\n"); err != nil {
		t.Fatalf("writing to the pipe: %v", err)
	}
	waitOutput(t, "stdout", &stdout, "Published with a mistake")
	if got := stderr.String(); strings.Count(got, "64 KiB") != 1 || !strings.Contains(got, "say \"publish DOMAIN\" or \"mistake DOMAIN\"\nsay") {
		t.Errorf("stderr after a line at the limit = %q", got)
	}
}

// runInPty runs the built wizard with args in a pseudo-terminal (as a
// person's shell would, TERM=xterm-256color, no CI variable) and returns
// everything it wrote, once it has exited, and its exit status.
func runInPty(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(buildWizard(t), args...)
	cmd.Dir = t.TempDir()
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CI=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "TERM=xterm-256color", "COLORTERM=", "HOME="+cmd.Dir, "XDG_CONFIG_HOME="+cmd.Dir)
	cmd.Env = append(cmd.Env, env...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 100, Rows: 30})
	if err != nil {
		t.Fatalf("starting the wizard in a pty: %v", err)
	}
	defer f.Close()
	// Nothing answers a query: the test only looks at what was written.
	out, _ := io.ReadAll(f) // ends with EIO once the wizard has exited
	code := 0
	if err := cmd.Wait(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("waiting for the wizard: %v", err)
		}
		code = ee.ExitCode()
	}
	return string(out), code
}

// TestPrintingCommandsDoNotQueryTheTerminal: commands that only print,
// run in a terminal, never write a background colour query (OSC 11) or a
// cursor position request: over SSH or tmux the answer can arrive after
// the command has ended and land in the shell prompt as garbage. Colour
// is decided from the environment (NO_COLOR) alone.
func TestPrintingCommandsDoNotQueryTheTerminal(t *testing.T) {
	t.Parallel()
	srv := chkServer(t)
	tests := []struct {
		name  string
		env   []string
		args  []string
		code  int
		wants []string
	}{
		{"check", nil, []string{"check", "yourcenter.edu", "othercenter.edu", "--dns-server", srv.Addr()}, exitNotReady, []string{"yourcenter.edu", "\x1b[32m"}},
		{"check with NO_COLOR", []string{"NO_COLOR=1"}, []string{"check", "yourcenter.edu", "--dns-server", srv.Addr()}, exitOK, []string{"yourcenter.edu"}},
		{"records", nil, []string{"records", "othercenter.edu", "--dns-server", srv.Addr()}, exitOK, []string{"Records to publish for othercenter.edu"}},
		{"records with NO_COLOR", []string{"NO_COLOR=1"}, []string{"records", "othercenter.edu", "--dns-server", srv.Addr()}, exitOK, []string{"osc1._domainkey"}},
		{"providers", nil, []string{"providers"}, exitOK, []string{"microsoft365"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, code := runInPty(t, tc.env, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; output %q", code, tc.code, out)
			}
			for _, w := range tc.wants {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q: %q", w, out)
				}
			}
			for _, query := range []string{"\x1b]11;?", "\x1b[6n"} {
				if strings.Contains(out, query) {
					t.Errorf("the command asked the terminal %q: %q", query, out[:min(len(out), 200)])
				}
			}
			if slices.Contains(tc.env, "NO_COLOR=1") && strings.Contains(out, "\x1b[") {
				t.Errorf("NO_COLOR output has escape sequences: %q", out[:min(len(out), 200)])
			}
		})
	}
}
