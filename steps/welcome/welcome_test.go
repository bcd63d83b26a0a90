package welcome_test

import (
	"os"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/steps/welcome"

	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

func TestMain(m *testing.M) { os.Exit(tuitest.Main(m)) }

func TestModel(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := welcome.New(env.Common(40, 12))
	if m.Enter(tuitest.NewSession(), common.Forward) != nil {
		t.Fatal("the welcome starts work")
	}
	if !tuitest.Contains(m.View(), "Let Neoserra send mail as your own domain", "What will happen", "↓ more below") {
		t.Fatalf("view:\n%s", tuitest.Plain(m.View()))
	}
	tuitest.CheckFits(t, m.View(), 40, 12)
	m.Update(tuitest.Key("pgdown"))
	m.Update(tuitest.Key("pgdown"))
	if !tuitest.Contains(m.View(), "The wizard only reads your DNS, unless you ask it") {
		t.Fatalf("page down did not reach the end:\n%s", tuitest.Plain(m.View()))
	}
	_, cmd := m.Update(tuitest.Key("enter"))
	tuitest.Await[common.NextMsg](t, cmd)
	if m.Capturing() {
		t.Fatal("the welcome captures keys")
	}
}

func TestGolden(t *testing.T) {
	env := tuitest.NewEnv(t)
	tuitest.Screen{Env: env, Step: welcome.Name, Wait: []string{"What will happen"}}.Golden(t)
}

// TestResumePromise: the welcome promises to resume only when progress is
// saved; otherwise (the demo) it says nothing is kept.
func TestResumePromise(t *testing.T) {
	env := tuitest.NewEnv(t)
	saved := welcome.New(env.Common(100, 40)).SavesProgress(true)
	if !tuitest.Contains(saved.View(), "If you stop, the wizard resumes where you left off.") {
		t.Errorf("saving, the welcome does not promise to resume:\n%s", tuitest.Plain(saved.View()))
	}
	unsaved := welcome.New(env.Common(100, 40)).SavesProgress(false)
	if tuitest.Contains(unsaved.View(), "resumes where you left off") || !tuitest.Contains(unsaved.View(), "Nothing is saved this time") {
		t.Errorf("not saving, the welcome still promises to resume:\n%s", tuitest.Plain(unsaved.View()))
	}
	if _, _, need, _ := welcome.Intro(env.Platform, false); strings.Contains(strings.Join(need, " "), "resumes") {
		t.Errorf("the plain prompts promise to resume without saving: %q", need)
	}
}

// TestHappenNamesEveryStep: "What will happen" ends with the optional last
// step (confirming with a real message), on screen and in plain prompts.
func TestHappenNamesEveryStep(t *testing.T) {
	env := tuitest.NewEnv(t)
	_, happen, _, _ := welcome.Intro(env.Platform, true)
	last := happen[len(happen)-1]
	if !strings.HasPrefix(last, "Optionally, it checks a real message Neoserra sent") {
		t.Fatalf("the last thing that happens is %q, not the optional check of a real message", last)
	}
	m := welcome.New(env.Common(100, 40))
	if !tuitest.Contains(m.View(), "7. Optionally, it checks a real message Neoserra sent") {
		t.Errorf("the screen does not list the seventh step:\n%s", tuitest.Plain(m.View()))
	}
}

// TestNoteSaysWhatIsNotChanged: the closing note says that the wizard
// only reads the DNS unless asked to publish (u on the records, with a
// key), not that "nothing is changed" nor that it never changes DNS, which
// u contradicts.
func TestNoteSaysWhatIsNotChanged(t *testing.T) {
	env := tuitest.NewEnv(t)
	_, _, _, note := welcome.Intro(env.Platform, true)
	if strings.Contains(note, "Nothing is changed") || strings.Contains(note, "never changes") || !strings.Contains(note, "only reads your DNS, unless you ask it to publish") {
		t.Errorf("note = %q", note)
	}
}
