package reports

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/outreach-auth/wizard/internal/safefile"
)

// Bounds on what is read (docs/reports.md). Each is checked while
// reading, so an input that crosses one is refused at that point, never
// read to its end.
const (
	// MaxInputBytes bounds one input: a file, or standard input.
	MaxInputBytes = 50 << 20
	// MaxReportBytes bounds one report once decompressed.
	MaxReportBytes = 200 << 20
	// MaxRatio bounds how many bytes a compressed report may grow to per
	// compressed byte read. Reports compress well (XML, 10–50 to 1); a
	// bomb (zeros, 1000 to 1) crosses it after ratioFloor bytes.
	MaxRatio = 200
	// MaxEntries bounds the zip entries, mailbox messages and MIME parts
	// of one input.
	MaxEntries = 1000
	// MaxReportsPerInput bounds the reports one input may hold.
	MaxReportsPerInput = 1000
	// MaxFolderFiles bounds the files read from one folder.
	MaxFolderFiles = 1000
	// ratioFloor is how much a report may grow before MaxRatio is
	// judged: small reports have fixed overheads.
	ratioFloor = 1 << 20
	// maxNesting bounds containers inside containers (a message holding a
	// zip holding a gzip…).
	maxNesting = 4
)

// BoundError is the refusal of an input that crossed a bound.
type BoundError struct {
	What string // what crossed it, in words
	// Read is how many bytes were read (decompressed, for a report)
	// when it was refused.
	Read int64
}

func (e *BoundError) Error() string { return e.What }

// Result is what one report read from an input gave: a report, or the
// reason it could not be read.
type Result struct {
	// File names where it came from: the input, and inside it the entry
	// or attachment ("reports.zip: google.com!….xml").
	File   string
	Report Report
	Err    error
}

// ReadPaths reads every input named: "-" is in (standard input), a
// folder gives its files (not its sub-folders), anything else is one
// file. An input that cannot be read gives a Result with Err; the others
// are still read. ctx stops the reading between and within inputs.
func ReadPaths(ctx context.Context, names []string, in io.Reader) []Result {
	var out []Result
	for _, name := range names {
		if ctx.Err() != nil {
			return out
		}
		switch {
		case name == "-":
			out = append(out, ReadInput(ctx, "standard input", in)...)
		default:
			out = append(out, readPath(ctx, name)...)
		}
	}
	return out
}

func readPath(ctx context.Context, name string) []Result {
	info, err := os.Stat(name)
	if err != nil {
		return fail(name, fmt.Errorf("cannot be read: %w", unwrapPath(err)))
	}
	if info.IsDir() {
		return readFolder(ctx, name)
	}
	return readFile(ctx, name, info)
}

func readFolder(ctx context.Context, dir string) []Result {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fail(dir, fmt.Errorf("the folder cannot be read: %w", unwrapPath(err)))
	}
	var files []os.DirEntry
	for _, e := range entries {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			files = append(files, e)
		}
	}
	if len(files) > MaxFolderFiles {
		return fail(dir, &BoundError{What: fmt.Sprintf("the folder holds %d files; at most %d are read at once", len(files), MaxFolderFiles)})
	}
	if len(files) == 0 {
		return fail(dir, errors.New("the folder holds no files (sub-folders are not read)"))
	}
	var out []Result
	for _, e := range files {
		if ctx.Err() != nil {
			return out
		}
		p := filepath.Join(dir, e.Name())
		info, err := os.Stat(p)
		if err != nil {
			out = append(out, fail(p, fmt.Errorf("cannot be read: %w", unwrapPath(err)))...)
			continue
		}
		out = append(out, readFile(ctx, p, info)...)
	}
	return out
}

func readFile(ctx context.Context, name string, info os.FileInfo) []Result {
	if !info.Mode().IsRegular() {
		return fail(name, errors.New("is not a regular file"))
	}
	if info.Size() > MaxInputBytes {
		return fail(name, &BoundError{What: fmt.Sprintf("the file is %s; at most %s is read", size(info.Size()), size(MaxInputBytes))})
	}
	f, err := os.Open(name)
	if err != nil {
		return fail(name, fmt.Errorf("cannot be read: %w", unwrapPath(err)))
	}
	defer f.Close()
	return ReadInput(ctx, name, f)
}

// ReadInput reads the reports in one input (at most MaxInputBytes of
// it): XML, gzip, zip, a message with reports attached, or a mailbox of
// such messages, told apart by their content, not their name.
func ReadInput(ctx context.Context, name string, r io.Reader) []Result {
	data, err := io.ReadAll(io.LimitReader(ctxReader{ctx, r}, MaxInputBytes+1))
	if err != nil {
		return fail(name, fmt.Errorf("cannot be read: %w", err))
	}
	if len(data) > MaxInputBytes {
		return fail(name, &BoundError{What: fmt.Sprintf("it is larger than %s, the most that is read", size(MaxInputBytes)), Read: int64(len(data))})
	}
	rd := &reader{ctx: ctx}
	rd.blob(name, data, 0)
	return rd.out
}

// reader collects the results of one input.
type reader struct {
	ctx     context.Context
	out     []Result
	entries int
}

func (rd *reader) add(res Result) {
	if len(rd.out) < MaxReportsPerInput {
		rd.out = append(rd.out, res)
		return
	}
	if len(rd.out) == MaxReportsPerInput {
		rd.out = append(rd.out, Result{File: res.File, Err: &BoundError{What: fmt.Sprintf("the input holds more than %d reports; the rest is not read", MaxReportsPerInput)}})
	}
}

// entry counts one more zip entry, message or part; false once the
// input has too many.
func (rd *reader) entry(name string) bool {
	rd.entries++
	if rd.entries == MaxEntries+1 {
		rd.add(Result{File: name, Err: &BoundError{What: fmt.Sprintf("the input holds more than %d entries, messages or parts; the rest is not read", MaxEntries)}})
	}
	return rd.entries <= MaxEntries
}

// Kinds of content, by their first bytes.
const (
	kindUnknown = iota
	kindXML
	kindGzip
	kindZip
	kindMail
)

func sniff(head []byte) int {
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return kindGzip
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return kindZip
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case bytes.HasPrefix(t, []byte("<")):
		return kindXML
	case looksLikeMail(t):
		return kindMail
	}
	return kindUnknown
}

// looksLikeMail reports whether head starts like a message (a header
// field) or a mailbox ("From " line).
func looksLikeMail(head []byte) bool {
	if bytes.HasPrefix(head, []byte("From ")) {
		return true
	}
	line, _, _ := bytes.Cut(head, []byte("\n"))
	name, _, ok := bytes.Cut(line, []byte(":"))
	if !ok || len(name) == 0 {
		return false
	}
	for _, c := range name {
		if c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

// blob reads data, whole in memory: the input, or a part of a message.
func (rd *reader) blob(name string, data []byte, depth int) {
	if rd.ctx.Err() != nil {
		return
	}
	if depth > maxNesting {
		rd.add(Result{File: name, Err: errors.New("containers are nested too deep")})
		return
	}
	switch sniff(data[:min(len(data), 512)]) {
	case kindZip:
		rd.zip(name, data, depth)
	case kindMail:
		rd.mail(name, data, depth)
	case kindGzip, kindXML:
		in := &safefile.CountingReader{R: bytes.NewReader(data)}
		rd.stream(name, in, in, depth)
	default:
		rd.add(Result{File: name, Err: fmt.Errorf("%w: it is neither XML, gzip, zip nor a message", ErrNotReport)})
	}
}

// stream reads one report from r (XML, or a gzip of it): compressed
// counts the compressed bytes consumed, for the ratio bound.
func (rd *reader) stream(name string, r io.Reader, compressed *safefile.CountingReader, depth int) {
	br := bufio.NewReader(ctxReader{rd.ctx, r})
	head, _ := br.Peek(512)
	switch sniff(head) {
	case kindGzip:
		if depth > maxNesting {
			rd.add(Result{File: name, Err: errors.New("containers are nested too deep")})
			return
		}
		zr, err := gzip.NewReader(br)
		if err != nil {
			rd.add(Result{File: name, Err: fmt.Errorf("the gzip data is broken: %w", err)})
			return
		}
		bounded := &boundedReader{r: zr, compressed: compressed}
		rd.stream(name, bounded, compressed, depth+1)
		return
	case kindXML:
	case kindZip:
		rd.add(Result{File: name, Err: errors.New("a zip inside a compressed file is not read")})
		return
	default:
		rd.add(Result{File: name, Err: fmt.Errorf("%w: its content is not XML", ErrNotReport)})
		return
	}
	rep, err := ParseXML(br)
	if err == nil {
		// Read what follows the report, so that a bound crossed by
		// trailing data (or a broken gzip checksum) is still seen.
		_, err = io.Copy(io.Discard, br)
		if err != nil {
			err = fmt.Errorf("after the report: %w", err)
		}
	}
	var be *BoundError
	var corrupt flate.CorruptInputError
	if errors.As(err, &be) {
		err = be
	} else if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &corrupt) {
		err = fmt.Errorf("the compressed data is broken or cut short: %w", err)
	}
	if err != nil && rd.ctx.Err() != nil {
		err = rd.ctx.Err()
	}
	rd.add(Result{File: name, Report: rep, Err: err})
}

// zip reads every file entry of a zip archive as a report.
func (rd *reader) zip(name string, data []byte, depth int) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		rd.add(Result{File: name, Err: fmt.Errorf("the zip archive is broken: %w", err)})
		return
	}
	read := 0
	for _, f := range zr.File {
		if rd.ctx.Err() != nil {
			return
		}
		base := f.Name[strings.LastIndexByte(f.Name, '/')+1:]
		if strings.HasSuffix(f.Name, "/") || f.FileInfo().IsDir() || strings.HasPrefix(f.Name, "__MACOSX/") || strings.HasPrefix(base, "._") {
			// Folders, and the resource forks macOS adds to archives.
			continue
		}
		if !rd.entry(name) {
			return
		}
		read++
		entryName := name + ": " + clip(f.Name)
		if f.UncompressedSize64 > MaxReportBytes {
			rd.add(Result{File: entryName, Err: &BoundError{What: fmt.Sprintf("the entry says it holds %s once decompressed; at most %s is read", size(int64(min(f.UncompressedSize64, 1<<62))), size(MaxReportBytes))}})
			continue
		}
		raw, err := f.OpenRaw()
		if err != nil {
			rd.add(Result{File: entryName, Err: fmt.Errorf("the zip entry is broken: %w", err)})
			continue
		}
		compressed := &safefile.CountingReader{R: raw}
		var content io.Reader
		switch f.Method {
		case zip.Store:
			content = compressed
		case zip.Deflate:
			fr := flate.NewReader(compressed)
			content = &boundedReader{r: fr, compressed: compressed}
		default:
			rd.add(Result{File: entryName, Err: fmt.Errorf("the zip entry uses compression method %d, which is not read", f.Method)})
			continue
		}
		rd.stream(entryName, content, compressed, depth+1)
	}
	if read == 0 {
		rd.add(Result{File: name, Err: errors.New("the zip archive holds no files")})
	}
}

// boundedReader is a decompressor's output, refused once it passes
// MaxReportBytes, or MaxRatio times the compressed bytes consumed.
type boundedReader struct {
	r          io.Reader
	compressed *safefile.CountingReader
	n          int64
}

func (b *boundedReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	switch {
	case b.n > MaxReportBytes:
		return n, &BoundError{What: fmt.Sprintf("refused: it decompresses to more than %s, the most read for one report", size(MaxReportBytes)), Read: b.n}
	case b.n > ratioFloor && b.n > MaxRatio*max(b.compressed.N, 1):
		return n, &BoundError{What: fmt.Sprintf("refused as a compression bomb: %s of compressed data had already grown to %s (more than %d to 1)", size(b.compressed.N), size(b.n), MaxRatio), Read: b.n}
	}
	return n, err
}

// ctxReader stops reading once ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func fail(name string, err error) []Result { return []Result{{File: name, Err: err}} }

// unwrapPath drops the *PathError's repetition of the name.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// size writes a byte count for a person.
func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
