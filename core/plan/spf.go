package plan

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
)

// SPFMerge is the one SPF record to publish, built from what is there.
type SPFMerge struct {
	Value  string // the record to publish
	Action Action
	Notes  []string // plain sentences: what changed and why
}

// MergeSPF builds exactly one SPF record from the existing records (all the
// "v=spf1" TXT strings at the domain), adding the provider's and the
// platform's terms where missing.
//
//   - none today: provider terms, platform terms, "-all";
//   - one today: every term kept in order, the missing terms added just
//     before the "all" term (or before redirect=, or at the end), the "all"
//     qualifier kept;
//   - several today: merged into one, duplicates dropped, the first "all"
//     term last.
//
// A record that does not parse is repaired first (dnscheck.RepairSPF):
// each repair is a note starting "Repaired:", and the result replaces the
// record. Whatever the records hold, the result never lets anyone send:
// "+all" (or a bare "all") becomes "~all", and an ip4 or ip6 network as
// wide as dnscheck.SPFTerm.Permissive refuses is dropped, each with a note.
//
// A term counts as present only when it authorises: "~include:x" or
// "?include:x" gives a softfail or neutral result, so it is changed to
// "include:x" in place. Only terms before the "all" term count: a receiver
// never reads past it. A provider term that the platform's terms repeat is
// added once.
//
// platformTerms come from the platform (its include, or its ip4: list); when
// they are an include, literal platform addresses already listed
// (platformIPs) are replaced by it; when they are its addresses, a listed
// address of platformIPs that they no longer cover is taken out (the
// platform no longer sends from it). platform is the platform's name, as
// the notes people read call it.
func MergeSPF(existing, providerTerms, platformTerms []string, platformIPs []netip.Prefix, platform string) SPFMerge {
	wants, wantNotes := wantedTerms(providerTerms, platformTerms)
	if len(existing) == 0 {
		terms := []string{"v=spf1"}
		for _, w := range wants {
			terms = append(terms, w.Raw)
		}
		return SPFMerge{
			Value:  strings.Join(append(terms, "-all"), " "),
			Action: ActionAdd,
			Notes:  append([]string{"The domain has no SPF record; this one authorises your mail provider and " + platform + ", and tells receivers to reject everyone else (-all)."}, wantNotes...),
		}
	}
	var recs []*dnscheck.SPFRecord
	var repairs []string
	for _, e := range existing {
		fixed, notes := dnscheck.RepairSPF(e)
		r, err := dnscheck.ParseSPF(fixed)
		if err != nil {
			// RepairSPF promises a record that parses; should it ever
			// not, the record's terms are left out, and said so.
			r, notes = &dnscheck.SPFRecord{Raw: "v=spf1"}, []string{"Dropped the record " + strconv.Quote(dnscheck.Printable(e)) + ": it could not be read."}
		}
		for _, n := range notes {
			repairs = append(repairs, "Repaired: "+n)
		}
		recs = append(recs, r)
	}
	m := SPFMerge{Action: ActionReplace}
	var terms []dnscheck.SPFTerm
	if len(recs) == 1 {
		terms = slices.Clone(recs[0].Terms)
	} else {
		var notes []string
		terms, notes = mergeRecords(recs)
		m.Notes = append(m.Notes, fmt.Sprintf("The domain has %d SPF records, which makes receivers ignore all of them. Publish this one record and delete the others.", len(recs)))
		m.Notes = append(m.Notes, notes...)
	}
	m.Notes = append(m.Notes, repairs...)
	m.Notes = append(m.Notes, wantNotes...)
	terms, permissive := closeToWorld(terms)
	m.Notes = append(m.Notes, permissive...)

	if len(platformTerms) > 0 && strings.HasPrefix(platformTerms[0], "include:") {
		n := len(terms)
		terms = slices.DeleteFunc(terms, func(t dnscheck.SPFTerm) bool {
			return (t.Mechanism == dnscheck.MechIP4 || t.Mechanism == dnscheck.MechIP6) && slices.Contains(platformIPs, t.Prefix)
		})
		if len(terms) < n {
			m.Notes = append(m.Notes, fmt.Sprintf("%s's %d literal address(es) were replaced by its include, which the vendor keeps current.", platform, n-len(terms)))
		}
	} else if len(platformTerms) > 0 {
		// The platform by its addresses: those of platformIPs that
		// platformTerms no longer lists are the platform's no more.
		var wanted []dnscheck.SPFTerm
		for _, w := range platformTerms {
			if t, err := dnscheck.ParseSPFTerm(w); err == nil {
				wanted = append(wanted, t)
			}
		}
		var retired []string
		terms = slices.DeleteFunc(terms, func(t dnscheck.SPFTerm) bool {
			gone := (t.Mechanism == dnscheck.MechIP4 || t.Mechanism == dnscheck.MechIP6) && slices.Contains(platformIPs, t.Prefix) &&
				!slices.ContainsFunc(wanted, func(w dnscheck.SPFTerm) bool { return covers(w, t) })
			if gone {
				retired = append(retired, t.Raw)
			}
			return gone
		})
		if len(retired) > 0 {
			m.Notes = append(m.Notes, "Removed "+strings.Join(retired, " ")+": "+platform+" no longer sends from there.")
		}
	}

	var added []dnscheck.SPFTerm
	for _, w := range wants {
		live := terms[:liveEnd(terms)]
		i := slices.IndexFunc(live, func(t dnscheck.SPFTerm) bool { return covers(t, w) })
		switch {
		case i < 0:
			added = append(added, w)
		case live[i].Qualifier == '+':
			// Already authorised.
		case sameTarget(live[i], w):
			m.Notes = append(m.Notes, fmt.Sprintf("Changed %s to %s: with the %q qualifier it does not authorise anyone.", live[i].Raw, w.Raw, string(live[i].Qualifier)))
			terms[i] = w
		default:
			// A wider network that does not pass comes first: the
			// address must be listed before it.
			terms = slices.Insert(terms, i, w)
			m.Notes = append(m.Notes, "Added "+w.Raw+" before "+live[i].Raw+", which would otherwise decide first.")
		}
	}
	if len(added) > 0 {
		// Terms after the "all" term are never read; one the same as an
		// added term would only be a duplicate.
		end := liveEnd(terms)
		dead := slices.DeleteFunc(slices.Clone(terms[end:]), func(t dnscheck.SPFTerm) bool {
			return slices.ContainsFunc(added, func(a dnscheck.SPFTerm) bool { return termKey(a) == termKey(t) })
		})
		terms = append(terms[:end], dead...)
		at := slices.IndexFunc(terms, func(t dnscheck.SPFTerm) bool { return t.Mechanism == dnscheck.MechAll })
		if at < 0 {
			at = slices.IndexFunc(terms, func(t dnscheck.SPFTerm) bool { return t.Modifier == dnscheck.ModRedirect })
		}
		if at < 0 {
			at = len(terms)
		}
		terms = slices.Insert(terms, at, added...)
		raws := make([]string, len(added))
		for i, a := range added {
			raws[i] = a.Raw
		}
		m.Notes = append([]string{"Added " + strings.Join(raws, " and ") + "."}, m.Notes...)
	}

	out := []string{"v=spf1"}
	var all *dnscheck.SPFTerm
	redirect := false
	for i, t := range terms {
		out = append(out, t.Raw)
		if t.Mechanism == dnscheck.MechAll && all == nil {
			all = &terms[i]
		}
		redirect = redirect || t.Modifier == dnscheck.ModRedirect
	}
	switch {
	case all != nil && all.Qualifier == '?':
		m.Notes = append(m.Notes, fmt.Sprintf("%q tells receivers nothing about servers the record does not list; once every sender is listed, end the record with ~all or -all.", all.Raw))
	case all == nil && !redirect:
		m.Notes = append(m.Notes, "The record has no all term, so anyone may send as your domain; once every sender is listed, end it with ~all or -all.")
	}
	m.Value = strings.Join(out, " ")
	if len(recs) == 1 && len(repairs) == 0 && m.Value == recs[0].String() {
		m.Action = ActionKeep
		m.Notes = append([]string{"No change needed: the record already authorises " + platform + "."}, m.Notes...)
	}
	return m
}

// wantedTerms parses the provider's and the platform's terms, in that
// order, leaving out one that an earlier one already covers (a provider
// given as the platform's own include) or that would let nearly anyone
// send (each with a note).
func wantedTerms(providerTerms, platformTerms []string) ([]dnscheck.SPFTerm, []string) {
	var out []dnscheck.SPFTerm
	var notes []string
	for _, want := range append(slices.Clone(providerTerms), platformTerms...) {
		w, err := dnscheck.ParseSPFTerm(want)
		switch {
		case err != nil:
		case w.Permissive():
			notes = append(notes, fmt.Sprintf("Left out %s: it would let nearly every server on the Internet send as your domain.", w.Raw))
		case !slices.ContainsFunc(out, func(t dnscheck.SPFTerm) bool { return covers(t, w) }):
			out = append(out, w)
		}
	}
	return out, notes
}

// closeToWorld replaces a permissive "all" term ("+all", or "all") with
// "~all", and drops ip4 and ip6 networks so wide that they let nearly
// anyone send, saying why for each.
func closeToWorld(terms []dnscheck.SPFTerm) ([]dnscheck.SPFTerm, []string) {
	var notes []string
	out := make([]dnscheck.SPFTerm, 0, len(terms))
	for _, t := range terms {
		switch {
		case !t.Permissive():
			out = append(out, t)
		case t.Mechanism == dnscheck.MechAll:
			soft, _ := dnscheck.ParseSPFTerm("~all")
			notes = append(notes, fmt.Sprintf("Replaced %s with ~all: %s lets every server on the Internet send as your domain, and ~all marks mail from servers not listed as suspect. End it with -all once every sender is listed.", t.Raw, t.Raw))
			out = append(out, soft)
		default:
			notes = append(notes, fmt.Sprintf("Dropped %s: it lets %s send as your domain, nearly anyone; list your servers' own addresses instead.", t.Raw, dnscheck.AddressCount(t.Prefix)))
		}
	}
	return out, notes
}

// mergeRecords joins several records' terms into one list: duplicates
// dropped, the first "all" term last, one redirect= and one exp= kept. When
// there is both an "all" term and a redirect, the redirect becomes an
// include, since a record with an "all" term ignores its redirect (RFC 7208
// §6.1).
func mergeRecords(recs []*dnscheck.SPFRecord) ([]dnscheck.SPFTerm, []string) {
	var notes []string
	var terms []dnscheck.SPFTerm
	var all, redirect *dnscheck.SPFTerm
	seen := map[string]bool{}
	for _, r := range recs {
		for _, t := range r.Terms {
			switch {
			case t.Mechanism == dnscheck.MechAll:
				if all == nil {
					all = &t
				}
			case t.Modifier == dnscheck.ModRedirect:
				if redirect == nil {
					redirect = &t
				} else if !strings.EqualFold(t.Value, redirect.Value) {
					notes = append(notes, fmt.Sprintf("Dropped %s: a record can have only one redirect; list what it authorised with include: if it is still needed.", t.Raw))
				}
			case t.Modifier != "" && seen["modifier "+t.Modifier]:
				if !seen[termKey(t)] {
					notes = append(notes, fmt.Sprintf("Dropped %s: a record can have only one %s= modifier.", t.Raw, t.Modifier))
				}
			case !seen[termKey(t)]:
				seen[termKey(t)] = true
				if t.Modifier != "" {
					seen["modifier "+t.Modifier] = true
				}
				terms = append(terms, t)
			}
		}
	}
	if all != nil && redirect != nil {
		inc := dnscheck.SPFTerm{Raw: "include:" + redirect.Value, Qualifier: '+', Mechanism: dnscheck.MechInclude, Value: redirect.Value}
		if !seen[termKey(inc)] {
			terms = append(terms, inc)
		}
		notes = append(notes, "redirect="+redirect.Value+" became include:"+redirect.Value+", since one record cannot have both a redirect and an all term.")
		redirect = nil
	}
	if all != nil {
		terms = append(terms, *all)
	}
	if redirect != nil {
		terms = append(terms, *redirect)
	}
	return terms, notes
}

// liveEnd returns the index of the first "all" term, or len(terms): a
// receiver reads no directive after it.
func liveEnd(terms []dnscheck.SPFTerm) int {
	if i := slices.IndexFunc(terms, func(t dnscheck.SPFTerm) bool { return t.Mechanism == dnscheck.MechAll }); i >= 0 {
		return i
	}
	return len(terms)
}

// covers reports whether t decides for what w authorises, whatever its
// qualifier: the same include, or a network holding w's.
func covers(t, w dnscheck.SPFTerm) bool {
	if t.Mechanism != w.Mechanism {
		return false
	}
	switch w.Mechanism {
	case dnscheck.MechInclude:
		return strings.EqualFold(strings.TrimSuffix(t.Value, "."), strings.TrimSuffix(w.Value, "."))
	case dnscheck.MechIP4, dnscheck.MechIP6:
		return t.Prefix.Bits() <= w.Prefix.Bits() && t.Prefix.Contains(w.Prefix.Addr())
	}
	return false
}

// sameTarget reports whether t names exactly what w names (qualifier aside).
func sameTarget(t, w dnscheck.SPFTerm) bool {
	return covers(t, w) && (w.Mechanism == dnscheck.MechInclude || t.Prefix.Masked() == w.Prefix.Masked())
}

// termKey identifies a term for dropping duplicates.
func termKey(t dnscheck.SPFTerm) string { return t.Key() }

// dropBrokenSPF takes out of the proposed SPF record r (for domain) every
// include and redirect of its own whose target makes the record broken
// for receivers (dnscheck.SPFNode.Broken: it does not exist, has no SPF
// record, several, or one that does not parse) and an include of the
// domain itself (a loop), each with a note saying why: a record that
// keeps one can never pass. The platform's and the provider's own terms
// (keep) are never dropped; the check says whose they are to fix. It
// returns the record and the walk of its final value (q asks DNS; nothing
// is asked twice), and warnings for what it cannot drop: a broken target
// deeper in the tree, a loop further down, an mx term with too many
// hosts, too many void lookups.
func dropBrokenSPF(ctx context.Context, q dnscheck.Querier, domain string, r Record, keep func(dnscheck.SPFTerm) bool) (Record, dnscheck.SPFWalk, []string, bool) {
	rec, err := dnscheck.ParseSPF(r.Value)
	if err != nil {
		return r, dnscheck.SPFWalk{}, nil, false
	}
	walk := dnscheck.WalkSPF(ctx, q, domain, rec)
	if walk.Root == nil {
		return r, walk, nil, true
	}
	drop := map[string]string{} // term → why
	for _, c := range walk.Root.Children {
		t, err := dnscheck.ParseSPFTerm(c.Via)
		if err != nil || keep(t) {
			continue
		}
		switch {
		case c.Broken():
			drop[c.Via] = fmt.Sprintf("Dropped %s: it %s, so receivers treat the whole SPF record as broken while it is there. If you still use the service it stood for, ask that service for its current SPF include.", dnscheck.Printable(c.Via), c.BrokenWords())
		case c.Cause == dnscheck.SPFCauseLoop && c.Domain == walk.Root.Domain:
			drop[c.Via] = fmt.Sprintf("Dropped %s: it includes the domain's own record, a loop that makes receivers treat the whole SPF record as broken.", dnscheck.Printable(c.Via))
		}
	}
	if len(drop) > 0 {
		var terms []string
		var notes []string
		hasAll, droppedRedirect := false, false
		for _, t := range rec.Terms {
			why, ok := drop[t.Raw]
			if !ok {
				hasAll = hasAll || t.Mechanism == dnscheck.MechAll
				terms = append(terms, t.Raw)
				continue
			}
			if why != "" { // a repeated term is noted once
				notes = append(notes, why)
				drop[t.Raw] = ""
			}
			droppedRedirect = droppedRedirect || t.Modifier == dnscheck.ModRedirect
		}
		if droppedRedirect && !hasAll {
			terms = append(terms, "~all")
			notes = append(notes, "Ended the record with ~all in place of the redirect: servers it does not list are marked suspect. End it with -all once every sender is listed.")
		}
		r.Value = strings.Join(append([]string{"v=spf1"}, terms...), " ")
		r.Notes = append(r.Notes, notes...)
		if r.Action == ActionKeep {
			r.Action = ActionReplace
			r.Notes = slices.DeleteFunc(r.Notes, func(n string) bool { return strings.HasPrefix(n, "No change needed") })
		}
		if rec, err = dnscheck.ParseSPF(r.Value); err == nil {
			walk = dnscheck.WalkSPF(ctx, q, domain, rec)
		}
	}
	warnings := spfTreeWarnings(walk)
	if len(warnings) > 0 && r.Action == ActionKeep {
		// The record is as it should be here, but not for receivers.
		r.Notes = slices.DeleteFunc(r.Notes, func(n string) bool { return strings.HasPrefix(n, "No change needed") })
		r.Notes = append([]string{"Nothing in this record can be changed here to fix it, but receivers treat it as broken: see the warnings."}, r.Notes...)
		r.Broken = true
	}
	return r, walk, warnings, true
}

// fixSPFBreaks answers what evaluating the proposed SPF record r for the
// platform's addresses ips found broken (breaks, from
// dnscheck.ProposedSPFBreaks), which the record's tree does not show. When
// leaving out its exists terms built by macros (%{…}: names made from the
// sender, void lookups when they do not exist) makes it whole, r is
// proposed without them (replace), and the terms left out are returned.
// Otherwise r is marked broken (Record.Broken) with a note saying so in
// place of "no change needed". keep names the terms never left out.
func fixSPFBreaks(ctx context.Context, q dnscheck.Querier, domain string, r Record, ips []netip.Addr, breaks []string, keep func(dnscheck.SPFTerm) bool) (Record, []string) {
	r.Notes = slices.DeleteFunc(slices.Clone(r.Notes), func(n string) bool { return strings.HasPrefix(n, "No change needed") })
	if rec, err := dnscheck.ParseSPF(r.Value); err == nil {
		terms := []string{"v=spf1"}
		var removed []string
		for _, t := range rec.Terms {
			if t.Mechanism == dnscheck.MechExists && strings.Contains(t.Value, "%") && !keep(t) {
				removed = append(removed, t.Raw)
				continue
			}
			terms = append(terms, t.Raw)
		}
		value := strings.Join(terms, " ")
		if len(removed) > 0 && len(dnscheck.ProposedSPFBreaks(ctx, q, domain, value, ips)) == 0 {
			if r.Action == ActionKeep {
				r.Action, r.Replaces = ActionReplace, []string{r.Value}
			}
			r.Value = value
			r.Notes = append(r.Notes, fmt.Sprintf("Took out %s: receivers treat the whole SPF record as broken while they are there (%s). If a service needs them, ask it for a record that stays within the limits.",
				dnscheck.Printable(strings.Join(removed, " ")), strings.Join(breaks, "; ")))
			return r, removed
		}
	}
	r.Broken = true
	r.Notes = append([]string{"This record is broken for receivers: remove the terms that cause it (" + strings.Join(breaks, "; ") + ")."}, r.Notes...)
	return r, nil
}

// spfTreeWarnings says what still makes the record's tree broken for
// receivers that the proposal cannot drop from the domain's own record.
func spfTreeWarnings(w dnscheck.SPFWalk) []string {
	var out []string
	var visit func(n *dnscheck.SPFNode, path []string)
	visit = func(n *dnscheck.SPFNode, path []string) {
		for _, c := range n.Children {
			p := append(path[:len(path):len(path)], dnscheck.Printable(c.Via))
			if c.Broken() && len(p) > 1 {
				out = append(out, fmt.Sprintf("%s, which this record reaches through %s, %s, so receivers treat the whole SPF record as broken. Ask whoever runs it to fix it, or remove %s.", p[len(p)-1], strings.Join(p[:len(p)-1], " → "), c.BrokenWords(), p[0]))
			}
			visit(c, p)
		}
	}
	if w.Root != nil {
		visit(w.Root, nil)
	}
	if len(w.Loops) > 0 {
		out = append(out, "The SPF include tree loops ("+dnscheck.Printable(strings.Join(w.Loops, ", "))+"), so receivers treat the whole record as broken; remove the include that points back.")
	}
	if len(w.ManyMX) > 0 {
		out = append(out, "An mx term finds more than 10 mail servers ("+dnscheck.Printable(strings.Join(w.ManyMX, ", "))+"), so receivers treat the whole SPF record as broken; list the sending servers' addresses instead.")
	}
	if w.VoidLookups > dnscheck.MaxSPFVoidLookups {
		out = append(out, fmt.Sprintf("%d lookups of this SPF record find nothing (%s); receivers allow %d and then treat the whole record as broken. Remove those terms.", w.VoidLookups, dnscheck.Printable(strings.Join(w.VoidTerms, ", ")), dnscheck.MaxSPFVoidLookups))
	}
	return out
}

// wantedTerm reports whether a term is one of the provider's or the
// platform's own (an include of the same domain), which the proposal
// never drops.
func wantedTerm(providerTerms []string, p *assets.Platform) func(dnscheck.SPFTerm) bool {
	wants := slices.Clone(providerTerms)
	if p.SPF.Include != "" {
		wants = append(wants, "include:"+p.SPF.Include)
	}
	return func(t dnscheck.SPFTerm) bool {
		for _, w := range wants {
			if wt, err := dnscheck.ParseSPFTerm(w); err == nil && wt.Mechanism == dnscheck.MechInclude && covers(t, wt) {
				return true
			}
		}
		return false
	}
}
