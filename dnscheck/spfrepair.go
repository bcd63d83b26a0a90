package dnscheck

import (
	"fmt"
	"slices"
	"strings"

	"github.com/outreach-auth/wizard/dnscheck/spfsyntax"
)

// maxRepairSplits bounds how many glued terms RepairSPF separates in one
// record: a record is at most a few TXT strings, so a real one never comes
// near it, and each split adds a byte, so a hostile input cannot make the
// repair grow without bound.
const maxRepairSplits = 16

// RepairSPF repairs what it can of an SPF record that does not parse, and
// says what it did: one plain sentence a repair, in record order.
//
//   - quotation marks (straight or smart) are removed; non-breaking and
//     other unusual spaces become plain spaces; invisible characters are
//     removed; a word processor's dash before a term becomes a hyphen;
//   - a missing or misspelt "v=spf1" is written, a second one dropped;
//   - terms glued together (TXT strings joined without their space, as in
//     "include:a.cominclude:b.com" or "outlook.com~all") are split where a
//     mechanism's name starts;
//   - "~al", "-al", "all-" and the like become the "all" term meant; when
//     the qualifier meant is unclear ("al", "-~all") the term becomes
//     "~all", and the note says so;
//   - "include=x" becomes "include:x" (any mechanism written as a
//     modifier), "ipv4:" becomes "ip4:", a stray comma or semicolon after a
//     term is removed, "include: x" and "~ all" are joined;
//   - a term listed twice is dropped the second time, as is a second
//     redirect= or exp=;
//   - a term that still does not parse is dropped, naming it and why.
//
// Every term that parses is kept, in order. The result always parses with
// ParseSPF, RepairSPF of the result returns it unchanged, and it is at most
// a few dozen bytes longer than raw. A record that already parses comes
// back unchanged, but for terms listed twice.
//
// Notes quote the record's own text through Printable: it came from DNS.
func RepairSPF(raw string) (repaired string, notes []string) {
	if rec, err := ParseSPF(raw); err == nil {
		return dropDuplicates(rec)
	}
	r := &spfRepair{}
	fields := strings.Split(r.clean(raw), " ")
	fields = deleteEmpty(fields)
	fields = r.version(fields)
	slices.Reverse(fields)
	r.pending = fields
	for len(r.pending) > 0 {
		f := r.pending[len(r.pending)-1]
		r.pending = r.pending[:len(r.pending)-1]
		r.term(f)
	}
	out := "v=spf1"
	for _, t := range r.kept {
		out += " " + t.Raw
	}
	return out, r.notes
}

// dropDuplicates drops every term of rec listed a second time (same
// qualifier, mechanism and target). It returns rec as written when there
// is none.
func dropDuplicates(rec *SPFRecord) (string, []string) {
	seen := map[string]bool{}
	var notes []string
	out := "v=spf1"
	for _, t := range rec.Terms {
		if seen[t.Key()] {
			notes = append(notes, fmt.Sprintf("Dropped the second %s: it was listed twice.", quoteTerm(t.Raw)))
			continue
		}
		seen[t.Key()] = true
		out += " " + t.Raw
	}
	if len(notes) == 0 {
		return rec.Raw, nil
	}
	return out, notes
}

// spfRepair is the state of one RepairSPF.
type spfRepair struct {
	// pending are the fields still to read, the next one last.
	pending []string
	kept    []SPFTerm
	seen    map[string]bool
	notes   []string
	splits  int
}

func (r *spfRepair) note(format string, args ...any) {
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

// clean removes quotation marks and invisible characters and turns
// unusual spaces into plain ones, noting each kind once.
func (r *spfRepair) clean(raw string) string {
	var b strings.Builder
	var quotes, spaces, invisible, dashes bool
	for i, c := range raw {
		switch {
		case strings.ContainsRune("\"“”‘’„'`", c):
			quotes = true
		case c == '\u200b' || c == '\u200c' || c == '\u200d' || c == '\u2060' || c == '\ufeff':
			invisible = true
		case c == '\t' || c == '\n' || c == '\r' || c == '\u00a0' || c >= '\u2000' && c <= '\u200a' || c == '\u202f' || c == '\u205f' || c == '\u3000':
			spaces = true
			b.WriteByte(' ')
		case (c == '–' || c == '—') && (i == 0 || raw[i-1] == ' '):
			dashes = true
			b.WriteByte('-')
		default:
			b.WriteRune(c)
		}
	}
	if quotes {
		r.note("Removed the quotation marks: an SPF record is typed without them (word processors often add smart quotes).")
	}
	if spaces {
		r.note("Replaced non-breaking spaces, tabs or line breaks with plain spaces: receivers split an SPF record at plain spaces only.")
	}
	if invisible {
		r.note("Removed invisible characters (such as zero-width spaces) that came with a copy and paste.")
	}
	if dashes {
		r.note("Replaced a long dash (from a word processor) with a plain hyphen.")
	}
	if s := b.String(); strings.HasPrefix(s, " ") && len(strings.TrimSpace(s)) > 0 {
		r.note("Removed the space before the record: it must start with v=spf1.")
	}
	return b.String()
}

// version makes fields start with no version tag: it is written back
// ahead of the terms. A misspelt or missing one is noted.
func (r *spfRepair) version(fields []string) []string {
	if len(fields) == 0 {
		r.note("Added v=spf1: every SPF record must start with it.")
		return fields
	}
	first := lowerASCII(fields[0])
	switch {
	case first == "v=spf1":
		return fields[1:]
	case strings.HasPrefix(first, "v=spf1") && isTermStart(first[6]):
		// "v=spf1include:x": the version glued to the first term.
		r.note("Put a space after v=spf1, which was glued to %s.", quoteTerm(fields[0][6:]))
		r.splits++
		return append([]string{fields[0][6:]}, fields[1:]...)
	case strings.Contains(first, "spf") && len(first) <= 10 && !strings.Contains(first, "."):
		r.note("Wrote %s as v=spf1, the only version tag receivers accept.", quoteTerm(fields[0]))
		return fields[1:]
	}
	r.note("Added v=spf1 at the start: every SPF record must begin with it.")
	return fields
}

// term repairs field f and keeps what it becomes; what it splits off or
// joins with the next field goes back to pending.
func (r *spfRepair) term(f string) {
	low := lowerASCII(f)
	if low == "v=spf1" {
		// Parses as a modifier, but here it is the start of a second
		// record joined on.
		r.note("Dropped a second v=spf1 in the middle of the record.")
		return
	}
	if t, err := ParseSPFTerm(f); err == nil {
		r.keep(t, "")
		return
	} else if fixed, why := fixTerm(f); fixed != "" {
		if t, err := ParseSPFTerm(fixed); err == nil {
			r.keep(t, why)
			return
		}
	}
	if n := len(r.pending); n > 0 && (strings.Trim(f, "+-~?") == "" && len(f) == 1 || isBareMechanism(low)) {
		// "~ all" or "include: x": joined back, if that makes a term.
		next := r.pending[n-1]
		if _, err := ParseSPFTerm(f + next); err == nil {
			r.note("Removed the space inside %s.", quoteTerm(f+" "+next))
			r.pending[n-1] = f + next
			return
		}
	}
	if i := gluedAt(f); i > 0 && r.splits < maxRepairSplits {
		r.splits++
		r.note("Put a space between %s and %s, which were glued together (TXT strings joined without a space).", quoteTerm(f[:i]), quoteTerm(f[i:]))
		r.pending = append(r.pending, f[i:], f[:i])
		return
	}
	_, err := ParseSPFTerm(f)
	if fixed, _ := fixTerm(f); fixed != "" {
		_, err = ParseSPFTerm(fixed) // say what is wrong beyond the typo
	}
	reason := "it does not parse"
	if se, ok := err.(*SPFSyntaxError); ok {
		reason = se.Reason
	}
	r.note("Dropped %s: %s.", quoteTerm(f), strings.TrimSuffix(reason, "."))
}

// keep adds t unless it is a duplicate (then noted), with the note why
// when the term was repaired.
func (r *spfRepair) keep(t SPFTerm, why string) {
	if r.seen == nil {
		r.seen = map[string]bool{}
	}
	switch {
	case r.seen[t.Key()]:
		r.note("Dropped the second %s: it was listed twice.", quoteTerm(t.Raw))
		return
	case t.Modifier != "" && r.seen["modifier "+t.Modifier] && (t.Modifier == ModRedirect || t.Modifier == ModExp):
		r.note("Dropped %s: a record can have only one %s= modifier.", quoteTerm(t.Raw), t.Modifier)
		return
	}
	if why != "" {
		r.notes = append(r.notes, why)
	}
	r.seen[t.Key()] = true
	if t.Modifier != "" {
		r.seen["modifier "+t.Modifier] = true
	}
	r.kept = append(r.kept, t)
}

// fixTerm repairs the typos of one term whose meaning is not in doubt, or
// the "all" term whatever it is, returning the term and a note, or "".
func fixTerm(f string) (string, string) {
	if all, why := fixAll(f); all != "" {
		return all, why
	}
	q, body := "", f
	if strings.ContainsRune("+-~?", rune(f[0])) {
		q, body = f[:1], f[1:]
	}
	low := lowerASCII(body)
	for _, m := range []string{MechInclude, MechExists, MechA, MechMX, MechPTR, MechIP4, MechIP6} {
		if strings.HasPrefix(low, m+"=") {
			fixed := q + body[:len(m)] + ":" + body[len(m)+1:]
			return fixed, fmt.Sprintf("Wrote %s as %s: a mechanism takes a colon, not an equals sign.", quoteTerm(f), quoteTerm(fixed))
		}
	}
	for typo, m := range map[string]string{"ipv4:": "ip4:", "ipv6:": "ip6:"} {
		if strings.HasPrefix(low, typo) {
			fixed := q + m + body[len(typo):]
			return fixed, fmt.Sprintf("Wrote %s as %s: the mechanism is spelt %s.", quoteTerm(f), quoteTerm(fixed), strings.TrimSuffix(m, ":"))
		}
	}
	if trimmed := strings.TrimRight(f, ",;"); trimmed != f && trimmed != "" {
		if _, err := ParseSPFTerm(trimmed); err == nil {
			return trimmed, fmt.Sprintf("Removed the stray %s after %s: terms are separated by spaces only.", quoteTerm(f[len(trimmed):]), quoteTerm(trimmed))
		}
	}
	return "", ""
}

// fixAll recognises a mistyped "all" term: qualifiers around "al", "all",
// "alll"… It returns the term meant, or "~all" when the qualifier meant
// is unclear, with a note; "" for anything else or a plain "all".
func fixAll(f string) (string, string) {
	body := strings.TrimLeft(f, "+-~?")
	lead := f[:len(f)-len(body)]
	core := strings.TrimRight(body, "+-~?")
	trail := body[len(core):]
	low := lowerASCII(core)
	if len(low) < 2 || low[0] != 'a' || strings.Trim(low[1:], "l") != "" || f == "all" {
		return "", ""
	}
	quals := lead + trail
	if quals != "" && strings.Trim(quals, quals[:1]) == "" {
		fixed := quals[:1] + "all"
		if fixed == f {
			return "", ""
		}
		if trail != "" {
			return fixed, fmt.Sprintf("Wrote %s as %s: the qualifier goes before all.", quoteTerm(f), fixed)
		}
		return fixed, fmt.Sprintf("Wrote %s as %s.", quoteTerm(f), fixed)
	}
	return "~all", fmt.Sprintf("%s was meant as the all term, but whether -all, ~all or ?all was meant is unclear: it became ~all, which marks mail from servers not listed as suspect without rejecting it. Change it to -all once every sender is listed.", quoteTerm(f))
}

// gluedAt returns where in field f a second term starts, glued on without
// a space: a mechanism's name ("include:", "ip4:", "~all" …) after the
// start, with its qualifier; -1 when there is none. "-all" counts only at
// the end: inside, it is part of a name such as "small-allies.org".
func gluedAt(f string) int {
	low := lowerASCII(f)
	start := 1 // past the first term's own name and qualifier
	if strings.ContainsRune("+-~?", rune(low[0])) {
		start = 2
	}
	if len(low) <= start {
		return -1
	}
	at := -1
	for _, m := range []string{"include:", "include=", "ip4:", "ip6:", "ipv4:", "ipv6:", "exists:", "redirect=", "exp=", "v=spf1", "~all", "?all", "+all"} {
		if i := strings.Index(low[start:], m); i >= 0 && (at < 0 || i+start < at) {
			at = i + start
		}
	}
	if strings.HasSuffix(low, "-all") && len(low)-4 >= start && (at < 0 || len(low)-4 < at) {
		at = len(low) - 4
	}
	if at > start && strings.ContainsRune("+-~?", rune(f[at-1])) {
		at-- // the qualifier goes with the term it stands before
	}
	return at
}

// isBareMechanism reports whether f is a mechanism's name and colon with
// nothing after it, as in "include: x".
func isBareMechanism(low string) bool {
	low = strings.TrimLeft(low, "+-~?")
	name, ok := strings.CutSuffix(low, ":")
	return ok && spfsyntax.IsMechanism(name) && name != MechAll
}

// quoteTerm quotes a term of a record for a note: printable, and clipped.
func quoteTerm(s string) string {
	const max = 80
	if r := []rune(s); len(r) > max {
		s = string(r[:max]) + "…"
	}
	return "“" + Printable(s) + "”"
}

// isTermStart reports whether c can start an SPF term: a letter or a
// qualifier.
func isTermStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || strings.IndexByte("+-~?", c) >= 0
}

func deleteEmpty(fields []string) []string {
	out := fields[:0]
	for _, f := range fields {
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}

// lowerASCII lowers ASCII letters only, so that indexes into the result
// are indexes into s (strings.ToLower can change a string's length).
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
