package dnscheck

import "strings"

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
	// subdomain policy, "np" for its policy for a domain that does not
	// exist, else "p".
	Tag string
	// Share says which share of the mail failing DMARC the policy is
	// applied to (pct=).
	Share DMARCShare
	// OrgDomain names the domain whose record applies when it is not the
	// domain's own (the organisational domain, or a public-suffix domain
	// when PSD is set); "" when the domain's own record does (or none
	// does).
	OrgDomain string
	// PSD says that the record that applies is a public-suffix domain's
	// (psd=y; JSON source "psd").
	PSD bool
	// Testing is t=y: receivers apply the next lower policy.
	Testing bool
	// Blocks says that the policy quarantines or rejects the platform's
	// mail now, because it passes neither DKIM nor SPF (the problem
	// dmarc-blocks-platform).
	Blocks bool
	// PassesBy says how the platform's mail passes DMARC:
	// dnscheck.DMARCPassesByDKIM (DKIM passes: DMARC passes, whatever
	// SPF says), DMARCPassesBySPFOnly (only SPF passes: DMARC rests on
	// the platform's envelope sender), or "".
	PassesBy string
}

// Effective is the policy receivers apply to failing mail: Policy, one
// level lower with t=y.
func (s DMARCState) Effective() string {
	return DMARCReport{Policy: s.Policy, Testing: s.Testing}.EffectivePolicy()
}

// DMARCShare is how much of the failing mail a DMARC policy asks to be
// applied to (pct=, RFC 7489 §6.3). RFC 9989 removed pct=: receivers that
// follow it apply the policy to all of it, so the words no longer use the
// share (see the problem dmarc-pct-ignored).
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
		s.OrgDomain = d.InheritedFrom()
		s.PSD = d.Source == DMARCSourcePSD
	}
	s.Testing = d.Testing
	s.PassesBy = d.PassesBy
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
// inherited, bit 6 blocks, bit 7 t=y.
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
	if s.Testing {
		b |= 1 << 7
	}
	return b
}

// DMARCState returns what a person is told about the DMARC policy that
// applies to the outcome's domain.
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
	if o.dmarc3&(1<<6) != 0 {
		s.Tag = "np"
	}
	if b&(1<<5) != 0 {
		s.OrgDomain = lastLabels(o.Domain, int(o.dmarc3&7))
		s.PSD = o.dmarc3&(1<<3) != 0
	}
	s.Blocks = b&(1<<6) != 0
	s.Testing = b&(1<<7) != 0
	s.PassesBy = briefPasses[(o.dmarc3>>4)&3]
	return s
}

// dmarcFrom is the rest of a DMARCState for an Outcome, in one byte: bits
// 0–2 the number of labels of the domain an inherited policy comes from
// (a parent of the outcome's domain, so its last labels; the tree walk
// never reads a parent of more than seven labels), bit 3 PSD, bits 4–5
// PassesBy (0 "", then dkim, spf-only), bit 6 the np= tag.
type dmarcFrom uint8

var briefPasses = [...]string{"", DMARCPassesByDKIM, DMARCPassesBySPFOnly, ""}

func fromOf(domain string, s DMARCState) dmarcFrom {
	var b dmarcFrom
	if s.Inherited() && strings.HasSuffix(domain, "."+s.OrgDomain) {
		b = dmarcFrom(min(labelCount(s.OrgDomain), walkSkipTo))
	}
	if s.PSD {
		b |= 1 << 3
	}
	if s.Tag == "np" {
		b |= 1 << 6
	}
	for i, p := range briefPasses {
		if i > 0 && p != "" && p == s.PassesBy {
			b |= dmarcFrom(i) << 4
		}
	}
	return b
}
