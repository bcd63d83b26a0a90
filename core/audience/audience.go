// Package audience names who reads the sentences the wizard's knowledge
// writes (advice, record notes), so that each reader is pointed to what
// they can do: a command's output may name other commands, the wizard
// names its own steps, and the hand-off sheet names neither.
package audience

// Audience is who reads a sentence.
type Audience int

// Audiences.
const (
	// Command is the output of the wizard's commands ('wizard check',
	// 'wizard records', their JSON): it may tell the reader to run
	// another command. It is the zero value.
	Command Audience = iota
	// Wizard is the interactive wizard, full-screen and --accessible:
	// it points to the wizard's own steps, never to a command.
	Wizard
	// Sheet is the hand-off sheet, read by whoever edits DNS, who does
	// not have the wizard: it names no command and no step.
	Sheet
)
