package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestCheckJSONKeepsHostileTextExact: 'wizard check --json' carries text
// from DNS exactly, with every control character escaped (the document
// holds no raw escape byte a terminal would act on); bytes that are not
// UTF-8, which no JSON string can carry, become U+FFFD, written \ufffd.
func TestCheckJSONKeepsHostileTextExact(t *testing.T) {
	t.Parallel()
	srv := chkServer(t, chkZone("evil.edu",
		`@ IN TXT "v=spf1 include:spf.outreachsystems.com \027[2J\194\155\226\128\174 -all"`,
		"osc1._domainkey IN CNAME osc1._domainkey.outreachsystems.com.",
		`_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:\027]0;pwned\007x@evil.edu\255"`,
	))
	r := chkCheck(t, srv, "--json", "evil.edu")
	if r.code != exitNotReady || r.stderr != "" {
		t.Errorf("exit %d stderr %q, want 1 and nothing", r.code, r.stderr)
	}
	if c, bad := chkRaw(r.stdout); bad || strings.ContainsRune(r.stdout, '\u202e') {
		t.Fatalf("the JSON document has raw control character %U:\n%q", c, r.stdout)
	}
	for _, esc := range []string{`\u001b[2J\u009b\u202e`, `\u001b]0;pwned\u0007`, `\ufffd`} {
		if !strings.Contains(r.stdout, esc) {
			t.Errorf("the document lacks the escape %s:\n%s", esc, r.stdout)
		}
	}
	var doc struct {
		Domains []struct {
			SPF   struct{ Record string } `json:"spf"`
			DMARC struct{ Record string } `json:"dmarc"`
		} `json:"domains"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || len(doc.Domains) != 1 {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if got, want := doc.Domains[0].SPF.Record, "v=spf1 include:spf.outreachsystems.com \x1b[2J\u009b\u202e -all"; got != want {
		t.Errorf("SPF record %q, want exactly %q", got, want)
	}
	if got, want := doc.Domains[0].DMARC.Record, "v=DMARC1; p=none; rua=mailto:\x1b]0;pwned\x07x@evil.edu\ufffd"; got != want {
		t.Errorf("DMARC record %q, want %q (the invalid byte as U+FFFD)", got, want)
	}

	// The same domain for a person: every one of them shown escaped.
	r = chkCheck(t, srv, "evil.edu")
	if c, bad := chkRaw(r.stdout); bad || strings.ContainsRune(r.stdout, '\u202e') {
		t.Fatalf("the report has raw control character %U:\n%q", c, r.stdout)
	}
	for _, want := range []string{`\x1b[2J\x9b\u{202E}`, `\x1b]0;pwned\x07x@evil.edu\xff`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the report lacks %q:\n%s", want, r.stdout)
		}
	}
}

// TestRecordsJSONKeepsHostileTextExact: 'wizard records --format json'
// does the same for the records it found and proposes to replace.
func TestRecordsJSONKeepsHostileTextExact(t *testing.T) {
	t.Parallel()
	srv := serve(t, ycZone+`_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:\194\155\226\128\174x@yourcenter.edu\127"`+"\n")
	r := recordsRun(t, srv, "yourcenter.edu", "--format", "json")
	wantOK(t, r)
	if c, bad := chkRaw(r.stdout); bad || strings.ContainsRune(r.stdout, '\u202e') {
		t.Fatalf("the JSON document has raw control character %U:\n%q", c, r.stdout)
	}
	if !strings.Contains(r.stdout, `\u009b\u202ex@yourcenter.edu\u007f`) {
		t.Errorf("the document lacks the escaped value:\n%s", r.stdout)
	}
	_, recs := decodePlan(t, r.stdout)
	want := "v=DMARC1; p=none; rua=mailto:\u009b\u202ex@yourcenter.edu\x7f"
	found := false
	for _, rec := range recs {
		if rec["purpose"] == "dmarc" && (rec["value"] == want || slices.Contains(strs(rec["replaces"]), want)) {
			found = true
		}
	}
	if !found {
		t.Errorf("no DMARC record keeps or replaces exactly %q: %v", want, recs)
	}
}
