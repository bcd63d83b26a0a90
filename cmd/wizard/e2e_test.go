package main

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
)

// The end-to-end tests run the wizard's main (the test binary started as
// the wizard, see TestMain) in a real pseudo-terminal
// (100×30 unless said otherwise) and read its screen through a terminal
// emulator, typing as a person would. They wait on screen content with a
// deadline, never on fixed sleeps.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// buildWizard returns the wizard to run: this package's test binary,
// started as the wizard through a link (see TestMain). It runs main as
// the built command does, and costs no build.
func buildWizard(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() { binPath, buildErr = wizardLink() })
	if buildErr != nil {
		t.Fatalf("making the wizard: %v", buildErr)
	}
	return binPath
}

// buildWizardCommand builds the wizard command itself into dir, for a
// benchmark that measures the program alone.
func buildWizardCommand(t testing.TB, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "wizard")
	if out, err := exec.Command("go", "build", "-o", path, ".").CombinedOutput(); err != nil {
		t.Fatalf("building the wizard: %v: %s", err, out)
	}
	return path
}

// screen is a running wizard in a pseudo-terminal.
type screen struct {
	t    *testing.T
	pty  *os.File
	cmd  *exec.Cmd
	mu   sync.Mutex
	term *vt.Emulator
	done chan struct{}
}

// startScreen runs the wizard with args in a pseudo-terminal. home is
// both its HOME and its XDG_CONFIG_HOME, so whatever it saves lands there
// (see statePath) and a developer's real configuration is never touched;
// runs that share home share the saved progress.
func startScreen(t *testing.T, home string, args ...string) *screen {
	t.Helper()
	return startScreenSized(t, home, 100, 30, args...)
}

// startScreenSized is startScreen in a pseudo-terminal of cols×rows.
func startScreenSized(t *testing.T, home string, cols, rows int, args ...string) *screen {
	t.Helper()
	bin := buildWizard(t)
	cmd := exec.Command(bin, args...)
	cmd.Dir = t.TempDir()
	// Later entries win over the same names from os.Environ.
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", "COLORTERM=", "NO_COLOR=", "SSH_TTY=", "SSH_CONNECTION=", "DISPLAY=", "WAYLAND_DISPLAY=", "TMUX=",
		"HOME="+home, "XDG_CONFIG_HOME="+home)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)})
	if err != nil {
		t.Fatalf("starting the wizard in a pty: %v", err)
	}
	s := &screen{t: t, pty: f, cmd: cmd, term: vt.NewEmulator(cols, rows), done: make(chan struct{})}
	// Answers the emulator gives to terminal queries go back to the program.
	go func() { _, _ = io.Copy(f, s.term) }()
	go func() {
		defer close(s.done)
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			if n > 0 {
				s.mu.Lock()
				_, _ = s.term.Write(buf[:n])
				s.mu.Unlock()
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		_ = f.Close()
		// The emulator is not closed: its Close races the goroutine still
		// reading its answers, which ends with the test binary.
	})
	return s
}

func (s *screen) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.term.String()
}

// waitFor waits until the screen shows every one of want.
func (s *screen) waitFor(want ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		txt := s.text()
		ok := true
		for _, w := range want {
			if !strings.Contains(txt, w) {
				ok = false
				break
			}
		}
		if ok {
			return txt
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the screen never showed %q; it shows:\n%s", want, txt)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *screen) press(keys string) {
	s.t.Helper()
	if _, err := s.pty.Write([]byte(keys)); err != nil {
		s.t.Fatalf("typing %q: %v", keys, err)
	}
}

// exited waits for the program to end and returns its exit status.
func (s *screen) exited() int {
	s.t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- s.cmd.Wait() }()
	select {
	case err := <-errc:
		<-s.done
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			s.t.Fatalf("waiting for the wizard: %v", err)
		}
		return 0
	case <-time.After(20 * time.Second):
		s.t.Fatalf("the wizard did not exit; the screen shows:\n%s", s.text())
	}
	return -1
}

const enter = "\r"

// statePath is where the wizard started with startScreen(home) keeps its
// progress: os.UserConfigDir() under that HOME and XDG_CONFIG_HOME.
func statePath(home string) string {
	dir := home
	if runtime.GOOS == "darwin" {
		dir = filepath.Join(home, "Library", "Application Support")
	}
	return filepath.Join(dir, "outreach-wizard", "neoserra.json")
}

// wantNoProgress fails the test when the demo left anything in the
// configuration directory: its simulated domains are not worth resuming.
func wantNoProgress(t *testing.T, home string) {
	t.Helper()
	dir := filepath.Dir(statePath(home))
	if entries, err := os.ReadDir(dir); err == nil {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("the demo saved progress in %s: %v", dir, names)
	} else if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("reading %s: %v", dir, err)
	}
}

// walkToOtherDomains leaves the welcome, types yourcenter.edu (as an
// address), accepts the detected provider and reaches the question about
// other domains.
func walkToOtherDomains(s *screen) {
	s.press(enter)
	s.waitFor("What is your mail domain?")
	s.press("Jane.Doe@YourCenter.edu")
	s.waitFor("Will use yourcenter.edu")
	s.press(enter)
	s.waitFor("What yourcenter.edu publishes today", "Microsoft 365")
	s.press(enter)
	s.waitFor("Microsoft 365 (detected)")
	s.press(enter)
	s.waitFor("Do your staff send Neoserra mail from any other domain?")
}

// walkToRecords types a domain, accepts the detected provider and reaches
// the records step.
func walkToRecords(s *screen) {
	s.waitFor("Welcome", "DEMO")
	walkToOtherDomains(s)
	s.waitFor("Press enter with the field empty to go on with 1 domain.")
	s.press(enter)
	s.waitFor("Records to publish for yourcenter.edu", "osc1._domainkey.outreachsystems.com.")
}

func TestEndToEndDemoBestOption(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel()
	home := t.TempDir()
	s := startScreen(t, home, "demo")
	walkToRecords(s)

	s.press("c")
	s.waitFor("Copied")

	s.press("m")
	s.waitFor("Published with a mistake")
	s.press(enter)
	s.waitFor("Checking yourcenter.edu", "osc1._domainkey.yourcenter.edu.yourcenter.edu")

	s.press("b")
	s.waitFor("Records to publish for yourcenter.edu")
	s.press("p")
	s.waitFor("Published")
	s.press(enter)
	// The success waits for enter: it does not move on while being read.
	s.waitFor("SPF and DKIM pass: yourcenter.edu is ready!", "Press enter for the advice.")
	s.press(enter)
	s.waitFor("passes SPF and DKIM", "Turn it: OFF")
	s.press(enter)
	s.waitFor("Confirm with a real message")
	s.press(enter) // an empty field skips the optional last step
	if code := s.exited(); code != 0 {
		t.Errorf("exit status %d, want 0", code)
	}
	s.waitFor("yourcenter.edu", "OFF", "When sending email, have Neoserra authenticate on sender's behalf?")
	wantNoProgress(t, home)
}

func TestEndToEndDemoGiveUpSecondBest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel()
	home := t.TempDir()
	s := startScreen(t, home, "demo")
	walkToRecords(s)
	s.press(enter)
	s.waitFor("Checking yourcenter.edu", "DKIM", "missing")
	s.press("a")
	s.waitFor("Press a again")
	s.press("a")
	s.waitFor("Second best", "Turn it: ON")
	s.press(enter)
	s.waitFor("Confirm with a real message")
	s.press(enter)
	if code := s.exited(); code != 0 {
		t.Errorf("exit status %d, want 0", code)
	}
	s.waitFor("ON", "When sending email, have Neoserra authenticate on sender's behalf?")
	wantNoProgress(t, home)
}
