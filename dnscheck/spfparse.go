package dnscheck

import "github.com/outreach-auth/wizard/dnscheck/spfsyntax"

// SPF syntax lives in package spfsyntax (standard library only, so that
// assets can read a provider's terms with the same parser); these names
// keep it at hand for dnscheck's callers.

// ErrSPFSyntax is wrapped by every SPF parse error.
var ErrSPFSyntax = spfsyntax.ErrSyntax

// SPFSyntaxError names the term of an SPF record that does not parse.
type SPFSyntaxError = spfsyntax.SyntaxError

// SPFTerm is one directive or modifier of an SPF record.
type SPFTerm = spfsyntax.Term

// SPFRecord is a parsed SPF record.
type SPFRecord = spfsyntax.Record

// SPF mechanisms (RFC 7208 §5) and the modifiers this package knows (§6).
const (
	MechAll     = spfsyntax.MechAll
	MechInclude = spfsyntax.MechInclude
	MechA       = spfsyntax.MechA
	MechMX      = spfsyntax.MechMX
	MechPTR     = spfsyntax.MechPTR
	MechIP4     = spfsyntax.MechIP4
	MechIP6     = spfsyntax.MechIP6
	MechExists  = spfsyntax.MechExists
	ModRedirect = spfsyntax.ModRedirect
	ModExp      = spfsyntax.ModExp
)

// The shortest networks an ip4 or ip6 term may authorise (see
// SPFTerm.Permissive): a wider one is spf-all-permissive like +all.
const (
	MinSPFIPv4Bits = spfsyntax.MinIPv4Bits
	MinSPFIPv6Bits = spfsyntax.MinIPv6Bits
)

// ParseSPF parses an SPF record (see spfsyntax.Parse).
func ParseSPF(record string) (*SPFRecord, error) { return spfsyntax.Parse(record) }

// ParseSPFTerm parses one term of an SPF record, such as
// "include:spf.example.net" or "ip4:192.0.2.0/24" (see spfsyntax.ParseTerm).
func ParseSPFTerm(term string) (SPFTerm, error) { return spfsyntax.ParseTerm(term) }

// IsSPF reports whether a TXT string is an SPF record (see spfsyntax.IsSPF).
func IsSPF(txt string) bool { return spfsyntax.IsSPF(txt) }

// LooksLikeSPF reports whether a TXT string was meant as an SPF record
// though it is not one (see spfsyntax.LooksLikeSPF).
func LooksLikeSPF(txt string) bool { return spfsyntax.LooksLikeSPF(txt) }
