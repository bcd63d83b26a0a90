package received

import (
	"net/mail"
	"net/netip"
	"regexp"
	"strings"

	"github.com/emersion/go-msgauth/authres"

	"github.com/outreach-auth/wizard/core/domainname"
	"github.com/outreach-auth/wizard/dnscheck"
)

// maxShown bounds how much of one value from the message a report keeps.
const maxShown = 320

// shown returns s cut to maxShown bytes (at a character boundary), with
// "…" when cut. It does not escape: text output goes through
// dnscheck.Printable, JSON through dnscheck.JSONSafe.
func shown(s string) string {
	if len(s) <= maxShown {
		return s
	}
	cut := maxShown
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

func printableName(s string) string { return dnscheck.Printable(shown(s)) }

// fromAddress returns the address of the message's From field and its
// domain, lower case; why says, instead, why there is none to use (no
// From, several, or one that does not parse).
func fromAddress(m *Message) (addr, domain string, why string) {
	fields := m.Get("From")
	switch len(fields) {
	case 0:
		return "", "", "the message has no From header, so DMARC has no domain to apply to: save the whole message, headers included"
	case 1:
	default:
		return "", "", "the message has several From headers; receivers reject such mail outright (RFC 7489 §6.6.1)"
	}
	list, err := mail.ParseAddressList(fields[0].Value())
	if err != nil || len(list) == 0 {
		// A display name that does not parse: take what is between < >.
		v := fields[0].Value()
		if i, j := strings.LastIndex(v, "<"), strings.LastIndex(v, ">"); i >= 0 && j > i {
			if a, err2 := mail.ParseAddress(v[i : j+1]); err2 == nil {
				list, err = []*mail.Address{a}, nil
			}
		}
		if err != nil || len(list) == 0 {
			return "", "", "the From header does not hold an address the wizard can read (" + printableName(v) + ")"
		}
	}
	if len(list) > 1 {
		return "", "", "the From header has several addresses; receivers apply DMARC to one domain only and often reject such mail"
	}
	addr = list[0].Address
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return "", "", "the From address " + printableName(addr) + " has no valid domain"
	}
	domain = addr[at+1:]
	if !isASCII(domain) {
		// An internationalised domain: its A-labels, as 'wizard check'
		// converts what a person types.
		in, err := domainname.Normalize(domain)
		if err != nil {
			return "", "", "the From address " + printableName(addr) + " has no valid domain (" + printableName(err.Error()) + ")"
		}
		domain = in.Domain
	}
	if !validHostname(domain) {
		return "", "", "the From address " + printableName(addr) + " has no valid domain"
	}
	return addr, strings.ToLower(strings.TrimSuffix(domain, ".")), ""
}

// isASCII reports whether s has only ASCII characters.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// validHostname reports whether s is a DNS name the wizard will look up:
// labels of letters, digits, hyphens and underscores, 1 to 63 bytes each,
// at most 253 in all, at least two labels. Anything else found in a
// message (a hostile d= or s=) is never sent to DNS.
func validHostname(s string) bool {
	return validLabels(strings.TrimSuffix(s, "."), 2)
}

// validSelector reports whether s is a DKIM selector (RFC 6376 §3.1: one
// or more labels, dot-separated).
func validSelector(s string) bool { return validLabels(s, 1) }

// validLabels reports whether s is at least min dot-separated labels of
// letters, digits, hyphens and underscores, 1 to 63 bytes each, at most
// 253 bytes in all.
func validLabels(s string, min int) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	labels := strings.Split(s, ".")
	if len(labels) < min {
		return false
	}
	for _, l := range labels {
		if len(l) == 0 || len(l) > 63 {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// tagList parses a DKIM tag list ("v=1; d=example.com; s=sel") leniently,
// for display: the verification itself is go-msgauth's.
func tagList(v string) map[string]string {
	out := map[string]string{}
	for part := range strings.SplitSeq(v, ";") {
		k, val, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		if _, seen := out[k]; !seen {
			out[k] = strings.Join(strings.Fields(val), "")
		}
	}
	return out
}

// addressDomain returns the lower-case domain of an address such as
// "<bounce@mail.example.com>", "" when there is none.
func addressDomain(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimPrefix(s, "<"), ">")
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return ""
	}
	d := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(s[at+1:]), "."))
	if !validHostname(d) {
		return ""
	}
	return d
}

// Where the connecting address came from (SPFResult.IPSource).
const (
	IPFromFlag        = "--ip"
	IPFromReceivedSPF = "Received-SPF"
	IPFromAuthResults = "Authentication-Results"
	IPFromReceived    = "Received"
)

var (
	clientIPParam = regexp.MustCompile(`(?i)client-ip=\s*"?([0-9a-f:.]+)`)
	// The comments Google ("designates 1.2.3.4 as permitted sender") and
	// Microsoft ("sender IP is 1.2.3.4") put in their results.
	arIPComment = regexp.MustCompile(`(?i)(?:designates|sender ip is|smtp\.remote-ip=|client-ip=)\s*\[?([0-9a-f:.]+[0-9a-f])`)
	bracketIP   = regexp.MustCompile(`\[(?:IPv6:)?([0-9A-Fa-f:.]+)\]`)
)

// connectingIP finds the address that handed the message to the receiver:
// the topmost Received-SPF's client-ip, else an address the topmost
// Authentication-Results names, else the first public address in brackets
// in the "from" part of a Received field, topmost first.
func connectingIP(m *Message) (netip.Addr, string) {
	if v := m.First("Received-SPF"); v != "" {
		if mm := clientIPParam.FindStringSubmatch(v); mm != nil {
			if ip, err := netip.ParseAddr(mm[1]); err == nil {
				return ip.Unmap(), IPFromReceivedSPF
			}
		}
	}
	if v := m.First("Authentication-Results"); v != "" {
		if mm := arIPComment.FindStringSubmatch(v); mm != nil {
			if ip, err := netip.ParseAddr(mm[1]); err == nil {
				return ip.Unmap(), IPFromAuthResults
			}
		}
	}
	for _, f := range m.Get("Received") {
		v := f.Value()
		low := strings.ToLower(v)
		if !strings.HasPrefix(low, "from ") {
			continue
		}
		if i := strings.Index(low, " by "); i > 0 {
			v = v[:i]
		}
		for _, mm := range bracketIP.FindAllStringSubmatch(v, -1) {
			ip, err := netip.ParseAddr(mm[1])
			if err != nil {
				continue
			}
			ip = ip.Unmap()
			if ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() {
				continue
			}
			return ip, IPFromReceived
		}
	}
	return netip.Addr{}, ""
}

// mailFromDomain finds the envelope sender's domain: the topmost
// Return-Path, else the receiver's Received-SPF envelope-from, else its
// Authentication-Results smtp.mailfrom. where names the field.
func mailFromDomain(m *Message) (domain, where string) {
	if v := m.First("Return-Path"); v != "" {
		if d := addressDomain(v); d != "" {
			return d, "Return-Path"
		}
	}
	if v := m.First("Received-SPF"); v != "" {
		if p := envelopeFrom(v); p != "" {
			if d := addressDomain(p); d != "" {
				return d, "Received-SPF"
			}
		}
	}
	for _, r := range receiverResults(m) {
		if s, ok := r.(*authres.SPFResult); ok && s.From != "" {
			if d := addressDomain(s.From); d != "" {
				return d, "Authentication-Results"
			}
			if validHostname(s.From) {
				return strings.ToLower(s.From), "Authentication-Results"
			}
		}
	}
	return "", ""
}

var envelopeFromParam = regexp.MustCompile(`(?i)\benvelope-from=\s*"?([^";\s]+)`)

// envelopeFrom returns the envelope-from= value of a Received-SPF field.
func envelopeFrom(v string) string {
	if mm := envelopeFromParam.FindStringSubmatch(v); mm != nil {
		return mm[1]
	}
	return ""
}

// stripComments removes RFC 5322 comments (in parentheses, nested) from v:
// go-msgauth's authres parser splits on ";" even inside them.
func stripComments(v string) string {
	var b strings.Builder
	depth := 0
	escaped := false
	for _, r := range v {
		switch {
		case escaped:
			escaped = false
			if depth == 0 {
				b.WriteRune(r)
			}
			continue
		case r == '\\':
			escaped = true
		case r == '(':
			depth++
			continue
		case r == ')' && depth > 0:
			depth--
			continue
		}
		if depth == 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// receiverResults parses the topmost Authentication-Results field.
func receiverResults(m *Message) []authres.Result {
	_, results := parseAuthResults(m)
	return results
}

func parseAuthResults(m *Message) (string, []authres.Result) {
	v := m.First("Authentication-Results")
	if v == "" {
		return "", nil
	}
	id, results, _ := authres.Parse(stripComments(v))
	return id, results
}
