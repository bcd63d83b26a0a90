package common

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"

	"github.com/outreach-auth/wizard/dnscheck"
)

// Styles are the wizard's look. They use lipgloss's default renderer, whose
// colour profile and background the command decides before the program
// starts (NO_COLOR gives the ASCII profile: no colour, no attributes), so
// every cue also has a sign that reads without colour: ✓ ✗ ? ! and ›.
type Styles struct {
	Header     lipgloss.Style // the top line
	HeaderStep lipgloss.Style // "3/7" in the header
	Banner     lipgloss.Style // the demo's banner
	Title      lipgloss.Style // a heading inside a step
	Text       lipgloss.Style
	Dim        lipgloss.Style // secondary text
	Accent     lipgloss.Style // what to act on
	Value      lipgloss.Style // text to type into a form
	Pass       lipgloss.Style
	Fail       lipgloss.Style
	Warn       lipgloss.Style
	Card       lipgloss.Style // a record card
	CardActive lipgloss.Style // the selected record card
	Success    lipgloss.Style // the moment of success
	Status     [3]lipgloss.Style
	Help       help.Styles
}

// DefaultStyles returns the wizard's styles.
func DefaultStyles() *Styles {
	accent := lipgloss.AdaptiveColor{Light: "#5A3FC0", Dark: "#A48BFF"}
	green := lipgloss.AdaptiveColor{Light: "#1B7F3B", Dark: "#5FD787"}
	red := lipgloss.AdaptiveColor{Light: "#B3261E", Dark: "#FF7A7A"}
	yellow := lipgloss.AdaptiveColor{Light: "#8A6100", Dark: "#F2C94C"}
	dim := lipgloss.AdaptiveColor{Light: "#6B6B6B", Dark: "#9A9A9A"}
	s := &Styles{
		Header:     lipgloss.NewStyle().Bold(true),
		HeaderStep: lipgloss.NewStyle().Foreground(dim),
		Banner:     lipgloss.NewStyle().Foreground(yellow).Bold(true),
		Title:      lipgloss.NewStyle().Bold(true).Foreground(accent),
		Text:       lipgloss.NewStyle(),
		Dim:        lipgloss.NewStyle().Foreground(dim),
		Accent:     lipgloss.NewStyle().Foreground(accent).Bold(true),
		Value:      lipgloss.NewStyle().Bold(true),
		Pass:       lipgloss.NewStyle().Foreground(green),
		Fail:       lipgloss.NewStyle().Foreground(red),
		Warn:       lipgloss.NewStyle().Foreground(yellow),
		Card:       lipgloss.NewStyle().Border(lipgloss.NormalBorder()).BorderForeground(dim).Padding(0, 1),
		CardActive: lipgloss.NewStyle().Border(lipgloss.ThickBorder()).BorderForeground(accent).Padding(0, 1),
		Success:    lipgloss.NewStyle().Bold(true).Foreground(green),
	}
	s.Status[Info] = lipgloss.NewStyle().Foreground(accent)
	s.Status[Success] = lipgloss.NewStyle().Foreground(green)
	s.Status[Failure] = lipgloss.NewStyle().Foreground(red)
	h := help.New().Styles
	h.ShortKey = lipgloss.NewStyle().Foreground(accent)
	h.FullKey = h.ShortKey
	h.ShortDesc = lipgloss.NewStyle().Foreground(dim)
	h.FullDesc = h.ShortDesc
	s.Help = h
	return s
}

// Tone returns the style of a tone (dnscheck.ToneOf a verdict).
func (s *Styles) Tone(t dnscheck.Tone) lipgloss.Style {
	switch t {
	case dnscheck.TonePass:
		return s.Pass
	case dnscheck.ToneWarn:
		return s.Warn
	case dnscheck.ToneDim:
		return s.Dim
	}
	return s.Fail
}

// KeyMap holds the keys the shell handles on every step, and the scrolling
// keys the steps share.
type KeyMap struct {
	ForceQuit key.Binding
	Quit      key.Binding
	Help      key.Binding
	Back      key.Binding
	Up        key.Binding
	Down      key.Binding
	PageUp    key.Binding
	PageDown  key.Binding
	Top       key.Binding
	Bottom    key.Binding
}

// DefaultKeyMap returns the shared keys.
func DefaultKeyMap() *KeyMap {
	return &KeyMap{
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more keys")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		PageUp:    key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:  key.NewBinding(key.WithKeys("pgdown", " "), key.WithHelp("pgdn/space", "page down")),
		Top:       key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", "top")),
		Bottom:    key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end/G", "bottom")),
	}
}

// ScrollKeys returns the scrolling keys, for a step's full help.
func (k *KeyMap) ScrollKeys() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}
}
