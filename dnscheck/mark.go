package dnscheck

// How a verdict is shown. The mapping lives here, once, so that every
// screen and report marks a verdict alike; dnscheck imports no UI, so it
// gives the sign and a Tone, and each UI package picks its own style for
// the tone.

// Tone is the class of style a verdict is shown in. UI packages map each
// tone to a style of their own (a colour, faint text).
type Tone string

// Tones.
const (
	TonePass Tone = "pass" // all is well
	ToneFail Tone = "fail" // something is wrong and must be fixed
	ToneWarn Tone = "warn" // unknown (DNS trouble), or wrong without blocking readiness
	ToneDim  Tone = "dim"  // nothing to say yet
)

// MarkOf returns the sign shown before a verdict of a check that decides
// whether a domain is ready (SPF, DKIM, or the domain as a whole):
//
//	✓  pass
//	✗  fail, missing, invalid
//	?  error: DNS could not answer, so the verdict is unknown
//	·  "" (no verdict yet: the check has not run; nothing is known, so
//	   neither ✗ nor ? would be true)
//
// A verdict this package never writes (from an untrusted file) is marked ✗.
func MarkOf(v Verdict) string {
	switch v {
	case VerdictPass:
		return "✓"
	case VerdictError:
		return "?"
	case "":
		return "·"
	}
	return "✗"
}

// ToneOf returns the tone of a verdict of a check that decides whether a
// domain is ready: TonePass for pass, ToneWarn for error (unknown),
// ToneDim for "" (no verdict yet), ToneFail otherwise.
func ToneOf(v Verdict) Tone {
	switch v {
	case VerdictPass:
		return TonePass
	case VerdictError:
		return ToneWarn
	case "":
		return ToneDim
	}
	return ToneFail
}

// AdvisoryMarkOf returns the sign shown before a verdict of a check that
// does not decide readiness (DMARC): a verdict other than pass is worth
// knowing, not a failure, so fail, missing and invalid are marked "!".
// Pass, error and "" are marked as MarkOf marks them.
func AdvisoryMarkOf(v Verdict) string {
	switch v {
	case VerdictPass, VerdictError, "":
		return MarkOf(v)
	}
	return "!"
}

// AdvisoryToneOf returns the tone of a verdict of a check that does not
// decide readiness (DMARC): as ToneOf, except that what ToneOf calls
// ToneFail is ToneWarn.
func AdvisoryToneOf(v Verdict) Tone {
	if t := ToneOf(v); t != ToneFail {
		return t
	}
	return ToneWarn
}

// DMARCMarkOf returns the sign and tone of a DMARC state: a policy that
// quarantines or rejects the platform's mail now is marked ✗ in the fail
// tone (it is costing mail, whatever the verdict says); one under which
// the mail passes only through SPF (so only with an aligned envelope
// sender) "!" in the warn tone; otherwise as AdvisoryMarkOf and
// AdvisoryToneOf mark the verdict.
func DMARCMarkOf(s DMARCState) (string, Tone) {
	if s.Blocks {
		return "✗", ToneFail
	}
	if e := s.Effective(); s.Verdict == VerdictPass && s.PassesBy == DMARCPassesBySPFOnly && (e == DMARCQuarantine || e == DMARCReject) {
		return "!", ToneWarn // passes only with an aligned envelope sender
	}
	return AdvisoryMarkOf(s.Verdict), AdvisoryToneOf(s.Verdict)
}
