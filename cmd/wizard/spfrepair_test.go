package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/dnscheck"
)

// typoSPF is the record of the issue: "~all" typed "~al".
const typoSPF = "v=spf1 include:spf.protection.outlook.com ~al"

// chkSPF is a check report's SPF part, as --json writes it.
type chkSPF struct {
	Domains []struct {
		Ready bool `json:"ready"`
		SPF   struct {
			Status   string `json:"status"`
			Problems []struct {
				Code, Severity, Message, Fix string
			} `json:"problems"`
		} `json:"spf"`
	} `json:"domains"`
}

func decodeCheck(t *testing.T, out string) chkSPF {
	t.Helper()
	var doc chkSPF
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Domains) != 1 {
		t.Fatalf("check --json output: %v\n%s", err, out)
	}
	return doc
}

// TestBrokenSPFIsNoDeadEnd: with a typo in its SPF record, the domain is
// reported spf-syntax, the check's fix says what the proposed records
// repair, and the records propose the repaired record (replacing the
// broken one) with a Repaired: note for each repair.
func TestBrokenSPFIsNoDeadEnd(t *testing.T) {
	t.Parallel()
	srv := chkServer(t, chkZone("typo.edu",
		"@ IN MX 0 typo-edu.mail.protection.outlook.com.",
		`@ IN TXT "`+typoSPF+`"`,
		"osc1._domainkey IN CNAME osc1._domainkey.outreachsystems.com."))

	c := chkCheck(t, srv, "typo.edu", "--json")
	if c.code != exitNotReady {
		t.Errorf("check exit %d, want %d", c.code, exitNotReady)
	}
	doc := decodeCheck(t, c.stdout)
	var fix string
	for _, p := range doc.Domains[0].SPF.Problems {
		if p.Code == string(dnscheck.CodeSPFSyntax) {
			fix = p.Fix
		}
	}
	repaired, _ := dnscheck.RepairSPF(typoSPF)
	if !strings.Contains(fix, "The records the wizard proposes repair it") || !strings.Contains(fix, "“~al” as ~all") || !strings.Contains(fix, repaired) {
		t.Errorf("spf-syntax fix %q does not say what the records repair", fix)
	}
	if strings.Contains(fix, "'wizard records") {
		t.Errorf("spf-syntax fix %q names a command", fix)
	}

	r := recordsRun(t, srv, "typo.edu", "--format", "json")
	wantOK(t, r)
	_, recs := decodePlan(t, r.stdout)
	spf := byPurpose(t, recs, "spf")
	want := "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com ~all"
	if spf["value"] != want || spf["action"] != "replace" || !slicesEqual(strs(spf["replaces"]), []string{typoSPF}) {
		t.Errorf("SPF record = %v %v replacing %v, want replace %q replacing %q", spf["action"], spf["value"], spf["replaces"], want, typoSPF)
	}
	var repairs []string
	for _, n := range strs(spf["notes"]) {
		if strings.HasPrefix(n, "Repaired: ") {
			repairs = append(repairs, n)
		}
	}
	if len(repairs) != 1 || !strings.Contains(repairs[0], "“~al” as ~all") {
		t.Errorf("Repaired notes = %q, want one saying ~al became ~all", repairs)
	}
	// The repaired record is what the check's fix shows, plus the platform.
	if !strings.HasPrefix(repaired, "v=spf1 include:spf.protection.outlook.com") || !strings.HasSuffix(want, " ~all") {
		t.Errorf("check repairs to %q, records propose %q", repaired, want)
	}
}

func slicesEqual(a, b []string) bool { return strings.Join(a, "\n") == strings.Join(b, "\n") }

// TestCheckOpenToWorld: +all, a bare all, and networks wider than /8 (ip4)
// or /16 (ip6), in the record or reached through an include, make the
// domain not ready (exit 1) with an error-severity spf-all-permissive,
// though every platform address passes. ?all and an ip4 /8 do not.
func TestCheckOpenToWorld(t *testing.T) {
	t.Parallel()
	dkim := "osc1._domainkey IN CNAME osc1._domainkey.outreachsystems.com."
	cases := []struct {
		domain, spf string
		extra       []string
		code        int
		severity    string // of spf-all-permissive; "" for none
	}{
		{"plus.edu", "v=spf1 +all", nil, exitNotReady, "error"},
		{"bare.edu", "v=spf1 include:spf.outreachsystems.com all", nil, exitNotReady, "error"},
		{"world.edu", "v=spf1 ip4:0.0.0.0/0 -all", nil, exitNotReady, "error"},
		{"wide6.edu", "v=spf1 include:spf.outreachsystems.com ip6:2000::/15 -all", nil, exitNotReady, "error"},
		{"through.edu", "v=spf1 include:_open.through.edu -all", []string{`_open IN TXT "v=spf1 ip4:0.0.0.0/1 ip4:128.0.0.0/1 -all"`}, exitNotReady, "error"},
		{"neutral.edu", "v=spf1 include:spf.outreachsystems.com ?all", nil, exitOK, "warning"},
		{"eight.edu", "v=spf1 include:spf.outreachsystems.com ip4:10.0.0.0/8 -all", nil, exitOK, ""},
	}
	var zones []string
	for _, tc := range cases {
		zones = append(zones, chkZone(tc.domain, append([]string{`@ IN TXT "` + tc.spf + `"`, dkim}, tc.extra...)...))
	}
	srv := chkServer(t, zones...)
	for _, tc := range cases {
		t.Run(tc.domain, func(t *testing.T) {
			t.Parallel()
			r := chkCheck(t, srv, tc.domain, "--json")
			if r.code != tc.code {
				t.Errorf("exit %d, want %d\n%s", r.code, tc.code, r.stdout)
			}
			doc := decodeCheck(t, r.stdout)
			d := doc.Domains[0]
			if d.SPF.Status != "pass" || d.Ready != (tc.code == exitOK) {
				t.Errorf("SPF %s, ready %v", d.SPF.Status, d.Ready)
			}
			got := ""
			for _, p := range d.SPF.Problems {
				if p.Code == string(dnscheck.CodeSPFAllPermissive) && (got == "" || p.Severity == "error") {
					got = p.Severity
				}
			}
			if got != tc.severity {
				t.Errorf("spf-all-permissive severity %q, want %q: %+v", got, tc.severity, d.SPF.Problems)
			}
			// The records never carry it on.
			rec := recordsRun(t, srv, tc.domain, "--format", "json")
			wantOK(t, rec)
			_, recs := decodePlan(t, rec.stdout)
			value := byPurpose(t, recs, "spf")["value"].(string)
			parsed, err := dnscheck.ParseSPF(value)
			if err != nil {
				t.Fatal(err)
			}
			for _, term := range parsed.Terms {
				if term.Permissive() {
					t.Errorf("records propose %q, which keeps %s", value, term.Raw)
				}
			}
		})
	}
}

// TestRecordsRefuseWorldWideSenders: a --provider or a --platform file
// whose addresses would let nearly anyone send is bad input (exit 2),
// saying why.
func TestRecordsRefuseWorldWideSenders(t *testing.T) {
	t.Parallel()
	srv := serve(t, ycZone)
	for _, p := range []string{"ip4:0.0.0.0/0", "0.0.0.0/0", "ip4:10.0.0.0/7", "ip6:::/0", "include:x.example 2000::/15"} {
		wantUsageError(t, recordsRun(t, srv, "yourcenter.edu", "--provider", p), "--provider", "too wide")
	}
	good, err := os.ReadFile(filepath.Join("..", "..", "assets", "platform.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(good), `"107.20.160.162/32"`) {
		t.Fatal("platform.json no longer lists 107.20.160.162/32")
	}
	path := filepath.Join(t.TempDir(), "open.json")
	if err := os.WriteFile(path, []byte(strings.Replace(string(good), `"107.20.160.162/32"`, `"0.0.0.0/0"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"records", "check"} {
		wantUsageError(t, runWizard(t, cmd, "yourcenter.edu", "--dns-server", srv.Addr(), "--platform", path), path, "spf.ips[0]", "too wide")
	}
}

// TestRecordsProviderIsThePlatform: --provider naming the platform's own
// include puts it in the record once.
func TestRecordsProviderIsThePlatform(t *testing.T) {
	t.Parallel()
	srv := serve(t, ycZone, `$ORIGIN fresh.edu.
@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300
`)
	for _, domain := range []string{"yourcenter.edu", "fresh.edu"} {
		r := recordsRun(t, srv, domain, "--format", "json", "--provider", "include:spf.outreachsystems.com")
		wantOK(t, r)
		_, recs := decodePlan(t, r.stdout)
		value := byPurpose(t, recs, "spf")["value"].(string)
		if n := strings.Count(value, "include:spf.outreachsystems.com"); n != 1 {
			t.Errorf("SPF %q has the platform include %d times", value, n)
		}
	}
}

// TestRecordsNeverKeepsVoidBrokenSPF: an SPF record that 'check' calls
// broken (macro exists terms making too many void lookups) is never "no
// change needed" in 'wizard records': the terms are taken out.
func TestRecordsNeverKeepsVoidBrokenSPF(t *testing.T) {
	t.Parallel()
	broken := "v=spf1 exists:%{i}.a.voidm.edu exists:%{i}.b.voidm.edu exists:%{i}.c.voidm.edu include:spf.outreachsystems.com -all"
	srv := chkServer(t, chkZone("voidm.edu", `@ IN TXT "`+broken+`"`,
		"osc1._domainkey IN CNAME osc1._domainkey.outreachsystems.com."))
	if c := chkCheck(t, srv, "voidm.edu"); c.code != exitNotReady {
		t.Errorf("check exit %d, want %d\n%s", c.code, exitNotReady, c.stdout)
	}
	r := recordsRun(t, srv, "voidm.edu")
	wantOK(t, r)
	if strings.Contains(r.stdout, "SPF: keep") || strings.Contains(r.stdout, "the record already authorises") {
		t.Errorf("a broken SPF record called fine:\n%s", r.stdout)
	}
	for _, want := range []string{"SPF: replace the TXT record", "Took out exists:%{i}.a.voidm.edu exists:%{i}.b.voidm.edu exists:%{i}.c.voidm.edu"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("missing %q in:\n%s", want, r.stdout)
		}
	}
	r = recordsRun(t, srv, "voidm.edu", "--format", "json")
	wantOK(t, r)
	_, recs := decodePlan(t, r.stdout)
	spf := byPurpose(t, recs, "spf")
	if want := "v=spf1 include:spf.outreachsystems.com -all"; spf["value"] != want || spf["action"] != "replace" || !slicesEqual(strs(spf["replaces"]), []string{broken}) {
		t.Errorf("SPF record = %v %v replacing %v, want replace %q", spf["action"], spf["value"], spf["replaces"], want)
	}
}
