package dnscheck

import (
	"context"
	"strings"

	"github.com/miekg/dns"
)

// Whether an external reports destination takes a domain's reports
// (ReportDestination.Status).
const (
	// DestinationAuthorized: the destination publishes "v=DMARC1" at
	// <domain>._report._dmarc.<destination>.
	DestinationAuthorized = "authorized"
	// DestinationMissing: it does not, so receivers send it nothing.
	DestinationMissing = "missing"
	// DestinationError: DNS could not say.
	DestinationError = "error"
)

// ReportDestination is a rua= address outside the domain's organisation,
// and whether its domain agrees to receive the domain's reports: the
// external destination verification of RFC 9990 (RFC 7489 §7.1 before
// it). Receivers send reports to such an address only when the record
// exists. docs/reports.md explains it.
type ReportDestination struct {
	Address string // the address, as people write it (no "mailto:")
	Domain  string // the address's domain, lower case
	Name    string // the name the permission record sits at, fully qualified
	Status  string // DestinationAuthorized, DestinationMissing or DestinationError
}

// PermissionName is the name at which destination publishes its consent
// to receive domain's aggregate reports.
func PermissionName(domain, destination string) string {
	return trimDot(canonical(domain)) + "._report._dmarc." + trimDot(canonical(destination)) + "."
}

// ExternalDestination returns the domain of a rua= URI when it is a
// mailto: address outside domain's organisation, and false otherwise.
func ExternalDestination(domain, uri string) (string, bool) {
	addr := ReportAddress(uri)
	if addr == uri { // not mailto:
		return "", false
	}
	addr, _, _ = strings.Cut(addr, "!") // a size limit, "!10m"
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return "", false
	}
	dest := trimDot(canonical(addr[at+1:]))
	if dest == "" || sameOrganisation(dest, domain) {
		return "", false
	}
	return dest, true
}

// sameOrganisation reports whether a and b share an organisational
// domain (the one call to the organisational-domain rule here).
func sameOrganisation(a, b string) bool {
	oa, ob := OrgDomain(a), OrgDomain(b)
	return oa != "" && oa == ob
}

// CheckReportDestinations looks up, for each rua= URI of the DMARC
// record of domain that is an address outside its organisation, the
// permission record at <domain>._report._dmarc.<destination> (each name
// once). domain is the domain whose record lists the URIs (for an
// inherited record, the organisational domain).
func CheckReportDestinations(ctx context.Context, q Querier, domain string, uris []string) []ReportDestination {
	var out []ReportDestination
	seen := map[string]bool{}
	for _, u := range uris {
		dest, ok := ExternalDestination(domain, u)
		if !ok || seen[dest] {
			continue
		}
		seen[dest] = true
		addr, _, _ := strings.Cut(ReportAddress(u), "!")
		d := ReportDestination{Address: addr, Domain: dest, Name: PermissionName(domain, dest)}
		resp := q.Query(ctx, d.Name, dns.TypeTXT)
		switch {
		case resp.Status.Trouble():
			d.Status = DestinationError
		case hasDMARC1(resp.TXT()):
			d.Status = DestinationAuthorized
		default:
			d.Status = DestinationMissing
		}
		out = append(out, d)
	}
	return out
}

// hasDMARC1 reports whether a TXT record begins with "v=DMARC1".
func hasDMARC1(txts []string) bool {
	for _, t := range txts {
		t = strings.TrimSpace(t)
		if len(t) >= 8 && strings.EqualFold(t[:8], "v=DMARC1") && (len(t) == 8 || t[8] == ';' || t[8] == ' ') {
			return true
		}
	}
	return false
}

// ReportsUnverified returns the external destinations of d whose
// permission record is missing, when none of d's rua= addresses would
// receive reports; nil when some address receives them, or DNS could
// not say.
func (d DMARCReport) ReportsUnverified() []ReportDestination {
	if len(d.ReportsTo) == 0 || len(d.Destinations) == 0 {
		return nil
	}
	owner := d.Domain
	if d.Inherited() {
		owner = d.OrgDomain
	}
	for _, u := range d.ReportsTo {
		dest, ok := ExternalDestination(owner, u)
		if !ok {
			return nil
		}
		for _, rd := range d.Destinations {
			if rd.Domain == dest && rd.Status != DestinationMissing {
				return nil
			}
		}
	}
	return d.Destinations
}

// ReportsUnknown returns the destinations whose permission record DNS
// could not give, when no rua= address of d is known to receive reports
// (none inside the organisation, none authorised): whether any report
// arrives is then unknown, and nothing may promise that one does. It
// returns nil otherwise.
func (d DMARCReport) ReportsUnknown() []ReportDestination {
	if len(d.ReportsTo) == 0 || len(d.Destinations) == 0 {
		return nil
	}
	owner := d.Domain
	if d.Inherited() {
		owner = d.OrgDomain
	}
	var unknown []ReportDestination
	for _, u := range d.ReportsTo {
		dest, ok := ExternalDestination(owner, u)
		if !ok {
			return nil
		}
		for _, rd := range d.Destinations {
			if rd.Domain != dest {
				continue
			}
			switch rd.Status {
			case DestinationAuthorized:
				return nil
			case DestinationError:
				unknown = append(unknown, rd)
			}
		}
	}
	return unknown
}

// checkDestinations is CheckReportDestinations for a DMARC report: the
// record's owner is the organisational domain when it is inherited.
func checkDestinations(ctx context.Context, q Querier, d DMARCReport) []ReportDestination {
	if d.Status != VerdictPass || len(d.ReportsTo) == 0 {
		return nil
	}
	owner := d.Domain
	if d.Inherited() {
		owner = d.OrgDomain
	}
	return CheckReportDestinations(ctx, q, owner, d.ReportsTo)
}
