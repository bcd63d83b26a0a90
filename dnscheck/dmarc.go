package dnscheck

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/miekg/dns"

	"github.com/emersion/go-msgauth/dmarc"
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
	// NonexistentPolicy is np= (RFC 9989 §4.7): the policy for subdomains
	// that do not exist; "" when absent (sp=, else p=, applies).
	NonexistentPolicy string
	// PSD is psd=: "y" (a public-suffix domain's record), "n" (the
	// organisational domain's), "" for u or no tag (RFC 9989 §4.7).
	PSD string
	// Testing is t=y: the domain owner is testing the policy, and
	// receivers apply the next lower one (reject as quarantine, quarantine
	// as none) (RFC 9989 §4.7).
	Testing bool
	// Percent is pct=, 100 when absent or not a number from 0 to 100.
	// RFC 9989 removed pct=: receivers that follow it ignore it and apply
	// the policy to all failing mail (see RelaxedByPct).
	Percent int
	// Removed lists the tags of RFC 7489 that RFC 9989 removed and the
	// record still has (pct, rf, ri), in order; receivers that follow RFC
	// 9989 ignore them.
	Removed []string
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
// accept (RFC 9989 §4.7, RFC 7489 §6.3, §6.4): quotation marks, v= not
// exactly "DMARC1" or not the first tag, a tag repeated (the DKIM
// tag-list rule that DMARC adopts), a tag without "=", p=, sp= or np= not
// a policy, psd= not y, n or u, t= not y or n. Tag names and the values of
// p=, sp=, np=, psd= and t= are compared without case. The tags RFC 9989
// removed (pct=, rf=, ri=) are no longer judged: they are listed in
// Removed and otherwise ignored, as receivers that follow it do. Errors
// wrap ErrDMARCSyntax.
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
	pct := 100
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
		case "p", "sp", "np":
			value = strings.ToLower(value)
			if value != DMARCNone && value != DMARCQuarantine && value != DMARCReject {
				return bad("%s=%s is not a policy; use none, quarantine or reject", name, value)
			}
			if name == "np" {
				pol.NonexistentPolicy = value
				continue
			}
		case "psd":
			switch value = strings.ToLower(value); value {
			case "y", "n":
				pol.PSD = value
			case "u":
			default:
				return bad("psd=%s must be y, n or u", value)
			}
			continue
		case "t":
			switch value = strings.ToLower(value); value {
			case "y":
				pol.Testing = true
			case "n":
			default:
				return bad("t=%s must be y or n", value)
			}
			continue
		case "pct", "rf", "ri":
			pol.Removed = append(pol.Removed, name)
			if n, err := strconv.Atoi(value); name == "pct" && err == nil && n >= 0 && n <= 100 {
				pct = n
			}
			continue
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
	pol.Percent = pct
	pol.Reports = rec.ReportURIAggregate
	if pol.Policy == "" { // defensive: dmarc.Parse requires p=
		return bad("it has no valid p= tag")
	}
	return pol, nil
}

// RelaxedByPct reports whether the record relies on pct= to soften its
// policy: a quarantine or reject policy (p= or sp=) applied, by pct=
// under 100, to part of the failing mail only. RFC 9989 removed pct=:
// receivers that follow it apply the policy to all of it.
func (p DMARCPolicy) RelaxedByPct() bool {
	enforces := func(v string) bool { return v == DMARCQuarantine || v == DMARCReject }
	return p.Percent < 100 && (enforces(p.Policy) || enforces(p.SubdomainPolicy))
}

// Sources of the DMARC policy that applies to a domain (DMARCReport.Source).
const (
	// DMARCSourceDomain: the record at _dmarc.<domain> itself.
	DMARCSourceDomain = "domain"
	// DMARCSourceOrganizational: none there, so the organisational
	// domain's record applies (RFC 9989 §4.10.1).
	DMARCSourceOrganizational = "organizational"
)

// CheckDMARC looks up the DMARC policy that applies to domain by the DNS
// tree walk of RFC 9989 §4.10 (WalkDMARC): the TXT at _dmarc.<domain>;
// when that name holds no DMARC record, the organisational domain's; when
// that has none either, a public-suffix domain's record with psd=y. The
// walk's names are asked at the same time, to keep the critical path one
// query long; the querier sends a name outside the domain's zone to the
// resolver.
//
// Status is pass (one valid record applies), missing (no DMARC record
// applies: warning dmarc-missing), invalid (several records at the name
// that decides: dmarc-multiple; one that does not parse: dmarc-syntax) or
// error (DNS trouble at a name the answer depends on; never reported as
// missing). Source says whose record applies, PolicyDomain where it sits,
// and OrgDomain is the walk's organisational domain; Policy is what
// applies to this domain: an inherited record's sp= when present, else
// its p=, or its np= when the domain does not exist. Problems found at an
// inherited record's name are reported as for
// the domain itself, naming that name. A record that relies on pct= gets
// the warning dmarc-pct-ignored.
//
// dmarc-blocks-platform is not set here: see PlatformDMARC.
func CheckDMARC(ctx context.Context, q Querier, domain string) DMARCReport {
	domain = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(domain), "."))
	r := JudgeDMARCWalk(WalkDMARC(ctx, q, domain))
	// np= is the policy for a subdomain that does not exist (RFC 9989
	// §4.7): asked only when an inherited record has one. The domain's
	// TXT answer is the SPF check's, so through the per-check cache this
	// costs nothing.
	if r.Status == VerdictPass && r.Inherited() && r.NonexistentPolicy != "" {
		if q.Query(ctx, domain+".", dns.TypeTXT).Status == StatusNXDomain {
			r.Policy, r.PolicyTag = r.NonexistentPolicy, "np"
		}
	}
	return r
}

// JudgeDMARCWalk returns the DMARC report of a finished tree walk (see
// CheckDMARC).
func JudgeDMARCWalk(w DMARCWalk) DMARCReport {
	domain := w.Domain
	if len(w.Steps) == 0 {
		r := judgeDMARC(Response{}, domain, false)
		r.Domain = domain
		return r
	}
	r := judgeDMARC(w.Steps[0].Response, domain, false)
	r.Domain = domain
	if r.Status != VerdictMissing {
		if r.Status != VerdictError {
			r.Source, r.OrgDomain = DMARCSourceDomain, w.OrgDomain
		}
		// Several records at the domain are discarded, so receivers go on
		// up the tree: say whose policy they apply instead.
		if s, ok := w.PolicyStep(); ok && len(w.Steps[0].Records) > 1 && s.Domain != domain {
			if up := judgeDMARC(s.Response, s.Domain, true); up.Status == VerdictPass {
				r.Problems[0].Message += fmt.Sprintf(" So they apply the policy of %s instead (%s=%s, from _dmarc.%s).", s.Domain, up.PolicyTag, up.Policy, s.Domain)
			}
		}
		return r
	}
	if t, bad := w.TroubleStep(); bad {
		// What applies is unknown: the domain has none of its own, and a
		// name above it, whose record might apply, could not be read.
		inherited := judgeDMARC(t.Response, t.Domain, true)
		inherited.Domain = domain
		return inherited
	}
	if s, ok := w.PolicyStep(); ok {
		inherited := judgeDMARC(s.Response, s.Domain, true)
		inherited.Domain = domain
		inherited.Source, inherited.PolicyDomain, inherited.OrgDomain = w.Source, s.Domain, w.OrgDomain
		return inherited
	}
	// Several records at a name above are discarded, as none: say so, the
	// record there needs fixing by whoever runs it.
	for _, s := range w.Steps[1:] {
		if len(s.Records) > 1 {
			inherited := judgeDMARC(s.Response, s.Domain, true)
			inherited.Domain = domain
			inherited.Source, inherited.PolicyDomain, inherited.OrgDomain = DMARCSourceOrganizational, s.Domain, w.OrgDomain
			return inherited
		}
	}
	if len(w.Steps) > 1 {
		var asked []string
		for _, s := range w.Steps[1:] {
			asked = append(asked, "_dmarc."+s.Domain)
		}
		r.Problems[0].Message += fmt.Sprintf(" Nor does any domain above it whose policy would otherwise apply (asked: %s).", strings.Join(asked, ", "))
	}
	r.OrgDomain = w.OrgDomain
	return r
}

// Inherited reports whether the policy that applies is another domain's
// (the organisational domain's, or a public-suffix domain's) rather than
// the domain's own.
func (d DMARCReport) Inherited() bool {
	return d.Source == DMARCSourceOrganizational || d.Source == DMARCSourcePSD
}

// InheritedFrom names the domain whose record applies when it is not the
// domain's own ("" otherwise).
func (d DMARCReport) InheritedFrom() string {
	if !d.Inherited() {
		return ""
	}
	if d.PolicyDomain != "" {
		return d.PolicyDomain
	}
	return d.OrgDomain
}

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
	r.Testing = pol.Testing
	r.NonexistentPolicy = pol.NonexistentPolicy
	r.ReportsTo, _ = keptRecords(pol.Reports)
	if p, ok := pctProblem(pol, host); ok {
		r.Problems = append(r.Problems, p)
	}
	return r
}

// pctProblem returns the warning dmarc-pct-ignored for a record at host
// that relies on pct= to soften its policy (RelaxedByPct).
func pctProblem(pol DMARCPolicy, host string) (Problem, bool) {
	if !pol.RelaxedByPct() {
		return Problem{}, false
	}
	policy := pol.Policy
	if policy == DMARCNone {
		policy = pol.SubdomainPolicy
	}
	return Problem{Code: CodeDMARCPctIgnored, Severity: SeverityWarning,
		Message: fmt.Sprintf("The DMARC record at %s applies its policy to %d%% of failing mail only (pct=%d). RFC 9989, the DMARC standard since 2026, removed pct=: receivers that follow it apply %s to all mail that fails DMARC.", host, pol.Percent, pol.Percent, policy),
		Fix:     fmt.Sprintf("To try a policy out, use t=y (testing: receivers apply the next lower policy) instead of pct=; otherwise remove pct= from the record at %s and choose the policy you mean for all mail.", host),
	}, true
}

// How the platform's mail passes DMARC when the policy would hold back
// mail that fails (DMARCReport.PassesBy).
const (
	// DMARCPassesByDKIM: the platform signs with d=<domain> and the DKIM
	// check passes, so its mail passes DMARC through aligned DKIM,
	// whatever SPF says.
	DMARCPassesByDKIM = "dkim"
	// DMARCPassesBySPFOnly: DKIM does not pass but SPF does; DMARC then
	// passes only when the platform's envelope sender (MAIL FROM) is in
	// the domain, so that SPF aligns.
	DMARCPassesBySPFOnly = "spf-only"
)

// EffectivePolicy is the policy receivers apply to mail failing DMARC:
// Policy, one level lower when the record has t=y (RFC 9989 §4.7). pct=
// is not applied: RFC 9989 removed it.
func (d DMARCReport) EffectivePolicy() string {
	if !d.Testing {
		return d.Policy
	}
	switch d.Policy {
	case DMARCReject:
		return DMARCQuarantine
	case DMARCQuarantine:
		return DMARCNone
	}
	return d.Policy
}

// BlocksPlatform returns the dmarc-blocks-platform problem when d is a
// valid policy that quarantines or rejects mail failing DMARC and the
// platform is not ready (its SPF and DKIM do not pass). It knows only
// readiness; PlatformDMARC, which knows SPF and DKIM apart, is what the
// checks use: DMARC passes when aligned DKIM or aligned SPF passes.
func BlocksPlatform(d DMARCReport, ready bool, platformName string) (Problem, bool) {
	if ready {
		return Problem{}, false
	}
	_, p, ok := PlatformDMARC(d, VerdictFail, VerdictFail, platformName)
	return p, ok
}

// PlatformDMARC says what d does to the platform's mail given the SPF and
// DKIM verdicts of the domain. DMARC passes when aligned DKIM or aligned
// SPF passes (RFC 9989 §4.4): the platform signs with d=<domain>, so DKIM
// pass is aligned DKIM pass; with SPF not passing, passesBy is
// DMARCPassesByDKIM and there is no problem. With both passing, passesBy
// is "" and there is no problem. With DKIM not passing and SPF passing,
// passesBy is DMARCPassesBySPFOnly and, under a quarantine or reject
// policy, the warning dmarc-depends-on-envelope says that DMARC then rests
// on the platform's envelope sender. With neither passing, a quarantine or
// reject policy gives the error dmarc-blocks-platform: the mail is lost
// now. A policy that holds nothing back (none, or t=y on quarantine) gives
// no problem.
func PlatformDMARC(d DMARCReport, spf, dkim Verdict, platformName string) (passesBy string, p Problem, ok bool) {
	switch {
	case dkim == VerdictPass && spf == VerdictPass:
		// Both pass: nothing to say about how.
	case dkim == VerdictPass:
		passesBy = DMARCPassesByDKIM
	case spf == VerdictPass:
		passesBy = DMARCPassesBySPFOnly
	}
	if d.Status != VerdictPass || dkim == VerdictPass {
		return passesBy, Problem{}, false
	}
	if platformName == "" {
		platformName = "the sending platform"
	}
	var fate string
	switch d.EffectivePolicy() {
	case DMARCReject:
		fate = "rejected"
	case DMARCQuarantine:
		fate = "quarantined (delivered to spam)"
	default:
		return passesBy, Problem{}, false
	}
	tag := d.PolicyTag
	if tag == "" {
		tag = "p"
	}
	policy := tag + "=" + d.Policy
	if d.Testing {
		policy += " with t=y"
	}
	whose := "Your DMARC policy is " + policy
	if d.Inherited() {
		from := d.InheritedFrom()
		whose = fmt.Sprintf("%s has no DMARC record of its own, so the policy of %s applies to it (%s, inherited from _dmarc.%s and managed by whoever runs %s's DNS)", d.Domain, from, policy, from, from)
	}
	if passesBy == DMARCPassesBySPFOnly {
		return passesBy, Problem{Code: CodeDMARCDependsOnEnvelope, Severity: SeverityWarning,
			Message: fmt.Sprintf("%s. DKIM does not pass yet, so %s's mail passes DMARC only through SPF, and SPF counts for DMARC only when %s's envelope sender (the Return-Path) is an address in %s. If it uses its own bounce address, that mail is %s now.", whose, platformName, platformName, d.Domain, fate),
			Fix:     fmt.Sprintf("Publish the DKIM record for %s: with DKIM passing, DMARC passes whatever the envelope sender is. To see which applies now, check a real message with 'wizard verify FILE'.", platformName),
		}, true
	}
	if d.Inherited() {
		from := d.InheritedFrom()
		return passesBy, Problem{Code: CodeDMARCBlocksPlatform, Severity: SeverityError,
			Message: fmt.Sprintf("%s. Mail from %s passes neither DKIM nor SPF yet: it is being %s now.", whose, platformName, fate),
			Fix: fmt.Sprintf("Publish the SPF and DKIM records for %s at %s: that is the fix, and it is yours to make. Do not add a DMARC record with p=none at _dmarc.%s: it would weaken %s's policy for your domain, which is not yours to decide. If the records cannot be published today, ask whoever runs %s's DNS (usually central IT) before changing anything about DMARC.",
				platformName, d.Domain, d.Domain, from, from),
		}, true
	}
	return passesBy, Problem{Code: CodeDMARCBlocksPlatform, Severity: SeverityError,
		Message: fmt.Sprintf("%s, and mail from %s passes neither DKIM nor SPF yet: it is being %s now.", whose, platformName, fate),
		Fix:     fmt.Sprintf("Publish the DKIM and SPF records for %s first (DKIM alone is enough for DMARC to pass). If that cannot happen today, relax the DMARC policy to p=none until it does.", platformName),
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

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
