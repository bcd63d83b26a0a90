package received_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"github.com/outreach-auth/wizard/core/audience"
	"io"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
	"github.com/outreach-auth/wizard/received"
)

// Keys are made once for the test binary: the platform's (published at
// osc1._domainkey.outreachsystems.com), another service's, and one that
// is published nowhere (a key "rotated away" since delivery).
var (
	keysOnce                        sync.Once
	platformKey, otherKey, staleKey *rsa.PrivateKey
)

func keys(t *testing.T) {
	t.Helper()
	keysOnce.Do(func() {
		for _, k := range []**rsa.PrivateKey{&platformKey, &otherKey, &staleKey} {
			var err error
			if *k, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
				panic(err)
			}
		}
	})
}

// keyTXT is the key record of k, split into strings of at most 255 bytes.
func keyTXT(k *rsa.PrivateKey) string {
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		panic(err)
	}
	rec := "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der)
	var parts []string
	for len(rec) > 200 {
		parts = append(parts, `"`+rec[:200]+`"`)
		rec = rec[200:]
	}
	parts = append(parts, `"`+rec+`"`)
	return strings.Join(parts, " ")
}

func zone(domain string, lines ...string) string {
	return "$ORIGIN " + domain + ".\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN NS ns1\nns1 IN A 127.0.0.1\n" + strings.Join(lines, "\n") + "\n"
}

// server serves the platform, the person's domains and another service.
func server(t *testing.T) *dnstest.Server {
	t.Helper()
	keys(t)
	var ips []string
	for _, p := range assets.DefaultPlatform().SPF.IPs {
		ips = append(ips, "ip4:"+p.Addr().String())
	}
	return dnstest.StartT(t,
		zone("outreachsystems.com",
			`spf IN TXT "v=spf1 `+strings.Join(ips, " ")+` -all"`,
			`mail IN TXT "v=spf1 include:spf.outreachsystems.com -all"`,
			`_dmarc IN TXT "v=DMARC1; p=none"`,
			"osc1._domainkey IN TXT "+keyTXT(platformKey)),
		zone("yourcenter.edu",
			`@ IN TXT "v=spf1 include:spf.outreachsystems.com -all"`,
			"osc1._domainkey IN CNAME osc1._domainkey.outreachsystems.com.",
			`_dmarc IN TXT "v=DMARC1; p=quarantine"`),
		// othercenter.edu has not published anything for the platform.
		zone("othercenter.edu",
			`@ IN TXT "v=spf1 ip4:192.0.2.0/24 -all"`,
			`_dmarc IN TXT "v=DMARC1; p=reject"`),
		zone("revoked.edu",
			`@ IN TXT "v=spf1 -all"`,
			`osc1._domainkey IN TXT "v=DKIM1; k=rsa; p="`,
			`_dmarc IN TXT "v=DMARC1; p=quarantine"`),
		zone("mcsv.net", "k1._domainkey IN TXT "+keyTXT(otherKey)),
	)
}

func checker(srv *dnstest.Server) *dnscheck.Checker {
	return &dnscheck.Checker{Resolver: dnscheck.NewClient(dnscheck.WithServers(srv.Addr())), Direct: true}
}

const (
	platformIP = "107.20.160.162" // one of the platform file's addresses
	body       = "Hello,\r\n\r\nThis is a test message from Neoserra.\r\n"
)

// content is a message before signing, CRLF.
func content(from string) string {
	return "From: Jane Doe <" + from + ">\r\n" +
		"To: it@example.org\r\n" +
		"Subject: Test from Neoserra\r\n" +
		"Date: Tue, 24 Nov 2026 17:00:00 +0000\r\n" +
		"Message-ID: <test-1@neoserra.example>\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"\r\n" + body
}

// sign returns msg with a DKIM signature by key for d= and s= on top.
func sign(t *testing.T, msg, d, s string, key crypto.Signer) string {
	t.Helper()
	var b bytes.Buffer
	err := dkim.Sign(&b, strings.NewReader(msg), &dkim.SignOptions{
		Domain: d, Selector: s, Signer: key,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed,
		HeaderKeys: []string{"From", "To", "Subject", "Date", "Message-ID"},
	})
	if err != nil {
		t.Fatalf("signing: %v", err)
	}
	return b.String()
}

// delivered adds what the receiving server writes on top: Return-Path,
// its Received field naming the connecting address, and (when ar is not
// empty) its Authentication-Results.
func delivered(msg, returnPath, ip, ar string) string {
	top := "Return-Path: <" + returnPath + ">\r\n" +
		"Received: from mta1.outreachsystems.com (mta1.outreachsystems.com [" + ip + "])\r\n" +
		"        by mx.google.com with ESMTPS id abc123; Tue, 24 Nov 2026 17:00:01 +0000\r\n"
	if ar != "" {
		top += "Authentication-Results: mx.google.com;\r\n       " + strings.ReplaceAll(ar, "; ", ";\r\n       ") + "\r\n"
	}
	return top + msg
}

const googlePass = "dkim=pass header.i=@yourcenter.edu header.s=osc1; spf=pass (google.com: domain of bounce@yourcenter.edu designates 107.20.160.162 as permitted sender) smtp.mailfrom=bounce@yourcenter.edu; dmarc=pass (p=QUARANTINE sp=QUARANTINE dis=NONE) header.from=yourcenter.edu"

// platformMessage is a message the platform sent for jane@yourcenter.edu,
// as delivered to Gmail.
func platformMessage(t *testing.T) string {
	keys(t)
	return delivered(sign(t, content("jane@yourcenter.edu"), "yourcenter.edu", "osc1", platformKey), "bounce@yourcenter.edu", platformIP, googlePass)
}

func verify(t *testing.T, srv *dnstest.Server, msg string, opts ...func(*received.Options)) received.Report {
	t.Helper()
	o := received.Options{Checker: checker(srv)}
	for _, f := range opts {
		f(&o)
	}
	rep, err := received.Verify(context.Background(), strings.NewReader(msg), o)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return rep
}

func hasCode(rep received.Report, code dnscheck.Code) bool {
	return slices.ContainsFunc(rep.Problems, func(p dnscheck.Problem) bool { return p.Code == code })
}

func text(rep received.Report) string {
	var b bytes.Buffer
	received.WriteText(&b, rep)
	return b.String()
}

func TestPass(t *testing.T) {
	t.Parallel()
	srv := server(t)
	for name, msg := range map[string]string{
		"CRLF": platformMessage(t),
		"LF":   strings.ReplaceAll(platformMessage(t), "\r\n", "\n"),
	} {
		t.Run(name, func(t *testing.T) {
			rep := verify(t, srv, msg)
			if rep.Verdict != received.VerdictPass || rep.PlatformPath != received.PathOwnDomain {
				t.Fatalf("verdict %q path %q, want pass own-domain\n%s", rep.Verdict, rep.PlatformPath, text(rep))
			}
			if rep.From != "jane@yourcenter.edu" || rep.FromDomain != "yourcenter.edu" {
				t.Errorf("from %q %q", rep.From, rep.FromDomain)
			}
			if len(rep.DKIM) != 1 {
				t.Fatalf("dkim: %+v", rep.DKIM)
			}
			d := rep.DKIM[0]
			if d.Domain != "yourcenter.edu" || d.Selector != "osc1" || d.Result != "pass" || !d.Aligned || !d.AlignedStrict || !d.Platform || !d.BodyChecked {
				t.Errorf("dkim: %+v", d)
			}
			if s := rep.SPF; s.IP != platformIP || s.MailFromDomain != "yourcenter.edu" || s.Result != "pass" || !s.Aligned {
				t.Errorf("spf: %+v", s)
			}
			if m := rep.DMARC; m.Result != "pass" || m.Policy != "quarantine" || m.Source != "domain" {
				t.Errorf("dmarc: %+v", m)
			}
			if rep.Receiver == nil || rep.Receiver.AuthservID != "mx.google.com" || rep.Receiver.DKIM != "pass" || rep.Receiver.SPF != "pass" || rep.Receiver.DMARC != "pass" {
				t.Errorf("receiver: %+v", rep.Receiver)
			}
			if len(rep.Disagreements) != 0 {
				t.Errorf("disagreements: %+v", rep.Disagreements)
			}
			if !rep.Platform.IPInPlatformSet || !rep.Platform.Selector || rep.Platform.IPsSource != dnscheck.PlatformIPsLive {
				t.Errorf("platform evidence: %+v", rep.Platform)
			}
			if rep.Advice.Checkbox != "off" || !strings.Contains(rep.Advice.Summary, "Neoserra mail from yourcenter.edu passes DMARC: keep the setting OFF") {
				t.Errorf("advice: %+v", rep.Advice)
			}
			if out := text(rep); !strings.Contains(out, "Verdict: Neoserra mail from yourcenter.edu passes DMARC: keep the setting OFF.") {
				t.Errorf("text:\n%s", out)
			}
		})
	}
}

// The authoritative-first path (no --dns-server) finds the key as well.
func TestPassAuthoritative(t *testing.T) {
	t.Parallel()
	srv := server(t)
	c := &dnscheck.Checker{Resolver: dnscheck.NewClient(dnscheck.WithServers(srv.Addr())),
		ResolveNS: func(context.Context, string) []string { return []string{srv.Addr()} }}
	rep, err := received.Verify(context.Background(), strings.NewReader(platformMessage(t)), received.Options{Checker: c})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verdict != received.VerdictPass || rep.DKIM[0].Result != "pass" {
		t.Fatalf("verdict %q, dkim %+v", rep.Verdict, rep.DKIM)
	}
	// The domain's authoritative servers were looked for (its NS).
	discovered := slices.ContainsFunc(srv.Queries(), func(q dnstest.Query) bool {
		return q.Name == "yourcenter.edu." && q.Type == dns.TypeNS
	})
	if !discovered {
		t.Errorf("no authoritative discovery: %+v", srv.Queries())
	}
}

func TestBodyChanged(t *testing.T) {
	t.Parallel()
	srv := server(t)
	msg := strings.Replace(platformMessage(t), "test message", "changed message", 1)
	rep := verify(t, srv, msg)
	d := rep.DKIM[0]
	if d.Result != "fail" || !strings.Contains(d.Reason, "body changed after signing") {
		t.Fatalf("dkim: %+v", d)
	}
	if !hasCode(rep, received.CodeDKIMFailed) {
		t.Errorf("problems: %+v", rep.Problems)
	}
	// The receiver said dkim=pass: the two disagree.
	if len(rep.Disagreements) != 1 || rep.Disagreements[0].Method != "dkim" {
		t.Errorf("disagreements: %+v", rep.Disagreements)
	}
}

func TestHeaderChanged(t *testing.T) {
	t.Parallel()
	srv := server(t)
	msg := strings.Replace(platformMessage(t), "Subject: Test from Neoserra", "Subject: [EXTERNAL] Test from Neoserra", 1)
	rep := verify(t, srv, msg)
	if d := rep.DKIM[0]; d.Result != "fail" || !strings.Contains(d.Reason, "signed header changed") {
		t.Fatalf("dkim: %+v", d)
	}
}

func TestKeyMissing(t *testing.T) {
	t.Parallel()
	srv := server(t)
	// othercenter.edu has no osc1 CNAME.
	msg := delivered(sign(t, content("jane@othercenter.edu"), "othercenter.edu", "osc1", platformKey), "bounce@othercenter.edu", platformIP, "")
	rep := verify(t, srv, msg)
	d := rep.DKIM[0]
	if d.Result != "permerror" || !strings.Contains(d.Reason, "key not found") || !strings.Contains(d.Reason, "osc1._domainkey.othercenter.edu") {
		t.Fatalf("dkim: %+v", d)
	}
	// The JSON keeps the RFC's word; what a person reads says it plainly.
	if out := text(rep); strings.Contains(out, "permerror") || !strings.Contains(out, "s=osc1: the record is broken") {
		t.Errorf("the text does not put permerror in plain words:\n%s", out)
	}
	if rep.Verdict != received.VerdictFail || rep.Advice.Checkbox != "on" {
		t.Errorf("verdict %q advice %+v", rep.Verdict, rep.Advice)
	}
	// The fix names the CNAME to publish.
	if !strings.Contains(strings.Join(rep.Advice.NextSteps, " "), "osc1._domainkey.othercenter.edu. → osc1._domainkey.outreachsystems.com.") {
		t.Errorf("next steps: %q", rep.Advice.NextSteps)
	}
	if rep.Receiver != nil {
		t.Errorf("receiver without Authentication-Results: %+v", rep.Receiver)
	}
}

func TestKeyRevoked(t *testing.T) {
	t.Parallel()
	srv := server(t)
	msg := delivered(sign(t, content("jane@revoked.edu"), "revoked.edu", "osc1", platformKey), "bounce@revoked.edu", platformIP, "")
	rep := verify(t, srv, msg)
	if d := rep.DKIM[0]; d.Result != "permerror" || !strings.HasPrefix(d.Reason, "key revoked") {
		t.Fatalf("dkim: %+v", d)
	}
	if rep.Verdict != received.VerdictFail {
		t.Errorf("verdict %q", rep.Verdict)
	}
}

// Without the CNAME, the platform signs with its own domain: DKIM passes
// but is not aligned, and SPF passes for its bounce domain, not aligned
// either.
func TestNotAligned(t *testing.T) {
	t.Parallel()
	srv := server(t)
	msg := delivered(sign(t, content("jane@othercenter.edu"), "outreachsystems.com", "osc1", platformKey), "bounce@mail.outreachsystems.com", platformIP, "")
	rep := verify(t, srv, msg)
	d := rep.DKIM[0]
	if d.Result != "pass" || d.Aligned || d.AlignedRelaxed {
		t.Fatalf("dkim: %+v", d)
	}
	if s := rep.SPF; s.Result != "pass" || s.Aligned || s.MailFromDomain != "mail.outreachsystems.com" {
		t.Errorf("spf: %+v", s)
	}
	if rep.Verdict != received.VerdictFail || rep.DMARC.Result != "fail" || rep.DMARC.Policy != "reject" {
		t.Errorf("verdict %q dmarc %+v", rep.Verdict, rep.DMARC)
	}
	for _, code := range []dnscheck.Code{received.CodeDKIMNotAligned, received.CodeSPFNotAligned, received.CodeDMARCFailed} {
		if !hasCode(rep, code) {
			t.Errorf("no %s in %+v", code, rep.Problems)
		}
	}
	if !strings.Contains(rep.Advice.Summary, "does not pass DMARC") || rep.Advice.Checkbox != "on" {
		t.Errorf("advice: %+v", rep.Advice)
	}
}

func TestTwoSignatures(t *testing.T) {
	t.Parallel()
	srv := server(t)
	signed := sign(t, content("jane@yourcenter.edu"), "yourcenter.edu", "osc1", platformKey)
	signed = sign(t, signed, "mcsv.net", "k1", otherKey)
	rep := verify(t, srv, delivered(signed, "bounce@yourcenter.edu", platformIP, googlePass))
	if len(rep.DKIM) != 2 {
		t.Fatalf("dkim: %+v", rep.DKIM)
	}
	other, platform := rep.DKIM[0], rep.DKIM[1] // the last signature added is on top
	if other.Domain != "mcsv.net" || other.Result != "pass" || other.Aligned || other.Platform {
		t.Errorf("other service: %+v", other)
	}
	if platform.Domain != "yourcenter.edu" || platform.Result != "pass" || !platform.Aligned || !platform.Platform {
		t.Errorf("platform: %+v", platform)
	}
	if rep.Verdict != received.VerdictPass {
		t.Errorf("verdict %q", rep.Verdict)
	}
}

func TestRewritten(t *testing.T) {
	t.Parallel()
	srv := server(t)
	msg := delivered(sign(t, content("jane.doe@mail.outreachsystems.com"), "outreachsystems.com", "osc1", platformKey), "bounce@mail.outreachsystems.com", platformIP, "")
	rep := verify(t, srv, msg)
	if rep.PlatformPath != received.PathRewritten {
		t.Fatalf("path %q", rep.PlatformPath)
	}
	if rep.Advice.Checkbox != "on" || !strings.Contains(rep.Advice.Summary, "says nothing yet about your own domain") {
		t.Errorf("advice: %+v", rep.Advice)
	}
	steps := strings.Join(rep.Advice.NextSteps, " ")
	if !strings.Contains(steps, "wizard check") || !strings.Contains(steps, "turn OFF") {
		t.Errorf("next steps: %q", rep.Advice.NextSteps)
	}
	if !hasCode(rep, received.CodeRewritten) {
		t.Errorf("problems: %+v", rep.Problems)
	}
	if !strings.Contains(text(rep), "setting ON") {
		t.Errorf("text:\n%s", text(rep))
	}
}

// No DKIM at all: DMARC passes through SPF for the Return-Path domain,
// the connecting address read from the receiver's Received field.
func TestSPFThroughReturnPath(t *testing.T) {
	t.Parallel()
	srv := server(t)
	rep := verify(t, srv, delivered(content("jane@yourcenter.edu"), "bounce@yourcenter.edu", platformIP, ""))
	s := rep.SPF
	if s.IP != platformIP || s.IPSource != received.IPFromReceived || s.MailFromDomain != "yourcenter.edu" || s.MailFromSource != "Return-Path" || s.Result != "pass" || !s.Aligned {
		t.Fatalf("spf: %+v", s)
	}
	if rep.Verdict != received.VerdictPass || !slices.Equal(rep.DMARC.AlignedBy, []string{"spf"}) {
		t.Errorf("verdict %q dmarc %+v", rep.Verdict, rep.DMARC)
	}
	if !hasCode(rep, received.CodeDKIMNone) {
		t.Errorf("problems: %+v", rep.Problems)
	}
	// An address not in the record fails, also when given with --ip.
	rep = verify(t, srv, delivered(content("jane@yourcenter.edu"), "bounce@yourcenter.edu", platformIP, ""), func(o *received.Options) {
		o.IP = mustAddr("198.51.100.7")
	})
	if rep.SPF.Result != "fail" || rep.SPF.IPSource != received.IPFromFlag || rep.Verdict != received.VerdictFail {
		t.Errorf("--ip: spf %+v verdict %q", rep.SPF, rep.Verdict)
	}
}

// The key that signed is no longer published (rotated since delivery):
// the receiver said pass, the wizard fails it, and says whom to believe.
func TestReceiverDisagrees(t *testing.T) {
	t.Parallel()
	srv := server(t)
	msg := delivered(sign(t, content("jane@yourcenter.edu"), "yourcenter.edu", "osc1", staleKey), "bounce@yourcenter.edu", platformIP, googlePass)
	rep := verify(t, srv, msg)
	if rep.DKIM[0].Result != "fail" {
		t.Fatalf("dkim: %+v", rep.DKIM)
	}
	if len(rep.Disagreements) != 1 {
		t.Fatalf("disagreements: %+v", rep.Disagreements)
	}
	d := rep.Disagreements[0]
	if d.Method != "dkim" || d.Receiver != "pass" || d.Wizard != "fail" || !strings.Contains(d.Explain, "key was most likely changed") || !strings.Contains(d.Explain, "Believe the receiver") {
		t.Errorf("disagreement: %+v", d)
	}
	if !hasCode(rep, received.CodeReceiverDisagrees) || !strings.Contains(text(rep), "the receiver said pass, the wizard finds fail") {
		t.Errorf("problems %+v\n%s", rep.Problems, text(rep))
	}
}

func TestHeadersOnly(t *testing.T) {
	t.Parallel()
	srv := server(t)
	full := platformMessage(t)
	head, _, _ := strings.Cut(full, "\r\n\r\n")
	for name, msg := range map[string]string{"no blank line": head + "\r\n", "blank line, no body": head + "\r\n\r\n"} {
		t.Run(name, func(t *testing.T) {
			rep := verify(t, srv, msg)
			if !rep.HeadersOnly {
				t.Fatal("not seen as headers only")
			}
			d := rep.DKIM[0]
			if d.Result != "neutral" || d.BodyChecked || !strings.Contains(d.Reason, "body hash cannot be checked") {
				t.Errorf("dkim: %+v", d)
			}
			if !hasCode(rep, received.CodeBodyNotChecked) {
				t.Errorf("problems: %+v", rep.Problems)
			}
			// SPF still decides: aligned pass.
			if rep.Verdict != received.VerdictPass {
				t.Errorf("verdict %q", rep.Verdict)
			}
		})
	}
	// Without SPF to carry it, the body hash would decide: incomplete.
	rep := verify(t, srv, head+"\r\n", func(o *received.Options) { o.IP = mustAddr("198.51.100.7") })
	if rep.Verdict != received.VerdictIncomplete {
		t.Errorf("verdict %q, want incomplete", rep.Verdict)
	}
}

// DNS trouble on the key, with no SPF to carry DMARC: the verdict is an
// error, never a fail.
func TestKeyDNSTrouble(t *testing.T) {
	t.Parallel()
	srv := server(t)
	srv.SetFault("osc1._domainkey.yourcenter.edu", dnstest.Fault{ServFail: true})
	msg := delivered(sign(t, content("jane@yourcenter.edu"), "yourcenter.edu", "osc1", platformKey), "bounce@othercenter.edu", platformIP, "")
	rep := verify(t, srv, msg)
	if rep.DKIM[0].Result != "temperror" || rep.Verdict != received.VerdictError || !rep.DNSTrouble() {
		t.Fatalf("dkim %+v verdict %q", rep.DKIM, rep.Verdict)
	}
	if out := text(rep); strings.Contains(out, "temperror") || !strings.Contains(out, "s=osc1: could not be read just now") {
		t.Errorf("the text does not put temperror in plain words:\n%s", out)
	}
	if !hasCode(rep, dnscheck.CodeDNSServFail) {
		t.Errorf("problems: %+v", rep.Problems)
	}
}

func TestJSONContract(t *testing.T) {
	t.Parallel()
	srv := server(t)
	rep := verify(t, srv, platformMessage(t))
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"from", "from_domain", "platform_path", "dkim", "spf", "dmarc", "receiver", "verdict", "problems", "advice"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("no %q in %s", k, b)
		}
	}
	dk := doc["dkim"].([]any)[0].(map[string]any)
	for _, k := range []string{"domain", "selector", "result", "aligned", "reason"} {
		if _, ok := dk[k]; !ok {
			t.Errorf("dkim has no %q", k)
		}
	}
	for _, k := range []string{"ip", "mail_from_domain", "result", "aligned"} {
		if _, ok := doc["spf"].(map[string]any)[k]; !ok {
			t.Errorf("spf has no %q", k)
		}
	}
	for _, k := range []string{"result", "policy", "source"} {
		if _, ok := doc["dmarc"].(map[string]any)[k]; !ok {
			t.Errorf("dmarc has no %q", k)
		}
	}
	for _, k := range []string{"authserv_id", "dkim", "spf", "dmarc"} {
		if _, ok := doc["receiver"].(map[string]any)[k]; !ok {
			t.Errorf("receiver has no %q", k)
		}
	}
	for _, k := range []string{"checkbox", "next_steps"} {
		if _, ok := doc["advice"].(map[string]any)[k]; !ok {
			t.Errorf("advice has no %q", k)
		}
	}
	// Without Authentication-Results, receiver is null.
	rep = verify(t, srv, delivered(content("jane@yourcenter.edu"), "bounce@yourcenter.edu", platformIP, ""))
	b, _ = json.Marshal(rep)
	if !bytes.Contains(b, []byte(`"receiver":null`)) {
		t.Errorf("receiver not null: %s", b)
	}
}

// The body is never in the report.
func TestBodyNeverShown(t *testing.T) {
	t.Parallel()
	srv := server(t)
	rep := verify(t, srv, platformMessage(t))
	b, _ := json.Marshal(rep)
	for _, out := range []string{string(b), text(rep)} {
		if strings.Contains(out, "This is a test message") {
			t.Errorf("the body shows:\n%s", out)
		}
	}
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

func TestBadInput(t *testing.T) {
	t.Parallel()
	srv := server(t)
	folded := io.MultiReader(strings.NewReader("From: a@yourcenter.edu\r\nSubject: x\r\n"), endless(" more\r\n"))
	cases := map[string]struct {
		in   io.Reader
		want string
	}{
		"empty":           {strings.NewReader(""), "empty"},
		"outlook msg":     {bytes.NewReader(append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...)), ".eml"},
		"pdf":             {strings.NewReader("%PDF-1.7\n%âãÏÓ\n1 0 obj\n"), "PDF"},
		"not headers":     {strings.NewReader("Dear Jane,\r\nthanks for the call.\r\n"), "does not start with message headers"},
		"broken header":   {strings.NewReader("From: a@yourcenter.edu\r\nthis line is no field\r\n\r\nbody"), "not a header field"},
		"endless folding": {folded, "folded without end"},
		"no from":         {strings.NewReader("Subject: hi\r\n\r\nbody\r\n"), "no From"},
		"binary":          {strings.NewReader("From: a@b.edu\x00\r\n\r\n"), "binary"},
		"too large":       {io.MultiReader(strings.NewReader(content("jane@yourcenter.edu")), endless("0123456789abcdef\r\n")), "larger than 50 MB"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := received.Verify(context.Background(), c.in, received.Options{Checker: checker(srv)})
			if !errors.Is(err, received.ErrBadInput) {
				t.Fatalf("err = %v, want ErrBadInput", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %q, want it to say %q", err, c.want)
			}
		})
	}
}

// The reader reads no further than the limit, however long the input.
func TestReadBounded(t *testing.T) {
	t.Parallel()
	src := &counted{r: endless(" x\r\n")}
	_, err := received.ReadMessage(io.MultiReader(strings.NewReader("Subject: a\r\n"), src))
	if !errors.Is(err, received.ErrBadInput) {
		t.Fatalf("err = %v", err)
	}
	if src.n > 2*received.MaxFieldBytes+64<<10 {
		t.Errorf("read %d bytes of an endlessly folded field", src.n)
	}
	src = &counted{r: endless("0123456789\r\n")}
	m, err := received.ReadMessage(io.MultiReader(strings.NewReader("From: a@b.edu\r\n\r\n"), src))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, m.Body); !errors.Is(err, received.ErrBadInput) {
		t.Fatalf("body err = %v", err)
	}
	if src.n > received.MaxMessageBytes+64<<10 {
		t.Errorf("read %d bytes, limit %d", src.n, received.MaxMessageBytes)
	}
}

// Hundreds of signatures, some naming hostile d= and s=: at most
// MaxSignatures are verified, the rest counted; nothing that is not a
// valid DNS name is looked up, and nothing raw reaches the screen.
func TestManyHostileSignatures(t *testing.T) {
	t.Parallel()
	srv := server(t)
	msg := platformMessage(t)
	var extra strings.Builder
	extra.WriteString("DKIM-Signature: v=1; a=rsa-sha256; d=evil\x1b[31m.example; s=s\u202e1; h=from; bh=AA==; b=AA==\r\n")
	extra.WriteString("DKIM-Signature: v=1; a=rsa-sha256; d=" + strings.Repeat("a", 300) + ".example; s=x; h=from; bh=AA==; b=AA==\r\n")
	for range 300 {
		extra.WriteString("DKIM-Signature: v=1; a=rsa-sha256; d=yourcenter.edu; s=osc1; h=from; bh=AA==; b=AA==\r\n")
	}
	srv.ResetQueries()
	rep := verify(t, srv, extra.String()+msg)
	if len(rep.DKIM) != received.MaxSignatures || rep.DKIMNotChecked != 303-received.MaxSignatures {
		t.Fatalf("checked %d, not checked %d", len(rep.DKIM), rep.DKIMNotChecked)
	}
	if !hasCode(rep, received.CodeSignaturesSkipped) {
		t.Errorf("problems: %+v", rep.Problems)
	}
	for _, d := range rep.DKIM[:2] {
		if d.Result != "permerror" || !strings.Contains(d.Reason, "not a valid DNS name") {
			t.Errorf("hostile: %+v", d)
		}
	}
	for _, q := range srv.Queries() {
		if strings.Contains(q.Name, "evil") || strings.Contains(q.Name, "aaaa") {
			t.Errorf("looked up %q", q.Name)
		}
	}
	out := text(rep)
	if strings.ContainsAny(out, "\x1b\u202e") {
		t.Errorf("raw control characters on screen:\n%q", out)
	}
	b, _ := json.Marshal(rep)
	if bytes.ContainsAny(b, "\x1b\u202e") {
		t.Errorf("raw control characters in JSON")
	}
}

// endless repeats s forever.
func endless(s string) io.Reader { return &repeater{s: s} }

type repeater struct {
	s   string
	off int
}

func (r *repeater) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.s[r.off:])
		n += c
		r.off = (r.off + c) % len(r.s)
	}
	return n, nil
}

type counted struct {
	r io.Reader
	n int
}

func (c *counted) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// TestWordsForTheWizard: inside the wizard (audience.Wizard) the fixes
// and next steps point to the wizard's own steps, never to a command the
// person would have to leave the wizard to run; 'wizard verify”s own
// output (the zero value) names the commands.
func TestWordsForTheWizard(t *testing.T) {
	t.Parallel()
	srv := server(t)
	msgs := map[string]string{
		"key missing": delivered(sign(t, content("jane@othercenter.edu"), "othercenter.edu", "osc1", platformKey), "bounce@othercenter.edu", platformIP, ""),
		"rewritten":   delivered(sign(t, content("jane.doe@mail.outreachsystems.com"), "outreachsystems.com", "osc1", platformKey), "bounce@mail.outreachsystems.com", platformIP, ""),
	}
	for name, msg := range msgs {
		words := func(rep received.Report) string {
			all := append([]string{rep.Advice.Summary}, rep.Advice.NextSteps...)
			for _, p := range rep.Problems {
				all = append(all, p.Message, p.Fix)
			}
			return strings.Join(all, "\n")
		}
		cli := words(verify(t, srv, msg))
		if !strings.Contains(cli, "'wizard check ") {
			t.Errorf("%s: the command's words name no command:\n%s", name, cli)
		}
		in := words(verify(t, srv, msg, func(o *received.Options) { o.Audience = audience.Wizard }))
		if strings.Contains(in, "'wizard ") || strings.Contains(in, "--dns-server") {
			t.Errorf("%s: the wizard's words name a command:\n%s", name, in)
		}
		if !strings.Contains(in, "checks step") {
			t.Errorf("%s: the wizard's words do not point to the checks step:\n%s", name, in)
		}
	}
}
