package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// asWizardName is the name under which this package's test binary runs as
// the wizard itself: the end-to-end tests start it through a link of that
// name (wizardLink) instead of building the command, which would cost each
// run of the suite a link of the whole program.
const asWizardName = "wizard"

// watchWaitEnv, in the environment of the test binary started as the
// wizard, sets every wait of check --watch's schedule (a Go duration), so
// that a test need not wait out the first 5 seconds.
const watchWaitEnv = "WIZARD_TEST_WATCH_WAIT"

// TestMain runs the wizard when the test binary is started as it (see
// asWizardName): main, exactly as the built command runs it, with the
// wizard's own timeouts (and watchWaitEnv's schedule, if set).
//
// Otherwise it runs the tests, with a shorter wait for one DNS answer: the
// fault tests' silent servers and wrong-ID replies end at this timeout,
// and the in-process servers answer healthy questions within
// milliseconds. (A test may still raise it, alone, as
// TestCheckDomainsFileMany does.) The line prompts' width comes from the
// test, never from a COLUMNS the shell running the tests exported.
func TestMain(m *testing.M) {
	if strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe") == asWizardName {
		if d, err := time.ParseDuration(os.Getenv(watchWaitEnv)); err == nil {
			watchWait = func(time.Duration) time.Duration { return d }
		}
		main() // ends the process
	}
	queryTimeout = 700 * time.Millisecond
	os.Unsetenv("COLUMNS")
	code := m.Run()
	realServers.stop() // the named and knotd of the publish tests, when started
	if wizardDir != "" {
		_ = os.RemoveAll(wizardDir)
	}
	os.Exit(code)
}

// wizardDir holds the link made by wizardLink, removed when the tests end.
var wizardDir string

// wizardLink makes the link through which the test binary runs as the
// wizard: a symbolic link named asWizardName to this executable, or a
// copy where links cannot be made.
func wizardLink() (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("finding the test binary: %w", err)
	}
	dir, err := os.MkdirTemp("", "wizard-e2e")
	if err != nil {
		return "", err
	}
	wizardDir = dir
	name := asWizardName
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	link := filepath.Join(dir, name)
	if os.Symlink(self, link) == nil {
		return link, nil
	}
	return link, copyExecutable(self, link)
}

// copyExecutable copies the executable from to the new file to.
func copyExecutable(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
