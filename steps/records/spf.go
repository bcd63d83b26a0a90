package records

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

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
// platformTerms come from the platform (its include, or its ip4: list); when
// they are an include, literal platform addresses already listed
// (platformIPs) are replaced by it.
func MergeSPF(existing, providerTerms, platformTerms []string, platformIPs []netip.Prefix) (SPFMerge, error) {
	if len(existing) == 0 {
		terms := append(append([]string{"v=spf1"}, providerTerms...), platformTerms...)
		return SPFMerge{
			Value:  strings.Join(append(terms, "-all"), " "),
			Action: ActionAdd,
			Notes:  []string{"The domain has no SPF record; this one authorises your mail provider and the platform, and tells receivers to reject everyone else (-all)."},
		}, nil
	}
	var recs []*dnscheck.SPFRecord
	for _, e := range existing {
		r, err := dnscheck.ParseSPF(e)
		if err != nil {
			return SPFMerge{}, fmt.Errorf("records: the current SPF record cannot be merged, fix it first: %w", err)
		}
		recs = append(recs, r)
	}
	m := SPFMerge{Action: ActionReplace}
	var body []dnscheck.SPFTerm
	var all, redirect *dnscheck.SPFTerm
	seen := map[string]bool{}
	for _, r := range recs {
		for _, t := range r.Terms {
			t := t
			switch {
			case t.Mechanism == dnscheck.MechAll:
				if all == nil {
					all = &t
				}
			case t.Modifier == dnscheck.ModRedirect:
				if redirect == nil {
					redirect = &t
				}
			case !seen[strings.ToLower(t.Raw)]:
				seen[strings.ToLower(t.Raw)] = true
				body = append(body, t)
			}
		}
	}
	if len(recs) > 1 {
		m.Notes = append(m.Notes, fmt.Sprintf("The domain has %d SPF records, which makes receivers ignore all of them. Publish this one record and delete the others.", len(recs)))
		if all != nil && redirect != nil {
			// A redirect is ignored when the record has an "all" term
			// (RFC 7208 §6.1), so keep what it authorised as an include.
			body = append(body, dnscheck.SPFTerm{Raw: "include:" + redirect.Value, Mechanism: dnscheck.MechInclude, Value: redirect.Value})
			m.Notes = append(m.Notes, "redirect="+redirect.Value+" became include:"+redirect.Value+", since one record cannot have both a redirect and an all term.")
			redirect = nil
		}
	}

	includeMode := len(platformTerms) > 0 && strings.HasPrefix(platformTerms[0], "include:")
	var added []string
	if includeMode {
		n := len(body)
		body = slices.DeleteFunc(body, func(t dnscheck.SPFTerm) bool {
			return (t.Mechanism == dnscheck.MechIP4 || t.Mechanism == dnscheck.MechIP6) && slices.Contains(platformIPs, t.Prefix)
		})
		if len(body) < n {
			m.Notes = append(m.Notes, fmt.Sprintf("The platform's %d literal address(es) were replaced by its include, which the vendor keeps current.", n-len(body)))
		}
	}
	for _, want := range append(slices.Clone(providerTerms), platformTerms...) {
		if !hasTerm(body, want) {
			body = append(body, dnscheck.SPFTerm{Raw: want})
			added = append(added, want)
		}
	}

	var out []string
	out = append(out, "v=spf1")
	for _, t := range body {
		out = append(out, t.Raw)
	}
	if all != nil {
		out = append(out, all.Raw)
		switch all.Qualifier {
		case '+', '?':
			m.Notes = append(m.Notes, fmt.Sprintf("%q lets anyone send as your domain; once every sender is listed, end the record with ~all or -all.", all.Raw))
		}
	} else {
		m.Notes = append(m.Notes, "The record has no all term, so anyone may send as your domain; once every sender is listed, end it with ~all or -all.")
	}
	if redirect != nil {
		out = append(out, redirect.Raw)
	}
	m.Value = strings.Join(out, " ")
	if len(added) > 0 {
		m.Notes = append([]string{"Added " + strings.Join(added, " and ") + "."}, m.Notes...)
	}
	if len(recs) == 1 && m.Value == recs[0].String() {
		m.Action = ActionKeep
		m.Notes = append([]string{"No change needed: the record already authorises the platform."}, m.Notes...)
	}
	return m, nil
}

// hasTerm reports whether body already authorises what term does: the same
// include (any qualifier but "-"), or an address inside a listed network.
func hasTerm(body []dnscheck.SPFTerm, term string) bool {
	want, err := dnscheck.ParseSPF("v=spf1 " + term)
	if err != nil || len(want.Terms) != 1 {
		return false
	}
	w := want.Terms[0]
	for _, t := range body {
		if t.Mechanism != w.Mechanism || t.Qualifier == '-' {
			continue
		}
		switch w.Mechanism {
		case dnscheck.MechInclude:
			if strings.EqualFold(strings.TrimSuffix(t.Value, "."), strings.TrimSuffix(w.Value, ".")) {
				return true
			}
		case dnscheck.MechIP4, dnscheck.MechIP6:
			if t.Prefix.Bits() <= w.Prefix.Bits() && t.Prefix.Contains(w.Prefix.Addr()) {
				return true
			}
		}
	}
	return false
}
