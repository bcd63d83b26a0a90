package plan

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/dnscheck"
)

func TestRepairDMARC(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		note     string // a word of the notes
	}{
		{"v=dmarc1; p=reject", "v=DMARC1; p=reject", "v=DMARC1"},
		{"v=DMARC1; p=bogus; rua=mailto:d@yourcenter.edu", "v=DMARC1; p=none; rua=mailto:d@yourcenter.edu", "p=bogus is not a policy"},
		{"v=DMARC1; rua=mailto:d@yourcenter.edu", "v=DMARC1; p=none; rua=mailto:d@yourcenter.edu", "no p= tag"},
		{"v=DMARC1; p=reject; p=none; sp=quarantine", "v=DMARC1; p=reject; sp=quarantine", "first policy, p=reject"},
		{"v=DMARC1 p=quarantine", "v=DMARC1; p=quarantine", "v=DMARC1"},
		{`"v=DMARC1; p=reject; adkim=s"`, "v=DMARC1; p=reject; adkim=s", "Quotation marks"},
		{"v=DMARC1; p=reject; sp=maybe; pct=20", "v=DMARC1; p=reject", "sp=maybe"},
		{"v=DMARC1; p=none", "v=DMARC1; p=none", ""}, // already right
	}
	for _, tt := range tests {
		got, notes := RepairDMARC(tt.in)
		if got != tt.want {
			t.Errorf("RepairDMARC(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if _, err := dnscheck.ParseDMARC(got); err != nil {
			t.Errorf("RepairDMARC(%q) = %q does not parse: %v", tt.in, got, err)
		}
		if (tt.note == "") != (len(notes) == 0) || (tt.note != "" && !containsAny(notes, tt.note)) {
			t.Errorf("RepairDMARC(%q) notes %q, want one with %q", tt.in, notes, tt.note)
		}
	}
}

// TestBuildBrokenDMARC: a DMARC record that check calls unparsable gets
// a corrected record (replace), never "keep": in the plan, its JSON, the
// text card and the hand-off sheet.
func TestBuildBrokenDMARC(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ published, want string }{
		{"v=dmarc1; p=reject", "v=DMARC1; p=reject"},
		{"v=DMARC1; p=bogus; rua=mailto:d@yourcenter.edu", "v=DMARC1; p=none; rua=mailto:d@yourcenter.edu"},
		{"v=DMARC1; rua=mailto:d@yourcenter.edu", "v=DMARC1; p=none; rua=mailto:d@yourcenter.edu"},
		{"v=DMARC1; p=quarantine; p=none", "v=DMARC1; p=quarantine"},
	} {
		t.Run(tc.published, func(t *testing.T) {
			t.Parallel()
			srv := startZones(t, domainZone(genericNS, txtLine("_dmarc", tc.published)))
			// check calls it unparsable...
			if r := dnscheck.CheckDMARC(t.Context(), dnscheck.NewLookup(dnscheck.NewClient(dnscheck.WithServers(srv.Addr()))), testDomain); r.Status != dnscheck.VerdictInvalid {
				t.Fatalf("check says %s for %q", r.Status, tc.published)
			}
			// ...so records proposes its correction.
			plan := mustPlan(t, srv, testDomain, Options{})
			d := one(t, plan, PurposeDMARC)
			if d.Action != ActionReplace || d.Value != tc.want || len(d.Replaces) != 1 || d.Replaces[0] != tc.published || !containsAny(d.Notes, "does not parse") {
				t.Fatalf("DMARC = %+v, want replace with %q", d, tc.want)
			}
			var js bytes.Buffer
			if err := Write(&js, plan, FormatJSON); err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Records []struct{ Purpose, Action, Value string }
			}
			if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			for _, r := range doc.Records {
				if r.Purpose == PurposeDMARC && (r.Action != "replace" || r.Value != tc.want) {
					t.Errorf("JSON DMARC record %+v", r)
				}
			}
			var text bytes.Buffer
			if err := Write(&text, plan, FormatText); err != nil {
				t.Fatal(err)
			}
			sheet := handoff(t, "markdown", plan)
			for name, out := range map[string]string{"text": text.String(), "sheet": sheet} {
				if !strings.Contains(out, tc.want) || strings.Contains(out, "No change needed here") {
					t.Errorf("%s output does not propose %q:\n%s", name, tc.want, out)
				}
			}
			if strings.Contains(sheet, "Already right: leave these as they are") && strings.Contains(sheet, "DMARC, TXT") {
				t.Errorf("the sheet keeps the broken DMARC record:\n%s", sheet)
			}
		})
	}
}

// TestBuildParentBrokenDMARC: a subdomain without a record of its own
// under a parent whose record is broken is ask-owner at the parent's
// name, with the corrected record.
func TestBuildParentBrokenDMARC(t *testing.T) {
	t.Parallel()
	uni := "$ORIGIN uni.edu.\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN NS ns1.uni.edu.\n" +
		txtLine("_dmarc", "v=DMARC1; p=rejekt; rua=mailto:dmarc@uni.edu") + "\nsbdc IN MX 10 mx.uni.edu.\n"
	srv := startZones(t, uni)
	plan := mustPlan(t, srv, "sbdc.uni.edu", Options{})
	d := one(t, plan, PurposeDMARC)
	if d.Action != ActionAskOwner || d.Name != "_dmarc.uni.edu." || d.Value != "v=DMARC1; p=none; rua=mailto:dmarc@uni.edu" || !containsAny(d.Notes, "whoever runs uni.edu") {
		t.Fatalf("DMARC = %+v, want ask-owner at _dmarc.uni.edu", d)
	}
	if AsksReportAddress(mustSnap(t, srv, "sbdc.uni.edu")) {
		t.Error("asks a reports address for a record that is the parent's to fix")
	}
	if sheet := handoff(t, "markdown", plan); !strings.Contains(sheet, "To ask of whoever runs uni.edu") {
		t.Errorf("the sheet does not ask uni.edu's owner:\n%s", sheet)
	}
}

// TestBuildPSDOnlyDMARC: a domain covered only by a public suffix's policy
// (psd=y) gets its own record, never weaker than the one that applies.
func TestBuildPSDOnlyDMARC(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ psd, want string }{
		{"v=DMARC1; p=reject; psd=y", "v=DMARC1; p=reject"},
		{"v=DMARC1; p=none; sp=quarantine; psd=y", "v=DMARC1; p=quarantine"},
	} {
		psdx := "$ORIGIN psdx.\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n" + txtLine("_dmarc", tc.psd) + "\ncenter IN NS ns1.center.psdx.\n"
		center := "$ORIGIN center.psdx.\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN NS ns1.center.psdx.\n"
		srv := startZones(t, psdx, center)
		snap := mustSnap(t, srv, "center.psdx")
		if !snap.ParentPSD || snap.ParentDMARCDomain != "psdx" || !AsksReportAddress(snap) {
			t.Fatalf("snapshot %+v", snap)
		}
		d := one(t, mustPlan(t, srv, "center.psdx", Options{DMARCReports: "dmarc@center.psdx"}), PurposeDMARC)
		if d.Action != ActionAdd || d.Name != "_dmarc.center.psdx." || d.Value != tc.want+"; rua=mailto:dmarc@center.psdx" || !containsAny(d.Notes, "psd=y") {
			t.Errorf("DMARC = %+v, want add %q", d, tc.want)
		}
	}
}
