// Package safefile reads the files a person names on the command line
// (a platform file, a list of domains) and the wizard's own saved
// progress without ever hanging or filling memory: only regular files are
// read, at most a stated number of bytes, and a FIFO or a device is
// refused at once instead of being opened for a read that may never end.
//
// Files are opened non-blocking where the system allows it (opening a
// FIFO blocks until someone writes to it otherwise), then checked with
// fstat before a single byte is read.
//
// It also writes every file the wizard writes (WriteFiles): whole or not
// at all, through a temporary file and a rename, never through a symbolic
// link or other non-file at the name (docs/files.md).
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular is matched by errors.Is for every *NotRegularError.
var ErrNotRegular = errors.New("safefile: not a regular file")

// ErrTooLarge is matched by errors.Is for every *TooLargeError.
var ErrTooLarge = errors.New("safefile: file too large")

// NotRegularError reports a path that is a directory, a FIFO, a device or
// a socket rather than a regular file.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

// Error says what the path is instead of a file.
func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is %s, not a regular file", e.Path, Kind(e.Mode))
}

// Is reports whether target is ErrNotRegular.
func (e *NotRegularError) Is(target error) bool { return target == ErrNotRegular }

// TooLargeError reports a file longer than the limit it is read with.
type TooLargeError struct {
	Path  string
	Limit int64
}

// Error names the file and the limit.
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is larger than %s", e.Path, Size(e.Limit))
}

// Is reports whether target is ErrTooLarge.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// Kind names the kind of file a mode describes, for a sentence: "a
// directory", "a named pipe (FIFO)", "a device", "a socket".
func Kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m.IsRegular():
		return "a regular file"
	}
	return "not a plain file"
}

// Size writes a byte count for a sentence: "1 MiB", "64 KiB", "100 bytes".
func Size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Open opens path for reading only if it is a regular file (symbolic
// links are followed). The open itself never blocks: a FIFO that no one
// writes to is refused with a *NotRegularError like any other non-file.
func Open(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|oNonblock, 0)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		_ = f.Close()
		return nil, &NotRegularError{Path: path, Mode: fi.Mode()}
	}
	return f, nil
}

// ReadFile reads the regular file at path whole, refusing (with a
// *TooLargeError) one longer than limit bytes, and anything that is not a
// regular file (with a *NotRegularError). It never reads more than
// limit+1 bytes, even from a file that grows while it is read.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > limit {
		return nil, &TooLargeError{Path: path, Limit: limit}
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Path: path, Limit: limit}
	}
	return data, nil
}

// CountingReader counts the bytes read through it (N): what a bound on
// input read so far, or on a compression ratio, is measured against.
type CountingReader struct {
	R io.Reader
	N int64
}

// Read implements io.Reader.
func (c *CountingReader) Read(p []byte) (int, error) {
	n, err := c.R.Read(p)
	c.N += int64(n)
	return n, err
}
