package assets

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/outreach-auth/wizard/dnscheck/spfsyntax"
)

// Provider kinds.
const (
	KindCatalog = "catalog" // a known provider with its SPF include and MX patterns
	KindAsk     = "ask"     // a known provider (recognised by its MX patterns) whose SPF terms differ per customer: Provider.Ask says where to find them
	KindOther   = "other"   // a provider not in the catalog: the person types its include or addresses
	KindNone    = "none"    // the organisation sends no mail of its own
)

// Provider is an organisation's own mail provider: what its SPF record must
// keep authorising besides the platform, and how to recognise it from the
// domain's MX hosts.
type Provider struct {
	ID           string         // stable identifier, e.g. "microsoft365" (the --provider flag)
	Name         string         // display name, e.g. "Microsoft 365"
	Kind         string         // KindCatalog, KindAsk, KindOther or KindNone
	SPFIncludes  []string       // domains for include:, lower case, no trailing dot
	SPFAddresses []netip.Prefix // addresses for ip4:/ip6:
	MXPatterns   []string       // name patterns for the provider's MX hosts
	Ask          string         // for KindAsk, one sentence telling the person where to find their own SPF include; empty otherwise
	Source       string         // the https URL of the vendor's documentation that states these facts; empty for other and none
}

// NeedsAsk reports whether the provider is recognised but its SPF terms
// are per customer (KindAsk): the wizard cannot authorise it by itself and
// shows p.Ask instead.
func (p Provider) NeedsAsk() bool { return p.Kind == KindAsk }

// SPFTerms returns the SPF mechanisms that authorise the provider, includes
// first: "include:spf.protection.outlook.com", "ip4:192.0.2.1" (a single
// address has no prefix length), "ip4:192.0.2.0/24", "ip6:2001:db8::/32".
// Kinds ask, other and none from the catalog have no terms.
func (p Provider) SPFTerms() []string {
	terms := make([]string, 0, len(p.SPFIncludes)+len(p.SPFAddresses))
	for _, inc := range p.SPFIncludes {
		terms = append(terms, "include:"+inc)
	}
	for _, a := range p.SPFAddresses {
		terms = append(terms, spfsyntax.AddrTerm(a))
	}
	return terms
}

// MatchesMX reports whether host (an MX target, any case, trailing dot
// optional) matches one of the provider's MX patterns.
//
// Patterns are compared label by label. A first label of exactly "*"
// matches one or more whole labels ("*.mail.protection.outlook.com" matches
// "yourcenter-edu.mail.protection.outlook.com" but not
// "mail.protection.outlook.com"); any other '*' matches zero or more
// characters within one label, never a dot ("mx*.zoho.com" matches
// "mx.zoho.com" and "mx2.zoho.com"). Everything else matches exactly,
// ignoring case. The null MX "." matches nothing.
func (p Provider) MatchesMX(host string) bool {
	for _, pat := range p.MXPatterns {
		if matchName(pat, host) {
			return true
		}
	}
	return false
}

// clone returns a deep copy of p.
func (p Provider) clone() Provider {
	p.SPFIncludes = slices.Clone(p.SPFIncludes)
	p.SPFAddresses = slices.Clone(p.SPFAddresses)
	p.MXPatterns = slices.Clone(p.MXPatterns)
	return p
}

// providersFile is the JSON form of providers.json.
type providersFile struct {
	About     string `json:"about"`
	Providers []struct {
		ID           string   `json:"id"`
		Name         string   `json:"name"`
		Kind         string   `json:"kind"`
		SPFIncludes  []string `json:"spf_includes"`
		SPFAddresses []string `json:"spf_addresses"`
		MXPatterns   []string `json:"mx_patterns"`
		Ask          string   `json:"ask"`
		Source       string   `json:"source"`
	} `json:"providers"`
}

var providerCatalog = sync.OnceValues(func() ([]Provider, error) {
	return parseProviders(providersJSON, "providers.json (embedded)")
})

// parseProviders decodes and validates a provider catalog: unique ids,
// valid includes, addresses and patterns, no pattern shared by two
// providers, at least one catalog provider, and exactly one provider of kind
// other (id "other") and one of kind none (id "none"), neither with SPF terms
// or patterns. Catalog and ask providers need an https source URL (the
// placeholders other and none may have one); ask providers need MX
// patterns and an ask sentence and have no SPF terms; no other kind has an
// ask sentence.
func parseProviders(data []byte, source string) ([]Provider, error) {
	var f providersFile
	doc, err := decodeStrict("provider catalog", source, data, &f)
	if err != nil {
		return nil, err
	}
	if len(f.Providers) == 0 {
		return nil, doc.fieldErrf("providers", "missing or empty")
	}
	var out []Provider
	ids := map[string]bool{}
	patternOwner := map[string]string{}
	kinds := map[string]int{}
	for i, raw := range f.Providers {
		at := func(field string) string { return fmt.Sprintf("providers[%d].%s", i, field) }
		p := Provider{ID: raw.ID, Kind: raw.Kind}
		if err := checkID(raw.ID); err != nil {
			return nil, doc.fieldErr(at("id"), err)
		}
		if ids[raw.ID] {
			return nil, doc.fieldErrf(at("id"), "%q is used twice", raw.ID)
		}
		ids[raw.ID] = true
		if err := doc.text(at("name"), raw.Name, &p.Name); err != nil {
			return nil, err
		}
		kinds[raw.Kind]++
		switch raw.Kind {
		case KindCatalog:
			if len(raw.SPFIncludes)+len(raw.SPFAddresses) == 0 {
				return nil, doc.fieldErrf(at("spf_includes"), "a catalog provider needs spf_includes or spf_addresses")
			}
			if len(raw.MXPatterns) == 0 {
				return nil, doc.fieldErrf(at("mx_patterns"), "a catalog provider needs at least one MX pattern")
			}
		case KindAsk:
			if len(raw.SPFIncludes)+len(raw.SPFAddresses) > 0 {
				return nil, doc.fieldErrf(at("kind"), "a provider of kind %q has no spf_includes or spf_addresses: its SPF terms differ per customer", KindAsk)
			}
			if len(raw.MXPatterns) == 0 {
				return nil, doc.fieldErrf(at("mx_patterns"), "a provider of kind %q needs at least one MX pattern", KindAsk)
			}
			if err := doc.text(at("ask"), raw.Ask, &p.Ask); err != nil {
				return nil, err
			}
		case KindOther, KindNone:
			if raw.ID != raw.Kind {
				return nil, doc.fieldErrf(at("id"), "the provider of kind %q must have the id %q", raw.Kind, raw.Kind)
			}
			if len(raw.SPFIncludes)+len(raw.SPFAddresses)+len(raw.MXPatterns) > 0 {
				return nil, doc.fieldErrf(at("kind"), "a provider of kind %q has no spf_includes, spf_addresses or mx_patterns", raw.Kind)
			}
		case "":
			return nil, doc.fieldErrf(at("kind"), "missing (one of %q, %q, %q, %q)", KindCatalog, KindAsk, KindOther, KindNone)
		default:
			return nil, doc.fieldErrf(at("kind"), "must be %q, %q, %q or %q, not %q", KindCatalog, KindAsk, KindOther, KindNone, raw.Kind)
		}
		if raw.Kind != KindAsk && raw.Ask != "" {
			return nil, doc.fieldErrf(at("ask"), "only a provider of kind %q has an ask sentence", KindAsk)
		}
		placeholder := raw.Kind == KindOther || raw.Kind == KindNone
		if err := doc.sourceURL(at("source"), raw.Source, placeholder, &p.Source); err != nil {
			return nil, err
		}
		for j, s := range raw.SPFIncludes {
			field := fmt.Sprintf("%s[%d]", at("spf_includes"), j)
			inc, err := parseHostname(s)
			if err != nil {
				return nil, doc.fieldErrf(field, "must be a fully qualified DNS name: %v", err)
			}
			if slices.Contains(p.SPFIncludes, inc) {
				return nil, doc.fieldErrf(field, "%q is listed twice", inc)
			}
			p.SPFIncludes = append(p.SPFIncludes, inc)
		}
		for j, s := range raw.SPFAddresses {
			field := fmt.Sprintf("%s[%d]", at("spf_addresses"), j)
			a, err := parsePrefix(s)
			if err == nil {
				err = checkWidth(a)
			}
			if err != nil {
				return nil, doc.fieldErr(field, err)
			}
			if slices.Contains(p.SPFAddresses, a) {
				return nil, doc.fieldErrf(field, "%s is listed twice", a)
			}
			p.SPFAddresses = append(p.SPFAddresses, a)
		}
		for j, pat := range raw.MXPatterns {
			field := fmt.Sprintf("%s[%d]", at("mx_patterns"), j)
			if err := checkPattern(pat); err != nil {
				return nil, doc.fieldErr(field, err)
			}
			if owner, dup := patternOwner[pat]; dup {
				return nil, doc.fieldErrf(field, "pattern %q is already used by %q", pat, owner)
			}
			patternOwner[pat] = raw.ID
			p.MXPatterns = append(p.MXPatterns, pat)
		}
		out = append(out, p)
	}
	switch {
	case kinds[KindCatalog] == 0:
		return nil, doc.fieldErrf("providers", "no provider of kind %q", KindCatalog)
	case kinds[KindOther] != 1:
		return nil, doc.fieldErrf("providers", "needs exactly one provider of kind %q, found %d", KindOther, kinds[KindOther])
	case kinds[KindNone] != 1:
		return nil, doc.fieldErrf("providers", "needs exactly one provider of kind %q, found %d", KindNone, kinds[KindNone])
	}
	return out, nil
}

// checkID accepts catalog identifiers: lower-case letters, digits and
// hyphens, starting with a letter.
func checkID(id string) error {
	if id == "" {
		return errors.New("missing")
	}
	for i, c := range id {
		ok := c >= 'a' && c <= 'z' || i > 0 && (c >= '0' && c <= '9' || c == '-')
		if !ok {
			return fmt.Errorf("%q must be lower-case letters, digits and hyphens, starting with a letter", id)
		}
	}
	return nil
}

// Providers returns the embedded mail-provider catalog in file order: the
// catalog providers, then "other" and "none". The result is a fresh copy.
func Providers() []Provider {
	ps, _ := providerCatalog()
	out := make([]Provider, len(ps))
	for i, p := range ps {
		out[i] = p.clone()
	}
	return out
}

// ProviderByID returns the embedded provider with the given id (case
// ignored, surrounding space trimmed).
func ProviderByID(id string) (Provider, bool) {
	id = asciiLower(strings.TrimSpace(id))
	ps, _ := providerCatalog()
	for _, p := range ps {
		if p.ID == id {
			return p.clone(), true
		}
	}
	return Provider{}, false
}

// DetectProvider identifies the mail provider from a domain's MX hosts,
// which should be given in order of preference (lowest MX preference
// first). The first host that matches any catalog or ask provider decides;
// among providers, the catalog's file order breaks ties, so the catalog
// lists specific patterns before general ones. It returns the provider
// and the MX host that matched (as given), or false when none matches.
func DetectProvider(mxHosts []string) (Provider, string, bool) {
	ps, _ := providerCatalog()
	for _, h := range mxHosts {
		for _, p := range ps {
			if (p.Kind == KindCatalog || p.Kind == KindAsk) && p.MatchesMX(h) {
				return p.clone(), h, true
			}
		}
	}
	return Provider{}, "", false
}

// CustomProvider builds a provider of kind other from what a person typed:
// SPF terms separated by spaces or commas, each "include:DOMAIN",
// "ip4:ADDRESS[/LEN]", "ip6:ADDRESS[/LEN]", a bare domain (taken as an
// include) or a bare address or prefix. A leading "+" qualifier is allowed;
// "v=spf1" and an "all" term (with any qualifier) are ignored, so a
// provider's whole sample record may be pasted. Anything else — other
// mechanisms, modifiers, macros, failing qualifiers — is refused, naming the
// offending term.
func CustomProvider(spec string) (Provider, error) {
	p := Provider{ID: KindOther, Name: "Other mail provider", Kind: KindOther}
	if o, ok := ProviderByID(KindOther); ok {
		p.Name = o.Name
	}
	fail := func(term string, err error) (Provider, error) {
		return Provider{}, fmt.Errorf("assets: mail provider term %q: %w", term, err)
	}
	fields := strings.FieldsFunc(spec, func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
	for _, term := range fields {
		low := asciiLower(term)
		if low == "v=spf1" || strings.TrimLeft(low, "+-~?") == "all" && len(low) <= 4 {
			continue
		}
		low = strings.TrimPrefix(low, "+")
		mech, _, _ := strings.Cut(low, ":")
		switch {
		case strings.HasPrefix(low, "-") || strings.HasPrefix(low, "~") || strings.HasPrefix(low, "?"):
			return fail(term, errors.New("only terms that authorise (no -, ~ or ? qualifier) are accepted"))
		case (mech == "include" || mech == "ip4" || mech == "ip6") && strings.Contains(low, ":"):
			// An SPF term: the wizard's one SPF parser reads it, then the
			// value must be a host name or a network a provider may list.
			t, err := spfsyntax.ParseTerm(low)
			if err != nil {
				return fail(term, syntaxReason(err))
			}
			if t.Mechanism == spfsyntax.MechInclude {
				inc, err := parseHostname(t.Value)
				if err != nil {
					return fail(term, err)
				}
				if !slices.Contains(p.SPFIncludes, inc) {
					p.SPFIncludes = append(p.SPFIncludes, inc)
				}
				continue
			}
			a, err := parsePrefix(t.Value)
			if err == nil {
				err = checkWidth(a)
			}
			if err != nil {
				return fail(term, err)
			}
			if !slices.Contains(p.SPFAddresses, a) {
				p.SPFAddresses = append(p.SPFAddresses, a)
			}
		case looksLikeAddress(low):
			a, err := parsePrefix(low)
			if err == nil {
				err = checkWidth(a)
			}
			if err != nil {
				return fail(term, err)
			}
			if !slices.Contains(p.SPFAddresses, a) {
				p.SPFAddresses = append(p.SPFAddresses, a)
			}
		case strings.ContainsAny(low, ":=%/") || spfsyntax.IsMechanism(low):
			return fail(term, errors.New("only include:, ip4: and ip6: terms, bare domains and bare addresses are accepted"))
		default:
			inc, err := parseHostname(low)
			if err != nil {
				return fail(term, err)
			}
			if !slices.Contains(p.SPFIncludes, inc) {
				p.SPFIncludes = append(p.SPFIncludes, inc)
			}
		}
	}
	if len(p.SPFIncludes)+len(p.SPFAddresses) == 0 {
		return Provider{}, errors.New("assets: mail provider: give its SPF include (such as spf.example.net) or its sending addresses")
	}
	return p, nil
}

// The shortest networks a provider or the platform may list: a wider one
// would let far more servers send as a domain than any one sender runs
// (dnscheck reports such a term as spf-all-permissive: the limits are
// spfsyntax's, the same for both).
const (
	MinIPv4Bits = spfsyntax.MinIPv4Bits
	MinIPv6Bits = spfsyntax.MinIPv6Bits
)

// checkWidth refuses a network wider than MinIPv4Bits / MinIPv6Bits.
func checkWidth(p netip.Prefix) error {
	min := MinIPv4Bits
	if p.Addr().Is6() {
		min = MinIPv6Bits
	}
	if p.Bits() < min {
		return fmt.Errorf("%s is too wide: an SPF record listing it would let nearly anyone send as the domain (the shortest allowed is /%d); list the sender's own addresses", p, min)
	}
	return nil
}

// syntaxReason is the reason of an SPF syntax error, without the term
// (which the caller names).
func syntaxReason(err error) error {
	var se *spfsyntax.SyntaxError
	if errors.As(err, &se) {
		return errors.New(se.Reason)
	}
	return err
}

// looksLikeAddress reports whether s is meant as an IP address or prefix
// rather than a domain: only digits and dots before an optional /length, or
// an IPv6 address.
func looksLikeAddress(s string) bool {
	host, _, _ := strings.Cut(s, "/")
	if host == "" {
		return false
	}
	if strings.Trim(host, "0123456789.") == "" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Is6()
}
