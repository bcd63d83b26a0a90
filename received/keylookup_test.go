package received_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
	"github.com/outreach-auth/wizard/received"
)

// signedByDomains returns a message from jane@yourcenter.edu signed by
// key with selector k1 for each of n domains d0.example…, and the zones
// that publish the key for them.
func signedByDomains(t testing.TB, n int, key *rsa.PrivateKey) (msg string, zones []string, domains []string) {
	msg = content("jane@yourcenter.edu")
	for i := range n {
		d := fmt.Sprintf("d%d.example", i)
		domains = append(domains, d)
		zones = append(zones, zone(d, "k1._domainkey IN TXT "+keyTXT(key)))
		msg = signT(t, msg, d, "k1", key)
	}
	return msg, zones, domains
}

// signT is sign for a test or a benchmark.
func signT(t testing.TB, msg, d, s string, key crypto.Signer) string {
	t.Helper()
	var b bytes.Buffer
	err := dkim.Sign(&b, strings.NewReader(msg), &dkim.SignOptions{
		Domain: d, Selector: s, Signer: key,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed,
		HeaderKeys: []string{"From", "To", "Subject", "Date", "Message-ID"},
	})
	if err != nil {
		t.Fatalf("signing: %v", err)
	}
	return b.String()
}

// authoritativeChecker looks every domain's authority up first (the path
// without --dns-server), with per-query timeouts of perQuery.
func authoritativeChecker(srv *dnstest.Server, perQuery time.Duration) *dnscheck.Checker {
	return &dnscheck.Checker{
		Resolver:  dnscheck.NewClient(dnscheck.WithServers(srv.Addr()), dnscheck.WithTimeout(perQuery)),
		ResolveNS: func(context.Context, string) []string { return []string{srv.Addr()} },
		Timeout:   perQuery,
	}
}

// Signatures from different domains have their keys' authorities found
// side by side: the server holds the first question of each domain's
// discovery (its SOA) until all five are in flight at once, which a
// verifier that discovers one domain at a time never reaches (the guard
// then lets them through, and the barrier is not met).
func TestKeyLookupsOverlap(t *testing.T) {
	t.Parallel()
	srv := server(t)
	const n = 5
	msg, zones, domains := signedByDomains(t, n, otherKey)
	for _, z := range zones {
		if err := srv.AddZone(z); err != nil {
			t.Fatal(err)
		}
	}
	barrier := srv.HoldUntil(n, 3*time.Second, domains...)
	rep, err := received.Verify(context.Background(), strings.NewReader(delivered(msg, "bounce@yourcenter.edu", platformIP, "")),
		received.Options{Checker: authoritativeChecker(srv, 5*time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	if !barrier.Met() {
		t.Errorf("only %d of the %d domains' discoveries were in flight together", barrier.Arrived(), n)
	}
	if len(rep.DKIM) != n {
		t.Fatalf("dkim: %+v", rep.DKIM)
	}
	for _, d := range rep.DKIM {
		if d.Result != received.ResultPass {
			t.Errorf("dkim: %+v", d)
		}
	}
}

// The same domain signing twice is discovered once.
func TestKeyLookupsSameDomainOnce(t *testing.T) {
	t.Parallel()
	srv := server(t)
	msg := content("jane@yourcenter.edu")
	msg = signT(t, msg, "mcsv.net", "k1", otherKey)
	msg = signT(t, msg, "mcsv.net", "k1", otherKey)
	msg = signT(t, msg, "mcsv.net", "k1", otherKey)
	srv.ResetQueries()
	rep, err := received.Verify(context.Background(), strings.NewReader(delivered(msg, "bounce@yourcenter.edu", platformIP, "")),
		received.Options{Checker: authoritativeChecker(srv, 2*time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range rep.DKIM {
		if d.Result != received.ResultPass {
			t.Errorf("dkim: %+v", d)
		}
	}
	ns, key := 0, 0
	for _, q := range srv.Queries() {
		switch {
		case q.Name == "mcsv.net." && q.Type == dns.TypeNS:
			ns++
		case q.Name == "k1._domainkey.mcsv.net.":
			key++
		}
	}
	if ns != 1 || key != 1 {
		t.Errorf("mcsv.net's name servers were looked up %d times and its key %d times, want once each", ns, key)
	}
}

// Every key lookup of a message runs under one deadline: two servers that
// never answer cost the deadline once, not a per-query timeout each; the
// signature whose key came in time still passes, and the late ones are
// DNS trouble that names the deadline.
func TestKeyLookupsOneDeadline(t *testing.T) {
	t.Parallel()
	srv := server(t)
	msg, zones, domains := signedByDomains(t, 2, otherKey)
	for i, z := range zones {
		if err := srv.AddZone(z); err != nil {
			t.Fatal(err)
		}
		srv.SetFault("k1._domainkey."+domains[i], dnstest.Fault{Silent: true})
	}
	msg = signT(t, msg, "yourcenter.edu", "osc1", platformKey)
	c := &dnscheck.Checker{Resolver: dnscheck.NewClient(dnscheck.WithServers(srv.Addr()), dnscheck.WithTimeout(20*time.Second)), Direct: true}
	rep, err := received.Verify(context.Background(), strings.NewReader(delivered(msg, "bounce@othercenter.edu", platformIP, "")),
		received.Options{Checker: c, KeyTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.DKIM) != 3 {
		t.Fatalf("dkim: %+v", rep.DKIM)
	}
	if d := rep.DKIM[0]; d.Domain != "yourcenter.edu" || d.Result != received.ResultPass {
		t.Errorf("the key that came in time: %+v", d)
	}
	for _, d := range rep.DKIM[1:] {
		if d.Result != received.ResultTempError || !strings.Contains(d.Reason, "within the 300ms") {
			t.Errorf("late key: %+v", d)
		}
	}
	if rep.Verdict != received.VerdictPass {
		t.Errorf("verdict %q", rep.Verdict)
	}
}

// BenchmarkKeysFromTenDomains verifies a message signed for ten domains
// whose DNS answers each take 20 ms, through the authoritative-first path.
// Discovering the domains one after another costs ten times the
// discovery; side by side, about once.
func BenchmarkKeysFromTenDomains(b *testing.B) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	msg, zones, _ := signedByDomains(b, 10, key)
	zones = append(zones, zone("yourcenter.edu", `_dmarc IN TXT "v=DMARC1; p=none"`))
	srv := dnstest.StartT(b, zones...)
	srv.SetLatency(20 * time.Millisecond)
	msg = delivered(msg, "bounce@yourcenter.edu", "198.51.100.7", "")
	c := authoritativeChecker(srv, 5*time.Second)
	b.ResetTimer()
	for b.Loop() {
		rep, err := received.Verify(context.Background(), strings.NewReader(msg), received.Options{Checker: c})
		if err != nil || len(rep.DKIM) != 10 || rep.DKIM[9].Result != received.ResultPass {
			b.Fatalf("err %v dkim %+v", err, rep.DKIM)
		}
	}
}
