package records

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// hostileZone publishes values with terminal escapes, a bidi override and
// quotes: nothing of them may reach a terminal raw.
func hostileZone() string {
	return domainZone(genericNS,
		`_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:\027[31mred\"q\\b"`,
		`_dmarc IN TXT "v=DMARC1; p=reject \226\128\174gnp.exe"`,
		`osc1._domainkey IN TXT "v=DKIM1; p=\027]0;title\007"`,
	)
}

const (
	dmarcEsc  = "v=DMARC1; p=none; rua=mailto:\x1b[31mred\"q\\b"
	dmarcBidi = "v=DMARC1; p=reject \u202egnp.exe"
)

// checkPrintable fails on any control character other than newline, on
// DEL, C1 controls and bidirectional overrides.
func checkPrintable(t *testing.T, what, out string) {
	t.Helper()
	for i, r := range out {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			t.Errorf("%s has raw %U at byte %d:\n%q", what, r, i, out)
			return
		}
	}
}

func TestWriteTextEscapesControlCharacters(t *testing.T) {
	t.Parallel()
	srv := startZones(t, hostileZone())
	plan := mustPlan(t, srv, testDomain, Options{})
	var out bytes.Buffer
	if err := Write(&out, plan, FormatText); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	checkPrintable(t, "text output", text)
	if strings.ContainsRune(text, '\t') {
		t.Errorf("text output has a raw tab:\n%s", text)
	}
	for _, want := range []string{`\x1b[31mred`, `\u{202E}gnp.exe`, `\x1b]0;title\x07`} {
		if !strings.Contains(text, want) {
			t.Errorf("text output lacks the escaped form %q:\n%s", want, text)
		}
	}
}

func TestWriteZoneRoundTrip(t *testing.T) {
	t.Parallel()
	srv := startZones(t, hostileZone())
	plan := mustPlan(t, srv, testDomain, Options{})
	var out bytes.Buffer
	if err := Write(&out, plan, FormatZone); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	checkPrintable(t, "zone output", text)
	if !strings.HasPrefix(text, "$ORIGIN yourcenter.edu.\n") {
		t.Errorf("zone output does not start with $ORIGIN:\n%s", text)
	}
	rrs := parseZone(t, text)

	// Every record to add or replace is an active line that reads back to
	// exactly the planned value; keep and delete are comments.
	active := map[string]Record{}
	for _, r := range plan.Records {
		if r.Action == ActionAdd || r.Action == ActionReplace {
			active[r.Type+" "+r.Name] = r
		}
	}
	if len(rrs) != len(active) {
		t.Errorf("zone output has %d records, want %d:\n%s", len(rrs), len(active), text)
	}
	for _, rr := range rrs {
		key := dns.TypeToString[rr.Header().Rrtype] + " " + rr.Header().Name
		r, ok := active[key]
		if !ok {
			t.Errorf("unexpected record %s", rr)
			continue
		}
		var got string
		switch v := rr.(type) {
		case *dns.CNAME:
			got = v.Target
		case *dns.TXT:
			for _, s := range v.Txt {
				got += unescapeZone(s)
			}
		}
		if got != r.Value {
			t.Errorf("%s reads back as %q, want %q", key, got, r.Value)
		}
		if rr.Header().Ttl != DefaultTTL {
			t.Errorf("%s TTL %d", key, rr.Header().Ttl)
		}
	}
	if r := active["CNAME "+dkimName]; r.Value != dkimTarget {
		t.Errorf("no CNAME line to %s", dkimTarget)
	}
	// The DMARC replacement keeps one of the published records, escapes and
	// all, as its exact bytes.
	if d := active["TXT _dmarc.yourcenter.edu."]; d.Value != dmarcEsc && d.Value != dmarcBidi {
		t.Errorf("DMARC value %q is not one of the published records", d.Value)
	}
}

// unescapeZone turns miekg/dns's presentation form of a character-string
// back into bytes.
func unescapeZone(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) {
			b.WriteByte((s[i+1]-'0')*100 + (s[i+2]-'0')*10 + (s[i+3] - '0'))
			i += 3
			continue
		}
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func TestWriteJSONKeepsExactValues(t *testing.T) {
	t.Parallel()
	srv := startZones(t, hostileZone())
	plan := mustPlan(t, srv, testDomain, Options{})
	var out bytes.Buffer
	if err := Write(&out, plan, FormatJSON); err != nil {
		t.Fatal(err)
	}
	if bytes.ContainsRune(out.Bytes(), 0x1b) {
		t.Errorf("JSON output has a raw escape")
	}
	var doc struct {
		Records []struct {
			Purpose  string   `json:"purpose"`
			Value    string   `json:"value"`
			Replaces []string `json:"replaces"`
		} `json:"records"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var seen bool
	for _, r := range doc.Records {
		if r.Purpose == PurposeDMARC {
			seen = true
			joined := strings.Join(r.Replaces, "\n")
			if !strings.Contains(joined, dmarcEsc) || !strings.Contains(joined, dmarcBidi) {
				t.Errorf("JSON DMARC replaces %q, want the exact published values", r.Replaces)
			}
		}
	}
	if !seen {
		t.Error("no DMARC record in JSON")
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := Write(&out, Plan{Domain: "x.example"}, "yaml")
	if err == nil || !strings.Contains(err.Error(), "yaml") {
		t.Errorf("Write(yaml) = %v, want an error naming the format", err)
	}
	if out.Len() != 0 {
		t.Errorf("wrote %q for an unknown format", out.String())
	}
}

func TestRelativeName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, zone, want string }{
		{"yourcenter.edu.", "yourcenter.edu", "@"},
		{"YourCenter.EDU", "yourcenter.edu.", "@"},
		{"osc1._domainkey.yourcenter.edu.", "yourcenter.edu", "osc1._domainkey"},
		{"_dmarc.mail.yourcenter.edu.", "yourcenter.edu", "_dmarc.mail"},
		{"osc1._domainkey.other.edu.", "yourcenter.edu", "osc1._domainkey.other.edu."},
		{"notyourcenter.edu.", "yourcenter.edu", "notyourcenter.edu."},
	} {
		if got := relativeName(tc.name, tc.zone); got != tc.want {
			t.Errorf("relativeName(%q, %q) = %q, want %q", tc.name, tc.zone, got, tc.want)
		}
	}
}
