package assets

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"
)

// FileError reports a problem in a platform file or an embedded catalog: which
// file, which field (a JSON path such as "dkim.selector" or "spf.ips[2]"),
// where in the file when known, and why. Its message has the form
//
//	assets: platform file x.json: field "dkim.selector": must be a DNS label (line 4, column 17)
type FileError struct {
	What   string // what the file is, e.g. "platform file" or "provider catalog"
	Source string // the file name as given
	Field  string // JSON path of the offending field; empty for whole-file problems
	Line   int    // 1-based line of the field or syntax error; 0 when unknown
	Column int    // 1-based column (in characters); 0 when unknown
	Err    error  // the reason
}

// Error formats the problem as one line.
func (e *FileError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "assets: %s %s: ", e.What, e.Source)
	if e.Field != "" {
		fmt.Fprintf(&b, "field %q: ", e.Field)
	}
	b.WriteString(e.Err.Error())
	if e.Line > 0 {
		fmt.Fprintf(&b, " (line %d, column %d)", e.Line, e.Column)
	}
	return b.String()
}

// Unwrap returns the reason.
func (e *FileError) Unwrap() error { return e.Err }

// document is a JSON file being decoded strictly: it remembers where each
// field starts so that validation errors can point at a line and column.
type document struct {
	what, source string
	data         []byte
	pos          map[string]int64 // JSON path -> byte offset of the field's key (or element)
}

// decodeStrict decodes data into v (a pointer to a struct), refusing syntax
// errors, unknown or duplicate fields (at any depth, with their full path),
// values of the wrong type and trailing data.
func decodeStrict(what, source string, data []byte, v any) (*document, error) {
	d := &document{what: what, source: source, data: data, pos: map[string]int64{}}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := d.walk(dec, reflect.TypeOf(v), "", 0); err != nil {
		return nil, err
	}
	end := d.skipSpace(dec.InputOffset())
	if _, err := dec.Token(); err != io.EOF {
		return nil, d.errAt("", end, errors.New("unexpected data after the JSON value"))
	}
	strict := json.NewDecoder(bytes.NewReader(data))
	strict.DisallowUnknownFields()
	if err := strict.Decode(v); err != nil {
		return nil, d.jsonErr(err)
	}
	return d, nil
}

// errAt builds a FileError for field at byte offset off (negative: unknown).
func (d *document) errAt(field string, off int64, err error) *FileError {
	fe := &FileError{What: d.what, Source: d.source, Field: field, Err: err}
	if off >= 0 {
		fe.Line, fe.Column = lineCol(d.data, off)
	}
	return fe
}

// fieldErr builds a FileError for field with its position: where the field
// is, or for a missing field where its enclosing object is (never the whole
// document).
func (d *document) fieldErr(field string, err error) *FileError {
	for p := field; p != ""; p = parentPath(p) {
		if off, ok := d.pos[p]; ok {
			return d.errAt(field, off, err)
		}
	}
	return d.errAt(field, -1, err)
}

// parentPath returns the JSON path enclosing p: "a.b[2].c" → "a.b[2]" →
// "a.b" → "a" → "".
func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

// fieldErrf is fieldErr with a formatted reason.
func (d *document) fieldErrf(field, format string, args ...any) *FileError {
	return d.fieldErr(field, fmt.Errorf(format, args...))
}

// jsonErr turns an encoding/json error into a FileError.
func (d *document) jsonErr(err error) *FileError {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return d.errAt("", syn.Offset, fmt.Errorf("invalid JSON: %s", strings.TrimPrefix(syn.Error(), "json: ")))
	case errors.As(err, &typ):
		field := typ.Field
		off := typ.Offset
		if p, ok := d.pos[field]; ok {
			off = p
		}
		return d.errAt(field, off, fmt.Errorf("must be %s, not a JSON %s", typeName(typ.Type), typ.Value))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return d.errAt("", int64(len(d.data)), errors.New("invalid JSON: the file ends in the middle of a value"))
	}
	return d.errAt("", -1, fmt.Errorf("invalid JSON: %s", strings.TrimPrefix(err.Error(), "json: ")))
}

// typeName describes a Go type the way a person editing JSON thinks of it.
func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Bool:
		return "true or false"
	case reflect.Pointer:
		return typeName(t.Elem())
	}
	return "a number"
}

// walk reads one JSON value from dec, checking object keys against t (nil:
// anything goes) and recording the position of every field under path.
func (d *document) walk(dec *json.Decoder, t reflect.Type, path string, start int64) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	d.pos[path] = start
	tok, err := dec.Token()
	if err != nil {
		return d.tokenErr(dec, err)
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	switch delim {
	case '{':
		var fields map[string]reflect.Type
		if t != nil && t.Kind() == reflect.Struct {
			fields = jsonFields(t)
		}
		seen := map[string]bool{}
		for dec.More() {
			keyOff := d.skipSpace(dec.InputOffset())
			tok, err := dec.Token()
			if err != nil {
				return d.tokenErr(dec, err)
			}
			key, _ := tok.(string)
			sub := key
			if path != "" {
				sub = path + "." + key
			}
			if seen[key] {
				return d.errAt(sub, keyOff, errors.New("appears twice"))
			}
			seen[key] = true
			var ft reflect.Type
			if fields != nil {
				var known bool
				ft, known = fields[key]
				if !known {
					return d.errAt(sub, keyOff, unknownField(key, fields))
				}
			}
			if err := d.walk(dec, ft, sub, keyOff); err != nil {
				return err
			}
		}
	case '[':
		var et reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			et = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			off := d.skipSpace(dec.InputOffset())
			if err := d.walk(dec, et, fmt.Sprintf("%s[%d]", path, i), off); err != nil {
				return err
			}
		}
	}
	// The closing delimiter.
	if _, err := dec.Token(); err != nil {
		return d.tokenErr(dec, err)
	}
	return nil
}

// tokenErr turns an error from Decoder.Token into a FileError.
func (d *document) tokenErr(dec *json.Decoder, err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return d.jsonErr(err)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		if len(bytes.TrimSpace(d.data)) == 0 {
			return d.errAt("", -1, errors.New("invalid JSON: the file is empty"))
		}
		return d.errAt("", int64(len(d.data)), errors.New("invalid JSON: the file ends in the middle of a value"))
	}
	return d.errAt("", dec.InputOffset(), fmt.Errorf("invalid JSON: %s", strings.TrimPrefix(err.Error(), "json: ")))
}

// unknownField explains an unknown key, suggesting a known one that differs
// only in case.
func unknownField(key string, fields map[string]reflect.Type) error {
	for k := range fields {
		if strings.EqualFold(k, key) {
			return fmt.Errorf("unknown field (did you mean %q?)", k)
		}
	}
	return errors.New("unknown field")
}

// skipSpace returns the offset of the first byte at or after off that is not
// white space, a comma or a colon: where the next key or element starts.
func (d *document) skipSpace(off int64) int64 {
	for off < int64(len(d.data)) {
		switch d.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
		default:
			return off
		}
	}
	return off
}

// jsonFields maps the JSON names of t's exported fields to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = f.Type
	}
	return m
}

// lineCol converts a byte offset into a 1-based line and character column.
func lineCol(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	col = utf8.RuneCount(before[lineStart:]) + 1
	return line, col
}
