package main

import (
	"errors"
	"strings"

	"github.com/spf13/cobra"

	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
)

func newRecordsCommand(g *globalOptions, s streams) *cobra.Command {
	var format string
	var useIPs bool
	var reports string
	cmd := &cobra.Command{
		Use:   "records DOMAIN",
		Short: "Print the DNS records to publish for DOMAIN",
		Long: `Print the DNS records DOMAIN must publish for the platform: the DKIM CNAME,
one SPF record merged with what is there today, and a DMARC record when there
is none, each written the way the domain's DNS host wants it.

--dmarc-reports ADDRESS puts rua=mailto:ADDRESS in the domain's own DMARC
record (the one proposed, or added to a published one without rua=), so that
receivers send their daily reports of who sends as the domain to that mailbox.
Without it, and without rua= in the record, no reports arrive.

--format markdown and --format html write a hand-off sheet for whoever edits
the domain's DNS: the changes, the steps at the detected DNS host, the
mistakes to avoid and how to confirm (html is one self-contained page to
attach to an email).`,
		Example: `  wizard records yourcenter.edu
  wizard records jane.doe@yourcenter.edu --format zone
  wizard records yourcenter.edu --provider google --use-ips --format json
  wizard records yourcenter.edu --dmarc-reports dmarc@yourcenter.edu
  wizard records yourcenter.edu --format html > yourcenter.edu-dns-handoff.html`,
		Args:              exactArgs(1, "DOMAIN"),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch format {
			case plan.FormatText, plan.FormatZone, plan.FormatJSON, plan.FormatMarkdown, plan.FormatHTML:
			default:
				return usageErr("--format %q: use text, zone or json, or markdown or html for a hand-off sheet", format)
			}
			in, err := normalizeDomain(args[0])
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("dmarc-reports") {
				if reports, err = plan.ParseReportAddress(reports); err != nil {
					return usageErr("--dmarc-reports: %s", strings.TrimPrefix(err.Error(), plan.ErrReportAddress.Error()+": "))
				}
			}
			platform, provider, err := g.platformAndProvider()
			if err != nil {
				return err
			}
			checker, err := g.checker()
			if err != nil {
				return err
			}
			// What the domain publishes is read from its authoritative
			// servers, as 'check' does; the SPF lookup count through the
			// resolver.
			q := dnscheck.NewLookup(checker.Resolver)
			// --use-ips writes the addresses the platform's include lists
			// today, the platform file's only when it cannot be read (and
			// a warning says so): the reading the records screen's i key
			// makes too.
			opt := plan.Options{Provider: provider, UseIPs: useIPs, DMARCReports: reports,
				Addresses: plan.NewPlatformAddresses(checker.Resolver, platform)}
			snap := discovery.Discover(cmd.Context(), checker.Querier(), in.Domain, platform)
			p, err := plan.Build(cmd.Context(), q, snap, platform, opt)
			switch {
			case errors.Is(err, plan.ErrDomainTooLong):
				return &exitError{code: exitUsage, msg: err.Error()}
			case errors.Is(err, plan.ErrLookupFailed):
				// Nothing is printed: a record that could not be read must
				// not be proposed as missing.
				return &exitError{code: exitDNS, msg: err.Error() + " with --dns-server HOST"}
			case err != nil:
				return &exitError{code: exitNotReady, msg: err.Error()}
			}
			if err := cmd.Context().Err(); err != nil {
				return err // lookups cut short by a signal: no plan
			}
			if err := plan.Write(s.out, p, format); err != nil {
				return err
			}
			if len(snap.Trouble) > 0 {
				return silentExit(exitDNS)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", plan.FormatText, "output format: text, zone, json, markdown or html (a hand-off sheet for whoever edits DNS)")
	cmd.Flags().BoolVar(&useIPs, "use-ips", false, "authorise the platform by its ip4: addresses instead of its include")
	cmd.Flags().StringVar(&reports, "dmarc-reports", "", "the mailbox (ADDRESS) DMARC aggregate reports go to: written as rua=mailto:ADDRESS in the domain's own DMARC record")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{plan.FormatText, plan.FormatZone, plan.FormatJSON, plan.FormatMarkdown, plan.FormatHTML}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// exactArgs is cobra.ExactArgs with a message that names the argument.
func exactArgs(n int, name string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErr("%s needs %s (got %d arguments); try 'wizard %s --help'", cmd.Name(), name, len(args), cmd.Name())
		}
		return nil
	}
}
