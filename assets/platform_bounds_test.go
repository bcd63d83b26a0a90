package assets

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/internal/safefile"
)

// TestLoadPlatformBounded: a platform file larger than MaxPlatformFile is
// refused without being read whole (/dev/zero would otherwise grow
// without end), and so is anything that is not a regular file.
func TestLoadPlatformBounded(t *testing.T) {
	t.Parallel()
	big := filepath.Join(t.TempDir(), "big.json")
	// Valid JSON up to the end: only the size is wrong.
	body := `{"name": "` + strings.Repeat("x", MaxPlatformFile) + `"}`
	if err := os.WriteFile(big, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadPlatform(big)
	if !errors.Is(err, safefile.ErrTooLarge) || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Errorf("a file over 1 MiB: %v, want refused as too large", err)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		_, err := LoadPlatform("/dev/zero")
		if !errors.Is(err, safefile.ErrNotRegular) || !strings.Contains(err.Error(), "/dev/zero is a device") {
			t.Errorf("/dev/zero: %v, want refused as not a regular file", err)
		}
	}
	_, err = LoadPlatform(t.TempDir())
	if !errors.Is(err, safefile.ErrNotRegular) || !strings.HasPrefix(err.Error(), "assets: platform file: ") {
		t.Errorf("a directory: %v, want refused as not a regular file", err)
	}
}
