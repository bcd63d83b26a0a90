package checks

import (
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/outreach-auth/wizard/core/advice"
	"github.com/outreach-auth/wizard/core/audience"
	"github.com/outreach-auth/wizard/dnscheck"
)

// Style renders a text in one style of the report (a colour, bold or
// faint); the nil Style leaves it as it is.
type Style func(string) string

// Render returns t in the style s.
func (s Style) Render(t string) string {
	if s == nil {
		return t
	}
	return s(t)
}

// Styles colour the human report. Plain (no colour) is the zero value.
// The command line builds coloured ones for a terminal; this package
// only applies them.
type Styles struct {
	Pass, Fail, Warn, Dim, Bold Style
	// Codes shows each problem's code (as --json names it), dimmed, after
	// its title, for someone who searches for it: 'wizard check' sets it;
	// the wizard's screens, line prompts and summary leave it off.
	Codes bool
}

// Tone returns the style of a tone (dnscheck.ToneOf a verdict).
func (s Styles) Tone(t dnscheck.Tone) Style {
	switch t {
	case dnscheck.TonePass:
		return s.Pass
	case dnscheck.ToneWarn:
		return s.Warn
	case dnscheck.ToneDim:
		return s.Dim
	}
	return s.Fail
}

// readiness returns the words and style for whether r is ready, as both
// the report's head line and the summary show it.
func readiness(r dnscheck.DomainReport, st Styles) (string, Style) {
	return readinessOf(r.Ready, r.HasTrouble(), st)
}

// readinessOf is readiness from whether the domain is ready and whether
// DNS trouble kept it from being checked.
func readinessOf(ready, trouble bool, st Styles) (string, Style) {
	v, words := dnscheck.VerdictFail, "not ready"
	switch {
	case ready:
		v, words = dnscheck.VerdictPass, "ready"
	case trouble:
		v, words = dnscheck.VerdictError, "DNS trouble"
	}
	return dnscheck.MarkOf(v) + " " + words, st.Tone(dnscheck.ToneOf(v))
}

// CacheClears says what to do about an old answer a resolver still
// caches after the records were published: nothing.
const CacheClears = "Nothing to do: resolvers, yours and receivers', drop an old answer by themselves once that time is up."

// Details are the texts shown beside each verdict of a report: the SPF
// record with its lookup count, the DKIM name with what it points to and
// the key's size, the DMARC policy with its record. They are raw DNS text:
// pass them through dnscheck.Printable before a terminal.
type Details struct{ SPF, DKIM, DMARC string }

// DetailsOf returns the details of r, the same for the command line and the
// wizard.
func DetailsOf(r dnscheck.DomainReport) Details {
	var d Details
	d.SPF = strings.ReplaceAll(r.SPF.Record, "\n", " | ")
	if d.SPF != "" && r.SPF.Lookups > 0 {
		d.SPF += fmt.Sprintf(" (%d of %d lookups)", r.SPF.Lookups, dnscheck.MaxSPFLookups)
	}
	d.DKIM = r.DKIM.Name
	if r.DKIM.Found != "" {
		d.DKIM += " → " + r.DKIM.Found
	}
	if r.DKIM.KeyBits > 0 {
		d.DKIM += fmt.Sprintf(" (%d-bit key)", r.DKIM.KeyBits)
	}
	if r.Alias != "" && d.SPF != "" {
		d.SPF += " (read through the alias: " + r.Alias + "'s record)"
	}
	d.DMARC = r.DMARC.Record
	if r.DMARC.Status == dnscheck.VerdictPass && r.DMARC.Inherited() {
		org := r.DMARC.InheritedFrom()
		d.DMARC += " (at _dmarc." + org + ", managed by whoever runs " + org + "'s DNS)"
	}
	// DNS trouble: what is there is unknown, and the words say why.
	unknown := func(detail string, status dnscheck.Verdict, problems []dnscheck.Problem) string {
		words := dnscheck.TroubleWords(problems)
		if status != dnscheck.VerdictError || words == "" {
			return detail
		}
		if detail == "" {
			return "unknown: " + words
		}
		return detail + " · unknown: " + words
	}
	d.SPF = unknown(d.SPF, r.SPF.Status, r.SPF.Problems)
	d.DKIM = unknown(d.DKIM, r.DKIM.Status, r.DKIM.Problems)
	d.DMARC = unknown(d.DMARC, r.DMARC.Status, r.DMARC.Problems)
	return d
}

// WriteReport writes one domain's report for a person: one line per check
// with a mark and the verdict (DMARC in words: DMARCWords), then each
// problem: its title (with its code dimmed after it when st.Codes), its
// sentence and its fix. platform names the sending platform. Text from DNS goes through
// dnscheck.Printable. The fixes are worded for a command's reader
// (WriteReportFor with audience.Command).
func WriteReport(w io.Writer, r dnscheck.DomainReport, platform string, st Styles) {
	WriteReportFor(w, r, platform, st, audience.Command)
}

// FixFor returns the fix of problem p worded for reader a: as the checks
// wrote it for a command's output, which may name a command-line flag;
// inside the wizard and on the hand-off sheet, a DNS-trouble fix names
// the name that failed and never a flag (dnscheck.WizardTroubleFix).
func FixFor(p dnscheck.Problem, a audience.Audience) string {
	if a == audience.Command {
		return p.Fix
	}
	return dnscheck.WizardTroubleFix(p)
}

// WriteReportFor is WriteReport with each fix worded for reader a
// (FixFor): the wizard's line prompts pass audience.Wizard.
func WriteReportFor(w io.Writer, r dnscheck.DomainReport, platform string, st Styles, a audience.Audience) {
	p := dnscheck.Printable
	words, sty := readiness(r, st)
	head := sty.Render(words)
	fmt.Fprintf(w, "%s  %s\n", st.Bold.Render(p(r.Domain)), head)
	fmt.Fprintf(w, "  %s\n", st.Dim.Render(p(SourceLine(r))))
	line := func(name string, mark string, tone dnscheck.Tone, status dnscheck.Verdict, detail string) {
		fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf("  %s %-5s %-7s %s", st.Tone(tone).Render(mark), name, status, p(detail)), " "))
	}
	d := DetailsOf(r)
	line("SPF", dnscheck.MarkOf(r.SPF.Status), dnscheck.ToneOf(r.SPF.Status), r.SPF.Status, d.SPF)
	line("DKIM", dnscheck.MarkOf(r.DKIM.Status), dnscheck.ToneOf(r.DKIM.Status), r.DKIM.Status, d.DKIM)
	state := r.DMARC.State()
	mark, tone := dnscheck.DMARCMarkOf(state)
	if r.DMARC.Status == dnscheck.VerdictError {
		fmt.Fprintf(w, "  %s DMARC %s\n", st.Tone(tone).Render(mark), p(d.DMARC))
	} else {
		fmt.Fprintf(w, "  %s DMARC %s\n", st.Tone(tone).Render(mark), st.Tone(tone).Render(p(DMARCWords(state, platform))))
		if d.DMARC != "" {
			fmt.Fprintf(w, "  %s%s\n", strings.Repeat(" ", 16), st.Dim.Render(p(d.DMARC)))
		}
	}
	for _, c := range r.Cache {
		fmt.Fprintf(w, "  %s\n", st.Dim.Render(fmt.Sprintf("Published; your resolver still has the old answer for %s %s cached for up to %s.", p(c.Name), c.Type, time.Duration(c.TTL)*time.Second)))
	}
	if len(r.Cache) > 0 {
		fmt.Fprintf(w, "  %s\n", st.Dim.Render(CacheClears))
	}
	for _, pr := range r.AllProblems() {
		sign, sty := SignOf(pr.Severity), st.Fail
		switch pr.Severity {
		case dnscheck.SeverityWarning:
			sty = st.Warn
		case dnscheck.SeverityInfo:
			sty = st.Dim
		}
		title := sty.Render(sign + " " + Title(pr.Code, platform))
		if st.Codes {
			title += " " + st.Dim.Render("("+string(pr.Code)+")")
		}
		fmt.Fprintf(w, "  %s\n", title)
		fmt.Fprintf(w, "      %s\n", p(pr.Message))
		if fix := FixFor(pr, a); fix != "" {
			fmt.Fprintf(w, "      Fix: %s\n", p(fix))
		}
	}
}

// SignOf returns the sign shown before a problem of a severity: ✗ for an
// error, ! for a warning, i for information.
func SignOf(s dnscheck.Severity) string {
	switch s {
	case dnscheck.SeverityWarning:
		return "!"
	case dnscheck.SeverityInfo:
		return "i"
	}
	return "✗"
}

// SourceLine says where the report's answers came from: the server asked,
// the authoritative servers, or the resolver.
func SourceLine(r dnscheck.DomainReport) string {
	switch {
	case r.Source.Server != "":
		return "asked " + r.Source.Server
	case r.Source.Fallback:
		return "no authoritative server answered; results from your resolver"
	case len(r.Source.Authoritative) > 0:
		return "asked the authoritative servers " + strings.Join(r.Source.Authoritative, ", ")
	}
	return "asked your resolver"
}

// WriteAdvice writes the advice for a person.
func WriteAdvice(w io.Writer, a advice.Advice, st Styles) {
	WriteAdviceReasons(w, a, slices.Values(a.Reasons), st)
}

// WriteAdviceReasons is WriteAdvice with the reasons given one at a time
// (a.Reasons is not read), so that a long list's sentences need not be
// held together.
func WriteAdviceReasons(w io.Writer, a advice.Advice, reasons iter.Seq[string], st Styles) {
	title := "Best option: turn the checkbox OFF."
	if a.Option == advice.OptionSecondBest {
		title = "Second-best option for now: turn the checkbox ON."
	}
	fmt.Fprintf(w, "%s\n", st.Bold.Render(title))
	for r := range reasons {
		fmt.Fprintf(w, "  • %s\n", dnscheck.Printable(r))
	}
	if len(a.NextSteps) > 0 {
		fmt.Fprintf(w, "Next steps:\n")
		for i, s := range a.NextSteps {
			fmt.Fprintf(w, "  %d. %s\n", i+1, dnscheck.Printable(s))
		}
	}
}

// WriteSummary writes the table of many domains' results: a line with the
// counts, then one row per domain in the order given, with whether it is
// ready and the SPF, DKIM and DMARC verdicts, in aligned columns. Domains
// go through dnscheck.Printable.
func WriteSummary(w io.Writer, reports []dnscheck.DomainReport, platform string, st Styles) {
	rows := make([]dnscheck.Outcome, len(reports))
	for i, r := range reports {
		rows[i] = r.Outcome()
	}
	WriteSummaryOutcomes(w, rows, platform, st)
}

// WriteSummaryOutcomes is WriteSummary from the reports' outcomes: what a
// long list keeps of each domain while its report is written and dropped.
func WriteSummaryOutcomes(w io.Writer, rows []dnscheck.Outcome, platform string, st Styles) {
	ready, notReady, trouble := 0, 0, 0
	header := [5]string{"Domain", "Ready", "SPF", "DKIM", "DMARC"}
	var widths [5]int
	for i, h := range header {
		widths[i] = ansi.StringWidth(h)
	}
	for _, r := range rows {
		switch {
		case r.Ready:
			ready++
		case r.Trouble:
			trouble++
		default:
			notReady++
		}
		texts, _ := cells(r, platform, st)
		for i, c := range texts {
			widths[i] = max(widths[i], ansi.StringWidth(c))
		}
	}
	counts := []string{fmt.Sprintf("%d ready", ready)}
	if notReady > 0 {
		counts = append(counts, fmt.Sprintf("%d not ready", notReady))
	}
	if trouble > 0 {
		counts = append(counts, fmt.Sprintf("%d with DNS trouble", trouble))
	}
	fmt.Fprintf(w, "%s %s\n", st.Bold.Render(fmt.Sprintf("Summary of %d domains:", len(rows))), strings.Join(counts, ", "))

	line := func(texts [5]string, styles [5]Style) {
		var b strings.Builder
		for i, c := range texts {
			b.WriteString(styles[i].Render(c))
			if i < len(texts)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(c)+2))
			}
		}
		fmt.Fprintf(w, "%s\n", b.String())
	}
	line(header, [5]Style{st.Bold, st.Bold, st.Bold, st.Bold, st.Bold})
	for _, r := range rows {
		line(cells(r, platform, st))
	}
}

// cells are the five cells of r's row of the table, as text and style:
// SPF and DKIM by their verdict's words, DMARC in words (DMARCWords).
func cells(r dnscheck.Outcome, platform string, st Styles) ([5]string, [5]Style) {
	words, sty := readinessOf(r.Ready, r.Trouble, st)
	cell := func(mark string, words string) string {
		return mark + " " + dnscheck.Printable(words)
	}
	dmarc := r.DMARCState()
	mark, tone := dnscheck.DMARCMarkOf(dmarc)
	return [5]string{
			dnscheck.Printable(r.Domain),
			words,
			cell(dnscheck.MarkOf(r.SPF()), string(r.SPF())),
			cell(dnscheck.MarkOf(r.DKIM()), string(r.DKIM())),
			cell(mark, DMARCWords(dmarc, platform)),
		}, [5]Style{
			nil, sty,
			st.Tone(dnscheck.ToneOf(r.SPF())), st.Tone(dnscheck.ToneOf(r.DKIM())), st.Tone(tone),
		}
}

// VerdictOf sums a domain's report up as one verdict: pass when ready,
// error when DNS could not answer, else fail.
func VerdictOf(r dnscheck.DomainReport) dnscheck.Verdict {
	switch {
	case r.Ready:
		return dnscheck.VerdictPass
	case r.HasTrouble():
		return dnscheck.VerdictError
	}
	return dnscheck.VerdictFail
}
