package domain_test

import (
	"os"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/steps/domain"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/outreach-auth/wizard/core/domainname"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

func TestMain(m *testing.M) { os.Exit(tuitest.Main(m)) }

func newModel(t *testing.T, w, h int) *domain.Model {
	env := tuitest.NewEnv(t)
	m := domain.NewModel(env.Common(w, h))
	m.Enter(tuitest.NewSession(), common.Forward)
	return m
}

func typ(m *domain.Model, s string) {
	for _, k := range tuitest.Type(s) {
		m.Update(k)
	}
}

func TestLiveValidation(t *testing.T) {
	m := newModel(t, 80, 16)
	if !m.Capturing() {
		t.Fatal("the text field does not capture keys")
	}
	if !tuitest.Contains(m.View(), "What is your mail domain?", "For example yourcenter.edu") {
		t.Fatalf("empty view:\n%s", tuitest.Plain(m.View()))
	}
	typ(m, "Jane.Doe@YourCenter.EDU.")
	in, ok := m.Input()
	if !ok || in.Domain != "yourcenter.edu" || !in.FromEmail {
		t.Fatalf("input = %+v, %v", in, ok)
	}
	if !tuitest.Contains(m.View(), "✓ Will use yourcenter.edu", "Using the domain part of the email address") {
		t.Fatalf("view:\n%s", tuitest.Plain(m.View()))
	}

	// Internationalised names show both forms.
	m = newModel(t, 80, 16)
	typ(m, "bücher.example")
	if !tuitest.Contains(m.View(), "Will use xn--bcher-kva.example (bücher.example)") {
		t.Fatalf("view:\n%s", tuitest.Plain(m.View()))
	}
}

func TestRefusalAndSuggestion(t *testing.T) {
	m := newModel(t, 80, 16)
	typ(m, "https://www.yourcenter.edu/contact")
	if _, ok := m.Input(); ok {
		t.Fatal("a web address was accepted")
	}
	if !tuitest.Contains(m.View(), "✗", "Press tab to use yourcenter.edu") {
		t.Fatalf("view:\n%s", tuitest.Plain(m.View()))
	}
	// enter on text that is not a domain stays here.
	if _, cmd := m.Update(tuitest.Key("enter")); cmd != nil {
		t.Fatalf("enter on a refusal returned %T", cmd())
	}
	m.Update(tuitest.Key("tab"))
	if in, ok := m.Input(); !ok || in.Domain != "yourcenter.edu" {
		t.Fatalf("after tab: %+v, %v", in, ok)
	}
	_, cmd := m.Update(tuitest.Key("enter"))
	tuitest.Await[common.NextMsg](t, cmd)
	if f := m.Session().First(); f == nil || f.Input.Domain != "yourcenter.edu" {
		t.Fatalf("first domain = %#v", f)
	}
}

func TestEmptyEnterAndBack(t *testing.T) {
	m := newModel(t, 40, 12)
	m.Update(tuitest.Key("enter"))
	if !tuitest.Contains(m.View(), "✗") {
		t.Fatalf("enter on nothing says nothing:\n%s", tuitest.Plain(m.View()))
	}
	tuitest.CheckFits(t, m.View(), 40, 12)
	_, cmd := m.Update(tuitest.Key("esc"))
	tuitest.Await[common.BackMsg](t, cmd) // fails the test when esc does not go back
}

// TestEnterKeepsChoice: coming back to the step shows the domain chosen.
func TestEnterKeepsChoice(t *testing.T) {
	in, _ := domainname.Normalize("jane@yourcenter.edu")
	m := newModel(t, 80, 16)
	m.Enter(tuitest.NewSession(in), common.Backward)
	if got, ok := m.Input(); !ok || got != in {
		t.Fatalf("input = %+v, %v", got, ok)
	}
}

func TestGolden(t *testing.T) {
	env := tuitest.NewEnv(t)
	t.Run("email", func(t *testing.T) {
		tuitest.Screen{Env: env, Step: domain.Name, Wait: []string{"What is your mail domain?"},
			Then: func(t *testing.T, tm *teatest.TestModel) {
				tm.Type("Jane.Doe@YourCenter.edu")
				tuitest.WaitFor(t, tm, "Will use")
			}}.Golden(t)
	})
	t.Run("refused", func(t *testing.T) {
		tuitest.Screen{Env: env, Step: domain.Name, Wait: []string{"What is your mail domain?"},
			Then: func(t *testing.T, tm *teatest.TestModel) {
				tm.Type("www.yourcenter.edu/contact")
				tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
				tuitest.WaitFor(t, tm, "Press tab")
			}}.Golden(t)
	})
}

// TestLongPasteIsRefusedWithAWord: a paste that would take the field past
// its limit is not cut to fit without a word: the field keeps what it had
// and says the paste was too long, naming the limit.
func TestLongPasteIsRefusedWithAWord(t *testing.T) {
	m := newModel(t, 80, 16)
	typ(m, "jane@yourcenter.edu")
	long := strings.Repeat("x", 1500)
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(long), Paste: true})
	if !tuitest.Contains(m.View(), "✗", "That is 1,519 characters long, more than the 1,024 this field takes.") {
		t.Fatalf("a long paste was taken without a word:\n%s", tuitest.Plain(m.View()))
	}
	if in, ok := m.Input(); !ok || in.Domain != "yourcenter.edu" {
		t.Fatalf("after the refused paste the field holds %+v, %v; want what was typed before", in, ok)
	}
	// The next change clears the message; the field goes on from where it was.
	typ(m, "x")
	if tuitest.Contains(m.View(), "1,024") {
		t.Fatalf("the message outlived the next key:\n%s", tuitest.Plain(m.View()))
	}
	if in, ok := m.Input(); !ok || in.Domain != "yourcenter.edux" {
		t.Fatalf("after one more key: %+v, %v", in, ok)
	}

	// Up to the limit, the text goes in and Normalize judges it.
	m = newModel(t, 80, 16)
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(strings.Repeat("a", domainname.MaxField)), Paste: true})
	if tuitest.Contains(m.View(), "this field takes") || !tuitest.Contains(m.View(), "is 1024 characters long, but each part") {
		t.Fatalf("a paste at the limit:\n%s", tuitest.Plain(m.View()))
	}
}
