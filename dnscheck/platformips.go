package dnscheck

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/dnscheck/spfsyntax"
)

// Where the platform's addresses of a run came from (PlatformIPs.Source).
const (
	// PlatformIPsLive: read at this run from the platform's SPF include.
	PlatformIPsLive = "live"
	// PlatformIPsCatalog: the platform file's list, because the include
	// could not be read (or no live reading was asked for).
	PlatformIPsCatalog = "catalog"
)

// MaxPlatformNetworks bounds how many networks of the platform's include a
// check evaluates (one check_host per network and domain): an include
// listing more is cut to its first MaxPlatformNetworks, and the cut is
// said in PlatformIPs.Reason.
const MaxPlatformNetworks = 32

// PlatformIPs is the set of the platform's sending networks that the
// checks of one run evaluate SPF for, and where it came from. It is the
// "platform_ips" object of 'wizard check --json'.
type PlatformIPs struct {
	Source   string         `json:"source"`            // PlatformIPsLive or PlatformIPsCatalog
	Include  string         `json:"include,omitempty"` // the include read (or that could not be read)
	Networks []netip.Prefix `json:"networks"`          // the networks evaluated, one address of each
	// Reason says why the catalog's list was used, or, for a live set,
	// what was left out of it; empty when there is nothing to say.
	Reason string `json:"reason,omitempty"`
}

// Live reports whether the networks were read from DNS at this run.
func (p PlatformIPs) Live() bool { return p.Source == PlatformIPsLive }

// ExpandPlatformIPs reads the platform's SPF include through q and returns
// the ip4 and ip6 networks it authorises (qualifier +, reachable under RFC
// 7208 §5.1 and §6.1), following its own includes and redirect within the
// limits of RFC 7208 §4.6.4. a, mx and exists terms are not expanded.
//
// When the include cannot be used — DNS trouble, no such name, no SPF
// record, a broken record or tree, over the lookup limits, or no address
// at all — it returns the catalog's networks with Source
// PlatformIPsCatalog and Reason saying why: never a partial live set.
func ExpandPlatformIPs(ctx context.Context, q Querier, include string, catalog []netip.Prefix) PlatformIPs {
	include = trimDot(canonical(include))
	fallback := func(reason string) PlatformIPs {
		return PlatformIPs{Source: PlatformIPsCatalog, Include: include, Networks: slices.Clone(catalog), Reason: reason}
	}
	if include == "" {
		return fallback("the platform file names no SPF include to read")
	}
	resp := q.Query(ctx, include, dns.TypeTXT)
	switch {
	case resp.Status.Trouble():
		return fallback(fmt.Sprintf("DNS could not give %s: %s", include, troubleReason(resp)))
	case resp.Status.Absent():
		return fallback(include + " does not exist or has no TXT records")
	}
	rec, err := SelectSPF(resp)
	switch {
	case err != nil:
		return fallback(fmt.Sprintf("the SPF record of %s is unusable: %s", include, clip(err.Error())))
	case rec == nil:
		return fallback(include + " has no SPF record")
	}
	w := WalkSPF(ctx, q, include, rec)
	if reason := unusableTree(w); reason != "" {
		return fallback(reason)
	}
	var nets []netip.Prefix
	collectNetworks(w.Root, &nets)
	if len(nets) == 0 {
		return fallback(include + " lists no ip4 or ip6 address")
	}
	set := PlatformIPs{Source: PlatformIPsLive, Include: include, Networks: nets}
	if len(nets) > MaxPlatformNetworks {
		set.Networks = nets[:MaxPlatformNetworks]
		set.Reason = fmt.Sprintf("%s lists %d networks; only the first %d are evaluated", include, len(nets), MaxPlatformNetworks)
	}
	return set
}

// unusableTree says why the include tree of the platform cannot give its
// addresses ("" when it can): a record in it could not be read, or a
// receiver would stop on it (RFC 7208 §4.6.4).
func unusableTree(w SPFWalk) string {
	if len(w.Loops) > 0 {
		return "its include tree loops (" + keptList(w.Loops, maxListed) + ")"
	}
	// Including the platform costs the include itself and its tree.
	if w.Lookups+1 > MaxSPFLookups || w.Truncated {
		return fmt.Sprintf("its include tree needs %d DNS lookups, more than receivers allow (%d)", w.Lookups+1, MaxSPFLookups)
	}
	if w.VoidLookups > MaxSPFVoidLookups {
		return fmt.Sprintf("%d lookups of its include tree find nothing (%s)", w.VoidLookups, keptList(w.VoidTerms, maxListed))
	}
	var reason string
	var visit func(n *SPFNode)
	visit = func(n *SPFNode) {
		if reason != "" {
			return
		}
		if n.Error != "" {
			reason = n.Via + ": " + clip(n.Error)
			if n.Trouble != nil {
				reason = fmt.Sprintf("DNS could not give %s (%s): %s", trimDot(n.Trouble.Name), n.Via, troubleReason(*n.Trouble))
			}
			return
		}
		for _, c := range n.Children {
			visit(c)
		}
	}
	visit(w.Root)
	return reason
}

// collectNetworks appends, in record order and without repeats, the
// networks that n's record and those it includes or redirects to pass.
func collectNetworks(n *SPFNode, out *[]netip.Prefix) {
	if n == nil || n.Record == nil {
		return
	}
	children := map[string]*SPFNode{}
	for _, c := range n.Children {
		children[c.Via] = c
	}
	for i, t := range n.Record.Terms {
		if !reachable(n.Record, i) {
			continue
		}
		switch {
		case (t.Mechanism == MechIP4 || t.Mechanism == MechIP6) && t.Qualifier == '+':
			if p := t.Prefix.Masked(); !slices.Contains(*out, p) {
				*out = append(*out, p)
			}
		case (t.Mechanism == MechInclude && t.Qualifier == '+') || t.Modifier == ModRedirect:
			collectNetworks(children[t.Raw], out)
		}
	}
}

// LivePlatformIPs is the reading of the platform's include that one run
// of checks shares (one `wizard check`, one --watch round, one poll of the
// wizard's Check step): it is read once, beside the domains' own
// lookups, and every check of the run waits for it only when it needs the
// addresses. Its answers are shared with the checks, so that no check
// asks the include's TXT record again.
type LivePlatformIPs struct {
	include string
	catalog []netip.Prefix
	lookup  *Lookup
	done    chan struct{}
	set     PlatformIPs
}

// StartPlatformIPs starts reading the platform's include through q (the
// run's resolver: --dns-server when given) and returns at once; Wait gives
// the result. ctx bounds the reading.
func StartPlatformIPs(ctx context.Context, q Querier, include string, catalog []netip.Prefix) *LivePlatformIPs {
	l := &LivePlatformIPs{include: canonical(include), catalog: catalog, lookup: NewLookup(q), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		l.set = ExpandPlatformIPs(ctx, l.lookup, include, catalog)
	}()
	return l
}

// Wait returns the platform's networks for the run, waiting for the
// reading to finish. When ctx ends first, it returns the catalog's.
func (l *LivePlatformIPs) Wait(ctx context.Context) PlatformIPs {
	select {
	case <-l.done:
		return l.set
	case <-ctx.Done():
		return PlatformIPs{Source: PlatformIPsCatalog, Include: trimDot(l.include), Networks: slices.Clone(l.catalog),
			Reason: "the check was stopped before the include was read"}
	}
}

// querier returns q with the TXT question of the platform's include
// answered by the run's reading (domain's own questions excepted, which
// stay with q). A nil l returns q.
func (l *LivePlatformIPs) querier(q Querier, domain string) Querier {
	if l == nil || l.include == "." || l.include == canonical(domain) {
		return q
	}
	return sharedInclude{l: l, next: q}
}

// sharedInclude sends the TXT question of the platform's include to the
// run's reading, every other question to next.
type sharedInclude struct {
	l    *LivePlatformIPs
	next Querier
}

func (s sharedInclude) Query(ctx context.Context, name string, qtype uint16) Response {
	if qtype == dns.TypeTXT && canonical(name) == s.l.include {
		return s.l.lookup.Query(ctx, name, qtype)
	}
	return s.next.Query(ctx, name, qtype)
}

// platformSet returns the platform's networks a check evaluates: the
// run's live reading when there is one, else the catalog's PlatformIPs.
func (e Expectation) platformSet(ctx context.Context) PlatformIPs {
	if e.Live != nil {
		return e.Live.Wait(ctx)
	}
	return PlatformIPs{Source: PlatformIPsCatalog, Include: e.SPFInclude, Networks: e.PlatformIPs}
}

// ipTerms returns the terms of ps, separated by spaces.
func ipTerms(ps []netip.Prefix) string {
	terms := make([]string, len(ps))
	for i, p := range ps {
		terms[i] = spfsyntax.AddrTerm(p)
	}
	return strings.Join(terms, " ")
}
