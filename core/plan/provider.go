package plan

import (
	"fmt"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/dnscheck"
)

// ProviderChoice is the organisation's own mail provider as confirmed
// (the provider step's result, kept in the wizard's state).
type ProviderChoice struct {
	Provider assets.Provider
	// Detected is set when it is the provider the MX records point to.
	Detected bool
}

// Option returns the provider for Options and checks.Expect: nil
// when it is the detected one (so the plan says why it was chosen) or when
// there is no choice.
func (c ProviderChoice) Option() *assets.Provider {
	if c.Detected || c.Provider.ID == "" {
		return nil
	}
	p := c.Provider
	return &p
}

// ProposedProvider returns the provider to preselect from what discovery found,
// and false when there is none: the one the MX records point to, or "no
// mail of our own" when the domain has no MX records. When the MX lookup
// got no answer, or the MX host is not in the catalog (a mail gateway in
// front of the provider, or a provider the catalog lacks), any choice made
// for the person could authorise the wrong servers: nothing is proposed.
func ProposedProvider(s discovery.Snapshot) (assets.Provider, bool) {
	_, unknown := s.MXUnknown()
	switch {
	case s.ProviderFound:
		return s.Provider, true
	case unknown || len(s.MX) > 0:
		return assets.Provider{}, false
	}
	for _, p := range assets.Providers() {
		if p.Kind == assets.KindNone {
			return p, true
		}
	}
	return assets.Provider{}, false
}

// WhyProvider says what the MX records told about the domain's own mail, and why
// a provider is proposed or why none is. Text from DNS is made printable.
func WhyProvider(s discovery.Snapshot) string {
	p := dnscheck.Printable
	t, unknown := s.MXUnknown()
	switch {
	case s.ProviderFound:
		// The name may end in parentheses of its own, e.g. "Mimecast
		// (United States)": the MX host follows a colon.
		return fmt.Sprintf("Your MX points to %s: %s.", s.Provider.Name, p(s.ProviderMX))
	case unknown:
		return fmt.Sprintf("Your mail provider could not be detected: the MX lookup got no answer (%s). Nothing is preselected: choose yours.", p(t.Words()))
	case len(s.MX) > 0:
		return fmt.Sprintf("Your MX points to %s, which is not in the catalog: it may be a mail gateway (a filtering service) in front of your provider. Nothing is preselected: choose the provider your organisation's mail is sent through, or %s to type its SPF include.", p(s.MX[0]), otherName())
	}
	return "The domain has no MX records, so it may send no mail of its own."
}

// otherName is the name of the catalog's "another provider" entry.
func otherName() string {
	for _, p := range assets.Providers() {
		if p.Kind == assets.KindOther {
			return p.Name
		}
	}
	return "Other"
}
