//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// The signal tests run the built binary and send it real signals. They
// wait on content (a query received, a line written), never on sleeps;
// the deadlines only turn a hang into a failure.

// sigBuffer is a stream the test reads while the binary writes it.
type sigBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *sigBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *sigBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// sigProc is the binary running with its output captured.
type sigProc struct {
	t              *testing.T
	cmd            *exec.Cmd
	stdout, stderr *sigBuffer
	done           chan struct{}
	err            error
}

func sigStart(t *testing.T, stdin *os.File, args ...string) *sigProc {
	t.Helper()
	return sigStartEnv(t, nil, stdin, args...)
}

// sigStartEnv is sigStart with env (KEY=value) added to the environment.
func sigStartEnv(t *testing.T, env []string, stdin *os.File, args ...string) *sigProc {
	t.Helper()
	home := t.TempDir()
	p := &sigProc{t: t, cmd: exec.Command(buildWizard(t), args...), stdout: &sigBuffer{}, stderr: &sigBuffer{}, done: make(chan struct{})}
	p.cmd.Env = append(append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "NO_COLOR=1"), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if stdin != nil {
		p.cmd.Stdin = stdin
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { _ = p.cmd.Process.Kill(); <-p.done })
	return p
}

// until waits for cond, failing the test after a generous deadline.
func (p *sigProc) until(what string, cond func() bool) {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		select {
		case <-p.done:
			p.t.Fatalf("the wizard ended before %s: %v\nstdout:\n%s\nstderr:\n%s", what, p.err, p.stdout, p.stderr)
		default:
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("never %s\nstdout:\n%s\nstderr:\n%s", what, p.stdout, p.stderr)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// signal sends sig and returns the exit status; the process must end
// promptly (within the deadline that turns a hang into a failure).
func (p *sigProc) signal(sig syscall.Signal) int {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatal(err)
	}
	return p.exit()
}

func (p *sigProc) exit() int {
	p.t.Helper()
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		p.t.Fatalf("the wizard did not exit\nstdout:\n%s\nstderr:\n%s", p.stdout, p.stderr)
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			p.t.Fatalf("killed by %v instead of exiting", ws.Signal())
		}
		return ee.ExitCode()
	}
	if p.err != nil {
		p.t.Fatal(p.err)
	}
	return 0
}

// sigSlowServer is the check's DNS, answering every query after an hour.
func sigSlowServer(t *testing.T) *dnstest.Server {
	srv := chkServer(t)
	srv.SetLatency(time.Hour)
	return srv
}

// TestSignalDuringCheck: a signal while lookups are in flight ends the
// check at once: "interrupted" on stderr, no verdict (nothing at all) on
// stdout, 130 for SIGINT and 143 for SIGTERM, for a person and for --json.
func TestSignalDuringCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel()
	for _, tc := range []struct {
		name string
		sig  syscall.Signal
		json bool
		code int
	}{
		{"SIGINT", syscall.SIGINT, false, 130},
		{"SIGTERM", syscall.SIGTERM, false, 143},
		{"SIGINT --json", syscall.SIGINT, true, 130},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := sigSlowServer(t)
			args := []string{"check", "--dns-server", srv.Addr(), "yourcenter.edu", "othercenter.edu"}
			if tc.json {
				args = append(args, "--json")
			}
			p := sigStart(t, nil, args...)
			p.until("a query reached the server", func() bool { return len(srv.Queries()) > 0 })
			if code := p.signal(tc.sig); code != tc.code {
				t.Errorf("exit %d, want %d", code, tc.code)
			}
			if got := p.stderr.String(); got != "wizard: interrupted\n" {
				t.Errorf("stderr %q, want the one line \"wizard: interrupted\"", got)
			}
			if got := p.stdout.String(); got != "" {
				t.Errorf("stdout %q, want nothing (no verdict)", got)
			}
		})
	}
}

// TestSignalWhileReadingStdin: "check -" reading a pipe that never closes
// still ends at SIGINT, promptly, with 130.
func TestSignalWhileReadingStdin(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	p := sigStart(t, r, "check", "--dns-server", "127.0.0.1:9", "-")
	// The wizard has started reading once the line is out of the pipe.
	if _, err := w.WriteString("yourcenter.edu\n"); err != nil {
		t.Fatal(err)
	}
	p.until("the first line was read", func() bool { n, err := pipeUnread(r); return err == nil && n == 0 })
	if code := p.signal(syscall.SIGINT); code != 130 {
		t.Errorf("exit %d, want 130", code)
	}
	if got := p.stderr.String(); got != "wizard: interrupted\n" || p.stdout.String() != "" {
		t.Errorf("stderr %q stdout %q, want only \"wizard: interrupted\"", got, p.stdout)
	}
}

// TestPlatformFIFORefused: a FIFO given as --platform (or as a domains
// file) is refused at once with exit 2: never opened for a read that no
// writer would end.
func TestPlatformFIFORefused(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "platform.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFO: %v", err)
	}
	for _, args := range [][]string{
		{"check", "--dns-server", "127.0.0.1:9", "--platform", fifo, "yourcenter.edu"},
		{"records", "--dns-server", "127.0.0.1:9", "--platform", fifo, "yourcenter.edu"},
		{"check", "--dns-server", "127.0.0.1:9", "--domains-file", fifo},
	} {
		p := sigStart(t, nil, args...)
		if code := p.exit(); code != exitUsage {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		if got := p.stderr.String(); !strings.Contains(got, "is a named pipe (FIFO), not a regular file") || strings.Count(got, "\n") != 1 {
			t.Errorf("%v: stderr %q, want one line saying it is a FIFO", args, got)
		}
	}
}

// TestSignalDuringWatch: check --watch interrupted while waiting for the
// next check writes the last complete report again, then says it was
// interrupted and exits 130.
func TestSignalDuringWatch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel()
	srv := chkServer(t)
	p := sigStart(t, nil, "check", "--dns-server", srv.Addr(), "--watch", "othercenter.edu")
	p.until("the first report was written", func() bool { return strings.Contains(p.stdout.String(), "Checking again in") })
	first := p.stdout.String()
	if code := p.signal(syscall.SIGINT); code != 130 {
		t.Errorf("exit %d, want 130", code)
	}
	if got := p.stderr.String(); got != "wizard: interrupted\n" {
		t.Errorf("stderr %q, want \"wizard: interrupted\"", got)
	}
	out := p.stdout.String()
	i := strings.Index(out, "Interrupted. The last complete check:")
	if i < len(first)-1 {
		t.Fatalf("no last report after the first one:\n%s", out)
	}
	last := out[i:]
	for _, want := range []string{"othercenter.edu", "Second-best option for now: turn the checkbox ON."} {
		if !strings.Contains(last, want) {
			t.Errorf("the last report lacks %q:\n%s", want, last)
		}
	}
	if strings.Contains(out, "Gave up") {
		t.Errorf("an interrupt is not giving up:\n%s", out)
	}
}

// TestSignalDuringWatchJSON: --watch --json interrupted writes the
// document of the last complete check, then exits 130.
func TestSignalDuringWatchJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel()
	srv := chkServer(t)
	// Every wait of the schedule is short: the test waits for the second
	// check to begin, not for the first 5 seconds to pass.
	p := sigStartEnv(t, []string{watchWaitEnv + "=50ms"}, nil, "check", "--dns-server", srv.Addr(), "--watch", "--json", "othercenter.edu")
	// The first check is complete once the second has begun: a check
	// asks each name and type once, so the DKIM name asked again for a
	// type is the second check (after the first wait of the schedule).
	dkim := "osc1._domainkey.othercenter.edu."
	p.until("the second check began", func() bool {
		asked := map[uint16]int{}
		for _, q := range srv.Queries() {
			if q.Name == dkim {
				if asked[q.Type]++; asked[q.Type] == 2 {
					return true
				}
			}
		}
		return false
	})
	if code := p.signal(syscall.SIGINT); code != 130 {
		t.Errorf("exit %d, want 130", code)
	}
	var doc struct {
		Domains []struct{ Domain string } `json:"domains"`
		Advice  struct{ Option string }   `json:"advice"`
	}
	out := p.stdout.String()
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Domains) != 1 || doc.Advice.Option != "second-best" {
		t.Errorf("stdout is not the last complete document (%v):\n%s", err, out)
	}
	if got := p.stderr.String(); got != "wizard: interrupted\n" {
		t.Errorf("stderr %q", got)
	}
}

// TestSignalTermTUI: SIGTERM to the full-screen wizard ends it promptly,
// leaving the terminal usable, with 143.
func TestSignalTermTUI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel()
	s := startScreen(t, t.TempDir(), "demo")
	s.waitFor("Welcome", "DEMO")
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := s.exited(); code != 143 {
		t.Errorf("exit %d, want 143", code)
	}
	s.waitFor("wizard: interrupted")
	if strings.Contains(s.text(), "Welcome") {
		t.Errorf("the wizard's screen is still shown (alternate screen not left):\n%s", s.text())
	}
}
