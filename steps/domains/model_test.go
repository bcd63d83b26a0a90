package domains_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/outreach-auth/wizard/steps/domains"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/miekg/dns"
	"github.com/muesli/termenv"

	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

func TestMain(m *testing.M) { os.Exit(tuitest.Main(m)) }

// zoneBucher is an internationalised domain, bücher.example, so a name
// typed in Unicode has something to look up.
const zoneBucher = `$ORIGIN xn--bcher-kva.example.
@ 300 IN SOA ns1.example. hostmaster.example. 1 7200 3600 1209600 300
@ 300 IN NS ns1.example.
@ 300 IN MX 0 xn--bcher-kva-example.mail.protection.outlook.com.
`

// recorder is a prepare hook that remembers the domains it was called
// with and fails with err when err is set.
type recorder struct {
	mu    sync.Mutex
	calls []string
	err   error
}

func (r *recorder) prepare(_ context.Context, d string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, d)
	return r.err
}

func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

// firstState is the state after the mail provider step: yourcenter.edu
// chosen and looked up.
func firstState(t *testing.T, env *tuitest.Env, extra ...any) *common.State {
	t.Helper()
	snap := env.Snapshot(t)
	return common.NewState(append([]any{env.Input(t), snap, tuitest.Detected(snap)}, extra...)...)
}

func send(m *domains.Model, msg tea.Msg) tea.Cmd {
	_, cmd := m.Update(msg)
	return cmd
}

// typeText types s into the step.
func typeText(m *domains.Model, s string) {
	for _, k := range tuitest.Type(s) {
		m.Update(k)
	}
}

// add types s, presses enter and returns the command enter gave.
func add(m *domains.Model, s string) tea.Cmd {
	typeText(m, s)
	return send(m, tuitest.Key("enter"))
}

// added types s, presses enter and feeds the step the lookup's result.
func added(t *testing.T, m *domains.Model, s string) {
	t.Helper()
	cmd := add(m, s)
	if cmd == nil || !m.Busy() {
		t.Fatalf("adding %q started no lookup:\n%s", s, tuitest.Plain(m.View()))
	}
	// The lookup's result is kept in the state (so the saved progress
	// has it), and does not move on.
	keep, ok := send(m, tuitest.Await[domains.LookedUpMsg](t, cmd))().(common.KeepMsg)
	if !ok {
		t.Fatalf("the lookup of %q did not keep the list, or moved on by itself", s)
	}
	if got := keep.Results[0].(common.Others); len(got) == 0 || got[len(got)-1].Input.Domain != m.Others()[len(m.Others())-1].Input.Domain || keep.Step != "Other domains" {
		t.Fatalf("kept %+v", keep)
	}
}

func newStep(t *testing.T, env *tuitest.Env, w, h int, st *common.State, r *recorder) *domains.Model {
	t.Helper()
	var prep func(context.Context, string) error
	if r != nil {
		prep = r.prepare
	}
	m := domains.NewModel(env.Common(w, h), env.Client, prep)
	m.Enter(st, common.Forward)
	return m
}

func names(o common.Others) []string {
	var out []string
	for _, e := range o {
		out = append(out, e.Input.Domain)
	}
	return out
}

func helpHas(bindings []key.Binding, help string) bool {
	for _, b := range bindings {
		if b.Enabled() && b.Help().Key == help {
			return true
		}
	}
	return false
}

// TestAddByEmail: an address is taken for its domain, looked up at once
// (after the prepare hook), and the list shows its DNS host and mail
// provider.
func TestAddByEmail(t *testing.T) {
	env := tuitest.NewEnv(t)
	r := &recorder{}
	m := newStep(t, env, 80, 24, firstState(t, env), r)
	if !m.Capturing() || !tuitest.Contains(m.View(), "Do your staff send Neoserra mail from any other domain?",
		"✓ yourcenter.edu (first domain)", "Press enter with the field empty to go on with 1 domain.") {
		t.Fatalf("first screen:\n%s", tuitest.Plain(m.View()))
	}
	typeText(m, "Jane.Doe@OtherCenter.org")
	if !tuitest.Contains(m.View(), "Press enter to add it.") || !helpHas(m.ShortHelp(), "enter") ||
		m.ShortHelp()[0].Help().Desc != "add it" {
		t.Fatalf("typing did not offer to add:\n%s", tuitest.Plain(m.View()))
	}
	cmd := send(m, tuitest.Key("enter"))
	if !m.Busy() || !tuitest.Contains(m.View(), "othercenter.org looking up…") {
		t.Fatalf("no lookup shown:\n%s", tuitest.Plain(m.View()))
	}
	if tuitest.Contains(m.View(), "Jane.Doe") {
		t.Fatalf("the field was not cleared:\n%s", tuitest.Plain(m.View()))
	}
	// The spinner turns while the lookup runs.
	msgs := tuitest.Collect(t, cmd, func(ms []tea.Msg) bool {
		var tick, done bool
		for _, msg := range ms {
			switch msg.(type) {
			case spinner.TickMsg:
				tick = true
			case domains.LookedUpMsg:
				done = true
			}
		}
		return tick && done
	})
	var res domains.LookedUpMsg
	for _, msg := range msgs {
		if lu, ok := msg.(domains.LookedUpMsg); ok {
			res = lu
		}
	}
	if res.Snap.Domain != tuitest.Other || res.Err != nil {
		t.Fatalf("lookup = %+v (messages %v)", res, msgs)
	}
	if got := r.got(); !slices.Equal(got, []string{tuitest.Other}) {
		t.Fatalf("prepare called with %q", got)
	}
	send(m, res)
	if m.Busy() || !tuitest.Contains(m.View(), "✓ othercenter.org DNS: GoDaddy · mail: Microsoft 365",
		"Press enter with the field empty to go on with 2 domains.") {
		t.Fatalf("after the lookup:\n%s", tuitest.Plain(m.View()))
	}
	o := m.Others()
	if len(o) != 1 || !o[0].Input.FromEmail || o[0].Input.Domain != tuitest.Other ||
		o[0].Snap.Domain != tuitest.Other || o[0].Snap.DNSHost.ID != "godaddy" || o[0].Snap.Provider.ID != "microsoft365" {
		t.Fatalf("others = %+v", o)
	}
}

// TestAddUnicode: a name typed in Unicode is stored in ASCII and shown in
// both forms.
func TestAddUnicode(t *testing.T) {
	env := tuitest.NewEnv(t)
	if err := env.Server.AddZone(zoneBucher); err != nil {
		t.Fatal(err)
	}
	m := newStep(t, env, 80, 24, firstState(t, env), nil)
	added(t, m, "Bücher.example")
	if !tuitest.Contains(m.View(), "✓ xn--bcher-kva.example (bücher.example) DNS host not recognised · mail: Microsoft 365") {
		t.Fatalf("view:\n%s", tuitest.Plain(m.View()))
	}
	if o := m.Others(); len(o) != 1 || o[0].Input.Domain != "xn--bcher-kva.example" || o[0].Input.Unicode != "bücher.example" ||
		o[0].Snap.Domain != "xn--bcher-kva.example" {
		t.Fatalf("others = %+v", o)
	}
}

// TestRefused: what cannot be added says why on one line, adds nothing,
// starts nothing and keeps what was typed; typing again clears the
// message.
func TestRefused(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := newStep(t, env, 80, 24, firstState(t, env), nil)
	added(t, m, tuitest.Other)
	for _, c := range []struct{ typed, want string }{
		{"OTHERCENTER.ORG.", "✗ othercenter.org is already in the list."},
		{"it@othercenter.org", "✗ othercenter.org is already in the list."},
		{"YourCenter.edu", "✗ yourcenter.edu is the first domain; add the others here."},
		{"boss@yourcenter.edu", "✗ yourcenter.edu is the first domain; add the others here."},
		{"not a domain", "✗ A domain name cannot contain a space (in \"not a domain\")."},
		{"https://www.thirdcenter.net/contact", "✗ That looks like a web address. Type the domain after the @ in your staff email addresses; if they end in @thirdcenter.net, type thirdcenter.net. Did you mean thirdcenter.net?"},
	} {
		t.Run(c.typed, func(t *testing.T) {
			for range 64 { // empty the field
				m.Update(tuitest.Key("backspace"))
			}
			if cmd := add(m, c.typed); cmd != nil {
				t.Fatalf("refusing %q gave a command", c.typed)
			}
			v := m.View()
			if !tuitest.Contains(v, c.want) || !tuitest.Contains(v, "› "+c.typed) || m.Busy() {
				t.Fatalf("want %q with the field kept:\n%s", c.want, tuitest.Plain(v))
			}
			if got := names(m.Others()); !slices.Equal(got, []string{tuitest.Other}) {
				t.Fatalf("list = %q", got)
			}
			m.Update(tuitest.Key("backspace"))
			if tuitest.Contains(m.View(), "✗ ") {
				t.Fatalf("editing kept the message:\n%s", tuitest.Plain(m.View()))
			}
		})
	}
}

// TestPrepareFails: a failing prepare hook shows its error (escaped) on
// the domain's line; the domain stays in the list without a snapshot.
func TestPrepareFails(t *testing.T) {
	env := tuitest.NewEnv(t)
	r := &recorder{err: errors.New("demo: \x1b[31mno zone")}
	m := newStep(t, env, 80, 24, firstState(t, env), r)
	added(t, m, tuitest.Other)
	v := m.View()
	if !tuitest.Contains(v, `✗ othercenter.org could not look it up: demo: \x1b[31mno zone`) {
		t.Fatalf("view:\n%s", tuitest.Plain(v))
	}
	if strings.Contains(v, "\x1b[31m") {
		t.Fatal("an escape sequence from the error reached the screen")
	}
	o := m.Others()
	if len(o) != 1 || o[0].Input.Domain != tuitest.Other || o[0].Snap.Domain != "" {
		t.Fatalf("others = %+v", o)
	}
	// Coming back does not try again by itself (the records step looks
	// the domain up); the failure stays on its line.
	send(m, tuitest.Key("esc"))
	m.Enter(firstState(t, env), common.Forward)
	if m.Busy() || !tuitest.Contains(m.View(), "could not look it up") {
		t.Fatalf("coming back:\n%s", tuitest.Plain(m.View()))
	}
	// Going on hands the domain over without a snapshot: the records
	// step looks it up.
	next := tuitest.Await[common.NextMsg](t, send(m, tuitest.Key("enter")))
	if got := next.Results[0].(common.Others); len(got) != 1 || got[0].Snap.Domain != "" {
		t.Fatalf("result = %+v", got)
	}
}

// TestLookupTrouble: when the lookups get no answer, the line says the
// host and mail provider are unknown, never that there are none, and is
// marked as a warning.
func TestLookupTrouble(t *testing.T) {
	env := tuitest.NewEnv(t)
	env.Server.SetFaultType(tuitest.Other+".", dns.TypeMX, dnstest.Fault{ServFail: true})
	m := newStep(t, env, 80, 24, firstState(t, env), nil)
	added(t, m, tuitest.Other)
	if !tuitest.Contains(m.View(), "! othercenter.org DNS: GoDaddy · mail: unknown (no answer) · 1 lookup got no answer") ||
		tuitest.Contains(m.View(), "no MX") {
		t.Fatalf("MX trouble:\n%s", tuitest.Plain(m.View()))
	}
	// Outside every zone the server refuses: nothing is known.
	added(t, m, "thirdcenter.net")
	if !tuitest.Contains(m.View(), "! thirdcenter.net DNS host unknown (no answer) · mail: unknown (no answer) ·") ||
		tuitest.Contains(m.View(), "not recognised") {
		t.Fatalf("refused:\n%s", tuitest.Plain(m.View()))
	}
}

// TestRemove: tab moves to the list, ↓ and x remove the selected domain;
// removing the last one gives the field the focus again.
func TestRemove(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := newStep(t, env, 80, 24, firstState(t, env), nil)
	if helpHas(m.ShortHelp(), "tab") {
		t.Fatal("tab is offered with an empty list")
	}
	m.Update(tuitest.Key("tab"))
	if !m.Capturing() {
		t.Fatal("tab with an empty list left the field")
	}
	added(t, m, tuitest.Other)
	added(t, m, "thirdcenter.net")
	added(t, m, "fourthcenter.com")
	if !helpHas(m.ShortHelp(), "tab") {
		t.Fatal("tab is not offered with a list")
	}
	m.Update(tuitest.Key("tab"))
	if m.Capturing() || !helpHas(m.ShortHelp(), "x") || !tuitest.Contains(m.View(), "› ✓ othercenter.org", "x removes the selected domain") {
		t.Fatalf("tab did not move to the list:\n%s", tuitest.Plain(m.View()))
	}
	// In the list, ↓ and x act on the list, not on the field.
	m.Update(tuitest.Key("down"))
	m.Update(tuitest.Key("x"))
	if got := names(m.Others()); !slices.Equal(got, []string{tuitest.Other, "fourthcenter.com"}) {
		t.Fatalf("after removing the second: %q", got)
	}
	if !tuitest.Contains(m.View(), "› ! fourthcenter.com") {
		t.Fatalf("the selection did not move to the next one:\n%s", tuitest.Plain(m.View()))
	}
	m.Update(tuitest.Key("x"))
	if got := names(m.Others()); !slices.Equal(got, []string{tuitest.Other}) {
		t.Fatalf("after removing the last: %q", got)
	}
	if m.Capturing() || !tuitest.Contains(m.View(), "› ✓ othercenter.org") {
		t.Fatalf("the selection did not stay in the list:\n%s", tuitest.Plain(m.View()))
	}
	m.Update(tuitest.Key("x"))
	if len(m.Others()) != 0 || !m.Capturing() || !tuitest.Contains(m.View(), "Add another domain", "go on with 1 domain.") {
		t.Fatalf("removing every domain did not go back to the field (empty):\n%s", tuitest.Plain(m.View()))
	}
}

// TestRemovedWhileLooking: the lookup of a domain removed meanwhile is
// dropped, even when the same domain is added again.
func TestRemovedWhileLooking(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := newStep(t, env, 80, 24, firstState(t, env), nil)
	old := add(m, tuitest.Other)
	m.Update(tuitest.Key("tab"))
	m.Update(tuitest.Key("x"))
	if len(m.Others()) != 0 || m.Busy() {
		t.Fatalf("not removed: %+v", m.Others())
	}
	cur := add(m, tuitest.Other)
	send(m, tuitest.Await[domains.LookedUpMsg](t, old))
	if !m.Busy() || m.Others()[0].Snap.Domain != "" {
		t.Fatal("the removed domain's lookup was taken")
	}
	send(m, tuitest.Await[domains.LookedUpMsg](t, cur))
	if m.Busy() || m.Others()[0].Snap.Domain != tuitest.Other {
		t.Fatal("the current lookup was dropped")
	}
}

// TestContinue: enter on an empty field goes on with the domains in the
// order they were added; with none added, with an empty list.
func TestContinue(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := newStep(t, env, 80, 24, firstState(t, env), nil)
	next := tuitest.Await[common.NextMsg](t, send(m, tuitest.Key("enter")))
	if got, ok := next.Results[0].(common.Others); !ok || len(got) != 0 {
		t.Fatalf("with none added: %#v", next.Results)
	}

	added(t, m, "thirdcenter.net")
	added(t, m, tuitest.Other)
	if m.ShortHelp()[0].Help().Desc != "continue" {
		t.Fatalf("help = %+v", m.ShortHelp()[0].Help())
	}
	next = tuitest.Await[common.NextMsg](t, send(m, tuitest.Key("enter")))
	got := next.Results[0].(common.Others)
	if !slices.Equal(names(got), []string{"thirdcenter.net", tuitest.Other}) || got[1].Snap.DNSHost.ID != "godaddy" {
		t.Fatalf("result = %+v", got)
	}
	// Enter in the list goes on too.
	m.Update(tuitest.Key("tab"))
	next = tuitest.Await[common.NextMsg](t, send(m, tuitest.Key("enter")))
	if got := next.Results[0].(common.Others); len(got) != 2 {
		t.Fatalf("from the list: %+v", got)
	}
	// esc goes back.
	tuitest.Await[common.BackMsg](t, send(m, tuitest.Key("esc")))
}

// TestContinueWaits: enter while a lookup runs waits for it, then goes
// on by itself with the snapshot; esc meanwhile cancels the wait.
func TestContinueWaits(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := newStep(t, env, 80, 24, firstState(t, env), nil)
	lookup := add(m, tuitest.Other)
	if cmd := send(m, tuitest.Key("enter")); cmd != nil {
		t.Fatal("enter went on while a lookup ran")
	}
	if !tuitest.Contains(m.View(), "Going on as soon as the lookups finish…") {
		t.Fatalf("view:\n%s", tuitest.Plain(m.View()))
	}
	next := tuitest.Await[common.NextMsg](t, send(m, tuitest.Await[domains.LookedUpMsg](t, lookup)))
	got := next.Results[0].(common.Others)
	if len(got) != 1 || got[0].Snap.Domain != tuitest.Other {
		t.Fatalf("result = %+v", got)
	}

	// esc while waiting: the lookup finishing no longer moves on.
	m = newStep(t, env, 80, 24, firstState(t, env), nil)
	lookup = add(m, tuitest.Other)
	send(m, tuitest.Key("enter"))
	tuitest.Await[common.BackMsg](t, send(m, tuitest.Key("esc")))
	if _, ok := send(m, tuitest.Await[domains.LookedUpMsg](t, lookup))().(common.NextMsg); ok {
		t.Fatal("the lookup moved on after esc")
	}
}

// TestComeBack: entering again keeps the list (no new lookup) and drops
// a domain that has become the first one.
func TestComeBack(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := newStep(t, env, 80, 24, firstState(t, env), nil)
	added(t, m, tuitest.Other)
	added(t, m, "thirdcenter.net")
	typeText(m, "half-typed")
	m.Update(tuitest.Key("tab"))
	send(m, tuitest.Key("esc"))

	m.Enter(firstState(t, env), common.Forward)
	if m.Busy() || !slices.Equal(names(m.Others()), []string{tuitest.Other, "thirdcenter.net"}) ||
		m.Others()[0].Snap.Domain != tuitest.Other {
		t.Fatalf("coming back: busy %v, %+v", m.Busy(), m.Others())
	}
	if !m.Capturing() || !tuitest.Contains(m.View(), "› half-typed") {
		t.Fatalf("coming back, the field does not have the focus and its text:\n%s", tuitest.Plain(m.View()))
	}
	for range len("half-typed") {
		m.Update(tuitest.Key("backspace"))
	}

	// The first domain is now othercenter.org.
	snap := env.SnapshotOf(t, tuitest.Other)
	st := common.NewState(tuitest.InputOf(t, tuitest.Other), snap, tuitest.Detected(snap))
	m.Enter(st, common.Forward)
	if got := names(m.Others()); !slices.Equal(got, []string{"thirdcenter.net"}) {
		t.Fatalf("with othercenter.org first: %q", got)
	}
	if !tuitest.Contains(m.View(), "✓ othercenter.org (first domain)", "thirdcenter.net") {
		t.Fatalf("view:\n%s", tuitest.Plain(m.View()))
	}
	next := tuitest.Await[common.NextMsg](t, send(m, tuitest.Key("enter")))
	if got := names(next.Results[0].(common.Others)); !slices.Equal(got, []string{"thirdcenter.net"}) {
		t.Fatalf("result = %q", got)
	}
}

// TestResumed: others in the state (a resumed session) are taken into an
// empty list; those without a snapshot are looked up, the others not, and
// one equal to the first domain is dropped.
func TestResumed(t *testing.T) {
	env := tuitest.NewEnv(t)
	r := &recorder{}
	third := tuitest.InputOf(t, "thirdcenter.net")
	saved := common.Others{
		{Input: tuitest.InputOf(t, tuitest.Other)},
		{Input: env.Input(t)}, // the first domain
		{Input: third, Snap: discovery.Snapshot{Domain: "thirdcenter.net"}},
	}
	m := domains.NewModel(env.Common(80, 24), env.Client, r.prepare)
	cmd := m.Enter(firstState(t, env, saved), common.Forward)
	if !m.Busy() || !tuitest.Contains(m.View(), "othercenter.org looking up…") || tuitest.Contains(m.View(), "thirdcenter.net looking up") {
		t.Fatalf("resumed:\n%s", tuitest.Plain(m.View()))
	}
	if got := names(m.Others()); !slices.Equal(got, []string{tuitest.Other, "thirdcenter.net"}) {
		t.Fatalf("list = %q", got)
	}
	var res domains.LookedUpMsg
	tick := false
	tuitest.Collect(t, cmd, func(ms []tea.Msg) bool {
		switch msg := ms[len(ms)-1].(type) {
		case domains.LookedUpMsg:
			res = msg
		case spinner.TickMsg:
			tick = true
		}
		return tick && res.Snap.Domain != ""
	})
	if !tick {
		t.Error("the spinner does not turn during the resumed lookup")
	}
	send(m, res)
	if m.Busy() {
		t.Fatal("a domain with a snapshot was looked up again")
	}
	if got := r.got(); !slices.Equal(got, []string{tuitest.Other}) {
		t.Fatalf("looked up %q", got)
	}
	if !tuitest.Contains(m.View(), "✓ othercenter.org DNS: GoDaddy · mail: Microsoft 365") {
		t.Fatalf("view:\n%s", tuitest.Plain(m.View()))
	}

	// A list already edited is not replaced by the state's.
	m.Update(tuitest.Key("tab"))
	m.Update(tuitest.Key("x"))
	m.Enter(firstState(t, env, saved), common.Forward)
	if got := names(m.Others()); !slices.Equal(got, []string{"thirdcenter.net"}) {
		t.Fatalf("coming back replaced the list: %q", got)
	}
}

func TestTargets(t *testing.T) {
	env := tuitest.NewEnv(t)
	if got := common.Targets(common.NewState()); got != nil {
		t.Fatalf("empty state: %+v", got)
	}
	if got := common.Names(nil); got != nil {
		t.Fatalf("nil state: %q", got)
	}
	first := env.Input(t)
	// A snapshot of another domain (left from an earlier choice) is not
	// the first domain's.
	stale := discovery.Snapshot{Domain: "old.example"}
	got := common.Targets(common.NewState(first, stale))
	if len(got) != 1 || got[0].Input != first || got[0].Snap != nil {
		t.Fatalf("first only: %+v", got)
	}

	snap := env.Snapshot(t)
	other := env.SnapshotOf(t, tuitest.Other)
	st := common.NewState(first, snap, common.Others{
		{Input: tuitest.InputOf(t, tuitest.Other), Snap: other},
		{Input: first, Snap: snap}, // the first again: skipped
		{Input: tuitest.InputOf(t, "thirdcenter.net")},
		{Input: tuitest.InputOf(t, "fourthcenter.com"), Snap: other}, // someone else's snapshot
	})
	got = common.Targets(st)
	want := []string{tuitest.Domain, tuitest.Other, "thirdcenter.net", "fourthcenter.com"}
	if n := common.Names(st); !slices.Equal(n, want) {
		t.Fatalf("names = %q, want %q", n, want)
	}
	if len(got) != 4 || got[0].Snap == nil || got[0].Snap.Domain != tuitest.Domain ||
		got[1].Snap == nil || got[1].Snap.DNSHost.ID != "godaddy" || got[2].Snap != nil || got[3].Snap != nil {
		t.Fatalf("targets = %+v", got)
	}
	// The snapshot returned is a copy: changing it changes nothing stored.
	got[1].Snap.Domain = "changed"
	if again := common.Targets(st); again[1].Snap.Domain != tuitest.Other {
		t.Fatal("Targets returned the stored snapshot itself")
	}
}

func TestGolden(t *testing.T) {
	env := tuitest.NewEnv(t)
	state := func(t *testing.T) *common.State { return firstState(t, env) }
	t.Run("two", func(t *testing.T) {
		tuitest.Screen{Env: env, Step: domains.Name, State: state, Wait: []string{"(first domain)"},
			Then: func(t *testing.T, tm *teatest.TestModel) {
				tm.Type(tuitest.Other)
				tm.Send(tuitest.Key("enter"))
				tuitest.WaitFor(t, tm, "GoDaddy", "Microsoft 365", "2 domains")
			}}.Golden(t)
	})
	t.Run("error", func(t *testing.T) {
		tuitest.Screen{Env: env, Step: domains.Name, State: state, Wait: []string{"(first domain)"},
			Then: func(t *testing.T, tm *teatest.TestModel) {
				tm.Type("www.other center.org")
				tm.Send(tuitest.Key("enter"))
				tuitest.WaitFor(t, tm, "✗")
			}}.Golden(t)
	})
}

// TestLongListKeepsSelectionInView: in a list taller than the screen, the
// selected domain stays in view as the selection moves.
func TestLongListKeepsSelectionInView(t *testing.T) {
	env := tuitest.NewEnv(t)
	var saved common.Others
	for i := range 12 {
		d := fmt.Sprintf("branch%d.example", i)
		saved = append(saved, common.Extra{Input: tuitest.InputOf(t, d), Snap: discovery.Snapshot{Domain: d}})
	}
	m := domains.NewModel(env.Common(40, 10), env.Client, nil)
	m.Enter(firstState(t, env, saved), common.Forward)
	send(m, tuitest.Key("tab"))
	for range 11 {
		send(m, tuitest.Key("down"))
	}
	if !tuitest.Contains(m.View(), "› ✓ branch11.example") {
		t.Fatalf("the last domain, selected, is not in view:\n%s", tuitest.Plain(m.View()))
	}
	for range 11 {
		send(m, tuitest.Key("up"))
	}
	if !tuitest.Contains(m.View(), "› ✓ branch0.example") {
		t.Fatalf("the first domain, selected again, is not in view:\n%s", tuitest.Plain(m.View()))
	}
}

// TestLookupLostWhileAway: a lookup still running when the person leaves
// the step answers to another step and is lost; coming back starts it
// again, so going on never waits for ever.
func TestLookupLostWhileAway(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := newStep(t, env, 80, 24, firstState(t, env), nil)
	lost := add(m, tuitest.Other)
	tuitest.Await[common.BackMsg](t, send(m, tuitest.Key("esc")))

	again := m.Enter(firstState(t, env), common.Forward)
	if !m.Busy() {
		t.Fatal("coming back did not look the domain up again")
	}
	send(m, tuitest.Await[domains.LookedUpMsg](t, lost)) // the old answer, if it ever came
	if !m.Busy() {
		t.Fatal("the lost lookup's answer was taken for the new one")
	}
	send(m, tuitest.Await[domains.LookedUpMsg](t, again))
	if m.Busy() || !tuitest.Contains(m.View(), "✓ othercenter.org") {
		t.Fatalf("after the new lookup:\n%s", tuitest.Plain(m.View()))
	}
	next := tuitest.Await[common.NextMsg](t, send(m, tuitest.Key("enter")))
	if got := next.Results[0].(common.Others); len(got) != 1 || got[0].Snap.Domain != tuitest.Other {
		t.Fatalf("went on with %+v", got)
	}
}

// TestNoFormLetter: the question speaks to the person about their staff,
// not about "users of your database".
func TestNoFormLetter(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := newStep(t, env, 80, 24, firstState(t, env), nil)
	v := tuitest.Plain(m.View())
	if strings.Contains(v, "users of your database") || !tuitest.Contains(m.View(), "Do your staff send Neoserra mail from any other domain?", "jane@othercenter.org") {
		t.Fatalf("view:\n%s", v)
	}
}

// TestDMARCReports: when the first domain's own DMARC record sends no
// reports, the step asks (optionally) where they should go: ↓ reaches the
// field, a bad address keeps the person there with the reason, a good one
// goes on as plan.ReportAddress beside the domains; left empty, it goes
// on with "".
func TestDMARCReports(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := newStep(t, env, 80, 40, firstState(t, env), nil)
	if !tuitest.Contains(m.View(), "DMARC reports (optional)", "the mail sent as yourcenter.edu", "left empty, no reports arrive") || !helpHas(m.ShortHelp(), "↓") {
		t.Fatalf("the question is not asked:\n%s", tuitest.Plain(m.View()))
	}
	// Enter with everything empty goes on without an address.
	next := tuitest.Await[common.NextMsg](t, send(m, tuitest.Key("enter")))
	if len(next.Results) != 2 || next.Results[1] != plan.ReportAddress("") {
		t.Fatalf("results %#v, want the domains and an empty address", next.Results)
	}

	m = newStep(t, env, 80, 40, firstState(t, env), nil)
	m.Update(tuitest.Key("down"))
	if m.Capturing() != true || !helpHas(m.ShortHelp(), "↑") {
		t.Fatalf("↓ did not reach the reports field: %+v", m.ShortHelp())
	}
	typeText(m, "a@b.edu, c@d.edu")
	if cmd := send(m, tuitest.Key("enter")); cmd != nil {
		if _, ok := cmd().(common.NextMsg); ok {
			t.Fatal("a list of addresses was taken")
		}
	}
	if !tuitest.Contains(m.View(), "✗ give one address only") {
		t.Fatalf("no reason shown:\n%s", tuitest.Plain(m.View()))
	}
	for range len("a@b.edu, c@d.edu") {
		m.Update(tea.KeyMsg{Type: tea.KeyBackspace})
	}
	typeText(m, "mailto:DMARC@YourCenter.edu")
	next = tuitest.Await[common.NextMsg](t, send(m, tuitest.Key("enter")))
	if next.Results[1] != plan.ReportAddress("DMARC@yourcenter.edu") {
		t.Fatalf("results %#v", next.Results)
	}

	// A bad address typed, then enter in the domain field: the person is
	// taken to the reports field with the reason.
	m = newStep(t, env, 80, 40, firstState(t, env), nil)
	m.Update(tuitest.Key("down"))
	typeText(m, "dmarc")
	m.Update(tuitest.Key("up"))
	if cmd := send(m, tuitest.Key("enter")); cmd != nil {
		if _, ok := cmd().(common.NextMsg); ok {
			t.Fatal("a bad address was taken from the domain field")
		}
	}
	if !tuitest.Contains(m.View(), "needs one @") || !helpHas(m.ShortHelp(), "↑") {
		t.Fatalf("not taken to the reports field:\n%s", tuitest.Plain(m.View()))
	}
}

// TestDMARCReportsNotAsked: a domain whose record already says where
// reports go is not asked about them.
func TestDMARCReportsNotAsked(t *testing.T) {
	env := tuitest.NewEnv(t)
	snap := env.Snapshot(t)
	snap.DMARC = []string{"v=DMARC1; p=none; rua=mailto:d@yourcenter.edu"}
	m := newStep(t, env, 80, 40, common.NewState(env.Input(t), snap, tuitest.Detected(snap)), nil)
	if tuitest.Contains(m.View(), "DMARC reports") || helpHas(m.ShortHelp(), "↓") {
		t.Fatalf("asked although the record has rua=:\n%s", tuitest.Plain(m.View()))
	}
	m.Update(tuitest.Key("down"))
	if tuitest.Contains(m.View(), "DMARC reports") {
		t.Fatal("↓ opened a question that is not asked")
	}
}

// TestLongPasteSaid: a paste longer than a field takes is refused with
// its length, never cut without a word; the field keeps what it had.
func TestLongPasteSaid(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := newStep(t, env, 80, 40, firstState(t, env), nil)
	typeText(m, "other.edu")
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(strings.Repeat("a", 2000)), Paste: true})
	if !tuitest.Contains(m.View(), "2,009 characters long", "› other.edu") {
		t.Fatalf("a long paste in the domain field:\n%s", tuitest.Plain(m.View()))
	}
	typeText(m, "x")
	if tuitest.Contains(m.View(), "2,009") || !tuitest.Contains(m.View(), "› other.edux") {
		t.Fatalf("the next key did not clear the message or lost the text:\n%s", tuitest.Plain(m.View()))
	}

	m.Update(tuitest.Key("down"))
	typeText(m, "dmarc@yourcenter.edu")
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(strings.Repeat("b", 400)), Paste: true})
	if !tuitest.Contains(m.View(), "That is 420 characters long", "› dmarc@yourcenter.edu") {
		t.Fatalf("a long paste in the reports field:\n%s", tuitest.Plain(m.View()))
	}
}

// TestPageDownInField: at 40×20 the reports question is below the fold
// and the screen says "pgup/pgdn scroll": pgdn scrolls while the domain
// field has focus, and pgup comes back.
func TestPageDownInField(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := newStep(t, env, 40, 20, firstState(t, env), nil)
	const hint = "Press ↓ to type one"
	if tuitest.Contains(m.View(), hint) {
		t.Fatalf("the hint already fits at 40×20 (the test needs it below the fold):\n%s", tuitest.Plain(m.View()))
	}
	m.Update(tea.KeyMsg{Type: tea.KeyPgDown})
	if !tuitest.Contains(m.View(), hint) {
		t.Fatalf("pgdn did not scroll to the reports question:\n%s", tuitest.Plain(m.View()))
	}
	m.Update(tea.KeyMsg{Type: tea.KeyPgUp})
	if !tuitest.Contains(m.View(), "Do your staff send") {
		t.Fatalf("pgup did not scroll back:\n%s", tuitest.Plain(m.View()))
	}
}

// TestFocusedFieldShowsCursor: at 80×24, after ↓ the reports field and
// after ↑ the domain field is drawn with its cursor (a reverse-video
// cell), at once, not at the next redraw.
func TestFocusedFieldShowsCursor(t *testing.T) {
	lipgloss.SetColorProfile(termenv.ANSI) // the cursor is a style: drawn only with one
	defer lipgloss.SetColorProfile(termenv.Ascii)
	env := tuitest.NewEnv(t)
	m := newStep(t, env, 80, 24, firstState(t, env), nil)
	cursorOn := func(field string) bool {
		lines := strings.Split(m.View(), "\n")
		for i, l := range lines {
			if strings.Contains(l, "›") && strings.Contains(l, "\x1b[7m") {
				above := strings.Join(lines[max(i-4, 0):i], "\n")
				return strings.Contains(ansi.Strip(above), field)
			}
		}
		return false
	}
	if !cursorOn("Add another domain") {
		t.Fatalf("no cursor in the domain field at first:\n%q", m.View())
	}
	m.Update(tuitest.Key("down"))
	if !cursorOn("Where should these reports go") {
		t.Fatalf("no cursor in the reports field after ↓:\n%q", m.View())
	}
	m.Update(tuitest.Key("up"))
	if !cursorOn("Add another domain") {
		t.Fatalf("no cursor in the domain field after ↑:\n%q", m.View())
	}
}
