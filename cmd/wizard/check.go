package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/steps/advice"
	"github.com/outreach-auth/wizard/steps/verify"
)

type checkOptions struct {
	json        bool
	ips         []string
	watch       bool
	giveUpAfter time.Duration
}

// checkReport is the JSON document of 'wizard check --json'.
type checkReport struct {
	Platform  string                  `json:"platform"`
	CheckedAt time.Time               `json:"checked_at"`
	Domains   []dnscheck.DomainReport `json:"domains"`
	Advice    advice.Advice           `json:"advice"`
}

func newCheckCommand(g *globalOptions, s streams) *cobra.Command {
	o := &checkOptions{}
	cmd := &cobra.Command{
		Use:   "check DOMAIN...",
		Short: "Check now whether the platform's mail will pass SPF and DKIM",
		Long: `Check each DOMAIN (an email address works too; "-" reads domains from
standard input, one per line) and report SPF, DKIM and DMARC, every problem
with its fix, and the advice on the platform's checkbox.

Exit status: 0 every domain ready, 1 some domain not ready, 2 bad usage or
input, 3 DNS could not answer for some domain.`,
		Example: `  wizard check yourcenter.edu
  wizard check jane.doe@yourcenter.edu --json
  wizard check yourcenter.edu --watch --give-up-after 30m
  cut -d, -f1 domains.csv | wizard check -`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr("check needs at least one DOMAIN (or - to read them from standard input); try 'wizard check --help'")
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
	return cmd
}

func runCheck(ctx context.Context, g *globalOptions, o *checkOptions, args []string, s streams) error {
	if o.giveUpAfter < 0 {
		return usageErr("--give-up-after must not be negative")
	}
	if o.giveUpAfter > 0 && !o.watch {
		return usageErr("--give-up-after goes with --watch")
	}
	domains, err := readDomains(args, s.in)
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
	reports := verify.CheckAll(ctx, checker, domains, exp, nil)
	if !o.json {
		writeHuman(s.out, reports, platform, st)
	}
	if o.watch {
		if o.giveUpAfter > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, o.giveUpAfter)
			defer cancel()
		}
		reports = watch(ctx, checker, domains, exp, reports, o.json, s.out, st)
	}
	if o.json {
		doc := checkReport{Platform: platform.Name, CheckedAt: time.Now().UTC().Truncate(time.Second), Domains: reports, Advice: advice.Advise(reports, platform)}
		enc := json.NewEncoder(s.out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			return fmt.Errorf("writing JSON: %w", err)
		}
	}
	return silentExit(exitStatus(reports))
}

func writeHuman(w io.Writer, reports []dnscheck.DomainReport, p *assets.Platform, st verify.Styles) {
	for _, r := range reports {
		verify.WriteReport(w, r, st)
		fmt.Fprintln(w)
	}
	verify.WriteAdvice(w, advice.Advise(reports, p), st)
}

// watch re-checks until every domain is ready or ctx ends, printing only
// what changed.
func watch(ctx context.Context, c *dnscheck.Checker, domains []string, exp dnscheck.Expectation, last []dnscheck.DomainReport, quiet bool, w io.Writer, st verify.Styles) []dnscheck.DomainReport {
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
		next := verify.CheckAll(ctx, c, domains, exp, nil)
		if ctx.Err() != nil {
			return last
		}
		if !quiet {
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

// readDomains normalises the arguments; "-" reads one domain per line from
// in (blank lines and # comments skipped). Any bad entry is a usage error
// naming it.
func readDomains(args []string, in io.Reader) ([]string, error) {
	var raw []string
	for _, a := range args {
		if a != "-" {
			raw = append(raw, a)
			continue
		}
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 0, 4096), 64*1024)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			raw = append(raw, line)
		}
		if err := sc.Err(); err != nil {
			return nil, usageErr("reading domains from standard input: %v", err)
		}
	}
	if len(raw) == 0 {
		return nil, usageErr("no domain to check")
	}
	seen := map[string]bool{}
	var out []string
	for _, r := range raw {
		in, err := normalizeDomain(r)
		if err != nil {
			return nil, err
		}
		if !seen[in.Domain] {
			seen[in.Domain] = true
			out = append(out, in.Domain)
		}
	}
	return out, nil
}
