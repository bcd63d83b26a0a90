// Package discovery looks up what a domain publishes today (its zone, DNS
// host, mail provider, SPF, DKIM and DMARC records), the starting point for
// the records a person must publish.
package discovery

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
)

// Snapshot is what DNS says about a domain right now.
type Snapshot struct {
	Domain string // ASCII, lower case, no trailing dot
	Zone   string // the zone the domain's records live in, no trailing dot
	NS     []string
	MX     []string // mail hosts, most preferred first
	// SPF holds every SPF record at the domain (more than one is an error).
	SPF []string
	// SPFLike holds TXT strings that were meant as SPF but are not valid
	// "v=spf1 " records (quotes, a leading space).
	SPFLike []string
	// DKIMName is the platform's selector name in this domain (fully
	// qualified); DKIMTarget the CNAME found there ("" if none) and
	// DKIMOther any other records found there instead, as "TYPE value".
	DKIMName   string
	DKIMTarget string
	DKIMOther  []string
	// DKIMDoubled is the name of a CNAME sitting at
	// selector._domainkey.<domain>.<domain>, a form's host field given the
	// full name, or "" when there is none.
	DKIMDoubled       string
	DKIMDoubledTarget string
	DMARC             []string
	// OrgDomain is the domain's organisational domain, as the RFC 9989
	// DNS tree walk finds it (docs/dmarc.md), when it is another name;
	// "" when the domain is its own, or DNS trouble left it unknown.
	OrgDomain string
	// ParentDMARCDomain is the parent whose DMARC record decides the
	// policy when the domain has none of its own (DMARC is empty): the
	// organisational domain; a public-suffix domain whose record says
	// psd=y (ParentPSD is then set); a parent whose records receivers
	// discard (several of them); or the parent whose lookup failed. ""
	// when no parent publishes one. OrgDMARC holds the DMARC records at
	// its _dmarc name.
	ParentDMARCDomain string
	ParentPSD         bool
	OrgDMARC          []string
	// Alias is the CNAME target of the domain itself ("" when the domain is
	// not an alias): no TXT record can sit beside a CNAME, and the SPF
	// records above are the target's.
	Alias   string
	DNSHost assets.DNSHost
	// Provider is the mail provider the MX records point to; ProviderFound
	// is false when no catalog provider matched, ProviderMX names the MX
	// host that matched.
	Provider      assets.Provider
	ProviderFound bool
	ProviderMX    string
	// Trouble lists the lookups that got no usable answer; what they would
	// have told is unknown, not absent.
	Trouble []Trouble
}

// Trouble is one lookup that failed.
type Trouble struct {
	Name   string
	Type   string
	Status dnscheck.Status
	// Reason says why in words (dnscheck.Response.Reason), e.g. "nothing
	// answers at 127.0.0.1:9 (connection refused)"; it may be empty in a
	// Trouble saved before reasons were kept (see Words).
	Reason string
}

// Words says why the lookup failed, for "unknown: …": the Reason kept,
// or words for the Status.
func (t Trouble) Words() string {
	if t.Reason != "" {
		return t.Reason
	}
	return dnscheck.Response{Status: t.Status}.Reason()
}

// String describes the failure in a sentence fragment: "MX yourcenter.edu:
// the DNS server reported a failure".
func (t Trouble) String() string {
	return fmt.Sprintf("%s %s: %s", t.Type, strings.TrimSuffix(t.Name, "."), t.Words())
}

// TroubleAt returns the failed lookup of name (any of types, or any type
// when none is given), and whether there is one.
func (s Snapshot) TroubleAt(name string, types ...string) (Trouble, bool) {
	name = dns.CanonicalName(name)
	for _, t := range s.Trouble {
		if dns.CanonicalName(t.Name) == name && (len(types) == 0 || slices.Contains(types, t.Type)) {
			return t, true
		}
	}
	return Trouble{}, false
}

// MXUnknown returns the failed MX lookup of the domain, when it failed:
// whether the domain receives mail, and where, is then unknown.
func (s Snapshot) MXUnknown() (Trouble, bool) { return s.TroubleAt(s.Domain, "MX") }

// Discover looks up everything a Snapshot holds, concurrently, through q.
// When q is a dnscheck.DomainQuerier, the domain is looked at as the
// checks see it (its authoritative servers first), so what was published a
// moment ago is part of the snapshot.
func Discover(ctx context.Context, q dnscheck.Querier, domain string, p *assets.Platform) Snapshot {
	if dq, ok := q.(dnscheck.DomainQuerier); ok {
		q = dq.ForDomain(ctx, domain)
	}
	s := Snapshot{Domain: strings.TrimSuffix(strings.ToLower(domain), "."), DKIMName: p.DKIMName(domain)}

	var mu sync.Mutex
	ask := func(name string, qtype uint16) dnscheck.Response {
		r := q.Query(ctx, name, qtype)
		if r.Status.Trouble() {
			mu.Lock()
			s.Trouble = append(s.Trouble, Trouble{Name: r.Name, Type: dns.TypeToString[qtype], Status: r.Status, Reason: r.Reason()})
			mu.Unlock()
		}
		return r
	}
	var wg sync.WaitGroup
	run := func(f func()) { wg.Add(1); go func() { defer wg.Done(); f() }() }

	run(func() {
		s.Zone = dnscheck.FindZone(ctx, q, s.Domain)
		zone := s.Zone
		// A form that appends the zone to what was typed in its name box
		// doubles the zone, not the domain, when the domain is below it.
		// (run may be called here: this goroutine still holds wg.)
		run(func() {
			doubled := p.DKIMName(s.Domain + "." + zone)
			if target := ask(doubled, dns.TypeCNAME).CNAMETarget(); target != "" {
				s.DKIMDoubled, s.DKIMDoubledTarget = doubled, target
			}
		})
		ns := ask(s.Zone, dns.TypeNS)
		for _, rr := range ns.Records() {
			s.NS = append(s.NS, hostname(rr.(*dns.NS).Ns))
		}
		sort.Strings(s.NS)
		s.DNSHost = assets.DetectDNSHost(s.NS)
	})
	run(func() {
		mx := ask(s.Domain, dns.TypeMX)
		recs := mx.Records()
		sort.SliceStable(recs, func(i, j int) bool { return recs[i].(*dns.MX).Preference < recs[j].(*dns.MX).Preference })
		for _, rr := range recs {
			if h := hostname(rr.(*dns.MX).Mx); h != "" { // "." is a null MX (RFC 7505)
				s.MX = append(s.MX, h)
			}
		}
		s.Provider, s.ProviderMX, s.ProviderFound = assets.DetectProvider(s.MX)
	})
	run(func() {
		resp := ask(s.Domain, dns.TypeTXT)
		s.Alias = strings.TrimSuffix(resp.CNAMETarget(), ".")
		for _, txt := range resp.TXT() {
			switch {
			case dnscheck.IsSPF(txt):
				s.SPF = append(s.SPF, txt)
			case dnscheck.LooksLikeSPF(txt):
				s.SPFLike = append(s.SPFLike, txt)
			}
		}
	})
	run(func() {
		s.DKIMTarget, s.DKIMOther = lookAtName(ctx, ask, s.DKIMName)
	})
	run(func() { s.readDMARC(dnscheck.WalkDMARC(ctx, q, s.Domain), &mu) })
	wg.Wait()
	sort.Slice(s.Trouble, func(i, j int) bool { return s.Trouble[i].String() < s.Trouble[j].String() })
	return s
}

// readDMARC keeps what the DMARC tree walk w found: the domain's own
// records, its organisational domain, and the parent whose record decides
// when it has none. A failed lookup the answer depends on is kept in
// Trouble (mu guards it); names past the walk's end are not.
func (s *Snapshot) readDMARC(w dnscheck.DMARCWalk, mu *sync.Mutex) {
	if len(w.Steps) == 0 {
		return
	}
	s.DMARC = w.Steps[0].Records
	if w.OrgDomain != s.Domain {
		s.OrgDomain = w.OrgDomain
	}
	if t, bad := w.TroubleStep(); bad {
		mu.Lock()
		s.Trouble = append(s.Trouble, Trouble{Name: t.Response.Name, Type: "TXT", Status: t.Response.Status, Reason: t.Response.Reason()})
		mu.Unlock()
		if len(s.DMARC) == 0 && w.Trouble > 0 {
			s.ParentDMARCDomain = t.Domain
		}
		return
	}
	if len(s.DMARC) > 0 {
		return
	}
	if p, ok := w.PolicyStep(); ok {
		s.ParentDMARCDomain, s.ParentPSD, s.OrgDMARC = p.Domain, w.Source == dnscheck.DMARCSourcePSD, p.Records
		return
	}
	for _, st := range w.Steps[1:] {
		if len(st.Records) > 1 { // discarded by receivers: its owner must fix it
			s.ParentDMARCDomain, s.OrgDMARC = st.Domain, st.Records
			return
		}
	}
}

// OrgPolicy returns the parent's DMARC record that applies to the domain
// (the organisational domain's, or a public suffix's: ParentPSD), when the
// domain has none of its own and the parent has exactly one valid record
// (several are ignored by receivers, as none).
func (s Snapshot) OrgPolicy() (string, bool) {
	if len(s.DMARC) > 0 || len(s.OrgDMARC) != 1 {
		return "", false
	}
	if _, err := dnscheck.ParseDMARC(s.OrgDMARC[0]); err != nil {
		return "", false
	}
	return s.OrgDMARC[0], true
}

// lookAtName returns the CNAME target at name, or what else is there.
func lookAtName(ctx context.Context, ask func(string, uint16) dnscheck.Response, name string) (string, []string) {
	if target := ask(name, dns.TypeCNAME).CNAMETarget(); target != "" {
		return target, nil
	}
	var other []string
	for _, txt := range ask(name, dns.TypeTXT).TXT() {
		other = append(other, "TXT "+txt) // the published bytes, not miekg/dns's escapes
	}
	for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
		for _, rr := range ask(name, qt).Records() {
			f := strings.Fields(rr.String())
			other = append(other, dns.TypeToString[qt]+" "+f[len(f)-1])
		}
	}
	return "", other
}

func hostname(s string) string { return strings.TrimSuffix(strings.ToLower(s), ".") }
