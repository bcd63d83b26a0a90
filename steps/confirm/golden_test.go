package confirm_test

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/steps/confirm"
	"github.com/outreach-auth/wizard/tui"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// TestGolden draws the step in its place at 100x30 and 40x20: asking,
// and the report of pasted headers.
func TestGolden(t *testing.T) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"100x30", 100, 30}, {"40x20", 40, 20}} {
		for _, screen := range []string{"ask", "report"} {
			t.Run(screen+"/"+size.name, func(t *testing.T) {
				env := tuitest.NewEnv(t)
				m := tui.NewModel(context.Background(), env.Config(t), nil)
				m.StartAt(confirm.Name, nil)
				tm := tuitest.Run(t, m, size.w, size.h)
				tuitest.WaitFor(t, tm, "Confirm with a real message")
				if screen == "report" {
					tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(strings.ReplaceAll(headers, "\n", "\r")), Paste: true})
					tuitest.WaitFor(t, tm, "Verified the pasted headers")
				}
				final := tuitest.Final(t, tm).(*tui.Model)
				tuitest.Golden(t, final.View(), size.w, size.h)
			})
		}
	}
}
