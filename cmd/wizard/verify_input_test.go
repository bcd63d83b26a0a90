package main

import (
	"strings"
	"testing"
)

// Inputs 'wizard verify' refuses as bad input (exit 2, one line): a file
// of several messages (mbox), and one header line over the bound with no
// line end at all.
func TestVerifyRefusesExit2(t *testing.T) {
	t.Parallel()
	srv := vfyServer(t)
	sep := "From MAILER-DAEMON Mon Dec  7 10:00:00 2026\n"
	one := strings.ReplaceAll(vfyMessage(t, "yourcenter.edu"), "\r\n", "\n")
	for name, c := range map[string]struct{ stdin, want string }{
		"mbox of two":         {sep + one + "\n" + sep + one, "several messages"},
		"endless header line": {"Subject: " + strings.Repeat("x", 200<<10), "header line is longer than 64 KiB"},
	} {
		t.Run(name, func(t *testing.T) {
			r := chkRun(t, c.stdin, "verify", "--dns-server", srv.Addr(), "-")
			if r.code != exitUsage {
				t.Fatalf("exit %d, want 2\n%s%s", r.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stderr, c.want) || strings.Count(r.stderr, "\n") != 1 || r.stdout != "" {
				t.Errorf("stderr %q (want one line with %q), stdout %q", r.stderr, c.want, r.stdout)
			}
		})
	}
	// The same mbox with one message verifies (exit 0); so does a file of
	// CR-only line ends.
	for name, in := range map[string]string{"mbox of one": sep + one, "CR-only": strings.ReplaceAll(one, "\n", "\r")} {
		if r := chkRun(t, in, "verify", "--dns-server", srv.Addr(), "-"); r.code != exitOK {
			t.Errorf("%s: exit %d\n%s%s", name, r.code, r.stdout, r.stderr)
		}
	}
}
