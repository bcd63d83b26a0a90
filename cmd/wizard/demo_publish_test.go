package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/assets"
)

// chooseProvider selects the provider named name on the provider screen
// and chooses it.
func (d *screenDriver) chooseProvider(name string) {
	d.t.Helper()
	selected := func() string {
		for _, l := range strings.Split(d.view(), "\n") {
			if after, ok := strings.CutPrefix(strings.TrimSpace(l), "│ "); ok {
				return strings.TrimSuffix(strings.TrimSpace(after), " (detected)")
			}
		}
		return ""
	}
	for range len(assets.Providers()) {
		d.key("up")
	}
	for range len(assets.Providers()) {
		if selected() == name {
			d.key("enter")
			return
		}
		d.key("down")
	}
	d.t.Fatalf("no provider %q on the screen:\n%s", name, d.view())
}

// TestDemoPublishesWhatIsShown walks the demo's full-screen wizard as a
// person who changes their mind would: a provider, p, back to the
// provider screen, another provider, p, and so on. After every p the
// domain has exactly one SPF record, the one the records screen shows:
// with the provider chosen last, and without the include of a provider
// chosen before it (Microsoft 365's stays: the domain had it to begin
// with). Choosing the provider published last shows the records as DNS
// holds them after that publish: nothing is left to publish.
func TestDemoPublishesWhatIsShown(t *testing.T) {
	const domain = "yourcenter.edu"
	d := newDemoScreen(t, 200, 60)
	d.key("enter")
	d.waitFor("What is your mail domain?")
	d.typ(domain)
	d.waitFor("Will use " + domain)
	d.key("enter")
	d.waitFor("Microsoft 365, detected")
	d.key("enter")

	ms, _ := assets.ProviderByID("microsoft365")
	google, _ := assets.ProviderByID("google")
	zoho, _ := assets.ProviderByID("zoho")
	var chosen []assets.Provider
	for i, p := range []assets.Provider{google, ms, zoho, ms, google, google} {
		if i > 0 {
			d.key("esc") // from the records to the other domains
			d.waitFor("Do your staff send Neoserra mail from any other domain?")
			d.key("esc") // to the provider
		}
		d.waitFor("Who handles your organisation's own mail?")
		d.chooseProvider(p.Name)
		d.waitFor("Do your staff send Neoserra mail from any other domain?")
		d.key("enter")
		d.waitFor("to publish for "+domain, "mail provider: "+p.Name) // Records to publish, or Nothing to publish once all is in place
		d.settle()
		shown := d.shownSPF()
		d.key("p")
		if i > 0 && chosen[i-1].ID == p.ID {
			// The same choice as the publish before: the records are
			// those of DNS as read after it, already in place.
			d.waitFor("Nothing to publish for " + domain + ": every record is already in place.")
		} else {
			d.waitFor("Published")
		}
		got := d.spfRecords(domain)
		if len(got) != 1 || got[0] != shown {
			t.Fatalf("after choosing %s and p, %s has the SPF records %q; the screen shows %q", p.Name, domain, got, shown)
		}
		for _, term := range p.SPFTerms() {
			if !strings.Contains(" "+shown+" ", " "+term+" ") {
				t.Errorf("the record published for %s lacks %s: %q", p.Name, term, shown)
			}
		}
		for _, before := range chosen {
			if before.ID == p.ID || before.ID == ms.ID {
				continue
			}
			for _, term := range before.SPFTerms() {
				if slices.Contains(p.SPFTerms(), term) {
					continue
				}
				if strings.Contains(" "+shown+" ", " "+term+" ") {
					t.Errorf("after going back from %s to %s, the record still has %s: %q", before.Name, p.Name, term, shown)
				}
			}
		}
		chosen = append(chosen, p)
	}

	// p while the records are worked out again (after i) waits for them,
	// then publishes the records that then show. (Another provider first:
	// DNS as read after the last publish already authorises the platform,
	// so the records would be kept whatever i says.)
	d.key("esc")
	d.waitFor("Do your staff send Neoserra mail from any other domain?")
	d.key("esc")
	d.waitFor("Who handles your organisation's own mail?")
	d.chooseProvider(zoho.Name)
	d.waitFor("Do your staff send Neoserra mail from any other domain?")
	d.key("enter")
	d.waitFor("Records to publish for "+domain, "mail provider: "+zoho.Name)
	d.settle()
	d.key("i")
	d.key("p")
	d.waitFor("The records are being worked out; p runs once they show.")
	d.waitFor("Published")
	d.settle()
	shown := d.shownSPF()
	if !strings.Contains(shown, " ip4:") {
		t.Fatalf("after i the screen shows %q, not the platform's addresses", shown)
	}
	if got := d.spfRecords(domain); len(got) != 1 || got[0] != shown {
		t.Errorf("p during a rebuild published %q; the screen shows %q", got, shown)
	}
}
