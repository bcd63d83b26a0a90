package checks

import (
	"fmt"
	"strings"

	"github.com/outreach-auth/wizard/dnscheck"
)

// The words every screen and the human output use for what a check found.
// The JSON keeps its verdicts and codes (docs/commands.md); people read these.

// DMARCWords says what the DMARC policy that applies to a domain is and
// does, for a person: "p=none, found", "p=quarantine, found",
// "p=reject: rejecting Neoserra mail now" (while it passes neither DKIM
// nor SPF), "sp=reject, inherited from uni.edu: Neoserra mail passes
// through DKIM" (DKIM passes, SPF not yet), "p=reject: Neoserra mail
// passes only if its envelope sender is in the domain" (only SPF passes),
// "inherited p=reject from uni.edu", "missing". The verdict "pass" only
// means that a record was found, so it is never said alone. platform names
// the sending platform ("" for "the platform").
func DMARCWords(s dnscheck.DMARCState, platform string) string {
	switch s.Verdict {
	case dnscheck.VerdictPass:
	case dnscheck.VerdictMissing:
		return "missing"
	case dnscheck.VerdictInvalid:
		return "invalid: receivers ignore it"
	case dnscheck.VerdictError:
		return "unknown"
	case "":
		return "not checked yet"
	default:
		return string(s.Verdict)
	}
	if s.Policy == "" { // a report that names no policy (not one of this package's)
		return "found"
	}
	policy := s.Tag + "=" + s.Policy
	if s.Testing {
		policy += " (t=y: applied as " + s.Effective() + ")"
	}
	if s.Inherited() {
		from := s.OrgDomain
		if s.PSD {
			from += ", a public suffix's policy"
		}
		policy = "inherited " + policy + " from " + from
	}
	if platform == "" {
		platform = "the platform's"
	}
	holds := s.Effective() == dnscheck.DMARCQuarantine || s.Effective() == dnscheck.DMARCReject
	switch {
	case holds && s.PassesBy == dnscheck.DMARCPassesByDKIM && !s.Blocks:
		return policy + ": " + platform + " mail passes it through DKIM"
	case holds && s.PassesBy == dnscheck.DMARCPassesBySPFOnly && !s.Blocks:
		return policy + ": " + platform + " mail passes only if its envelope sender is in the domain"
	case !s.Blocks:
		if s.Inherited() {
			return policy
		}
		return policy + ", found"
	}
	if s.Effective() == dnscheck.DMARCReject {
		return policy + ": rejecting " + platform + " mail now"
	}
	return policy + ": sending " + platform + " mail to spam now"
}

// VerdictWords is a verdict of SPF or DKIM for a person: as the JSON says
// it, except error, which says "unknown" (DNS could not answer, so nothing
// is known) and "" (not checked yet).
func VerdictWords(v dnscheck.Verdict) string {
	switch v {
	case dnscheck.VerdictError:
		return "unknown"
	case "":
		return "not checked yet"
	}
	return string(v)
}

// RowWords sums a domain's report up on one line, as a list of many
// domains shows it: "SPF fail · DKIM missing · DMARC p=none, found", and,
// when DNS could not answer, why ("· DNS could not answer: the DNS server
// reported a failure"). platform names the sending platform. Text from DNS in it
// is exact: pass it through dnscheck.Printable before a terminal.
func RowWords(r dnscheck.DomainReport, platform string) string {
	s := fmt.Sprintf("SPF %s · DKIM %s · DMARC %s", VerdictWords(r.SPF.Status), VerdictWords(r.DKIM.Status),
		DMARCWords(r.DMARC.State(), platform))
	if w := dnscheck.TroubleWords(r.AllProblems()); w != "" {
		s += " · DNS could not answer: " + w
	}
	return s
}

// titles name each problem code in a few words, for people (see Title).
var titles = map[dnscheck.Code]string{
	dnscheck.CodeSPFMissing:               "There is no SPF record",
	dnscheck.CodeSPFMultiple:              "There is more than one SPF record",
	dnscheck.CodeSPFSyntax:                "The SPF record does not parse",
	dnscheck.CodeSPFTooManyLookups:        "The SPF record needs more than 10 DNS lookups",
	dnscheck.CodeSPFTooManyVoidLookups:    "The SPF record looks up names that do not exist",
	dnscheck.CodeSPFPlatformNotAuthorized: "SPF does not authorise %s's servers",
	dnscheck.CodeSPFPlatformIPsListed:     "SPF lists %s's addresses instead of its include",
	dnscheck.CodeSPFPlatformIPsStale:      "SPF misses some of %s's current addresses",
	dnscheck.CodeSPFProviderMissing:       "SPF does not authorise your own mail provider",
	dnscheck.CodeSPFAllPermissive:         "SPF lets almost any server send as you",
	dnscheck.CodeDKIMMissing:              "There is no DKIM record",
	dnscheck.CodeDKIMDoubledDomain:        "The DKIM name was typed with the domain twice",
	dnscheck.CodeDKIMTargetRelative:       "The DKIM target lost its final dot",
	dnscheck.CodeDKIMWrongTarget:          "The DKIM record points somewhere else",
	dnscheck.CodeDKIMNotCNAME:             "The DKIM name holds something other than the CNAME",
	dnscheck.CodeDKIMKeyMissing:           "There is no DKIM key behind the DKIM record",
	dnscheck.CodeDKIMKeyInvalid:           "The DKIM key cannot be used",
	dnscheck.CodeDKIMKeyWeak:              "The DKIM key is short",
	dnscheck.CodeDMARCMissing:             "There is no DMARC policy",
	dnscheck.CodeDMARCMultiple:            "There is more than one DMARC record",
	dnscheck.CodeDMARCSyntax:              "The DMARC record does not parse",
	dnscheck.CodeDMARCBlocksPlatform:      "DMARC is blocking %s's mail now",
	dnscheck.CodeDMARCDependsOnEnvelope:   "DMARC passes only if %s's envelope sender is yours",
	dnscheck.CodeDMARCPctIgnored:          "The DMARC record relies on pct=, which receivers now ignore",
	dnscheck.CodeDNSTimeout:               "A DNS server did not answer in time",
	dnscheck.CodeDNSServFail:              "A DNS server reported a failure",
	dnscheck.CodeDNSRefused:               "A DNS server refused to answer",
	dnscheck.CodeDNSUnreachable:           "No DNS server could be reached",
	dnscheck.CodeDNSBadReply:              "A DNS server's reply could not be used",
	dnscheck.CodeNSOutOfSync:              "A secondary name server still serves old records",
	dnscheck.CodeDomainIsAlias:            "The domain is an alias of another name",
	dnscheck.CodeSPFIncludeBroken:         "An include of the SPF record leads nowhere",
	dnscheck.CodeSPFRangeUnsettled:        "Some of %s's addresses cannot be settled without the sending address",
	dnscheck.CodeDNSNotRecursive:          "The DNS server does not resolve other domains",
	dnscheck.CodeDomainTooLong:            "The domain name is too long for %s's DKIM name",
}

// Title names a problem code in a few words for a person ("The DKIM name
// was typed with the domain twice"), without a full stop; platform names
// the sending platform where the title speaks of it. Codes belong to the
// JSON; screens show titles and sentences.
func Title(code dnscheck.Code, platform string) string {
	t, ok := titles[code]
	if !ok {
		return "Another problem"
	}
	if strings.Contains(t, "%s") {
		if platform == "" {
			platform = "the platform"
		}
		t = fmt.Sprintf(t, platform)
	}
	return t
}

// afterReady says, for a problem still reported on a domain that is ready,
// whether it changes the decision (the checkbox), and why (see AfterReady).
var afterReady = map[dnscheck.Code]string{
	dnscheck.CodeNSOutOfSync:           "It does not change the decision: it clears by itself once the secondary servers update.",
	dnscheck.CodeSPFProviderMissing:    "It does not change the decision, but your own mail fails SPF until you fix it: do that soon.",
	dnscheck.CodeSPFPlatformIPsListed:  "It does not change the decision today; use the include so that SPF keeps passing when the addresses change.",
	dnscheck.CodeSPFPlatformIPsStale:   "It does not change the decision today; use the include so that SPF keeps passing when the addresses change.",
	dnscheck.CodeSPFAllPermissive:      "It does not change the decision; end the record in -all or ~all when you can.",
	dnscheck.CodeDKIMKeyWeak:           "It does not change the decision; the key is the platform's vendor's to lengthen.",
	dnscheck.CodeDMARCMissing:          "It does not change the decision; a DMARC policy is a later step (see the advice).",
	dnscheck.CodeDMARCMultiple:         "It does not change the decision, but receivers ignore your DMARC policy until it is fixed.",
	dnscheck.CodeDMARCSyntax:           "It does not change the decision, but receivers ignore your DMARC policy until it is fixed.",
	dnscheck.CodeDomainIsAlias:         "It does not change the decision.",
	dnscheck.CodeDNSTimeout:            "It does not change the decision: SPF and DKIM were read; check again later to be sure.",
	dnscheck.CodeDNSServFail:           "It does not change the decision: SPF and DKIM were read; check again later to be sure.",
	dnscheck.CodeDNSRefused:            "It does not change the decision: SPF and DKIM were read; check again later to be sure.",
	dnscheck.CodeDNSUnreachable:        "It does not change the decision: SPF and DKIM were read; check again later to be sure.",
	dnscheck.CodeDNSBadReply:           "It does not change the decision: SPF and DKIM were read; check again later to be sure.",
	dnscheck.CodeDNSNotRecursive:       "It does not change the decision: SPF and DKIM were read; check again with a recursive resolver to be sure.",
	dnscheck.CodeSPFRangeUnsettled:     "It does not change the decision: the addresses evaluated pass; put the platform's include first to be sure of the rest.",
	dnscheck.CodeSPFIncludeBroken:      "It does not change the decision: the platform's mail passes before the broken include is reached, but mail from your other servers fails SPF until it is removed: do that soon.",
	dnscheck.CodeSPFTooManyVoidLookups: "It does not change the decision, but some receivers may reject SPF: fix it soon.",
	dnscheck.CodeSPFTooManyLookups:     "It does not change the decision, but some receivers may reject SPF: fix it soon.",
}

// AfterReady says, for a problem still reported on a domain that is ready
// (SPF and DKIM pass), whether it changes the decision about the checkbox,
// in a sentence a person reads beside the success: changes is false for a
// problem the table knows (ns-out-of-sync clears by itself; others are
// worth fixing but leave the checkbox OFF), true for one it does not know,
// which the person should read before deciding.
func AfterReady(code dnscheck.Code) (changes bool, why string) {
	if w, ok := afterReady[code]; ok {
		return false, w
	}
	return true, "The wizard cannot say whether this changes the decision: read it before you decide."
}

// ReadyWords says that every one of n domains is ready, read aloud as a
// person would say it, without a full stop: "SPF and DKIM pass:
// yourcenter.edu is ready" (one, named), "… both domains are ready",
// "… all 3 domains are ready".
func ReadyWords(domains []string) string {
	const lead = "SPF and DKIM pass: "
	switch len(domains) {
	case 1:
		return lead + domains[0] + " is ready"
	case 2:
		return lead + "both domains are ready"
	}
	return lead + fmt.Sprintf("all %d domains are ready", len(domains))
}

// StillReported says, one sentence each, what is still reported on ready
// domains: the domain, the problem's title, and whether it changes the
// decision (AfterReady). Text from DNS in it is exact: pass it through
// dnscheck.Printable before a terminal.
func StillReported(reports []dnscheck.DomainReport, platform string) []string {
	var out []string
	for _, r := range reports {
		for _, p := range r.AllProblems() {
			_, why := AfterReady(p.Code)
			out = append(out, r.Domain+": "+Title(p.Code, platform)+". "+why)
		}
	}
	return out
}
