package dnscheck_test

import (
	"context"
	"slices"
	"testing"

	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

func TestDMARCWalkNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"edu", []string{"edu"}},
		{"Sbdc.Uni.Edu.", []string{"sbdc.uni.edu", "uni.edu", "edu"}},
		// Eight labels or more: the domain, then straight to seven.
		{"a.b.c.d.e.f.g.h.i.j", []string{"a.b.c.d.e.f.g.h.i.j", "d.e.f.g.h.i.j", "e.f.g.h.i.j", "f.g.h.i.j", "g.h.i.j", "h.i.j", "i.j", "j"}},
		{"b.c.d.e.f.g.h.i", []string{"b.c.d.e.f.g.h.i", "c.d.e.f.g.h.i", "d.e.f.g.h.i", "e.f.g.h.i", "f.g.h.i", "g.h.i", "h.i", "i"}},
	}
	for _, tt := range tests {
		got := dnscheck.DMARCWalkNames(tt.in)
		if !slices.Equal(got, tt.want) {
			t.Errorf("DMARCWalkNames(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if len(got) > dnscheck.MaxDMARCWalkQueries {
			t.Errorf("DMARCWalkNames(%q) asks %d names", tt.in, len(got))
		}
	}
}

// TestWalkDMARCBounded: a deep name is walked with at most eight
// questions, skipping the labels between its own name and the last seven,
// and a record on a skipped name is never seen.
func TestWalkDMARCBounded(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, fxOrgZone("deep.edu",
		`_dmarc.c.d.e.f.g.h.deep IN TXT "v=DMARC1; p=reject"`, // skipped: 8 labels
		`_dmarc IN TXT "v=DMARC1; p=quarantine"`))
	domain := "a.b.c.d.e.f.g.h.deep.edu"
	w := dnscheck.WalkDMARC(context.Background(), newLookup(srv), domain)
	if len(srv.Queries()) > dnscheck.MaxDMARCWalkQueries {
		t.Errorf("%d queries: %v", len(srv.Queries()), srv.Queries())
	}
	for _, q := range srv.Queries() {
		if q.Name == "_dmarc.c.d.e.f.g.h.deep.edu." {
			t.Errorf("asked the skipped name %s", q.Name)
		}
	}
	s, ok := w.PolicyStep()
	if !ok || s.Domain != "deep.edu" || w.OrgDomain != "deep.edu" || w.Source != dnscheck.DMARCSourceOrganizational {
		t.Errorf("walk %+v", w)
	}
	if org, err := dnscheck.OrgDomainWalk(context.Background(), newLookup(srv), "x.deep.edu"); err != nil || org != "deep.edu" {
		t.Errorf("OrgDomainWalk = %q, %v", org, err)
	}
}

// TestOrgDomainWalkTrouble: DNS trouble on the way is an error, never an
// organisational domain guessed.
func TestOrgDomainWalkTrouble(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, fxOrgZone("uni.edu", `_dmarc IN TXT "v=DMARC1; p=reject"`))
	srv.SetFault("_dmarc.uni.edu", dnstest.Fault{ServFail: true})
	org, err := dnscheck.OrgDomainWalk(context.Background(), newLookup(srv), "sbdc.uni.edu")
	if err == nil || org != "" {
		t.Errorf("OrgDomainWalk = %q, %v; want an error", org, err)
	}
}

// TestWalkDMARCAuthoritative: the walk asks as every other lookup of a
// check does: names in the domain's zone from its authoritative servers
// (a policy published a moment ago counts, whatever the resolver caches),
// names above it from the resolver.
func TestWalkDMARCAuthoritative(t *testing.T) {
	t.Parallel()
	s := newAuthSetup(t,
		[]string{`_dmarc IN TXT "v=DMARC1; p=none"`, "news IN A 192.0.2.1"},
		[]string{`_dmarc IN TXT "v=DMARC1; p=reject"`, "news IN A 192.0.2.1"},
		[]string{`_dmarc IN TXT "v=DMARC1; p=reject"`, "news IN A 192.0.2.1"})
	rep := s.checker.Check(context.Background(), "news."+authDomain, fxExpect(t, nil))
	d := rep.DMARC
	if d.Status != dnscheck.VerdictPass || d.Policy != "reject" || d.Source != dnscheck.DMARCSourceOrganizational || d.OrgDomain != authDomain {
		t.Fatalf("dmarc %+v, want the authoritative p=reject of x.edu", d)
	}
	asked := func(srv *dnstest.Server, name string) bool {
		return slices.ContainsFunc(srv.Queries(), func(q dnstest.Query) bool { return q.Name == name })
	}
	if !asked(s.ns1, "_dmarc.x.edu.") && !asked(s.ns2, "_dmarc.x.edu.") {
		t.Error("_dmarc.x.edu was not asked of the authoritative servers")
	}
	if !asked(s.resolver, "_dmarc.edu.") || asked(s.ns1, "_dmarc.edu.") || asked(s.ns2, "_dmarc.edu.") {
		t.Error("_dmarc.edu, outside the zone, was not asked of the resolver alone")
	}
}
