package confirm

import "github.com/outreach-auth/wizard/tui/common"

// Name identifies the step in the wizard's state, its saved progress and
// its tests.
const Name common.StepName = Title
