package dnstest

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
)

const zoneX = `$ORIGIN x.edu.
$TTL 600
@                IN SOA ns1 hostmaster 1 7200 3600 1209600 60
@                IN NS  ns1
@                IN A   192.0.2.1
@                IN TXT "v=spf1 include:spf.protection.outlook.com" " include:spf.outreachsystems.com -all"
@                IN MX  10 mail
ns1              IN A   192.0.2.53
osc1._domainkey  IN CNAME osc1._domainkey.outreachsystems.com.
alias            IN CNAME www
www              IN A   192.0.2.80
loop1            IN CNAME loop2
loop2            IN CNAME loop1
dangling         IN CNAME nothere
deep.a.b         IN TXT "deep"
`

// zoneVendor has no SOA: one is synthesized for its $ORIGIN.
const zoneVendor = `$ORIGIN outreachsystems.com.
osc1._domainkey IN TXT "v=DKIM1; k=rsa; p=MIIB"
spf             IN TXT "v=spf1 ip4:107.20.160.162 -all"
`

var protos = []string{"udp", "tcp"}

type queryOpt func(*dns.Msg, *dns.Client)

func withEDNS(size uint16) queryOpt {
	return func(m *dns.Msg, _ *dns.Client) { m.SetEdns0(size, false) }
}

func withTimeout(d time.Duration) queryOpt {
	return func(_ *dns.Msg, c *dns.Client) { c.Timeout = d }
}

func exchange(s *Server, proto, name string, qtype uint16, opts ...queryOpt) (*dns.Msg, time.Duration, error) {
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	c := &dns.Client{Net: proto, Timeout: 5 * time.Second}
	for _, o := range opts {
		o(m, c)
	}
	return c.Exchange(m, s.Addr())
}

func query(t *testing.T, s *Server, proto, name string, qtype uint16, opts ...queryOpt) *dns.Msg {
	t.Helper()
	r, _, err := exchange(s, proto, name, qtype, opts...)
	if err != nil {
		t.Fatalf("%s %s %s: %v", proto, name, dns.TypeToString[qtype], err)
	}
	return r
}

func wantRcode(t *testing.T, r *dns.Msg, rcode int) {
	t.Helper()
	if r.Rcode != rcode {
		t.Fatalf("rcode = %s, want %s\n%v", dns.RcodeToString[r.Rcode], dns.RcodeToString[rcode], r)
	}
}

func answerStrings(r *dns.Msg) []string {
	var out []string
	for _, rr := range r.Answer {
		out = append(out, rr.String())
	}
	return out
}

func TestA(t *testing.T) {
	t.Parallel()
	s := StartT(t, zoneX)
	if !strings.HasPrefix(s.Addr(), "127.0.0.1:") {
		t.Fatalf("Addr() = %q", s.Addr())
	}
	for _, proto := range protos {
		t.Run(proto, func(t *testing.T) {
			t.Parallel()
			r := query(t, s, proto, "x.edu.", dns.TypeA)
			wantRcode(t, r, dns.RcodeSuccess)
			if !r.Authoritative || r.RecursionAvailable {
				t.Errorf("AA=%v RA=%v, want AA and no RA", r.Authoritative, r.RecursionAvailable)
			}
			if len(r.Answer) != 1 {
				t.Fatalf("answer = %v", r.Answer)
			}
			a, ok := r.Answer[0].(*dns.A)
			if !ok || a.A.String() != "192.0.2.1" || a.Hdr.Ttl != 600 {
				t.Fatalf("answer = %v", r.Answer[0])
			}
		})
	}
}

func TestTXTMultipleStrings(t *testing.T) {
	t.Parallel()
	s := StartT(t, zoneX)
	for _, proto := range protos {
		r := query(t, s, proto, "x.edu.", dns.TypeTXT)
		if len(r.Answer) != 1 {
			t.Fatalf("%s: answer = %v", proto, r.Answer)
		}
		txt := r.Answer[0].(*dns.TXT).Txt
		want := []string{"v=spf1 include:spf.protection.outlook.com", " include:spf.outreachsystems.com -all"}
		if fmt.Sprintf("%q", txt) != fmt.Sprintf("%q", want) {
			t.Errorf("%s: TXT strings = %q, want %q", proto, txt, want)
		}
	}
}

func TestQuestionEchoedCasePreserved(t *testing.T) {
	t.Parallel()
	s := StartT(t, zoneX)
	for _, proto := range protos {
		r := query(t, s, proto, "wWw.X.eDu.", dns.TypeA)
		wantRcode(t, r, dns.RcodeSuccess)
		if r.Question[0].Name != "wWw.X.eDu." {
			t.Errorf("%s: question = %q", proto, r.Question[0].Name)
		}
		if len(r.Answer) != 1 || r.Answer[0].Header().Name != "wWw.X.eDu." {
			t.Errorf("%s: answer = %v", proto, r.Answer)
		}
	}
}

func TestCNAMEChase(t *testing.T) {
	t.Parallel()
	both := StartT(t, zoneX, zoneVendor)
	only := StartT(t, zoneX)

	t.Run("in zone", func(t *testing.T) {
		t.Parallel()
		r := query(t, both, "udp", "alias.x.edu.", dns.TypeA)
		wantRcode(t, r, dns.RcodeSuccess)
		got := answerStrings(r)
		if len(got) != 2 || !strings.Contains(got[0], "CNAME\twww.x.edu.") || !strings.HasPrefix(got[1], "www.x.edu.\t600\tIN\tA\t192.0.2.80") {
			t.Fatalf("answer = %q", got)
		}
	})
	t.Run("across served zones", func(t *testing.T) {
		t.Parallel()
		r := query(t, both, "tcp", "osc1._domainkey.x.edu.", dns.TypeTXT)
		wantRcode(t, r, dns.RcodeSuccess)
		if len(r.Answer) != 2 {
			t.Fatalf("answer = %v", r.Answer)
		}
		cn := r.Answer[0].(*dns.CNAME)
		txt := r.Answer[1].(*dns.TXT)
		if cn.Target != "osc1._domainkey.outreachsystems.com." || txt.Hdr.Name != cn.Target || txt.Hdr.Ttl != 300 {
			t.Fatalf("answer = %v", r.Answer)
		}
	})
	t.Run("out of zone", func(t *testing.T) {
		t.Parallel()
		r := query(t, only, "udp", "osc1._domainkey.x.edu.", dns.TypeTXT)
		wantRcode(t, r, dns.RcodeSuccess)
		if len(r.Answer) != 1 || r.Answer[0].Header().Rrtype != dns.TypeCNAME || len(r.Ns) != 0 {
			t.Fatalf("answer = %v, authority = %v", r.Answer, r.Ns)
		}
	})
	t.Run("qtype CNAME not chased", func(t *testing.T) {
		t.Parallel()
		r := query(t, both, "udp", "alias.x.edu.", dns.TypeCNAME)
		if len(r.Answer) != 1 || r.Answer[0].Header().Rrtype != dns.TypeCNAME {
			t.Fatalf("answer = %v", r.Answer)
		}
	})
	t.Run("loop", func(t *testing.T) {
		t.Parallel()
		r := query(t, both, "udp", "loop1.x.edu.", dns.TypeA)
		wantRcode(t, r, dns.RcodeSuccess)
		if len(r.Answer) != 2 {
			t.Fatalf("answer = %v", r.Answer)
		}
	})
	t.Run("dangling", func(t *testing.T) {
		t.Parallel()
		r := query(t, both, "udp", "dangling.x.edu.", dns.TypeA)
		wantRcode(t, r, dns.RcodeNameError)
		if len(r.Answer) != 1 || len(r.Ns) != 1 || r.Ns[0].Header().Rrtype != dns.TypeSOA {
			t.Fatalf("answer = %v, authority = %v", r.Answer, r.Ns)
		}
	})
}

func TestCNAMEHopLimit(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("$ORIGIN chain.test.\n")
	for i := range 20 {
		fmt.Fprintf(&b, "c%d CNAME c%d\n", i, i+1)
	}
	b.WriteString("c20 A 192.0.2.9\n")
	s := StartT(t, b.String())

	// Eight hops: c12 → … → c20, then the A record.
	r := query(t, s, "udp", "c12.chain.test.", dns.TypeA)
	if n := len(r.Answer); n != 9 || r.Answer[8].Header().Rrtype != dns.TypeA {
		t.Fatalf("8 hops: %d records: %v", n, r.Answer)
	}
	// More than eight: the chase stops, no A record.
	r = query(t, s, "udp", "c0.chain.test.", dns.TypeA)
	wantRcode(t, r, dns.RcodeSuccess)
	for _, rr := range r.Answer {
		if rr.Header().Rrtype != dns.TypeCNAME {
			t.Fatalf("chase went past the limit: %v", r.Answer)
		}
	}
	if len(r.Answer) > maxChase+1 {
		t.Fatalf("%d records", len(r.Answer))
	}
}

func TestNegativeAnswers(t *testing.T) {
	t.Parallel()
	s := StartT(t, zoneX, zoneVendor)
	cases := []struct {
		name    string
		qtype   uint16
		rcode   int
		soaName string
		soaTTL  uint32
	}{
		{"x.edu.", dns.TypeAAAA, dns.RcodeSuccess, "x.edu.", 60},     // other types only
		{"www.x.edu.", dns.TypeTXT, dns.RcodeSuccess, "x.edu.", 60},  // other types only
		{"a.b.x.edu.", dns.TypeTXT, dns.RcodeSuccess, "x.edu.", 60},  // empty non-terminal
		{"b.x.edu.", dns.TypeA, dns.RcodeSuccess, "x.edu.", 60},      // empty non-terminal
		{"nope.x.edu.", dns.TypeA, dns.RcodeNameError, "x.edu.", 60}, // no such name
		{"x.deep.a.b.x.edu.", dns.TypeA, dns.RcodeNameError, "x.edu.", 60},
		{"_dmarc.x.edu.", dns.TypeTXT, dns.RcodeNameError, "x.edu.", 60},
		{"outreachsystems.com.", dns.TypeTXT, dns.RcodeSuccess, "outreachsystems.com.", 300}, // synthesized SOA
		{"nope.outreachsystems.com.", dns.TypeTXT, dns.RcodeNameError, "outreachsystems.com.", 300},
	}
	for _, c := range cases {
		for _, proto := range protos {
			t.Run(proto+" "+c.name+" "+dns.TypeToString[c.qtype], func(t *testing.T) {
				t.Parallel()
				r := query(t, s, proto, c.name, c.qtype)
				wantRcode(t, r, c.rcode)
				if len(r.Answer) != 0 || !r.Authoritative {
					t.Fatalf("answer = %v, AA = %v", r.Answer, r.Authoritative)
				}
				if len(r.Ns) != 1 {
					t.Fatalf("authority = %v", r.Ns)
				}
				soa, ok := r.Ns[0].(*dns.SOA)
				if !ok || soa.Hdr.Name != c.soaName || soa.Hdr.Ttl != c.soaTTL {
					t.Fatalf("authority = %v, want SOA %s TTL %d", r.Ns[0], c.soaName, c.soaTTL)
				}
			})
		}
	}
}

func TestRefusedOutsideZones(t *testing.T) {
	t.Parallel()
	s := StartT(t, zoneX)
	for _, name := range []string{"example.org.", "edu.", ".", "xx.edu."} {
		r := query(t, s, "udp", name, dns.TypeA)
		wantRcode(t, r, dns.RcodeRefused)
		if r.Authoritative || len(r.Answer)+len(r.Ns) != 0 {
			t.Fatalf("%s: %v", name, r)
		}
	}
	empty := StartT(t)
	wantRcode(t, query(t, empty, "tcp", "x.edu.", dns.TypeA), dns.RcodeRefused)
}

func TestFaults(t *testing.T) {
	t.Parallel()
	t.Run("servfail and refused", func(t *testing.T) {
		t.Parallel()
		s := StartT(t, zoneX)
		s.SetFault("WWW.x.edu", Fault{ServFail: true})
		s.SetFault("x.edu.", Fault{Refused: true})
		for _, proto := range protos {
			r := query(t, s, proto, "www.x.edu.", dns.TypeA)
			wantRcode(t, r, dns.RcodeServerFailure)
			if len(r.Answer) != 0 {
				t.Fatalf("answer = %v", r.Answer)
			}
			wantRcode(t, query(t, s, proto, "x.edu.", dns.TypeMX), dns.RcodeRefused)
		}
		s.ClearFault("www.x.edu.")
		s.ClearFault("X.EDU")
		wantRcode(t, query(t, s, "udp", "www.x.edu.", dns.TypeA), dns.RcodeSuccess)
		wantRcode(t, query(t, s, "udp", "x.edu.", dns.TypeMX), dns.RcodeSuccess)
	})
	t.Run("silent", func(t *testing.T) {
		t.Parallel()
		s := StartT(t, zoneX)
		s.SetFault("www.x.edu.", Fault{Silent: true})
		for _, proto := range protos {
			_, _, err := exchange(s, proto, "www.x.edu.", dns.TypeA, withTimeout(150*time.Millisecond))
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				t.Fatalf("%s: err = %v, want a timeout", proto, err)
			}
		}
		// Other names still answer.
		wantRcode(t, query(t, s, "udp", "x.edu.", dns.TypeA), dns.RcodeSuccess)
		if n := len(s.Queries()); n != 3 {
			t.Fatalf("%d queries recorded, want 3 (silent ones count)", n)
		}
	})
	t.Run("wrong ID", func(t *testing.T) {
		t.Parallel()
		s := StartT(t, zoneX)
		s.SetFault("www.x.edu.", Fault{WrongID: true})
		// Over TCP miekg/dns reports the mismatch; over UDP it waits for a
		// reply with the right ID, which never comes.
		if _, _, err := exchange(s, "tcp", "www.x.edu.", dns.TypeA); !errors.Is(err, dns.ErrId) {
			t.Errorf("tcp: err = %v, want dns.ErrId", err)
		}
		_, _, err := exchange(s, "udp", "www.x.edu.", dns.TypeA, withTimeout(150*time.Millisecond))
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("udp: err = %v, want a timeout (the reply with another ID is skipped)", err)
		}
		wantRcode(t, query(t, s, "udp", "x.edu.", dns.TypeA), dns.RcodeSuccess)
	})
	t.Run("wrong question", func(t *testing.T) {
		t.Parallel()
		s := StartT(t, zoneX)
		s.SetFault("www.x.edu.", Fault{WrongQuestion: true})
		for _, proto := range protos {
			r := query(t, s, proto, "www.x.edu.", dns.TypeA)
			if len(r.Question) != 1 || r.Question[0].Name != "wrong-question.invalid." || len(r.Answer) != 0 {
				t.Errorf("%s: question %v answer %v, want wrong-question.invalid. and no records", proto, r.Question, r.Answer)
			}
		}
	})
	t.Run("garbage", func(t *testing.T) {
		t.Parallel()
		s := StartT(t, zoneX)
		s.SetFault("www.x.edu.", Fault{Garbage: true})
		for _, proto := range protos {
			_, _, err := exchange(s, proto, "www.x.edu.", dns.TypeA)
			var ne net.Error
			if err == nil || errors.As(err, &ne) {
				t.Errorf("%s: err = %v, want a reply that does not unpack", proto, err)
			}
		}
	})
	t.Run("truncate", func(t *testing.T) {
		t.Parallel()
		s := StartT(t, zoneX)
		s.SetFault("x.edu.", Fault{Truncate: true})
		r := query(t, s, "udp", "x.edu.", dns.TypeTXT)
		if !r.Truncated || len(r.Answer) != 0 {
			t.Fatalf("udp: TC=%v answer=%v", r.Truncated, r.Answer)
		}
		r = query(t, s, "tcp", "x.edu.", dns.TypeTXT)
		if r.Truncated || len(r.Answer) != 1 {
			t.Fatalf("tcp: TC=%v answer=%v", r.Truncated, r.Answer)
		}
		s.SetFault("x.edu.", Fault{TruncateTCP: true})
		for _, proto := range protos {
			r = query(t, s, proto, "x.edu.", dns.TypeTXT)
			if !r.Truncated || len(r.Answer) != 0 {
				t.Fatalf("%s TruncateTCP: TC=%v answer=%v", proto, r.Truncated, r.Answer)
			}
		}
	})
	t.Run("latency", func(t *testing.T) {
		t.Parallel()
		s := StartT(t, zoneX)
		s.SetFault("www.x.edu.", Fault{Latency: 100 * time.Millisecond})
		for _, proto := range protos {
			start := time.Now()
			r := query(t, s, proto, "www.x.edu.", dns.TypeA)
			wantRcode(t, r, dns.RcodeSuccess)
			if d := time.Since(start); d < 100*time.Millisecond {
				t.Fatalf("%s: answered after %v, want at least 100ms", proto, d)
			}
		}
		s.SetLatency(50 * time.Millisecond)
		start := time.Now()
		wantRcode(t, query(t, s, "udp", "www.x.edu.", dns.TypeA), dns.RcodeSuccess)
		if d := time.Since(start); d < 150*time.Millisecond {
			t.Fatalf("answered after %v, want at least 150ms (server + fault latency)", d)
		}
		start = time.Now()
		wantRcode(t, query(t, s, "udp", "x.edu.", dns.TypeA), dns.RcodeSuccess)
		if d := time.Since(start); d < 50*time.Millisecond {
			t.Fatalf("answered after %v, want at least 50ms", d)
		}
	})
	t.Run("per type", func(t *testing.T) {
		t.Parallel()
		s := StartT(t, zoneX)
		s.SetFaultType("x.edu.", dns.TypeTXT, Fault{ServFail: true})
		wantRcode(t, query(t, s, "udp", "x.edu.", dns.TypeTXT), dns.RcodeServerFailure)
		wantRcode(t, query(t, s, "udp", "x.edu.", dns.TypeA), dns.RcodeSuccess)

		// A type-specific zero Fault exempts that type from the name's fault.
		s.SetFault("www.x.edu.", Fault{Refused: true})
		s.SetFaultType("www.x.edu.", dns.TypeA, Fault{})
		wantRcode(t, query(t, s, "udp", "www.x.edu.", dns.TypeA), dns.RcodeSuccess)
		wantRcode(t, query(t, s, "udp", "www.x.edu.", dns.TypeAAAA), dns.RcodeRefused)

		s.ClearFault("x.edu.")
		s.ClearFault("www.x.edu.")
		wantRcode(t, query(t, s, "udp", "x.edu.", dns.TypeTXT), dns.RcodeSuccess)
		wantRcode(t, query(t, s, "udp", "www.x.edu.", dns.TypeAAAA), dns.RcodeSuccess)
	})
	t.Run("inject", func(t *testing.T) {
		t.Parallel()
		s := StartT(t, zoneX)
		extra := []dns.RR{}
		for _, text := range []string{"evil.test. 60 IN TXT \"v=spf1 +all\"", "x.edu. 60 IN A 203.0.113.66"} {
			rr, err := dns.NewRR(text)
			if err != nil {
				t.Fatal(err)
			}
			extra = append(extra, rr)
		}
		s.SetFaultType("x.edu.", dns.TypeTXT, Fault{Inject: extra})
		for _, proto := range protos {
			r := query(t, s, proto, "x.edu.", dns.TypeTXT)
			wantRcode(t, r, dns.RcodeSuccess)
			got := answerStrings(r)
			if len(got) != 3 || got[0] != "x.edu.\t600\tIN\tTXT\t\"v=spf1 include:spf.protection.outlook.com\" \" include:spf.outreachsystems.com -all\"" ||
				got[1] != extra[0].String() || got[2] != extra[1].String() {
				t.Fatalf("%s: answer = %q, want the zone's TXT then the injected records", proto, got)
			}
		}
		// Injected into negative answers too, and only for the name and type set.
		s.SetFault("nothere.x.edu.", Fault{Inject: extra[:1]})
		r := query(t, s, "udp", "nothere.x.edu.", dns.TypeTXT)
		wantRcode(t, r, dns.RcodeNameError)
		if got := answerStrings(r); len(got) != 1 || got[0] != extra[0].String() {
			t.Fatalf("nxdomain answer = %q", got)
		}
		if r := query(t, s, "udp", "x.edu.", dns.TypeMX); len(r.Answer) != 1 {
			t.Fatalf("MX answer = %q, want only the MX", answerStrings(r))
		}
		// Not added where the fault decides the answer.
		s.SetFaultType("x.edu.", dns.TypeTXT, Fault{ServFail: true, Inject: extra})
		r = query(t, s, "udp", "x.edu.", dns.TypeTXT)
		wantRcode(t, r, dns.RcodeServerFailure)
		if len(r.Answer) != 0 {
			t.Fatalf("SERVFAIL answer = %q", answerStrings(r))
		}
	})
	t.Run("fault on CNAME target does not apply", func(t *testing.T) {
		t.Parallel()
		s := StartT(t, zoneX)
		s.SetFault("www.x.edu.", Fault{ServFail: true})
		r := query(t, s, "udp", "alias.x.edu.", dns.TypeA)
		wantRcode(t, r, dns.RcodeSuccess)
		if len(r.Answer) != 2 {
			t.Fatalf("answer = %v", r.Answer)
		}
	})
}

func TestAddRemoveWhileServing(t *testing.T) {
	t.Parallel()
	s := StartT(t, zoneX)

	// Hammer the server while the zone changes: -race checks the handlers.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			proto := protos[i%2]
			for {
				select {
				case <-stop:
					return
				default:
				}
				_, _, _ = exchange(s, proto, "new.x.edu.", dns.TypeTXT, withTimeout(time.Second))
			}
		}()
	}
	for i := range 50 {
		if err := s.Add(fmt.Sprintf(`new.x.edu. IN TXT "v%d"`, i)); err != nil {
			t.Fatal(err)
		}
		s.Remove("new.x.edu.", dns.TypeTXT)
		_ = s.Records("new.x.edu.", dns.TypeANY)
		s.SetFault("new.x.edu.", Fault{})
		s.ClearFault("new.x.edu.")
		s.SetLatency(0)
	}
	close(stop)
	wg.Wait()

	wantRcode(t, query(t, s, "udp", "new.x.edu.", dns.TypeTXT), dns.RcodeNameError)

	if err := s.Add(`new.x.edu. TXT "one"`); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(`NEW.x.edu. 60 IN TXT "two"`); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(`new.x.edu. TXT "two"`); err != nil { // duplicate: ignored
		t.Fatal(err)
	}
	r := query(t, s, "tcp", "new.x.edu.", dns.TypeTXT)
	if len(r.Answer) != 2 {
		t.Fatalf("answer = %v", r.Answer)
	}
	recs := s.Records("New.X.Edu", dns.TypeTXT)
	if len(recs) != 2 || recs[0].Header().Ttl != 300 || recs[1].Header().Ttl != 60 || recs[0].Header().Name != "new.x.edu." {
		t.Fatalf("Records = %v", recs)
	}

	// AddZone replaces the RRsets it names and keeps the others.
	if err := s.AddZone("$ORIGIN x.edu.\nnew TXT \"three\"\nnew A 192.0.2.7\n"); err != nil {
		t.Fatal(err)
	}
	if got := s.Records("new.x.edu.", dns.TypeTXT); len(got) != 1 || got[0].(*dns.TXT).Txt[0] != "three" {
		t.Fatalf("after AddZone: %v", got)
	}
	if got := s.Records("new.x.edu.", dns.TypeANY); len(got) != 2 {
		t.Fatalf("after AddZone: %v", got)
	}
	if got := s.Records("www.x.edu.", dns.TypeA); len(got) != 1 {
		t.Fatalf("unrelated RRset lost: %v", got)
	}
	// The $ORIGIN lies inside x.edu: no new zone, x.edu's SOA answers.
	r = query(t, s, "udp", "new.x.edu.", dns.TypeMX)
	if len(r.Ns) != 1 || r.Ns[0].Header().Name != "x.edu." {
		t.Fatalf("authority = %v", r.Ns)
	}

	// A CNAME added replaces the previous one.
	if err := s.Add("alias.x.edu. CNAME ns1.x.edu."); err != nil {
		t.Fatal(err)
	}
	if got := s.Records("alias.x.edu.", dns.TypeCNAME); len(got) != 1 || got[0].(*dns.CNAME).Target != "ns1.x.edu." {
		t.Fatalf("CNAME = %v", got)
	}

	s.Remove("new.x.edu.", dns.TypeA)
	wantRcode(t, query(t, s, "udp", "new.x.edu.", dns.TypeA), dns.RcodeSuccess) // TXT remains: NODATA
	s.Remove("new.x.edu.", dns.TypeANY)
	wantRcode(t, query(t, s, "udp", "new.x.edu.", dns.TypeTXT), dns.RcodeNameError)
	if got := s.Records("new.x.edu.", dns.TypeANY); got != nil {
		t.Fatalf("Records after Remove = %v", got)
	}

	// The SOA survives Remove(apex, ANY).
	s.Remove("x.edu.", dns.TypeANY)
	r = query(t, s, "udp", "x.edu.", dns.TypeA)
	wantRcode(t, r, dns.RcodeSuccess)
	if len(r.Answer) != 0 || len(r.Ns) != 1 {
		t.Fatalf("after Remove(apex): %v", r)
	}

	// A record outside every zone makes a zone at its owner.
	if err := s.Add("mail.example.org. A 192.0.2.25"); err != nil {
		t.Fatal(err)
	}
	wantRcode(t, query(t, s, "udp", "mail.example.org.", dns.TypeA), dns.RcodeSuccess)
	wantRcode(t, query(t, s, "udp", "example.org.", dns.TypeA), dns.RcodeRefused)

	for _, bad := range []string{"", "x.edu. IN A", "x.edu. A 1.2.3.4\ny.edu. A 1.2.3.4"} {
		if err := s.Add(bad); err == nil {
			t.Errorf("Add(%q) succeeded", bad)
		}
	}
	if err := s.AddZone("x.edu. IN A not-an-ip"); err == nil {
		t.Error("AddZone of bad text succeeded")
	}
}

func TestEDNSAndTruncation(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("$ORIGIN big.test.\n")
	for i := range 30 {
		fmt.Fprintf(&b, "@ TXT \"%02d %s\"\n", i, strings.Repeat("k", 200))
	}
	b.WriteString("small TXT \"hello\"\n")
	s := StartT(t, b.String())

	t.Run("udp without EDNS", func(t *testing.T) {
		t.Parallel()
		r := query(t, s, "udp", "big.test.", dns.TypeTXT)
		if !r.Truncated || len(r.Answer) >= 30 || r.IsEdns0() != nil {
			t.Fatalf("TC=%v answers=%d opt=%v", r.Truncated, len(r.Answer), r.IsEdns0())
		}
		if r.Len() > dns.MinMsgSize {
			t.Fatalf("response is %d bytes", r.Len())
		}
	})
	t.Run("udp with EDNS 1232", func(t *testing.T) {
		t.Parallel()
		r := query(t, s, "udp", "big.test.", dns.TypeTXT, withEDNS(1232))
		opt := r.IsEdns0()
		if !r.Truncated || len(r.Answer) >= 30 || opt == nil || opt.UDPSize() != ednsBufferSize {
			t.Fatalf("TC=%v answers=%d opt=%v", r.Truncated, len(r.Answer), opt)
		}
		if r.Len() > 1232 {
			t.Fatalf("response is %d bytes", r.Len())
		}
	})
	t.Run("udp with EDNS 65000", func(t *testing.T) {
		t.Parallel()
		r := query(t, s, "udp", "big.test.", dns.TypeTXT, withEDNS(65000))
		if r.Truncated || len(r.Answer) != 30 {
			t.Fatalf("TC=%v answers=%d", r.Truncated, len(r.Answer))
		}
	})
	t.Run("tcp", func(t *testing.T) {
		t.Parallel()
		for _, opts := range [][]queryOpt{nil, {withEDNS(1232)}} {
			r := query(t, s, "tcp", "big.test.", dns.TypeTXT, opts...)
			if r.Truncated || len(r.Answer) != 30 {
				t.Fatalf("TC=%v answers=%d", r.Truncated, len(r.Answer))
			}
		}
	})
	t.Run("small answer with EDNS", func(t *testing.T) {
		t.Parallel()
		r := query(t, s, "udp", "small.big.test.", dns.TypeTXT, withEDNS(4096))
		opt := r.IsEdns0()
		if r.Truncated || len(r.Answer) != 1 || opt == nil || opt.UDPSize() != ednsBufferSize {
			t.Fatalf("TC=%v answers=%d opt=%v", r.Truncated, len(r.Answer), opt)
		}
		r = query(t, s, "udp", "small.big.test.", dns.TypeTXT)
		if r.IsEdns0() != nil {
			t.Fatalf("OPT in reply to a query without: %v", r)
		}
	})
}

func TestQueries(t *testing.T) {
	t.Parallel()
	s := StartT(t, zoneX)
	if q := s.Queries(); len(q) != 0 {
		t.Fatalf("fresh server: %v", q)
	}
	before := time.Now()
	query(t, s, "udp", "X.edu.", dns.TypeTXT)
	query(t, s, "tcp", "_dmarc.x.edu.", dns.TypeTXT)
	query(t, s, "udp", "example.org.", dns.TypeA)
	got := s.Queries()
	want := []Query{
		{Name: "x.edu.", Type: dns.TypeTXT, Proto: "udp"},
		{Name: "_dmarc.x.edu.", Type: dns.TypeTXT, Proto: "tcp"},
		{Name: "example.org.", Type: dns.TypeA, Proto: "udp"},
	}
	if len(got) != len(want) {
		t.Fatalf("Queries() = %v", got)
	}
	for i := range want {
		g := got[i]
		if g.Name != want[i].Name || g.Type != want[i].Type || g.Proto != want[i].Proto || g.At.Before(before) {
			t.Errorf("query %d = %+v, want %+v", i, g, want[i])
		}
	}
	got[0].Name = "mutated"
	if s.Queries()[0].Name != "x.edu." {
		t.Fatal("Queries() shares its slice")
	}
	s.ResetQueries()
	if q := s.Queries(); len(q) != 0 {
		t.Fatalf("after reset: %v", q)
	}
}

func TestParallelServers(t *testing.T) {
	t.Parallel()
	addrs := make(chan string, 2)
	for i, zone := range []string{"$ORIGIN one.test.\n@ A 192.0.2.1\n", "$ORIGIN two.test.\n@ A 192.0.2.2\n"} {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			s := StartT(t, zone)
			addrs <- s.Addr()
			mine := fmt.Sprintf("%s.test.", []string{"one", "two"}[i])
			other := fmt.Sprintf("%s.test.", []string{"two", "one"}[i])
			for _, proto := range protos {
				r := query(t, s, proto, mine, dns.TypeA)
				if len(r.Answer) != 1 || r.Answer[0].(*dns.A).A.String() != fmt.Sprintf("192.0.2.%d", i+1) {
					t.Fatalf("answer = %v", r.Answer)
				}
				wantRcode(t, query(t, s, proto, other, dns.TypeA), dns.RcodeRefused)
			}
			s.SetFault(mine, Fault{ServFail: true})
			wantRcode(t, query(t, s, "udp", mine, dns.TypeA), dns.RcodeServerFailure)
		})
	}
	t.Cleanup(func() {
		if a, b := <-addrs, <-addrs; a == b {
			t.Errorf("both servers on %s", a)
		}
	})
}

func TestZoneParsing(t *testing.T) {
	t.Parallel()
	t.Run("default TTL, absolute names, zone from owners", func(t *testing.T) {
		t.Parallel()
		s := StartT(t, `
x.edu.                 IN TXT "v=spf1 -all"
_dmarc.x.edu.          IN TXT "v=DMARC1; p=none"
osc1._domainkey.y.edu. 120 IN CNAME osc1._domainkey.outreachsystems.com.
`)
		r := query(t, s, "udp", "x.edu.", dns.TypeTXT)
		if len(r.Answer) != 1 || r.Answer[0].Header().Ttl != 300 {
			t.Fatalf("answer = %v", r.Answer)
		}
		// x.edu became a zone, so a missing name below it is NXDOMAIN.
		wantRcode(t, query(t, s, "udp", "nope.x.edu.", dns.TypeTXT), dns.RcodeNameError)
		// y.edu itself is not served: the zone is at the record's owner.
		wantRcode(t, query(t, s, "udp", "y.edu.", dns.TypeTXT), dns.RcodeRefused)
		r = query(t, s, "udp", "osc1._domainkey.y.edu.", dns.TypeTXT)
		if len(r.Answer) != 1 || r.Answer[0].Header().Ttl != 120 {
			t.Fatalf("answer = %v", r.Answer)
		}
	})
	t.Run("$TTL and SOA", func(t *testing.T) {
		t.Parallel()
		s := StartT(t, zoneX)
		soa := s.Records("x.edu.", dns.TypeSOA)
		if len(soa) != 1 || soa[0].(*dns.SOA).Ns != "ns1.x.edu." || soa[0].Header().Ttl != 600 {
			t.Fatalf("SOA = %v", soa)
		}
		if got := s.Records("nothing.x.edu.", dns.TypeA); got != nil {
			t.Fatalf("Records = %v", got)
		}
	})
	t.Run("origin only", func(t *testing.T) {
		t.Parallel()
		s := StartT(t, "$ORIGIN empty.test.\n")
		r := query(t, s, "udp", "empty.test.", dns.TypeSOA)
		if len(r.Answer) != 1 || r.Answer[0].(*dns.SOA).Minttl != 300 {
			t.Fatalf("answer = %v", r.Answer)
		}
		wantRcode(t, query(t, s, "udp", "a.empty.test.", dns.TypeA), dns.RcodeNameError)
	})
	t.Run("errors", func(t *testing.T) {
		t.Parallel()
		if _, err := Start(zoneX, "x.edu. IN MX notanumber mail"); err == nil || !strings.HasPrefix(err.Error(), "dnstest: zone 2:") {
			t.Fatalf("err = %v", err)
		}
		ft := &fakeTB{}
		func() {
			defer func() { _ = recover() }()
			StartT(ft, "garbage garbage garbage")
		}()
		if !ft.failed || ft.cleanups != 0 {
			t.Fatalf("StartT with a bad zone: failed=%v cleanups=%d", ft.failed, ft.cleanups)
		}
	})
}

type fakeTB struct {
	failed   bool
	cleanups int
}

func (f *fakeTB) Helper()               {}
func (f *fakeTB) Cleanup(func())        { f.cleanups++ }
func (f *fakeTB) Fatalf(string, ...any) { f.failed = true }
func (f *fakeTB) Errorf(string, ...any) {}
func (f *fakeTB) Logf(string, ...any)   {}
func (f *fakeTB) String() string        { return "fakeTB" }

func TestClose(t *testing.T) {
	t.Parallel()
	s, err := Start(zoneX)
	if err != nil {
		t.Fatal(err)
	}
	query(t, s, "tcp", "x.edu.", dns.TypeA) // leaves an idle TCP connection

	// A query held by latency must not hold Close up.
	s.SetLatency(time.Hour)
	go func() { _, _, _ = exchange(s, "udp", "x.edu.", dns.TypeA, withTimeout(2*time.Second)) }()
	deadline := time.Now().Add(5 * time.Second)
	for len(s.Queries()) < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}

	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return")
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	for _, proto := range protos {
		if _, _, err := exchange(s, proto, "x.edu.", dns.TypeA, withTimeout(200*time.Millisecond)); err == nil {
			t.Errorf("%s: answered after Close", proto)
		}
	}
}

func TestCloseConcurrent(t *testing.T) {
	t.Parallel()
	s := StartT(t, zoneX)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Close(); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

func TestQtypeANYAndRelativeOrigin(t *testing.T) {
	t.Parallel()
	s := StartT(t, "$ORIGIN test.\n$ORIGIN rel\n@ A 192.0.2.1\n@ TXT \"t\"\n")
	r := query(t, s, "tcp", "rel.test.", dns.TypeANY)
	wantRcode(t, r, dns.RcodeSuccess)
	types := map[uint16]bool{}
	for _, rr := range r.Answer {
		types[rr.Header().Rrtype] = true
	}
	if len(r.Answer) != 2 || !types[dns.TypeA] || !types[dns.TypeTXT] {
		t.Fatalf("ANY answer = %v", r.Answer)
	}
	// Every $ORIGIN of a text without SOA is a zone candidate, highest
	// first: the zone is test., which holds rel.test.
	r = query(t, s, "udp", "test.", dns.TypeANY)
	if len(r.Answer) != 1 || r.Answer[0].Header().Rrtype != dns.TypeSOA {
		t.Fatalf("ANY at apex = %v", r.Answer)
	}
	wantRcode(t, query(t, s, "udp", "other.test.", dns.TypeA), dns.RcodeNameError)
}

// TestTCPAnswerTooBig: an RRset bigger than one DNS message (65,535 bytes)
// is sent cut and truncated over TCP, as real servers do, not dropped.
func TestTCPAnswerTooBig(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("$ORIGIN huge.test.\n")
	for i := range 300 {
		fmt.Fprintf(&b, "@ TXT \"%03d %s\"\n", i, strings.Repeat("h", 250))
	}
	s := StartT(t, b.String())
	r := query(t, s, "tcp", "huge.test.", dns.TypeTXT)
	if !r.Truncated || len(r.Answer) == 0 || len(r.Answer) >= 300 {
		t.Fatalf("TC=%v answers=%d, want TC and part of the records", r.Truncated, len(r.Answer))
	}
}

// barrierGuard bounds the barrier tests that expect the barrier to be met:
// only a broken server reaches it. The client waits longer still, so a
// question held by a barrier that is never met is answered, not lost.
const barrierGuard = 10 * time.Second

func TestBarrierMetByConcurrentQuestions(t *testing.T) {
	t.Parallel()
	s := StartT(t, zoneX)
	b := s.HoldUntil(3, barrierGuard)
	if b.Met() {
		t.Fatal("a fresh barrier is met")
	}
	names := []string{"x.edu.", "www.x.edu.", "ns1.x.edu."}
	var wg sync.WaitGroup
	errs := make([]error, len(names))
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, _, err := exchange(s, protos[i%2], name, dns.TypeA, withTimeout(2*barrierGuard))
			if err == nil && (r.Rcode != dns.RcodeSuccess || len(r.Answer) != 1) {
				err = fmt.Errorf("answer %v", r)
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if !b.Wait() || !b.Met() || b.Arrived() != 3 {
		t.Errorf("Met %v, Arrived %d; want true, 3", b.Met(), b.Arrived())
	}
	// Once open, the barrier holds nothing more.
	wantRcode(t, query(t, s, "udp", "x.edu.", dns.TypeTXT, withTimeout(2*barrierGuard)), dns.RcodeSuccess)
	if b.Arrived() != 3 {
		t.Errorf("Arrived %d after the barrier opened, want 3", b.Arrived())
	}
}

// TestBarrierNotMetByOneAtATime: a client that waits for each answer before
// asking again never brings two questions to the barrier; the guard
// releases the first and the barrier reports that it was not met. (The
// guard is short here because passing it is the expected outcome; nothing
// is measured.)
func TestBarrierNotMetByOneAtATime(t *testing.T) {
	t.Parallel()
	s := StartT(t, zoneX)
	b := s.HoldUntil(2, 50*time.Millisecond)
	for _, name := range []string{"x.edu.", "www.x.edu."} {
		r := query(t, s, "udp", name, dns.TypeA, withTimeout(barrierGuard))
		wantRcode(t, r, dns.RcodeSuccess)
	}
	if b.Wait() || b.Met() || b.Arrived() != 1 {
		t.Errorf("Met %v, Arrived %d; want false, 1", b.Met(), b.Arrived())
	}
}

// TestBarrierNames: with names, only their questions are held and counted;
// others are answered at once (here, while the barrier still holds one).
func TestBarrierNames(t *testing.T) {
	t.Parallel()
	s := StartT(t, zoneX)
	b := s.HoldUntil(2, barrierGuard, "WWW.x.edu", "ns1.x.edu.")
	held := make(chan error, 1)
	go func() {
		_, _, err := exchange(s, "udp", "www.x.edu.", dns.TypeA, withTimeout(2*barrierGuard))
		held <- err
	}()
	// The held question has arrived once Queries shows it.
	for !containsQuery(s.Queries(), "www.x.edu.") {
		select {
		case err := <-held:
			t.Fatalf("www.x.edu was answered before the barrier was met (err %v)", err)
		default:
		}
		time.Sleep(time.Millisecond)
	}
	wantRcode(t, query(t, s, "udp", "x.edu.", dns.TypeTXT, withTimeout(barrierGuard)), dns.RcodeSuccess)
	if b.Arrived() != 1 || b.Met() {
		t.Fatalf("after a question for another name: Arrived %d Met %v, want 1 false", b.Arrived(), b.Met())
	}
	wantRcode(t, query(t, s, "tcp", "ns1.x.edu.", dns.TypeA, withTimeout(2*barrierGuard)), dns.RcodeSuccess)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if !b.Met() || b.Arrived() != 2 {
		t.Errorf("Met %v, Arrived %d; want true, 2", b.Met(), b.Arrived())
	}
}

func containsQuery(qs []Query, name string) bool {
	for _, q := range qs {
		if q.Name == name {
			return true
		}
	}
	return false
}

// TestBarrierClose: closing the server ends the handlers a barrier holds.
func TestBarrierClose(t *testing.T) {
	t.Parallel()
	s, err := Start(zoneX)
	if err != nil {
		t.Fatal(err)
	}
	b := s.HoldUntil(2, time.Hour)
	done := make(chan error, 1)
	go func() {
		_, _, err := exchange(s, "tcp", "x.edu.", dns.TypeA, withTimeout(time.Hour))
		done <- err
	}()
	for len(s.Queries()) == 0 {
		time.Sleep(time.Millisecond)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err == nil {
		t.Error("the held question got an answer after Close")
	}
	if b.Met() {
		t.Error("the barrier is met")
	}
}

func TestBarrierZero(t *testing.T) {
	t.Parallel()
	s := StartT(t, zoneX)
	b := s.HoldUntil(0, barrierGuard)
	if !b.Met() || !b.Wait() {
		t.Error("a barrier for no question is not met")
	}
	wantRcode(t, query(t, s, "udp", "x.edu.", dns.TypeA), dns.RcodeSuccess)
}

// TestEmptyNonTerminalFollowsAddRemove: a name with no records of its own
// answers NODATA while some name below it owns records, and NXDOMAIN again
// once the last of them is removed, however many names the server holds.
func TestEmptyNonTerminalFollowsAddRemove(t *testing.T) {
	t.Parallel()
	s := StartT(t, zoneX)
	wantRcode(t, query(t, s, "udp", "c.x.edu.", dns.TypeTXT), dns.RcodeNameError)
	for _, rr := range []string{"d.c.x.edu. TXT \"one\"", "e.d.c.x.edu. TXT \"two\""} {
		if err := s.Add(rr); err != nil {
			t.Fatal(err)
		}
	}
	wantRcode(t, query(t, s, "udp", "c.x.edu.", dns.TypeTXT), dns.RcodeSuccess)
	wantRcode(t, query(t, s, "udp", "d.c.x.edu.", dns.TypeA), dns.RcodeSuccess)

	s.Remove("d.c.x.edu.", dns.TypeTXT)
	wantRcode(t, query(t, s, "udp", "c.x.edu.", dns.TypeTXT), dns.RcodeSuccess)   // e.d.c is still there
	wantRcode(t, query(t, s, "udp", "d.c.x.edu.", dns.TypeTXT), dns.RcodeSuccess) // now an empty non-terminal
	s.Remove("e.d.c.x.edu.", dns.TypeANY)
	wantRcode(t, query(t, s, "udp", "c.x.edu.", dns.TypeTXT), dns.RcodeNameError)
	wantRcode(t, query(t, s, "udp", "d.c.x.edu.", dns.TypeTXT), dns.RcodeNameError)
	// Removing what is not there changes nothing.
	s.Remove("e.d.c.x.edu.", dns.TypeANY)
	s.Remove("x.edu.", dns.TypeANY)
	wantRcode(t, query(t, s, "udp", "b.x.edu.", dns.TypeTXT), dns.RcodeSuccess) // deep.a.b is still there
	wantRcode(t, query(t, s, "udp", "c.x.edu.", dns.TypeTXT), dns.RcodeNameError)
}

// TestDMARCAboveZones: _dmarc under a parent of a served zone, which the
// DMARC tree walk asks, is NXDOMAIN, as a resolver answers; any other name
// outside the zones is still REFUSED, and a fault still applies.
func TestDMARCAboveZones(t *testing.T) {
	t.Parallel()
	s := StartT(t, zoneX)
	wantRcode(t, query(t, s, "udp", "_dmarc.edu.", dns.TypeTXT), dns.RcodeNameError)
	for _, name := range []string{"_dmarc.org.", "_dmarc.y.edu.", "edu.", "_spf.edu."} {
		wantRcode(t, query(t, s, "udp", name, dns.TypeTXT), dns.RcodeRefused)
	}
	s.SetFault("_dmarc.edu.", Fault{ServFail: true})
	wantRcode(t, query(t, s, "udp", "_dmarc.edu.", dns.TypeTXT), dns.RcodeServerFailure)
}
