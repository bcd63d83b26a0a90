package records

import (
	"fmt"
	"path/filepath"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/internal/safefile"
	"github.com/outreach-auth/wizard/tui/common"
)

// HandoffSavedMsg reports that the hand-off sheet was written to MDPath
// and HTMLPath (or why not). Covers names the domains it covers in short
// ("yourcenter.edu", "both domains"), Holds in full ("both domains
// (yourcenter.edu and sbdc.uni.edu)").
type HandoffSavedMsg struct {
	MDPath, HTMLPath string
	Covers, Holds    string
	Err              error
}

// saveHandoff returns the command that saves the sheet for plans into dir
// through fsys (nil: the real file system).
func saveHandoff(fsys safefile.FS, dir string, plans ...plan.Plan) tea.Cmd {
	return func() tea.Msg {
		md, page, err := plan.SaveHandoffFS(fsys, dir, plans...)
		return handoffSaved(md, page, plans, err)
	}
}

func handoffSaved(md, page string, plans []plan.Plan, err error) HandoffSavedMsg {
	covers := domainsInWords(plans)
	switch n := len(plans); {
	case n == 2:
		covers = "both domains"
	case n > 2:
		covers = fmt.Sprintf("all %d domains", n)
	}
	return HandoffSavedMsg{MDPath: md, HTMLPath: page, Covers: covers, Holds: domainsInWords(plans), Err: err}
}

// domainsInWords names the domains of plans: "yourcenter.edu", "both
// domains (a and b)", "all 3 domains (a, b and c)", "all 9 domains (a, b,
// c and 6 more)".
func domainsInWords(plans []plan.Plan) string {
	names := make([]string, len(plans))
	for i, p := range plans {
		names[i] = p.Domain
	}
	switch n := len(names); {
	case n == 1:
		return names[0]
	case n == 2:
		return "both domains (" + names[0] + " and " + names[1] + ")"
	case n <= 3:
		return fmt.Sprintf("all %d domains (%s and %s)", n, strings.Join(names[:n-1], ", "), names[n-1])
	default:
		return fmt.Sprintf("all %d domains (%s and %d more)", n, strings.Join(names[:3], ", "), n-3)
	}
}

// handoffStatus turns the outcome of saveHandoff into the status line.
func handoffStatus(msg HandoffSavedMsg) tea.Cmd {
	if msg.Err != nil {
		return common.SetStatus(common.Failure, dnscheck.Printable(msg.Err.Error()))
	}
	return common.SetStatus(common.Success, handoffText(msg))
}

// handoffText says what was saved: what the sheet covers, the folder, and
// each file's name and form.
func handoffText(msg HandoffSavedMsg) string {
	return dnscheck.Printable(fmt.Sprintf("Saved the hand-off sheet for %s, for whoever edits DNS, in %s: %s (Markdown, to send or print) and %s (the same as a web page).",
		msg.Covers, filepath.Dir(msg.MDPath), filepath.Base(msg.MDPath), filepath.Base(msg.HTMLPath)))
}

// noteHandoff adds the sheet's two files to the files saved.
func (m *Model) noteHandoff(msg HandoffSavedMsg) {
	m.sess.AddFile(session.SavedFile{Path: msg.MDPath, Holds: "the hand-off sheet for " + msg.Holds + ", in Markdown (to send or print)"})
	m.sess.AddFile(session.SavedFile{Path: msg.HTMLPath, Holds: "the same hand-off sheet as a web page"})
}

// noteSaved adds the instructions saved for domain at path to the files
// saved, and returns what they hold in words.
func (m *Model) noteSaved(domain, path string) string {
	what := "the records for " + domain + " as text"
	m.sess.AddFile(session.SavedFile{Path: path, Holds: what})
	return what
}
