package received_test

import (
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/dnscheck/dnstest"
	"github.com/outreach-auth/wizard/received"
)

// TestRelaxedAlignmentByTreeWalk: relaxed alignment compares the
// organisational domains the RFC 9989 tree walk finds, not the Public
// Suffix List's: under github.io (on the list, publishing DMARC) two
// sites share github.io; under a psd=n department, the university's own
// domain is another organisation.
func TestRelaxedAlignmentByTreeWalk(t *testing.T) {
	t.Parallel()
	keys(t)
	srv := dnstest.StartT(t,
		zone("github.io",
			`_dmarc IN TXT "v=DMARC1; p=reject"`,
			"k1._domainkey.other IN TXT "+keyTXT(otherKey)),
		zone("uni.edu",
			`_dmarc IN TXT "v=DMARC1; p=reject; sp=quarantine"`,
			`_dmarc.dept IN TXT "v=DMARC1; p=none; psd=n"`,
			"k1._domainkey IN TXT "+keyTXT(otherKey)),
	)
	tests := []struct {
		name, from, d  string
		aligned        bool
		result, policy string
		org, dmarcSrc  string
	}{
		{"two sites under github.io share it", "jane@center.github.io", "other.github.io", true, "pass", "reject", "github.io", "organizational"},
		{"psd=n: the university is another organisation", "jane@sbdc.dept.uni.edu", "uni.edu", false, "fail", "none", "dept.uni.edu", "organizational"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			msg := delivered(sign(t, content(tt.from), tt.d, "k1", otherKey), "bounce@mail.outreachsystems.com", platformIP, "")
			rep := verify(t, srv, msg)
			if len(rep.DKIM) != 1 {
				t.Fatalf("dkim: %+v", rep.DKIM)
			}
			d := rep.DKIM[0]
			if d.Result != "pass" || d.AlignedStrict || d.AlignedRelaxed != tt.aligned || d.Aligned != tt.aligned {
				t.Errorf("dkim: %+v, want relaxed alignment %v", d, tt.aligned)
			}
			if rep.DMARC.Result != tt.result || rep.DMARC.Policy != tt.policy || rep.DMARC.OrgDomain != tt.org || rep.DMARC.Source != tt.dmarcSrc {
				t.Errorf("dmarc: %+v, want %s %s org %s", rep.DMARC, tt.result, tt.policy, tt.org)
			}
			if tt.result == "pass" && rep.Verdict == received.VerdictError {
				t.Errorf("verdict %s", rep.Verdict)
			}
		})
	}
}

// TestAlignmentWalkSharesTheCache: the alignment walk of a signer under
// the From domain's organisation asks through the same cache as the From
// domain's DMARC check: every _dmarc name is sent once.
func TestAlignmentWalkSharesTheCache(t *testing.T) {
	t.Parallel()
	keys(t)
	srv := dnstest.StartT(t, zone("github.io",
		`_dmarc IN TXT "v=DMARC1; p=reject"`,
		"k1._domainkey.other IN TXT "+keyTXT(otherKey)))
	msg := delivered(sign(t, content("jane@center.github.io"), "other.github.io", "k1", otherKey), "bounce@mail.outreachsystems.com", platformIP, "")
	rep := verify(t, srv, msg)
	if len(rep.DKIM) != 1 || !rep.DKIM[0].Aligned || rep.DMARC.Result != "pass" {
		t.Fatalf("dkim %+v dmarc %+v", rep.DKIM, rep.DMARC)
	}
	asked := map[string]int{}
	for _, q := range srv.Queries() {
		if strings.HasPrefix(q.Name, "_dmarc.") {
			asked[q.Name]++
		}
	}
	for _, name := range []string{"_dmarc.center.github.io.", "_dmarc.other.github.io.", "_dmarc.github.io.", "_dmarc.io."} {
		if asked[name] != 1 {
			t.Errorf("%s asked %d times (all: %v)", name, asked[name], asked)
		}
	}
}

// TestAlignmentWalkTrouble: when DNS trouble leaves the From domain's
// organisational domain unknown, a signer that might share it makes DMARC
// a temperror, never a fail.
func TestAlignmentWalkTrouble(t *testing.T) {
	t.Parallel()
	keys(t)
	srv := dnstest.StartT(t, zone("github.io",
		`_dmarc.center IN TXT "v=DMARC1; p=reject"`,
		`_dmarc IN TXT "v=DMARC1; p=none"`,
		"k1._domainkey.other IN TXT "+keyTXT(otherKey)))
	srv.SetFault("_dmarc.io", dnstest.Fault{ServFail: true})
	msg := delivered(sign(t, content("jane@center.github.io"), "other.github.io", "k1", otherKey), "bounce@mail.outreachsystems.com", platformIP, "")
	rep := verify(t, srv, msg)
	if rep.DMARC.Policy != "reject" || rep.DMARC.Result != received.ResultTempError || rep.Verdict != received.VerdictError {
		t.Errorf("dmarc %+v verdict %s, want a temperror under p=reject", rep.DMARC, rep.Verdict)
	}
}
