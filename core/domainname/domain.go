// Package domainname turns what a person typed into the mail domain the wizard
// works on.
//
// Every entry point (command-line arguments, lists read from standard input,
// the text field of the interactive wizard) calls [Normalize], so the same
// text is accepted or refused the same way everywhere, with the same message.
//
// Normalize accepts a domain name ("YourCenter.edu", "yourcenter.edu."), an
// email address ("jane.doe@yourcenter.edu", `"Jane Doe" <jane@yourcenter.edu>`,
// "mailto:jane@yourcenter.edu"), or an internationalised name ("bücher.example",
// "bücher。example"), tolerating what copy and paste brings along: surrounding
// white space of any kind, zero-width and direction-mark characters, quotes and
// angle brackets. The result is the name in the form DNS uses:
//
//   - lower case, without the trailing dot of a fully qualified name;
//   - internationalised labels converted to A-labels ("xn--…") with the
//     non-transitional UTS #46 mapping and the IDNA2008 rules of RFC 5891
//     section 5 (lookup), plus the Bidi rule of RFC 5893; U-labels must
//     also consist of IDNA2008 code points (RFC 5892: letters, marks and
//     digits, not symbols, punctuation or emoji, which UTS #46 lets through)
//     and meet its CONTEXTO rules;
//   - host-name syntax of RFC 952 / RFC 1123 section 2.1 (letters, digits and
//     hyphens, no hyphen at either end of a label), label and name lengths of
//     RFC 1035 section 2.3.4 (63 and 253 octets), at least two labels, and a
//     top-level label that is not all digits (RFC 3696 section 2), so the
//     result can never be mistaken for an IP address;
//   - not a public suffix ("edu", "ac.uk"): a domain ending under which
//     organisations register their names is nobody's mail domain.
//
// Everything else is refused with an [*Error] whose message is a plain
// sentence saying what to type instead; its [Kind] tells callers which rule
// was broken, and its Suggestion, when set, is a domain to offer instead
// (the host of a pasted web address without "www.", a name with its stray
// dots removed).
package domainname

import (
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// Input is a normalised mail domain.
type Input struct {
	// Domain is the name in ASCII (A-label) form, lower case, without a
	// trailing dot, e.g. "xn--bcher-kva.example". It always satisfies [Valid].
	Domain string
	// Unicode is the display form (U-labels), e.g. "bücher.example"; it
	// equals Domain when the name has no internationalised label.
	Unicode string
	// FromEmail reports that the person typed an email address; Domain is
	// its part after the last @.
	FromEmail bool
	// Original is what was typed, with surrounding white space and invisible
	// characters trimmed. It may contain any character: quote it before
	// showing it.
	Original string
}

// The example used in messages when there is nothing better to suggest.
const example = "yourcenter.edu"

// Limits of RFC 1035 section 2.3.4, in octets of the ASCII form.
const (
	maxLabel = 63
	maxName  = 253
)

// maxHost bounds the typed host part (in bytes) before any conversion, so
// that a pasted document is refused at once instead of being converted.
// A name that fits in 253 ASCII bytes is far shorter than this in any
// Unicode form.
const maxHost = 4096

// MaxField is how many characters the domain field takes, in the wizard's
// screen and in its plain prompts: far more than any domain or email
// address, so that only a paste of something else reaches it. Longer text
// is refused with [FieldTooLong], never cut without a word.
const MaxField = 1024

// FieldTooLong returns the refusal of text of n characters given to the
// domain field, which takes at most MaxField.
func FieldTooLong(n int) *Error {
	return &Error{Kind: KindFieldTooLong, Message: "That is " + thousands(n) + " characters long, more than the " +
		thousands(MaxField) + " this field takes. Type or paste only the domain or one email address, e.g. " + example + "."}
}

// NormalizeField is Normalize for a line given to the domain field in the
// plain prompts: text over MaxField characters is refused with
// FieldTooLong, as the wizard's screen refuses it, before Normalize looks.
func NormalizeField(s string) (Input, error) {
	if n := utf8.RuneCountInString(s); n > MaxField {
		return Input{}, FieldTooLong(n)
	}
	return Normalize(s)
}

// thousands writes n with a comma between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// maxUnwrap bounds how many wrappers ("…", <…>, mailto:) are peeled off.
const maxUnwrap = 8

// profile converts one label, or checks a whole name, for lookup: the
// UTS #46 non-transitional mapping with STD3 rules, IDNA2008 label validity,
// CONTEXTJ rules and the Bidi rule. Hyphen placement is checked by this
// package instead (see checkHyphens), so that ASCII labels such as
// "r3---sn-abc" stay usable while U-labels still obey RFC 5891 4.2.3.1.
var profile = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.Transitional(false),
	idna.CheckHyphens(false),
	idna.VerifyDNSLength(false),
)

// Normalize turns what a person typed into the mail domain, or explains why
// it cannot. The error is always an [*Error].
func Normalize(s string) (Input, error) {
	p, err := parse(s)
	if err != nil {
		return Input{}, err
	}
	return p.in, nil
}

// parsed is the result of parse: the Input plus what Notes reports.
type parsed struct {
	in    Input
	email string // the email address as typed, unwrapped, when FromEmail
	host  string // the domain part as typed, unwrapped
}

func parse(s string) (parsed, *Error) {
	orig := trim(s)
	var p parsed
	p.in.Original = orig
	fail := func(k Kind, msg, suggestion string) (parsed, *Error) {
		return parsed{}, &Error{Kind: k, Input: orig, Message: msg, Suggestion: suggestion}
	}
	if orig == "" {
		return fail(KindEmpty, emptyMessage, "")
	}
	if !utf8.ValidString(orig) {
		i := firstInvalid(orig)
		return fail(KindBadCharacter, "That contains a byte that is not text ("+
			strconv.Quote(orig[i:i+1])+"). Type the domain again, e.g. "+example+".", "")
	}
	t := unwrap(orig)
	if t == "" {
		return fail(KindEmpty, emptyMessage, "")
	}
	if strings.Contains(t, "://") {
		sugg := urlSuggestion(t)
		return fail(KindURL, urlMessage(sugg), sugg)
	}

	host := t
	if i := strings.LastIndexByte(t, '@'); i >= 0 {
		local := t[:i]
		host = t[i+1:]
		if local != "" {
			if e := checkLocal(local, host, orig); e != nil {
				return parsed{}, e
			}
			p.in.FromEmail = true
			p.email = t
		}
		if host == "" {
			if local == "" {
				return fail(KindEmpty, emptyMessage, "")
			}
			return fail(KindBadEmail, "The email address "+quote(t)+
				" has nothing after the @. Type the domain that follows the @ in your staff email addresses, e.g. "+example+".", "")
		}
	}
	p.host = host
	ascii, uni, e := normalizeHost(host, p.in.FromEmail, true)
	if e != nil {
		e.Input = orig
		return parsed{}, e
	}
	p.in.Domain = ascii
	p.in.Unicode = uni
	return p, nil
}

const emptyMessage = "Type your organisation's mail domain, e.g. " + example + "."

// unwrap peels off what copy and paste brings along: quotes around the
// text, a mailto: prefix (with its ?query), and an address in angle brackets
// after a display name. It also maps fullwidth and small commercial at signs
// to '@' so that the address can be split.
func unwrap(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '＠' || r == '﹫' {
			return '@'
		}
		return r
	}, s)
	for range maxUnwrap {
		prev := s
		s = trim(s)
		if r0, n0 := utf8.DecodeRuneInString(s); n0 > 0 && isQuote(r0) {
			if r1, n1 := utf8.DecodeLastRuneInString(s); n0+n1 <= len(s) && isQuote(r1) {
				s = s[n0 : len(s)-n1]
			}
		}
		if len(s) >= len("mailto:") && strings.EqualFold(s[:len("mailto:")], "mailto:") {
			s = s[len("mailto:"):]
			if i := strings.IndexAny(s, "?#"); i >= 0 {
				s = s[:i]
			}
			if strings.Contains(s, "%") {
				if u, err := url.PathUnescape(s); err == nil && utf8.ValidString(u) {
					s = u
				}
			}
		}
		if strings.HasSuffix(s, ">") {
			if i := strings.LastIndexByte(s, '<'); i >= 0 {
				s = s[i+1 : len(s)-1]
			}
		}
		if s == prev {
			break
		}
	}
	return trim(s)
}

func isQuote(r rune) bool {
	switch r {
	case '"', '\'', '`', '“', '”', '„', '‟', '‘', '’', '‚', '‛', '«', '»', '‹', '›', '「', '」', '＂', '＇':
		return true
	}
	return false
}

// trim removes white space of every kind and invisible characters from
// both ends of s.
func trim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || isInvisible(r) || r == '\u200c' || r == '\u200d'
	})
}

// isInvisible reports characters that copy and paste leaves inside names
// and that can be dropped without changing the name: zero-width space, word
// joiner, byte-order mark, soft hyphen and the directional marks, embeddings,
// overrides and isolates. The zero-width joiners (U+200C, U+200D) are not
// among them: inside a name they can matter, and IDNA decides.
func isInvisible(r rune) bool {
	switch {
	case r == '\u200b', r == '\u2060', r == '\ufeff', r == '\u00ad', r == '\u180e',
		r == '\u200e', r == '\u200f', r == '\u061c',
		'\u202a' <= r && r <= '\u202e', '\u2066' <= r && r <= '\u2069':
		return true
	}
	return false
}

func firstInvalid(s string) int {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return 0
}

// checkLocal refuses the part before the @ when it shows that the text is
// not one email address (RFC 5322 section 3.4.1, with RFC 6531 UTF-8).
func checkLocal(local, host, orig string) *Error {
	bad := func(msg string) *Error {
		sugg := ""
		if a, _, e := normalizeHost(host, true, false); e == nil {
			sugg = a
		}
		ex := example
		if sugg != "" {
			ex = sugg
		}
		return &Error{Kind: KindBadEmail, Input: orig, Message: msg + " Type just the domain after the @, e.g. " + ex + ".", Suggestion: sugg}
	}
	if len(local) >= 2 && local[0] == '"' && local[len(local)-1] == '"' {
		for _, r := range local {
			if unicode.IsControl(r) {
				return bad("That is not an email address: it contains " + describe(r) + ".")
			}
		}
		return nil
	}
	for _, r := range local {
		switch {
		case r == '@':
			return &Error{Kind: KindBadEmail, Input: orig, Message: "That looks like more than one email address. Type one address, or just the domain after its @, e.g. " + example + "."}
		case unicode.IsSpace(r):
			return bad("That is not one email address: it has " + describe(r) + " before the @.")
		case r < 0x80 && !isAtext(byte(r)) && r != '.',
			r >= 0x80 && !unicode.IsPrint(r):
			return bad("That is not an email address: it contains " + describe(r) + " before the @.")
		}
	}
	return nil
}

// isAtext reports the ASCII characters RFC 5322 allows in a dot-atom.
func isAtext(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// normalizeHost converts the domain part. fromEmail turns off the web
// address checks (a '/' after an @ is just a bad character); suggest
// allows looking for a suggestion (off when already computing one).
func normalizeHost(h string, fromEmail, suggest bool) (string, string, *Error) {
	fail := func(k Kind, msg, suggestion string) (string, string, *Error) {
		return "", "", &Error{Kind: k, Input: h, Message: msg, Suggestion: suggestion}
	}
	if len(h) > maxHost {
		return fail(KindNameTooLong, "That is far too long to be a domain name. Type only the domain, e.g. "+example+".", "")
	}
	if isIP(h) {
		return fail(KindIP, quote(h)+" is an IP address. Type your organisation's mail domain name instead, e.g. "+example+".", "")
	}
	if !fromEmail && looksLikeURL(h) {
		sugg := ""
		if suggest {
			sugg = urlSuggestion(h)
		}
		return fail(KindURL, urlMessage(sugg), sugg)
	}

	typed := h
	h = strings.Map(func(r rune) rune {
		switch {
		case r == '。' || r == '．' || r == '｡':
			return '.'
		case isInvisible(r):
			return -1
		}
		return r
	}, h)
	h = strings.TrimSuffix(h, ".")
	if h == "" {
		return fail(KindEmpty, emptyMessage, "")
	}
	if strings.HasPrefix(h, ".") {
		return fail(KindBadCharacter, quote(typed)+" starts with a dot. Type it without the dot"+suggestClean(h, suggest)+".", cleanSuggestion(h, suggest))
	}
	if strings.Contains(h, "..") || strings.HasSuffix(h, ".") {
		return fail(KindBadCharacter, quote(typed)+" has two dots in a row. Type one dot between the parts of the name"+suggestClean(h, suggest)+".", cleanSuggestion(h, suggest))
	}
	if r, ok := firstBadRune(h); ok {
		return fail(KindBadCharacter, "A domain name cannot contain "+describe(r)+inPart(typed)+
			". Use only letters, digits, hyphens and dots, e.g. "+example+".", "")
	}

	typedLabels := strings.Split(h, ".")
	as := make([]string, len(typedLabels))
	us := make([]string, len(typedLabels))
	idn := false
	for i, tl := range typedLabels {
		if e := checkHyphens(tl, tl); e != "" {
			return fail(KindBadCharacter, e, "")
		}
		a, u, k, msg := convertLabel(tl)
		if msg != "" {
			return fail(k, msg, "")
		}
		if e := checkHyphens(u, tl); e != "" {
			return fail(KindBadCharacter, e, "")
		}
		if a != u {
			idn = true
			if r := []rune(u); len(r) >= 4 && r[2] == '-' && r[3] == '-' {
				return fail(KindBadIDN, quote(tl)+" cannot be used in an international domain name: it has two hyphens after its first two letters. Check the spelling of the domain.", "")
			}
		}
		as[i], us[i] = a, u
	}
	ascii := strings.Join(as, ".")
	uni := strings.Join(us, ".")
	inDNS := ""
	if idn {
		inDNS = " in DNS"
	}

	allDigits := true
	for _, a := range as {
		allDigits = allDigits && isDigits(a)
	}
	if allDigits {
		return fail(KindIP, quote(typed)+" looks like a number or an IP address. Type your organisation's mail domain name instead, e.g. "+example+".", "")
	}
	for i, a := range as {
		if len(a) > maxLabel {
			return fail(KindLabelTooLong, "The part "+quote(short(typedLabels[i], 20))+" is "+strconv.Itoa(len(a))+
				" characters long"+inDNS+", but each part between dots can have at most 63. Check the domain for a typing mistake.", "")
		}
	}
	if len(ascii) > maxName {
		return fail(KindNameTooLong, "The name is "+strconv.Itoa(len(ascii))+" characters long"+inDNS+
			", but a domain name can have at most 253. Type only your mail domain, e.g. "+example+".", "")
	}
	if isPublicSuffix(ascii) {
		return fail(KindPublicSuffix, publicSuffixMessage(typed, ascii, uni), "")
	}
	if len(as) < 2 {
		if as[0] == "localhost" {
			return fail(KindSingleLabel, `"localhost" means this computer, not a mail domain. `+emptyMessage, "")
		}
		ex := us[0] + ".edu"
		if show(ex) != ex {
			ex = example
		}
		return fail(KindSingleLabel, quote(typed)+" is missing its ending. Add it, e.g. "+ex+".", "")
	}
	if tld := as[len(as)-1]; isDigits(tld) {
		return fail(KindNumericTLD, quote(typed)+" ends in "+quote(tld)+", which is not a domain ending. Type the full domain, e.g. "+example+".", "")
	}
	if idn {
		// The Bidi rule applies across labels (RFC 5893 section 1.4): check
		// the whole name once its labels are known to be valid.
		if out, err := profile.ToASCII(ascii); err != nil || out != ascii {
			return fail(KindBadIDN, quote(typed)+" is not a valid international domain name: it mixes writing directions in a way DNS does not allow. Check the spelling of the domain.", "")
		}
	}
	if !Valid(ascii) {
		// Unreachable if the checks above are complete; kept so that the
		// promise "Domain is Valid" never depends on it.
		return fail(KindBadCharacter, quote(typed)+" is not a valid domain name. Use only letters, digits, hyphens and dots, e.g. "+example+".", "")
	}
	return ascii, uni, nil
}

// isPublicSuffix reports a name under which organisations register their
// own names, as the Public Suffix List gives it (https://publicsuffix.org):
// a top-level domain such as "edu", or a registry's suffix such as "ac.uk".
// A single label that the list does not know ("yourcenter") is not one:
// the list's default rule makes every unknown last label a suffix, so only
// its ICANN section counts for a single label.
func isPublicSuffix(ascii string) bool {
	ps, icann := publicsuffix.PublicSuffix(ascii)
	if ps != ascii {
		return false
	}
	return icann || strings.Contains(ascii, ".")
}

// publicSuffixMessage says that a public suffix is not a mail domain, with
// an example of a name under it.
func publicSuffixMessage(typed, ascii, uni string) string {
	ex := "yourcenter." + uni
	if show(ex) != ex {
		ex = "yourcenter." + ascii
	}
	what := "a top-level domain"
	if strings.Contains(ascii, ".") {
		what = "a domain ending (a public suffix)"
	}
	return quote(typed) + " is " + what + ", not a mail domain. Type your organisation's own domain under it, e.g. " + ex + "."
}

// convertLabel converts one typed label (non-empty, no dots) to its A-label
// and U-label. On failure it returns the kind and message.
func convertLabel(l string) (a, u string, k Kind, msg string) {
	const badALabel = " is not a valid international domain name part (the xn-- form). Type the domain exactly as it appears after the @ in your staff email addresses."
	if isASCII(l) {
		a = strings.ToLower(l)
		if !strings.HasPrefix(a, "xn--") {
			return a, a, 0, ""
		}
		out, err := profile.ToASCII(a)
		if err != nil || out != a {
			return "", "", KindBadIDN, quote(l) + badALabel
		}
	} else {
		var err error
		a, err = profile.ToASCII(l)
		if err != nil || a == "" || strings.Contains(a, ".") || !isASCII(a) {
			if r, ok := culprit(l); ok {
				return "", "", KindBadCharacter, badCharMessage(r, l)
			}
			return "", "", KindBadIDN, quote(l) + " cannot be used in an international domain name: its characters are not allowed in this order. Check the spelling, or type the domain exactly as it appears after the @ in your staff email addresses."
		}
		if !strings.HasPrefix(a, "xn--") {
			return a, a, 0, "" // the label mapped to plain ASCII, e.g. fullwidth letters
		}
	}
	u, err := idna.Punycode.ToUnicode(a)
	if err != nil {
		return "", "", KindBadIDN, quote(l) + badALabel
	}
	for _, r := range u {
		if !pvalid(r) && !contextO(r) {
			return "", "", KindBadCharacter, badCharMessage(r, l)
		}
	}
	if why := checkContextO(u); why != "" {
		return "", "", KindBadIDN, quote(l) + " cannot be used in an international domain name: " + why + ". Check the spelling, or type the domain exactly as it appears after the @ in your staff email addresses."
	}
	return a, u, 0, ""
}

func badCharMessage(r rune, label string) string {
	return "A domain name cannot contain " + describe(r) + inPart(label) +
		". Check the spelling, or type the domain exactly as it appears after the @ in your staff email addresses."
}

// culprit finds a non-ASCII character of l that no label may contain,
// trying it alone, after a Latin letter (combining marks) and after an
// Arabic letter (right-to-left digits and marks).
func culprit(l string) (rune, bool) {
	for _, r := range l {
		if r < utf8.RuneSelf {
			continue
		}
		ok := false
		for _, pre := range []string{"", "a", "\u0627"} {
			a, err := profile.ToASCII(pre + string(r))
			if err != nil || a == "" || strings.Contains(a, ".") {
				continue
			}
			u, err := idna.Punycode.ToUnicode(a)
			if err != nil {
				continue
			}
			ok = true
			for _, m := range u {
				ok = ok && (pvalid(m) || contextO(m))
			}
			if ok {
				break
			}
		}
		if !ok {
			return r, true
		}
	}
	return 0, false
}

// checkHyphens reports, as a message, a label that starts or ends with a
// hyphen (RFC 952, RFC 1123 section 2.1, RFC 5891 section 4.2.3.1). typed is
// the label as typed, for the message.
func checkHyphens(l, typed string) string {
	switch {
	case strings.HasPrefix(l, "-"):
		return "The part " + quote(short(typed, 40)) + " starts with a hyphen, which a domain name cannot have. Check the domain for a typing mistake."
	case strings.HasSuffix(l, "-"):
		return "The part " + quote(short(typed, 40)) + " ends with a hyphen, which a domain name cannot have. Check the domain for a typing mistake."
	}
	return ""
}

// firstBadRune finds the first character that cannot be in a host name and
// that IDNA would not map to one: ASCII other than letters, digits, '-' and
// '.', any white space, control or format character (except the joiners,
// which IDNA judges in context), and U+FFFD.
func firstBadRune(s string) (rune, bool) {
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if !(isLetterDigit(byte(r)) || r == '-' || r == '.') {
				return r, true
			}
		case r == '\u200c' || r == '\u200d':
		case unicode.IsSpace(r), unicode.IsControl(r), unicode.Is(unicode.Cf, r),
			r == utf8.RuneError, unicode.Is(unicode.Co, r), unicode.Is(unicode.Cs, r):
			return r, true
		}
	}
	return 0, false
}

func isLetterDigit(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isIP reports an IPv4 or IPv6 address, bracketed or not, with or without
// a port, a zone, a trailing dot, or the "IPv6:" tag of an email address
// literal (RFC 5321 section 4.1.3).
func isIP(h string) bool {
	h = strings.TrimSuffix(h, ".")
	if _, err := netip.ParseAddrPort(h); err == nil {
		return true
	}
	if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
		h = h[1 : len(h)-1]
		if len(h) >= 5 && strings.EqualFold(h[:5], "ipv6:") {
			h = h[5:]
		}
	}
	_, err := netip.ParseAddr(h)
	return err == nil
}

// looksLikeURL reports a web address without a scheme: a path, query or
// fragment, or a port number after the name.
func looksLikeURL(h string) bool {
	if strings.ContainsAny(h, "/?#") {
		return true
	}
	if i := strings.LastIndexByte(h, ':'); i >= 0 && isDigits(h[i+1:]) {
		return true
	}
	return false
}

// urlSuggestion returns the mail domain a web address probably belongs to:
// its host without a leading "www.", when that is a valid domain.
func urlSuggestion(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		u, err = url.Parse("//" + s)
	}
	if err != nil || u.Host == "" {
		return ""
	}
	host := u.Hostname()
	if len(host) > 4 && strings.EqualFold(host[:4], "www.") {
		host = host[4:]
	}
	a, _, e := normalizeHost(host, false, false)
	if e != nil {
		return ""
	}
	return a
}

func urlMessage(suggestion string) string {
	if suggestion != "" {
		return "That looks like a web address. Type the domain after the @ in your staff email addresses; if they end in @" +
			suggestion + ", type " + suggestion + "."
	}
	return "That looks like a web address. Type the domain after the @ in your staff email addresses, e.g. " + example + "."
}

// cleanSuggestion returns h without empty labels, when that is valid.
func cleanSuggestion(h string, suggest bool) string {
	if !suggest {
		return ""
	}
	parts := strings.FieldsFunc(h, func(r rune) bool { return r == '.' })
	a, _, e := normalizeHost(strings.Join(parts, "."), true, false)
	if e != nil {
		return ""
	}
	return a
}

func suggestClean(h string, suggest bool) string {
	if s := cleanSuggestion(h, suggest); s != "" {
		return ", e.g. " + s
	}
	return ""
}

func inPart(typed string) string {
	if utf8.RuneCountInString(typed) <= 1 {
		return ""
	}
	return " (in " + quote(short(typed, 60)) + ")"
}

// describe names a character for a message, never writing it raw when it
// is invisible or a control character.
func describe(r rune) string {
	switch {
	case r == ' ':
		return "a space"
	case r == '\t':
		return "a tab"
	case r == '\n' || r == '\r':
		return "a line break"
	case unicode.IsSpace(r):
		return "a space character (U+" + hex(r) + ")"
	case r == utf8.RuneError:
		return "an unreadable character (U+FFFD)"
	case unicode.IsControl(r):
		return "the control character " + strconv.QuoteToASCII(string(r))
	case !unicode.IsPrint(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r):
		return "the invisible or combining character U+" + hex(r)
	}
	return strconv.Quote(string(r))
}

func hex(r rune) string {
	s := strings.ToUpper(strconv.FormatInt(int64(r), 16))
	for len(s) < 4 {
		s = "0" + s
	}
	return s
}

// short cuts s to at most n characters, marking the cut with "…".
func short(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for k := range s {
		if n == 0 {
			i = k
			break
		}
		n--
	}
	return s[:i] + "…"
}

// quote writes s for a message: in double quotes, cut to a readable length,
// with control, format and other non-printing characters as escapes.
func quote(s string) string {
	return strconv.Quote(short(s, 80))
}

// show writes s for a message plainly when that is safe and readable, and
// quoted otherwise.
func show(s string) string {
	if s == "" || utf8.RuneCountInString(s) > 80 {
		return quote(s)
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || r == ' ' || r == '"' || r == '\\' || unicode.Is(unicode.Mn, r) {
			return quote(s)
		}
	}
	return s
}

// Valid reports whether name is a host name as Normalize returns it: two or
// more labels separated by single dots; each label 1 to 63 bytes of
// lower-case ASCII letters, digits and hyphens, not starting or ending with
// a hyphen; the last label not all digits; at most 253 bytes in all; no
// trailing dot.
func Valid(name string) bool {
	if len(name) == 0 || len(name) > maxName {
		return false
	}
	labels := 0
	for l := range strings.SplitSeq(name, ".") {
		labels++
		if len(l) == 0 || len(l) > maxLabel || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	if labels < 2 {
		return false
	}
	return !isDigits(name[strings.LastIndexByte(name, '.')+1:])
}

// Notes returns plain sentences about what was changed between what was
// typed and Domain, for the UI to show under the input, e.g.
//
//	Using the domain part of the email address jane.doe@yourcenter.edu.
//	"Bücher.example" is written xn--bcher-kva.example in DNS.
//
// It returns nil when nothing worth saying was changed (case and a trailing
// dot are not mentioned), or when in did not come from Normalize.
func (in Input) Notes() []string {
	p, err := parse(in.Original)
	if err != nil || p.in != in {
		return nil
	}
	var notes []string
	if p.in.FromEmail {
		// An address pasted with the sentence's full stop ends in a dot
		// already: the note ends in one dot, not two.
		notes = append(notes, "Using the domain part of the email address "+show(strings.TrimRight(p.email, "."))+".")
	}
	typed := strings.TrimSuffix(p.host, ".")
	switch {
	case in.Unicode != in.Domain && isASCII(typed) && strings.EqualFold(typed, in.Domain):
		notes = append(notes, in.Domain+" is how "+show(in.Unicode)+" is written in DNS.")
	case in.Unicode != in.Domain:
		notes = append(notes, quote(typed)+" is written "+in.Domain+" in DNS.")
	case !isASCII(typed) || !strings.EqualFold(typed, in.Domain):
		notes = append(notes, "Read "+quote(typed)+" as "+in.Domain+".")
	}
	return notes
}
