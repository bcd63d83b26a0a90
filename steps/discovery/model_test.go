package discovery_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/domainname"
	"github.com/outreach-auth/wizard/core/session"
	discoverystep "github.com/outreach-auth/wizard/steps/discovery"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

func TestMain(m *testing.M) { os.Exit(tuitest.Main(m)) }

func TestDiscover(t *testing.T) {
	env := tuitest.NewEnv(t)
	prepared := ""
	m := discoverystep.NewModel(env.Common(80, 20), env.Client, func(_ context.Context, d string) error {
		prepared = d
		return nil
	})
	cmd := m.Enter(tuitest.NewSession(env.Input(t)), common.Forward)
	if !m.Busy() || !tuitest.Contains(m.View(), "Looking up yourcenter.edu") {
		t.Fatalf("not looking up:\n%s", tuitest.Plain(m.View()))
	}
	res := tuitest.Await[discoverystep.ResultMsg](t, cmd)
	if prepared != "yourcenter.edu" {
		t.Errorf("prepare got %q", prepared)
	}
	m.Update(res)
	snap, ok := m.Snapshot()
	if !ok || snap.DNSHost.ID != "cloudflare" || snap.Provider.ID != "microsoft365" {
		t.Fatalf("snapshot = %+v", snap)
	}
	for _, want := range []string{
		"What yourcenter.edu publishes today",
		"DNS host Cloudflare (amy.ns.cloudflare.com, bob.ns.cloudflare.com)",
		"Mail provider Microsoft 365, detected from your MX record yourcenter-edu.mail.protection.outlook.com",
		"SPF " + tuitest.OldSPF,
		"DKIM nothing at osc1._domainkey.yourcenter.edu",
		"DMARC v=DMARC1; p=quarantine",
	} {
		if !tuitest.Contains(m.View(), want) {
			t.Errorf("view lacks %q:\n%s", want, tuitest.Plain(m.View()))
		}
	}
	_, next := m.Update(tuitest.Key("enter"))
	tuitest.Await[common.NextMsg](t, next)
	if f := m.Session().First(); f == nil || f.Snap.Domain != "yourcenter.edu" || f.ReadAt.IsZero() {
		t.Fatalf("the session's first domain = %#v", f)
	}
}

// TestStaleResult: a result for an older lookup is dropped, and r looks
// again.
func TestStaleResult(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := discoverystep.NewModel(env.Common(80, 20), env.Client, nil)
	first := m.Enter(tuitest.NewSession(env.Input(t)), common.Forward)
	old := tuitest.Await[discoverystep.ResultMsg](t, first)
	// Back and forward again: a new lookup starts.
	m.Update(tuitest.Key("esc"))
	second := m.Enter(tuitest.NewSession(env.Input(t)), common.Forward)
	m.Update(old)
	if _, ok := m.Snapshot(); ok || !m.Busy() {
		t.Fatal("a stale result was taken")
	}
	m.Update(tuitest.Await[discoverystep.ResultMsg](t, second))
	if _, ok := m.Snapshot(); !ok {
		t.Fatal("the current result was dropped")
	}
	_, again := m.Update(tuitest.Key("r"))
	if !m.Busy() || again == nil {
		t.Fatal("r did not look again")
	}
}

func TestPrepareFails(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := discoverystep.NewModel(env.Common(40, 16), env.Client, func(context.Context, string) error {
		return errors.New("demo: \x1b[31mno zone")
	})
	m.Update(tuitest.Await[discoverystep.ResultMsg](t, m.Enter(tuitest.NewSession(env.Input(t)), common.Forward)))
	v := m.View()
	if !tuitest.Contains(v, "Could not look up yourcenter.edu: demo: \\x1b[31mno zone", "Press r to try again") {
		t.Fatalf("view:\n%s", tuitest.Plain(v))
	}
	if strings.Contains(v, "\x1b[31m") {
		t.Fatal("an escape sequence from the error reached the screen")
	}
	if _, cmd := m.Update(tuitest.Key("enter")); cmd != nil {
		t.Fatal("enter moved on without a snapshot")
	}
}

// TestTroubleAndStrangeRecords: SERVFAIL is reported as unknown with the
// reason in words, and text from DNS with control characters is shown
// escaped.
func TestTroubleAndStrangeRecords(t *testing.T) {
	env := tuitest.NewEnv(t)
	env.Server.Remove("yourcenter.edu.", dns.TypeTXT)
	if err := env.Server.Add("yourcenter.edu. 300 IN TXT \"v=spf1 \\027[2J -all\""); err != nil {
		t.Fatal(err)
	}
	env.Server.SetFault("_dmarc.yourcenter.edu.", dnstest.Fault{ServFail: true})
	m := discoverystep.NewModel(env.Common(80, 30), env.Client, nil)
	m.Update(tuitest.Await[discoverystep.ResultMsg](t, m.Enter(tuitest.NewSession(env.Input(t)), common.Forward)))
	v := m.View()
	if strings.Contains(v, "\x1b[2J") || !tuitest.Contains(v, `v=spf1 \x1b[2J -all`) {
		t.Fatalf("SPF not escaped:\n%q", v)
	}
	if !tuitest.Contains(v, "DMARC unknown: the DNS server reported a failure") || tuitest.Contains(v, "DMARC none") {
		t.Fatalf("trouble not shown:\n%s", tuitest.Plain(v))
	}
}

func TestGolden(t *testing.T) {
	env := tuitest.NewEnv(t)
	tuitest.Screen{Env: env, Step: discoverystep.Name,
		State: func(t *testing.T) *session.Session { return tuitest.NewSession(env.Input(t)) },
		Wait:  []string{"publishes today"}}.Golden(t)
}

// uniZones are uni.edu (central IT, p=reject for subdomains too) with its
// small business development centre sbdc.uni.edu, and news.uni.edu, an
// alias of a campaign service's name.
const uniZones = `$ORIGIN uni.edu.
@ 300 IN SOA ns1.uni.edu. hostmaster.uni.edu. 1 7200 3600 1209600 300
@ 300 IN NS ns1.uni.edu.
_dmarc 300 IN TXT "v=DMARC1; p=reject; sp=reject"
sbdc 300 IN MX 10 sbdc-uni-edu.mail.protection.outlook.com.
sbdc 300 IN TXT "v=spf1 include:spf.protection.outlook.com -all"
news 300 IN CNAME news.campaigns.example.
$ORIGIN campaigns.example.
@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
news 300 IN TXT "v=spf1 include:spf.protection.outlook.com -all"
`

// TestGoldenShapes: a subdomain under its organisation's policy says whose
// policy applies and who runs it; an alias says the SPF is its target's.
func TestGoldenShapes(t *testing.T) {
	for _, tc := range []struct{ name, domain string }{
		{"Subdomain", "sbdc.uni.edu"},
		{"Alias", "news.uni.edu"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := tuitest.NewEnv(t, uniZones)
			m := discoverystep.NewModel(env.Common(100, 30), env.Client, nil)
			m.Update(tuitest.Await[discoverystep.ResultMsg](t, m.Enter(tuitest.NewSession(tuitest.InputOf(t, tc.domain)), common.Forward)))
			v := tuitest.Plain(m.View())
			want := map[string][]string{
				"sbdc.uni.edu": {"none of its own; uni.edu's applies", "whoever runs uni.edu's DNS", "p=reject; sp=reject"},
				"news.uni.edu": {"Alias", "CNAME to news.campaigns.example", "whose owner must change it"},
			}[tc.domain]
			if !tuitest.Contains(v, want...) {
				t.Errorf("discovery of %s lacks %q:\n%s", tc.domain, want, v)
			}
			tuitest.Screen{Env: env, Step: discoverystep.Name,
				State: func(t *testing.T) *session.Session { return tuitest.NewSession(tuitest.InputOf(t, tc.domain)) },
				Wait:  []string{"publishes today"}}.Golden(t)
		})
	}
}

// deadEnv is a test environment whose DNS client asks 127.0.0.1:9, where
// nothing listens: every lookup is refused at once.
func deadEnv(t *testing.T) *tuitest.Env {
	env := tuitest.NewEnv(t)
	env.Client = dnscheck.NewClient(dnscheck.WithServers(deadServer))
	return env
}

const deadServer = "127.0.0.1:9"

// TestDeadServer: when no lookup is answered, every line says unknown and
// why, never "none" or "no MX records"; the screen offers r to look again,
// which does, and enter goes on with what is known.
func TestDeadServer(t *testing.T) {
	env := deadEnv(t)
	m := discoverystep.NewModel(env.Common(80, 24), env.Client, nil)
	m.Update(tuitest.Await[discoverystep.ResultMsg](t, m.Enter(tuitest.NewSession(env.Input(t)), common.Forward)))
	v := m.View()
	why := "unknown: nothing answers at " + deadServer + " (connection refused)"
	for _, label := range []string{"DNS host", "Mail provider", "SPF", "DKIM", "DMARC"} {
		if !tuitest.Contains(v, label+" "+why) {
			t.Errorf("%s does not say %q:\n%s", label, why, tuitest.Plain(v))
		}
	}
	for _, wrong := range []string{"none", "no MX", "nothing at", "No answer", "error"} {
		if tuitest.Contains(v, wrong) {
			t.Errorf("view says %q:\n%s", wrong, tuitest.Plain(v))
		}
	}
	if !tuitest.Contains(v, "Press r to look again") {
		t.Errorf("r is not offered:\n%s", tuitest.Plain(v))
	}
	_, again := m.Update(tuitest.Key("r"))
	if !m.Busy() || again == nil {
		t.Fatal("r did not look again")
	}
	m.Update(tuitest.Await[discoverystep.ResultMsg](t, again))
	_, next := m.Update(tuitest.Key("enter"))
	tuitest.Await[common.NextMsg](t, next)
	if s := m.Session().First().Snap; len(s.Trouble) == 0 {
		t.Fatalf("enter did not go on with the snapshot and its trouble: %#v", s)
	}
}

// TestFactsUnknownOnlyWhereTrouble: a fact is unknown only when its own
// lookup failed; the failed look at the DKIM name written twice has a line
// of its own while the DKIM name itself answered.
func TestFactsUnknownOnlyWhereTrouble(t *testing.T) {
	env := tuitest.NewEnv(t)
	env.Server.SetFaultType("yourcenter.edu.", dns.TypeMX, dnstest.Fault{Refused: true})
	env.Server.SetFault("osc1._domainkey.yourcenter.edu.yourcenter.edu.", dnstest.Fault{ServFail: true})
	got := map[string]discoverystep.Fact{}
	for _, f := range discoverystep.Facts(env.Snapshot(t)) {
		got[f.Label] = f
	}
	if f := got["Mail provider"]; !f.Unknown || f.Value != "unknown: the DNS server refused to answer" {
		t.Errorf("Mail provider = %+v", f)
	}
	if f := got["SPF"]; f.Unknown || f.Value != tuitest.OldSPF {
		t.Errorf("SPF = %+v, want the record", f)
	}
	if f := got["DKIM (twice)"]; !f.Unknown || f.Value != "unknown whether a CNAME sits at osc1._domainkey.yourcenter.edu.yourcenter.edu, the domain written twice: the DNS server reported a failure" {
		t.Errorf("DKIM (twice) = %+v", f)
	}
	if f := got["DKIM"]; f.Unknown {
		t.Errorf("DKIM = %+v, want what is there", f)
	}
}

// TestGoldenDeadServer: the discovery screen when the DNS server is dead.
func TestGoldenDeadServer(t *testing.T) {
	env := deadEnv(t)
	tuitest.Screen{Env: env, Step: discoverystep.Name,
		State: func(t *testing.T) *session.Session { return tuitest.NewSession(env.Input(t)) },
		Wait:  []string{"publishes today"}}.Golden(t)
}

// TestFactsSubdomainDMARCUnknown: when neither the subdomain's DMARC name
// nor its organisation's answers, one DMARC line says unknown; the
// organisation's lookup is not listed again as a separate "No answer".
func TestFactsSubdomainDMARCUnknown(t *testing.T) {
	env := tuitest.NewEnv(t, uniZones)
	env.Server.SetFault("_dmarc.sbdc.uni.edu.", dnstest.Fault{ServFail: true})
	env.Server.SetFault("_dmarc.uni.edu.", dnstest.Fault{ServFail: true})
	snap := discovery.Discover(context.Background(), env.Client, "sbdc.uni.edu", env.Platform)
	var dmarc, noAnswer []string
	for _, f := range discoverystep.Facts(snap) {
		switch f.Label {
		case "DMARC":
			dmarc = append(dmarc, f.Value)
		case "No answer":
			noAnswer = append(noAnswer, f.Value)
		}
	}
	if len(dmarc) != 1 || !strings.HasPrefix(dmarc[0], "unknown") || len(noAnswer) != 0 {
		t.Errorf("DMARC %q, no answer %q; want one unknown DMARC line and nothing more", dmarc, noAnswer)
	}
}

// TestUnicodeNameInHeading: a name typed in Unicode is looked up in its
// ASCII form; the heading shows both, so the person recognises what they
// typed and sees the form the records use.
func TestUnicodeNameInHeading(t *testing.T) {
	env := tuitest.NewEnv(t)
	if err := env.Server.AddZone("$ORIGIN xn--bcher-kva.example.\n@ IN MX 10 mx.xn--bcher-kva.example.\n"); err != nil {
		t.Fatal(err)
	}
	in, err := domainname.Normalize("Bücher.example")
	if err != nil {
		t.Fatal(err)
	}
	m := discoverystep.NewModel(env.Common(80, 20), env.Client, nil)
	m.Update(tuitest.Await[discoverystep.ResultMsg](t, m.Enter(tuitest.NewSession(in), common.Forward)))
	if !tuitest.Contains(m.View(), "What bücher.example (xn--bcher-kva.example) publishes today") {
		t.Fatalf("heading:\n%s", tuitest.Plain(m.View()))
	}
}
