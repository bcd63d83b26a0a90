// Package records works out the DNS records a domain must publish for the
// platform (its DKIM CNAME, one merged SPF record, a starting DMARC record),
// written the way the domain's DNS host wants them, and renders them as
// text, a zone-file snippet or JSON.
package records

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
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/steps/discovery"
)

// Action says what to do with a record.
type Action string

// Actions.
const (
	ActionAdd     Action = "add"     // create the record
	ActionReplace Action = "replace" // change the existing record(s) to this value
	ActionKeep    Action = "keep"    // already right
	ActionDelete  Action = "delete"  // remove this record
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
	FormValue string   `json:"form_value"`
	Notes     []string `json:"notes"`
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
	// ProviderReason says how the provider was chosen.
	ProviderReason string `json:"provider_reason"`
	// SPFLookups counts the DNS lookups the SPF record to publish costs a
	// receiver (at most 10 are allowed); SPFCosts breaks it down by term.
	SPFLookups int                    `json:"spf_lookups"`
	SPFCosts   []dnscheck.IncludeCost `json:"-"`
	// Warnings are plain sentences: the DNS host's pitfalls, lookups over
	// the limit, lookups that failed.
	Warnings []string `json:"warnings"`
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
}

// Build works out the plan for a domain from what it publishes today. The
// only DNS it asks is for the lookup count of the SPF record it proposes.
//
// When DNS did not answer a lookup that a record depends on (the domain's
// TXT records for SPF, the DKIM name, the DMARC name, or the MX records
// when no provider was chosen), Build proposes nothing: what is published
// there is unknown, not absent, and "add" could create a second record. It
// then returns a *LookupError, which wraps ErrLookupFailed. Other failed
// lookups (NS, the doubled DKIM name) only add a warning.
func Build(ctx context.Context, q dnscheck.Querier, snap discovery.Snapshot, p *assets.Platform, opt Options) (Plan, error) {
	plan := Plan{Domain: snap.Domain, Zone: snap.Zone, Host: snap.DNSHost, DNSHost: snap.DNSHost.Name, Platform: p}
	if plan.Zone == "" {
		plan.Zone = snap.Domain
	}
	if failed := blockingTrouble(snap, opt); len(failed) > 0 {
		return plan, &LookupError{Domain: snap.Domain, Trouble: failed}
	}
	provider, reason := chooseProvider(snap, opt.Provider)
	plan.Provider, plan.ProviderReason = provider.Name, reason

	plan.Records = append(plan.Records, dkimRecords(snap, p)...)
	spf, err := spfRecord(snap, provider, p, opt)
	if err != nil {
		return plan, err
	}
	plan.Records = append(plan.Records, spf)
	plan.Records = append(plan.Records, dmarcRecord(snap))
	for i := range plan.Records {
		r := &plan.Records[i]
		r.HostField = snap.DNSHost.HostField(r.Name, plan.Zone)
		r.FormValue = r.Value
		if r.Type == "TXT" {
			r.FormValue = snap.DNSHost.TXTValue(r.Value)
		}
	}

	if rec, err := dnscheck.ParseSPF(spf.Value); err == nil {
		walk := dnscheck.WalkSPF(ctx, q, snap.Domain, rec)
		plan.SPFLookups, plan.SPFCosts = walk.Lookups, walk.IncludeCosts()
		if walk.Lookups > dnscheck.MaxSPFLookups {
			plan.Warnings = append(plan.Warnings, lookupWarning(walk, opt.UseIPs))
		}
	}
	plan.Warnings = append(plan.Warnings, snap.DNSHost.Warnings...)
	for _, t := range snap.Trouble {
		plan.Warnings = append(plan.Warnings, fmt.Sprintf("DNS did not answer %s, so this plan may miss what is there; run it again.", t))
	}
	return plan, nil
}

// ErrLookupFailed is wrapped by the error Build returns when DNS did not
// answer a lookup that a record to publish depends on.
var ErrLookupFailed = errors.New("records: DNS did not answer")

// LookupError lists the failed lookups that stopped Build.
type LookupError struct {
	Domain  string
	Trouble []discovery.Trouble
}

// Error says which lookups failed and what to do.
func (e *LookupError) Error() string {
	what := make([]string, len(e.Trouble))
	for i, t := range e.Trouble {
		what[i] = t.String()
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
			name == domain && t.Type == "MX" && opt.Provider == nil:
			out = append(out, t)
		}
	}
	return out
}

func chooseProvider(snap discovery.Snapshot, chosen *assets.Provider) (assets.Provider, string) {
	switch {
	case chosen != nil:
		return *chosen, "chosen"
	case snap.ProviderFound:
		return snap.Provider, fmt.Sprintf("your MX points to %s (%s)", snap.Provider.Name, snap.ProviderMX)
	}
	none, _ := assets.ProviderByID("none")
	if len(snap.MX) == 0 {
		return none, "the domain has no MX records"
	}
	return none, fmt.Sprintf("your MX (%s) matches no provider in the catalog; choose one with --provider if your organisation sends through it", dnscheck.Printable(snap.MX[0]))
}

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
		r.Notes = append(r.Notes, "Delete what is at this name now: it must be a CNAME and nothing else (if your DNS host proxies or flattens CNAMEs, turn that off for this record).")
	}
	out := []Record{r}
	if snap.DKIMDoubled != "" {
		out = append(out, Record{Purpose: PurposeDKIM, Type: "CNAME", Name: snap.DKIMDoubled, Value: snap.DKIMDoubledTarget,
			Action: ActionDelete, Replaces: []string{"CNAME " + snap.DKIMDoubledTarget},
			Notes: []string{"This record has the domain twice in its name (the form's name field took the full name), so receivers never find it. Delete it."}})
	}
	return out
}

func spfRecord(snap discovery.Snapshot, provider assets.Provider, p *assets.Platform, opt Options) (Record, error) {
	platformTerms, known := p.SPFTerms(opt.UseIPs), p.SPF.IPs
	if opt.UseIPs && len(opt.PlatformIPs) > 0 {
		live := *p
		live.SPF.IPs = opt.PlatformIPs
		platformTerms = live.SPFTerms(true)
		known = append(slices.Clone(opt.PlatformIPs), p.SPF.IPs...)
	}
	merged, err := MergeSPF(snap.SPF, provider.SPFTerms(), platformTerms, known)
	if err != nil {
		return Record{}, err
	}
	r := Record{Purpose: PurposeSPF, Type: "TXT", Name: snap.Domain + ".", Value: merged.Value, Action: merged.Action, Notes: merged.Notes}
	if merged.Action != ActionKeep {
		r.Replaces = snap.SPF
	}
	if len(snap.SPFLike) > 0 {
		r.Notes = append(r.Notes, "Also delete the broken SPF-like TXT record(s): "+quoteList(snap.SPFLike)+".")
		r.Replaces = append(r.Replaces, snap.SPFLike...)
		if r.Action == ActionAdd {
			r.Action = ActionReplace
		}
	}
	return r, nil
}

func dmarcRecord(snap discovery.Snapshot) Record {
	r := Record{Purpose: PurposeDMARC, Type: "TXT", Name: "_dmarc." + snap.Domain + "."}
	switch len(snap.DMARC) {
	case 0:
		r.Action, r.Value = ActionAdd, "v=DMARC1; p=none"
		r.Notes = []string{"The domain has no DMARC policy. Start with p=none: it changes nothing for delivery and lets you add rua=mailto:<a mailbox> to receive reports; move to quarantine or reject once every sender passes."}
	case 1:
		r.Action, r.Value = ActionKeep, snap.DMARC[0]
		r.Notes = []string{"No change needed here; the check reports what this policy does to mail that fails."}
	default:
		r.Action, r.Value, r.Replaces = ActionReplace, snap.DMARC[0], snap.DMARC
		r.Notes = []string{fmt.Sprintf("There are %d DMARC records, so receivers ignore them all. Keep one.", len(snap.DMARC))}
	}
	return r
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
