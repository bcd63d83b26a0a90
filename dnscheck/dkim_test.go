//go:debug rsa1024min=0

package dnscheck_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// The test binary allows RSA keys under 1024 bits (the go:debug line above)
// only so that rsa.GenerateKey can make the 512-bit key of the weak-key
// case; ParseDKIMKey parses such keys without it.

var (
	rsaKeysMu sync.Mutex
	rsaKeys   = map[int]*rsa.PublicKey{}
)

// rsaKey returns an RSA public key of the given size, generated once per
// test binary.
func rsaKey(t testing.TB, bits int) *rsa.PublicKey {
	t.Helper()
	rsaKeysMu.Lock()
	defer rsaKeysMu.Unlock()
	if k, ok := rsaKeys[bits]; ok {
		return k
	}
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatalf("rsa.GenerateKey(%d): %v", bits, err)
	}
	rsaKeys[bits] = &k.PublicKey
	return &k.PublicKey
}

// rsaP returns the p= value of an RSA key of the given size, as
// SubjectPublicKeyInfo.
func rsaP(t testing.TB, bits int) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(rsaKey(t, bits))
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(der)
}

// rsaPKCS1P returns the p= value of an RSA key as PKCS#1 RSAPublicKey.
func rsaPKCS1P(t testing.TB, bits int) string {
	t.Helper()
	return base64.StdEncoding.EncodeToString(x509.MarshalPKCS1PublicKey(rsaKey(t, bits)))
}

func ed25519P(t testing.TB) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(pub)
}

// txt returns value as the RDATA of a TXT record in master-file syntax:
// quoted character-strings of at most 255 bytes.
func txt(value string) string {
	var parts []string
	for len(value) > 0 {
		n := min(len(value), 255)
		chunk := value[:n]
		value = value[n:]
		chunk = strings.ReplaceAll(chunk, `\`, `\\`)
		chunk = strings.ReplaceAll(chunk, `"`, `\"`)
		parts = append(parts, `"`+chunk+`"`)
	}
	if len(parts) == 0 {
		return `""`
	}
	return strings.Join(parts, " ")
}

const (
	testTarget   = "osc1._domainkey.outreachsystems.com."
	testDomain   = "yourcenter.edu"
	testPlatform = "Neoserra"
)

func testExpectation() dnscheck.Expectation {
	return dnscheck.Expectation{
		PlatformName: testPlatform,
		DKIMSelector: "osc1",
		DKIMTarget:   testTarget,
	}
}

// zoneYC is the organisation's zone with its usual records and extra lines.
func zoneYC(extra ...string) string {
	return "$ORIGIN yourcenter.edu.\n" +
		"@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n" +
		"@ IN MX 10 mail\n" +
		"@ IN TXT " + txt("v=spf1 include:spf.outreachsystems.com -all") + "\n" +
		"mail IN A 192.0.2.25\n" +
		strings.Join(extra, "\n") + "\n"
}

// zoneVendor is the platform's zone; key is the TXT value at the selector
// ("" for none).
func zoneVendor(key string) string {
	z := "$ORIGIN outreachsystems.com.\n@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n" +
		"spf IN TXT " + txt("v=spf1 ip4:192.0.2.0/24 -all") + "\n"
	if key != "" {
		z += "osc1._domainkey IN TXT " + txt(key) + "\n"
	}
	return z
}

func newLookup(srv *dnstest.Server) *dnscheck.Lookup {
	return dnscheck.NewLookup(dnscheck.NewClient(
		dnscheck.WithServers(srv.Addr()),
		dnscheck.WithTimeout(300*time.Millisecond)))
}

func codes(ps []dnscheck.Problem) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, string(p.Code)+"/"+string(p.Severity))
	}
	return out
}

const goodCNAME = "osc1._domainkey IN CNAME osc1._domainkey.outreachsystems.com."

func TestCheckDKIM(t *testing.T) {
	t.Parallel()
	k2048 := "v=DKIM1; k=rsa; p=" + rsaP(t, 2048)
	type tc struct {
		name   string
		domain string // default testDomain
		zones  []string
		exp    func(*dnscheck.Expectation)
		fault  map[string]dnstest.Fault // by name
		status dnscheck.Verdict
		codes  []string // code/severity, in order
		bits   int
		test   bool     // TestMode
		found  string   // Found, when set
		say    []string // substrings of the problems' text
		notSay []string
	}
	tests := []tc{
		{
			name:   "pass 2048",
			zones:  []string{zoneYC(goodCNAME), zoneVendor(k2048)},
			status: "pass", codes: []string{}, bits: 2048, found: testTarget,
		},
		{
			name:  "pass target with other case and no trailing dot in expectation",
			zones: []string{zoneYC(goodCNAME), zoneVendor(k2048)},
			exp: func(e *dnscheck.Expectation) {
				e.DKIMTarget = "OSC1._DomainKey.OutreachSystems.COM"
				e.DKIMSelector = "OSC1"
			},
			status: "pass", codes: []string{}, bits: 2048,
		},
		{
			name:   "pass CNAME written in upper case",
			zones:  []string{zoneYC("OSC1._DOMAINKEY IN CNAME OSC1._DOMAINKEY.OUTREACHSYSTEMS.COM."), zoneVendor(k2048)},
			status: "pass", codes: []string{}, bits: 2048,
		},
		{
			name:   "pass domain given with case and trailing dot",
			domain: "YourCenter.EDU.",
			zones:  []string{zoneYC(goodCNAME), zoneVendor(k2048)},
			status: "pass", codes: []string{}, bits: 2048,
		},
		{
			name:   "pass subdomain",
			domain: "news.yourcenter.edu",
			zones:  []string{zoneYC("osc1._domainkey.news IN CNAME " + testTarget), zoneVendor(k2048)},
			status: "pass", codes: []string{}, bits: 2048,
		},
		{
			name: "pass key behind a further vendor CNAME",
			zones: []string{zoneYC(goodCNAME), "$ORIGIN outreachsystems.com.\n" +
				"osc1._domainkey IN CNAME key7.keys\nkey7.keys IN TXT " + txt(k2048) + "\n"},
			status: "pass", codes: []string{}, bits: 2048,
		},
		{
			name:   "pass PKCS1 key",
			zones:  []string{zoneYC(goodCNAME), zoneVendor("v=DKIM1; p=" + rsaPKCS1P(t, 2048))},
			status: "pass", codes: []string{}, bits: 2048,
		},
		{
			name:   "pass ed25519",
			zones:  []string{zoneYC(goodCNAME), zoneVendor("v=DKIM1; k=ed25519; p=" + ed25519P(t))},
			status: "pass", codes: []string{}, bits: 256,
		},
		{
			name:   "pass test mode",
			zones:  []string{zoneYC(goodCNAME), zoneVendor("v=DKIM1; t=y; p=" + rsaP(t, 2048))},
			status: "pass", codes: []string{}, bits: 2048, test: true,
		},
		{
			name:   "pass stray doubled record beside the right one",
			zones:  []string{zoneYC(goodCNAME, "osc1._domainkey.yourcenter.edu IN CNAME "+testTarget), zoneVendor(k2048)},
			status: "pass", codes: []string{},
		},
		{
			name:   "pass one bad and one good key at the target",
			zones:  []string{zoneYC(goodCNAME), zoneVendor(k2048) + "osc1._domainkey IN TXT \"v=DKIM1; p=!!\"\n"},
			status: "pass", codes: []string{}, bits: 2048,
		},
		{
			name:   "weak 1024 warning",
			zones:  []string{zoneYC(goodCNAME), zoneVendor("v=DKIM1; p=" + rsaP(t, 1024))},
			status: "pass", codes: []string{"dkim-key-weak/warning"}, bits: 1024,
			say: []string{"1024 bits", "2048"},
		},
		{
			name:   "weak 512 error",
			zones:  []string{zoneYC(goodCNAME), zoneVendor("v=DKIM1; p=" + rsaP(t, 512))},
			status: "fail", codes: []string{"dkim-key-weak/error"}, bits: 512,
			say: []string{"512 bits", "Neoserra"},
		},
		{
			name:   "revoked",
			zones:  []string{zoneYC(goodCNAME), zoneVendor("v=DKIM1; k=rsa; p=")},
			status: "fail", codes: []string{"dkim-key-invalid/error"},
			say: []string{"revoked", "Neoserra"},
		},
		{
			name:   "key not base64",
			zones:  []string{zoneYC(goodCNAME), zoneVendor("v=DKIM1; p=not*base64")},
			status: "fail", codes: []string{"dkim-key-invalid/error"}, say: []string{"base64"},
		},
		{
			name:   "key of unknown type",
			zones:  []string{zoneYC(goodCNAME), zoneVendor("v=DKIM1; k=dsa; p=" + rsaP(t, 2048))},
			status: "fail", codes: []string{"dkim-key-invalid/error"}, say: []string{"k=dsa"},
		},
		{
			name:   "key with wrong version",
			zones:  []string{zoneYC(goodCNAME), zoneVendor("v=DKIM2; p=" + rsaP(t, 2048))},
			status: "fail", codes: []string{"dkim-key-invalid/error"}, say: []string{"v=DKIM2"},
		},
		{
			name:   "key not a public key",
			zones:  []string{zoneYC(goodCNAME), zoneVendor("v=DKIM1; p=" + base64.StdEncoding.EncodeToString([]byte("hello, world")))},
			status: "fail", codes: []string{"dkim-key-invalid/error"},
		},
		{
			name:   "key not for email",
			zones:  []string{zoneYC(goodCNAME), zoneVendor("v=DKIM1; s=tlsrpt; p=" + rsaP(t, 2048))},
			status: "fail", codes: []string{"dkim-key-invalid/error"}, say: []string{"s=tlsrpt"},
		},
		{
			name:   "key for sha1 only",
			zones:  []string{zoneYC(goodCNAME), zoneVendor("v=DKIM1; h=sha1; p=" + rsaP(t, 2048))},
			status: "fail", codes: []string{"dkim-key-invalid/error"}, say: []string{"sha256"},
		},
		{
			name:   "key missing",
			zones:  []string{zoneYC(goodCNAME), zoneVendor("")},
			status: "fail", codes: []string{"dkim-key-missing/error"}, found: testTarget,
			say: []string{"Neoserra", "osc1._domainkey.outreachsystems.com"},
		},
		{
			name:   "missing",
			zones:  []string{zoneYC(), zoneVendor(k2048)},
			status: "missing", codes: []string{"dkim-missing/error"},
			say: []string{"osc1._domainkey", "CNAME", testTarget, "Neoserra"},
		},
		{
			name:   "missing, with other TXT records in the zone",
			zones:  []string{zoneYC("_dmarc IN TXT \"v=DMARC1; p=none\"", "s1._domainkey IN TXT "+txt(k2048)), zoneVendor(k2048)},
			status: "missing", codes: []string{"dkim-missing/error"},
		},
		{
			name:   "doubled domain",
			zones:  []string{zoneYC("osc1._domainkey.yourcenter.edu IN CNAME " + testTarget), zoneVendor(k2048)},
			status: "missing", codes: []string{"dkim-doubled-domain/error"},
			say:    []string{"osc1._domainkey.yourcenter.edu.yourcenter.edu", "name box"},
			notSay: []string{"wrong too"},
		},
		{
			name:   "doubled domain and relative target",
			zones:  []string{zoneYC("osc1._domainkey.yourcenter.edu IN CNAME osc1._domainkey.outreachsystems.com"), zoneVendor(k2048)},
			status: "missing", codes: []string{"dkim-doubled-domain/error"},
			say: []string{"wrong too"},
		},
		{
			name:   "relative target",
			zones:  []string{zoneYC("osc1._domainkey IN CNAME osc1._domainkey.outreachsystems.com"), zoneVendor(k2048)},
			status: "fail", codes: []string{"dkim-target-relative/error"},
			found: "osc1._domainkey.outreachsystems.com.yourcenter.edu.",
			say:   []string{"osc1._domainkey.outreachsystems.com.yourcenter.edu", "dot"},
		},
		{
			name:   "relative target on a subdomain, parent zone appended",
			domain: "news.yourcenter.edu",
			zones:  []string{zoneYC("osc1._domainkey.news IN CNAME osc1._domainkey.outreachsystems.com"), zoneVendor(k2048)},
			status: "fail", codes: []string{"dkim-target-relative/error"},
		},
		{
			name:   "wrong target, vendor name with another domain after it",
			zones:  []string{zoneYC("osc1._domainkey IN CNAME osc1._domainkey.outreachsystems.com.evil.example."), zoneVendor(k2048)},
			status: "fail", codes: []string{"dkim-wrong-target/error"},
		},
		{
			name:   "wrong target",
			zones:  []string{zoneYC("osc1._domainkey IN CNAME osc2._domainkey.outreachsystems.com."), zoneVendor(k2048)},
			status: "fail", codes: []string{"dkim-wrong-target/error"},
			say: []string{"osc2._domainkey.outreachsystems.com", testTarget},
		},
		{
			name:   "pasted TXT key",
			zones:  []string{zoneYC("osc1._domainkey IN TXT " + txt(k2048)), zoneVendor(k2048)},
			status: "fail", codes: []string{"dkim-not-cname/error"},
			say: []string{"rotates", "CNAME", testTarget},
		},
		{
			name:   "other TXT at the name",
			zones:  []string{zoneYC("osc1._domainkey IN TXT \"hello\""), zoneVendor(k2048)},
			status: "fail", codes: []string{"dkim-not-cname/error"},
			notSay: []string{"rotates"},
		},
		{
			name:  "A records with Cloudflare",
			zones: []string{zoneYC("osc1._domainkey IN A 104.16.1.1", "osc1._domainkey IN AAAA 2606:4700::1"), zoneVendor(k2048)},
			exp: func(e *dnscheck.Expectation) {
				e.DNSHostName = "Cloudflare"
			},
			status: "fail", codes: []string{"dkim-not-cname/error"},
			say: []string{"Cloudflare", "DNS only"},
		},
		{
			name:   "AAAA only without DNS host",
			zones:  []string{zoneYC("osc1._domainkey IN AAAA 2606:4700::1"), zoneVendor(k2048)},
			status: "fail", codes: []string{"dkim-not-cname/error"},
			notSay: []string{"Cloudflare"},
		},
		{
			name:   "servfail at the name",
			zones:  []string{zoneYC(), zoneVendor(k2048)},
			fault:  map[string]dnstest.Fault{"osc1._domainkey.yourcenter.edu": {ServFail: true}},
			status: "error", codes: []string{"dns-servfail/error"},
		},
		{
			name:   "timeout at the name",
			zones:  []string{zoneYC(goodCNAME), zoneVendor(k2048)},
			fault:  map[string]dnstest.Fault{"osc1._domainkey.yourcenter.edu": {Silent: true}},
			status: "error", codes: []string{"dns-timeout/error"},
		},
		{
			name:   "refused at the name",
			zones:  []string{zoneYC(), zoneVendor(k2048)},
			fault:  map[string]dnstest.Fault{"osc1._domainkey.yourcenter.edu": {Refused: true}},
			status: "error", codes: []string{"dns-refused/error"},
		},
		{
			name:   "domain not served at all (refused)",
			domain: "elsewhere.example",
			zones:  []string{zoneYC(), zoneVendor(k2048)},
			status: "error", codes: []string{"dns-refused/error"},
		},
		{
			name:   "servfail fetching the key behind a right CNAME",
			zones:  []string{zoneYC(goodCNAME), zoneVendor(k2048)},
			fault:  map[string]dnstest.Fault{"osc1._domainkey.outreachsystems.com": {ServFail: true}},
			status: "error", codes: []string{"dns-servfail/error"},
			say: []string{"Neoserra's DKIM key"},
		},
		{
			name:   "servfail at the doubled name is only a missed diagnosis",
			zones:  []string{zoneYC(), zoneVendor(k2048)},
			fault:  map[string]dnstest.Fault{"osc1._domainkey.yourcenter.edu.yourcenter.edu": {ServFail: true}},
			status: "missing", codes: []string{"dkim-missing/error"},
		},
		{
			name:   "servfail at the key does not matter when the CNAME is wrong",
			zones:  []string{zoneYC("osc1._domainkey IN CNAME osc2._domainkey.outreachsystems.com."), zoneVendor(k2048)},
			fault:  map[string]dnstest.Fault{"osc1._domainkey.outreachsystems.com": {ServFail: true}},
			status: "fail", codes: []string{"dkim-wrong-target/error"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := dnstest.StartT(t, tt.zones...)
			for name, f := range tt.fault {
				srv.SetFault(name, f)
			}
			exp := testExpectation()
			if tt.exp != nil {
				tt.exp(&exp)
			}
			domain := tt.domain
			if domain == "" {
				domain = testDomain
			}
			r := dnscheck.CheckDKIM(context.Background(), newLookup(srv), domain, exp)
			if r.Problems == nil {
				t.Errorf("Problems is nil, want a non-nil slice")
			}
			if r.Status != tt.status || fmt.Sprint(codes(r.Problems)) != fmt.Sprint(tt.codes) {
				t.Errorf("status %q, problems %v; want %q, %v\n%+v", r.Status, codes(r.Problems), tt.status, tt.codes, r.Problems)
			}
			if tt.bits != 0 && r.KeyBits != tt.bits {
				t.Errorf("KeyBits = %d, want %d", r.KeyBits, tt.bits)
			}
			if r.TestMode != tt.test {
				t.Errorf("TestMode = %v, want %v", r.TestMode, tt.test)
			}
			if tt.found != "" && r.Found != tt.found {
				t.Errorf("Found = %q, want %q", r.Found, tt.found)
			}
			wantName := "osc1._domainkey." + strings.ToLower(strings.TrimSuffix(domain, ".")) + "."
			if r.Name != wantName || r.Target != testTarget {
				t.Errorf("Name, Target = %q, %q; want %q, %q", r.Name, r.Target, wantName, testTarget)
			}
			var text strings.Builder
			for _, p := range r.Problems {
				if p.Message == "" || p.Fix == "" {
					t.Errorf("problem %s has an empty message or fix: %+v", p.Code, p)
				}
				text.WriteString(p.Message + "\n" + p.Fix + "\n")
				t.Logf("%s/%s\n\tmessage: %s\n\tfix: %s", p.Code, p.Severity, p.Message, p.Fix)
			}
			for _, s := range tt.say {
				if !strings.Contains(text.String(), s) {
					t.Errorf("problems do not mention %q:\n%s", s, text.String())
				}
			}
			for _, s := range tt.notSay {
				if strings.Contains(text.String(), s) {
					t.Errorf("problems mention %q:\n%s", s, text.String())
				}
			}
		})
	}
}

// TestCheckDKIMConcurrent checks that the lookups are asked at once: the
// server holds its answers until all six questions of a check are there
// (the name's CNAME, TXT, A and AAAA, the doubled name's CNAME and the
// vendor's key), which a check asking the CNAME first and then the key
// never brings about. Nothing is timed: the barrier's guard only ends a
// broken run, and the client waits longer than it.
func TestCheckDKIMConcurrent(t *testing.T) {
	t.Parallel()
	const guard = 10 * time.Second
	srv := dnstest.StartT(t, zoneYC(goodCNAME), zoneVendor("v=DKIM1; p="+rsaP(t, 2048)))
	barrier := srv.HoldUntil(6, guard)
	q := dnscheck.NewLookup(dnscheck.NewClient(dnscheck.WithServers(srv.Addr()), dnscheck.WithTimeout(2*guard)))
	r := dnscheck.CheckDKIM(context.Background(), q, testDomain, testExpectation())
	if r.Status != "pass" {
		t.Fatalf("status %q: %+v", r.Status, r.Problems)
	}
	if !barrier.Met() {
		t.Errorf("only %d of the check's 6 questions were asked before an answer came back: lookups are not concurrent; asked %v",
			barrier.Arrived(), srv.Queries())
	}
	asked := map[string]int{}
	for _, q := range srv.Queries() {
		asked[fmt.Sprintf("%s/%d", q.Name, q.Type)]++
	}
	for k, n := range asked {
		if n > 1 {
			t.Errorf("%s asked %d times", k, n)
		}
	}
}

func TestParseDKIMKey(t *testing.T) {
	t.Parallel()
	p2048 := rsaP(t, 2048)
	// p2048 folded as DNS publishers and zone files do.
	var folded strings.Builder
	for i := 0; i < len(p2048); i += 64 {
		folded.WriteString(p2048[i:min(i+64, len(p2048))])
		folded.WriteString("\r\n\t ")
	}
	ed := ed25519P(t)
	tests := []struct {
		name    string
		in      string
		err     error // sentinel, nil for success
		bits    int
		keyType string
		check   func(t *testing.T, k dnscheck.DKIMKey)
	}{
		{name: "minimal", in: "p=" + p2048, bits: 2048, keyType: "rsa"},
		{name: "all tags", in: "v=DKIM1; h=sha1:sha256; k=rsa; n=hello there; s=email:*; t=y:s; p=" + p2048, bits: 2048, keyType: "rsa",
			check: func(t *testing.T, k dnscheck.DKIMKey) {
				if k.Version != "DKIM1" || !k.TestMode || k.Notes != "hello there" ||
					fmt.Sprint(k.HashAlgs) != "[sha1 sha256]" || fmt.Sprint(k.Services) != "[email *]" || fmt.Sprint(k.Flags) != "[y s]" {
					t.Errorf("key = %+v", k)
				}
			}},
		{name: "whitespace and folding around tags", in: " \tv = DKIM1 ;\r\n\tk = rsa ; p = " + p2048 + " ; ", bits: 2048},
		{name: "whitespace inside p", in: "v=DKIM1; p=" + folded.String(), bits: 2048},
		{name: "trailing semicolon", in: "v=DKIM1; p=" + p2048 + ";", bits: 2048},
		{name: "empty tag-specs skipped", in: "v=DKIM1;; p=" + p2048 + ";;", bits: 2048},
		{name: "unknown tags ignored", in: "v=DKIM1; x_y1=whatever=really; p=" + p2048, bits: 2048},
		{name: "k= without case", in: "k=RSA; p=" + p2048, bits: 2048, keyType: "rsa"},
		{name: "t= list with spaces", in: "t = s : y ; p=" + p2048, bits: 2048,
			check: func(t *testing.T, k dnscheck.DKIMKey) {
				if !k.TestMode || fmt.Sprint(k.Flags) != "[s y]" {
					t.Errorf("flags %v test %v", k.Flags, k.TestMode)
				}
			}},
		{name: "t=s is not test mode", in: "t=s; p=" + p2048, bits: 2048,
			check: func(t *testing.T, k dnscheck.DKIMKey) {
				if k.TestMode {
					t.Error("TestMode set")
				}
			}},
		{name: "ed25519", in: "v=DKIM1; k=ed25519; p=" + ed, bits: 256, keyType: "ed25519"},
		{name: "pkcs1", in: "p=" + rsaPKCS1P(t, 1024), bits: 1024},
		{name: "revoked", in: "v=DKIM1; p=", err: dnscheck.ErrDKIMRevoked,
			check: func(t *testing.T, k dnscheck.DKIMKey) {
				if !k.Revoked || len(k.PublicKey) != 0 || k.Version != "DKIM1" {
					t.Errorf("key = %+v", k)
				}
			}},
		{name: "revoked with spaces", in: "v=DKIM1; p= \t ; t=y", err: dnscheck.ErrDKIMRevoked},
		{name: "empty", in: "", err: dnscheck.ErrDKIMSyntax},
		{name: "no p", in: "v=DKIM1; k=rsa", err: dnscheck.ErrDKIMSyntax},
		{name: "tag names are case-sensitive", in: "v=DKIM1; P=" + p2048, err: dnscheck.ErrDKIMSyntax},
		{name: "duplicate tag", in: "v=DKIM1; p=" + p2048 + "; p=" + p2048, err: dnscheck.ErrDKIMSyntax},
		{name: "duplicate empty tag", in: "t=; t=y; p=" + p2048, err: dnscheck.ErrDKIMSyntax},
		{name: "v not first", in: "k=rsa; v=DKIM1; p=" + p2048, err: dnscheck.ErrDKIMSyntax},
		{name: "v wrong", in: "v=DKIM2; p=" + p2048, err: dnscheck.ErrDKIMSyntax},
		{name: "v lower case", in: "v=dkim1; p=" + p2048, err: dnscheck.ErrDKIMSyntax},
		{name: "tag without =", in: "v=DKIM1; rsa; p=" + p2048, err: dnscheck.ErrDKIMSyntax},
		{name: "empty tag name", in: "=x; p=" + p2048, err: dnscheck.ErrDKIMSyntax},
		{name: "tag name starting with a digit", in: "1a=x; p=" + p2048, err: dnscheck.ErrDKIMSyntax},
		{name: "tag name with a space", in: "a b=x; p=" + p2048, err: dnscheck.ErrDKIMSyntax},
		{name: "control character in a value", in: "n=a\x00b; p=" + p2048, err: dnscheck.ErrDKIMSyntax},
		{name: "non-ASCII in a value", in: "n=café; p=" + p2048, err: dnscheck.ErrDKIMSyntax},
		{name: "smart quotes", in: "“v=DKIM1; p=" + p2048 + "”", err: dnscheck.ErrDKIMSyntax},
		{name: "unknown key type", in: "k=dsa; p=" + p2048, err: dnscheck.ErrDKIMKey},
		{name: "bad base64", in: "p=abc$", err: dnscheck.ErrDKIMKey},
		{name: "base64 of the wrong length", in: "p=" + p2048 + "A", err: dnscheck.ErrDKIMKey},
		{name: "not DER", in: "p=" + base64.StdEncoding.EncodeToString([]byte("not a key")), err: dnscheck.ErrDKIMKey},
		{name: "DER with trailing data", in: "p=" + trailing(t, p2048), err: dnscheck.ErrDKIMKey},
		{name: "ed25519 key under k=rsa", in: "k=rsa; p=" + ed, err: dnscheck.ErrDKIMKey},
		{name: "rsa key under k=ed25519", in: "k=ed25519; p=" + p2048, err: dnscheck.ErrDKIMKey},
		{name: "ed25519 SPKI instead of raw", in: "k=ed25519; p=" + ed25519SPKI(t), err: dnscheck.ErrDKIMKey},
		{name: "ed25519 SPKI under k=rsa", in: "k=rsa; p=" + ed25519SPKI(t), err: dnscheck.ErrDKIMKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, err := dnscheck.ParseDKIMKey(tt.in)
			if tt.err == nil {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				if len(k.PublicKey) == 0 || k.Revoked {
					t.Errorf("key = %+v", k)
				}
			} else {
				if !errors.Is(err, tt.err) {
					t.Fatalf("error %v, want %v", err, tt.err)
				}
				if !strings.HasPrefix(err.Error(), "dnscheck: ") {
					t.Errorf("error %q lacks the package prefix", err)
				}
			}
			if tt.bits != 0 && k.Bits != tt.bits {
				t.Errorf("Bits = %d, want %d", k.Bits, tt.bits)
			}
			if tt.keyType != "" && k.KeyType != tt.keyType {
				t.Errorf("KeyType = %q, want %q", k.KeyType, tt.keyType)
			}
			if tt.check != nil {
				tt.check(t, k)
			}
		})
	}
}

func trailing(t *testing.T, p string) string {
	der, err := base64.StdEncoding.DecodeString(p)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(append(der, 0, 0))
}

func ed25519SPKI(t *testing.T) string {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(der)
}

func FuzzParseDKIMKey(f *testing.F) {
	f.Add("v=DKIM1; k=rsa; p=" + rsaP(f, 1024))
	f.Add("v=DKIM1; p=" + rsaPKCS1P(f, 1024))
	f.Add("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
	f.Add("v=DKIM1; p=")
	f.Add("v=DKIM1; h=sha256; t=y:s; s=email; n=notes; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ")
	f.Add(" v = DKIM1 ;\r\n\tp = AAAA ;;")
	f.Add("p=;p=")
	f.Add("k=ed25519; p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := dnscheck.ParseDKIMKey(s)
		switch {
		case err == nil:
			if k.Revoked || len(k.PublicKey) == 0 || k.Bits <= 0 {
				t.Fatalf("success without a key: %+v", k)
			}
			if k.KeyType != "rsa" && k.KeyType != "ed25519" {
				t.Fatalf("success with key type %q", k.KeyType)
			}
		case errors.Is(err, dnscheck.ErrDKIMRevoked):
			if !k.Revoked || len(k.PublicKey) != 0 {
				t.Fatalf("revoked error, key %+v", k)
			}
		case errors.Is(err, dnscheck.ErrDKIMSyntax), errors.Is(err, dnscheck.ErrDKIMKey):
			if k.Revoked || len(k.PublicKey) != 0 {
				t.Fatalf("error %v with key %+v", err, k)
			}
		default:
			t.Fatalf("error %v wraps no sentinel", err)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "dnscheck: ") {
			t.Fatalf("error %q lacks the package prefix", err)
		}
	})
}

// TestDKIMKeySizeBoundaries: keys of 1023, 1024, 2047 and 2048 bits behind
// the right CNAME. Under MinDKIMKeyBits is an error, under
// RecommendedDKIMKeyBits a warning, and from it on nothing: moving either
// limit by one bit fails here.
func TestDKIMKeySizeBoundaries(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		bits   int
		status dnscheck.Verdict
		codes  []string
	}{
		{1023, "fail", []string{"dkim-key-weak/error"}},
		{1024, "pass", []string{"dkim-key-weak/warning"}},
		{2047, "pass", []string{"dkim-key-weak/warning"}},
		{2048, "pass", []string{}},
	} {
		t.Run(fmt.Sprint(tc.bits), func(t *testing.T) {
			t.Parallel()
			srv := dnstest.StartT(t, zoneYC(goodCNAME), zoneVendor("v=DKIM1; k=rsa; p="+rsaP(t, tc.bits)))
			r := dnscheck.CheckDKIM(context.Background(), newLookup(srv), testDomain, testExpectation())
			if r.Status != tc.status || r.KeyBits != tc.bits || fmt.Sprint(codes(r.Problems)) != fmt.Sprint(tc.codes) {
				t.Errorf("status %q, %d bits, problems %v; want %q, %d, %v", r.Status, r.KeyBits, codes(r.Problems), tc.status, tc.bits, tc.codes)
			}
		})
	}
}
