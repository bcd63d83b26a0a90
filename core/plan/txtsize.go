package plan

import (
	"fmt"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
)

// MaxUDPAnswer is the most bytes a DNS answer over UDP holds without EDNS
// (RFC 1035 §2.3.4). RFC 7208 §3.4 asks that the answer to a query for a
// domain's SPF record fit in it.
const MaxUDPAnswer = 512

// TXTAnswerSize returns the size in bytes of the DNS answer to a TXT query
// for name that carries one TXT record made of strings (its
// character-strings, unescaped): the header, the question and that one
// answer, with names compressed as servers send them.
func TXTAnswerSize(name string, strs []string) (int, error) {
	fqdn := dns.Fqdn(name)
	m := new(dns.Msg)
	m.SetQuestion(fqdn, dns.TypeTXT)
	m.Response, m.Compress = true, true
	// miekg/dns reads Txt in master-file form: escape what it would
	// otherwise take for an escape.
	esc := make([]string, len(strs))
	for i, s := range strs {
		esc[i] = zoneEscape(s)
	}
	m.Answer = []dns.RR{&dns.TXT{
		Hdr: dns.RR_Header{Name: fqdn, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: DefaultTTL},
		Txt: esc,
	}}
	wire, err := m.Pack()
	if err != nil {
		return 0, fmt.Errorf("records: sizing the TXT answer for %s: %w", name, err)
	}
	return len(wire), nil
}

// sizeWarning returns a warning for an SPF record to publish whose DNS
// answer no longer fits in a UDP answer (RFC 7208 §3.4), or "" when it
// fits. usesIPs says that the platform is listed by its addresses.
func sizeWarning(r Record, usesIPs bool) string {
	if r.Purpose != PurposeSPF || r.Type != "TXT" || r.Action == ActionDelete {
		return ""
	}
	strs := r.Strings
	if strs == nil {
		strs = assets.SplitTXT(r.Value)
	}
	size, err := TXTAnswerSize(r.Name, strs)
	if err != nil || size <= MaxUDPAnswer {
		return ""
	}
	msg := fmt.Sprintf("This SPF record is %d bytes long, so the DNS answer that carries it is %d bytes, more than the %d that fit in an answer over UDP (RFC 7208 §3.4; other TXT records at the name add to it): receivers must ask again over TCP, and some fail SPF instead. Shorten it: remove terms no longer needed, or use fewer includes.",
		len(r.Value), size, MaxUDPAnswer)
	if usesIPs {
		msg += " Authorising the platform by its include rather than its addresses also makes it shorter."
	}
	return msg
}
