package tui_test

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/steps/records"
	"github.com/outreach-auth/wizard/tui"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// oneRecordsShell returns the shell as the demo draws it, at w×h on the
// records step of yourcenter.edu alone, its plan in.
func oneRecordsShell(t *testing.T, env *tuitest.Env, w, h int) shell {
	t.Helper()
	m := tui.NewModel(context.Background(), demoCfg(env, t.TempDir()), &syncBuffer{})
	s := shell{t: t, m: m, w: w, h: h}
	snap := env.Snapshot(t)
	m.StartAt(records.Name, common.NewState(env.Input(t), snap, tuitest.Detected(snap)))
	s.send(tea.WindowSizeMsg{Width: w, Height: h})
	s.send(tuitest.Await[records.PlanMsg](t, m.Init()))
	return s
}

// flat is the plain view with its lines joined by single spaces.
func flat(view string) string { return strings.Join(strings.Fields(tuitest.Plain(view)), " ") }

// TestRecordsCardsAboveTheFold: on Records at 80×24 the DKIM card and the
// start of the SPF card are seen without scrolling, at 40×20 the first
// card; the "Watch out" notes take a line each, w shows them in full; the
// demo's keys and the step's main key are in the help bar.
func TestRecordsCardsAboveTheFold(t *testing.T) {
	env := tuitest.NewEnv(t)
	for _, tc := range []struct {
		w, h int
		want []string
	}{
		{80, 24, []string{"› 1/3 DKIM: add a CNAME record", "Value osc1._domainkey.outreachsystems.com.", "2/3 SPF: replace the TXT record", "Value v=spf1"}},
		{40, 20, []string{"› 1/3 DKIM: add a CNAME record", "Value: osc1._domainkey.outreachsystems.com."}},
	} {
		s := oneRecordsShell(t, env, tc.w, tc.h)
		v := s.m.View()
		tuitest.CheckFits(t, v, tc.w, tc.h)
		for _, want := range append(tc.want, "enter check them", "p publish (demo)", "m publish with a mistake (demo)", "? more keys") {
			if !strings.Contains(flat(v), want) {
				t.Errorf("%dx%d: the first screen lacks %q:\n%s", tc.w, tc.h, want, tuitest.Plain(v))
			}
		}
		if strings.Contains(flat(v), "splits long values itself") {
			t.Errorf("%dx%d: the notes are in full before w:\n%s", tc.w, tc.h, tuitest.Plain(v))
		}
		s.keys("w")
		if v := s.m.View(); !strings.Contains(flat(v), "Cloudflare adds what it needs and splits long values itself.") {
			t.Errorf("%dx%d: w does not show the notes in full:\n%s", tc.w, tc.h, tuitest.Plain(v))
		}
		s.keys("w")
		if v := s.m.View(); strings.Contains(flat(v), "splits long values itself") {
			t.Errorf("%dx%d: w again does not fold the notes:\n%s", tc.w, tc.h, tuitest.Plain(v))
		}
	}
}

// TestSelectedCardStaysInView: the SPF card selected at 80×24 is still
// on screen after the window shrinks, and after it grows again.
func TestSelectedCardStaysInView(t *testing.T) {
	env := tuitest.NewEnv(t)
	s := oneRecordsShell(t, env, 80, 24)
	s.keys("down")
	for _, size := range [][2]int{{40, 14}, {30, 12}, {80, 24}} {
		s.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		if v := s.m.View(); !strings.Contains(tuitest.Plain(v), "› 2/3 SPF") {
			t.Errorf("at %dx%d the selected card is off screen:\n%s", size[0], size[1], tuitest.Plain(v))
		}
	}
}

// TestNothingToCopy: c where there is nothing to copy says so.
func TestNothingToCopy(t *testing.T) {
	env := tuitest.NewEnv(t)
	s, _ := newShell(t, env, 80, 24)
	s.keys("c")
	if got := s.m.Status().Text; !strings.Contains(got, "Nothing to copy on this screen") {
		t.Fatalf("status after c on the welcome = %q", got)
	}
	// Where there is, c copies.
	r := oneRecordsShell(t, env, 80, 24)
	cmd := r.keys("c")
	if cmd == nil {
		t.Fatal("c on Records did nothing")
	}
	if _, ok := cmd().(common.CopyMsg); !ok {
		t.Fatal("c on Records did not copy")
	}
}

// TestClipboardHintOnce: the first copy through the terminal says what to
// do if nothing pastes; the next ones do not, until a copy fails.
func TestClipboardHintOnce(t *testing.T) {
	env := tuitest.NewEnv(t)
	term := &syncBuffer{}
	m := tui.NewModel(context.Background(), cfgFor(env, t.TempDir()), term)
	m.SetClipboard(tui.Clipboard{Mode: tui.ClipboardOSC52, GOOS: "linux", Term: term,
		Getenv: envOf(map[string]string{"TMUX": "/tmp/tmux-1000/default,1,0"})})
	s := shell{t: t, m: m}
	copyOnce := func(text string) common.StatusMsg {
		return tuitest.Await[common.StatusMsg](t, s.send(common.CopyMsg{What: "the SPF value", Text: text}))
	}
	for i, want := range []bool{true, false, false} {
		st := copyOnce("v=spf1 -all")
		if got := strings.Contains(st.Text, tui.TmuxHint); got != want {
			t.Errorf("copy %d: hint given = %v, want %v: %q", i+1, got, want, st.Text)
		}
	}
	if st := copyOnce("v=spf1\x1b[2J -all"); st.Level != common.Failure {
		t.Fatalf("copying control text: %+v", st)
	}
	if st := copyOnce("v=spf1 -all"); !strings.Contains(st.Text, tui.TmuxHint) {
		t.Errorf("after a failed copy the hint is not given again: %q", st.Text)
	}
	if strings.Contains(copyOnce("v=spf1 -all").Text, "OSC 52") {
		t.Error("the status names OSC 52")
	}
}
