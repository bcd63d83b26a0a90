package plan

import (
	"slices"
	"strings"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
)

// A person may choose a provider, have the records published, and then
// go back and choose another. The record as read then holds the include
// added for the first choice, which no one uses: merged over it, the new
// record would keep authorising a provider the person said is not theirs
// (and, in the demo, Google's include kept after going back to Microsoft
// 365). Options.Earlier and Options.FirstSPF let the plan take such terms
// out again; see docs/demo.md.

// staleTerms returns the SPF terms of the providers chosen earlier in the
// run (opt.Earlier) that the plan takes out of the record as read: those
// that are neither the current provider's nor the platform's, and that
// the record as first read (opt.FirstSPF) did not hold — the run added
// them. Without a first read nothing is taken out.
func staleTerms(opt Options, current assets.Provider, platformTerms []string) (terms []string, from []string) {
	if opt.FirstSPF == nil {
		return nil, nil
	}
	keep := append(slices.Clone(current.SPFTerms()), platformTerms...)
	for _, p := range opt.Earlier {
		var mine bool
		for _, t := range p.SPFTerms() {
			if containsTerm(keep, t) || containsTerm(terms, t) || recordsHold(opt.FirstSPF, t) {
				continue
			}
			terms, mine = append(terms, t), true
		}
		if mine && !slices.Contains(from, p.Name) {
			from = append(from, p.Name)
		}
	}
	return terms, from
}

// withoutTerms returns records with every term of drop taken out (with an
// explicit + qualifier too; case does not matter), and the terms that
// were found and taken out.
func withoutTerms(records, drop []string) (out, removed []string) {
	if len(drop) == 0 {
		return records, nil
	}
	for _, r := range records {
		fields := strings.Fields(r)
		kept := fields[:0:0]
		for _, f := range fields {
			if t := strings.TrimPrefix(f, "+"); containsTerm(drop, t) {
				if !containsTerm(removed, t) {
					removed = append(removed, strings.ToLower(t))
				}
				continue
			}
			kept = append(kept, f)
		}
		out = append(out, strings.Join(kept, " "))
	}
	return out, removed
}

// recordsHold reports whether one of the SPF records holds term.
func recordsHold(records []string, term string) bool {
	for _, r := range records {
		if !dnscheck.IsSPF(r) {
			continue
		}
		for _, f := range strings.Fields(r) {
			if strings.EqualFold(strings.TrimPrefix(f, "+"), term) {
				return true
			}
		}
	}
	return false
}

// containsTerm reports whether list holds term, ignoring case.
func containsTerm(list []string, term string) bool {
	return slices.ContainsFunc(list, func(t string) bool { return strings.EqualFold(t, term) })
}
