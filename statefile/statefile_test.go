package statefile

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/outreach-auth/wizard/internal/safefile"
)

// progress is a realistic stand-in for what the wizard saves.
type progress struct {
	Version   int               `json:"version"`
	Step      string            `json:"step"`
	Domains   []domainState     `json:"domains"`
	Providers map[string]string `json:"providers"`
	CheckedAt time.Time         `json:"checked_at"`
}

type domainState struct {
	Name    string   `json:"name"`
	SPF     string   `json:"spf"`
	DKIM    bool     `json:"dkim"`
	Results []string `json:"results"`
}

func sample() progress {
	return progress{
		Version: 1,
		Step:    "check",
		Domains: []domainState{
			{Name: "example.org", SPF: "v=spf1 include:_spf.neoserra.com ~all", DKIM: true, Results: []string{"spf ok", "dkim ok"}},
			{Name: "sbdc.example.edu", SPF: "", Results: []string{"spf missing"}},
		},
		Providers: map[string]string{"example.org": "cloudflare", "sbdc.example.edu": "route53"},
		CheckedAt: time.Date(2025, 3, 4, 5, 6, 7, 8, time.UTC),
	}
}

// helperEnv names the variable that turns the test binary into the child
// process of TestWholeAfterKillDuringSave.
const helperEnv = "STATEFILE_TEST_SAVE_LOOP"

func TestMain(m *testing.M) {
	if path := os.Getenv(helperEnv); path != "" {
		os.Exit(saveUntilKilled(path))
	}
	os.Exit(m.Run())
}

// fixClock makes corrupt-file names deterministic for the test.
func fixClock(t *testing.T) string {
	t.Helper()
	old := now
	now = func() time.Time { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.Local) }
	t.Cleanup(func() { now = old })
	return "20250102-030405"
}

func mustSave(t *testing.T, path string, v any) {
	t.Helper()
	if err := Save(path, v); err != nil {
		t.Fatalf("Save: %v", err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// dirNames lists the names in dir, sorted.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	want := sample()
	mustSave(t, path, want)

	var got progress
	found, err := Load(path, &got)
	if err != nil || !found {
		t.Fatalf("Load = %v, %v; want true, nil", found, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip changed the value:\n got %+v\nwant %+v", got, want)
	}
	data := mustRead(t, path)
	if !bytes.HasPrefix(data, []byte("{\n  \"version\": 1,")) || !bytes.HasSuffix(data, []byte("}\n")) {
		t.Errorf("file is not indented JSON ending in a newline:\n%s", data)
	}
}

func TestControlCharactersRoundTripEscaped(t *testing.T) {
	var weird strings.Builder
	for r := rune(0); r < 0x20; r++ {
		weird.WriteRune(r)
	}
	weird.WriteString("\x7f\u0080\u009b[31mred\u009f\u00a0\u2028\u2029\"\\</script>&é✓🙂")
	want := sample()
	want.Domains[0].Results = []string{weird.String(), "TXT \"v=spf1\x1b[2J -all\""}
	want.Step = "\x1b]0;title\x07"

	path := filepath.Join(t.TempDir(), "progress.json")
	mustSave(t, path, want)

	var got progress
	if found, err := Load(path, &got); err != nil || !found {
		t.Fatalf("Load = %v, %v; want true, nil", found, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("control characters did not round-trip exactly:\n got %q\nwant %q", got.Domains[0].Results, want.Domains[0].Results)
	}

	data := mustRead(t, path)
	if !utf8.Valid(data) {
		t.Fatal("file is not valid UTF-8")
	}
	for i, r := range string(data) {
		if (r < 0x20 && r != '\n') || (r >= 0x7f && r <= 0x9f) {
			t.Fatalf("raw control character %U at byte %d; want it escaped:\n%q", r, i, data)
		}
	}
	for _, esc := range []string{`\u001b`, `\u007f`, `\u009b`, `\u0000`} {
		if !bytes.Contains(data, []byte(esc)) {
			t.Errorf("file lacks escape %s", esc)
		}
	}
}

func TestEscapeControlsKeepsOtherText(t *testing.T) {
	in := []byte("\"a\x7fb\u0085c\u00a0d✓\"")
	want := `"a\u007fb\u0085c` + "\u00a0d✓\""
	if got := string(escapeControls(in)); got != want {
		t.Fatalf("escapeControls(%q) = %q, want %q", in, got, want)
	}
}

func TestSaveCreatesPrivateFileAndDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "config", "outreach-wizard")
	path := filepath.Join(dir, "neoserra.json")
	mustSave(t, path, sample())

	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("file mode = %o, want 600", got)
	}
	for _, d := range []string{dir, filepath.Dir(dir)} {
		di, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if got := di.Mode().Perm(); got != 0o700 {
			t.Errorf("dir %s mode = %o, want 700", d, got)
		}
	}
}

func TestSaveReplacesExistingFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "progress.json")
	if err := os.WriteFile(path, []byte(`{"version":0,"step":"welcome","extra":"old"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	want := sample()
	mustSave(t, path, want)

	var got progress
	if found, err := Load(path, &got); err != nil || !found {
		t.Fatalf("Load = %v, %v", found, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if bytes.Contains(mustRead(t, path), []byte("extra")) {
		t.Error("old content survived the save")
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("mode after replacing a 0644 file = %o, want 600", got)
	}
	if names := dirNames(t, dir); !reflect.DeepEqual(names, []string{"progress.json"}) {
		t.Errorf("directory holds %q, want only progress.json", names)
	}
}

func TestFailedSaveLeavesOldFile(t *testing.T) {
	type unencodable struct{ C chan int }
	tests := []struct {
		name    string
		v       any
		wantErr string
	}{
		{"channel", unencodable{C: make(chan int)}, "unsupported type"},
		{"nil", nil, "refusing to save null"},
		{"nil pointer", (*progress)(nil), "refusing to save null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "progress.json")
			mustSave(t, path, sample())
			old := mustRead(t, path)

			err := Save(path, tt.v)
			if err == nil {
				t.Fatal("Save succeeded, want an error")
			}
			prefix := "statefile: saving progress to " + path + ": "
			if !strings.HasPrefix(err.Error(), prefix) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %q, want prefix %q and %q", err, prefix, tt.wantErr)
			}
			if got := mustRead(t, path); !bytes.Equal(got, old) {
				t.Errorf("old file changed:\n%s", got)
			}
			if names := dirNames(t, dir); !reflect.DeepEqual(names, []string{"progress.json"}) {
				t.Errorf("directory holds %q, want only progress.json", names)
			}
		})
	}
}

func TestFailedSaveWhenParentIsAFile(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "outreach-wizard")
	if err := os.WriteFile(blocker, []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(blocker, "progress.json")

	err := Save(path, sample())
	if err == nil {
		t.Fatal("Save succeeded, want an error")
	}
	if !strings.HasPrefix(err.Error(), "statefile: saving progress to "+path+": ") {
		t.Errorf("error = %q, want it wrapped with the path", err)
	}
	if got := string(mustRead(t, blocker)); got != "not a directory" {
		t.Errorf("blocking file changed: %q", got)
	}
	if names := dirNames(t, dir); !reflect.DeepEqual(names, []string{"outreach-wizard"}) {
		t.Errorf("directory holds %q, want only the blocking file", names)
	}
}

// TestFailedRenameRemovesTemp fails Save at the last step (the rename, since
// a non-empty directory sits at path), after the temporary file was written,
// which works as root too.
func TestFailedRenameRemovesTemp(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "progress.json")
	if err := os.MkdirAll(filepath.Join(path, "keep"), 0o700); err != nil {
		t.Fatal(err)
	}
	err := Save(path, sample())
	if err == nil {
		t.Fatal("Save succeeded, want an error")
	}
	if !strings.HasPrefix(err.Error(), "statefile: saving progress to "+path+": ") {
		t.Errorf("error = %q, want it wrapped with the path", err)
	}
	if names := dirNames(t, dir); !reflect.DeepEqual(names, []string{"progress.json"}) {
		t.Errorf("directory holds %q, want no temporary files", names)
	}
	if names := dirNames(t, path); !reflect.DeepEqual(names, []string{"keep"}) {
		t.Errorf("directory at path holds %q, want it untouched", names)
	}
}

// TestFailedSaveInReadOnlyDir: a folder that refuses new files (made up
// here: the tests may run as root, which permissions do not stop) fails
// the save with a sentence that says so, and leaves the old file.
//
// Not parallel: it replaces the package's file operations.
func TestFailedSaveInReadOnlyDir(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "progress.json")
	mustSave(t, path, sample())
	old := mustRead(t, path)
	saved := ops
	t.Cleanup(func() { ops = saved })
	ops.create = func(d, pattern string) (*os.File, error) {
		return nil, &fs.PathError{Op: "open", Path: filepath.Join(d, pattern), Err: syscall.EACCES}
	}

	changed := sample()
	changed.Step = "records"
	err := Save(path, changed)
	if !safefile.ReadOnly(err) || !strings.Contains(err.Error(), "could not write progress.json: the folder "+dir+" is read-only for you") {
		t.Fatalf("Save into a read-only directory: %v", err)
	}
	if got := mustRead(t, path); !bytes.Equal(got, old) {
		t.Errorf("old file changed:\n%s", got)
	}
	if names := dirNames(t, dir); !reflect.DeepEqual(names, []string{"progress.json"}) {
		t.Errorf("directory holds %q, want only progress.json", names)
	}
}

// TestWholeAfterSimulatedKill leaves what a process killed in the middle of
// Save leaves behind — a partly written temporary file next to the state —
// and checks the last complete state still loads and saving still works.
func TestWholeAfterSimulatedKill(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "progress.json")
	last := sample()
	mustSave(t, path, last)

	next := sample()
	next.Step = "advice"
	full, err := json.MarshalIndent(next, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	partial := filepath.Join(dir, ".progress.json.tmp-4242")
	if err := os.WriteFile(partial, full[:len(full)/2], 0o600); err != nil {
		t.Fatal(err)
	}

	var got progress
	if found, err := Load(path, &got); err != nil || !found {
		t.Fatalf("Load after kill = %v, %v; want the last complete state", found, err)
	}
	if !reflect.DeepEqual(got, last) {
		t.Fatalf("Load after kill = %+v, want %+v", got, last)
	}

	mustSave(t, path, next)
	got = progress{}
	if found, err := Load(path, &got); err != nil || !found || !reflect.DeepEqual(got, next) {
		t.Fatalf("Load after a save following the kill = %+v, %v, %v; want %+v", got, found, err, next)
	}
}

// killRound is the round during whose save the child in
// TestWholeAfterKillDuringSave is killed.
const killRound = 4

// saveUntilKilled is the child process: it saves rounds 1 to killRound-1,
// reporting each, then starts saving killRound and, once the temporary file
// is complete and only the rename is left, reports "renaming TMP" and blocks
// until it is killed.
func saveUntilKilled(path string) int {
	for n := 1; n <= killRound; n++ {
		if n == killRound {
			ops.rename = func(tmp, _ string) error {
				fmt.Println("renaming", tmp)
				_, _ = io.Copy(io.Discard, os.Stdin) // blocks until killed
				return errors.New("not reached")
			}
		}
		if err := Save(path, roundState(n)); err != nil {
			fmt.Println("error:", err)
			return 1
		}
		fmt.Println("saved", n)
	}
	return 0
}

// roundState is what the child saves in round n.
func roundState(n int) progress {
	p := sample()
	p.Version = n
	p.Step = "verify-" + strconv.Itoa(n)
	return p
}

// TestWholeAfterKillDuringSave SIGKILLs a real process in the middle of
// Save, at the last moment before the rename, and checks the state file
// still holds the last complete round and that saving works afterwards.
func TestWholeAfterKillDuringSave(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "progress.json")
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waited := false
	t.Cleanup(func() {
		if !waited {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})

	tmp := ""
	sc := bufio.NewScanner(out)
	for tmp == "" && sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "renaming "):
			tmp = strings.TrimPrefix(line, "renaming ")
		case line == "saved "+strconv.Itoa(killRound):
			t.Fatalf("round %d was saved without reaching the rename step", killRound)
		case !strings.HasPrefix(line, "saved "):
			t.Fatalf("child: %s", line)
		}
	}
	if tmp == "" {
		t.Fatalf("child ended before the rename: %v", sc.Err())
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait() // its status is "killed"
	waited = true

	// The kill really came mid-save: the complete new state sits in the
	// temporary file, next to the state file, and was never renamed.
	if filepath.Dir(tmp) != dir {
		t.Errorf("temporary file %s is not in the state file's directory", tmp)
	}
	var pending progress
	if err := json.Unmarshal(mustRead(t, tmp), &pending); err != nil || pending.Version != killRound {
		t.Fatalf("temporary file holds round %d (%v), want the complete round %d", pending.Version, err, killRound)
	}

	var got progress
	found, err := Load(path, &got)
	if err != nil || !found {
		t.Fatalf("Load after the kill = %v, %v; want the last complete state", found, err)
	}
	if want := roundState(killRound - 1); !reflect.DeepEqual(got, want) {
		t.Fatalf("Load after the kill = %+v, want %+v", got, want)
	}

	next := roundState(killRound + 1)
	mustSave(t, path, next)
	got = progress{}
	if found, err := Load(path, &got); err != nil || !found || !reflect.DeepEqual(got, next) {
		t.Fatalf("Load after saving again = %+v, %v, %v; want %+v", got, found, err, next)
	}
}

func TestLoadMissingFile(t *testing.T) {
	dir := t.TempDir()
	for _, path := range []string{
		filepath.Join(dir, "progress.json"),
		filepath.Join(dir, "no-such-dir", "progress.json"),
	} {
		var got progress
		found, err := Load(path, &got)
		if found || err != nil {
			t.Errorf("Load(%s) = %v, %v; want false, nil", path, found, err)
		}
	}
}

func TestLoadAcceptsUnknownFieldsAndTrailingSpace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	data := "\n  {\"version\": 2, \"step\": \"records\", \"added_in_v3\": {\"x\": [1, 2]}}\n\n \t"
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	var got progress
	found, err := Load(path, &got)
	if err != nil || !found {
		t.Fatalf("Load = %v, %v; want true, nil", found, err)
	}
	if got.Version != 2 || got.Step != "records" {
		t.Fatalf("got %+v", got)
	}
}

func TestLoadRejectsNonPointer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	mustSave(t, path, sample())
	old := mustRead(t, path)
	for _, v := range []any{nil, progress{}, (*progress)(nil)} {
		found, err := Load(path, v)
		if found || err == nil || errors.Is(err, ErrCorrupt) {
			t.Errorf("Load(%T) = %v, %v; want a plain error", v, found, err)
		}
	}
	if got := mustRead(t, path); !bytes.Equal(got, old) {
		t.Error("a programming error moved or changed a good file")
	}
}

func TestLoadCorrupt(t *testing.T) {
	valid, err := json.MarshalIndent(sample(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	tests := []struct {
		name  string
		data  string
		check func(error) bool // what Unwrap must expose
	}{
		{"not json", `{step: "check"}`, func(err error) bool { return errors.As(err, &syntaxErr) }},
		{"binary", "\x00\x01\xff\xfe", func(err error) bool { return errors.As(err, &syntaxErr) }},
		{"truncated", string(valid[:len(valid)/2]), func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }},
		{"trailing garbage", string(valid) + "\ngarbage", func(err error) bool { return errors.Is(err, errTrailing) }},
		{"two values", `{"step":"a"}{"step":"b"}`, func(err error) bool { return errors.Is(err, errTrailing) }},
		{"null", "null\n", func(err error) bool { return errors.Is(err, errNull) }},
		{"empty", "", func(err error) bool { return errors.Is(err, errEmpty) }},
		{"only spaces", " \n\t ", func(err error) bool { return errors.Is(err, errEmpty) }},
		{"wrong type", `{"version":"one"}`, func(err error) bool { return errors.As(err, &typeErr) }},
		{"array", `[1,2]`, func(err error) bool { return errors.As(err, &typeErr) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stamp := fixClock(t)
			path := filepath.Join(t.TempDir(), "progress.json")
			if err := os.WriteFile(path, []byte(tt.data), 0o600); err != nil {
				t.Fatal(err)
			}
			ce := loadCorrupt(t, path, path+".corrupt-"+stamp)
			if !tt.check(ce.Err) || !tt.check(ce) {
				t.Errorf("CorruptError does not expose the expected cause: %v", ce.Err)
			}
			if got := string(mustRead(t, ce.MovedTo)); got != tt.data {
				t.Errorf("moved-aside file = %q, want the original %q", got, tt.data)
			}
		})
	}
}

// loadCorrupt checks Load reports path as corrupt, moved to wantMoved, and
// that the next Load finds nothing.
func loadCorrupt(t *testing.T, path, wantMoved string) *CorruptError {
	t.Helper()
	var got progress
	found, err := Load(path, &got)
	if found {
		t.Error("Load reported found for a corrupt file")
	}
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Load error = %v, want ErrCorrupt", err)
	}
	var ce *CorruptError
	if !errors.As(err, &ce) {
		t.Fatalf("Load error %T is not a *CorruptError", err)
	}
	if ce.Path != path || ce.MovedTo != wantMoved {
		t.Errorf("CorruptError{Path: %q, MovedTo: %q}, want %q, %q", ce.Path, ce.MovedTo, path, wantMoved)
	}
	msg := err.Error()
	for _, want := range []string{"the saved progress in " + path + " could not be read (", "; it was moved to " + wantMoved + " and the wizard starts fresh"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if strings.ContainsAny(msg, "\n\r") {
		t.Errorf("message is not one line: %q", msg)
	}
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("corrupt file still at %s: %v", path, err)
	}
	found, err = Load(path, &got)
	if found || err != nil {
		t.Errorf("Load after moving aside = %v, %v; want false, nil", found, err)
	}
	return ce
}

func TestLoadDirectoryAtPath(t *testing.T) {
	stamp := fixClock(t)
	path := filepath.Join(t.TempDir(), "progress.json")
	if err := os.MkdirAll(path, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(path, "inside"), []byte("kept"), 0o600); err != nil {
		t.Fatal(err)
	}
	ce := loadCorrupt(t, path, path+".corrupt-"+stamp)
	if got := string(mustRead(t, filepath.Join(ce.MovedTo, "inside"))); got != "kept" {
		t.Errorf("moved directory lost its content: %q", got)
	}
	if strings.Count(ce.Error(), path) != 2 {
		t.Errorf("message repeats the path: %q", ce.Error())
	}
	mustSave(t, path, sample())
}

func TestLoadUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads a mode-000 file; TestLoadDirectoryAtPath covers an unreadable path as root")
	}
	stamp := fixClock(t)
	path := filepath.Join(t.TempDir(), "progress.json")
	mustSave(t, path, sample())
	old := mustRead(t, path)
	if err := os.Chmod(path, 0); err != nil {
		t.Fatal(err)
	}
	ce := loadCorrupt(t, path, path+".corrupt-"+stamp)
	if !errors.Is(ce, fs.ErrPermission) {
		t.Errorf("cause = %v, want a permission error", ce.Err)
	}
	if err := os.Chmod(ce.MovedTo, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, ce.MovedTo); !bytes.Equal(got, old) {
		t.Error("moved-aside file differs from the original")
	}
}

func TestCorruptionsInTheSameSecondGetDistinctNames(t *testing.T) {
	stamp := fixClock(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "progress.json")
	base := path + ".corrupt-" + stamp
	for i, want := range []string{base, base + "-2", base + "-3"} {
		data := fmt.Sprintf("broken %d", i)
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		ce := loadCorrupt(t, path, want)
		if got := string(mustRead(t, ce.MovedTo)); got != data {
			t.Errorf("%s holds %q, want %q", ce.MovedTo, got, data)
		}
	}
	if n := len(dirNames(t, dir)); n != 3 {
		t.Errorf("directory holds %d files, want the 3 moved aside", n)
	}
}

func TestCorruptWhenMovingAsideFails(t *testing.T) {
	fixClock(t)
	dir := t.TempDir()
	blocker := filepath.Join(dir, "outreach-wizard")
	if err := os.WriteFile(blocker, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(blocker, "progress.json")

	var got progress
	found, err := Load(path, &got)
	var ce *CorruptError
	if found || !errors.As(err, &ce) || !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Load = %v, %v; want a *CorruptError", found, err)
	}
	if ce.MovedTo != "" {
		t.Errorf("MovedTo = %q, want empty", ce.MovedTo)
	}
	msg := ce.Error()
	for _, want := range []string{"the saved progress in " + path + " could not be read", "moving it aside failed too", "not a directory", "remove or rename that file by hand"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}

func TestCorruptErrorMessage(t *testing.T) {
	ce := &CorruptError{
		Path:    "/home/a/.config/outreach-wizard/neoserra.json",
		MovedTo: "/home/a/.config/outreach-wizard/neoserra.json.corrupt-20250102-030405",
		Err:     errNull,
	}
	want := "the saved progress in /home/a/.config/outreach-wizard/neoserra.json could not be read " +
		"(the file holds null instead of saved progress); it was moved to " +
		"/home/a/.config/outreach-wizard/neoserra.json.corrupt-20250102-030405 and the wizard starts fresh"
	if got := ce.Error(); got != want {
		t.Errorf("Error() =\n%q\nwant\n%q", got, want)
	}
	if !errors.Is(ce, ErrCorrupt) || errors.Unwrap(ce) != errNull {
		t.Error("Is/Unwrap do not work")
	}
	if errors.Is(errors.New("other"), ErrCorrupt) {
		t.Error("an unrelated error matches ErrCorrupt")
	}
}

func TestDefaultPath(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("XDG_CONFIG_HOME decides os.UserConfigDir only on Linux and other Unix; slugs are covered by TestSlug")
	}
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	tests := map[string]string{
		"Neoserra":          "neoserra.json",
		"My CRM 2.0!":       "my-crm-2-0.json",
		"../../etc/passwd":  "etc-passwd.json",
		"":                  "default.json",
		"  ":                "default.json",
		"already-a-slug":    "already-a-slug.json",
		"Sales\tForce\x1b[": "sales-force.json",
	}
	for platform, file := range tests {
		got, err := DefaultPath(platform)
		if err != nil {
			t.Fatalf("DefaultPath(%q): %v", platform, err)
		}
		if want := filepath.Join(cfg, "outreach-wizard", file); got != want {
			t.Errorf("DefaultPath(%q) = %q, want %q", platform, got, want)
		}
	}

	t.Setenv("XDG_CONFIG_HOME", "relative/dir")
	if _, err := DefaultPath("neoserra"); err == nil || !strings.HasPrefix(err.Error(), "statefile: finding the config directory: ") {
		t.Errorf("DefaultPath with a relative XDG_CONFIG_HOME: err = %v, want a wrapped error", err)
	}
}

func TestSlug(t *testing.T) {
	tests := map[string]string{
		"Neoserra":                     "neoserra",
		"NEOSERRA":                     "neoserra",
		"neo--serra":                   "neo-serra",
		"-neo_serra-":                  "neo-serra",
		"Ünïcode Platform":             "n-code-platform",
		"!!!":                          "default",
		"":                             "default",
		"a/b\\c:d":                     "a-b-c-d",
		strings.Repeat("x", 80):        strings.Repeat("x", 64),
		strings.Repeat("y", 63) + " z": strings.Repeat("y", 63),
	}
	for in, want := range tests {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRemove(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "progress.json")
	if err := Remove(path); err != nil {
		t.Errorf("Remove of a missing file = %v, want nil", err)
	}
	if err := Remove(filepath.Join(dir, "missing-dir", "progress.json")); err != nil {
		t.Errorf("Remove in a missing directory = %v, want nil", err)
	}
	mustSave(t, path, sample())
	if err := Remove(path); err != nil {
		t.Fatalf("Remove = %v", err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("file still there after Remove: %v", err)
	}

	if err := os.MkdirAll(filepath.Join(path, "keep"), 0o700); err != nil {
		t.Fatal(err)
	}
	err := Remove(path)
	if err == nil || !strings.HasPrefix(err.Error(), "statefile: removing progress file "+path+": ") {
		t.Errorf("Remove of a non-empty directory = %v, want a wrapped error", err)
	}
}

// TestSaveRemovesStaleTemps: a save tidies away the temporary files a
// killed save left behind long ago, and leaves a recent one alone (it may
// be another wizard's save in progress).
func TestSaveRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "p.json")
	old := filepath.Join(dir, ".p.json.tmp-111")
	recent := filepath.Join(dir, ".p.json.tmp-222")
	other := filepath.Join(dir, ".q.json.tmp-333") // another file's
	for _, n := range []string{old, recent, other} {
		if err := os.WriteFile(n, []byte(`{"half`), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	long := time.Now().Add(-2 * StaleAfter)
	for _, n := range []string{old, other} {
		if err := os.Chtimes(n, long, long); err != nil {
			t.Fatal(err)
		}
	}
	if err := Save(path, map[string]int{"a": 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("the stale temporary file is still there: %v", err)
	}
	for _, n := range []string{recent, other} {
		if _, err := os.Stat(n); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(n), err)
		}
	}
}
