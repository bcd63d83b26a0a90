package reports

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// smServer serves the platform's include (with an address the platform
// file does not list), yourcenter.edu with Google Workspace as its mail
// provider, and Google's include.
func smServer(t *testing.T) *dnstest.Server {
	t.Helper()
	return dnstest.StartT(t,
		"$ORIGIN outreachsystems.com.\n@ IN SOA ns hostmaster 1 3600 600 86400 300\n@ IN NS ns\nns IN A 127.0.0.1\n"+
			"spf IN TXT \"v=spf1 ip4:107.20.160.162 ip4:198.18.7.0/24 -all\"\n",
		"$ORIGIN yourcenter.edu.\n@ IN SOA ns hostmaster 1 3600 600 86400 300\n@ IN NS ns\nns IN A 127.0.0.1\n"+
			"@ IN MX 20 alt1.aspmx.l.google.com.\n@ IN MX 10 aspmx.l.google.com.\n",
		"$ORIGIN google.com.\n@ IN SOA ns hostmaster 1 3600 600 86400 300\n@ IN NS ns\nns IN A 127.0.0.1\n"+
			"_spf IN TXT \"v=spf1 include:_netblocks.google.com ~all\"\n"+
			"_netblocks IN TXT \"v=spf1 ip4:209.85.128.0/17 ip4:172.217.0.0/19 ~all\"\n",
	)
}

func smKnowledge(t *testing.T, srv *dnstest.Server) Knowledge {
	t.Helper()
	q := dnscheck.NewClient(dnscheck.WithServers(srv.Addr()), dnscheck.WithTimeout(2*time.Second))
	return Learn(context.Background(), q, assets.DefaultPlatform(), nil, []string{"yourcenter.edu"})
}

func smRead(t *testing.T, fxs ...fxReport) []Result {
	t.Helper()
	var out []Result
	for _, fx := range fxs {
		out = append(out, ReadInput(context.Background(), fx.org+".xml", strings.NewReader(fx.xml()))...)
	}
	return out
}

func TestLearnReadsOnce(t *testing.T) {
	t.Parallel()
	srv := smServer(t)
	k := smKnowledge(t, srv)
	if k.PlatformNote != "" || len(k.PlatformNetworks) != 2 || k.PlatformNetworks[1].String() != "198.18.7.0/24" {
		t.Errorf("platform set %v (%s)", k.PlatformNetworks, k.PlatformNote)
	}
	g := k.Providers["yourcenter.edu"]
	if g.Name != "Google Workspace" || len(g.Networks) != 2 || g.Note != "" {
		t.Errorf("provider %+v", g)
	}
	seen := map[string]int{}
	for _, q := range srv.Queries() {
		seen[fmt.Sprint(q.Name, " ", q.Type, " ", q.Proto)]++
	}
	for key, n := range seen {
		if n > 1 {
			t.Errorf("%s asked %d times", key, n)
		}
	}
}

func TestSummaryPlatformAmongOthers(t *testing.T) {
	t.Parallel()
	srv := smServer(t)
	k := smKnowledge(t, srv)
	s := Summarise(smRead(t, fxGoogle(), fxMicrosoft()), k)
	if len(s.Domains) != 1 {
		t.Fatalf("domains %+v", s.Domains)
	}
	d := s.Domains[0]
	p := d.Platform
	// Google: 12 + 5 of the platform's (by address, by selector);
	// Microsoft: 4 by address, signed only by the platform's own domain.
	if p.Messages != 21 || p.DMARCPass != 17 || p.DKIMAlignedPass != 17 || p.SPFAlignedPass != 12 || p.Dispositions["none"] != 21 {
		t.Errorf("platform %+v", p)
	}
	if d.Messages != 38 || d.Policy != "none" || strings.Join(d.Reporters, ",") != "google.com,Microsoft" {
		t.Errorf("domain %+v", d)
	}
	if len(d.Others) != 2 || d.Others[0] != (OtherSource{SourceIP: fxProviderIP, Messages: 10, DMARCPass: 10, KnownAs: "Google Workspace"}) ||
		d.Others[1] != (OtherSource{SourceIP: fxStrangerIP, Messages: 7, DMARCPass: 0}) {
		t.Errorf("others %+v", d.Others)
	}
	want := "Neoserra's mail passed DMARC in 17 of 21 messages (reported by google.com and Microsoft, 1–7 Dec)."
	if !strings.HasPrefix(d.Verdict, want) || !strings.Contains(d.Verdict, "DKIM did not pass aligned in 4 messages; SPF did not pass aligned in 9 messages") {
		t.Errorf("verdict %q", d.Verdict)
	}
	if !strings.Contains(d.NextStep, "CNAME osc1._domainkey.yourcenter.edu pointing to osc1._domainkey.outreachsystems.com.") ||
		!strings.Contains(d.NextStep, "include:spf.outreachsystems.com") {
		t.Errorf("next step %q", d.NextStep)
	}
	if d.Passes || s.AllPass() || s.Failed() {
		t.Errorf("passes %v %v failed %v", d.Passes, s.AllPass(), s.Failed())
	}
	if len(s.Reports) != 2 || s.Reports[0].Messages != 34 || s.Reports[1].Messages != 4 || s.Reports[0].Begin != "2026-12-01T00:00:00Z" {
		t.Errorf("reports %+v", s.Reports)
	}
}

func TestSummaryEverySenderPasses(t *testing.T) {
	t.Parallel()
	k := Knowledge{PlatformName: "Neoserra", Selector: "osc1", PlatformNetworks: assets.DefaultPlatform().SPF.IPs}
	fx := fxGoogle()
	fx.rows = slices.DeleteFunc(fx.rows, func(r fxRow) bool { return r.dkim == "fail" })
	s := Summarise(smRead(t, fx), k)
	d := s.Domains[0]
	if !d.Passes || !s.AllPass() || d.NextStep != "every sender passes: you can move to p=quarantine" {
		t.Errorf("%+v", d)
	}
	if d.Verdict != "Neoserra's mail passed DMARC in 17 of 17 messages (reported by google.com, 1 Dec)." {
		t.Errorf("verdict %q", d.Verdict)
	}
	// With a stranger failing, the platform passes but the next step
	// asks about the failing sources first.
	s = Summarise(smRead(t, fxGoogle()), k)
	d = s.Domains[0]
	if !d.Passes || strings.Contains(d.NextStep, "p=quarantine") || !strings.Contains(d.Verdict, "Other sources failed DMARC in 7 messages from 1 address") {
		t.Errorf("%+v", d)
	}
}

func TestSummaryNoPlatformMail(t *testing.T) {
	t.Parallel()
	k := Knowledge{PlatformName: "Neoserra", Selector: "osc1", PlatformNetworks: assets.DefaultPlatform().SPF.IPs}
	fx := fxGoogle()
	fx.rows = fx.rows[:1]
	s := Summarise(smRead(t, fx), k)
	d := s.Domains[0]
	if d.Passes || s.AllPass() || !strings.HasPrefix(d.Verdict, "The reports hold none of Neoserra's mail for yourcenter.edu") {
		t.Errorf("%+v", d)
	}
}

func TestSummaryUnreadableInputNamed(t *testing.T) {
	t.Parallel()
	k := Knowledge{PlatformName: "Neoserra", Selector: "osc1"}
	res := append(smRead(t, fxGoogle()), ReadInput(context.Background(), "junk.bin", strings.NewReader("\x00\x01"))...)
	s := Summarise(res, k)
	if !s.Failed() || len(s.Reports) != 2 || s.Reports[1].File != "junk.bin" || s.Reports[1].Error == "" || len(s.Domains) != 1 {
		t.Errorf("%+v", s)
	}
}

func TestWriteTextSanitises(t *testing.T) {
	t.Parallel()
	k := Knowledge{PlatformName: "Neoserra", Selector: "osc1", PlatformNetworks: assets.DefaultPlatform().SPF.IPs}
	fx := fxGoogle()
	// XML forbids ESC, but allows the C1 CSI and bidi overrides.
	fx.org = "evil\u009b31m\u202ecorp"
	var b strings.Builder
	WriteText(&b, Summarise(smRead(t, fx), k))
	out := b.String()
	if strings.ContainsAny(out, "\u009b\u202e") || !strings.Contains(out, `evil\x9b31m`) {
		t.Errorf("output:\n%s", out)
	}
	for _, want := range []string{"Reports read: 1", "yourcenter.edu (policy p=none; 34 messages)", "Neoserra: 17 messages, DMARC pass 17", "203.0.113.5: 7 messages, DMARC pass 0, fail 7"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}

func TestDateRange(t *testing.T) {
	d := func(y int, m time.Month, day, h int) time.Time { return time.Date(y, m, day, h, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		b, e time.Time
		want string
	}{
		{d(2026, 12, 6, 0), d(2026, 12, 7, 0), "6 Dec"},
		{d(2026, 12, 1, 0), d(2026, 12, 7, 23), "1–7 Dec"},
		{d(2026, 11, 30, 0), d(2026, 12, 6, 12), "30 Nov–6 Dec"},
		{d(2026, 12, 30, 0), d(2027, 1, 2, 12), "30 Dec 2026–2 Jan 2027"},
		{time.Time{}, d(2027, 1, 2, 12), ""},
	} {
		if got := dateRange(c.b, c.e); got != c.want {
			t.Errorf("dateRange(%v, %v) = %q, want %q", c.b, c.e, got, c.want)
		}
	}
}
