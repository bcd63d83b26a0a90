package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/outreach-auth/wizard/assets"
)

func newProvidersCommand(s streams) *cobra.Command {
	return &cobra.Command{
		Use:     "providers",
		Short:   "List the mail-provider catalog (ids for --provider)",
		Example: "  wizard providers\n  wizard records yourcenter.edu --provider microsoft365",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tSPF\tDETECTED FROM MX")
			var asks []assets.Provider
			for _, p := range assets.Providers() {
				spf := strings.Join(p.SPFTerms(), " ")
				switch p.Kind {
				case assets.KindAsk:
					spf = "(yours alone: see below)"
					asks = append(asks, p)
				case assets.KindOther:
					spf = "(you type an include or addresses: --provider include:spf.example.net)"
				case assets.KindNone:
					spf = "(no mail of its own)"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.ID, p.Name, spf, strings.Join(p.MXPatterns, " "))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			// Providers whose SPF entry differs per customer: say where
			// each person finds theirs.
			if len(asks) > 0 {
				fmt.Fprintln(s.out)
				for _, p := range asks {
					fmt.Fprintf(s.out, "%s: %s\n", p.ID, p.Ask)
				}
			}
			return nil
		},
	}
}
