package safefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// failingFS is the real file system with failures injected: the tests
// run as root, which permissions do not stop, so a read-only folder and
// a full disk are made up here.
type failingFS struct {
	FS
	create func(dir string) error // fails CreateTemp when it returns an error
	room   int                    // bytes a temporary file takes before the disk is full; <0: no limit
	rename func(newpath string) error
}

func (f failingFS) CreateTemp(dir, pattern string) (TempFile, error) {
	if f.create != nil {
		if err := f.create(dir); err != nil {
			return nil, err
		}
	}
	t, err := f.FS.CreateTemp(dir, pattern)
	if err != nil || f.room < 0 {
		return t, err
	}
	return &fullFile{TempFile: t, room: f.room}, nil
}

func (f failingFS) Rename(oldpath, newpath string) error {
	if f.rename != nil {
		if err := f.rename(newpath); err != nil {
			return err
		}
	}
	return f.FS.Rename(oldpath, newpath)
}

// fullFile writes room bytes, then fails as a full disk does, having
// written part of what it was given.
type fullFile struct {
	TempFile
	room int
}

func (f *fullFile) Write(p []byte) (int, error) {
	if len(p) <= f.room {
		f.room -= len(p)
		return f.TempFile.Write(p)
	}
	n, _ := f.TempFile.Write(p[:f.room])
	f.room = 0
	return n, &fs.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
}

// entries lists dir's names.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFileReplacesWhole(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "sheet.md")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(nil, path, []byte("new content"), 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil || string(data) != "new content" {
		t.Fatalf("file holds %q, %v", data, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Errorf("folder holds %v, want only the file", names)
	}
}

// TestWriteFileFullDisk: a disk that fills up part-way leaves no partial
// file, no temporary file, and the old file as it was.
func TestWriteFileFullDisk(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	old := filepath.Join(dir, "old.html")
	if err := os.WriteFile(old, []byte("the old sheet"), 0o644); err != nil {
		t.Fatal(err)
	}
	full := failingFS{FS: OS, room: 4096}
	big := []byte(strings.Repeat("x", 10000))
	for _, path := range []string{filepath.Join(dir, "new.html"), old} {
		err := WriteFile(full, path, big, 0o644)
		if !NoSpace(err) {
			t.Fatalf("%s: %v, want a full disk", path, err)
		}
		if want := "could not write " + filepath.Base(path) + " in " + dir + ": the disk is full (nothing was left half-written)"; err.Error() != want {
			t.Errorf("said %q, want %q", err, want)
		}
	}
	if names := entries(t, dir); len(names) != 1 || names[0] != "old.html" {
		t.Fatalf("after a full disk the folder holds %v, want only old.html", names)
	}
	if data, _ := os.ReadFile(old); string(data) != "the old sheet" {
		t.Fatalf("the old file now holds %q", data)
	}
}

// TestWriteFileReadOnlyFolder: a folder the person cannot write to is
// said in words.
func TestWriteFileReadOnlyFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, cause := range []error{fs.ErrPermission, syscall.EROFS, syscall.EACCES} {
		ro := failingFS{FS: OS, room: -1, create: func(d string) error {
			return &fs.PathError{Op: "open", Path: filepath.Join(d, "x"), Err: cause}
		}}
		err := WriteFile(ro, filepath.Join(dir, "a.txt"), []byte("x"), 0o644)
		if !ReadOnly(err) {
			t.Fatalf("%v: got %v, want ReadOnly", cause, err)
		}
		if want := "could not write a.txt: the folder " + dir + " is read-only for you"; err.Error() != want {
			t.Errorf("said %q, want %q", err, want)
		}
	}
	if names := entries(t, dir); len(names) != 0 {
		t.Fatalf("folder holds %v", names)
	}
}

// TestWriteFilesAllOrNothing: when the second of two files cannot be
// written, the first is not put in place either.
func TestWriteFilesAllOrNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	md, page := filepath.Join(dir, "s.md"), filepath.Join(dir, "s.html")
	full := failingFS{FS: OS, room: 100}
	err := WriteFiles(full, File{Path: md, Data: []byte("short"), Perm: 0o644}, File{Path: page, Data: make([]byte, 200), Perm: 0o644})
	var we *WriteError
	if !errors.As(err, &we) || we.Path != page {
		t.Fatalf("got %v, want a *WriteError for %s", err, page)
	}
	if names := entries(t, dir); len(names) != 0 {
		t.Fatalf("folder holds %v, want nothing", names)
	}
	// A rename that fails removes what is left to rename.
	boom := errors.New("boom")
	failRename := failingFS{FS: OS, room: -1, rename: func(string) error { return boom }}
	if err := WriteFiles(failRename, File{Path: md, Data: []byte("a")}, File{Path: page, Data: []byte("b")}); !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	if names := entries(t, dir); len(names) != 0 {
		t.Fatalf("folder holds %v, want nothing", names)
	}
}
