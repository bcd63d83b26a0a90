package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Writing (docs/files.md): every file the wizard writes goes through
// WriteFiles. Each file's content goes to a new temporary file in the
// same folder (created exclusively, so never through a link), is synced
// and closed, and only then renamed over the name it is meant for. A
// rename replaces a link or a file at that name; it never writes through
// it. Before anything is written, a name that is already something other
// than a regular file (a symbolic link, a folder, a FIFO, a device) is
// refused, so a link planted where the wizard writes is neither followed
// nor silently replaced. Any failure removes the temporary files: a full
// disk leaves nothing behind, and the old file at the name is untouched.

// FS is the part of the file system that WriteFiles uses. OS is the real
// one; tests wrap it to fail on purpose (a full disk, a read-only folder),
// since the tests may run as root, which permissions do not stop.
type FS interface {
	// Lstat describes name without following a symbolic link.
	Lstat(name string) (fs.FileInfo, error)
	// CreateTemp creates a new file in dir, as os.CreateTemp.
	CreateTemp(dir, pattern string) (TempFile, error)
	// Rename moves oldpath over newpath, as os.Rename.
	Rename(oldpath, newpath string) error
	// Remove removes name, as os.Remove.
	Remove(name string) error
}

// TempFile is a temporary file being written.
type TempFile interface {
	io.Writer
	Name() string
	Sync() error
	Close() error
	Chmod(mode fs.FileMode) error
}

// OS is the real file system.
var OS FS = osFS{}

type osFS struct{}

func (osFS) Lstat(name string) (fs.FileInfo, error) { return os.Lstat(name) }
func (osFS) CreateTemp(dir, pattern string) (TempFile, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err // not a nil *os.File in an interface
	}
	return f, nil
}
func (osFS) Rename(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }
func (osFS) Remove(name string) error             { return os.Remove(name) }

// File is one file for WriteFiles: its path, content and permissions.
type File struct {
	Path string
	Data []byte
	Perm fs.FileMode
}

// WriteFile writes data to path through fsys (nil: OS) as WriteFiles
// does.
func WriteFile(fsys FS, path string, data []byte, perm fs.FileMode) error {
	return WriteFiles(fsys, File{Path: path, Data: data, Perm: perm})
}

// WriteFiles writes every file whole or none of them: each is checked
// first (a name that exists must be a regular file: a *NotRegularError
// otherwise, never followed), then written to a temporary file beside it,
// synced and closed; only when all are complete are they renamed into
// place. On any error the temporary files are removed and every file
// already at those names is left as it was (a rename that fails after
// others succeeded leaves those complete and new). fsys nil is OS. The
// error is a *WriteError naming the file and the folder.
func WriteFiles(fsys FS, files ...File) error {
	if fsys == nil {
		fsys = OS
	}
	for _, f := range files {
		fi, err := fsys.Lstat(f.Path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return &WriteError{Path: f.Path, Err: err}
		case !fi.Mode().IsRegular():
			return &WriteError{Path: f.Path, Err: &NotRegularError{Path: f.Path, Mode: fi.Mode()}}
		}
	}
	var temps []string
	cleanup := func() {
		for _, t := range temps {
			_ = fsys.Remove(t)
		}
	}
	for _, f := range files {
		if err := writeTemp(fsys, f, &temps); err != nil {
			cleanup()
			return &WriteError{Path: f.Path, Err: err}
		}
	}
	for i, f := range files {
		if err := fsys.Rename(temps[i], f.Path); err != nil {
			cleanup()
			return &WriteError{Path: f.Path, Err: err}
		}
	}
	return nil
}

// writeTemp writes f's content to a new temporary file beside f.Path,
// added to temps as soon as it exists.
func writeTemp(fsys FS, f File, temps *[]string) error {
	tmp, err := fsys.CreateTemp(filepath.Dir(f.Path), "."+filepath.Base(f.Path)+".tmp-*")
	if err != nil {
		return err
	}
	*temps = append(*temps, tmp.Name())
	if _, err := tmp.Write(f.Data); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Chmod(f.Perm); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return nil
}

// WriteError reports a file that could not be written. Its sentence names
// the file and says why in plain words.
type WriteError struct {
	Path string
	Err  error
}

// Error says which file could not be written and why.
func (e *WriteError) Error() string {
	dir, name := filepath.Dir(e.Path), filepath.Base(e.Path)
	var nr *NotRegularError
	switch {
	case errors.As(e.Err, &nr):
		what := Kind(nr.Mode)
		if nr.Mode&fs.ModeSymlink != 0 {
			what = "a symbolic link"
		}
		return fmt.Sprintf("did not write %s in %s: that name is %s, not a regular file, and the wizard never writes through one; remove or rename it, or save in another folder", name, dir, what)
	case ReadOnly(e.Err):
		return fmt.Sprintf("could not write %s: the folder %s is read-only for you", name, dir)
	case NoSpace(e.Err):
		return fmt.Sprintf("could not write %s in %s: the disk is full (nothing was left half-written)", name, dir)
	case errors.Is(e.Err, fs.ErrNotExist):
		return fmt.Sprintf("could not write %s: the folder %s does not exist", name, dir)
	}
	return fmt.Sprintf("could not write %s in %s (%s; nothing was left half-written)", name, dir, reasonOf(e.Err))
}

// Unwrap returns the underlying failure.
func (e *WriteError) Unwrap() error { return e.Err }

// reasonOf describes err without the path a *PathError repeats.
func reasonOf(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Err != nil {
		return pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) && le.Err != nil {
		return le.Err.Error()
	}
	return err.Error()
}

// ReadOnly reports whether err is a refusal to write: permission denied,
// or a read-only file system.
func ReadOnly(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS)
}

// NoSpace reports whether err says the disk (or the person's quota) is
// full.
func NoSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}
