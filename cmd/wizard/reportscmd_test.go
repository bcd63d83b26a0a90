package main

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The helpers of this file start with "rpt".

// rptRow is a row of a test report: source, count, the receiver's
// aligned DKIM and SPF results, and the DKIM signature (d and s).
type rptRow struct {
	ip          string
	count       int
	dkim, spf   string
	sigD, sigS  string
	disposition string
}

// rptXML writes a report for yourcenter.edu; ns9990 picks the RFC 9990
// schema.
func rptXML(ns9990 bool, org string, begin int64, rows ...rptRow) string {
	var b strings.Builder
	if ns9990 {
		b.WriteString(`<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0"><version>1.0</version>`)
	} else {
		b.WriteString(`<?xml version="1.0"?><feedback>`)
	}
	fmt.Fprintf(&b, "<report_metadata><org_name>%s</org_name><email>r@%s</email><report_id>%s-%d</report_id><date_range><begin>%d</begin><end>%d</end></date_range></report_metadata>",
		org, org, org, begin, begin, begin+86399)
	b.WriteString("<policy_published><domain>yourcenter.edu</domain><p>none</p></policy_published>")
	for _, r := range rows {
		disp := r.disposition
		if disp == "" {
			disp = "none"
		}
		fmt.Fprintf(&b, "<record><row><source_ip>%s</source_ip><count>%d</count><policy_evaluated><disposition>%s</disposition><dkim>%s</dkim><spf>%s</spf></policy_evaluated></row><identifiers><header_from>yourcenter.edu</header_from></identifiers><auth_results>",
			r.ip, r.count, disp, r.dkim, r.spf)
		if r.sigD != "" {
			fmt.Fprintf(&b, "<dkim><domain>%s</domain><selector>%s</selector><result>pass</result></dkim>", r.sigD, r.sigS)
		}
		b.WriteString("</auth_results></record>")
	}
	b.WriteString("</feedback>")
	return b.String()
}

const rptDec6 = 1796515200 // 2026-12-06T00:00:00Z

// rptPassing is Google's report: the platform's mail passing (signed
// osc1, from its address), the organisation's Microsoft 365 mail, and a
// stranger failing.
func rptPassing() string {
	return rptXML(false, "google.com", rptDec6,
		rptRow{ip: "107.20.160.162", count: 12, dkim: "pass", spf: "pass", sigD: "yourcenter.edu", sigS: "osc1"},
		rptRow{ip: "40.107.22.5", count: 9, dkim: "pass", spf: "pass", sigD: "yourcenter.edu", sigS: "selector1"},
		rptRow{ip: "203.0.113.5", count: 2, dkim: "fail", spf: "fail"},
	)
}

// rptFailing is Microsoft's report (RFC 9990): the platform's mail from
// its address, unsigned, failing.
func rptFailing() string {
	return rptXML(true, "Microsoft", rptDec6,
		rptRow{ip: "35.85.179.136", count: 4, dkim: "fail", spf: "fail", disposition: "quarantine"},
	)
}

func rptGzip(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func rptWrite(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// rptEML is a report message with the gzip attached as the odd
// application/octet-stream some receivers use.
func rptEML(gz []byte) []byte {
	return []byte("From: dmarc@google.com\nTo: dmarc@yourcenter.edu\nSubject: Report\nMIME-Version: 1.0\n" +
		"Content-Type: multipart/mixed; boundary=XX\n\n--XX\nContent-Type: text/plain\n\nreport attached\n--XX\n" +
		"Content-Type: application/octet-stream; name=\"google.com!yourcenter.edu!1796515200!1796601599.xml.gz\"\n" +
		"Content-Transfer-Encoding: base64\n\n" + base64.StdEncoding.EncodeToString(gz) + "\n--XX--\n")
}

type rptDoc struct {
	Platform string `json:"platform"`
	Reports  []struct {
		File, Error string
		OrgName     string `json:"org_name"`
		Domain      string `json:"domain"`
		Messages    int    `json:"messages"`
	} `json:"reports"`
	Domains []struct {
		Domain    string   `json:"domain"`
		Policy    string   `json:"policy"`
		Messages  int      `json:"messages"`
		Reporters []string `json:"reporters"`
		Platform  struct {
			Messages        int            `json:"messages"`
			DMARCPass       int            `json:"dmarc_pass"`
			DKIMAlignedPass int            `json:"dkim_aligned_pass"`
			SPFAlignedPass  int            `json:"spf_aligned_pass"`
			Dispositions    map[string]int `json:"dispositions"`
		} `json:"platform"`
		Others []struct {
			SourceIP  string `json:"source_ip"`
			Messages  int    `json:"messages"`
			DMARCPass int    `json:"dmarc_pass"`
			KnownAs   string `json:"known_as"`
		} `json:"others"`
		Verdict  string `json:"verdict"`
		NextStep string `json:"next_step"`
	} `json:"domains"`
}

func rptJSON(t *testing.T, r chkResult) rptDoc {
	t.Helper()
	var doc rptDoc
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("JSON: %v\n%s", err, r.stdout)
	}
	return doc
}

func TestReportsPassExit0(t *testing.T) {
	t.Parallel()
	srv := chkServer(t)
	dir := t.TempDir()
	// Every container the command reads, one test report in each.
	rptWrite(t, dir, "a.xml", []byte(rptPassing()))
	gzFile := rptWrite(t, t.TempDir(), "b.xml.gz", rptGzip(rptPassing()))
	eml := rptWrite(t, t.TempDir(), "c.eml", rptEML(rptGzip(rptPassing())))
	r := chkRun(t, rptPassing(), "reports", "--json", "--dns-server", srv.Addr(), dir, gzFile, eml, "-")
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	doc := rptJSON(t, r)
	if doc.Platform != "Neoserra" || len(doc.Reports) != 4 || len(doc.Domains) != 1 {
		t.Fatalf("%+v", doc)
	}
	// Every key of the contract is there, and the few added beside it
	// (notes, the domain's period, platform_passes; docs/reports.md).
	var raw any
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil {
		t.Fatal(err)
	}
	chkWantKeys(t, raw, "document", "platform", "reports", "domains", "notes")
	chkWantKeys(t, chkArray(t, raw.(map[string]any)["reports"], "reports")[0], "report", "file", "org_name", "report_id", "domain", "begin", "end", "messages", "error")
	dom := chkWantKeys(t, chkArray(t, raw.(map[string]any)["domains"], "domains")[0], "domain", "domain", "policy", "messages", "reporters", "platform", "others", "verdict", "next_step", "begin", "end", "platform_passes")
	chkWantKeys(t, dom["platform"], "platform", "messages", "dmarc_pass", "dkim_aligned_pass", "spf_aligned_pass", "dispositions")
	chkWantKeys(t, chkArray(t, dom["others"], "others")[0], "other", "source_ip", "messages", "dmarc_pass", "known_as")
	for _, rep := range doc.Reports {
		if rep.Error != "" || rep.OrgName != "google.com" || rep.Messages != 23 || rep.Domain != "yourcenter.edu" {
			t.Errorf("report %+v", rep)
		}
	}
	d := doc.Domains[0]
	if d.Messages != 92 || d.Platform.Messages != 48 || d.Platform.DMARCPass != 48 || d.Platform.DKIMAlignedPass != 48 || d.Platform.SPFAlignedPass != 48 || d.Platform.Dispositions["none"] != 48 {
		t.Errorf("domain %+v", d)
	}
	// Microsoft 365 is yourcenter.edu's provider (its MX), its address
	// is in the include the test server serves.
	if len(d.Others) != 2 || d.Others[0].SourceIP != "40.107.22.5" || d.Others[0].KnownAs != "Microsoft 365" || d.Others[0].Messages != 36 ||
		d.Others[1].SourceIP != "203.0.113.5" || d.Others[1].KnownAs != "" || d.Others[1].DMARCPass != 0 {
		t.Errorf("others %+v", d.Others)
	}
	if d.Verdict == "" || !strings.Contains(d.Verdict, "Neoserra's mail passed DMARC in 48 of 48 messages (reported by google.com, 6 Dec)") {
		t.Errorf("verdict %q", d.Verdict)
	}
}

func TestReportsFailExit1(t *testing.T) {
	t.Parallel()
	srv := chkServer(t)
	f := rptWrite(t, t.TempDir(), "ms.xml", []byte(rptFailing()))
	r := chkRun(t, "", "reports", "--dns-server", srv.Addr(), f)
	if r.code != exitNotReady {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"Neoserra: 4 messages, DMARC pass 0, DKIM aligned pass 0, SPF aligned pass 0; receivers applied: quarantine 4",
		"Verdict: Neoserra's mail passed DMARC in 0 of 4 messages (reported by Microsoft, 6 Dec). DKIM did not pass aligned in 4 messages; SPF did not pass aligned in 4 messages.",
		// yourcenter.edu's records are in place now: nothing is asked
		// for again, the reports are old news.
		"Next: Neoserra's DKIM and SPF records for yourcenter.edu are in place now (checked at this run), so the failing mail was probably sent before they were published, or without Neoserra's DKIM signature. Look at reports dated after the change",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("missing %q in:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "Fix:") {
		t.Errorf("a fix asked for records in place:\n%s", r.stdout)
	}
	// No platform mail at all is exit 1 too, and said.
	none := rptWrite(t, t.TempDir(), "none.xml", []byte(rptXML(false, "google.com", rptDec6, rptRow{ip: "203.0.113.5", count: 2, dkim: "fail", spf: "fail"})))
	r = chkRun(t, "", "reports", "--dns-server", srv.Addr(), none)
	if r.code != exitNotReady || !strings.Contains(r.stdout, "The reports hold none of Neoserra's mail for yourcenter.edu") {
		t.Errorf("exit %d\n%s", r.code, r.stdout)
	}
}

// TestReportsFixFollowsDNSNow: the same failing report asks only for the
// records DNS does not serve now, and for both from what the reports
// show when DNS cannot tell.
func TestReportsFixFollowsDNSNow(t *testing.T) {
	t.Parallel()
	srv := chkServer(t,
		// SPF authorises the platform, no DKIM CNAME.
		chkZone("halfcenter.edu", "@ IN MX 0 halfcenter-edu.mail.protection.outlook.com.",
			`@ IN TXT "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all"`))
	dkimFix := "publish the DKIM record (CNAME osc1._domainkey.%s pointing to osc1._domainkey.outreachsystems.com.)"
	spfFix := "authorise Neoserra in %s's SPF record (include:spf.outreachsystems.com"
	for _, c := range []struct {
		domain     string
		want, omit []string
	}{
		{"othercenter.edu", []string{"Next: Fix: " + dkimFix, spfFix}, []string{"in place now"}},
		{"halfcenter.edu", []string{"Next: The SPF record is in place now (checked at this run); the DKIM record is not. Fix: " + dkimFix}, []string{spfFix}},
		// Its TXT answers fail: SPF is unknown now, so the reports decide
		// for it; its DKIM CNAME is in place.
		{"brokencenter.edu", []string{"Next: The DKIM record is in place now (checked at this run); the SPF record could not be read now. Fix: " + spfFix}, []string{dkimFix}},
	} {
		report := strings.ReplaceAll(rptFailing(), "yourcenter.edu", c.domain)
		f := rptWrite(t, t.TempDir(), "ms.xml", []byte(report))
		r := chkRun(t, "", "reports", "--dns-server", srv.Addr(), f)
		if r.code != exitNotReady {
			t.Errorf("%s: exit %d\n%s%s", c.domain, r.code, r.stdout, r.stderr)
		}
		for _, w := range c.want {
			if w = fmt.Sprintf(w, c.domain); !strings.Contains(r.stdout, w) {
				t.Errorf("%s: missing %q in:\n%s", c.domain, w, r.stdout)
			}
		}
		for _, w := range c.omit {
			if w = strings.ReplaceAll(w, "%s", c.domain); strings.Contains(r.stdout, w) {
				t.Errorf("%s: %q in:\n%s", c.domain, w, r.stdout)
			}
		}
	}
}

func TestReportsUnreadableExit2AfterSummary(t *testing.T) {
	t.Parallel()
	srv := chkServer(t)
	dir := t.TempDir()
	good := rptWrite(t, dir, "good.xml", []byte(rptPassing()))
	bad := rptWrite(t, dir, "bad.xml.gz", []byte("\x1f\x8bnot really gzip"))
	r := chkRun(t, "", "reports", "--dns-server", srv.Addr(), good, bad, filepath.Join(dir, "missing.xml"))
	if r.code != exitUsage {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "Reports read: 1; 2 could not be read") || !strings.Contains(r.stdout, "bad.xml.gz: ") ||
		!strings.Contains(r.stdout, "missing.xml: cannot be read") || !strings.Contains(r.stdout, "Verdict: Neoserra's mail passed DMARC in 12 of 12") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	if r.stderr != "wizard: 2 inputs could not be read (named in the summary)\n" {
		t.Errorf("stderr %q", r.stderr)
	}
	// The JSON names them too.
	r = chkRun(t, "", "reports", "--json", "--dns-server", srv.Addr(), bad, good)
	doc := rptJSON(t, r)
	if r.code != exitUsage || len(doc.Reports) != 2 || doc.Reports[0].Error == "" || doc.Reports[1].Error != "" {
		t.Errorf("exit %d %+v", r.code, doc)
	}
}

func TestReportsUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"reports"}, {"reports", "-", "-"}, {"reports", "--bogus", "x"}} {
		r := chkRun(t, "", args...)
		if r.code != exitUsage || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: exit %d stdout %q stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
}

func TestReportsSanitised(t *testing.T) {
	t.Parallel()
	srv := chkServer(t)
	// XML forbids ESC, but allows the C1 CSI and bidi overrides; a file
	// name may hold ESC.
	dir := t.TempDir()
	f := rptWrite(t, dir, "x\x1b[2Jy.xml", []byte(rptXML(false, "evil\u009b2J\u202ecorp", rptDec6, rptRow{ip: "107.20.160.162", count: 1, dkim: "pass", spf: "pass"})))
	bad := rptWrite(t, dir, "z\x1b]0;t\x07.xml", []byte("nope"))
	r := chkRun(t, "", "reports", "--dns-server", srv.Addr(), f, bad)
	if c, raw := chkRaw(r.stdout + r.stderr); raw {
		t.Errorf("raw %U in output:\n%s%s", c, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, `evil\x9b2J`) {
		t.Errorf("stdout:\n%s", r.stdout)
	}
}

// TestCheckReportsAddressOutside: 'wizard check' on a ready domain whose
// reports go to another organisation that has not published the
// permission record says no reports arrive, and how to get them; once
// it is published, it names 'wizard reports' to read them.
func TestCheckReportsAddressOutside(t *testing.T) {
	t.Parallel()
	zone := chkZone("reportcenter.edu",
		"@ IN MX 0 reportcenter-edu.mail.protection.outlook.com.",
		`@ IN TXT "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all"`,
		"osc1._domainkey IN CNAME osc1._domainkey.outreachsystems.com.",
		`_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:it-reports@stateuniv.edu"`)
	srv := chkServer(t, zone, chkZone("stateuniv.edu"))
	r := chkCheck(t, srv, "reportcenter.edu")
	if r.code != exitOK || !strings.Contains(r.stdout, "no reports arrive") || !strings.Contains(r.stdout, "reportcenter.edu._report._dmarc.stateuniv.edu") {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if err := srv.Add(`reportcenter.edu._report._dmarc.stateuniv.edu. 300 IN TXT "v=DMARC1"`); err != nil {
		t.Fatal(err)
	}
	r = chkCheck(t, srv, "reportcenter.edu")
	if r.code != exitOK || strings.Contains(r.stdout, "no reports arrive") || !strings.Contains(r.stdout, "wizard reports FILE...") {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
