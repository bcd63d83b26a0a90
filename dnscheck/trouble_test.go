package dnscheck

import (
	"context"
	"errors"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// closedPort returns a loopback address where nothing listens: a port
// that was bound (UDP and TCP) and closed again.
func closedPort(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	if err := pc.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// chainZone has a chain of ten CNAMEs, more than MaxCNAMEHops.
const chainZone = `$ORIGIN chain.test.
@  IN SOA ns1 hostmaster 1 7200 3600 1209600 60
c0 IN CNAME c1
c1 IN CNAME c2
c2 IN CNAME c3
c3 IN CNAME c4
c4 IN CNAME c5
c5 IN CNAME c6
c6 IN CNAME c7
c7 IN CNAME c8
c8 IN CNAME c9
c9 IN CNAME c10
c10 IN TXT "end"
www IN TXT "fine"
`

// TestQueryTroubleKinds: each way a server can fail gets its own status,
// a cause callers can test with errors.Is, its own reason in words and
// its own problem code; only SERVFAIL gets the DNSSEC advice.
func TestQueryTroubleKinds(t *testing.T) {
	t.Parallel()
	const short = 300 * time.Millisecond
	tests := []struct {
		name   string
		client func(t *testing.T) (c *Client, server string)
		ask    string
		status Status
		cause  error
		reason string // "%s" stands for the server's address
		code   Code
	}{
		{
			name:   "nothing listens (UDP)",
			client: func(t *testing.T) (*Client, string) { a := closedPort(t); return NewClient(WithServers(a)), a },
			ask:    "www.chain.test", status: StatusUnreachable, cause: syscall.ECONNREFUSED,
			reason: "nothing answers at %s (connection refused)", code: CodeDNSUnreachable,
		},
		{
			name: "nothing listens on TCP after a truncated UDP answer",
			client: func(t *testing.T) (*Client, string) {
				a := startRawServer(t, func(w dns.ResponseWriter, r *dns.Msg) {
					m := new(dns.Msg)
					m.SetReply(r)
					m.Truncated = true
					_ = w.WriteMsg(m)
				})
				return NewClient(WithServers(a)), a
			},
			ask: "www.chain.test", status: StatusUnreachable, cause: syscall.ECONNREFUSED,
			reason: "nothing answers at %s (connection refused)", code: CodeDNSUnreachable,
		},
		{
			// Go's resolver never looks up .onion names (RFC 7686): this
			// fails at once, without a packet sent.
			name:   "the server's name does not resolve",
			client: func(t *testing.T) (*Client, string) { return NewClient(WithServers("no-such-server.onion")), "" },
			ask:    "www.chain.test", status: StatusUnreachable,
			reason: "the DNS server's name no-such-server.onion does not resolve", code: CodeDNSUnreachable,
		},
		{
			name:   "no server",
			client: func(t *testing.T) (*Client, string) { return NewClient(), "" },
			ask:    "www.chain.test", status: StatusUnreachable, cause: ErrNoServer,
			reason: "there is no DNS server to ask", code: CodeDNSUnreachable,
		},
		{
			name:   "a reply with the wrong ID",
			client: faultyClient(dnstest.Fault{WrongID: true}, short),
			ask:    "www.chain.test", status: StatusBadReply, cause: ErrWrongID,
			reason: "%s replied with the wrong ID", code: CodeDNSBadReply,
		},
		{
			name:   "a reply to another question",
			client: faultyClient(dnstest.Fault{WrongQuestion: true}, short),
			ask:    "www.chain.test", status: StatusBadReply, cause: ErrWrongQuestion,
			reason: "%s replied to another question", code: CodeDNSBadReply,
		},
		{
			name:   "garbage",
			client: faultyClient(dnstest.Fault{Garbage: true}, short),
			ask:    "www.chain.test", status: StatusBadReply, cause: ErrMalformed,
			reason: "%s sent a reply that is not a readable DNS message", code: CodeDNSBadReply,
		},
		{
			name:   "a CNAME chain too long",
			client: faultyClient(dnstest.Fault{}, short),
			ask:    "c0.chain.test", status: StatusBadReply, cause: ErrCNAMEChain,
			reason: "the name leads into a chain of more than 8 CNAMEs", code: CodeDNSBadReply,
		},
		{
			name: "an RCODE that says nothing about the name",
			client: func(t *testing.T) (*Client, string) {
				a := startRawServer(t, func(w dns.ResponseWriter, r *dns.Msg) {
					m := new(dns.Msg)
					m.SetRcode(r, dns.RcodeNotImplemented)
					_ = w.WriteMsg(m)
				})
				return NewClient(WithServers(a)), a
			},
			ask: "www.chain.test", status: StatusBadReply, cause: ErrRcode,
			reason: "%s answered NOTIMP", code: CodeDNSBadReply,
		},
		{
			name:   "SERVFAIL",
			client: faultyClient(dnstest.Fault{ServFail: true}, short),
			ask:    "www.chain.test", status: StatusServFail,
			reason: "the DNS server reported a failure", code: CodeDNSServFail,
		},
		{
			name:   "REFUSED",
			client: faultyClient(dnstest.Fault{Refused: true}, short),
			ask:    "www.chain.test", status: StatusRefused,
			reason: "the DNS server refused to answer", code: CodeDNSRefused,
		},
		{
			name:   "silence",
			client: faultyClient(dnstest.Fault{Silent: true}, short),
			ask:    "www.chain.test", status: StatusTimeout,
			reason: "the DNS server did not answer within 300 ms", code: CodeDNSTimeout,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, server := tc.client(t)
			r := c.Query(context.Background(), tc.ask, dns.TypeTXT)
			if r.Status != tc.status || (tc.cause != nil && !errors.Is(r.Err, tc.cause)) {
				t.Fatalf("status %v (%v), want %v wrapping %v", r.Status, r.Err, tc.status, tc.cause)
			}
			want := strings.ReplaceAll(tc.reason, "%s", server)
			if got := r.Reason(); got != want {
				t.Errorf("Reason() = %q, want %q", got, want)
			}
			p := troubleProblem(r, "the SPF record")
			if p.Code != tc.code || p.Severity != SeverityError {
				t.Errorf("problem %s/%s, want %s/error", p.Code, p.Severity, tc.code)
			}
			if dnssec := strings.Contains(p.Message+p.Fix, "DNSSEC"); dnssec != (tc.status == StatusServFail) {
				t.Errorf("DNSSEC advice %v for %v: %+v", dnssec, tc.status, p)
			}
			// Plain words: the RCODE names stay in the code (dns-servfail,
			// dns-refused), never in what a person reads.
			for _, text := range []string{r.Reason(), p.Message, p.Fix, WizardTroubleFix(p)} {
				if strings.Contains(text, "SERVFAIL") || strings.Contains(text, "REFUSED") {
					t.Errorf("%q names the DNS answer code instead of saying what it means", text)
				}
			}
			if !strings.Contains(p.Message, trimDot(r.Name)) || p.Fix == "" {
				t.Errorf("problem does not name %s or has no fix: %+v", r.Name, p)
			}
			if (tc.code == CodeDNSUnreachable || tc.cause == ErrWrongID || tc.cause == ErrMalformed) && !strings.Contains(p.Message, want) {
				t.Errorf("message %q does not say %q", p.Message, want)
			}
			if !(DomainReport{Problems: []Problem{p}}).HasTrouble() {
				t.Errorf("HasTrouble() = false for %s", p.Code)
			}
		})
	}
}

// faultyClient returns a client of a dnstest server serving chainZone with
// f set for www.chain.test.
func faultyClient(f dnstest.Fault, timeout time.Duration) func(t *testing.T) (*Client, string) {
	return func(t *testing.T) (*Client, string) {
		srv := dnstest.StartT(t, chainZone)
		srv.SetFault("www.chain.test", f)
		return NewClient(WithServers(srv.Addr()), WithTimeout(timeout)), srv.Addr()
	}
}

// TestQueryWrongIDThenRight: over UDP a reply with another ID is skipped,
// not taken for the answer: a right reply after it is used.
func TestQueryWrongIDThenRight(t *testing.T) {
	t.Parallel()
	addr := startRawServer(t, func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		m.Id = r.Id + 1
		_ = w.WriteMsg(m) // a stray reply first
		m = new(dns.Msg)
		m.SetReply(r)
		m.Answer = append(m.Answer, &dns.TXT{Hdr: dns.RR_Header{Name: r.Question[0].Name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 60}, Txt: []string{"right"}})
		_ = w.WriteMsg(m)
	})
	r := NewClient(WithServers(addr)).Query(context.Background(), "x.test", dns.TypeTXT)
	if r.Status != StatusOK || len(r.TXT()) != 1 || r.TXT()[0] != "right" {
		t.Errorf("got %v %v %q, want the reply with the right ID", r.Status, r.Err, r.TXT())
	}
}

// TestQueryCancelledReason: a lookup stopped by its caller says so.
func TestQueryCancelledReason(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, chainZone)
	srv.SetFault("www.chain.test", dnstest.Fault{Silent: true})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := NewClient(WithServers(srv.Addr())).Query(ctx, "www.chain.test", dns.TypeTXT)
	if r.Status != StatusTimeout || r.Reason() != "the lookup was stopped before the DNS server answered" {
		t.Errorf("got %v %q", r.Status, r.Reason())
	}
}
