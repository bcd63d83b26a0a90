package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// The helpers of this file start with "chk" so as not to collide with
// those of the other tests of the command.

var (
	chkKeyOnce sync.Once
	chkKey     string
)

// chkPlatformZone is the platform's zone: its SPF include with the eight
// addresses of the platform file and a 2048-bit DKIM key.
func chkPlatformZone(t *testing.T) string {
	t.Helper()
	chkKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
		if err != nil {
			panic(err)
		}
		chkKey = base64.StdEncoding.EncodeToString(der)
	})
	var terms []string
	for _, p := range assets.DefaultPlatform().SPF.IPs {
		terms = append(terms, "ip4:"+p.Addr().String())
	}
	key := "v=DKIM1; k=rsa; p=" + chkKey
	return "$ORIGIN outreachsystems.com.\n" +
		"@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n" +
		`spf IN TXT "v=spf1 ` + strings.Join(terms, " ") + ` -all"` + "\n" +
		`osc1._domainkey IN TXT "` + key[:200] + `" "` + key[200:] + `"` + "\n"
}

const chkMicrosoftZone = `$ORIGIN protection.outlook.com.
@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300
spf IN TXT "v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 include:spfd.protection.outlook.com -all"
spfd IN TXT "v=spf1 ip4:51.4.72.0/24 -all"
`

// chkZone is a zone for domain with an SOA and lines.
func chkZone(domain string, lines ...string) string {
	return "$ORIGIN " + domain + ".\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n" + strings.Join(lines, "\n") + "\n"
}

var (
	chkReady = []string{
		"@ IN MX 0 yourcenter-edu.mail.protection.outlook.com.",
		`@ IN TXT "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all"`,
		"osc1._domainkey IN CNAME osc1._domainkey.outreachsystems.com.",
		`_dmarc IN TXT "v=DMARC1; p=quarantine"`,
	}
	// chkNotReady has SPF without the platform and no DKIM CNAME.
	chkNotReady = []string{
		"@ IN MX 0 othercenter-edu.mail.protection.outlook.com.",
		`@ IN TXT "v=spf1 include:spf.protection.outlook.com -all"`,
		`_dmarc IN TXT "v=DMARC1; p=none"`,
	}
)

// chkServer serves the platform, Microsoft, yourcenter.edu (ready),
// othercenter.edu (not ready) and brokencenter.edu (its TXT answers
// SERVFAIL), and the extra zones.
func chkServer(t *testing.T, extra ...string) *dnstest.Server {
	t.Helper()
	srv := dnstest.StartT(t, append([]string{
		chkPlatformZone(t), chkMicrosoftZone,
		chkZone("yourcenter.edu", chkReady...),
		chkZone("othercenter.edu", chkNotReady...),
		chkZone("brokencenter.edu", chkReady...),
	}, extra...)...)
	srv.SetFaultType("brokencenter.edu", dns.TypeTXT, dnstest.Fault{ServFail: true})
	return srv
}

type chkResult struct {
	code           int
	stdout, stderr string
}

// chkRun runs the command line in-process with stdin.
func chkRun(t *testing.T, stdin string, args ...string) chkResult {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, streams{in: strings.NewReader(stdin), out: &out, err: &errOut})
	return chkResult{code, out.String(), errOut.String()}
}

// chkCheck runs "wizard check ARGS --dns-server srv".
func chkCheck(t *testing.T, srv *dnstest.Server, args ...string) chkResult {
	t.Helper()
	return chkRun(t, "", append([]string{"check", "--dns-server", srv.Addr()}, args...)...)
}

// chkRaw reports the first raw control character (C0 other than newline,
// DEL, C1) or invalid UTF-8 in s.
func chkRaw(s string) (rune, bool) {
	if !utf8.ValidString(s) {
		return utf8.RuneError, true
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return r, true
		}
	}
	return 0, false
}

func TestCheckExitCodes(t *testing.T) {
	t.Parallel()
	srv := chkServer(t)
	cases := []struct {
		name string
		args []string
		code int
	}{
		{"ready", []string{"yourcenter.edu"}, exitOK},
		{"ready, as an email address", []string{"Jane.Doe@YourCenter.EDU"}, exitOK},
		{"not ready", []string{"othercenter.edu"}, exitNotReady},
		{"DNS trouble", []string{"brokencenter.edu"}, exitDNS},
		{"ready and not ready", []string{"yourcenter.edu", "othercenter.edu"}, exitNotReady},
		{"not ready and DNS trouble", []string{"othercenter.edu", "brokencenter.edu", "yourcenter.edu"}, exitDNS},
		{"ready, JSON", []string{"yourcenter.edu", "--json"}, exitOK},
		{"not ready, JSON", []string{"othercenter.edu", "--json"}, exitNotReady},
		{"DNS trouble, JSON", []string{"--json", "brokencenter.edu"}, exitDNS},
		{"--ip that passes", []string{"yourcenter.edu", "--ip", "40.92.3.4"}, exitOK},
		{"--ip that fails", []string{"yourcenter.edu", "--ip", "40.92.3.4", "--ip", "192.0.2.1"}, exitNotReady},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := chkCheck(t, srv, tc.args...)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tc.code, r.stdout, r.stderr)
			}
			if r.stderr != "" {
				t.Errorf("stderr %q, want nothing", r.stderr)
			}
			if r.stdout == "" {
				t.Error("no report on stdout")
			}
		})
	}
}

func TestCheckUsageErrors(t *testing.T) {
	t.Parallel()
	srv := chkServer(t)
	cases := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"bad domain", "", []string{"check", "--dns-server", srv.Addr(), "not a domain"}, "not a domain"},
		{"a bad domain among good ones", "", []string{"check", "--dns-server", srv.Addr(), "yourcenter.edu", "bad..name"}, "bad..name"},
		{"a bad domain on stdin", "yourcenter.edu\nhttp://[::1\n", []string{"check", "--dns-server", srv.Addr(), "-"}, ""},
		{"nothing on stdin", "# only a comment\n\n", []string{"check", "--dns-server", srv.Addr(), "-"}, "no domain"},
		{"no domain", "", []string{"check", "--dns-server", srv.Addr()}, ""},
		{"--give-up-after without --watch", "", []string{"check", "--dns-server", srv.Addr(), "--give-up-after", "1m", "yourcenter.edu"}, "--give-up-after"},
		{"negative --give-up-after", "", []string{"check", "--dns-server", srv.Addr(), "--watch", "--give-up-after", "-1s", "yourcenter.edu"}, "--give-up-after"},
		{"bad --ip", "", []string{"check", "--dns-server", srv.Addr(), "--ip", "300.1.1.1", "yourcenter.edu"}, "300.1.1.1"},
		{"bad --dns-server", "", []string{"check", "--dns-server", "127.0.0.1:99999", "yourcenter.edu"}, "--dns-server"},
		{"unknown flag", "", []string{"check", "--jsn", "yourcenter.edu"}, "--jsn"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := chkRun(t, tc.stdin, tc.args...)
			if r.code != exitUsage {
				t.Errorf("exit %d, want %d; stderr %q", r.code, exitUsage, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
			if !strings.HasPrefix(r.stderr, "wizard: ") || strings.Count(r.stderr, "\n") != 1 || !strings.HasSuffix(r.stderr, "\n") {
				t.Errorf("stderr %q, want one line starting with \"wizard: \"", r.stderr)
			}
			if !strings.Contains(r.stderr, tc.want) {
				t.Errorf("stderr %q does not name %q", r.stderr, tc.want)
			}
			if strings.Contains(r.stderr, "goroutine") || strings.Contains(r.stderr, ".go:") {
				t.Errorf("stderr has a stack trace: %q", r.stderr)
			}
		})
	}
}

// chkKeys returns the sorted keys of a JSON object.
func chkKeys(t *testing.T, v any, where string) []string {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s is %T, want an object", where, v)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// chkArray returns v as a JSON array; null is an error.
func chkArray(t *testing.T, v any, where string) []any {
	t.Helper()
	a, ok := v.([]any)
	if !ok {
		t.Errorf("%s is %#v, want an array (never null)", where, v)
	}
	return a
}

func chkWantKeys(t *testing.T, v any, where string, want ...string) map[string]any {
	t.Helper()
	sort.Strings(want)
	if got := chkKeys(t, v, where); !slices.Equal(got, want) {
		t.Errorf("%s keys = %v, want %v", where, got, want)
	}
	return v.(map[string]any)
}

// chkProblems checks a problem list and returns its codes.
func chkProblems(t *testing.T, v any, where string) []string {
	t.Helper()
	var codes []string
	for i, p := range chkArray(t, v, where) {
		m := chkWantKeys(t, p, where+"[]", "code", "severity", "message", "fix")
		codes = append(codes, m["code"].(string))
		if s := m["severity"]; s != "error" && s != "warning" && s != "info" {
			t.Errorf("%s[%d].severity = %v", where, i, s)
		}
		if m["message"] == "" || m["fix"] == "" {
			t.Errorf("%s[%d] has an empty message or fix: %v", where, i, m)
		}
	}
	return codes
}

// TestCheckJSONContract checks the document of 'wizard check --json'
// against docs/commands.md: exact keys, arrays never null, domains in input order.
func TestCheckJSONContract(t *testing.T) {
	t.Parallel()
	srv := chkServer(t)
	before := time.Now().UTC().Truncate(time.Second)
	r := chkCheck(t, srv, "--json", "othercenter.edu", "jane@yourcenter.edu", "brokencenter.edu")
	if r.code != exitDNS {
		t.Errorf("exit %d, want %d", r.code, exitDNS)
	}
	var doc any
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
	}
	top := chkWantKeys(t, doc, "document", "platform", "checked_at", "domains", "advice", "platform_ips")
	// The platform's include was read live: no reason to give.
	ips := chkWantKeys(t, top["platform_ips"], "platform_ips", "source", "include", "networks")
	if ips["source"] != "live" || ips["include"] != "spf.outreachsystems.com" || len(chkArray(t, ips["networks"], "platform_ips.networks")) != len(assets.DefaultPlatform().SPF.IPs) {
		t.Errorf("platform_ips = %v, want the include's %d networks, live", ips, len(assets.DefaultPlatform().SPF.IPs))
	}
	if top["platform"] != "Neoserra" {
		t.Errorf("platform = %v", top["platform"])
	}
	at, err := time.Parse(time.RFC3339, top["checked_at"].(string))
	if err != nil || !strings.HasSuffix(top["checked_at"].(string), "Z") || at.Before(before) || at.After(time.Now().Add(time.Second)) {
		t.Errorf("checked_at = %v (%v), want the check's time in UTC, RFC 3339", top["checked_at"], err)
	}

	domains := chkArray(t, top["domains"], "domains")
	var names []string
	byName := map[string]map[string]any{}
	for _, d := range domains {
		m := chkWantKeys(t, d, "domains[]", "domain", "ready", "spf", "dkim", "dmarc")
		name := m["domain"].(string)
		names = append(names, name)
		byName[name] = m
		spf := chkWantKeys(t, m["spf"], name+".spf", "status", "record", "lookups", "void_lookups", "ips", "problems")
		for _, ip := range chkArray(t, spf["ips"], name+".spf.ips") {
			chkWantKeys(t, ip, name+".spf.ips[]", "ip", "result")
		}
		chkProblems(t, spf["problems"], name+".spf.problems")
		dkim := chkWantKeys(t, m["dkim"], name+".dkim", "status", "name", "target", "key_bits", "problems")
		chkProblems(t, dkim["problems"], name+".dkim.problems")
		dmarc := chkWantKeys(t, m["dmarc"], name+".dmarc", "status", "record", "policy", "source", "org_domain", "problems")
		chkProblems(t, dmarc["problems"], name+".dmarc.problems")
	}
	if want := []string{"othercenter.edu", "yourcenter.edu", "brokencenter.edu"}; !slices.Equal(names, want) {
		t.Errorf("domains in order %v, want %v (input order)", names, want)
	}

	if d := byName["yourcenter.edu"]; d != nil {
		spf, dkim, dmarc := d["spf"].(map[string]any), d["dkim"].(map[string]any), d["dmarc"].(map[string]any)
		if d["ready"] != true || spf["status"] != "pass" || dkim["status"] != "pass" || dmarc["status"] != "pass" {
			t.Errorf("yourcenter.edu = %v", d)
		}
		if spf["record"] != "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all" ||
			spf["lookups"] != 3.0 || spf["void_lookups"] != 0.0 || len(spf["ips"].([]any)) != 8 {
			t.Errorf("yourcenter.edu spf = %v", spf)
		}
		if first := spf["ips"].([]any)[0].(map[string]any); first["ip"] != "107.20.160.162" || first["result"] != "pass" {
			t.Errorf("first address %v, want 107.20.160.162 pass", first)
		}
		if dkim["name"] != "osc1._domainkey.yourcenter.edu." || dkim["target"] != "osc1._domainkey.outreachsystems.com." || dkim["key_bits"] != 2048.0 {
			t.Errorf("yourcenter.edu dkim = %v", dkim)
		}
		if dmarc["record"] != "v=DMARC1; p=quarantine" || dmarc["policy"] != "quarantine" {
			t.Errorf("yourcenter.edu dmarc = %v", dmarc)
		}
	}
	if d := byName["othercenter.edu"]; d != nil {
		spf, dkim := d["spf"].(map[string]any), d["dkim"].(map[string]any)
		if d["ready"] != false || spf["status"] != "fail" || dkim["status"] != "missing" {
			t.Errorf("othercenter.edu = %v", d)
		}
		if codes := chkProblems(t, spf["problems"], "spf"); !slices.Contains(codes, "spf-platform-not-authorized") {
			t.Errorf("othercenter.edu spf problems %v", codes)
		}
		if codes := chkProblems(t, dkim["problems"], "dkim"); !slices.Equal(codes, []string{"dkim-missing"}) {
			t.Errorf("othercenter.edu dkim problems %v", codes)
		}
	}
	if d := byName["brokencenter.edu"]; d != nil {
		spf := d["spf"].(map[string]any)
		if d["ready"] != false || spf["status"] != "error" {
			t.Errorf("brokencenter.edu spf = %v", spf)
		}
		if codes := chkProblems(t, spf["problems"], "spf"); !slices.Contains(codes, "dns-servfail") || slices.Contains(codes, "spf-missing") {
			t.Errorf("brokencenter.edu spf problems %v, want dns-servfail, not spf-missing", codes)
		}
		if dkim := d["dkim"].(map[string]any); dkim["status"] != "pass" {
			t.Errorf("brokencenter.edu dkim = %v: DKIM is still checked", dkim)
		}
	}

	adv := chkWantKeys(t, top["advice"], "advice", "option", "checkbox", "reasons", "next_steps")
	if adv["option"] != "second-best" || adv["checkbox"] != "on" {
		t.Errorf("advice %v, want second-best / on", adv)
	}
	reasons := strings.Join(chkStrings(t, adv["reasons"], "advice.reasons"), "\n")
	for _, d := range []string{"othercenter.edu", "brokencenter.edu"} {
		if !strings.Contains(reasons, d) {
			t.Errorf("advice reasons do not name %s:\n%s", d, reasons)
		}
	}
	if len(chkStrings(t, adv["next_steps"], "advice.next_steps")) == 0 {
		t.Error("no next steps")
	}
}

func chkStrings(t *testing.T, v any, where string) []string {
	t.Helper()
	var out []string
	for _, e := range chkArray(t, v, where) {
		s, ok := e.(string)
		if !ok {
			t.Errorf("%s has %#v, want strings", where, e)
		}
		out = append(out, s)
	}
	return out
}

// TestCheckJSONAdvice: best / off only when every domain is ready.
func TestCheckJSONAdvice(t *testing.T) {
	t.Parallel()
	srv := chkServer(t, chkZone("second.edu", chkReady...))
	for _, tc := range []struct {
		domains          []string
		option, checkbox string
		code             int
	}{
		{[]string{"yourcenter.edu"}, "best", "off", exitOK},
		{[]string{"yourcenter.edu", "second.edu"}, "best", "off", exitOK},
		{[]string{"yourcenter.edu", "othercenter.edu"}, "second-best", "on", exitNotReady},
		{[]string{"othercenter.edu"}, "second-best", "on", exitNotReady},
	} {
		r := chkCheck(t, srv, append([]string{"--json"}, tc.domains...)...)
		var doc struct {
			Domains []struct {
				Domain string `json:"domain"`
				Ready  bool   `json:"ready"`
			} `json:"domains"`
			Advice struct {
				Option, Checkbox string
				Reasons          []string
			} `json:"advice"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
			t.Fatalf("%v: %v", tc.domains, err)
		}
		if doc.Advice.Option != tc.option || doc.Advice.Checkbox != tc.checkbox || r.code != tc.code {
			t.Errorf("%v: advice %s/%s exit %d, want %s/%s %d", tc.domains, doc.Advice.Option, doc.Advice.Checkbox, r.code, tc.option, tc.checkbox, tc.code)
		}
		for i, d := range doc.Domains {
			if d.Domain != tc.domains[i] || d.Ready != (d.Domain != "othercenter.edu") {
				t.Errorf("%v: domain %d = %+v", tc.domains, i, d)
			}
			if !strings.Contains(strings.Join(doc.Advice.Reasons, " "), d.Domain) {
				t.Errorf("%v: reasons %q do not name %s", tc.domains, doc.Advice.Reasons, d.Domain)
			}
		}
	}
}

// TestCheckStdin: "-" reads one domain per line, email addresses welcome,
// comments and blank lines skipped, duplicates checked once.
func TestCheckStdin(t *testing.T) {
	t.Parallel()
	srv := chkServer(t)
	stdin := "# domains our users send from\n\n  Jane.Doe@YourCenter.EDU  \nothercenter.edu\r\nyourcenter.edu\n"
	r := chkRun(t, stdin, "check", "--dns-server", srv.Addr(), "--json", "-")
	if r.code != exitNotReady || r.stderr != "" {
		t.Fatalf("exit %d stderr %q, want 1 and nothing", r.code, r.stderr)
	}
	var doc struct {
		Domains []struct{ Domain string } `json:"domains"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range doc.Domains {
		got = append(got, d.Domain)
	}
	if want := []string{"yourcenter.edu", "othercenter.edu"}; !slices.Equal(got, want) {
		t.Errorf("domains %v, want %v", got, want)
	}
}

// TestCheckIPFlag: --ip replaces the platform's addresses in the report.
func TestCheckIPFlag(t *testing.T) {
	t.Parallel()
	srv := chkServer(t)
	r := chkCheck(t, srv, "--json", "--ip", "192.0.2.1", "--ip", "51.4.72.9", "yourcenter.edu")
	var doc struct {
		Domains []struct {
			SPF struct {
				Status string
				IPs    []struct{ IP, Result string }
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	got := doc.Domains[0].SPF
	want := []struct{ IP, Result string }{{"192.0.2.1", "fail"}, {"51.4.72.9", "pass"}}
	if got.Status != "fail" || !slices.Equal(got.IPs, want) || r.code != exitNotReady {
		t.Errorf("spf %+v exit %d, want fail %v and exit 1", got, r.code, want)
	}
}

// TestCheckHuman: the report for a person names every verdict and
// problem, and nothing that came from DNS reaches the terminal raw.
func TestCheckHuman(t *testing.T) {
	t.Parallel()
	srv := chkServer(t, chkZone("evil.edu",
		// ESC [2J clears the screen; ESC ] 0 ; … BEL sets the window title.
		// A lone \155 is invalid UTF-8; \194\155 is U+009B, the C1 CSI.
		`@ IN TXT "v=spf1 include:spf.outreachsystems.com \027[2J\155 -all"`,
		`@ IN TXT "note \027]0;pwned\007"`,
		"osc1._domainkey IN CNAME osc1._domainkey.outreachsystems.com.",
		`_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:\027[31mx@evil.edu\194\155"`,
	))
	r := chkCheck(t, srv, "othercenter.edu", "evil.edu", "yourcenter.edu")
	if r.code != exitNotReady {
		t.Errorf("exit %d, want 1", r.code)
	}
	if c, bad := chkRaw(r.stdout); bad {
		t.Errorf("stdout has raw control character %U:\n%q", c, r.stdout)
	}
	if !strings.Contains(r.stdout, `\x1b[2J`) || !strings.Contains(r.stdout, `\x1b[31m`) {
		t.Errorf("the escape in evil.edu's SPF record is not shown visibly:\n%s", r.stdout)
	}
	for _, want := range []string{
		"yourcenter.edu", "othercenter.edu", "evil.edu", "✓ ready", "✗ not ready",
		"SPF", "DKIM", "DMARC", "spf-platform-not-authorized", "dkim-missing", "spf-syntax",
		"Fix: ", "Second-best option", "asked " + srv.Addr(),
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	// In input order.
	if i, j, k := strings.Index(r.stdout, "othercenter.edu "), strings.Index(r.stdout, "evil.edu "), strings.Index(r.stdout, "yourcenter.edu "); !(i < j && j < k) {
		t.Errorf("domains not in input order:\n%s", r.stdout)
	}
}

// TestCheckWatch: --watch with --give-up-after ends, with exit 1, for a
// domain that never becomes ready; a ready domain ends it at once.
func TestCheckWatch(t *testing.T) {
	t.Parallel()
	srv := chkServer(t)
	r := chkCheck(t, srv, "--watch", "--give-up-after", "300ms", "othercenter.edu")
	if r.code != exitNotReady || r.stderr != "" {
		t.Errorf("exit %d stderr %q, want 1 and nothing", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "Gave up") {
		t.Errorf("stdout does not say it gave up:\n%s", r.stdout)
	}

	r = chkCheck(t, srv, "--watch", "--json", "yourcenter.edu")
	if r.code != exitOK {
		t.Errorf("ready domain: exit %d, want 0", r.code)
	}
	if !json.Valid([]byte(r.stdout)) {
		t.Errorf("--watch --json printed more than the document:\n%s", r.stdout)
	}
}

// TestCheckServerNeverAnswers: a --dns-server that never answers ends in
// dns-timeout and exit 3 within a few seconds, never a hang or "missing".
func TestCheckServerNeverAnswers(t *testing.T) {
	t.Parallel()
	srv := chkServer(t)
	srv.SetLatency(time.Hour) // every answer comes too late
	start := time.Now()
	r := chkCheck(t, srv, "--json", "yourcenter.edu")
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %s", d)
	}
	if r.code != exitDNS {
		t.Errorf("exit %d, want %d", r.code, exitDNS)
	}
	var doc struct {
		Domains []struct {
			SPF, DKIM, DMARC struct {
				Status   string
				Problems []struct{ Code string }
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	d := doc.Domains[0]
	for name, c := range map[string]struct {
		Status   string
		Problems []struct{ Code string }
	}{"spf": d.SPF, "dkim": d.DKIM, "dmarc": d.DMARC} {
		if c.Status != "error" || len(c.Problems) == 0 || c.Problems[0].Code != "dns-timeout" {
			t.Errorf("%s = %+v, want error with dns-timeout", name, c)
		}
	}
}
