package received

import (
	"fmt"
	"io"
	"strings"

	"github.com/outreach-auth/wizard/dnscheck"
)

// mark is the sign before a result.
func mark(result string) string {
	switch result {
	case ResultPass:
		return "✓"
	case ResultTempError, ResultNeutral, ResultNone:
		return "?"
	}
	return "✗"
}

// WriteText writes the report for a person, in plain text (no colour):
// sender, DKIM, SPF, DMARC, the receiver's own results, the verdict and
// what to do. Every text from the message or from DNS goes through
// dnscheck.Printable. Write errors are the writer's to report.
func WriteText(w io.Writer, r Report) {
	p := dnscheck.Printable
	line := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }

	line("Message from %s (domain %s)", p(r.From), p(r.FromDomain))
	switch r.PlatformPath {
	case PathOwnDomain:
		line("  Sent by %s as the person's own address (%s).", r.Platform.Name, platformEvidence(r))
	case PathRewritten:
		line("  Sent by %s with the setting ON: the From address was rewritten to the platform's domain.", r.Platform.Name)
	default:
		line("  Not sent by %s (the connecting address is not one of its addresses; no signature uses its selector).", r.Platform.Name)
	}
	if r.HeadersOnly {
		line("  The file has only the headers: body hashes cannot be checked.")
	}
	line("")

	line("DKIM")
	if len(r.DKIM) == 0 {
		line("  ✗ no DKIM signature")
	}
	for _, s := range r.DKIM {
		al := alignment(s.AlignedStrict, s.AlignedRelaxed, s.Aligned, "adkim", r.FromDomain)
		line("  %s d=%s s=%s: %s, %s", mark(s.Result), p(s.Domain), p(s.Selector), dnscheck.ResultWords(s.Result), al)
		if s.Reason != "" {
			line("      %s", p(s.Reason))
		}
	}
	if r.DKIMNotChecked > 0 {
		line("  … and %d more signatures, not checked", r.DKIMNotChecked)
	}
	line("")

	line("SPF")
	s := r.SPF
	if !s.Evaluated {
		line("  ? not evaluated: %s", p(s.Reason))
	} else {
		al := alignment(s.AlignedStrict, s.AlignedRelaxed, s.Aligned, "aspf", r.FromDomain)
		line("  %s %s sending for %s (from %s; address from %s): %s, %s", mark(s.Result), p(s.IP), p(s.MailFromDomain), s.MailFromSource, s.IPSource, dnscheck.ResultWords(s.Result), al)
	}
	line("")

	line("DMARC")
	d := r.DMARC
	switch {
	case d.Policy == "" && d.Result == ResultTempError:
		line("  ? the policy could not be read (DNS trouble)")
	case d.Policy == "":
		line("  %s no DMARC policy for %s", mark(d.Result), p(r.FromDomain))
	default:
		src := "the domain's own record"
		switch d.Source {
		case dnscheck.DMARCSourceOrganizational:
			src = "inherited from the organisational domain " + p(d.OrgDomain)
		case dnscheck.DMARCSourcePSD:
			src = "inherited from the public suffix " + p(d.PolicyDomain) + " (psd=y)"
		}
		line("  %s %s — policy %s (%s)", mark(d.Result), dnscheck.ResultWords(d.Result), p(d.Policy), src)
	}
	line("")

	if r.Receiver != nil {
		rc := r.Receiver
		line("The receiver (%s) said: dkim=%s spf=%s dmarc=%s", p(rc.AuthservID), orDash(p(rc.DKIM)), orDash(p(rc.SPF)), orDash(p(rc.DMARC)))
		for _, dg := range r.Disagreements {
			line("  ! %s: the receiver said %s, the wizard finds %s. %s", dg.Method, p(dg.Receiver), dnscheck.ResultWords(dg.Wizard), p(dg.Explain))
		}
	} else {
		line("The receiver left no Authentication-Results header.")
	}
	line("")

	var shown []dnscheck.Problem
	for _, pr := range r.Problems {
		if pr.Code != CodeReceiverDisagrees {
			shown = append(shown, pr)
		}
	}
	if len(shown) > 0 {
		line("Problems")
		for _, pr := range shown {
			sign := "!"
			if pr.Severity == dnscheck.SeverityError {
				sign = "✗"
			} else if pr.Severity == dnscheck.SeverityInfo {
				sign = "i"
			}
			line("  %s %s", sign, p(pr.Message))
			if pr.Fix != "" {
				line("    Fix: %s", p(pr.Fix))
			}
		}
		line("")
	}

	line("%s", VerdictLine(r))
	for _, step := range r.Advice.NextSteps {
		line("  • %s", p(step))
	}
}

// VerdictLine is the report's verdict in one line, as WriteText ends
// with it ("Verdict: …"), made printable: what a summary keeps.
func VerdictLine(r Report) string {
	return "Verdict: " + dnscheck.Printable(r.Advice.Summary)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// platformEvidence says what showed the platform sent the message.
func platformEvidence(r Report) string {
	var why []string
	if r.Platform.IPInPlatformSet {
		why = append(why, "the connecting address "+dnscheck.Printable(r.SPF.IP)+" is one of its addresses")
	}
	if r.Platform.Selector {
		why = append(why, "a DKIM signature uses its selector")
	}
	return strings.Join(why, "; ")
}

// alignment says in words how a DKIM d= or SPF domain aligns with the From
// domain: strict (the same domain), relaxed (the same organisational
// domain) and whether that counts under the DMARC policy's tag (adkim or
// aspf).
func alignment(strict, relaxed, counts bool, tag, fromDomain string) string {
	switch {
	case strict:
		return "aligned (same domain as From)"
	case relaxed && counts:
		return "aligned (same organisational domain as From; relaxed)"
	case relaxed:
		return "not aligned: the DMARC policy asks for strict alignment (" + tag + "=s)"
	}
	return "not aligned with " + dnscheck.Printable(fromDomain)
}
