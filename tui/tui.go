// Package tui is the wizard's shell: the root Bubble Tea model that moves
// between the steps (each in its own package under steps/), fans the window
// size out to them, and owns the header, the status line, the help bar, the
// clipboard and the bell. It keeps an ordered list of common.Step values
// (each identified by its common.StepName; only the shell knows their
// order) and moves on common.NextMsg and common.BackMsg; every step reads
// and records what the wizard knows in one core/session.Session.
//
// Run is the full-screen program; RunAccessible walks the same list of
// steps, asking each its question as plain line prompts (common.Prompter).
package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/statefile"
	"github.com/outreach-auth/wizard/steps/advice"
	"github.com/outreach-auth/wizard/steps/checking"
	"github.com/outreach-auth/wizard/steps/confirm"
	"github.com/outreach-auth/wizard/steps/discovery"
	"github.com/outreach-auth/wizard/steps/domain"
	"github.com/outreach-auth/wizard/steps/domains"
	"github.com/outreach-auth/wizard/steps/provider"
	"github.com/outreach-auth/wizard/steps/records"
	"github.com/outreach-auth/wizard/steps/welcome"
	"github.com/outreach-auth/wizard/tui/common"
)

// Config is what the wizard needs from the command line.
type Config struct {
	Platform  *assets.Platform
	Resolver  dnscheck.Querier  // discovery and records
	Checker   *dnscheck.Checker // the Check step's polling
	Provider  *assets.Provider  // --provider preset; nil = detect and let the person choose
	Clipboard string            // "auto" | "system" | "osc52" | "off"
	Banner    string            // e.g. "DEMO · simulated DNS · nothing leaves this machine"; "" for none
	// ShortBanner stands for Banner in a small window, where Banner would
	// take more than one line; "" shows Banner cut to one line.
	ShortBanner string
	// Prepare is called before discovery; nil = none (the demo uses it).
	Prepare func(ctx context.Context, domain string) error
	// Actions are extra keys shown in the help bar of the records and
	// Check steps (the demo's p / m).
	Actions []Action
	// SaveDir is where "save instructions" writes; "" = current directory.
	SaveDir string
	// ProgressPath is where progress is saved as it changes; "" = not
	// saved (the demo, tests).
	ProgressPath string
	// ProgressFile is the progress file at ProgressPath as read at the
	// start, so that a save can tell whether another wizard has saved
	// there since (statefile.File); nil takes the file as it is when the
	// wizard starts (statefile.Track).
	ProgressFile *statefile.File
	// Resume is the progress saved last time, offered to resume; nil =
	// start fresh.
	Resume *Progress
	// Notice is said in the status line at the start (a saved progress
	// that could not be read, for example); "" for none.
	Notice string
	// Width is the terminal's width, for the summary the line prompts
	// leave (the full-screen program learns its own); 0 = unknown
	// (SummaryWidth).
	Width int
	// TestMessage, when set, gives the advice step a key (v) that writes
	// a test message for the first domain and verifies it in the confirm
	// step: the demo's. nil for none.
	TestMessage common.MessageMaker
	// TestMessageDir is the folder TestMessage writes to, said beside
	// its key ("" when there is no TestMessage).
	TestMessageDir string
	// Simulated says the DNS is simulated (wizard demo): the summary and
	// the hand-off sheet say their commands are for the real domain.
	Simulated bool
}

// Action is an extra key: Run gets the current plan and returns a status
// line. It is common.KeyAction, so the records and Check steps can run
// it without importing this package.
type Action = common.KeyAction

// Summary is what is printed to the terminal's scroll-back after the
// program exits.
type Summary struct{ Text string }

// Steps returns the wizard's steps, in order.
func Steps(c common.Common, cfg Config) []common.Step {
	return []common.Step{
		welcome.New(c).SavesProgress(cfg.ProgressPath != ""),
		domain.NewModel(c),
		discovery.NewModel(c, cfg.Resolver, cfg.Prepare),
		provider.New(c, cfg.Provider),
		domains.NewModel(c, cfg.Resolver, cfg.Prepare),
		provider.NewForOthers(c, cfg.Provider),
		records.NewModel(c, cfg.Resolver, cfg.SaveDir, cfg.Actions).WithPrepare(cfg.Prepare),
		checking.NewModel(c, cfg.Checker, cfg.Actions),
		advice.NewModel(c).WithTestMessageIn(cfg.TestMessage, cfg.TestMessageDir),
		confirm.NewModel(c, cfg.Checker),
	}
}

// Run runs the wizard full-screen (alternate screen) reading keys from in
// and drawing on out; when it ends, the summary is printed to out, where it
// stays in the scroll-back. opts are added to the program's options (tests
// pass tea.WithoutRenderer, for example).
func Run(ctx context.Context, cfg Config, in io.Reader, out io.Writer, opts ...tea.ProgramOption) (Summary, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	term := out
	if _, ok := out.(*os.File); !ok {
		// os.File serialises concurrent writes itself; anything else is
		// shared between the renderer and the clipboard and bell.
		term = &lockedWriter{w: out}
	}
	m := NewModel(ctx, cfg, term)
	options := append([]tea.ProgramOption{
		tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(term), tea.WithAltScreen(),
	}, opts...)
	final, err := tea.NewProgram(m, options...).Run()
	if fm, ok := final.(*Model); ok {
		m = fm
	}
	if err := m.SaveProgress(); err != nil && m.ProgressErr() == nil {
		// The last word on the progress; said once, after the screen is gone.
		if errors.Is(err, statefile.ErrConflict) {
			fmt.Fprintf(out, "%s.\n", dnscheck.Printable(err.Error()))
		} else {
			fmt.Fprintf(out, "Could not save your progress: %v\n", err)
		}
	}
	sum := m.Summary()
	if sum.Text != "" {
		if _, werr := io.WriteString(out, sum.Text); werr != nil && err == nil {
			err = fmt.Errorf("tui: printing the summary: %w", werr)
		}
	}
	return sum, err
}

// progressFile is the progress file of cfg, nil when progress is not
// saved.
func progressFile(cfg Config) *statefile.File {
	switch {
	case cfg.ProgressPath == "":
		return nil
	case cfg.ProgressFile != nil && cfg.ProgressFile.Path() == cfg.ProgressPath:
		return cfg.ProgressFile
	}
	return statefile.Track(cfg.ProgressPath)
}

// progressFailure is the sentence for a save of the progress that
// failed: another wizard's newer progress is said as such; any other
// failure says the wizard goes on without saving.
func progressFailure(err error) string {
	if errors.Is(err, statefile.ErrConflict) {
		return dnscheck.Printable(err.Error()) + "."
	}
	return "Could not save your progress (" + dnscheck.Printable(err.Error()) + "); the wizard goes on, but cannot resume after quitting."
}

// lockedWriter serialises writes from the renderer and from commands (OSC
// 52, the bell).
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
