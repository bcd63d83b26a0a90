package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui"
)

// spfValueIn returns the value of the last SPF record in text written
// as plan.WriteText writes it (the line "Value: …" after "SPF: ").
func spfValueIn(t *testing.T, text string) string {
	t.Helper()
	i := strings.LastIndex(text, "SPF: ")
	if i < 0 {
		t.Fatalf("no SPF record in\n%s", text)
	}
	for _, l := range strings.Split(text[i:], "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "Value:"); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("the SPF record has no value in\n%s", text[i:])
	return ""
}

// TestUseIPsAgree: the platform's include lists addresses that differ
// from the platform file's. 'wizard records --use-ips', the records
// screen's i and the line prompts' i all write the live list, the same
// record; and the screen reads the include once per run: a change to it
// after the first i is not seen by the next.
func TestUseIPsAgree(t *testing.T) {
	srv := serve(t, ycZone)
	setInclude := func(terms string) {
		srv.Remove("spf.outreachsystems.com.", dns.TypeTXT)
		if err := srv.Add(`spf.outreachsystems.com. 300 IN TXT "v=spf1 ` + terms + ` -all"`); err != nil {
			t.Fatal(err)
		}
	}
	setInclude(liveIP4)
	want := "v=spf1 include:spf.protection.outlook.com " + liveIP4 + " -all"

	r := recordsRun(t, srv, "yourcenter.edu", "--format", "json", "--use-ips")
	wantOK(t, r)
	_, recs := decodePlan(t, r.stdout)
	if got := byPurpose(t, recs, "spf")["value"]; got != want {
		t.Errorf("--use-ips writes %q, want the live list %q", got, want)
	}

	client := dnscheck.NewClient(dnscheck.WithServers(srv.Addr()), dnscheck.WithTimeout(2*time.Second))
	checker := &dnscheck.Checker{Resolver: client, Direct: true}
	cfg := tui.Config{Platform: assets.DefaultPlatform(), Resolver: checker.Querier(), Checker: checker, Clipboard: tui.ClipboardOff, SaveDir: t.TempDir()}

	// The line prompts: the domain, the detected provider, no other
	// domain, no reports address, then i.
	var out bytes.Buffer
	in := strings.NewReader("yourcenter.edu\n\n\n\ni\nq\n")
	_ = tui.RunAccessible(context.Background(), cfg, in, &out)
	prompts, _, _ := strings.Cut(out.String(), "\nNeoserra sender authentication:") // not the summary after q
	if got := spfValueIn(t, prompts); got != want {
		t.Errorf("the line prompts' i writes %q, want %q", got, want)
	}

	d := newScreen(t, cfg, 200, 60)
	d.key("enter")
	d.waitFor("What is your mail domain?")
	d.typ("yourcenter.edu")
	d.waitFor("Will use yourcenter.edu")
	d.key("enter")
	d.waitFor("Microsoft 365, detected")
	d.key("enter")
	d.waitFor("Microsoft 365 (detected)")
	d.key("enter")
	d.waitFor("Do your staff send Neoserra mail from any other domain?")
	d.key("enter")
	d.waitFor("Records to publish for yourcenter.edu", "include:spf.outreachsystems.com")
	d.key("i")
	d.waitFor("203.0.113.9")
	d.settle()
	if got := d.shownSPF(); got != want {
		t.Errorf("the records screen's i shows %q, want %q", got, want)
	}

	// The include changes; the run has read it already.
	setInclude(liveIP4 + " ip4:203.0.113.10")
	d.key("i")
	d.waitFor("include:spf.outreachsystems.com")
	d.key("i")
	d.waitFor("203.0.113.9")
	d.settle()
	if got := d.shownSPF(); got != want {
		t.Errorf("the second i shows %q, want the list read at the first: %q", got, want)
	}
}
