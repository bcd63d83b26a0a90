package main

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// The helpers of this file start with "vfy".

var (
	vfyKeyOnce sync.Once
	vfyKey     *rsa.PrivateKey
)

// vfyServer serves the platform (SPF include and DKIM key) and
// yourcenter.edu, ready, with p=quarantine.
func vfyServer(t *testing.T) *dnstest.Server {
	t.Helper()
	vfyKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		vfyKey = k
	})
	der, err := x509.MarshalPKIXPublicKey(&vfyKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	key := "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der)
	return dnstest.StartT(t,
		chkZone("outreachsystems.com",
			`spf IN TXT "v=spf1 ip4:107.20.160.162 ip4:35.85.179.136 -all"`,
			`osc1._domainkey IN TXT "`+key[:200]+`" "`+key[200:]+`"`),
		chkZone("yourcenter.edu",
			`@ IN TXT "v=spf1 include:spf.outreachsystems.com -all"`,
			"osc1._domainkey IN CNAME osc1._domainkey.outreachsystems.com.",
			`_dmarc IN TXT "v=DMARC1; p=quarantine"`),
		chkZone("othercenter.edu",
			`@ IN TXT "v=spf1 -all"`,
			`_dmarc IN TXT "v=DMARC1; p=reject"`),
	)
}

// vfyMessage is a message from jane@<domain>, signed by the platform's
// key with d=<domain> s=osc1, as delivered from 107.20.160.162.
func vfyMessage(t *testing.T, domain string) string {
	t.Helper()
	msg := "From: Jane <jane@" + domain + ">\r\nTo: it@example.org\r\nSubject: Test\r\nDate: Tue, 24 Nov 2026 17:00:00 +0000\r\n\r\nHello, a test body.\r\n"
	var b bytes.Buffer
	if err := dkim.Sign(&b, strings.NewReader(msg), &dkim.SignOptions{Domain: domain, Selector: "osc1", Signer: vfyKey,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed}); err != nil {
		t.Fatal(err)
	}
	return "Return-Path: <bounce@" + domain + ">\r\n" +
		"Received: from mta1.outreachsystems.com (mta1.outreachsystems.com [107.20.160.162]) by mx.example.org; Tue, 24 Nov 2026 17:00:01 +0000\r\n" +
		"Authentication-Results: mx.example.org; dkim=pass header.d=" + domain + "; spf=pass smtp.mailfrom=bounce@" + domain + "; dmarc=pass header.from=" + domain + "\r\n" +
		b.String()
}

func vfyFile(t *testing.T, content []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "message.eml")
	if err := os.WriteFile(p, content, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestVerifyPass(t *testing.T) {
	t.Parallel()
	srv := vfyServer(t)
	file := vfyFile(t, []byte(vfyMessage(t, "yourcenter.edu")))
	r := chkRun(t, "", "verify", "--dns-server", srv.Addr(), file)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "Neoserra mail from yourcenter.edu passes DMARC: keep the setting OFF.") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "a test body") {
		t.Errorf("the body was printed:\n%s", r.stdout)
	}
	// Standard input, LF line ends, JSON.
	r = chkRun(t, strings.ReplaceAll(vfyMessage(t, "yourcenter.edu"), "\r\n", "\n"), "verify", "--json", "--dns-server", srv.Addr(), "-")
	if r.code != exitOK {
		t.Fatalf("stdin: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var doc struct {
		From         string `json:"from"`
		PlatformPath string `json:"platform_path"`
		Verdict      string `json:"verdict"`
		DKIM         []struct {
			Domain, Selector, Result string
			Aligned                  bool
		} `json:"dkim"`
		Advice struct {
			Checkbox string `json:"checkbox"`
		} `json:"advice"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("JSON: %v\n%s", err, r.stdout)
	}
	if doc.From != "jane@yourcenter.edu" || doc.PlatformPath != "own-domain" || doc.Verdict != "pass" || len(doc.DKIM) != 1 || doc.DKIM[0].Result != "pass" || !doc.DKIM[0].Aligned || doc.Advice.Checkbox != "off" {
		t.Errorf("JSON: %+v", doc)
	}
}

func TestVerifyFailExit1(t *testing.T) {
	t.Parallel()
	srv := vfyServer(t)
	// othercenter.edu publishes no CNAME and no SPF for the platform.
	r := chkRun(t, vfyMessage(t, "othercenter.edu"), "verify", "--dns-server", srv.Addr(), "-")
	if r.code != exitNotReady {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "does not pass DMARC") || !strings.Contains(r.stdout, "key not found") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
}

func TestVerifyDNSTroubleExit3(t *testing.T) {
	t.Parallel()
	srv := vfyServer(t)
	srv.SetFault("_dmarc.yourcenter.edu", dnstest.Fault{ServFail: true})
	r := chkRun(t, vfyMessage(t, "yourcenter.edu"), "verify", "--dns-server", srv.Addr(), "-")
	if r.code != exitDNS {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestVerifyBadInput(t *testing.T) {
	t.Parallel()
	srv := vfyServer(t)
	msg := vfyFile(t, append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...))
	big := filepath.Join(t.TempDir(), "big.eml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(51 << 20); err != nil { // sparse: nothing written
		t.Fatal(err)
	}
	f.Close()
	fifo := filepath.Join(t.TempDir(), "message.eml")
	hasFifo, err := mkfifo(fifo)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		stdin string
		args  []string
		want  string
	}{
		"outlook msg": {"", []string{msg}, "File > Properties"},
		"pdf":         {"%PDF-1.4\n", []string{"-"}, "PDF"},
		"empty":       {"", []string{"-"}, "empty"},
		"directory":   {"", []string{t.TempDir()}, "folder"},
		"missing":     {"", []string{filepath.Join(t.TempDir(), "nope.eml")}, "no such file"},
		"too large":   {"", []string{big}, "larger than 50 MB"},
		"fifo":        {"", []string{fifo}, "named pipe"}, // refused at once, never waits for a writer
		"no argument": {"", nil, "needs one MESSAGE"},
		"bad --ip":    {"", []string{"--ip", "nonsense", "-"}, "--ip"},
	}
	if !hasFifo {
		delete(cases, "fifo") // no named pipes on this system
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			r := chkRun(t, c.stdin, append([]string{"verify", "--dns-server", srv.Addr()}, c.args...)...)
			if r.code != exitUsage {
				t.Fatalf("exit %d, want 2\n%s%s", r.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stderr, c.want) || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("stderr %q, want one line with %q", r.stderr, c.want)
			}
			if r.stdout != "" {
				t.Errorf("stdout: %q", r.stdout)
			}
		})
	}
}
