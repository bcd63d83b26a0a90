package welcome

import "github.com/outreach-auth/wizard/core/session"

// Name identifies the step in the saved progress and in its tests: a
// stable ID, whatever the title shown.
const Name = session.StepWelcome

// ID implements common.Step.
func (m *Model) ID() session.StepID { return Name }
