// Package publish publishes a domain's record plan (core/plan) by RFC 2136
// dynamic update, signed with a TSIG key (RFC 8945): one atomic update per
// zone, carrying exactly the plan's changes, each guarded by prerequisites
// on what was read, so that a record someone changed since is never
// overwritten. See docs/publish.md.
//
// The key's secret stays inside Key: no method, error or rendering of this
// package shows it.
package publish

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"unicode"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/dnscheck"
)

// MaxKeyFileSize bounds the key file read.
const MaxKeyFileSize = 64 << 10

// maxSecretBytes bounds a decoded secret (tsig-keygen makes 32 to 64).
const maxSecretBytes = 1024

// ErrKey is wrapped by every error about the key: a file that cannot be
// read or is readable by others, a format not understood, an algorithm
// not accepted.
var ErrKey = errors.New("publish: TSIG key")

// Algorithms accepted, as TSIG names them.
const (
	AlgSHA256 = dns.HmacSHA256
	AlgSHA384 = dns.HmacSHA384
	AlgSHA512 = dns.HmacSHA512
	// AlgMD5 is accepted only with KeyOptions.AllowMD5: MD5 is broken,
	// and RFC 8945 §6 says not to use it.
	AlgMD5 = "hmac-md5.sig-alg.reg.int."
)

// Key is a TSIG key: its name, its algorithm and, hidden, its secret.
type Key struct {
	Name      string // fully qualified, lower case
	Algorithm string // one of the Alg constants
	secret    []byte
}

// String names the key without its secret: "NAME (hmac-sha256)".
func (k Key) String() string {
	return fmt.Sprintf("%s (%s)", dnscheck.Printable(strings.TrimSuffix(k.Name, ".")), AlgorithmWord(k.Algorithm))
}

// GoString is String: %#v never shows the secret either.
func (k Key) GoString() string { return "publish.Key{" + k.String() + "}" }

// Format makes every verb print String, so no format shows the secret.
func (k Key) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, k.String()) }

// MarshalJSON writes the name and algorithm only.
func (k Key) MarshalJSON() ([]byte, error) {
	return fmt.Appendf(nil, `{"name":%q,"algorithm":%q}`, strings.TrimSuffix(k.Name, "."), AlgorithmWord(k.Algorithm)), nil
}

// Weak reports an MD5 key.
func (k Key) Weak() bool { return k.Algorithm == AlgMD5 }

// AlgorithmWord is the algorithm as configuration files write it
// ("hmac-sha256").
func AlgorithmWord(alg string) string {
	if alg == AlgMD5 {
		return "hmac-md5"
	}
	return strings.TrimSuffix(alg, ".")
}

// KeyOptions say which keys are accepted.
type KeyOptions struct {
	// AllowMD5 accepts hmac-md5 keys.
	AllowMD5 bool
}

// NewKey makes a key from its parts; secret is base64. It is what the
// parsers below end in, and what tests use.
func NewKey(name, algorithm, secret string, opt KeyOptions) (Key, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return Key{}, fmt.Errorf("%w: the key has no name", ErrKey)
	}
	if _, ok := dns.IsDomainName(name); !ok || strings.ContainsFunc(name, func(r rune) bool { return unicode.IsSpace(r) || r > unicode.MaxASCII || !unicode.IsPrint(r) }) {
		// The name is not repeated: what stands there may be the secret,
		// given in the wrong order.
		return Key{}, fmt.Errorf("%w: the key's name is not a DNS name (the form is [alg:]name:secret)", ErrKey)
	}
	alg, err := algorithmOf(algorithm, opt)
	if err != nil {
		return Key{}, err
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(secret))
	if err != nil || len(raw) == 0 {
		// Never quote the secret, not even a part of it.
		return Key{}, fmt.Errorf("%w: the secret is not base64 (as tsig-keygen writes it)", ErrKey)
	}
	if len(raw) > maxSecretBytes {
		return Key{}, fmt.Errorf("%w: the secret is longer than %d bytes", ErrKey, maxSecretBytes)
	}
	return Key{Name: dns.CanonicalName(name), Algorithm: alg, secret: raw}, nil
}

func algorithmOf(word string, opt KeyOptions) (string, error) {
	w := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(word)), ".")
	switch w {
	case "", "hmac-sha256":
		return AlgSHA256, nil
	case "hmac-sha384":
		return AlgSHA384, nil
	case "hmac-sha512":
		return AlgSHA512, nil
	case "hmac-md5", "hmac-md5.sig-alg.reg.int":
		if !opt.AllowMD5 {
			return "", fmt.Errorf("%w: hmac-md5 is weak (MD5 is broken) and refused; make an hmac-sha256 key (tsig-keygen -a hmac-sha256 NAME), or add --allow-hmac-md5 to use it anyway", ErrKey)
		}
		return AlgMD5, nil
	}
	return "", fmt.Errorf("%w: algorithm %q is not accepted; use hmac-sha256, hmac-sha384 or hmac-sha512", ErrKey, dnscheck.Printable(word))
}

// ReadKeyFile reads a key file: a BIND key file (key "NAME" { algorithm
// hmac-sha256; secret "…"; };) or one line [alg:]name:secret as
// nsupdate -y takes it. A file that its group or others can read is
// refused before it is read, with the chmod that fixes it.
func ReadKeyFile(path string, opt KeyOptions) (Key, error) {
	f, err := os.Open(path)
	if err != nil {
		return Key{}, fmt.Errorf("%w: reading the key file: %w", ErrKey, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return Key{}, fmt.Errorf("%w: reading the key file: %w", ErrKey, err)
	}
	if !info.Mode().IsRegular() {
		return Key{}, fmt.Errorf("%w: %s is not a regular file", ErrKey, dnscheck.Printable(path))
	}
	if err := checkMode(path, info.Mode()); err != nil {
		return Key{}, err
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxKeyFileSize+1))
	if err != nil {
		return Key{}, fmt.Errorf("%w: reading the key file: %w", ErrKey, err)
	}
	if len(data) > MaxKeyFileSize {
		return Key{}, fmt.Errorf("%w: %s is larger than %d KiB; a key file is a few lines", ErrKey, dnscheck.Printable(path), MaxKeyFileSize>>10)
	}
	k, err := ParseKey(string(data), opt)
	if err != nil {
		return Key{}, fmt.Errorf("%s: %w", dnscheck.Printable(path), err)
	}
	return k, nil
}

// checkMode refuses a key file its group or others can read.
func checkMode(path string, mode os.FileMode) error {
	if runtime.GOOS == "windows" || mode.Perm()&0o044 == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s can be read by other users (mode %04o), so its secret is not secret; nothing was sent. Fix it with: chmod 600 %s",
		ErrKey, dnscheck.Printable(path), mode.Perm(), shellWord(path))
}

// shellWord quotes path for a shell when it needs it.
func shellWord(s string) string {
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == '~' || unicode.IsLetter(r) || unicode.IsDigit(r))
	}) {
		return dnscheck.Printable(s)
	}
	return "'" + strings.ReplaceAll(dnscheck.Printable(s), "'", `'\''`) + "'"
}

// ParseKey reads a key in either form ReadKeyFile takes (the env var
// WIZARD_TSIG_KEY holds the same).
func ParseKey(text string, opt KeyOptions) (Key, error) {
	if bytes.ContainsRune([]byte(text), 0) {
		return Key{}, fmt.Errorf("%w: not a key (binary data)", ErrKey)
	}
	if strings.Contains(stripComments(text), "{") {
		return parseBINDKey(text, opt)
	}
	return parseColonKey(text, opt)
}

// parseColonKey reads [alg:]name:secret, the one non-blank line.
func parseColonKey(text string, opt KeyOptions) (Key, error) {
	var lines []string
	for l := range strings.Lines(text) {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 {
		return Key{}, fmt.Errorf("%w: not a key: give a BIND key file (key \"NAME\" { algorithm hmac-sha256; secret \"…\"; };) or one line [alg:]name:secret", ErrKey)
	}
	parts := strings.Split(lines[0], ":")
	switch len(parts) {
	case 2:
		return NewKey(parts[0], "", parts[1], opt)
	case 3:
		return NewKey(parts[1], parts[0], parts[2], opt)
	}
	return Key{}, fmt.Errorf("%w: not a key: the line must be [alg:]name:secret", ErrKey)
}

// stripComments removes BIND's comments (#, //, /* */) outside quotes.
func stripComments(text string) string {
	var b strings.Builder
	inQuote := false
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '#' || (c == '/' && i+1 < len(text) && text[i+1] == '/'):
			for i < len(text) && text[i] != '\n' {
				i++
			}
			b.WriteByte('\n')
			continue
		case c == '/' && i+1 < len(text) && text[i+1] == '*':
			end := strings.Index(text[i+2:], "*/")
			if end < 0 {
				return b.String()
			}
			i += end + 3
			b.WriteByte(' ')
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// tokens splits BIND configuration into words, quoted strings (returned
// without quotes, quoted marked) and the punctuation { } ;.
type token struct {
	text   string
	quoted bool
}

func tokenize(text string) ([]token, error) {
	var out []token
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '{' || c == '}' || c == ';':
			out = append(out, token{text: string(c)})
			i++
		case c == '"':
			end := strings.IndexByte(text[i+1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("%w: not a key file: a quote is not closed", ErrKey)
			}
			out = append(out, token{text: text[i+1 : i+1+end], quoted: true})
			i += end + 2
		default:
			j := i
			for j < len(text) && !strings.ContainsRune(" \t\r\n{};\"", rune(text[j])) {
				j++
			}
			out = append(out, token{text: text[i:j]})
			i = j
		}
	}
	return out, nil
}

// parseBINDKey reads the one key statement of a BIND key file. Errors
// name what is missing, never a token (it could be the secret).
func parseBINDKey(text string, opt KeyOptions) (Key, error) {
	toks, err := tokenize(stripComments(text))
	if err != nil {
		return Key{}, err
	}
	bad := fmt.Errorf("%w: not a BIND key file: expected key \"NAME\" { algorithm hmac-sha256; secret \"…\"; };", ErrKey)
	var name, alg, secret string
	keys := 0
	for i := 0; i < len(toks); i++ {
		if toks[i].quoted || !strings.EqualFold(toks[i].text, "key") {
			continue
		}
		keys++
		if i+2 >= len(toks) || toks[i+2].text != "{" || toks[i+2].quoted {
			return Key{}, bad
		}
		name = toks[i+1].text
		j := i + 3
		for ; j < len(toks) && !(toks[j].text == "}" && !toks[j].quoted); j++ {
			if toks[j].quoted || j+2 >= len(toks) || toks[j+2].text != ";" {
				continue
			}
			switch strings.ToLower(toks[j].text) {
			case "algorithm":
				alg = toks[j+1].text
			case "secret":
				secret = toks[j+1].text
			}
			j += 2
		}
		if j >= len(toks) {
			return Key{}, bad
		}
		i = j
	}
	switch {
	case keys == 0 || name == "":
		return Key{}, bad
	case keys > 1:
		return Key{}, fmt.Errorf("%w: the file holds %d keys; give a file with only the one to use", ErrKey, keys)
	case secret == "":
		return Key{}, fmt.Errorf("%w: key %s has no secret", ErrKey, dnscheck.Printable(name))
	case alg == "":
		return Key{}, fmt.Errorf("%w: key %s has no algorithm", ErrKey, dnscheck.Printable(name))
	}
	return NewKey(name, alg, secret, opt)
}
