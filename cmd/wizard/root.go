package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/domainname"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui"
)

// Exit statuses (the contract in docs/commands.md).
const (
	exitOK       = 0
	exitNotReady = 1
	exitUsage    = 2
	exitDNS      = 3
)

type streams struct {
	in       io.Reader
	out, err io.Writer
	// errTerminal reports whether err is a terminal (progress lines are
	// drawn only there); nil means err is one when it is a terminal
	// *os.File. Tests set it.
	errTerminal func() bool
}

// exitError carries an exit status and a one-line reason.
type exitError struct {
	code int
	msg  string
	// done says the command's output was written in full (its verdict
	// stands even when a signal came after it).
	done bool
}

func (e *exitError) Error() string { return e.msg }

func usageErr(format string, args ...any) error {
	return &exitError{code: exitUsage, msg: fmt.Sprintf(format, args...)}
}

// silentExit ends the command with a status after its output was
// written in full.
func silentExit(code int) error { return &exitError{code: code, done: true} }

// globalOptions are the flags every command shares.
type globalOptions struct {
	dnsServer    string
	platformFile string
	providerID   string
	accessible   bool

	// dnsServerGiven reports that --dns-server was given, even empty:
	// an empty value is refused, not read as "the system resolver".
	dnsServerGiven func() bool
}

// run builds the command tree, runs it and returns the exit status.
func run(ctx context.Context, args []string, s streams) int {
	root := newRootCommand(s)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	isExit := errors.As(err, &ee)
	if sig, ok := interruptOf(ctx); ok && !(isExit && ee.done) {
		// Whatever the command made of its lookups and reads cut short
		// is not a verdict: say only that it was interrupted.
		fmt.Fprintln(s.err, "wizard: interrupted")
		return sig.code()
	}
	if isExit {
		if ee.msg != "" {
			fmt.Fprintf(s.err, "wizard: %s\n", oneLine(ee.msg))
		}
		return ee.code
	}
	// Cobra's own errors (unknown command, bad flag, wrong argument count)
	// are usage errors: one line, with where to find help.
	fmt.Fprintf(s.err, "wizard: %s; run 'wizard --help' for usage\n", strings.TrimSuffix(oneLine(err.Error()), "."))
	return exitUsage
}

func oneLine(s string) string {
	return dnscheck.Printable(strings.Join(strings.Fields(s), " "))
}

func newRootCommand(s streams) *cobra.Command {
	g := &globalOptions{}
	io := &interactiveOptions{}
	var tsigKey string
	var allowMD5 bool
	root := &cobra.Command{
		Use:   "wizard",
		Short: "Set up and prove SPF, DKIM and DMARC for your sending platform",
		Long: `wizard walks you through publishing the DNS records that let the platform
(by default Neoserra by OutreachSystems) send mail as your own domain, and
checks until receivers will accept it.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return nil
			}
			msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.Name())
			if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
				msg += " (did you mean " + strings.Join(s, " or ") + "?)"
			}
			return usageErr("%s; run 'wizard --help' for the commands", msg)
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			io.saveProgress = true
			return runInteractive(cmd.Context(), g, io, s, tui.Config{Actions: []tui.Action{publishAction(g, &tsigKey, new(string), &allowMD5)}})
		},
	}
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr("%v", err) })
	pf := root.PersistentFlags()
	pf.StringVar(&g.dnsServer, "dns-server", "", "send every DNS query to this server (HOST[:PORT]); no authoritative discovery")
	g.dnsServerGiven = func() bool { return pf.Changed("dns-server") }
	pf.StringVar(&g.platformFile, "platform", "", "platform file (JSON) to use instead of the built-in Neoserra one")
	pf.StringVar(&g.providerID, "provider", "", "your organisation's mail provider (see 'wizard providers'); detected from MX when omitted")
	pf.BoolVar(&g.accessible, "accessible", false, "ask the questions as plain line prompts (also when TERM=dumb or there is no terminal)")
	io.register(root)
	root.Flags().BoolVar(&io.fresh, "fresh", false, "start over: forget the progress saved last time")
	root.Flags().StringVar(&tsigKey, "tsig-key", "", "the TSIG key u (update DNS for me) signs with: a BIND key file or [alg:]name:secret (or set "+tsigKeyEnv+"); see 'wizard publish'")
	root.Flags().BoolVar(&allowMD5, "allow-hmac-md5", false, "accept an hmac-md5 key for u (weak: MD5 is broken)")
	addVersionFlag(root)

	root.AddCommand(newDemoCommand(g, s), newCheckCommand(g, s), newRecordsCommand(g, s), newProvidersCommand(s))
	root.AddCommand(newVerifyCommand(g, s))
	root.AddCommand(newReportsCommand(g, s))
	root.AddCommand(newPublishCommand(g, s))
	return root
}

// platform loads the platform named by --platform, or the built-in one.
func (g *globalOptions) platform() (*assets.Platform, error) {
	if g.platformFile == "" {
		if err := assets.CheckEmbedded(); err != nil {
			return nil, fmt.Errorf("built-in catalogs are broken: %w", err)
		}
		return assets.DefaultPlatform(), nil
	}
	p, err := assets.LoadPlatform(g.platformFile)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return p, nil
}

// platformAndProvider loads both, for commands that need the two.
func (g *globalOptions) platformAndProvider() (*assets.Platform, *assets.Provider, error) {
	platform, err := g.platform()
	if err != nil {
		return nil, nil, err
	}
	provider, err := g.provider()
	return platform, provider, err
}

// provider returns the provider named by --provider, or nil.
func (g *globalOptions) provider() (*assets.Provider, error) {
	if g.providerID == "" {
		return nil, nil
	}
	if p, ok := assets.ProviderByID(strings.ToLower(g.providerID)); ok {
		return &p, nil
	}
	// Anything else is read as an include or addresses ("other").
	p, err := assets.CustomProvider(g.providerID)
	if err != nil {
		return nil, usageErr("--provider %q is neither a provider id (see 'wizard providers') nor an SPF include or address: %v", g.providerID, err)
	}
	return &p, nil
}

// queryTimeout bounds one query of the client; a test checking thousands
// of domains on a busy machine raises it.
var queryTimeout = dnscheck.DefaultTimeout

// client returns the DNS client: the --dns-server, or the system resolvers.
func (g *globalOptions) client() (*dnscheck.Client, error) {
	if g.dnsServer != "" || g.dnsServerGiven() {
		if strings.TrimSpace(g.dnsServer) == "" {
			return nil, usageErr("--dns-server needs a server: HOST or HOST:PORT, e.g. --dns-server 192.0.2.53")
		}
		server, err := dnscheck.ParseServer(g.dnsServer)
		if err != nil {
			return nil, usageErr("--dns-server: %s", strings.TrimPrefix(err.Error(), "dnscheck: "))
		}
		return dnscheck.NewClient(dnscheck.WithServers(server), dnscheck.WithTimeout(queryTimeout)), nil
	}
	servers, err := dnscheck.SystemServers()
	if err != nil {
		return nil, &exitError{code: exitDNS, msg: err.Error()}
	}
	return dnscheck.NewClient(dnscheck.WithServers(servers...), dnscheck.WithTimeout(queryTimeout)), nil
}

// checker returns the checker: every query to --dns-server, or the
// domain's authoritative servers found through the system resolvers.
func (g *globalOptions) checker() (*dnscheck.Checker, error) {
	client, err := g.client()
	if err != nil {
		return nil, err
	}
	return &dnscheck.Checker{Resolver: client, Direct: g.dnsServer != ""}, nil
}

// normalizeDomain applies the one domain-input rule and turns a refusal
// into a usage error.
func normalizeDomain(arg string) (domainname.Input, error) {
	in, err := domainname.Normalize(arg)
	if err != nil {
		return in, usageErr("%v", err)
	}
	return in, nil
}
