package common_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/outreach-auth/wizard/tui/common"
)

type plan struct{ n int }

func TestState(t *testing.T) {
	const one, two, three common.StepName = "One", "Two", "Three"
	st := common.NewState("given")
	st.SetOrder([]common.StepName{one, two, three})
	st.PutFrom(one, 42)
	st.PutFrom(two, plan{n: 1})
	st.PutFrom(three, []string{"a"})
	if v, ok := common.Get[plan](st); !ok || v.n != 1 {
		t.Fatalf("Get[plan] = %v, %v", v, ok)
	}
	st.Forget(one)
	if _, ok := common.Get[plan](st); ok {
		t.Fatal("Forget(One) kept step Two's result")
	}
	if _, ok := common.Get[[]string](st); ok {
		t.Fatal("Forget(One) kept step Three's result")
	}
	if v, _ := common.Get[int](st); v != 42 {
		t.Fatal("Forget(One) dropped step One's result")
	}
	if v, _ := common.Get[string](st); v != "given" {
		t.Fatal("a given value was dropped")
	}
	if _, ok := common.Get[int]((*common.State)(nil)); ok {
		t.Fatal("nil state has values")
	}
}

func TestWrap(t *testing.T) {
	spf := "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all"
	for w := 8; w <= 80; w++ {
		got := common.Wrap(spf, w)
		for _, l := range strings.Split(got, "\n") {
			if ansi.StringWidth(l) > w {
				t.Fatalf("width %d: line %q too wide", w, l)
			}
		}
		if w >= 4 && strings.Contains(got, "-\nall") {
			t.Fatalf("width %d broke -all: %q", w, got)
		}
		if squeeze(got) != squeeze(spf) {
			t.Fatalf("width %d lost text: %q", w, got)
		}
	}
	if got := common.Wrap("a\n\nb", 10); got != "a\n\nb" {
		t.Fatalf("paragraphs: %q", got)
	}
}

// TestWrapKeepsPhoneNumbersWhole: at any width that holds it, a phone
// number stays on one line, also inside parentheses and before a comma;
// no other text changes.
func TestWrapKeepsPhoneNumbersWhole(t *testing.T) {
	const phone = "+1 (805) 967-1280"
	for _, text := range []string{
		"After the fix, contact OutreachSystems support (+1 (805) 967-1280) to clear addresses that were rejected.",
		"Contact OutreachSystems support (+1 (805) 967-1280, support@outreachsystems.com) and ask them.",
	} {
		for w := len(phone) + 2; w <= 80; w++ {
			got := common.Wrap(text, w)
			if !strings.Contains(got, phone) {
				t.Fatalf("width %d broke the phone number:\n%s", w, got)
			}
			if squeeze(got) != squeeze(text) {
				t.Fatalf("width %d changed the text: %q", w, got)
			}
		}
	}
	if got := common.PhoneUnits(strings.Split("call +44 20 7946 0958 or 2 (of 3) items", " ")); !slices.Equal(got, []string{"call", "+44 20 7946 0958", "or", "2", "(of", "3)", "items"}) {
		t.Fatalf("PhoneUnits = %q", got)
	}
}

func TestFieldAndFit(t *testing.T) {
	plain := lipgloss.NewStyle()
	if got := common.Field("Type", 10, "CNAME", 40, plain, plain); got != "Type      CNAME" {
		t.Fatalf("side by side: %q", got)
	}
	got := common.Field("Value", 10, "osc1._domainkey.outreachsystems.com.", 36, plain, plain)
	if got != "Value:\nosc1._domainkey.outreachsystems.com." {
		t.Fatalf("stacked: %q", got)
	}
	if got := common.Fit("abcdef\nxy\nz", 4, 2); got != "abc…\nxy" {
		t.Fatalf("Fit = %q", got)
	}
}

func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }

// TestWrapBreaksNamesAtDots: a name longer than a line breaks after a dot
// (else a hyphen), never inside a label, and loses nothing.
func TestWrapBreaksNamesAtDots(t *testing.T) {
	for _, tc := range []struct {
		in    string
		width int
		want  string
	}{
		{"include:spf.protection.outlook.com", 30, "include:spf.protection.\noutlook.com"},
		{"osc1._domainkey.outreachsystems.com.", 20, "osc1._domainkey.\noutreachsystems.com."},
		{"a-very-long-hyphenated-label", 12, "a-very-long-\nhyphenated-\nlabel"},
		{"p=MIIBIjANBgkqhkiG9w0BAQEFAAOC", 10, "p=MIIBIjAN\nBgkqhkiG9w\n0BAQEFAAOC"},
	} {
		got := common.Wrap(tc.in, tc.width)
		if got != tc.want {
			t.Errorf("Wrap(%q, %d) = %q, want %q", tc.in, tc.width, got, tc.want)
		}
		if strings.ReplaceAll(got, "\n", "") != tc.in {
			t.Errorf("Wrap(%q, %d) changed the text: %q", tc.in, tc.width, got)
		}
	}
}

func TestHandoffFilesWith(t *testing.T) {
	var files common.HandoffFiles
	files = files.With(common.SavedFile{Path: "/a.md", Holds: "one"})
	files = files.With(common.SavedFile{Path: "/b.txt", Holds: "two"})
	again := files.With(common.SavedFile{Path: "/a.md", Holds: "one, again"})
	if len(again) != 2 || again[0].Holds != "one, again" || again[1].Path != "/b.txt" || files[0].Holds != "one" {
		t.Fatalf("With = %+v (before: %+v)", again, files)
	}
}

// Field takes one layout per width: beside a column narrower than
// MinValueWidth every label stands on a line of its own, even above a
// short value, so the fields of one card never mix the two layouts.
func TestFieldOneLayoutPerWidth(t *testing.T) {
	plain := lipgloss.NewStyle()
	for _, v := range []string{"CNAME", "osc1._domainkey.outreachsystems.com."} {
		if got := common.Field("Type", 10, v, 36, plain, plain); got != "Type:\n"+v {
			t.Errorf("at 36 columns %q: %q, want it stacked", v, got)
		}
		if got := common.Field("Type", 10, v, 60, plain, plain); got != "Type      "+v {
			t.Errorf("at 60 columns %q: %q, want it beside its label", v, got)
		}
	}
	if !common.Stacked(10, 39) || common.Stacked(10, 40) {
		t.Error("Stacked does not follow MinValueWidth")
	}
}

// The scroller's "more" line shortens to fit a narrow window instead of
// being cut.
func TestScrollerMoreLineFits(t *testing.T) {
	c := common.NewCommon(context.Background(), nil)
	for _, w := range []int{20, 30, 40, 80} {
		c.SetSize(w, 6)
		s := common.NewScroller(c)
		s.SetContent(strings.Repeat("line\n", 30) + "end")
		s.Update(tea.KeyMsg{Type: tea.KeyDown})
		lines := strings.Split(ansi.Strip(s.View()), "\n")
		more := lines[len(lines)-1]
		if strings.Contains(more, "…") || ansi.StringWidth(more) > w || !strings.Contains(more, "more") || !strings.Contains(more, "pgup/pgdn") {
			t.Errorf("width %d: more line %q", w, more)
		}
	}
}

// TestWrapNeverLeavesPunctuationAlone: a name ending in a dot and a comma,
// wider than the line, breaks at an earlier dot, not before the comma;
// a colon after an unbreakable word stays with it.
func TestWrapNeverLeavesPunctuationAlone(t *testing.T) {
	for _, tc := range []struct {
		s     string
		width int
	}{
		{"osc1._domainkey.outreachsystems.com.,", 36},
		{"yourcenter.edu.:", 15},
		{"abcdefghij:", 10},
		{"see osc1._domainkey.yourcenter.edu., then", 31},
	} {
		got := common.Wrap(tc.s, tc.width)
		for _, line := range strings.Split(got, "\n") {
			if strings.Trim(line, ".,;: ") == "" {
				t.Errorf("Wrap(%q, %d) leaves %q alone:\n%s", tc.s, tc.width, line, got)
			}
			if w := len(line); w > tc.width {
				t.Errorf("Wrap(%q, %d): line %q is %d wide", tc.s, tc.width, line, w)
			}
		}
		if squeeze(got) != squeeze(tc.s) {
			t.Errorf("Wrap(%q, %d) changed the text: %q", tc.s, tc.width, got)
		}
	}
}

// TestWrapPathsAtSeparators: a path wider than the line breaks after a
// folder's separator, never inside a folder's or the file's name.
func TestWrapPathsAtSeparators(t *testing.T) {
	path := "/home/someone/projects/dns-records-yourcenter.edu.txt"
	got := common.Wrap("Saved to "+path+".", 32)
	if want := "Saved to\n/home/someone/projects/\ndns-records-yourcenter.edu.txt."; got != want {
		t.Errorf("Wrap(path, 32) = %q, want %q", got, want)
	}
}
