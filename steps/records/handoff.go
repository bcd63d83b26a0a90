package records

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

// HandoffSavedMsg reports that the hand-off sheet was written to MDPath and
// HTMLPath (or why not).
type HandoffSavedMsg struct {
	MDPath, HTMLPath string
	Err              error
}

// What the files written hold, as the summary left on the terminal lists
// them (common.HandoffFiles).
const (
	whatText     = "the records to publish, as text"
	whatMarkdown = "the hand-off sheet for whoever edits DNS (Markdown)"
	whatPage     = "the same sheet as a web page, to print or send"
)

// saveHandoff returns the command that saves the sheet for plans into dir.
func saveHandoff(dir string, plans ...plan.Plan) tea.Cmd {
	return func() tea.Msg {
		md, page, err := plan.SaveHandoff(dir, plans...)
		return HandoffSavedMsg{MDPath: md, HTMLPath: page, Err: err}
	}
}

// handoffStatus turns the outcome of saveHandoff into the status line.
func handoffStatus(msg HandoffSavedMsg) tea.Cmd {
	if msg.Err != nil {
		return common.SetStatus(common.Failure, dnscheck.Printable(msg.Err.Error()))
	}
	return common.SetStatus(common.Success, "Saved the hand-off sheet for whoever edits DNS to "+
		dnscheck.Printable(msg.MDPath)+" and "+dnscheck.Printable(msg.HTMLPath))
}
