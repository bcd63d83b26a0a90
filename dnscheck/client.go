// Package dnscheck asks DNS about a domain's mail-authentication records and
// judges them: the DNS client, authoritative-server discovery and the SPF,
// DKIM and DMARC analyses. It never imports UI packages.
package dnscheck

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// EDNSBufferSize is the UDP payload size the client advertises (the DNS
// flag-day 2020 recommendation, which avoids IP fragmentation).
const EDNSBufferSize = 1232

// DefaultTimeout bounds one query to one server.
const DefaultTimeout = 2 * time.Second

// Status classifies the outcome of one query.
type Status int

// Query outcomes. NXDOMAIN, an empty answer and each kind of trouble are
// distinct, so that DNS trouble is never mistaken for a missing record and
// each kind is reported by its own name.
const (
	StatusOK       Status = iota // NOERROR with at least one record of the type asked
	StatusNoData                 // NOERROR, the name exists but has no record of that type
	StatusNXDomain               // the name does not exist
	StatusServFail               // the server failed (SERVFAIL)
	StatusRefused                // the server refused to answer (REFUSED)
	StatusTimeout                // no answer in time (or the lookup was cancelled)
	// StatusError is a failure that fits no other status. The Client
	// itself reports each failure as one of the others; a Querier of
	// another kind may use it.
	StatusError
	// StatusUnreachable: nothing answers at the server (connection
	// refused), the network to it is unreachable, its name does not
	// resolve, or there is no server to ask.
	StatusUnreachable
	// StatusBadReply: a reply came but cannot be used: it answers another
	// question, has the wrong ID, does not unpack, is truncated even over
	// TCP, carries an unexpected RCODE, or leads into a CNAME chain too
	// long or looping.
	StatusBadReply
	// StatusNotRecursive: asked to recurse, the server answered NOERROR
	// without recursion and without authority (RA=0, AA=0) and gave no
	// record: a referral (NS records in the authority section) or an
	// empty answer.
	// It does not resolve other domains, so its silence says nothing
	// about whether the record exists.
	StatusNotRecursive
)

var statusNames = [...]string{"ok", "nodata", "nxdomain", "servfail", "refused", "timeout", "error", "unreachable", "bad-reply", "not-recursive"}

// String returns a short lower-case name for the status.
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("status(%d)", int(s))
}

// Found reports whether the query returned records.
func (s Status) Found() bool { return s == StatusOK }

// Absent reports whether the server said authoritatively that there is no
// such record (NXDOMAIN or an empty answer).
func (s Status) Absent() bool { return s == StatusNoData || s == StatusNXDomain }

// Trouble reports whether the server could not answer usefully; such a
// result says nothing about whether the record exists.
func (s Status) Trouble() bool { return !s.Found() && !s.Absent() }

// Response is the outcome of one query.
type Response struct {
	Name   string   // the name asked, fully qualified, lower case
	Type   uint16   // the type asked
	Status Status   // what happened
	Server string   // the server that gave this answer (host:port)
	Answer []dns.RR // records owned by Name, or by the CNAME chain starting at Name
	// TTL is how long a resolver may cache this answer: the smallest TTL of
	// Answer, or for an absent record the SOA negative-caching time.
	TTL uint32
	// Authoritative is the AA bit of the reply.
	Authoritative bool
	// Rcode is the reply's RCODE (0 when no reply came).
	Rcode int
	// Truncated is set when even the TCP answer was truncated.
	Truncated bool
	// Err describes StatusError, StatusTimeout, StatusUnreachable and
	// StatusBadReply; errors.Is tells the cause (ErrWrongID,
	// ErrWrongQuestion, ErrMalformed, ErrTruncated, ErrRcode,
	// ErrCNAMELoop, ErrCNAMEChain, ErrNoServer, syscall.ECONNREFUSED, …).
	Err error
	// Waited is, for StatusTimeout, how long the server was given to
	// answer; 0 when the caller's own deadline or cancellation ended the
	// wait.
	Waited time.Duration
}

// Records returns the answer records of the type asked (CNAMEs leading to
// them are left out).
func (r Response) Records() []dns.RR {
	var out []dns.RR
	for _, rr := range r.Answer {
		if rr.Header().Rrtype == r.Type {
			out = append(out, rr)
		}
	}
	return out
}

// TXT returns each TXT record of the answer as one string, its
// character-strings concatenated without separator as RFC 7208 §3.3 says,
// with the exact bytes that were published (miekg/dns keeps them escaped).
func (r Response) TXT() []string {
	var out []string
	for _, rr := range r.Answer {
		if t, ok := rr.(*dns.TXT); ok && r.Type == dns.TypeTXT {
			var b strings.Builder
			for _, s := range t.Txt {
				b.WriteString(unescapeTXT(s))
			}
			out = append(out, b.String())
		}
	}
	return out
}

// unescapeTXT undoes miekg/dns's presentation escapes: \DDD (a decimal
// byte) and \X (X itself).
func unescapeTXT(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		if i+3 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) {
			n := int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0')
			if n < 256 {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i+1])
		i++
	}
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// CNAMETarget returns the target of the CNAME at the name asked, lower case,
// fully qualified, or "" when there is none.
func (r Response) CNAMETarget() string {
	for _, rr := range r.Answer {
		if c, ok := rr.(*dns.CNAME); ok && strings.EqualFold(c.Hdr.Name, r.Name) {
			return strings.ToLower(dns.Fqdn(c.Target))
		}
	}
	return ""
}

// Client sends queries with github.com/miekg/dns: EDNS0, one retry over TCP
// when a UDP answer is truncated, a timeout per query, and several servers
// tried in turn.
type Client struct {
	servers   []string
	timeout   time.Duration
	recursion bool
}

// Option configures a Client.
type Option func(*Client)

// WithServers sets the servers to ask, tried in order; each is HOST or
// HOST:PORT (port 53 when omitted).
func WithServers(servers ...string) Option {
	return func(c *Client) {
		c.servers = nil
		for _, s := range servers {
			c.servers = append(c.servers, WithPort(s))
		}
	}
}

// WithTimeout sets how long one query to one server may take.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) { c.timeout = d }
}

// WithRecursion sets the RD bit: true (the default) for resolvers, false for
// asking authoritative servers directly.
func WithRecursion(rd bool) Option {
	return func(c *Client) { c.recursion = rd }
}

// NewClient returns a client. Without WithServers it has no servers and
// every Query reports StatusUnreachable (ErrNoServer); see SystemServers.
func NewClient(opts ...Option) *Client {
	c := &Client{timeout: DefaultTimeout, recursion: true}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Servers returns the servers the client asks, in order.
func (c *Client) Servers() []string { return append([]string(nil), c.servers...) }

// Timeout returns the per-query timeout.
func (c *Client) Timeout() time.Duration { return c.timeout }

// WithPort returns server with ":53" appended when it names no port.
// IPv6 literals may be given bare or in brackets.
func WithPort(server string) string {
	server = strings.TrimSpace(server)
	if _, _, err := net.SplitHostPort(server); err == nil {
		return server
	}
	return net.JoinHostPort(strings.Trim(server, "[]"), "53")
}

// ParseServer checks a --dns-server value (HOST or HOST:PORT) and returns it
// with the port filled in.
//
// The error names the real fault: nothing given, a control character, an
// IPv4 address with a number over 255, a bad port.
func ParseServer(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", errors.New("dnscheck: no DNS server given")
	}
	if r, ok := firstControl(strings.TrimSpace(s)); ok {
		return "", fmt.Errorf("dnscheck: DNS server %q contains the control character %+q", s, r)
	}
	if strings.Count(s, "[") != strings.Count(s, "]") {
		return "", fmt.Errorf("dnscheck: DNS server %q: unbalanced brackets", s)
	}
	hp := WithPort(s)
	host, port, err := net.SplitHostPort(hp)
	if err != nil {
		return "", fmt.Errorf("dnscheck: DNS server %q: %w", s, err)
	}
	if host == "" {
		return "", fmt.Errorf("dnscheck: DNS server %q has no host", s)
	}
	if why := badIPv4(host); why != "" {
		return "", fmt.Errorf("dnscheck: DNS server %q is not an IPv4 address: %s", s, why)
	}
	if !validServerHost(host) {
		return "", fmt.Errorf("dnscheck: DNS server %q: %q is neither an IP address nor a host name", s, host)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || port[0] == '+' {
		return "", fmt.Errorf("dnscheck: DNS server %q: bad port %q (want a number from 1 to 65535)", s, port)
	}
	return hp, nil
}

// validServerHost accepts an IP address (IPv6 possibly with a zone) or a
// host name made of letters, digits, '-', '_' and dots.
func validServerHost(host string) bool {
	if _, err := netip.ParseAddr(host); err == nil {
		return true
	}
	for _, r := range host {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// SystemServers reads the system's resolvers from /etc/resolv.conf.
func SystemServers() ([]string, error) {
	cfg, err := dns.ClientConfigFromFile("/etc/resolv.conf")
	if err != nil {
		return nil, fmt.Errorf("dnscheck: reading the system resolvers: %w", err)
	}
	var out []string
	for _, s := range cfg.Servers {
		out = append(out, net.JoinHostPort(s, cfg.Port))
	}
	if len(out) == 0 {
		return nil, errors.New("dnscheck: /etc/resolv.conf names no DNS server")
	}
	return out, nil
}

// Query asks the client's servers in turn for name and type, moving on to the
// next server on trouble (timeout, SERVFAIL, REFUSED, network error). It
// returns the first useful answer, or the last server's trouble.
func (c *Client) Query(ctx context.Context, name string, qtype uint16) Response {
	if len(c.servers) == 0 {
		return Response{Name: canonical(name), Type: qtype, Status: StatusUnreachable, Err: ErrNoServer}
	}
	var last Response
	for _, s := range c.servers {
		last = c.QueryServer(ctx, s, name, qtype)
		if !last.Status.Trouble() || ctx.Err() != nil {
			return last
		}
	}
	return last
}

// QueryServer asks one server (HOST:PORT) for name and type: over UDP with
// EDNS0, then once over TCP if the UDP answer was truncated.
func (c *Client) QueryServer(ctx context.Context, server, name string, qtype uint16) Response {
	name = canonical(name)
	resp := Response{Name: name, Type: qtype, Server: server}
	if nameTooLong(name) {
		// No name that long can exist (RFC 1035 §3.1): nothing to ask,
		// and nothing for the network to be blamed for.
		resp.Status = StatusNXDomain
		return resp
	}
	msg := new(dns.Msg)
	msg.SetQuestion(name, qtype)
	msg.RecursionDesired = c.recursion
	msg.SetEdns0(EDNSBufferSize, false)

	start := time.Now()
	reply, err := c.exchange(ctx, "udp", server, msg)
	if err == nil && reply.Truncated {
		reply, err = c.exchange(ctx, "tcp", server, msg)
		if err == nil && reply.Truncated {
			// No second retry. What came is incomplete, so it says
			// nothing about which records exist: trouble, not absence.
			resp.Truncated = true
			resp.Status = StatusBadReply
			resp.Err = fmt.Errorf("%w: %s sent a truncated answer even over TCP", ErrTruncated, server)
			return resp
		}
	}
	if err != nil {
		resp.Err = err
		resp.Status = classify(err)
		if resp.Status == StatusTimeout && ctx.Err() == nil && time.Since(start) >= c.timeout {
			resp.Waited = c.timeout
		}
		return resp
	}
	if len(reply.Question) != 1 || !strings.EqualFold(reply.Question[0].Name, name) || reply.Question[0].Qtype != qtype {
		resp.Status = StatusBadReply
		resp.Err = fmt.Errorf("%w: %s was asked %s %s", ErrWrongQuestion, server, trimDot(name), dns.TypeToString[qtype])
		return resp
	}
	resp.Authoritative, resp.Rcode = reply.Authoritative, reply.Rcode
	var chainErr error
	switch reply.Rcode {
	case dns.RcodeSuccess:
		resp.Answer, chainErr = chain(name, qtype, reply.Answer)
		if len(resp.Records()) > 0 || (qtype == dns.TypeCNAME && len(resp.Answer) > 0) {
			resp.Status = StatusOK
			resp.TTL = minTTL(resp.Answer)
		} else {
			resp.Status = StatusNoData
			resp.TTL = negativeTTL(reply)
			if len(resp.Answer) > 0 { // a CNAME leading nowhere in this reply
				resp.TTL = minTTL(resp.Answer)
			}
		}
	case dns.RcodeNameError:
		resp.Status = StatusNXDomain
		resp.Answer, chainErr = chain(name, qtype, reply.Answer)
		resp.TTL = negativeTTL(reply)
	case dns.RcodeServerFailure:
		resp.Status = StatusServFail
	case dns.RcodeRefused:
		resp.Status = StatusRefused
	default:
		resp.Status = StatusBadReply
		resp.Err = fmt.Errorf("%w: %s answered %s", ErrRcode, server, rcodeName(reply.Rcode))
	}
	if chainErr != nil {
		// Resolvers give up on such a chain (SERVFAIL): whether the record
		// exists cannot be told.
		resp.Status = StatusBadReply
		resp.Err = chainErr
	}
	if c.recursion && resp.Status == StatusNoData && len(resp.Answer) == 0 && !reply.RecursionAvailable && !reply.Authoritative {
		// Asked to recurse, it did not, and it does not hold the name
		// either (a referral, or an empty non-authoritative answer).
		// (An NXDOMAIN is a statement about the name, which a server
		// that only refers does not make: it stays absence.)
		resp.Status = StatusNotRecursive
		resp.Err = fmt.Errorf("%w: %s answered %s %s without recursion or authority", ErrNotRecursive, server, trimDot(name), dns.TypeToString[qtype])
	}
	return resp
}

func (c *Client) exchange(ctx context.Context, network, server string, msg *dns.Msg) (*dns.Msg, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	dc := &dns.Client{Net: network, Timeout: c.timeout, UDPSize: EDNSBufferSize}
	reply, err := exchangeCancellable(ctx, dc, msg.Copy(), server)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w: %w", ctxErr, err)
		}
		return nil, fmt.Errorf("dnscheck: asking %s over %s for %s: %w", server, network, msg.Question[0].Name, err)
	}
	return reply, nil
}

// exchangeCancellable sends msg to server and reads the reply, like
// dc.ExchangeContext, except that it also returns as soon as ctx is
// cancelled (miekg/dns honours only the context's deadline, so a cancelled
// query would otherwise wait for its timeout), and that it tells a reply
// with the wrong ID or one that does not unpack (see roundTrip).
func exchangeCancellable(ctx context.Context, dc *dns.Client, msg *dns.Msg, server string) (*dns.Msg, error) {
	conn, err := dc.DialContext(ctx, server)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	type result struct {
		reply *dns.Msg
		err   error
	}
	done := make(chan result, 1)
	go func() {
		reply, err := roundTrip(ctx, conn, msg)
		done <- result{reply, err}
	}()
	select {
	case r := <-done:
		return r.reply, r.err
	case <-ctx.Done():
		conn.Close() // ends the read in flight
		if r := <-done; errors.Is(r.err, ErrWrongID) {
			return nil, r.err // the deadline ended a wait for the right ID
		}
		return nil, ctx.Err()
	}
}

// roundTrip writes msg on conn and reads its reply until ctx's deadline.
// Over UDP a reply with another ID is skipped, as miekg/dns does (it may
// answer an earlier query, or be spoofed), but remembered: when no reply
// with the right ID comes in time, the error is ErrWrongID rather than a
// bare timeout. Over TCP a wrong ID is ErrWrongID at once. A reply that
// does not unpack is ErrMalformed.
func roundTrip(ctx context.Context, conn *dns.Conn, msg *dns.Msg) (*dns.Msg, error) {
	if d, ok := ctx.Deadline(); ok {
		if err := conn.SetDeadline(d); err != nil {
			return nil, err
		}
	}
	conn.UDPSize = EDNSBufferSize
	if err := conn.WriteMsg(msg); err != nil {
		return nil, err
	}
	_, udp := conn.Conn.(net.PacketConn)
	wrongID := false
	for {
		p, err := conn.ReadMsgHeader(nil)
		switch {
		case errors.Is(err, dns.ErrShortRead):
			return nil, fmt.Errorf("%w: %d bytes, shorter than a DNS header", ErrMalformed, len(p))
		case err != nil && wrongID: // the deadline ended the wait for the right ID
			return nil, fmt.Errorf("%w: only replies with another ID came (%w)", ErrWrongID, err)
		case err != nil:
			return nil, err
		}
		reply := new(dns.Msg)
		if err := reply.Unpack(p); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		if reply.Id == msg.Id {
			return reply, nil
		}
		if !udp {
			return nil, fmt.Errorf("%w: asked with ID %d, the reply has ID %d", ErrWrongID, msg.Id, reply.Id)
		}
		wrongID = true
	}
}

// classify returns the status of a query that got no reply to read.
func classify(err error) Status {
	switch {
	case serverNameError(err) != "": // resolving the server's own name failed
		return StatusUnreachable
	case errors.Is(err, ErrWrongID), errors.Is(err, ErrMalformed):
		return StatusBadReply
	case isTimeout(err), errors.Is(err, context.Canceled):
		return StatusTimeout
	}
	// Connection refused, network unreachable, a connection reset or
	// closed before the reply: the server could not be talked to.
	return StatusUnreachable
}

// serverNameError returns the server's host name when err says that it
// could not be resolved to an address, else "".
func serverNameError(err error) string {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return dnsErr.Name
	}
	var addrErr *net.AddrError // e.g. "no suitable address found"
	if errors.As(err, &addrErr) {
		if _, perr := netip.ParseAddr(addrErr.Addr); perr != nil {
			return addrErr.Addr
		}
	}
	return ""
}

// Causes of trouble, for errors.Is on Response.Err.
var (
	// ErrNoServer: the client has no server to ask.
	ErrNoServer = errors.New("dnscheck: no DNS server to ask")
	// ErrWrongID: the reply's ID is not the query's.
	ErrWrongID = errors.New("dnscheck: reply with the wrong ID")
	// ErrWrongQuestion: the reply answers another question.
	ErrWrongQuestion = errors.New("dnscheck: reply to another question")
	// ErrMalformed: the reply is not a DNS message that unpacks.
	ErrMalformed = errors.New("dnscheck: malformed reply")
	// ErrTruncated: the reply was truncated even over TCP.
	ErrTruncated = errors.New("dnscheck: truncated reply")
	// ErrRcode: the reply carries an RCODE that says nothing about the
	// name (FORMERR, NOTIMP, …).
	ErrRcode = errors.New("dnscheck: unexpected RCODE")
	// ErrNotRecursive: the server does not resolve other domains (it
	// answered a recursive question with a referral or an empty,
	// non-authoritative answer).
	ErrNotRecursive = errors.New("dnscheck: the server does not recurse")
)

// rcodeName returns the RCODE's mnemonic, or its number.
func rcodeName(rcode int) string {
	if s, ok := dns.RcodeToString[rcode]; ok {
		return s
	}
	return "RCODE " + strconv.Itoa(rcode)
}

// chain keeps the records owned by name, following CNAMEs from it;
// records for any other name are ignored. A chain of more than
// MaxCNAMEHops CNAMEs, or one that comes back on itself, is an error
// (wrapping ErrCNAMEChain or ErrCNAMELoop) returned with the records kept
// so far.
func chain(name string, qtype uint16, rrs []dns.RR) ([]dns.RR, error) {
	var out []dns.RR
	owner := name
	path := []string{trimDot(name)}
	seen := map[string]bool{name: true}
	for hops := 0; ; hops++ {
		next := ""
		for _, rr := range rrs {
			h := rr.Header()
			if !strings.EqualFold(h.Name, owner) || h.Class != dns.ClassINET {
				continue
			}
			if c, ok := rr.(*dns.CNAME); ok && qtype != dns.TypeCNAME {
				if next == "" {
					out = append(out, rr)
					next = canonical(c.Target)
				}
				continue
			}
			if h.Rrtype == qtype {
				out = append(out, rr)
			}
		}
		if next == "" {
			return out, nil
		}
		path = append(path, trimDot(next))
		if seen[next] {
			return out, fmt.Errorf("%w: %s", ErrCNAMELoop, strings.Join(path, " → "))
		}
		if hops+1 > MaxCNAMEHops {
			return out, fmt.Errorf("%w: more than %d CNAMEs in a row from %s", ErrCNAMEChain, MaxCNAMEHops, trimDot(name))
		}
		seen[next] = true
		owner = next
	}
}

// Errors of a Response whose CNAME chain cannot be followed, for errors.Is.
var (
	// ErrCNAMELoop: the chain comes back to a name already on it.
	ErrCNAMELoop = errors.New("dnscheck: CNAME loop")
	// ErrCNAMEChain: the chain is longer than MaxCNAMEHops.
	ErrCNAMEChain = errors.New("dnscheck: CNAME chain too long")
)

// MaxCNAMEHops bounds how many CNAMEs are followed from one name; a longer
// chain is DNS trouble (ErrCNAMEChain), as resolvers give up on it too.
const MaxCNAMEHops = 8

func minTTL(rrs []dns.RR) uint32 {
	var ttl uint32
	for i, rr := range rrs {
		if t := rr.Header().Ttl; i == 0 || t < ttl {
			ttl = t
		}
	}
	return ttl
}

// negativeTTL is the RFC 2308 §5 negative-caching time: the smaller of the
// SOA record's TTL and its MINIMUM field.
func negativeTTL(reply *dns.Msg) uint32 {
	for _, rr := range reply.Ns {
		if soa, ok := rr.(*dns.SOA); ok {
			return min(soa.Hdr.Ttl, soa.Minttl)
		}
	}
	return 0
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func canonical(name string) string { return strings.ToLower(dns.Fqdn(strings.TrimSpace(name))) }
