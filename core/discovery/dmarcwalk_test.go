package discovery

import (
	"slices"
	"testing"

	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// TestDiscoverDMARCTreeWalk: the snapshot's organisational domain and the
// parent whose record decides come from the RFC 9989 tree walk, and only
// the failed lookup the answer depends on is kept as trouble.
func TestDiscoverDMARCTreeWalk(t *testing.T) {
	t.Parallel()
	soa := "@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
	srv := dnstest.StartT(t,
		"$ORIGIN psdx.\n"+soa+`_dmarc IN TXT "v=DMARC1; p=reject; psd=y"`+"\ncenter IN A 192.0.2.1\n",
		"$ORIGIN github.io.\n"+soa+`_dmarc IN TXT "v=DMARC1; p=reject"`+"\ncenter IN A 192.0.2.1\n",
		"$ORIGIN uni.edu.\n"+soa+`_dmarc IN TXT "v=DMARC1; p=reject; sp=quarantine"`+"\n"+`_dmarc.dept IN TXT "v=DMARC1; p=none; psd=n"`+"\nsbdc.dept IN A 192.0.2.1\n",
		"$ORIGIN broken.edu.\n"+soa+`_dmarc IN TXT "v=DMARC1; p=reject"`+"\n"+`_dmarc IN TXT "v=DMARC1; p=none"`+"\nsbdc IN A 192.0.2.1\n",
	)
	srv.SetFault("_dmarc.edu", dnstest.Fault{ServFail: true}) // above every stop but broken.edu's
	tests := []struct {
		domain, org, parent string
		psd                 bool
		orgDMARC            int
		policy              bool // OrgPolicy applies
		trouble             []string
	}{
		{"center.psdx", "", "psdx", true, 1, true, nil},
		{"center.github.io", "github.io", "github.io", false, 1, true, nil},
		{"sbdc.dept.uni.edu", "dept.uni.edu", "dept.uni.edu", false, 1, true, nil},
		// The two records at broken.edu are discarded, so the walk goes on
		// to _dmarc.edu, which fails: the trouble is kept, and is what decides.
		{"sbdc.broken.edu", "", "edu", false, 0, false, []string{"TXT _dmarc.edu: the DNS server reported a failure"}},
	}
	for _, tt := range tests {
		s := discover(t, lookup(srv), tt.domain)
		var trouble []string
		for _, tr := range s.Trouble {
			trouble = append(trouble, tr.String())
		}
		_, policy := s.OrgPolicy()
		if s.OrgDomain != tt.org || s.ParentDMARCDomain != tt.parent || s.ParentPSD != tt.psd || len(s.OrgDMARC) != tt.orgDMARC || policy != tt.policy || !slices.Equal(trouble, tt.trouble) {
			t.Errorf("%s: org %q parent %q psd %v records %q policy %v trouble %q", tt.domain, s.OrgDomain, s.ParentDMARCDomain, s.ParentPSD, s.OrgDMARC, policy, trouble)
		}
	}
}
