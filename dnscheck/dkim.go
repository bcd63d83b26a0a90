package dnscheck

import (
	"context"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/miekg/dns"
)

// Sentinel errors of ParseDKIMKey, for errors.Is.
var (
	// ErrDKIMSyntax is wrapped by errors in the tag list of a key record
	// (RFC 6376 §3.2 and §3.6.1): a malformed or repeated tag, v= not first
	// or not "DKIM1", no p= tag.
	ErrDKIMSyntax = errors.New("dnscheck: DKIM key record syntax error")
	// ErrDKIMKey is wrapped by errors in the key itself: an unknown key
	// type (k=), p= that is not base64 or not a public key of that type.
	ErrDKIMKey = errors.New("dnscheck: DKIM key is not a usable public key")
	// ErrDKIMRevoked is returned for a record whose p= is empty: the key
	// has been revoked (RFC 6376 §3.6.1).
	ErrDKIMRevoked = errors.New("dnscheck: DKIM key is revoked (empty p=)")
)

// DKIM key types (the k= tag: RFC 6376 §3.6.1, RFC 8463).
const (
	DKIMKeyRSA     = "rsa"
	DKIMKeyEd25519 = "ed25519"
)

// DKIMKey is a parsed DKIM public-key record (RFC 6376 §3.6.1).
type DKIMKey struct {
	// Version is the v= tag ("DKIM1"), "" when the record has none.
	Version string
	// KeyType is the k= tag in lower case, "rsa" when absent.
	KeyType string
	// PublicKey is the decoded p= data: DER (SubjectPublicKeyInfo, or
	// PKCS#1 RSAPublicKey as some publishers write it) for RSA, the raw 32
	// bytes for Ed25519. Empty when Revoked.
	PublicKey []byte
	// Bits is the RSA modulus size, 256 for Ed25519, 0 when Revoked.
	Bits int
	// Revoked is set when p= is empty.
	Revoked bool
	// TestMode is set when the t= flags include "y": the domain is testing
	// DKIM and verifiers must not treat signed mail differently.
	TestMode bool
	// Flags are the t= flags ("y", "s"), as written.
	Flags []string
	// HashAlgs are the h= hash algorithms ("sha256"); nil means all.
	HashAlgs []string
	// Services are the s= service types ("email", "*"); nil means all.
	Services []string
	// Notes is the n= tag, as written.
	Notes string
}

// dkimTag is one tag=value pair of a tag list.
type dkimTag struct {
	name, value string
}

// parseTagList splits a tag list (RFC 6376 §3.2): tag-specs separated by
// ";", whitespace (including folding) around names and values ignored,
// whitespace inside a value kept, a name repeated is an error. Empty
// tag-specs (";;" or a trailing ";") are skipped, as common verifiers do.
func parseTagList(s string) ([]dkimTag, error) {
	var tags []dkimTag
	seen := map[string]bool{}
	for spec := range strings.SplitSeq(s, ";") {
		if strings.Trim(spec, fws) == "" {
			continue
		}
		name, value, ok := strings.Cut(spec, "=")
		name, value = strings.Trim(name, fws), strings.Trim(value, fws)
		if !ok {
			return nil, fmt.Errorf("%w: %q is not a tag=value pair", ErrDKIMSyntax, strings.Trim(spec, fws))
		}
		if !isTagName(name) {
			return nil, fmt.Errorf("%w: %q is not a valid tag name", ErrDKIMSyntax, name)
		}
		for _, r := range value {
			// VALCHAR is %x21-3A / %x3C-7E; whitespace may separate tvals.
			if !(r >= 0x21 && r <= 0x7e) && !strings.ContainsRune(fws, r) {
				return nil, fmt.Errorf("%w: the value of %s= contains a character that is not plain ASCII (%q)", ErrDKIMSyntax, name, r)
			}
		}
		if seen[name] {
			return nil, fmt.Errorf("%w: the tag %s= appears more than once", ErrDKIMSyntax, name)
		}
		seen[name] = true
		tags = append(tags, dkimTag{name, value})
	}
	return tags, nil
}

// fws is the whitespace that may fold a DKIM record: WSP and CRLF.
const fws = " \t\r\n"

// isTagName checks tag-name = ALPHA *ALNUMPUNC (RFC 6376 §3.2).
func isTagName(s string) bool {
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '_'):
		default:
			return false
		}
	}
	return s != ""
}

// splitColonList splits a colon-separated tag value (h=, s=, t=), trimming
// whitespace around each element and dropping empty ones.
func splitColonList(v string) []string {
	var out []string
	for e := range strings.SplitSeq(v, ":") {
		if e = strings.Trim(e, fws); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// ParseDKIMKey parses a DKIM public-key record, the TXT strings at
// selector._domainkey.<domain> joined without separator (RFC 6376 §3.6.1,
// with the tag-list rules of §3.2). Tag names are case-sensitive, as §3.2
// says; the k= value is compared without case.
//
// v=, when present, must be the first tag and equal "DKIM1". k= defaults to
// "rsa"; "rsa" and "ed25519" (RFC 8463) are known. p= is required; it is
// base64, whitespace inside allowed. An RSA key is DER SubjectPublicKeyInfo
// (PKCS#1 RSAPublicKey is accepted too, as some publishers write it); an
// Ed25519 key is the raw 32 bytes.
//
// Errors wrap ErrDKIMSyntax or ErrDKIMKey. An empty p= returns the key,
// filled in and with Revoked set, together with an error wrapping
// ErrDKIMRevoked. Whether the key is strong enough, meant for email (s=) or
// usable with SHA-256 (h=) is for the caller to judge.
func ParseDKIMKey(txt string) (DKIMKey, error) {
	var k DKIMKey
	tags, err := parseTagList(txt)
	if err != nil {
		return k, err
	}
	var p string
	hasP := false
	for i, t := range tags {
		switch t.name {
		case "v":
			if i != 0 {
				return k, fmt.Errorf("%w: v= must be the first tag", ErrDKIMSyntax)
			}
			if t.value != "DKIM1" {
				return k, fmt.Errorf("%w: v=%s is not a DKIM key record (v=DKIM1)", ErrDKIMSyntax, t.value)
			}
			k.Version = t.value
		case "k":
			k.KeyType = strings.ToLower(t.value)
		case "p":
			p, hasP = t.value, true
		case "h":
			k.HashAlgs = splitColonList(t.value)
		case "s":
			k.Services = splitColonList(t.value)
		case "t":
			k.Flags = splitColonList(t.value)
			for _, f := range k.Flags {
				if f == "y" {
					k.TestMode = true
				}
			}
		case "n":
			k.Notes = t.value
		}
	}
	if k.KeyType == "" {
		k.KeyType = DKIMKeyRSA
	}
	if !hasP {
		return k, fmt.Errorf("%w: the record has no p= tag (the public key)", ErrDKIMSyntax)
	}
	if k.KeyType != DKIMKeyRSA && k.KeyType != DKIMKeyEd25519 {
		return k, fmt.Errorf("%w: unknown key type k=%s (known: rsa, ed25519)", ErrDKIMKey, k.KeyType)
	}
	b64 := strings.Map(func(r rune) rune {
		if strings.ContainsRune(fws, r) {
			return -1
		}
		return r
	}, p)
	if b64 == "" {
		k.Revoked = true
		return k, ErrDKIMRevoked
	}
	der, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return k, fmt.Errorf("%w: p= is not valid base64", ErrDKIMKey)
	}
	if len(der) == 0 {
		return k, fmt.Errorf("%w: p= holds no key", ErrDKIMKey)
	}
	switch k.KeyType {
	case DKIMKeyEd25519:
		if len(der) != ed25519.PublicKeySize {
			return k, fmt.Errorf("%w: an Ed25519 key is %d bytes, p= holds %d", ErrDKIMKey, ed25519.PublicKeySize, len(der))
		}
		k.Bits = 256
	default:
		bits, err := rsaBits(der)
		if err != nil {
			return k, err
		}
		k.Bits = bits
	}
	k.PublicKey = der
	return k, nil
}

// rsaBits returns the modulus size of a DER RSA public key, written as
// SubjectPublicKeyInfo or as PKCS#1 RSAPublicKey.
func rsaBits(der []byte) (int, error) {
	pub, err := x509.ParsePKIXPublicKey(der)
	if err == nil {
		rk, ok := pub.(*rsa.PublicKey)
		if !ok {
			return 0, fmt.Errorf("%w: p= holds a %T key, not an RSA key (k=rsa)", ErrDKIMKey, pub)
		}
		return rk.N.BitLen(), nil
	}
	if rk, err1 := x509.ParsePKCS1PublicKey(der); err1 == nil {
		return rk.N.BitLen(), nil
	}
	return 0, fmt.Errorf("%w: p= does not hold an RSA public key", ErrDKIMKey)
}

// Key sizes judged by CheckDKIM: RFC 8301 §3.2 forbids verifying with RSA
// keys under 1024 bits; under 2048 is weak today.
const (
	MinDKIMKeyBits         = 1024
	RecommendedDKIMKeyBits = 2048
)

// CheckDKIM checks that selector._domainkey.<domain> is a CNAME to the
// platform's key (exp.DKIMSelector, exp.DKIMTarget) and that a valid key is
// published behind it.
//
// All its questions are independent and asked at once: the CNAME, TXT, A
// and AAAA at the name (the last three explain what is there when the
// CNAME is not), the CNAME at the doubled name
// selector._domainkey.<domain>.<domain> (host field given the full name),
// and the TXT key at the expected target, which is where the key is when
// the CNAME is right. The critical path is therefore one query long. Use a
// *Lookup as q so that each name and type is asked once per check.
//
// Status is pass (CNAME right, usable key behind it), fail (something at
// the name but wrong, or no usable key behind a right CNAME), missing
// (nothing at the name) or error (DNS trouble at the name, or fetching the
// key behind a right CNAME). Trouble is never reported as missing.
func CheckDKIM(ctx context.Context, q Querier, domain string, exp Expectation) DKIMReport {
	domain = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(domain), "."))
	selector := strings.ToLower(strings.TrimSpace(exp.DKIMSelector))
	host := selector + "._domainkey"
	name := host + "." + domain + "."
	target := canonical(exp.DKIMTarget)
	doubled := host + "." + domain + "." + domain + "."
	r := DKIMReport{Name: name, Target: target, Problems: []Problem{}}
	d := dkimCheck{exp: exp, domain: domain, host: host, name: name, target: target, r: &r}

	var cname, txt, a, aaaa, dbl, key Response
	var wg sync.WaitGroup
	ask := func(dst *Response, n string, t uint16) {
		wg.Go(func() { *dst = q.Query(ctx, n, t) })
	}
	ask(&cname, name, dns.TypeCNAME)
	ask(&key, target, dns.TypeTXT)
	ask(&txt, name, dns.TypeTXT)
	ask(&a, name, dns.TypeA)
	ask(&aaaa, name, dns.TypeAAAA)
	ask(&dbl, doubled, dns.TypeCNAME)
	wg.Wait()

	r.TTL = cname.TTL
	if found := cname.CNAMETarget(); found != "" {
		r.Found = found
		d.judgeCNAME(found, key)
		return r
	}
	if cname.Status.Trouble() {
		r.Status = VerdictError
		r.Problems = append(r.Problems, troubleProblem(cname, "the DKIM record"))
		return r
	}
	if d.judgeNotCNAME(txt, a, aaaa) {
		return r
	}
	for _, resp := range []Response{txt, a, aaaa} {
		if resp.Status.Trouble() {
			r.Status = VerdictError
			r.Problems = append(r.Problems, troubleProblem(resp, "the DKIM record"))
			return r
		}
	}
	r.Status = VerdictMissing
	if wrong := dbl.CNAMETarget(); wrong != "" {
		r.Problems = append(r.Problems, d.doubledProblem(doubled, wrong))
	} else {
		r.Problems = append(r.Problems, d.missingProblem())
	}
	return r
}

// dkimCheck carries what the judgements of CheckDKIM share.
type dkimCheck struct {
	exp                        Expectation
	domain, host, name, target string
	r                          *DKIMReport
}

func (d *dkimCheck) platform() string {
	if d.exp.PlatformName != "" {
		return d.exp.PlatformName
	}
	return "the sending platform"
}

// addRecord is the sentence telling which CNAME to publish.
func (d *dkimCheck) addRecord() string {
	return fmt.Sprintf("a CNAME record with host (name) %q and target (value) %q", d.host, d.target)
}

func (d *dkimCheck) problem(code Code, sev Severity, msg, fix string) {
	d.r.Problems = append(d.r.Problems, Problem{Code: code, Severity: sev, Message: msg, Fix: fix})
}

// judgeCNAME judges a CNAME found at the name, and the key behind it when
// it points where it should.
func (d *dkimCheck) judgeCNAME(found string, key Response) {
	r := d.r
	if found != d.target {
		r.Status = VerdictFail
		// The DNS host appended its zone (the domain or a parent of it) to
		// a target typed without the final dot:
		// osc1._domainkey.outreachsystems.com.yourcenter.edu.
		if zone, ok := strings.CutPrefix(found, d.target); ok && d.target != "." && strings.HasSuffix("."+d.domain+".", "."+zone) {
			d.problem(CodeDKIMTargetRelative, SeverityError,
				fmt.Sprintf("The DKIM CNAME %s points to %s: the DNS host appended your domain to the target because it did not end with a dot.", trimDot(d.name), trimDot(found)),
				fmt.Sprintf("Edit the CNAME and enter the target as %q, with the final dot (or, if your DNS host's form refuses the dot, as %q and check that nothing is added after it).", d.target, trimDot(d.target)))
			return
		}
		d.problem(CodeDKIMWrongTarget, SeverityError,
			fmt.Sprintf("The DKIM CNAME %s points to %s, not to %s, so %s's DKIM signatures cannot be verified.", trimDot(d.name), trimDot(found), trimDot(d.target), d.platform()),
			fmt.Sprintf("Change the CNAME's target (value) to %q.", d.target))
		return
	}
	if key.Status.Trouble() {
		r.Status = VerdictError
		r.Problems = append(r.Problems, troubleProblem(key, d.platform()+"'s DKIM key"))
		return
	}
	txts := key.TXT() // the target's own TXT, or the end of its CNAME chain
	if len(txts) == 0 {
		r.Status = VerdictFail
		d.problem(CodeDKIMKeyMissing, SeverityError,
			fmt.Sprintf("Your DKIM CNAME is right, but %s publishes no DKIM key at %s, so receivers cannot verify its signatures.", d.platform(), trimDot(d.target)),
			fmt.Sprintf("Nothing to change on your side: contact %s and ask them to publish the key at %s.", d.platform(), trimDot(d.target)))
		return
	}
	var firstErr error
	for _, t := range txts {
		k, err := ParseDKIMKey(t)
		if err == nil {
			err = usableForEmail(k)
		}
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		d.judgeKey(k)
		return
	}
	r.Status = VerdictFail
	what := "is not a valid DKIM key: " + clip(errorReason(firstErr))
	if errors.Is(firstErr, ErrDKIMRevoked) {
		what = "has been revoked (its p= is empty)"
	}
	d.problem(CodeDKIMKeyInvalid, SeverityError,
		fmt.Sprintf("Your DKIM CNAME is right, but the key %s publishes at %s %s.", d.platform(), trimDot(d.target), what),
		fmt.Sprintf("Nothing to change on your side: contact %s and ask them to publish a valid key at %s.", d.platform(), trimDot(d.target)))
}

// judgeKey judges a usable key behind a right CNAME.
func (d *dkimCheck) judgeKey(k DKIMKey) {
	r := d.r
	r.KeyBits = k.Bits
	r.TestMode = k.TestMode
	r.Status = VerdictPass
	if k.KeyType != DKIMKeyRSA {
		return
	}
	switch {
	case k.Bits < MinDKIMKeyBits:
		r.Status = VerdictFail
		d.problem(CodeDKIMKeyWeak, SeverityError,
			fmt.Sprintf("%s's DKIM key at %s is only %d bits: receivers ignore signatures made with RSA keys under %d bits.", d.platform(), trimDot(d.target), k.Bits, MinDKIMKeyBits),
			fmt.Sprintf("Nothing to change on your side: contact %s and ask them to publish a key of at least %d bits.", d.platform(), RecommendedDKIMKeyBits))
	case k.Bits < RecommendedDKIMKeyBits:
		d.problem(CodeDKIMKeyWeak, SeverityWarning,
			fmt.Sprintf("%s's DKIM key at %s is %d bits; signatures verify today, but %d bits is the recommended minimum.", d.platform(), trimDot(d.target), k.Bits, RecommendedDKIMKeyBits),
			fmt.Sprintf("Nothing to change on your side; you may ask %s to move to a %d-bit key.", d.platform(), RecommendedDKIMKeyBits))
	}
}

// usableForEmail refuses keys whose s= excludes email or whose h= excludes
// SHA-256 (RFC 8301 §3.1: verifiers must not accept SHA-1 signatures).
func usableForEmail(k DKIMKey) error {
	if k.Services != nil && !containsFold(k.Services, "*") && !containsFold(k.Services, "email") {
		return fmt.Errorf("%w: its service types (s=%s) exclude email", ErrDKIMKey, strings.Join(k.Services, ":"))
	}
	if k.HashAlgs != nil && !containsFold(k.HashAlgs, "sha256") {
		return fmt.Errorf("%w: its hash algorithms (h=%s) exclude sha256", ErrDKIMKey, strings.Join(k.HashAlgs, ":"))
	}
	return nil
}

func containsFold(list []string, s string) bool {
	for _, e := range list {
		if strings.EqualFold(e, s) {
			return true
		}
	}
	return false
}

// errorReason is err's text without the package prefix and sentinel, for
// use inside a sentence.
func errorReason(err error) string {
	s := err.Error()
	for _, sentinel := range []error{ErrDKIMSyntax, ErrDKIMKey, ErrDKIMRevoked} {
		s = strings.TrimPrefix(s, sentinel.Error()+": ")
	}
	return strings.TrimPrefix(s, "dnscheck: ")
}

// judgeNotCNAME reports a TXT record or addresses found at the name where
// the CNAME should be; it returns false when there are none.
func (d *dkimCheck) judgeNotCNAME(txt, a, aaaa Response) bool {
	txts := ownedTXT(txt, d.name)
	addrs := len(a.Records()) + len(aaaa.Records())
	if len(txts) == 0 && addrs == 0 {
		return false
	}
	r := d.r
	r.Status = VerdictFail
	replace := fmt.Sprintf("Delete the records at %s and add %s.", d.host, d.addRecord())
	if len(txts) > 0 {
		r.TTL = txt.TTL
		pasted := false
		for _, t := range txts {
			low := strings.ToLower(t)
			pasted = pasted || strings.Contains(low, "v=dkim1") || strings.Contains(low, "p=")
		}
		if pasted {
			d.problem(CodeDKIMNotCNAME, SeverityError,
				fmt.Sprintf("%s holds a DKIM key pasted as a TXT record instead of the CNAME. %s rotates its keys, so a copied key stops working at the next rotation; the CNAME always points to the current one.", trimDot(d.name), d.platform()),
				"Delete the TXT record and add "+d.addRecord()+".")
			d.judgePastedKey(txts)
		} else {
			d.problem(CodeDKIMNotCNAME, SeverityError,
				fmt.Sprintf("%s holds a TXT record instead of the CNAME to %s's DKIM key.", trimDot(d.name), d.platform()),
				"Delete the TXT record and add "+d.addRecord()+".")
		}
		return true
	}
	r.TTL = min(nonZero(a.TTL, aaaa.TTL), nonZero(aaaa.TTL, a.TTL))
	if strings.EqualFold(strings.TrimSpace(d.exp.DNSHostName), "Cloudflare") {
		d.problem(CodeDKIMNotCNAME, SeverityError,
			fmt.Sprintf("%s answers with IP addresses instead of the CNAME: Cloudflare is proxying (flattening) the record, so receivers never see the CNAME to %s's DKIM key.", trimDot(d.name), d.platform()),
			fmt.Sprintf("In Cloudflare's DNS settings, edit the CNAME %q and set its Proxy status to \"DNS only\" (grey cloud). Its target must be %q.", d.host, trimDot(d.target)))
		return true
	}
	d.problem(CodeDKIMNotCNAME, SeverityError,
		fmt.Sprintf("%s has A/AAAA (address) records instead of the CNAME to %s's DKIM key. If you did add the CNAME, your DNS host is proxying or flattening it.", trimDot(d.name), d.platform()),
		replace+" If your DNS host proxies records, turn that off for this one (\"DNS only\").")
	return true
}

// judgePastedKey judges the key pasted at the name (the first TXT string
// that reads as one), as receivers verify with it until it is replaced:
// revoked or unparsable is dkim-key-invalid, a short RSA key dkim-key-weak.
func (d *dkimCheck) judgePastedKey(txts []string) {
	var k DKIMKey
	var err error
	for _, t := range txts {
		if k, err = ParseDKIMKey(t); err == nil {
			err = usableForEmail(k)
		}
		if err == nil {
			break
		}
	}
	where := trimDot(d.name)
	fix := "Replacing it with the CNAME fixes this too: " + d.platform() + "'s key behind the CNAME is the one it signs with."
	switch {
	case errors.Is(err, ErrDKIMRevoked):
		d.problem(CodeDKIMKeyInvalid, SeverityError,
			fmt.Sprintf("The key pasted at %s has been revoked (its p= is empty): receivers fail every signature that uses it.", where), fix)
	case err != nil:
		d.problem(CodeDKIMKeyInvalid, SeverityError,
			fmt.Sprintf("The key pasted at %s is not a valid DKIM key: %s.", where, clip(errorReason(err))), fix)
	case k.KeyType == DKIMKeyRSA && k.Bits < MinDKIMKeyBits:
		d.r.KeyBits = k.Bits
		d.problem(CodeDKIMKeyWeak, SeverityError,
			fmt.Sprintf("The key pasted at %s is only %d bits: receivers ignore signatures made with RSA keys under %d bits.", where, k.Bits, MinDKIMKeyBits), fix)
	case k.KeyType == DKIMKeyRSA && k.Bits < RecommendedDKIMKeyBits:
		d.r.KeyBits = k.Bits
		d.problem(CodeDKIMKeyWeak, SeverityWarning,
			fmt.Sprintf("The key pasted at %s is %d bits; %d bits is the recommended minimum.", where, k.Bits, RecommendedDKIMKeyBits), fix)
	default:
		d.r.KeyBits = k.Bits
	}
}

func nonZero(a, b uint32) uint32 {
	if a == 0 {
		return b
	}
	return a
}

func (d *dkimCheck) missingProblem() Problem {
	return Problem{Code: CodeDKIMMissing, Severity: SeverityError,
		Message: fmt.Sprintf("There is no DKIM record at %s, so %s cannot sign mail from %s with DKIM.", trimDot(d.name), d.platform(), d.domain),
		Fix:     fmt.Sprintf("At your DNS host, add %s. Type only %s in the name box: the DNS host adds .%s itself, making the full name %s.", d.addRecord(), d.host, d.domain, trimDot(d.name)),
	}
}

func (d *dkimCheck) doubledProblem(doubled, found string) Problem {
	return Problem{Code: CodeDKIMDoubledDomain, Severity: SeverityError,
		Message: fmt.Sprintf("The DKIM CNAME was created at %s instead of %s: the full name was typed into the name box and the DNS host appended %s again.", trimDot(doubled), trimDot(d.name), d.domain),
		Fix: fmt.Sprintf("Delete the record at %s and re-create it with only %q in the name box and %q as its target.", trimDot(doubled), d.host, d.target) +
			ifNotTarget(found, d.target),
	}
}

func ifNotTarget(found, target string) string {
	if found == target {
		return ""
	}
	return fmt.Sprintf(" (Its current target, %s, is wrong too.)", trimDot(found))
}

// ownedTXT returns the TXT records of resp owned by name (not those reached
// through a CNAME), each as its strings joined without separator.
func ownedTXT(resp Response, name string) []string {
	var out []string
	for _, rr := range resp.Answer {
		if t, ok := rr.(*dns.TXT); ok && strings.EqualFold(dns.Fqdn(t.Hdr.Name), name) {
			out = append(out, strings.Join(t.Txt, ""))
		}
	}
	return out
}
