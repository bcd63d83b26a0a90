package tui_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/statefile"
	discoverystep "github.com/outreach-auth/wizard/steps/discovery"
	"github.com/outreach-auth/wizard/tui"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// toProvider walks a full-screen wizard to the provider step and answers
// it, returning the outcome of the save that follows.
func toProvider(t *testing.T, s shell) tui.ProgressSavedMsg {
	t.Helper()
	s.send(tea.WindowSizeMsg{Width: s.w, Height: s.h})
	s.next(tuitest.Key("enter"))
	s.typ(tuitest.Domain)
	s.send(tuitest.Await[discoverystep.ResultMsg](t, s.next(tuitest.Key("enter"))))
	s.next(tuitest.Key("enter"))
	return tuitest.Await[tui.ProgressSavedMsg](t, s.next(tuitest.Key("enter")))
}

// conflictWords is how a wizard says another has saved since.
const conflictWords = "Another wizard (or someone by hand) changed the saved progress in "

// TestTwoWizardsOneProgressFile: two full-screen wizards started on one
// progress file; the first saves, and the second, instead of overwriting
// that progress, says so in its status line and writes nothing.
func TestTwoWizardsOneProgressFile(t *testing.T) {
	env := tuitest.NewEnv(t)
	path := filepath.Join(t.TempDir(), "progress.json")
	cfg := cfgFor(env, t.TempDir())
	cfg.ProgressPath = path
	first := shell{t: t, m: tui.NewModel(context.Background(), cfg, &syncBuffer{}), w: 100, h: 40}
	second := shell{t: t, m: tui.NewModel(context.Background(), cfg, &syncBuffer{}), w: 100, h: 40}

	if saved := toProvider(t, first); saved.Err != nil {
		t.Fatalf("the first wizard's save: %v", saved.Err)
	}
	before := readProgress(t, path)
	saved := toProvider(t, second)
	if saved.Err == nil {
		t.Fatal("the second wizard overwrote the first's progress")
	}
	second.send(saved)
	second.wantView(conflictWords, "so this one no longer saves its progress there")
	if err := second.m.SaveProgress(); err == nil {
		t.Fatal("the second wizard's last save went through")
	}
	if after := readProgress(t, path); after.SavedAt != before.SavedAt {
		t.Fatal("the progress file changed")
	}
	if err := first.m.SaveProgress(); err != nil {
		t.Fatalf("the first wizard can no longer save: %v", err)
	}
}

// TestTwoAccessibleWizardsOneProgressFile: the same with the line
// prompts: a wizard that read the file before another saved there says so
// once, and leaves the other's progress as it was.
func TestTwoAccessibleWizardsOneProgressFile(t *testing.T) {
	env := tuitest.NewEnv(t)
	path := filepath.Join(t.TempDir(), "progress.json")
	cfg := cfgFor(env, t.TempDir())
	cfg.ProgressPath = path
	// The second wizard took the file as it was when it started: none yet.
	var outs [2]bytes.Buffer
	input := tuitest.Domain + "\n\n\n\nq\n"
	secondCfg := cfg
	secondCfg.ProgressFile = statefile.Track(path)
	if err := tui.RunAccessible(context.Background(), cfg, strings.NewReader(input), &outs[0]); err != nil {
		t.Fatalf("first: %v\n%s", err, outs[0].String())
	}
	if strings.Contains(outs[0].String(), conflictWords) {
		t.Fatalf("the first wizard saw a conflict:\n%s", outs[0].String())
	}
	before := readProgress(t, path)
	if err := tui.RunAccessible(context.Background(), secondCfg, strings.NewReader(input), &outs[1]); err != nil {
		t.Fatalf("second: %v\n%s", err, outs[1].String())
	}
	if got := strings.Count(outs[1].String(), conflictWords); got != 1 {
		t.Fatalf("the second wizard said the conflict %d times:\n%s", got, outs[1].String())
	}
	if after := readProgress(t, path); after.SavedAt != before.SavedAt {
		t.Fatal("the second wizard overwrote the first's progress")
	}
}
