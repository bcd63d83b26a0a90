package common

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// Scroller shows text taller than its area in a viewport, with a last line
// saying there is more and how far down the view is. Steps embed it for
// their content.
type Scroller struct {
	vp      viewport.Model
	content string
	width   int
	height  int
	styles  *Styles
	keys    *KeyMap
	// LineKeys, when false, leaves ↑/↓ to the step (the records step moves
	// between cards with them); page keys always scroll.
	LineKeys bool
	// What, when set, names the text in the "more" line ("keys": "↓ more
	// keys below"); the line then names ↑↓ too when LineKeys is set.
	What string
}

// NewScroller returns a Scroller using c's styles and keys.
func NewScroller(c Common) Scroller {
	vp := viewport.New(c.Width, c.Height)
	vp.KeyMap = viewport.KeyMap{} // keys are handled in Update
	vp.MouseWheelEnabled = true
	return Scroller{vp: vp, width: c.Width, height: c.Height, styles: c.Styles, keys: c.Keys, LineKeys: true}
}

// SetSize sets the area, keeping the scroll position where it can.
func (s *Scroller) SetSize(width, height int) {
	s.width, s.height = width, max(height, 1)
	s.layout()
}

// SetContent replaces the text, keeping the scroll position where it can.
func (s *Scroller) SetContent(content string) {
	s.content = content
	s.layout()
}

func (s *Scroller) layout() {
	s.vp.Width = s.width
	h := s.height
	if Height(s.content) > h && h > 2 {
		h-- // room for the "more" line
	}
	s.vp.Height = h
	s.vp.SetContent(s.content)
	s.vp.SetYOffset(s.vp.YOffset)
}

// Height returns the number of lines of text shown at once.
func (s *Scroller) Height() int { return s.vp.Height }

// Overflows reports whether the text is taller than the area.
func (s *Scroller) Overflows() bool { return Height(s.content) > s.height }

// YOffset returns the first line shown.
func (s *Scroller) YOffset() int { return s.vp.YOffset }

// Show scrolls the least needed to show lines top to bottom (0-based,
// exclusive end); when they do not fit, top is shown.
func (s *Scroller) Show(top, bottom int) {
	switch {
	case top < s.vp.YOffset || bottom-top > s.vp.Height:
		s.vp.SetYOffset(top)
	case bottom > s.vp.YOffset+s.vp.Height:
		s.vp.SetYOffset(bottom - s.vp.Height)
	}
}

// SetYOffset scrolls so that line n is the first shown (as far as the
// text allows).
func (s *Scroller) SetYOffset(n int) { s.vp.SetYOffset(n) }

// GotoTop scrolls to the top.
func (s *Scroller) GotoTop() { s.vp.GotoTop() }

// Update scrolls on the scrolling keys and the mouse wheel, reporting
// whether msg was used.
func (s *Scroller) Update(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case s.LineKeys && key.Matches(msg, s.keys.Up):
			s.vp.ScrollUp(1)
		case s.LineKeys && key.Matches(msg, s.keys.Down):
			s.vp.ScrollDown(1)
		case key.Matches(msg, s.keys.PageUp):
			s.vp.PageUp()
		case key.Matches(msg, s.keys.PageDown):
			s.vp.PageDown()
		case key.Matches(msg, s.keys.Top):
			s.vp.GotoTop()
		case key.Matches(msg, s.keys.Bottom):
			s.vp.GotoBottom()
		default:
			return false
		}
		return true
	case tea.MouseMsg:
		s.vp, _ = s.vp.Update(msg)
		return true
	}
	return false
}

// View renders the visible lines, and under them a line saying what is
// above and below when the text does not fit.
func (s *Scroller) View() string {
	lines := strings.Split(s.content, "\n")
	end := min(s.vp.YOffset+s.vp.Height, len(lines))
	view := strings.Join(lines[min(s.vp.YOffset, end):end], "\n")
	if !s.Overflows() || s.height <= 2 {
		return view
	}
	pad := s.vp.Height - (end - s.vp.YOffset)
	if pad > 0 {
		view += strings.Repeat("\n", pad)
	}
	return view + "\n" + s.styles.Dim.Render(Fit(s.moreLine(), s.width, 1))
}

// moreLine says what is above and below and how to scroll, as fully as
// the width allows: the percentage goes first, then the words above and
// below, so the line is never cut.
func (s *Scroller) moreLine() string {
	what, keys := "more", "pgup/pgdn"
	if s.What != "" {
		what = "more " + s.What
		if s.LineKeys {
			keys = "↑↓ " + keys
		}
	}
	var where, arrow string
	switch {
	case s.vp.AtTop():
		arrow, where = "↓", " below"
	case s.vp.AtBottom():
		arrow, where = "↑", " above"
	default:
		arrow, where = "↑↓", " above and below"
	}
	tail := " · " + keys + " scroll"
	lines := []string{
		fmt.Sprintf("%s %s%s (%d%%)%s", arrow, what, where, int(s.vp.ScrollPercent()*100+0.5), tail),
		arrow + " " + what + where + tail,
		arrow + " " + what + tail,
		arrow + " " + what + " · " + keys,
		arrow + " " + what,
	}
	for _, l := range lines {
		if ansi.StringWidth(l) <= s.width {
			return l
		}
	}
	return lines[len(lines)-1]
}
