package demo

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// mistake is one of the classic mistakes PublishMistake makes.
type mistake int

const (
	noMistake mistake = iota
	// mistakeDKIMDoubled puts the DKIM CNAME at
	// selector._domainkey.<domain>.<domain>: the full name typed into a
	// host field to which the DNS host appends the domain.
	mistakeDKIMDoubled
	// mistakeSecondSPF adds the new SPF record beside the old one instead
	// of replacing it.
	mistakeSecondSPF
)

// op sets the RRset of one name and type on a server; no records removes
// it.
type op struct {
	name  string
	qtype uint16
	rrs   []dns.RR
}

// applyOps applies ops to s in order. Each RRset is replaced in one step,
// so a query never sees it half written.
func applyOps(s *dnstest.Server, ops []op) error {
	for _, o := range ops {
		if len(o.rrs) == 0 {
			s.Remove(o.name, o.qtype)
			continue
		}
		if err := s.AddZone(zoneText(o.rrs)); err != nil {
			return err
		}
	}
	return nil
}

// intent is one record of a plan, checked and ready to apply.
type intent struct {
	name   string
	qtype  uint16
	delete bool
	rr     dns.RR   // the record to publish (nil for delete)
	value  string   // the record's value as the plan gives it
	remove []string // TXT values to take away (those replaced or deleted)
	// beside is the second-SPF mistake: every TXT record at the name stays,
	// and the old SPF record with it (old, when the plan names it).
	beside bool
	old    []string
}

// Publish applies the plan's records exactly as shown — add and replace
// set the value at the name (taking away the TXT values the record
// replaces, any other SPF or DMARC record at the name when the value is
// one, so that a name never ends with two, and anything else at a
// CNAME's name), delete removes it; keep does nothing — at once on NS1, after Lag on NS2 and after ResolverLag on
// the Resolver. The plan's domain must have been prepared.
//
// It returns a one-line status for the UI that names the domain, e.g.
// "Published 2 records for yourcenter.edu on ns1; ns2 catches up in 6s."
func (w *World) Publish(p plan.Plan) (string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.publish(p, noMistake)
	if err != nil {
		return "", err
	}
	return w.status(p.Domain, n), nil
}

// PublishMistake publishes the plan as Publish does, but with a classic
// mistake, alternating between calls: first the DKIM CNAME at the doubled
// name selector._domainkey.<domain>.<domain> (the host field took the full
// name; the SPF record is right), next a second SPF record added beside the
// old one instead of replacing it (the DKIM CNAME is right). When the plan
// leaves no room for the mistake due (no DKIM CNAME to add, say), it makes
// the other one; when there is room for neither, it publishes correctly.
//
// It returns the status line naming the domain and the mistake, e.g.
// "Published with a mistake for yourcenter.edu: the DKIM name has the
// domain twice."
func (w *World) PublishMistake(p plan.Plan) (string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	kinds := []mistake{mistakeDKIMDoubled, mistakeSecondSPF}
	if w.spfMistakeNext {
		slices.Reverse(kinds)
	}
	chosen := noMistake
	for _, k := range kinds {
		if mistakeTarget(p, k) >= 0 {
			chosen = k
			break
		}
	}
	n, err := w.publish(p, chosen)
	if err != nil {
		return "", err
	}
	switch chosen {
	case mistakeDKIMDoubled:
		w.spfMistakeNext = true
		return "Published with a mistake for " + p.Domain + ": the DKIM name has the domain twice.", nil
	case mistakeSecondSPF:
		w.spfMistakeNext = false
		return "Published with a mistake for " + p.Domain + ": a second SPF record beside the old one.", nil
	}
	return w.status(p.Domain, n) + " There was nothing left to get wrong.", nil
}

// status is the status line of a correct publication of n records of
// domain. w.mu must be held.
func (w *World) status(domain string, n int) string {
	if n == 0 {
		return "Nothing to publish for " + domain + ": every record is already in place."
	}
	s := "s"
	if n == 1 {
		s = ""
	}
	if w.Lag <= 0 {
		return fmt.Sprintf("Published %d record%s for %s on ns1 and ns2.", n, s, domain)
	}
	return fmt.Sprintf("Published %d record%s for %s on ns1; ns2 catches up in %s.", n, s, domain, humanDuration(w.Lag))
}

// humanDuration writes d briefly: "6s", "1m30s", "300ms".
func humanDuration(d time.Duration) string {
	if d >= time.Second {
		return d.Round(time.Second).String()
	}
	return d.Round(10 * time.Millisecond).String()
}

// mistakeTarget returns the index of the plan record mistake m changes, or
// -1 when the plan has none it applies to.
func mistakeTarget(p plan.Plan, m mistake) int {
	d, err := normalizeDomain(p.Domain)
	if err != nil {
		return -1
	}
	for i, r := range p.Records {
		switch m {
		case mistakeDKIMDoubled:
			if isDKIMCNAME(r) && (r.Action == plan.ActionAdd || r.Action == plan.ActionReplace) {
				if _, ok := dns.IsDomainName(doubledName(r.Name, d)); ok {
					return i
				}
			}
		case mistakeSecondSPF:
			if r.Purpose == plan.PurposeSPF && strings.EqualFold(r.Type, "TXT") &&
				r.Action != plan.ActionDelete && r.Action != plan.ActionAskOwner && dnscheck.IsSPF(r.Value) {
				return i
			}
		}
	}
	return -1
}

func isDKIMCNAME(r plan.Record) bool {
	return r.Purpose == plan.PurposeDKIM && strings.EqualFold(r.Type, "CNAME")
}

// doubledName is name with domain appended: what a DNS host makes of a
// full name typed into a host field that wanted only the label.
func doubledName(name, domain string) string {
	return strings.TrimSuffix(fqdn(name), ".") + "." + domain + "."
}

// publish applies plan with mistake m to ns1 and queues it for the lagging
// servers; it returns the number of records published. w.mu must be held.
func (w *World) publish(p plan.Plan, m mistake) (int, error) {
	if w.closed {
		return 0, ErrClosed
	}
	d, err := normalizeDomain(p.Domain)
	if err != nil {
		return 0, err
	}
	st, ok := w.domains[d]
	if !ok {
		return 0, fmt.Errorf("demo: %s is not a domain of the simulated world (prepare it first)", d)
	}
	target := mistakeTarget(p, m)

	// Check every record before changing anything.
	var intents []intent
	for i, r := range p.Records {
		if r.Action == plan.ActionAskOwner {
			continue // a name of someone else's: not the person's to publish
		}
		if r.Action == plan.ActionKeep && !(i == target && m == mistakeSecondSPF) {
			continue
		}
		in, err := makeIntent(r, d, st.ttl)
		if err != nil {
			return 0, err
		}
		if i == target {
			switch m {
			case mistakeDKIMDoubled:
				in.name = doubledName(r.Name, d)
				in.rr.Header().Name = in.name
			case mistakeSecondSPF:
				in.beside = true
				for _, v := range r.Replaces {
					if dnscheck.IsSPF(v) && v != r.Value {
						in.old = append(in.old, v)
					}
				}
			}
		}
		intents = append(intents, in)
	}

	// The includes the records name exist, as the person's provider
	// serves them (see provideIncludes).
	for _, in := range intents {
		if in.qtype == dns.TypeTXT && !in.delete && dnscheck.IsSPF(in.value) {
			if err := w.provideIncludes(in.value); err != nil {
				return 0, err
			}
		}
	}

	var ops []op
	set := func(name string, qtype uint16, rrs []dns.RR) error {
		o := op{name: name, qtype: qtype, rrs: rrs}
		if err := applyOps(w.ns1, []op{o}); err != nil {
			return fmt.Errorf("demo: publish %s %s: %w", strings.TrimSuffix(name, "."), dns.TypeToString[qtype], err)
		}
		ops = append(ops, o)
		return nil
	}
	for _, in := range intents {
		if err = w.applyIntent(in, st.ttl, set); err != nil {
			break
		}
	}
	if len(ops) > 0 && err == nil {
		st.serial++
		err = set(fqdn(d), dns.TypeSOA, []dns.RR{soaRR(d, st.serial, st.ttl)})
	}
	if len(ops) > 0 {
		// Even after a failure: what ns1 serves, the others get too.
		w.schedule(w.lagging[0], ops, w.Lag)
		w.schedule(w.lagging[1], ops, w.ResolverLag)
	}
	if err != nil {
		return 0, err
	}
	return len(intents), nil
}

// makeIntent checks one record of a plan for domain d and builds the
// resource record to publish.
func makeIntent(r plan.Record, d string, ttl uint32) (intent, error) {
	in := intent{name: fqdn(r.Name), value: r.Value, delete: r.Action == plan.ActionDelete}
	switch r.Action {
	case plan.ActionAdd, plan.ActionReplace, plan.ActionDelete, plan.ActionKeep:
	default:
		return in, fmt.Errorf("demo: record %s: unknown action %q", r.Name, r.Action)
	}
	if _, ok := dns.IsDomainName(in.name); !ok || in.name == "." {
		return in, fmt.Errorf("demo: %q is not a valid record name", r.Name)
	}
	if !dns.IsSubDomain(d+".", in.name) {
		return in, fmt.Errorf("demo: %s lies outside %s", strings.TrimSuffix(in.name, "."), d)
	}
	in.qtype = dns.StringToType[strings.ToUpper(strings.TrimSpace(r.Type))]
	switch in.qtype {
	case 0:
		return in, fmt.Errorf("demo: record %s: unknown type %q", r.Name, r.Type)
	case dns.TypeSOA, dns.TypeNS:
		return in, fmt.Errorf("demo: record %s: the demo does not change %s records", r.Name, r.Type)
	}
	if in.qtype == dns.TypeTXT {
		in.remove = append(in.remove, r.Replaces...)
		if in.delete && r.Value != "" {
			in.remove = append(in.remove, r.Value)
		}
	}
	if in.delete {
		return in, nil
	}
	if strings.TrimSpace(r.Value) == "" {
		return in, fmt.Errorf("demo: record %s %s has no value", r.Name, r.Type)
	}
	if in.qtype == dns.TypeTXT {
		in.rr = txtRR(in.name, r.Value, ttl)
	} else {
		rr, err := dns.NewRR(fmt.Sprintf("%s %d IN %s %s", in.name, ttl, dns.TypeToString[in.qtype], r.Value))
		if err != nil || rr == nil {
			return in, fmt.Errorf("demo: record %s %s: %q is not a valid value", r.Name, r.Type, r.Value)
		}
		in.rr = rr
	}
	// The record travels to the servers as master-file text: make sure it
	// comes back.
	if _, err := dns.NewRR(in.rr.String()); err != nil {
		return in, fmt.Errorf("demo: record %s %s: %w", r.Name, r.Type, err)
	}
	return in, nil
}

// applyIntent works out the RRsets that in changes from what ns1 serves
// now, and sets them with set. w.mu must be held.
func (w *World) applyIntent(in intent, ttl uint32, set func(string, uint16, []dns.RR) error) error {
	switch {
	case in.qtype == dns.TypeTXT:
		cur := w.ns1.Records(in.name, dns.TypeTXT)
		var next []dns.RR
		if in.beside {
			old := in.old
			if len(old) == 0 {
				for _, rr := range cur {
					if v := txtValue(rr); dnscheck.IsSPF(v) && v != in.value {
						old = append(old, v)
					}
				}
			}
			if len(old) == 0 {
				old = []string{originalSPF}
			}
			next = cur
			for _, v := range append(old, in.value) {
				if !slices.ContainsFunc(next, func(rr dns.RR) bool { return txtValue(rr) == v }) {
					next = append(next, txtRR(in.name, v, ttl))
				}
			}
			return set(in.name, dns.TypeTXT, next)
		}
		kind := policyKind(in.value)
		for _, rr := range cur {
			v := txtValue(rr)
			if (in.delete && len(in.remove) == 0) || matchesAny(v, in.remove) || (!in.delete && v == in.value) {
				continue
			}
			if !in.delete && kind != "" && policyKind(v) == kind {
				// The record shown is the one SPF (or DMARC) record of
				// the name: whatever of its kind is there now goes, even
				// when the plan was worked out from an older read and
				// names another record as the one it replaces.
				continue
			}
			next = append(next, rr)
		}
		if !in.delete {
			next = append(next, in.rr)
		}
		return set(in.name, dns.TypeTXT, next)
	case in.delete:
		return set(in.name, in.qtype, nil)
	case in.qtype == dns.TypeCNAME:
		// A CNAME stands alone at its name (RFC 1034 §3.6.2).
		var others []uint16
		for _, rr := range w.ns1.Records(in.name, dns.TypeANY) {
			if t := rr.Header().Rrtype; t != dns.TypeCNAME && !slices.Contains(others, t) {
				others = append(others, t)
			}
		}
		for _, t := range others {
			if err := set(in.name, t, nil); err != nil {
				return err
			}
		}
		return set(in.name, dns.TypeCNAME, []dns.RR{in.rr})
	default:
		return set(in.name, in.qtype, []dns.RR{in.rr})
	}
}

// txtValue is a TXT record's strings joined without separator.
func txtValue(rr dns.RR) string {
	if t, ok := rr.(*dns.TXT); ok {
		return strings.Join(t.Txt, "")
	}
	return ""
}

// matchesAny reports whether the TXT value v is one of list, whose entries
// are values or "TXT value" as plans write what they replace.
func matchesAny(v string, list []string) bool {
	for _, e := range list {
		if e == v || strings.TrimPrefix(e, "TXT ") == v {
			return true
		}
	}
	return false
}

// policyKind returns "spf" for an SPF record's value, "dmarc" for a
// DMARC record's, "" for any other TXT value: a name holds at most one
// record of each kind (RFC 7208 §3.2, RFC 7489 §6.6.3).
func policyKind(v string) string {
	switch {
	case dnscheck.IsSPF(v):
		return "spf"
	case dnscheck.IsDMARC(v):
		return "dmarc"
	}
	return ""
}
