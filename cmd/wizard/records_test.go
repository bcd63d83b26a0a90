package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

const (
	vendorZone = `$ORIGIN outreachsystems.com.
@               IN SOA ns1 hostmaster 1 7200 3600 1209600 300
spf             IN TXT "v=spf1 ip4:107.20.160.162 ip4:35.85.179.136 -all"
osc1._domainkey IN TXT "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"
`
	providerZones = `$ORIGIN outlook.com.
@              IN SOA ns1 hostmaster 1 7200 3600 1209600 300
spf.protection IN TXT "v=spf1 ip4:40.92.0.0/15 -all"
$ORIGIN google.com.
_spf IN TXT "v=spf1 ip4:35.190.247.0/24 -all"
`
	// ycZone is yourcenter.edu on Cloudflare with Microsoft 365 mail and
	// an SPF record that lacks the platform.
	ycZone = `$ORIGIN yourcenter.edu.
@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@ IN NS ada.ns.cloudflare.com.
@ IN NS bob.ns.cloudflare.com.
@ IN MX 0 yourcenter-edu.mail.protection.outlook.com.
@ IN TXT "v=spf1 include:spf.protection.outlook.com -all"
@ IN TXT "MS=ms12345678"
`
	oldSPF    = "v=spf1 include:spf.protection.outlook.com -all"
	mergedSPF = "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all"
	cname     = "osc1._domainkey.outreachsystems.com."
	email     = "Jane.Doe@YourCenter.EDU"
)

func serve(t *testing.T, zones ...string) *dnstest.Server {
	t.Helper()
	return dnstest.StartT(t, append([]string{vendorZone, providerZones}, zones...)...)
}

func recordsRun(t *testing.T, srv *dnstest.Server, domain string, extra ...string) result {
	t.Helper()
	return runWizard(t, append([]string{"records", domain, "--dns-server", srv.Addr()}, extra...)...)
}

func wantOK(t *testing.T, r result) {
	t.Helper()
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q; stdout:\n%s", r.code, r.stderr, r.stdout)
	}
}

type jsonRecord = map[string]any

// decodePlan decodes JSON output into maps, checking the contract's keys.
func decodePlan(t *testing.T, out string) (map[string]any, []jsonRecord) {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	for _, k := range []string{"domain", "dns_host", "provider", "records"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, out)
		}
	}
	list, ok := doc["records"].([]any)
	if !ok {
		t.Fatalf("records is %T, want an array", doc["records"])
	}
	var recs []jsonRecord
	for _, item := range list {
		r, ok := item.(map[string]any)
		if !ok {
			t.Fatalf("record is %T", item)
		}
		for _, k := range []string{"purpose", "type", "name", "host_field", "value", "action"} {
			if _, ok := r[k].(string); !ok {
				t.Errorf("record key %q is %T, want a string: %v", k, r[k], r)
			}
		}
		if _, ok := r["replaces"].([]any); !ok {
			t.Errorf("record key replaces is %T, want an array (never null): %v", r["replaces"], r)
		}
		recs = append(recs, r)
	}
	return doc, recs
}

func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func byPurpose(t *testing.T, recs []jsonRecord, purpose string) jsonRecord {
	t.Helper()
	for _, r := range recs {
		if r["purpose"] == purpose && r["action"] != "delete" {
			return r
		}
	}
	t.Fatalf("no %s record in %v", purpose, recs)
	return nil
}

func TestRecordsJSON(t *testing.T) {
	t.Parallel()
	srv := serve(t, ycZone)
	r := recordsRun(t, srv, email, "--format", "json")
	wantOK(t, r)
	doc, recs := decodePlan(t, r.stdout)
	if doc["domain"] != "yourcenter.edu" || doc["dns_host"] != "Cloudflare" || doc["provider"] != "Microsoft 365" {
		t.Errorf("domain, dns_host, provider = %v, %v, %v", doc["domain"], doc["dns_host"], doc["provider"])
	}
	if len(recs) != 3 {
		t.Fatalf("want 3 records, got %d: %v", len(recs), recs)
	}
	want := []jsonRecord{
		{"purpose": "dkim", "type": "CNAME", "name": "osc1._domainkey.yourcenter.edu.", "host_field": "osc1._domainkey", "value": cname, "action": "add"},
		{"purpose": "spf", "type": "TXT", "name": "yourcenter.edu.", "host_field": "@", "value": mergedSPF, "action": "replace"},
		{"purpose": "dmarc", "type": "TXT", "name": "_dmarc.yourcenter.edu.", "host_field": "_dmarc", "value": "v=DMARC1; p=none", "action": "add"},
	}
	for i, w := range want {
		for k, v := range w {
			if recs[i][k] != v {
				t.Errorf("records[%d].%s = %v, want %v", i, k, recs[i][k], v)
			}
		}
	}
	if got := strs(recs[1]["replaces"]); !slices.Equal(got, []string{oldSPF}) {
		t.Errorf("SPF replaces %q, want [%q]", got, oldSPF)
	}
	if got := strs(recs[0]["replaces"]); len(got) != 0 {
		t.Errorf("DKIM replaces %q, want []", got)
	}
	if doc["spf_lookups"] != float64(2) {
		t.Errorf("spf_lookups = %v, want 2", doc["spf_lookups"])
	}
	if !strings.Contains(strings.Join(strs(doc["warnings"]), "\n"), "DNS only") {
		t.Errorf("warnings %v lack Cloudflare's", doc["warnings"])
	}
}

func TestRecordsText(t *testing.T) {
	t.Parallel()
	srv := serve(t, ycZone+"_dmarc IN TXT \"v=DMARC1; p=none; rua=mailto:\\027[31mdmarc@yourcenter.edu\"\n")
	r := recordsRun(t, srv, email)
	wantOK(t, r)
	out := r.stdout
	for _, want := range []string{
		"Records to publish for yourcenter.edu",
		"DNS host: Cloudflare",
		"Mail provider: Microsoft 365",
		"Name:      osc1._domainkey\n",
		"Value:     " + cname + "\n",
		"Name:      @\n",
		"Value:     " + mergedSPF + "\n",
		"Replaces:  " + oldSPF + "\n",
		`rua=mailto:\x1b[31mdmarc@yourcenter.edu`,
		"DMARC: keep the TXT record",
		"DNS only",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	for i, c := range []byte(out) {
		if c < 0x20 && c != '\n' || c == 0x7f {
			t.Fatalf("text output has raw control byte %#x at %d:\n%q", c, i, out)
		}
	}
}

func TestRecordsZone(t *testing.T) {
	t.Parallel()
	srv := serve(t, ycZone)
	r := recordsRun(t, srv, "yourcenter.edu", "--format", "zone")
	wantOK(t, r)
	if !strings.HasPrefix(r.stdout, "$ORIGIN yourcenter.edu.\n") {
		t.Errorf("zone output does not start with $ORIGIN:\n%s", r.stdout)
	}
	zp := dns.NewZoneParser(strings.NewReader(r.stdout), "", "")
	var got []string
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		got = append(got, rr.String())
	}
	if err := zp.Err(); err != nil {
		t.Fatalf("zone output does not parse: %v\n%s", err, r.stdout)
	}
	sort.Strings(got)
	want := []string{
		"_dmarc.yourcenter.edu.\t3600\tIN\tTXT\t\"v=DMARC1; p=none\"",
		"osc1._domainkey.yourcenter.edu.\t3600\tIN\tCNAME\t" + cname,
		"yourcenter.edu.\t3600\tIN\tTXT\t\"" + mergedSPF + "\"",
	}
	if !slices.Equal(got, want) {
		t.Errorf("zone records\n got %q\nwant %q\n%s", got, want, r.stdout)
	}
	// Relative to the zone: no line writes the zone's name out in full.
	for _, l := range strings.Split(r.stdout, "\n") {
		if l != "" && !strings.HasPrefix(l, ";") && !strings.HasPrefix(l, "$ORIGIN") && strings.Contains(strings.Fields(l)[0], "yourcenter.edu") {
			t.Errorf("line not relative to the zone: %q", l)
		}
	}
}

// TestRecordsLongSPF: sbdc.uni.edu, in the zone uni.edu at a DNS host the
// catalog does not know, has an SPF record so long that the merged one
// needs several strings and no longer fits a 512-byte UDP answer.
func TestRecordsLongSPF(t *testing.T) {
	t.Parallel()
	terms := []string{"v=spf1", "include:spf.protection.outlook.com"}
	for i := 1; i <= 30; i++ {
		terms = append(terms, fmt.Sprintf("ip4:198.51.100.%d", i))
	}
	old := strings.Join(append(terms, "~all"), " ")
	merged := strings.Join(append(terms, "include:spf.outreachsystems.com", "~all"), " ")
	var quoted []string
	for _, s := range assets.SplitTXT(old) {
		quoted = append(quoted, `"`+s+`"`)
	}
	zone := `$ORIGIN uni.edu.
@ IN SOA ns1.example-dns.net. hostmaster 1 7200 3600 1209600 300
@ IN NS ns1.example-dns.net.
sbdc IN MX 0 sbdc-uni-edu.mail.protection.outlook.com.
sbdc IN TXT ` + strings.Join(quoted, " ") + "\n"
	srv := serve(t, zone)

	r := recordsRun(t, srv, "sbdc.uni.edu", "--format", "json")
	wantOK(t, r)
	doc, recs := decodePlan(t, r.stdout)
	if doc["zone"] != "uni.edu" || doc["dns_host"] != "Your DNS host" {
		t.Errorf("zone, dns_host = %v, %v", doc["zone"], doc["dns_host"])
	}
	for purpose, field := range map[string]string{"dkim": "osc1._domainkey.sbdc", "spf": "sbdc", "dmarc": "_dmarc.sbdc"} {
		if got := byPurpose(t, recs, purpose)["host_field"]; got != field {
			t.Errorf("%s host_field = %v, want %q", purpose, got, field)
		}
	}
	spf := byPurpose(t, recs, "spf")
	if spf["value"] != merged || spf["form_value"] != merged {
		t.Fatalf("SPF value %q, form_value %q; want both %q", spf["value"], spf["form_value"], merged)
	}
	parts := strs(spf["strings"])
	if len(parts) < 3 || strings.Join(parts, "") != merged {
		t.Errorf("strings %q: want three or more joining to the value", parts)
	}
	whole := map[string]bool{}
	for _, term := range append(terms, "include:spf.outreachsystems.com", "~all") {
		whole[term] = true
	}
	for _, p := range parts {
		if len(p) > 255 {
			t.Errorf("a string of %d bytes", len(p))
		}
		for _, w := range strings.Fields(p) {
			if !whole[w] {
				t.Errorf("string %q cuts a term (%q)", p, w)
			}
		}
	}
	if _, has := byPurpose(t, recs, "dkim")["strings"]; has {
		t.Errorf("the CNAME record has strings")
	}
	// header 12, question 14+4, answer 2+10, then each string and its
	// length byte.
	size := 12 + 14 + 4 + 2 + 10 + len(merged) + len(parts)
	var warned bool
	for _, w := range strs(doc["warnings"]) {
		if strings.Contains(w, fmt.Sprintf("is %d bytes, more than the 512", size)) && strings.Contains(w, "fewer includes") {
			warned = true
		}
	}
	if !warned {
		t.Errorf("no warning that the %d-byte answer is over 512 bytes: %q", size, doc["warnings"])
	}

	r = recordsRun(t, srv, "sbdc.uni.edu", "--format", "zone")
	wantOK(t, r)
	zp := dns.NewZoneParser(strings.NewReader(r.stdout), "", "")
	var found bool
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		if txt, isTXT := rr.(*dns.TXT); isTXT && txt.Hdr.Name == "sbdc.uni.edu." {
			found = true
			if !slices.Equal(txt.Txt, parts) {
				t.Errorf("zone strings %q, want the JSON's %q", txt.Txt, parts)
			}
		}
	}
	if err := zp.Err(); err != nil {
		t.Fatalf("zone output does not parse: %v\n%s", err, r.stdout)
	}
	if !found {
		t.Errorf("no SPF line in the zone output:\n%s", r.stdout)
	}
}

// catalogIP4 is the platform file's list as --use-ips writes it.
const catalogIP4 = "ip4:107.20.160.162 ip4:35.85.179.136 ip4:44.203.150.85 ip4:50.112.114.135 ip4:52.5.236.246 ip4:54.163.226.88 ip4:54.185.24.42 ip4:54.204.25.186"

// liveIP4 is the platform's list after a change: the platform file's
// first address removed, 203.0.113.9 added.
const liveIP4 = "ip4:35.85.179.136 ip4:44.203.150.85 ip4:50.112.114.135 ip4:52.5.236.246 ip4:54.163.226.88 ip4:54.185.24.42 ip4:54.204.25.186 ip4:203.0.113.9"

// TestRecordsUseIPs: --use-ips writes the addresses the platform's include
// lists today, and takes out of a hand-written list the address the
// platform no longer lists.
func TestRecordsUseIPs(t *testing.T) {
	t.Parallel()
	srv := serve(t, ycZone, `$ORIGIN bycatalog.edu.
@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@ IN MX 0 bycatalog-edu.mail.protection.outlook.com.
@ IN TXT "v=spf1 include:spf.protection.outlook.com `+catalogIP4+` -all"
`)
	srv.Remove("spf.outreachsystems.com.", dns.TypeTXT)
	if err := srv.Add(`spf.outreachsystems.com. 300 IN TXT "v=spf1 ` + liveIP4 + ` -all"`); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ domain, want, note string }{
		{"yourcenter.edu", "v=spf1 include:spf.protection.outlook.com " + liveIP4 + " -all", ""},
		{"bycatalog.edu", "v=spf1 include:spf.protection.outlook.com " + liveIP4 + " -all", "Removed ip4:107.20.160.162"},
	} {
		r := recordsRun(t, srv, tc.domain, "--format", "json", "--use-ips")
		wantOK(t, r)
		doc, recs := decodePlan(t, r.stdout)
		spf := byPurpose(t, recs, "spf")
		if spf["value"] != tc.want {
			t.Errorf("%s: --use-ips SPF\n got %q\nwant %q", tc.domain, spf["value"], tc.want)
		}
		if notes, _ := json.Marshal(spf["notes"]); !strings.Contains(string(notes), tc.note) {
			t.Errorf("%s: notes %s lack %q", tc.domain, notes, tc.note)
		}
		if w, _ := json.Marshal(doc["warnings"]); strings.Contains(string(w), "spf.outreachsystems.com") {
			t.Errorf("%s: warnings %s speak of the include, which was read", tc.domain, w)
		}
	}
}

// TestRecordsUseIPsFallback: when the platform's include cannot be read,
// --use-ips writes the platform file's list and warns in the plan.
func TestRecordsUseIPsFallback(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"json", "text"} {
		srv := serve(t, ycZone)
		srv.SetFault("spf.outreachsystems.com", dnstest.Fault{ServFail: true})
		r := recordsRun(t, srv, "yourcenter.edu", "--format", format, "--use-ips")
		wantOK(t, r)
		if !strings.Contains(r.stdout, "v=spf1 include:spf.protection.outlook.com "+catalogIP4+" -all") {
			t.Errorf("%s: output lacks the platform file's list:\n%s", format, r.stdout)
		}
		if !strings.Contains(r.stdout, "could not be read from spf.outreachsystems.com") {
			t.Errorf("%s: output does not warn that the include could not be read:\n%s", format, r.stdout)
		}
	}
}

func TestRecordsProviderFlag(t *testing.T) {
	t.Parallel()
	srv := serve(t, ycZone)
	for _, id := range []string{"google", "Google"} {
		r := recordsRun(t, srv, "yourcenter.edu", "--format", "json", "--provider", id)
		wantOK(t, r)
		doc, recs := decodePlan(t, r.stdout)
		if doc["provider"] != "Google Workspace" || doc["provider_reason"] != "chosen" {
			t.Errorf("provider = %v (%v), want Google Workspace, chosen", doc["provider"], doc["provider_reason"])
		}
		want := "v=spf1 include:spf.protection.outlook.com include:_spf.google.com include:spf.outreachsystems.com -all"
		if got := byPurpose(t, recs, "spf")["value"]; got != want {
			t.Errorf("--provider %s SPF = %v, want %q", id, got, want)
		}
	}
	// A typed include works as "other".
	r := recordsRun(t, srv, "yourcenter.edu", "--format", "json", "--provider", "include:spf.mailer.example")
	wantOK(t, r)
	_, recs := decodePlan(t, r.stdout)
	if got := byPurpose(t, recs, "spf")["value"].(string); !strings.Contains(got, "include:spf.mailer.example include:spf.outreachsystems.com -all") {
		t.Errorf("custom provider SPF = %q", got)
	}
}

func TestRecordsBadInputMakesNoQuery(t *testing.T) {
	t.Parallel()
	srv := serve(t, ycZone)
	wantUsageError(t, recordsRun(t, srv, "yourcenter.edu", "--format", "bogus"), "--format", "bogus", "text, zone or json, or markdown or html")
	wantUsageError(t, recordsRun(t, srv, "yourcenter.edu", "--format", "Markdown"), "--format", "Markdown", "markdown or html")
	wantUsageError(t, recordsRun(t, srv, "https://www.yourcenter.edu/"), "web address", "Type the domain", "yourcenter.edu")
	wantUsageError(t, recordsRun(t, srv, "yourcenter"), "yourcenter")
	wantUsageError(t, recordsRun(t, srv, "192.0.2.1"), "192.0.2.1")
	wantUsageError(t, recordsRun(t, srv, ""))
	if q := srv.Queries(); len(q) != 0 {
		t.Errorf("bad input still sent %d queries, e.g. %+v", len(q), q[0])
	}
}

func TestRecordsUnicodeDomain(t *testing.T) {
	t.Parallel()
	srv := serve(t, `$ORIGIN xn--bcher-kva.example.
@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@ IN NS ns1.xn--bcher-kva.example.
@ IN TXT "v=spf1 mx -all"
`)
	for _, in := range []string{"bücher.example", "info@BÜCHER.example"} {
		r := recordsRun(t, srv, in, "--format", "json")
		wantOK(t, r)
		doc, recs := decodePlan(t, r.stdout)
		if doc["domain"] != "xn--bcher-kva.example" {
			t.Errorf("%s: domain = %v, want xn--bcher-kva.example", in, doc["domain"])
		}
		if got := byPurpose(t, recs, "dkim")["name"]; got != "osc1._domainkey.xn--bcher-kva.example." {
			t.Errorf("%s: DKIM name = %v", in, got)
		}
		spf := byPurpose(t, recs, "spf")
		if spf["value"] != "v=spf1 mx include:spf.outreachsystems.com -all" || spf["action"] != "replace" {
			t.Errorf("%s: SPF = %v %v: the existing record was not found under the ASCII name", in, spf["action"], spf["value"])
		}
	}
}

func TestRecordsDNSTrouble(t *testing.T) {
	t.Parallel()
	t.Run("SERVFAIL on the domain's TXT: nothing proposed, exit 3", func(t *testing.T) {
		t.Parallel()
		srv := serve(t, ycZone)
		srv.SetFaultType("yourcenter.edu.", dns.TypeTXT, dnstest.Fault{ServFail: true})
		for _, format := range []string{"text", "json", "zone"} {
			r := recordsRun(t, srv, "yourcenter.edu", "--format", format)
			if r.code != exitDNS {
				t.Errorf("%s: exit %d, want %d; stdout:\n%s", format, r.code, exitDNS, r.stdout)
			}
			if strings.Contains(r.stdout, "v=spf1") {
				t.Errorf("%s: an SPF record was proposed although the TXT lookup failed:\n%s", format, r.stdout)
			}
			wantOneLine(t, r.stderr, "DNS did not answer", "TXT yourcenter.edu: the DNS server reported a failure")
		}
	})
	t.Run("SERVFAIL on NS only: plan printed with the warning, exit 3", func(t *testing.T) {
		t.Parallel()
		srv := serve(t, ycZone)
		srv.SetFaultType("yourcenter.edu.", dns.TypeNS, dnstest.Fault{ServFail: true})
		r := recordsRun(t, srv, "yourcenter.edu")
		if r.code != exitDNS {
			t.Errorf("exit %d, want %d", r.code, exitDNS)
		}
		for _, want := range []string{mergedSPF, "DNS did not answer NS yourcenter.edu: the DNS server reported a failure"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("output lacks %q:\n%s", want, r.stdout)
			}
		}
	})
	t.Run("nothing listening", func(t *testing.T) {
		t.Parallel()
		srv := serve(t, ycZone)
		addr := srv.Addr()
		srv.Close()
		r := runWizard(t, "records", "yourcenter.edu", "--dns-server", addr)
		if r.code != exitDNS {
			t.Errorf("exit %d, want %d; stderr %q", r.code, exitDNS, r.stderr)
		}
		if strings.Contains(r.stdout, "add a") {
			t.Errorf("records proposed with no DNS answer:\n%s", r.stdout)
		}
	})
}

// TestRecordsBrokenSPF: a record with a raw escape in a term is repaired
// (the term dropped, and said), never echoed raw.
func TestRecordsBrokenSPF(t *testing.T) {
	t.Parallel()
	srv := serve(t, `$ORIGIN yourcenter.edu.
@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@ IN TXT "v=spf1 include:spf.protection.outlook.com\027[2J -all"
`)
	r := recordsRun(t, srv, "yourcenter.edu")
	wantOK(t, r)
	if strings.ContainsRune(r.stdout, 0x1b) {
		t.Errorf("stdout echoes a raw escape: %q", r.stdout)
	}
	if !strings.Contains(r.stdout, "Repaired: Dropped") || !strings.Contains(r.stdout, "v=spf1 include:spf.outreachsystems.com -all") {
		t.Errorf("the records do not repair the record:\n%s", r.stdout)
	}
}

func TestRecordsOtherPlatform(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "platform.json")
	if err := os.WriteFile(path, []byte(`{
  "name": "Mailer", "vendor": "Mailer Inc",
  "dkim": {"selector": "mlr", "target": "mlr._domainkey.mailer.example"},
  "spf": {"include": "spf.mailer.example"},
  "rewrite_domain": "bounce.mailer.example",
  "setting": {"label": "Send as the user", "location": "Settings"},
  "contact": {"name": "Mailer support", "email": "help@mailer.example"}
}`), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := serve(t, ycZone)
	r := recordsRun(t, srv, "yourcenter.edu", "--platform", path, "--format", "json")
	wantOK(t, r)
	_, recs := decodePlan(t, r.stdout)
	dkim := byPurpose(t, recs, "dkim")
	if dkim["name"] != "mlr._domainkey.yourcenter.edu." || dkim["value"] != "mlr._domainkey.mailer.example." {
		t.Errorf("DKIM = %v → %v, want the other platform's", dkim["name"], dkim["value"])
	}
	if got := byPurpose(t, recs, "spf")["value"]; got != "v=spf1 include:spf.protection.outlook.com include:spf.mailer.example -all" {
		t.Errorf("SPF = %v", got)
	}
}

// handoffZone is ycZone with a DKIM CNAME made at the doubled name and a
// DMARC record whose text would be markup and terminal escapes if it were
// not escaped.
const handoffZone = ycZone + `osc1._domainkey.yourcenter.edu.yourcenter.edu. IN CNAME osc1._domainkey.outreachsystems.com.
_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:\027[31mx@yourcenter.edu ` + "```" + `<script>alert(1)</script>"
`

func TestRecordsHandoffMarkdown(t *testing.T) {
	t.Parallel()
	srv := serve(t, handoffZone)
	r := recordsRun(t, srv, email, "--format", "markdown")
	wantOK(t, r)
	out := r.stdout
	for _, want := range []string{
		"# DNS changes for Neoserra: yourcenter.edu\n",
		"- **DNS host:** Cloudflare (recognised from the domain's name servers).",
		"### Steps in Cloudflare\n",
		"**Name in Cloudflare's form:** `osc1._domainkey`\n",
		"**Full name:** `osc1._domainkey.yourcenter.edu.`\n",
		"**Target (value):** `" + cname + "`\n",
		"**Name in Cloudflare's form:** `@`\n",
		"**Value:** `" + mergedSPF + "`\n",
		"**Now:** `" + oldSPF + "`\n",
		"#### 1. DKIM: delete this CNAME record\n",
		"**Full name:** `osc1._domainkey.yourcenter.edu.yourcenter.edu.`\n",
		"Set the CNAME's proxy status to DNS only (grey cloud)",
		"### Mistakes to avoid\n",
		"**A second SPF record.**",
		"`wizard check yourcenter.edu`",
		// The DMARC record, escaped, in a span that its backticks cannot close.
		"````v=DMARC1; p=none; rua=mailto:\\x1b[31mx@yourcenter.edu ```<script>alert(1)</script>````",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	for i, c := range []byte(out) {
		if c < 0x20 && c != '\n' || c == 0x7f {
			t.Fatalf("markdown has raw control byte %#x at %d", c, i)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
}

func TestRecordsHandoffHTML(t *testing.T) {
	t.Parallel()
	srv := serve(t, handoffZone)
	r := recordsRun(t, srv, "yourcenter.edu", "--format", "html")
	wantOK(t, r)
	out := r.stdout
	if !strings.HasPrefix(out, "<!DOCTYPE html>") || !strings.HasSuffix(out, "</html>\n") {
		t.Fatalf("not one HTML page:\n%s", out)
	}
	lower := strings.ToLower(out)
	for _, bad := range []string{"<script", "src=", "href=", "<link", "url(", "\x1b"} {
		if strings.Contains(lower, bad) {
			t.Errorf("HTML has %q", bad)
		}
	}
	for _, want := range []string{
		"<title>DNS changes for Neoserra: yourcenter.edu</title>",
		"<style>",
		"<h3>Steps in Cloudflare</h3>",
		"<code>" + mergedSPF + "</code>",
		"<code>osc1._domainkey.yourcenter.edu.yourcenter.edu.</code>",
		"&lt;script&gt;alert(1)&lt;/script&gt;",
		`\x1b[31m`,
		"<code>wizard check yourcenter.edu</code>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
}

func TestRecordsHandoffDNSTrouble(t *testing.T) {
	t.Parallel()
	srv := serve(t, ycZone)
	srv.SetFaultType("yourcenter.edu.", dns.TypeTXT, dnstest.Fault{ServFail: true})
	for _, format := range []string{"markdown", "html"} {
		r := recordsRun(t, srv, "yourcenter.edu", "--format", format)
		if r.code != exitDNS || strings.Contains(r.stdout, "v=spf1") {
			t.Errorf("%s: exit %d, stdout:\n%s", format, r.code, r.stdout)
		}
		wantOneLine(t, r.stderr, "DNS did not answer")
	}
}

// TestRecordsDMARCReports: --dmarc-reports writes rua=mailto: into the
// proposed DMARC record; a bad address is a usage error before any query.
func TestRecordsDMARCReports(t *testing.T) {
	t.Parallel()
	srv := serve(t, ycZone)
	r := recordsRun(t, srv, "yourcenter.edu", "--format", "json", "--dmarc-reports", "mailto:DMARC@YourCenter.edu")
	wantOK(t, r)
	_, recs := decodePlan(t, r.stdout)
	if got, want := recs[2]["value"], "v=DMARC1; p=none; rua=mailto:DMARC@yourcenter.edu"; got != want {
		t.Errorf("DMARC value %v, want %q", got, want)
	}

	bad := serve(t, ycZone)
	wantUsageError(t, recordsRun(t, bad, "yourcenter.edu", "--dmarc-reports", "a@x.edu,b@x.edu"), "--dmarc-reports", "one address only")
	wantUsageError(t, recordsRun(t, bad, "yourcenter.edu", "--dmarc-reports", "dmarc"), "--dmarc-reports", "needs one @")
	wantUsageError(t, recordsRun(t, bad, "yourcenter.edu", "--dmarc-reports", ""), "--dmarc-reports", "no address given")
	if q := bad.Queries(); len(q) != 0 {
		t.Errorf("a bad address still sent %d queries, e.g. %+v", len(q), q[0])
	}
}
