// Package session is what the wizard knows, in one typed value: per
// domain (the first domain first) the name given, what DNS said and when
// it was read (or that the lookup failed), the mail provider and whether
// the person confirmed it, the last check and its time; for the whole
// session the messages verified, the address for DMARC reports and the
// files written. Everything else (the records to publish, the advice, the
// decision on the platform's setting, the summary) is derived from the
// newest of these facts by one function each (see stages.go), called by
// the full-screen steps, the line prompts and the commands alike.
//
// The package imports no UI. docs/session.md describes the type, the
// stages, the invariants and the saved progress.
package session

import (
	"slices"
	"strings"
	"time"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/domainname"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
)

// Session is everything the wizard knows. The zero Session is empty and
// ready to use. It is not safe for concurrent use: the stages run in
// commands and return facts, which the caller records here.
type Session struct {
	// Domains are the domains being set up, the first domain first.
	Domains []*Domain
	// OthersAnswered is set once the person answered whether their staff
	// send from other domains (maybe with none).
	OthersAnswered bool
	// ReportAddress is where DMARC reports should go, as the person gave
	// it ("" for none).
	ReportAddress plan.ReportAddress
	// UseIPs writes the platform's addresses into SPF instead of its
	// include (the records step's i key).
	UseIPs bool
	// Files are the files of instructions written, in the order first
	// written; a file written again keeps its place.
	Files []SavedFile
	// Messages are the received messages verified, oldest first.
	Messages []Message
	// ChangedAt is when the wizard last changed DNS itself (the demo's
	// publish keys): every read before it is older than DNS.
	ChangedAt time.Time

	// The hand-overs between steps, never saved.

	// Simulated says the domains' DNS is simulated (wizard demo): the
	// commands the summary and the hand-off sheet give are said to be for
	// the real domain, since they ask the real Internet.
	Simulated bool

	// MessageFile is a message file written for the confirm step to
	// verify at once (the demo's test message); "" for none.
	MessageFile string
	// Focus is the domain the person was looking at when they went back
	// from the checks to the records.
	Focus string
	// CheckAtOnce says a resumed session had reached the checks: the
	// line prompts work the records out without showing them, once.
	CheckAtOnce bool
	// Resumed says the session was restored from saved progress: the
	// line prompts look the other domains up again rather than ask for
	// them, once.
	Resumed bool
}

// Domain is what is known about one domain.
type Domain struct {
	Input domainname.Input
	// Snap is what DNS said, read at ReadAt (zero: never read).
	Snap   discovery.Snapshot
	ReadAt time.Time
	// LookupErr says why the last lookup failed ("" when it did not); a
	// failed lookup stays failed until the domain is read.
	LookupErr string
	// Provider is the domain's mail provider; ProviderSet whether there is
	// one, ProviderConfirmed whether the person confirmed or chose it (a
	// provider only detected from MX is a proposal).
	Provider          plan.ProviderChoice
	ProviderSet       bool
	ProviderConfirmed bool
	// Check is the last check's report (nil: never checked), finished at
	// CheckedAt.
	Check     *dnscheck.DomainReport
	CheckedAt time.Time

	plan    plan.Plan // the last plan built, for planKey
	planFor planKey
	hasPlan bool

	// earlier are the providers confirmed for the domain before the
	// current one in this run, and firstSPF its SPF records as first read
	// in it (firstRead: there was such a read): a plan takes out of the
	// record what the run added for an earlier choice (plan.Options.Earlier,
	// plan.Options.FirstSPF). They are not saved.
	earlier   []assets.Provider
	firstSPF  []string
	firstRead bool
}

// planKey is what a plan was built from: a plan is current only while the
// facts it was built from are the newest.
type planKey struct {
	readAt   time.Time
	provider string
	terms    string
	detected bool
	reports  plan.ReportAddress
	useIPs   bool
	domains  string // the session's domains (plan.Options.ReportsFrom)
}

// SavedFile is a file the wizard wrote for the person.
type SavedFile struct {
	Path  string `json:"path"` // absolute
	Holds string `json:"holds"`
}

// Message is the verdict on one received message.
type Message struct {
	// Source is the file's path as typed, or what says it was pasted.
	Source string `json:"source"`
	// FromDomain is the message's From domain (lower case).
	FromDomain string `json:"from_domain"`
	// Verdict is received's verdict word (pass, fail, error, incomplete).
	Verdict string `json:"verdict"`
	// Checkbox is "on", "off" or "" (the message cannot tell).
	Checkbox string `json:"checkbox,omitempty"`
	// Line is the verdict in a sentence, printable.
	Line string `json:"line"`
	// At is when it was verified.
	At time.Time `json:"at"`
	// Reports is set when the file held DMARC aggregate reports rather
	// than a message (the confirm step reads both): Line is the reports'
	// verdicts, and it never decides the checkbox (Checkbox is "").
	Reports bool `json:"reports,omitempty"`
}

// Names returns the domains, in order.
func (s *Session) Names() []string {
	if s == nil {
		return nil
	}
	out := make([]string, 0, len(s.Domains))
	for _, d := range s.Domains {
		out = append(out, d.Input.Domain)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// First returns the first domain, nil before one is given.
func (s *Session) First() *Domain {
	if s == nil || len(s.Domains) == 0 {
		return nil
	}
	return s.Domains[0]
}

// Others returns the domains after the first.
func (s *Session) Others() []*Domain {
	if s == nil || len(s.Domains) < 2 {
		return nil
	}
	return s.Domains[1:]
}

// Domain returns the domain named name, nil when it is not one of the
// session's.
func (s *Session) Domain(name string) *Domain {
	if s == nil {
		return nil
	}
	for _, d := range s.Domains {
		if d.Input.Domain == name {
			return d
		}
	}
	return nil
}

// Has reports whether name is one of the session's domains.
func (s *Session) Has(name string) bool { return s.Domain(name) != nil }

// SetFirst makes in the first domain. A new name starts afresh (what was
// known about the old first domain is dropped; a domain among the others
// equal to it is taken out of them, keeping what is known about it).
func (s *Session) SetFirst(in domainname.Input) {
	if f := s.First(); f != nil && f.Input.Domain == in.Domain {
		f.Input = in
		return
	}
	d := &Domain{Input: in}
	var rest []*Domain
	for _, o := range s.Others() {
		if o.Input.Domain == in.Domain {
			d = o
			continue
		}
		rest = append(rest, o)
	}
	s.Domains = append([]*Domain{d}, rest...)
}

// SetOthers makes ins the domains after the first, in order, keeping what
// is known about those already there; the first domain, or a name given
// twice, counts once.
func (s *Session) SetOthers(ins []domainname.Input) {
	first := s.First()
	if first == nil {
		return
	}
	out := []*Domain{first}
	for _, in := range ins {
		if slices.ContainsFunc(out, func(d *Domain) bool { return d.Input.Domain == in.Domain }) {
			continue
		}
		d := s.Domain(in.Domain)
		if d == nil {
			d = &Domain{Input: in}
		}
		out = append(out, d)
	}
	s.Domains = out
}

// Read records what DNS said about the domain named snap.Domain, read at
// at. A read older than the one recorded is dropped (lookups may finish
// out of order). It clears a failed lookup, and proposes the provider the
// MX records point to when none is set yet.
func (s *Session) Read(snap discovery.Snapshot, at time.Time) {
	d := s.Domain(snap.Domain)
	if d == nil || at.Before(d.ReadAt) {
		return
	}
	d.Snap, d.ReadAt, d.LookupErr = snap, at, ""
	if !d.firstRead && !txtTrouble(snap) {
		d.firstSPF, d.firstRead = slices.Clone(snap.SPF), true
	}
	if !d.ProviderConfirmed {
		if p, ok := plan.ProposedProvider(snap); ok {
			d.Provider, d.ProviderSet = plan.ProviderChoice{Provider: p, Detected: snap.ProviderFound && p.ID == snap.Provider.ID}, true
		} else {
			d.Provider, d.ProviderSet = plan.ProviderChoice{}, false
		}
	}
}

// LookupFailed records that the lookup of the domain named name failed
// (why, in words). What was read before is dropped: it is not known to
// be current, and no records are proposed until the domain is read.
func (s *Session) LookupFailed(name, why string) {
	d := s.Domain(name)
	if d == nil {
		return
	}
	d.Snap, d.ReadAt, d.LookupErr, d.hasPlan = discovery.Snapshot{}, time.Time{}, why, false
	if why == "" {
		d.LookupErr = "the lookup failed"
	}
}

// SetProvider sets the domain's provider, confirmed by the person when
// confirmed is set. A provider other than the one the last check expected
// drops that check: it answered another question.
func (s *Session) SetProvider(name string, c plan.ProviderChoice, confirmed bool) {
	d := s.Domain(name)
	if d == nil {
		return
	}
	if d.ProviderSet && !sameProvider(d.Provider, c) {
		d.Check, d.CheckedAt = nil, time.Time{}
		prev := d.Provider
		if d.ProviderConfirmed && prev.Provider.ID != "" &&
			!slices.ContainsFunc(d.earlier, func(p assets.Provider) bool { return sameProvider(plan.ProviderChoice{Provider: p}, prev) }) {
			d.earlier = append(d.earlier, prev.Provider)
		}
	}
	d.Provider, d.ProviderSet, d.ProviderConfirmed = c, true, confirmed
}

// txtTrouble reports whether the TXT lookup at snap's domain got no usable
// answer: its SPF records are then unknown.
func txtTrouble(snap discovery.Snapshot) bool {
	return slices.ContainsFunc(snap.Trouble, func(t discovery.Trouble) bool {
		return t.Type == "TXT" && strings.EqualFold(strings.TrimSuffix(t.Name, "."), strings.TrimSuffix(snap.Domain, "."))
	})
}

func sameProvider(a, b plan.ProviderChoice) bool {
	return a.Provider.ID == b.Provider.ID && slices.Equal(a.Provider.SPFTerms(), b.Provider.SPFTerms())
}

// Provider returns the first domain's provider choice (the zero choice
// before there is one).
func (s *Session) Provider() (plan.ProviderChoice, bool) {
	if f := s.First(); f != nil && f.ProviderSet {
		return f.Provider, true
	}
	return plan.ProviderChoice{}, false
}

// Unconfirmed returns the domains whose provider the person has not
// confirmed or chosen yet, in order.
func (s *Session) Unconfirmed() []*Domain {
	var out []*Domain
	for _, d := range s.Domains {
		if !d.ProviderConfirmed {
			out = append(out, d)
		}
	}
	return out
}

// Current reports whether the domain has been read and its read is not
// older than what the wizard learnt since (a check, or a change the
// wizard made to DNS): its records can be proposed from it.
func (s *Session) Current(d *Domain) bool {
	if d == nil || d.ReadAt.IsZero() {
		return false
	}
	return !d.ReadAt.Before(d.CheckedAt) && !d.ReadAt.Before(s.ChangedAt)
}

// Stale returns the domains that must be read (again) before their
// records are shown: never read, read before a newer check or change,
// or whose lookup failed.
func (s *Session) Stale() []*Domain {
	var out []*Domain
	for _, d := range s.Domains {
		if !s.Current(d) {
			out = append(out, d)
		}
	}
	return out
}

func (s *Session) keyOf(d *Domain) planKey {
	k := planKey{readAt: d.ReadAt, reports: s.ReportAddress, useIPs: s.UseIPs, domains: strings.Join(s.Names(), " ")}
	if d.ProviderSet {
		k.provider, k.detected = d.Provider.Provider.ID, d.Provider.Detected
		if d.Provider.Provider.Kind == assets.KindOther {
			k.terms = strings.Join(d.Provider.Provider.SPFTerms(), " ")
		}
	}
	return k
}

// firstSPFOr returns the domain's SPF records as first read in this run;
// snap's when it has not been read before (snap is then the first read).
func (d *Domain) firstSPFOr(snap discovery.Snapshot) []string {
	if d.firstRead || txtTrouble(snap) {
		return slices.Clone(d.firstSPF)
	}
	return slices.Clone(snap.SPF)
}
