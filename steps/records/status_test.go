package records_test

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/outreach-auth/wizard/steps/records"
	"github.com/outreach-auth/wizard/tui"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// tmuxClipboard copies through tmux, whose status tells the person a
// command to run.
func tmuxClipboard() tui.Clipboard {
	env := map[string]string{"TMUX": "/tmp/tmux-0/default,1,0", "SSH_TTY": "/dev/pts/1"}
	return tui.Clipboard{Mode: tui.ClipboardAuto, GOOS: "linux", Getenv: func(k string) string { return env[k] }, Term: io.Discard}
}

// TestGoldenCopyStatus: the status line after c on the SPF card names the
// domain and wraps whole, down to the command the person is told to run
// ("tmux set -g set-clipboard on" keeps its "on" at 40 columns).
func TestGoldenCopyStatus(t *testing.T) {
	env := tuitest.NewEnv(t)
	for _, size := range tuitest.Sizes {
		t.Run(size.Name, func(t *testing.T) {
			snap := env.Snapshot(t)
			m := tui.NewModel(context.Background(), env.Config(t), io.Discard)
			m.SetClipboard(tmuxClipboard())
			m.StartAt(records.Name, common.NewState(env.Input(t), snap, tuitest.Detected(snap)))
			tm := tuitest.Run(t, m, size.Width, size.Height)
			tuitest.WaitFor(t, tm, "Records to publish")
			selectSPF(t, tm)
			tm.Send(tuitest.Key("c"))
			tuitest.WaitFor(t, tm, "Copied")
			final := tuitest.Final(t, tm).(*tui.Model)
			want := "Copied the SPF value for yourcenter.edu through tmux to your terminal (if nothing pastes, run: tmux set -g set-clipboard on)."
			if got := final.Status().Text; got != want {
				t.Fatalf("status = %q, want %q", got, want)
			}
			if flat := strings.Join(strings.Fields(tuitest.Plain(final.View())), " "); !strings.Contains(flat, want) {
				t.Errorf("the status line is cut:\n%s", tuitest.Plain(final.View()))
			}
			tuitest.Golden(t, final.View(), size.Width, size.Height)
		})
	}
}

// TestSaveStatusWhole: after s and h at 40×20 the status says what each
// file holds and where it is, every path whole on screen.
func TestSaveStatusWhole(t *testing.T) {
	env := tuitest.NewEnv(t)
	for _, key := range []string{"s", "h"} {
		t.Run(key, func(t *testing.T) {
			cfg := env.Config(t)
			cfg.SaveDir = t.TempDir() // a long path: /tmp/TestSaveStatusWhole…/001
			m := tui.NewModel(context.Background(), cfg, nil)
			m.StartAt(records.Name, twoState(t, env, true))
			tm := tuitest.Run(t, m, 40, 20)
			tuitest.WaitFor(t, tm, "Domain 1 of 2")
			tm.Send(tuitest.Key("right"))
			tuitest.WaitFor(t, tm, "Domain 2 of 2")
			tm.Send(tuitest.Key(key))
			tuitest.WaitFor(t, tm, "Saved")
			final := tuitest.Final(t, tm).(*tui.Model)
			text := final.Status().Text
			var wants []string
			switch key {
			case "s":
				path := filepath.Join(cfg.SaveDir, records.FileName(tuitest.Other))
				wants = []string{"Saved the records for " + tuitest.Other + " as text (this domain only; h saves every domain's) to " + path + "."}
			case "h":
				wants = []string{"Saved the hand-off sheet for both domains, for whoever edits DNS, in " + cfg.SaveDir + ":",
					"dns-handoff-" + tuitest.Domain + "-and-1-more.md (Markdown, to send or print)",
					"dns-handoff-" + tuitest.Domain + "-and-1-more.html (the same as a web page)"}
			}
			flat := strings.ReplaceAll(tuitest.Plain(final.View()), "\n", " ")
			for _, want := range wants {
				if !strings.Contains(text, want) {
					t.Errorf("status %q lacks %q", text, want)
				}
				// Lines break at spaces, dots and hyphens only: joined
				// back (a break at a dot leaves no space), the text is whole.
				if !strings.Contains(strings.ReplaceAll(flat, " ", ""), strings.ReplaceAll(want, " ", "")) {
					t.Errorf("the screen lacks %q:\n%s", want, tuitest.Plain(final.View()))
				}
			}
		})
	}
}

// TestSwitchDomainClearsStatus: ←/→ clear the status line, which spoke of
// the domain shown before; a key that does not move says nothing.
func TestSwitchDomainClearsStatus(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := twoBuilt(t, env, true)
	_, cmd := m.Update(keyRight)
	if st := tuitest.Await[common.StatusMsg](t, cmd); st.Text != "" || m.Domain() != tuitest.Other {
		t.Fatalf("→ gave status %+v on %s", st, m.Domain())
	}
	if _, cmd := m.Update(keyRight); cmd != nil {
		t.Errorf("→ on the last domain returned a command")
	}
	_, cmd = m.Update(keyLeft)
	if st := tuitest.Await[common.StatusMsg](t, cmd); st.Text != "" || m.Domain() != tuitest.Domain {
		t.Fatalf("← gave status %+v on %s", st, m.Domain())
	}
}

// TestCardLayoutPerWidth: one layout per width. At 40 columns every label
// stands on its own line and its value starts in the first column; at 80
// labels and values are in two columns. Nothing is drawn beside a value.
func TestCardLayoutPerWidth(t *testing.T) {
	env := tuitest.NewEnv(t)
	labels := []string{"Name", "Value", "Replaces"}
	for _, w := range []int{40, 80} {
		m := built(t, env, w, 200, t.TempDir())
		lines := strings.Split(tuitest.Plain(m.View()), "\n")
		var stacked, columns int
		for _, l := range lines {
			for _, label := range labels {
				switch {
				case l == label+":":
					stacked++
				case strings.HasPrefix(l, label+" ") && strings.TrimSpace(strings.TrimPrefix(l, label)) != "":
					columns++
				}
			}
			if strings.ContainsAny(l, "│┃") {
				t.Errorf("width %d: a border beside a value: %q", w, l)
			}
		}
		if (w == 40 && (columns > 0 || stacked < 6)) || (w == 80 && (stacked > 0 || columns < 6)) {
			t.Errorf("width %d: %d stacked and %d in columns:\n%s", w, stacked, columns, tuitest.Plain(m.View()))
		}
		if w == 40 && !strings.Contains(tuitest.Plain(m.View()), "\nosc1._domainkey.outreachsystems.com.\n") {
			t.Errorf("width 40: the DKIM target is not on a line of its own:\n%s", tuitest.Plain(m.View()))
		}
	}
}

// TestGoldenUnknownHost: the DKIM card at a DNS host the catalog does not
// know: the name relative to the zone first, the full name dimmed under
// it (↓ then ↑ brings the first card into view, selected).
func TestGoldenUnknownHost(t *testing.T) {
	env := tuitest.NewEnv(t, zoneLongSPF)
	state := func(t *testing.T) *common.State {
		snap := env.Snapshot(t)
		return common.NewState(env.Input(t), snap, tuitest.Detected(snap))
	}
	tuitest.Screen{Env: env, Step: records.Name, State: state, Wait: []string{"Records to publish"},
		Then: func(t *testing.T, tm *teatest.TestModel) {
			// ↓ shows the first card where the notes fill the window,
			// else selects the second; ↑ then comes back to the first.
			tm.Send(tea.KeyMsg{Type: tea.KeyDown})
			tm.Send(tea.KeyMsg{Type: tea.KeyUp}) // the screen is taken after both
		}}.Golden(t)
}

// selectSPF selects the second card (the SPF record) the way a person
// does: ↓, and once more where the first ↓ only brought the first card
// into view below the notes.
func selectSPF(t *testing.T, tm *teatest.TestModel) {
	t.Helper()
	tm.Send(tea.KeyMsg{Type: tea.KeyDown})
	again := false
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		plain := ansi.Strip(string(b))
		if strings.Contains(plain, "› 2/3 SPF") {
			return true
		}
		if !again && strings.Contains(plain, "› 1/3 DKIM") {
			again = true
			tm.Send(tea.KeyMsg{Type: tea.KeyDown})
		}
		return false
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

// TestFirstDownShowsFirstCard: at 40×20 the notes above the cards fill the
// window; the first ↓ shows the first card (still selected), the next
// selects the second.
func TestFirstDownShowsFirstCard(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := built(t, env, 40, 14, t.TempDir())
	if tuitest.Contains(m.View(), "1/3 DKIM") {
		t.Skip("the first card is in view at once")
	}
	press(t, m, "down")
	if m.Selected() != 0 || !tuitest.Contains(m.View(), "› 1/3 DKIM") {
		t.Fatalf("the first ↓ did not show the first card:\n%s", tuitest.Plain(m.View()))
	}
	press(t, m, "down")
	if m.Selected() != 1 || !tuitest.Contains(m.View(), "› 2/3 SPF") {
		t.Fatalf("the second ↓ did not select the second card:\n%s", tuitest.Plain(m.View()))
	}
}

// TestEmptyNameBox: at Route 53 the name box stays empty for the domain
// itself; the card says so in words and n copies nothing, saying why.
func TestEmptyNameBox(t *testing.T) {
	zone := strings.NewReplacer("amy.ns.cloudflare.com.", "ns-1.awsdns-01.org.", "bob.ns.cloudflare.com.", "ns-2.awsdns-02.net.").Replace(tuitest.ZoneYourCenter)
	env := tuitest.NewEnv(t, zone)
	m := built(t, env, 80, 80, t.TempDir())
	if p, _ := m.Plan(); p.DNSHost != "Amazon Route 53" {
		t.Fatalf("DNS host %q", p.DNSHost)
	}
	if !tuitest.Contains(m.View(), "Name (leave the box empty: the domain itself) full name: yourcenter.edu.") {
		t.Errorf("the empty name box is not said:\n%s", tuitest.Plain(m.View()))
	}
	press(t, m, "down")
	st := tuitest.Await[common.StatusMsg](t, press(t, m, "n"))
	if st.Text != "Nothing to copy: leave the name box of the SPF record for yourcenter.edu empty (the domain itself)." {
		t.Errorf("n said %+v", st)
	}
}
