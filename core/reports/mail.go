package reports

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
)

// maxMIMEDepth bounds how deep multiparts nest inside one message.
const maxMIMEDepth = 8

// mail reads a message, or a mailbox ("From " lines between messages),
// and every report attached to it.
func (rd *reader) mail(name string, data []byte, depth int) {
	if !bytes.HasPrefix(data, []byte("From ")) {
		rd.message(name, data, depth)
		return
	}
	msgs := splitMbox(data)
	for i, m := range msgs {
		if rd.ctx.Err() != nil {
			return
		}
		if !rd.entry(name) {
			return
		}
		rd.message(fmt.Sprintf("%s: message %d", name, i+1), m, depth)
	}
}

// splitMbox cuts a mailbox into its messages: each starts after a line
// that begins with "From " at the start of the data or after an empty
// line (mboxo, mboxrd).
func splitMbox(data []byte) [][]byte {
	var msgs [][]byte
	start := -1
	prevEmpty := true
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		next := len(data)
		if end >= 0 {
			next = off + end + 1
		}
		line := data[off:next]
		if prevEmpty && bytes.HasPrefix(line, []byte("From ")) {
			if start >= 0 {
				msgs = append(msgs, data[start:off])
			}
			start = next
		}
		prevEmpty = len(bytes.TrimRight(line, "\r\n")) == 0
		off = next
	}
	if start >= 0 && start < len(data) {
		msgs = append(msgs, data[start:])
	}
	return msgs
}

// message reads one message and every report attached to it (or sent
// as its body).
func (rd *reader) message(name string, data []byte, depth int) {
	msg, err := mail.ReadMessage(bufio.NewReader(bytes.NewReader(data)))
	if err != nil {
		rd.add(Result{File: name, Err: fmt.Errorf("%w: the message cannot be read: %w", ErrNotReport, err)})
		return
	}
	before := len(rd.out)
	h := textproto.MIMEHeader(msg.Header)
	if err := rd.part(name, h, msg.Body, depth, 0); err != nil {
		rd.add(Result{File: name, Err: err})
		return
	}
	if len(rd.out) == before && rd.ctx.Err() == nil && rd.entries <= MaxEntries {
		rd.add(Result{File: name, Err: fmt.Errorf("%w: no report is attached to the message", ErrNotReport)})
	}
}

// part reads one MIME part: a multipart's parts in turn, a forwarded
// message, or a leaf that holds a report. Leaves that hold no report
// (the message's text) are passed over.
func (rd *reader) part(name string, h textproto.MIMEHeader, body io.Reader, depth, mimeDepth int) error {
	if rd.ctx.Err() != nil {
		return nil
	}
	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		// Odd or missing headers: judge the part by its content.
		mediaType = "application/octet-stream"
	}
	if strings.HasPrefix(mediaType, "multipart/") && params["boundary"] != "" {
		if mimeDepth >= maxMIMEDepth {
			return errors.New("the message's parts are nested too deep")
		}
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("the message's parts are broken: %w", err)
			}
			if !rd.entry(name) {
				return nil
			}
			if err := rd.part(name, p.Header, p, depth, mimeDepth+1); err != nil {
				return err
			}
		}
	}
	decoded, err := decodeBody(h.Get("Content-Transfer-Encoding"), body)
	if err != nil {
		rd.add(Result{File: partName(name, h, params), Err: err})
		return nil
	}
	if mediaType == "message/rfc822" {
		rd.message(partName(name, h, params), decoded, depth+1)
		return nil
	}
	if !holdsReport(decoded, mediaType, attachmentName(h, params)) {
		return nil
	}
	rd.blob(partName(name, h, params), decoded, depth+1)
	return nil
}

// holdsReport reports whether a leaf part is a report to read: it is
// compressed, or XML with a <feedback> element, whatever its headers
// say; or its headers say it is a report (so a broken one is named, not
// passed over). The message's own text, HTML included, is not.
func holdsReport(data []byte, mediaType, filename string) bool {
	switch sniff(data[:min(len(data), 512)]) {
	case kindGzip, kindZip:
		return true
	case kindXML:
		// XML that says it is a report; an HTML body is not one.
		if bytes.Contains(data[:min(len(data), 4096)], []byte("<feedback")) {
			return true
		}
	}
	lower := strings.ToLower(filename)
	for _, ext := range []string{".xml", ".gz", ".zip", ".gzip"} {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	switch mediaType {
	case "application/gzip", "application/x-gzip", "application/zip", "application/x-zip-compressed", "application/xml", "text/xml":
		return true
	}
	return false
}

// decodeBody undoes a part's Content-Transfer-Encoding. The input bound
// already bounds what it gives.
func decodeBody(cte string, body io.Reader) ([]byte, error) {
	var r io.Reader
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, &spaceless{r: body})
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	default:
		r = body
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxInputBytes+1))
	if err != nil {
		return nil, fmt.Errorf("the attachment's %s encoding is broken: %w", clip(strings.ToLower(strings.TrimSpace(cte))), err)
	}
	return data, nil
}

// spaceless drops the spaces and tabs some senders leave in base64
// lines (the decoder itself skips line ends).
type spaceless struct{ r io.Reader }

func (s *spaceless) Read(p []byte) (int, error) {
	for {
		n, err := s.r.Read(p)
		k := 0
		for _, c := range p[:n] {
			if c != ' ' && c != '\t' {
				p[k] = c
				k++
			}
		}
		if k > 0 || err != nil || n == 0 {
			return k, err
		}
	}
}

// attachmentName is the part's file name: Content-Disposition's
// filename, or Content-Type's name.
func attachmentName(h textproto.MIMEHeader, ctParams map[string]string) string {
	if _, params, err := mime.ParseMediaType(h.Get("Content-Disposition")); err == nil && params["filename"] != "" {
		return params["filename"]
	}
	return ctParams["name"]
}

func partName(name string, h textproto.MIMEHeader, ctParams map[string]string) string {
	if f := attachmentName(h, ctParams); f != "" {
		return name + ": " + clip(f)
	}
	return name + ": attachment"
}
