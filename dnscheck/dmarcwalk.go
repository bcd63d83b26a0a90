package dnscheck

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/miekg/dns"
)

// The DMARC DNS tree walk of RFC 9989 §4.10, which replaced the Public
// Suffix List of RFC 7489: the policy that applies to a domain and the
// domain's organisational domain are both found by asking _dmarc names from
// the domain up towards its top-level domain. docs/dmarc.md describes it.

// MaxDMARCWalkQueries bounds the tree walk: a name of eight labels or more
// is asked, then cut straight to its last seven labels, so no walk asks
// more than eight names (RFC 9989 §4.10).
const MaxDMARCWalkQueries = 8

// walkSkipTo is how many labels a long name is cut to after its own
// question (RFC 9989 §4.10).
const walkSkipTo = 7

// Sources of the DMARC policy that applies to a domain, besides
// DMARCSourceDomain and DMARCSourceOrganizational.
const (
	// DMARCSourcePSD: neither the domain nor its organisational domain
	// publishes a record, and a public-suffix domain above it does, with
	// psd=y (RFC 9989 §4.10.1).
	DMARCSourcePSD = "psd"
)

// ErrDMARCWalk is wrapped by the error OrgDomainWalk returns when DNS
// could not answer a question the organisational domain depends on.
var ErrDMARCWalk = errors.New("dnscheck: DMARC tree walk")

// DMARCWalkNames returns the domains whose _dmarc names the tree walk from
// domain asks, in order: domain itself, then, for a domain of eight labels
// or more, its last seven labels, then one label fewer each time down to
// the top-level domain. At most MaxDMARCWalkQueries names; none for an
// empty name.
func DMARCWalkNames(domain string) []string {
	d := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(domain), "."))
	if d == "" {
		return nil
	}
	labels := strings.Split(d, ".")
	var out []string
	for len(labels) > 0 {
		out = append(out, strings.Join(labels, "."))
		if len(labels) > walkSkipTo {
			labels = labels[len(labels)-walkSkipTo:]
		} else {
			labels = labels[1:]
		}
	}
	return out
}

// DMARCWalkStep is one name the tree walk read.
type DMARCWalkStep struct {
	// Domain is the name under _dmarc (no trailing dot).
	Domain string
	// Response is the answer for _dmarc.<Domain> TXT.
	Response Response
	// Records are the DMARC records in it (IsDMARC), in DNS order.
	Records []string
	// PSD is the psd= tag of the one record there: "y", "n", or "" (u, or
	// none, or not exactly one record).
	PSD string
}

// Found reports whether the step holds exactly one DMARC record: several
// are discarded by receivers, as if there were none (RFC 9989 §4.10).
func (s DMARCWalkStep) Found() bool { return len(s.Records) == 1 }

// DMARCWalk is the outcome of the tree walk from one domain.
type DMARCWalk struct {
	// Domain is the domain the walk started from (lower case, no dot).
	Domain string
	// Steps are the names read, in walk order, up to the one where the
	// walk stopped (a psd=y or psd=n record, DNS trouble, or the top).
	Steps []DMARCWalkStep
	// Trouble is the index in Steps of the lookup that failed and ended
	// the walk, or -1.
	Trouble int
	// OrgDomain is the organisational domain (RFC 9989 §4.10.2): the
	// domain of a psd=n record; one label below a psd=y record; else the
	// domain with the fewest labels that has a record; else Domain. ""
	// when DNS trouble left it unknown.
	OrgDomain string
	// Policy is the index in Steps of the record that applies to Domain
	// (RFC 9989 §4.10.1): its own; else the organisational domain's; else
	// a psd=y record's. -1 when none applies or it is unknown.
	Policy int
	// Source says whose the record at Policy is: DMARCSourceDomain,
	// DMARCSourceOrganizational or DMARCSourcePSD; "" when Policy is -1.
	Source string
}

// PolicyStep returns the step whose record applies, and whether there is
// one.
func (w DMARCWalk) PolicyStep() (DMARCWalkStep, bool) {
	if w.Policy < 0 {
		return DMARCWalkStep{}, false
	}
	return w.Steps[w.Policy], true
}

// TroubleStep returns the step whose lookup failed, and whether one did.
func (w DMARCWalk) TroubleStep() (DMARCWalkStep, bool) {
	if w.Trouble < 0 {
		return DMARCWalkStep{}, false
	}
	return w.Steps[w.Trouble], true
}

// Step returns the step for domain, and whether the walk read it.
func (w DMARCWalk) Step(domain string) (DMARCWalkStep, bool) {
	for _, s := range w.Steps {
		if s.Domain == domain {
			return s, true
		}
	}
	return DMARCWalkStep{}, false
}

// WalkDMARC performs the tree walk from domain through q (RFC 9989 §4.10).
// The names of DMARCWalkNames are asked at once, so the walk costs one
// round trip however long it is; their answers are then read in walk
// order, and an answer past the point where the walk stops is not used.
// Ask through the same Lookup as the other checks: a name is then sent
// once however many walks need it.
func WalkDMARC(ctx context.Context, q Querier, domain string) DMARCWalk {
	names := DMARCWalkNames(domain)
	resps := make([]Response, len(names))
	var wg sync.WaitGroup
	for i, n := range names {
		wg.Go(func() { resps[i] = q.Query(ctx, "_dmarc."+n+".", dns.TypeTXT) })
	}
	wg.Wait()
	w := DMARCWalk{Trouble: -1, Policy: -1}
	if len(names) > 0 {
		w.Domain = names[0]
	}
	var found []int // indexes in w.Steps of the steps with one record
	for i, n := range names {
		step := DMARCWalkStep{Domain: n, Response: resps[i]}
		for _, t := range resps[i].TXT() {
			if IsDMARC(t) {
				step.Records = append(step.Records, t)
			}
		}
		if step.Found() {
			step.PSD = dmarcPSD(step.Records[0])
		}
		w.Steps = append(w.Steps, step)
		if resps[i].Status.Trouble() {
			w.Trouble = i
			break
		}
		if step.Found() {
			found = append(found, i)
			if step.PSD != "" {
				break
			}
		}
	}
	own := len(found) > 0 && found[0] == 0
	if w.Trouble >= 0 {
		// What lies above the failed name is unknown: the domain's own
		// record still applies, but nothing else can be said.
		if own {
			w.Policy, w.Source = 0, DMARCSourceDomain
		}
		return w
	}
	w.OrgDomain = w.Domain
	for _, i := range found {
		s := w.Steps[i]
		if s.PSD == "n" {
			w.OrgDomain = s.Domain
			break
		}
		if s.PSD == "y" && s.Domain != w.Domain {
			w.OrgDomain = lastLabels(w.Domain, labelCount(s.Domain)+1)
			break
		}
		w.OrgDomain = s.Domain // the fewest labels so far
	}
	switch {
	case own:
		w.Policy, w.Source = 0, DMARCSourceDomain
	default:
		for _, i := range found {
			if w.Steps[i].Domain == w.OrgDomain {
				w.Policy, w.Source = i, DMARCSourceOrganizational
			}
		}
		if w.Policy < 0 && len(found) > 0 && w.Steps[found[len(found)-1]].PSD == "y" {
			w.Policy, w.Source = found[len(found)-1], DMARCSourcePSD
		}
	}
	return w
}

// OrgDomainWalk returns the organisational domain of domain as the tree
// walk finds it (RFC 9989 §4.10.2), asking through q. The error wraps
// ErrDMARCWalk when DNS could not answer a name the answer depends on.
func OrgDomainWalk(ctx context.Context, q Querier, domain string) (string, error) {
	w := WalkDMARC(ctx, q, domain)
	if s, bad := w.TroubleStep(); bad {
		return "", fmt.Errorf("%w: _dmarc.%s: %s", ErrDMARCWalk, s.Domain, s.Response.Reason())
	}
	return w.OrgDomain, nil
}

// dmarcPSD returns the psd= tag of a DMARC record, lower case: "y" or "n",
// or "" for u, no tag, or a value that is neither.
func dmarcPSD(rec string) string {
	v := strings.ToLower(dmarcTagValue(rec, "psd"))
	if v == "y" || v == "n" {
		return v
	}
	return ""
}

// dmarcTagValue returns the value of the first tag called name in a DMARC
// record (tag names without case), trimmed; "" when there is none.
func dmarcTagValue(rec, name string) string {
	for spec := range strings.SplitSeq(rec, ";") {
		k, v, ok := strings.Cut(spec, "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func labelCount(d string) int { return strings.Count(d, ".") + 1 }

// lastLabels returns the last n labels of d (all of them when it has
// fewer).
func lastLabels(d string, n int) string {
	labels := strings.Split(d, ".")
	if n >= len(labels) {
		return d
	}
	return strings.Join(labels[len(labels)-n:], ".")
}
