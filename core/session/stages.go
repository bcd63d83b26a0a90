package session

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
)

// The stages, one function each: Discover, Plan, Check, Advise (with
// Decide) and Summarise. They take facts and return facts or derived
// values; they never change a Session, so they can run in a command (the
// screens) as well as in line (the prompts, the commands). The caller
// records what they return (Session.Record, Session.SetPlan,
// Session.Checked).

// Prepare is run before a domain is looked up (the demo sets its
// simulated DNS up with it); nil for none.
type Prepare func(ctx context.Context, domain string) error

// Lookup is the outcome of Discover: what DNS said about Domain at At, or
// why it could not be looked up (Err).
type Lookup struct {
	Domain string
	Snap   discovery.Snapshot
	At     time.Time
	Err    error
}

// Discover looks domain up (after prepare, when not nil): the first
// stage. A lookup that got some answers is a Snapshot with its Trouble
// listed; Err is set only when the lookup could not be made at all.
func Discover(ctx context.Context, q dnscheck.Querier, p *assets.Platform, domain string, prepare Prepare) Lookup {
	if prepare != nil {
		if err := prepare(ctx, domain); err != nil {
			return Lookup{Domain: domain, At: time.Now(), Err: err}
		}
	}
	snap := discovery.Discover(ctx, q, domain, p)
	return Lookup{Domain: domain, Snap: snap, At: time.Now()}
}

// Record records a lookup's outcome: a read, or a failed lookup.
func (s *Session) Record(l Lookup) {
	if l.Err != nil {
		s.LookupFailed(l.Domain, dnscheck.Printable(l.Err.Error()))
		return
	}
	s.Read(l.Snap, l.At)
}

// ErrNotRead is returned by Session.PlanInput for a domain that has not
// been read (or whose lookup failed): no records are proposed for it.
var ErrNotRead = errors.New("session: the domain has not been looked up")

// ErrUnconfirmed is returned by Session.PlanInput for a domain whose mail
// provider the person has not confirmed or chosen: no records are
// proposed on a provider nobody confirmed.
var ErrUnconfirmed = errors.New("session: the mail provider is not confirmed")

// PlanInput is everything a plan is built from.
type PlanInput struct {
	Snap     discovery.Snapshot
	Provider plan.ProviderChoice
	Reports  plan.ReportAddress
	UseIPs   bool
	// PlatformIPs, when set, is the platform's live address list for
	// UseIPs.
	PlatformIPs []netip.Prefix
	// Addresses, when set, is the run's one reading of the platform's
	// addresses that UseIPs writes (plan.Options.Addresses): the records
	// step's i and 'wizard records --use-ips' write the same list.
	Addresses *plan.PlatformAddresses
	// Earlier and FirstSPF are what the run remembers of the domain
	// (plan.Options.Earlier, plan.Options.FirstSPF); ReportsFrom the
	// session's domains (plan.Options.ReportsFrom).
	Earlier     []assets.Provider
	FirstSPF    []string
	ReportsFrom []string
	key         planKey
	options     *plan.Options // the command line's, outside a session
}

// PlanInput returns what the plan of d is built from: its newest read,
// its provider, the reports address and the SPF form. It fails with an
// error wrapping ErrNotRead when d has not been read, saying why (the
// lookup failed: "could not look it up").
func (s *Session) PlanInput(d *Domain) (PlanInput, error) {
	if d == nil {
		return PlanInput{}, ErrNotRead
	}
	if d.ReadAt.IsZero() {
		if d.LookupErr != "" {
			return PlanInput{}, fmt.Errorf("%w: could not look it up (%s)", ErrNotRead, d.LookupErr)
		}
		return PlanInput{}, ErrNotRead
	}
	if !d.ProviderConfirmed {
		return PlanInput{}, fmt.Errorf("%w for %s", ErrUnconfirmed, d.Input.Domain)
	}
	return PlanInput{Snap: d.Snap, Provider: d.Provider, Reports: s.ReportAddress, UseIPs: s.UseIPs, key: s.keyOf(d),
		Earlier: slices.Clone(d.earlier), FirstSPF: d.firstSPFOr(d.Snap), ReportsFrom: s.Names()}, nil
}

// PlanInputAfter returns what the plan of d will be built from once the
// lookup l (Discover, run after this call) is recorded: for a caller that
// looks the domain up and builds its plan in one go (in a command), and
// records both afterwards (Record, then SetPlan). It fails as PlanInput
// does: the lookup failed, or d's provider is not confirmed.
func (s *Session) PlanInputAfter(d *Domain) func(l Lookup) (PlanInput, error) {
	if d == nil {
		return func(Lookup) (PlanInput, error) { return PlanInput{}, ErrNotRead }
	}
	name, confirmed, provider, reports, useIPs := d.Input.Domain, d.ProviderConfirmed, d.Provider, s.ReportAddress, s.UseIPs
	k := s.keyOf(d)
	earlier, names := slices.Clone(d.earlier), s.Names()
	first, firstRead := slices.Clone(d.firstSPF), d.firstRead
	return func(l Lookup) (PlanInput, error) {
		switch {
		case l.Err != nil:
			return PlanInput{}, fmt.Errorf("%w: could not look it up (%s)", ErrNotRead, dnscheck.Printable(l.Err.Error()))
		case !confirmed:
			return PlanInput{}, fmt.Errorf("%w for %s", ErrUnconfirmed, name)
		}
		k.readAt = l.At
		if !firstRead && !txtTrouble(l.Snap) {
			first = slices.Clone(l.Snap.SPF)
		}
		return PlanInput{Snap: l.Snap, Provider: provider, Reports: reports, UseIPs: useIPs, key: k,
			Earlier: earlier, FirstSPF: first, ReportsFrom: names}, nil
	}
}

// PlanNow looks the domain up (Discover) and builds its plan from that
// read, with what after (Session.PlanInputAfter) says: for an action that
// must act on DNS as it is now, never on an older read. The caller records
// the lookup (Record) and the plan (SetPlan).
func PlanNow(ctx context.Context, q dnscheck.Querier, p *assets.Platform, domain string, prepare Prepare, after func(Lookup) (PlanInput, error)) (Lookup, PlanInput, plan.Plan, error) {
	l := Discover(ctx, q, p, domain, prepare)
	in, err := after(l)
	if err != nil {
		return l, in, plan.Plan{}, err
	}
	pl, err := Plan(ctx, q, p, in)
	return l, in, pl, err
}

// Plan builds the records to publish from in: the second stage.
func Plan(ctx context.Context, q dnscheck.Querier, p *assets.Platform, in PlanInput) (plan.Plan, error) {
	if in.options != nil {
		return plan.Build(ctx, q, in.Snap, p, *in.options)
	}
	opt := plan.Options{Provider: in.Provider.Option(), UseIPs: in.UseIPs, DMARCReports: string(in.Reports),
		Addresses: in.Addresses, Earlier: in.Earlier, FirstSPF: in.FirstSPF, ReportsFrom: in.ReportsFrom}
	if len(in.PlatformIPs) > 0 {
		opt.PlatformIPs = in.PlatformIPs
	}
	return plan.Build(ctx, q, in.Snap, p, opt)
}

// PlanInputOf is what a plan is built from outside a session (the
// 'records' command): snap and the options given on the command line.
func PlanInputOf(snap discovery.Snapshot, opt plan.Options) PlanInput {
	return PlanInput{Snap: snap, options: &opt}
}

// SetPlan records the plan built from in for its domain. A plan built
// from facts older than the newest is dropped (it is never shown), and
// SetPlan returns false.
func (s *Session) SetPlan(in PlanInput, pl plan.Plan) bool {
	d := s.Domain(in.Snap.Domain)
	if d == nil || s.keyOf(d) != in.key {
		return false
	}
	d.plan, d.planFor, d.hasPlan = pl, in.key, true
	return true
}

// UsePlan records pl as built from its domain's current facts (for a
// caller that built it from what Session.PlanInput returns now, and for
// tests); it returns false when the domain has not been read.
func (s *Session) UsePlan(pl plan.Plan) bool {
	d := s.Domain(pl.Domain)
	if d == nil || d.ReadAt.IsZero() {
		return false
	}
	d.plan, d.planFor, d.hasPlan = pl, s.keyOf(d), true
	return true
}

// Plan returns the plan of d built from its newest facts, and whether
// there is one. A plan built from a read older than a change the wizard
// made to DNS (a publish), or from another provider, address or SPF
// form, is not current and is not returned.
func (s *Session) Plan(d *Domain) (plan.Plan, bool) {
	if d == nil || !d.hasPlan || d.planFor != s.keyOf(d) || d.ReadAt.Before(s.ChangedAt) {
		return plan.Plan{}, false
	}
	pl := d.plan
	pl.Simulated = s.Simulated
	return pl, true
}

// Plans returns the current plans (Plan), in the domains' order.
func (s *Session) Plans() plan.Plans {
	out := plan.Plans{}
	if s == nil {
		return out
	}
	for _, d := range s.Domains {
		if pl, ok := s.Plan(d); ok {
			out = append(out, pl)
		}
	}
	return out
}

// Expect is what a domain with provider choice c must publish for the
// platform (checks.Expect with the choice's provider).
func Expect(p *assets.Platform, c plan.ProviderChoice) dnscheck.Expectation {
	exp, _ := checks.Expect(p, c.Option(), nil) // fails only on check IPs, none here
	return exp
}

// Targets returns the domains to check, in order, and what each must
// publish: its own provider and its DNS host's name from its plan.
func (s *Session) Targets(p *assets.Platform) ([]string, []dnscheck.Expectation) {
	names := s.Names()
	exps := make([]dnscheck.Expectation, len(names))
	for i, d := range s.Domains {
		exps[i] = Expect(p, d.Provider)
		if pl, ok := s.Plan(d); ok {
			exps[i].DNSHostName = pl.DNSHost
		} else if d.hasPlan {
			exps[i].DNSHostName = d.plan.DNSHost
		}
	}
	return names, exps
}

// Check checks every domain against its expectation: the third stage.
// The 'check' command checks long lists through checks.StreamAll with
// Expect instead, one domain at a time, never holding a session.
func Check(ctx context.Context, c *dnscheck.Checker, names []string, exps []dnscheck.Expectation) []dnscheck.DomainReport {
	return checks.CheckEach(ctx, c, names, exps)
}

// Checked records the reports of a check finished at at, one per domain
// (reports of domains no longer in the session are dropped).
func (s *Session) Checked(reports []dnscheck.DomainReport, at time.Time) {
	for _, r := range reports {
		if d := s.Domain(r.Domain); d != nil && !at.Before(d.CheckedAt) {
			r := r
			d.Check, d.CheckedAt = &r, at
		}
	}
}

// Reports returns the last check's report of every domain, in order; nil
// unless every domain has one.
func (s *Session) Reports() []dnscheck.DomainReport {
	if s == nil || len(s.Domains) == 0 {
		return nil
	}
	out := make([]dnscheck.DomainReport, 0, len(s.Domains))
	for _, d := range s.Domains {
		if d.Check == nil {
			return nil
		}
		out = append(out, *d.Check)
	}
	return out
}

// CheckedAt returns when the last check finished (zero: never).
func (s *Session) CheckedAt() time.Time {
	var at time.Time
	if s == nil {
		return at
	}
	for _, d := range s.Domains {
		if d.Check != nil && d.CheckedAt.After(at) {
			at = d.CheckedAt
		}
	}
	return at
}

// Changed records that the wizard changed DNS at at (the demo's publish
// keys): every read before it is older than DNS, and messages verified
// before it are marked older.
func (s *Session) Changed(at time.Time) {
	if at.After(s.ChangedAt) {
		s.ChangedAt = at
	}
}

// AddFile records a file written (replacing the entry of the same path).
func (s *Session) AddFile(f SavedFile) {
	for i, old := range s.Files {
		if old.Path == f.Path {
			s.Files[i] = f
			return
		}
	}
	s.Files = append(s.Files, f)
}

// MaxMessages bounds the messages a session keeps (the newest).
const MaxMessages = 20

// AddMessage records a message verified.
func (s *Session) AddMessage(m Message) {
	s.Messages = append(s.Messages, m)
	if len(s.Messages) > MaxMessages {
		s.Messages = s.Messages[len(s.Messages)-MaxMessages:]
	}
}
