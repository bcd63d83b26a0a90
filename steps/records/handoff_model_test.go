package records_test

import (
	"bytes"
	"github.com/outreach-auth/wizard/steps/records"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// TestHandoffKey: h writes the hand-off sheet for the plan shown, as
// Markdown and HTML, into the save directory, and the status names both
// files.
func TestHandoffKey(t *testing.T) {
	env := tuitest.NewEnv(t)
	dir := t.TempDir()
	m := built(t, env, 80, 24, dir)
	p, _ := m.Plan()

	saved := tuitest.Await[records.HandoffSavedMsg](t, press(t, m, "h"))
	wantMD := filepath.Join(dir, "yourcenter.edu-dns-handoff.md")
	wantHTML := filepath.Join(dir, "yourcenter.edu-dns-handoff.html")
	if saved.Err != nil || saved.MDPath != wantMD || saved.HTMLPath != wantHTML {
		t.Fatalf("saved = %+v", saved)
	}
	for path, format := range map[string]string{wantMD: plan.FormatMarkdown, wantHTML: plan.FormatHTML} {
		var want bytes.Buffer
		if err := plan.WriteHandoff(&want, format, p); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != want.String() {
			t.Errorf("%s (%v) is not the %s sheet of the plan shown", path, err, format)
		}
	}
	_, cmd := m.Update(saved)
	st := tuitest.Await[common.StatusMsg](t, cmd)
	if st.Level != common.Success || !strings.Contains(st.Text, wantMD) || !strings.Contains(st.Text, wantHTML) || !strings.Contains(st.Text, "hand-off sheet") {
		t.Fatalf("status = %+v", st)
	}

	// The key is in the full help.
	found := false
	for _, g := range m.FullHelp() {
		for _, b := range g {
			found = found || (b.Help().Key == "h" && b.Help().Desc == "hand-off sheet" && b.Enabled())
		}
	}
	if !found {
		t.Error("h (hand-off sheet) is not in the full help")
	}

	// A directory that does not exist: the status says why.
	m = built(t, env, 80, 24, filepath.Join(dir, "missing"))
	saved = tuitest.Await[records.HandoffSavedMsg](t, press(t, m, "h"))
	if saved.Err == nil {
		t.Fatalf("saving into a missing directory succeeded: %+v", saved)
	}
	_, cmd = m.Update(saved)
	if st := tuitest.Await[common.StatusMsg](t, cmd); st.Level != common.Failure || !strings.Contains(st.Text, "saving the hand-off sheet") {
		t.Fatalf("status = %+v", st)
	}
}
