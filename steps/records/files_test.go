package records_test

import (
	"path/filepath"
	"testing"

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
	tuitest.Await[common.SaveMsg](t, cmd)
	text := filepath.Join(dir, "dns-records-yourcenter.edu.txt")
	if files := m.Session().Files; len(files) != 1 || files[0].Path != text || files[0].Holds == "" {
		t.Fatalf("kept after s: %+v", files)
	}

	for range 2 { // written twice, listed once
		_, cmd = m.Update(tuitest.Await[records.HandoffSavedMsg](t, press(t, m, "h")))
		tuitest.Await[common.SaveMsg](t, cmd)
	}
	files := m.Session().Files
	if len(files) != 3 || files[0].Path != text ||
		files[1].Path != filepath.Join(dir, "dns-handoff-yourcenter.edu.md") ||
		files[2].Path != filepath.Join(dir, "dns-handoff-yourcenter.edu.html") || files[1].Holds == files[2].Holds {
		t.Fatalf("kept after s, h, h: %+v", files)
	}

	// Going back and coming forward again (a new answer earlier on)
	// keeps them: a file written stays written.
	s := m.Session()
	s.SetProvider(tuitest.Domain, tuitest.Detected(env.Snapshot(t)), true)
	m.Enter(s, common.Backward)
	m.Enter(s, common.Forward)
	if again := m.Session().Files; len(again) != 3 {
		t.Fatalf("kept on entering again: %+v", again)
	}
}
