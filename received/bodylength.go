package received

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"

	"github.com/outreach-auth/wizard/dnscheck"
)

// go-msgauth refuses every signature that carries a body length (l=),
// even one that covers the whole body. The wizard verifies those itself,
// as RFC 6376 §3.5 and §6.1.3 say: the body is canonicalized, only its
// first l= bytes are hashed, and what follows them is reported as not
// signed. docs/verify.md explains it in words.

// lengthRefusal is how go-msgauth (v0.7.0) refuses a signature with l=.
// It says so only after every earlier check passed: the tags, the key
// lookup and the key itself, the algorithms and the canonicalization.
const lengthRefusal = "insecure body length tag"

// refusedForLength reports whether go-msgauth's err is its refusal of l=.
func refusedForLength(err error) bool {
	return err != nil && strings.Contains(err.Error(), lengthRefusal)
}

// lengthSignature is one DKIM signature with l=, verified by the wizard.
type lengthSignature struct {
	index int // among the message's DKIM-Signature fields, top first
	field Field
	tags  map[string]string // whitespace removed from every value

	// length is the l= value; lengthErr says why it cannot be used.
	length    int64
	lengthErr string

	body *bodyHasher // nil when the c= or a= tag was not understood
}

// newLengthSignature reads the tags of f, a DKIM-Signature with l=, and
// prepares its body hash. It returns nil when f has no l= tag.
func newLengthSignature(index int, f Field) *lengthSignature {
	tags := signatureTags(f.Value())
	l, ok := tags["l"]
	if !ok {
		return nil
	}
	s := &lengthSignature{index: index, field: f, tags: tags}
	// RFC 6376 §3.5: 1 to 76 decimal digits. A count past what an int64
	// holds is past any body the wizard reads (MaxMessageBytes).
	switch n, err := strconv.ParseUint(l, 10, 64); {
	case l == "" || len(l) > 76 || strings.Trim(l, "0123456789") != "":
		s.lengthErr = "its body length l=" + shown(l) + " is not a number"
	case err != nil || n > MaxMessageBytes:
		s.length = MaxMessageBytes + 1
	default:
		s.length = int64(n)
	}
	_, bodyCanon := canonicalization(tags["c"])
	if s.lengthErr == "" && (bodyCanon == "simple" || bodyCanon == "relaxed") && strings.HasSuffix(strings.ToLower(tags["a"]), "-sha256") {
		s.body = newBodyHasher(bodyCanon == "relaxed", s.length)
	}
	return s
}

// signatureTags parses a DKIM tag list into tag → value, every value
// without whitespace (as verifiers compare them); the first of repeated
// tags wins (go-msgauth has already refused repeated tags by then).
func signatureTags(v string) map[string]string {
	out := map[string]string{}
	for part := range strings.SplitSeq(v, ";") {
		k, val, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		k = strings.TrimSpace(k)
		if _, seen := out[k]; !seen {
			out[k] = strings.Join(strings.Fields(val), "")
		}
	}
	return out
}

// canonicalization splits a c= value into its header and body parts
// (each "simple" when not given).
func canonicalization(c string) (header, body string) {
	header, body, _ = strings.Cut(strings.ToLower(c), "/")
	if header == "" {
		header = "simple"
	}
	if body == "" {
		body = "simple"
	}
	return header, body
}

// lengthVerdict is the wizard's own result for a signature with l=.
type lengthVerdict struct {
	result string // RFC 8601 word
	reason string // "" for a pass over the whole body
	// unsigned counts the canonical body bytes after the signed ones.
	unsigned int64
	// cannotCheck: the wizard could not check it (a neutral, never a fail).
	cannotCheck bool
}

// cannotCheck is the plain sentence for a signature the wizard cannot
// check, with why.
func cannotCheck(why string) lengthVerdict {
	return lengthVerdict{result: ResultNeutral, cannotCheck: true,
		reason: "the wizard cannot check this signature (it signs only part of the body, with l=): " + why + "; its result here is neither pass nor fail"}
}

// verify checks the signature once the whole body went through s.body.
// m is the message (the signed header fields come from it), txt the key
// record go-msgauth accepted, found at keyName.
func (s *lengthSignature) verify(m *Message, txt []string, keyName string) lengthVerdict {
	if s.lengthErr != "" {
		return lengthVerdict{result: ResultPermError, reason: "the signature cannot be used: " + s.lengthErr}
	}
	if s.body == nil {
		return cannotCheck("its algorithm (a=" + shown(s.tags["a"]) + ") or canonicalization (c=" + shown(s.tags["c"]) + ") is not one the wizard knows")
	}
	if len(txt) != 1 {
		return cannotCheck("the key record at " + keyName + " could not be read again")
	}
	key, err := dnscheck.ParseDKIMKey(txt[0])
	if err != nil {
		return cannotCheck("the key record at " + keyName + " could not be read (" + err.Error() + ")")
	}
	bh, err1 := base64.StdEncoding.DecodeString(s.tags["bh"])
	sig, err2 := base64.StdEncoding.DecodeString(s.tags["b"])
	if err1 != nil || err2 != nil {
		return lengthVerdict{result: ResultPermError, reason: "the signature cannot be used: its bh= or b= is not valid base64"}
	}

	total, sum := s.body.result()
	if total < s.length {
		return lengthVerdict{result: ResultFail,
			reason: fmt.Sprintf("the signature says it covers the first %d bytes of the body (l=), but the body has only %d: the body was cut after signing", s.length, total)}
	}
	if subtle.ConstantTimeCompare(sum, bh) != 1 {
		return lengthVerdict{result: ResultFail,
			reason: fmt.Sprintf("the body changed after signing, within the first %d bytes the signature covers (l=)", s.length)}
	}
	hashed := headerHash(m, s)
	switch key.KeyType {
	case dnscheck.DKIMKeyEd25519:
		if !strings.EqualFold(s.tags["a"], "ed25519-sha256") {
			return lengthVerdict{result: ResultPermError, reason: "the signature's algorithm a=" + shown(s.tags["a"]) + " does not match the Ed25519 key at " + keyName}
		}
		if !ed25519.Verify(ed25519.PublicKey(key.PublicKey), hashed, sig) {
			return lengthVerdict{result: ResultFail, reason: "a signed header changed after signing, or the key published now is not the one that signed"}
		}
	default:
		if !strings.EqualFold(s.tags["a"], "rsa-sha256") {
			return lengthVerdict{result: ResultPermError, reason: "the signature's algorithm a=" + shown(s.tags["a"]) + " does not match the RSA key at " + keyName}
		}
		pub, err := rsaKey(key.PublicKey)
		if err != nil {
			return cannotCheck("the RSA key at " + keyName + " could not be read")
		}
		if rsa.VerifyPKCS1v15(pub, crypto.SHA256, hashed, sig) != nil {
			return lengthVerdict{result: ResultFail, reason: "a signed header changed after signing, or the key published now is not the one that signed"}
		}
	}
	v := lengthVerdict{result: ResultPass, unsigned: total - s.length}
	if v.unsigned > 0 {
		v.reason = fmt.Sprintf("passes, but the signature covers only the first %d bytes of the body (l=): the %d bytes after them are not signed, so anyone on the way could have added them", s.length, v.unsigned)
	}
	return v
}

// rsaKey reads a DER RSA public key (SubjectPublicKeyInfo or PKCS#1).
func rsaKey(der []byte) (*rsa.PublicKey, error) {
	if pub, err := x509.ParsePKIXPublicKey(der); err == nil {
		if k, ok := pub.(*rsa.PublicKey); ok {
			return k, nil
		}
		return nil, errors.New("received: not an RSA key")
	}
	return x509.ParsePKCS1PublicKey(der)
}

// headerHash is the SHA-256 of the signed header fields as RFC 6376 §3.7
// orders them: each name in h= picks the lowest field of that name not
// picked yet (a name with none left adds nothing), then the signature's
// own field with the b= value emptied and no line end, all in the
// signature's header canonicalization.
func headerHash(m *Message, s *lengthSignature) []byte {
	headerCanon, _ := canonicalization(s.tags["c"])
	relaxed := headerCanon == "relaxed"
	h := sha256.New()
	used := make([]bool, len(m.Header))
	for name := range strings.SplitSeq(s.tags["h"], ":") {
		if name == "" {
			continue
		}
		for i := len(m.Header) - 1; i >= 0; i-- {
			if !used[i] && strings.EqualFold(m.Header[i].Name, name) {
				used[i] = true
				h.Write([]byte(canonicalHeader(m.Header[i].Raw, relaxed)))
				break
			}
		}
	}
	own := strings.TrimRight(canonicalHeader(withoutSignature(s.field.Raw), relaxed), "\r\n")
	h.Write([]byte(own))
	return h.Sum(nil)
}

// canonicalHeader canonicalizes one whole field (RFC 6376 §3.4.1, §3.4.2).
// simple: as it is. relaxed: the name in lower case, the value unfolded,
// runs of spaces and tabs made one space, none around the colon or at the
// end.
func canonicalHeader(raw string, relaxed bool) string {
	if !relaxed {
		return raw
	}
	name, value, _ := strings.Cut(raw, ":")
	value = strings.NewReplacer("\r\n", "", "\r", "", "\n", "").Replace(value)
	value = strings.Join(strings.FieldsFunc(value, func(r rune) bool { return r == ' ' || r == '\t' }), " ")
	return strings.ToLower(strings.TrimRight(name, " \t")) + ":" + value + "\r\n"
}

// withoutSignature returns a DKIM-Signature field with the value of its
// b= tag removed (whitespace around it included), as it was hashed.
func withoutSignature(raw string) string {
	name, value, _ := strings.Cut(raw, ":")
	parts := strings.Split(value, ";")
	for i, p := range parts {
		tag, _, ok := strings.Cut(p, "=")
		if ok && strings.Trim(tag, " \t\r\n") == "b" {
			parts[i] = p[:strings.IndexByte(p, '=')+1]
			if i == len(parts)-1 {
				parts[i] += "\r\n" // the field's own end, trimmed again later
			}
		}
	}
	return name + ":" + strings.Join(parts, ";")
}

// bodyHasher canonicalizes a body as it streams past (RFC 6376 §3.4.3
// simple, §3.4.4 relaxed), counts the canonical bytes and hashes the first
// limit of them. Line ends are CRLF or a lone LF (read as CRLF, as
// go-msgauth does); a lone CR is a character of its line.
type bodyHasher struct {
	relaxed bool
	limit   int64

	h     hash.Hash
	total int64  // canonical bytes so far
	out   []byte // canonical bytes of the current Write

	blank   int  // empty lines held back: dropped if nothing follows
	inLine  bool // the current line has had a character
	wsp     bool // relaxed: spaces or tabs held back in the current line
	cr      bool // a CR held back: it may start a CRLF
	written bool // some canonical byte has been written
	closed  bool
}

func newBodyHasher(relaxed bool, limit int64) *bodyHasher {
	return &bodyHasher{relaxed: relaxed, limit: limit, h: sha256.New()}
}

// Write implements io.Writer; it never fails.
func (b *bodyHasher) Write(p []byte) (int, error) {
	b.out = b.out[:0]
	for _, c := range p {
		b.byte(c)
	}
	b.flush()
	return len(p), nil
}

func (b *bodyHasher) byte(c byte) {
	if b.cr {
		b.cr = false
		if c == '\n' {
			b.endLine()
			return
		}
		b.char('\r')
	}
	switch c {
	case '\r':
		b.cr = true
	case '\n':
		b.endLine()
	default:
		b.char(c)
	}
}

// char takes one character of a line.
func (b *bodyHasher) char(c byte) {
	if b.relaxed && (c == ' ' || c == '\t') {
		b.wsp = true
		return
	}
	for ; b.blank > 0; b.blank-- {
		b.out = append(b.out, '\r', '\n')
	}
	if b.wsp {
		b.out = append(b.out, ' ')
		b.wsp = false
	}
	b.out = append(b.out, c)
	b.inLine = true
}

// endLine takes a line end: after characters it is written, an empty
// line is held back (empty lines at the end of the body are dropped).
func (b *bodyHasher) endLine() {
	b.wsp = false // relaxed: spaces at the end of a line go
	if b.inLine {
		b.out = append(b.out, '\r', '\n')
		b.inLine = false
		return
	}
	b.blank++
}

// flush counts and hashes what the last Write produced.
func (b *bodyHasher) flush() {
	if len(b.out) == 0 {
		return
	}
	b.written = true
	if room := b.limit - b.total; room > 0 {
		b.h.Write(b.out[:min(int64(len(b.out)), room)])
	}
	b.total += int64(len(b.out))
	b.out = b.out[:0]
}

// result ends the body and returns the canonical body's length and the
// hash of its first limit bytes.
func (b *bodyHasher) result() (int64, []byte) {
	if !b.closed {
		b.closed = true
		b.out = b.out[:0]
		if b.cr {
			b.cr = false
			b.char('\r')
		}
		if b.inLine {
			// A last line without its line end gets one.
			b.out = append(b.out, '\r', '\n')
		}
		if !b.relaxed && !b.written && len(b.out) == 0 {
			// simple: an empty body is one CRLF.
			b.out = append(b.out, '\r', '\n')
		}
		b.flush()
	}
	return b.total, b.h.Sum(nil)
}
