package dnscheck

import (
	"context"
	"testing"

	"github.com/miekg/dns"
)

// TestNotRecursiveEmptyAnswer: an empty NOERROR answer with RA=0 and
// AA=0 to a recursive question is not-recursive; the same with RA=1 (a
// resolver) or AA=1 (the zone's own server) is an empty answer.
func TestNotRecursiveEmptyAnswer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ra, aa bool
		want   Status
	}{
		{false, false, StatusNotRecursive},
		{true, false, StatusNoData},
		{false, true, StatusNoData},
	} {
		addr := startRawServer(t, func(w dns.ResponseWriter, r *dns.Msg) {
			m := new(dns.Msg)
			m.SetReply(r)
			m.RecursionAvailable, m.Authoritative = tc.ra, tc.aa
			_ = w.WriteMsg(m)
		})
		got := NewClient(WithServers(addr)).Query(context.Background(), "x.example", dns.TypeTXT)
		if got.Status != tc.want {
			t.Errorf("RA=%v AA=%v: status %v, want %v", tc.ra, tc.aa, got.Status, tc.want)
		}
		if tc.want == StatusNotRecursive && (!got.Status.Trouble() || got.Status.Absent()) {
			t.Errorf("not-recursive is not trouble")
		}
	}
}
