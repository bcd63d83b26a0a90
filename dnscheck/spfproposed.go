package dnscheck

import (
	"context"
	"errors"
	"net/netip"

	"blitiri.com.ar/go/spf"
	"github.com/miekg/dns"
)

// ProposedSPFBreaks evaluates the SPF record value, as if domain
// published it, for each of ips (RFC 7208 check_host, asking everything
// else through q), and says in a sentence each distinct reason why
// receivers would treat it as broken (permerror) for some of them: the
// lookup limit, the void-lookup limit (names built by macros that do not
// exist), too many MX hosts, an include or redirect without a record.
// Nothing is said when every address gets a verdict. It lets a proposed
// record be judged before it is published.
func ProposedSPFBreaks(ctx context.Context, q Querier, domain, value string, ips []netip.Addr) []string {
	over := proposedRecord{q: q, name: canonical(domain), value: value}
	var out []string
	seen := map[string]bool{}
	for _, ip := range ips {
		res, err := evaluateSPF(ctx, over, ip, domain)
		if res != spf.PermError {
			continue
		}
		var why string
		switch {
		case errors.Is(err, spf.ErrLookupLimitReached):
			why = "receivers run out of DNS lookups (more than 10) while following it"
		case errors.Is(err, spf.ErrVoidLookupLimitReached):
			why = "more than 2 of its lookups find nothing (names built from the sender by macros, %{…}, that do not exist)"
		case errors.Is(err, spf.ErrTooManyMXRecords):
			why = "an mx term finds more than 10 mail servers"
		case errors.Is(err, spf.ErrNoResult), errors.Is(err, spf.ErrMultipleRecords):
			why = "an include or redirect leads to a name without exactly one SPF record"
		default:
			why = "receivers stop on a term they cannot read"
		}
		if !seen[why] {
			seen[why] = true
			out = append(out, why)
		}
	}
	return out
}

// proposedRecord answers the TXT question of one name with one record, as
// if it were published, and sends every other question to q.
type proposedRecord struct {
	q           Querier
	name, value string
}

func (p proposedRecord) Query(ctx context.Context, name string, qtype uint16) Response {
	if qtype != dns.TypeTXT || canonical(name) != p.name {
		return p.q.Query(ctx, name, qtype)
	}
	rr := &dns.TXT{Hdr: dns.RR_Header{Name: p.name, Rrtype: dns.TypeTXT, Class: dns.ClassINET}, Txt: txtStrings(p.value)}
	return Response{Name: p.name, Type: dns.TypeTXT, Status: StatusOK, Answer: []dns.RR{rr}}
}

// txtStrings cuts value into character-strings of at most 255 bytes, in
// miekg/dns's presentation form (quotes and backslashes escaped), so that
// Response.TXT joins them back to value.
func txtStrings(value string) []string {
	var out []string
	for len(value) > 0 {
		n := min(len(value), 255)
		var b []byte
		for _, c := range []byte(value[:n]) {
			if c == '"' || c == '\\' {
				b = append(b, '\\')
			}
			b = append(b, c)
		}
		out = append(out, string(b))
		value = value[n:]
	}
	return out
}
