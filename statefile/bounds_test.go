package statefile

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/internal/safefile"
)

// TestSaveSyncsBeforeRename records the file operations of a save: the
// temporary file's content must be synced before it is renamed over the
// path (else a crash can leave an empty file under the real name), and the
// directory synced after the rename. Dropping any of the three fails it.
//
// Not parallel: it replaces the package's file operations.
func TestSaveSyncsBeforeRename(t *testing.T) {
	saved := ops
	t.Cleanup(func() { ops = saved })
	path := filepath.Join(t.TempDir(), "progress.json")
	var got []string
	var synced string
	ops = fileOps{
		sync: func(f *os.File) error {
			got = append(got, "sync "+filepath.Base(f.Name()))
			synced = f.Name()
			return saved.sync(f)
		},
		rename: func(oldpath, newpath string) error {
			got = append(got, "rename "+filepath.Base(oldpath)+" "+filepath.Base(newpath))
			return saved.rename(oldpath, newpath)
		},
		syncDir: func(dir string) {
			got = append(got, "sync dir "+dir)
			saved.syncDir(dir)
		},
	}
	mustSave(t, path, sample())
	if synced == "" {
		t.Fatalf("the temporary file was never synced; operations: %q", got)
	}
	tmp := filepath.Base(synced)
	want := []string{"sync " + tmp, "rename " + tmp + " progress.json", "sync dir " + filepath.Dir(path)}
	if !slices.Equal(got, want) {
		t.Errorf("operations %q,\nwant %q", got, want)
	}
	if !strings.HasPrefix(tmp, ".progress.json.tmp-") {
		t.Errorf("synced %s, not the temporary file", tmp)
	}
}

// TestSaveStopsWhenSyncFails: a save whose sync fails does not rename, so
// the old file stays whole.
func TestSaveStopsWhenSyncFails(t *testing.T) {
	saved := ops
	t.Cleanup(func() { ops = saved })
	path := filepath.Join(t.TempDir(), "progress.json")
	mustSave(t, path, sample())
	old := mustRead(t, path)
	renamed := false
	ops.sync = func(*os.File) error { return errors.New("disk full") }
	ops.rename = func(o, n string) error { renamed = true; return saved.rename(o, n) }
	next := sample()
	next.Step = "advice"
	if err := Save(path, next); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Save with a failing sync = %v, want the error", err)
	}
	if renamed {
		t.Error("renamed after the sync failed")
	}
	if got := mustRead(t, path); string(got) != string(old) {
		t.Error("the old file changed")
	}
	if names := dirNames(t, filepath.Dir(path)); !slices.Equal(names, []string{"progress.json"}) {
		t.Errorf("left behind: %v", names)
	}
}

// TestLoadRefusesNonFiles: a progress "file" that is a link to /dev/zero
// or a FIFO nobody writes to is not read (it would grow without end, or
// block); it is moved aside like a corrupt file, promptly.
func TestLoadRefusesNonFiles(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	stamp := fixClock(t)
	dir := t.TempDir()
	link := filepath.Join(dir, "zero.json")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	ce := loadCorrupt(t, link, link+".corrupt-"+stamp)
	if !errors.Is(ce, safefile.ErrNotRegular) || !strings.Contains(ce.Error(), "(it is a device, not a regular file)") {
		t.Errorf("a link to /dev/zero: %v", ce)
	}
	if target, err := os.Readlink(ce.MovedTo); err != nil || target != "/dev/zero" {
		t.Errorf("the link was not moved aside as it was: %q, %v", target, err)
	}

	fifo := filepath.Join(dir, "fifo.json")
	if err := mkfifo(fifo); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	ce = loadCorrupt(t, fifo, fifo+".corrupt-"+stamp)
	if !strings.Contains(ce.Error(), "(it is a named pipe (FIFO), not a regular file)") {
		t.Errorf("a FIFO: %v", ce)
	}
}

// TestLoadTooLarge: a file over MaxSize is corrupt, whatever it holds.
func TestLoadTooLarge(t *testing.T) {
	stamp := fixClock(t)
	path := filepath.Join(t.TempDir(), "progress.json")
	// Valid JSON for the type: only its size is wrong.
	body := `{"step": "` + strings.Repeat("x", MaxSize) + `"}`
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	ce := loadCorrupt(t, path, path+".corrupt-"+stamp)
	if !errors.Is(ce, safefile.ErrTooLarge) || !strings.Contains(ce.Error(), "(it is larger than 4 MiB)") {
		t.Errorf("too large: %v", ce)
	}
}

// TestLoadValid: what the caller's test refuses is moved aside with the
// caller's reason; what it accepts is loaded.
func TestLoadValid(t *testing.T) {
	stamp := fixClock(t)
	path := filepath.Join(t.TempDir(), "progress.json")
	future := sample()
	future.Version = 9
	mustSave(t, path, future)
	saved := mustRead(t, path)
	var got progress
	newer := errors.New("it was saved by a newer version (format 9)")
	found, err := LoadValid(path, &got, func() error {
		if got.Version > 1 {
			return newer
		}
		return nil
	})
	var ce *CorruptError
	if found || !errors.As(err, &ce) || !errors.Is(err, newer) {
		t.Fatalf("LoadValid of a refused file = %v, %v; want a *CorruptError wrapping the reason", found, err)
	}
	if want := path + ".corrupt-" + stamp; ce.MovedTo != want {
		t.Errorf("moved to %q, want %q", ce.MovedTo, want)
	}
	if !strings.Contains(err.Error(), "could not be read (it was saved by a newer version (format 9)); it was moved to") {
		t.Errorf("message %q", err)
	}
	if string(mustRead(t, ce.MovedTo)) != string(saved) {
		t.Error("the moved file differs from what was saved")
	}
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the refused file is still at the path: %v", err)
	}

	mustSave(t, path, sample())
	found, err = LoadValid(path, &got, func() error { return nil })
	if !found || err != nil || got.Step != "check" {
		t.Errorf("LoadValid of an accepted file = %v, %v, %+v", found, err, got)
	}
}
