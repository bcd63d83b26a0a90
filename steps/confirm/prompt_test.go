package confirm_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/steps/confirm"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

func prompt(t *testing.T, input string) (string, *session.Session) {
	t.Helper()
	env := tuitest.NewEnv(t)
	m := confirm.NewModel(env.Common(80, 24), env.Checker)
	var out bytes.Buffer
	st := tuitest.NewSession()
	dir, err := m.Prompt(t.Context(), common.NewLinePrompt(strings.NewReader(input), &out), st)
	if err != nil || dir != common.Forward {
		t.Fatalf("Prompt = %v, %v\n%s", dir, err, out.String())
	}
	return out.String(), st
}

func TestPromptBadPathThenGoodOne(t *testing.T) {
	folder := t.TempDir()
	path := writeMessage(t, "m.eml", message)
	out, st := prompt(t, folder+"\n"+path+"\n")
	for _, want := range []string{
		"Confirm with a real message (optional).",
		"Gmail: the message's ⋮ menu > Show original > Download original.",
		"paste its headers and end with an empty line; press Enter alone to skip",
		"is a folder: give the saved message file (.eml) inside it",
		"Message from jane@yourcenter.edu (domain yourcenter.edu)",
		"Verdict: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if len(st.Messages) != 1 || st.Messages[0].Source != path {
		t.Errorf("messages = %+v", st.Messages)
	}
}

func TestPromptPastedHeaders(t *testing.T) {
	out, st := prompt(t, headers+"\n")
	if !strings.Contains(out, "The file has only the headers") || !strings.Contains(out, "Verdict: ") {
		t.Errorf("output:\n%s", out)
	}
	if len(st.Messages) != 1 || st.Messages[0].Source != confirm.PastedSource {
		t.Errorf("messages = %+v", st.Messages)
	}
}

func TestPromptSkip(t *testing.T) {
	out, st := prompt(t, "\n")
	if strings.Contains(out, "Verdict") {
		t.Errorf("skipping verified something:\n%s", out)
	}
	if len(st.Messages) != 0 {
		t.Error("skipping recorded a message")
	}
}

// TestPromptBack: b goes back to the advice, as at every line prompt;
// a file really named b is typed ./b and verified.
func TestPromptBack(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := confirm.NewModel(env.Common(80, 24), env.Checker)
	var out bytes.Buffer
	st := tuitest.NewSession()
	dir, err := m.Prompt(t.Context(), common.NewLinePrompt(strings.NewReader("b\n"), &out), st)
	if err != nil || dir != common.Backward {
		t.Fatalf("b: Prompt = %v, %v, want Backward\n%s", dir, err, out.String())
	}
	if !strings.Contains(out.String(), "or b to go back (a file named b: ./b): ") {
		t.Errorf("the question does not say b or ./b:\n%s", out.String())
	}
	if strings.Contains(out.String(), "Verifying") {
		t.Errorf("b was taken for a file:\n%s", out.String())
	}

	folder := t.TempDir()
	if err := os.WriteFile(filepath.Join(folder, "b"), []byte(message), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(folder)
	got, st := prompt(t, "./b\n")
	if !strings.Contains(got, "Verifying ./b...") || !strings.Contains(got, "Message from jane@yourcenter.edu") {
		t.Fatalf("./b was not verified as a file:\n%s", got)
	}
	if len(st.Messages) != 1 || st.Messages[0].Source != "./b" {
		t.Fatalf("messages %+v", st.Messages)
	}
}
