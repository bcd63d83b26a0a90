package dnscheck

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

const lookupZone = `$ORIGIN lk.test.
@     IN A   192.0.2.1
@     IN TXT "v=spf1 -all"
slow  IN A   192.0.2.2
`

// countQueries counts the queries srv received for name and qtype.
func countQueries(srv *dnstest.Server, name string, qtype uint16) int {
	n := 0
	for _, q := range srv.Queries() {
		if q.Name == dns.CanonicalName(name) && q.Type == qtype {
			n++
		}
	}
	return n
}

func TestLookupConcurrentAskersShareOneQuery(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, lookupZone)
	// Latency keeps the first query in flight while the others arrive.
	srv.SetFault("lk.test.", dnstest.Fault{Latency: 100 * time.Millisecond})
	l := NewLookup(clientFor([]*dnstest.Server{srv}))

	var wg sync.WaitGroup
	results := make([]Response, 20)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := "lk.test."
			if i%2 == 1 {
				name = "LK.Test" // the same question, written differently
			}
			results[i] = l.Query(context.Background(), name, dns.TypeA)
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r.Status != StatusOK || len(r.Records()) != 1 {
			t.Errorf("asker %d: %v %v", i, r.Status, r.Err)
		}
	}
	if n := countQueries(srv, "lk.test.", dns.TypeA); n != 1 {
		t.Errorf("the server got %d A queries, want 1", n)
	}

	// Later askers are served from the cache too.
	if r := l.Query(context.Background(), "lk.test", dns.TypeA); r.Status != StatusOK {
		t.Errorf("cached: %v", r.Status)
	}
	if n := countQueries(srv, "lk.test.", dns.TypeA); n != 1 {
		t.Errorf("after a cached answer the server got %d A queries, want 1", n)
	}
}

func TestLookupTypesAreSeparate(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, lookupZone)
	l := NewLookup(clientFor([]*dnstest.Server{srv}))
	ctx := context.Background()

	a := l.Query(ctx, "lk.test", dns.TypeA)
	txt := l.Query(ctx, "lk.test", dns.TypeTXT)
	mx := l.Query(ctx, "lk.test", dns.TypeMX)
	if a.Status != StatusOK || a.Type != dns.TypeA || len(a.Records()) != 1 {
		t.Errorf("A: %v %v", a.Status, rrStrings(a.Answer))
	}
	if txt.Status != StatusOK || len(txt.TXT()) != 1 || txt.TXT()[0] != "v=spf1 -all" {
		t.Errorf("TXT: %v %q", txt.Status, txt.TXT())
	}
	if mx.Status != StatusNoData {
		t.Errorf("MX: %v, want nodata", mx.Status)
	}
	for _, qt := range []uint16{dns.TypeA, dns.TypeTXT, dns.TypeMX} {
		if n := countQueries(srv, "lk.test.", qt); n != 1 {
			t.Errorf("%s asked %d times, want 1", dns.TypeToString[qt], n)
		}
	}
	// Negative answers are cached like positive ones.
	l.Query(ctx, "lk.test", dns.TypeMX)
	if n := countQueries(srv, "lk.test.", dns.TypeMX); n != 1 {
		t.Errorf("MX asked %d times, want 1", n)
	}
}

// TestLookupWaiterGivesUp: a caller whose context ends while another
// caller's query is in flight returns at once, without that answer.
func TestLookupWaiterGivesUp(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, lookupZone)
	// The first caller's answer is held until a second question for the
	// name reaches the server, which the test asks itself at the end: the
	// waiter can only return by giving up (the guard and the timeout are
	// for a broken lookup).
	held := srv.HoldUntil(2, 10*time.Second, "slow.lk.test")
	l := NewLookup(clientFor([]*dnstest.Server{srv}, WithTimeout(30*time.Second)))

	firstDone := make(chan Response, 1)
	go func() { firstDone <- l.Query(context.Background(), "slow.lk.test", dns.TypeA) }()
	waitForQueries(t, srv, 1) // the first caller's query is in flight

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	r := l.Query(ctx, "slow.lk.test", dns.TypeA)
	// The ordering is the point: the waiter is back while the first
	// caller still waits for the server.
	select {
	case <-firstDone:
		t.Fatal("the waiter returned only after the query in flight had finished")
	default:
	}
	if !r.Status.Trouble() || r.Err == nil {
		t.Errorf("waiter got %v (%v), want trouble", r.Status, r.Err)
	}
	if n := countQueries(srv, "slow.lk.test.", dns.TypeA); n != 1 {
		t.Errorf("%d queries, want 1", n)
	}
	// The second question opens the barrier: both are answered.
	if r := clientFor([]*dnstest.Server{srv}, WithTimeout(30*time.Second)).Query(context.Background(), "slow.lk.test", dns.TypeA); r.Status != StatusOK {
		t.Errorf("the releasing question got %v (%v)", r.Status, r.Err)
	}
	if !held.Met() {
		t.Error("the first caller's answer was not held until the end")
	}
	if first := <-firstDone; first.Status != StatusOK {
		t.Errorf("first caller got %v (%v)", first.Status, first.Err)
	}
}

// TestLookupAbandonedQueryNotCached: when the caller whose query is in
// flight gives up, its failure must not become everybody's answer.
func TestLookupAbandonedQueryNotCached(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, lookupZone)
	srv.SetFault("slow.lk.test.", dnstest.Fault{Latency: 300 * time.Millisecond})
	l := NewLookup(clientFor([]*dnstest.Server{srv}, WithTimeout(30*time.Second)))

	ctx, cancel := context.WithCancel(context.Background())
	firstDone := make(chan Response, 1)
	go func() { firstDone <- l.Query(ctx, "slow.lk.test", dns.TypeA) }()
	waitForQueries(t, srv, 1)

	// A second caller with a live context waits on the first one's query.
	secondDone := make(chan Response, 1)
	go func() { secondDone <- l.Query(context.Background(), "slow.lk.test", dns.TypeA) }()
	cancel()
	if r := <-firstDone; !r.Status.Trouble() {
		t.Errorf("cancelled caller got %v", r.Status)
	}
	if r := <-secondDone; r.Status != StatusOK {
		t.Errorf("waiting caller got %v (%v), want the answer", r.Status, r.Err)
	}
	if r := l.Query(context.Background(), "slow.lk.test", dns.TypeA); r.Status != StatusOK {
		t.Errorf("later caller got %v (%v), want the answer", r.Status, r.Err)
	}
}
