package received_test

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/received"
)

// signWithLength returns msg with a DKIM signature on top that signs only
// the first l bytes of the body (l=), by key for d= and s=, with simple
// header canonicalization and bodyCanon for the body. It is written here,
// independently of the code under test: the test bodies are already in
// canonical form for both body canonicalizations (CRLF line ends, no
// spaces at line ends or in runs, no empty lines at the end), so the
// signed part is the first l bytes as they are.
func signWithLength(t *testing.T, msg, d, s string, key crypto.Signer, l int, bodyCanon string) string {
	t.Helper()
	head, body, ok := strings.Cut(msg, "\r\n\r\n")
	if !ok || l > len(body) {
		t.Fatalf("signWithLength: no body, or l=%d past it", l)
	}
	bh := sha256.Sum256([]byte(body[:l]))
	algo := "rsa-sha256"
	if _, ok := key.Public().(ed25519.PublicKey); ok {
		algo = "ed25519-sha256"
	}
	sigField := "DKIM-Signature: v=1; a=" + algo + "; c=simple/" + bodyCanon + "; d=" + d + "; s=" + s +
		"; l=" + strconv.Itoa(l) + ";\r\n\th=From:To:Subject; bh=" + base64.StdEncoding.EncodeToString(bh[:]) + "; b="
	// simple header canonicalization: the signed fields exactly as they
	// are, then the signature's own field with b= empty and no line end.
	var data strings.Builder
	for _, name := range []string{"From", "To", "Subject"} {
		for line := range strings.SplitSeq(head, "\r\n") {
			if strings.HasPrefix(line, name+":") {
				data.WriteString(line + "\r\n")
			}
		}
	}
	data.WriteString(sigField)
	sum := sha256.Sum256([]byte(data.String()))
	var sig []byte
	var err error
	if algo == "rsa-sha256" {
		sig, err = key.Sign(rand.Reader, sum[:], crypto.SHA256)
	} else {
		sig, err = key.Sign(rand.Reader, sum[:], crypto.Hash(0))
	}
	if err != nil {
		t.Fatal(err)
	}
	return sigField + base64.StdEncoding.EncodeToString(sig) + "\r\n" + msg
}

// bodyOf is the body of a message built by content.
func bodyOf(msg string) string {
	_, b, _ := strings.Cut(msg, "\r\n\r\n")
	return b
}

// appended is text added after the signed part, as a list or a gateway
// (or an attacker) might.
const appended = "\r\nClick here to confirm your account: http://evil.example/\r\n"

func TestLengthTagWholeBody(t *testing.T) {
	t.Parallel()
	srv := server(t)
	edPub, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Add(`ed1._domainkey.yourcenter.edu. 300 IN TXT "v=DKIM1; k=ed25519; p=` + base64.StdEncoding.EncodeToString(edPub) + `"`); err != nil {
		t.Fatal(err)
	}
	msg := content("jane@yourcenter.edu")
	for name, c := range map[string]struct {
		sel   string
		key   crypto.Signer
		canon string
	}{
		"rsa simple":      {"osc1", platformKey, "simple"},
		"rsa relaxed":     {"osc1", platformKey, "relaxed"},
		"ed25519 relaxed": {"ed1", edKey, "relaxed"},
	} {
		t.Run(name, func(t *testing.T) {
			signed := signWithLength(t, msg, "yourcenter.edu", c.sel, c.key, len(bodyOf(msg)), c.canon)
			rep := verify(t, srv, delivered(signed, "bounce@othercenter.edu", "198.51.100.7", googlePass))
			d := rep.DKIM[0]
			if d.Result != received.ResultPass || d.Reason != "" || d.UnsignedBodyBytes != 0 || d.BodyLength == nil || *d.BodyLength != int64(len(bodyOf(msg))) {
				t.Fatalf("dkim: %+v", d)
			}
			// DKIM alone carries DMARC here (SPF fails for another domain).
			if rep.Verdict != received.VerdictPass || rep.Advice.Checkbox != "off" || len(rep.Disagreements) != 1 || rep.Disagreements[0].Method != "spf" {
				t.Errorf("verdict %q advice %+v disagreements %+v", rep.Verdict, rep.Advice, rep.Disagreements)
			}
			if hasCode(rep, received.CodeDKIMUnsigned) || hasCode(rep, received.CodeDKIMFailed) {
				t.Errorf("problems: %+v", rep.Problems)
			}
		})
	}
}

func TestLengthTagContentAppended(t *testing.T) {
	t.Parallel()
	srv := server(t)
	msg := content("jane@yourcenter.edu")
	signed := signWithLength(t, msg, "yourcenter.edu", "osc1", platformKey, len(bodyOf(msg)), "simple") + appended
	rep := verify(t, srv, delivered(signed, "bounce@othercenter.edu", "198.51.100.7", ""))
	d := rep.DKIM[0]
	if d.Result != received.ResultPass || d.UnsignedBodyBytes != int64(len(appended)) {
		t.Fatalf("dkim: %+v", d)
	}
	if !strings.Contains(d.Reason, "not signed") || !strings.Contains(d.Reason, strconv.Itoa(len(appended))+" bytes") {
		t.Errorf("reason %q", d.Reason)
	}
	if rep.Verdict != received.VerdictPass {
		t.Errorf("verdict %q", rep.Verdict)
	}
	if !hasCode(rep, received.CodeDKIMUnsigned) {
		t.Errorf("no %s in %+v", received.CodeDKIMUnsigned, rep.Problems)
	}
	if out := text(rep); !strings.Contains(out, "not signed") {
		t.Errorf("the text does not warn:\n%s", out)
	}
}

func TestLengthTagTampered(t *testing.T) {
	t.Parallel()
	srv := server(t)
	msg := content("jane@yourcenter.edu")
	signed := signWithLength(t, msg, "yourcenter.edu", "osc1", platformKey, len(bodyOf(msg)), "relaxed")
	for name, c := range map[string]struct{ msg, want string }{
		"within l=":       {strings.Replace(signed, "test message", "paid invoice", 1) + appended, "the body changed after signing, within the first"},
		"signed header":   {strings.Replace(signed, "Subject: Test", "Subject: Urgent", 1), "a signed header changed"},
		"body cut short":  {strings.Replace(signed, "from Neoserra.\r\n", "", 1), "the body was cut"},
		"l= not a number": {strings.Replace(signed, "; l=", "; l=x", 1), "not a number"},
	} {
		t.Run(name, func(t *testing.T) {
			rep := verify(t, srv, delivered(c.msg, "bounce@othercenter.edu", "198.51.100.7", googlePass))
			d := rep.DKIM[0]
			if d.Result == received.ResultPass || d.Result == received.ResultNeutral || !strings.Contains(d.Reason, c.want) {
				t.Fatalf("dkim: %+v", d)
			}
			if rep.Verdict != received.VerdictFail || !hasCode(rep, received.CodeDKIMFailed) {
				t.Errorf("verdict %q problems %+v", rep.Verdict, rep.Problems)
			}
			// The receiver said pass; nothing blames a changed key for a
			// changed body.
			if name == "within l=" {
				if len(rep.Disagreements) == 0 || strings.Contains(rep.Disagreements[0].Explain, "key") {
					t.Errorf("disagreements: %+v", rep.Disagreements)
				}
			}
		})
	}
}

// A headers-only file: an l= signature cannot have its body checked;
// neutral, never a fail.
func TestLengthTagHeadersOnly(t *testing.T) {
	t.Parallel()
	srv := server(t)
	msg := content("jane@yourcenter.edu")
	signed := signWithLength(t, msg, "yourcenter.edu", "osc1", platformKey, len(bodyOf(msg)), "simple")
	head, _, _ := strings.Cut(delivered(signed, "bounce@othercenter.edu", "198.51.100.7", ""), "\r\n\r\n")
	rep := verify(t, srv, head+"\r\n")
	if d := rep.DKIM[0]; d.Result != received.ResultNeutral {
		t.Fatalf("dkim: %+v", d)
	}
	if rep.Verdict != received.VerdictIncomplete {
		t.Errorf("verdict %q", rep.Verdict)
	}
}

// Signatures with and without l= in one message: each gets its own
// verdict, and the body is read once for both.
func TestLengthTagBesideOrdinary(t *testing.T) {
	t.Parallel()
	srv := server(t)
	msg := content("jane@yourcenter.edu")
	signed := signWithLength(t, msg, "yourcenter.edu", "osc1", platformKey, 7, "simple")
	signed = sign(t, signed, "mcsv.net", "k1", otherKey)
	rep := verify(t, srv, delivered(signed, "bounce@yourcenter.edu", platformIP, ""))
	if len(rep.DKIM) != 2 {
		t.Fatalf("dkim: %+v", rep.DKIM)
	}
	other, partial := rep.DKIM[0], rep.DKIM[1]
	if other.Result != received.ResultPass || other.BodyLength != nil {
		t.Errorf("ordinary: %+v", other)
	}
	if partial.Result != received.ResultPass || partial.UnsignedBodyBytes != int64(len(bodyOf(msg))-7) {
		t.Errorf("l=7: %+v", partial)
	}
}
