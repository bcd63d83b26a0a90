package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/advice"
	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/core/domainname"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/internal/safefile"
)

// Long lists of domains (the numbers 'wizard check --help' states).
const (
	// detailsAll: with at most this many domains, every domain's full
	// report is printed; with more, only those not ready or with DNS
	// trouble, the others getting just their row of the summary table.
	detailsAll = 5
	// progressOver: with more domains than this, a progress line is drawn
	// on standard error when it is a terminal.
	progressOver = 10
)

type checkOptions struct {
	json         bool
	ips          []string
	watch        bool
	giveUpAfter  time.Duration
	domainsFiles []string
}

// checkReport is the JSON document of 'wizard check --json'.
type checkReport struct {
	Platform  string                  `json:"platform"`
	CheckedAt time.Time               `json:"checked_at"`
	Domains   []dnscheck.DomainReport `json:"domains"`
	Advice    advice.Advice           `json:"advice"`
	// PlatformIPs says which of the platform's addresses SPF was evaluated
	// for: read live from its include at this run, or the platform file's
	// when the include could not be read (with the reason).
	PlatformIPs *dnscheck.PlatformIPs `json:"platform_ips,omitempty"`
}

func newCheckCommand(g *globalOptions, s streams) *cobra.Command {
	o := &checkOptions{}
	cmd := &cobra.Command{
		Use:   "check DOMAIN...",
		Short: "Check now whether the platform's mail will pass SPF and DKIM",
		Long: `Check each DOMAIN (an email address works too; "-" reads domains from
standard input, one per line) and report SPF, DKIM and DMARC, every problem
with its fix, and the advice on the platform's checkbox.

--domains-file FILE reads more domains from FILE, one per line, after those
given as arguments; blank lines and lines starting with # are skipped, and a
domain given twice is checked once. FILE must be a regular file (use - for a
pipe); a line may be up to 1 KiB, and one check takes up to 1,000,000 domains.
Each domain's report is written as soon as it is known, in input order.

With several domains the report ends with a summary table (one row per
domain) and the advice across all of them: the checkbox may be OFF only when
every domain passes. With more than 5 domains, full details are printed only
for the domains that are not ready or could not be checked; the others get
just their row in the table (--json always has every domain in full). With
more than 10 domains, a progress line is drawn on standard error when it is
a terminal.

Exit status: 0 every domain ready, 1 some domain not ready, 2 bad usage or
input, 3 DNS could not answer for some domain, 130 interrupted (SIGINT; no
verdict is printed, and --watch prints the last complete report), 143 SIGTERM.`,
		Example: `  wizard check yourcenter.edu
  wizard check jane.doe@yourcenter.edu --json
  wizard check yourcenter.edu --watch --give-up-after 30m
  cut -d, -f1 domains.csv | wizard check -
  wizard check --domains-file domains.txt --json > report.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && len(o.domainsFiles) == 0 {
				return usageErr("check needs at least one DOMAIN (or - to read them from standard input, or --domains-file FILE); try 'wizard check --help'")
			}
			return nil
		},
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCheck(cmd.Context(), g, o, args, s)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.json, "json", false, "print the report as JSON")
	f.StringArrayVar(&o.ips, "ip", nil, "evaluate SPF for this address instead of the platform's (repeatable)")
	f.BoolVar(&o.watch, "watch", false, "re-check until ready (first after 5s, then up to every 30s)")
	f.DurationVar(&o.giveUpAfter, "give-up-after", 0, "with --watch, stop after this long (e.g. 30m)")
	f.StringArrayVar(&o.domainsFiles, "domains-file", nil, "read domains from this file, one per line (repeatable; - is standard input)")
	return cmd
}

func runCheck(ctx context.Context, g *globalOptions, o *checkOptions, args []string, s streams) error {
	if o.giveUpAfter < 0 {
		return usageErr("--give-up-after must not be negative")
	}
	if o.giveUpAfter > 0 && !o.watch {
		return usageErr("--give-up-after goes with --watch")
	}
	domains, err := readDomains(ctx, args, o.domainsFiles, s.in)
	if err != nil {
		return err
	}
	platform, provider, err := g.platformAndProvider()
	if err != nil {
		return err
	}
	exp, err := checks.Expect(platform, provider, o.ips)
	if err != nil {
		return usageErr("%v", err)
	}
	checker, err := g.checker()
	if err != nil {
		return err
	}
	out := newCheckOutput(s, platform, o.json, len(domains))
	if o.watch {
		return runWatch(ctx, o, checker, domains, exp, out)
	}
	if err := out.stream(ctx, checker, domains, exp, nil); err != nil {
		return err
	}
	if err := out.finish(ctx); err != nil {
		return err
	}
	return silentExit(out.exitStatus())
}

// runWatch is check --watch: the first round written as it goes (for a
// person; --json waits for the end), then re-checks until every domain
// is ready, the time given up after passes, or a signal: then the last
// complete report is written again before the command says it was
// interrupted.
func runWatch(ctx context.Context, o *checkOptions, checker *dnscheck.Checker, domains []string, exp dnscheck.Expectation, out *checkOutput) error {
	var reports []dnscheck.DomainReport
	keep := func(r dnscheck.DomainReport) { reports = append(reports, r) }
	if o.json {
		// One document at the end, of the last round.
		progress, done := progressLine(out.s, len(domains))
		reports = checks.CheckAll(ctx, checker, domains, exp, progress)
		done()
	} else {
		if err := out.stream(ctx, checker, domains, exp, keep); err != nil {
			return err
		}
		if err := out.finish(ctx); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err // nothing complete yet
	}
	check := func(ctx context.Context) []dnscheck.DomainReport {
		progress, done := progressLine(out.s, len(domains))
		defer done()
		return checks.CheckAll(ctx, checker, domains, exp, progress)
	}
	wctx := ctx
	if o.giveUpAfter > 0 {
		var cancel context.CancelFunc
		wctx, cancel = context.WithTimeout(ctx, o.giveUpAfter)
		defer cancel()
	}
	reports = watch(wctx, check, reports, o.json, out.platform.Name, out.s.out, out.st)
	interrupted := ctx.Err()
	if interrupted != nil && !o.json {
		fmt.Fprintln(out.s.out)
		fmt.Fprintln(out.s.out, out.st.Dim.Render("Interrupted. The last complete check:"))
		fmt.Fprintln(out.s.out)
		writeHuman(out.s.out, reports, out.platform, out.st)
	}
	if o.json {
		if err := writeJSONDoc(out.s.out, out.platform, time.Now(), reports); err != nil {
			return err
		}
	}
	if interrupted != nil {
		return interrupted
	}
	return silentExit(exitStatus(reports))
}

// checkOutput writes one round of checks as the reports come, in input
// order: for a person each domain's details (with more than detailsAll
// domains, only for those that need attention), then the summary table
// and the advice; with --json one document whose "domains" array is
// written a domain at a time. Of each report only its outcome is kept
// (dnscheck.Outcome: the name and a few bytes, in the tally), from which
// the summary table and the advice's sentences are made at the end, so a
// long list's memory stays flat.
type checkOutput struct {
	s        streams
	w        *bufio.Writer
	st       checks.Styles
	platform *assets.Platform
	json     bool
	total    int
	start    time.Time

	tally *advice.Tally
	// ips are the platform's addresses the checks evaluated, from the
	// first report that says (see checks.PlatformIPsOf); noted says the
	// human note about them was written.
	ips   *dnscheck.PlatformIPs
	noted bool
	// redraw clears and redraws the progress line around details, when
	// standard output and error are the same terminal; nil otherwise.
	redraw func(write func())
}

func newCheckOutput(s streams, p *assets.Platform, json bool, total int) *checkOutput {
	return &checkOutput{s: s, w: bufio.NewWriter(s.out), st: stylesFor(s.out), platform: p, json: json, total: total,
		start: time.Now(), tally: advice.NewTally(p)}
}

// stream checks the domains and writes each report as soon as it and
// those before it are known; keep, when not nil, gets every report too.
// It returns the context's error when a signal stopped it: what was
// written then is each complete domain, and never a verdict.
func (c *checkOutput) stream(ctx context.Context, checker *dnscheck.Checker, domains []string, exp dnscheck.Expectation, keep func(dnscheck.DomainReport)) error {
	progress, done := progressLine(c.s, len(domains))
	defer done()
	if progress != nil && stdoutIsTerminal(c.s) {
		c.redraw = func(write func()) {
			done()
			write()
			progress(-1)
		}
	}
	err := checks.StreamAll(ctx, checker, domains, exp, progress, func(i int, r dnscheck.DomainReport) error {
		if r.Domain == domains[i] {
			r.Domain = domains[i] // the list's copy: the outcome kept holds no second one
		}
		if keep != nil {
			keep(r)
		}
		return c.add(r)
	})
	if err != nil && ctx.Err() == nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return err
}

// add writes one domain's report and keeps what the end needs of it.
func (c *checkOutput) add(r dnscheck.DomainReport) error {
	c.tally.Add(r)
	if c.ips == nil && r.SPF.Platform.Source != "" {
		set := r.SPF.Platform
		c.ips = &set
	}
	if c.json {
		return c.addJSON(r)
	}
	shows := c.total <= detailsAll || !r.Ready || r.HasTrouble()
	note := !c.noted && c.ips != nil
	write := func() error {
		if note {
			c.noted = true
			writePlatformIPsNote(c.w, *c.ips, c.st)
		}
		if shows {
			checks.WriteReport(c.w, r, c.platform.Name, c.st)
			fmt.Fprintln(c.w)
		}
		return c.w.Flush()
	}
	if c.redraw != nil && (shows || note) {
		var err error
		c.redraw(func() { err = write() })
		return err
	}
	return write()
}

// addJSON writes r as the next element of the "domains" array, the
// document's head before the first.
func (c *checkOutput) addJSON(r dnscheck.DomainReport) error {
	if len(c.tally.Outcomes()) == 1 {
		name, _ := json.Marshal(c.platform.Name)
		at, _ := json.Marshal(c.start.UTC().Truncate(time.Second))
		fmt.Fprintf(c.w, "{\n  \"platform\": %s,\n  \"checked_at\": %s,\n  \"domains\": [\n    ", name, at)
	} else {
		c.w.WriteString(",\n    ")
	}
	data, err := json.MarshalIndent(r, "    ", "  ")
	if err != nil {
		return fmt.Errorf("encoding %s: %w", r.Domain, err)
	}
	c.w.Write(data)
	return c.w.Flush()
}

// finish writes the end of the report: the summary and the advice, or
// the rest of the JSON document. Nothing when the context has ended: a
// verdict over domains cut short would be wrong.
func (c *checkOutput) finish(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.json {
		c.w.WriteString("\n  ],\n  \"advice\": ")
		if err := writeAdviceJSON(c.w, c.tally.AdviceWithoutReasons(), c.tally.Reasons()); err != nil {
			return err
		}
		if c.ips != nil {
			ips, err := json.MarshalIndent(c.ips, "  ", "  ")
			if err != nil {
				return fmt.Errorf("encoding the platform's addresses: %w", err)
			}
			fmt.Fprintf(c.w, ",\n  \"platform_ips\": %s", ips)
		}
		c.w.WriteString("\n}\n")
		if err := c.w.Flush(); err != nil {
			return fmt.Errorf("writing JSON: %w", err)
		}
		return nil
	}
	writeEnd(c.w, c.tally, c.platform, c.st)
	return c.w.Flush()
}

// writeAdviceJSON writes a, with the reasons given one at a time instead
// of a.Reasons, as json.MarshalIndent(a, "  ", "  ") would (the advice at
// its place in the document), so that a long list's sentences are never
// held together.
func writeAdviceJSON(w io.Writer, a advice.Advice, reasons iter.Seq[string]) error {
	option, _ := json.Marshal(a.Option)
	checkbox, _ := json.Marshal(a.Checkbox)
	fmt.Fprintf(w, "{\n    \"option\": %s,\n    \"checkbox\": %s,\n    \"reasons\": [", option, checkbox)
	sep := "\n      "
	for r := range reasons {
		text, _ := json.Marshal(r) // a string always encodes
		fmt.Fprintf(w, "%s%s", sep, text)
		sep = ",\n      "
	}
	if sep != "\n      " {
		io.WriteString(w, "\n    ")
	}
	steps, err := json.MarshalIndent(a.NextSteps, "    ", "  ")
	if err != nil {
		return fmt.Errorf("encoding the advice: %w", err)
	}
	_, err = fmt.Fprintf(w, "],\n    \"next_steps\": %s\n  }", steps)
	return err
}

// exitStatus is the status of the round written: see exitStatus.
func (c *checkOutput) exitStatus() int {
	code := exitOK
	for _, r := range c.tally.Outcomes() {
		if r.Trouble {
			return exitDNS
		}
		if !r.Ready {
			code = exitNotReady
		}
	}
	return code
}

// writeJSONDoc writes the whole JSON document of reports (check --watch
// --json, at its end).
func writeJSONDoc(w io.Writer, p *assets.Platform, at time.Time, reports []dnscheck.DomainReport) error {
	doc := checkReport{Platform: p.Name, CheckedAt: at.UTC().Truncate(time.Second), Domains: reports, Advice: advice.Advise(reports, p)}
	if set, ok := checks.PlatformIPsOf(reports); ok {
		doc.PlatformIPs = &set
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}

// writeHuman writes the report for a person: each domain's details (with
// more than detailsAll domains, only for those that need attention), the
// summary table when there are several, then the advice across them all.
func writeHuman(w io.Writer, reports []dnscheck.DomainReport, p *assets.Platform, st checks.Styles) {
	long := len(reports) > detailsAll
	if set, ok := checks.PlatformIPsOf(reports); ok {
		writePlatformIPsNote(w, set, st)
	}
	tally := advice.NewTally(p)
	for _, r := range reports {
		tally.Add(r)
		if long && r.Ready && !r.HasTrouble() {
			continue
		}
		checks.WriteReport(w, r, p.Name, st)
		fmt.Fprintln(w)
	}
	writeEnd(w, tally, p, st)
}

// writeEnd writes what follows the domains' details: the summary table
// when there are several, then the advice (brief for a long list).
func writeEnd(w io.Writer, t *advice.Tally, p *assets.Platform, st checks.Styles) {
	rows := t.Outcomes()
	long := len(rows) > detailsAll
	if len(rows) > 1 {
		checks.WriteSummaryOutcomes(w, rows, p.Name, st)
		if long {
			fmt.Fprintln(w, st.Dim.Render(fmt.Sprintf("With more than %d domains, details are shown above only for those that are not ready; --json has them all.", detailsAll)))
		}
		fmt.Fprintln(w)
	}
	reasons := t.Reasons()
	if long {
		reasons = briefReasons(rows, p)
	}
	checks.WriteAdviceReasons(w, t.AdviceWithoutReasons(), reasons, st)
}

// writePlatformIPsNote writes, on one line, that the platform file's
// addresses stood in for its include that could not be read (or what a
// live reading left out); nothing when the include was read whole.
func writePlatformIPsNote(w io.Writer, set dnscheck.PlatformIPs, st checks.Styles) {
	if note := checks.PlatformIPsNote(set); note != "" {
		fmt.Fprintln(w, st.Warn.Render("! "+dnscheck.Printable(note)))
		fmt.Fprintln(w)
	}
}

// briefReasons are the advice's reasons for a long list: those of the
// domains that are not ready, then one line summing up the others (the
// summary table already lists them).
func briefReasons(rows []dnscheck.Outcome, p *assets.Platform) iter.Seq[string] {
	return func(yield func(string) bool) {
		ready := 0
		for _, o := range rows {
			if o.Ready {
				ready++
				continue
			}
			if !yield(advice.Reason(o, p)) {
				return
			}
		}
		if ready > 0 {
			yield(fmt.Sprintf("%d other %s SPF and DKIM for %s.", ready, plural(ready, "domain passes", "domains pass"), p.Name))
		}
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// progressLine returns the progress callback for CheckAll, which draws
// "Checking domains: N of M done" in place on standard error, and the
// function that clears it. Both do nothing for short lists, and when
// standard error is not a terminal, so logs stay clean.
func progressLine(s streams, total int) (progress func(done int), finish func()) {
	if total <= progressOver || !s.stderrIsTerminal() {
		return nil, func() {}
	}
	width, last := 0, 0
	progress = func(done int) { // CheckAll calls it one at a time; -1 redraws
		if done < 0 {
			done = last
		}
		last = done
		line := fmt.Sprintf("Checking domains: %d of %d done", done, total)
		width = max(width, len(line))
		fmt.Fprintf(s.err, "\r%s", line)
	}
	progress(0)
	return progress, func() { fmt.Fprintf(s.err, "\r%s\r", strings.Repeat(" ", width)) }
}

// stdoutIsTerminal reports whether standard output is a terminal (where
// the progress line on standard error shares the screen with it).
func stdoutIsTerminal(s streams) bool {
	f, ok := s.out.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}

// stderrIsTerminal reports whether the error stream is a terminal.
func (s streams) stderrIsTerminal() bool {
	if s.errTerminal != nil {
		return s.errTerminal()
	}
	f, ok := s.err.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}

// watchWait is the wait of the watch's schedule after a wait of prev (0
// for the first); a variable so that the tests can shorten it.
var watchWait = checks.NextInterval

// watch re-checks (with check) until every domain is ready or ctx ends,
// printing only what changed.
func watch(ctx context.Context, check func(context.Context) []dnscheck.DomainReport, last []dnscheck.DomainReport, quiet bool, platform string, w io.Writer, st checks.Styles) []dnscheck.DomainReport {
	var wait time.Duration
	for !allReady(last) {
		wait = watchWait(wait)
		if !quiet {
			fmt.Fprintf(w, "%s\n", st.Dim.Render(fmt.Sprintf("Checking again in %s…", wait)))
		}
		select {
		case <-ctx.Done():
			if _, ok := interruptOf(ctx); !quiet && !ok {
				fmt.Fprintln(w, "Gave up waiting; the last results stand.")
			}
			return last
		case <-time.After(wait):
		}
		next := check(ctx)
		if ctx.Err() != nil {
			return last
		}
		if !quiet {
			if note := platformNote(next); note != platformNote(last) && note != "" {
				fmt.Fprintf(w, "%s %s\n", time.Now().Format("15:04:05"), dnscheck.Printable(note))
			}
			for i := range next {
				for _, change := range checks.Changes(last[i], next[i], platform, nil) {
					fmt.Fprintf(w, "%s %s\n", time.Now().Format("15:04:05"), dnscheck.Printable(change))
				}
			}
		}
		last = next
	}
	if !quiet {
		fmt.Fprintln(w, st.Pass.Render("✓ Every domain passes SPF and DKIM."))
	}
	return last
}

// platformNote is PlatformIPsNote for the addresses of a run's reports.
func platformNote(reports []dnscheck.DomainReport) string {
	set, _ := checks.PlatformIPsOf(reports)
	return checks.PlatformIPsNote(set)
}

func allReady(reports []dnscheck.DomainReport) bool {
	for _, r := range reports {
		if !r.Ready {
			return false
		}
	}
	return true
}

// exitStatus: 3 when DNS could not answer for some domain, else 1 when some
// domain is not ready, else 0.
func exitStatus(reports []dnscheck.DomainReport) int {
	code := exitOK
	for _, r := range reports {
		if r.HasTrouble() {
			return exitDNS
		}
		if !r.Ready {
			code = exitNotReady
		}
	}
	return code
}

// Bounds of the domains one check reads ('wizard check --help' and the
// README state them).
const (
	// maxListLine bounds one line of a domain list.
	maxListLine = 1024
	// maxDomains bounds the domains of one check, all lists together.
	maxDomains = 1_000_000
)

// readDomains normalises the arguments, then the lines of each domains
// file; "-" (as an argument or a file) reads standard input, and gives up
// when ctx ends (a terminal or a pipe may never close). In a list, blank
// lines and # comments are skipped. A domain given twice is kept once,
// where it first came. Any bad entry is a usage error naming it, or for a
// list, its line; so is a list of more than maxDomains domains, a line
// longer than maxListLine, or a --domains-file that is not a regular file.
func readDomains(ctx context.Context, args, files []string, in io.Reader) ([]string, error) {
	l := &domainList{seen: map[string]bool{}}
	var stdin io.Reader
	readStdin := func() error {
		if stdin == nil {
			stdin = readerWithContext(ctx, in)
		}
		return l.read(stdin, "standard input")
	}
	for _, a := range args {
		if a == "-" {
			if err := readStdin(); err != nil {
				return nil, err
			}
			continue
		}
		if err := l.add(a, ""); err != nil {
			return nil, err
		}
	}
	for _, f := range files {
		if f == "-" {
			if err := readStdin(); err != nil {
				return nil, err
			}
			continue
		}
		if err := l.readFile(f); err != nil {
			return nil, err
		}
	}
	if len(l.domains) == 0 {
		return nil, usageErr("no domain to check")
	}
	return l.domains, nil
}

// domainList gathers normalised domains, each once, in the order given.
type domainList struct {
	domains []string
	seen    map[string]bool
}

// add normalises text and keeps it if new; where names it in errors (""
// for an argument, else the list and line: "standard input line 3").
func (l *domainList) add(text, where string) error {
	d, err := domainname.Normalize(text)
	if err != nil {
		if where != "" {
			return usageErr("%s: %v", where, err)
		}
		return usageErr("%v", err)
	}
	if l.seen[d.Domain] {
		return nil
	}
	if len(l.domains) == maxDomains {
		return usageErr("more than %d domains to check; split the list and check each part", maxDomains)
	}
	l.seen[d.Domain] = true
	l.domains = append(l.domains, d.Domain)
	return nil
}

// readFile reads the list in the regular file name.
func (l *domainList) readFile(name string) error {
	f, err := safefile.Open(name)
	if err != nil {
		var nr *safefile.NotRegularError
		if errors.As(err, &nr) {
			return usageErr("cannot read --domains-file %q: it is %s, not a regular file; give a file, or pipe the list to --domains-file -", name, safefile.Kind(nr.Mode))
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return usageErr("cannot read --domains-file %q: %v", name, err)
	}
	defer f.Close()
	return l.read(f, fmt.Sprintf("--domains-file %q", name))
}

// read reads one domain per line from r, skipping blank lines and #
// comments; what names the list in messages.
func (l *domainList) read(r io.Reader, what string) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, maxListLine+2), maxListLine+2) // the line and its CR LF
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := l.add(line, fmt.Sprintf("%s line %d", what, n)); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		switch {
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			return err
		case errors.Is(err, bufio.ErrTooLong):
			return usageErr("%s line %d: the line is longer than %s; put one domain on each line", what, n+1, safefile.Size(maxListLine))
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return usageErr("cannot read %s: %v", what, err)
	}
	return nil
}
