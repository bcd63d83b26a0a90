package records_test

import (
	"path/filepath"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/steps/records"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// TestFilesKept: the files written (s, h) are kept in the State for the
// summary, each once, and kept again when the step is entered anew (the
// State forgets them when an earlier answer changes; the files stay).
func TestFilesKept(t *testing.T) {
	env := tuitest.NewEnv(t)
	dir := t.TempDir()
	m := built(t, env, 80, 24, dir)

	saved := tuitest.Await[records.SavedMsg](t, press(t, m, "s"))
	_, cmd := m.Update(saved)
	keep := tuitest.Await[common.KeepMsg](t, cmd)
	text := filepath.Join(dir, "dns-records-yourcenter.edu.txt")
	if files := filesOf(t, keep); len(files) != 1 || files[0].Path != text || files[0].Holds == "" {
		t.Fatalf("kept after s: %+v", files)
	}

	for range 2 { // written twice, listed once
		_, cmd = m.Update(tuitest.Await[records.HandoffSavedMsg](t, press(t, m, "h")))
		keep = tuitest.Await[common.KeepMsg](t, cmd)
	}
	files := filesOf(t, keep)
	if len(files) != 3 || files[0].Path != text ||
		files[1].Path != filepath.Join(dir, "dns-handoff-yourcenter.edu.md") ||
		files[2].Path != filepath.Join(dir, "dns-handoff-yourcenter.edu.html") || files[1].Holds == files[2].Holds {
		t.Fatalf("kept after s, h, h: %+v", files)
	}
	if keep.Step != m.Title() {
		t.Fatalf("kept as the %q step's", keep.Step)
	}

	snap := env.Snapshot(t)
	cmd = m.Enter(common.NewState(env.Input(t), snap, tuitest.Detected(snap)), common.Forward)
	msgs := tuitest.Collect(t, cmd, func(msgs []tea.Msg) bool {
		_, ok := msgs[len(msgs)-1].(common.KeepMsg)
		return ok
	})
	if again := filesOf(t, msgs[len(msgs)-1]); len(again) != 3 {
		t.Fatalf("kept on entering again: %+v", again)
	}
}

func filesOf(t *testing.T, msg any) common.HandoffFiles {
	t.Helper()
	keep, ok := msg.(common.KeepMsg)
	if !ok {
		t.Fatalf("got %T, want a KeepMsg", msg)
	}
	for _, r := range keep.Results {
		if f, ok := r.(common.HandoffFiles); ok {
			return f
		}
	}
	t.Fatalf("the KeepMsg keeps no files: %+v", keep.Results)
	return nil
}
