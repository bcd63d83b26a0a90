package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/statefile"
	"github.com/outreach-auth/wizard/tui/common"
)

// ErrInputEnded is returned by RunAccessible when its input ends before
// the wizard does.
var ErrInputEnded = common.ErrInputEnded

// RunAccessible runs the same steps as Run as plain line prompts: one
// question per line, answered with a line, no cursor movement and no
// colour, for screen readers, TERM=dumb and input that is not a terminal.
// It starts with the banner (the demo's), and ends with the same advice
// and the same summary as Run (SummaryText, at cfg.Width). Typing q at
// any prompt stops, printing the summary so far.
func RunAccessible(ctx context.Context, cfg Config, in io.Reader, out io.Writer) error {
	// Lines are wrapped at words to the terminal's width when it is
	// known; the summary is wrapped already (and keeps commands whole).
	lines := io.Writer(out)
	if cfg.Width > 0 {
		lines = common.NewWrapWriter(out, cfg.Width)
	}
	a := &accessible{ctx: ctx, cfg: cfg, p: cfg.Platform, lp: common.NewLinePrompt(in, lines), out: out, sess: &session.Session{Simulated: cfg.Simulated},
		steps: Steps(common.NewCommon(ctx, cfg.Platform), cfg), file: progressFile(cfg)}
	a.ids = stepIDs(a.steps)
	if cfg.Banner != "" {
		a.say("%s", cfg.Banner)
	}
	err := a.run()
	if ww, ok := lines.(*common.WrapWriter); ok {
		ww.Flush()
	}
	if err != nil && !errors.Is(err, common.ErrQuit) {
		return err
	}
	if s := SummaryText(a.p, a.sess, cfg.Width); s != "" {
		a.say("")
		if _, werr := io.WriteString(out, s); werr != nil {
			return fmt.Errorf("tui: printing the summary: %w", werr)
		}
	}
	return nil
}

type accessible struct {
	ctx  context.Context
	cfg  Config
	p    *assets.Platform
	lp   *common.LinePrompt
	out  io.Writer
	sess *session.Session
	// steps are the wizard's steps, in order, and ids their IDs.
	steps []common.Step
	ids   []session.StepID
	// file is the progress file (nil: progress is not saved).
	file *statefile.File
	// saveFailed stops saving after a failure has been said.
	saveFailed bool
}

func (a *accessible) say(format string, args ...any) { a.lp.Say(format, args...) }

// ask prints prompt and reads one line, trimmed; "q" quits.
func (a *accessible) ask(prompt string) (string, error) { return a.lp.Ask(prompt) }

// run walks the steps in order, asking each its question as line
// prompts; a step that goes back (Backward) asks the one before it
// again. The offer to resume comes after the welcome. The progress is
// saved as each step is reached, as in the full-screen wizard.
func (a *accessible) run() error {
	entered := common.Forward
	for i := 0; i < len(a.steps); {
		id := a.ids[i]
		if sk, ok := a.steps[i].(common.Skipper); ok && sk.Skip(a.sess) {
			// Nothing to ask: on in the direction the person was going.
			if entered == common.Backward && i > 0 {
				i--
			} else {
				i++
			}
			continue
		}
		a.lp.Saved = func() { a.save(id) }
		a.lp.Entered = entered
		p, ok := a.steps[i].(common.Prompter)
		if !ok {
			return fmt.Errorf("tui: the %s step has no line prompts", id)
		}
		dir, err := p.Prompt(a.ctx, a.lp, a.sess)
		if err != nil {
			return err
		}
		entered = dir
		if dir == common.Backward {
			i = max(i-1, 0)
			continue
		}
		if i == 0 {
			if err := a.offerResume(); err != nil {
				return err
			}
		}
		if i++; i < len(a.steps) {
			a.save(a.ids[i])
		}
	}
	return nil
}

// offerResume asks whether to resume the progress saved last time; the
// session restored replaces the empty one, with CheckAtOnce set when it
// had reached the checks.
func (a *accessible) offerResume() error {
	prog := a.cfg.Resume
	if !prog.Resumable(a.p) {
		return nil
	}
	a.say("%s", prog.Summary())
	for _, l := range prog.LastCheck() {
		a.say("  Last check of %s.", l.Text)
	}
	for {
		line, err := a.ask("Press Enter to resume (the domains are looked up and checked again), or f to start fresh: ")
		if err != nil {
			return err
		}
		switch strings.ToLower(line) {
		case "f":
			a.forget()
			return nil
		case "":
			s, at, err := prog.Restore()
			if err != nil {
				a.say("Could not resume: %s. Starting fresh.", strings.TrimPrefix(err.Error(), "session: "))
				return nil
			}
			s.CheckAtOnce = at == session.StepCheck
			s.Simulated = a.cfg.Simulated
			a.sess = s
			return nil
		}
		if common.IsBack(line) {
			a.say("This is the start: there is nothing before it. Press Enter to resume, or type f to start fresh.")
			continue
		}
		a.say("Press Enter or type f.")
	}
}

// forget removes the saved progress (the person chose to start fresh).
func (a *accessible) forget() {
	if a.file == nil {
		return
	}
	if err := a.file.Remove(); err != nil {
		a.say("Could not remove the saved progress: %s.", dnscheck.Printable(err.Error()))
	}
}

// save writes the progress at step, when progress is saved; a failure is
// said once.
func (a *accessible) save(step session.StepID) {
	if a.file == nil || a.saveFailed {
		return
	}
	prog, ok := a.sess.Progress(a.p.Name, step, time.Now())
	if !ok {
		return
	}
	if err := a.file.Save(prog); err != nil {
		a.saveFailed = true
		a.say("%s", progressFailure(err))
	}
}
