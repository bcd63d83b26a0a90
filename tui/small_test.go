package tui_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/steps/provider"
	"github.com/outreach-auth/wizard/steps/records"
	"github.com/outreach-auth/wizard/tui"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// The demo's banner, its short form, and its keys in the records step: the
// small-window tests draw the shell as the demo does.
const (
	demoBanner      = "DEMO · simulated DNS · nothing leaves this machine; progress is not saved"
	demoShortBanner = "DEMO · simulated DNS · progress unsaved"
)

func demoCfg(env *tuitest.Env, dir string) tui.Config {
	cfg := cfgFor(env, dir)
	cfg.Banner, cfg.ShortBanner = demoBanner, demoShortBanner
	none := func(context.Context, plan.Plan) (string, error) { return "", nil }
	cfg.Actions = []tui.Action{
		{Key: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "publish (demo)")), Run: none},
		{Key: key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "publish with a mistake (demo)")), Run: none},
	}
	return cfg
}

// recordsShell returns the shell as the demo draws it, at w×h on the
// records step of yourcenter.edu and othercenter.org, their plans in.
func recordsShell(t *testing.T, env *tuitest.Env, w, h int) shell {
	t.Helper()
	m := tui.NewModel(context.Background(), demoCfg(env, t.TempDir()), &syncBuffer{})
	s := shell{t: t, m: m, w: w, h: h}
	snap := env.Snapshot(t)
	others := common.Others{{Input: tuitest.InputOf(t, tuitest.Other), Snap: env.SnapshotOf(t, tuitest.Other)}}
	m.StartAt(records.Name, common.NewState(env.Input(t), snap, tuitest.Detected(snap), others))
	s.send(tea.WindowSizeMsg{Width: w, Height: h})
	plans := 0
	for _, msg := range tuitest.Collect(t, m.Init(), func(ms []tea.Msg) bool {
		if _, ok := ms[len(ms)-1].(records.PlanMsg); ok {
			plans++
		}
		return plans == 2
	}) {
		if msg != nil {
			s.send(msg)
		}
	}
	if plans != 2 {
		t.Fatalf("got %d plans, want 2", plans)
	}
	return s
}

// lastLine returns the plain last line of view.
func lastLine(view string) string {
	lines := strings.Split(tuitest.Plain(view), "\n")
	return lines[len(lines)-1]
}

// TestHelpScrollsInASmallWindow: at 40×20 the full help of the records
// step is taller than the window; it scrolls, says there is more, and
// every key is reached.
func TestHelpScrollsInASmallWindow(t *testing.T) {
	env := tuitest.NewEnv(t)
	s := recordsShell(t, env, 40, 20)
	before := s.m.View()
	s.keys("?")
	top := s.m.View()
	t.Run("top", func(t *testing.T) { tuitest.Golden(t, top, 40, 20) })
	if !tuitest.Contains(top, "↓ more keys below") {
		t.Fatalf("the cut help does not say there is more:\n%s", tuitest.Plain(top))
	}
	seen := tuitest.Plain(top)
	for range 40 {
		s.keys("down")
		tuitest.CheckFits(t, s.m.View(), 40, 20)
		seen += "\n" + tuitest.Plain(s.m.View())
	}
	bottom := s.m.View()
	t.Run("bottom", func(t *testing.T) { tuitest.Golden(t, bottom, 40, 20) })
	if !tuitest.Contains(bottom, "↑ more keys above") {
		t.Fatalf("the help scrolled to its end does not say there is more above:\n%s", tuitest.Plain(bottom))
	}
	for _, want := range []string{"c copy value", "h hand-off sheet", "← previous domain", "→ next domain",
		"p publish (demo)", "m publish with a mistake (demo)", "? fewer keys", "q quit", "ctrl+c quit"} {
		if !tuitest.Contains(seen, want) {
			t.Errorf("scrolling the help never shows %q", want)
		}
	}
	s.keys("?")
	if v := s.m.View(); tuitest.Contains(v, "more keys below") || !strings.Contains(lastLine(v), "? more keys") {
		t.Fatalf("closing the help:\n%s", tuitest.Plain(v))
	}
	// ↓ scrolled the help, not the records.
	if v := s.m.View(); v != before {
		t.Errorf("scrolling the help moved the records step:\n%s\nBEFORE\n%s", tuitest.Plain(v), tuitest.Plain(before))
	}
	// In a large window the help fits and nothing scrolls.
	s = recordsShell(t, env, 100, 30)
	s.keys("?")
	if v := s.m.View(); tuitest.Contains(v, "more keys") || !tuitest.Contains(v, "p publish (demo)", "? fewer keys") {
		t.Fatalf("full help at 100x30:\n%s", tuitest.Plain(v))
	}
}

// TestFooterKeepsMoreKeys: whatever the window and however long the
// status line, the last line is the help bar and ends in "? more keys".
func TestFooterKeepsMoreKeys(t *testing.T) {
	env := tuitest.NewEnv(t)
	long := common.StatusMsg{Level: common.Failure, Text: "Could not copy the DKIM value: no clipboard works here. " +
		"The instructions are saved in /home/someone/a/rather/long/path/dns-records-yourcenter.edu.txt."}
	for _, w := range []int{20, 30, 40, 60, 100} {
		for _, h := range []int{common.MinHeight, 12, 20, 30} {
			t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
				s := recordsShell(t, env, w, h)
				for _, status := range []common.StatusMsg{{}, long} {
					s.send(status)
					v := s.m.View()
					tuitest.CheckFits(t, v, w, h)
					if !strings.HasSuffix(lastLine(v), "? more keys") {
						t.Fatalf("status %q: the footer lost \"? more keys\":\n%s", status.Text, tuitest.Plain(v))
					}
				}
			})
		}
	}
}

// TestStatusWrapsWhole: a status line longer than three lines at 40
// columns is shown whole, down to the command the person is told to run.
func TestStatusWrapsWhole(t *testing.T) {
	env := tuitest.NewEnv(t)
	s := recordsShell(t, env, 40, 20)
	text := "Copied the DKIM value for yourcenter.edu through tmux to your terminal (if nothing pastes, run: tmux set -g set-clipboard on)."
	s.send(common.StatusMsg{Level: common.Success, Text: text})
	v := s.m.View()
	tuitest.Golden(t, v, 40, 20)
	if !tuitest.Contains(v, text) {
		t.Fatalf("the status line is cut:\n%s", tuitest.Plain(v))
	}
	if !strings.HasSuffix(lastLine(v), "? more keys") {
		t.Fatalf("the footer lost \"? more keys\":\n%s", tuitest.Plain(v))
	}
}

// sizeStep is a step that records the area it is given.
type sizeStep struct{ w, h int }

func (s *sizeStep) Init() tea.Cmd                                 { return nil }
func (s *sizeStep) Update(tea.Msg) (tea.Model, tea.Cmd)           { return s, nil }
func (s *sizeStep) View() string                                  { return "step" }
func (s *sizeStep) ShortHelp() []key.Binding                      { return nil }
func (s *sizeStep) FullHelp() [][]key.Binding                     { return nil }
func (s *sizeStep) SetSize(w, h int)                              { s.w, s.h = w, h }
func (s *sizeStep) Title() string                                 { return "Sized" }
func (s *sizeStep) Enter(*common.State, common.Direction) tea.Cmd { return nil }
func (s *sizeStep) Capturing() bool                               { return false }

// TestCompactChrome: below 24 lines the header and the demo's banner take
// a line each and no blank line stands around the step; from 24 lines the
// chrome is as before.
func TestCompactChrome(t *testing.T) {
	env := tuitest.NewEnv(t)
	for _, tc := range []struct{ w, h, body int }{
		{40, 20, 20 - 2 - 1},      // header, short banner; help bar
		{60, 23, 23 - 2 - 1},      // header, banner; help bar
		{60, 24, 24 - 3 - 1 - 2},  // header, banner on two lines, blank; blank, help bar
		{100, 30, 30 - 2 - 1 - 2}, // header, banner, blank; blank, help bar
	} {
		step := &sizeStep{}
		c := env.Common(tc.w, tc.h)
		m := tui.NewModelWithSteps(c, tui.Config{Platform: env.Platform, Banner: demoBanner, ShortBanner: demoShortBanner}, nil, []common.Step{step})
		m.Update(tea.WindowSizeMsg{Width: tc.w, Height: tc.h})
		if step.h != tc.body {
			t.Errorf("%dx%d: the step has %d lines, want %d:\n%s", tc.w, tc.h, step.h, tc.body, tuitest.Plain(m.View()))
		}
		v := m.View()
		tuitest.CheckFits(t, v, tc.w, tc.h)
		if !tuitest.Contains(v, "DEMO · simulated DNS") || strings.Contains(tuitest.Plain(v), "…") {
			t.Errorf("%dx%d: the banner is missing or cut:\n%s", tc.w, tc.h, tuitest.Plain(v))
		}
	}
}

// TestHeaderDropsWordsBeforeItIsCut: in a narrow window the header keeps
// where the person is ("3/3 Sized") and drops the platform's name first.
func TestHeaderDropsWordsBeforeItIsCut(t *testing.T) {
	env := tuitest.NewEnv(t)
	for _, tc := range []struct {
		w    int
		want string
	}{{40, "Neoserra setup · 1/1 Sized"}, {20, "Neoserra · 1/1 Sized"}, {15, "1/1 Sized"}} {
		c := env.Common(tc.w, 20)
		m := tui.NewModelWithSteps(c, tui.Config{Platform: env.Platform}, nil, []common.Step{&sizeStep{}})
		m.Update(tea.WindowSizeMsg{Width: tc.w, Height: 20})
		if got := strings.Split(tuitest.Plain(m.View()), "\n")[0]; got != tc.want {
			t.Errorf("width %d: header %q, want %q", tc.w, got, tc.want)
		}
	}
}

// TestProviderListFillsASmallWindow: at 40×20 the provider list shows a
// line a provider, as many as fit, and the selected one's SPF part.
func TestProviderListFillsASmallWindow(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := tui.NewModel(context.Background(), demoCfg(env, t.TempDir()), nil)
	s := shell{t: t, m: m, w: 40, h: 20}
	snap := env.Snapshot(t)
	m.StartAt(provider.Name, common.NewState(env.Input(t), snap))
	s.send(tea.WindowSizeMsg{Width: 40, Height: 20})
	m.Init()
	v := m.View()
	tuitest.Golden(t, v, 40, 20)
	names := map[string]bool{}
	for _, p := range assets.Providers() {
		names[p.Name] = true
	}
	shown := 0
	for _, l := range strings.Split(tuitest.Plain(v), "\n") {
		if names[strings.TrimSuffix(strings.TrimLeft(l, "│ "), " (detected)")] {
			shown++
		}
	}
	if shown < 6 {
		t.Fatalf("the list shows %d providers at 40x20, want at least 6:\n%s", shown, tuitest.Plain(v))
	}
	if !tuitest.Contains(v, "Microsoft 365 (detected)", "include:spf.protection.outlook.com") {
		t.Fatalf("the detected provider or its SPF part is missing:\n%s", tuitest.Plain(v))
	}
	// Moving says the SPF part of the provider moved to.
	s.keys("down")
	if v := m.View(); !tuitest.Contains(v, "include:_spf.google.com") {
		t.Fatalf("moving to Google Workspace:\n%s", tuitest.Plain(v))
	}
}
