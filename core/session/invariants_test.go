package session

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/audience"
	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/domainname"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
)

// at is 2026-12-07 at hh:mm, local time (the wizard says times in local
// time).
func at(hh, mm int) time.Time { return time.Date(2026, 12, 7, hh, mm, 0, 0, time.Local) }

func input(t *testing.T, d string) domainname.Input {
	t.Helper()
	in, err := domainname.Normalize(d)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func report(d string, ready bool) dnscheck.DomainReport {
	r := dnscheck.DomainReport{Domain: d, Ready: ready}
	r.SPF.Status, r.DKIM.Status, r.DMARC.Status = dnscheck.VerdictPass, dnscheck.VerdictPass, dnscheck.VerdictPass
	if !ready {
		r.SPF.Status, r.DKIM.Status = dnscheck.VerdictFail, dnscheck.VerdictMissing
	}
	return r
}

func microsoft(t *testing.T) plan.ProviderChoice {
	t.Helper()
	p, ok := assets.ProviderByID("microsoft365")
	if !ok {
		t.Fatal("no microsoft365 in the catalog")
	}
	return plan.ProviderChoice{Provider: p, Detected: true}
}

// oneDomain is a session for d, read at 10:00 with its provider
// confirmed.
func oneDomain(t *testing.T, d string) *Session {
	t.Helper()
	s := &Session{}
	s.SetFirst(input(t, d))
	s.Read(discovery.Snapshot{Domain: d}, at(10, 0))
	s.SetProvider(d, microsoft(t), true)
	return s
}

// Derived values come from the newest facts: a plan built from an older
// read is never returned, or recorded, once DNS was read again, checked
// after it, or changed by the wizard.
func TestPlanFromNewestRead(t *testing.T) {
	s := oneDomain(t, "yourcenter.edu")
	d := s.First()
	old, err := s.PlanInput(d)
	if err != nil {
		t.Fatal(err)
	}
	if !s.SetPlan(old, plan.Plan{Domain: "yourcenter.edu"}) || len(s.Plans()) != 1 || !s.Current(d) {
		t.Fatal("a plan of the newest read was not kept")
	}
	// A publish (the demo's p) makes the read older than DNS.
	s.Changed(at(10, 5))
	if _, ok := s.Plan(d); ok || s.Current(d) || len(s.Stale()) != 1 {
		t.Fatal("the plan of a read older than a publish is still current")
	}
	// A check after the read: the read is older than what the check saw.
	s2 := oneDomain(t, "yourcenter.edu")
	s2.Checked([]dnscheck.DomainReport{report("yourcenter.edu", false)}, at(10, 10))
	if s2.Current(s2.First()) {
		t.Fatal("a read older than the last check counts as current")
	}
	// Read again: the plan built from the older read is refused.
	s.Read(discovery.Snapshot{Domain: "yourcenter.edu", SPF: []string{"v=spf1 -all"}}, at(10, 6))
	if s.SetPlan(old, plan.Plan{Domain: "yourcenter.edu"}) {
		t.Fatal("a plan built from an older read was recorded")
	}
	if _, ok := s.Plan(d); ok {
		t.Fatal("going on after a new read brings back the older read's plan")
	}
	// A read that finishes after a newer one is dropped.
	s.Read(discovery.Snapshot{Domain: "yourcenter.edu"}, at(10, 1))
	if len(s.First().Snap.SPF) != 1 {
		t.Fatal("an older read replaced a newer one")
	}
	// Another provider or address is another plan.
	in, _ := s.PlanInput(d)
	s.SetPlan(in, plan.Plan{Domain: "yourcenter.edu"})
	s.ReportAddress = "dmarc@yourcenter.edu"
	if _, ok := s.Plan(d); ok {
		t.Fatal("a plan without the reports address is current after one was given")
	}
}

// The summary says ON and OFF: a message verified before the records were
// published fails, the check after the publish passes. The decision is
// the newest fact's, said once; the message is marked older, with its
// time.
func TestOldVerdictIsMarked(t *testing.T) {
	p := assets.DefaultPlatform()
	s := oneDomain(t, "yourcenter.edu")
	s.Checked([]dnscheck.DomainReport{report("yourcenter.edu", false)}, at(10, 30))
	s.AddMessage(Message{Source: "/tmp/m.eml", FromDomain: "yourcenter.edu", Verdict: "fail", Checkbox: "on", Line: "Verdict: fails: turn it ON", At: at(10, 42)})
	s.Changed(at(10, 45))
	s.Read(discovery.Snapshot{Domain: "yourcenter.edu"}, at(10, 46))
	s.Checked([]dnscheck.DomainReport{report("yourcenter.edu", true)}, at(10, 50))

	d := Decide(p, s, audience.Command)
	if d.Checkbox != "off" || d.ByMessage {
		t.Fatalf("decision %+v, want OFF from the check after the publish", d)
	}
	note := s.MessageNote(s.Messages[0])
	if note != "Checked at 10:42, before the records were published: check a new message. (Then it fails DMARC.)" {
		t.Fatalf("note = %q", note)
	}
	sum := Summarise(p, s, 100)
	if n := strings.Count(sum, "sender setting: turn it"); n != 1 || !strings.Contains(sum, "turn it OFF") {
		t.Fatalf("the summary decides %d times:\n%s", n, sum)
	}
	if strings.Contains(sum, "turn it ON") || strings.Contains(sum, "Turn ON") || !strings.Contains(sum, note) {
		t.Fatalf("the summary repeats the older message's instruction, or does not mark it:\n%s", sum)
	}
	if n := strings.Count(sum, `"`+p.Setting.Label+`"`); n != 1 {
		t.Fatalf("the summary names the setting %d times:\n%s", n, sum)
	}
}

// When a newer fact contradicts an older one, the newest wins and the
// wizard says why: a message verified after the last check fails.
func TestNewerMessageDecides(t *testing.T) {
	p := assets.DefaultPlatform()
	s := oneDomain(t, "yourcenter.edu")
	s.Checked([]dnscheck.DomainReport{report("yourcenter.edu", true)}, at(10, 30))
	s.AddMessage(Message{Source: "/tmp/m.eml", FromDomain: "yourcenter.edu", Verdict: "fail", Checkbox: "on", At: at(10, 42)})
	d := Decide(p, s, audience.Command)
	if d.Checkbox != "on" || !d.ByMessage || !strings.Contains(d.Why, "the message from yourcenter.edu verified at 10:42, after the last DNS check, fails DMARC") {
		t.Fatalf("decision %+v", d)
	}
	sum := Summarise(p, s, 100)
	if strings.Count(sum, "sender setting: turn it ON") != 1 || strings.Contains(sum, "turn it OFF") {
		t.Fatalf("summary:\n%s", sum)
	}
	// A check after the message is newer again.
	s.Checked([]dnscheck.DomainReport{report("yourcenter.edu", true)}, at(10, 50))
	if d := Decide(p, s, audience.Command); d.Checkbox != "off" || d.ByMessage {
		t.Fatalf("decision after a newer check %+v", d)
	}
}

// A message whose From domain is not one of the session's proves nothing
// about them and gives no checkbox instruction.
func TestMessageFromAnotherDomain(t *testing.T) {
	p := assets.DefaultPlatform()
	s := oneDomain(t, "spfvoid.test")
	s.Checked([]dnscheck.DomainReport{report("spfvoid.test", false)}, at(10, 30))
	s.AddMessage(Message{Source: "/tmp/sig.eml", FromDomain: "sig.test", Verdict: "pass", Checkbox: "off",
		Line: "Verdict: Neoserra mail from sig.test passes DMARC: keep the setting OFF.", At: at(10, 42)})
	if d := Decide(p, s, audience.Command); d.Checkbox != "on" || d.ByMessage {
		t.Fatalf("a message from another domain decided: %+v", d)
	}
	note := s.MessageNote(s.Messages[0])
	if !strings.Contains(note, "sig.test is not one of the domains being set up: it proves nothing about spfvoid.test") {
		t.Fatalf("note = %q", note)
	}
	sum := Summarise(p, s, 100)
	if strings.Contains(sum, "keep the setting OFF") || strings.Contains(sum, "turn it OFF") || strings.Count(sum, "sender setting: turn it ON") != 1 {
		t.Fatalf("summary:\n%s", sum)
	}
}

// A failed lookup stays failed: no records are proposed for the domain
// until it has been read, and what was read before is not kept as if it
// were current.
func TestFailedLookupStaysFailed(t *testing.T) {
	s := oneDomain(t, "yourcenter.edu")
	s.SetOthers([]domainname.Input{input(t, "stateuniv.edu")})
	s.Record(Lookup{Domain: "stateuniv.edu", At: at(10, 1), Err: errors.New("nothing answers")})
	d := s.Domain("stateuniv.edu")
	_, err := s.PlanInput(d)
	if !errors.Is(err, ErrNotRead) || !strings.Contains(err.Error(), "could not look it up (nothing answers)") {
		t.Fatalf("PlanInput = %v, want the failed lookup", err)
	}
	if d.ProviderSet || d.ProviderConfirmed {
		t.Fatalf("a domain never read has a provider: %+v", d.Provider)
	}
	if got := s.Plans(); len(got) != 0 {
		t.Fatalf("plans for a failed lookup: %+v", got)
	}
	// Read after a retry, it still needs its provider confirmed.
	s.Read(discovery.Snapshot{Domain: "stateuniv.edu"}, at(10, 2))
	if _, err := s.PlanInput(d); !errors.Is(err, ErrUnconfirmed) {
		t.Fatalf("PlanInput after the read = %v, want the provider unconfirmed", err)
	}
	// A read then a failed lookup: the older read is dropped.
	s.Record(Lookup{Domain: "stateuniv.edu", At: at(10, 3), Err: errors.New("SERVFAIL")})
	if !d.ReadAt.IsZero() || d.LookupErr == "" {
		t.Fatalf("after a failed lookup: read at %v, error %q", d.ReadAt, d.LookupErr)
	}
}

// Every domain's provider is confirmed: one added is proposed its
// detected provider, and nothing is built on it until the person
// confirms it.
func TestAddedDomainProviderConfirmed(t *testing.T) {
	s := oneDomain(t, "yourcenter.edu")
	s.SetOthers([]domainname.Input{input(t, "othercenter.org")})
	m365 := microsoft(t).Provider
	s.Read(discovery.Snapshot{Domain: "othercenter.org", Provider: m365, ProviderFound: true, MX: []string{"x.mail.protection.outlook.com"}}, at(10, 1))
	d := s.Domain("othercenter.org")
	if !d.ProviderSet || d.ProviderConfirmed || d.Provider.Provider.ID != "microsoft365" || !d.Provider.Detected {
		t.Fatalf("proposed provider %+v, confirmed %v", d.Provider, d.ProviderConfirmed)
	}
	if u := s.Unconfirmed(); len(u) != 1 || u[0] != d {
		t.Fatalf("unconfirmed = %v", u)
	}
	if _, err := s.PlanInput(d); !errors.Is(err, ErrUnconfirmed) {
		t.Fatalf("PlanInput = %v", err)
	}
	s.SetProvider("othercenter.org", d.Provider, true)
	if _, err := s.PlanInput(d); err != nil || len(s.Unconfirmed()) != 0 {
		t.Fatalf("after confirming: %v, %v", err, s.Unconfirmed())
	}
	// Another provider chosen drops the check made for the one before.
	s.Checked([]dnscheck.DomainReport{report("othercenter.org", true)}, at(10, 5))
	google, _ := assets.ProviderByID("google")
	s.SetProvider("othercenter.org", plan.ProviderChoice{Provider: google}, true)
	if d.Check != nil {
		t.Fatal("the check made for another provider is kept")
	}
}

// The domains: the first one first; others keep what is known about
// them; the first one never counts twice; a new first domain starts
// afresh.
func TestDomains(t *testing.T) {
	s := oneDomain(t, "yourcenter.edu")
	s.SetOthers([]domainname.Input{input(t, "othercenter.org"), input(t, "yourcenter.edu"), input(t, "othercenter.org")})
	if got := strings.Join(s.Names(), " "); got != "yourcenter.edu othercenter.org" {
		t.Fatalf("names = %q", got)
	}
	s.Read(discovery.Snapshot{Domain: "othercenter.org"}, at(10, 1))
	s.SetOthers([]domainname.Input{input(t, "thirdcenter.net"), input(t, "othercenter.org")})
	if s.Domain("othercenter.org").ReadAt.IsZero() || s.Domains[1].Input.Domain != "thirdcenter.net" {
		t.Fatal("what was known about a domain kept was dropped")
	}
	s.SetFirst(input(t, "yourcenter.org"))
	if s.Has("yourcenter.edu") || !s.First().ReadAt.IsZero() || len(s.Domains) != 3 {
		t.Fatalf("a new first domain kept the old one's facts: %+v", s.Names())
	}
	var empty *Session
	if empty.Names() != nil || empty.First() != nil || empty.Reports() != nil {
		t.Fatal("a nil session knows something")
	}
}

// Saved progress is the session, versioned: what is saved comes back
// (providers and their confirmation, the last check and its time, files,
// messages, the reports address), the step by its ID; version 1 still
// loads, its step given by title.
func TestProgressRoundTrip(t *testing.T) {
	p := assets.DefaultPlatform()
	s := oneDomain(t, "yourcenter.edu")
	s.SetOthers([]domainname.Input{input(t, "othercenter.org")})
	s.Read(discovery.Snapshot{Domain: "othercenter.org"}, at(10, 1))
	s.SetProvider("othercenter.org", microsoft(t), true)
	s.OthersAnswered, s.ReportAddress = true, "dmarc@yourcenter.edu"
	s.Checked([]dnscheck.DomainReport{report("yourcenter.edu", false), report("othercenter.org", true)}, at(10, 30))
	s.AddFile(SavedFile{Path: "/tmp/dns-handoff-yourcenter.edu.md", Holds: "the hand-off sheet"})
	s.AddMessage(Message{Source: "/tmp/m.eml", FromDomain: "yourcenter.edu", Verdict: "fail", Checkbox: "on", At: at(10, 42)})
	s.Changed(at(10, 45))

	prog, ok := s.Progress(p.Name, StepRecords, at(11, 0))
	if !ok || prog.Version != ProgressVersion || prog.Step != "records" {
		t.Fatalf("progress %+v", prog)
	}
	b, err := json.Marshal(prog)
	if err != nil {
		t.Fatal(err)
	}
	var back Progress
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if err := back.Check(p); err != nil {
		t.Fatal(err)
	}
	r, step, err := back.Restore()
	if err != nil || step != StepRecords {
		t.Fatalf("Restore = %v, %q", err, step)
	}
	if got := strings.Join(r.Names(), " "); got != "yourcenter.edu othercenter.org" || !r.OthersAnswered || r.ReportAddress != "dmarc@yourcenter.edu" {
		t.Fatalf("restored %+v", r)
	}
	for _, d := range r.Domains {
		if !d.ProviderConfirmed || d.Provider.Provider.ID != "microsoft365" || d.Check == nil || !d.CheckedAt.Equal(at(10, 30)) || !d.ReadAt.IsZero() {
			t.Fatalf("restored %s: %+v", d.Input.Domain, d)
		}
	}
	if len(r.Files) != 1 || len(r.Messages) != 1 || !r.Messages[0].At.Equal(at(10, 42)) || !r.ChangedAt.Equal(at(10, 45)) {
		t.Fatalf("files %+v, messages %+v, changed %v", r.Files, r.Messages, r.ChangedAt)
	}

	v1 := `{"version":1,"platform":"` + p.Name + `","domains":["yourcenter.edu","othercenter.org"],"provider":"microsoft365","provider_detected":true,` +
		`"step":"Records","reports":[{"domain":"yourcenter.edu","ready":false,"spf":{"status":"fail"},"dkim":{"status":"missing"},"dmarc":{"status":"pass"}}],` +
		`"checked_at":"2026-12-07T10:30:00Z","saved_at":"2026-12-07T11:00:00Z"}`
	var old Progress
	if err := json.Unmarshal([]byte(v1), &old); err != nil {
		t.Fatal(err)
	}
	if err := old.Check(p); err != nil {
		t.Fatalf("a version 1 file does not load: %v", err)
	}
	r, step, err = old.Restore()
	if err != nil || step != StepRecords || !strings.Contains(old.Summary(), "at the Records step") {
		t.Fatalf("Restore v1 = %v, %q, %q", err, step, old.Summary())
	}
	first, other := r.First(), r.Domain("othercenter.org")
	if !first.ProviderConfirmed || first.Check == nil || first.CheckedAt.IsZero() || other == nil || other.ProviderConfirmed || !r.OthersAnswered {
		t.Fatalf("v1 restored: first %+v, other %+v", first, other)
	}

	newer := prog
	newer.Version = ProgressVersion + 1
	if err := newer.Check(p); err == nil {
		t.Fatal("a newer format was taken")
	}
}

// The step that checks the records until they pass was called Verify: a
// version 1 file saved there (by title) and a format 2 file saved before
// its ID changed ("verify") both resume there, under its name now.
func TestProgressRenamedCheckStep(t *testing.T) {
	p := assets.DefaultPlatform()
	for _, tc := range []struct{ version, step string }{{"1", "Verify"}, {"2", "verify"}, {"2", "check"}} {
		domains := `"domains":["yourcenter.edu"],"provider":"microsoft365",`
		if tc.version == "2" {
			domains = `"session":{"domains":[{"name":"yourcenter.edu","provider":"microsoft365","provider_confirmed":true}]},`
		}
		raw := `{"version":` + tc.version + `,"platform":"` + p.Name + `",` + domains +
			`"step":"` + tc.step + `","saved_at":"2026-12-07T11:00:00Z"}`
		var prog Progress
		if err := json.Unmarshal([]byte(raw), &prog); err != nil {
			t.Fatal(err)
		}
		if err := prog.Check(p); err != nil {
			t.Fatalf("version %s at %q does not load: %v", tc.version, tc.step, err)
		}
		_, step, err := prog.Restore()
		if err != nil || ResumeAt(step) != StepCheck {
			t.Errorf("version %s at %q resumes at %q (%v), want %q", tc.version, tc.step, ResumeAt(step), err, StepCheck)
		}
		if !strings.Contains(prog.Summary(), "at the Check step") {
			t.Errorf("version %s at %q: %q", tc.version, tc.step, prog.Summary())
		}
	}
}
