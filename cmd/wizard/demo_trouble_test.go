package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/cmd/wizard/demo"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
	"github.com/outreach-auth/wizard/tui"
)

// troubleFix is what the wizard says to do when the DNS servers of
// google.com refuse to answer for Google's include: the name, not a flag.
const troubleFix = "The DNS servers of google.com refused to answer for _spf.google.com."

// TestDemoTroubleNamesTheName walks the demo's full-screen wizard with
// Google Workspace's include refused by DNS, to the checks and on to the
// end: the checks' fix names the name that failed, and no screen of the
// walk names the --dns-server flag, which the person never used.
func TestDemoTroubleNamesTheName(t *testing.T) {
	const domain = "yourcenter.edu"
	d := newDemoScreen(t, 100, 40)
	d.world.SetFault("_spf.google.com", dnstest.Fault{Refused: true})
	d.key("enter")
	d.waitFor("What is your mail domain?")
	d.typ(domain)
	d.waitFor("Will use " + domain)
	d.key("enter")
	d.waitFor("Microsoft 365, detected")
	d.key("enter")
	d.waitFor("Who handles your organisation's own mail?")
	d.chooseProvider("Google Workspace")
	d.waitFor("Do your staff send Neoserra mail from any other domain?")
	d.key("enter")
	d.waitFor("Records to publish for " + domain)
	d.settle()
	d.key("p")
	d.waitFor("Published")
	d.key("enter")
	d.waitFor("refused to answer for _spf.google.com")
	d.settle()
	if v := strings.Join(strings.Fields(d.view()), " "); !strings.Contains(v, troubleFix) {
		t.Errorf("the checks do not name the name that failed (%q):\n%s", troubleFix, d.view())
	}
	d.key("a") // on to the advice: a, and a again to confirm
	d.key("a")
	d.waitFor("Second best")
	d.settle()
	d.key("enter")
	d.waitFor("Confirm with a real message")
	d.settle()
	for _, v := range append(d.views, d.m.Summary().Text) {
		if strings.Contains(v, "--dns-server") {
			t.Fatalf("a screen of the wizard names --dns-server:\n%s", v)
		}
	}
}

// TestDemoAccessibleTroubleNamesTheName is the same walk with the line
// prompts: the fix names the name, and nothing the wizard writes names
// --dns-server.
func TestDemoAccessibleTroubleNamesTheName(t *testing.T) {
	world, err := demo.Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = world.Close() })
	world.Lag, world.ResolverLag = 0, 0
	world.SetFault("_spf.google.com", dnstest.Fault{Refused: true})
	cfg := demoConfig(world)
	cfg.Platform, cfg.Clipboard, cfg.SaveDir = world.Platform(), tui.ClipboardOff, t.TempDir()
	in := strings.Join([]string{
		"yourcenter.edu",
		"2", // Google Workspace
		"",  // no other domains
		"",  // no DMARC reports
		"p",
		"",  // check
		"a", // on to the advice
		"",  // the advice
		"",  // no message to verify
	}, "\n") + "\n"
	var out bytes.Buffer
	if err := tui.RunAccessible(context.Background(), cfg, strings.NewReader(in), &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	got := out.String()
	if !strings.Contains(got, "Mail provider: Google Workspace.") {
		t.Fatalf("Google Workspace was not picked:\n%s", got)
	}
	if !strings.Contains(got, "Fix: "+troubleFix) {
		t.Errorf("the check's fix does not name the name that failed (%q):\n%s", troubleFix, got)
	}
	if strings.Contains(got, "--dns-server") {
		t.Errorf("the line prompts name --dns-server:\n%s", got)
	}
}
