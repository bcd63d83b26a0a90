package statefile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"sync"

	"github.com/outreach-auth/wizard/internal/safefile"
)

// Two wizards, one file (docs/files.md). Each save through a *File
// writes a generation number into the file, one more than the last one
// this wizard read or wrote there. Before writing, the file is read
// again: when its generation (or whether it exists at all) is not what
// this wizard last saw, another wizard (or a person, by hand) has changed
// it since, and the save is refused with a *ConflictError instead of
// overwriting that progress. This works wherever a rename does (Windows
// too), with no lock to leave behind when a wizard is killed. It narrows
// the race to the moment between the check and the rename, which is
// enough for two people (or two terminals) working at human speed.

// generationKey is the top-level JSON field that holds the generation.
const generationKey = "generation"

// ErrConflict is matched by errors.Is for every *ConflictError.
var ErrConflict = errors.New("statefile: the saved progress was changed by another wizard")

// ConflictError reports a save refused because the file changed since
// this wizard last read or wrote it.
type ConflictError struct {
	// Path is the progress file.
	Path string
}

// Error says what happened and what to do, in one sentence for a person.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("Another wizard (or someone by hand) changed the saved progress in %s since this wizard last saved it, "+
		"so this one no longer saves its progress there rather than overwrite that: go on in the other wizard, "+
		"or quit this one and start it again to resume from what was saved", e.Path)
}

// Is reports whether target is ErrConflict.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// File is one progress file as one wizard sees it: its path and the
// generation this wizard last read or wrote there. Load, Save and Remove
// through the same *File; it is safe for use by several goroutines.
type File struct {
	path string

	mu     sync.Mutex
	gen    uint64 // the generation last read or written (0: none yet, or a file saved before generations)
	exists bool   // whether the file existed when last read or written
}

// NewFile returns the progress file at path as seen by a wizard that has
// not read it yet: a save expects no file there (a file that is there
// was saved by someone else), until Load or Track reads it.
func NewFile(path string) *File { return &File{path: path} }

// Track returns the progress file at path as it is now: the next save
// expects the generation it holds (a missing or unreadable file counts as
// none). It is for a wizard given a path whose content was read by
// other means.
func Track(path string) *File {
	f := NewFile(path)
	f.gen, f.exists = readGeneration(path)
	return f
}

// Path returns where the file is.
func (f *File) Path() string { return f.path }

// Load is LoadValid for this file, remembering the generation read (or
// that there is no file now, when there was none or it was moved aside).
func (f *File) Load(v any, valid func() error) (found bool, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	data, rerr := safefile.ReadFile(f.path, MaxSize)
	found, err = LoadValid(f.path, v, valid)
	switch {
	case found && rerr == nil:
		f.gen, f.exists = generationOf(data), true
	default:
		// Nothing there, or moved aside; if moving it failed, the file
		// left is what the next save expects to replace.
		f.gen, f.exists = readGeneration(f.path)
	}
	return found, err
}

// Save writes v (which must encode to a JSON object with no field named
// "generation") as Save does, with the next generation number in it. When
// the file is no longer what this wizard last read or wrote (another
// wizard saved or removed it since), nothing is written and the error is
// a *ConflictError; every later Save through f refuses the same way.
func (f *File) Save(v any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	gen, exists := readGeneration(f.path)
	if exists != f.exists || (exists && gen != f.gen) {
		return &ConflictError{Path: f.path}
	}
	data, err := encode(v)
	if err == nil {
		data, err = withGeneration(data, f.gen+1)
	}
	if err == nil {
		err = write(f.path, data)
	}
	if err != nil {
		return fmt.Errorf("statefile: saving progress to %s: %w", f.path, err)
	}
	f.gen, f.exists = f.gen+1, true
	return nil
}

// Remove deletes the file (the person starts fresh) as Remove does. The
// generation count goes on from where it was, so a wizard that still
// holds an older generation cannot mistake this one's next save for its
// own file.
func (f *File) Remove() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := Remove(f.path); err != nil {
		return err
	}
	f.exists = false
	return nil
}

// readGeneration reads the generation of the file at path now: exists is
// false when there is no file; a file that cannot be read or holds no
// generation counts as generation 0.
func readGeneration(path string) (gen uint64, exists bool) {
	data, err := safefile.ReadFile(path, MaxSize)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false
	}
	if err != nil {
		return 0, true
	}
	return generationOf(data), true
}

// generationOf returns the generation in a saved file's content, 0 when
// it has none.
func generationOf(data []byte) uint64 {
	var g struct {
		Generation uint64 `json:"generation"`
	}
	if json.Unmarshal(data, &g) != nil {
		return 0
	}
	return g.Generation
}

// withGeneration adds "generation": gen as the first field of the JSON
// object in data (as encode writes it).
func withGeneration(data []byte, gen uint64) ([]byte, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil || fields == nil {
		return nil, errors.New("progress with a generation must be a JSON object")
	}
	if _, ok := fields[generationKey]; ok {
		return nil, fmt.Errorf("progress must not have its own %q field", generationKey)
	}
	body := bytes.TrimPrefix(bytes.TrimSpace(data), []byte("{"))
	head := "{\n  \"" + generationKey + "\": " + strconv.FormatUint(gen, 10)
	if len(fields) > 0 {
		head += ","
	} else {
		head += "\n"
	}
	return append(append([]byte(head), body...), '\n'), nil
}
