package reports

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"
)

// The fixtures of this package's tests are written here, in the test:
// reports in both schemas, and the containers receivers send them in.

// fxSig is one DKIM result of a fixture row.
type fxSig struct{ d, s, result string }

// fxRow is one row of a fixture report.
type fxRow struct {
	ip         string
	count      int
	disp       string
	dkim, spf  string // policy_evaluated
	headerFrom string
	sigs       []fxSig
	spfDomain  string
	spfResult  string
}

// fxReport is a fixture report.
type fxReport struct {
	schema     string // SchemaRFC9990 or SchemaRFC7489
	org, id    string
	domain     string
	policy     string
	begin, end time.Time
	rows       []fxRow
}

// xml writes the report in its schema.
func (r fxReport) xml() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	if r.schema == SchemaRFC9990 {
		b.WriteString(`<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0">` + "\n  <version>1.0</version>\n")
	} else {
		b.WriteString("<feedback>\n")
	}
	fmt.Fprintf(&b, "  <report_metadata>\n    <org_name>%s</org_name>\n    <email>noreply-dmarc@%s</email>\n    <report_id>%s</report_id>\n", r.org, r.org, r.id)
	fmt.Fprintf(&b, "    <date_range><begin>%d</begin><end>%d</end></date_range>\n", r.begin.Unix(), r.end.Unix())
	if r.schema == SchemaRFC9990 {
		b.WriteString("    <generator>fixture 1.0</generator>\n")
	}
	b.WriteString("  </report_metadata>\n")
	fmt.Fprintf(&b, "  <policy_published>\n    <domain>%s</domain>\n    <adkim>r</adkim>\n    <aspf>r</aspf>\n    <p>%s</p>\n", r.domain, r.policy)
	if r.schema == SchemaRFC9990 {
		b.WriteString("    <np>none</np>\n    <testing>n</testing>\n    <discovery_method>treewalk</discovery_method>\n")
	} else {
		b.WriteString("    <sp>none</sp>\n    <pct>100</pct>\n")
	}
	b.WriteString("  </policy_published>\n")
	for _, row := range r.rows {
		from := row.headerFrom
		if from == "" {
			from = r.domain
		}
		fmt.Fprintf(&b, "  <record>\n    <row>\n      <source_ip>%s</source_ip>\n      <count>%d</count>\n", row.ip, row.count)
		fmt.Fprintf(&b, "      <policy_evaluated>\n        <disposition>%s</disposition>\n        <dkim>%s</dkim>\n        <spf>%s</spf>\n      </policy_evaluated>\n    </row>\n", row.disp, row.dkim, row.spf)
		fmt.Fprintf(&b, "    <identifiers>\n      <header_from>%s</header_from>\n    </identifiers>\n    <auth_results>\n", from)
		for _, s := range row.sigs {
			fmt.Fprintf(&b, "      <dkim>\n        <domain>%s</domain>\n", s.d)
			if s.s != "" {
				fmt.Fprintf(&b, "        <selector>%s</selector>\n", s.s)
			}
			fmt.Fprintf(&b, "        <result>%s</result>\n      </dkim>\n", s.result)
		}
		if row.spfDomain != "" {
			fmt.Fprintf(&b, "      <spf>\n        <domain>%s</domain>\n        <scope>mfrom</scope>\n        <result>%s</result>\n      </spf>\n", row.spfDomain, row.spfResult)
		}
		b.WriteString("    </auth_results>\n  </record>\n")
	}
	b.WriteString("</feedback>\n")
	return b.String()
}

var fxDec1 = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// Addresses of the fixtures: the platform's (as its include lists them
// in the DNS tests), the organisation's provider, and strangers.
const (
	fxPlatformIP = "107.20.160.162"
	fxProviderIP = "209.85.220.41"
	fxStrangerIP = "203.0.113.5"
)

// fxGoogle is a report (RFC 7489) with the platform's rows mixed among
// others: 21 platform messages of which 17 pass, 10 from the provider,
// 7 from a stranger that fails.
func fxGoogle() fxReport {
	return fxReport{schema: SchemaRFC7489, org: "google.com", id: "1234", domain: "yourcenter.edu", policy: "none",
		begin: fxDec1, end: fxDec1.Add(24*time.Hour - time.Second),
		rows: []fxRow{
			{ip: fxStrangerIP, count: 7, disp: "none", dkim: "fail", spf: "fail", spfDomain: "yourcenter.edu", spfResult: "fail"},
			// The platform, signing as the domain: passes.
			{ip: fxPlatformIP, count: 12, disp: "none", dkim: "pass", spf: "pass",
				sigs: []fxSig{{"yourcenter.edu", "osc1", "pass"}}, spfDomain: "yourcenter.edu", spfResult: "pass"},
			{ip: fxProviderIP, count: 10, disp: "none", dkim: "pass", spf: "pass",
				sigs: []fxSig{{"yourcenter.edu", "google", "pass"}}, spfDomain: "yourcenter.edu", spfResult: "pass"},
			// The platform from an address outside its set, signed
			// with its selector: still the platform's.
			{ip: "198.51.100.77", count: 5, disp: "none", dkim: "pass", spf: "fail",
				sigs: []fxSig{{"yourcenter.edu", "osc1", "pass"}}, spfDomain: "bounce.outreachsystems.com", spfResult: "pass"},
		}}
}

// fxMicrosoft is a report (RFC 9990) from a receiver that writes its
// results differently: no selectors, upper-case results, a signature by
// the platform's own domain only. The platform is told by its address.
func fxMicrosoft() fxReport {
	return fxReport{schema: SchemaRFC9990, org: "Microsoft", id: "ms-77", domain: "YourCenter.EDU.", policy: "None",
		begin: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC), end: time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC),
		rows: []fxRow{
			{ip: fxPlatformIP, count: 4, disp: "none", dkim: "FAIL", spf: "Fail",
				sigs: []fxSig{{"outreachsystems.com", "", "PASS"}}, spfDomain: "bounce.outreachsystems.com", spfResult: "Pass"},
		}}
}

func fxGzip(t testing.TB, data string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(data)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fxZip is a zip archive of the files given as name, content pairs.
func fxZip(t testing.TB, files ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for i := 0; i+1 < len(files); i += 2 {
		f, err := w.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte(files[i+1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fxMessage is a report message as a receiver sends it: a text part and
// the attachment, base64 in lines of 76, with the content type and name
// given.
func fxMessage(contentType, filename string, attachment []byte) string {
	enc := base64.StdEncoding.EncodeToString(attachment)
	var lines []string
	for len(enc) > 76 {
		lines = append(lines, enc[:76])
		enc = enc[76:]
	}
	lines = append(lines, enc)
	return "From: noreply-dmarc-support@google.com\r\n" +
		"To: dmarc@yourcenter.edu\r\n" +
		"Subject: Report domain: yourcenter.edu Submitter: google.com Report-ID: 1234\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThis is an aggregate report from google.com.\r\n" +
		"--b1\r\nContent-Type: " + contentType + "\r\n" +
		"Content-Disposition: attachment; filename=\"" + filename + "\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n" + strings.Join(lines, "\r\n") + "\r\n--b1--\r\n"
}
