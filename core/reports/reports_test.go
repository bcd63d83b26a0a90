package reports

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseBothSchemas(t *testing.T) {
	for _, fx := range []fxReport{fxGoogle(), fxMicrosoft()} {
		rep, err := ParseXML(strings.NewReader(fx.xml()))
		if err != nil {
			t.Fatalf("%s: %v", fx.org, err)
		}
		if rep.Schema != fx.schema || rep.OrgName != fx.org || rep.ReportID != fx.id || rep.Domain != "yourcenter.edu" || rep.Policy != "none" {
			t.Errorf("%s: %+v", fx.org, rep)
		}
		if !rep.Begin.Equal(fx.begin) || !rep.End.Equal(fx.end) {
			t.Errorf("%s: period %v–%v, want %v–%v", fx.org, rep.Begin, rep.End, fx.begin, fx.end)
		}
		var want int64
		for _, r := range fx.rows {
			want += int64(r.count)
		}
		if rep.Messages() != want || len(rep.Rows) != len(fx.rows) {
			t.Errorf("%s: %d messages in %d rows, want %d in %d", fx.org, rep.Messages(), len(rep.Rows), want, len(fx.rows))
		}
	}
	// Upper-cased results are read as the words they are.
	rep, _ := ParseXML(strings.NewReader(fxMicrosoft().xml()))
	row := rep.Rows[0]
	if row.DKIM != "fail" || row.SPF != "fail" || row.Signatures[0].Result != "pass" || row.Signatures[0].Selector != "" || row.SPFResults[0].Result != "pass" {
		t.Errorf("row: %+v", row)
	}
}

func TestParseQuirks(t *testing.T) {
	// A report as some reporters write it: a windows-1252 declaration
	// with a byte of it in org_name, spaces around values, an empty
	// reason, no policy_evaluated results (judged from auth_results), no
	// selector, no scope, an unknown element.
	doc := "<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n<feedback xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance'>" +
		"<report_metadata><org_name>Caf\xe9 Mail</org_name><email>x@example.net</email><report_id> r1 </report_id>" +
		"<date_range><begin> 1764547200 </begin><end>1764633599</end></date_range></report_metadata>" +
		"<policy_published><domain> YourCenter.edu </domain><p>QUARANTINE</p></policy_published>" +
		"<record><row><source_ip> 107.20.160.162 </source_ip><count> 3 </count>" +
		"<policy_evaluated><disposition>None</disposition><reason><type></type><comment/></reason></policy_evaluated></row>" +
		"<identifiers><header_from>yourcenter.edu</header_from></identifiers>" +
		"<auth_results><dkim><domain>yourcenter.edu</domain><result>Pass</result></dkim><spf><domain>other.example</domain><result>pass</result></spf></auth_results>" +
		"<x-extension><anything/></x-extension></record></feedback>"
	rep, err := ParseXML(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if rep.OrgName != "Café Mail" || rep.ReportID != "r1" || rep.Domain != "yourcenter.edu" || rep.Policy != "quarantine" || rep.Schema != SchemaRFC7489 {
		t.Errorf("report: %+v", rep)
	}
	row := rep.Rows[0]
	if row.Count != 3 || row.Addr != netip.MustParseAddr(fxPlatformIP) || row.Disposition != "none" || row.DKIM != "pass" || row.SPF != "fail" || !row.DMARCPass() {
		t.Errorf("row: %+v", row)
	}

	for name, bad := range map[string]string{
		"not xml":        "hello",
		"other root":     "<html><body/></html>",
		"no domain":      "<feedback><report_metadata><org_name>x</org_name></report_metadata></feedback>",
		"cut short":      "<feedback><report_metadata>",
		"bad count":      "<feedback><report_metadata/><policy_published><domain>a.example</domain></policy_published><record><row><count>lots</count></row></record></feedback>",
		"negative count": "<feedback><report_metadata/><policy_published><domain>a.example</domain></policy_published><record><row><count>-4</count></row></record></feedback>",
		"odd charset":    "<?xml version=\"1.0\" encoding=\"ebcdic\"?><feedback/>",
	} {
		if _, err := ParseXML(strings.NewReader(bad)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestParseRowBound: a report of MaxRows+1 rows is refused. The bound is
// tested at its real size, the suite's slowest parse (about a second).
func TestParseRowBound(t *testing.T) {
	var b strings.Builder
	b.WriteString("<feedback><report_metadata/><policy_published><domain>a.example</domain></policy_published>")
	for range MaxRows + 1 {
		b.WriteString("<record><row><source_ip>192.0.2.1</source_ip><count>1</count></row></record>")
	}
	b.WriteString("</feedback>")
	_, err := ParseXML(strings.NewReader(b.String()))
	if err == nil || !strings.Contains(err.Error(), "more than 100000 rows") {
		t.Fatalf("err = %v", err)
	}
}

// readAll reads data as one input.
func readAll(t *testing.T, name string, data []byte) []Result {
	t.Helper()
	return ReadInput(context.Background(), name, bytes.NewReader(data))
}

func wantReports(t *testing.T, what string, res []Result, orgs ...string) {
	t.Helper()
	var got []string
	for _, r := range res {
		if r.Err != nil {
			t.Errorf("%s: %s: %v", what, r.File, r.Err)
			continue
		}
		got = append(got, r.Report.OrgName)
	}
	if strings.Join(got, ",") != strings.Join(orgs, ",") {
		t.Errorf("%s: reports from %v, want %v", what, got, orgs)
	}
}

func TestContainers(t *testing.T) {
	g, m := fxGoogle().xml(), fxMicrosoft().xml()
	gz := fxGzip(t, g)
	zipped := fxZip(t, "google.com!yourcenter.edu!1764547200!1764633599.xml", g, "folder/", "", "ms.xml", m, "__MACOSX/._ms.xml", "\x00\x05\x16\x07")
	zipOfGz := fxZip(t, "report.xml.gz", string(gz))

	cases := []struct {
		name string
		data []byte
		orgs []string
	}{
		{"xml 7489", []byte(g), []string{"google.com"}},
		{"xml 9990 with BOM", append([]byte("\xef\xbb\xbf"), m...), []string{"Microsoft"}},
		{"gzip", gz, []string{"google.com"}},
		{"zip", zipped, []string{"google.com", "Microsoft"}},
		{"zip of gzip", zipOfGz, []string{"google.com"}},
		{"eml, gzip as octet-stream", []byte(fxMessage("application/octet-stream", "google.com!yourcenter.edu!1!2.xml.gz", gz)), []string{"google.com"}},
		{"eml, x-gzip", []byte(fxMessage("application/x-gzip; name=\"report.xml.gz\"", "report.xml.gz", gz)), []string{"google.com"}},
		{"eml, zip with a broken content type", []byte(fxMessage("application/zip; name=report.zip; ;;", "report.zip", zipped)), []string{"google.com", "Microsoft"}},
		{"eml, gzip labelled as text", []byte(fxMessage("text/plain", "noname", gz)), []string{"google.com"}},
		{"eml, LF line ends", []byte(strings.ReplaceAll(fxMessage("application/gzip", "r.xml.gz", gz), "\r\n", "\n")), []string{"google.com"}},
	}
	mbox := "From noreply@google.com Tue Dec  8 01:00:00 2026\n" + strings.ReplaceAll(fxMessage("application/gzip", "a.xml.gz", gz), "\r\n", "\n") +
		"\nFrom noreply@microsoft.com Tue Dec  8 02:00:00 2026\n" + strings.ReplaceAll(fxMessage("application/xml", "b.xml", []byte(m)), "\r\n", "\n")
	// A report message with an HTML part besides the text one.
	html := strings.Replace(fxMessage("application/gzip", "r.xml.gz", gz), "--b1\r\nContent-Type: application/gzip",
		"--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>Report attached.</p></body></html>\r\n--b1\r\nContent-Type: application/gzip", 1)
	cases = append(cases, struct {
		name string
		data []byte
		orgs []string
	}{"eml with an HTML part", []byte(html), []string{"google.com"}})
	cases = append(cases, struct {
		name string
		data []byte
		orgs []string
	}{"mbox", []byte(mbox), []string{"google.com", "Microsoft"}})
	for _, c := range cases {
		wantReports(t, c.name, readAll(t, c.name, c.data), c.orgs...)
	}
}

func TestReadPathsFolderAndStdin(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("a.xml.gz", fxGzip(t, fxGoogle().xml()))
	write("b.eml", []byte(fxMessage("application/octet-stream", "b.xml", []byte(fxMicrosoft().xml()))))
	write("notes.txt", []byte("not a report\n"))
	// A sub-folder is not read.
	if err := os.Mkdir(filepath.Join(dir, "old"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "old", "c.xml"), []byte(fxGoogle().xml()), 0o600); err != nil {
		t.Fatal(err)
	}
	stdin := strings.NewReader(fxMicrosoft().xml())
	res := ReadPaths(context.Background(), []string{dir, "-", filepath.Join(dir, "missing.xml")}, stdin)
	var ok, bad []string
	for _, r := range res {
		if r.Err != nil {
			bad = append(bad, filepath.Base(r.File))
		} else {
			ok = append(ok, filepath.Base(r.File)+"="+r.Report.OrgName)
		}
	}
	if strings.Join(ok, " ") != "a.xml.gz=google.com b.eml: b.xml=Microsoft standard input=Microsoft" {
		t.Errorf("read: %v", ok)
	}
	if strings.Join(bad, " ") != "notes.txt missing.xml" {
		t.Errorf("refused: %v", bad)
	}
}

func TestMessageWithoutReport(t *testing.T) {
	msg := "From: a@example.org\r\nSubject: hi\r\n\r\nJust text.\r\n"
	res := readAll(t, "hi.eml", []byte(msg))
	if len(res) != 1 || !errors.Is(res[0].Err, ErrNotReport) || !strings.Contains(res[0].Err.Error(), "no report is attached") {
		t.Fatalf("%+v", res)
	}
}

func TestBrokenGzip(t *testing.T) {
	gz := fxGzip(t, fxGoogle().xml())
	res := readAll(t, "cut.xml.gz", gz[:len(gz)-20])
	if len(res) != 1 || res[0].Err == nil || !strings.Contains(res[0].Err.Error(), "broken or cut short") {
		t.Fatalf("%+v", res)
	}
}

// spaces is n bytes of spaces: valid inside XML, compressing about
// 1000 to 1, like a bomb's zeros.
func spaces(n int) []byte { return bytes.Repeat([]byte{' '}, n) }

func TestGzipBombRefused(t *testing.T) {
	// One gzip member opening a report, then the same member of 1 MB of
	// spaces 1000 times over (gzip allows members back to back): 1 GB
	// once decompressed, from about 1 MB, built without compressing 1 GB.
	head := fxGzip(t, "<feedback><report_metadata>")
	member := fxGzip(t, string(spaces(1<<20)))
	bomb := bytes.NewBuffer(head)
	for range 1000 {
		bomb.Write(member)
	}
	res := readAll(t, "bomb.xml.gz", bomb.Bytes())
	if len(res) != 1 {
		t.Fatalf("%d results", len(res))
	}
	var be *BoundError
	if !errors.As(res[0].Err, &be) || !strings.Contains(be.Error(), "compression bomb") {
		t.Fatalf("err = %v", res[0].Err)
	}
	// Refused when it crossed the bound, far from its end.
	if be.Read > 8<<20 {
		t.Errorf("read %d bytes before refusing", be.Read)
	}
}

func TestZipBombRefused(t *testing.T) {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	f, err := w.Create("report.xml")
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("<feedback><report_metadata>"))
	chunk := spaces(1 << 20)
	for range 32 {
		f.Write(chunk)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	res := readAll(t, "bomb.zip", b.Bytes())
	var be *BoundError
	if len(res) != 1 || !errors.As(res[0].Err, &be) || !strings.Contains(be.Error(), "compression bomb") {
		t.Fatalf("%+v", res)
	}
	if be.Read > 8<<20 {
		t.Errorf("read %d bytes before refusing", be.Read)
	}
	if !strings.Contains(res[0].File, "bomb.zip: report.xml") {
		t.Errorf("file %q", res[0].File)
	}
}

func TestZipEntryDeclaredTooLarge(t *testing.T) {
	// An entry whose header says it is larger than a report may be is
	// refused before it is read.
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	hdr := &zip.FileHeader{Name: "huge.xml", Method: zip.Deflate, UncompressedSize64: MaxReportBytes + 1, CompressedSize64: 4}
	f, err := w.CreateRaw(hdr)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte{1, 2, 3, 4})
	w.Close()
	res := readAll(t, "huge.zip", b.Bytes())
	var be *BoundError
	if len(res) != 1 || !errors.As(res[0].Err, &be) || !strings.Contains(be.Error(), "once decompressed") {
		t.Fatalf("%+v", res)
	}
}

func TestOversizedInputRefused(t *testing.T) {
	// A file larger than the bound is refused from its size, unread: a
	// sparse file takes no room on disk.
	name := filepath.Join(t.TempDir(), "big.xml")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxInputBytes + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	res := ReadPaths(context.Background(), []string{name}, nil)
	var be *BoundError
	if len(res) != 1 || !errors.As(res[0].Err, &be) || be.Read != 0 {
		t.Fatalf("%+v", res)
	}
	// Standard input has no size: it is read up to the bound, no further.
	src := &endless{}
	res = ReadInput(context.Background(), "standard input", src)
	if len(res) != 1 || !errors.As(res[0].Err, &be) {
		t.Fatalf("%+v", res)
	}
	if src.n > MaxInputBytes+64<<10 {
		t.Errorf("read %d bytes of an endless input", src.n)
	}
}

// endless is an input that never ends, counting what is read of it.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	clear(p)
	e.n += int64(len(p))
	return len(p), nil
}

func TestReadStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := ReadInput(ctx, "x.xml", strings.NewReader(fxGoogle().xml()))
	if len(res) != 1 || !errors.Is(res[0].Err, context.Canceled) {
		t.Fatalf("%+v", res)
	}
}

func TestEntryBound(t *testing.T) {
	files := make([]string, 0, 2*(MaxEntries+5))
	for i := range MaxEntries + 5 {
		files = append(files, "r"+strings.Repeat("x", i%7)+".xml", "x")
	}
	res := readAll(t, "many.zip", fxZip(t, files...))
	last := res[len(res)-1]
	var be *BoundError
	if len(res) != MaxEntries+1 || !errors.As(last.Err, &be) {
		t.Fatalf("%d results, last %+v", len(res), last)
	}
}
