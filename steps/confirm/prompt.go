package confirm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/outreach-auth/wizard/core/reports"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/received"
	"github.com/outreach-auth/wizard/tui/common"
)

// headerLine matches the first line of a header block: a field name of
// two characters or more, a colon, then a space or the end ("C:\mail.eml"
// is a path, not a field).
var headerLine = regexp.MustCompile(`^[!-9;-~]{2,}:(\s|$)`)

// Prompt implements common.Prompter: it says how to save a received
// message and asks for its path, or its headers pasted and ended with an
// empty line; Enter alone, or input that ends here, skips. A bad file is said, and asked again. The
// report is the same as 'wizard verify', and the message is recorded in s.
// b goes back to the advice, as at every line prompt: a file really named
// b is typed ./b.
func (m *Model) Prompt(ctx context.Context, lp *common.LinePrompt, s *session.Session) (common.Direction, error) {
	m.sess = s
	lp.Say("")
	lp.Say("Confirm with a real message (optional). DNS can only say the records are right; a message sent by %s and received by you proves the mail passes.", m.Platform.Name)
	lp.Say("How to save a message:")
	for _, h := range received.HowToSave {
		lp.Say("  %s: %s.", h.Client, h.Steps)
	}
	lp.Say("A DMARC aggregate report (.xml, .xml.gz, .zip, or the message it came in) is read too, as 'wizard reports' reads it.")
	if f := s.MessageFile; f != "" && f != m.auto {
		m.auto = f
		if done := m.verifyLine(ctx, lp, s, f, ""); done {
			return common.Forward, nil
		}
	}
	for {
		line, err := lp.Ask("Path of the saved message, or paste its headers and end with an empty line; press Enter alone to skip, or b to go back (a file named b: ./b): ")
		if errors.Is(err, common.ErrInputEnded) {
			// The step is optional: answers that end before it (a
			// script's) skip it, as Enter alone does.
			return common.Forward, nil
		}
		if err != nil {
			return common.Forward, err
		}
		if line == "" {
			return common.Forward, nil
		}
		if common.IsBack(line) {
			return common.Backward, nil
		}
		if !headerLine.MatchString(line) {
			if m.verifyLine(ctx, lp, s, line, "") {
				return common.Forward, nil
			}
			if ctx.Err() != nil {
				return common.Forward, ctx.Err()
			}
			continue
		}
		text, err := readBlock(lp, line)
		if err != nil {
			if errors.Is(err, errTooLong) {
				lp.Say("%s", tooLongText)
				continue
			}
			return common.Forward, err
		}
		if m.verifyLine(ctx, lp, s, PastedSource, text) {
			return common.Forward, nil
		}
		if ctx.Err() != nil {
			return common.Forward, ctx.Err()
		}
	}
}

// errTooLong is a pasted block longer than MaxPaste (tooLongText says it).
var errTooLong = errors.New("confirm: the pasted text is too long")

// readBlock reads the lines of a pasted header block after first, up to
// an empty line (or the end of the input), at most MaxPaste bytes; the
// rest of a block too long is read and dropped.
func readBlock(lp *common.LinePrompt, first string) (string, error) {
	var b strings.Builder
	b.WriteString(first + "\n")
	tooLong := false
	for {
		line, err := lp.In.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("confirm: reading the pasted headers: %w", err)
		}
		trimmed := strings.TrimRight(line, "\r\n")
		if strings.TrimSpace(trimmed) == "" {
			break
		}
		if b.Len()+len(trimmed)+1 > MaxPaste {
			tooLong = true
		} else {
			b.WriteString(trimmed + "\n")
		}
		if err != nil {
			break
		}
	}
	if tooLong {
		return "", errTooLong
	}
	return b.String(), nil
}

// verifyLine verifies the file at path (or text, when given) and writes
// the report, reporting whether there was one; a bad input is said.
func (m *Model) verifyLine(ctx context.Context, lp *common.LinePrompt, s *session.Session, path, text string) bool {
	if text == "" {
		if sum, ok := readReports(ctx, m.checker, m.Platform, path); ok {
			lp.Say("Read %s as DMARC aggregate reports:", dnscheck.Printable(path))
			reports.WriteText(lp.Out, sum)
			m.source, m.summary = path, &sum
			s.AddMessage(m.message(time.Now()))
			return true
		}
	}
	lp.Say("Verifying %s...", dnscheck.Printable(path))
	rep, err := verify(ctx, m.checker, m.Platform, path, text)
	if err != nil {
		lp.Say("%s", common.Capitalise(dnscheck.Printable(strings.TrimPrefix(err.Error(), "received: "))))
		return false
	}
	msg := session.MessageOf(path, rep, time.Now())
	if !s.Has(msg.FromDomain) && len(s.Domains) > 0 {
		lp.Say("%s", dnscheck.Printable(s.MessageNote(msg)))
	}
	received.WriteText(lp.Out, rep)
	m.source, m.report, m.summary = path, rep, nil
	s.AddMessage(msg)
	return true
}
