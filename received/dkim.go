package received

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/dnscheck"
)

// MaxSignatures bounds how many DKIM signatures are verified: each costs
// a key lookup and a pass over the body. Those after it are listed as not
// checked.
const MaxSignatures = 10

// RFC 8601 result words.
const (
	ResultPass      = "pass"
	ResultFail      = "fail"
	ResultNeutral   = "neutral"
	ResultNone      = "none"
	ResultTempError = "temperror"
	ResultPermError = "permerror"
)

// DKIMResult is the wizard's verdict on one DKIM signature.
type DKIMResult struct {
	Domain   string `json:"domain"`   // d=
	Selector string `json:"selector"` // s=
	Result   string `json:"result"`   // RFC 8601 word
	// Aligned: d= aligns with the From domain in the mode the DMARC
	// record asks (adkim=, relaxed when absent).
	Aligned        bool `json:"aligned"`
	AlignedRelaxed bool `json:"aligned_relaxed"` // same organisational domain
	AlignedStrict  bool `json:"aligned_strict"`  // the very same domain
	// Reason says in words why the result is not pass ("" for pass).
	Reason string `json:"reason"`
	// Platform is set when the selector is the platform's.
	Platform bool `json:"platform"`
	// BodyChecked is false when the file had no body to hash.
	BodyChecked bool `json:"body_checked"`
	// KeyName is where the key was looked up ("" when the tags were
	// unusable and nothing was looked up).
	KeyName string `json:"key_name,omitempty"`
	// KeyBits is the size of the key found (0 when none was read).
	KeyBits int `json:"key_bits,omitempty"`
	// BodyLength is the signature's l= tag, the number of body bytes it
	// signs (null when the whole body is signed).
	BodyLength *int64 `json:"body_length,omitempty"`
	// UnsignedBodyBytes counts the body bytes after the l= signed ones:
	// content anyone on the way could have added.
	UnsignedBodyBytes int64 `json:"unsigned_body_bytes,omitempty"`
	// trouble is the lookup of the key when DNS could not answer.
	trouble *dnscheck.Response
	// cannotCheck: the wizard cannot check this signature (neutral).
	cannotCheck bool
}

// keyLookups records every key lookup of one verification, so a result can
// be explained by what DNS said.
type keyLookups struct {
	ctx     context.Context // ends at the one deadline of every key lookup
	timeout time.Duration   // that deadline, from the start
	dq      *domainQueriers

	mu      sync.Mutex
	answers map[string]dnscheck.Response
	invalid map[string]bool
}

// lookupTXT is the hook go-msgauth calls for a key. Only valid DNS names
// are asked; the answer comes through the wizard's own DNS path.
func (k *keyLookups) lookupTXT(name string) ([]string, error) {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	sel, domain, ok := strings.Cut(name, "._domainkey.")
	if !ok || !validSelector(sel) || !validHostname(domain) {
		k.mu.Lock()
		k.invalid[name] = true
		k.mu.Unlock()
		return nil, &net.DNSError{Err: "not a valid DNS name", Name: name, IsNotFound: true}
	}
	resp := k.dq.forDomain(k.ctx, domain).Query(k.ctx, name, dns.TypeTXT)
	k.mu.Lock()
	k.answers[name] = resp
	k.mu.Unlock()
	switch {
	case resp.Status.Trouble():
		return nil, &net.DNSError{Err: resp.Reason(), Name: name, IsTemporary: true, IsTimeout: resp.Status == dnscheck.StatusTimeout}
	case resp.Status.Absent():
		return nil, &net.DNSError{Err: "no such record", Name: name, IsNotFound: true}
	}
	return resp.TXT(), nil
}

// DefaultKeyTimeout bounds all the DKIM key lookups of one message
// together when Options.KeyTimeout is zero.
const DefaultKeyTimeout = 10 * time.Second

// verifyDKIM verifies the first MaxSignatures signatures of m over its
// body, fetching keys through dq, and returns one result a signature and
// how many were left unchecked. The keys are looked up side by side, all
// under one deadline (keyTimeout). The body is read once, whole (bounded
// by the reader); a body read error (too large) is returned. Signatures
// with a body length (l=), which go-msgauth refuses, are verified here
// (bodylength.go).
func verifyDKIM(ctx context.Context, m *Message, dq *domainQueriers, selector string, keyTimeout time.Duration) ([]DKIMResult, int, error) {
	sigs := m.Get("DKIM-Signature")
	if len(sigs) == 0 {
		return nil, 0, nil
	}
	if keyTimeout <= 0 {
		keyTimeout = DefaultKeyTimeout
	}
	keyCtx, cancel := context.WithTimeout(ctx, keyTimeout)
	defer cancel()
	look := &keyLookups{ctx: keyCtx, timeout: keyTimeout, dq: dq, answers: map[string]dnscheck.Response{}, invalid: map[string]bool{}}
	checked := min(len(sigs), MaxSignatures)

	// The body goes past the hashers of the l= signatures as go-msgauth
	// reads it; what it leaves unread is read through them afterwards.
	withLength := make([]*lengthSignature, checked)
	var hashers []io.Writer
	for i := range checked {
		if ls := newLengthSignature(i, sigs[i]); ls != nil {
			withLength[i] = ls
			if ls.body != nil {
				hashers = append(hashers, ls.body)
			}
		}
	}
	body := m.Body
	if len(hashers) > 0 {
		body = io.TeeReader(m.Body, io.MultiWriter(hashers...))
	}
	// go-msgauth sees a body that cannot be read (too large, a second
	// mbox message) as ending there, so that it finishes and lets go of
	// its goroutines; the error is returned here instead.
	latch := &errLatch{r: body}
	msg := io.MultiReader(strings.NewReader(string(m.HeaderBytes())), latch)
	verifs, err := dkim.VerifyWithOptions(msg, &dkim.VerifyOptions{LookupTXT: look.lookupTXT, MaxVerifications: MaxSignatures})
	if latch.err != nil {
		err = latch.err
	}
	if err != nil && !errors.Is(err, dkim.ErrTooManySignatures) {
		var ie *InputError
		if errors.As(err, &ie) {
			return nil, 0, err
		}
		return nil, 0, fmt.Errorf("received: verifying DKIM: %w", err)
	}
	if _, err := io.Copy(io.Discard, body); err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			return nil, 0, err
		}
		return nil, 0, fmt.Errorf("received: reading the message body: %w", err)
	}
	out := make([]DKIMResult, checked)
	for i := range checked {
		tags := tagList(sigs[i].Value())
		r := DKIMResult{Domain: shown(strings.ToLower(tags["d"])), Selector: shown(strings.ToLower(tags["s"])), BodyChecked: !m.HeadersOnly}
		r.Platform = selector != "" && r.Selector == selector
		if validSelector(r.Selector) && validHostname(r.Domain) {
			r.KeyName = r.Selector + "._domainkey." + strings.TrimSuffix(r.Domain, ".")
		}
		var verr error
		if i < len(verifs) && verifs[i] != nil {
			verr = verifs[i].Err
		}
		if ls := withLength[i]; ls != nil && ls.lengthErr == "" {
			l := ls.length
			r.BodyLength = &l
		}
		if ls := withLength[i]; ls != nil && (verr == nil || refusedForLength(verr)) {
			look.judgeLength(&r, ls, m)
		} else {
			look.judge(&r, verr, m.HeadersOnly)
		}
		out[i] = r
	}
	return out, len(sigs) - checked, nil
}

// errLatch reads r and keeps its first error other than io.EOF, giving
// io.EOF in its place.
type errLatch struct {
	r   io.Reader
	err error
}

func (l *errLatch) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, io.EOF
	}
	n, err := l.r.Read(p)
	if err != nil && err != io.EOF {
		l.err = err
		return n, io.EOF
	}
	return n, err
}

// judgeLength sets the result of a signature with l= that go-msgauth
// accepted in every other way, by the wizard's own verification.
func (k *keyLookups) judgeLength(r *DKIMResult, ls *lengthSignature, m *Message) {
	k.mu.Lock()
	resp := k.answers[r.KeyName]
	k.mu.Unlock()
	var v lengthVerdict
	switch {
	case m.HeadersOnly:
		v = lengthVerdict{result: ResultNeutral, reason: "the file has only the headers, so the body hash cannot be checked (the key is published and usable); save the whole message to check it"}
	default:
		v = ls.verify(m, resp.TXT(), r.KeyName)
	}
	for _, txt := range resp.TXT() {
		if key, err := dnscheck.ParseDKIMKey(txt); err == nil {
			r.KeyBits = key.Bits
		}
	}
	r.Result, r.Reason, r.UnsignedBodyBytes, r.cannotCheck = v.result, v.reason, v.unsigned, v.cannotCheck
	if r.Result == ResultPass && r.Reason == "" && r.KeyBits > 0 && r.KeyBits < 2048 && r.KeyBits != 256 {
		r.Reason = fmt.Sprintf("passes, but the key is only %d bits; receivers expect 2048", r.KeyBits)
	}
}

// judge sets the result and reason of r from go-msgauth's error and what
// DNS said about the key.
func (k *keyLookups) judge(r *DKIMResult, err error, headersOnly bool) {
	k.mu.Lock()
	resp, asked := k.answers[r.KeyName]
	invalid := k.invalid[strings.ToLower(r.KeyName)]
	k.mu.Unlock()
	if asked {
		for _, txt := range resp.TXT() {
			if key, kerr := dnscheck.ParseDKIMKey(txt); kerr == nil {
				r.KeyBits = key.Bits
			}
		}
	}
	if err == nil {
		r.Result = ResultPass
		if r.KeyBits > 0 && r.KeyBits < 2048 && r.KeyBits != 256 {
			r.Reason = fmt.Sprintf("passes, but the key is only %d bits; receivers expect 2048", r.KeyBits)
		}
		return
	}
	msg := strings.TrimPrefix(err.Error(), "dkim: ")
	switch {
	case dkim.IsTempFail(err):
		r.Result = ResultTempError
		r.Reason = "DNS could not give the key at " + r.KeyName
		// The clock, not ctx.Err(): a socket's deadline may fire a moment
		// before the context's own timer marks it done.
		if deadline, ok := k.ctx.Deadline(); ok && !time.Now().Before(deadline) {
			r.Reason += fmt.Sprintf(" within the %s the wizard allows for all the key lookups of a message", k.timeout)
		}
		if asked && resp.Status.Trouble() {
			r.Reason += ": " + resp.Reason()
			rr := resp
			r.trouble = &rr
		}
		return
	case r.KeyName == "" || invalid:
		r.Result = ResultPermError
		r.Reason = "the signature's d= or s= is not a valid DNS name, so no key was looked up"
		return
	case strings.Contains(msg, "body hash did not verify"):
		if headersOnly {
			r.Result = ResultNeutral
			r.Reason = "the file has only the headers, so the body hash cannot be checked (the key is published and usable); save the whole message to check it"
			return
		}
		r.Result = ResultFail
		r.Reason = "the body changed after signing (a footer, a disclaimer or a forwarding gateway rewrote it)"
	case strings.Contains(msg, "signature did not verify"):
		r.Result = ResultFail
		r.Reason = "a signed header changed after signing, or the key published now is not the one that signed"
	case strings.Contains(msg, "no key for signature"), strings.Contains(msg, "no valid key found"):
		r.Result = ResultPermError
		r.Reason = "key not found: nothing is published at " + r.KeyName
	case strings.Contains(msg, "key revoked"):
		r.Result = ResultPermError
		r.Reason = "key revoked: the record at " + r.KeyName + " has an empty p="
	case strings.Contains(msg, "key is too short"):
		r.Result = ResultPermError
		r.Reason = fmt.Sprintf("key too weak: the key at %s is under 1024 bits, which receivers refuse", r.KeyName)
	case strings.Contains(msg, "hash algorithm too weak"):
		r.Result = ResultPermError
		r.Reason = "signed with rsa-sha1, which receivers no longer accept (RFC 8301)"
	case strings.Contains(msg, "signature has expired"):
		r.Result = ResultPermError
		r.Reason = "the signature has expired (its x= time has passed)"
	case strings.Contains(msg, "From field not signed"):
		r.Result = ResultPermError
		r.Reason = "the signature does not cover the From header, so it proves nothing about the sender"
	case strings.Contains(msg, "multiple TXT records"):
		r.Result = ResultPermError
		r.Reason = "there are several TXT records at " + r.KeyName + "; a key name must hold exactly one"
	case strings.Contains(msg, "key syntax error"), strings.Contains(msg, "key record error"), strings.Contains(msg, "incompatible public key version"):
		r.Result = ResultPermError
		r.Reason = "the key record at " + r.KeyName + " is broken (" + msg + ")"
	case dkim.IsPermFail(err):
		r.Result = ResultPermError
		r.Reason = "the signature cannot be used: " + msg
	default:
		r.Result = ResultFail
		r.Reason = msg
	}
}

// domainQueriers gives, for each domain, one authoritative-first querier
// for the whole verification (Checker.Querier().ForDomain), so no name is
// asked twice. Each domain's authority is discovered once, by the first
// asker; discoveries of different domains run side by side, so signatures
// from several domains never wait on each other's name servers.
type domainQueriers struct {
	dq dnscheck.DomainQuerier

	mu  sync.Mutex
	per map[string]*domainEntry
}

// domainEntry is one domain's querier, ready once done is closed.
type domainEntry struct {
	done chan struct{}
	q    dnscheck.Querier
}

// forDomain returns domain's querier, discovering its authority the first
// time (with that asker's ctx). A later asker waits for the discovery in
// flight, but no longer than its own ctx: it then gets the plain resolver
// path, which answers a query with an ended ctx at once.
func (d *domainQueriers) forDomain(ctx context.Context, domain string) dnscheck.Querier {
	domain = strings.ToLower(strings.TrimSuffix(domain, "."))
	d.mu.Lock()
	if d.per == nil {
		d.per = map[string]*domainEntry{}
	}
	e, ok := d.per[domain]
	if !ok {
		e = &domainEntry{done: make(chan struct{})}
		d.per[domain] = e
		d.mu.Unlock()
		e.q = d.dq.ForDomain(ctx, domain)
		close(e.done)
		return e.q
	}
	d.mu.Unlock()
	select {
	case <-e.done:
		return e.q
	case <-ctx.Done():
		return d.dq
	}
}
