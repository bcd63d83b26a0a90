//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestSignalDuringReports: a signal while the reports command waits on
// standard input (SIGINT) or on DNS (SIGTERM) ends it at once with 130
// or 143, "interrupted" and no summary.
func TestSignalDuringReports(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel()
	t.Run("SIGINT reading stdin", func(t *testing.T) {
		t.Parallel()
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close(); w.Close() })
		p := sigStart(t, r, "reports", "--dns-server", "127.0.0.1:9", "-")
		if _, err := w.WriteString("<feedback>"); err != nil {
			t.Fatal(err)
		}
		p.until("the first bytes were read", func() bool { n, err := pipeUnread(r); return err == nil && n == 0 })
		if code := p.signal(syscall.SIGINT); code != 130 {
			t.Errorf("exit %d, want 130", code)
		}
		if got := p.stderr.String(); got != "wizard: interrupted\n" || p.stdout.String() != "" {
			t.Errorf("stderr %q stdout %q", got, p.stdout)
		}
	})
	t.Run("SIGTERM during DNS", func(t *testing.T) {
		t.Parallel()
		srv := sigSlowServer(t)
		f := filepath.Join(t.TempDir(), "r.xml")
		if err := os.WriteFile(f, []byte(rptPassing()), 0o600); err != nil {
			t.Fatal(err)
		}
		p := sigStart(t, nil, "reports", "--json", "--dns-server", srv.Addr(), f)
		p.until("a query reached the server", func() bool { return len(srv.Queries()) > 0 })
		if code := p.signal(syscall.SIGTERM); code != 143 {
			t.Errorf("exit %d, want 143", code)
		}
		if got := p.stderr.String(); got != "wizard: interrupted\n" || p.stdout.String() != "" {
			t.Errorf("stderr %q stdout %q", got, p.stdout)
		}
	})
}
