//go:build unix

package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestReadFileRefusesNonFiles: a directory, a device, a symbolic link to
// a device and a FIFO nobody writes to are refused at once. Without the
// non-blocking open the FIFO case would hang until the test times out.
func TestReadFileRefusesNonFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cases := map[string]string{"a directory": dir}
	{
		link := filepath.Join(dir, "progress.json")
		if err := os.Symlink("/dev/zero", link); err != nil {
			t.Fatal(err)
		}
		fifo := filepath.Join(dir, "fifo")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Fatal(err)
		}
		cases["a device"] = "/dev/zero"
		cases["a link to a device"] = link
		cases["a named pipe (FIFO)"] = fifo
	}
	for kind, path := range cases {
		_, err := ReadFile(path, 1<<20)
		var nr *NotRegularError
		if !errors.As(err, &nr) || !errors.Is(err, ErrNotRegular) {
			t.Errorf("%s: %v, want a *NotRegularError", kind, err)
			continue
		}
		want := kind
		if kind == "a link to a device" {
			want = "a device"
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %q does not say %q", kind, err, want)
		}
	}
}
