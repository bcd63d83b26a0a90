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
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
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

// What the wizard cannot check is said plainly, as neutral: never a fail,
// and the verdict waits for it (incomplete) rather than failing DMARC.
func TestCannotCheckIsNeverAFail(t *testing.T) {
	t.Parallel()
	m, err := ReadMessage(strings.NewReader("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=yourcenter.edu; s=osc1; l=5; h=from; bh=AA==; b=AA==\r\nFrom: jane@yourcenter.edu\r\n\r\nHello\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	ls := newLengthSignature(0, m.Get("DKIM-Signature")[0])
	io.Copy(ls.body, m.Body)
	for name, txt := range map[string][]string{
		"no key record kept": nil,
		"two key records":    {"v=DKIM1; p=AAAA", "v=DKIM1; p=BBBB"},
		"unreadable key":     {"v=DKIM1; k=rsa; p=AAAA"},
	} {
		v := ls.verify(m, txt, "osc1._domainkey.yourcenter.edu")
		if v.result != ResultNeutral || !v.cannotCheck || !strings.HasPrefix(v.reason, "the wizard cannot check this signature") {
			t.Errorf("%s: %+v", name, v)
		}
	}

	rep := Report{FromDomain: "yourcenter.edu", PlatformPath: PathOwnDomain,
		DKIM: []DKIMResult{{Domain: "yourcenter.edu", Selector: "osc1", Result: ResultNeutral, Aligned: true, AlignedStrict: true, AlignedRelaxed: true, BodyChecked: true,
			Reason: "the wizard cannot check this signature (…)", cannotCheck: true}},
		SPF: SPFResult{Evaluated: true, Result: ResultFail, IP: "192.0.2.1", MailFromDomain: "othercenter.edu"}}
	dm := dnscheck.DMARCReport{Status: dnscheck.VerdictPass, Policy: "reject", Record: "v=DMARC1; p=reject"}
	rep.DMARC = dmarcResult(dm, rep.DKIM, rep.SPF, false)
	judge(&rep, dm, assets.DefaultPlatform(), voice{})
	if rep.Verdict != VerdictIncomplete || rep.Advice.Checkbox != "" {
		t.Errorf("verdict %q advice %+v", rep.Verdict, rep.Advice)
	}
	var codes []dnscheck.Code
	for _, p := range rep.Problems {
		codes = append(codes, p.Code)
	}
	if !slices.Contains(codes, CodeDKIMNotCheckable) || slices.Contains(codes, CodeDKIMFailed) || slices.Contains(codes, CodeDMARCFailed) {
		t.Errorf("codes %v", codes)
	}
}
