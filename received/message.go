package received

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/outreach-auth/wizard/internal/safefile"
)

// Bounds on what is read, so that any input, however hostile, costs
// bounded memory and work.
const (
	// MaxMessageBytes is the largest message accepted; no more than one
	// byte past it is ever read.
	MaxMessageBytes = 50 << 20
	// MaxHeaderBytes bounds the header section (every field, folded).
	MaxHeaderBytes = 1 << 20
	// MaxFieldBytes bounds one header field with all its continuation
	// lines: a field folded without end is refused here.
	MaxFieldBytes = 64 << 10
	// MaxFields bounds how many header fields a message may have.
	MaxFields = 2000
)

// ErrBadInput is wrapped by every error that says the input is not a
// message the wizard can read (a bad-input exit, not a DNS one).
var ErrBadInput = errors.New("received: not a readable message")

// InputError says why the input is not a readable message, in a sentence
// a person can act on.
type InputError struct{ Reason string }

// Error returns the reason.
func (e *InputError) Error() string { return e.Reason }

// Is makes errors.Is(err, ErrBadInput) true for every InputError.
func (e *InputError) Is(target error) bool { return target == ErrBadInput }

func badInput(format string, args ...any) error {
	return &InputError{Reason: fmt.Sprintf(format, args...)}
}

// Field is one header field as it was in the message.
type Field struct {
	// Name is the field name as written ("DKIM-Signature").
	Name string
	// Raw is the whole field, continuation lines included, each line
	// ending in CRLF whatever the file used: the form DKIM signs.
	Raw string
}

// Value returns the field's value unfolded: the continuation line breaks
// removed, leading and trailing spaces trimmed.
func (f Field) Value() string {
	_, v, _ := strings.Cut(f.Raw, ":")
	v = strings.ReplaceAll(v, "\r\n", "")
	return strings.TrimSpace(v)
}

// Message is a received message whose header has been read; the body is
// still to be read, once, from Body.
type Message struct {
	// Header is every field, top (the last one added on the way) first.
	Header []Field
	// HeadersOnly is set when the input ended with the header: the body is
	// not there (or is empty), so a body hash cannot be checked.
	HeadersOnly bool
	// Body reads the rest of the message (never more than MaxMessageBytes
	// in all); reading past the limit gives an InputError, and so does a
	// second message of an mbox file.
	Body io.Reader
}

// Get returns the fields named name (case-insensitive), top first.
func (m *Message) Get(name string) []Field {
	var out []Field
	for _, f := range m.Header {
		if strings.EqualFold(f.Name, name) {
			out = append(out, f)
		}
	}
	return out
}

// First returns the value of the topmost field named name, "" when there
// is none.
func (m *Message) First(name string) string {
	if fs := m.Get(name); len(fs) > 0 {
		return fs[0].Value()
	}
	return ""
}

// HeaderBytes returns the header as DKIM sees it: every field in CRLF
// form, then the empty line.
func (m *Message) HeaderBytes() []byte {
	var b bytes.Buffer
	for _, f := range m.Header {
		b.WriteString(f.Raw)
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

// Magic numbers of files people save by mistake instead of a message.
var (
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	pdfMagic = []byte("%PDF-")
	zipMagic = []byte("PK\x03\x04")
)

// ReadMessage reads the header of one message as a mail client saves it
// (CRLF, LF or CR-only line ends; an mbox "From " line first is skipped)
// and returns it with the body still to be read. A file of CR-only line
// ends (its first line ends in a lone CR) is read as if each were CRLF.
// An mbox file that holds a second message is refused when its body is
// read (the "From " line that starts it). The input is read no further
// than MaxMessageBytes + 1 bytes. Anything that is not a message — empty
// input, an Outlook .msg, a PDF, a header that is broken, too long or
// folded without end — gives an InputError (errors.Is ErrBadInput).
func ReadMessage(r io.Reader) (*Message, error) {
	cr := &safefile.CountingReader{R: io.LimitReader(r, MaxMessageBytes+1)}
	br := bufio.NewReaderSize(cr, 64<<10)
	head, err := br.Peek(8)
	if len(head) == 0 {
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("received: reading the message: %w", err)
		}
		return nil, badInput("the input is empty: save the whole message (in Gmail Show original > Download original) and give that file, or in Outlook copy the headers from File > Properties, the Internet headers box")
	}
	switch {
	case bytes.HasPrefix(head, oleMagic):
		return nil, badInput("this is an Outlook .msg file, not a message in Internet format: give the message saved as .eml instead, or in Outlook open the message in its own window, File > Properties, and copy the Internet headers box into a text file (or paste it into the wizard) and give that")
	case bytes.HasPrefix(head, pdfMagic):
		return nil, badInput("this is a PDF, not a message: a printed message has lost its headers; save the message itself (.eml, or 'Show original' > 'Download original' in Gmail)")
	case bytes.HasPrefix(head, zipMagic):
		return nil, badInput("this is a ZIP archive (or a Word file), not a message: give the .eml file itself")
	}

	if crOnlyLineEnds(br) {
		br = bufio.NewReaderSize(&crToCRLF{r: br}, 64<<10)
	}

	m := &Message{}
	mbox := false
	total := 0
	// The continuation lines of the last field, joined to it when the next
	// field starts or the header ends (not line by line: a field folded
	// over thousands of lines would be copied as many times).
	var folded []byte
	joinFolded := func() {
		if len(folded) > 0 {
			m.Header[len(m.Header)-1].Raw += string(folded)
			folded = folded[:0]
		}
	}
	first := true
	for {
		line, err := readLine(br)
		if err != nil && err != io.EOF {
			return nil, err
		}
		if line == nil && err == io.EOF {
			m.HeadersOnly = true
			break
		}
		total += len(line) + 2
		if total > MaxHeaderBytes {
			return nil, badInput("the header is longer than %d KiB: this is not a message as a mail client saves it", MaxHeaderBytes>>10)
		}
		if bytes.IndexByte(line, 0) >= 0 {
			return nil, badInput("the input has NUL bytes in its header: it is a binary file, not a message; save the message as .eml")
		}
		if first && bytes.HasPrefix(line, []byte("From ")) {
			first = false
			mbox = true
			continue // an mbox separator line
		}
		if len(line) == 0 {
			if len(m.Header) == 0 {
				return nil, badInput("the input starts with an empty line, so it has no header: save the whole message, headers included")
			}
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(m.Header) == 0 {
				return nil, badInput("the first line is indented, which no message starts with: save the whole message, headers included")
			}
			f := &m.Header[len(m.Header)-1]
			if len(f.Raw)+len(folded)+len(line)+2 > MaxFieldBytes {
				return nil, badInput("the header field %s goes on for more than %d KiB (folded without end): this is not a message a mail server would pass on", printableName(f.Name), MaxFieldBytes>>10)
			}
			folded = append(append(folded, line...), '\r', '\n')
		} else {
			name, _, ok := bytes.Cut(line, []byte(":"))
			if !ok || !validFieldName(name) {
				if len(m.Header) == 0 {
					return nil, badInput("the input does not start with message headers (such as From: or Received:): save the whole message as .eml, or in Gmail 'Show original' > 'Download original'")
				}
				return nil, badInput("header line %d is not a header field (no name followed by a colon): the headers are broken", len(m.Header)+1)
			}
			if len(m.Header) == MaxFields {
				return nil, badInput("the message has more than %d header fields: this is not a message as a mail client saves it", MaxFields)
			}
			joinFolded()
			m.Header = append(m.Header, Field{Name: string(name), Raw: string(line) + "\r\n"})
		}
		first = false
		if err == io.EOF {
			m.HeadersOnly = true
			break
		}
	}
	if len(m.Header) == 0 {
		return nil, badInput("the input has no message headers")
	}
	joinFolded()
	if cr.N > MaxMessageBytes {
		return nil, tooLarge()
	}
	if !m.HeadersOnly {
		if _, err := br.Peek(1); err == io.EOF {
			m.HeadersOnly = true
		}
	}
	m.Body = &limitCheck{r: br, c: cr}
	if mbox {
		m.Body = &mboxWatch{r: m.Body, prevEmpty: true}
	}
	return m, nil
}

// crOnlyLineEnds reports whether the input's first line ends in a lone CR
// (the old Mac convention), looking no further than the reader's buffer.
func crOnlyLineEnds(br *bufio.Reader) bool {
	head, _ := br.Peek(br.Size())
	i := bytes.IndexAny(head, "\r\n")
	return i >= 0 && head[i] == '\r' && i+1 < len(head) && head[i+1] != '\n'
}

// crToCRLF reads a file of CR-only line ends as CRLF: every lone CR gets
// an LF after it (a CRLF already there stays one).
type crToCRLF struct {
	r      io.Reader
	buf    []byte
	out    []byte
	lastCR bool
	err    error
}

func (c *crToCRLF) Read(p []byte) (int, error) {
	for len(c.out) == 0 {
		if c.err != nil {
			return 0, c.err
		}
		if c.buf == nil {
			c.buf = make([]byte, 32<<10)
		}
		n, err := c.r.Read(c.buf)
		c.err = err
		for _, b := range c.buf[:n] {
			switch {
			case b == '\n' && c.lastCR:
				// The LF of a CRLF: already written.
			case b == '\r':
				c.out = append(c.out, '\r', '\n')
			default:
				c.out = append(c.out, b)
			}
			c.lastCR = b == '\r'
		}
	}
	n := copy(p, c.out)
	c.out = c.out[n:]
	return n, nil
}

// mboxWatch passes a body on and refuses it, with an InputError, at the
// first line that starts another message of an mbox file: a line that
// begins with "From " after an empty line (inside a message an mbox
// writer escapes such lines as ">From ").
type mboxWatch struct {
	r         io.Reader
	line      int  // lines of the body read so far
	lineLen   int  // bytes of the current line so far (no CR)
	matched   int  // bytes of "From " the current line starts with
	prevEmpty bool // the line before the current one was empty
	err       error
}

func (w *mboxWatch) Read(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n, err := w.r.Read(p)
	const sep = "From "
	for _, b := range p[:n] {
		switch b {
		case '\n':
			w.prevEmpty = w.lineLen == 0
			w.lineLen, w.matched = 0, 0
			w.line++
			continue
		case '\r':
			continue
		}
		if w.prevEmpty && w.lineLen == w.matched && w.matched < len(sep) && b == sep[w.matched] {
			w.matched++
			if w.matched == len(sep) {
				w.err = badInput("the file holds several messages (it is a mailbox in mbox format: line %d of the body starts another message with \"From \"); the wizard verifies one message: save that one on its own (.eml) and give that file", w.line+1)
				return 0, w.err
			}
		}
		w.lineLen++
	}
	return n, err
}

func tooLarge() error {
	return badInput("the message is larger than %d MB; the wizard reads messages up to that size (attachments are not needed: send a short test message and save that one)", MaxMessageBytes>>20)
}

// readLine returns the next line without its CRLF or LF, or nil and
// io.EOF at the end. A last line without a line end is returned with
// io.EOF. A line longer than MaxFieldBytes is an InputError.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > MaxFieldBytes {
			return nil, badInput("a header line is longer than %d KiB: this is not a message as a mail client saves it", MaxFieldBytes>>10)
		}
		switch err {
		case nil:
			line = bytes.TrimSuffix(line[:len(line)-1], []byte("\r"))
			return line, nil
		case bufio.ErrBufferFull:
			continue
		case io.EOF:
			if len(line) == 0 {
				return nil, io.EOF
			}
			return bytes.TrimSuffix(line, []byte("\r")), io.EOF
		default:
			return nil, fmt.Errorf("received: reading the message: %w", err)
		}
	}
}

// validFieldName reports whether b is a header field name (RFC 5322 §3.6.8:
// printable US-ASCII other than the colon).
func validFieldName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < 33 || c > 126 {
			return false
		}
	}
	return true
}

// limitCheck reads the body and fails with the too-large InputError once
// the message has gone past MaxMessageBytes.
type limitCheck struct {
	r io.Reader
	c *safefile.CountingReader
}

func (l *limitCheck) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if l.c.N > MaxMessageBytes {
		return 0, tooLarge()
	}
	return n, err
}
