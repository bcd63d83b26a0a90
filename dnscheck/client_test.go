package dnscheck

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// clientZone is served by dnstest in the client tests.
var clientZone = `$ORIGIN example.test.
$TTL 600
@        IN SOA ns1 hostmaster 1 7200 3600 1209600 60
@        IN NS  ns1
@    300 IN A   192.0.2.1
@    600 IN A   192.0.2.2
@        IN TXT "v=spf1 include:spf.protection.outlook.com" " include:spf.outreachsystems.com -all"
@        IN TXT "google-site-verification=abc"
@        IN MX  10 mail
@        IN MX  20 mail2
ns1      IN A   192.0.2.53
mail     IN A   192.0.2.25
mail2    IN A   192.0.2.26
glued    IN TXT "v=spf1 ip4:192.0.2.1" "-all"
escaped  IN TXT "semi;colon \"q\" back\\slash tab\009end \195\169"
alias    IN CNAME www
www      IN A   192.0.2.80
loop1    IN CNAME loop2
loop2    IN CNAME loop1
` + bigTXT("big", 12)

// negZone has an SOA whose TTL is below its MINIMUM field.
const negZone = `$ORIGIN neg.test.
@   30 IN SOA ns1 hostmaster 1 7200 3600 1209600 600
www    IN A 192.0.2.1
`

// bigTXT returns n TXT records of 200 characters each at name: far more
// than fits in a 1232-byte UDP answer.
func bigTXT(name string, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%s IN TXT \"%02d%s\"\n", name, i, strings.Repeat("x", 198))
	}
	return b.String()
}

// clientFor returns a client that asks only srv (and the further servers
// given), with a short timeout unless opts say otherwise.
func clientFor(srvs []*dnstest.Server, opts ...Option) *Client {
	var addrs []string
	for _, s := range srvs {
		addrs = append(addrs, s.Addr())
	}
	return NewClient(append([]Option{WithServers(addrs...), WithTimeout(2 * time.Second)}, opts...)...)
}

// startRawServer runs a UDP-only miekg/dns server on 127.0.0.1:0 with the
// given handler: for replies dnstest never sends (records for other names,
// a different question, an SOA whose TTL exceeds its MINIMUM).
func startRawServer(t *testing.T, h dns.HandlerFunc) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &dns.Server{PacketConn: pc, Handler: h}
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	errc := make(chan error, 1)
	go func() { errc <- srv.ActivateAndServe() }()
	select {
	case <-started:
	case err := <-errc:
		t.Fatalf("raw server: %v", err)
	}
	t.Cleanup(func() { _ = srv.Shutdown() })
	return pc.LocalAddr().String()
}

func mustRR(t *testing.T, s string) dns.RR {
	t.Helper()
	rr, err := dns.NewRR(s)
	if err != nil {
		t.Fatal(err)
	}
	return rr
}

// queriesFor returns the queries srv received for name (any type).
func queriesFor(srv *dnstest.Server, name string) []dnstest.Query {
	var out []dnstest.Query
	for _, q := range srv.Queries() {
		if q.Name == dns.CanonicalName(name) {
			out = append(out, q)
		}
	}
	return out
}

func rrStrings(rrs []dns.RR) []string {
	var out []string
	for _, rr := range rrs {
		out = append(out, rr.String())
	}
	return out
}

func TestStatusPredicates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s                      Status
		name                   string
		found, absent, trouble bool
	}{
		{StatusOK, "ok", true, false, false},
		{StatusNoData, "nodata", false, true, false},
		{StatusNXDomain, "nxdomain", false, true, false},
		{StatusServFail, "servfail", false, false, true},
		{StatusRefused, "refused", false, false, true},
		{StatusTimeout, "timeout", false, false, true},
		{StatusError, "error", false, false, true},
		{StatusUnreachable, "unreachable", false, false, true},
		{StatusBadReply, "bad-reply", false, false, true},
	}
	for _, tt := range tests {
		if got := tt.s.String(); got != tt.name {
			t.Errorf("Status(%d).String() = %q, want %q", int(tt.s), got, tt.name)
		}
		if tt.s.Found() != tt.found || tt.s.Absent() != tt.absent || tt.s.Trouble() != tt.trouble {
			t.Errorf("%s: Found/Absent/Trouble = %v/%v/%v, want %v/%v/%v", tt.name,
				tt.s.Found(), tt.s.Absent(), tt.s.Trouble(), tt.found, tt.absent, tt.trouble)
		}
	}
	if got := Status(42).String(); got != "status(42)" {
		t.Errorf("Status(42).String() = %q", got)
	}
}

func TestQueryAnswers(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, clientZone)
	c := clientFor([]*dnstest.Server{srv})
	ctx := context.Background()

	t.Run("A", func(t *testing.T) {
		r := c.Query(ctx, "Example.TEST", dns.TypeA) // case and missing dot do not matter
		if r.Status != StatusOK || r.Name != "example.test." || r.Type != dns.TypeA {
			t.Fatalf("got %v %q %d, want ok example.test. A (err %v)", r.Status, r.Name, r.Type, r.Err)
		}
		var ips []string
		for _, rr := range r.Records() {
			ips = append(ips, rr.(*dns.A).A.String())
		}
		slices.Sort(ips)
		if !slices.Equal(ips, []string{"192.0.2.1", "192.0.2.2"}) {
			t.Errorf("A records = %v", ips)
		}
		if r.TTL != 300 {
			t.Errorf("TTL = %d, want 300 (the smallest of the answer)", r.TTL)
		}
		if !r.Authoritative {
			t.Error("Authoritative = false, want true")
		}
		if r.Server != srv.Addr() {
			t.Errorf("Server = %q, want %q", r.Server, srv.Addr())
		}
		if r.Truncated || r.Err != nil {
			t.Errorf("Truncated = %v, Err = %v", r.Truncated, r.Err)
		}
	})

	t.Run("TXT", func(t *testing.T) {
		r := c.Query(ctx, "example.test.", dns.TypeTXT)
		if r.Status != StatusOK {
			t.Fatalf("status %v (%v)", r.Status, r.Err)
		}
		got := r.TXT()
		slices.Sort(got)
		want := []string{
			"google-site-verification=abc",
			"v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all",
		}
		if !slices.Equal(got, want) {
			t.Errorf("TXT() = %q, want %q", got, want)
		}
	})

	t.Run("TXT strings joined without separator", func(t *testing.T) {
		// RFC 7208 §3.3: the strings are concatenated with no space, so a
		// record split badly reads "…192.0.2.1-all".
		r := c.Query(ctx, "glued.example.test.", dns.TypeTXT)
		if got := r.TXT(); !slices.Equal(got, []string{"v=spf1 ip4:192.0.2.1-all"}) {
			t.Errorf("TXT() = %q", got)
		}
	})

	t.Run("TXT bytes as published", func(t *testing.T) {
		r := c.Query(ctx, "escaped.example.test.", dns.TypeTXT)
		want := "semi;colon \"q\" back\\slash tab\tend é"
		if got := r.TXT(); !slices.Equal(got, []string{want}) {
			t.Errorf("TXT() = %q, want %q", got, want)
		}
	})

	t.Run("MX", func(t *testing.T) {
		r := c.Query(ctx, "example.test.", dns.TypeMX)
		if r.Status != StatusOK {
			t.Fatalf("status %v (%v)", r.Status, r.Err)
		}
		var got []string
		for _, rr := range r.Records() {
			mx := rr.(*dns.MX)
			got = append(got, fmt.Sprintf("%d %s", mx.Preference, mx.Mx))
		}
		slices.Sort(got)
		if want := []string{"10 mail.example.test.", "20 mail2.example.test."}; !slices.Equal(got, want) {
			t.Errorf("MX = %v, want %v", got, want)
		}
		if r.TXT() != nil {
			t.Errorf("TXT() of an MX answer = %q, want nil", r.TXT())
		}
	})

	t.Run("CNAME chain followed", func(t *testing.T) {
		r := c.Query(ctx, "alias.example.test.", dns.TypeA)
		if r.Status != StatusOK {
			t.Fatalf("status %v (%v)", r.Status, r.Err)
		}
		if got := r.CNAMETarget(); got != "www.example.test." {
			t.Errorf("CNAMETarget() = %q", got)
		}
		recs := r.Records()
		if len(recs) != 1 || recs[0].(*dns.A).A.String() != "192.0.2.80" {
			t.Errorf("Records() = %v, want the A of www only", rrStrings(recs))
		}
		if len(r.Answer) != 2 {
			t.Errorf("Answer = %v, want the CNAME and the A", rrStrings(r.Answer))
		}
	})

	t.Run("CNAME asked", func(t *testing.T) {
		r := c.Query(ctx, "alias.example.test.", dns.TypeCNAME)
		if r.Status != StatusOK || r.CNAMETarget() != "www.example.test." || len(r.Records()) != 1 {
			t.Errorf("got %v target %q records %v", r.Status, r.CNAMETarget(), rrStrings(r.Records()))
		}
	})

	t.Run("CNAME loop", func(t *testing.T) {
		// Resolvers give up on a loop (SERVFAIL): trouble, never "no such
		// record".
		r := c.Query(ctx, "loop1.example.test.", dns.TypeA)
		if r.Status != StatusBadReply || !errors.Is(r.Err, ErrCNAMELoop) {
			t.Errorf("status %v (%v), want bad-reply wrapping ErrCNAMELoop", r.Status, r.Err)
		}
		if r.Err != nil && !strings.Contains(r.Err.Error(), "loop1.example.test → loop2.example.test → loop1.example.test") {
			t.Errorf("Err = %v, want the loop named", r.Err)
		}
		if len(r.Records()) != 0 {
			t.Errorf("Records() = %v", rrStrings(r.Records()))
		}
	})
}

func TestQueryNegativeAnswers(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, clientZone, negZone)
	srv.SetFault("servfail.example.test.", dnstest.Fault{ServFail: true})
	srv.SetFault("refused.example.test.", dnstest.Fault{Refused: true})
	srv.SetFault("silent.example.test.", dnstest.Fault{Silent: true})
	c := clientFor([]*dnstest.Server{srv}, WithTimeout(200*time.Millisecond))
	ctx := context.Background()

	tests := []struct {
		name   string
		qtype  uint16
		status Status
		ttl    uint32
	}{
		{"nothere.example.test.", dns.TypeA, StatusNXDomain, 60},
		{"www.example.test.", dns.TypeTXT, StatusNoData, 60},
		{"servfail.example.test.", dns.TypeTXT, StatusServFail, 0},
		{"refused.example.test.", dns.TypeTXT, StatusRefused, 0},
		{"not.served.invalid.", dns.TypeTXT, StatusRefused, 0},
		{"silent.example.test.", dns.TypeTXT, StatusTimeout, 0},
		// SOA TTL 30, MINIMUM 600: the smaller, 30.
		{"nothere.neg.test.", dns.TypeA, StatusNXDomain, 30},
		{"www.neg.test.", dns.TypeMX, StatusNoData, 30},
	}
	for _, tt := range tests {
		r := c.Query(ctx, tt.name, tt.qtype)
		if r.Status != tt.status {
			t.Errorf("%s %s: status %v, want %v (err %v)", tt.name, dns.TypeToString[tt.qtype], r.Status, tt.status, r.Err)
			continue
		}
		if r.Status.Absent() && r.TTL != tt.ttl {
			t.Errorf("%s: negative TTL %d, want %d", tt.name, r.TTL, tt.ttl)
		}
		if r.Status.Trouble() != (tt.status >= StatusServFail) {
			t.Errorf("%s: Trouble() = %v", tt.name, r.Status.Trouble())
		}
		if len(r.Records()) != 0 || r.TXT() != nil {
			t.Errorf("%s: records %v in a %v answer", tt.name, rrStrings(r.Records()), r.Status)
		}
		if tt.status == StatusTimeout && r.Err == nil {
			t.Errorf("%s: timeout without Err", tt.name)
		}
	}
}

// TestNegativeTTLUsesSOAMinimum needs an SOA whose own TTL exceeds its
// MINIMUM, which dnstest never sends (it caps the TTL as RFC 2308 asks).
func TestNegativeTTLUsesSOAMinimum(t *testing.T) {
	t.Parallel()
	soa := mustRR(t, "neg.test. 3600 IN SOA ns1.neg.test. hostmaster.neg.test. 1 7200 3600 1209600 60")
	addr := startRawServer(t, func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetRcode(r, dns.RcodeNameError)
		m.Ns = []dns.RR{soa}
		_ = w.WriteMsg(m)
	})
	r := NewClient(WithServers(addr)).Query(context.Background(), "x.neg.test", dns.TypeTXT)
	if r.Status != StatusNXDomain || r.TTL != 60 {
		t.Errorf("got %v TTL %d, want nxdomain TTL 60 (the SOA MINIMUM, smaller than its TTL)", r.Status, r.TTL)
	}
}

func TestQueryTruncatedRetriesOverTCPOnce(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, clientZone)
	c := clientFor([]*dnstest.Server{srv})
	r := c.Query(context.Background(), "big.example.test.", dns.TypeTXT)
	if r.Status != StatusOK || r.Truncated {
		t.Fatalf("status %v truncated %v (err %v)", r.Status, r.Truncated, r.Err)
	}
	if got := len(r.TXT()); got != 12 {
		t.Errorf("%d TXT records, want all 12 (from the TCP answer)", got)
	}
	var protos []string
	for _, q := range queriesFor(srv, "big.example.test.") {
		protos = append(protos, q.Proto)
	}
	if !slices.Equal(protos, []string{"udp", "tcp"}) {
		t.Errorf("queries sent: %v, want one udp then one tcp", protos)
	}
}

func TestQueryTruncatedOverTCPToo(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, clientZone)
	srv.SetFault("example.test.", dnstest.Fault{TruncateTCP: true})
	c := clientFor([]*dnstest.Server{srv})
	r := c.Query(context.Background(), "example.test.", dns.TypeTXT)
	if !r.Truncated {
		t.Error("Truncated = false, want true")
	}
	// An empty truncated answer says nothing about the record: it must not
	// read as "no such record".
	if !r.Status.Trouble() {
		t.Errorf("status %v, want trouble", r.Status)
	}
	var protos []string
	for _, q := range srv.Queries() {
		protos = append(protos, q.Proto)
	}
	if !slices.Equal(protos, []string{"udp", "tcp"}) {
		t.Errorf("queries sent: %v, want exactly one udp and one tcp", protos)
	}
}

func TestQueryServersInTurn(t *testing.T) {
	t.Parallel()
	const first = `$ORIGIN turn.test.
@ IN A 192.0.2.1
`
	const second = `$ORIGIN turn.test.
@ IN A 192.0.2.2
`
	tests := []struct {
		name      string
		fault     dnstest.Fault
		qname     string
		wantIP    string // "" for none
		status    Status
		wantFirst bool // the answer comes from the first server
	}{
		{"first silent", dnstest.Fault{Silent: true}, "turn.test.", "192.0.2.2", StatusOK, false},
		{"first servfail", dnstest.Fault{ServFail: true}, "turn.test.", "192.0.2.2", StatusOK, false},
		{"first refused", dnstest.Fault{Refused: true}, "turn.test.", "192.0.2.2", StatusOK, false},
		{"first nxdomain stops", dnstest.Fault{}, "nothere.turn.test.", "", StatusNXDomain, true},
		{"first answers", dnstest.Fault{}, "turn.test.", "192.0.2.1", StatusOK, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s1 := dnstest.StartT(t, first)
			s2 := dnstest.StartT(t, second)
			s1.SetFault(tt.qname, tt.fault)
			c := clientFor([]*dnstest.Server{s1, s2}, WithTimeout(200*time.Millisecond))
			r := c.Query(context.Background(), tt.qname, dns.TypeA)
			if r.Status != tt.status {
				t.Fatalf("status %v, want %v (err %v)", r.Status, tt.status, r.Err)
			}
			var ip string
			if recs := r.Records(); len(recs) == 1 {
				ip = recs[0].(*dns.A).A.String()
			}
			if ip != tt.wantIP {
				t.Errorf("answer %q, want %q", ip, tt.wantIP)
			}
			want, other := s2, s1
			if tt.wantFirst {
				want, other = s1, s2
			}
			if r.Server != want.Addr() {
				t.Errorf("Server = %s, want %s", r.Server, want.Addr())
			}
			if n := len(s1.Queries()); n != 1 {
				t.Errorf("first server got %d queries, want 1", n)
			}
			if tt.wantFirst && len(other.Queries()) != 0 {
				t.Errorf("second server asked %v after a useful answer", other.Queries())
			}
		})
	}
}

func TestQueryAllServersInTrouble(t *testing.T) {
	t.Parallel()
	s1 := dnstest.StartT(t, "$ORIGIN t.test.\n@ IN A 192.0.2.1\n")
	s2 := dnstest.StartT(t, "$ORIGIN t.test.\n@ IN A 192.0.2.1\n")
	s1.SetFault("t.test.", dnstest.Fault{Silent: true})
	s2.SetFault("t.test.", dnstest.Fault{ServFail: true})
	r := clientFor([]*dnstest.Server{s1, s2}, WithTimeout(200*time.Millisecond)).Query(context.Background(), "t.test", dns.TypeA)
	if r.Status != StatusServFail || r.Server != s2.Addr() {
		t.Errorf("got %v from %s, want the last server's servfail", r.Status, r.Server)
	}
	if r := NewClient().Query(context.Background(), "t.test", dns.TypeA); r.Status != StatusUnreachable || !errors.Is(r.Err, ErrNoServer) {
		t.Errorf("no servers: got %v %v, want unreachable wrapping ErrNoServer", r.Status, r.Err)
	}
}

// TestQueryIgnoresOtherNames uses a server that stuffs its replies with
// records for names nobody asked about.
func TestQueryIgnoresOtherNames(t *testing.T) {
	t.Parallel()
	addr := startRawServer(t, func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		m.Authoritative = true
		q := r.Question[0]
		switch strings.ToLower(q.Name) {
		case "x.test.":
			m.Answer = []dns.RR{
				mustRR(t, "evil.test. 60 IN A 203.0.113.66"),
				mustRR(t, "X.TEST. 60 IN CNAME y.test."),
				mustRR(t, "y.test. 60 IN CNAME z.test."),
				mustRR(t, "other.test. 60 IN CNAME evil.test."),
				mustRR(t, "z.test. 30 IN A 192.0.2.9"),
				mustRR(t, "w.test. 60 IN A 203.0.113.67"),
			}
		case "only-others.test.":
			m.Answer = []dns.RR{mustRR(t, "evil.test. 60 IN TXT \"v=spf1 +all\"")}
			m.Ns = []dns.RR{mustRR(t, "test. 60 IN SOA ns.test. h.test. 1 2 3 4 50")}
		case "wrong-question.test.":
			m.Question[0].Name = "elsewhere.test."
			m.Answer = []dns.RR{mustRR(t, "elsewhere.test. 60 IN A 203.0.113.1")}
		}
		_ = w.WriteMsg(m)
	})
	c := NewClient(WithServers(addr))
	ctx := context.Background()

	r := c.Query(ctx, "x.test", dns.TypeA)
	if r.Status != StatusOK {
		t.Fatalf("status %v (%v)", r.Status, r.Err)
	}
	want := []string{
		"X.TEST.\t60\tIN\tCNAME\ty.test.",
		"y.test.\t60\tIN\tCNAME\tz.test.",
		"z.test.\t30\tIN\tA\t192.0.2.9",
	}
	if got := rrStrings(r.Answer); !slices.Equal(got, want) {
		t.Errorf("Answer =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if recs := r.Records(); len(recs) != 1 || recs[0].(*dns.A).A.String() != "192.0.2.9" {
		t.Errorf("Records() = %v", rrStrings(recs))
	}
	if r.TTL != 30 {
		t.Errorf("TTL = %d, want 30", r.TTL)
	}
	if r.CNAMETarget() != "y.test." {
		t.Errorf("CNAMETarget() = %q", r.CNAMETarget())
	}

	r = c.Query(ctx, "only-others.test", dns.TypeTXT)
	if r.Status != StatusNoData || len(r.Answer) != 0 || r.TXT() != nil {
		t.Errorf("only unrelated records: got %v %v, want nodata and nothing", r.Status, rrStrings(r.Answer))
	}
	if r.TTL != 50 {
		t.Errorf("negative TTL %d, want 50", r.TTL)
	}

	r = c.Query(ctx, "wrong-question.test", dns.TypeA)
	if r.Status != StatusBadReply || !errors.Is(r.Err, ErrWrongQuestion) || len(r.Answer) != 0 {
		t.Errorf("reply to another question: got %v %v %v, want bad-reply wrapping ErrWrongQuestion", r.Status, r.Err, rrStrings(r.Answer))
	}
}

func TestQueryContextCancelled(t *testing.T) {
	t.Parallel()
	s1 := dnstest.StartT(t, "$ORIGIN c.test.\n@ IN A 192.0.2.1\n")
	s2 := dnstest.StartT(t, "$ORIGIN c.test.\n@ IN A 192.0.2.1\n")
	s1.SetFault("c.test.", dnstest.Fault{Silent: true})
	// A timeout far longer than the test may take: only the cancellation
	// can end the query.
	c := clientFor([]*dnstest.Server{s1, s2}, WithTimeout(time.Minute))

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan Response, 1)
	go func() { done <- c.Query(ctx, "c.test", dns.TypeA) }()
	waitForQueries(t, s1, 1)
	cancel()
	select {
	case r := <-done:
		if !r.Status.Trouble() || r.Err == nil {
			t.Errorf("got %v (%v), want trouble with an error", r.Status, r.Err)
		}
		if !errors.Is(r.Err, context.Canceled) {
			t.Errorf("Err = %v, want it to wrap context.Canceled", r.Err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Query did not return after its context was cancelled")
	}
	if q := s2.Queries(); len(q) != 0 {
		t.Errorf("the second server was asked after cancellation: %v", q)
	}

	// Already cancelled: no server is asked at all, or the answer is trouble.
	r := c.Query(ctx, "c.test", dns.TypeA)
	if !r.Status.Trouble() {
		t.Errorf("cancelled context: got %v", r.Status)
	}
}

// waitForQueries waits until srv has received at least n queries.
func waitForQueries(t *testing.T, srv *dnstest.Server, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(srv.Queries()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("server received %d queries, want %d", len(srv.Queries()), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestWithPortAndParseServer(t *testing.T) {
	t.Parallel()
	ok := []struct{ in, want string }{
		{"192.0.2.1", "192.0.2.1:53"},
		{"192.0.2.1:5353", "192.0.2.1:5353"},
		{" 192.0.2.1 ", "192.0.2.1:53"},
		{"ns1.example.com", "ns1.example.com:53"},
		{"ns1.example.com:53", "ns1.example.com:53"},
		{"localhost:1053", "localhost:1053"},
		{"2001:db8::1", "[2001:db8::1]:53"},
		{"::1", "[::1]:53"},
		{"[2001:db8::1]", "[2001:db8::1]:53"},
		{"[2001:db8::1]:5353", "[2001:db8::1]:5353"},
		{"192.0.2.1:65535", "192.0.2.1:65535"},
	}
	for _, tt := range ok {
		if got := WithPort(tt.in); got != tt.want {
			t.Errorf("WithPort(%q) = %q, want %q", tt.in, got, tt.want)
		}
		got, err := ParseServer(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseServer(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	bad := []string{
		"", "   ",
		":53",              // no host
		"192.0.2.1:",       // empty port
		"192.0.2.1:0",      // port zero
		"192.0.2.1:65536",  // too big
		"192.0.2.1:99999",  // too big
		"192.0.2.1:-1",     // negative
		"192.0.2.1:abc",    // not a number
		"192.0.2.1:domain", // a service name, not a port
		"[2001:db8::1]:x",
		"[2001:db8::1",
		"a:b:c",          // not an IPv6 address
		"ns1 example:53", // space in the host
	}
	for _, in := range bad {
		if got, err := ParseServer(in); err == nil {
			t.Errorf("ParseServer(%q) = %q, want an error", in, got)
		} else if !strings.HasPrefix(err.Error(), "dnscheck: ") {
			t.Errorf("ParseServer(%q) error %q lacks the package prefix", in, err)
		}
	}

	c := NewClient(WithServers("192.0.2.1", "[2001:db8::1]", "192.0.2.2:5353"), WithTimeout(time.Second))
	if got, want := c.Servers(), []string{"192.0.2.1:53", "[2001:db8::1]:53", "192.0.2.2:5353"}; !slices.Equal(got, want) {
		t.Errorf("Servers() = %v, want %v", got, want)
	}
	if c.Timeout() != time.Second {
		t.Errorf("Timeout() = %v", c.Timeout())
	}
	c.Servers()[0] = "changed"
	if c.Servers()[0] != "192.0.2.1:53" {
		t.Error("Servers() exposes the client's slice")
	}
}

func TestWithRecursionAndEDNS(t *testing.T) {
	t.Parallel()
	type seen struct {
		rd   bool
		edns int // advertised UDP size, -1 without EDNS0
	}
	got := make(chan seen, 1)
	addr := startRawServer(t, func(w dns.ResponseWriter, r *dns.Msg) {
		s := seen{rd: r.RecursionDesired, edns: -1}
		if opt := r.IsEdns0(); opt != nil {
			s.edns = int(opt.UDPSize())
		}
		got <- s
		m := new(dns.Msg)
		m.SetRcode(r, dns.RcodeNameError)
		_ = w.WriteMsg(m)
	})
	for _, rd := range []bool{true, false} {
		opts := []Option{WithServers(addr)}
		if !rd {
			opts = append(opts, WithRecursion(false))
		}
		if r := NewClient(opts...).Query(context.Background(), "x.test", dns.TypeA); r.Status != StatusNXDomain {
			t.Fatalf("status %v", r.Status)
		}
		if s := <-got; s != (seen{rd, EDNSBufferSize}) {
			t.Errorf("query had RD=%v EDNS0 size %d, want RD=%v size %d", s.rd, s.edns, rd, EDNSBufferSize)
		}
	}
}
