package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/steps/advice"
	"github.com/outreach-auth/wizard/steps/domain"
	"github.com/outreach-auth/wizard/steps/verify"
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
domain given twice is checked once.

With several domains the report ends with a summary table (one row per
domain) and the advice across all of them: the checkbox may be OFF only when
every domain passes. With more than 5 domains, full details are printed only
for the domains that are not ready or could not be checked; the others get
just their row in the table (--json always has every domain in full). With
more than 10 domains, a progress line is drawn on standard error when it is
a terminal.

Exit status: 0 every domain ready, 1 some domain not ready, 2 bad usage or
input, 3 DNS could not answer for some domain.`,
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
	domains, err := readDomains(args, o.domainsFiles, s.in)
	if err != nil {
		return err
	}
	platform, provider, err := g.platformAndProvider()
	if err != nil {
		return err
	}
	exp, err := verify.Expect(platform, provider, o.ips)
	if err != nil {
		return usageErr("%v", err)
	}
	checker, err := g.checker()
	if err != nil {
		return err
	}

	st := verify.StylesFor(s.out)
	check := func(ctx context.Context) []dnscheck.DomainReport {
		progress, done := progressLine(s, len(domains))
		defer done()
		return verify.CheckAll(ctx, checker, domains, exp, progress)
	}
	reports := check(ctx)
	if !o.json {
		writeHuman(s.out, reports, platform, st)
	}
	if o.watch {
		if o.giveUpAfter > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, o.giveUpAfter)
			defer cancel()
		}
		reports = watch(ctx, check, reports, o.json, s.out, st)
	}
	if o.json {
		doc := checkReport{Platform: platform.Name, CheckedAt: time.Now().UTC().Truncate(time.Second), Domains: reports, Advice: advice.Advise(reports, platform)}
		if set, ok := verify.PlatformIPsOf(reports); ok {
			doc.PlatformIPs = &set
		}
		enc := json.NewEncoder(s.out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			return fmt.Errorf("writing JSON: %w", err)
		}
	}
	return silentExit(exitStatus(reports))
}

// writeHuman writes the report for a person: each domain's details (with
// more than detailsAll domains, only for those that need attention), the
// summary table when there are several, then the advice across them all.
func writeHuman(w io.Writer, reports []dnscheck.DomainReport, p *assets.Platform, st verify.Styles) {
	long := len(reports) > detailsAll
	writePlatformIPsNote(w, reports, st)
	for _, r := range reports {
		if long && r.Ready && !r.HasTrouble() {
			continue
		}
		verify.WriteReport(w, r, st)
		fmt.Fprintln(w)
	}
	a := advice.Advise(reports, p)
	if len(reports) > 1 {
		verify.WriteSummary(w, reports, st)
		if long {
			fmt.Fprintln(w, st.Dim.Render(fmt.Sprintf("With more than %d domains, details are shown above only for those that are not ready; --json has them all.", detailsAll)))
		}
		fmt.Fprintln(w)
	}
	if long {
		a = briefAdvice(a, reports, p)
	}
	verify.WriteAdvice(w, a, st)
}

// writePlatformIPsNote writes, on one line, that the platform file's
// addresses stood in for its include that could not be read (or what a
// live reading left out); nothing when the include was read whole.
func writePlatformIPsNote(w io.Writer, reports []dnscheck.DomainReport, st verify.Styles) {
	if note := platformNote(reports); note != "" {
		fmt.Fprintln(w, st.Warn.Render("! "+dnscheck.Printable(note)))
		fmt.Fprintln(w)
	}
}

// briefAdvice keeps the reasons of the domains that are not ready and sums
// up the others in one line: the summary table already lists them.
// Advise gives one reason per report, in order.
func briefAdvice(a advice.Advice, reports []dnscheck.DomainReport, p *assets.Platform) advice.Advice {
	if len(a.Reasons) != len(reports) {
		return a
	}
	var reasons []string
	ready := 0
	for i, r := range reports {
		if r.Ready {
			ready++
			continue
		}
		reasons = append(reasons, a.Reasons[i])
	}
	if ready > 0 {
		reasons = append(reasons, fmt.Sprintf("%d other %s SPF and DKIM for %s.", ready, plural(ready, "domain passes", "domains pass"), p.Name))
	}
	a.Reasons = reasons
	return a
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
	width := 0
	progress = func(done int) { // CheckAll calls it one at a time
		line := fmt.Sprintf("Checking domains: %d of %d done", done, total)
		width = max(width, len(line))
		fmt.Fprintf(s.err, "\r%s", line)
	}
	progress(0)
	return progress, func() { fmt.Fprintf(s.err, "\r%s\r", strings.Repeat(" ", width)) }
}

// stderrIsTerminal reports whether the error stream is a terminal.
func (s streams) stderrIsTerminal() bool {
	if s.errTerminal != nil {
		return s.errTerminal()
	}
	f, ok := s.err.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}

// watch re-checks (with check) until every domain is ready or ctx ends,
// printing only what changed.
func watch(ctx context.Context, check func(context.Context) []dnscheck.DomainReport, last []dnscheck.DomainReport, quiet bool, w io.Writer, st verify.Styles) []dnscheck.DomainReport {
	var wait time.Duration
	for !allReady(last) {
		wait = verify.NextInterval(wait)
		if !quiet {
			fmt.Fprintf(w, "%s\n", st.Dim.Render(fmt.Sprintf("Checking again in %s…", wait)))
		}
		select {
		case <-ctx.Done():
			if !quiet {
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
				for _, change := range verify.Changes(last[i], next[i]) {
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
	set, _ := verify.PlatformIPsOf(reports)
	return verify.PlatformIPsNote(set)
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

// readDomains normalises the arguments, then the lines of each domains
// file; "-" (as an argument or a file) reads standard input. In a list,
// blank lines and # comments are skipped. A domain given twice is kept
// once, where it first came. Any bad entry is a usage error naming it, or
// for a list, its line.
func readDomains(args, files []string, in io.Reader) ([]string, error) {
	var raw []listEntry
	for _, a := range args {
		if a != "-" {
			raw = append(raw, listEntry{text: a})
			continue
		}
		got, err := readDomainList(in, "standard input")
		if err != nil {
			return nil, err
		}
		raw = append(raw, got...)
	}
	for _, f := range files {
		got, err := readDomainsFile(f, in)
		if err != nil {
			return nil, err
		}
		raw = append(raw, got...)
	}
	if len(raw) == 0 {
		return nil, usageErr("no domain to check")
	}
	seen := map[string]bool{}
	var out []string
	for _, r := range raw {
		d, err := domain.Normalize(r.text)
		if err != nil {
			if r.where != "" {
				return nil, usageErr("%s: %v", r.where, err)
			}
			return nil, usageErr("%v", err)
		}
		if !seen[d.Domain] {
			seen[d.Domain] = true
			out = append(out, d.Domain)
		}
	}
	return out, nil
}

// listEntry is one domain as given, and where: "" for an argument, or the
// list and line ("standard input line 3").
type listEntry struct {
	text, where string
}

// readDomainsFile reads the list in the file name ("-": in).
func readDomainsFile(name string, in io.Reader) ([]listEntry, error) {
	if name == "-" {
		return readDomainList(in, "standard input")
	}
	f, err := os.Open(name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, usageErr("cannot read --domains-file %q: %v", name, err)
	}
	defer f.Close()
	return readDomainList(f, fmt.Sprintf("--domains-file %q", name))
}

// maxListLine bounds one line of a domain list.
const maxListLine = 64 * 1024

// readDomainList reads one domain per line from r, skipping blank lines
// and # comments; what names the list in messages.
func readDomainList(r io.Reader, what string) ([]listEntry, error) {
	var out []listEntry
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxListLine)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, listEntry{text: line, where: fmt.Sprintf("%s line %d", what, n)})
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, usageErr("%s line %d: the line is longer than %d KiB; put one domain on each line", what, n+1, maxListLine/1024)
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, usageErr("cannot read %s: %v", what, err)
	}
	return out, nil
}
