package session

// StepID identifies a step of the wizard in the saved progress. It is
// stable: a step's title may change, its ID does not (docs/session.md
// lists them).
type StepID string

// The wizard's steps, in order.
const (
	StepWelcome   StepID = "welcome"
	StepDomain    StepID = "domain"
	StepDiscovery StepID = "discovery"
	StepProvider  StepID = "provider"
	StepDomains   StepID = "domains"
	// StepProviders confirms the provider of each domain added.
	StepProviders StepID = "providers"
	StepRecords   StepID = "records"
	StepCheck     StepID = "check"
	StepAdvice    StepID = "advice"
	StepConfirm   StepID = "confirm"
)

// ResumeAt returns the step a resumed session starts at, from the step
// reached and what the session holds: the checks run again at once when
// the person had reached them (or the advice); the records or the other
// domains when they had; otherwise the discovery, which looks the first
// domain up again before the provider is confirmed.
func ResumeAt(reached StepID) StepID {
	switch reached {
	case StepCheck, StepAdvice, StepConfirm:
		return StepCheck
	case StepRecords, StepDomains:
		return reached
	case StepProviders:
		return StepDomains
	}
	return StepDiscovery
}

// Past reports whether step a comes after step b in the wizard's order.
func Past(a, b StepID) bool { return order(a) > order(b) }

func order(id StepID) int {
	for i, s := range []StepID{StepWelcome, StepDomain, StepDiscovery, StepProvider, StepDomains, StepProviders, StepRecords, StepCheck, StepAdvice, StepConfirm} {
		if s == id {
			return i
		}
	}
	return -1
}
