package common

import (
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// UpdateField passes msg to the text field in and refuses a change that
// would make its value longer than limit characters: the field keeps the
// value it had (and its cursor) and refused is the length of the text
// refused, for the step to say so. A paste is never cut without a word,
// as a field's CharLimit would cut it. changed reports whether the value
// changed.
func UpdateField(in *textinput.Model, msg tea.Msg, limit int) (cmd tea.Cmd, changed bool, refused int) {
	before, pos := in.Value(), in.Position()
	*in, cmd = in.Update(msg)
	after := in.Value()
	if after == before {
		return cmd, false, 0
	}
	if n := utf8.RuneCountInString(after); n > limit {
		in.SetValue(before)
		in.SetCursor(pos)
		return cmd, false, n
	}
	return cmd, true, 0
}
