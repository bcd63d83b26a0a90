package records_test

import (
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"

	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// TestActionAsksFirst: an extra key with a question (u asks for the key
// file) takes typed text, shows the question, and runs with the answer on
// enter; esc drops it and runs nothing.
func TestActionAsksFirst(t *testing.T) {
	env := tuitest.NewEnv(t)
	var answer, ran string
	act := common.KeyAction{
		Key: key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "update DNS for me")),
		Ask: func() string {
			if answer != "" {
				return ""
			}
			return "Key file:"
		},
		Answer: func(text string) { answer = text },
		Run: func(_ context.Context, p plan.Plan) (string, error) {
			ran = p.Domain + " with " + answer
			return "Published.", nil
		},
	}
	m := built(t, env, 80, 24, t.TempDir(), act)
	if cmd := press(t, m, "u"); cmd != nil || !m.Capturing() {
		t.Fatalf("u did not ask (capturing %v)", m.Capturing())
	}
	if !tuitest.Contains(m.View(), "Key file:") {
		t.Errorf("the question is not shown:\n%s", tuitest.Plain(m.View()))
	}
	press(t, m, "esc")
	if m.Capturing() || ran != "" || answer != "" {
		t.Fatalf("esc: capturing %v, ran %q, answer %q", m.Capturing(), ran, answer)
	}
	press(t, m, "u")
	for _, r := range "k.key" {
		press(t, m, string(r))
	}
	if st := tuitest.Await[common.StatusMsg](t, press(t, m, "enter")); st.Text != "Published." || ran != "yourcenter.edu with k.key" {
		t.Fatalf("status %+v, ran %q", st, ran)
	}
	if m.Capturing() || strings.Contains(tuitest.Plain(m.View()), "Key file:") {
		t.Error("still asking after enter")
	}
	// Answered: u runs at once.
	if st := tuitest.Await[common.StatusMsg](t, press(t, m, "u")); st.Text != "Published." {
		t.Fatalf("second u: %+v", st)
	}
}
