package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// handListed is a domain whose SPF record lists the platform file's
// addresses by hand, with the DKIM CNAME in place.
var handListed = chkZone("handlisted.edu",
	"@ IN MX 0 handlisted-edu.mail.protection.outlook.com.",
	`@ IN TXT "v=spf1 include:spf.protection.outlook.com `+catalogIP4+` -all"`,
	"osc1._domainkey IN CNAME osc1._domainkey.outreachsystems.com.",
	`_dmarc IN TXT "v=DMARC1; p=none"`)

// platformIPsDoc is the part of 'wizard check --json' this file tests.
type platformIPsDoc struct {
	PlatformIPs *struct {
		Source   string   `json:"source"`
		Include  string   `json:"include"`
		Networks []string `json:"networks"`
		Reason   string   `json:"reason"`
	} `json:"platform_ips"`
	Domains []struct {
		Domain string `json:"domain"`
		SPF    struct {
			IPs []struct {
				IP string `json:"ip"`
			} `json:"ips"`
			Problems []struct {
				Code     string `json:"code"`
				Severity string `json:"severity"`
				Message  string `json:"message"`
			} `json:"problems"`
		} `json:"spf"`
	} `json:"domains"`
}

func decodePlatformIPs(t *testing.T, out string) platformIPsDoc {
	t.Helper()
	var doc platformIPsDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out)
	}
	if doc.PlatformIPs == nil || len(doc.Domains) == 0 {
		t.Fatalf("no platform_ips or no domain in\n%s", out)
	}
	return doc
}

// TestCheckLivePlatformIPs: the platform's include serves a changed set;
// check evaluates it, and tells a hand-listed record what it misses.
func TestCheckLivePlatformIPs(t *testing.T) {
	t.Parallel()
	srv := chkServer(t, handListed)
	srv.Remove("spf.outreachsystems.com.", dns.TypeTXT)
	if err := srv.Add(`spf.outreachsystems.com. 300 IN TXT "v=spf1 ` + liveIP4 + ` -all"`); err != nil {
		t.Fatal(err)
	}
	live := strings.Fields(strings.ReplaceAll(liveIP4, "ip4:", ""))

	r := chkCheck(t, srv, "--json", "yourcenter.edu", "handlisted.edu")
	if r.code != exitNotReady {
		t.Errorf("exit %d, want %d (handlisted.edu misses an address)", r.code, exitNotReady)
	}
	doc := decodePlatformIPs(t, r.stdout)
	if p := doc.PlatformIPs; p.Source != "live" || p.Reason != "" || len(p.Networks) != len(live) || p.Networks[len(live)-1] != "203.0.113.9/32" {
		t.Errorf("platform_ips = %+v, want the live set", *p)
	}
	for _, d := range doc.Domains {
		var ips []string
		for _, ip := range d.SPF.IPs {
			ips = append(ips, ip.IP)
		}
		if !slices.Equal(ips, live) {
			t.Errorf("%s: evaluated %v, want %v", d.Domain, ips, live)
		}
	}
	var codes []string
	for _, p := range doc.Domains[1].SPF.Problems {
		codes = append(codes, p.Code)
		if p.Code == "spf-platform-ips-stale" && (p.Severity != "error" || !strings.Contains(p.Message, "203.0.113.9")) {
			t.Errorf("stale problem %+v, want an error naming 203.0.113.9", p)
		}
	}
	for _, c := range []string{"spf-platform-ips-stale", "spf-platform-ips-listed", "spf-platform-not-authorized"} {
		if !slices.Contains(codes, c) {
			t.Errorf("handlisted.edu: problems %v lack %s", codes, c)
		}
	}

	// A person is told nothing about the addresses when they were read.
	r = chkCheck(t, srv, "yourcenter.edu")
	if r.code != exitOK || strings.Contains(r.stdout, "could not be read") {
		t.Errorf("exit %d, output:\n%s", r.code, r.stdout)
	}
}

// TestCheckPlatformIPsFallback: when the platform's include cannot be read
// (SERVFAIL, timeout), the platform file's addresses are evaluated, and
// both outputs say so: one line for a person, platform_ips in JSON.
func TestCheckPlatformIPsFallback(t *testing.T) {
	t.Parallel()
	catalog := strings.Fields(strings.ReplaceAll(catalogIP4, "ip4:", ""))
	for _, tc := range []struct {
		name   string
		fault  dnstest.Fault
		reason string
	}{
		{"servfail", dnstest.Fault{ServFail: true}, "the DNS server reported a failure"},
		{"timeout", dnstest.Fault{Silent: true}, "did not answer within"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := chkServer(t, handListed)
			srv.SetFaultType("spf.outreachsystems.com", dns.TypeTXT, tc.fault)

			// A silent server is waited for up to the (short) query
			// timeout: the report for a person is made beside the JSON.
			human := make(chan chkResult, 1)
			go func() { human <- chkCheck(t, srv, "handlisted.edu") }()
			r := chkCheck(t, srv, "--json", "handlisted.edu")
			doc := decodePlatformIPs(t, r.stdout)
			p := doc.PlatformIPs
			if p.Source != "catalog" || p.Include != "spf.outreachsystems.com" || !strings.Contains(p.Reason, tc.reason) || len(p.Networks) != len(catalog) {
				t.Errorf("platform_ips = %+v, want the catalog's, with the reason %q", *p, tc.reason)
			}
			var ips []string
			for _, ip := range doc.Domains[0].SPF.IPs {
				ips = append(ips, ip.IP)
			}
			if !slices.Equal(ips, catalog) {
				t.Errorf("evaluated %v, want the platform file's %v", ips, catalog)
			}
			// The hand-written list is the catalog's: nothing can be
			// said to be missing, and the domain is ready.
			if r.code != exitOK {
				t.Errorf("exit %d, want %d", r.code, exitOK)
			}

			r = <-human
			var lines []string
			for _, l := range strings.Split(r.stdout, "\n") {
				if strings.Contains(l, "could not be read from spf.outreachsystems.com") {
					lines = append(lines, l)
				}
			}
			if len(lines) != 1 || !strings.Contains(lines[0], tc.reason) || !strings.Contains(lines[0], "the 8 in the platform file") {
				t.Errorf("the fallback is said on %d lines, want one with the reason:\n%s", len(lines), r.stdout)
			}
		})
	}
}
