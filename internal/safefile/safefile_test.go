package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, name string, size int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(strings.Repeat("x", size)), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadFileBounds(t *testing.T) {
	t.Parallel()
	exact := write(t, "exact", 100)
	data, err := ReadFile(exact, 100)
	if err != nil || len(data) != 100 {
		t.Fatalf("a file of exactly the limit: %d bytes, %v", len(data), err)
	}
	over := write(t, "over", 101)
	_, err = ReadFile(over, 100)
	var tl *TooLargeError
	if !errors.As(err, &tl) || !errors.Is(err, ErrTooLarge) || tl.Path != over {
		t.Fatalf("a file one byte over the limit: %v, want a *TooLargeError", err)
	}
	if want := over + " is larger than 100 bytes"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "nope"), 100); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file: %v, want not exist", err)
	}
}

func TestSize(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{1 << 20: "1 MiB", 4 << 20: "4 MiB", 1024: "1 KiB", 1500: "1500 bytes"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}
