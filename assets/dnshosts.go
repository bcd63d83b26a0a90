package assets

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// How a DNS host's form wants record names (DNSHost.NameField).
const (
	NameLabel = "label" // the name relative to the zone, e.g. "osc1._domainkey"; the apex is DNSHost.ApexName
	NameFQDN  = "fqdn"  // the full name with a trailing dot, e.g. "osc1._domainkey.yourcenter.edu."
)

// How a DNS host's form wants TXT values (DNSHost.TXTQuoting).
const (
	QuoteNone    = "none"   // paste the value as is; the host splits long values itself
	QuoteStrings = "quoted" // each ≤255-byte piece in double quotes, separated by spaces
)

// GenericDNSHostID is the id of the fallback DNS host used when no NS
// pattern matches. Its forms are taken to want the name relative to the
// zone ("@" for the zone itself) and TXT values unquoted, as most web forms
// do: they append the zone to what is typed and store what is pasted, so a
// full name ends up doubled and typed quotes are published. Namecheap
// documents the convention ("@ stands for yourdomain.com; some DNS/hosting
// providers require your domain to be entered into the hostname"):
// https://namecheap.com/support/knowledgebase/article.aspx/1262/2176/what-does-namecheap-private-email-dns-verification-imply
const GenericDNSHostID = "generic"

// DNSHost is a DNS hosting service and how its web forms want records
// written.
type DNSHost struct {
	ID         string   // stable identifier, e.g. "cloudflare"
	Name       string   // display name, e.g. "Cloudflare"
	NSPatterns []string // name patterns for its name servers (same rule as Provider.MatchesMX); empty for generic and for ByIDOnly hosts
	ByIDOnly   bool     // the host cannot be recognised from name servers (each customer's differ): DetectDNSHost never returns it, DNSHostByID does
	NameField  string   // NameLabel or NameFQDN
	ApexName   string   // for NameLabel hosts, what to type for the zone apex: "@" or "" (leave the box empty); unused for NameFQDN hosts, which take the zone's full name
	TXTQuoting string   // QuoteNone or QuoteStrings
	NameNote   string   // the one sentence on how its name box wants names, in the host's own words for the box; optional
	ProxyNote  string   // the one sentence on turning off its CNAME proxying or flattening for the DKIM CNAME; optional
	SPFNote    string   // the one sentence on an SPF record it may publish itself, to edit rather than add a second; optional
	Warnings   []string // other plain sentences about this host's forms that prevent common mistakes
	Source     string   // the https URL of the host's own help page for its forms (and name servers); empty for generic
	NSSource   string   // the https URL of the host's page naming its name servers, when Source does not; optional
	NSNote     string   // for catalog maintainers, what the NS patterns cannot match (such as custom name servers); optional, never shown in forms
}

// MatchesNS reports whether host (a name server, any case, trailing dot
// optional) matches one of h's NS patterns.
func (h DNSHost) MatchesNS(host string) bool {
	for _, pat := range h.NSPatterns {
		if matchName(pat, host) {
			return true
		}
	}
	return false
}

// HostField returns what to type in h's name box for the record name in
// zone. For NameLabel hosts that is the part of name before the zone
// ("osc1._domainkey"), or ApexName when name is the zone itself. For NameFQDN
// hosts, and whenever name is not inside zone, it is the full name with a
// trailing dot. Both arguments may be in any case, with or without a trailing
// dot; the result is lower case.
func (h DNSHost) HostField(name, zone string) string {
	n, z := normalizeName(name), normalizeName(zone)
	if h.NameField == NameLabel && z != "" {
		if n == z {
			return h.ApexName
		}
		if label, ok := strings.CutSuffix(n, "."+z); ok && label != "" {
			return label
		}
	}
	return n + "."
}

// TXTValue returns value as h's form wants it typed: unchanged (one
// unbroken value, no quotes) for QuoteNone hosts; for QuoteStrings hosts,
// split by SplitTXT into pieces of at most 255 bytes (between SPF terms),
// each in double quotes with backslashes and double quotes escaped,
// separated by single spaces.
func (h DNSHost) TXTValue(value string) string {
	if h.TXTQuoting == QuoteStrings {
		return quoteTXT(SplitTXT(value))
	}
	return value
}

// QuoteRule is the one sentence that says how h's form wants TXT values,
// from its TXTQuoting: every screen, text and hand-off sheet states it
// once, in these words, and shows values the same way (TXTValue).
func (h DNSHost) QuoteRule() string {
	switch {
	case h.TXTQuoting == QuoteStrings:
		return fmt.Sprintf("%s wants TXT values in double quotes: type them as shown, quotes included; a value longer than 255 characters is shown as several quoted strings, which all go in one box.", h.displayName())
	case h.ID == GenericDNSHostID || h.ID == "":
		return "Paste TXT values as shown, without quotes: most forms store what is pasted, quotes included, and receivers ignore an SPF record that starts with a quote."
	}
	return fmt.Sprintf("Paste TXT values as shown, without quotes: %s adds what it needs and splits long values itself.", h.displayName())
}

// Notes are what to say about h's forms, each once: QuoteRule, NameNote,
// ProxyNote, Warnings, then SPFNote (the empty ones left out). Every screen
// and text lists them in this order; the hand-off sheet puts each where it
// belongs (the name and quote rules in its steps, the proxy and SPF notes
// in its mistakes to avoid) instead of repeating them.
func (h DNSHost) Notes() []string {
	out := []string{h.QuoteRule()}
	for _, n := range []string{h.NameNote, h.ProxyNote} {
		if n != "" {
			out = append(out, n)
		}
	}
	out = append(out, h.Warnings...)
	if h.SPFNote != "" {
		out = append(out, h.SPFNote)
	}
	return out
}

func (h DNSHost) displayName() string {
	if h.Name == "" || h.ID == GenericDNSHostID {
		return "Your DNS host"
	}
	return h.Name
}

// clone returns a deep copy of h.
func (h DNSHost) clone() DNSHost {
	h.NSPatterns = slices.Clone(h.NSPatterns)
	h.Warnings = slices.Clone(h.Warnings)
	return h
}

// dnsHostsFile is the JSON form of dnshosts.json.
type dnsHostsFile struct {
	About string `json:"about"`
	Hosts []struct {
		ID         string   `json:"id"`
		Name       string   `json:"name"`
		NSPatterns []string `json:"ns_patterns"`
		ByIDOnly   bool     `json:"by_id_only"`
		NameField  string   `json:"name_field"`
		ApexName   *string  `json:"apex_name"`
		TXTQuoting string   `json:"txt_quoting"`
		NameNote   string   `json:"name_note"`
		ProxyNote  string   `json:"proxy_note"`
		SPFNote    string   `json:"spf_note"`
		Warnings   []string `json:"warnings"`
		Source     string   `json:"source"`
		NSSource   string   `json:"ns_source"`
		NSNote     string   `json:"ns_note"`
	} `json:"dns_hosts"`
}

var dnsHostCatalog = sync.OnceValues(func() ([]DNSHost, error) {
	return parseDNSHosts(dnsHostsJSON, "dnshosts.json (embedded)")
})

// parseDNSHosts decodes and validates a DNS host catalog: unique ids, valid
// patterns not shared between hosts, known name_field and txt_quoting
// values, apex_name "@" or "" given for label hosts and absent for fqdn
// hosts, non-blank warnings, an https source URL on every host but
// generic (where it is optional), an optional https ns_source URL,
// optional ns_note, name_note, proxy_note and spf_note sentences, and NS
// patterns on every host except two kinds: the one host with id "generic"
// (the fallback) and hosts marked by_id_only, which are chosen by id and
// never detected.
func parseDNSHosts(data []byte, source string) ([]DNSHost, error) {
	var f dnsHostsFile
	doc, err := decodeStrict("DNS host catalog", source, data, &f)
	if err != nil {
		return nil, err
	}
	if len(f.Hosts) == 0 {
		return nil, doc.fieldErrf("dns_hosts", "missing or empty")
	}
	var out []DNSHost
	ids := map[string]bool{}
	patternOwner := map[string]string{}
	generic := 0
	for i, raw := range f.Hosts {
		at := func(field string) string { return fmt.Sprintf("dns_hosts[%d].%s", i, field) }
		h := DNSHost{ID: raw.ID, NameField: raw.NameField, TXTQuoting: raw.TXTQuoting}
		if err := checkID(raw.ID); err != nil {
			return nil, doc.fieldErr(at("id"), err)
		}
		if ids[raw.ID] {
			return nil, doc.fieldErrf(at("id"), "%q is used twice", raw.ID)
		}
		ids[raw.ID] = true
		if err := doc.text(at("name"), raw.Name, &h.Name); err != nil {
			return nil, err
		}
		h.ByIDOnly = raw.ByIDOnly
		switch {
		case raw.ID == GenericDNSHostID && raw.ByIDOnly:
			return nil, doc.fieldErrf(at("by_id_only"), "the %q host is the fallback for every zone, not a host chosen by id", GenericDNSHostID)
		case raw.ID == GenericDNSHostID && len(raw.NSPatterns) > 0:
			return nil, doc.fieldErrf(at("ns_patterns"), "the %q host matches every zone and takes no NS patterns", GenericDNSHostID)
		case raw.ID == GenericDNSHostID:
			generic++
		case raw.ByIDOnly && len(raw.NSPatterns) > 0:
			return nil, doc.fieldErrf(at("ns_patterns"), "a by_id_only host is never detected and takes no NS patterns")
		case !raw.ByIDOnly && len(raw.NSPatterns) == 0:
			return nil, doc.fieldErrf(at("ns_patterns"), "missing: only the %q host and hosts marked by_id_only may have no NS patterns", GenericDNSHostID)
		}
		for j, pat := range raw.NSPatterns {
			field := fmt.Sprintf("%s[%d]", at("ns_patterns"), j)
			if err := checkPattern(pat); err != nil {
				return nil, doc.fieldErr(field, err)
			}
			if owner, dup := patternOwner[pat]; dup {
				return nil, doc.fieldErrf(field, "pattern %q is already used by %q", pat, owner)
			}
			patternOwner[pat] = raw.ID
			h.NSPatterns = append(h.NSPatterns, pat)
		}
		switch raw.NameField {
		case NameLabel:
			if raw.ApexName == nil {
				return nil, doc.fieldErrf(at("apex_name"), "missing: a %q host needs \"@\" or \"\" (leave the box empty)", NameLabel)
			}
			if *raw.ApexName != "@" && *raw.ApexName != "" {
				return nil, doc.fieldErrf(at("apex_name"), "must be \"@\" or \"\", not %q", *raw.ApexName)
			}
			h.ApexName = *raw.ApexName
		case NameFQDN:
			if raw.ApexName != nil {
				return nil, doc.fieldErrf(at("apex_name"), "a %q host takes the zone's full name at the apex; leave apex_name out", NameFQDN)
			}
		default:
			return nil, doc.fieldErrf(at("name_field"), "must be %q or %q, not %q", NameLabel, NameFQDN, raw.NameField)
		}
		if raw.TXTQuoting != QuoteNone && raw.TXTQuoting != QuoteStrings {
			return nil, doc.fieldErrf(at("txt_quoting"), "must be %q or %q, not %q", QuoteNone, QuoteStrings, raw.TXTQuoting)
		}
		if err := doc.sourceURL(at("source"), raw.Source, raw.ID == GenericDNSHostID, &h.Source); err != nil {
			return nil, err
		}
		if err := doc.sourceURL(at("ns_source"), raw.NSSource, true, &h.NSSource); err != nil {
			return nil, err
		}
		for _, f := range []struct {
			field, raw string
			dst        *string
		}{{"ns_note", raw.NSNote, &h.NSNote}, {"name_note", raw.NameNote, &h.NameNote}, {"proxy_note", raw.ProxyNote, &h.ProxyNote}, {"spf_note", raw.SPFNote, &h.SPFNote}} {
			if f.raw == "" {
				continue
			}
			if err := doc.text(at(f.field), f.raw, f.dst); err != nil {
				return nil, err
			}
		}
		for j, w := range raw.Warnings {
			var s string
			if err := doc.text(fmt.Sprintf("%s[%d]", at("warnings"), j), w, &s); err != nil {
				return nil, err
			}
			h.Warnings = append(h.Warnings, s)
		}
		out = append(out, h)
	}
	if generic != 1 {
		return nil, doc.fieldErr("dns_hosts", errors.New("needs exactly one host with id \"generic\" and no NS patterns"))
	}
	return out, nil
}

// DNSHosts returns the embedded DNS host catalog in file order. The result
// is a fresh copy.
func DNSHosts() []DNSHost {
	hs, _ := dnsHostCatalog()
	out := make([]DNSHost, len(hs))
	for i, h := range hs {
		out[i] = h.clone()
	}
	return out
}

// DNSHostByID returns the embedded DNS host with the given id (case
// ignored, surrounding space trimmed).
func DNSHostByID(id string) (DNSHost, bool) {
	id = asciiLower(strings.TrimSpace(id))
	hs, _ := dnsHostCatalog()
	for _, h := range hs {
		if h.ID == id {
			return h.clone(), true
		}
	}
	return DNSHost{}, false
}

// DetectDNSHost identifies the DNS host from a zone's NS hosts: the first
// NS host (in the order given) that matches any host's pattern decides, the
// catalog's file order breaking ties. Hosts marked ByIDOnly are never
// returned. When nothing matches it returns the generic host.
func DetectDNSHost(nsHosts []string) DNSHost {
	hs, _ := dnsHostCatalog()
	return detectDNSHost(hs, nsHosts)
}

// detectDNSHost is DetectDNSHost over the catalog hs.
func detectDNSHost(hs []DNSHost, nsHosts []string) DNSHost {
	for _, ns := range nsHosts {
		for _, h := range hs {
			if !h.ByIDOnly && h.MatchesNS(ns) {
				return h.clone()
			}
		}
	}
	for _, h := range hs {
		if h.ID == GenericDNSHostID {
			return h.clone()
		}
	}
	return DNSHost{ID: GenericDNSHostID, Name: "Your DNS host", NameField: NameLabel, ApexName: "@", TXTQuoting: QuoteNone}
}
