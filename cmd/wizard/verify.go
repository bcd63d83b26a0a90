package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/spf13/cobra"

	"github.com/outreach-auth/wizard/received"
)

type verifyOptions struct {
	json bool
	ip   string
}

func newVerifyCommand(g *globalOptions, s streams) *cobra.Command {
	o := &verifyOptions{}
	cmd := &cobra.Command{
		Use:   "verify MESSAGE",
		Short: "Verify a received message end to end (DKIM, SPF, DMARC)",
		Long: `Verify one message as it was received: MESSAGE is the file a mail client
saved ("-" reads it from standard input). It reports who sent it and whether
through the platform, every DKIM signature verified now (keys fetched through
the same DNS path as 'wizard check'), SPF for the address that handed the
message to your mail server and the Return-Path domain, the DMARC policy and
result for the From domain, what your mail server itself wrote in
Authentication-Results, and the verdict on the platform's setting.

Where to get the file:
` + saveHowHelp() + `
Only the headers are shown; the body is read for its hash and never
printed or stored. A file with only the headers is accepted: the body hash
is then reported as not checkable.

Exit status: 0 DMARC passes for the From domain, 1 it does not (or cannot be
told from the headers alone), 2 bad usage or input, 3 DNS could not answer.`,
		Example: `  wizard verify test-message.eml
  wizard verify --json test-message.eml > verify.json
  pbpaste | wizard verify -
  wizard verify --ip 107.20.160.162 headers.txt`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErr("verify needs one MESSAGE (a saved .eml file, or - for standard input); try 'wizard verify --help'")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVerify(cmd.Context(), g, o, args[0], s)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.json, "json", false, "print the report as JSON")
	f.StringVar(&o.ip, "ip", "", "the address that handed the message to your mail server, when its headers do not say")
	return cmd
}

func runVerify(ctx context.Context, g *globalOptions, o *verifyOptions, name string, s streams) error {
	opts := received.Options{}
	if o.ip != "" {
		ip, err := netip.ParseAddr(o.ip)
		if err != nil {
			return usageErr("--ip %q is not an IP address", o.ip)
		}
		opts.IP = ip.Unmap()
	}
	platform, err := g.platform()
	if err != nil {
		return err
	}
	opts.Platform = platform
	in, closeIn, err := openMessage(ctx, name, s.in)
	if err != nil {
		return err
	}
	defer closeIn()
	checker, err := g.checker()
	if err != nil {
		return err
	}
	opts.Checker = checker

	rep, err := received.Verify(ctx, in, opts)
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, received.ErrBadInput):
		return usageErr("%s: %v", messageName(name), err)
	case err != nil:
		return usageErr("%s: %v", messageName(name), err)
	}
	if o.json {
		enc := json.NewEncoder(s.out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return fmt.Errorf("writing JSON: %w", err)
		}
	} else {
		received.WriteText(s.out, rep)
	}
	switch rep.Verdict {
	case received.VerdictPass:
		return silentExit(exitOK)
	case received.VerdictError:
		return silentExit(exitDNS)
	}
	return silentExit(exitNotReady)
}

// messageName names the input in messages.
func messageName(name string) string {
	if name == "-" {
		return "standard input"
	}
	return fmt.Sprintf("%q", name)
}

// openMessage opens the message file ("-": in, read so that an interrupt
// abandons a read that waits). A directory, a FIFO or device, a missing
// file or one larger than received.MaxMessageBytes is refused before it
// is read (received.OpenFile says why).
func openMessage(ctx context.Context, name string, in io.Reader) (io.Reader, func(), error) {
	if name == "-" {
		return readerWithContext(ctx, in), func() {}, nil
	}
	f, err := received.OpenFile(name)
	if err != nil {
		return nil, nil, usageErr("%v", err)
	}
	return f, func() { f.Close() }, nil
}

// saveHowHelp is the "where to get the file" part of verify's help, from
// received.HowToSave.
func saveHowHelp() string {
	var b strings.Builder
	for _, h := range received.HowToSave {
		fmt.Fprintf(&b, "  %-18s %s\n", h.Client+":", h.Steps)
	}
	return b.String()
}
