package plan

import (
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/audience"
)

// TestEarlierProviderTakenOut: the record as read holds Google's include,
// added when the person chose Google Workspace earlier in the run; back
// on Microsoft 365 (the detected provider), the plan takes it out again.
// An include that was there at the first read, or a run that does not
// say what it first read, keeps it.
func TestEarlierProviderTakenOut(t *testing.T) {
	t.Parallel()
	const published = "v=spf1 include:spf.protection.outlook.com include:_spf.google.com include:spf.outreachsystems.com -all"
	srv := startZones(t, domainZone(genericNS, "@ IN MX 0 "+m365MX+".", txtLine("@", published)))
	google, _ := assets.ProviderByID("google")
	first := []string{"v=spf1 include:spf.protection.outlook.com -all"}

	pl := mustPlan(t, srv, testDomain, Options{Earlier: []assets.Provider{google}, FirstSPF: first})
	spf := byPurpose(t, pl, PurposeSPF)
	if want := "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all"; spf.Value != want || spf.Action != ActionReplace {
		t.Errorf("SPF = %s %q, want replace %q", spf.Action, spf.Value, want)
	}
	if notes := strings.Join(spf.Notes, " "); !strings.Contains(notes, "Took out include:_spf.google.com: added for Google Workspace") {
		t.Errorf("notes do not say what was taken out: %q", spf.Notes)
	}
	if len(spf.Replaces) != 1 || spf.Replaces[0] != published {
		t.Errorf("replaces %q, want the record as read", spf.Replaces)
	}

	for name, opt := range map[string]Options{
		"in the first read": {Earlier: []assets.Provider{google}, FirstSPF: []string{published}},
		"no first read":     {Earlier: []assets.Provider{google}},
		"google is chosen":  {Earlier: []assets.Provider{google}, FirstSPF: first, Provider: &google},
	} {
		spf := byPurpose(t, mustPlan(t, srv, testDomain, opt), PurposeSPF)
		if spf.Value != published || spf.Action != ActionKeep {
			t.Errorf("%s: SPF = %s %q, want keep %q", name, spf.Action, spf.Value, published)
		}
	}
}

// TestAskWarningForEachReader: a domain whose MX points to a provider
// with a per-customer SPF entry gets a warning that tells a command's
// reader to run again with --provider, and the wizard's reader (and the
// hand-off sheet's) what to do without a flag.
func TestAskWarningForEachReader(t *testing.T) {
	t.Parallel()
	srv := startZones(t, domainZone(genericNS, "@ IN MX 0 yourcenter-edu.mail.eo.outlook.ppe-hosted.com.", txtLine("@", "v=spf1 -all")))
	pl := mustPlan(t, srv, testDomain, Options{})
	find := func(ws []string) string {
		for _, w := range ws {
			if strings.Contains(w, "differs from one customer to the next") {
				return w
			}
		}
		t.Fatalf("no per-customer warning in %q", ws)
		return ""
	}
	if w := find(pl.WarningsFor(audience.Command)); !strings.Contains(w, "--provider include:") {
		t.Errorf("the command's warning lost its flag: %q", w)
	}
	for _, a := range []audience.Audience{audience.Wizard, audience.Sheet} {
		if w := find(pl.WarningsFor(a)); strings.Contains(w, "--") {
			t.Errorf("audience %d: the warning names a flag: %q", a, w)
		}
	}
}
