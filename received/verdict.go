package received

import (
	"fmt"
	"github.com/outreach-auth/wizard/core/audience"
	"slices"
	"strings"

	"github.com/emersion/go-msgauth/authres"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
)

// Problem codes of a verification (beside the dnscheck codes: dmarc-*,
// dns-*). Stable: tests and users rely on them.
const (
	CodeRewritten         dnscheck.Code = "message-rewritten"
	CodeNotPlatform       dnscheck.Code = "message-not-platform"
	CodeDKIMNone          dnscheck.Code = "dkim-no-signature"
	CodeDKIMFailed        dnscheck.Code = "dkim-signature-failed"
	CodeDKIMNotAligned    dnscheck.Code = "dkim-not-aligned"
	CodeSPFFailed         dnscheck.Code = "spf-failed"
	CodeSPFNotAligned     dnscheck.Code = "spf-not-aligned"
	CodeSPFUnknown        dnscheck.Code = "spf-not-evaluated"
	CodeDMARCFailed       dnscheck.Code = "dmarc-failed"
	CodeBodyNotChecked    dnscheck.Code = "body-not-checked"
	CodeSignaturesSkipped dnscheck.Code = "signatures-not-checked"
	CodeReceiverDisagrees dnscheck.Code = "receiver-disagrees"
	CodeDKIMUnsigned      dnscheck.Code = "dkim-unsigned-content"
	CodeDKIMNotCheckable  dnscheck.Code = "dkim-not-checkable"
)

// dmarcFailedFix is the fix of dmarc-failed: the other problems' fixes
// are the steps.
const dmarcFailedFix = "Fix the DKIM and SPF problems above; DKIM aligned with the From domain is the one that survives forwarding."

// voice says where the fixes send the reader for the records, a check
// and another message: to the wizard's commands, or (inWizard) to the
// wizard's own steps, for the wizard's last step.
type voice struct{ inWizard bool }

func voiceFor(a audience.Audience) voice { return voice{inWizard: a == audience.Wizard} }

// shows says where the records for dom are given: "'wizard records dom'
// prints what", or the records step.
func (v voice) shows(dom, what string) string {
	if v.inWizard {
		return "the records step shows " + what
	}
	return "'wizard records " + dom + "' prints " + what
}

// checkWith says how to check dom's records: "with 'wizard check dom'",
// or in the wizard's checks step.
func (v voice) checkWith(dom string) string {
	if v.inWizard {
		return "in the checks step"
	}
	return "with 'wizard check " + dom + "'"
}

// checkUntil starts a sentence: check dom until it passes.
func (v voice) checkUntil(dom string) string {
	if v.inWizard {
		return "Check " + dom + " again in the checks step until it passes"
	}
	return "Run 'wizard check " + dom + "' until it passes"
}

// verifyIt says how to verify a message saved: "run 'wizard verify' on
// it", or this, the wizard's last step.
func (v voice) verifyIt(it string) string {
	if v.inWizard {
		return "verify " + it + " in this last step"
	}
	return "run 'wizard verify' on " + it
}

// receiver reads the topmost Authentication-Results and compares it with
// the wizard's results.
func receiver(m *Message, rep Report) (*ReceiverResult, []Disagreement) {
	id, results := parseAuthResults(m)
	if id == "" && len(results) == 0 {
		return nil, []Disagreement{}
	}
	rr := &ReceiverResult{AuthservID: shown(id)}
	for _, r := range results {
		switch v := r.(type) {
		case *authres.DKIMResult:
			// One result a signature: any pass is a pass.
			if rr.DKIM == "" || v.Value == authres.ResultPass {
				rr.DKIM = shown(string(v.Value))
			}
		case *authres.SPFResult:
			if rr.SPF == "" {
				rr.SPF = shown(string(v.Value))
			}
		case *authres.DMARCResult:
			if rr.DMARC == "" {
				rr.DMARC = shown(string(v.Value))
			}
		}
	}
	var out []Disagreement
	ours := ResultNone
	for _, s := range rep.DKIM {
		if ours == ResultNone || s.Result == ResultPass {
			ours = s.Result
		}
	}
	if d, ok := disagree("dkim", rr.DKIM, ours, dkimExplain(rr.DKIM, ours, rep.DKIM)); ok {
		out = append(out, d)
	}
	if rep.SPF.Evaluated {
		if d, ok := disagree("spf", rr.SPF, rep.SPF.Result, spfExplain(rr.SPF, rep.SPF.Result)); ok {
			out = append(out, d)
		}
	}
	if rep.DMARC.Result != ResultTempError {
		if d, ok := disagree("dmarc", rr.DMARC, rep.DMARC.Result, dmarcExplain(rr.DMARC, rep.DMARC.Result)); ok {
			out = append(out, d)
		}
	}
	if out == nil {
		out = []Disagreement{}
	}
	return rr, out
}

// disagree returns a disagreement when the receiver gave a result for the
// method and it differs from the wizard's on whether it passed.
func disagree(method, theirs, ours, explain string) (Disagreement, bool) {
	if theirs == "" || (theirs == ResultPass) == (ours == ResultPass) {
		return Disagreement{}, false
	}
	return Disagreement{Method: method, Receiver: theirs, Wizard: ours, Explain: explain}, true
}

func dkimExplain(theirs, ours string, sigs []DKIMResult) string {
	if theirs == ResultPass {
		switch ours {
		case ResultTempError:
			return "DNS could not give the key now; the receiver's pass stands for this message."
		case ResultNeutral:
			if slices.ContainsFunc(sigs, func(s DKIMResult) bool { return s.cannotCheck }) {
				return "The wizard cannot check the signature (it signs only part of the body, with l=); believe the receiver for this message."
			}
			return "The file has only the headers, so the wizard could not hash the body; believe the receiver for this message."
		}
		if slices.ContainsFunc(sigs, func(s DKIMResult) bool {
			return s.Result == ResultFail && strings.HasPrefix(s.Reason, "the body changed")
		}) {
			return "The receiver verified the signature when the message arrived; the body of this saved copy no longer matches what was signed, so it changed after the receiver checked it (a gateway or the saving added or rewrote text). Believe the receiver about this message; save the message again straight from the mailbox and verify that copy."
		}
		return "The receiver verified the signature when the message arrived; the key published now does not verify it, so the key was most likely changed or removed since delivery (or the saved copy was altered). Believe the receiver about this message; the wizard's result is what receivers decide today, with the key as it is now published: fix that before relying on it."
	}
	return "The wizard verifies the signature now, but the receiver did not when the message arrived: the key was most likely published after delivery, or something on the way (a forwarding or a security gateway) changed the message. Believe the receiver about this message; the wizard's pass says new mail should pass: send a new test message to be sure."
}

func spfExplain(theirs, ours string) string {
	if theirs == ResultPass {
		return "The receiver's SPF check passed when the message arrived, the wizard's does not now: the SPF record (or the platform's include) changed since delivery, or the wizard was given another address. Believe the receiver about this message; the wizard's result is what new mail from that address gets today."
	}
	return "The wizard's SPF check passes now, but the receiver's did not when the message arrived: the SPF record was most likely corrected since, or the receiver saw another connecting address. Believe the receiver about this message; send a new test message to confirm the fix."
}

func dmarcExplain(theirs, ours string) string {
	if theirs == ResultPass {
		return "The receiver's DMARC check passed when the message arrived; the wizard's, with the records as published now, does not: something changed since delivery (see the DKIM and SPF lines). Believe the receiver about this message, the wizard about new mail."
	}
	return "The wizard's DMARC check passes with the records as published now, but the receiver's did not when the message arrived: the records were most likely corrected since. Believe the receiver about this message; send a new test message to confirm the fix."
}

// judge sets the verdict, the problems and the advice.
func judge(rep *Report, dm dnscheck.DMARCReport, p *assets.Platform, v voice) {
	rep.Problems = append(rep.Problems, dm.Problems...)
	dom := rep.FromDomain
	name := p.Name

	for _, s := range rep.DKIM {
		if s.trouble != nil {
			rep.Problems = append(rep.Problems, dnscheck.TroubleProblem(*s.trouble, "the DKIM key"))
		}
	}
	if v.inWizard {
		// DNS trouble: the wizard's reader gets the name that failed,
		// never a command-line flag.
		for i := range rep.Problems {
			rep.Problems[i].Fix = dnscheck.WizardTroubleFix(rep.Problems[i])
		}
	}
	passedAligned := len(rep.DMARC.AlignedBy) > 0

	switch {
	case rep.DMARC.Result == ResultPass, passedAligned && rep.DMARC.Result == ResultNone:
		rep.Verdict = VerdictPass
	case rep.DMARC.Result == ResultTempError, unsettled(rep):
		rep.Verdict = VerdictError
	case anyAlignedNeutral(rep):
		rep.Verdict = VerdictIncomplete
	default:
		rep.Verdict = VerdictFail
	}

	// What failed, and why.
	if len(rep.DKIM) == 0 {
		fix := "Nothing signed this message with DKIM."
		if rep.PlatformPath == PathOwnDomain {
			fix = fmt.Sprintf("%s signs only when the CNAME %s → %s is published at send time: publish it (%s), check it %s, then send a new test message.", name, p.DKIMName(dom), p.DKIM.Target, v.shows(dom, "it"), v.checkWith(dom))
		}
		rep.Problems = append(rep.Problems, problem(CodeDKIMNone, dnscheck.SeverityWarning,
			"The message has no DKIM signature, so DMARC can pass only through SPF, which breaks when mail is forwarded.", fix))
	}
	for _, s := range rep.DKIM {
		switch {
		case s.Result == ResultPass && !s.Aligned:
			rep.Problems = append(rep.Problems, problem(CodeDKIMNotAligned, dnscheck.SeverityWarning,
				fmt.Sprintf("The DKIM signature of %s (selector %s) passes but is not aligned with the From domain %s, so DMARC does not count it.", s.Domain, s.Selector, dom),
				notAlignedFix(s, dom, p, v)))
		case s.cannotCheck:
			rep.Problems = append(rep.Problems, problem(CodeDKIMNotCheckable, dnscheck.SeverityWarning,
				fmt.Sprintf("The wizard cannot check the DKIM signature of %s (selector %s): %s.", s.Domain, s.Selector, s.Reason),
				"This says nothing against the signature: the receiver's own result (its Authentication-Results) tells whether it passed. For a signature the wizard can check, the signing service must sign the whole body (no l= tag)."))
		case s.Result != ResultPass && s.Result != ResultNeutral && s.Result != ResultTempError:
			sev := dnscheck.SeverityWarning
			if s.Aligned {
				sev = dnscheck.SeverityError
			}
			rep.Problems = append(rep.Problems, problem(CodeDKIMFailed, sev,
				fmt.Sprintf("The DKIM signature of %s (selector %s) does not verify (%s): %s.", s.Domain, s.Selector, dnscheck.ResultWords(s.Result), s.Reason),
				dkimFix(s, dom, p, v)))
		}
	}
	for _, s := range rep.DKIM {
		if s.Result == ResultPass && s.UnsignedBodyBytes > 0 {
			rep.Problems = append(rep.Problems, problem(CodeDKIMUnsigned, dnscheck.SeverityWarning,
				fmt.Sprintf("The DKIM signature of %s (selector %s) signs only the first %d bytes of the body (l=); the %d bytes after them are not signed, so they may have been added on the way (a footer, or text that was never the sender's).", s.Domain, s.Selector, *s.BodyLength, s.UnsignedBodyBytes),
				"Do not trust what follows the signed part of the body. If the signing service is yours, have it sign the whole body (no l= tag): receivers and filters distrust partial signatures."))
		}
	}
	if rep.HeadersOnly {
		rep.Problems = append(rep.Problems, problem(CodeBodyNotChecked, dnscheck.SeverityWarning,
			"The file has only the message's headers, so no DKIM body hash could be checked.",
			HeadersOnlyFix))
	}
	if rep.DKIMNotChecked > 0 {
		rep.Problems = append(rep.Problems, problem(CodeSignaturesSkipped, dnscheck.SeverityWarning,
			fmt.Sprintf("The message carries %d DKIM signatures; the first %d were verified and the other %d were not checked.", len(rep.DKIM)+rep.DKIMNotChecked, len(rep.DKIM), rep.DKIMNotChecked),
			"A message from the platform carries one or two signatures; so many suggest the file is not a message as sent. Verify a message sent straight from the platform."))
	}
	switch {
	case !rep.SPF.Evaluated:
		rep.Problems = append(rep.Problems, problem(CodeSPFUnknown, dnscheck.SeverityWarning,
			"SPF was not evaluated: "+rep.SPF.Reason+".",
			"Give the address that handed the message to your mail server with --ip (it is in the topmost Received header your mail server added)."))
	case rep.SPF.Result != ResultPass:
		rep.Problems = append(rep.Problems, problem(CodeSPFFailed, severityIf(rep.SPF.Aligned),
			fmt.Sprintf("SPF for %s sending as %s (the %s domain): %s.", rep.SPF.IP, rep.SPF.MailFromDomain, rep.SPF.MailFromSource, dnscheck.ResultWords(rep.SPF.Result)),
			spfFix(rep, p, v)))
	case !rep.SPF.Aligned:
		rep.Problems = append(rep.Problems, problem(CodeSPFNotAligned, dnscheck.SeverityInfo,
			fmt.Sprintf("SPF passes for %s, but that envelope (Return-Path) domain is not aligned with the From domain %s, so DMARC does not count it: DKIM must carry DMARC.", rep.SPF.MailFromDomain, dom),
			"Nothing to do if DKIM passes aligned; otherwise publish the DKIM CNAME for "+dom+"."))
	}
	if rep.Verdict == VerdictFail && rep.DMARC.Result == ResultFail {
		rep.Problems = append(rep.Problems, problem(CodeDMARCFailed, dnscheck.SeverityError,
			fmt.Sprintf("DMARC fails for %s: neither a DKIM signature nor SPF both passes and is aligned with the From domain. With the policy %s, receivers %s such mail.", dom, rep.DMARC.Policy, policyFate(rep.DMARC.Policy)),
			dmarcFailedFix))
	}
	for _, d := range rep.Disagreements {
		rep.Problems = append(rep.Problems, problem(CodeReceiverDisagrees, dnscheck.SeverityWarning,
			fmt.Sprintf("The receiver said %s=%s; the wizard finds %s.", d.Method, d.Receiver, dnscheck.ResultWords(d.Wizard)), d.Explain))
	}
	switch rep.PlatformPath {
	case PathRewritten:
		rep.Problems = append(rep.Problems, problem(CodeRewritten, dnscheck.SeverityInfo,
			fmt.Sprintf("The From address is on %s: %s sent it with the setting ON and rewrote the sender, so this message says nothing yet about the person's own domain.", p.RewriteDomain, name),
			v.checkUntil("your own domain")+"; then turn the setting OFF, send a new test message from "+name+" and verify that one."))
	case PathNotPlatform:
		rep.Problems = append(rep.Problems, problem(CodeNotPlatform, dnscheck.SeverityWarning,
			fmt.Sprintf("Nothing shows this message came from %s: the connecting address is not one of its addresses and no DKIM signature uses its selector %s.", name, p.DKIM.Selector),
			fmt.Sprintf("Send a test message from %s itself to a mailbox you can read, save it and verify that one.", name)))
	}
	rep.Advice = advise(rep, p, v)
}

// unsettled reports whether DNS trouble left an aligned identifier's
// result open, so DMARC might have passed.
func unsettled(rep *Report) bool {
	for _, s := range rep.DKIM {
		if s.Aligned && s.Result == ResultTempError {
			return true
		}
	}
	return rep.SPF.Aligned && rep.SPF.Result == ResultTempError
}

func anyAlignedNeutral(rep *Report) bool {
	for _, s := range rep.DKIM {
		if s.Aligned && s.Result == ResultNeutral {
			return true
		}
	}
	return false
}

func problem(code dnscheck.Code, sev dnscheck.Severity, msg, fix string) dnscheck.Problem {
	return dnscheck.Problem{Code: code, Severity: sev, Message: msg, Fix: fix}
}

func severityIf(err bool) dnscheck.Severity {
	if err {
		return dnscheck.SeverityError
	}
	return dnscheck.SeverityWarning
}

func policyFate(policy string) string {
	switch policy {
	case dnscheck.DMARCReject:
		return "reject"
	case dnscheck.DMARCQuarantine:
		return "deliver to spam"
	}
	return "may still deliver, but mark as unauthenticated,"
}

func notAlignedFix(s DKIMResult, dom string, p *assets.Platform, v voice) string {
	if strings.HasSuffix(s.Domain, strings.TrimPrefix(strings.TrimSuffix(p.DKIM.Target, "."), p.DKIM.Selector+"._domainkey.")) || s.Platform {
		return fmt.Sprintf("%s signed with its own domain because the CNAME %s was not found when it sent: publish it (%s) and send a new test message.", p.Name, p.DKIMName(dom), v.shows(dom, "it"))
	}
	return "If this service sends as " + dom + ", set it up to sign with " + dom + " (its own DKIM records for your domain)."
}

func dkimFix(s DKIMResult, dom string, p *assets.Platform, v voice) string {
	switch {
	case strings.HasPrefix(s.Reason, "key not found"), strings.HasPrefix(s.Reason, "key revoked"):
		if s.Platform {
			return fmt.Sprintf("Publish the CNAME %s → %s (%s) and check it %s.", p.DKIMName(dom), p.DKIM.Target, v.shows(dom, "it"), v.checkWith(dom))
		}
		return "Ask whoever runs the service that signed with selector " + s.Selector + " for its current DKIM record."
	case strings.HasPrefix(s.Reason, "the body changed"):
		return "Something between the sender and the mailbox rewrote the body (a disclaimer or footer added by a gateway, a mailing list). Send the test straight to the mailbox, without lists or forwarding."
	case strings.HasPrefix(s.Reason, "a signed header changed"):
		return "If the receiver's own result says pass, the key was changed since delivery: check the DKIM record " + v.checkWith(dom) + ". Otherwise something on the way changed a signed header (a subject tag, a gateway)."
	case strings.HasPrefix(s.Reason, "key too weak"):
		return "The key must be at least 1024 bits (2048 recommended): ask whoever runs the signing service for a new key."
	}
	return "Check the DKIM record " + v.checkWith(dom) + "."
}

func spfFix(rep *Report, p *assets.Platform, v voice) string {
	if rep.Platform.IPInPlatformSet {
		return fmt.Sprintf("Add include:%s to the SPF record of %s (%s).", p.SPF.Include, rep.SPF.MailFromDomain, v.shows(rep.SPF.MailFromDomain, "the merged record"))
	}
	return "Check the SPF record of " + rep.SPF.MailFromDomain + " " + v.checkWith(rep.SPF.MailFromDomain) + "."
}

// advise says what to do with the platform's setting, in the voice of
// 'wizard check'.
func advise(rep *Report, p *assets.Platform, v voice) Advice {
	dom, name := rep.FromDomain, p.Name
	setting := fmt.Sprintf("'%s' (%s)", p.Setting.Label, p.Setting.Location)
	a := Advice{NextSteps: []string{}}
	switch {
	case rep.PlatformPath == PathRewritten:
		a.Checkbox = "on"
		a.Summary = fmt.Sprintf("This message was sent with %s's setting ON: the sender was rewritten to @%s, so it says nothing yet about your own domain. Keep the setting ON for now.", name, p.RewriteDomain)
		a.NextSteps = append(a.NextSteps,
			v.checkUntil("your own domain")+".",
			"Only then turn OFF "+setting+".",
			fmt.Sprintf("Send a new test message from %s to a mailbox you can read, save it ('Show original' > 'Download original' in Gmail) and %s.", name, v.verifyIt("it")))
	case rep.PlatformPath == PathNotPlatform:
		a.Summary = fmt.Sprintf("This message was not sent by %s, so it says nothing about %s's mail from %s (DMARC: %s).", name, name, dom, dnscheck.ResultWords(rep.DMARC.Result))
		a.NextSteps = append(a.NextSteps, fmt.Sprintf("Send a test message from %s itself to a mailbox you can read, save it and %s.", name, v.verifyIt("that file")))
	case rep.Verdict == VerdictPass:
		a.Checkbox = "off"
		a.Summary = fmt.Sprintf("%s mail from %s passes DMARC: keep the setting OFF.", name, dom)
		if rep.DMARC.Result == ResultNone {
			a.Summary = fmt.Sprintf("%s mail from %s passes SPF or DKIM aligned with %s, as DMARC requires: keep the setting OFF. (%s publishes no DMARC policy yet.)", name, dom, dom, dom)
		}
		a.NextSteps = append(a.NextSteps, fmt.Sprintf("Contact %s (%s) to clear addresses that were rejected while authentication failed.", p.Contact.Name, p.Contact.Ways()))
	case rep.Verdict == VerdictError:
		a.Summary = fmt.Sprintf("DNS could not answer for something the verdict needs, so whether %s mail from %s passes DMARC is unknown.", name, dom)
		again := "Run 'wizard verify' again in a minute; if it persists, try another DNS server with --dns-server."
		if v.inWizard {
			again = "Verify the message again in a minute; if it persists, ask whoever runs your network about DNS."
		}
		a.NextSteps = append(a.NextSteps, again)
	case rep.Verdict == VerdictIncomplete && !rep.HeadersOnly:
		a.Summary = fmt.Sprintf("Whether %s mail from %s passes DMARC rests on a DKIM signature the wizard cannot check (it signs only part of the body, with l=).", name, dom)
		a.NextSteps = append(a.NextSteps, "Read the receiver's own DKIM and DMARC results for this message (its Authentication-Results header); for a message the wizard can check, have the signing service sign the whole body.")
	case rep.Verdict == VerdictIncomplete:
		a.Summary = fmt.Sprintf("The file has only the headers; whether %s mail from %s passes DMARC rests on the DKIM body hash, which cannot be checked without the body.", name, dom)
		a.NextSteps = append(a.NextSteps, "Save the whole message and "+v.verifyIt("that file")+".")
	default:
		a.Checkbox = "on"
		a.Summary = fmt.Sprintf("%s mail from %s does not pass DMARC: %s. Turn ON %s until it is fixed, so that %s sends as @%s meanwhile.", name, dom, failedWhy(rep), setting, name, p.RewriteDomain)
		for _, pr := range rep.Problems {
			if pr.Severity != dnscheck.SeverityInfo && pr.Fix != "" && pr.Fix != dmarcFailedFix && pr.Code != CodeReceiverDisagrees && !slices.Contains(a.NextSteps, pr.Fix) {
				a.NextSteps = append(a.NextSteps, pr.Fix)
			}
		}
		a.NextSteps = append(a.NextSteps, v.checkUntil(dom)+", then turn the setting OFF, send a new test message and verify it.")
	}
	return a
}

// failedWhy says in a few words why DMARC failed.
func failedWhy(rep *Report) string {
	var parts []string
	switch {
	case len(rep.DKIM) == 0:
		parts = append(parts, "the message has no DKIM signature")
	default:
		for _, s := range rep.DKIM {
			if s.Result == ResultPass && !s.Aligned {
				parts = append(parts, fmt.Sprintf("DKIM passes only for %s, not aligned with %s", s.Domain, rep.FromDomain))
			} else if s.Result != ResultPass && s.Aligned {
				parts = append(parts, fmt.Sprintf("DKIM for %s: %s (%s)", s.Domain, dnscheck.ResultWords(s.Result), s.Reason))
			}
		}
	}
	switch {
	case !rep.SPF.Evaluated:
		parts = append(parts, "SPF could not be evaluated")
	case rep.SPF.Result != ResultPass:
		parts = append(parts, fmt.Sprintf("SPF for %s: %s", rep.SPF.IP, dnscheck.ResultWords(rep.SPF.Result)))
	case !rep.SPF.Aligned:
		parts = append(parts, fmt.Sprintf("SPF passes only for %s, not aligned", rep.SPF.MailFromDomain))
	}
	if len(parts) == 0 {
		return "no aligned DKIM or SPF pass"
	}
	return strings.Join(parts, "; ")
}

// HeadersOnlyFix is the fix said when a message has only its headers: how
// to save one whole, in HowToSave's words (Outlook gives the headers only).
const HeadersOnlyFix = "Save the whole message (Gmail: 'Show original' > 'Download original'; Apple Mail: File > Save As, Raw Message Source) and verify that file. Outlook gives only the headers (File > Properties, the Internet headers box): everything but the body hash is checked from them."
