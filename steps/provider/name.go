package provider

import (
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/tui/common"
)

// Name identifies the step in the saved progress and in its tests: a
// stable ID, whatever the title shown.
const Name = session.StepProvider

// ID implements common.Step.
func (m *Model) ID() session.StepID {
	if m.others {
		return NameOthers
	}
	return Name
}

// NameOthers identifies the step that confirms the other domains'
// providers.
const NameOthers = session.StepProviders

// Session returns the session the step was entered with (nil before).
func (m *Model) Session() *session.Session { return m.sess }

// Skip implements common.Skipper: the step for the other domains is
// passed over when no domain's provider is left to confirm (with
// --provider, every domain's is the preset).
func (m *Model) Skip(s *session.Session) bool {
	if !m.others {
		return false
	}
	if m.preset != nil {
		m.Enter(s, common.Forward)
		return true
	}
	return target(s, true) == nil
}

// Follows implements common.Follower: the other domains' providers belong
// to the other domains' step.
func (m *Model) Follows() bool { return m.others }
