package records_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/outreach-auth/wizard/internal/safefile"
	"github.com/outreach-auth/wizard/steps/records"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// brokenFS is the real file system with one failure injected for files
// created in dir: the tests run as root, which no permission stops, so a
// read-only folder and a full disk are made up here.
type brokenFS struct {
	safefile.FS
	dir string
	// readOnly refuses to create files in dir; otherwise a file in dir
	// takes room bytes before the disk is full.
	readOnly bool
	room     int
}

func (b brokenFS) CreateTemp(dir, pattern string) (safefile.TempFile, error) {
	if dir != b.dir {
		return b.FS.CreateTemp(dir, pattern)
	}
	if b.readOnly {
		return nil, &fs.PathError{Op: "open", Path: filepath.Join(dir, pattern), Err: syscall.EACCES}
	}
	f, err := b.FS.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	return &fillingFile{TempFile: f, room: b.room}, nil
}

// fillingFile writes room bytes, then fails as a full disk does.
type fillingFile struct {
	safefile.TempFile
	room int
}

func (f *fillingFile) Write(p []byte) (int, error) {
	if len(p) <= f.room {
		f.room -= len(p)
		return f.TempFile.Write(p)
	}
	n, _ := f.TempFile.Write(p[:f.room])
	f.room = 0
	return n, &fs.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// failure presses k and returns the status the outcome sets.
func failure(t *testing.T, m *records.Model, k string) common.StatusMsg {
	t.Helper()
	var msg any
	if k == "h" {
		msg = tuitest.Await[records.HandoffSavedMsg](t, press(t, m, k))
	} else {
		msg = tuitest.Await[records.SavedMsg](t, press(t, m, k))
	}
	_, cmd := m.Update(msg)
	return tuitest.Await[common.StatusMsg](t, cmd)
}

// TestSaveRefusesLinks: a symbolic link where h or s writes (planted, say,
// by another user of a shared folder) is refused with a sentence, and the
// file it points to keeps its content.
func TestSaveRefusesLinks(t *testing.T) {
	env := tuitest.NewEnv(t)
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"dns-handoff-yourcenter.edu.md", "dns-handoff-yourcenter.edu.html", "dns-records-yourcenter.edu.txt"} {
		if err := os.Symlink(victim, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	m := built(t, env, 80, 24, dir)
	for k, name := range map[string]string{"h": "dns-handoff-yourcenter.edu.md", "s": "dns-records-yourcenter.edu.txt"} {
		st := failure(t, m, k)
		want := "did not write " + name + " in " + dir + ": that name is a symbolic link, not a regular file, and the wizard never writes through one"
		if st.Level != common.Failure || !strings.Contains(st.Text, want) || !strings.HasPrefix(st.Text, "Could not save the ") {
			t.Errorf("%s: status %+v, want it to say %q", k, st, want)
		}
	}
	if data, _ := os.ReadFile(victim); string(data) != "precious" {
		t.Fatalf("the link's target now holds %q", data)
	}
	if names := listDir(t, dir); len(names) != 4 {
		t.Fatalf("the folder holds %v, want the links and their target only", names)
	}
}

// TestSaveFullDiskLeavesNothing: a disk that fills up while the sheet is
// written leaves neither a partial .html nor a lone .md, and s the same.
func TestSaveFullDiskLeavesNothing(t *testing.T) {
	env := tuitest.NewEnv(t)
	dir := t.TempDir()
	m := built(t, env, 80, 24, dir).WithFS(brokenFS{FS: safefile.OS, dir: dir, room: 1000})
	for _, k := range []string{"h", "s"} {
		st := failure(t, m, k)
		if st.Level != common.Failure || !strings.Contains(st.Text, "the disk is full (nothing was left half-written)") {
			t.Errorf("%s: status %+v", k, st)
		}
	}
	if names := listDir(t, dir); len(names) != 0 {
		t.Fatalf("after a full disk the folder holds %v", names)
	}
}

// TestSaveReadOnlyOffersHome: a read-only folder is said in a sentence
// that offers the home folder, and the same key again saves there.
func TestSaveReadOnlyOffersHome(t *testing.T) {
	env := tuitest.NewEnv(t)
	dir, home := t.TempDir(), t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	m := built(t, env, 80, 24, dir).WithFS(brokenFS{FS: safefile.OS, dir: dir, readOnly: true})
	st := failure(t, m, "h")
	want := "Could not save the hand-off sheet: could not write dns-handoff-yourcenter.edu.md: the folder " + dir +
		" is read-only for you. Press h again to save it in your home folder, " + home + ", instead."
	if st.Level != common.Failure || st.Text != want {
		t.Fatalf("status %q, want %q", st.Text, want)
	}
	saved := tuitest.Await[records.HandoffSavedMsg](t, press(t, m, "h"))
	if saved.Err != nil || saved.MDPath != filepath.Join(home, "dns-handoff-yourcenter.edu.md") {
		t.Fatalf("h again: %+v", saved)
	}
	text := tuitest.Await[records.SavedMsg](t, press(t, m, "s"))
	if text.Err != nil || text.Path != filepath.Join(home, "dns-records-yourcenter.edu.txt") {
		t.Fatalf("s after the offer: %+v", text)
	}
}

// TestPromptSaveReadOnly: the line prompts say the same and save in the
// home folder at the next s.
func TestPromptSaveReadOnly(t *testing.T) {
	env := tuitest.NewEnv(t)
	dir, home := t.TempDir(), t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	m := records.NewModel(env.Common(80, 24), env.Client, dir, nil).WithFS(brokenFS{FS: safefile.OS, dir: dir, readOnly: true})
	snap := env.Snapshot(t)
	var out bytes.Buffer
	lp := common.NewLinePrompt(strings.NewReader("s\ns\nh\n\n"), &out)
	if _, err := m.Prompt(t.Context(), lp, tuitest.NewSession(env.Input(t), snap, tuitest.Detected(snap))); err != nil {
		t.Fatalf("Prompt: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"Could not save the records for yourcenter.edu: could not write dns-records-yourcenter.edu.txt: the folder " + dir +
			" is read-only for you. Press s again to save it in your home folder, " + home + ", instead.",
		"Saved the records for yourcenter.edu as text to " + filepath.Join(home, "dns-records-yourcenter.edu.txt") + ".",
		"Saved the hand-off sheet for yourcenter.edu, for whoever edits DNS, in " + home + ":",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
