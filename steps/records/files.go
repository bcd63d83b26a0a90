package records

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/internal/safefile"
)

// Where s and h write (docs/files.md): the folder the wizard was started
// in (or the one it was given), through safefile, so a file is written
// whole or not at all and never through a link. When that folder turns
// out to be read-only, the failure says so and offers the person's home
// folder: the same key again saves there.

// WithFS makes the step write its files through fsys instead of the real
// file system (tests inject a full disk or a read-only folder: they run as
// root, which permissions do not stop). It returns m.
func (m *Model) WithFS(fsys safefile.FS) *Model {
	m.fsys = fsys
	return m
}

// dir is the folder s and h write to now: the home folder once the
// person has been offered it, the folder given otherwise.
func (m *Model) dir() string {
	if m.home != "" {
		return m.home
	}
	return m.saveDir
}

// failedSave is the sentence for a file that could not be written, what
// ("the records for x.edu", "the hand-off sheet") and key the key that
// wrote it. A read-only folder offers the home folder, and the next press
// of key saves there.
func (m *Model) failedSave(what, key string, err error) string {
	var we *safefile.WriteError
	if !errors.As(err, &we) {
		return dnscheck.Printable(err.Error())
	}
	text := "Could not save " + what + ": " + we.Error() + "."
	if safefile.ReadOnly(we) && m.home == "" {
		if home, herr := os.UserHomeDir(); herr == nil && home != "" && !sameDir(home, filepath.Dir(we.Path)) {
			m.home = home
			text = "Could not save " + what + ": " + we.Error() + ". Press " + key + " again to save it in your home folder, " + home + ", instead."
		}
	}
	return dnscheck.Printable(capital(text))
}

// sameDir reports whether a and b name the same folder, as far as their
// absolute forms tell.
func sameDir(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

// capital upper-cases the first letter of s (ASCII: the sentences here
// start with words of this package).
func capital(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
