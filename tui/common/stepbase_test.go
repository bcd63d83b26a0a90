package common_test

import (
	"context"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/tui/common"
)

func TestBackToLeavesTheSharedKeyAlone(t *testing.T) {
	keys := common.DefaultKeyMap()
	b := keys.BackTo("back to checking", "b")
	if got := b.Help(); got.Key != "esc/b" || got.Desc != "back to checking" {
		t.Fatalf("BackTo help = %+v, want esc/b back to checking", got)
	}
	for _, k := range []string{"esc", "b"} {
		msg := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
		if k == "esc" {
			msg = tea.KeyMsg{Type: tea.KeyEsc}
		}
		if !key.Matches(msg, b) {
			t.Errorf("BackTo binding does not answer to %q", k)
		}
	}
	if got := keys.Back.Help(); got.Key != "esc" || got.Desc != "back" {
		t.Fatalf("shared Back changed to %+v", got)
	}
	if got := keys.Back.Keys(); len(got) != 1 || got[0] != "esc" {
		t.Fatalf("shared Back keys changed to %v", got)
	}
}

func TestStepBaseSpinTickAndRedraw(t *testing.T) {
	b := common.NewStepBase(common.NewCommon(context.Background(), nil))
	redraws := 0
	b.Redraw = func() { redraws++ }
	tick := b.Spin.Tick().(spinner.TickMsg)
	if cmd := b.SpinTick(tick, false); cmd != nil || redraws != 0 {
		t.Fatalf("idle SpinTick = %v with %d redraws, want no command and no redraw", cmd, redraws)
	}
	if cmd := b.SpinTick(tick, true); cmd == nil || redraws != 1 {
		t.Fatalf("busy SpinTick = %v with %d redraws, want the next tick and one redraw", cmd, redraws)
	}
	b.SetSize(30, 10)
	if b.Width != 30 || b.Height != 10 || redraws != 2 {
		t.Fatalf("SetSize gave %dx%d with %d redraws", b.Width, b.Height, redraws)
	}
	if b.Capturing() || b.Init() != nil {
		t.Fatal("the default step neither captures keys nor starts work in Init")
	}
}

func TestWithActionKeys(t *testing.T) {
	groups := [][]key.Binding{{common.DefaultKeyMap().Back}}
	if got := common.WithActionKeys(groups, nil); len(got) != 1 {
		t.Fatalf("no actions gave %d groups, want 1", len(got))
	}
	a := common.KeyAction{Key: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "publish"))}
	got := common.WithActionKeys(groups, []common.KeyAction{a})
	if len(got) != 2 || len(got[1]) != 1 || got[1][0].Help().Desc != "publish" {
		t.Fatalf("one action gave %v, want a last group with its key", got)
	}
}
