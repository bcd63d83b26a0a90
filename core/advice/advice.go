// Package advice turns check results into the advice on the platform's
// sender-authentication checkbox (best / second best / do nothing) and the
// next steps, the same for the command line and the wizard.
package advice

import (
	"fmt"
	"iter"
	"strings"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/audience"
	"github.com/outreach-auth/wizard/dnscheck"
)

// Option keys (the JSON contract's advice.option).
const (
	OptionBest       = "best"
	OptionSecondBest = "second-best"
	OptionNothing    = "nothing"
)

// Checkbox positions.
const (
	CheckboxOff = "off"
	CheckboxOn  = "on"
)

// Advice is what to do with the platform setting, and why.
type Advice struct {
	Option    string   `json:"option"`
	Checkbox  string   `json:"checkbox"`
	Reasons   []string `json:"reasons"`
	NextSteps []string `json:"next_steps"`
}

// Choice is one of the three options the platform's FAQ describes.
type Choice struct {
	Key      string // OptionBest, OptionSecondBest or OptionNothing
	Title    string
	Checkbox string
	When     string // when it applies
	Effect   string // what happens to mail
}

// Choices returns the three options, best first.
func Choices(p *assets.Platform) []Choice {
	return []Choice{
		{Key: OptionBest, Title: "Best: publish SPF and DKIM, checkbox OFF", Checkbox: CheckboxOff,
			When:   "every domain your staff send from passes SPF and DKIM",
			Effect: fmt.Sprintf("Mail from %s goes out as your staff's own addresses and passes SPF, DKIM and DMARC.", p.Name)},
		{Key: OptionSecondBest, Title: "Second best: checkbox ON", Checkbox: CheckboxOn,
			When: "SPF or DKIM does not pass yet for some domain your staff send from",
			Effect: fmt.Sprintf("For domains that do not pass, %s sends as @%s with your staff's name and reply-to address; domains that pass still use their own SPF and DKIM (the setting is checked per message).",
				p.Name, p.RewriteDomain)},
		{Key: OptionNothing, Title: "Not recommended: checkbox OFF without SPF and DKIM in place", Checkbox: CheckboxOff,
			When:   "never",
			Effect: "Receivers see mail claiming to be from your domain that fails authentication: much of it is rejected or lands in spam, and your domain's reputation suffers."},
	}
}

// OffOnceAllPass ends the next step that leads to every domain passing:
// it says when the setting goes OFF. A summary that has said the decision
// already (core/session) leaves it out.
const OffOnceAllPass = "; once every domain passes, turn the setting OFF."

// MaxNamed is how many domains one next step names before it sums up the
// rest ("and 12 more"); every domain still has its own reason.
const MaxNamed = 10

// Advise returns the advice across every domain the database's users send
// from: the checkbox may be OFF only when all of them pass SPF and DKIM.
// Otherwise it is ON, and the next steps name the domains that hold it
// back (those that do not pass, and apart from them those that could not
// be checked because DNS did not answer) and explain that the platform
// still uses SPF and DKIM for the domains that pass.
//
// Reasons holds one sentence per report, in the order of reports.
func Advise(reports []dnscheck.DomainReport, p *assets.Platform) Advice {
	return AdviseFor(reports, p, audience.Command)
}

// AdviseFor is Advise with the next steps worded for audience a: inside
// the wizard (audience.Wizard) they point to the wizard's steps instead of
// its commands.
func AdviseFor(reports []dnscheck.DomainReport, p *assets.Platform, a audience.Audience) Advice {
	t := NewTally(p)
	t.audience = a
	for _, r := range reports {
		t.Add(r)
	}
	return t.Advice()
}

// Tally makes the advice of Advise from reports given one at a time, so
// that a long list of domains need not be held whole: of each report it
// keeps only its outcome (dnscheck.Outcome, a few bytes beside the name),
// from which the sentences are made when asked for, and of the names the
// next steps list only the first MaxNamed of each kind.
type Tally struct {
	p                           *assets.Platform
	audience                    audience.Audience // who reads the next steps
	outcomes                    []dnscheck.Outcome
	passing, failing, unchecked nameList
	dmarc                       []dmarcGroup // in the order their kinds first appear
}

// nameList is a list of domains as a sentence names them (see Names):
// the first MaxNamed and how many there are.
type nameList struct {
	first []string
	n     int
}

func (l *nameList) add(name string) {
	l.n++
	if len(l.first) < MaxNamed {
		l.first = append(l.first, name)
	}
}

// String is Names of the whole list.
func (l nameList) String() string { return namesOf(l.first, l.n) }

// only is the one name of a list of one, else def.
func (l nameList) only(def string) string {
	if l.n == 1 {
		return l.first[0]
	}
	return def
}

// dmarcGroup is the domains of one DMARC suggestion: the first one's
// report (a group of one gets its own sentence) and their names.
type dmarcGroup struct {
	kind  int
	first dnscheck.DomainReport
	names nameList
}

// NewTally starts the advice for platform p.
func NewTally(p *assets.Platform) *Tally { return &Tally{p: p} }

// Add counts one more domain's report.
func (t *Tally) Add(r dnscheck.DomainReport) {
	o := r.Outcome()
	t.outcomes = append(t.outcomes, o)
	switch {
	case o.Ready:
		t.passing.add(o.Domain)
	case unchecked(o):
		t.unchecked.add(o.Domain)
	default:
		t.failing.add(o.Domain)
	}
	k := dmarcKind(r)
	if k == dmarcNone {
		return
	}
	for i := range t.dmarc {
		if t.dmarc[i].kind == k {
			t.dmarc[i].names.add(r.Domain)
			return
		}
	}
	g := dmarcGroup{kind: k, first: slimDMARC(r)}
	g.names.add(r.Domain)
	t.dmarc = append(t.dmarc, g)
}

// slimDMARC keeps of r what a DMARC suggestion says.
func slimDMARC(r dnscheck.DomainReport) dnscheck.DomainReport {
	var s dnscheck.DomainReport
	s.Domain, s.Ready, s.DMARC = r.Domain, r.Ready, r.DMARC
	s.SPF.Status, s.DKIM.Status = r.SPF.Status, r.DKIM.Status
	s.DMARC.Problems = nil
	return s
}

// Outcomes returns the outcome of each report added, in order. The slice
// is the tally's own: read it, do not change it.
func (t *Tally) Outcomes() []dnscheck.Outcome { return t.outcomes }

// Reasons yields the advice's reasons, one sentence per report added, in
// order (Reason of each outcome), made as they are asked for.
func (t *Tally) Reasons() iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, o := range t.outcomes {
			if !yield(Reason(o, t.p)) {
				return
			}
		}
	}
}

// Advice returns the advice across the reports added so far.
func (t *Tally) Advice() Advice {
	a := t.AdviceWithoutReasons()
	a.Reasons = make([]string, 0, len(t.outcomes))
	for r := range t.Reasons() {
		a.Reasons = append(a.Reasons, r)
	}
	return a
}

// AdviceWithoutReasons is Advice with Reasons nil, for a caller that
// writes the reasons one at a time from Reasons: a long list's sentences
// are then never held together.
func (t *Tally) AdviceWithoutReasons() Advice {
	p := t.p
	a := Advice{Option: OptionBest, Checkbox: CheckboxOff, NextSteps: []string{}}
	if len(t.outcomes) == 0 || t.failing.n+t.unchecked.n > 0 {
		a.Option, a.Checkbox = OptionSecondBest, CheckboxOn
	}
	if a.Option == OptionBest {
		a.NextSteps = append(a.NextSteps,
			fmt.Sprintf("In %s, turn OFF %s.", p.Name, setting(p)),
			fmt.Sprintf("Contact %s (%s) and ask them to clear any of your addresses that were rejected while authentication failed.", contactName(p), p.Contact.Ways()))
	} else {
		a.NextSteps = append(a.NextSteps, secondBestSteps(p, t.audience, t.passing, t.failing, t.unchecked)...)
	}
	a.NextSteps = append(a.NextSteps, t.dmarcSteps()...)
	return a
}

// Reason is the advice's sentence about one domain: that it passes, does
// not pass yet (and why), or could not be checked.
func Reason(o dnscheck.Outcome, p *assets.Platform) string {
	switch {
	case o.Ready:
		return fmt.Sprintf("%s passes SPF and DKIM for %s.", o.Domain, p.Name)
	case unchecked(o):
		return uncheckedReason(o)
	}
	return fmt.Sprintf("%s does not pass yet: %s.", o.Domain, whyNot(o))
}

// Unchecked reports whether r is not ready because DNS did not answer for
// its SPF or DKIM record: whether it passes is unknown, which is not the
// same as failing.
func Unchecked(r dnscheck.DomainReport) bool { return unchecked(r.Outcome()) }

func unchecked(o dnscheck.Outcome) bool {
	return !o.Ready && (o.SPF() == dnscheck.VerdictError || o.DKIM() == dnscheck.VerdictError)
}

func setting(p *assets.Platform) string {
	return fmt.Sprintf("%q (%s)", p.Setting.Label, p.Setting.Location)
}

// secondBestSteps are the next steps with the checkbox ON: which domains
// hold it back, what the platform does for those that pass, how to fix the
// rest (with the commands that do it, or inside the wizard its steps).
func secondBestSteps(p *assets.Platform, aud audience.Audience, passing, failing, unchecked nameList) []string {
	var held []string
	if failing.n > 0 {
		held = append(held, failing.String()+plural(failing.n, " does not pass yet", " do not pass yet"))
	}
	if unchecked.n > 0 {
		held = append(held, unchecked.String()+" could not be checked (DNS trouble)")
	}
	if len(held) == 0 {
		held = append(held, "no domain was checked")
	}
	steps := []string{fmt.Sprintf("In %s, turn ON %s, because %s. Mail from a domain that does not pass is sent as @%s with your staff's name and reply-to address.",
		p.Name, setting(p), strings.Join(held, ", and "), p.RewriteDomain)}
	if passing.n > 0 {
		steps = append(steps, fmt.Sprintf("%s still uses SPF and DKIM for the %s that %s (%s): the setting is checked per message, so that mail keeps going out as your staff's own addresses.",
			p.Name, plural(passing.n, "domain", "domains"), plural(passing.n, "passes", "pass"), passing))
	}
	if failing.n > 0 {
		fix := fmt.Sprintf("Fix the records ('wizard records %s' prints them), then run 'wizard check' again"+OffOnceAllPass, failing.only("DOMAIN"))
		if aud == audience.Wizard {
			fix = "Fix the records (the records step shows them), then check again (the step before this one)" + OffOnceAllPass
		}
		steps = append(steps, fix)
	}
	if unchecked.n > 0 {
		again := fmt.Sprintf("('wizard check %s')", unchecked.only("DOMAIN"))
		if aud == audience.Wizard {
			again = "(the step before this one)"
		}
		s := fmt.Sprintf("Check %s again %s once DNS answers: DNS trouble (no answer, a failure, a reply that cannot be used) says nothing about whether the records are published.", unchecked, again)
		if failing.n == 0 {
			s = strings.TrimSuffix(s, ".") + OffOnceAllPass
		}
		steps = append(steps, s)
	}
	return append(steps, fmt.Sprintf("After the fix, contact %s (%s) to clear addresses that were rejected while authentication failed.", contactName(p), p.Contact.Ways()))
}

// uncheckedReason says which record DNS did not answer for, and what is
// known to be wrong besides.
func uncheckedReason(o dnscheck.Outcome) string {
	var trouble, known []string
	for _, c := range []struct {
		name   string
		status dnscheck.Verdict
	}{{"SPF", o.SPF()}, {"DKIM", o.DKIM()}} {
		switch c.status {
		case dnscheck.VerdictPass:
		case dnscheck.VerdictError:
			trouble = append(trouble, c.name)
		default:
			known = append(known, c.name+" "+verdictWords(c.status))
		}
	}
	s := fmt.Sprintf("%s could not be checked: DNS did not answer for its %s %s", o.Domain, strings.Join(trouble, " and "), plural(len(trouble), "record", "records"))
	if len(known) > 0 {
		return s + "; " + strings.Join(known, ", ") + "."
	}
	return s + ", so whether it passes is unknown."
}

// Names lists domains for a sentence: "a.edu", "a.edu and b.edu", "a.edu,
// b.edu and c.edu"; beyond MaxNamed, the first ones and "and N more".
func Names(domains []string) string {
	return namesOf(domains[:min(len(domains), MaxNamed)], len(domains))
}

// namesOf is Names of a list of n domains whose first ones (all of them,
// or at least MaxNamed) are first.
func namesOf(first []string, n int) string {
	switch {
	case n == 0:
		return ""
	case n == 1:
		return first[0]
	case n > MaxNamed:
		return strings.Join(first[:MaxNamed], ", ") + fmt.Sprintf(" and %d more", n-MaxNamed)
	default:
		return strings.Join(first[:n-1], ", ") + " and " + first[n-1]
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func whyNot(o dnscheck.Outcome) string {
	var parts []string
	if o.SPF() != dnscheck.VerdictPass {
		parts = append(parts, "SPF "+verdictWords(o.SPF()))
	}
	if o.DKIM() != dnscheck.VerdictPass {
		parts = append(parts, "DKIM "+verdictWords(o.DKIM()))
	}
	if o.SPFPermissive {
		parts = append(parts, "its SPF record lets nearly any server send as it")
	}
	return strings.Join(parts, ", ")
}

func verdictWords(status dnscheck.Verdict) string {
	switch status {
	case dnscheck.VerdictMissing:
		return "record missing"
	case dnscheck.VerdictError:
		return "could not be checked (DNS trouble)"
	}
	return "fails"
}

// DMARCStep returns the suggestion for the domain's DMARC policy given its
// report (the same sentence Advise adds to the next steps), or "" when
// there is none.
func DMARCStep(r dnscheck.DomainReport) string { return dmarcStep(r, audience.Command) }

// DMARC suggestions, by kind.
const (
	dmarcNone    = iota
	dmarcMissing // no policy: publish p=none
	dmarcTighten // ready with p=none and rua=: move to p=quarantine once reports allow
	// dmarcTightenBlind is dmarcTighten without rua=: no reports arrive.
	dmarcTightenBlind
	dmarcHoldBack // not ready (checked) with p=quarantine or p=reject, passing neither DKIM nor SPF
	// dmarcInheritedHoldBack is dmarcHoldBack under the organisational
	// domain's policy: not the person's to change.
	dmarcInheritedHoldBack
	// dmarcTightenUnverified is dmarcTighten with every rua= address
	// outside the organisation and no permission record for it: no
	// reports arrive (docs/reports.md).
	dmarcTightenUnverified
	// dmarcTightenUnknown is dmarcTighten with every rua= address outside
	// the organisation and its permission record unreadable: whether
	// reports arrive is unknown.
	dmarcTightenUnknown
	// dmarcViaDKIM: not ready under p=quarantine or p=reject, but DKIM
	// passes, so DMARC passes through it; SPF still needs fixing.
	dmarcViaDKIM
	// dmarcSPFOnly: not ready under p=quarantine or p=reject, DKIM not
	// passing and SPF passing: DMARC rests on the platform's envelope
	// sender.
	dmarcSPFOnly
)

func dmarcKind(r dnscheck.DomainReport) int {
	switch {
	case r.DMARC.Status == dnscheck.VerdictMissing:
		return dmarcMissing
	case r.DMARC.Status == dnscheck.VerdictPass && r.Ready && r.DMARC.Policy == "none" && !r.DMARC.Inherited():
		// An inherited p=none is the organisation's to tighten.
		if len(r.DMARC.ReportsTo) == 0 {
			return dmarcTightenBlind
		}
		if len(r.DMARC.ReportsUnverified()) > 0 {
			return dmarcTightenUnverified
		}
		if len(r.DMARC.ReportsUnknown()) > 0 {
			return dmarcTightenUnknown
		}
		return dmarcTighten
	case r.DMARC.Status == dnscheck.VerdictPass && !r.Ready && r.DKIM.Status == dnscheck.VerdictPass && holdsBack(r.DMARC):
		// DMARC passes when aligned DKIM passes, whatever SPF does.
		return dmarcViaDKIM
	case r.DMARC.Status == dnscheck.VerdictPass && !r.Ready && !Unchecked(r) && holdsBack(r.DMARC):
		// Only when SPF and DKIM were read: DNS trouble tells nothing
		// about what receivers decide.
		if r.SPF.Status == dnscheck.VerdictPass {
			return dmarcSPFOnly
		}
		if r.DMARC.Inherited() {
			return dmarcInheritedHoldBack
		}
		return dmarcHoldBack
	}
	return dmarcNone
}

// dmarcStep is DMARCStep for audience aud.
func dmarcStep(r dnscheck.DomainReport, aud audience.Audience) string {
	switch dmarcKind(r) {
	case dmarcMissing:
		return fmt.Sprintf("%s has no DMARC policy: publish the p=none record at _dmarc.%s (%s it); p=none changes nothing for delivery. %s", r.Domain, r.Domain, dmarcSource(aud, r.Domain), reportsHow(aud, r.Domain, "it"))
	case dmarcTighten:
		return fmt.Sprintf("%s's DMARC policy is p=none; once the reports sent to %s show every sender passing, move to p=quarantine. %s", r.Domain, reportsTo(r.DMARC), readReports)
	case dmarcTightenUnverified:
		return fmt.Sprintf("%s's DMARC policy is p=none, but no reports arrive: %s. Once they do, %s; when every sender passes, move to p=quarantine.", r.Domain, unverifiedWhy(r.DMARC), strings.ToLower(readReports[:1])+strings.TrimSuffix(readReports[1:], "."))
	case dmarcTightenUnknown:
		return fmt.Sprintf("%s's DMARC policy is p=none; whether reports arrive is not known yet: %s. Once they do, %s; when every sender passes, move to p=quarantine.", r.Domain, unknownWhy(r.DMARC), strings.ToLower(readReports[:1])+strings.TrimSuffix(readReports[1:], "."))
	case dmarcTightenBlind:
		return fmt.Sprintf("%s's DMARC policy is p=none and has no rua= tag, so no reports arrive. %s %s Once every sender passes SPF and DKIM, move to p=quarantine.", r.Domain, reportsHow(aud, r.Domain, "it"), realMessage(aud))
	case dmarcHoldBack:
		fate := "sending mail that fails SPF and DKIM to spam now"
		if r.DMARC.Policy == dnscheck.DMARCReject {
			fate = "rejecting mail that fails SPF and DKIM now"
		}
		return fmt.Sprintf("%s's DMARC policy (p=%s) is %s; fix SPF and DKIM first.", r.Domain, r.DMARC.Policy, fate)
	case dmarcInheritedHoldBack:
		org := r.DMARC.InheritedFrom()
		return fmt.Sprintf("%s has no DMARC policy of its own: %s's (%s, set by whoever runs %s's DNS) applies and is holding back mail now. Fix SPF and DKIM first; do not add a p=none policy for %s, which would weaken %s's.", r.Domain, org, r.DMARC.Policy, org, r.Domain, org)
	case dmarcViaDKIM:
		return fmt.Sprintf("%s: mail from the platform passes DMARC through DKIM, so %s lets it through. SPF still needs fixing: some receivers check SPF on its own, and a domain is ready only when SPF and DKIM both pass.", r.Domain, policyWords(r.DMARC))
	case dmarcSPFOnly:
		return fmt.Sprintf("%s: DKIM does not pass yet, so under %s mail from the platform passes DMARC only if its envelope sender (Return-Path) is an address in %s. Publish the DKIM record: with it, DMARC passes whatever the envelope sender. %s", r.Domain, policyWords(r.DMARC), r.Domain, checkedMessage(aud))
	}
	return ""
}

// holdsBack reports whether the policy that applies quarantines or
// rejects mail failing DMARC (t=y lowers it by one).
func holdsBack(d dnscheck.DMARCReport) bool {
	p := d.EffectivePolicy()
	return p == dnscheck.DMARCQuarantine || p == dnscheck.DMARCReject
}

// policyWords names the DMARC policy that applies: "its DMARC policy
// (p=reject)", "uni.edu's DMARC policy (sp=reject)".
func policyWords(d dnscheck.DMARCReport) string {
	tag := d.PolicyTag
	if tag == "" {
		tag = "p"
	}
	whose := "its"
	if from := d.InheritedFrom(); from != "" {
		whose = dnscheck.Printable(from) + "'s"
	}
	return fmt.Sprintf("%s DMARC policy (%s=%s)", whose, tag, d.Policy)
}

// checkedMessage says how a real message shows which envelope sender the
// platform uses.
func checkedMessage(aud audience.Audience) string {
	if aud == audience.Wizard {
		return "The wizard's last step checks a real message and shows which."
	}
	return "Check a real message with 'wizard verify FILE' to see which."
}

// ReportsFact says where a domain's own DMARC record sends its aggregate
// reports, for a line of facts: "sent to dmarc@yourcenter.edu", or "none
// (the record has no rua= tag)"; "" when the domain has no valid record of
// its own (none, an organisation's, DNS trouble). Text from DNS is made
// printable.
func ReportsFact(d dnscheck.DMARCReport) string {
	switch {
	case d.Status != dnscheck.VerdictPass || d.Inherited():
		return ""
	case len(d.ReportsTo) == 0:
		return "none (the record has no rua= tag)"
	case len(d.ReportsUnverified()) > 0:
		return "none arrive: " + unverifiedWhy(d)
	case len(d.ReportsUnknown()) > 0:
		return "not known whether any arrive: " + unknownWhy(d)
	}
	return "sent to " + reportsTo(d)
}

// readReports says how to read the reports that arrive.
const readReports = "Read them with 'wizard reports FILE...' (the saved reports, or the messages that carry them)."

// unverifiedWhy says why no reports arrive at d's rua= addresses: each
// is outside the organisation and its domain has not published the
// permission record (RFC 9990 external destination verification).
// Text from DNS is made printable.
func unverifiedWhy(d dnscheck.DMARCReport) string {
	dests := d.ReportsUnverified()
	var parts []string
	for _, dest := range dests {
		parts = append(parts, fmt.Sprintf("%s publishes a TXT record \"v=DMARC1\" at %s", dest.Domain, strings.TrimSuffix(dest.Name, ".")))
	}
	return dnscheck.Printable(fmt.Sprintf("%s %s outside the organisation, and receivers send nothing there until %s",
		reportsTo(d), plural(len(d.ReportsTo), "is", "are"), strings.Join(parts, " and ")))
}

// unknownWhy says why it is unknown whether reports arrive at d's rua=
// addresses: each is outside the organisation, and DNS did not give its
// permission record. Text from DNS is made printable.
func unknownWhy(d dnscheck.DMARCReport) string {
	var names []string
	for _, dest := range d.ReportsUnknown() {
		names = append(names, strings.TrimSuffix(dest.Name, "."))
	}
	return dnscheck.Printable(fmt.Sprintf("%s %s outside the organisation, and DNS did not answer for the permission record receivers look for (%s); check again later",
		reportsTo(d), plural(len(d.ReportsTo), "is", "are"), strings.Join(names, " and ")))
}

// reportsTo names where a DMARC record's reports go: its rua= addresses,
// without "mailto:", made printable.
func reportsTo(d dnscheck.DMARCReport) string {
	out := make([]string, len(d.ReportsTo))
	for i, u := range d.ReportsTo {
		out[i] = dnscheck.Printable(dnscheck.ReportAddress(u))
	}
	return strings.Join(out, " and ")
}

// dmarcSteps returns the DMARC suggestions: a domain alone in its kind
// gets DMARCStep's sentence, several domains of one kind share one, so a
// long list of domains gives at most three DMARC steps.
func (t *Tally) dmarcSteps() []string {
	var out []string
	for _, g := range t.dmarc {
		if g.names.n == 1 {
			out = append(out, dmarcStep(g.first, t.audience))
			continue
		}
		names := g.names
		switch g.kind {
		case dmarcMissing:
			out = append(out, fmt.Sprintf("%s have no DMARC policy: publish the p=none record at _dmarc.DOMAIN of each (%s it); p=none changes nothing for delivery. %s", names, dmarcSource(t.audience, "DOMAIN"), reportsHow(t.audience, "DOMAIN", "each")))
		case dmarcTighten:
			out = append(out, fmt.Sprintf("The DMARC policy of %s is p=none; once their reports show every sender passing, move to p=quarantine. %s", names, readReports))
		case dmarcTightenUnverified:
			out = append(out, fmt.Sprintf("The DMARC policy of %s is p=none, but no reports arrive: each sends them to an address outside its organisation, and receivers send nothing there until that address's domain publishes a TXT record \"v=DMARC1\" at DOMAIN._report._dmarc.DESTINATION. Once they do, %s; when every sender passes, move to p=quarantine.", names, strings.ToLower(readReports[:1])+strings.TrimSuffix(readReports[1:], ".")))
		case dmarcTightenUnknown:
			out = append(out, fmt.Sprintf("The DMARC policy of %s is p=none; whether reports arrive is not known yet: each sends them to an address outside its organisation, and DNS did not answer for the permission record (DOMAIN._report._dmarc.DESTINATION) receivers look for. Check again later; once reports arrive, %s; when every sender passes, move to p=quarantine.", names, strings.ToLower(readReports[:1])+strings.TrimSuffix(readReports[1:], ".")))
		case dmarcTightenBlind:
			out = append(out, fmt.Sprintf("The DMARC policy of %s is p=none with no rua= tag, so no reports arrive. %s %s Once every sender passes SPF and DKIM, move to p=quarantine.", names, reportsHow(t.audience, "DOMAIN", "each"), realMessage(t.audience)))
		case dmarcHoldBack:
			out = append(out, fmt.Sprintf("The DMARC policies of %s (p=quarantine or p=reject) are holding back mail now; fix SPF and DKIM first.", names))
		case dmarcInheritedHoldBack:
			out = append(out, fmt.Sprintf("%s have no DMARC policy of their own: their organisation's applies and is holding back mail now. Fix SPF and DKIM first; do not add p=none policies for them, which would weaken the organisation's.", names))
		case dmarcViaDKIM:
			out = append(out, fmt.Sprintf("%s: mail from the platform passes DMARC through DKIM, so their DMARC policies (p=quarantine or p=reject) let it through. SPF still needs fixing: some receivers check SPF on its own, and a domain is ready only when SPF and DKIM both pass.", names))
		case dmarcSPFOnly:
			out = append(out, fmt.Sprintf("%s: DKIM does not pass yet, so under their DMARC policies (p=quarantine or p=reject) mail from the platform passes DMARC only if its envelope sender (Return-Path) is an address in the domain. Publish the DKIM records. %s", names, checkedMessage(t.audience)))
		}
	}
	return out
}

// dmarcSource says what shows the DMARC record to publish for domain to
// audience aud.
func dmarcSource(aud audience.Audience, domain string) string {
	if aud == audience.Wizard {
		return "the records step shows"
	}
	return fmt.Sprintf("'wizard records %s' prints", domain)
}

// reportsHow says how to have DMARC reports sent for domain (who names
// it in the sentence: "it", "each"): with the
// wizard's commands, or inside the wizard the address it asks for. It
// names the record's rua= tag in words, never as a fragment to type (a
// lone "; rua=" wraps apart from its tag).
func reportsHow(aud audience.Audience, domain, who string) string {
	if aud == audience.Wizard {
		return "To receive daily reports of who sends mail as " + who + ", type a reports address on the Other domains screen: the records step then writes it into the DMARC record."
	}
	return fmt.Sprintf("To receive daily reports of who sends mail as %s, run 'wizard records %s' with --dmarc-reports ADDRESS (a mailbox you read): it writes the DMARC record with the address.", who, domain)
}

// realMessage says how to see whether mail passes without reports.
func realMessage(aud audience.Audience) string {
	if aud == audience.Wizard {
		return "Without reports, the wizard's last step checks a real message."
	}
	return "Without reports, check a real message with 'wizard verify FILE'."
}

func contactName(p *assets.Platform) string {
	if p.Contact.Name != "" {
		return p.Contact.Name
	}
	return p.Vendor
}
