package records_test

import (
	"bytes"

	"os"
	"path/filepath"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/outreach-auth/wizard/steps/records"

	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// TestHandoffKey: h writes the hand-off sheet for the plan shown, as
// Markdown and HTML, into the save directory under names that say what
// they hold; the status says what the sheet covers and where both files
// are, and the State lists them (common.HandoffFiles).
func TestHandoffKey(t *testing.T) {
	env := tuitest.NewEnv(t)
	dir := t.TempDir()
	m := built(t, env, 80, 24, dir)
	p, _ := m.Plan()

	saved := tuitest.Await[records.HandoffSavedMsg](t, press(t, m, "h"))
	wantMD := filepath.Join(dir, "dns-handoff-yourcenter.edu.md")
	wantHTML := filepath.Join(dir, "dns-handoff-yourcenter.edu.html")
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
	msgs := tuitest.Collect(t, cmd, func(msgs []tea.Msg) bool { return len(msgs) == 2 })
	var st common.StatusMsg
	saves := 0
	for _, msg := range msgs {
		switch msg := msg.(type) {
		case common.StatusMsg:
			st = msg
		case common.SaveMsg:
			saves++
		}
	}
	want := "Saved the hand-off sheet for yourcenter.edu, for whoever edits DNS, in " + dir +
		": dns-handoff-yourcenter.edu.md (Markdown, to send or print) and dns-handoff-yourcenter.edu.html (the same as a web page)."
	if st.Level != common.Success || st.Text != want {
		t.Fatalf("status = %+v\nwant %q", st, want)
	}
	if saves != 1 {
		t.Fatalf("saved the progress %d times", saves)
	}
	files := m.Session().Files
	if len(files) != 2 || files[0].Path != wantMD || files[1].Path != wantHTML ||
		files[0].Holds != "the hand-off sheet for yourcenter.edu, in Markdown (to send or print)" || files[1].Holds != "the same hand-off sheet as a web page" {
		t.Fatalf("files kept = %+v", files)
	}

	// The key is in the full help.
	found := false
	for _, g := range m.FullHelp() {
		for _, b := range g {
			found = found || (b.Help().Key == "h" && b.Help().Desc == "hand-off sheet, all domains" && b.Enabled())
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
	if st := tuitest.Await[common.StatusMsg](t, cmd); st.Level != common.Failure || st.Text != "Could not save the hand-off sheet: could not write dns-handoff-yourcenter.edu.md: the folder "+filepath.Join(dir, "missing")+" does not exist." {
		t.Fatalf("status = %+v", st)
	}
}
