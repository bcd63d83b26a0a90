package dnscheck

import (
	"context"
	"net"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// FindZone returns the zone that holds domain's records: the closest
// enclosing name with an SOA record, climbing at most to the domain's
// second-level name. It returns domain itself when nothing answers.
func FindZone(ctx context.Context, q Querier, domain string) string {
	domain = trimDot(canonical(domain))
	labels := dns.SplitDomainName(domain)
	for i := 0; i < len(labels)-1; i++ {
		name := strings.Join(labels[i:], ".")
		r := q.Query(ctx, name, dns.TypeSOA)
		if r.Status.Found() {
			return name
		}
		if r.Status.Trouble() {
			break
		}
	}
	return domain
}

// AuthServer is one authoritative server of a zone.
type AuthServer struct {
	Name string // its NS name, e.g. "ns2.yourcenter.edu"
	Addr string // HOST:PORT
}

// NSResolver turns an NS name into the addresses (HOST:PORT) to ask.
type NSResolver func(ctx context.Context, host string) []string

// DefaultNSResolver looks up the A and AAAA records of host through q and
// returns them with port 53.
func DefaultNSResolver(q Querier) NSResolver {
	return func(ctx context.Context, host string) []string {
		var out []string
		for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
			for _, rr := range q.Query(ctx, host, qt).Records() {
				switch v := rr.(type) {
				case *dns.A:
					out = append(out, net.JoinHostPort(v.A.String(), "53"))
				case *dns.AAAA:
					out = append(out, net.JoinHostPort(v.AAAA.String(), "53"))
				}
			}
		}
		return out
	}
}

// MaxAuthServers bounds how many of a zone's NS names are asked: every
// in-zone question goes to each of them at once, so an NS set as long as
// the zone likes would open that many sockets per question.
const MaxAuthServers = 8

// DiscoverAuthority finds the zone of domain and its authoritative servers,
// asking q (a resolver) for the SOA, the NS records and their addresses:
// at most MaxAuthServers NS names, the first in alphabetical order.
func DiscoverAuthority(ctx context.Context, q Querier, domain string, resolve NSResolver) (zone string, servers []AuthServer) {
	zone = FindZone(ctx, q, domain)
	var hosts []string
	for _, rr := range q.Query(ctx, zone, dns.TypeNS).Records() {
		hosts = append(hosts, trimDot(strings.ToLower(rr.(*dns.NS).Ns)))
	}
	slices.Sort(hosts)
	hosts = slices.Compact(hosts)
	hosts = hosts[:min(len(hosts), MaxAuthServers)]
	found := make([][]AuthServer, len(hosts))
	var wg sync.WaitGroup
	for i, host := range hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, a := range resolve(ctx, host) {
				found[i] = append(found[i], AuthServer{Name: host, Addr: a})
			}
		}()
	}
	wg.Wait()
	for _, f := range found {
		// One address per NS name: a name is one server to compare.
		if len(f) > 0 {
			servers = append(servers, f[0])
		}
	}
	sort.Slice(servers, func(i, j int) bool { return servers[i].Name < servers[j].Name })
	return zone, servers
}

// authQuerier asks every authoritative server of a zone about names inside
// it, without recursion, and notes where they disagree; names outside the
// zone go to the fallback resolver, and so does a question no
// authoritative server answers.
type authQuerier struct {
	zone     string
	servers  []AuthServer
	client   *Client
	fallback Querier

	serialsOnce sync.Once
	serials     []uint32 // each server's SOA serial; 0 when unknown

	mu       sync.Mutex
	lagging  map[string][]string // server name → names it serves an older answer for
	answered bool                // some authoritative server answered something
	fellBack bool                // some in-zone question went to the resolver
}

func newAuthQuerier(zone string, servers []AuthServer, timeout time.Duration, fallback Querier) *authQuerier {
	return &authQuerier{zone: canonical(zone), servers: servers, fallback: fallback,
		client:  NewClient(WithRecursion(false), WithTimeout(timeout)),
		lagging: map[string][]string{}}
}

func (a *authQuerier) inZone(name string) bool {
	return dns.IsSubDomain(a.zone, canonical(name))
}

// Query implements Querier.
func (a *authQuerier) Query(ctx context.Context, name string, qtype uint16) Response {
	if !a.inZone(name) || len(a.servers) == 0 {
		return a.fallback.Query(ctx, name, qtype)
	}
	answers := make([]Response, len(a.servers))
	var wg sync.WaitGroup
	for i, s := range a.servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = a.client.QueryServer(ctx, s.Addr, name, qtype)
		}()
	}
	serials := a.zoneSerials(ctx)
	wg.Wait()
	// The newest answer comes from the server with the highest SOA serial;
	// when serials do not tell, an answer with records beats one without.
	best := -1
	for i, r := range answers {
		if r.Status.Trouble() {
			continue
		}
		switch {
		case best < 0:
			best = i
		case serials[i] != serials[best]:
			if serialNewer(serials[i], serials[best]) {
				best = i
			}
		case r.Status.Found() && !answers[best].Status.Found():
			best = i
		}
	}
	if best < 0 {
		a.mu.Lock()
		a.fellBack = true
		a.mu.Unlock()
		return a.fallback.Query(ctx, name, qtype)
	}
	a.noteLagging(answers, best)
	return a.followOut(ctx, answers[best])
}

// noteLagging notes the servers whose answer differs from answers[best].
func (a *authQuerier) noteLagging(answers []Response, best int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.answered = true
	want := answerKey(answers[best])
	for i, r := range answers {
		if !r.Status.Trouble() && answerKey(r) != want {
			n := a.servers[i].Name
			a.lagging[n] = append(a.lagging[n], trimDot(answers[best].Name)+" "+dns.TypeToString[answers[best].Type])
		}
	}
}

// followOut completes an answer that ends in a CNAME to a name outside the
// zone. An authoritative server sends only the CNAME and leaves the rest
// to the asker, as a resolver would do; here the target is asked through
// the fallback resolver and the whole chain is checked again (at most
// MaxCNAMEHops CNAMEs, no loop). Without this, a _dmarc CNAME to a DMARC
// service would read as no record at all.
func (a *authQuerier) followOut(ctx context.Context, r Response) Response {
	if r.Status != StatusNoData || r.Type == dns.TypeCNAME || len(r.Answer) == 0 {
		return r
	}
	last, ok := r.Answer[len(r.Answer)-1].(*dns.CNAME)
	if !ok || a.inZone(last.Target) {
		return r
	}
	next := a.fallback.Query(ctx, last.Target, r.Type)
	out := r
	out.Status, out.Err, out.Truncated, out.TTL = next.Status, next.Err, next.Truncated, min(r.TTL, next.TTL)
	if next.Status.Trouble() {
		// The reason is the fallback's: it names that server.
		out.Server, out.Rcode, out.Waited = next.Server, next.Rcode, next.Waited
		return out
	}
	answer, err := chain(r.Name, r.Type, append(slices.Clone(r.Answer), next.Answer...))
	out.Answer = answer
	switch {
	case err != nil:
		out.Status, out.Err = StatusBadReply, err
	case len(out.Records()) > 0:
		out.Status, out.TTL = StatusOK, minTTL(answer)
	}
	return out
}

// zoneSerials asks every server for the zone's SOA serial, once per check.
func (a *authQuerier) zoneSerials(ctx context.Context) []uint32 {
	a.serialsOnce.Do(func() {
		a.serials = make([]uint32, len(a.servers))
		var wg sync.WaitGroup
		for i, s := range a.servers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, rr := range a.client.QueryServer(ctx, s.Addr, a.zone, dns.TypeSOA).Records() {
					a.serials[i] = rr.(*dns.SOA).Serial
				}
			}()
		}
		wg.Wait()
	})
	return a.serials
}

// serialNewer compares SOA serials with RFC 1982 serial-number arithmetic;
// an unknown serial (0) is never newer.
func serialNewer(x, y uint32) bool {
	if x == 0 {
		return false
	}
	if y == 0 {
		return true
	}
	return x != y && (x-y) < 1<<31
}

// answerKey summarises an answer's content for comparison: its status and
// sorted record data, TTLs left out.
func answerKey(r Response) string {
	var parts []string
	for _, rr := range r.Answer {
		h := *rr.Header()
		c := dns.Copy(rr)
		c.Header().Ttl = 0
		c.Header().Name = strings.ToLower(h.Name)
		parts = append(parts, c.String())
	}
	slices.Sort(parts)
	return r.Status.String() + "|" + strings.Join(parts, "|")
}

// outOfSync returns the ns-out-of-sync problem, if servers disagreed.
func (a *authQuerier) outOfSync() []Problem {
	a.mu.Lock()
	defer a.mu.Unlock()
	var names []string
	for n := range a.lagging {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []Problem
	for _, n := range names {
		// One mention a name: the probes of several types at one name
		// (CNAME, TXT, A, AAAA at the DKIM name) are one record to a person.
		var what []string
		for _, w := range a.lagging[n] {
			name, _, _ := strings.Cut(w, " ")
			what = append(what, name)
		}
		slices.Sort(what)
		what = slices.Compact(what)
		out = append(out, Problem{Code: CodeNSOutOfSync, Severity: SeverityWarning,
			Message: n + " has not caught up yet: it still serves older records at " + strings.Join(what, ", ") + ". Receivers that ask it see the old records.",
			Fix:     "Usually this clears by itself within minutes as the secondary server copies the zone; if it lasts for hours, ask your DNS host why the secondary server " + n + " has not copied the zone."})
	}
	return out
}
