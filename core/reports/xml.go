// Package reports reads DMARC aggregate reports (RFC 9990, and the older
// RFC 7489 format) as receivers send them — XML, gzip, zip, or attached to
// a message or a mailbox — within fixed bounds, and says per domain
// whether the platform's mail passes DMARC, source by source. It has no UI:
// the `wizard reports` command and the wizard's confirm step are views
// over it. docs/reports.md describes what it reads and what it says.
package reports

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// NamespaceRFC9990 is the XML namespace of RFC 9990 aggregate reports;
// RFC 7489 reports have none (or an informal one).
const NamespaceRFC9990 = "urn:ietf:params:xml:ns:dmarc-2.0"

// Schemas a report is written in (Report.Schema).
const (
	SchemaRFC9990 = "rfc9990"
	SchemaRFC7489 = "rfc7489"
)

// MaxRows bounds the rows (<record> elements) read from one report; a
// report with more is refused.
const MaxRows = 100_000

// maxCount bounds one row's message count, so sums cannot overflow.
const maxCount = 1 << 40

// maxText bounds the length of one text field kept from a report.
const maxText = 256

// ErrNotReport is wrapped by the error of an input that is not a DMARC
// aggregate report at all.
var ErrNotReport = errors.New("not a DMARC aggregate report")

// Report is one aggregate report: who sent it, for which domain and
// period, and its rows.
type Report struct {
	Schema   string    // SchemaRFC9990 or SchemaRFC7489
	OrgName  string    // report_metadata/org_name, as written
	ReportID string    // report_metadata/report_id
	Begin    time.Time // date_range/begin (zero when missing)
	End      time.Time // date_range/end (zero when missing)
	Domain   string    // policy_published/domain, lower case, no trailing dot
	Policy   string    // policy_published/p, lower case ("" when missing)
	Rows     []Row
}

// Messages returns the sum of the rows' counts.
func (r Report) Messages() int64 {
	var n int64
	for _, row := range r.Rows {
		n += row.Count
	}
	return n
}

// Row is one <record>: the messages from one source with one outcome.
type Row struct {
	SourceIP    string     // as written (trimmed)
	Addr        netip.Addr // SourceIP parsed; invalid when it is not an address
	Count       int64
	Disposition string // none, quarantine, reject (lower case; "" when missing)
	// DKIM and SPF are the receiver's aligned results (policy_evaluated),
	// lower case: "pass" or "fail" ("" when the report does not say).
	DKIM, SPF  string
	HeaderFrom string       // identifiers/header_from, lower case
	Signatures []DKIMResult // auth_results/dkim
	SPFResults []SPFResult  // auth_results/spf
}

// DMARCPass reports whether the receiver found an aligned pass.
func (r Row) DMARCPass() bool { return r.DKIM == "pass" || r.SPF == "pass" }

// DKIMResult is one DKIM signature's result in a row.
type DKIMResult struct {
	Domain   string // d=, lower case, no trailing dot
	Selector string // s=, lower case ("" when the reporter leaves it out)
	Result   string // lower case
}

// SPFResult is one SPF result in a row.
type SPFResult struct {
	Domain string
	Scope  string // mfrom or helo ("" when missing)
	Result string
}

// The XML shapes. Element names carry no namespace, so both schemas (and
// reports in a stray namespace) decode through them.
type xmlMetadata struct {
	OrgName   string `xml:"org_name"`
	ReportID  string `xml:"report_id"`
	DateRange struct {
		Begin string `xml:"begin"`
		End   string `xml:"end"`
	} `xml:"date_range"`
}

type xmlPolicy struct {
	Domain string `xml:"domain"`
	P      string `xml:"p"`
}

type xmlRecord struct {
	Row struct {
		SourceIP string `xml:"source_ip"`
		Count    string `xml:"count"`
		Policy   struct {
			Disposition string `xml:"disposition"`
			DKIM        string `xml:"dkim"`
			SPF         string `xml:"spf"`
		} `xml:"policy_evaluated"`
	} `xml:"row"`
	Identifiers struct {
		HeaderFrom string `xml:"header_from"`
	} `xml:"identifiers"`
	AuthResults struct {
		DKIM []struct {
			Domain   string `xml:"domain"`
			Selector string `xml:"selector"`
			Result   string `xml:"result"`
		} `xml:"dkim"`
		SPF []struct {
			Domain string `xml:"domain"`
			Scope  string `xml:"scope"`
			Result string `xml:"result"`
		} `xml:"spf"`
	} `xml:"auth_results"`
}

// ParseXML reads one aggregate report from r. It streams: rows are
// decoded one at a time, and a report of more than MaxRows rows is
// refused. It accepts what reporters really write: missing optional
// elements, results in any case, surrounding spaces, empty reasons, and
// the us-ascii, ISO-8859-1 and windows-1252 encodings besides UTF-8.
func ParseXML(r io.Reader) (Report, error) {
	var rep Report
	dec := xml.NewDecoder(r)
	dec.CharsetReader = charsetReader
	root, err := firstElement(dec)
	if err != nil {
		return rep, err
	}
	if root.Name.Local != "feedback" {
		return rep, fmt.Errorf("%w (its first element is <%s>, not <feedback>)", ErrNotReport, clip(root.Name.Local))
	}
	rep.Schema = SchemaRFC7489
	if root.Name.Space == NamespaceRFC9990 {
		rep.Schema = SchemaRFC9990
	}
	var sawMeta, sawPolicy bool
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return rep, errors.New("the XML ends before </feedback>")
		}
		if err != nil {
			return rep, xmlErr(err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			// The end of <feedback>: the decoder checks nesting.
			return rep, finish(&rep, sawMeta, sawPolicy)
		case xml.StartElement:
			switch t.Name.Local {
			case "report_metadata":
				var m xmlMetadata
				if err := dec.DecodeElement(&m, &t); err != nil {
					return rep, xmlErr(err)
				}
				sawMeta = true
				rep.OrgName = clip(strings.TrimSpace(m.OrgName))
				rep.ReportID = clip(strings.TrimSpace(m.ReportID))
				rep.Begin = unixTime(m.DateRange.Begin)
				rep.End = unixTime(m.DateRange.End)
			case "policy_published":
				var p xmlPolicy
				if err := dec.DecodeElement(&p, &t); err != nil {
					return rep, xmlErr(err)
				}
				sawPolicy = true
				rep.Domain = domainName(p.Domain)
				rep.Policy = word(p.P)
			case "record":
				if len(rep.Rows) >= MaxRows {
					return rep, fmt.Errorf("the report has more than %d rows", MaxRows)
				}
				var x xmlRecord
				if err := dec.DecodeElement(&x, &t); err != nil {
					return rep, xmlErr(err)
				}
				row, err := rowOf(x)
				if err != nil {
					return rep, fmt.Errorf("row %d: %w", len(rep.Rows)+1, err)
				}
				rep.Rows = append(rep.Rows, row)
			default:
				// version, extensions and anything newer.
				if err := dec.Skip(); err != nil {
					return rep, xmlErr(err)
				}
			}
		}
	}
}

// firstElement returns the root element, skipping the prolog.
func firstElement(dec *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return xml.StartElement{}, fmt.Errorf("%w (no XML element in it)", ErrNotReport)
		}
		if err != nil {
			return xml.StartElement{}, fmt.Errorf("%w (%s)", ErrNotReport, xmlErr(err))
		}
		if s, ok := tok.(xml.StartElement); ok {
			return s, nil
		}
	}
}

func finish(rep *Report, sawMeta, sawPolicy bool) error {
	switch {
	case !sawPolicy || rep.Domain == "":
		return errors.New("the report names no domain (policy_published/domain)")
	case !sawMeta:
		return errors.New("the report has no report_metadata")
	}
	return nil
}

func rowOf(x xmlRecord) (Row, error) {
	row := Row{
		SourceIP:    clip(strings.TrimSpace(x.Row.SourceIP)),
		Disposition: word(x.Row.Policy.Disposition),
		DKIM:        word(x.Row.Policy.DKIM),
		SPF:         word(x.Row.Policy.SPF),
		HeaderFrom:  domainName(x.Identifiers.HeaderFrom),
	}
	if a, err := netip.ParseAddr(row.SourceIP); err == nil {
		row.Addr = a.Unmap()
	}
	count := strings.TrimSpace(x.Row.Count)
	n, err := strconv.ParseInt(count, 10, 64)
	switch {
	case count == "":
		return row, errors.New("no message count")
	case err != nil || n < 0 || n > maxCount:
		return row, fmt.Errorf("message count %q is not a number of messages", clip(count))
	}
	row.Count = n
	for _, d := range x.AuthResults.DKIM {
		row.Signatures = append(row.Signatures, DKIMResult{Domain: domainName(d.Domain), Selector: word(d.Selector), Result: word(d.Result)})
	}
	for _, s := range x.AuthResults.SPF {
		row.SPFResults = append(row.SPFResults, SPFResult{Domain: domainName(s.Domain), Scope: word(s.Scope), Result: word(s.Result)})
	}
	// A reporter that leaves out policy_evaluated's results still gives
	// the raw ones: an aligned pass is then a pass for the From domain's
	// organisation, judged by name (no DNS here).
	if row.DKIM == "" {
		row.DKIM = "fail"
		for _, d := range row.Signatures {
			if d.Result == "pass" && relaxedAligned(d.Domain, row.HeaderFrom) {
				row.DKIM = "pass"
			}
		}
	}
	if row.SPF == "" {
		row.SPF = "fail"
		for _, s := range row.SPFResults {
			if s.Result == "pass" && s.Scope != "helo" && relaxedAligned(s.Domain, row.HeaderFrom) {
				row.SPF = "pass"
			}
		}
	}
	return row, nil
}

// relaxedAligned reports whether a and b are the same name or one is
// under the other: relaxed alignment as far as names alone can tell it.
func relaxedAligned(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	return a == b || strings.HasSuffix(a, "."+b) || strings.HasSuffix(b, "."+a)
}

// word is a keyword as the report gives it, trimmed and lower case.
func word(s string) string { return clip(strings.ToLower(strings.TrimSpace(s))) }

// domainName is a domain as the report gives it, trimmed, lower case,
// without a trailing dot.
func domainName(s string) string { return strings.TrimSuffix(word(s), ".") }

// unixTime reads a date_range bound (seconds since 1970); zero when it is
// missing or not a number.
func unixTime(s string) time.Time {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 || n > 1<<40 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}

// clip bounds a text field kept from a report.
func clip(s string) string {
	if len(s) <= maxText {
		return s
	}
	cut := maxText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func xmlErr(err error) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("the XML is broken at line %d: %s", se.Line, clip(se.Msg))
	}
	return err
}

// charsetReader decodes the single-byte encodings reporters declare.
// windows-1252 is read as ISO-8859-1: the two differ only in characters
// that no field the wizard reads holds.
func charsetReader(charset string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(charset)) {
	case "us-ascii", "ascii", "iso-8859-1", "iso8859-1", "latin1", "windows-1252", "cp1252":
		return &latin1Reader{r: in}, nil
	}
	return nil, fmt.Errorf("the XML declares the encoding %q, which the wizard does not read", clip(charset))
}

// latin1Reader turns ISO-8859-1 bytes into UTF-8.
type latin1Reader struct {
	r       io.Reader
	pending []byte
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	if len(l.pending) == 0 {
		buf := make([]byte, max(len(p)/2, 1))
		n, err := l.r.Read(buf)
		for _, b := range buf[:n] {
			l.pending = utf8.AppendRune(l.pending, rune(b))
		}
		if n == 0 {
			return 0, err
		}
	}
	n := copy(p, l.pending)
	l.pending = l.pending[n:]
	return n, nil
}
