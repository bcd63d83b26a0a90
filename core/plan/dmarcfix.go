package plan

import (
	"fmt"
	"strings"

	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/dnscheck"
)

// RepairDMARC returns a DMARC record that parses, made from a broken one
// (one ParseDMARC refuses): v=DMARC1 first and written exactly; the first
// p= that names a policy, else p=none (receivers apply at most p=none to a
// record whose policy they cannot read, RFC 9989 §4.10.1, so none is not
// weaker than what applies now); sp=, np=, adkim=, aspf=, t=, psd=, fo=
// kept when their values are valid; rua= and ruf= kept as written;
// quotation marks and repeated tags dropped. notes says, in plain
// sentences, what was changed and why. A record that already parses is
// returned as it is, with no notes.
func RepairDMARC(rec string) (fixed string, notes []string) {
	if _, err := dnscheck.ParseDMARC(rec); err == nil {
		return rec, nil
	}
	clean := strings.Map(func(r rune) rune {
		if strings.ContainsRune("\"“”‘’", r) {
			return -1
		}
		return r
	}, rec)
	if clean != rec {
		notes = append(notes, "Quotation marks are not part of the record; they are dropped.")
	}
	policies := map[string]bool{dnscheck.DMARCNone: true, dnscheck.DMARCQuarantine: true, dnscheck.DMARCReject: true}
	valid := map[string]func(string) bool{
		"sp":    func(v string) bool { return policies[v] },
		"np":    func(v string) bool { return policies[v] },
		"adkim": func(v string) bool { return v == "r" || v == "s" },
		"aspf":  func(v string) bool { return v == "r" || v == "s" },
		"t":     func(v string) bool { return v == "y" || v == "n" },
		"psd":   func(v string) bool { return v == "y" || v == "n" || v == "u" },
		"fo":    func(v string) bool { return v != "" },
		"rua":   usableURIs,
		"ruf":   usableURIs,
	}
	order := []string{"sp", "np", "adkim", "aspf", "t", "psd", "fo", "rua", "ruf"}
	kept := map[string]string{}
	var ps, dropped []string
	for spec := range strings.SplitSeq(clean, ";") {
		name, value, ok := strings.Cut(spec, "=")
		name, value = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(value)
		lower := strings.ToLower(value)
		switch {
		case strings.TrimSpace(spec) == "":
		case !ok:
			// "v=DMARC1 p=reject": a missing semicolon hides a tag.
			if f := strings.Fields(spec); len(f) > 0 {
				dropped = append(dropped, strings.TrimSpace(spec))
			}
		case name == "v":
			// "v=DMARC1 p=reject" (no semicolon) carries a policy.
			if len(strings.Fields(value)) > 1 {
				notes = append(notes, "A semicolon is missing after v=DMARC1, which hides the tag that follows it.")
			}
			for _, f := range strings.Fields(value)[min(1, len(strings.Fields(value))):] {
				if k, v, ok := strings.Cut(f, "="); ok && strings.EqualFold(k, "p") {
					ps = append(ps, strings.ToLower(v))
				}
			}
		case name == "p":
			ps = append(ps, lower)
		case valid[name] != nil:
			if name != "rua" && name != "ruf" && name != "fo" {
				value = lower
			}
			if _, seen := kept[name]; seen || !valid[name](value) {
				dropped = append(dropped, name+"="+value)
				continue
			}
			kept[name] = value
		case name == "pct" || name == "rf" || name == "ri":
			dropped = append(dropped, name+"="+value)
		default:
			dropped = append(dropped, name+"="+value)
		}
	}
	policy := ""
	for _, p := range ps {
		if policies[p] {
			policy = p
			break
		}
	}
	switch {
	case len(ps) > 1 && policy != "":
		notes = append(notes, fmt.Sprintf("p= appears %d times (%s), so receivers ignore the record; the first policy, p=%s, is kept.", len(ps), strings.Join(ps, ", "), policy))
	case policy == "" && len(ps) > 0:
		policy = dnscheck.DMARCNone
		notes = append(notes, fmt.Sprintf("p=%s is not a policy, so receivers ignore the record (at most they apply p=none); it becomes p=none. Choose quarantine or reject once every sender passes SPF and DKIM.", ps[0]))
	case policy == "":
		policy = dnscheck.DMARCNone
		notes = append(notes, "The record has no p= tag (the policy), so receivers ignore it (at most they apply p=none); it gets p=none. Choose quarantine or reject once every sender passes SPF and DKIM.")
	}
	parts := []string{"v=DMARC1", "p=" + policy}
	for _, name := range order {
		if v, ok := kept[name]; ok {
			parts = append(parts, name+"="+v)
		}
	}
	if len(dropped) > 0 {
		notes = append(notes, fmt.Sprintf("Dropped what receivers cannot use or RFC 9989 removed: %s.", strings.Join(dropped, "; ")))
	}
	if !strings.HasPrefix(strings.TrimSpace(clean), "v=DMARC1") {
		notes = append(notes, "The record must start with v=DMARC1, written exactly so.")
	}
	fixed = strings.Join(parts, "; ")
	if _, err := dnscheck.ParseDMARC(fixed); err != nil {
		// Unreachable when the rules above are complete; p=none alone
		// always parses.
		fixed = "v=DMARC1; p=" + policy
	}
	return fixed, notes
}

// brokenDMARCRecord proposes the repair of the domain's own broken DMARC
// record (one ParseDMARC refuses): replace, keeping what can be kept of
// its policy and rua=, and adding reports when none go anywhere.
func brokenDMARCRecord(snap discovery.Snapshot, rec, reports string) Record {
	fixed, notes := RepairDMARC(rec)
	r := Record{Purpose: PurposeDMARC, Type: "TXT", Name: "_dmarc." + snap.Domain + ".", Action: ActionReplace, Replaces: []string{rec}}
	_, err := dnscheck.ParseDMARC(rec)
	why := strings.TrimPrefix(fmt.Sprint(err), dnscheck.ErrDMARCSyntax.Error()+": ")
	r.Notes = append([]string{fmt.Sprintf("The DMARC record at _dmarc.%s does not parse (%s), so receivers ignore it. Replace it with this corrected one.", snap.Domain, dnscheck.Printable(why))}, notes...)
	if pol, err := dnscheck.ParseDMARC(fixed); err == nil && len(pol.Reports) == 0 {
		if reports != "" {
			fixed += "; " + reportsTag(reports)
			r.Notes = append(r.Notes, reportsNotes(snap, reports)...)
		} else {
			r.Notes = append(r.Notes, noReportsNote)
		}
	}
	r.Value = fixed
	return r
}

// parentAskOwner asks whoever runs the parent domain whose DMARC record
// decides for the domain (snap.ParentDMARCDomain) to repair it: it is
// broken (does not parse, or there are several), so receivers ignore it,
// and it is not this domain's to change.
func parentAskOwner(snap discovery.Snapshot) Record {
	parent := snap.ParentDMARCDomain
	r := Record{Purpose: PurposeDMARC, Type: "TXT", Name: "_dmarc." + parent + ".", Action: ActionAskOwner, Replaces: snap.OrgDMARC, Organisational: true}
	first := snap.OrgDMARC[0]
	for _, rec := range snap.OrgDMARC {
		if _, err := dnscheck.ParseDMARC(rec); err == nil {
			first = rec
			break
		}
	}
	fixed, notes := RepairDMARC(first)
	r.Value = fixed
	what := "does not parse"
	if len(snap.OrgDMARC) > 1 {
		what = fmt.Sprintf("has %d records", len(snap.OrgDMARC))
	}
	r.Notes = append([]string{
		fmt.Sprintf("%s has no DMARC record of its own, and the record at _dmarc.%s, whose policy would apply to it, %s: receivers ignore it, so no policy applies to %s now.", snap.Domain, parent, what, snap.Domain),
		fmt.Sprintf("That record belongs to whoever runs %s's DNS (usually central IT): ask them to replace it with this corrected one. Adding a record at _dmarc.%s instead would set %s's policy apart from the organisation's.", parent, snap.Domain, snap.Domain),
	}, notes...)
	return r
}

// psdDMARCRecord proposes a record of the domain's own when only a public
// suffix's policy (psd=y) covers it: the suffix's operator sets that
// policy for every domain under it, not for this one, so the domain gets
// a record of its own, never weaker than the policy that applies now.
func psdDMARCRecord(snap discovery.Snapshot, rec, reports string) Record {
	r := Record{Purpose: PurposeDMARC, Type: "TXT", Name: "_dmarc." + snap.Domain + ".", Action: ActionAdd}
	policy := dnscheck.DMARCNone
	if pol, err := dnscheck.ParseDMARC(rec); err == nil {
		policy = pol.Policy
		if pol.SubdomainPolicy != "" {
			policy = pol.SubdomainPolicy
		}
	}
	r.Value = "v=DMARC1; p=" + policy
	suffix := snap.ParentDMARCDomain
	r.Notes = []string{
		fmt.Sprintf("%s has no DMARC record of its own; the policy that applies to it now is that of the public suffix %s (p=%s, from _dmarc.%s, which says psd=y: a policy for every domain registered under %s).", snap.Domain, suffix, policy, suffix, suffix),
		fmt.Sprintf("Publish a record of your own at _dmarc.%s: it keeps p=%s, so nothing gets weaker, and the policy becomes yours to change.", snap.Domain, policy),
	}
	if reports != "" {
		r.Value += "; " + reportsTag(reports)
		r.Notes = append(r.Notes, reportsNotes(snap, reports)...)
	} else {
		r.Notes = append(r.Notes, noReportsNote)
	}
	return r
}

// usableURIs reports whether a rua= or ruf= value can be kept: not empty,
// no white space, nothing a terminal or a zone file would act on.
func usableURIs(v string) bool {
	return v != "" && dnscheck.Printable(v) == v && !strings.ContainsAny(v, " \t\\")
}
