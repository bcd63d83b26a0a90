package dnscheck_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

func TestCheckDMARC(t *testing.T) {
	t.Parallel()
	dmarc := func(values ...string) string {
		var lines []string
		for _, v := range values {
			lines = append(lines, "_dmarc IN TXT "+txt(v))
		}
		return zoneYC(lines...)
	}
	tests := []struct {
		name    string
		domain  string // default testDomain
		zones   []string
		fault   map[string]dnstest.Fault
		status  dnscheck.Verdict
		codes   []string
		record  string
		policy  string
		percent int
		say     []string
	}{
		{
			name:   "pass quarantine pct: pct= is ignored by RFC 9989 receivers",
			zones:  []string{dmarc("v=DMARC1; p=quarantine; pct=50; rua=mailto:d@yourcenter.edu")},
			status: "pass", codes: []string{"dmarc-pct-ignored/warning"}, policy: "quarantine", percent: 50,
			say:    []string{"pct=50", "t=y"},
			record: "v=DMARC1; p=quarantine; pct=50; rua=mailto:d@yourcenter.edu",
		},
		{
			name:   "pass reject default pct",
			zones:  []string{dmarc("v=DMARC1; p=reject")},
			status: "pass", codes: []string{}, policy: "reject", percent: 100,
		},
		{
			name:   "pass none with an unrelated TXT beside it",
			zones:  []string{dmarc("v=DMARC1; p=none", "google-site-verification=abc")},
			status: "pass", codes: []string{}, policy: "none", percent: 100,
		},
		{
			name:   "pass with spaces, case and trailing semicolon",
			zones:  []string{dmarc(" v = DMARC1 ; P = Reject ; pct = 20 ;")},
			status: "pass", codes: []string{"dmarc-pct-ignored/warning"}, policy: "reject", percent: 20,
		},
		{
			name:   "pass with upper-case V",
			zones:  []string{dmarc("V=DMARC1; p=none")},
			status: "pass", codes: []string{}, policy: "none",
		},
		{
			name:   "pass record split in several strings",
			zones:  []string{zoneYC(`_dmarc IN TXT "v=DMARC1; p=quar" "antine; rua=mailto:d@yourcenter.edu"`)},
			status: "pass", codes: []string{}, policy: "quarantine",
		},
		{
			name: "pass through a CNAME to a DMARC service",
			zones: []string{zoneYC("_dmarc IN CNAME yourcenter.edu.dmarc.example.net."),
				"$ORIGIN dmarc.example.net.\nyourcenter.edu IN TXT \"v=DMARC1; p=reject\"\n"},
			status: "pass", codes: []string{}, policy: "reject",
		},
		{
			name:   "missing",
			zones:  []string{zoneYC()},
			status: "missing", codes: []string{"dmarc-missing/warning"},
			say: []string{"v=DMARC1; p=none", "_dmarc"},
		},
		{
			name:   "missing: only other TXT records",
			zones:  []string{dmarc("v=spf1 -all", "hello")},
			status: "missing", codes: []string{"dmarc-missing/warning"},
		},
		{
			name:   "multiple",
			zones:  []string{dmarc("v=DMARC1; p=none", "v=DMARC1; p=reject")},
			status: "invalid", codes: []string{"dmarc-multiple/error"},
			say: []string{"2 DMARC records"},
		},
		{
			name:   "multiple, one of them broken",
			zones:  []string{dmarc("v=DMARC1; p=none", "v=DMARC1 p=reject")},
			status: "invalid", codes: []string{"dmarc-multiple/error"},
		},
		{
			name:   "syntax: unknown policy",
			zones:  []string{dmarc("v=DMARC1; p=block")},
			status: "invalid", codes: []string{"dmarc-syntax/error"}, record: "v=DMARC1; p=block",
		},
		{
			name:   "syntax: no p",
			zones:  []string{dmarc("v=DMARC1; rua=mailto:d@yourcenter.edu")},
			status: "invalid", codes: []string{"dmarc-syntax/error"}, say: []string{"p="},
		},
		{
			name:   "syntax: empty p",
			zones:  []string{dmarc("v=DMARC1; p=")},
			status: "invalid", codes: []string{"dmarc-syntax/error"},
		},
		{
			name:   "syntax: missing semicolon",
			zones:  []string{dmarc("v=DMARC1 p=none")},
			status: "invalid", codes: []string{"dmarc-syntax/error"}, say: []string{"semicolon"},
		},
		{
			name:   "syntax: lower-case version",
			zones:  []string{dmarc("v=dmarc1; p=none")},
			status: "invalid", codes: []string{"dmarc-syntax/error"},
		},
		{
			name:   "syntax: duplicate p",
			zones:  []string{dmarc("v=DMARC1; p=none; p=reject")},
			status: "invalid", codes: []string{"dmarc-syntax/error"}, say: []string{"more than once"},
		},
		{
			name:   "syntax: quoted",
			zones:  []string{dmarc(`"v=DMARC1; p=none"`)},
			status: "invalid", codes: []string{"dmarc-syntax/error"}, say: []string{"quotation marks"},
		},
		{
			name:   "pct out of range: a removed tag, ignored",
			zones:  []string{dmarc("v=DMARC1; p=none; pct=150")},
			status: "pass", codes: []string{}, policy: "none", percent: 100,
		},
		{
			name:   "pct=100 with p=reject relies on nothing",
			zones:  []string{dmarc("v=DMARC1; p=reject; pct=100; ri=3600; rf=afrf")},
			status: "pass", codes: []string{}, policy: "reject", percent: 100,
		},
		{
			name:   "syntax: bad psd",
			zones:  []string{dmarc("v=DMARC1; p=none; psd=maybe")},
			status: "invalid", codes: []string{"dmarc-syntax/error"}, say: []string{"psd=maybe"},
		},
		{
			name:   "syntax: bad np",
			zones:  []string{dmarc("v=DMARC1; p=none; np=never")},
			status: "invalid", codes: []string{"dmarc-syntax/error"}, say: []string{"np=never"},
		},
		{
			name:   "syntax: bad sp",
			zones:  []string{dmarc("v=DMARC1; p=none; sp=maybe")},
			status: "invalid", codes: []string{"dmarc-syntax/error"},
		},
		{
			name:   "servfail",
			zones:  []string{dmarc("v=DMARC1; p=none")},
			fault:  map[string]dnstest.Fault{"_dmarc.yourcenter.edu": {ServFail: true}},
			status: "error", codes: []string{"dns-servfail/error"},
		},
		{
			name:   "timeout",
			zones:  []string{zoneYC()},
			fault:  map[string]dnstest.Fault{"_dmarc.yourcenter.edu": {Silent: true}},
			status: "error", codes: []string{"dns-timeout/error"},
		},
		{
			name:   "refused",
			zones:  []string{zoneYC()},
			fault:  map[string]dnstest.Fault{"_dmarc.yourcenter.edu": {Refused: true}},
			status: "error", codes: []string{"dns-refused/error"},
		},
		{
			name:   "inherited from the organisational domain: sp applies",
			domain: "news.yourcenter.edu",
			zones:  []string{dmarc("v=DMARC1; p=none; sp=reject")},
			status: "pass", codes: []string{}, policy: "reject", percent: 100,
			record: "v=DMARC1; p=none; sp=reject",
		},
		{
			name:   "inherited from the organisational domain: p applies without sp",
			domain: "a.news.yourcenter.edu",
			zones:  []string{dmarc("v=DMARC1; p=quarantine; pct=10")},
			status: "pass", codes: []string{"dmarc-pct-ignored/warning"}, policy: "quarantine", percent: 10,
		},
		{
			name:   "own record of a subdomain wins",
			domain: "news.yourcenter.edu",
			zones:  []string{dmarc("v=DMARC1; p=reject") + "_dmarc.news IN TXT \"v=DMARC1; p=none\"\n"},
			status: "pass", codes: []string{}, policy: "none",
		},
		{
			name:   "subdomain, neither has one",
			domain: "news.yourcenter.edu",
			zones:  []string{zoneYC()},
			status: "missing", codes: []string{"dmarc-missing/warning"},
			say: []string{"_dmarc.news.yourcenter.edu", "asked: _dmarc.yourcenter.edu, _dmarc.edu"},
		},
		{
			name:   "subdomain, organisational record broken",
			domain: "news.yourcenter.edu",
			zones:  []string{dmarc("v=DMARC1; p=nope")},
			status: "invalid", codes: []string{"dmarc-syntax/error"}, say: []string{"_dmarc.yourcenter.edu"},
		},
		{
			name:   "subdomain, trouble at the organisational domain",
			domain: "news.yourcenter.edu",
			zones:  []string{zoneYC()},
			fault:  map[string]dnstest.Fault{"_dmarc.yourcenter.edu": {ServFail: true}},
			status: "error", codes: []string{"dns-servfail/error"},
		},
		{
			name:   "subdomain, trouble at the organisational domain is moot when its own record exists",
			domain: "news.yourcenter.edu",
			zones:  []string{zoneYC("_dmarc.news IN TXT \"v=DMARC1; p=none\"")},
			fault:  map[string]dnstest.Fault{"_dmarc.yourcenter.edu": {ServFail: true}},
			status: "pass", codes: []string{}, policy: "none",
		},
		{
			name:   "subdomain, trouble at its own name is not inherited away",
			domain: "news.yourcenter.edu",
			zones:  []string{dmarc("v=DMARC1; p=none")},
			fault:  map[string]dnstest.Fault{"_dmarc.news.yourcenter.edu": {Refused: true}},
			status: "error", codes: []string{"dns-refused/error"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := dnstest.StartT(t, tt.zones...)
			for name, f := range tt.fault {
				srv.SetFault(name, f)
			}
			domain := tt.domain
			if domain == "" {
				domain = testDomain
			}
			r := dnscheck.CheckDMARC(context.Background(), newLookup(srv), domain)
			if r.Problems == nil {
				t.Errorf("Problems is nil, want a non-nil slice")
			}
			if r.Status != tt.status || fmt.Sprint(codes(r.Problems)) != fmt.Sprint(tt.codes) {
				t.Errorf("status %q, problems %v; want %q, %v\n%+v", r.Status, codes(r.Problems), tt.status, tt.codes, r.Problems)
			}
			if tt.policy != "" && r.Policy != tt.policy {
				t.Errorf("Policy = %q, want %q", r.Policy, tt.policy)
			}
			if tt.percent != 0 && r.Percent != tt.percent {
				t.Errorf("Percent = %d, want %d", r.Percent, tt.percent)
			}
			if tt.record != "" && r.Record != tt.record {
				t.Errorf("Record = %q, want %q", r.Record, tt.record)
			}
			var text strings.Builder
			for _, p := range r.Problems {
				if p.Message == "" || p.Fix == "" {
					t.Errorf("problem %s has an empty message or fix: %+v", p.Code, p)
				}
				text.WriteString(p.Message + "\n" + p.Fix + "\n")
				t.Logf("%s/%s\n\tmessage: %s\n\tfix: %s", p.Code, p.Severity, p.Message, p.Fix)
			}
			for _, s := range tt.say {
				if !strings.Contains(text.String(), s) {
					t.Errorf("problems do not mention %q:\n%s", s, text.String())
				}
			}
		})
	}
}

func TestParseDMARC(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		ok      bool
		policy  string
		sp      string
		percent int
	}{
		{in: "v=DMARC1; p=none", ok: true, policy: "none", percent: 100},
		{in: "v=DMARC1;p=reject;sp=quarantine;pct=0", ok: true, policy: "reject", sp: "quarantine", percent: 0},
		{in: "v=DMARC1; p=none; unknown=tag; fo=1", ok: true, policy: "none", percent: 100},
		{in: "v=DMARC1; p=none;;", ok: true, policy: "none", percent: 100},
		{in: "p=none; v=DMARC1"},
		{in: "p=none"},
		{in: "v=DMARC1"},
		{in: "v=DMARC1; p=none; pct=abc", ok: true, policy: "none", percent: 100}, // removed by RFC 9989: ignored
		{in: "v=DMARC1; p=none; psd=x"},
		{in: "v=DMARC1; p=none; t=maybe"},
		{in: "v=DMARC1; p=none; np=x"},
		{in: "v=DMARC1; p=none; junk"},
		{in: "v=DMARC1; p=none; adkim=x"},
		{in: "v=DMARC1; p=none; p=none"},
		{in: "v=DMARC1; p=none; P=reject"},
		{in: "v=DMARC1.0; p=none"},
		{in: "“v=DMARC1; p=none”"},
	}
	for _, tt := range tests {
		pol, err := dnscheck.ParseDMARC(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ParseDMARC(%q) error %v, want ok=%v", tt.in, err, tt.ok)
			continue
		}
		if err != nil {
			if !errors.Is(err, dnscheck.ErrDMARCSyntax) || !strings.HasPrefix(err.Error(), "dnscheck: ") {
				t.Errorf("ParseDMARC(%q) error %v does not wrap ErrDMARCSyntax", tt.in, err)
			}
			continue
		}
		if pol.Policy != tt.policy || pol.SubdomainPolicy != tt.sp || pol.Percent != tt.percent {
			t.Errorf("ParseDMARC(%q) = %+v", tt.in, pol)
		}
	}
}

func TestIsDMARC(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		"v=DMARC1; p=none":           true,
		"v=DMARC1":                   true,
		" v = dmarc1 ;p=none":        true,
		"v=DMARC1p=none":             true,
		`"v=DMARC1; p=none"`:         true,
		"v=spf1 -all":                false,
		"p=none; v=DMARC1":           false,
		"v=DMARC":                    false,
		"":                           false,
		"google-site-verification=x": false,
	} {
		if got := dnscheck.IsDMARC(in); got != want {
			t.Errorf("IsDMARC(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestBlocksPlatform(t *testing.T) {
	t.Parallel()
	pass := func(policy string, pct int) dnscheck.DMARCReport {
		return dnscheck.DMARCReport{Status: "pass", Policy: policy, Percent: pct, Problems: []dnscheck.Problem{}}
	}
	tests := []struct {
		name  string
		d     dnscheck.DMARCReport
		ready bool
		want  string // "" for no problem, else a word of the message
	}{
		{"reject, not ready", pass("reject", 100), false, "rejected"},
		{"quarantine, not ready", pass("quarantine", 100), false, "quarantined"},
		// RFC 9989 removed pct=: receivers that follow it apply the policy
		// to all failing mail.
		{"quarantine pct 25", pass("quarantine", 25), false, "quarantined (delivered to spam) now"},
		{"reject pct 0", pass("reject", 0), false, "rejected now"},
		{"reject t=y is applied as quarantine", dnscheck.DMARCReport{Status: "pass", Policy: "reject", Testing: true}, false, "quarantined"},
		{"quarantine t=y holds nothing back", dnscheck.DMARCReport{Status: "pass", Policy: "quarantine", Testing: true}, false, ""},
		{"none", pass("none", 100), false, ""},
		{"reject but ready", pass("reject", 100), true, ""},
		{"invalid record", dnscheck.DMARCReport{Status: "invalid", Policy: ""}, false, ""},
		{"missing", dnscheck.DMARCReport{Status: "missing"}, false, ""},
	}
	for _, tt := range tests {
		p, ok := dnscheck.BlocksPlatform(tt.d, tt.ready, testPlatform)
		if ok != (tt.want != "") {
			t.Errorf("%s: ok = %v, problem %+v", tt.name, ok, p)
			continue
		}
		if !ok {
			continue
		}
		if p.Code != dnscheck.CodeDMARCBlocksPlatform || p.Severity != dnscheck.SeverityError ||
			!strings.Contains(p.Message, tt.want) || !strings.Contains(p.Message, testPlatform) || p.Fix == "" {
			t.Errorf("%s: problem %+v", tt.name, p)
		}
	}
}

// TestCheckDMARCReportsTo: the report keeps where the record sends its
// aggregate reports (rua=), and nothing when it has no rua=.
func TestCheckDMARCReportsTo(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t,
		zoneYC("_dmarc IN TXT "+txt("v=DMARC1; p=none; rua=mailto:dmarc@yourcenter.edu,mailto:x@reports.example")))
	r := dnscheck.CheckDMARC(context.Background(), newLookup(srv), testDomain)
	if want := []string{"mailto:dmarc@yourcenter.edu", "mailto:x@reports.example"}; fmt.Sprint(r.ReportsTo) != fmt.Sprint(want) {
		t.Errorf("ReportsTo = %q, want %q", r.ReportsTo, want)
	}
	pol, err := dnscheck.ParseDMARC("v=DMARC1; p=none")
	if err != nil || pol.Reports != nil {
		t.Errorf("ParseDMARC without rua= = %+v, %v; want no Reports", pol, err)
	}
}

func TestReportAddress(t *testing.T) {
	for in, want := range map[string]string{
		"mailto:d@x.edu":          "d@x.edu",
		"MAILTO:d@x.edu":          "d@x.edu",
		"https://r.example/dmarc": "https://r.example/dmarc",
		"mailto:":                 "mailto:",
	} {
		if got := dnscheck.ReportAddress(in); got != want {
			t.Errorf("ReportAddress(%q) = %q, want %q", in, got, want)
		}
	}
}
