package records

import "github.com/outreach-auth/wizard/tui/common"

// What the run remembers so that a plan worked out after the person
// changed their mind is made from the current choice over DNS as read,
// and not from what an earlier choice added (plan.Options.Earlier,
// plan.Options.FirstSPF), lives in the session with each domain
// (session.PlanInput).

// pendingAction is an action key pressed while domain dom's plan was
// being worked out.
type pendingAction struct {
	action common.KeyAction
	dom    int
}
