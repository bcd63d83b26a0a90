package main

import (
	"context"
	"fmt"
	"os"

	"github.com/charmbracelet/lipgloss"
	"github.com/mattn/go-isatty"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"

	"github.com/outreach-auth/wizard/tui"
)

// interactiveOptions are the flags of the interactive wizard.
type interactiveOptions struct {
	clipboard string
}

func (o *interactiveOptions) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.clipboard, "clipboard", "auto", "how to copy: auto, system, osc52 or off")
}

// runInteractive runs the full-screen wizard, or the line-prompt version
// with --accessible, TERM=dumb or when standard input or output is not a
// terminal.
func runInteractive(ctx context.Context, g *globalOptions, o *interactiveOptions, s streams, cfg tui.Config) error {
	switch o.clipboard {
	case "auto", "system", "osc52", "off":
	default:
		return usageErr("--clipboard %q: use auto, system, osc52 or off", o.clipboard)
	}
	platform, provider, err := g.platformAndProvider()
	if err != nil {
		return err
	}
	cfg.Platform, cfg.Provider, cfg.Clipboard = platform, provider, o.clipboard
	if cfg.Checker == nil {
		checker, err := g.checker()
		if err != nil {
			return err
		}
		client, err := g.client()
		if err != nil {
			return err
		}
		cfg.Checker, cfg.Resolver = checker, client
	}
	if g.accessible || !isTerminal(s) || os.Getenv("TERM") == "dumb" {
		return tui.RunAccessible(ctx, cfg, s.in, s.out)
	}
	// Colour profile and background are decided here, before the program
	// takes over the terminal, so the UI never queries the terminal itself.
	out := termenv.NewOutput(os.Stdout)
	lipgloss.SetColorProfile(out.EnvColorProfile())
	lipgloss.SetHasDarkBackground(out.HasDarkBackground())
	summary, err := tui.Run(ctx, cfg, s.in, s.out)
	if err != nil {
		return fmt.Errorf("the wizard stopped: %w", err)
	}
	_ = summary
	return nil
}

func isTerminal(s streams) bool {
	in, ok1 := s.in.(*os.File)
	out, ok2 := s.out.(*os.File)
	return ok1 && ok2 && isatty.IsTerminal(in.Fd()) && isatty.IsTerminal(out.Fd())
}
