package dnscheck

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// firstControl returns the first control character of s, so that a
// --dns-server value pasted with an escape sequence or a line break inside
// is refused for what it is.
func firstControl(s string) (rune, bool) {
	i := strings.IndexFunc(s, unicode.IsControl)
	if i < 0 {
		return 0, false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r, true
}

// badIPv4 explains why host, made only of digits and dots, is not an IPv4
// address; such a host can only be meant as one (a host name cannot end in
// an all-digit label, RFC 3696 section 2). It returns "" for a valid
// address and for anything with another character.
func badIPv4(host string) string {
	if strings.Trim(host, "0123456789.") != "" {
		return ""
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return ""
	}
	parts := strings.Split(host, ".")
	if len(parts) != 4 {
		return fmt.Sprintf("it has %d numbers between dots, an address has 4", len(parts))
	}
	for _, p := range parts {
		switch {
		case p == "":
			return "a number is missing between two dots"
		case len(p) > 1 && p[0] == '0':
			return fmt.Sprintf("%s starts with a zero", p)
		}
		if n, err := strconv.Atoi(p); err != nil || n > 255 {
			return fmt.Sprintf("%s is over 255", p)
		}
	}
	return "it is not a valid address"
}
