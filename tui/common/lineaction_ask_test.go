package common

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"

	"github.com/outreach-auth/wizard/core/plan"
)

// TestRunActionLinesAsksFirst: in the line prompts, a key with a question
// asks it, then runs with the answer.
func TestRunActionLinesAsksFirst(t *testing.T) {
	var out bytes.Buffer
	lp := NewLinePrompt(strings.NewReader("  k.key \n"), &out)
	var answer, ran string
	act := KeyAction{
		Key:    key.NewBinding(key.WithKeys("u")),
		Ask:    func() string { return "Key file:" },
		Answer: func(s string) { answer = s },
		Run: func(_ context.Context, p plan.Plan) (string, error) {
			ran = p.Domain + " " + answer
			return "Published.", nil
		},
	}
	if !RunActionLines(context.Background(), lp, []KeyAction{act}, "u", plan.Plans{{Domain: "yourcenter.edu"}}) {
		t.Fatal("u is not an action")
	}
	if ran != "yourcenter.edu k.key" || !strings.Contains(out.String(), "Key file:") || !strings.Contains(out.String(), "Published.") {
		t.Errorf("ran %q; said:\n%s", ran, out.String())
	}
}
