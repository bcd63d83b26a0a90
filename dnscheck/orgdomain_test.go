package dnscheck_test

import (
	"testing"

	"github.com/outreach-auth/wizard/dnscheck"
)

func TestOrgDomain(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"uni.edu", "uni.edu"},
		{"sbdc.uni.edu", "uni.edu"},
		{"a.b.sbdc.uni.edu.", "uni.edu"},
		{"SBDC.Uni.AC.UK", "uni.ac.uk"},
		{"sbdc.uni.ac.uk", "uni.ac.uk"},
		{"uni.ac.uk", "uni.ac.uk"},
		{"center.state.ca.us", "state.ca.us"},
		{"news.example.co.jp", "example.co.jp"},
		{"ac.uk", ""},
		{"edu", ""},
		{"", ""},
	} {
		if got := dnscheck.OrgDomain(c.in); got != c.want {
			t.Errorf("OrgDomain(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
