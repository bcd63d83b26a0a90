package plan

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/core/audience"
)

func TestParseReportAddress(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		errHas   string
	}{
		{in: "dmarc@yourcenter.edu", want: "dmarc@yourcenter.edu"},
		{in: "  mailto:DMARC+x@YourCenter.EDU ", want: "DMARC+x@yourcenter.edu"},
		{in: "MAILTO:d.m_arc-1@reports.example.com", want: "d.m_arc-1@reports.example.com"},
		{in: "", errHas: "no address given"},
		{in: "mailto:", errHas: "no address given"},
		{in: "a@yourcenter.edu, b@yourcenter.edu", errHas: "one address only"},
		{in: "mailto:a@yourcenter.edu,mailto:b@yourcenter.edu", errHas: "one address only"},
		{in: "a@b@yourcenter.edu", errHas: "needs one @"},
		{in: "yourcenter.edu", errHas: "needs one @"},
		{in: "@yourcenter.edu", errHas: "nothing before the @"},
		{in: ".a@yourcenter.edu", errHas: "may not start or end with a dot"},
		{in: "a!10m@yourcenter.edu", errHas: "only letters, digits"},
		{in: "a@edu", errHas: "not a mail domain"},
		{in: "a@-bad-.edu", errHas: "not a mail domain"},
		{in: strings.Repeat("a", 65) + "@yourcenter.edu", errHas: "at most 64"},
		{in: "a@" + strings.Repeat("b", 300) + ".edu", errHas: "at most 254"},
		{in: "a\x1b@yourcenter.edu", errHas: "only letters, digits"},
	}
	for _, tc := range tests {
		got, err := ParseReportAddress(tc.in)
		switch {
		case tc.errHas == "" && (err != nil || got != tc.want):
			t.Errorf("ParseReportAddress(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		case tc.errHas != "" && (err == nil || !strings.Contains(err.Error(), tc.errHas) || !errors.Is(err, ErrReportAddress)):
			t.Errorf("ParseReportAddress(%q) = %q, %v; want an ErrReportAddress saying %q", tc.in, got, err, tc.errHas)
		case err != nil && strings.ContainsRune(err.Error(), '\x1b'):
			t.Errorf("ParseReportAddress(%q) error carries a control character: %q", tc.in, err)
		}
	}
}

// TestBuildDMARCReports: with an address, the domain's own DMARC record
// sends reports there (a new record, or rua= added to one without it);
// without one, the record says once that no reports arrive; a record with
// rua= and an organisation's policy are left alone. AsksReportAddress is
// true exactly where an address would change the record.
func TestBuildDMARCReports(t *testing.T) {
	t.Parallel()
	const addr = "dmarc@yourcenter.edu"
	tests := []struct {
		name    string
		domain  string // default testDomain
		lines   []string
		reports string
		asks    bool
		action  Action
		value   string
		noteHas []string
	}{
		{name: "none, no address", asks: true, action: ActionAdd, value: "v=DMARC1; p=none",
			noteHas: []string{"no DMARC reports arrive", "'wizard verify FILE'", "--dmarc-reports ADDRESS"}},
		{name: "none, address", reports: addr, asks: true, action: ActionAdd, value: "v=DMARC1; p=none; rua=mailto:" + addr,
			noteHas: []string{"daily report", addr}},
		{name: "none, address elsewhere", reports: "d@reports.example.com", asks: true, action: ActionAdd,
			value:   "v=DMARC1; p=none; rua=mailto:d@reports.example.com",
			noteHas: []string{"reports.example.com is not under yourcenter.edu, so receivers", "yourcenter.edu._report._dmarc.reports.example.com", "for another of your own domains"}},
		{name: "p=none without rua, no address", lines: []string{`_dmarc IN TXT "v=DMARC1; p=none"`}, asks: true,
			action: ActionKeep, value: "v=DMARC1; p=none", noteHas: []string{"no DMARC reports arrive"}},
		{name: "p=none without rua, address", lines: []string{`_dmarc IN TXT "v=DMARC1; p=none;"`}, reports: addr, asks: true,
			action: ActionReplace, value: "v=DMARC1; p=none; rua=mailto:" + addr, noteHas: []string{"stays p=none", addr}},
		{name: "rua already there", lines: []string{`_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:x@yourcenter.edu"`}, reports: addr,
			action: ActionKeep, value: "v=DMARC1; p=none; rua=mailto:x@yourcenter.edu", noteHas: []string{"Its reports go to x@yourcenter.edu."}},
		{name: "organisation's policy", domain: "news.yourcenter.edu", reports: addr,
			lines:  []string{`_dmarc IN TXT "v=DMARC1; p=reject"`, "news IN MX 0 mail.yourcenter.edu."},
			action: ActionKeep, value: "v=DMARC1; p=reject"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			domain := tc.domain
			if domain == "" {
				domain = testDomain
			}
			srv := startZones(t, domainZone(append([]string{genericNS}, tc.lines...)...))
			plan, snap, err := buildPlan(t, srv, domain, Options{DMARCReports: tc.reports})
			if err != nil {
				t.Fatal(err)
			}
			d := one(t, plan, PurposeDMARC)
			if d.Action != tc.action || d.Value != tc.value {
				t.Errorf("DMARC %s %q, want %s %q", d.Action, d.Value, tc.action, tc.value)
			}
			for _, s := range tc.noteHas {
				if !containsAny(d.Notes, s) {
					t.Errorf("notes %q lack %q", d.Notes, s)
				}
			}
			if containsAny(d.Notes, "add ; ") { // a lone ";" to type, which wraps apart from its tag
				t.Errorf("notes %q tell to add a bare semicolon", d.Notes)
			}
			if n := strings.Count(strings.Join(d.Notes, " "), "no DMARC reports arrive"); n > 1 {
				t.Errorf("the notes say %d times that no reports arrive: %q", n, d.Notes)
			}
			if got := AsksReportAddress(snap); got != tc.asks {
				t.Errorf("AsksReportAddress = %v, want %v", got, tc.asks)
			}
		})
	}
}

// TestNotesPerAudience: the note on a DMARC record that sends no reports
// names the wizard's commands only in a command's output; inside the
// wizard it points to the screen that asks for the reports address and to
// the wizard's last step, and on the hand-off sheet (read by whoever
// edits DNS) it says what to type in words. The warning on an unknown mail
// server is worded the same way. The other notes are the same for all.
func TestNotesPerAudience(t *testing.T) {
	t.Parallel()
	srv := startZones(t, domainZone(genericNS, "@ IN MX 10 mx.gateway.example.net."))
	pl, _, err := buildPlan(t, srv, testDomain, Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := one(t, pl, PurposeDMARC)
	want := map[audience.Audience][]string{
		audience.Command: {"'wizard records' again with --dmarc-reports ADDRESS", "'wizard verify FILE'", "--provider ID"},
		audience.Wizard:  {"go back to the Other domains screen and type a reports address", "the wizard's last step checks a real message", "Mail provider screen"},
		audience.Sheet:   {"end the value with a semicolon and rua=mailto: followed by a mailbox you read", "add its include: term"},
	}
	for a, has := range want {
		notes, warnings := d.NotesFor(a), pl.WarningsFor(a)
		all := strings.Join(append(slices.Clone(notes), warnings...), "\n")
		for _, s := range has {
			if !strings.Contains(all, s) {
				t.Errorf("audience %d: notes and warnings lack %q:\n%s", a, s, all)
			}
		}
		if a != audience.Command && strings.Contains(all, "wizard ") {
			t.Errorf("audience %d: notes and warnings name a wizard command:\n%s", a, all)
		}
		if len(notes) != len(d.Notes) || notes[0] != d.Notes[0] || len(warnings) != len(pl.Warnings) {
			t.Errorf("audience %d: notes %q, warnings %q; want the same ones as %q, %q reworded", a, notes, warnings, d.Notes, pl.Warnings)
		}
	}
	if got := d.NotesFor(audience.Command); !slices.Equal(got, d.Notes) {
		t.Errorf("NotesFor(Command) = %q, want Notes %q", got, d.Notes)
	}
}

// TestPlanReadsAloud: the plan's header names a DNS host the catalog does
// not know as "not recognised" with its name servers, never the catalog's
// stand-in name, and says how the provider was found without naming it
// twice.
func TestPlanReadsAloud(t *testing.T) {
	t.Parallel()
	srv := startZones(t, domainZone("@ IN NS ns1.example-dns.net.", "@ IN MX 0 "+m365MX+"."))
	pl := mustPlan(t, srv, testDomain, Options{})
	var b strings.Builder
	if err := WriteText(&b, pl); err != nil {
		t.Fatal(err)
	}
	head, _, _ := strings.Cut(b.String(), "\n\n")
	want := "DNS host: not recognised (ns1.example-dns.net) · Mail provider: Microsoft 365, detected from your MX record " + m365MX
	if !strings.Contains(head, want) || strings.Contains(head, "Your DNS host") {
		t.Errorf("header:\n%s\nwant %q", head, want)
	}
}
