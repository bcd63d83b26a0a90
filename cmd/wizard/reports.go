package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/outreach-auth/wizard/core/reports"
	"github.com/outreach-auth/wizard/dnscheck"
)

type reportsOptions struct {
	json bool
}

func newReportsCommand(g *globalOptions, s streams) *cobra.Command {
	o := &reportsOptions{}
	cmd := &cobra.Command{
		Use:   "reports FILE...",
		Short: "Read DMARC aggregate reports: does the platform's mail pass, source by source",
		Long: `Read the DMARC aggregate reports receivers send to the rua= address of your
DMARC record, and say per domain whether the platform's mail passed DMARC,
who else sends as the domain, and what to do next.

FILE is a report as it arrives or as saved from the message: XML (either
schema), .xml.gz, .zip, the message itself (.eml) or a mailbox (.mbox);
a folder is read without its sub-folders; "-" reads standard input.
A file that cannot be read is named with the reason; the others are still
read. The platform's addresses are read once from its SPF include (the
platform file's when that fails); your mail provider's from its include.

Exit status: 0 the platform's mail passed DMARC in every report, 1 some of
it failed or the reports hold none of it, 2 bad usage or a file that could
not be read (after the rest is summarised).`,
		Example: `  wizard reports google.com!yourcenter.edu!1764979200!1765065599.xml.gz
  wizard reports ~/Downloads/dmarc/
  wizard reports --json reports.mbox > summary.json
  zcat report.xml.gz | wizard reports -`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr("reports needs at least one FILE (a report, a message or mailbox holding reports, a folder, or - for standard input); try 'wizard reports --help'")
			}
			stdin := 0
			for _, a := range args {
				if a == "-" {
					stdin++
				}
			}
			if stdin > 1 {
				return usageErr("standard input (-) can be read only once")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReports(cmd.Context(), g, o, args, s)
		},
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print the summary as JSON")
	return cmd
}

func runReports(ctx context.Context, g *globalOptions, o *reportsOptions, args []string, s streams) error {
	platform, provider, err := g.platformAndProvider()
	if err != nil {
		return err
	}
	results := reports.ReadPaths(ctx, args, readerWithContext(ctx, s.in))
	if ctx.Err() != nil {
		return ctx.Err()
	}
	k := reports.Knowledge{PlatformName: platform.Name, Selector: platform.DKIM.Selector,
		DKIMTarget: platform.DKIM.Target, SPFInclude: platform.SPF.Include, PlatformNetworks: platform.SPF.IPs}
	if domains := reports.Domains(results); len(domains) > 0 {
		client, err := g.client()
		var ee *exitError
		switch {
		case errors.As(err, &ee) && ee.code == exitUsage:
			return err
		case err != nil:
			// The reports are read all the same, with the platform
			// file's addresses and no provider named.
			k.PlatformNote = fmt.Sprintf("DNS could not be used (%s); %s's addresses are the %d in the platform file.", err, platform.Name, len(platform.SPF.IPs))
		default:
			k = reports.Learn(ctx, client, platform, provider, domains)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			// One check of each domain, as 'wizard check' makes it: the
			// next step asks only for records missing now.
			checker := &dnscheck.Checker{Resolver: client, Direct: g.dnsServer != ""}
			k.Now = reports.CheckNow(ctx, checker, platform, provider, domains)
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
	}
	sum := reports.Summarise(results, k)
	if o.json {
		enc := json.NewEncoder(s.out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sum); err != nil {
			return fmt.Errorf("writing JSON: %w", err)
		}
	} else {
		reports.WriteText(s.out, sum)
	}
	switch {
	case sum.Failed():
		n := 0
		for _, r := range sum.Reports {
			if r.Error != "" {
				n++
			}
		}
		return &exitError{code: exitUsage, msg: fmt.Sprintf("%s could not be read (named in the summary)", plural(n, "1 input", fmt.Sprintf("%d inputs", n))), done: true}
	case sum.AllPass():
		return silentExit(exitOK)
	}
	return silentExit(exitNotReady)
}
