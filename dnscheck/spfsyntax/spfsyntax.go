// Package spfsyntax reads the syntax of SPF records and of their terms
// (RFC 7208 §4.6.1, §5, §6, §7.1, §12): one parser for the whole wizard.
// dnscheck analyses records with it (and re-exports it as ParseSPF and
// ParseSPFTerm); assets reads the terms a person types for a mail provider
// with it. It imports the standard library only, so that assets, which
// must, can use it.
package spfsyntax

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// ErrSyntax is wrapped by every SPF parse error.
var ErrSyntax = errors.New("spfsyntax: SPF syntax error")

// SyntaxError names the term of an SPF record that does not parse.
type SyntaxError struct {
	Term   string // the offending term as written ("" for the whole record)
	Reason string // a plain sentence
}

// Error returns the reason with the term.
func (e *SyntaxError) Error() string {
	if e.Term == "" {
		return "SPF record: " + e.Reason
	}
	return fmt.Sprintf("SPF term %q: %s", e.Term, e.Reason)
}

// Unwrap makes errors.Is(err, ErrSyntax) true.
func (e *SyntaxError) Unwrap() error { return ErrSyntax }

// SPF mechanisms (RFC 7208 §5) and the modifiers this package knows (§6).
const (
	MechAll     = "all"
	MechInclude = "include"
	MechA       = "a"
	MechMX      = "mx"
	MechPTR     = "ptr"
	MechIP4     = "ip4"
	MechIP6     = "ip6"
	MechExists  = "exists"
	ModRedirect = "redirect"
	ModExp      = "exp"
)

// Term is one directive or modifier of an SPF record.
type Term struct {
	Raw string // as written
	// Qualifier is '+', '-', '~' or '?' for a directive ('+' when omitted),
	// 0 for a modifier.
	Qualifier byte
	// Mechanism is the lower-case mechanism name of a directive, "" for a
	// modifier.
	Mechanism string
	// Modifier is the lower-case name of a modifier, "" for a directive.
	Modifier string
	// Value is the domain-spec, network or modifier value ("" when absent).
	Value string
	// Prefix is the network of ip4 and ip6 terms.
	Prefix netip.Prefix
}

// IsDirective reports whether the term is a mechanism with a qualifier.
func (t Term) IsDirective() bool { return t.Mechanism != "" }

// QueriesDNS reports whether the term counts toward the limit of ten DNS
// lookups (RFC 7208 §4.6.4): include, a, mx, ptr, exists and redirect.
func (t Term) QueriesDNS() bool {
	switch t.Mechanism {
	case MechInclude, MechA, MechMX, MechPTR, MechExists:
		return true
	}
	return t.Modifier == ModRedirect
}

// The shortest networks an ip4 or ip6 term may authorise: a wider one
// lets far more servers send than any organisation runs (a /8 is sixteen
// million addresses), and is spf-all-permissive like +all.
const (
	MinIPv4Bits = 8
	MinIPv6Bits = 16
)

// Permissive reports whether the term lets nearly anyone pass: "+all" (or
// "all", whose qualifier defaults to +), or an ip4 network shorter than
// /MinIPv4Bits or an ip6 one shorter than /MinIPv6Bits with the +
// qualifier. A term with another qualifier never gives a pass.
func (t Term) Permissive() bool {
	if t.Qualifier != '+' {
		return false
	}
	switch t.Mechanism {
	case MechAll:
		return true
	case MechIP4:
		return t.Prefix.Bits() < MinIPv4Bits
	case MechIP6:
		return t.Prefix.Bits() < MinIPv6Bits
	}
	return false
}

// Key identifies the term for finding duplicates: "+" is the default
// qualifier, and names compare without case or trailing dot.
func (t Term) Key() string {
	if t.Modifier != "" {
		return t.Modifier + "=" + strings.ToLower(strings.TrimSuffix(t.Value, "."))
	}
	v := strings.ToLower(strings.TrimSuffix(t.Value, "."))
	if t.Prefix.IsValid() {
		v = t.Prefix.Masked().String()
	}
	raw := strings.ToLower(strings.TrimLeft(t.Raw, "+-~?"))
	if i := strings.IndexByte(raw, '/'); i >= 0 && !t.Prefix.IsValid() {
		v += raw[i:] // a:host/24 differs from a:host
	}
	return string(t.Qualifier) + t.Mechanism + ":" + v
}

// Record is a parsed SPF record.
type Record struct {
	Raw   string
	Terms []Term
}

// All returns the index of the first "all" directive, or -1.
func (r *Record) All() int {
	for i, t := range r.Terms {
		if t.Mechanism == MechAll {
			return i
		}
	}
	return -1
}

// Redirect returns the redirect= target, or "".
func (r *Record) Redirect() string {
	for _, t := range r.Terms {
		if t.Modifier == ModRedirect {
			return t.Value
		}
	}
	return ""
}

// HasInclude reports whether the record has include:<domain> (compared
// without case or trailing dot).
func (r *Record) HasInclude(domain string) bool {
	for _, t := range r.Terms {
		if t.Mechanism == MechInclude && sameName(t.Value, domain) {
			return true
		}
	}
	return false
}

// String writes the record back: "v=spf1" and the terms as written.
func (r *Record) String() string {
	var b strings.Builder
	b.WriteString("v=spf1")
	for _, t := range r.Terms {
		b.WriteByte(' ')
		b.WriteString(t.Raw)
	}
	return b.String()
}

// IsSPF reports whether a TXT string is an SPF record: "v=spf1" alone or
// followed by a space, case-insensitive (RFC 7208 §4.5).
func IsSPF(txt string) bool {
	if len(txt) < 6 || !strings.EqualFold(txt[:6], "v=spf1") {
		return false
	}
	return len(txt) == 6 || txt[6] == ' '
}

// LooksLikeSPF reports whether a TXT string was meant as an SPF record
// though it is not one (smart quotes, a leading space, "v=spf1" glued to a
// term): such strings deserve a syntax diagnosis, not "missing".
func LooksLikeSPF(txt string) bool {
	t := strings.ToLower(strings.TrimSpace(strings.Trim(txt, "\"“”'‘’ ")))
	return !IsSPF(txt) && strings.HasPrefix(t, "v=spf")
}

var mechanisms = map[string]bool{
	MechAll: true, MechInclude: true, MechA: true, MechMX: true, MechPTR: true,
	MechIP4: true, MechIP6: true, MechExists: true,
}

// IsMechanism reports whether name, in lower case, is the name of an
// RFC 7208 §5 mechanism: all, include, a, mx, ptr, ip4, ip6 or exists.
func IsMechanism(name string) bool { return mechanisms[name] }

// Parse parses an SPF record (RFC 7208 §4.6.1 and §12). It refuses what
// a receiver would treat as a permerror, and also two things receivers
// silently ignore but that are always mistakes: a mechanism written as a
// modifier ("include=") and a term with another mechanism glued onto it (TXT
// strings joined without a space).
func Parse(record string) (*Record, error) {
	rec := &Record{Raw: record}
	const quotes = "“”‘’\""
	if strings.ContainsAny(record, quotes) {
		term := ""
		for _, f := range strings.Split(record, " ") {
			if strings.ContainsAny(f, quotes) {
				term = f
				break
			}
		}
		return rec, &SyntaxError{Term: term, Reason: "it contains quotation marks; type the record without quotes (smart quotes often come from word processors)"}
	}
	if !IsSPF(record) {
		return rec, &SyntaxError{Reason: `it must start with "v=spf1" followed by a space`}
	}
	seen := map[string]bool{}
	// Terms are separated by spaces only (RFC 7208 §4.6.1); a tab or a
	// non-ASCII space stays inside the term and is refused there.
	for _, raw := range strings.Split(record[6:], " ") {
		if raw == "" {
			continue
		}
		t, err := parseTerm(raw)
		if err != nil {
			return rec, err
		}
		if t.Modifier == ModRedirect || t.Modifier == ModExp {
			if seen[t.Modifier] {
				return rec, &SyntaxError{Term: raw, Reason: "the " + t.Modifier + "= modifier may appear only once"}
			}
			seen[t.Modifier] = true
		}
		rec.Terms = append(rec.Terms, t)
	}
	return rec, nil
}

// ParseTerm parses one term of an SPF record, such as
// "include:spf.example.net", "ip4:192.0.2.0/24", "-all" or
// "redirect=_spf.example.net", by the rules Parse applies to each term of a
// record. A term holds no space; "" is refused. Errors are *SyntaxError,
// wrapping ErrSyntax.
func ParseTerm(term string) (Term, error) {
	switch {
	case term == "":
		return Term{}, &SyntaxError{Reason: "there is no term"}
	case strings.Contains(term, " "):
		return Term{Raw: term}, &SyntaxError{Term: term, Reason: "it holds a space; give one term, without spaces"}
	}
	return parseTerm(term)
}

// parseTerm parses raw, a non-empty term without spaces.
func parseTerm(raw string) (Term, error) {
	t := Term{Raw: raw}
	bad := func(reason string) (Term, error) {
		return t, &SyntaxError{Term: raw, Reason: reason}
	}
	for _, r := range raw {
		if r < 0x21 || r > 0x7e {
			return bad("it contains a character that is not plain printable ASCII (a tab, a non-breaking space, an accented letter…)")
		}
	}
	// A modifier is name "=" value, where name starts with a letter.
	if eq := strings.IndexByte(raw, '='); eq > 0 && !strings.ContainsAny(raw[:eq], ":/") && isModifierName(raw[:eq]) {
		name := strings.ToLower(raw[:eq])
		if mechanisms[name] {
			return bad(fmt.Sprintf("%q is a mechanism; write it with a colon: %s:%s", name, name, raw[eq+1:]))
		}
		t.Modifier, t.Value = name, raw[eq+1:]
		if (name == ModRedirect || name == ModExp) && !validDomainSpec(t.Value) {
			return bad("the value must be a domain name")
		}
		if strings.Contains(t.Value, "%") && !validMacros(t.Value) {
			return bad("the value has a malformed macro (RFC 7208 §7.1)")
		}
		return t, nil
	}
	rest := raw
	t.Qualifier = '+'
	if strings.ContainsRune("+-~?", rune(rest[0])) {
		t.Qualifier, rest = rest[0], rest[1:]
	}
	name, value, hasValue := rest, "", false
	if i := strings.IndexAny(rest, ":/"); i >= 0 {
		name, value, hasValue = rest[:i], rest[i:], true
	}
	name = strings.ToLower(name)
	if !mechanisms[name] {
		return bad("unknown mechanism; valid ones are all, include, a, mx, ptr, ip4, ip6, exists")
	}
	t.Mechanism = name
	if glued := gluedMechanism(value); glued != "" {
		return bad(fmt.Sprintf("%q is glued to the previous term; put a space before it (a long record split into several strings must keep its spaces)", glued))
	}
	switch name {
	case MechAll:
		if hasValue {
			return bad(`"all" takes no value`)
		}
	case MechInclude, MechExists:
		if !strings.HasPrefix(value, ":") || !validDomainSpec(value[1:]) {
			return bad("it needs a domain name after the colon")
		}
		t.Value = strings.TrimPrefix(value, ":")
	case MechA, MechMX, MechPTR:
		spec := value
		if i := strings.IndexByte(spec, '/'); i >= 0 {
			if name == MechPTR {
				return bad(`"ptr" takes no prefix length`)
			}
			if !validDualCIDR(spec[i:]) {
				return bad("the prefix length is not valid")
			}
			spec = spec[:i]
		}
		if spec != "" {
			if !strings.HasPrefix(spec, ":") || !validDomainSpec(spec[1:]) {
				return bad("it needs a domain name after the colon")
			}
			t.Value = spec[1:]
		}
	case MechIP4, MechIP6:
		if !strings.HasPrefix(value, ":") {
			return bad("it needs an address after the colon, e.g. " + name + ":192.0.2.1")
		}
		p, err := parseSPFNetwork(value[1:], name == MechIP6)
		if err != nil {
			return bad(err.Error())
		}
		t.Value, t.Prefix = value[1:], p
	}
	return t, nil
}

// gluedMechanism finds "include:", "ip4:" and the like, or "all", stuck
// onto the value of a term, the mark of TXT strings joined without a space.
// "-all" counts only at the end: inside, it is part of a name such as
// "small-allies.org".
func gluedMechanism(value string) string {
	low := strings.ToLower(value)
	for _, m := range []string{"include:", "ip4:", "ip6:", "exists:", "redirect=", "v=spf1", "~all", "?all", "+all"} {
		if i := strings.Index(low, m); i > 0 {
			return value[i:]
		}
	}
	if strings.HasSuffix(low, "-all") && len(low) > 4 {
		return value[len(value)-4:]
	}
	return ""
}

func isModifierName(s string) bool {
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// validDomainSpec checks a domain-spec loosely: macros are allowed, and a
// literal name needs at least one dot and no empty label.
func validDomainSpec(s string) bool {
	if s == "" || strings.ContainsAny(s, " \t") {
		return false
	}
	if strings.Contains(s, "%") {
		return validMacros(s)
	}
	s = strings.TrimSuffix(s, ".")
	if !strings.Contains(s, ".") || len(s) > 253 {
		return false
	}
	for _, l := range strings.Split(s, ".") {
		if l == "" || len(l) > 63 {
			return false
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return true
}

// validMacros checks RFC 7208 §7.1 macro syntax: %{letter digits r
// delimiters}, %%, %_ and %-.
func validMacros(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		if i+1 >= len(s) {
			return false
		}
		switch s[i+1] {
		case '%', '_', '-':
			i++
			continue
		case '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 || !validMacroExpand(s[i+2:i+end]) {
				return false
			}
			i += end
		default:
			return false
		}
	}
	return true
}

// validMacroExpand checks what is between "%{" and "}": a macro letter,
// transformers (*DIGIT, nonzero when present, then an optional "r") and
// delimiters (RFC 7208 §7.1, §7.3).
func validMacroExpand(body string) bool {
	if body == "" || !strings.ContainsRune("slodiphcrtvSLODIPHCRTV", rune(body[0])) {
		return false
	}
	rest := body[1:]
	digits := len(rest) - len(strings.TrimLeft(rest, "0123456789"))
	if digits > 0 && strings.Trim(rest[:digits], "0") == "" {
		return false
	}
	rest = rest[digits:]
	if rest != "" && (rest[0] == 'r' || rest[0] == 'R') {
		rest = rest[1:]
	}
	return strings.Trim(rest, ".-+,/_=") == ""
}

func validDualCIDR(s string) bool {
	parts := strings.Split(s, "/")
	// "/24", "//64" or "/24//64": parts[0] is always "".
	check := func(v string, max int) bool {
		n, err := strconv.Atoi(v)
		return err == nil && n >= 0 && n <= max && (v == "0" || v[0] != '0')
	}
	switch len(parts) {
	case 2:
		return check(parts[1], 32)
	case 3:
		return parts[1] == "" && check(parts[2], 128)
	case 4:
		return check(parts[1], 32) && parts[2] == "" && check(parts[3], 128)
	}
	return false
}

func parseSPFNetwork(s string, v6 bool) (netip.Prefix, error) {
	addr, bits := s, ""
	if i := strings.IndexByte(s, '/'); i >= 0 {
		addr, bits = s[:i], s[i+1:]
		if bits == "" {
			return netip.Prefix{}, fmt.Errorf("%q has a slash but no prefix length", s)
		}
	}
	ip, err := netip.ParseAddr(addr)
	if err != nil || ip.Is6() != v6 || ip.Zone() != "" || ip.Is4In6() {
		want := "an IPv4 address such as 192.0.2.1"
		if v6 {
			want = "an IPv6 address such as 2001:db8::1"
		}
		return netip.Prefix{}, fmt.Errorf("%q is not %s", addr, want)
	}
	n := ip.BitLen()
	if bits != "" {
		n, err = strconv.Atoi(bits)
		if err != nil || n < 0 || n > ip.BitLen() || (bits != "0" && bits[0] == '0') {
			return netip.Prefix{}, fmt.Errorf("/%s is not a valid prefix length", bits)
		}
	}
	return netip.PrefixFrom(ip, n), nil
}

func sameName(a, b string) bool {
	return strings.EqualFold(strings.TrimSuffix(a, "."), strings.TrimSuffix(b, "."))
}

// AddrTerm returns the SPF mechanism that lists p: "ip4:192.0.2.1" for one
// address (no prefix length), "ip4:192.0.2.0/24" for a network, "ip6:…"
// for IPv6.
func AddrTerm(p netip.Prefix) string {
	mech := "ip6:"
	if p.Addr().Is4() {
		mech = "ip4:"
	}
	if p.IsSingleIP() {
		return mech + p.Addr().String()
	}
	return mech + p.String()
}
