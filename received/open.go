package received

import (
	"errors"
	"io/fs"
	"os"

	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/internal/safefile"
)

// OpenFile opens the saved message at name for Verify. A folder, a FIFO
// or device, a missing or unreadable file, or one larger than
// MaxMessageBytes is refused before a byte is read, with an InputError
// (errors.Is ErrBadInput) whose sentence says what to give instead; the
// name in it is made printable. The caller closes the file.
func OpenFile(name string) (*os.File, error) {
	q := dnscheck.Printable(name)
	f, err := safefile.Open(name)
	if err != nil {
		var nr *safefile.NotRegularError
		var pe *fs.PathError
		switch {
		case errors.As(err, &nr) && nr.Mode.IsDir():
			return nil, badInput("%q is a folder: give the saved message file (.eml) inside it", q)
		case errors.As(err, &nr):
			return nil, badInput("%q is %s, not a saved message file: give the .eml file (or - and standard input)", q, safefile.Kind(nr.Mode))
		case errors.As(err, &pe):
			err = pe.Err
		}
		return nil, badInput("cannot read %q: %v", q, err)
	}
	if st, err := f.Stat(); err == nil && st.Size() > MaxMessageBytes {
		f.Close()
		return nil, badInput("%q is larger than %d MB; the wizard reads messages up to that size (send a short test message without attachments and save that one)", q, MaxMessageBytes>>20)
	}
	return f, nil
}
