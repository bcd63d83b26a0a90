package dnscheck

// DMARCState is what a person is told about the DMARC policy that applies
// to a domain. The JSON verdict "pass" says only that one valid record was
// found; this says which policy it is, whose it is, and whether it is
// costing the platform's mail now. Make it with [DMARCReport.State] or
// [Outcome.DMARCState]; core/checks turns it into words.
type DMARCState struct {
	// Verdict is the DMARC check's verdict (as in the JSON).
	Verdict Verdict
	// Policy is the policy that applies (none, quarantine, reject); "" unless
	// Verdict is pass.
	Policy string
	// Tag is the tag Policy was read from: "sp" for an inherited record's
	// subdomain policy, else "p".
	Tag string
	// Share says which share of the mail failing DMARC the policy is
	// applied to (pct=).
	Share DMARCShare
	// OrgDomain names the organisational domain whose record applies; ""
	// when the domain's own record does (or none does).
	OrgDomain string
	// Blocks says that the policy quarantines or rejects the platform's
	// mail now, because SPF and DKIM do not pass yet (the problem
	// dmarc-blocks-platform).
	Blocks bool
}

// DMARCShare is how much of the failing mail a DMARC policy is applied to
// (pct=, RFC 7489 §6.3).
type DMARCShare uint8

// Shares of pct=.
const (
	DMARCShareAll  DMARCShare = iota // pct=100, or no pct=
	DMARCShareSome                   // 0 < pct < 100
	DMARCShareNone                   // pct=0: the next lower policy applies to all of it
)

// Inherited reports whether the policy is the organisational domain's.
func (s DMARCState) Inherited() bool { return s.OrgDomain != "" }

// State returns what a person is told about d.
func (d DMARCReport) State() DMARCState {
	s := DMARCState{Verdict: d.Status}
	if d.Status != VerdictPass {
		return s
	}
	s.Policy, s.Tag = d.Policy, d.PolicyTag
	if s.Tag == "" {
		s.Tag = "p"
	}
	switch {
	case d.Percent <= 0:
		s.Share = DMARCShareNone
	case d.Percent < 100:
		s.Share = DMARCShareSome
	}
	if d.Inherited() {
		s.OrgDomain = d.OrgDomain
	}
	for _, p := range d.Problems {
		if p.Code == CodeDMARCBlocksPlatform {
			s.Blocks = true
		}
	}
	return s
}

// dmarcBrief is a DMARCState without its verdict and organisational
// domain, in one byte, for an Outcome: bits 0–1 the policy (0 none known,
// then none, quarantine, reject), bits 2–3 the share, bit 4 sp=, bit 5
// inherited, bit 6 blocks.
type dmarcBrief uint8

var briefPolicies = [...]string{"", DMARCNone, DMARCQuarantine, DMARCReject}

func briefOf(s DMARCState) dmarcBrief {
	var b dmarcBrief
	for i, p := range briefPolicies {
		if i > 0 && p == s.Policy {
			b = dmarcBrief(i)
		}
	}
	b |= dmarcBrief(s.Share&3) << 2
	if s.Tag == "sp" {
		b |= 1 << 4
	}
	if s.Inherited() {
		b |= 1 << 5
	}
	if s.Blocks {
		b |= 1 << 6
	}
	return b
}

// DMARCState returns what a person is told about the DMARC policy that
// applies to the outcome's domain. An inherited policy's organisational
// domain is found again from the name (OrgDomain).
func (o Outcome) DMARCState() DMARCState {
	s := DMARCState{Verdict: o.DMARC()}
	b := o.dmarc2
	s.Policy = briefPolicies[b&3]
	if s.Policy == "" {
		return s
	}
	s.Share = DMARCShare(b>>2) & 3
	s.Tag = "p"
	if b&(1<<4) != 0 {
		s.Tag = "sp"
	}
	if b&(1<<5) != 0 {
		s.OrgDomain = OrgDomain(o.Domain)
	}
	s.Blocks = b&(1<<6) != 0
	return s
}
