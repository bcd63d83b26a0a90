// Package statefile saves and loads the wizard's progress as a small JSON
// file, so that quitting or a dropped SSH session loses nothing.
//
// Saving is atomic: the new content goes to a temporary file in the same
// directory, which is synced and then renamed over the old file, so the file
// at the path is always either the previous complete state or the new one.
// A file that cannot be read or decoded is moved aside and reported as a
// *CorruptError, so the caller can tell the person and start fresh.
//
// The state holds no secrets, but it is still written readable by the owner
// only (0600 in a 0700 directory).
package statefile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/outreach-auth/wizard/internal/safefile"
)

// dirName is the directory under the user's config directory that holds
// the wizard's progress files.
const dirName = "outreach-wizard"

// maxSlugLen bounds the file name derived from a platform name, well under
// the usual 255-byte file name limit.
const maxSlugLen = 64

// maxMoveAttempts bounds the search for a free ".corrupt-…" name.
const maxMoveAttempts = 1000

// now is the clock used to name corrupt files; tests replace it.
var now = time.Now

// MaxSize bounds a progress file: what the wizard saves is a few
// kilobytes even with hundreds of domains' results. A larger file is
// treated as corrupt, without being read whole.
const MaxSize = 4 << 20

// fileOps are the steps of a save whose order makes it durable: the
// temporary file's content is synced before the rename, and the directory
// after it. Tests replace them to see the order they run in, or to stop
// a save at a chosen point.
type fileOps struct {
	create  func(dir, pattern string) (*os.File, error) // nil: os.CreateTemp
	sync    func(f *os.File) error
	rename  func(oldpath, newpath string) error
	syncDir func(dir string)
}

// ops are the file operations a save uses.
var ops = fileOps{sync: (*os.File).Sync, rename: os.Rename, syncDir: syncDir}

// ErrCorrupt is matched by errors.Is for every *CorruptError.
var ErrCorrupt = errors.New("statefile: saved progress is corrupt")

// Reasons a file that was read is still not usable progress.
var (
	errEmpty    = errors.New("the file is empty")
	errNull     = errors.New("the file holds null instead of saved progress")
	errTrailing = errors.New("there is unexpected data after the saved progress")
)

// CorruptError reports a progress file that could not be read and where it
// was moved.
type CorruptError struct {
	// Path is the progress file that could not be read.
	Path string
	// MovedTo is where the file was moved aside, or empty when moving it
	// failed too (Err then also describes that failure).
	MovedTo string
	// Err is why the file could not be read.
	Err error
}

// Error returns one plain sentence saying what happened and what follows.
func (e *CorruptError) Error() string {
	if e.MovedTo == "" {
		return fmt.Sprintf("the saved progress in %s could not be read (%s); "+
			"remove or rename that file by hand, and the wizard starts fresh",
			e.Path, reason(e.Err))
	}
	return fmt.Sprintf("the saved progress in %s could not be read (%s); "+
		"it was moved to %s and the wizard starts fresh",
		e.Path, reason(e.Err), e.MovedTo)
}

// Unwrap returns the reason the file could not be read.
func (e *CorruptError) Unwrap() error { return e.Err }

// Is reports whether target is ErrCorrupt, so errors.Is(err, ErrCorrupt)
// holds for every *CorruptError.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// reason describes err without repeating the path the sentence already names.
func reason(err error) string {
	if err == nil {
		return "unknown error"
	}
	var nr *safefile.NotRegularError
	if errors.As(err, &nr) {
		return "it is " + safefile.Kind(nr.Mode) + ", not a regular file"
	}
	var tl *safefile.TooLargeError
	if errors.As(err, &tl) {
		return "it is larger than " + safefile.Size(tl.Limit)
	}
	if pe, ok := err.(*fs.PathError); ok && pe.Err != nil {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

// DefaultPath returns where the wizard keeps its progress for platform:
// <os.UserConfigDir()>/outreach-wizard/<slug of platform>.json. The slug keeps
// lower-case letters, digits and '-', turns anything else into '-', collapses
// runs of '-', trims them from both ends and is "default" when nothing is left.
func DefaultPath(platform string) (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("statefile: finding the config directory: %w", err)
	}
	return filepath.Join(dir, dirName, slug(platform)+".json"), nil
}

// slug turns a platform name into a safe file name stem.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
			continue
		}
		if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.Trim(b.String(), "-")
	if len(out) > maxSlugLen {
		out = strings.TrimRight(out[:maxSlugLen], "-")
	}
	if out == "" {
		return "default"
	}
	return out
}

// Save writes v as indented JSON to path atomically: a temporary file in the
// same directory, written, fsynced, closed, made 0600 and then renamed over
// path; the directory is created with mode 0700 if missing. On any failure
// the temporary file is removed and the old file at path is untouched.
// A v that encodes to JSON null is refused, since Load would reject it.
func Save(path string, v any) error {
	if err := save(path, v); err != nil {
		return fmt.Errorf("statefile: saving progress to %s: %w", path, err)
	}
	return nil
}

// save does the work of Save without the context wrapping.
func save(path string, v any) error {
	data, err := encode(v)
	if err != nil {
		return err
	}
	return write(path, data)
}

// write puts data at path through safefile.WriteFile (whole or not at
// all, never through a link or other non-file), creating the directory
// first, then syncs the directory and tidies stale temporary files.
func write(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := safefile.WriteFile(opsFS{}, path, data, 0o600); err != nil {
		return err
	}
	ops.syncDir(dir)
	removeStale(dir, filepath.Base(path), now().Add(-StaleAfter))
	return nil
}

// opsFS is the real file system with a save's steps taken from ops, so
// tests can watch their order or stop a save at a chosen point.
type opsFS struct{}

func (opsFS) Lstat(name string) (fs.FileInfo, error) { return os.Lstat(name) }
func (opsFS) Remove(name string) error               { return os.Remove(name) }
func (opsFS) Rename(oldpath, newpath string) error   { return ops.rename(oldpath, newpath) }
func (opsFS) CreateTemp(dir, pattern string) (safefile.TempFile, error) {
	create := ops.create
	if create == nil {
		create = os.CreateTemp
	}
	f, err := create(dir, pattern)
	if err != nil {
		return nil, err
	}
	return opsTemp{f}, nil
}

// opsTemp is a temporary file synced by ops.sync.
type opsTemp struct{ *os.File }

func (t opsTemp) Sync() error { return ops.sync(t.File) }

// StaleAfter is how old a temporary file beside the progress must be for a
// save to remove it: one a killed save left behind. A save in progress in
// another wizard is far younger.
const StaleAfter = 10 * time.Minute

// removeStale removes the temporary files of base in dir last written
// before cutoff. It is tidying: failures are ignored.
func removeStale(dir, base string, cutoff time.Time) {
	names, _ := filepath.Glob(filepath.Join(dir, "."+base+".tmp-*"))
	for _, n := range names {
		if fi, err := os.Lstat(n); err == nil && fi.Mode().IsRegular() && fi.ModTime().Before(cutoff) {
			_ = os.Remove(n)
		}
	}
}

// encode returns v as indented JSON ending in a newline, with DEL and C1
// control characters escaped like the C0 ones json.Marshal already escapes,
// so printing the file cannot drive a terminal.
func encode(v any) ([]byte, error) {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding JSON: %w", err)
	}
	if bytes.Equal(data, []byte("null")) {
		return nil, errors.New("refusing to save null")
	}
	return append(escapeControls(data), '\n'), nil
}

// escapeControls rewrites U+007F and U+0080–U+009F as \u escapes. In JSON
// produced by json.Marshal these can only occur inside strings, and the
// escaped form decodes to the same value.
func escapeControls(data []byte) []byte {
	if !bytes.ContainsFunc(data, isControl) {
		return data
	}
	out := make([]byte, 0, len(data)+16)
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if isControl(r) {
			out = append(out, `\u00`...)
			out = append(out, strconv.FormatInt(int64(r)|0x100, 16)[1:]...)
		} else {
			out = append(out, data[:size]...)
		}
		data = data[size:]
	}
	return out
}

// isControl reports whether r is DEL or a C1 control character.
func isControl(r rune) bool { return r >= 0x7f && r <= 0x9f }

// syncDir makes the rename durable where the platform allows it. It is best
// effort: the new file is already in place, and not every platform or file
// system can sync a directory.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}

// Load reads path into v, which must be a non-nil pointer. found is false
// (and err nil) when there is no file. When the file is unreadable, not a
// regular file (a FIFO, a device: it is never opened for a read that could
// block), larger than MaxSize, or not valid JSON for v (including trailing
// data after the value, JSON null or an empty file), it is moved aside to
// PATH.corrupt-YYYYMMDD-HHMMSS (adding -2, -3 … if that exists) and Load
// returns a *CorruptError with found false, so the caller can say so and
// start fresh; if moving it aside fails too, the CorruptError has an empty
// MovedTo and its Err includes the rename error. After a CorruptError, v
// may have been partly filled and should be reset. Unknown fields are
// ignored; LoadValid lets the caller refuse what it does not understand.
func Load(path string, v any) (found bool, err error) {
	return LoadValid(path, v, nil)
}

// LoadValid is Load with one more test: once the file is decoded into v,
// valid (when not nil) says whether the caller can use it, and an error
// from it (say, progress saved by a newer version of the program, or for
// another platform) is handled like a file that does not decode: the file
// is moved aside and a *CorruptError carries valid's error, so the next
// save cannot silently overwrite what was not understood.
func LoadValid(path string, v any, valid func() error) (found bool, err error) {
	if rv := reflect.ValueOf(v); rv.Kind() != reflect.Pointer || rv.IsNil() {
		return false, fmt.Errorf("statefile: loading progress from %s: need a non-nil pointer, got %T", path, v)
	}
	data, err := safefile.ReadFile(path, MaxSize)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err == nil {
		err = decode(data, v)
	}
	if err == nil && valid != nil {
		err = valid()
	}
	if err == nil {
		return true, nil
	}
	return false, moveAside(path, err)
}

// decode requires data to hold exactly one JSON value other than null and
// stores it in v.
func decode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		if errors.Is(err, io.EOF) {
			return errEmpty
		}
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errTrailing
	}
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return errNull
	}
	return json.Unmarshal(raw, v)
}

// moveAside renames the unusable file at path to a free
// PATH.corrupt-YYYYMMDD-HHMMSS[-N] name and returns the *CorruptError that
// reports it.
func moveAside(path string, cause error) *CorruptError {
	ce := &CorruptError{Path: path, Err: cause}
	base := path + ".corrupt-" + now().Format("20060102-150405")
	target, err := freeName(base)
	if err == nil {
		err = os.Rename(path, target)
	}
	if err != nil {
		ce.Err = fmt.Errorf("%w; moving it aside failed too: %w", cause, err)
		return ce
	}
	ce.MovedTo = target
	return ce
}

// freeName returns base, or base-2, base-3 … whichever does not exist yet.
func freeName(base string) (string, error) {
	for i := 1; i <= maxMoveAttempts; i++ {
		name := base
		if i > 1 {
			name = base + "-" + strconv.Itoa(i)
		}
		_, err := os.Lstat(name)
		if errors.Is(err, fs.ErrNotExist) {
			return name, nil
		}
		if err != nil {
			return "", err
		}
	}
	return "", fmt.Errorf("no free name after %d tries from %s", maxMoveAttempts, base)
}

// Remove deletes the progress file at path; a missing file is not an error.
func Remove(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("statefile: removing progress file %s: %w", path, err)
	}
	return nil
}
