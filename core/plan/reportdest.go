package plan

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/dnscheck"
)

// The reports address has to work: receivers send a domain's aggregate
// reports to an address outside its organisation only when the address's
// domain publishes "v=DMARC1" at <domain>._report._dmarc.<destination>
// (RFC 9990 external destination verification; docs/reports.md).

// noteReportDestinations looks up the permission record of every rua=
// address of the DMARC record the plan proposes (or keeps) that is
// outside the domain's organisation, and says on the record, when it is
// missing, that no reports arrive there until it is published (in place
// of the note that they arrive only if it is).
func noteReportDestinations(ctx context.Context, q dnscheck.Querier, p *Plan) {
	for i := range p.Records {
		r := &p.Records[i]
		if r.Purpose != PurposeDMARC || r.Organisational || !strings.HasPrefix(r.Name, "_dmarc.") {
			continue
		}
		pol, err := dnscheck.ParseDMARC(r.Value)
		if err != nil {
			continue
		}
		for _, d := range dnscheck.CheckReportDestinations(ctx, q, p.Domain, pol.Reports) {
			if d.Status != dnscheck.DestinationMissing {
				// Taken, or DNS could not say: the general note on
				// such addresses stands.
				continue
			}
			name := strings.TrimSuffix(d.Name, ".")
			r.Notes = slices.DeleteFunc(r.Notes, func(n string) bool { return strings.Contains(n, name) && strings.Contains(n, "only if") })
			r.Notes = append(r.Notes, dnscheck.Printable(fmt.Sprintf("No reports arrive at %s until %s publishes a TXT record \"v=DMARC1\" at %s: receivers send reports to an address outside %s's organisation only when its domain says it takes them (report services do this for their customers; for another of your own domains, publish it there).",
				d.Address, d.Domain, name, p.Domain)))
		}
	}
}

// reportPermissions returns the permission records the plan's domain
// must publish for the session's other domains (opt.ReportsFrom) whose
// reports go to opt.DMARCReports when that address is at this domain
// (or under it) and outside their organisation: one TXT "v=DMARC1" at
// <other>._report._dmarc.<destination> each, kept when it is there.
func reportPermissions(ctx context.Context, q dnscheck.Querier, domain string, opt Options) []Record {
	if opt.DMARCReports == "" {
		return nil
	}
	var out []Record
	for _, from := range opt.ReportsFrom {
		dest, ok := dnscheck.ExternalDestination(from, "mailto:"+opt.DMARCReports)
		if !ok || (dest != domain && !strings.HasSuffix(dest, "."+domain)) {
			continue
		}
		name := dnscheck.PermissionName(from, dest)
		if slices.ContainsFunc(out, func(r Record) bool { return r.Name == name }) {
			continue
		}
		r := Record{Purpose: PurposeDMARC, Type: "TXT", Name: name, Value: "v=DMARC1", Action: ActionAdd,
			Notes: []string{fmt.Sprintf("This lets %s receive the DMARC reports of %s: receivers send reports to an address outside a domain's organisation only when the address's domain publishes this record.", opt.DMARCReports, from)}}
		resp := q.Query(ctx, name, dns.TypeTXT)
		switch {
		case resp.Status.Trouble():
			r.Notes = append(r.Notes, "DNS did not answer for this name, so whether it is already there is not known.")
		case slices.ContainsFunc(resp.TXT(), func(t string) bool { return strings.HasPrefix(strings.ToLower(strings.TrimSpace(t)), "v=dmarc1") }):
			r.Action = ActionKeep
			r.Notes = append(r.Notes, "It is already published.")
		}
		out = append(out, r)
	}
	return out
}
