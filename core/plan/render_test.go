package plan

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
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
	// Both published DMARC records are broken: the replacement is a
	// corrected record that parses, and it replaces both, escapes and all,
	// as their exact bytes.
	d := active["TXT _dmarc.yourcenter.edu."]
	if _, err := dnscheck.ParseDMARC(d.Value); err != nil || !slices.Contains(d.Replaces, dmarcEsc) || !slices.Contains(d.Replaces, dmarcBidi) {
		t.Errorf("DMARC value %q (%v) replacing %q", d.Value, err, d.Replaces)
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

// TestNameLines: the text and the hand-off sheet give the name as the
// form wants it first and the full name on the line after it, only when
// the two differ.
func TestNameLines(t *testing.T) {
	t.Parallel()
	t.Run("subdomain at an unknown host", func(t *testing.T) {
		t.Parallel()
		srv := startZones(t, domainZone(genericNS, "sbdc IN MX 0 "+m365MX+"."))
		plan := mustPlan(t, srv, "sbdc."+testDomain, Options{})
		if plan.Zone != testDomain {
			t.Fatalf("Zone = %q, want %q", plan.Zone, testDomain)
		}
		want := map[string]string{PurposeDKIM: "osc1._domainkey.sbdc", PurposeSPF: "sbdc", PurposeDMARC: "_dmarc.sbdc"}
		var text, sheet bytes.Buffer
		if err := WriteText(&text, plan); err != nil {
			t.Fatal(err)
		}
		if err := WriteHandoff(&sheet, FormatMarkdown, plan); err != nil {
			t.Fatal(err)
		}
		for _, r := range plan.Records {
			if r.HostField != want[r.Purpose] {
				t.Errorf("%s HostField = %q, want %q", r.Purpose, r.HostField, want[r.Purpose])
			}
			if !r.ShowsFullName() {
				t.Errorf("%s: the full name %q is not shown beside %q", r.Purpose, r.Name, r.HostField)
			}
			if line := "   Name:      " + r.HostField + "\n   Full name: " + r.Name + "\n"; !strings.Contains(text.String(), line) {
				t.Errorf("text lacks %q:\n%s", line, text.String())
			}
			if line := "**Name in the form:** `" + r.HostField + "`\n- **Full name:** `" + r.Name + "`\n"; !strings.Contains(sheet.String(), line) {
				t.Errorf("sheet lacks %q", line)
			}
		}
	})
	t.Run("name outside the zone", func(t *testing.T) {
		t.Parallel()
		host, _ := assets.DNSHostByID(assets.GenericDNSHostID)
		name := "osc1._domainkey.other.edu."
		r := Record{Purpose: PurposeDKIM, Type: "CNAME", Name: name, HostField: host.HostField(name, testDomain), Value: dkimTarget, FormValue: dkimTarget, Action: ActionAdd}
		if r.HostField != name || r.ShowsFullName() {
			t.Fatalf("HostField = %q, ShowsFullName = %v; want the full name alone", r.HostField, r.ShowsFullName())
		}
		plan := Plan{Domain: testDomain, Zone: testDomain, Host: host, DNSHost: host.Name, Records: []Record{r}}
		var text, sheet bytes.Buffer
		if err := WriteText(&text, plan); err != nil {
			t.Fatal(err)
		}
		if err := WriteHandoff(&sheet, FormatMarkdown, plan); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text.String(), "   Name:      "+name+"\n") || strings.Contains(text.String(), "Full name") {
			t.Errorf("text names %s other than once as Name:\n%s", name, text.String())
		}
		if !strings.Contains(sheet.String(), "**Name in the form:** `"+name+"`\n") || strings.Contains(sheet.String(), "**Full name:**") {
			t.Errorf("sheet names %s other than once:\n%s", name, sheet.String())
		}
	})
}

// TestLongSPFOutputs: a merged SPF record over 255 bytes is one unquoted
// value in the text for an unknown host, quoted strings for Route 53, and
// its strings (cut between terms) in JSON and in the zone output, which
// reads back to the value.
func TestLongSPFOutputs(t *testing.T) {
	t.Parallel()
	existing := longSPF()
	want := strings.Replace(existing, " -all", " include:spf.outreachsystems.com -all", 1)
	for _, tc := range []struct {
		name, ns, form string
	}{
		{"generic", genericNS, want},
		{"route53", route53NS, quoteStrings(assets.SplitTXT(want))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startZones(t, domainZone(tc.ns, txtLine("@", existing)))
			plan := mustPlan(t, srv, testDomain, Options{})
			var text, zone, js bytes.Buffer
			for f, w := range map[string]*bytes.Buffer{FormatText: &text, FormatZone: &zone, FormatJSON: &js} {
				if err := Write(w, plan, f); err != nil {
					t.Fatal(err)
				}
			}
			if !strings.Contains(text.String(), "   Value:     "+tc.form+"\n") {
				t.Errorf("text lacks the value %q:\n%s", tc.form, text.String())
			}

			var doc struct {
				Records []map[string]any `json:"records"`
			}
			if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			for _, r := range doc.Records {
				raw, has := r["strings"]
				if r["type"] != "TXT" {
					if has {
						t.Errorf("%s record has strings %v", r["type"], raw)
					}
					continue
				}
				var strs []string
				for _, s := range raw.([]any) {
					strs = append(strs, s.(string))
				}
				checkStrings(t, strs, r["value"].(string))
				if r["purpose"] == PurposeSPF && r["form_value"] != tc.form {
					t.Errorf("form_value = %q, want %q", r["form_value"], tc.form)
				}
			}

			found := false
			for _, rr := range parseZone(t, zone.String()) {
				if txt, ok := rr.(*dns.TXT); ok && txt.Hdr.Name == testDomain+"." {
					found = true
					checkStrings(t, txt.Txt, want)
					if !slices.Equal(txt.Txt, assets.SplitTXT(want)) {
						t.Errorf("zone strings %q, want %q", txt.Txt, assets.SplitTXT(want))
					}
				}
			}
			if !found {
				t.Errorf("no SPF line in the zone output:\n%s", zone.String())
			}
		})
	}
}

// quoteStrings writes strs as a zone file's quoted strings (no character
// in them needs escaping).
func quoteStrings(strs []string) string {
	return `"` + strings.Join(strs, `" "`) + `"`
}

func TestTXTAnswerSizeEscapes(t *testing.T) {
	t.Parallel()
	// Quotes and backslashes count as the one byte they are on the wire.
	for _, v := range []string{`plain`, `a"b\c`, "\x00\xff"} {
		size, err := TXTAnswerSize(testDomain, []string{v})
		if want := 12 + 16 + 4 + 2 + 10 + 1 + len(v); err != nil || size != want {
			t.Errorf("TXTAnswerSize(%q) = %d, %v; want %d", v, size, err, want)
		}
	}
}

// TestTextWatchOutFirst: the text says how the form wants quotes once,
// before the records, and names the empty name box in words.
func TestTextWatchOutFirst(t *testing.T) {
	p := handoffPlan(t, "route53")
	var b bytes.Buffer
	if err := WriteText(&b, p); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	rule := p.Host.QuoteRule()
	if strings.Count(out, rule) != 1 || strings.Index(out, rule) > strings.Index(out, "\n1. ") {
		t.Errorf("the quote rule is not stated once before the records:\n%s", out)
	}
	if !strings.Contains(out, "   Name:      "+EmptyNameBox+"\n") {
		t.Errorf("the empty name box is not said in words:\n%s", out)
	}
}
