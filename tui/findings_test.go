package tui_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/cmd/wizard/demo"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/statefile"
	"github.com/outreach-auth/wizard/steps/provider"
	"github.com/outreach-auth/wizard/tui"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// demoWizard is the full-screen wizard over the demo's simulated DNS
// (published at once), driven by hand, at the other domains step for
// yourcenter.edu with its detected provider confirmed. failing names a
// domain whose lookup fails while failLookups is set.
type demoWizard struct {
	*driver
	world       *demo.World
	cfg         tui.Config
	failLookups atomic.Bool
}

func newDemoWizard(t *testing.T, failing string, progress string) *demoWizard {
	t.Helper()
	platform := assets.DefaultPlatform()
	world, err := demo.Start(platform)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { world.Close() })
	world.Lag, world.ResolverLag = 0, 0
	w := &demoWizard{world: world}
	w.cfg = tui.Config{
		Platform: platform, Resolver: world.Checker().Querier(), Checker: world.Checker(), Clipboard: tui.ClipboardOff,
		SaveDir: t.TempDir(), ProgressPath: progress,
		Prepare: func(_ context.Context, domain string) error {
			if domain == failing && w.failLookups.Load() {
				return errors.New("nothing answers for " + domain)
			}
			return world.Prepare(domain)
		},
		Actions: []tui.Action{
			{Key: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "publish (demo)")), ChangesDNS: true,
				Run: func(_ context.Context, p plan.Plan) (string, error) { return world.Publish(p) }},
		},
	}
	w.failLookups.Store(true)
	return w
}

// start runs the wizard up to the other domains.
func (w *demoWizard) start(t *testing.T) {
	t.Helper()
	counts := &actionCount{}
	cfg := w.cfg
	cfg.Actions = nil
	for _, a := range w.cfg.Actions {
		cfg.Actions = append(cfg.Actions, counts.wrap(a))
	}
	m := tui.NewModel(context.Background(), cfg, nil)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 40})
	w.driver = newDriver(t, m)
	w.actions = counts
	w.press("enter")
	for _, k := range tuitest.Type(tuitest.Domain) {
		w.feed(k)
	}
	w.press("enter") // discovery
	w.press("enter") // provider
	w.press("enter") // the detected provider
	w.want(t, session.StepDomains)
}

func (w *demoWizard) want(t *testing.T, id session.StepID, texts ...string) {
	t.Helper()
	if _, got := w.m.Current(); got != id {
		t.Fatalf("at the %s step, want %s:\n%s", got, id, tuitest.Plain(w.m.View()))
	}
	if !tuitest.Contains(w.m.View(), texts...) {
		t.Fatalf("the %s step lacks %q:\n%s", id, texts, tuitest.Plain(w.m.View()))
	}
}

// until feeds the wizard its messages until ok holds; it fails the test
// after 5 s.
func (w *demoWizard) until(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for !ok() {
		select {
		case msg := <-w.msgs:
			w.feed(msg)
		case <-deadline:
			t.Fatalf("never came:\n%s", tuitest.Plain(w.m.View()))
		}
	}
}

func (w *demoWizard) lacks(t *testing.T, texts ...string) {
	t.Helper()
	v := tuitest.Plain(w.m.View())
	for _, s := range texts {
		if strings.Contains(v, s) {
			t.Fatalf("the screen still shows %q:\n%s", s, v)
		}
	}
}

// Records from an older read: publish, see the success, b (the records
// say keep), esc to the other domains, enter: the records are those of
// DNS as last read (keep), not those read before publishing; going back
// to the provider and publishing what is shown leaves one SPF record.
func TestRecordsAfterPublishBackEscEnter(t *testing.T) {
	w := newDemoWizard(t, "", "")
	w.start(t)
	w.press("enter")
	w.want(t, session.StepRecords, "DKIM: add a CNAME record")
	w.press("p") // published: the records are read again
	w.want(t, session.StepRecords, "DKIM: keep the CNAME record")
	w.press("enter")
	w.want(t, session.StepCheck, "ready")
	w.press("b")
	w.want(t, session.StepRecords, "DKIM: keep the CNAME record", "SPF: keep the TXT record")
	w.press("esc")
	w.want(t, session.StepDomains)
	w.press("enter")
	w.want(t, session.StepRecords, "DKIM: keep the CNAME record", "SPF: keep the TXT record")
	w.lacks(t, "add a CNAME", "Replaces v=spf1 include:spf.protection.outlook.com -all")

	// Back to the provider, forward again, publish what is shown.
	w.press("esc")
	w.press("esc")
	w.want(t, session.StepProvider)
	w.press("enter")
	w.press("enter")
	w.want(t, session.StepRecords, "SPF: keep the TXT record")
	w.press("p")
	if n := spfRecords(t, w.world); n != 1 {
		t.Fatalf("the domain has %d SPF records", n)
	}
}

// A failed lookup stays failed: a second domain that could not be looked
// up is never given records (no "No mail of our own" nobody chose); r
// looks it up again, and then its provider is confirmed as the first
// domain's was before any record is proposed.
func TestFailedLookupAndAddedProvider(t *testing.T) {
	const other = "stateuniv.edu"
	w := newDemoWizard(t, other, "")
	w.start(t)
	for _, k := range tuitest.Type(other) {
		w.feed(k)
	}
	w.press("enter")
	w.want(t, session.StepDomains, "could not look it up")
	w.press("enter") // goes on with both: the providers step has nothing to ask
	w.want(t, session.StepRecords, "Domain 1 of 2")
	w.press("right")
	w.want(t, session.StepRecords, other+": could not look it up", "Press r to look it up again")
	w.lacks(t, "No mail of our own", "Records to publish for "+other)
	if got := w.m.Session().Plans(); len(got) != 1 || got[0].Domain != tuitest.Domain {
		t.Fatalf("plans = %+v", got)
	}
	w.press("left")
	w.press("enter")
	if st := w.m.Status(); !strings.Contains(st.Text, "The records for "+other+" could not be worked out") {
		t.Fatalf("enter went on, or said %q", st.Text)
	}
	sum := tui.SummaryText(w.m.Platform, w.m.Session(), 200)
	if strings.Contains(sum, "No mail of our own") || strings.Contains(sum, "v=spf1 include:spf.outreachsystems.com -all") {
		t.Fatalf("the summary proposes records for a domain never read:\n%s", sum)
	}

	// DNS answers now: r reads it, and its provider is asked, as the
	// first domain's was.
	w.failLookups.Store(false)
	w.press("right")
	w.press("r")
	w.want(t, session.StepRecords, "The mail provider of "+other+" is not confirmed yet")
	w.press("esc")
	w.want(t, provider.NameOthers, "Who handles the mail of "+other+"?")
	w.press("enter")
	w.want(t, session.StepRecords, "Domain 1 of 2")
	if d := w.m.Session().Domain(other); !d.ProviderConfirmed {
		t.Fatalf("the provider of %s is not confirmed: %+v", other, d.Provider)
	}
	if got := w.m.Session().Plans(); len(got) != 2 {
		t.Fatalf("plans after confirming = %d", len(got))
	}
}

// Going back from the checks or the records and then saving keeps the
// last check, its time and the files written; so does resuming and
// saving before the new check ends.
func TestBackThenSaveKeepsLastCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	w := newDemoWizard(t, "", path)
	w.start(t)
	w.press("enter")
	w.press("h") // the hand-off sheet: two files
	w.until(t, func() bool { return len(w.m.Session().Files) == 2 })
	w.press("enter")
	w.want(t, session.StepCheck, "Checking")
	s := w.m.Session()
	checkedAt := s.CheckedAt()
	if checkedAt.IsZero() || len(s.Files) != 2 {
		t.Fatalf("checked at %v, files %+v", checkedAt, s.Files)
	}
	for _, k := range []string{"b", "esc"} { // to the records, then the other domains
		w.press(k)
		if err := w.m.SaveProgress(); err != nil {
			t.Fatal(err)
		}
		var p tui.Progress
		if found, err := statefile.Load(path, &p); !found || err != nil {
			t.Fatalf("no progress: %v", err)
		}
		if len(p.Checks()) != 1 || !p.LastCheckedAt().Equal(checkedAt.UTC()) || len(p.Session.Files) != 2 {
			t.Fatalf("after %s the progress lost the last check or the files: %d checks at %v (want %v), files %+v",
				k, len(p.Checks()), p.LastCheckedAt(), checkedAt, p.Session.Files)
		}
	}

	// Resume, and save before the new check ends.
	var saved tui.Progress
	if _, err := statefile.Load(path, &saved); err != nil {
		t.Fatal(err)
	}
	saved.Step = string(session.StepCheck)
	cfg := w.cfg
	cfg.Resume = &saved
	m := tui.NewModel(context.Background(), cfg, nil)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 40})
	m.Update(tuitest.Key("enter")) // resume: the check starts, its command never runs
	if _, id := m.Current(); id != session.StepCheck {
		t.Fatalf("resumed at %s", id)
	}
	if err := m.SaveProgress(); err != nil {
		t.Fatal(err)
	}
	var p tui.Progress
	if _, err := statefile.Load(path, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Checks()) != 1 || !p.LastCheckedAt().Equal(checkedAt.UTC()) || len(p.Session.Files) != 2 {
		t.Fatalf("resuming then saving lost the last check or the files: %d checks at %v (want %v), files %+v",
			len(p.Checks()), p.LastCheckedAt(), checkedAt, p.Session.Files)
	}
	if time.Since(p.SavedAt) > time.Minute {
		t.Fatalf("not saved now: %v", p.SavedAt)
	}
}
