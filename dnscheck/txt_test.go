package dnscheck

import (
	"context"
	"testing"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

func TestTXTExactBytes(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, "$ORIGIN x.edu.\n@ 300 IN TXT \"v=spf1 \\\"q\\\" \\226\\128\\156 a\\\\b\" \"\\027[31m\"\n")
	c := NewClient(WithServers(srv.Addr()))
	got := c.Query(context.Background(), "x.edu", dns.TypeTXT).TXT()
	want := "v=spf1 \"q\" “ a\\b\x1b[31m"
	if len(got) != 1 || got[0] != want {
		t.Fatalf("TXT() = %q, want %q", got, want)
	}
}
