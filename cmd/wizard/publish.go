package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/core/publish"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui"
)

// tsigKeyEnv holds a key in the form [alg:]name:secret when --tsig-key is
// not given.
const tsigKeyEnv = "WIZARD_TSIG_KEY"

// publishBeforeSend, when set (by tests), runs between the read and the
// update: where a test changes a record as someone else would.
var publishBeforeSend func()

type publishOptions struct {
	keyFile     string
	server      string
	yes         bool
	noWait      bool
	giveUpAfter time.Duration
	allowMD5    bool
	printGrant  bool
	useIPs      bool
	reports     string
}

func newPublishCommand(g *globalOptions, s streams) *cobra.Command {
	o := &publishOptions{}
	cmd := &cobra.Command{
		Use:   "publish DOMAIN...",
		Short: "Publish the records by RFC 2136 dynamic update, signed with a TSIG key",
		Long: `Publish the records 'wizard records' proposes for each DOMAIN by dynamic
update (RFC 2136), signed with a TSIG key: one update per zone, sent to the
zone's primary server (--server, or the server its SOA record names), that
carries exactly the plan's changes. Each change is sent on condition that
what is there is still exactly what was read: if someone changed a record
since, the server refuses, nothing is overwritten, and the new plan is shown.
Other records at the same names are left as they are.

The key: --tsig-key FILE, a BIND key file (key "NAME" { algorithm
hmac-sha256; secret "..."; };) or one line [alg:]name:secret, readable only
by you (chmod 600); or the environment variable WIZARD_TSIG_KEY holding
[alg:]name:secret. hmac-sha256, hmac-sha384 and hmac-sha512 keys are taken;
hmac-md5 only with --allow-hmac-md5. The secret is never shown.

Without --yes the update is shown as an nsupdate script and you are asked
to confirm; without a terminal nothing is sent. After the update the
domains are checked until SPF and DKIM pass (--give-up-after, default 30m),
unless --no-wait.

--print-grant prints what whoever runs the DNS server must configure so
that the key may change exactly these names and types (BIND, Knot,
PowerDNS), or the PowerShell lines to run on a Windows DNS server, and
exits without sending anything.

Exit status: 0 published (or nothing to change), 1 the server refused (not
allowed, wrong key, clock, changed since read) or the domains still do not
pass, 2 bad usage or key file (nothing sent), 3 DNS trouble.`,
		Example: `  wizard publish yourcenter.edu --tsig-key wizard.key
  wizard publish yourcenter.edu --tsig-key wizard.key --server ns0.yourcenter.edu --yes
  wizard publish yourcenter.edu --print-grant --tsig-key wizard.key`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr("publish needs at least one DOMAIN; try 'wizard publish --help'")
			}
			return nil
		},
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPublish(cmd.Context(), g, o, args, s, cmd.Flags().Changed("tsig-key"))
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.keyFile, "tsig-key", "", "the TSIG key: a BIND key file or a file holding [alg:]name:secret (or set "+tsigKeyEnv+")")
	f.StringVar(&o.server, "server", "", "the primary server, HOST[:PORT] (default: the one the zone's SOA record names)")
	f.BoolVar(&o.yes, "yes", false, "send without asking")
	f.BoolVar(&o.noWait, "no-wait", false, "do not check until the records pass after the update")
	f.DurationVar(&o.giveUpAfter, "give-up-after", 30*time.Minute, "stop checking after this long")
	f.BoolVar(&o.allowMD5, "allow-hmac-md5", false, "accept an hmac-md5 key (weak: MD5 is broken)")
	f.BoolVar(&o.printGrant, "print-grant", false, "print the least-privilege grant for the key and exit")
	f.BoolVar(&o.useIPs, "use-ips", false, "as 'wizard records --use-ips': authorise the platform by its ip4: addresses instead of its include")
	f.StringVar(&o.reports, "dmarc-reports", "", "as 'wizard records --dmarc-reports': the mailbox DMARC aggregate reports go to")
	return cmd
}

func runPublish(ctx context.Context, g *globalOptions, o *publishOptions, args []string, s streams, keyGiven bool) error {
	if o.giveUpAfter <= 0 {
		return usageErr("--give-up-after must be positive")
	}
	if o.reports != "" {
		r, err := plan.ParseReportAddress(o.reports)
		if err != nil {
			return usageErr("--dmarc-reports: %s", strings.TrimPrefix(err.Error(), plan.ErrReportAddress.Error()+": "))
		}
		o.reports = r
	}
	var domains []string
	for _, a := range args {
		in, err := normalizeDomain(a)
		if err != nil {
			return err
		}
		domains = append(domains, in.Domain)
	}
	key, haveKey, err := publishKey(o, keyGiven)
	if err != nil {
		return err
	}
	if !haveKey && !o.printGrant {
		return usageErr("publish needs a key: --tsig-key FILE, or %s=[alg:]name:secret", tsigKeyEnv)
	}
	if haveKey && key.Weak() {
		fmt.Fprintln(s.err, "wizard: warning: this key uses hmac-md5, which is weak (MD5 is broken); ask for an hmac-sha256 key")
	}
	server := ""
	if o.server != "" {
		if server, err = dnscheck.ParseServer(o.server); err != nil {
			return usageErr("--server: %s", strings.TrimPrefix(err.Error(), "dnscheck: "))
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
	// As 'wizard records --use-ips' and the records screen's i: the
	// addresses the include lists today, read once for the run (the
	// platform file's, with a warning, when it cannot be read).
	opt := plan.Options{Provider: provider, UseIPs: o.useIPs, DMARCReports: o.reports,
		Addresses: plan.NewPlatformAddresses(checker.Resolver, platform)}
	plans, err := publishPlans(ctx, checker, platform, opt, domains)
	if err != nil {
		return err
	}
	zoneOf := func(name string) string { return dnscheck.FindZone(ctx, checker.Resolver, name) }
	keyName := ""
	if haveKey {
		keyName = key.Name
	}
	grant := plan.GrantFor(keyName, plans, zoneOf)
	if o.printGrant {
		fmt.Fprintln(s.out, grant.Text())
		return nil
	}

	updates, err := publish.Prepare(ctx, plans, publish.Options{Server: server, Resolver: checker.Resolver})
	if err != nil {
		return publishFailed(ctx, err, nil, checker, platform, opt, domains, s)
	}
	if len(updates) == 0 {
		fmt.Fprintln(s.out, "Nothing to change: every record of the plan is already published. Nothing was sent.")
		return nil
	}
	fmt.Fprintf(s.out, "The update to send, signed with key %s (as an nsupdate script; nsupdate -k KEYFILE would send the same):\n\n", key)
	for _, u := range updates {
		fmt.Fprintln(s.out, u.Script())
	}
	if !o.yes {
		ok, err := confirm(ctx, s, "Send it? [y/N] ")
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(s.out, "Nothing sent.")
			return nil
		}
	}
	if publishBeforeSend != nil {
		publishBeforeSend()
	}
	var done []publish.Update
	for _, u := range updates {
		if err := publish.Send(ctx, u, key, 0); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return publishFailed(ctx, err, done, checker, platform, opt, domains, s, grant)
		}
		done = append(done, u)
		fmt.Fprintf(s.out, "Published in %s at %s: %d change(s), as shown above.\n", dnscheck.Printable(strings.TrimSuffix(u.Zone, ".")), dnscheck.Printable(u.Server), len(u.Says()))
		if err := readBack(ctx, u); err != nil {
			return err
		}
	}
	if o.noWait {
		return nil
	}
	return pollPublished(ctx, o, checker, platform, provider, domains, s)
}

// publishKey reads the key from --tsig-key or the environment.
func publishKey(o *publishOptions, keyGiven bool) (publish.Key, bool, error) {
	opt := publish.KeyOptions{AllowMD5: o.allowMD5}
	switch {
	case keyGiven:
		if strings.TrimSpace(o.keyFile) == "" {
			return publish.Key{}, false, usageErr("--tsig-key needs a FILE")
		}
		k, err := publish.ReadKeyFile(o.keyFile, opt)
		if err != nil {
			return k, false, usageErr("%s", strings.TrimPrefix(err.Error(), "publish: "))
		}
		return k, true, nil
	case os.Getenv(tsigKeyEnv) != "":
		k, err := publish.ParseKey(os.Getenv(tsigKeyEnv), opt)
		if err != nil {
			return k, false, usageErr("%s: %s", tsigKeyEnv, strings.TrimPrefix(err.Error(), "publish: "))
		}
		return k, true, nil
	}
	return publish.Key{}, false, nil
}

// publishPlans reads each domain and works out its plan, as 'wizard
// records' does.
func publishPlans(ctx context.Context, checker *dnscheck.Checker, platform *assets.Platform, opt plan.Options, domains []string) ([]plan.Plan, error) {
	q := dnscheck.NewLookup(checker.Resolver)
	var plans []plan.Plan
	for _, d := range domains {
		// The same stages as the wizard's records step (core/session).
		snap := session.Discover(ctx, checker.Querier(), platform, d, nil).Snap
		p, err := session.Plan(ctx, q, platform, session.PlanInputOf(snap, opt))
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		switch {
		case errors.Is(err, plan.ErrLookupFailed):
			return nil, &exitError{code: exitDNS, msg: err.Error() + "; nothing was sent"}
		case err != nil:
			return nil, &exitError{code: exitNotReady, msg: err.Error()}
		}
		plans = append(plans, p)
	}
	return plans, nil
}

// publishFailed says why the update was not applied, and the exit status:
// the grant to ask for when the key is not allowed, the new plan when a
// record changed since it was read.
func publishFailed(ctx context.Context, err error, done []publish.Update, checker *dnscheck.Checker, platform *assets.Platform, opt plan.Options, domains []string, s streams, grant ...plan.Grant) error {
	for _, u := range done {
		fmt.Fprintf(s.out, "Note: the update of %s was applied before this failure.\n", dnscheck.Printable(strings.TrimSuffix(u.Zone, ".")))
	}
	code := exitNotReady
	switch publish.KindOf(err) {
	case publish.KindTrouble:
		code = exitDNS
	case publish.KindRefused:
		if len(grant) > 0 && !grant[0].Empty() {
			fmt.Fprintln(s.out, "The grant to ask for (whoever runs the DNS server configures it):")
			fmt.Fprintln(s.out)
			fmt.Fprint(s.out, grant[0].Text())
		}
	case publish.KindChanged:
		// Never resent: read again and show what the plan is now.
		plans, perr := publishPlans(ctx, checker, platform, opt, domains)
		if perr == nil {
			fmt.Fprintln(s.out, "Read again; the plan is now:")
			fmt.Fprintln(s.out)
			for _, p := range plans {
				if werr := plan.WriteText(s.out, p); werr != nil {
					return werr
				}
			}
			fmt.Fprintln(s.out, "Nothing was sent again; run 'wizard publish' once more to publish this plan.")
		}
	case 0:
		return err
	}
	return &exitError{code: code, msg: err.Error()}
}

// readBack checks that the primary holds every record u added: a server
// may accept an update and leave a record out (a CNAME beside other
// records at its name is ignored).
func readBack(ctx context.Context, u publish.Update) error {
	missing, err := u.Missing(ctx, 0)
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case err != nil:
		return &exitError{code: exitDNS, msg: "the update was accepted, but reading it back failed: " + err.Error()}
	case len(missing) > 0:
		return &exitError{code: exitNotReady, msg: fmt.Sprintf("the server at %s accepted the update of %s but does not hold %s (a CNAME is ignored where the name holds other records); look at that name on the server",
			dnscheck.Printable(u.Server), dnscheck.Printable(strings.TrimSuffix(u.Zone, ".")), strings.Join(missing, "; "))}
	}
	return nil
}

// confirm asks on the terminal; without one it sends nothing (exit 2).
func confirm(ctx context.Context, s streams, question string) (bool, error) {
	f, ok := s.in.(*os.File)
	if !ok || !(isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
		return false, usageErr("nothing sent: add --yes to send")
	}
	fmt.Fprint(s.err, question)
	line, err := bufio.NewReader(io.LimitReader(readerWithContext(ctx, s.in), 1024)).ReadString('\n')
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil && line == "" {
		return false, nil
	}
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "y" || answer == "yes", nil
}

// pollPublished checks the domains as 'wizard check --watch' does until
// SPF and DKIM pass, or --give-up-after.
func pollPublished(ctx context.Context, o *publishOptions, checker *dnscheck.Checker, platform *assets.Platform, provider *assets.Provider, domains []string, s streams) error {
	exp, err := checks.Expect(platform, provider, nil)
	if err != nil {
		return usageErr("%v", err)
	}
	st := stylesFor(s.out)
	check := func(ctx context.Context) []dnscheck.DomainReport {
		return checks.CheckAll(ctx, checker, domains, exp, nil)
	}
	fmt.Fprintln(s.out)
	fmt.Fprintln(s.out, "Checking the domains' authoritative servers until SPF and DKIM pass…")
	reports := check(ctx)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	wctx, cancel := context.WithTimeout(ctx, o.giveUpAfter)
	defer cancel()
	reports = watch(wctx, check, reports, false, platform.Name, s.out, st)
	if err := ctx.Err(); err != nil {
		return err
	}
	fmt.Fprintln(s.out)
	writeHuman(s.out, reports, platform, st)
	return silentExit(exitStatus(reports))
}

// publishAction is the wizard's u key ("update DNS for me") on the records
// and Check steps: the plan shown, published as 'wizard publish --yes'
// does, signed with the key of the wizard's --tsig-key or WIZARD_TSIG_KEY,
// or else the key file u asks for (asked again after a key that failed).
// The checks that follow see the records as soon as the server has them.
// server is the primary ("" = the zone's SOA MNAME).
func publishAction(g *globalOptions, keyFile, server *string, allowMD5 *bool) tui.Action {
	var mu sync.Mutex
	answered := "" // the key file typed at u's question
	file := func() string {
		mu.Lock()
		defer mu.Unlock()
		if *keyFile != "" {
			return *keyFile
		}
		return answered
	}
	return tui.Action{
		Key: key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "update DNS for me")),
		// A dynamic update changes DNS: what was read before is older.
		ChangesDNS: true,
		Ask: func() string {
			if file() != "" || os.Getenv(tsigKeyEnv) != "" {
				return ""
			}
			return "TSIG key file (BIND key file or [alg:]name:secret; chmod 600):"
		},
		Answer: func(text string) {
			mu.Lock()
			answered = text
			mu.Unlock()
		},
		Run: func(ctx context.Context, p plan.Plan) (string, error) {
			path := file()
			k, ok, err := publishKey(&publishOptions{keyFile: path, allowMD5: *allowMD5}, path != "")
			switch {
			case err != nil:
				mu.Lock()
				answered = "" // asked again at the next u
				mu.Unlock()
				return "", err
			case !ok:
				return "", errors.New("no key given: press u on the records step and type the key file's path, or start the wizard with --tsig-key FILE (or set " + tsigKeyEnv + "); 'wizard publish " + p.Domain + " --print-grant' says what key to ask for")
			}
			checker, err := g.checker()
			if err != nil {
				return "", err
			}
			updates, err := publish.Prepare(ctx, []plan.Plan{p}, publish.Options{Server: *server, Resolver: checker.Resolver})
			if err != nil {
				return "", err
			}
			if len(updates) == 0 {
				return "Nothing to change for " + p.Domain + ": every record is already published.", nil
			}
			n := 0
			for _, u := range updates {
				if err := publish.Send(ctx, u, k, 0); err != nil {
					return "", err
				}
				n += len(u.Says())
			}
			return fmt.Sprintf("Published %d change(s) for %s by dynamic update, signed with key %s.", n, p.Domain, k), nil
		},
	}
}
