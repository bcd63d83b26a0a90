package publish

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/dnscheck"
)

// Kind says why an update was not applied.
type Kind int

// Kinds of failure.
const (
	// KindRefused: the key is not allowed to change these names (REFUSED,
	// NOTAUTH).
	KindRefused Kind = iota + 1
	// KindBadKey: the server does not know the key's name, or the secret
	// is wrong (BADKEY, BADSIG).
	KindBadKey
	// KindBadTime: this computer's clock and the server's differ by more
	// than the signature allows (BADTIME).
	KindBadTime
	// KindChanged: a record changed since it was read (YXRRSET, NXRRSET,
	// YXDOMAIN, NXDOMAIN, or the primary holds something else than the
	// plan was made from). Never resent: read again.
	KindChanged
	// KindTrouble: DNS trouble (NOTZONE, SERVFAIL, no answer, a server
	// that does not take updates).
	KindTrouble
	// KindConflict: the plan cannot be published as it is: a name holds
	// records the plan does not show and its change cannot sit beside.
	// Nothing was sent.
	KindConflict
)

// Error is an update not applied, in words.
type Error struct {
	Kind   Kind
	Zone   string
	Server string
	Name   string // the name that changed (KindChanged), when known
	// Rcode and TSIGError are the server's answer (0 when none came).
	Rcode     int
	TSIGError uint16
	// Skew is how far the server's clock is ahead of this computer's
	// (negative: behind), when the server said (KindBadTime).
	Skew      time.Duration
	SkewKnown bool
	// Detail says more, in words.
	Detail string
}

// Error says what happened in plain words; it never holds the secret.
func (e *Error) Error() string {
	zone := dnscheck.Printable(strings.TrimSuffix(e.Zone, "."))
	where := ""
	if e.Server != "" {
		where = " at " + dnscheck.Printable(e.Server)
	}
	code := e.answerWord()
	var s string
	switch e.Kind {
	case KindRefused:
		s = fmt.Sprintf("the server%s refused the update of %s%s: this key is not allowed to change these names; ask whoever runs the DNS server for the grant below (wizard publish --print-grant)", where, zone, code)
	case KindBadKey:
		s = fmt.Sprintf("the server%s did not accept the key%s: the key's name or its secret is wrong (check the key file against the server's key)", where, code)
	case KindBadTime:
		s = fmt.Sprintf("the server%s refused the signature's time%s: this computer's clock differs from the server's", where, code)
		if e.SkewKnown {
			s += " by " + skewWords(e.Skew)
		}
		s += "; set the clock right (NTP) and try again"
	case KindChanged:
		s = fmt.Sprintf("records in %s changed since they were read", zone)
		if e.Name != "" {
			s = fmt.Sprintf("%s changed since it was read", dnscheck.Printable(strings.TrimSuffix(e.Name, ".")))
		}
		s += code + "; nothing was overwritten"
	case KindConflict:
		s = fmt.Sprintf("%s cannot be published as planned", dnscheck.Printable(strings.TrimSuffix(e.Name, ".")))
	default:
		s = fmt.Sprintf("DNS trouble publishing %s%s%s", zone, where, code)
	}
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

func (e *Error) answerWord() string {
	switch {
	case e.TSIGError != 0:
		return " (" + rcodeWord(e.Rcode) + ", " + rcodeWord(int(e.TSIGError)) + ")"
	case e.Rcode != 0:
		return " (" + rcodeWord(e.Rcode) + ")"
	}
	return ""
}

func rcodeWord(rc int) string {
	if w, ok := dns.RcodeToString[rc]; ok {
		return w
	}
	return "RCODE " + strconv.Itoa(rc)
}

func skewWords(d time.Duration) string {
	dir := "ahead of"
	if d < 0 {
		dir, d = "behind", -d
	}
	return fmt.Sprintf("%s (the server is %s this computer)", d.Round(time.Second), dir)
}

// KindOf returns the Kind of err (0 when it is no *Error).
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

// fudge is the signature's allowed clock difference (RFC 8945 §10
// recommends 300 s).
const fudge = 300

// Send signs u with key and sends it to u.Server over TCP. It returns nil
// when the server applied the update (NOERROR, with a signature that
// verifies), else an *Error saying why in words. It never resends.
func Send(ctx context.Context, u Update, key Key, timeout time.Duration) error {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	m := u.Msg.Copy()
	m.Id = dns.Id()
	m.SetTsig(key.Name, key.Algorithm, fudge, time.Now().Unix())
	reply, err := exchange(ctx, m, u.Server, key, timeout)
	base := Error{Zone: u.Zone, Server: u.Server}
	if reply == nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		e := base
		e.Kind, e.Detail = KindTrouble, "no answer: "+plainNetErr(err)
		return &e
	}
	e := base
	e.Rcode = reply.Rcode
	if t := reply.IsTsig(); t != nil {
		e.TSIGError = t.Error
	}
	switch {
	case e.TSIGError == dns.RcodeBadTime:
		e.Kind = KindBadTime
		if t := reply.IsTsig(); t != nil && t.OtherLen == 6 {
			if b, err := hex.DecodeString(t.OtherData); err == nil && len(b) == 6 {
				var server int64
				for _, x := range b {
					server = server<<8 | int64(x)
				}
				e.Skew, e.SkewKnown = time.Duration(server-time.Now().Unix())*time.Second, true
			}
		}
	case e.TSIGError == dns.RcodeBadSig:
		e.Kind = KindBadKey
	case e.TSIGError == dns.RcodeBadKey:
		// Knot answers BADKEY also when its acl does not let a known key
		// change a name: a signed question tells the two apart.
		e.Kind = KindBadKey
		if keyWorks(ctx, u, key, timeout) {
			e.Kind = KindRefused
			e.Detail = "the server knows the key and its signature verifies, so it is the server's rule for this key that leaves these names out"
		}
	case reply.Rcode == dns.RcodeRefused || reply.Rcode == dns.RcodeNotAuth:
		e.Kind = KindRefused
	case reply.Rcode == dns.RcodeYXDomain:
		e.Kind = KindChanged
		e.Detail = "a name the update expected empty holds records now, perhaps of a type the wizard does not read; look at the names on the server"
	case reply.Rcode == dns.RcodeYXRrset || reply.Rcode == dns.RcodeNXRrset || reply.Rcode == dns.RcodeNameError:
		e.Kind = KindChanged
	case reply.Rcode == dns.RcodeNotZone:
		e.Kind, e.Detail = KindTrouble, "the server says a name is outside the zone"
	case reply.Rcode == dns.RcodeNotImplemented:
		e.Kind, e.Detail = KindTrouble, "the server does not take dynamic updates"
	case reply.Rcode != dns.RcodeSuccess:
		e.Kind = KindTrouble
	case err != nil || reply.IsTsig() == nil:
		// NOERROR, but not signed by the key: the answer may not be the
		// server's.
		e.Kind, e.Detail = KindTrouble, "the answer's signature did not verify, so whether the update was applied is unknown; read the records before trying again"
	default:
		return nil
	}
	return &e
}

// keyWorks sends a signed question for the zone's SOA and reports that
// the answer is signed with the key and verifies.
func keyWorks(ctx context.Context, u Update, key Key, timeout time.Duration) bool {
	q := new(dns.Msg)
	q.SetQuestion(u.Zone, dns.TypeSOA)
	q.SetTsig(key.Name, key.Algorithm, fudge, time.Now().Unix())
	reply, err := exchange(ctx, q, u.Server, key, timeout)
	if err != nil || reply == nil || reply.Rcode != dns.RcodeSuccess {
		return false
	}
	t := reply.IsTsig()
	return t != nil && t.Error == 0
}

func exchange(ctx context.Context, m *dns.Msg, server string, key Key, timeout time.Duration) (*dns.Msg, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := &dns.Client{Net: "tcp", Timeout: timeout, TsigProvider: signer{key}}
	type result struct {
		reply *dns.Msg
		err   error
	}
	done := make(chan result, 1)
	go func() {
		r, _, err := c.ExchangeContext(ctx, m, server)
		done <- result{r, err}
	}()
	select {
	case r := <-done:
		return r.reply, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// plainNetErr words a network error without the library's prefixes.
func plainNetErr(err error) string {
	switch {
	case err == nil:
		return "the server closed the connection"
	case errors.Is(err, context.DeadlineExceeded):
		return "the server did not answer in time"
	}
	return dnscheck.Printable(err.Error())
}
