// Package plan works out the DNS records a domain must publish for the
// platform (its DKIM CNAME, one merged SPF record, a starting DMARC record),
// written the way the domain's DNS host wants them, from the mail provider
// chosen, and renders them as text, a zone-file snippet, JSON or the
// hand-off sheet for whoever edits DNS.
package plan

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/audience"
	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/dnscheck"
)

// Action says what to do with a record.
type Action string

// Actions.
const (
	ActionAdd     Action = "add"     // create the record
	ActionReplace Action = "replace" // change the existing record(s) to this value
	ActionKeep    Action = "keep"    // already right
	ActionDelete  Action = "delete"  // remove this record
	// ActionAskOwner: the change belongs at a name this domain does not
	// control (the target of the domain's alias); Name is that name, and
	// its owner must make it.
	ActionAskOwner Action = "ask-owner"
)

// Purposes of records.
const (
	PurposeDKIM  = "dkim"
	PurposeSPF   = "spf"
	PurposeDMARC = "dmarc"
)

// DefaultTTL is the TTL suggested for new records: short, so a mistake is
// corrected quickly.
const DefaultTTL = 3600

// Record is one DNS record to publish, change, keep or delete.
type Record struct {
	Purpose   string   `json:"purpose"`
	Type      string   `json:"type"`
	Name      string   `json:"name"`       // fully qualified, with trailing dot
	HostField string   `json:"host_field"` // what to type in the DNS host's name box
	Value     string   `json:"value"`      // the record's value, unquoted
	Action    Action   `json:"action"`
	Replaces  []string `json:"replaces"` // the values it replaces or deletes
	// FormValue is Value as the DNS host's form wants it (quoted and split
	// for some hosts).
	FormValue string `json:"form_value"`
	// Strings are a TXT record's character-strings for a zone file (each
	// at most 255 bytes, cut only between SPF terms where it can be; see
	// assets.SplitTXT), joining back to Value; nil, and left out of JSON,
	// for other types.
	Strings []string `json:"strings,omitempty"`
	Notes   []string `json:"notes"`
	// Organisational is set on the organisational domain's DMARC record
	// kept for a subdomain: someone else's record, shown, never changed.
	Organisational bool `json:"-"`
	// Broken is set on a record kept as it is that receivers treat as
	// broken, which the plan cannot repair: it needs fixing by hand (the
	// notes say how), never "no change needed".
	Broken bool `json:"-"`
}

// Plan is everything a person must do in DNS for one domain.
type Plan struct {
	Domain   string           `json:"domain"`
	Zone     string           `json:"zone"`
	DNSHost  string           `json:"dns_host"`
	Provider string           `json:"provider"`
	Records  []Record         `json:"records"`
	Host     assets.DNSHost   `json:"-"`
	Platform *assets.Platform `json:"-"`
	// NameServers are the domain's NS records as discovery found them
	// (text from DNS).
	NameServers []string `json:"-"`
	// ProviderReason says how the provider was chosen.
	ProviderReason string `json:"provider_reason"`
	// SPFLookups counts the DNS lookups the SPF record to publish costs a
	// receiver (at most 10 are allowed); SPFCosts breaks it down by term.
	SPFLookups int                    `json:"spf_lookups"`
	SPFCosts   []dnscheck.IncludeCost `json:"-"`
	// Warnings are plain sentences: first how the DNS host's form wants
	// TXT values (assets.DNSHost.QuoteRule) and its pitfalls, then lookups over
	// the limit, lookups that failed.
	Warnings []string `json:"warnings"`
	// Simulated says the plan is of a simulated domain (wizard demo): the
	// hand-off sheet says its commands are for the real domain.
	Simulated bool `json:"-"`
}

// HostWords names the domain's DNS host for a person: its name when the
// catalog knows it, else "not recognised" and the name servers (made
// printable), never the catalog's stand-in name.
func (p Plan) HostWords() string {
	if p.Host.ID != "" && p.Host.ID != assets.GenericDNSHostID && p.DNSHost != "" {
		return dnscheck.Printable(p.DNSHost)
	}
	if len(p.NameServers) == 0 {
		return "not recognised"
	}
	return "not recognised (" + dnscheck.Printable(strings.Join(p.NameServers, ", ")) + ")"
}

// NotesFor returns r's notes worded for audience a. Notes holds them in
// the words of a command's output ('wizard records', its JSON), which may
// name other commands; inside the wizard (audience.Wizard) a note points
// to the wizard's steps instead, and on the hand-off sheet
// (audience.Sheet), read by whoever edits DNS, it names neither.
func (r Record) NotesFor(a audience.Audience) []string {
	out := slices.Clone(r.Notes)
	for i, n := range out {
		if n == noReportsNote {
			out[i] = noReportsNoteFor(a)
		}
	}
	return out
}

// WarningsFor returns p's warnings worded for audience a, as
// Record.NotesFor does the notes.
func (p Plan) WarningsFor(a audience.Audience) []string {
	out := slices.Clone(p.Warnings)
	for i, w := range out {
		if fact, ok := strings.CutSuffix(w, " "+tellProvider); ok {
			out[i] = fact + " " + tellProviderFor(a)
		}
		if fact, ok := strings.CutSuffix(w, " "+askThen); ok {
			out[i] = fact + " " + askThenFor(a)
		}
	}
	return out
}

// askThen ends the warning on a provider whose SPF entry is per customer,
// in the words of a command's output; askThenFor words it for each
// audience.
const askThen = "Then run again with --provider include:<that domain> (or choose \"Another mail provider\" in the wizard)."

func askThenFor(a audience.Audience) string {
	switch a {
	case audience.Wizard:
		return "Then choose \"Another mail provider\" on the Mail provider screen (a few steps back) and type it."
	case audience.Sheet:
		return "Then add it to the SPF record, before the all term."
	}
	return askThen
}

// tellProvider ends the warning on a mail server the catalog does not
// know, in the words of a command's output; tellProviderFor words it for
// each audience.
const tellProvider = "Tell the wizard what sends your mail: run again with --provider ID (see 'wizard providers') or --provider include:<its SPF domain>."

func tellProviderFor(a audience.Audience) string {
	switch a {
	case audience.Wizard:
		return "If you know what sends your mail, choose it on the Mail provider screen (a few steps back)."
	case audience.Sheet:
		return "If you know what sends your organisation's mail, add its include: term (its documentation names it) before the all term."
	}
	return tellProvider
}

// Plans are the plans of every domain the wizard sets up, in order; the
// records step stores them in the wizard's state.
type Plans []Plan

// For returns the plan for domain, or the zero Plan when there is none.
func (ps Plans) For(domain string) Plan {
	for _, p := range ps {
		if p.Domain == domain {
			return p
		}
	}
	return Plan{}
}

// Options shape the plan.
type Options struct {
	// Provider is the organisation's own mail provider; nil means the one
	// detected from MX (none when nothing matched).
	Provider *assets.Provider
	// UseIPs writes the platform's ip4: list instead of its include.
	UseIPs bool
	// PlatformIPs, when set, is the list UseIPs writes: the platform's
	// addresses as its include lists them today
	// (dnscheck.ExpandPlatformIPs), instead of the platform file's. An
	// address of the platform file that it lacks is taken out of the
	// record.
	PlatformIPs []netip.Prefix
	// Addresses, when set and PlatformIPs is not, gives the list UseIPs
	// writes: the run's one reading of the platform's include, or the
	// platform file's list when it cannot be read (then said in a
	// warning). The records screen and 'wizard records' both use it.
	Addresses *PlatformAddresses
	// Earlier are the providers chosen before Provider in this run of the
	// wizard, and FirstSPF the domain's SPF records as first read in it.
	// The SPF terms of an earlier provider that the first read did not
	// hold (the run added them) and that neither Provider nor the
	// platform uses are taken out of the record, with a note. A nil
	// FirstSPF takes nothing out.
	Earlier  []assets.Provider
	FirstSPF []string
	// DMARCReports, when set, is the address (as ParseReportAddress
	// returns it) the domain's own DMARC record sends aggregate reports
	// to: the record proposed gets rua=mailto:<it>, and a published record
	// without rua= is changed to add it. It never touches an
	// organisation's policy or a record that already has rua=.
	DMARCReports string
	// ReportsFrom are the session's other domains, whose DMARC records
	// send their reports to DMARCReports too: when that address is at
	// this domain and outside their organisation, the plan gets the
	// permission record each needs (<other>._report._dmarc.<here>).
	ReportsFrom []string
}

// Build works out the plan for a domain from what it publishes today. The
// only DNS it asks is for the SPF record it proposes (its include tree:
// the lookup count, and includes that make it broken, which it drops; and
// its evaluation for the platform's addresses), and for the permission
// records of reports addresses outside the organisation (reportdest.go).
//
// When DNS did not answer a lookup that a record depends on (the domain's
// TXT records for SPF, the DKIM name, the DMARC name, or the MX records
// when no provider was chosen), Build proposes nothing: what is published
// there is unknown, not absent, and "add" could create a second record. It
// then returns a *LookupError, which wraps ErrLookupFailed. Other failed
// lookups (NS, the doubled DKIM name) only add a warning.
func Build(ctx context.Context, q dnscheck.Querier, snap discovery.Snapshot, p *assets.Platform, opt Options) (Plan, error) {
	plan := Plan{Domain: snap.Domain, Zone: snap.Zone, Host: snap.DNSHost, DNSHost: snap.DNSHost.Name, Platform: p, NameServers: slices.Clone(snap.NS)}
	// How the host's form wants names and values comes first: those
	// notes prevent the mistakes made while typing the records.
	plan.Warnings = snap.DNSHost.Notes()
	if plan.Zone == "" {
		plan.Zone = snap.Domain
	}
	if tooLong, dkim, dmarc := dnscheck.DomainTooLong(snap.Domain, dnscheck.Expectation{PlatformName: p.Name, DKIMSelector: p.DKIM.Selector}); dkim || dmarc {
		return plan, &TooLongError{Domain: snap.Domain, Problem: tooLong}
	}
	if failed := blockingTrouble(snap, opt); len(failed) > 0 {
		return plan, &LookupError{Domain: snap.Domain, Trouble: failed}
	}
	ipsWarning := platformAddresses(ctx, p, &opt)
	choice := chooseProvider(snap, opt.Provider)
	plan.Provider, plan.ProviderReason = choice.provider.Name, choice.reason
	if choice.warning != "" {
		plan.Warnings = append(plan.Warnings, choice.warning)
	}

	plan.Records = append(plan.Records, dkimRecords(snap, p)...)
	spf := spfRecord(snap, choice, p, opt)
	spf, walk, treeWarnings, walked := dropBrokenSPF(ctx, q, snap.Domain, spf, wantedTerm(choice.provider.SPFTerms(), p))
	plan.Records = append(plan.Records, spf)
	dkimInPlace := slices.ContainsFunc(plan.Records, func(r Record) bool {
		return r.Purpose == PurposeDKIM && r.Action == ActionKeep && r.Name == snap.DKIMName
	})
	plan.Records = append(plan.Records, dmarcRecord(snap, opt.DMARCReports, dkimInPlace))
	plan.Records = append(plan.Records, reportPermissions(ctx, q, snap.Domain, opt)...)
	for i := range plan.Records {
		r := &plan.Records[i]
		r.HostField = snap.DNSHost.HostField(r.Name, plan.Zone)
		r.FormValue = r.Value
		if r.Type == "TXT" {
			r.Strings = assets.SplitTXT(r.Value)
			r.FormValue = snap.DNSHost.TXTValue(r.Value)
		}
		if warn := sizeWarning(*r, opt.UseIPs); warn != "" {
			plan.Warnings = append(plan.Warnings, warn)
		}
	}

	if walked {
		plan.SPFLookups, plan.SPFCosts = walk.Lookups, walk.IncludeCosts()
		if walk.Lookups > dnscheck.MaxSPFLookups {
			plan.Warnings = append(plan.Warnings, lookupWarning(walk, opt.UseIPs))
		}
		plan.Warnings = append(plan.Warnings, treeWarnings...)
		if len(treeWarnings) == 0 && walk.Lookups <= dnscheck.MaxSPFLookups {
			// What the tree does not show (names built by macros) shows
			// when the record is evaluated for the platform's addresses.
			var ips []netip.Addr
			for _, n := range p.SPF.IPs {
				ips = append(ips, n.Addr())
			}
			if breaks := dnscheck.ProposedSPFBreaks(ctx, q, snap.Domain, spf.Value, ips); len(breaks) > 0 {
				var removed []string
				if at := slices.IndexFunc(plan.Records, func(r Record) bool { return r.Purpose == PurposeSPF && r.Value == spf.Value }); at >= 0 {
					r := &plan.Records[at]
					*r, removed = fixSPFBreaks(ctx, q, snap.Domain, *r, ips, breaks, wantedTerm(choice.provider.SPFTerms(), p))
					r.FormValue, r.Strings = snap.DNSHost.TXTValue(r.Value), assets.SplitTXT(r.Value)
					spf = *r
				}
				for _, why := range breaks {
					if len(removed) > 0 {
						plan.Warnings = append(plan.Warnings, "Receivers would treat the SPF record with "+dnscheck.Printable(strings.Join(removed, " "))+" as broken for "+p.Name+"'s mail: "+why+". The record proposed here leaves those terms out.")
						continue
					}
					plan.Warnings = append(plan.Warnings, "Receivers would treat this SPF record as broken for "+p.Name+"'s mail: "+why+". Remove the terms that cause it.")
				}
				if len(removed) > 0 {
					if rec, err := dnscheck.ParseSPF(spf.Value); err == nil {
						w := dnscheck.WalkSPF(ctx, q, snap.Domain, rec)
						plan.SPFLookups, plan.SPFCosts = w.Lookups, w.IncludeCosts()
					}
				}
			}
		}
	}
	noteReportDestinations(ctx, q, &plan)
	for _, t := range snap.Trouble {
		plan.Warnings = append(plan.Warnings, fmt.Sprintf("DNS did not answer %s, so this plan may miss what is there; run it again.", t))
	}
	if ipsWarning != "" {
		plan.Warnings = append(plan.Warnings, ipsWarning)
	}
	return plan, nil
}

// ErrDomainTooLong is wrapped by the error Build returns when the
// platform's DKIM name or the DMARC name under the domain would be longer
// than a DNS name can be: no record can be proposed there.
var ErrDomainTooLong = errors.New("records: the domain is too long")

// TooLongError says which domain is too long, and by how much.
type TooLongError struct {
	Domain  string
	Problem dnscheck.Problem // domain-too-long
}

// Error says that the domain is too long, and what to do.
func (e *TooLongError) Error() string { return e.Problem.Message + " " + e.Problem.Fix }

// Unwrap makes errors.Is(err, ErrDomainTooLong) true.
func (e *TooLongError) Unwrap() error { return ErrDomainTooLong }

// ErrLookupFailed is wrapped by the error Build returns when DNS did not
// answer a lookup that a record to publish depends on.
var ErrLookupFailed = errors.New("records: DNS did not answer")

// LookupError lists the failed lookups that stopped Build.
type LookupError struct {
	Domain  string
	Trouble []discovery.Trouble
}

// Error says which lookups failed and what to do. Lookups that failed
// for the same reason (a dead server fails them all) share it: "A x, MX
// y: nothing answers at …", the reason said once.
func (e *LookupError) Error() string {
	var reasons []string
	lookups := map[string][]string{}
	for _, t := range e.Trouble {
		w := t.Words()
		if _, seen := lookups[w]; !seen {
			reasons = append(reasons, w)
		}
		lookups[w] = append(lookups[w], t.Type+" "+strings.TrimSuffix(t.Name, "."))
	}
	what := make([]string, len(reasons))
	for i, w := range reasons {
		what[i] = strings.Join(lookups[w], ", ") + ": " + w
	}
	return fmt.Sprintf("DNS did not answer %s, so what %s publishes there is unknown and no records can be proposed; try again, or ask another DNS server", strings.Join(what, "; "), e.Domain)
}

// Unwrap makes errors.Is(err, ErrLookupFailed) true.
func (e *LookupError) Unwrap() error { return ErrLookupFailed }

// blockingTrouble returns the failed lookups whose answers decide a record.
func blockingTrouble(snap discovery.Snapshot, opt Options) []discovery.Trouble {
	domain := dns.Fqdn(snap.Domain)
	var out []discovery.Trouble
	for _, t := range snap.Trouble {
		name := dns.CanonicalName(t.Name)
		switch {
		case name == domain && t.Type == "TXT",
			name == dns.CanonicalName(snap.DKIMName),
			name == "_dmarc."+domain && t.Type == "TXT",
			// The organisation's policy decides whether one is proposed.
			snap.ParentDMARCDomain != "" && len(snap.DMARC) == 0 && name == "_dmarc."+dns.Fqdn(snap.ParentDMARCDomain) && t.Type == "TXT",
			name == domain && t.Type == "MX" && opt.Provider == nil:
			out = append(out, t)
		}
	}
	return out
}

// providerChoice is the organisation's own mail provider as the plan
// takes it. unknown is set when the domain receives mail (it has MX
// records) through something the catalog does not know, or a provider
// whose SPF term is per customer: what sends its own mail is then not
// known, so the plan keeps whatever the SPF record already authorises and
// never ends a new record with -all.
type providerChoice struct {
	provider assets.Provider
	reason   string
	unknown  bool
	warning  string // said in the plan when unknown
}

func chooseProvider(snap discovery.Snapshot, chosen *assets.Provider) providerChoice {
	switch {
	case chosen != nil:
		return providerChoice{provider: *chosen, reason: "chosen"}
	case snap.ProviderFound && snap.Provider.NeedsAsk():
		// Recognised, but its SPF term is per customer.
		mx := dnscheck.Printable(snap.ProviderMX)
		w := fmt.Sprintf("Your MX, %s, points to %s, whose SPF include differs from one customer to the next, so this record cannot authorise it yet.", mx, snap.Provider.Name)
		if snap.Provider.Ask != "" {
			w += " " + snap.Provider.Ask
		}
		w += " " + askThen
		return providerChoice{provider: snap.Provider, reason: "detected from your MX record " + mx, unknown: true, warning: w}
	case snap.ProviderFound:
		return providerChoice{provider: snap.Provider, reason: "detected from your MX record " + dnscheck.Printable(snap.ProviderMX)}
	}
	none, _ := assets.ProviderByID("none")
	if len(snap.MX) == 0 {
		return providerChoice{provider: none, reason: "the domain has no MX records"}
	}
	mx := dnscheck.Printable(snap.MX[0])
	return providerChoice{
		provider: assets.Provider{ID: "unknown", Name: "Not recognised"},
		reason:   fmt.Sprintf("your MX record %s matches no provider in the catalog", mx),
		unknown:  true,
		warning:  fmt.Sprintf("Your domain receives mail through %s, which is not in the catalog (it may be a mail gateway such as Mimecast, Proofpoint or Barracuda, or your own server). What sends your own outgoing mail is unknown, so this SPF record authorises only what it authorised before plus the platform.", mx) + " " + tellProvider,
	}
}

// proxyHint is the DKIM CNAME's note on proxies and flattening when the
// DNS host's catalog entry has no proxy note of its own.
const proxyHint = "If your DNS host proxies or flattens CNAMEs, turn that off for this record."

func dkimRecords(snap discovery.Snapshot, p *assets.Platform) []Record {
	r := Record{Purpose: PurposeDKIM, Type: "CNAME", Name: snap.DKIMName, Value: p.DKIM.Target, Action: ActionAdd,
		Notes: []string{fmt.Sprintf("Lets %s sign your mail with DKIM; %s keeps and rotates the key.", p.Name, p.Vendor)}}
	switch {
	case strings.EqualFold(strings.TrimSuffix(snap.DKIMTarget, "."), strings.TrimSuffix(p.DKIM.Target, ".")):
		r.Action = ActionKeep
		r.Notes = []string{"No change needed: the CNAME is already published."}
	case snap.DKIMTarget != "":
		r.Action, r.Replaces = ActionReplace, []string{"CNAME " + snap.DKIMTarget}
	case len(snap.DKIMOther) > 0:
		r.Action, r.Replaces = ActionReplace, snap.DKIMOther
		r.Notes = append(r.Notes, "Delete what is at this name now: it must be a CNAME and nothing else.")
		// A host with a proxy note has it among the plan's warnings
		// already.
		if snap.DNSHost.ProxyNote == "" {
			r.Notes = append(r.Notes, proxyHint)
		}
	}
	if snap.DKIMDoubled == "" {
		return []Record{r}
	}
	// The wrong record first: delete it, then add the right one.
	return []Record{{Purpose: PurposeDKIM, Type: "CNAME", Name: snap.DKIMDoubled, Value: snap.DKIMDoubledTarget,
		Action: ActionDelete, Replaces: []string{"CNAME " + snap.DKIMDoubledTarget},
		Notes: []string{"This record has the domain twice in its name (the full name was typed in the form's name box), so receivers never find it. Delete it."}}, r}
}

func spfRecord(snap discovery.Snapshot, choice providerChoice, p *assets.Platform, opt Options) Record {
	platformTerms, known := p.SPFTerms(opt.UseIPs), p.SPF.IPs
	if opt.UseIPs && len(opt.PlatformIPs) > 0 {
		live := *p
		live.SPF.IPs = opt.PlatformIPs
		platformTerms = live.SPFTerms(true)
		known = append(slices.Clone(opt.PlatformIPs), p.SPF.IPs...)
	}
	existing := snap.SPF
	if len(existing) == 0 && len(snap.SPFLike) == 1 {
		// One record meant as SPF (quoted, a space before it): its
		// terms are repaired and kept.
		existing = snap.SPFLike
	}
	stale, staleFrom := staleTerms(opt, choice.provider, platformTerms)
	existing, removed := withoutTerms(existing, stale)
	merged := MergeSPF(existing, choice.provider.SPFTerms(), platformTerms, known, p.Name)
	if len(removed) > 0 {
		// The record as read holds more than what was merged.
		if merged.Action == ActionKeep {
			merged.Action = ActionReplace
			merged.Notes = slices.DeleteFunc(merged.Notes, func(n string) bool { return strings.HasPrefix(n, "No change needed") })
		}
		merged.Notes = append(merged.Notes, "Took out "+strings.Join(removed, " and ")+": added for "+strings.Join(staleFrom, " and ")+", chosen earlier, which is not your provider now.")
	}
	if choice.unknown && merged.Action == ActionAdd {
		// Nothing is known of what else sends as the domain: -all would
		// make that mail fail SPF. ~all marks it suspect, no more.
		merged.Value = strings.TrimSuffix(merged.Value, " -all") + " ~all"
		merged.Notes = []string{"The domain has no SPF record. This one authorises " + p.Name + " and ends with ~all, not -all: what sends your own mail is not known yet, and -all would make that mail fail. Once every sender is listed, end it with -all."}
	}
	r := Record{Purpose: PurposeSPF, Type: "TXT", Name: snap.Domain + ".", Value: merged.Value, Action: merged.Action, Notes: merged.Notes}
	if merged.Action != ActionKeep {
		r.Replaces = slices.Clone(snap.SPF)
	}
	if len(snap.SPFLike) > 0 {
		r.Notes = append(r.Notes, "Also delete the broken SPF-like TXT record(s): "+quoteList(snap.SPFLike)+".")
		r.Replaces = append(r.Replaces, snap.SPFLike...)
		if r.Action == ActionAdd {
			r.Action = ActionReplace
		}
	}
	if snap.Alias != "" {
		r = aliasSPF(snap, r, p)
	}
	return r
}

// aliasSPF turns the SPF record of a domain that is an alias into a
// request to the alias target's owner: no TXT record can sit beside a
// CNAME, and receivers read the target's SPF record (the one the merge
// started from).
func aliasSPF(snap discovery.Snapshot, r Record, p *assets.Platform) Record {
	target := dnscheck.Printable(snap.Alias)
	r.Name = snap.Alias + "."
	if r.Action == ActionKeep {
		r.Notes = []string{fmt.Sprintf("%s is an alias (a CNAME to %s), and %s's SPF record already authorises %s: receivers follow the alias, so nothing to change. It stays right only while whoever runs %s keeps it so.", snap.Domain, target, target, p.Name, target)}
		return r
	}
	r.Action = ActionAskOwner
	r.Notes = []string{
		fmt.Sprintf("%s is an alias (a CNAME to %s): a name with a CNAME can hold no other record, so no SPF record can be added at %s. Receivers follow the alias and read %s's SPF record, which its owner controls.", snap.Domain, target, snap.Domain, target),
		fmt.Sprintf("Two ways out: ask whoever runs %s to publish this record there (it keeps what %s authorises and adds %s), or replace the alias at %s with records of your own (an A or AAAA record where it served a web site, and an SPF record at %s).", target, target, p.Name, snap.Domain, snap.Domain),
	}
	return r
}

// dmarcRecord is the DMARC entry of the plan; dkimInPlace says that the
// platform's DKIM CNAME is already right (so its mail passes DMARC
// through DKIM).
func dmarcRecord(snap discovery.Snapshot, reports string, dkimInPlace bool) Record {
	r := Record{Purpose: PurposeDMARC, Type: "TXT", Name: "_dmarc." + snap.Domain + "."}
	switch len(snap.DMARC) {
	case 0:
		if rec, ok := snap.OrgPolicy(); ok {
			if snap.ParentPSD {
				return psdDMARCRecord(snap, rec, reports)
			}
			return orgDMARCRecord(snap, rec, dkimInPlace)
		}
		if snap.ParentDMARCDomain != "" && len(snap.OrgDMARC) > 0 {
			return parentAskOwner(snap)
		}
		r.Action, r.Value = ActionAdd, "v=DMARC1; p=none"
		r.Notes = []string{"The domain has no DMARC policy. Start with p=none: it changes nothing for delivery; move to quarantine or reject once every sender passes."}
		if reports != "" {
			r.Value += "; " + reportsTag(reports)
			r.Notes = append(r.Notes, reportsNotes(snap, reports)...)
		} else {
			r.Notes = append(r.Notes, noReportsNote)
		}
	case 1:
		pol, err := dnscheck.ParseDMARC(snap.DMARC[0])
		if err != nil {
			return brokenDMARCRecord(snap, snap.DMARC[0], reports)
		}
		r.Action, r.Value = ActionKeep, snap.DMARC[0]
		r.Notes = []string{"No change needed here; the check reports what this policy does to mail that fails."}
		switch {
		case len(pol.Reports) > 0:
			r.Notes = append(r.Notes, "Its reports go to "+dnscheck.Printable(reportAddresses(pol.Reports))+".")
		case reports != "":
			// The policy stays as it is; only where reports go is added.
			r.Action, r.Replaces = ActionReplace, []string{snap.DMARC[0]}
			r.Value = strings.TrimRight(strings.TrimSpace(snap.DMARC[0]), "; ") + "; " + reportsTag(reports)
			r.Notes = append([]string{fmt.Sprintf("Your DMARC policy stays p=%s; this adds where its reports go.", pol.Policy)}, reportsNotes(snap, reports)...)
		default:
			r.Notes = append(r.Notes, noReportsNote)
		}
		if pol.RelaxedByPct() {
			r.Notes = append(r.Notes, fmt.Sprintf("It has pct=%d, which RFC 9989 removed: receivers that follow it apply p=%s to all failing mail. To try a policy out, use t=y instead.", pol.Percent, pol.Policy))
		}
	default:
		keep := snap.DMARC[0]
		for _, rec := range snap.DMARC {
			if _, err := dnscheck.ParseDMARC(rec); err == nil {
				keep = rec
				break
			}
		}
		fixed, notes := RepairDMARC(keep)
		r.Action, r.Value, r.Replaces = ActionReplace, fixed, snap.DMARC
		r.Notes = append([]string{fmt.Sprintf("There are %d DMARC records, so receivers ignore them all. Keep one.", len(snap.DMARC))}, notes...)
	}
	return r
}

// orgDMARCRecord keeps the organisational policy that applies to a
// subdomain with none of its own: a record proposed for the subdomain
// would replace the organisation's policy there, and p=none would weaken
// it (RFC 7489 §6.6.3).
func orgDMARCRecord(snap discovery.Snapshot, rec string, dkimInPlace bool) Record {
	org := snap.ParentDMARCDomain
	applies := "its p="
	policy := ""
	if pol, err := dnscheck.ParseDMARC(rec); err == nil {
		policy = pol.Policy
		if pol.SubdomainPolicy != "" {
			applies, policy = "its sp=", pol.SubdomainPolicy
		}
	}
	notes := []string{
		fmt.Sprintf("%s has no DMARC record of its own, so %s's policy applies to it (%s%s, inherited from _dmarc.%s). That record is managed by whoever runs %s's DNS.", snap.Domain, org, applies, policy, org, org),
		fmt.Sprintf("Do not add a DMARC record at _dmarc.%s: it would replace the organisation's policy for your domain, and p=none would weaken it. Publish the SPF and DKIM records above instead.", snap.Domain),
	}
	if policy == dnscheck.DMARCQuarantine || policy == dnscheck.DMARCReject {
		fate := "refused by receivers"
		if policy == dnscheck.DMARCQuarantine {
			fate = "delivered to spam"
		}
		if dkimInPlace {
			notes = append(notes, fmt.Sprintf("With %s, mail sent as %s that passes neither DKIM nor SPF is %s. The DKIM record is already in place, so mail the platform signs passes DMARC through DKIM, whatever SPF says; SPF still needs fixing, since some receivers check it on its own.", policy, snap.Domain, fate))
		} else {
			notes = append(notes, fmt.Sprintf("With %s, mail sent as %s that passes neither DKIM nor SPF is %s. Mail passes DMARC as soon as DKIM passes (the DKIM record above), whatever SPF says; publish SPF too, since some receivers check it on its own. If the DKIM record cannot be published soon, talk to whoever runs %s's DNS.", policy, snap.Domain, fate, org))
		}
	}
	return Record{Purpose: PurposeDMARC, Type: "TXT", Name: "_dmarc." + org + ".", Value: rec, Action: ActionKeep, Notes: notes, Organisational: true}
}

func lookupWarning(w dnscheck.SPFWalk, useIPs bool) string {
	costs := w.IncludeCosts()
	sort.SliceStable(costs, func(i, j int) bool { return costs[i].Lookups > costs[j].Lookups })
	var top []string
	for i, c := range costs {
		if i == 3 || c.Lookups < 2 {
			break
		}
		top = append(top, fmt.Sprintf("%s (%d)", c.Term, c.Lookups))
	}
	msg := fmt.Sprintf("This SPF record needs %d DNS lookups; receivers allow %d and fail the rest.", w.Lookups, dnscheck.MaxSPFLookups)
	if len(top) > 0 {
		msg += " The costliest terms: " + strings.Join(top, ", ") + "."
	}
	if !useIPs {
		msg += " --use-ips lists the platform's addresses instead of its include and saves lookups."
	}
	return msg
}

func quoteList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

// reportAddresses lists DMARC report URIs as people write addresses
// (dnscheck.ReportAddress), separated by commas.
func reportAddresses(uris []string) string {
	out := make([]string, len(uris))
	for i, u := range uris {
		out[i] = dnscheck.ReportAddress(u)
	}
	return strings.Join(out, ", ")
}
