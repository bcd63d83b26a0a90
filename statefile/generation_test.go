package statefile

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestTwoSaversOneFile: two wizards that both read one progress file
// take turns: the first to save wins, the second is told (with a
// sentence naming the file) and writes nothing, now or later.
func TestTwoSaversOneFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "progress.json")
	mustSave(t, path, sample()) // saved by an older wizard: no generation yet

	first, second := NewFile(path), NewFile(path)
	for _, f := range []*File{first, second} {
		var p progress
		if found, err := f.Load(&p, nil); !found || err != nil {
			t.Fatalf("Load = %v, %v", found, err)
		}
	}
	a := sample()
	a.Step = "records"
	if err := first.Save(a); err != nil {
		t.Fatalf("the first saver: %v", err)
	}
	if err := first.Save(a); err != nil {
		t.Fatalf("the first saver again: %v", err)
	}
	b := sample()
	b.Step = "advice"
	for range 2 {
		err := second.Save(b)
		var ce *ConflictError
		if !errors.As(err, &ce) || !errors.Is(err, ErrConflict) || ce.Path != path {
			t.Fatalf("the second saver: %v, want a *ConflictError", err)
		}
		if want := "Another wizard (or someone by hand) changed the saved progress in " + path + " since this wizard last saved it"; !strings.HasPrefix(err.Error(), want) {
			t.Errorf("said %q", err)
		}
	}
	var got progress
	if _, err := Load(path, &got); err != nil || got.Step != "records" {
		t.Fatalf("the file holds step %q (%v), want the first saver's", got.Step, err)
	}
	if g := generationOf(mustRead(t, path)); g != 2 {
		t.Errorf("generation %d after two saves, want 2", g)
	}
	// A third wizard that reads the file now goes on from there.
	third := NewFile(path)
	if _, err := third.Load(&got, nil); err != nil {
		t.Fatal(err)
	}
	if err := third.Save(b); err != nil {
		t.Fatalf("a wizard that read the newest file: %v", err)
	}
	if err := first.Save(a); !errors.Is(err, ErrConflict) {
		t.Fatalf("the first saver after the third: %v, want a conflict", err)
	}
}

// TestTwoFreshSavers: two wizards started with no file: the second to
// save finds the first's file and says so.
func TestTwoFreshSavers(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sub", "progress.json")
	first, second := NewFile(path), NewFile(path)
	for _, f := range []*File{first, second} {
		var p progress
		if found, err := f.Load(&p, nil); found || err != nil {
			t.Fatalf("Load of no file = %v, %v", found, err)
		}
	}
	if err := first.Save(sample()); err != nil {
		t.Fatal(err)
	}
	if err := second.Save(sample()); !errors.Is(err, ErrConflict) {
		t.Fatalf("second fresh saver: %v, want a conflict", err)
	}
}

// TestRemoveThenSave: a wizard that starts fresh (Remove) saves again;
// one that still holds the old generation is told, even though the file
// was removed in between, and also when the file is simply gone.
func TestRemoveThenSave(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "progress.json")
	old, fresh := NewFile(path), NewFile(path)
	if err := old.Save(sample()); err != nil {
		t.Fatal(err)
	}
	var p progress
	if _, err := fresh.Load(&p, nil); err != nil {
		t.Fatal(err)
	}
	if err := fresh.Remove(); err != nil {
		t.Fatal(err)
	}
	if err := old.Save(sample()); !errors.Is(err, ErrConflict) {
		t.Fatalf("saving after another wizard removed the file: %v, want a conflict", err)
	}
	if err := fresh.Save(sample()); err != nil {
		t.Fatalf("the wizard that removed it: %v", err)
	}
	if err := old.Save(sample()); !errors.Is(err, ErrConflict) {
		t.Fatalf("the old wizard after the fresh one saved: %v", err)
	}
	if g := generationOf(mustRead(t, path)); g != 2 {
		t.Errorf("generation %d, want 2 (it goes on after a removal)", g)
	}
}

// TestGenerationFileStillLoads: the generation is one more field; Load
// into the caller's type ignores it, and round trips keep the value.
func TestGenerationFileStillLoads(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "progress.json")
	f := Track(path)
	want := sample()
	if err := f.Save(want); err != nil {
		t.Fatal(err)
	}
	data := mustRead(t, path)
	if !strings.HasPrefix(string(data), "{\n  \"generation\": 1,\n  \"version\"") || !strings.HasSuffix(string(data), "}\n") {
		t.Errorf("file starts:\n%s", data)
	}
	var got progress
	if found, err := Load(path, &got); !found || err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Load = %+v, %v, %v", got, found, err)
	}
	// Track reads the generation of the file as it is.
	if err := Track(path).Save(want); err != nil {
		t.Fatalf("a tracker of the current file: %v", err)
	}
	// An empty object and a value that is not one.
	if err := NewFile(filepath.Join(t.TempDir(), "e.json")).Save(struct{}{}); err != nil {
		t.Fatalf("empty object: %v", err)
	}
	if err := NewFile(filepath.Join(t.TempDir(), "n.json")).Save(42); err == nil {
		t.Fatal("a number saved with a generation")
	}
	if err := NewFile(filepath.Join(t.TempDir(), "g.json")).Save(map[string]int{"generation": 7}); err == nil {
		t.Fatal("a value with its own generation field was saved")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(mustRead(t, path), &raw); err != nil || string(raw["generation"]) != "2" {
		t.Fatalf("generation %s, %v", raw["generation"], err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}
