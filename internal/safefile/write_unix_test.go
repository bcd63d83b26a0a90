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

// TestWriteFileRefusesLinksAndNonFiles: a symbolic link (to a file that
// exists or not), a folder and a FIFO at the name are refused before
// anything is written; the link's target is untouched and the link stays.
func TestWriteFileRefusesLinksAndNonFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "dns-handoff-x.test.md")
	dangling := filepath.Join(dir, "dangling.md")
	folder := filepath.Join(dir, "folder.md")
	fifo := filepath.Join(dir, "fifo.md")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "nowhere"), dangling); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for path, kind := range map[string]string{link: "a symbolic link", dangling: "a symbolic link", folder: "a directory", fifo: "a named pipe (FIFO)"} {
		err := WriteFile(nil, path, []byte("attack"), 0o644)
		if !errors.Is(err, ErrNotRegular) {
			t.Fatalf("%s: %v, want a refusal", kind, err)
		}
		want := "did not write " + filepath.Base(path) + " in " + dir + ": that name is " + kind + ", not a regular file, and the wizard never writes through one"
		if !strings.HasPrefix(err.Error(), want) {
			t.Errorf("said %q, want it to start %q", err, want)
		}
	}
	if data, _ := os.ReadFile(victim); string(data) != "precious" {
		t.Fatalf("the link's target now holds %q", data)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link is gone: %v %v", fi, err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "nowhere")); err == nil {
		t.Fatal("the dangling link's target was created")
	}
	// A link to the second of two files refuses both.
	first := filepath.Join(dir, "first.md")
	if err := WriteFiles(nil, File{Path: first, Data: []byte("a")}, File{Path: link, Data: []byte("b")}); !errors.Is(err, ErrNotRegular) {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Lstat(first); err == nil {
		t.Fatal("the first file was written although the second was refused")
	}
}

// blindFS sees no file at any name, as if a link were put there after
// WriteFiles looked.
type blindFS struct{ FS }

func (blindFS) Lstat(name string) (os.FileInfo, error) {
	return nil, &os.PathError{Op: "lstat", Path: name, Err: os.ErrNotExist}
}

// TestWriteFileLinkAfterTheLook: a link that appears between the look and
// the rename is replaced by the new file, never written through.
func TestWriteFileLinkAfterTheLook(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "sheet.md")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(blindFS{OS}, link, []byte("sheet"), 0o644); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(victim); string(data) != "precious" {
		t.Fatalf("the link's target now holds %q", data)
	}
	fi, err := os.Lstat(link)
	if err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("the name is not the new file: %v, %v", fi, err)
	}
	if data, _ := os.ReadFile(link); string(data) != "sheet" {
		t.Fatalf("the new file holds %q", data)
	}
}
