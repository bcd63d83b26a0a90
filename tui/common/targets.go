package common

import (
	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/domainname"
)

// Extra is one more domain the database's users send from: what was typed
// and what its lookup found (Snap.Domain is "" until it has been looked
// up).
type Extra struct {
	Input domainname.Input
	Snap  discovery.Snapshot
}

// Others are the domains beyond the first, in the order they were added.
// The step stores them in the State.
type Others []Extra

// Target is one domain the wizard sets up: its input and, when it has been
// looked up, its snapshot (nil otherwise).
type Target struct {
	Input domainname.Input
	Snap  *discovery.Snapshot
}

// Targets returns every domain in the state, the first one (from the
// domain and discovery steps) first, then the others in the order added.
// It is empty before a domain is chosen.
func Targets(st *State) []Target {
	first, ok := Get[domainname.Input](st)
	if !ok || first.Domain == "" {
		return nil
	}
	t := Target{Input: first}
	if s, ok := Get[discovery.Snapshot](st); ok && s.Domain == first.Domain {
		t.Snap = &s
	}
	out := []Target{t}
	others, _ := Get[Others](st)
	for _, e := range others {
		if e.Input.Domain == first.Domain {
			continue
		}
		t := Target{Input: e.Input}
		if e.Snap.Domain == e.Input.Domain {
			s := e.Snap
			t.Snap = &s
		}
		out = append(out, t)
	}
	return out
}

// Names returns the domains of Targets, in order.
func Names(st *State) []string {
	var out []string
	for _, t := range Targets(st) {
		out = append(out, t.Input.Domain)
	}
	return out
}

// Focus names the domain the person was looking at when they went back
// from checking to the records, so the records step shows that domain's.
type Focus struct{ Domain string }
