package plan

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/dnscheck"
)

// The grant is what whoever runs the DNS server configures so that a TSIG
// key may change exactly the names and types the plans change, and
// nothing else: the key 'wizard publish' signs its RFC 2136 update with
// (see docs/publish.md). Each server can be more or less narrow; where it
// cannot be as narrow as the plans, the grant says how much wider it is.

// NameType is one owner name (fully qualified, lower case) and one record
// type that a plan changes.
type NameType struct {
	Name string
	Type string
}

// ZoneNames are the names and types the plans change in one zone.
type ZoneNames struct {
	Zone  string // fully qualified, lower case
	Names []NameType
}

// DefaultKeyName is the key name the grant uses when no key is given:
// "wizard-" and the first domain.
func DefaultKeyName(plans ...Plan) string {
	if len(plans) == 0 || plans[0].Domain == "" {
		return "wizard-update."
	}
	return dns.Fqdn("wizard-" + plans[0].Domain)
}

// Changes reports whether r is a record the plan asks to change (add,
// replace or delete) in a name the domain controls.
func (r Record) Changes() bool {
	switch r.Action {
	case ActionAdd, ActionReplace, ActionDelete:
		return !r.Organisational
	}
	return false
}

// ChangedNames returns, zone by zone, every name and type the plans'
// changes touch: the record's own name and type, and for a DKIM name that
// holds something else today (a TXT key, A records) the types deleted
// there. zoneOf gives the zone of a name that is not under its plan's
// zone (nil: the plan's zone).
func ChangedNames(plans []Plan, zoneOf func(name string) string) []ZoneNames {
	byZone := map[string]map[NameType]bool{}
	for _, p := range plans {
		for _, r := range p.Records {
			if !r.Changes() {
				continue
			}
			name := dns.CanonicalName(r.Name)
			zone := dns.CanonicalName(p.Zone)
			if !dns.IsSubDomain(zone, name) && zoneOf != nil {
				zone = dns.CanonicalName(zoneOf(name))
			}
			if byZone[zone] == nil {
				byZone[zone] = map[NameType]bool{}
			}
			byZone[zone][NameType{name, r.Type}] = true
			if r.Purpose != PurposeDKIM {
				continue
			}
			for _, rep := range r.Replaces {
				typ, _, _ := strings.Cut(rep, " ")
				typ = strings.ToUpper(typ)
				if _, known := dns.StringToType[typ]; known && typ != "ANY" {
					byZone[zone][NameType{name, typ}] = true
				}
			}
		}
	}
	var out []ZoneNames
	for zone, set := range byZone {
		z := ZoneNames{Zone: zone}
		for nt := range set {
			z.Names = append(z.Names, nt)
		}
		sort.Slice(z.Names, func(i, j int) bool {
			if z.Names[i].Name != z.Names[j].Name {
				return z.Names[i].Name < z.Names[j].Name
			}
			return z.Names[i].Type < z.Names[j].Type
		})
		out = append(out, z)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Zone < out[j].Zone })
	return out
}

// Grant is the least-privilege grant for one key, in every server's words.
type Grant struct {
	Key   string // the key's name, fully qualified
	Zones []ZoneNames
	// Windows are the PowerShell lines that make the plans' changes on a
	// Windows DNS server, which takes only Kerberos-signed updates.
	Windows []string
}

// GrantFor returns the grant for key (DefaultKeyName when empty) over the
// plans' changes.
func GrantFor(key string, plans []Plan, zoneOf func(string) string) Grant {
	if key == "" {
		key = DefaultKeyName(plans...)
	}
	g := Grant{Key: dns.CanonicalName(key), Zones: ChangedNames(plans, zoneOf)}
	for _, p := range plans {
		g.Windows = append(g.Windows, windowsLines(p, zoneOf)...)
	}
	return g
}

// Empty reports that the plans change nothing, so no grant is needed.
func (g Grant) Empty() bool { return len(g.Zones) == 0 }

// keyWord is the key's name as configuration files write it: without the
// trailing dot, made printable.
func (g Grant) keyWord() string { return dnscheck.Printable(strings.TrimSuffix(g.Key, ".")) }

// BIND returns the lines for BIND: the tsig-keygen command that makes the
// key, and each zone's update-policy, one grant per name with exactly its
// types.
func (g Grant) BIND() []string {
	key := g.keyWord()
	out := []string{
		fmt.Sprintf("tsig-keygen -a hmac-sha256 %s > /etc/bind/%s.key", key, key),
		fmt.Sprintf(`include "/etc/bind/%s.key";`, key),
	}
	for _, z := range g.Zones {
		out = append(out, fmt.Sprintf(`zone "%s" { … update-policy {`, dnscheck.Printable(strings.TrimSuffix(z.Zone, "."))))
		for _, n := range mergeTypes(z.Names) {
			out = append(out, fmt.Sprintf("  grant %s name %s %s;", key, dnscheck.Printable(n.Name), strings.Join(n.types, " ")))
		}
		out = append(out, "}; … };")
	}
	return out
}

// Knot returns the lines for Knot DNS: the keymgr command that makes the
// key, and one acl rule with update-type and update-owner-name per zone,
// attached to the zone.
func (g Grant) Knot() []string {
	key := g.keyWord()
	out := []string{fmt.Sprintf("keymgr -t %s hmac-sha256   # prints the key: section", key)}
	out = append(out, "acl:")
	for i, z := range g.Zones {
		names, types := namesAndTypes(z.Names)
		out = append(out,
			fmt.Sprintf("  - id: %s", aclID(key, i)),
			fmt.Sprintf("    key: %s", key),
			"    action: update",
			fmt.Sprintf("    update-type: [%s]", strings.Join(types, ", ")),
			"    update-owner: name",
			"    update-owner-match: equal",
			fmt.Sprintf("    update-owner-name: [%s]", dnscheck.Printable(strings.Join(names, ", "))))
	}
	out = append(out, "zone:")
	for i, z := range g.Zones {
		out = append(out, fmt.Sprintf("  - domain: %s", dnscheck.Printable(strings.TrimSuffix(z.Zone, "."))),
			fmt.Sprintf("    acl: [%s]   # beside the zone's other acl rules", aclID(key, i)))
	}
	return out
}

func aclID(key string, i int) string {
	if i == 0 {
		return key + "-update"
	}
	return fmt.Sprintf("%s-update-%d", key, i+1)
}

// KnotWider says how much more than the plans Knot's rule allows: a rule
// pairs every type with every name, so it also allows the pairs listed
// ("" when it is exact).
func (g Grant) KnotWider() string {
	var extra []string
	for _, z := range g.Zones {
		names, types := namesAndTypes(z.Names)
		for _, n := range names {
			for _, t := range types {
				if !slices.Contains(z.Names, NameType{n, t}) {
					extra = append(extra, t+" at "+strings.TrimSuffix(n, "."))
				}
			}
		}
	}
	if len(extra) == 0 {
		return ""
	}
	return fmt.Sprintf("Knot pairs every listed type with every listed name, so this rule also allows %d name and type pair(s) the plan does not change: %s.",
		len(extra), dnscheck.Printable(strings.Join(extra, ", ")))
}

// PowerDNS returns the pdnsutil lines for PowerDNS: the key and the
// TSIG-ALLOW-DNSUPDATE metadata of each zone.
func (g Grant) PowerDNS() []string {
	key := g.keyWord()
	out := []string{fmt.Sprintf("pdnsutil generate-tsig-key %s hmac-sha256", key)}
	for _, z := range g.Zones {
		out = append(out, fmt.Sprintf("pdnsutil set-meta %s TSIG-ALLOW-DNSUPDATE %s", dnscheck.Printable(strings.TrimSuffix(z.Zone, ".")), key))
	}
	return out
}

// PowerDNSWider says how much wider PowerDNS's grant is.
func (g Grant) PowerDNSWider() string {
	zones := make([]string, len(g.Zones))
	for i, z := range g.Zones {
		zones[i] = strings.TrimSuffix(z.Zone, ".")
	}
	return "PowerDNS's TSIG-ALLOW-DNSUPDATE lets the key change any record in the whole zone (" +
		dnscheck.Printable(strings.Join(zones, ", ")) + "), not only the names above; dnsupdate=yes must be set in pdns.conf, and allow-dnsupdate-from must include the address the update comes from."
}

// windowsLines are the PowerShell lines that make p's changes on a
// Windows DNS server.
func windowsLines(p Plan, zoneOf func(string) string) []string {
	var out []string
	for _, r := range p.Records {
		if !r.Changes() {
			continue
		}
		zone := strings.TrimSuffix(p.Zone, ".")
		if !dns.IsSubDomain(dns.Fqdn(zone), dns.Fqdn(r.Name)) && zoneOf != nil {
			zone = strings.TrimSuffix(zoneOf(r.Name), ".")
		}
		rel := relativeName(r.Name, zone)
		if rel == "" || rel == "@" {
			rel = "@"
		}
		zq, nq := psQuote(zone), psQuote(rel)
		switch {
		case r.Type == "CNAME" && r.Action == ActionDelete:
			out = append(out, fmt.Sprintf("Remove-DnsServerResourceRecord -ZoneName %s -Name %s -RRType CName -Force", zq, nq))
		case r.Type == "CNAME":
			if r.Action == ActionReplace {
				for _, rep := range r.Replaces {
					typ, _, _ := strings.Cut(rep, " ")
					out = append(out, fmt.Sprintf("Remove-DnsServerResourceRecord -ZoneName %s -Name %s -RRType %s -Force", zq, nq, psQuote(psType(typ))))
				}
			}
			out = append(out, fmt.Sprintf("Add-DnsServerResourceRecordCName -ZoneName %s -Name %s -HostNameAlias %s", zq, nq, psQuote(r.Value)))
		case r.Type == "TXT":
			for _, old := range r.Replaces {
				if old == r.Value {
					continue
				}
				out = append(out, fmt.Sprintf("Remove-DnsServerResourceRecord -ZoneName %s -Name %s -RRType Txt -RecordData %s -Force", zq, nq, psQuote(old)))
			}
			if r.Action != ActionDelete && !slices.Contains(r.Replaces, r.Value) {
				out = append(out, fmt.Sprintf("Add-DnsServerResourceRecord -ZoneName %s -Name %s -Txt -DescriptiveText %s", zq, nq, psQuote(r.Value)))
			}
		}
	}
	return out
}

// psType is a record type as the DnsServer cmdlets spell it.
func psType(t string) string {
	switch strings.ToUpper(t) {
	case "CNAME":
		return "CName"
	case "TXT":
		return "Txt"
	case "AAAA":
		return "AAAA"
	}
	return strings.ToUpper(t)
}

// psQuote quotes s as a PowerShell single-quoted string (nothing inside
// is expanded; a quote is doubled), made printable.
func psQuote(s string) string {
	s = dnscheck.Printable(s)
	// PowerShell also closes a single-quoted string at the typographic
	// single quotes.
	r := strings.NewReplacer("'", "''", "\u2018", "\u2018\u2018", "\u2019", "\u2019\u2019", "\u201a", "\u201a\u201a", "\u201b", "\u201b\u201b")
	return "'" + r.Replace(s) + "'"
}

type nameTypes struct {
	Name  string
	types []string
}

// mergeTypes groups names with all their types, in order.
func mergeTypes(ns []NameType) []nameTypes {
	var out []nameTypes
	for _, n := range ns {
		if len(out) > 0 && out[len(out)-1].Name == n.Name {
			out[len(out)-1].types = append(out[len(out)-1].types, n.Type)
			continue
		}
		out = append(out, nameTypes{Name: n.Name, types: []string{n.Type}})
	}
	return out
}

func namesAndTypes(ns []NameType) (names, types []string) {
	for _, n := range ns {
		if !slices.Contains(names, n.Name) {
			names = append(names, n.Name)
		}
		if !slices.Contains(types, n.Type) {
			types = append(types, n.Type)
		}
	}
	sort.Strings(types)
	return names, types
}

// Text returns the grant as plain text for a terminal: BIND, Knot (and
// how much wider it is), PowerDNS (the whole zone) and the Windows DNS
// lines. The secret is never part of it: each server makes its own.
func (g Grant) Text() string {
	if g.Empty() {
		return "Nothing to change, so no grant is needed.\n"
	}
	var b strings.Builder
	section := func(title string, lines []string, note string) {
		b.WriteString(title + "\n")
		for _, l := range lines {
			b.WriteString("    " + l + "\n")
		}
		if note != "" {
			b.WriteString(note + "\n")
		}
		b.WriteString("\n")
	}
	section("BIND (named.conf): make the key, then let it change exactly these names and types:", g.BIND(),
		"update-policy replaces a zone's allow-update; keep the zone's other grants inside it.")
	section("Knot DNS (knot.conf):", g.Knot(), g.KnotWider())
	section("PowerDNS:", g.PowerDNS(), g.PowerDNSWider())
	section("Windows DNS takes only Kerberos-signed updates, so no key can be granted; run these lines there instead (PowerShell, DnsServer module):", g.Windows, "")
	return strings.TrimSuffix(b.String(), "\n")
}

// grantBlocks are the hand-off sheet's section on the grant: for whoever
// runs the DNS server, what lets 'wizard publish' make these changes
// itself. Nothing when the plans change nothing.
func grantBlocks(plans []Plan) []block {
	g := GrantFor("", plans, nil)
	if g.Empty() {
		return nil
	}
	lines := func(ls []string) block {
		b := block{Class: "cmd"}
		for _, l := range ls {
			b.Items = append(b.Items, line{code(l)})
		}
		return b
	}
	out := []block{
		heading(3, txt("Or let the wizard publish them (dynamic update)")),
		para(txt("If your DNS server accepts RFC 2136 dynamic updates signed with a TSIG key, the person running the wizard can publish these changes with 'wizard publish'. Give them a key allowed to change exactly these names and types, and nothing else:")),
		heading(4, txt("BIND")), lines(g.BIND()),
		para(txt("update-policy replaces a zone's allow-update; keep the zone's other grants inside it.")),
		heading(4, txt("Knot DNS")), lines(g.Knot()),
	}
	if w := g.KnotWider(); w != "" {
		out = append(out, para(txt(w)))
	}
	out = append(out, heading(4, txt("PowerDNS")), lines(g.PowerDNS()), para(txt(g.PowerDNSWider())))
	if len(g.Windows) > 0 {
		out = append(out, heading(4, txt("Windows DNS")),
			para(txt("Windows DNS takes only Kerberos-signed updates, so no key can be granted. Run these lines on the DNS server instead (PowerShell):")),
			lines(g.Windows))
	}
	out = append(out, para(txt("Send the key file to the person running the wizard over a safe channel; it must be readable only by them (chmod 600).")))
	return out
}
