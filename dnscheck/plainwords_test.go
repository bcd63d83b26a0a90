package dnscheck_test

import (
	"context"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/dnscheck"
)

// TestSPFProblemsInPlainWords: what a check says about a broken SPF
// record never uses the RFC's result words (permerror, temperror): a
// person reads "the record is broken", "could not be read just now". The
// JSON's results keep the RFC's words.
func TestSPFProblemsInPlainWords(t *testing.T) {
	t.Parallel()
	for _, record := range []string{
		"v=spf1 include:spf.outreachsystems.com foo:bar -all",
		"v=spf1 include:loop.yourcenter.edu include:spf.outreachsystems.com -all",
		"v=spf1 include:spf.outreachsystems.com ip4:192.0.2.1 ip4:192.0.2.1 ip4 -all",
	} {
		t.Run(record, func(t *testing.T) {
			t.Parallel()
			zone := fxOrgZone(fxDomain, spfRecord(record), fxDKIMCNAME) + "loop IN TXT \"v=spf1 include:loop.yourcenter.edu -all\"\n"
			srv := fxServer(t, zone)
			rep := fxChecker(srv, fxTimeout).Check(context.Background(), fxDomain, fxExpect(t, nil))
			for _, p := range rep.AllProblems() {
				t.Logf("%s: %s | %s", p.Code, p.Message, p.Fix)
				if text := strings.ToLower(p.Message + " " + p.Fix); strings.Contains(text, "permerror") || strings.Contains(text, "temperror") {
					t.Errorf("%s says the RFC's result word: %s %s", p.Code, p.Message, p.Fix)
				}
			}
			t.Logf("%v", fxResults(rep.SPF.IPs))
		})
	}
}

// TestResultWords: the two RFC result words a person cannot guess are said
// in plain words; the others are kept.
func TestResultWords(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"permerror": "the record is broken",
		"temperror": "could not be read just now",
		"fail":      "fail",
		"softfail":  "softfail",
		"pass":      "pass",
	} {
		if got := dnscheck.ResultWords(in); got != want {
			t.Errorf("ResultWords(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSPFFailingAddressesSaidOnce: when every one of the platform's
// addresses fails the same way, the problem says so once ("none of
// Neoserra's 8 addresses pass"), not the result after each address; when
// only some fail, it names them.
func TestSPFFailingAddressesSaidOnce(t *testing.T) {
	t.Parallel()
	cases := []struct {
		record string
		want   []string
		not    []string
	}{
		{"v=spf1 include:spf.protection.outlook.com -all",
			[]string{"for your domain: none of Neoserra's 8 addresses pass."}, []string{"(fail)", "107.20.160.162"}},
		{"v=spf1 include:loop.yourcenter.edu include:spf.outreachsystems.com -all",
			[]string{"none of Neoserra's 8 addresses pass (the record is broken)."}, []string{"107.20.160.162"}},
		{"v=spf1 ip4:107.20.160.162 ip4:35.85.179.136 -all",
			[]string{"44.203.150.85 (fail)"}, []string{"none of", "107.20.160.162 ("}},
	}
	for _, tc := range cases {
		t.Run(tc.record, func(t *testing.T) {
			t.Parallel()
			zone := fxOrgZone(fxDomain, spfRecord(tc.record), fxDKIMCNAME) + "loop IN TXT \"v=spf1 include:loop.yourcenter.edu -all\"\n"
			srv := fxServer(t, zone)
			rep := fxChecker(srv, fxTimeout).Check(context.Background(), fxDomain, fxExpect(t, nil))
			var msg string
			for _, p := range rep.SPF.Problems {
				if p.Code == dnscheck.CodeSPFPlatformNotAuthorized {
					msg = p.Message
				}
			}
			if msg == "" {
				t.Fatalf("no spf-platform-not-authorized among %v", fxCodes(rep.SPF.Problems))
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(msg, n) {
					t.Errorf("message %q says %q", msg, n)
				}
			}
		})
	}
}

// TestSPFMultipleFixNamesRecordToDelete: the fix of a doubled SPF record
// says, by value, which one to keep and which to delete.
func TestSPFMultipleFixNamesRecordToDelete(t *testing.T) {
	t.Parallel()
	const (
		both    = "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all"
		outlook = "v=spf1 include:spf.protection.outlook.com -all"
		ours    = "v=spf1 include:spf.outreachsystems.com ~all"
	)
	cases := []struct {
		records []string
		want    string
	}{
		{[]string{outlook, both}, `Keep "` + both + `" as it is and delete "` + outlook + `"`},
		{[]string{outlook, ours}, `Edit "` + ours + `" so that it also holds what the others say, and delete "` + outlook + `"`},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.records, "|"), func(t *testing.T) {
			t.Parallel()
			srv := fxServer(t, fxOrgZone(fxDomain, spfRecord(tc.records[0]), spfRecord(tc.records[1]), fxDKIMCNAME))
			rep := fxChecker(srv, fxTimeout).Check(context.Background(), fxDomain, fxExpect(t, nil))
			p, ok := fxProblem(rep.SPF.Problems, dnscheck.CodeSPFMultiple)
			if !ok {
				t.Fatalf("no spf-multiple among %v", fxCodes(rep.SPF.Problems))
			}
			if !strings.Contains(p.Fix, tc.want) {
				t.Errorf("fix %q, want it to say %q", p.Fix, tc.want)
			}
		})
	}
}
