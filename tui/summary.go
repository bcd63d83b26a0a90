package tui

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
	"github.com/outreach-auth/wizard/steps/confirm"
	"github.com/outreach-auth/wizard/tui/common"
)

// SummaryWidth is the width the summary is wrapped to when the terminal's
// is unknown (the line prompts, or a program that never saw its window).
const SummaryWidth = 80

// SummaryText is the summary left on the terminal when the wizard ends: a
// to-do list. First the decision (the platform's setting, its exact label,
// where it is, ON or OFF and why); then, per domain, only what is still to
// do in DNS according to the last check ("ready, nothing to do" for a
// domain that passes; the records to publish and the command that checks
// them when nothing was checked); then the files of instructions written
// in this run; then the next steps. It is empty when no domain was chosen.
//
// Lines are wrapped to width (SummaryWidth when width is not positive) at
// spaces only: a command, a path or a value to copy is never cut, and goes
// on a line of its own when it does not fit beside its label. Text from DNS
// goes through dnscheck.Printable; there is no colour.
func SummaryText(p *assets.Platform, st *common.State, width int) string {
	names := common.Names(st)
	if len(names) == 0 {
		return ""
	}
	if width <= 0 {
		width = SummaryWidth
	}
	pr := dnscheck.Printable
	w := &summaryWriter{width: width}
	plans, _ := common.Get[plan.Plans](st)
	reports, _ := common.Get[[]dnscheck.DomainReport](st)
	checked := len(reports) > 0
	a := advice.Advise(reports, p)

	w.para("", "", fmt.Sprintf("%s sender authentication: %s", p.Name, pr(strings.Join(names, ", "))))

	// The decision.
	w.blank()
	w.para("", "", fmt.Sprintf("%s's sender setting: turn it %s", p.Name, strings.ToUpper(a.Checkbox)))
	w.para("  ", "  ", fmt.Sprintf("%q", p.Setting.Label))
	w.para("  ", "  ", "Where: "+p.Setting.Location)
	w.para("  ", "  ", "Why: "+decisionWhy(a, reports, checked))
	w.confirmation(st)

	// What is left to do in DNS, per domain.
	w.blank()
	w.para("", "", "Still to do in DNS")
	var toCheck []string
	for _, d := range names {
		pl, havePlan := planFor(plans, d)
		rep, haveRep := reportFor(reports, d)
		switch {
		case haveRep && rep.Ready:
			w.para("  ", "    ", pr(d)+": ready, nothing to do.")
			continue
		case haveRep:
			toCheck = append(toCheck, d)
			w.para("  ", "    ", pr(d)+": not ready yet (last check: "+verdicts(rep)+").")
			shown := func(r plan.Record) bool { return failing(rep, r.Purpose) }
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
			w.para("  ", "    ", pr(d)+": the records are not worked out yet; this prints them:")
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
		w.para("  ", "  ", again)
		w.code("    ", "wizard check "+pr(strings.Join(toCheck, " ")))
	}

	// The files written.
	if files, _ := common.Get[common.HandoffFiles](st); len(files) > 0 {
		w.blank()
		w.para("", "", "Files written")
		for _, f := range files {
			w.para("  ", "  ", common.Capitalise(f.Holds)+":")
			w.path("    ", pr(f.Path))
		}
	}

	if len(a.NextSteps) > 0 {
		w.blank()
		w.para("", "", "Next steps")
		for i, s := range a.NextSteps {
			n := fmt.Sprintf("  %d. ", i+1)
			w.para(n, strings.Repeat(" ", len(n)), pr(s))
		}
	}
	return w.String()
}

// decisionWhy says in a sentence why the setting goes the way the advice
// says: every domain passes, which ones do not (or could not be checked),
// or that nothing was checked.
func decisionWhy(a advice.Advice, reports []dnscheck.DomainReport, checked bool) string {
	if !checked {
		return "the records are not checked yet. Turn it OFF once every domain passes SPF and DKIM."
	}
	if a.Option == advice.OptionBest {
		if len(reports) == 1 {
			return reports[0].Domain + " passes SPF and DKIM."
		}
		return "every domain passes SPF and DKIM."
	}
	var failing, unchecked []string
	for _, r := range reports {
		switch {
		case r.Ready:
		case advice.Unchecked(r):
			unchecked = append(unchecked, r.Domain)
		default:
			failing = append(failing, r.Domain)
		}
	}
	var held []string
	if len(failing) > 0 {
		held = append(held, advice.Names(failing)+pick(len(failing), " does not pass yet", " do not pass yet"))
	}
	if len(unchecked) > 0 {
		held = append(held, advice.Names(unchecked)+" could not be checked (DNS did not answer)")
	}
	return strings.Join(held, ", and ") + ". Turn it OFF once every domain passes SPF and DKIM."
}

func pick(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
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

// confirmation writes the confirm step's result, after a blank line:
// the message verified and its verdict; nothing when no message was
// verified.
func (w *summaryWriter) confirmation(st *common.State) {
	r, ok := common.Get[confirm.Result](st)
	if !ok {
		return
	}
	w.blank()
	w.para("", "", "Confirmed with a real message")
	w.path("  ", dnscheck.Printable(r.Source))
	w.para("  ", "  ", dnscheck.Printable(r.Line))
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
// than the line wraps between its folders (common.Wrap), never inside a
// name, which the terminal would do.
func (w *summaryWriter) path(indent, p string) {
	if ansi.StringWidth(indent+p) <= w.width || ansi.StringWidth(p) <= w.width {
		w.code(indent, p)
		return
	}
	w.b.WriteString(common.Hang(indent, indent, p, w.width) + "\n")
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
// (common.PhoneUnits).
func units(text string) []string {
	var out []string
	quoted := false
	for _, word := range common.PhoneUnits(strings.Fields(text)) {
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
