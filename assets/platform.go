package assets

import (
	"errors"
	"fmt"
	"net/mail"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/outreach-auth/wizard/dnscheck/spfsyntax"
	"github.com/outreach-auth/wizard/internal/safefile"
)

// Platform describes the third-party sending platform the wizard authorises
// to send as the organisation's domain. Every vendor-specific fact lives
// here, so another platform is another file, not a code change.
type Platform struct {
	Name          string      // product name, e.g. "Neoserra"
	Vendor        string      // company that runs it, e.g. "OutreachSystems"
	DKIM          DKIMSpec    // where the domain's DKIM CNAME must point
	SPF           SPFSpec     // how the domain's SPF record authorises the platform
	RewriteDomain string      // domain the platform rewrites the sender to when the user's domain does not pass
	Setting       SettingSpec // the platform setting that turns sender rewriting on
	Contact       ContactSpec // whom to ask to clear addresses rejected while authentication failed
}

// DKIMSpec is the platform's DKIM delegation: the organisation publishes a
// CNAME from Selector._domainkey.<domain> to Target.
type DKIMSpec struct {
	Selector string // DNS label, lower case, e.g. "osc1"
	Target   string // fully qualified, lower case, with trailing dot
}

// SPFSpec is how an SPF record authorises the platform: by Include
// (preferred; the vendor keeps it current) or by the listed addresses.
type SPFSpec struct {
	Include string         // domain for include:, lower case, no trailing dot; may be empty when IPs are given
	IPs     []netip.Prefix // the platform's sending addresses
}

// SettingSpec names the platform setting the administrator must change.
type SettingSpec struct {
	Label    string // the setting's exact label
	Location string // where it is, e.g. "Administration | Configuration | General Settings"
}

// ContactSpec is the vendor's support contact. Name is always set, and at
// least one of Phone, Email and URL.
type ContactSpec struct {
	Name  string
	Phone string
	Email string // optional
	URL   string // optional
}

// Ways returns how to reach the contact, in a sentence: its phone, email
// and URL, those that are set, separated by commas.
func (c ContactSpec) Ways() string {
	var ways []string
	for _, w := range []string{c.Phone, c.Email, c.URL} {
		if w != "" {
			ways = append(ways, w)
		}
	}
	return strings.Join(ways, ", ")
}

// platformFile is the JSON form of a platform file.
type platformFile struct {
	Name   string `json:"name"`
	Vendor string `json:"vendor"`
	DKIM   *struct {
		Selector string `json:"selector"`
		Target   string `json:"target"`
	} `json:"dkim"`
	SPF *struct {
		Include string   `json:"include"`
		IPs     []string `json:"ips"`
	} `json:"spf"`
	RewriteDomain string `json:"rewrite_domain"`
	Setting       *struct {
		Label    string `json:"label"`
		Location string `json:"location"`
	} `json:"setting"`
	Contact *struct {
		Name  string `json:"name"`
		Phone string `json:"phone"`
		Email string `json:"email"`
		URL   string `json:"url"`
	} `json:"contact"`
}

// DKIMName returns the fully qualified name (with trailing dot) at which
// domain must publish the platform's DKIM CNAME, e.g.
// "osc1._domainkey.yourcenter.edu.". domain may be given in any case, with
// or without a trailing dot.
func (p *Platform) DKIMName(domain string) string {
	return p.DKIM.Selector + "._domainkey." + normalizeName(domain) + "."
}

// SPFTerms returns the SPF mechanisms that authorise the platform:
// "include:<Include>", or with useIPs (or when there is no include) one
// "ip4:"/"ip6:" term per address.
func (p *Platform) SPFTerms(useIPs bool) []string {
	if p.SPF.Include != "" && (!useIPs || len(p.SPF.IPs) == 0) {
		return []string{"include:" + p.SPF.Include}
	}
	terms := make([]string, 0, len(p.SPF.IPs))
	for _, ip := range p.SPF.IPs {
		terms = append(terms, spfsyntax.AddrTerm(ip))
	}
	return terms
}

// clone returns a deep copy of p.
func (p *Platform) clone() *Platform {
	c := *p
	c.SPF.IPs = slices.Clone(p.SPF.IPs)
	return &c
}

var defaultPlatform = sync.OnceValues(func() (*Platform, error) {
	return ParsePlatform(platformJSON, "platform.json (embedded)")
})

// DefaultPlatform returns a copy of the embedded platform (Neoserra by
// OutreachSystems). It never panics; the embedded file is validated by the
// package tests, and CheckEmbedded reports a broken build. Should the file
// nevertheless be broken, DefaultPlatform returns an empty Platform.
func DefaultPlatform() *Platform {
	p, err := defaultPlatform()
	if err != nil {
		return &Platform{}
	}
	return p.clone()
}

// MaxPlatformFile bounds the size of a platform file: the real one is a
// few hundred bytes.
const MaxPlatformFile = 1 << 20

// LoadPlatform reads and validates a platform file (the --platform FILE
// flag). A file that cannot be read gives the wrapped os error; one that
// is not a regular file (a FIFO, a device, a directory) or is larger than
// MaxPlatformFile is refused without blocking or reading it whole (see
// safefile); a broken one gives a *FileError naming the file, the field
// and the reason.
func LoadPlatform(path string) (*Platform, error) {
	data, err := safefile.ReadFile(path, MaxPlatformFile)
	if err != nil {
		return nil, fmt.Errorf("assets: platform file: %w", err)
	}
	return ParsePlatform(data, path)
}

// ParsePlatform decodes and validates a platform file's contents; source
// names the file in errors. Unknown fields are refused. Names are lower-cased
// and the DKIM target gets its trailing dot; bare IP addresses are taken as
// /32 or /128 prefixes.
func ParsePlatform(data []byte, source string) (*Platform, error) {
	var f platformFile
	doc, err := decodeStrict("platform file", source, data, &f)
	if err != nil {
		return nil, err
	}
	p := &Platform{}
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	add(doc.text("name", f.Name, &p.Name))
	add(doc.text("vendor", f.Vendor, &p.Vendor))

	if f.DKIM == nil {
		add(doc.fieldErrf("dkim", "missing"))
	} else {
		sel := normalizeName(f.DKIM.Selector)
		switch {
		case sel == "":
			add(doc.fieldErrf("dkim.selector", "missing"))
		case checkLabel(sel, false) != nil:
			add(doc.fieldErrf("dkim.selector", "must be a DNS label (letters, digits and hyphens, at most 63), not %q", f.DKIM.Selector))
		default:
			p.DKIM.Selector = sel
		}
		if strings.TrimSpace(f.DKIM.Target) == "" {
			add(doc.fieldErrf("dkim.target", "missing"))
		} else if t, err := parseHostname(f.DKIM.Target); err != nil {
			add(doc.fieldErrf("dkim.target", "must be a fully qualified DNS name: %v", err))
		} else {
			p.DKIM.Target = t + "."
		}
	}

	if f.SPF == nil {
		add(doc.fieldErrf("spf", "missing"))
	} else {
		if strings.TrimSpace(f.SPF.Include) != "" {
			if inc, err := parseHostname(f.SPF.Include); err != nil {
				add(doc.fieldErrf("spf.include", "must be a fully qualified DNS name: %v", err))
			} else {
				p.SPF.Include = inc
			}
		}
		for i, s := range f.SPF.IPs {
			field := fmt.Sprintf("spf.ips[%d]", i)
			ip, err := parsePrefix(s)
			if err == nil {
				err = checkWidth(ip)
			}
			switch {
			case err != nil:
				add(doc.fieldErr(field, err))
			case slices.Contains(p.SPF.IPs, ip):
				add(doc.fieldErrf(field, "%s is listed twice", ip))
			default:
				p.SPF.IPs = append(p.SPF.IPs, ip)
			}
		}
		if strings.TrimSpace(f.SPF.Include) == "" && len(f.SPF.IPs) == 0 {
			add(doc.fieldErrf("spf", "needs an include, ips, or both"))
		}
	}

	if strings.TrimSpace(f.RewriteDomain) == "" {
		add(doc.fieldErrf("rewrite_domain", "missing"))
	} else if d, err := parseHostname(f.RewriteDomain); err != nil {
		add(doc.fieldErrf("rewrite_domain", "must be a fully qualified DNS name: %v", err))
	} else {
		p.RewriteDomain = d
	}

	if f.Setting == nil {
		add(doc.fieldErrf("setting", "missing"))
	} else {
		add(doc.text("setting.label", f.Setting.Label, &p.Setting.Label))
		add(doc.text("setting.location", f.Setting.Location, &p.Setting.Location))
	}

	if f.Contact == nil {
		add(doc.fieldErrf("contact", "missing"))
	} else {
		c := f.Contact
		add(doc.text("contact.name", c.Name, &p.Contact.Name))
		if s := strings.TrimSpace(c.Phone); s != "" {
			if err := checkPhone(s); err != nil {
				add(doc.fieldErr("contact.phone", err))
			}
			p.Contact.Phone = s
		}
		if s := strings.TrimSpace(c.Email); s != "" {
			if a, err := mail.ParseAddress(s); err != nil || a.Name != "" || a.Address != s {
				add(doc.fieldErrf("contact.email", "must be a plain email address such as support@example.com, not %q", s))
			}
			p.Contact.Email = s
		}
		if s := strings.TrimSpace(c.URL); s != "" {
			if u, err := url.Parse(s); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				add(doc.fieldErrf("contact.url", "must be an http:// or https:// address, not %q", s))
			}
			p.Contact.URL = s
		}
		if p.Contact.Phone == "" && p.Contact.Email == "" && p.Contact.URL == "" {
			add(doc.fieldErrf("contact", "needs at least one of phone, email or url"))
		}
	}
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return p, nil
}

// text validates a required single-line text field and stores it trimmed.
func (d *document) text(field, value string, dst *string) error {
	s := strings.TrimSpace(value)
	if s == "" {
		return d.fieldErrf(field, "missing")
	}
	if strings.ContainsFunc(s, unicode.IsControl) {
		return d.fieldErrf(field, "must be one line of text without control characters")
	}
	*dst = s
	return nil
}

// checkPhone accepts the usual ways of writing a phone number: digits, with
// optional '+', spaces, hyphens, dots, slashes and parentheses, and at least
// seven digits.
func checkPhone(s string) error {
	digits := 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case strings.ContainsRune("+ -.()/", c):
		default:
			return fmt.Errorf("must be a phone number such as +1 (805) 555-0100, not %q", s)
		}
	}
	if digits < 7 {
		return errors.New("a phone number needs at least seven digits")
	}
	return nil
}

// sourceURL checks value as the source field at field: the https URL of the
// vendor's own page that states an entry's facts. An empty value is
// accepted only when optional (catalog placeholders such as "other");
// on success the URL is stored in dst.
func (d *document) sourceURL(field, value string, optional bool, dst *string) error {
	if value == "" {
		if optional {
			return nil
		}
		return d.fieldErrf(field, "missing: give the https URL of the vendor's page that states these facts")
	}
	u, err := url.Parse(value)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || strings.ContainsFunc(value, unicode.IsSpace) {
		return d.fieldErrf(field, "must be an https URL such as https://vendor.example/help/spf, not %q", value)
	}
	*dst = value
	return nil
}
