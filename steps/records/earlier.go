package records

import (
	"slices"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/tui/common"
)

// runMemory is what the records step remembers for the whole run, so that
// a plan worked out after the person changed their mind is made from the
// current choice over DNS as read, and not from what an earlier choice
// added (plan.Options.Earlier, plan.Options.FirstSPF).
type runMemory struct {
	earlier  []assets.Provider   // providers chosen before the current one
	firstSPF map[string][]string // each domain's SPF records as first read
}

// noteChoice makes c the provider choice, remembering the one it
// replaces among the earlier ones.
func (m *Model) noteChoice(c plan.ProviderChoice) {
	prev := m.choice.Provider
	if prev.ID != "" && !sameProvider(prev, c.Provider) &&
		!slices.ContainsFunc(m.mem.earlier, func(p assets.Provider) bool { return sameProvider(p, prev) }) {
		m.mem.earlier = append(m.mem.earlier, prev)
	}
	m.choice = c
}

// noteFirst remembers snap's SPF records when it is the first read of its
// domain in this run (one whose TXT lookup got an answer).
func (m *Model) noteFirst(snap discovery.Snapshot) {
	if snap.Domain == "" || slices.ContainsFunc(snap.Trouble, func(t discovery.Trouble) bool {
		return t.Type == "TXT" && dns.CanonicalName(t.Name) == dns.CanonicalName(snap.Domain)
	}) {
		return
	}
	if m.mem.firstSPF == nil {
		m.mem.firstSPF = map[string][]string{}
	}
	if _, ok := m.mem.firstSPF[snap.Domain]; !ok {
		m.mem.firstSPF[snap.Domain] = append([]string{}, snap.SPF...)
	}
}

// options are the plan options for domain: the provider chosen, the
// platform's include or addresses, the DMARC reports address, and what
// the run remembers.
func (m *Model) options(domain string, useIPs bool) plan.Options {
	return plan.Options{Provider: m.choice.Option(), UseIPs: useIPs, DMARCReports: string(m.reports),
		Addresses: m.addrs, Earlier: m.mem.earlier, FirstSPF: m.mem.firstSPF[domain]}
}

// sameProvider reports whether a and b are one provider: the same id and
// the same SPF terms (two typed providers share the id "other").
func sameProvider(a, b assets.Provider) bool {
	return a.ID == b.ID && slices.Equal(a.SPFTerms(), b.SPFTerms())
}

// pendingAction is an action key pressed while domain dom's plan was
// being worked out.
type pendingAction struct {
	action common.KeyAction
	dom    int
}
