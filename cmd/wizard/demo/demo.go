// Package demo is the simulated Internet behind `wizard demo`: the
// platform's zone, the mail providers' zones and the person's own domain,
// served by in-process DNS servers ([dnstest]) on the loopback interface,
// so the whole wizard runs unchanged without a packet leaving the machine.
//
// A [World] runs three servers:
//
//   - the Resolver answers whatever a recursive resolver would: the
//     platform's records (its SPF include and DKIM key), Microsoft 365's
//     SPF record and MX hosts, and the person's domains as a resolver sees
//     them, that is with changes arriving only after [World.ResolverLag]
//     (the time its cache holds the old answers);
//   - NS1 and NS2 are the authoritative servers of the person's domains,
//     ns1.<domain> and ns2.<domain>. NS1 is the primary: a change is there
//     at once. NS2 is a secondary that catches up after [World.Lag].
//
// [World.Prepare] sets a domain up as a typical organisation has it before
// the change (Microsoft 365 for mail, no DKIM CNAME, DMARC p=none), and
// [World.Publish] and [World.PublishMistake] play the IT department that
// publishes the records the wizard shows: correctly, or with one of the
// classic mistakes, so the person sees the diagnosis and then the fix.
//
// Every name the platform owns comes from its platform file
// (assets.Platform), so `wizard demo --platform FILE` shows another
// platform's world.
package demo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// Default delays of a new World.
const (
	// DefaultLag is how long the secondary server ns2 takes to serve a
	// published change: long enough for the person to see "ns2 has not
	// caught up yet", short enough to watch it clear.
	DefaultLag = 6 * time.Second
	// DefaultResolverLag is how long the simulated resolver keeps serving
	// the old answers after a change is published.
	DefaultResolverLag = 12 * time.Second
)

// QueryTimeout bounds one query from the clients the World hands out
// ([World.Checker], [World.Querier]): every server is on loopback, so an
// answer that takes longer is not coming.
const QueryTimeout = time.Second

// ErrClosed is returned by the methods of a World that has been closed.
var ErrClosed = errors.New("demo: the simulated world is closed")

// World is a simulated Internet: the platform's zone, the mail providers'
// zones, and the person's domain with two authoritative servers. Create it
// with [Start] and stop it with [World.Close]. Its methods are safe for
// concurrent use.
type World struct {
	// Lag is how long after a publication the second authoritative server
	// (ns2) serves it; the first (ns1) serves it at once. Zero or less
	// publishes on both at once. Set it before the first Publish.
	Lag time.Duration
	// ResolverLag is how long after a publication the Resolver serves it,
	// as a resolver whose cache still holds the old answers would. It also
	// sets the TTL of the records of domains prepared afterwards (rounded
	// up to whole seconds), so the cache time the check reports is the
	// real one. Zero or less publishes on the Resolver at once. Set it
	// before the first Prepare.
	ResolverLag time.Duration

	platform *assets.Platform
	resolver *dnstest.Server
	ns1      *dnstest.Server
	ns2      *dnstest.Server
	apexes   []string // zones of the platform and the providers

	mu      sync.Mutex
	closed  bool
	domains map[string]*domainState // prepared domains
	// orgs are the organisational domains the Resolver serves for the
	// prepared subdomains: central IT's zones, with its DMARC policy.
	orgs map[string]bool
	// provided are the zones served for includes the person typed
	// (provideIncludes), in the order they were first published.
	provided []string
	// spfMistakeNext is set when the next PublishMistake makes the SPF
	// mistake (the DKIM one was last).
	spfMistakeNext bool
	seq            uint64      // last change number
	lagging        [2]*replica // ns2, then the Resolver
	timers         map[*time.Timer]struct{}
	closeOnce      sync.Once
	closeErr       error

	// afterFunc is time.AfterFunc; a test replaces it to apply a lagging
	// change when it chooses instead of when a clock says.
	afterFunc func(time.Duration, func()) *time.Timer
}

// domainState is what the World remembers of a prepared domain.
type domainState struct {
	ttl    uint32 // TTL of its records
	serial uint32 // SOA serial on ns1
}

// replica is a server that receives published changes after a delay, in
// the order they were published.
type replica struct {
	name    string
	srv     *dnstest.Server
	pending []change
}

// change is one publication waiting for a replica.
type change struct {
	seq uint64
	ops []op
}

// Start starts the simulated world for platform p (nil: the embedded
// default platform): three DNS servers on 127.0.0.1. The Resolver answers
// everything — the platform's zone, the providers' zones, and the person's
// domains as a resolver would see them; NS1 and NS2 are authoritative for
// the person's domains, which [World.Prepare] adds.
func Start(p *assets.Platform) (*World, error) {
	if p == nil {
		p = assets.DefaultPlatform()
	}
	text, apexes := worldZones(p)
	w := &World{
		Lag:         DefaultLag,
		ResolverLag: DefaultResolverLag,
		platform:    p,
		apexes:      apexes,
		domains:     map[string]*domainState{},
		orgs:        map[string]bool{},
		timers:      map[*time.Timer]struct{}{},
		afterFunc:   time.AfterFunc,
	}
	var err error
	if w.resolver, err = dnstest.Start(text); err != nil {
		return nil, fmt.Errorf("demo: start the resolver: %w", err)
	}
	if w.ns1, err = dnstest.Start(); err != nil {
		_ = w.resolver.Close()
		return nil, fmt.Errorf("demo: start ns1: %w", err)
	}
	if w.ns2, err = dnstest.Start(); err != nil {
		_ = w.resolver.Close()
		_ = w.ns1.Close()
		return nil, fmt.Errorf("demo: start ns2: %w", err)
	}
	w.lagging = [2]*replica{{name: "ns2", srv: w.ns2}, {name: "resolver", srv: w.resolver}}
	return w, nil
}

// Close cancels the publications still pending and stops the three
// servers. It is idempotent: later calls return the first call's result.
func (w *World) Close() error {
	w.closeOnce.Do(func() {
		w.mu.Lock()
		w.closed = true
		for t := range w.timers {
			t.Stop()
		}
		clear(w.timers)
		for _, r := range w.lagging {
			r.pending = nil
		}
		w.mu.Unlock()
		w.closeErr = errors.Join(w.resolver.Close(), w.ns1.Close(), w.ns2.Close())
	})
	return w.closeErr
}

// SetFault makes the three servers answer questions for name with fault
// f (SERVFAIL, a refusal, silence…; see dnstest.Fault), to show how the
// wizard speaks of DNS trouble. ClearFault undoes it.
func (w *World) SetFault(name string, f dnstest.Fault) {
	for _, s := range []*dnstest.Server{w.resolver, w.ns1, w.ns2} {
		s.SetFault(name, f)
	}
}

// ClearFault removes the faults SetFault set for name.
func (w *World) ClearFault(name string) {
	for _, s := range []*dnstest.Server{w.resolver, w.ns1, w.ns2} {
		s.ClearFault(name)
	}
}

// Platform returns the platform the world was started for.
func (w *World) Platform() *assets.Platform { return w.platform }

// ResolverAddr returns the Resolver's address, "127.0.0.1:PORT" (UDP and
// TCP): what `wizard demo --serve-only` prints and `wizard check
// --dns-server ADDR` takes.
func (w *World) ResolverAddr() string { return w.resolver.Addr() }

// Querier returns a client of the Resolver, for discovery: it sees the
// person's domains as a resolver does, changes arriving after ResolverLag.
func (w *World) Querier() dnscheck.Querier {
	return dnscheck.NewClient(dnscheck.WithServers(w.resolver.Addr()), dnscheck.WithTimeout(QueryTimeout))
}

// Checker returns a checker in authoritative mode, as `wizard check` runs
// without --dns-server: it finds a prepared domain's name servers
// ns1.<domain> and ns2.<domain> through the Resolver and asks NS1 and NS2
// directly (ResolveNS maps those names to their loopback addresses and
// every other name to none, so nothing leaves the machine).
func (w *World) Checker() *dnscheck.Checker {
	return &dnscheck.Checker{
		Resolver:  w.Querier(),
		ResolveNS: w.resolveNS,
		Timeout:   QueryTimeout,
	}
}

// resolveNS is the Checker's dnscheck.NSResolver.
func (w *World) resolveNS(_ context.Context, host string) []string {
	host = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(host), "."))
	label, domain, ok := strings.Cut(host, ".")
	if !ok {
		return nil
	}
	w.mu.Lock()
	_, prepared := w.domains[domain]
	w.mu.Unlock()
	if !prepared {
		return nil
	}
	switch label {
	case "ns1":
		return []string{w.ns1.Addr()}
	case "ns2":
		return []string{w.ns2.Addr()}
	}
	return nil
}

// Prepare sets up domain (any valid name the person types, in any case,
// with or without a trailing dot) as a typical organisation has it before
// the change: MX for Microsoft 365
// (<domain with hyphens for dots>.mail.protection.outlook.com, with its A
// records), SPF "v=spf1 include:spf.protection.outlook.com -all" beside a
// Microsoft verification TXT, no DKIM CNAME, DMARC "v=DMARC1; p=none", NS
// ns1.<domain> and ns2.<domain> with A records, and an SOA. It is served
// at once by all three servers.
//
// Prepare is idempotent: a second call for the same domain changes
// nothing, so what was published since stays (resuming works). A domain
// inside, equal to or above a zone of the simulated world (the platform's,
// Microsoft's) is refused.
func (w *World) Prepare(domain string) error {
	d, err := normalizeDomain(domain)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrClosed
	}
	if _, ok := w.domains[d]; ok {
		return nil
	}
	for _, apex := range w.apexes {
		if d == apex || strings.HasSuffix(d, "."+apex) || strings.HasSuffix(apex, "."+d) {
			return fmt.Errorf("demo: %s overlaps %s, which the simulated world already serves; try a domain of your own, such as yourcenter.edu", d, apex)
		}
	}
	if w.orgs[d] {
		return fmt.Errorf("demo: the simulated world already serves %s as the organisation of a subdomain; try a domain of your own, such as yourcenter.edu", d)
	}
	org := dnscheck.OrgDomain(d)
	sub := org != "" && org != d
	if sub && !w.orgs[org] && w.domains[org] == nil {
		// A subdomain: its organisation's zone, run by central IT, is
		// out of the person's hands and known only to the Resolver.
		if err := w.resolver.AddZone(zoneText(orgRecords(org, zoneTTL(w.ResolverLag)))); err != nil {
			return fmt.Errorf("demo: prepare %s: %w", d, err)
		}
		w.orgs[org] = true
	}
	st := &domainState{ttl: zoneTTL(w.ResolverLag), serial: 1}
	text := zoneText(domainRecords(d, st.serial, st.ttl, !sub))
	for _, s := range []*dnstest.Server{w.ns1, w.ns2, w.resolver} {
		if err := s.AddZone(text); err != nil {
			return fmt.Errorf("demo: prepare %s: %w", d, err)
		}
	}
	if err := w.resolver.AddZone(zoneText(mxHostRecords(d))); err != nil {
		return fmt.Errorf("demo: prepare %s: %w", d, err)
	}
	w.domains[d] = st
	return nil
}

// schedule queues ops for replica r, to be applied after delay (at once
// when delay is not positive), after every change queued before them.
// w.mu must be held.
func (w *World) schedule(r *replica, ops []op, delay time.Duration) {
	w.seq++
	seq := w.seq
	r.pending = append(r.pending, change{seq: seq, ops: ops})
	if delay <= 0 {
		w.flush(r, seq)
		return
	}
	var t *time.Timer
	t = w.afterFunc(delay, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		delete(w.timers, t) // t is set: Publish held w.mu until it was
		if w.closed {
			return
		}
		w.flush(r, seq)
	})
	w.timers[t] = struct{}{}
}

// flush applies r's pending changes up to number seq, oldest first, so a
// replica never applies a later change before an earlier one. w.mu must be
// held.
func (w *World) flush(r *replica, seq uint64) {
	for len(r.pending) > 0 && r.pending[0].seq <= seq {
		// The ops were applied to ns1 already: they cannot fail here.
		_ = applyOps(r.srv, r.pending[0].ops)
		r.pending = r.pending[1:]
	}
}
