package checking

import "github.com/outreach-auth/wizard/core/session"

// Name identifies the step in the saved progress and in its tests: a
// stable ID, whatever the title shown.
const Name = session.StepCheck

// ID implements common.Step.
func (m *Model) ID() session.StepID { return Name }

// Session returns the session the step was entered with (nil before).
func (m *Model) Session() *session.Session { return m.sess }
