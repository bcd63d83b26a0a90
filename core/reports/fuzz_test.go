package reports

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// FuzzParseXML feeds the XML reader anything: it must return a report or
// an error, never panic, and what it returns must keep its promises. The
// seeds (run by go test) are the fixtures and their broken variants.
func FuzzParseXML(f *testing.F) {
	for _, fx := range []fxReport{fxGoogle(), fxMicrosoft()} {
		doc := fx.xml()
		f.Add([]byte(doc))
		f.Add([]byte(doc[:len(doc)/2]))
		f.Add([]byte(strings.ReplaceAll(doc, "<count>", "<count>-")))
	}
	f.Add([]byte("<feedback><report_metadata/><policy_published><domain>a.example</domain></policy_published><record><row><count>99999999999999999999</count></row></record></feedback>"))
	f.Add([]byte("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><feedback><report_metadata><org_name>\xff</org_name></report_metadata><policy_published><domain>\xe9.example</domain></policy_published></feedback>"))
	f.Add([]byte("<feedback><feedback><feedback></feedback></feedback></feedback>"))
	f.Add([]byte("<!DOCTYPE feedback [<!ENTITY a \"aaaa\">]><feedback>&a;</feedback>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := ParseXML(bytes.NewReader(data))
		if err != nil {
			return
		}
		if rep.Domain == "" || len(rep.Rows) > MaxRows {
			t.Fatalf("accepted a report without a domain or with too many rows: %+v", rep)
		}
		if rep.Schema != SchemaRFC7489 && rep.Schema != SchemaRFC9990 {
			t.Fatalf("schema %q", rep.Schema)
		}
		for _, row := range rep.Rows {
			if row.Count < 0 || row.Count > maxCount {
				t.Fatalf("count %d", row.Count)
			}
			if len(row.SourceIP) > maxText+len("…") || len(row.HeaderFrom) > maxText+len("…") {
				t.Fatalf("a field longer than the bound: %q", row.SourceIP)
			}
		}
		// The same bytes through the container reader give the same
		// report.
		res := ReadInput(context.Background(), "fuzz", bytes.NewReader(data))
		if len(res) == 1 && res[0].Err == nil && res[0].Report.Messages() != rep.Messages() {
			t.Fatalf("container reader: %d messages, parser: %d", res[0].Report.Messages(), rep.Messages())
		}
	})
}
