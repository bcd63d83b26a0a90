package received

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"
)

// The wizard's own canonicalization and header hash (used for l=
// signatures) agree with go-msgauth's signer on signatures without l=:
// every body and header shape below, in both canonicalizations, gives the
// body hash go-msgauth wrote in bh= and a header hash its b= verifies.
func TestOwnVerifierAgreesWithSigner(t *testing.T) {
	t.Parallel()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	header := "From:  Jane  Doe <jane@yourcenter.edu>\r\n" +
		"To: it@example.org\r\n" +
		"Subject: A long subject,\r\n\tfolded  over\r\n  two lines \r\n" +
		"X-Tag: first\r\n" +
		"X-Tag: second\r\n" +
		"Date: Tue, 24 Nov 2026 17:00:00 +0000\r\n"
	bodies := map[string]string{
		"plain":                "Hello,\r\n\r\nThis is a test.\r\n",
		"spaces and tabs":      "  Hello, \t world  \r\n\t\tindented\t\r\n",
		"trailing empty lines": "Hello\r\n\r\n\r\n \r\n\t\r\n",
		"no last line end":     "Hello\r\nno end",
		"lone CR":              "a\rb\r\nc\r\n", // (at the very end, signers differ)
		"empty":                "",
		"only empty lines":     "\r\n\r\n",
		"empty lines inside":   "a\r\n\r\n\r\nb\r\n",
	}
	for _, canon := range []dkim.Canonicalization{dkim.CanonicalizationSimple, dkim.CanonicalizationRelaxed} {
		for _, key := range []crypto.Signer{rsaKey, edKey} {
			for name, body := range bodies {
				t.Run(string(canon)+" "+name, func(t *testing.T) {
					var signed bytes.Buffer
					err := dkim.Sign(&signed, strings.NewReader(header+"\r\n"+body), &dkim.SignOptions{
						Domain: "yourcenter.edu", Selector: "s1", Signer: key,
						HeaderCanonicalization: canon, BodyCanonicalization: canon,
						HeaderKeys: []string{"From", "Subject", "X-Tag", "X-Tag", "X-Tag", "To"},
					})
					if err != nil {
						t.Fatal(err)
					}
					m, err := ReadMessage(&signed)
					if err != nil {
						t.Fatal(err)
					}
					f := m.Get("DKIM-Signature")[0]
					ls := &lengthSignature{field: f, tags: signatureTags(f.Value())}
					bh := newBodyHasher(canon == dkim.CanonicalizationRelaxed, math.MaxInt64)
					if _, err := io.Copy(bh, m.Body); err != nil {
						t.Fatal(err)
					}
					_, sum := bh.result()
					if got := base64.StdEncoding.EncodeToString(sum); got != ls.tags["bh"] {
						t.Errorf("body hash %s, go-msgauth's %s", got, ls.tags["bh"])
					}
					sig, _ := base64.StdEncoding.DecodeString(ls.tags["b"])
					hashed := headerHash(m, ls)
					var ok bool
					switch k := key.(type) {
					case *rsa.PrivateKey:
						ok = rsa.VerifyPKCS1v15(&k.PublicKey, crypto.SHA256, hashed, sig) == nil
					case ed25519.PrivateKey:
						ok = ed25519.Verify(k.Public().(ed25519.PublicKey), hashed, sig)
					}
					if !ok {
						t.Errorf("the header hash does not verify go-msgauth's b=")
					}
				})
			}
		}
	}
}

// The canonical body is counted and only its first limit bytes hashed;
// LF line ends read as CRLF.
func TestBodyHasherLimit(t *testing.T) {
	t.Parallel()
	full := newBodyHasher(true, math.MaxInt64)
	full.Write([]byte("ab  c \r\n\r\n"))
	n, _ := full.result()
	if n != 6 { // "ab c\r\n"
		t.Errorf("relaxed length %d, want 6", n)
	}
	lf := newBodyHasher(false, 3)
	crlf := newBodyHasher(false, 3)
	for _, c := range []byte("abc\ndef\n") { // byte by byte: state across writes
		lf.Write([]byte{c})
	}
	crlf.Write([]byte("abc\r\nxyz\r\n"))
	n1, s1 := lf.result()
	n2, s2 := crlf.result()
	if n1 != 10 || n2 != 10 || !bytes.Equal(s1, s2) {
		t.Errorf("lengths %d %d, hashes equal %v", n1, n2, bytes.Equal(s1, s2))
	}
}
