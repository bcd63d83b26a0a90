package checking_test

import (
	"strings"
	"testing"
	"time"

	"github.com/outreach-auth/wizard/steps/checking"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// The fault tests drive the Check step as the shell does: Update with
// each message, and the commands it returns run by the test. Timers are
// not waited for: the test sends the TickMsg a timer would.

// checkCmd runs the commands of a check start (the spinner's first tick
// and the check) in this goroutine and returns the check's result.
func checkCmd(t *testing.T, cmd tea.Cmd) checking.ResultMsg {
	t.Helper()
	var res checking.ResultMsg
	found := false
	var run func(tea.Cmd)
	run = func(c tea.Cmd) {
		if c == nil {
			return
		}
		switch msg := c().(type) {
		case tea.BatchMsg:
			for _, c := range msg {
				run(c)
			}
		case checking.ResultMsg:
			res, found = msg, true
		}
	}
	run(cmd)
	if !found {
		t.Fatal("the command started no check")
	}
	return res
}

// nextTick is the TickMsg the armed timer sends when the next check is due.
func nextTick(m *checking.Model) checking.TickMsg {
	return checking.TickMsg{Gen: m.Gen(), At: m.NextCheck()}
}

// TestFaultsPollingRecovers: while the server fails, the step shows the
// checks in error with why in words (never missing), keeps polling with the usual schedule,
// and the first check after the server answers again shows the domain
// ready.
func TestFaultsPollingRecovers(t *testing.T) {
	env := tuitest.NewEnv(t)
	env.Publish(t) // ready, once the server answers
	st := state(t, env)
	env.Server.SetFaultType(tuitest.Domain, dns.TypeTXT, dnstest.Fault{ServFail: true})
	env.Server.SetFault("osc1._domainkey."+tuitest.Domain, dnstest.Fault{Refused: true})

	m := checking.NewModel(env.Common(80, 60), env.Checker, nil)
	cmd := m.Enter(st, common.Forward)
	intervals := []time.Duration{5 * time.Second, 7500 * time.Millisecond}
	for i, want := range intervals {
		res := checkCmd(t, cmd)
		after := send(m, res)
		r, ok := m.Report()
		if !ok || r.SPF.Status != dnscheck.VerdictError || r.DKIM.Status != dnscheck.VerdictError || r.Ready {
			t.Fatalf("check %d: report %+v, want SPF and DKIM in error", i+1, r)
		}
		if !tuitest.Contains(m.View(), "? SPF error unknown: the DNS server reported a failure",
			"? DKIM error osc1._domainkey.yourcenter.edu. · unknown: the DNS server refused to answer",
			"Whether the record exists is unknown") ||
			strings.Contains(tuitest.Plain(m.View()), "missing") {
			t.Fatalf("check %d: view:\n%s", i+1, tuitest.Plain(m.View()))
		}
		// Polling carries on: the next check is scheduled and the timer
		// armed (its command comes with the result).
		if m.Checking() || m.Ready() || m.Interval() != want || !m.NextCheck().Equal(res.At.Add(want)) || after == nil {
			t.Fatalf("check %d: checking %v ready %v interval %s next %s cmd %v; want the next check in %s",
				i+1, m.Checking(), m.Ready(), m.Interval(), m.NextCheck(), after != nil, want)
		}
		if !tuitest.Contains(m.View(), "Next check in") {
			t.Fatalf("check %d: no countdown:\n%s", i+1, tuitest.Plain(m.View()))
		}
		if i < len(intervals)-1 {
			cmd = send(m, nextTick(m))
			if !m.Checking() {
				t.Fatal("the due tick did not start a check")
			}
		}
	}

	// The server answers again; the next poll sees it.
	env.Server.ClearFault(tuitest.Domain)
	env.Server.ClearFault("osc1._domainkey." + tuitest.Domain)
	cmd = send(m, nextTick(m))
	if !m.Checking() {
		t.Fatal("the due tick did not start a check")
	}
	done := send(m, checkCmd(t, cmd))
	if !m.Ready() || !tuitest.Contains(m.View(), "SPF and DKIM pass", "Since the last check", "yourcenter.edu: SPF passes now (before: unknown).") {
		t.Fatalf("not ready after the server recovered:\n%s", tuitest.Plain(m.View()))
	}
	tuitest.Await[common.BellMsg](t, done)
}

// TestFaultsSlowServerNeverFreezes: with every answer a minute late, the
// step keeps answering keys and resizes while its check is blocked in
// another goroutine, and leaving the step cancels the check, whose command
// then returns at once. (The client's timeout is longer than the latency,
// so only the cancellation can end the check before the guard.)
func TestFaultsSlowServerNeverFreezes(t *testing.T) {
	env := tuitest.NewEnv(t)
	st := state(t, env)
	env.Server.ResetQueries()
	env.Server.SetLatency(time.Minute)
	checker := &dnscheck.Checker{
		Resolver: dnscheck.NewClient(dnscheck.WithServers(env.Server.Addr()), dnscheck.WithTimeout(10*time.Minute)),
		Direct:   true,
	}
	m := checking.NewModel(env.Common(80, 24), checker, nil)
	cmd := m.Enter(st, common.Forward)

	results := make(chan tea.Msg, 16)
	go tuitest.Collect(t, cmd, func(msgs []tea.Msg) bool {
		results <- msgs[len(msgs)-1]
		_, ok := msgs[len(msgs)-1].(checking.ResultMsg)
		return ok
	})
	// The check is in flight: its questions reached the server, which
	// holds them for a minute.
	deadline := time.Now().Add(20 * time.Second)
	for len(env.Server.Queries()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the check never asked the server")
		}
		time.Sleep(5 * time.Millisecond)
	}

	// Update answers at once: a resize, the keys.
	m.SetSize(50, 20)
	send(m, tea.WindowSizeMsg{Width: 50, Height: 20})
	view := m.View()
	if !m.Checking() || !tuitest.Contains(view, "Checking now…") {
		t.Fatalf("while checking:\n%s", tuitest.Plain(view))
	}
	for i, line := range strings.Split(view, "\n") {
		if w := ansi.StringWidth(line); w > 50 {
			t.Errorf("line %d is %d wide after the resize to 50", i+1, w)
		}
	}
	if send(m, tuitest.Key("r")) != nil {
		t.Error("r while checking started another check")
	}
	send(m, tuitest.Key("a")) // asks to press it again
	status := tuitest.Await[common.StatusMsg](t, send(m, tuitest.Key("a")))
	if !strings.Contains(status.Text, "as soon as this first check finishes") {
		t.Errorf("skip status %q", status.Text)
	}
	select {
	case msg := <-results:
		if _, ok := msg.(checking.ResultMsg); ok {
			t.Fatal("the check finished though every answer is a minute late")
		}
	default:
	}

	// Leaving cancels the check: its command returns promptly, and its
	// late result is dropped.
	tuitest.Await[common.BackMsg](t, send(m, tuitest.Key("b")))
	guard := time.After(20 * time.Second) // a failure guard, not a measurement
	for {
		select {
		case msg := <-results:
			res, ok := msg.(checking.ResultMsg)
			if !ok {
				continue
			}
			send(m, res)
			if m.Checking() || m.Ready() {
				t.Error("the cancelled check's result was taken")
			}
			if r, ok := m.Report(); ok {
				t.Errorf("a report from the cancelled check: %+v", r)
			}
			return
		case <-guard:
			t.Fatal("the check's command did not return after the step was left")
		}
	}
}

// TestFaultsHostileTextInView: text from DNS in the step's view is shown
// escaped: no control character reaches the terminal.
func TestFaultsHostileTextInView(t *testing.T) {
	zone := strings.Replace(tuitest.ZoneYourCenter, `_dmarc 300 IN TXT "v=DMARC1; p=quarantine"`,
		`_dmarc 300 IN TXT "v=DMARC1; p=quarantine; rua=mailto:\027]0;pwned\007\194\155\226\128\174x@yourcenter.edu\255"`, 1)
	env := tuitest.NewEnv(t, zone)
	st := state(t, env) // the records step's plan needs a record it can merge
	env.Server.Remove(tuitest.Domain, dns.TypeTXT)
	if err := env.Server.Add(tuitest.Domain + ". 300 IN TXT \"v=spf1 \\027[2J -all\""); err != nil {
		t.Fatal(err)
	}
	m := checking.NewModel(env.Common(100, 60), env.Checker, nil)
	send(m, checkCmd(t, m.Enter(st, common.Forward)))
	view := m.View()
	for i, r := range view {
		if r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r < 0xa0 || r == 0x202e || r == 0xfffd {
			t.Fatalf("the view has raw %U at byte %d:\n%q", r, i, view)
		}
	}
	for _, want := range []string{`\x1b]0;pwned\x07\x9b\u{202E}x@yourcenter.edu\xff`, `v=spf1 \x1b[2J -all`} {
		if !tuitest.Contains(view, want) {
			t.Errorf("the view lacks %q:\n%s", want, tuitest.Plain(view))
		}
	}
}
