package dnscheck

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/miekg/dns"
)

// SPF evaluation limits (RFC 7208 §4.6.4).
const (
	MaxSPFLookups     = 10 // DNS-querying terms across the whole include tree
	MaxSPFVoidLookups = 2  // lookups that returned nothing
	// maxSPFWalk bounds the walk itself so that a hostile tree costs little:
	// past this many DNS-querying terms nothing more is fetched.
	maxSPFWalk  = 40
	maxSPFDepth = 12
	// maxSPFMX is how many MX hosts an mx term may have (RFC 7208
	// §4.6.4): more is permerror.
	maxSPFMX = 10
)

// SPFNode is one SPF record in an include / redirect tree.
type SPFNode struct {
	Domain string     // whose record this is
	Via    string     // the term that led here ("" for the root)
	Record *SPFRecord // nil when there is no usable record
	// Lookups counts the DNS-querying terms of this record and everything
	// below it.
	Lookups  int
	Children []*SPFNode
	// Error says why the record could not be followed: no SPF record,
	// several, a syntax error, a loop, DNS trouble.
	Error string
	// Trouble is the DNS failure behind Error, if any.
	Trouble *Response
	// Cause says, in one word, why the record could not be followed
	// (one of the SPFCause constants); "" when it was.
	Cause string
}

// Why an include or redirect target could not be followed (SPFNode.Cause).
// Each of them makes a receiver stop with permerror when it reaches the
// term (RFC 7208 §5.2, §6.1, §4.6.4), except SPFCauseTrouble (temperror).
const (
	SPFCauseNoDomain = "no-domain" // the target does not exist (NXDOMAIN)
	SPFCauseNoSPF    = "no-spf"    // the target exists but publishes no SPF record
	SPFCauseMultiple = "multiple"  // the target publishes several SPF records
	SPFCauseSyntax   = "syntax"    // the target's SPF record does not parse
	SPFCauseLoop     = "loop"      // the target is already on the path: it includes itself
	SPFCauseTooDeep  = "too-deep"  // the tree is deeper than any receiver follows
	SPFCauseTrouble  = "trouble"   // DNS could not give the target's record
)

// Broken reports whether the node's target makes the record broken for
// receivers (permerror): it does not exist, has no SPF record, has
// several, or its record does not parse.
func (n *SPFNode) Broken() bool {
	switch n.Cause {
	case SPFCauseNoDomain, SPFCauseNoSPF, SPFCauseMultiple, SPFCauseSyntax:
		return true
	}
	return false
}

// SPFWalk is the static analysis of a domain's SPF include / redirect tree.
type SPFWalk struct {
	Root        *SPFNode
	Lookups     int      // DNS-querying terms across the tree
	VoidLookups int      // lookups that found nothing
	VoidTerms   []string // the terms whose lookups found nothing, as "domain: term"
	Loops       []string // include / redirect chains that come back on themselves
	Truncated   bool     // the walk stopped early (too many lookups or too deep)
	// ManyMX lists the mx terms whose domain has more than 10 MX hosts
	// (receivers fail the record on them, RFC 7208 §4.6.4), as
	// "domain: term (N mail servers)".
	ManyMX []string
}

// IncludeCosts returns, for each DNS-querying term of the root record, the
// lookups it costs (itself and its subtree), in record order.
func (w SPFWalk) IncludeCosts() []IncludeCost {
	if w.Root == nil || w.Root.Record == nil {
		return nil
	}
	var out []IncludeCost
	children := map[string]*SPFNode{}
	for _, c := range w.Root.Children {
		children[c.Via] = c
	}
	for i, t := range w.Root.Record.Terms {
		if !t.QueriesDNS() || !reachable(w.Root.Record, i) {
			continue
		}
		cost := 1
		if c, ok := children[t.Raw]; ok {
			cost += c.Lookups
		}
		out = append(out, IncludeCost{Term: t.Raw, Lookups: cost})
	}
	return out
}

// IncludeCost is what one term of the root record costs in DNS lookups.
type IncludeCost struct {
	Term    string
	Lookups int
}

// WalkSPF follows rec (the SPF record of domain) through its includes and
// redirect, fetching every record it needs through q, siblings concurrently.
// It counts lookups and void lookups the way a receiver would, and finds
// loops. a, mx and exists targets are fetched too, so that an evaluation
// that follows through the same cache costs no further queries.
func WalkSPF(ctx context.Context, q Querier, domain string, rec *SPFRecord) SPFWalk {
	w := &spfWalker{q: q}
	root := &SPFNode{Domain: canonical(domain), Record: rec}
	w.walk(ctx, root, []string{root.Domain}, 0)
	return SPFWalk{Root: root, Lookups: root.Lookups, VoidLookups: w.voids,
		VoidTerms: w.voidTerms, Loops: w.loops, Truncated: w.truncated, ManyMX: w.manyMX}
}

type spfWalker struct {
	q         Querier
	mu        sync.Mutex
	fetched   int
	voids     int
	voidTerms []string
	loops     []string
	truncated bool
	manyMX    []string
}

// budget takes one lookup from the walk's allowance.
func (w *spfWalker) budget() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fetched >= maxSPFWalk {
		w.truncated = true
		return false
	}
	w.fetched++
	return true
}

func (w *spfWalker) void(domain, term string) {
	w.mu.Lock()
	w.voids++
	w.voidTerms = append(w.voidTerms, strings.TrimSuffix(domain, ".")+": "+term)
	w.mu.Unlock()
}

func (w *spfWalker) walk(ctx context.Context, n *SPFNode, path []string, depth int) {
	if n.Record == nil {
		return
	}
	terms := n.Record.Terms
	children := make([]*SPFNode, len(terms))
	var wg sync.WaitGroup
	for i, t := range terms {
		if !t.QueriesDNS() || !reachable(n.Record, i) {
			continue
		}
		n.Lookups++
		if strings.Contains(t.Value, "%") || t.Mechanism == MechPTR || !w.budget() {
			continue // macros and ptr depend on the sender; nothing to fetch
		}
		wg.Add(1)
		go func(i int, t SPFTerm) {
			defer wg.Done()
			target := t.Value
			if target == "" {
				target = n.Domain
			}
			switch {
			case t.Mechanism == MechInclude || t.Modifier == ModRedirect:
				children[i] = w.child(ctx, n.Domain, t, target, path, depth)
			case t.Mechanism == MechA:
				w.addresses(ctx, n.Domain, t, target, dns.TypeA, dns.TypeAAAA)
			case t.Mechanism == MechExists:
				w.addresses(ctx, n.Domain, t, target, dns.TypeA) // exists asks only A (RFC 7208 §5.7)
			case t.Mechanism == MechMX:
				w.mx(ctx, n.Domain, t, target)
			}
		}(i, t)
	}
	wg.Wait()
	for _, c := range children {
		if c != nil {
			n.Children = append(n.Children, c)
			n.Lookups += c.Lookups
		}
	}
}

func (w *spfWalker) child(ctx context.Context, from string, t SPFTerm, target string, path []string, depth int) *SPFNode {
	target = canonical(target)
	c := &SPFNode{Domain: target, Via: t.Raw}
	for _, p := range path {
		if p == target {
			loop := strings.Join(trimDots(append(path, target)), " → ")
			c.Error, c.Cause = "loop: "+loop, SPFCauseLoop
			w.mu.Lock()
			w.loops = append(w.loops, loop)
			w.mu.Unlock()
			return c
		}
	}
	if depth >= maxSPFDepth {
		c.Error, c.Cause = "the include tree is too deep", SPFCauseTooDeep
		w.mu.Lock()
		w.truncated = true
		w.mu.Unlock()
		return c
	}
	resp := w.q.Query(ctx, target, dns.TypeTXT)
	rec, err := SelectSPF(resp)
	switch {
	case resp.Status.Trouble():
		c.Error = fmt.Sprintf("%s could not be looked up (%s)", strings.TrimSuffix(target, "."), resp.Status)
		c.Trouble, c.Cause = &resp, SPFCauseTrouble
		return c
	case resp.Status == StatusNXDomain:
		w.void(from, t.Raw)
		c.Error, c.Cause = strings.TrimSuffix(target, ".")+" does not exist", SPFCauseNoDomain
		return c
	case resp.Status.Absent():
		w.void(from, t.Raw)
		c.Error, c.Cause = strings.TrimSuffix(target, ".")+" has no SPF record (no TXT records at all)", SPFCauseNoSPF
		return c
	case err != nil:
		c.Error, c.Cause = err.Error(), SPFCauseMultiple
		if errors.As(err, new(*SPFSyntaxError)) {
			c.Cause = SPFCauseSyntax
		}
		return c
	case rec == nil: // RFC 7208 §5.2, §6.1: permerror
		c.Error, c.Cause = strings.TrimSuffix(target, ".")+" has no SPF record", SPFCauseNoSPF
		return c
	}
	c.Record = rec
	w.walk(ctx, c, append(path[:len(path):len(path)], target), depth+1)
	return c
}

func (w *spfWalker) addresses(ctx context.Context, from string, t SPFTerm, target string, qtypes ...uint16) {
	var wg sync.WaitGroup
	results := make([]Response, len(qtypes))
	for i, qt := range qtypes {
		wg.Add(1)
		go func() { defer wg.Done(); results[i] = w.q.Query(ctx, target, qt) }()
	}
	wg.Wait()
	// RFC 7208 §4.6.4: a lookup is void when it returns no records; for
	// "a" a receiver asks only one address family, so both must be empty.
	for _, r := range results {
		if !r.Status.Absent() {
			return
		}
	}
	w.void(from, t.Raw)
}

// reachable reports whether a receiver can ever evaluate term i of rec:
// mechanisms after the first "all" are never tested (RFC 7208 §5.1), and
// redirect is ignored when the record has an "all" (§6.1). Such terms cost
// no lookup and are not fetched.
func reachable(rec *SPFRecord, i int) bool {
	all := rec.All()
	if all < 0 {
		return true
	}
	t := rec.Terms[i]
	if t.Modifier == ModRedirect {
		return false
	}
	return i <= all || !t.IsDirective()
}

func (w *spfWalker) mx(ctx context.Context, from string, t SPFTerm, target string) {
	resp := w.q.Query(ctx, target, dns.TypeMX)
	if resp.Status.Absent() {
		w.void(from, t.Raw)
		return
	}
	if n := len(resp.Records()); n > maxSPFMX {
		w.mu.Lock()
		w.manyMX = append(w.manyMX, fmt.Sprintf("%s: %s (%d mail servers)", strings.TrimSuffix(from, "."), t.Raw, n))
		w.mu.Unlock()
	}
	var wg sync.WaitGroup
	for i, rr := range resp.Records() {
		if i >= maxSPFMX { // RFC 7208 §4.6.4: at most ten MX names are looked up
			break
		}
		host := rr.(*dns.MX).Mx
		for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
			wg.Add(1)
			go func() { defer wg.Done(); w.q.Query(ctx, host, qt) }()
		}
	}
	wg.Wait()
}

// spfTexts returns the TXT values of resp that are SPF records.
func spfTexts(resp Response) []string {
	var found []string
	for _, txt := range resp.TXT() {
		if IsSPF(txt) {
			found = append(found, txt)
		}
	}
	return found
}

// SelectSPF picks the SPF record out of a TXT answer. It returns nil and no
// error when there is none, and an error when there are several or the one
// there does not parse (the record is returned with the error when it could
// be split into terms).
func SelectSPF(resp Response) (*SPFRecord, error) {
	found := spfTexts(resp)
	switch len(found) {
	case 0:
		for _, txt := range resp.TXT() {
			if LooksLikeSPF(txt) {
				return nil, &SPFSyntaxError{Reason: fmt.Sprintf("%q looks like an SPF record but does not start with \"v=spf1 \"", txt)}
			}
		}
		return nil, nil
	case 1:
		return ParseSPF(found[0])
	}
	return nil, fmt.Errorf("%s has %d SPF records; receivers treat that as an error (RFC 7208 §4.5)", strings.TrimSuffix(resp.Name, "."), len(found))
}

func trimDots(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strings.TrimSuffix(n, ".")
	}
	return out
}
