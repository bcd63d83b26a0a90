package domainname

import "strconv"

// Error explains why what was typed is not a mail domain. Its Message is a
// plain sentence, meant to be shown to the person as it is, that says what
// to type instead.
type Error struct {
	// Kind is the rule that was broken.
	Kind Kind
	// Input is what was typed, trimmed. It may contain any character:
	// quote it before showing it.
	Input string
	// Message says what is wrong and what to type instead. It never
	// contains control or other non-printing characters.
	Message string
	// Suggestion is a valid domain the person probably meant (for example
	// the host of a web address without "www."), for the UI to offer;
	// empty when there is none. It satisfies Valid when not empty.
	Suggestion string
}

// Error returns the Message.
func (e *Error) Error() string { return e.Message }

// Is reports whether target is the Kind of e, so that callers can write
// errors.Is(err, domainname.KindURL).
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && e.Kind == k
}

// Kind tells which rule an input broke. A Kind is also an error, usable as
// a sentinel with errors.Is.
type Kind int

// The kinds of Error.
const (
	// KindEmpty: nothing was typed (or only quotes, brackets, "mailto:").
	KindEmpty Kind = iota + 1
	// KindURL: a web address, e.g. "https://www.yourcenter.edu/contact",
	// "www.yourcenter.edu/path" or "yourcenter.edu:443".
	KindURL
	// KindIP: an IPv4 or IPv6 address, bracketed or not, or a name made
	// only of numbers.
	KindIP
	// KindSingleLabel: a name without an ending, e.g. "yourcenter" or
	// "localhost".
	KindSingleLabel
	// KindLabelTooLong: a part between dots is over 63 bytes in ASCII form.
	KindLabelTooLong
	// KindNameTooLong: the name is over 253 bytes in ASCII form.
	KindNameTooLong
	// KindBadCharacter: a character that cannot be in a host name, a hyphen
	// at the start or end of a part, or an empty part ("a..b", ".a.b").
	KindBadCharacter
	// KindBadEmail: an @ was typed but the text is not one email address,
	// or nothing follows the @.
	KindBadEmail
	// KindBadIDN: an internationalised name, or an "xn--" label, that IDNA
	// does not allow.
	KindBadIDN
	// KindNumericTLD: the last part is all digits, e.g. "foo.123".
	KindNumericTLD
	// KindPublicSuffix: a top-level domain or another public suffix alone,
	// e.g. "edu" or "ac.uk", which is nobody's mail domain.
	KindPublicSuffix
	// KindFieldTooLong: more text than the domain field takes (MaxField
	// characters), e.g. a pasted document; see FieldTooLong.
	KindFieldTooLong
)

var kindNames = [...]string{
	KindEmpty:        "empty",
	KindURL:          "url",
	KindIP:           "ip",
	KindSingleLabel:  "single-label",
	KindLabelTooLong: "label-too-long",
	KindNameTooLong:  "name-too-long",
	KindBadCharacter: "bad-character",
	KindBadEmail:     "bad-email",
	KindBadIDN:       "bad-idn",
	KindNumericTLD:   "numeric-tld",
	KindPublicSuffix: "public-suffix",
	KindFieldTooLong: "field-too-long",
}

// String returns a stable lower-case name for k, e.g. "single-label".
func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Error returns "domain: " and the name of k, so that a Kind can serve as a
// sentinel error.
func (k Kind) Error() string { return "domain: " + k.String() }
