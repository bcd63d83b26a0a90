package dnscheck

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/emersion/go-msgauth/dmarc"
	"github.com/miekg/dns"
)

// ErrDMARCSyntax is wrapped by every error of ParseDMARC.
var ErrDMARCSyntax = errors.New("dnscheck: DMARC record syntax error")

// DMARC policies (the p= tag, RFC 7489 §6.3).
const (
	DMARCNone       = "none"
	DMARCQuarantine = "quarantine"
	DMARCReject     = "reject"
)

// DMARCPolicy is what CheckDMARC needs from a DMARC record.
type DMARCPolicy struct {
	Policy          string // p=: none, quarantine or reject
	SubdomainPolicy string // sp=, "" when absent (p= applies)
	Percent         int    // pct=, 100 when absent
	// Reports are the rua= URIs aggregate reports are sent to (RFC 7489
	// §6.3), in order; nil when the record has no rua=, so no report is
	// ever sent.
	Reports []string
}

// IsDMARC reports whether a TXT string is (or was meant to be) a DMARC
// record: after trimming spaces and quotation marks, its first tag is v=
// and its value starts with "DMARC1", both compared without case. Strings
// that fail this are not DMARC records and are ignored (RFC 7489 §6.6.3);
// those that pass but are wrong are reported as syntax errors.
func IsDMARC(txt string) bool {
	// The backslash is trimmed too: a quote may reach here in DNS
	// presentation form (\").
	t := strings.Trim(txt, " \t\r\n\"“”'‘’\\")
	first, _, _ := strings.Cut(t, ";")
	first = strings.Join(strings.Fields(first), "")
	return len(first) >= 8 && strings.EqualFold(first[:8], "v=DMARC1")
}

// ParseDMARC parses a DMARC record with github.com/emersion/go-msgauth/dmarc
// and also refuses what that parser lets through but receivers do not
// accept (RFC 7489 §6.3, §6.4): quotation marks, v= not exactly "DMARC1" or
// not the first tag, a tag repeated (the DKIM tag-list rule that DMARC
// adopts), a tag without "=". Tag names and the values of p= and sp= are
// compared without case. Errors wrap ErrDMARCSyntax.
func ParseDMARC(txt string) (DMARCPolicy, error) {
	var pol DMARCPolicy
	bad := func(format string, args ...any) (DMARCPolicy, error) {
		return pol, fmt.Errorf("%w: %s", ErrDMARCSyntax, fmt.Sprintf(format, args...))
	}
	if strings.ContainsAny(txt, "\"“”‘’") {
		return bad("it contains quotation marks; enter the record without quotes")
	}
	var norm []string
	seen := map[string]bool{}
	for spec := range strings.SplitSeq(txt, ";") {
		if strings.TrimSpace(spec) == "" {
			continue
		}
		first := len(norm) == 0
		name, value, ok := strings.Cut(spec, "=")
		name, value = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(value)
		if !ok {
			return bad("%q is not a tag=value pair (tags are separated by semicolons)", strings.TrimSpace(spec))
		}
		if seen[name] {
			return bad("the tag %s= appears more than once", name)
		}
		seen[name] = true
		switch name {
		case "v":
			if !first {
				return bad("v=DMARC1 must come first")
			}
			if len(value) > 6 && strings.EqualFold(value[:6], "DMARC1") {
				return bad("put a semicolon after v=DMARC1 (found v=%s)", value)
			}
			if value != "DMARC1" {
				return bad("the version must be written exactly v=DMARC1, not v=%s", value)
			}
		case "p", "sp":
			value = strings.ToLower(value)
			if value != DMARCNone && value != DMARCQuarantine && value != DMARCReject {
				return bad("%s=%s is not a policy; use none, quarantine or reject", name, value)
			}
		case "pct":
			if n, err := strconv.Atoi(value); err != nil || n < 0 || n > 100 {
				return bad("pct=%s must be a whole number from 0 to 100", value)
			}
		}
		norm = append(norm, name+"="+value)
	}
	if !seen["v"] {
		return bad("it must start with v=DMARC1")
	}
	if !seen["p"] {
		return bad("it has no p= tag (the policy: none, quarantine or reject)")
	}
	rec, err := dmarc.Parse(strings.Join(norm, "; "))
	if err != nil {
		return bad("%s", strings.TrimPrefix(err.Error(), "dmarc: "))
	}
	pol.Policy = string(rec.Policy)
	pol.SubdomainPolicy = string(rec.SubdomainPolicy)
	pol.Percent = 100
	if rec.Percent != nil {
		pol.Percent = *rec.Percent
	}
	pol.Reports = rec.ReportURIAggregate
	if pol.Policy == "" { // defensive: dmarc.Parse requires p=
		return bad("it has no valid p= tag")
	}
	return pol, nil
}

// Sources of the DMARC policy that applies to a domain (DMARCReport.Source).
const (
	// DMARCSourceDomain: the record at _dmarc.<domain> itself.
	DMARCSourceDomain = "domain"
	// DMARCSourceOrganizational: none there, so the organisational
	// domain's record applies (RFC 7489 §6.6.3).
	DMARCSourceOrganizational = "organizational"
)

// CheckDMARC looks up the DMARC policy that applies to domain (RFC 7489
// §6.6.3): the TXT at _dmarc.<domain>, or, when that name holds no DMARC
// record, the one at _dmarc.<organisational domain>, the organisational
// domain coming from the Public Suffix List (OrgDomain). Both are asked at
// the same time, to keep the critical path one query long; the querier
// sends a name outside the domain's zone (a subdomain delegated to name
// servers of its own) to the resolver.
//
// Status is pass (one valid record applies), missing (no DMARC record at
// either name: warning dmarc-missing), invalid (several records:
// dmarc-multiple; one that does not parse: dmarc-syntax) or error (DNS
// trouble; never reported as missing). Source says whose record applies
// and OrgDomain names the organisational domain when it is theirs; Policy
// is what applies to this domain: an inherited record's sp= when present,
// else its p=. Problems found at the organisational domain's name are
// reported as for the domain itself, naming that name.
//
// dmarc-blocks-platform is not set here: see BlocksPlatform.
func CheckDMARC(ctx context.Context, q Querier, domain string) DMARCReport {
	domain = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(domain), "."))
	name := "_dmarc." + domain + "."
	org := OrgDomain(domain)
	if org == domain {
		org = ""
	}

	var own, parent Response
	var wg sync.WaitGroup
	wg.Go(func() { own = q.Query(ctx, name, dns.TypeTXT) })
	if org != "" {
		wg.Go(func() { parent = q.Query(ctx, "_dmarc."+org+".", dns.TypeTXT) })
	}
	wg.Wait()

	r := judgeDMARC(own, domain, false)
	r.Domain = domain
	if r.Status != VerdictMissing {
		if r.Status != VerdictError {
			r.Source = DMARCSourceDomain
		}
		return r
	}
	if org == "" {
		return r
	}
	inherited := judgeDMARC(parent, org, true)
	inherited.Domain = domain
	switch inherited.Status {
	case VerdictMissing:
		r.Problems[0].Message += fmt.Sprintf(" Nor does the organisational domain %s (at _dmarc.%s), whose policy would otherwise apply.", org, org)
		return r
	case VerdictError:
		// What applies is unknown: the domain has none of its own, and the
		// organisation's could not be read.
		return inherited
	}
	inherited.Source, inherited.OrgDomain = DMARCSourceOrganizational, org
	return inherited
}

// Inherited reports whether the policy that applies is the organisational
// domain's rather than the domain's own.
func (d DMARCReport) Inherited() bool { return d.Source == DMARCSourceOrganizational }

// judgeDMARC judges the answer for _dmarc.<domain>. For an inherited
// (organisational-domain) record the subdomain policy applies.
func judgeDMARC(resp Response, domain string, inherited bool) DMARCReport {
	r := DMARCReport{TTL: resp.TTL, Problems: []Problem{}}
	host := "_dmarc." + domain
	if resp.Status.Trouble() {
		r.Status = VerdictError
		r.Problems = append(r.Problems, troubleProblem(resp, "the DMARC policy"))
		return r
	}
	var recs []string
	for _, t := range resp.TXT() { // _dmarc may be a CNAME to a DMARC service

		if IsDMARC(t) {
			recs = append(recs, t)
		}
	}
	switch len(recs) {
	case 0:
		r.Status = VerdictMissing
		r.Problems = append(r.Problems, Problem{Code: CodeDMARCMissing, Severity: SeverityWarning,
			Message: fmt.Sprintf("%s publishes no DMARC policy (no v=DMARC1 TXT record at %s). Receivers such as Gmail and Yahoo expect one from domains that send in bulk, and without it you get no reports of who sends as %s.", domain, host, domain),
			Fix:     "Add a TXT record with host _dmarc and value \"v=DMARC1; p=none\" to start: p=none changes nothing for delivery. Add rua=mailto:<address> to receive reports, and move to p=quarantine once all your mail passes SPF and DKIM.",
		})
		return r
	case 1:
	default:
		r.Status = VerdictInvalid
		r.Record = clip(recs[0])
		kept, left := keptRecords(recs)
		fix := fmt.Sprintf("Keep one TXT record at %s starting with v=DMARC1 and delete the others: %s", host, quoteList(kept))
		if left > 0 {
			fix += fmt.Sprintf(" and %d more", left)
		}
		r.Problems = append(r.Problems, Problem{Code: CodeDMARCMultiple, Severity: SeverityError,
			Message: fmt.Sprintf("%s has %d DMARC records; receivers then ignore all of them, as if there were no policy.", host, len(recs)),
			Fix:     fix + ".",
		})
		return r
	}
	r.Record = clip(recs[0])
	pol, err := ParseDMARC(recs[0])
	if err != nil {
		r.Status = VerdictInvalid
		r.Problems = append(r.Problems, Problem{Code: CodeDMARCSyntax, Severity: SeverityError,
			Message: fmt.Sprintf("The DMARC record at %s does not parse: %s. Receivers ignore it.", host, clip(strings.TrimPrefix(err.Error(), ErrDMARCSyntax.Error()+": "))),
			Fix:     fmt.Sprintf("Correct the TXT record at %s; a valid minimal one is \"v=DMARC1; p=none\".", host),
		})
		return r
	}
	r.Status = VerdictPass
	r.Policy = pol.Policy
	r.PolicyTag = "p"
	if inherited && pol.SubdomainPolicy != "" {
		r.Policy, r.PolicyTag = pol.SubdomainPolicy, "sp"
	}
	r.Percent = pol.Percent
	r.ReportsTo, _ = keptRecords(pol.Reports)
	return r
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// BlocksPlatform returns the dmarc-blocks-platform problem when d is a
// valid policy that quarantines or rejects mail failing DMARC and the
// platform is not ready (its SPF and DKIM do not pass), so that mail sent
// through it is being lost now. CheckDMARC does not call it: the caller
// knows readiness from the SPF and DKIM checks.
//
// Per RFC 7489 §6.6.4, mail not selected by pct= gets the next lower
// policy: p=quarantine with pct=0 blocks nothing, but p=reject with pct=0
// still quarantines.
func BlocksPlatform(d DMARCReport, ready bool, platformName string) (Problem, bool) {
	if ready || d.Status != VerdictPass {
		return Problem{}, false
	}
	if platformName == "" {
		platformName = "the sending platform"
	}
	var fate string
	switch {
	case d.Policy == DMARCReject && d.Percent >= 100:
		fate = "rejected"
	case d.Policy == DMARCReject && d.Percent > 0:
		fate = fmt.Sprintf("rejected (%d%% of it; the rest quarantined)", d.Percent)
	case d.Policy == DMARCReject, d.Policy == DMARCQuarantine && d.Percent >= 100:
		fate = "quarantined (delivered to spam)"
	case d.Policy == DMARCQuarantine && d.Percent > 0:
		fate = fmt.Sprintf("quarantined (delivered to spam; %d%% of it)", d.Percent)
	default:
		return Problem{}, false
	}
	if d.Inherited() {
		tag := d.PolicyTag
		if tag == "" {
			tag = "p"
		}
		return Problem{Code: CodeDMARCBlocksPlatform, Severity: SeverityError,
			Message: fmt.Sprintf("%s has no DMARC record of its own, so the policy of %s applies to it (%s=%s, inherited from _dmarc.%s and managed by whoever runs %s's DNS). Mail from %s does not pass SPF and DKIM yet: it is being %s now.",
				d.Domain, d.OrgDomain, tag, d.Policy, d.OrgDomain, d.OrgDomain, platformName, fate),
			Fix: fmt.Sprintf("Publish the SPF and DKIM records for %s at %s: that is the fix, and it is yours to make. Do not add a DMARC record with p=none at _dmarc.%s: it would weaken %s's policy for your domain, which is not yours to decide. If the records cannot be published today, ask whoever runs %s's DNS (usually central IT) before changing anything about DMARC.",
				platformName, d.Domain, d.Domain, d.OrgDomain, d.OrgDomain),
		}, true
	}
	return Problem{Code: CodeDMARCBlocksPlatform, Severity: SeverityError,
		Message: fmt.Sprintf("Your DMARC policy is p=%s, and mail from %s does not pass SPF and DKIM yet: it is being %s now.", d.Policy, platformName, fate),
		Fix:     fmt.Sprintf("Publish the SPF and DKIM records for %s first. If that cannot happen today, relax the DMARC policy to p=none until it does.", platformName),
	}, true
}

// ReportAddress returns a DMARC report URI (a rua= entry) as people write
// an address: a mailto: URI without its scheme, in any case; any other URI
// as it is.
func ReportAddress(uri string) string {
	if len(uri) > len("mailto:") && strings.EqualFold(uri[:len("mailto:")], "mailto:") {
		return uri[len("mailto:"):]
	}
	return uri
}
