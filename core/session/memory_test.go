package session

import (
	"slices"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/plan"
)

// TestRunRemembersEarlierChoices: what a plan takes out of the SPF record
// (plan.Options.Earlier, FirstSPF) is kept with each domain in the
// session: the providers confirmed before the current one, and the SPF
// records as first read, never those of a later read (after a publish).
func TestRunRemembersEarlierChoices(t *testing.T) {
	google, ok := assets.ProviderByID("google")
	if !ok {
		t.Fatal("no google in the catalog")
	}
	const d = "yourcenter.edu"
	first := []string{"v=spf1 include:spf.protection.outlook.com -all"}
	s := &Session{}
	s.SetFirst(input(t, d))
	s.Read(discovery.Snapshot{Domain: d, SPF: first}, at(10, 0))
	s.SetProvider(d, plan.ProviderChoice{Provider: google}, true)
	// A publish, then the domain read again: the record has Google's include.
	s.Changed(at(10, 5))
	s.Read(discovery.Snapshot{Domain: d, SPF: []string{"v=spf1 include:spf.protection.outlook.com include:_spf.google.com -all"}}, at(10, 6))
	s.SetProvider(d, microsoft(t), true)
	in, err := s.PlanInput(s.First())
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Earlier) != 1 || in.Earlier[0].ID != "google" {
		t.Errorf("earlier = %+v, want Google only", in.Earlier)
	}
	if !slices.Equal(in.FirstSPF, first) {
		t.Errorf("first SPF = %q, want the first read's %q", in.FirstSPF, first)
	}
	if !slices.Equal(in.ReportsFrom, []string{d}) {
		t.Errorf("reports from = %q", in.ReportsFrom)
	}
	// Choosing Google again does not list it as earlier than itself;
	// Microsoft 365 becomes an earlier choice.
	s.SetProvider(d, plan.ProviderChoice{Provider: google}, true)
	in, _ = s.PlanInput(s.First())
	if len(in.Earlier) != 2 || in.Earlier[1].ID != "microsoft365" {
		t.Errorf("earlier after Google again = %+v", in.Earlier)
	}
	// A proposal nobody confirmed was never a choice.
	s2 := &Session{}
	s2.SetFirst(input(t, d))
	s2.Read(discovery.Snapshot{Domain: d, SPF: first}, at(10, 0))
	s2.SetProvider(d, microsoft(t), false)
	s2.SetProvider(d, plan.ProviderChoice{Provider: google}, true)
	if in, _ := s2.PlanInput(s2.First()); len(in.Earlier) != 0 {
		t.Errorf("an unconfirmed proposal counts as an earlier choice: %+v", in.Earlier)
	}
}

// TestFirstReadWithTrouble: a first read whose TXT lookup got no answer
// knows nothing of the SPF records: the next read is the first.
func TestFirstReadWithTrouble(t *testing.T) {
	const d = "yourcenter.edu"
	s := &Session{}
	s.SetFirst(input(t, d))
	s.Read(discovery.Snapshot{Domain: d, Trouble: []discovery.Trouble{{Name: d + ".", Type: "TXT"}}}, at(10, 0))
	s.Read(discovery.Snapshot{Domain: d, SPF: []string{"v=spf1 -all"}}, at(10, 1))
	s.SetProvider(d, microsoft(t), true)
	in, _ := s.PlanInput(s.First())
	if !slices.Equal(in.FirstSPF, []string{"v=spf1 -all"}) {
		t.Errorf("first SPF = %q", in.FirstSPF)
	}
}

// TestReportsDecideNothing: DMARC aggregate reports read in the confirm
// step are noted with their verdicts, under their own heading, and never
// decide the checkbox, even from a saved file that says they do.
func TestReportsDecideNothing(t *testing.T) {
	s := oneDomain(t, "yourcenter.edu")
	m := ReportsOf("rua.xml.gz", "fail", []string{"Neoserra's mail failed DMARC in 3 of 3 messages."}, at(10, 30))
	m.Checkbox, m.FromDomain = "on", "yourcenter.edu"
	s.AddMessage(m)
	if _, ok := s.decidingMessage(); ok {
		t.Fatal("reports decided the checkbox")
	}
	note := s.MessageNote(s.Messages[0])
	if !strings.Contains(note, "DMARC aggregate reports read at") || !strings.Contains(note, "failed DMARC in 3 of 3") {
		t.Errorf("note = %q", note)
	}
	sum := Summarise(assets.DefaultPlatform(), s, 100)
	if !strings.Contains(sum, "Confirmed with DMARC aggregate reports") || strings.Contains(sum, "Confirmed with a real message") {
		t.Errorf("summary:\n%s", sum)
	}
}
