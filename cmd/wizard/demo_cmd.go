package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/spf13/cobra"

	"github.com/outreach-auth/wizard/cmd/wizard/demo"
	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui"
)

// demoBanner is shown on every screen of the demo.
const demoBanner = "DEMO · simulated DNS · nothing leaves this machine; progress is not saved"

// demoShortBanner stands for demoBanner in a small window, on one line.
const demoShortBanner = "DEMO · simulated DNS · progress unsaved"

func newDemoCommand(g *globalOptions, s streams) *cobra.Command {
	io := &interactiveOptions{}
	var serveOnly bool
	cmd := &cobra.Command{
		Use:   "demo [DOMAIN...]",
		Short: "Run the wizard against built-in simulated DNS (no network needed)",
		Long: `Run the whole interactive wizard against a simulated Internet served on this
machine: the platform's and the mail providers' zones, and whatever domain you
type, set up like a typical organisation before the change (Microsoft 365 mail,
no DKIM CNAME, DMARC p=none) with two authoritative servers.

From the records step on, the demo plays your IT department: p publishes the
records as shown, m publishes them with a classic mistake. Changes reach ns1 at
once and ns2 a few seconds later. On the advice, v writes a test message signed
as the platform signs (in the system's temporary folder) and verifies it in the
last step, as 'wizard verify' would a message you received.

With --serve-only it only runs the simulated DNS, prints its address and sets up
each DOMAIN (default yourcenter.edu), so that 'wizard check --dns-server' and
'wizard records --dns-server' can be scripted against it; type
"publish DOMAIN" or "mistake DOMAIN" on its standard input to change DNS.`,
		Example: `  wizard demo
  wizard demo --serve-only yourcenter.edu`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if g.dnsServer != "" || g.dnsServerGiven() {
				return usageErr("the demo serves its own DNS; --dns-server does not apply")
			}
			platform, err := g.platform()
			if err != nil {
				return err
			}
			world, err := demo.Start(platform)
			if err != nil {
				return fmt.Errorf("starting the simulated DNS: %w", err)
			}
			defer world.Close()
			if serveOnly {
				return serveDemo(cmd.Context(), world, g, args, s)
			}
			if len(args) > 0 {
				return usageErr("DOMAIN arguments go with --serve-only; the wizard asks for the domain")
			}
			updater, err := startDemoUpdater(world)
			if err != nil {
				return fmt.Errorf("starting the simulated DNS: %w", err)
			}
			defer updater.close()
			cfg := demoConfig(world)
			// u on the records: a real signed dynamic update, with the
			// demo's built-in key.
			cfg.Actions = append(cfg.Actions, updater.action())
			return runInteractive(cmd.Context(), g, io, s, cfg)
		},
	}
	io.register(cmd)
	cmd.Flags().BoolVar(&serveOnly, "serve-only", false, "only serve the simulated DNS and print its address")
	return cmd
}

// demoConfig is the wizard's configuration for the demo: the world's
// resolver and checker, its banner, each domain prepared as typed, and
// the keys p and m that publish the records shown (correctly, or with a
// classic mistake).
func demoConfig(world *demo.World) tui.Config {
	return tui.Config{
		Resolver:    world.Checker().Querier(),
		Checker:     world.Checker(),
		Banner:      demoBanner,
		ShortBanner: demoShortBanner,
		Prepare:     func(_ context.Context, domain string) error { return world.Prepare(domain) },
		Actions: []tui.Action{
			{Key: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "publish (demo)")),
				Run: func(_ context.Context, p plan.Plan) (string, error) { return world.Publish(p) }, ChangesDNS: true},
			{Key: key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "publish with a mistake (demo)")),
				Run: func(_ context.Context, p plan.Plan) (string, error) { return world.PublishMistake(p) }, ChangesDNS: true},
		},
		// v on the advice: a test message signed as the platform
		// signs, in the system's temporary folder, which the advice
		// names beside the key.
		TestMessage: func(ctx context.Context, domain string) (string, error) {
			return world.WriteTestMessage(ctx, os.TempDir(), domain)
		},
		TestMessageDir: os.TempDir(),
		Simulated:      true,
	}
}

// serveDemo runs the simulated DNS until the context ends or standard
// input closes, reading "publish DOMAIN" and "mistake DOMAIN" lines.
func serveDemo(ctx context.Context, world *demo.World, g *globalOptions, args []string, s streams) error {
	if len(args) == 0 {
		args = []string{"yourcenter.edu"}
	}
	var domains []string
	for _, a := range args {
		in, err := normalizeDomain(a)
		if err != nil {
			return err
		}
		if err := world.Prepare(in.Domain); err != nil {
			return usageErr("%v", err)
		}
		domains = append(domains, in.Domain)
	}
	fmt.Fprintf(s.out, "Simulated DNS serving on %s\n", world.ResolverAddr())
	fmt.Fprintf(s.out, "Try:  wizard check %s --dns-server %s\n", domains[0], world.ResolverAddr())
	fmt.Fprintf(s.out, "Type \"publish DOMAIN\" or \"mistake DOMAIN\" to change DNS; Ctrl+C stops.\n")

	lines := make(chan inputLine)
	go readLines(s.in, maxDemoLine, lines)
	platform := world.Platform()
	provider, err := g.provider()
	if err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case line, ok := <-lines:
			if !ok {
				<-ctx.Done()
				return ctx.Err()
			}
			if line.tooLong {
				fmt.Fprintf(s.err, "a line longer than %d KiB was skipped; say \"publish DOMAIN\" or \"mistake DOMAIN\"\n", maxDemoLine>>10)
				continue
			}
			f := strings.Fields(line.text)
			if len(f) != 2 || (f[0] != "publish" && f[0] != "mistake") {
				if len(f) > 0 {
					fmt.Fprintln(s.err, `say "publish DOMAIN" or "mistake DOMAIN"`)
				}
				continue
			}
			in, err := normalizeDomain(f[1])
			if err != nil {
				fmt.Fprintln(s.err, err)
				continue
			}
			q := dnscheck.NewLookup(world.Querier())
			snap := discovery.Discover(ctx, q, in.Domain, platform)
			p, err := plan.Build(ctx, q, snap, platform, plan.Options{Provider: provider})
			if err != nil {
				fmt.Fprintln(s.err, err)
				continue
			}
			publish := world.Publish
			if f[0] == "mistake" {
				publish = world.PublishMistake
			}
			msg, err := publish(p)
			if err != nil {
				fmt.Fprintln(s.err, err)
				continue
			}
			fmt.Fprintln(s.out, msg)
		}
	}
}

// maxDemoLine bounds one line of commands read by demo --serve-only.
const maxDemoLine = 64 << 10

// inputLine is one line read by readLines: its text without the line
// ending, or tooLong when it was over the limit (its text is then dropped).
type inputLine struct {
	text    string
	tooLong bool
}

// readLines sends each line of r to out and closes out when r ends. A line
// longer than limit bytes is read to its end and sent as tooLong, so that
// the lines after it are still read (bufio.Scanner would stop there).
func readLines(r io.Reader, limit int, out chan<- inputLine) {
	defer close(out)
	br := bufio.NewReaderSize(r, limit+2) // the line, "\r" and "\n"
	for {
		b, err := br.ReadSlice('\n')
		tooLong := false
		for errors.Is(err, bufio.ErrBufferFull) {
			tooLong = true
			_, err = br.ReadSlice('\n')
		}
		if !tooLong && len(b) > 0 {
			text := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
			tooLong = len(text) > limit
			if !tooLong {
				out <- inputLine{text: text}
			}
		}
		if tooLong {
			out <- inputLine{tooLong: true}
		}
		if err != nil {
			return
		}
	}
}
