package quietstart

import (
	"os"
	"testing"
)

// TestRestore: Restore removes the CI that init set, and only that one; a
// CI set before the program started is left alone.
func TestRestore(t *testing.T) {
	hadCI := !set // init set CI only when it was not set already
	before, _ := os.LookupEnv("CI")
	if !hadCI && before != "1" {
		t.Fatalf("init recorded setting CI, but CI is %q", before)
	}
	Restore()
	Restore() // a second call changes nothing
	after, ok := os.LookupEnv("CI")
	switch {
	case hadCI && (!ok || after != before):
		t.Errorf("CI set before the start was changed: %q → %q (set %v)", before, after, ok)
	case !hadCI && ok:
		t.Errorf("CI is still set (%q) after Restore", after)
	}
}
