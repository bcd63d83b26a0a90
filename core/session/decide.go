package session

import (
	"fmt"
	"strings"
	"time"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/advice"
	"github.com/outreach-auth/wizard/core/audience"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/received"
)

// Decision is the one decision on the platform's sender setting, from
// the newest facts: the last DNS check, or a message verified after it.
type Decision struct {
	// Advice is the advice from the last check (the options, the next
	// steps); its Checkbox may be overruled by a newer message.
	Advice advice.Advice
	// Checkbox is the decision: advice.CheckboxOn or advice.CheckboxOff.
	Checkbox string
	// Why says in a sentence why.
	Why string
	// Checked reports whether the domains were checked.
	Checked bool
	// ByMessage is set when a message verified after the last check
	// decided (the newest fact wins).
	ByMessage bool
}

// Sentence is the decision in the one sentence the wizard says it in.
func (d Decision) Sentence(p *assets.Platform) string {
	return fmt.Sprintf("%s's sender setting: turn it %s", p.Name, strings.ToUpper(d.Checkbox))
}

// Advise works the advice out from the last check, for aud: the fourth
// stage (advice.AdviseFor over Session.Reports).
func Advise(p *assets.Platform, s *Session, aud audience.Audience) advice.Advice {
	return advice.AdviseFor(s.Reports(), p, aud)
}

// Decide makes the one decision on the platform's setting: the advice of
// the last check, unless a message from one of the session's domains,
// verified after that check and after the wizard last changed DNS, says
// otherwise (the newest fact wins, and Why says so). A message from
// another domain, or one verified before the last check or change,
// decides nothing (MessageNote says why).
func Decide(p *assets.Platform, s *Session, aud audience.Audience) Decision {
	reports := s.Reports()
	a := advice.AdviseFor(reports, p, aud)
	d := Decision{Advice: a, Checkbox: a.Checkbox, Checked: len(reports) > 0}
	d.Why = checkWhy(a, reports)
	if m, ok := s.decidingMessage(); ok && m.Checkbox != d.Checkbox {
		d.Checkbox, d.ByMessage = m.Checkbox, true
		d.Why = fmt.Sprintf("the message from %s verified at %s, after the last DNS check, %s; it is the newest fact, so it decides.",
			dnscheck.Printable(m.FromDomain), clock(m), verdictWords(m.Verdict))
	}
	return d
}

// decidingMessage returns the newest message that can decide: from one of
// the session's domains, with a checkbox answer, verified after the last
// check and the last change.
func (s *Session) decidingMessage() (Message, bool) {
	for i := len(s.Messages) - 1; i >= 0; i-- {
		m := s.Messages[i]
		if m.Checkbox == "" || m.Reports || !s.Has(m.FromDomain) {
			continue
		}
		if m.At.Before(s.CheckedAt()) || m.At.Before(s.ChangedAt) {
			return Message{}, false // the newest one is older than DNS: nothing newer decides
		}
		return m, true
	}
	return Message{}, false
}

// checkWhy says why the last check decides as it does.
func checkWhy(a advice.Advice, reports []dnscheck.DomainReport) string {
	if len(reports) == 0 {
		return "the records are not checked yet. Turn it OFF once every domain passes SPF and DKIM."
	}
	if a.Option == advice.OptionBest {
		if len(reports) == 1 {
			return reports[0].Domain + " passes SPF and DKIM."
		}
		return "every domain passes SPF and DKIM."
	}
	var failing, unchecked []string
	for _, r := range reports {
		switch {
		case r.Ready:
		case advice.Unchecked(r):
			unchecked = append(unchecked, r.Domain)
		default:
			failing = append(failing, r.Domain)
		}
	}
	var held []string
	if len(failing) > 0 {
		verb := " does not pass yet"
		if len(failing) > 1 {
			verb = " do not pass yet"
		}
		held = append(held, advice.Names(failing)+verb)
	}
	if len(unchecked) > 0 {
		held = append(held, advice.Names(unchecked)+" could not be checked (DNS did not answer)")
	}
	return strings.Join(held, ", and ") + ". Turn it OFF once every domain passes SPF and DKIM."
}

// MessageNote describes a message verified, for the summary and the
// screens: what it showed, when, and what it is worth now. It never
// gives a checkbox instruction (Decision.Sentence is the only one): a
// message from a domain that is not the session's proves nothing about
// them; one verified before the last change to DNS or the last check is
// marked older.
func (s *Session) MessageNote(m Message) string {
	p := dnscheck.Printable
	from := p(m.FromDomain)
	if from == "" {
		from = "an unknown domain"
	}
	head := fmt.Sprintf("The message from %s (checked at %s) %s", from, clock(m), verdictWords(m.Verdict))
	switch {
	case m.Reports:
		return fmt.Sprintf("DMARC aggregate reports read at %s. %s", clock(m), strings.TrimPrefix(p(m.Line), "Reports: "))
	case !s.Has(m.FromDomain):
		return fmt.Sprintf("%s, but %s is not one of the domains being set up: it proves nothing about %s.", head, from, advice.Names(s.Names()))
	case m.At.Before(s.ChangedAt):
		return fmt.Sprintf("Checked at %s, before the records were published: check a new message. (Then it %s.)", clock(m), verdictWords(m.Verdict))
	case m.At.Before(s.CheckedAt()):
		return fmt.Sprintf("Checked at %s, before the last DNS check: check a new message. (Then it %s.)", clock(m), verdictWords(m.Verdict))
	}
	return head + "."
}

// MessageOf is the fact of a received message verified at at (the
// confirm step's, 'wizard verify”s report): its source, From domain,
// verdict and the checkbox answer it gives on its own.
func MessageOf(source string, r received.Report, at time.Time) Message {
	return Message{Source: source, FromDomain: strings.ToLower(strings.TrimSuffix(r.FromDomain, ".")), Verdict: r.Verdict,
		Checkbox: r.Advice.Checkbox, Line: received.VerdictLine(r), At: at}
}

// ReportsOf is the fact of DMARC aggregate reports read at at (the
// confirm step's, as 'wizard reports' reads them): their source, their
// verdict (pass when every domain's mail passed) and each domain's
// verdict sentence. Reports decide nothing about the checkbox.
func ReportsOf(source, verdict string, verdicts []string, at time.Time) Message {
	return Message{Source: source, Verdict: verdict, Line: dnscheck.Printable("Reports: " + strings.Join(verdicts, " ")), At: at, Reports: true}
}

// clock is the time a message was verified, as 15:04 (local time).
func clock(m Message) string { return m.At.Local().Format("15:04") }

// verdictWords says a message's verdict in words, after "it".
func verdictWords(v string) string {
	switch v {
	case "pass":
		return "passes DMARC"
	case "fail":
		return "fails DMARC"
	case "error":
		return "could not be verified (DNS did not answer)"
	case "incomplete":
		return "could not be fully verified"
	}
	return "has the verdict " + dnscheck.Printable(v)
}
