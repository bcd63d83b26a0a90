package assets

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"
)

// MaxTXTString is the most bytes one character-string in a TXT record may
// hold (RFC 1035 §3.3: a length octet followed by that many bytes).
const MaxTXTString = 255

// normalizeName lower-cases the ASCII letters of s (DNS names compare
// case-insensitively in ASCII only, RFC 4343), trims surrounding space and
// drops one trailing dot, with any space before that dot: "A.example ."
// and "a.example " are both "a.example".
func normalizeName(s string) string {
	return strings.TrimSpace(strings.TrimSuffix(asciiLower(strings.TrimSpace(s)), "."))
}

// asciiLower maps A–Z to a–z and leaves every other byte alone.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, s)
}

// checkLabel reports why label is not an LDH label (letters, digits and
// hyphens, not starting or ending with a hyphen, 1–63 bytes). With
// underscore set, a label may also start with an underscore ("_spf",
// "_domainkey"), as service labels do (RFC 8552).
func checkLabel(label string, underscore bool) error {
	switch {
	case label == "":
		return errors.New("empty label")
	case len(label) > 63:
		return fmt.Errorf("label %q is longer than 63 characters", label)
	}
	body := label
	if underscore && strings.HasPrefix(body, "_") {
		body = body[1:]
		if body == "" {
			return fmt.Errorf("label %q has nothing after the underscore", label)
		}
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-':
			if i == 0 || i == len(body)-1 {
				return fmt.Errorf("label %q starts or ends with a hyphen", label)
			}
		default:
			return fmt.Errorf("label %q has the character %q (only letters, digits and hyphens are allowed)", label, rune(c))
		}
	}
	return nil
}

// checkHostname reports why name (already normalised: lower case, no
// trailing dot) is not a usable fully qualified host name: at least two
// labels, each valid, at most 253 characters, and a top-level label that is
// not all digits (so an IP address is never taken for a name).
func checkHostname(name string) error {
	if name == "" {
		return errors.New("empty name")
	}
	if len(name) > 253 {
		return fmt.Errorf("name is %d characters long; at most 253 are allowed", len(name))
	}
	labels := strings.Split(name, ".")
	if len(labels) < 2 {
		return fmt.Errorf("%q is a single label; a fully qualified name such as example.com is needed", name)
	}
	for _, l := range labels {
		if err := checkLabel(l, true); err != nil {
			return err
		}
	}
	tld := labels[len(labels)-1]
	if strings.HasPrefix(tld, "_") || strings.Trim(tld, "0123456789") == "" {
		return fmt.Errorf("%q does not end in a top-level domain", name)
	}
	return nil
}

// parseHostname normalises s and checks it with checkHostname.
func parseHostname(s string) (string, error) {
	n := normalizeName(s)
	if strings.HasSuffix(n, ".") {
		return "", fmt.Errorf("%q ends in two dots", strings.TrimSpace(s))
	}
	if err := checkHostname(n); err != nil {
		return "", err
	}
	return n, nil
}

// parsePrefix parses an address or CIDR prefix. A bare address is taken as
// a single-address prefix (/32 or /128). Host bits must be zero, zones are
// refused, and IPv4-mapped IPv6 addresses must be written as IPv4.
func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return netip.Prefix{}, errors.New("empty address")
	}
	var p netip.Prefix
	if strings.Contains(s, "/") {
		var err error
		p, err = netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not an IP address or CIDR prefix", s)
		}
	} else {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("%q is not an IP address or CIDR prefix", s)
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if p.Addr().Is4In6() {
		return netip.Prefix{}, fmt.Errorf("%q is an IPv4-mapped IPv6 address; write it as plain IPv4", s)
	}
	if m := p.Masked(); m != p {
		return netip.Prefix{}, fmt.Errorf("%q has host bits set; the network is %s", s, m)
	}
	return p, nil
}

// Name patterns (MX and NS patterns in the catalogs).
//
// A pattern is a lower-case DNS name in which '*' may appear, matched
// against a host name case-insensitively with any trailing dot ignored on
// both sides. The pattern and the host are compared label by label:
//
//   - A first label that is exactly "*" matches one or more whole labels:
//     "*.mail.protection.outlook.com" matches
//     "yourcenter-edu.mail.protection.outlook.com" and "a.b.mail.protection.outlook.com"
//     but not "mail.protection.outlook.com".
//   - Any other '*' matches zero or more characters inside one label and never
//     a dot: "mx*.zoho.com" matches "mx.zoho.com" and "mx2.zoho.com";
//     "inbound-smtp.*.amazonaws.com" matches "inbound-smtp.us-east-1.amazonaws.com"
//     but not "inbound-smtp.a.b.amazonaws.com".
//   - Every other character must match exactly.
//
// A valid pattern has at least two labels, no '*' in its last label, and at
// least one literal character outside its last label, so "*.com" is refused.

// checkPattern reports why p is not a valid name pattern.
func checkPattern(p string) error {
	if p == "" {
		return errors.New("empty pattern")
	}
	if p != asciiLower(p) || strings.TrimSpace(p) != p {
		return fmt.Errorf("pattern %q must be lower case with no surrounding spaces", p)
	}
	if strings.HasSuffix(p, ".") {
		return fmt.Errorf("pattern %q must not end in a dot", p)
	}
	labels := strings.Split(p, ".")
	if len(labels) < 2 {
		return fmt.Errorf("pattern %q needs at least two labels", p)
	}
	literal := false
	for i, l := range labels {
		if l == "" {
			return fmt.Errorf("pattern %q has an empty label", p)
		}
		if strings.Contains(l, "**") {
			return fmt.Errorf("pattern %q has \"**\"; one '*' is enough", p)
		}
		if i == len(labels)-1 && strings.Contains(l, "*") {
			return fmt.Errorf("pattern %q has '*' in its last label", p)
		}
		stripped := strings.ReplaceAll(l, "*", "")
		if stripped == "" {
			continue
		}
		if i < len(labels)-1 {
			literal = true
		}
		for _, c := range stripped {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return fmt.Errorf("pattern %q has the character %q", p, c)
			}
		}
	}
	if !literal {
		return fmt.Errorf("pattern %q is too broad", p)
	}
	return nil
}

// matchName reports whether host matches pattern under the rules above.
func matchName(pattern, host string) bool {
	h := normalizeName(host)
	if h == "" || pattern == "" {
		return false
	}
	hl := strings.Split(h, ".")
	pl := strings.Split(normalizeName(pattern), ".")
	for _, l := range hl {
		if l == "" {
			return false
		}
	}
	if pl[0] == "*" {
		rest := pl[1:]
		if len(hl) <= len(rest) {
			return false
		}
		hl = hl[len(hl)-len(rest):]
		pl = rest
	} else if len(hl) != len(pl) {
		return false
	}
	for i := range pl {
		if !matchLabel(pl[i], hl[i]) {
			return false
		}
	}
	return true
}

// matchLabel matches one label against a glob in which '*' stands for zero
// or more characters.
func matchLabel(glob, s string) bool {
	// Iterative wildcard matching with backtracking to the last '*'.
	gi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case gi < len(glob) && glob[gi] == '*':
			star, mark = gi, si
			gi++
		case gi < len(glob) && glob[gi] == s[si]:
			gi++
			si++
		case star >= 0:
			gi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for gi < len(glob) && glob[gi] == '*' {
		gi++
	}
	return gi == len(glob)
}

// SplitTXT splits value into TXT character-strings of at most 255 bytes
// (RFC 1035 §3.3) that concatenate back to value exactly, as receivers join
// them for SPF (RFC 7208 §3.3: without adding spaces) and DKIM (RFC 6376
// §3.6.2.2).
//
// Each cut falls at the last space within the first 255 bytes of what is
// left, so an SPF record is split only between terms: the space stays at the
// end of one string or the start of the next. Only a run of more than 255
// bytes without a space (a DKIM key, say) is cut by bytes, never inside a
// UTF-8 encoded character. An empty value gives one empty string, since a
// TXT record holds at least one.
func SplitTXT(value string) []string {
	if value == "" {
		return []string{""}
	}
	var out []string
	for len(value) > MaxTXTString {
		cut := spaceCut(value)
		if cut == 0 {
			cut = byteCut(value)
		}
		out = append(out, value[:cut])
		value = value[cut:]
	}
	return append(out, value)
}

// spaceCut returns the largest cut in 1..MaxTXTString next to a space (the
// space ending the first part or starting the second), or 0 when there is
// none. value must be longer than MaxTXTString.
func spaceCut(value string) int {
	for cut := MaxTXTString; cut > 0; cut-- {
		if value[cut-1] == ' ' || value[cut] == ' ' {
			return cut
		}
	}
	return 0
}

// byteCut returns the largest cut of at most MaxTXTString bytes that does
// not fall inside a UTF-8 encoded character (bytes that are not UTF-8 may
// be cut anywhere). value must be longer than MaxTXTString.
func byteCut(value string) int {
	cut := MaxTXTString
	for cut > MaxTXTString-utf8.UTFMax && !utf8.RuneStart(value[cut]) {
		cut--
	}
	return cut
}

// quoteTXT writes chunks as zone-file style quoted strings separated by
// spaces, escaping backslashes and double quotes.
func quoteTXT(chunks []string) string {
	var b strings.Builder
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	for i, c := range chunks {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('"')
		b.WriteString(r.Replace(c))
		b.WriteByte('"')
	}
	return b.String()
}
