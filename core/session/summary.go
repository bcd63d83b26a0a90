package session

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/advice"
	"github.com/outreach-auth/wizard/core/audience"
	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
)

// SummaryWidth is the width the summary is wrapped to when the terminal's
// is unknown (the line prompts, or a program that never saw its window).
const SummaryWidth = 80

// Summarise is the last stage: the summary left on the terminal when the
// wizard ends, a to-do list from the newest facts. First the decision
// (Decide: the platform's setting, its exact label, where it is, ON or OFF
// and why, said once); then the messages verified (MessageNote, never a
// second instruction); then, per domain, only what is still to
// do in DNS according to the last check ("ready, nothing to do" for a
// domain that passes; the records to publish and the command that checks
// them when nothing was checked); then the files of instructions written
// in this run; then the next steps. It is empty when no domain was chosen.
//
// Lines are wrapped to width (SummaryWidth when width is not positive) at
// spaces only: a command, a path or a value to copy is never cut, and goes
// on a line of its own when it does not fit beside its label. Text from DNS
// goes through dnscheck.Printable; there is no colour.
func Summarise(p *assets.Platform, s *Session, width int) string {
	names := s.Names()
	if len(names) == 0 {
		return ""
	}
	if width <= 0 {
		width = SummaryWidth
	}
	pr := dnscheck.Printable
	w := &summaryWriter{width: width}
	plans := s.Plans()
	var reports []dnscheck.DomainReport
	for _, d := range s.Domains {
		if d.Check != nil {
			reports = append(reports, *d.Check)
		}
	}
	checked := len(reports) > 0
	dec := Decide(p, s, audience.Command)
	a := dec.Advice

	w.para("", "", fmt.Sprintf("%s sender authentication: %s", p.Name, pr(strings.Join(names, ", "))))

	// The decision, said once.
	w.blank()
	w.para("", "", dec.Sentence(p))
	w.para("  ", "  ", fmt.Sprintf("%q", p.Setting.Label))
	w.para("  ", "  ", "Where: "+p.Setting.Location)
	w.para("  ", "  ", "Why: "+pr(dec.Why))
	w.messages(s)

	// What is left to do in DNS, per domain.
	w.blank()
	w.para("", "", "Still to do in DNS")
	var toCheck []string
	for _, d := range names {
		pl, havePlan := planFor(plans, d)
		rep, haveRep := reportFor(reports, d)
		switch {
		case haveRep && rep.Ready:
			if havePlan && hasDMARCChange(pl) {
				// Ready for the platform; what the person asked for
				// DMARC (a reports address, its permission record) is
				// still to publish.
				w.para("  ", "    ", pr(d)+": ready for "+p.Name+"; for DMARC, still to publish:")
				w.records(pl, dmarcChange)
				continue
			}
			w.para("  ", "    ", pr(d)+": ready, nothing to do.")
			continue
		case haveRep:
			toCheck = append(toCheck, d)
			w.para("  ", "    ", pr(d)+": not ready yet (last check: "+verdicts(rep)+").")
			shown := func(r plan.Record) bool { return failing(rep, r.Purpose) || dmarcChange(r) }
			if !havePlan {
				shown = func(plan.Record) bool { return false }
			}
			for _, pb := range stillWrong(rep, pl, shown) {
				w.para("    • ", "      ", pr(pb))
			}
			if havePlan {
				w.records(pl, shown)
			}
			continue
		}
		toCheck = append(toCheck, d)
		if !havePlan {
			prints := ": the records are not worked out yet; this prints them:"
			if s.Simulated {
				prints = ": the records are not worked out yet; with your real domain (the demo's is simulated), this prints them:"
			}
			w.para("  ", "    ", pr(d)+prints)
			w.code("    ", "wizard records "+pr(d))
			continue
		}
		if w.records(pl, nil) == 0 {
			w.para("  ", "    ", pr(d)+": not checked yet; nothing to publish (the records are already there).")
		}
	}
	if len(toCheck) > 0 {
		again := "When they are published, check them:"
		if checked {
			again = "When that is done, check again:"
		}
		if s.Simulated {
			// The demo's DNS is simulated: the command asks the real one.
			again = strings.TrimSuffix(again, ":") + ", with your real domain (the demo's DNS is simulated):"
		}
		w.para("  ", "  ", again)
		w.code("    ", "wizard check "+pr(strings.Join(toCheck, " ")))
	}

	// The files written.
	if files := s.Files; len(files) > 0 {
		w.blank()
		w.para("", "", "Files written")
		for _, f := range files {
			w.para("  ", "  ", capitalise(pr(f.Holds))+":")
			w.path("    ", pr(f.Path))
		}
	}

	// The decision is said once, above: the next step that repeats it
	// (the setting by its label) is left out, and so is the clause that
	// says again when the setting goes OFF.
	var next []string
	for _, step := range a.NextSteps {
		if !strings.Contains(step, fmt.Sprintf("%q", p.Setting.Label)) {
			next = append(next, strings.Replace(step, advice.OffOnceAllPass, ".", 1))
		}
	}
	if len(next) > 0 {
		w.blank()
		w.para("", "", "Next steps")
		if s.Simulated {
			w.para("  ", "  ", "The commands named here are for your real domain: the demo's DNS is simulated.")
		}
		for i, s := range next {
			n := fmt.Sprintf("  %d. ", i+1)
			w.para(n, strings.Repeat(" ", len(n)), pr(s))
		}
	}
	return w.String()
}

// verdicts says how SPF and DKIM fared, e.g. "SPF pass, DKIM missing".
func verdicts(r dnscheck.DomainReport) string {
	word := func(v dnscheck.Verdict) string {
		if v == dnscheck.VerdictError {
			return "unknown, DNS did not answer"
		}
		return string(v)
	}
	return "SPF " + word(r.SPF.Status) + ", DKIM " + word(r.DKIM.Status)
}

// stillWrong returns what the last check found wrong that holds the domain
// back, as the fixes to make (or the problem, when it has no fix): the
// error-severity problems of the domain, its SPF and its DKIM. A problem
// that only says to publish the record is left out when the record is
// listed (shown) from pl: the record says it exactly. DMARC does not hold
// a domain back; the next steps speak of it.
func stillWrong(r dnscheck.DomainReport, pl plan.Plan, shown func(plan.Record) bool) []string {
	listed := map[string]bool{}
	for _, rec := range pl.Records {
		if rec.Action != plan.ActionKeep && shown(rec) {
			listed[rec.Purpose] = true
			if rec.Action == plan.ActionDelete {
				listed[rec.Purpose+" delete"] = true
			}
		}
	}
	var out []string
	for _, ps := range [][]dnscheck.Problem{r.Problems, r.SPF.Problems, r.DKIM.Problems} {
		for _, pb := range ps {
			if pb.Severity != dnscheck.SeverityError {
				continue
			}
			if purpose, ok := publishes[pb.Code]; ok && listed[purpose] {
				continue
			}
			if fix := checks.FixFor(pb, audience.Wizard); fix != "" {
				out = append(out, fix)
			} else {
				out = append(out, pb.Message)
			}
		}
	}
	return out
}

// messages writes the messages verified, after a blank line, each with
// its source and what it is worth now (Session.MessageNote); nothing when
// no message was verified.
func (w *summaryWriter) messages(s *Session) {
	if len(s.Messages) == 0 {
		return
	}
	heading := ""
	for _, m := range s.Messages {
		h := "Confirmed with a real message"
		if m.Reports {
			h = "Confirmed with DMARC aggregate reports"
		}
		if h != heading {
			w.blank()
			w.para("", "", h)
			heading = h
		}
		w.path("  ", dnscheck.Printable(m.Source))
		w.para("  ", "  ", dnscheck.Printable(s.MessageNote(m)))
	}
}

// publishes are the problems whose whole fix is to publish the records
// of a purpose as the plan has them (" delete": when the plan deletes one
// of them, the record at a doubled name).
var publishes = map[dnscheck.Code]string{
	dnscheck.CodeSPFMissing:               plan.PurposeSPF,
	dnscheck.CodeSPFPlatformNotAuthorized: plan.PurposeSPF,
	dnscheck.CodeSPFProviderMissing:       plan.PurposeSPF,
	dnscheck.CodeDKIMMissing:              plan.PurposeDKIM,
	dnscheck.CodeDKIMDoubledDomain:        plan.PurposeDKIM + " delete",
}

// failing reports whether the last check found the part purpose of r
// wrong (not DNS trouble, whose records are unknown): its records are
// still to publish.
func failing(r dnscheck.DomainReport, purpose string) bool {
	var v dnscheck.Verdict
	switch purpose {
	case plan.PurposeSPF:
		v = r.SPF.Status
	case plan.PurposeDKIM:
		v = r.DKIM.Status
	default:
		return false
	}
	return v != dnscheck.VerdictPass && v != dnscheck.VerdictError
}

func planFor(plans plan.Plans, domain string) (plan.Plan, bool) {
	pl := plans.For(domain)
	return pl, pl.Domain == domain
}

func reportFor(reports []dnscheck.DomainReport, domain string) (dnscheck.DomainReport, bool) {
	for _, r := range reports {
		if r.Domain == domain {
			return r, true
		}
	}
	return dnscheck.DomainReport{}, false
}

// summaryWriter builds the summary, wrapped to width.
type summaryWriter struct {
	b     strings.Builder
	width int
}

func (w *summaryWriter) String() string { return w.b.String() }

func (w *summaryWriter) blank() { w.b.WriteString("\n") }

// para writes text wrapped at spaces: the first line after first, the
// others after rest. A word, or a command quoted in single quotes, is
// never cut: one wider than the line goes on a line of its own.
func (w *summaryWriter) para(first, rest, text string) {
	line, lineW := first, ansi.StringWidth(first)
	empty := true
	for _, u := range units(text) {
		uw := ansi.StringWidth(u)
		if !empty && lineW+1+uw > w.width {
			w.b.WriteString(line + "\n")
			line, lineW, empty = rest, ansi.StringWidth(rest), true
		}
		if !empty {
			line += " "
			lineW++
		}
		line += u
		lineW += uw
		empty = false
	}
	w.b.WriteString(line + "\n")
}

// code writes s (a command, a path, a value to copy) on a line of its
// own after indent, whole, however wide; without the indent when only
// that makes it fit.
func (w *summaryWriter) code(indent, s string) {
	if sw := ansi.StringWidth(s); sw+ansi.StringWidth(indent) > w.width && sw <= w.width {
		indent = ""
	}
	w.b.WriteString(indent + s + "\n")
}

// path writes a file's path on a line of its own after indent; one wider
// than the line breaks after its folder separators (/ or \\), never inside
// a name, which the terminal would do.
func (w *summaryWriter) path(indent, p string) {
	if ansi.StringWidth(indent+p) <= w.width || ansi.StringWidth(p) <= w.width {
		w.code(indent, p)
		return
	}
	line := indent
	for p != "" {
		i := strings.IndexAny(p, "/\\")
		part := p
		if i >= 0 {
			part = p[:i+1]
		}
		p = p[len(part):]
		if line != indent && ansi.StringWidth(line+part) > w.width {
			w.b.WriteString(line + "\n")
			line = indent
		}
		line += part
	}
	w.b.WriteString(line + "\n")
}

// field writes a label and a value to copy: on one line when they fit,
// else the value whole on the next line, further in.
func (w *summaryWriter) field(indent, label, value string) {
	if ansi.StringWidth(indent+label+" "+value) <= w.width {
		w.b.WriteString(indent + label + " " + value + "\n")
		return
	}
	w.b.WriteString(indent + strings.TrimRight(label, " ") + "\n")
	w.code(indent+"  ", value)
}

// records writes the records of pl still to publish (not those to keep),
// those for which only returns true (every one when only is nil), with a
// heading naming the domain when only is nil; it returns how many it
// wrote.
func (w *summaryWriter) records(pl plan.Plan, only func(plan.Record) bool) int {
	pr := dnscheck.Printable
	n := 0
	for _, r := range pl.Records {
		if r.Action == plan.ActionKeep || (only != nil && !only(r)) {
			continue
		}
		if n == 0 && only == nil {
			w.para("  ", "    ", pr(pl.Domain)+": not checked yet; publish:")
		}
		n++
		w.para("    ", "      ", r.Label()+": "+pr(r.Title()))
		w.field("      ", "Name:     ", pr(r.HostField))
		if r.ShowsFullName() {
			w.field("      ", "Full name:", pr(r.Name))
		}
		if r.Action == plan.ActionDelete {
			for _, old := range r.Replaces {
				w.field("      ", "Now:      ", pr(old))
			}
			continue
		}
		w.field("      ", "Value:    ", pr(r.FormValue))
	}
	return n
}

// units splits text into the pieces para never cuts: words (a bar
// stays with the word before it), a run of words in single quotes (a
// command such as 'wizard check a.edu') and a phone number
// (PhoneUnits).
func units(text string) []string {
	var out []string
	quoted := false
	for _, word := range PhoneUnits(strings.Fields(text)) {
		if quoted {
			out[len(out)-1] += " " + word
			quoted = !closesQuote(word)
			continue
		}
		if word == "|" && len(out) > 0 {
			// "A | B | C" (a place in menus) breaks after a bar, never
			// before one.
			out[len(out)-1] += " |"
			continue
		}
		out = append(out, word)
		open := strings.TrimLeft(word, "(\"")
		quoted = strings.HasPrefix(open, "'") && !closesQuote(open[1:])
	}
	return out
}

// closesQuote reports whether word ends a single-quoted run: it ends in a
// quote, perhaps followed by punctuation.
func closesQuote(word string) bool {
	return strings.HasSuffix(strings.TrimRight(word, ".,;:)!?\""), "'")
}

// capitalise returns s with its first letter upper case.
func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// PhoneUnits joins, in words (a text split at single spaces), the
// pieces of an international phone number into one unit, so that wrapping
// never leaves "+1" at the end of a line and the rest on the next: a
// word "+DIGITS" (perhaps after an opening parenthesis) takes along the
// words after it made of digits, parentheses, hyphens and dots (perhaps
// ending in punctuation), joined by the one space that was between them.
func PhoneUnits(words []string) []string {
	out := make([]string, 0, len(words))
	inPhone := false
	for _, w := range words {
		if inPhone && phonePiece(w) {
			out[len(out)-1] += " " + w
			continue
		}
		out = append(out, w)
		code := strings.TrimLeft(w, "(")
		inPhone = len(code) > 1 && code[0] == '+' && strings.Trim(code[1:], "0123456789") == ""
	}
	return out
}

// phonePiece reports whether w continues a phone number: digits with
// parentheses, hyphens or dots, perhaps ending in , ; : or . (the
// sentence's).
func phonePiece(w string) bool {
	core := strings.TrimRight(w, ",;:.")
	return strings.ContainsAny(core, "0123456789") && strings.Trim(core, "0123456789()-.") == ""
}

// dmarcChange reports whether r is a DMARC change still to publish: the
// domain's own DMARC record to add or replace (with the reports address
// the person gave, say), or a reports permission record to add. Records
// kept, and an organisation's record, are not.
func dmarcChange(r plan.Record) bool {
	return r.Purpose == plan.PurposeDMARC && !r.Organisational && (r.Action == plan.ActionAdd || r.Action == plan.ActionReplace)
}

// hasDMARCChange reports whether pl has a DMARC change still to publish.
func hasDMARCChange(pl plan.Plan) bool {
	for _, r := range pl.Records {
		if dmarcChange(r) {
			return true
		}
	}
	return false
}
