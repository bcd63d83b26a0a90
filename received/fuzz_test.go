package received_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/received"
)

// FuzzReadMessage feeds the message reader anything: it must never panic,
// refuse only with ErrBadInput, keep every field within the bounds, and
// give fields that DKIM can take back (each ending in CRLF, the first line
// a name and a colon). The seed corpus is in testdata/fuzz/FuzzReadMessage.
func FuzzReadMessage(f *testing.F) {
	f.Add([]byte("From: Jane <jane@yourcenter.edu>\r\nSubject: hi\r\n\r\nbody\r\n"))
	f.Add([]byte("From: a@b.edu\nSubject: folded\n  line\n\nbody\n"))
	f.Add([]byte("From MAILER-DAEMON Tue Nov 24 17:00:00 2026\nFrom: a@b.edu\n\n"))
	f.Add([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := received.ReadMessage(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, received.ErrBadInput) {
				t.Fatalf("error not ErrBadInput: %v", err)
			}
			return
		}
		if len(m.Header) == 0 || len(m.Header) > received.MaxFields {
			t.Fatalf("%d fields", len(m.Header))
		}
		total := 0
		for _, fld := range m.Header {
			total += len(fld.Raw)
			if len(fld.Raw) > received.MaxFieldBytes+2 || !strings.HasSuffix(fld.Raw, "\r\n") || !strings.HasPrefix(fld.Raw, fld.Name+":") {
				t.Fatalf("bad field %q", fld.Raw)
			}
			_ = fld.Value()
		}
		if total > received.MaxHeaderBytes {
			t.Fatalf("header of %d bytes", total)
		}
		if _, err := io.Copy(io.Discard, m.Body); err != nil && !errors.Is(err, received.ErrBadInput) {
			t.Fatalf("body: %v", err)
		}
	})
}
