package main

import (
	"os"
	"testing"
	"time"
)

// TestMain shortens the wait for one DNS answer in this package's tests:
// the fault tests' silent servers and wrong-ID replies end at this timeout,
// and the in-process servers answer healthy questions within milliseconds.
// (A test may still raise it, alone, as TestCheckDomainsFileMany does.)
// The line prompts' width comes from the test, never from a COLUMNS the
// shell running the tests exported.
func TestMain(m *testing.M) {
	queryTimeout = 700 * time.Millisecond
	os.Unsetenv("COLUMNS")
	code := m.Run()
	realServers.stop() // the named and knotd of the publish tests, when started
	os.Exit(code)
}
