package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/term"
	"github.com/mattn/go-isatty"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/statefile"
	"github.com/outreach-auth/wizard/tui"
)

// interactiveOptions are the flags of the interactive wizard.
type interactiveOptions struct {
	clipboard string
	// fresh forgets the saved progress; saveProgress is set for the real
	// wizard (the demo's simulated domains are not worth resuming).
	fresh        bool
	saveProgress bool
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
		// Discovery reads the domain from its authoritative servers, as
		// the checks do, so a record just published is seen at once.
		cfg.Checker, cfg.Resolver = checker, checker.Querier()
	}
	notice := ""
	if o.saveProgress {
		cfg.ProgressFile, cfg.Resume, notice = loadProgress(platform, o.fresh)
		if cfg.ProgressFile != nil {
			cfg.ProgressPath = cfg.ProgressFile.Path()
		}
	}
	if g.accessible || !isTerminal(s) || os.Getenv("TERM") == "dumb" {
		if notice != "" {
			fmt.Fprintf(s.err, "wizard: %s\n", notice)
		}
		cfg.Width = terminalWidth(s.out)
		// Reads of the answers give up when a signal ends ctx.
		err := tui.RunAccessible(ctx, cfg, readerWithContext(ctx, s.in), s.out)
		if errors.Is(err, tui.ErrInputEnded) {
			return &exitError{code: exitUsage, msg: "standard input ended before the wizard finished (type q at a question to stop early)"}
		}
		return err
	}
	// Colour profile and background are decided here, before the program
	// takes over the terminal, so the UI never queries the terminal itself.
	out := termenv.NewOutput(os.Stdout)
	lipgloss.SetColorProfile(out.EnvColorProfile())
	lipgloss.SetHasDarkBackground(out.HasDarkBackground())
	cfg.Notice = notice
	// Signals are the command's (see withSignals): SIGTERM ends ctx, and
	// the program then restores the terminal and returns at once.
	// Run prints the summary when the program ends, at the window's width.
	if _, err := tui.Run(ctx, cfg, s.in, s.out, tea.WithoutSignalHandler()); err != nil {
		return fmt.Errorf("the wizard stopped: %w", err)
	}
	return nil
}

// terminalWidth returns the width of out when it is a terminal, else
// the COLUMNS the environment gives, else 0 (unknown).
func terminalWidth(out io.Writer) int {
	if f, ok := out.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		if w, _, err := term.GetSize(f.Fd()); err == nil && w > 0 {
			return w
		}
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 && n <= maxColumns {
		return n
	}
	return 0
}

// maxColumns bounds the COLUMNS taken from the environment.
const maxColumns = 1000

func isTerminal(s streams) bool {
	in, ok1 := s.in.(*os.File)
	out, ok2 := s.out.(*os.File)
	return ok1 && ok2 && isatty.IsTerminal(in.Fd()) && isatty.IsTerminal(out.Fd())
}

// loadProgress finds where the progress is kept and what was saved last
// time; fresh forgets it. Trouble comes back as a notice for the person
// (one sentence) and the wizard goes on: a corrupt file has been moved
// aside; without a config directory nothing is saved (file is nil). The
// file keeps the generation read, so that the wizard's saves can tell
// when another wizard has saved there since.
func loadProgress(platform *assets.Platform, fresh bool) (file *statefile.File, prog *tui.Progress, notice string) {
	path, err := statefile.DefaultPath(platform.Name)
	if err != nil {
		return nil, nil, fmt.Sprintf("progress will not be saved: %v", err)
	}
	file = statefile.NewFile(path)
	if fresh {
		if err := file.Remove(); err != nil {
			return file, nil, fmt.Sprintf("could not forget the saved progress: %v", err)
		}
		return file, nil, ""
	}
	var p tui.Progress
	// What this wizard cannot resume (a newer version's format, another
	// platform's, answers that no longer restore) is moved aside like a
	// corrupt file, so the next save does not overwrite it unseen.
	found, err := file.Load(&p, func() error { return p.Check(platform) })
	switch {
	case err != nil:
		return file, nil, err.Error()
	case !found:
		return file, nil, ""
	}
	return file, &p, ""
}
