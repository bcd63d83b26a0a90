package discovery

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

const zoneYC = `$ORIGIN yourcenter.edu.
@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@ IN NS  Bob.NS.Cloudflare.com.
@ IN NS  ada.ns.cloudflare.com.
@ IN MX  20 ASPMX.L.GOOGLE.COM.
@ IN MX  10 yourcenter-edu.mail.protection.outlook.com.
@ IN TXT "v=spf1 include:spf.protection.outlook.com" " -all"
@ IN TXT "V=SPF1 mx ~all"
@ IN TXT "\226\128\156v=spf1 a -all\226\128\157"
@ IN TXT "google-site-verification=abc"
osc1._domainkey IN CNAME osc1._domainkey.outreachsystems.com.
_dmarc IN TXT "v=DMARC1; p=none"
_dmarc IN TXT "V=DMARC1; p=reject"
_dmarc IN TXT "hello"
mail IN MX 0 .
osc1._domainkey.mail IN TXT "v=DKIM1; k=rsa; p=\"quoted\" \027"
osc1._domainkey.mail IN A 192.0.2.7
osc1._domainkey.mail IN AAAA 2001:db8::7
osc1._domainkey.mail.yourcenter.edu IN CNAME osc1._domainkey.outreachsystems.com.
`

func discover(t *testing.T, q dnscheck.Querier, domain string) Snapshot {
	t.Helper()
	return Discover(context.Background(), q, domain, assets.DefaultPlatform())
}

func lookup(srv *dnstest.Server) *dnscheck.Lookup {
	return dnscheck.NewLookup(dnscheck.NewClient(dnscheck.WithServers(srv.Addr())))
}

func TestDiscoverApex(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, zoneYC)
	s := discover(t, lookup(srv), "YourCenter.EDU.")

	if s.Domain != "yourcenter.edu" || s.Zone != "yourcenter.edu" {
		t.Errorf("Domain, Zone = %q, %q", s.Domain, s.Zone)
	}
	if want := []string{"ada.ns.cloudflare.com", "bob.ns.cloudflare.com"}; !slices.Equal(s.NS, want) {
		t.Errorf("NS = %q, want %q", s.NS, want)
	}
	if s.DNSHost.ID != "cloudflare" {
		t.Errorf("DNSHost = %q, want cloudflare", s.DNSHost.ID)
	}
	if want := []string{"yourcenter-edu.mail.protection.outlook.com", "aspmx.l.google.com"}; !slices.Equal(s.MX, want) {
		t.Errorf("MX = %q, want %q (by preference)", s.MX, want)
	}
	if !s.ProviderFound || s.Provider.ID != "microsoft365" || s.ProviderMX != "yourcenter-edu.mail.protection.outlook.com" {
		t.Errorf("Provider = %q found=%v via %q, want microsoft365 via the preferred MX", s.Provider.ID, s.ProviderFound, s.ProviderMX)
	}
	wantSPF := []string{"v=spf1 include:spf.protection.outlook.com -all", "V=SPF1 mx ~all"}
	if got := slices.Sorted(slices.Values(s.SPF)); !slices.Equal(got, slices.Sorted(slices.Values(wantSPF))) {
		t.Errorf("SPF = %q, want %q (strings joined as published)", s.SPF, wantSPF)
	}
	if want := []string{"\u201cv=spf1 a -all\u201d"}; !slices.Equal(s.SPFLike, want) {
		t.Errorf("SPFLike = %q, want %q", s.SPFLike, want)
	}
	if s.DKIMName != "osc1._domainkey.yourcenter.edu." || s.DKIMTarget != "osc1._domainkey.outreachsystems.com." || len(s.DKIMOther) != 0 {
		t.Errorf("DKIM = %q → %q, other %q", s.DKIMName, s.DKIMTarget, s.DKIMOther)
	}
	if s.DKIMDoubled != "" {
		t.Errorf("DKIMDoubled = %q, want none", s.DKIMDoubled)
	}
	wantDMARC := []string{"v=DMARC1; p=none", "V=DMARC1; p=reject"}
	if got := slices.Sorted(slices.Values(s.DMARC)); !slices.Equal(got, slices.Sorted(slices.Values(wantDMARC))) {
		t.Errorf("DMARC = %q, want %q", s.DMARC, wantDMARC)
	}
	if len(s.Trouble) != 0 {
		t.Errorf("Trouble = %v, want none", s.Trouble)
	}
}

func TestDiscoverSubdomain(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, zoneYC)
	s := discover(t, lookup(srv), "mail.yourcenter.edu")
	if s.Zone != "yourcenter.edu" {
		t.Errorf("Zone = %q, want the enclosing zone yourcenter.edu", s.Zone)
	}
	if s.DNSHost.ID != "cloudflare" {
		t.Errorf("DNSHost = %q: the zone's NS decide", s.DNSHost.ID)
	}
	if len(s.MX) != 0 || s.ProviderFound {
		t.Errorf("null MX: MX = %q, provider found %v", s.MX, s.ProviderFound)
	}
	if s.DKIMTarget != "" {
		t.Errorf("DKIMTarget = %q, want none", s.DKIMTarget)
	}
	wantOther := []string{"TXT v=DKIM1; k=rsa; p=\"quoted\" \x1b", "A 192.0.2.7", "AAAA 2001:db8::7"}
	if !slices.Equal(s.DKIMOther, wantOther) {
		t.Errorf("DKIMOther = %q, want %q (exact published bytes)", s.DKIMOther, wantOther)
	}
	// A form that appends the zone doubles the zone, not the domain.
	if want := "osc1._domainkey.mail.yourcenter.edu.yourcenter.edu."; s.DKIMDoubled != want || s.DKIMDoubledTarget != "osc1._domainkey.outreachsystems.com." {
		t.Errorf("DKIMDoubled = %q → %q, want %q", s.DKIMDoubled, s.DKIMDoubledTarget, want)
	}
	if len(s.SPF) != 0 || len(s.DMARC) != 0 {
		t.Errorf("SPF %q DMARC %q, want none", s.SPF, s.DMARC)
	}
}

func TestDiscoverDoubledAtApex(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, `$ORIGIN x.edu.
@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300
osc1._domainkey.x.edu IN CNAME osc1._domainkey.outreachsystems.com.
`)
	s := discover(t, lookup(srv), "x.edu")
	if s.DKIMDoubled != "osc1._domainkey.x.edu.x.edu." || s.DKIMTarget != "" {
		t.Errorf("DKIMDoubled = %q, DKIMTarget = %q", s.DKIMDoubled, s.DKIMTarget)
	}
	if s.DNSHost.ID != assets.GenericDNSHostID {
		t.Errorf("no NS: DNSHost = %q, want generic", s.DNSHost.ID)
	}
}

func TestDiscoverTrouble(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, zoneYC)
	srv.SetFaultType("yourcenter.edu.", dns.TypeTXT, dnstest.Fault{ServFail: true})
	srv.SetFault("_dmarc.yourcenter.edu.", dnstest.Fault{Refused: true})
	s := discover(t, lookup(srv), "yourcenter.edu")
	got := make([]string, len(s.Trouble))
	for i, tr := range s.Trouble {
		got[i] = tr.String()
	}
	want := []string{"TXT _dmarc.yourcenter.edu: the DNS server refused to answer", "TXT yourcenter.edu: the DNS server reported a failure"}
	if !slices.Equal(got, want) {
		t.Errorf("Trouble = %q, want %q", got, want)
	}
	if len(s.SPF) != 0 || len(s.DMARC) != 0 {
		t.Errorf("SPF %q, DMARC %q: nothing can be known", s.SPF, s.DMARC)
	}
	if s.Trouble[1].Status != dnscheck.StatusServFail || s.Trouble[1].Name != "yourcenter.edu." || s.Trouble[1].Type != "TXT" {
		t.Errorf("Trouble[1] = %+v", s.Trouble[1])
	}

	// A name that does not exist is absent, not trouble.
	srv.ClearFault("_dmarc.yourcenter.edu.")
	s = discover(t, lookup(srv), "nothere.yourcenter.edu")
	if len(s.Trouble) != 0 {
		t.Errorf("NXDOMAIN reported as trouble: %v", s.Trouble)
	}
}

// TestDiscoverAsksEachQuestionOnce: even without a Lookup cache in front,
// discovery sends one query per name and type.
func TestDiscoverAsksEachQuestionOnce(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, zoneYC)
	discover(t, dnscheck.NewClient(dnscheck.WithServers(srv.Addr())), "mail.yourcenter.edu")
	seen := map[string]int{}
	for _, q := range srv.Queries() {
		seen[fmt.Sprintf("%s %s %s", q.Name, dns.TypeToString[q.Type], q.Proto)]++
	}
	for k, n := range seen {
		if n > 1 {
			t.Errorf("%s asked %d times", k, n)
		}
	}
	for _, want := range []string{"mail.yourcenter.edu. TXT udp", "yourcenter.edu. NS udp", "_dmarc.mail.yourcenter.edu. TXT udp", "osc1._domainkey.mail.yourcenter.edu. CNAME udp"} {
		if seen[want] == 0 {
			t.Errorf("never asked %s; asked %v", want, seen)
		}
	}
	if strings.Contains(fmt.Sprint(seen), "mail.yourcenter.edu.mail.yourcenter.edu") {
		t.Errorf("looked for the doubled name with the domain twice: %v", seen)
	}
}
