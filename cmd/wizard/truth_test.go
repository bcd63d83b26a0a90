package main

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// The tests of this file (helpers "tru…") hold the command line to the
// verdicts of issue 20, point 3: no pass that mail would not get, and DNS
// trouble never read as absence. See docs/problem-codes.md.

// truPlatformZone is the platform's zone with its include listing a /24
// and one address.
func truPlatformZone(t *testing.T) string {
	t.Helper()
	return regexp.MustCompile(`(?m)^spf IN TXT .*$`).ReplaceAllString(chkPlatformZone(t),
		`spf IN TXT "v=spf1 ip4:107.20.160.0/24 ip4:35.85.179.136 -all"`)
}

// truDomain is a domain with the DKIM CNAME and the SPF record spf.
func truDomain(domain, spf string) string {
	return chkZone(domain, `@ IN TXT "`+spf+`"`, "osc1._domainkey IN CNAME osc1._domainkey.outreachsystems.com.")
}

type truIP struct {
	IP        string    `json:"ip"`
	Result    string    `json:"result"`
	Uncovered *[]string `json:"uncovered"`
}

type truDoc struct {
	Domains []struct {
		Domain string
		Ready  bool
		SPF    struct {
			Status   string
			IPs      []truIP
			Problems []struct{ Code, Message, Fix string }
		}
		DKIM struct {
			Status   string
			Problems []struct{ Code, Message, Fix string }
		}
		DMARC struct {
			Problems []struct{ Code, Message, Fix string }
		}
		Problems []struct{ Code, Message, Fix string }
	}
}

func truDecode(t *testing.T, r chkResult) truDoc {
	t.Helper()
	var doc truDoc
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("exit %d, not JSON: %v\n%s\n%s", r.code, err, r.stdout, r.stderr)
	}
	return doc
}

// TestCheckPlatformRangeJSON: the platform's include lists 107.20.160.0/24.
// A record authorising only 107.20.160.0/32 is not pass: the entry is the
// prefix, its worst result, and the parts that do not pass (exit 1); the
// record with the include passes, with "uncovered": [] (exit 0).
func TestCheckPlatformRangeJSON(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, truPlatformZone(t),
		truDomain("partial.edu", "v=spf1 ip4:107.20.160.0/32 ip4:35.85.179.136 -all"),
		truDomain("whole.edu", "v=spf1 include:spf.outreachsystems.com -all"))

	r := chkCheck(t, srv, "--json", "--provider", "none", "partial.edu")
	doc := truDecode(t, r)
	spf := doc.Domains[0].SPF
	if r.code != exitNotReady || spf.Status != "fail" || doc.Domains[0].Ready {
		t.Errorf("exit %d, spf %s ready %v; want 1, fail, not ready", r.code, spf.Status, doc.Domains[0].Ready)
	}
	want := []string{"107.20.160.1/32", "107.20.160.2/31", "107.20.160.4/30", "107.20.160.8/29",
		"107.20.160.16/28", "107.20.160.32/27", "107.20.160.64/26", "107.20.160.128/25"}
	if len(spf.IPs) != 2 || spf.IPs[0].IP != "107.20.160.0/24" || spf.IPs[0].Result != "fail" ||
		spf.IPs[0].Uncovered == nil || !slices.Equal(*spf.IPs[0].Uncovered, want) {
		t.Errorf("ips %s, want 107.20.160.0/24 fail uncovered %v", truJSON(spf.IPs), want)
	}
	if len(spf.IPs) == 2 && (spf.IPs[1].IP != "35.85.179.136" || spf.IPs[1].Result != "pass" || spf.IPs[1].Uncovered != nil) {
		t.Errorf("single address entry %s, want pass without uncovered", truJSON(spf.IPs[1]))
	}
	if !strings.Contains(r.stdout, `"uncovered": [`) && !strings.Contains(r.stdout, `"uncovered":[`) {
		t.Errorf("no uncovered list in the JSON:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "pass for now") {
		t.Errorf("false reassurance in:\n%s", r.stdout)
	}

	r = chkCheck(t, srv, "--json", "--provider", "none", "whole.edu")
	doc = truDecode(t, r)
	spf = doc.Domains[0].SPF
	if r.code != exitOK || spf.Status != "pass" || len(spf.IPs) != 2 || spf.IPs[0].Uncovered == nil || len(*spf.IPs[0].Uncovered) != 0 {
		t.Errorf("exit %d spf %s ips %s; want 0, pass, the /24 with uncovered []", r.code, spf.Status, truJSON(spf.IPs))
	}
}

func truJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestDeadIncludeCheckAndRecords: an include that does not exist is named
// as the cause by check (spf-include-broken), and records drops it with a
// note, instead of keeping it.
func TestDeadIncludeCheckAndRecords(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, chkPlatformZone(t), chkMicrosoftZone, chkZone("deadvendor.test"),
		truDomain("yourcenter.edu", "v=spf1 include:spf.protection.outlook.com include:_spf.deadvendor.test include:spf.outreachsystems.com -all"))
	r := chkCheck(t, srv, "--json", "--provider", "microsoft365", "yourcenter.edu")
	doc := truDecode(t, r)
	var found bool
	for _, p := range doc.Domains[0].SPF.Problems {
		if p.Code == "spf-include-broken" && strings.Contains(p.Message, "include:_spf.deadvendor.test does not exist, so receivers treat the whole SPF record as broken") {
			found = true
		}
		if strings.Contains(p.Fix, "a term before") {
			t.Errorf("%s blames a term before the include: %q", p.Code, p.Fix)
		}
	}
	if !found || r.code != exitNotReady {
		t.Errorf("exit %d, problems %s; want 1 and spf-include-broken naming the include", r.code, truJSON(doc.Domains[0].SPF.Problems))
	}

	r = chkRun(t, "", "records", "yourcenter.edu", "--dns-server", srv.Addr(), "--provider", "microsoft365", "--format", "json")
	var plan struct {
		Records []struct {
			Purpose, Value, Action string
			Notes                  []string
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil {
		t.Fatalf("exit %d: %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	for _, rec := range plan.Records {
		if rec.Purpose != "spf" {
			continue
		}
		if rec.Value != "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all" || rec.Action != "replace" ||
			!slices.ContainsFunc(rec.Notes, func(n string) bool {
				return strings.HasPrefix(n, "Dropped include:_spf.deadvendor.test: it does not exist")
			}) {
			t.Errorf("spf record %s %q notes %q; want the dead include dropped, with a note", rec.Action, rec.Value, rec.Notes)
		}
	}
}

// TestCheckNotRecursiveServer: a --dns-server that holds the domain's zone
// but answers other names with an empty referral is DNS trouble (exit 3,
// dns-not-recursive), never "no DKIM key" or "DMARC is blocking".
func TestCheckNotRecursiveServer(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, chkZone("yourcenter.edu", chkReady...))
	srv.SetReferrals(true)
	r := chkCheck(t, srv, "--json", "yourcenter.edu")
	doc := truDecode(t, r)
	if r.code != exitDNS {
		t.Errorf("exit %d, want %d", r.code, exitDNS)
	}
	d := doc.Domains[0]
	codes := map[string]bool{}
	for _, list := range [][]struct{ Code, Message, Fix string }{d.Problems, d.SPF.Problems, d.DKIM.Problems, d.DMARC.Problems} {
		for _, p := range list {
			codes[p.Code] = true
		}
	}
	if !codes["dns-not-recursive"] || codes["dkim-key-missing"] || codes["dmarc-blocks-platform"] || codes["spf-include-broken"] {
		t.Errorf("codes %v; want dns-not-recursive and no absence", codes)
	}
	if !strings.Contains(r.stdout, "this server does not resolve other domains") {
		t.Errorf("the words do not say the server does not resolve other domains:\n%s", r.stdout)
	}
}

// TestDomainTooLongCommands: a domain too long for the platform's DKIM name
// (238 characters with osc1) is domain-too-long in check (exit 1, no DNS
// trouble), and records refuses it with that reason (exit 2).
func TestDomainTooLongCommands(t *testing.T) {
	t.Parallel()
	domain := strings.Repeat(strings.Repeat("a", 62)+".", 3) + strings.Repeat("b", 45) + ".edu"
	if len(domain) != 238 {
		t.Fatalf("domain of %d characters", len(domain))
	}
	srv := dnstest.StartT(t, chkPlatformZone(t), chkZone("edu", domain+`. IN TXT "v=spf1 include:spf.outreachsystems.com -all"`))
	r := chkCheck(t, srv, "--json", "--provider", "none", domain)
	doc := truDecode(t, r)
	d := doc.Domains[0]
	if r.code != exitNotReady || len(d.DKIM.Problems) != 1 || d.DKIM.Problems[0].Code != "domain-too-long" || strings.Contains(r.stdout, `"dns-`) {
		t.Errorf("exit %d dkim %s; want 1 and domain-too-long only\n%s", r.code, truJSON(d.DKIM), r.stdout)
	}
	r = chkRun(t, "", "records", domain, "--dns-server", srv.Addr(), "--provider", "none")
	if r.code != exitUsage || !strings.Contains(r.stderr, "too long for Neoserra's DKIM name") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Errorf("records: exit %d stderr %q stdout %q; want 2 and one line saying the domain is too long", r.code, r.stderr, r.stdout)
	}
}
