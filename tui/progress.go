package tui

import (
	"sync"

	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/statefile"
)

// ProgressVersion is the version of the Progress format written now.
const ProgressVersion = session.ProgressVersion

// Progress is what the wizard saves as the person goes: the session, as
// versioned data (session.Progress; docs/session.md).
type Progress = session.Progress

// CheckLine is one domain's last result, for a person.
type CheckLine = session.CheckLine

// progressSaver writes progress from commands, one at a time, dropping a
// save older than the last one written (commands may finish out of
// order).
type progressSaver struct {
	file *statefile.File // where, and the generation last read or written
	mu   sync.Mutex
	seq  uint64 // the last save asked for
	done uint64 // the last save written
}

// save writes prog if no newer save has been written.
func (s *progressSaver) save(seq uint64, prog Progress) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if seq <= s.done {
		return nil
	}
	s.done = seq
	// A file another wizard saved since is not overwritten: the save
	// fails with a *statefile.ConflictError, said in the status line.
	return s.file.Save(prog)
}

// ProgressSavedMsg reports a save of the progress; Err is set when it
// failed.
type ProgressSavedMsg struct{ Err error }
