package tui_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/cmd/wizard/demo"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/steps/checking"
	confirmstep "github.com/outreach-auth/wizard/steps/confirm"
	discoverystep "github.com/outreach-auth/wizard/steps/discovery"
	"github.com/outreach-auth/wizard/steps/domains"
	"github.com/outreach-auth/wizard/steps/records"
	"github.com/outreach-auth/wizard/tui"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// driver runs the full-screen wizard's model by hand: every command in a
// goroutine of its own (as Bubble Tea does), every message it answers fed
// back to the model, one at a time. Timers (spinner and polling ticks) are
// dropped, so nothing happens but what the keys and the lookups cause.
type driver struct {
	t       *testing.T
	m       *tui.Model
	msgs    chan tea.Msg
	done    chan struct{}
	quit    bool
	actions *actionCount
}

// actionCount counts the demo's publish actions started and finished, so
// that the driver waits for one in flight.
type actionCount struct{ started, finished atomic.Int64 }

func (c *actionCount) idle() bool { return c.started.Load() == c.finished.Load() }

// wrap counts a's runs.
func (c *actionCount) wrap(a tui.Action) tui.Action {
	run := a.Run
	a.Run = func(ctx context.Context, p plan.Plan) (string, error) {
		c.started.Add(1)
		defer c.finished.Add(1)
		return run(ctx, p)
	}
	return a
}

func newDriver(t *testing.T, m *tui.Model) *driver {
	d := &driver{t: t, m: m, msgs: make(chan tea.Msg, 256), done: make(chan struct{}), actions: &actionCount{}}
	t.Cleanup(func() { close(d.done) })
	return d
}

// run starts cmd: a batch's commands in parallel, a sequence's one after
// the other.
func (d *driver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go d.exec(cmd)
}

func (d *driver) exec(cmd tea.Cmd) {
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			d.run(c)
		}
		return
	}
	if v := reflect.ValueOf(msg); v.IsValid() && v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
		for i := range v.Len() {
			if c, _ := v.Index(i).Interface().(tea.Cmd); c != nil {
				d.exec(c)
			}
		}
		return
	}
	if msg == nil {
		return
	}
	select {
	case d.msgs <- msg:
	case <-d.done:
	}
}

func (d *driver) feed(msg tea.Msg) {
	switch msg.(type) {
	case tea.QuitMsg:
		d.quit = true
		return
	case spinner.TickMsg, checking.TickMsg:
		return
	}
	_, cmd := d.m.Update(msg)
	d.run(cmd)
}

// settled reports whether the current step's work is done.
func (d *driver) settled() bool {
	step, _ := d.m.Current()
	switch s := step.(type) {
	case *discoverystep.Model:
		return !s.Busy()
	case *domains.Model:
		return !s.Busy()
	case *records.Model:
		return !s.Busy()
	case *checking.Model:
		return !s.Checking()
	case *confirmstep.Model:
		return !s.Verifying()
	}
	return true
}

// press feeds key k and waits until the wizard has settled: the step's
// work is done and no message came for a moment. A key that runs an
// action (the demo's publish keys) is settled once the action has said
// how it went: DNS changed, or the status line changed.
func (d *driver) press(k string) {
	d.t.Helper()
	started := d.actions.started.Load()
	d.feed(tuitest.Key(k))
	if k == "p" || k == "m" {
		// The action's command starts at once when the key runs it.
		wait := time.After(100 * time.Millisecond)
	starting:
		for d.actions.started.Load() == started {
			select {
			case msg := <-d.msgs:
				d.feed(msg)
			case <-wait:
				break starting
			}
		}
	}
	deadline := time.After(5 * time.Second)
	for {
		select {
		case msg := <-d.msgs:
			d.feed(msg)
		case <-time.After(15 * time.Millisecond):
			if (d.settled() && d.actions.idle()) || d.quit {
				return
			}
		case <-deadline:
			_, id := d.m.Current()
			d.t.Fatalf("after %q the %s step never settled:\n%s", k, id, tuitest.Plain(d.m.View()))
		}
	}
}

// keysAt are the keys tried at each step: navigation, the demo's publish
// keys, re-checks, the demo's test message. Text fields get none of these
// letters; the walk never ends the wizard.
var keysAt = map[session.StepID][]string{
	session.StepWelcome:   {"enter"},
	session.StepDomain:    {"enter"},
	session.StepDiscovery: {"enter", "enter", "enter", "esc", "r"},
	session.StepProvider:  {"enter", "enter", "enter", "enter", "esc", "down", "up"},
	session.StepDomains:   {"enter", "enter", "esc"},
	session.StepRecords:   {"enter", "esc", "p", "p", "m", "i"},
	session.StepCheck:     {"r", "enter", "s", "b", "esc", "p", "m"},
	session.StepAdvice:    {"esc", "b", "v"}, // v: the demo's test message, verified in the confirm step
	session.StepConfirm:   {"b"},             // back to the advice (enter and esc end the wizard)
}

// TestWizardNeverContradictsItself drives the full-screen wizard over the
// demo's simulated DNS through seeded random walks of navigation keys,
// demo publishes, re-checks and test messages (verified before or after a
// publish), and after every key checks the session's
// invariants: the records shown are the plan of DNS as it is now (the
// newest read: "keep" after a publish, never an older read's "add"); p
// never leaves two SPF records where there was at most one; the summary
// gives exactly one checkbox instruction.
func TestWizardNeverContradictsItself(t *testing.T) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { walk(t, seed, 45) })
	}
}

func walk(t *testing.T, seed uint64, steps int) {
	platform := assets.DefaultPlatform()
	world, err := demo.Start(platform)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { world.Close() })
	world.Lag, world.ResolverLag = 0, 0
	dir := t.TempDir()
	cfg := tui.Config{
		Platform: platform, Resolver: world.Checker().Querier(), Checker: world.Checker(), Clipboard: tui.ClipboardOff, SaveDir: t.TempDir(),
		Prepare: func(_ context.Context, domain string) error { return world.Prepare(domain) },
		Actions: []tui.Action{
			{Key: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "publish (demo)")), ChangesDNS: true,
				Run: func(_ context.Context, p plan.Plan) (string, error) { return world.Publish(p) }},
			{Key: key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "publish with a mistake (demo)")), ChangesDNS: true,
				Run: func(_ context.Context, p plan.Plan) (string, error) { return world.PublishMistake(p) }},
		},
		TestMessage: func(ctx context.Context, domain string) (string, error) {
			return world.WriteTestMessage(ctx, dir, domain)
		},
	}
	counts := &actionCount{}
	for i, a := range cfg.Actions {
		cfg.Actions[i] = counts.wrap(a)
	}
	m := tui.NewModel(context.Background(), cfg, nil)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 40})
	d := newDriver(t, m)
	d.actions = counts
	d.press("enter")
	for _, k := range tuitest.Type(tuitest.Domain) {
		d.feed(k)
	}
	d.press("enter")

	rng := rand.New(rand.NewPCG(seed, 19))
	var path []string
	for range steps {
		_, id := m.Current()
		keys := keysAt[id]
		k := keys[rng.IntN(len(keys))]
		path = append(path, string(id)+":"+k)
		spfBefore := spfRecords(t, world)
		d.press(k)
		if d.quit {
			t.Fatalf("the wizard ended (path %v)", path)
		}
		if k == "p" && spfBefore <= 1 {
			if n := spfRecords(t, world); n > 1 {
				t.Fatalf("p left %d SPF records (path %v)", n, path)
			}
		}
		checkInvariants(t, m, world, path)
	}
	t.Logf("path %v, %d messages", path, len(m.Session().Messages))
}

// spfRecords counts the SPF records the domain publishes now.
func spfRecords(t *testing.T, world *demo.World) int {
	t.Helper()
	r := world.Querier().Query(context.Background(), tuitest.Domain+".", dns.TypeTXT)
	n := 0
	for _, rr := range r.Answer {
		if txt, ok := rr.(*dns.TXT); ok && strings.HasPrefix(strings.ToLower(strings.Join(txt.Txt, "")), "v=spf1") {
			n++
		}
	}
	return n
}

func checkInvariants(t *testing.T, m *tui.Model, world *demo.World, path []string) {
	t.Helper()
	s := m.Session()
	p := m.Platform
	// The summary gives one checkbox instruction.
	sum := tui.SummaryText(p, s, 80)
	flat := strings.Join(strings.Fields(sum), " ")
	if n := strings.Count(flat, "sender setting: turn it"); n != 1 {
		t.Fatalf("the summary decides %d times (path %v):\n%s", n, path, sum)
	}
	if n := strings.Count(flat, `"`+p.Setting.Label+`"`); n != 1 {
		t.Fatalf("the summary names the setting %d times (path %v):\n%s", n, path, sum)
	}

	step, id := m.Current()
	rs, ok := step.(*records.Model)
	if !ok || id != session.StepRecords {
		return
	}
	shown, have := rs.Plan()
	if !have {
		return
	}
	dom := s.Domain(shown.Domain)
	if !s.Current(dom) {
		t.Fatalf("the records shown are of a read older than the last check or publish (path %v)", path)
	}
	// The records of DNS as it is now.
	_, _, now, err := session.PlanNow(context.Background(), world.Checker().Querier(), p, shown.Domain, nil, s.PlanInputAfter(dom))
	if err != nil {
		t.Fatalf("planning now: %v (path %v)", err, path)
	}
	if got, want := recordsOf(shown), recordsOf(now); got != want {
		t.Fatalf("the records shown are not those of DNS now (path %v):\nshown:\n%s\nnow:\n%s", path, got, want)
	}
}

// recordsOf lists a plan's records: what to do, where, and the value.
func recordsOf(p plan.Plan) string {
	var b strings.Builder
	for _, r := range p.Records {
		fmt.Fprintf(&b, "%s %s %s %q replaces %q\n", r.Action, r.Purpose, r.Name, r.Value, r.Replaces)
	}
	return b.String()
}
