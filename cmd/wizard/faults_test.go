package main

import (
	"encoding/json"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// The helpers of this file start with "flt".

// fltKinds are the ways a server that answers fails, and the code each
// must get.
var fltKinds = []struct {
	name  string
	fault dnstest.Fault
	code  string
}{
	{"timeout", dnstest.Fault{Silent: true}, "dns-timeout"},
	{"SERVFAIL", dnstest.Fault{ServFail: true}, "dns-servfail"},
	{"REFUSED", dnstest.Fault{Refused: true}, "dns-refused"},
	{"wrong ID", dnstest.Fault{WrongID: true}, "dns-bad-reply"},
	{"another question", dnstest.Fault{WrongQuestion: true}, "dns-bad-reply"},
	{"garbage", dnstest.Fault{Garbage: true}, "dns-bad-reply"},
}

// fltLookups are the lookups of 'wizard check', one at a time: the name at
// fault (type 0: every type) and the check that rests on it.
var fltLookups = []struct {
	name  string
	at    string
	qtype uint16
	check string
}{
	{"the domain's TXT", "yourcenter.edu", dns.TypeTXT, "spf"},
	{"an include target", "spf.outreachsystems.com", dns.TypeTXT, "spf"},
	{"the DKIM name", "osc1._domainkey.yourcenter.edu", 0, "dkim"},
	{"the DKIM key", "osc1._domainkey.outreachsystems.com", dns.TypeTXT, "dkim"},
	{"_dmarc", "_dmarc.yourcenter.edu", dns.TypeTXT, "dmarc"},
}

// fltCheck is one check of the --json document.
type fltCheck struct {
	Status   string `json:"status"`
	Problems []struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"problems"`
}

// fltDoc is the part of the --json document the fault tests read.
type fltDoc struct {
	Domains []struct {
		Domain string   `json:"domain"`
		Ready  bool     `json:"ready"`
		SPF    fltCheck `json:"spf"`
		DKIM   fltCheck `json:"dkim"`
		DMARC  fltCheck `json:"dmarc"`
	} `json:"domains"`
}

// fltServer serves the platform, Microsoft and a ready yourcenter.edu.
func fltServer(t *testing.T) *dnstest.Server {
	t.Helper()
	return dnstest.StartT(t, chkPlatformZone(t), chkMicrosoftZone, chkZone("yourcenter.edu", chkReady...))
}

// fltAtOnce is how many subtests fltBeside runs at once.
const fltAtOnce = 10

// fltBeside runs subtests side by side, fltAtOnce at a time. A silent
// server and a reply with the wrong ID are waited for up to the (short)
// query timeout, which would add up as parallel subtests: -parallel (the
// number of CPUs, two here) runs only that many at once.
type fltBeside struct {
	wg    sync.WaitGroup
	slots chan struct{}
}

// run runs f as the subtest name of t, in its own goroutine once a slot
// is free.
func (b *fltBeside) run(t *testing.T, name string, f func(t *testing.T)) {
	if b.slots == nil {
		b.slots = make(chan struct{}, fltAtOnce)
	}
	b.slots <- struct{}{}
	b.wg.Add(1)
	go func() {
		defer func() { <-b.slots; b.wg.Done() }()
		t.Run(name, f)
	}()
}

// wait waits for every subtest run.
func (b *fltBeside) wait() { b.wg.Wait() }

// TestCheckFaults: a timeout, SERVFAIL or REFUSED on one lookup at a time
// makes 'wizard check' exit 3, with the check that rests on it an error
// with the right code (never missing) and the other checks reporting their
// real verdicts, in the JSON document and in the report for a person.
func TestCheckFaults(t *testing.T) {
	t.Parallel()
	var beside fltBeside
	defer beside.wait()
	for _, l := range fltLookups {
		for _, k := range fltKinds {
			beside.run(t, l.name+"/"+k.name, func(t *testing.T) {
				srv := fltServer(t)
				if l.qtype == 0 {
					srv.SetFault(l.at, k.fault)
				} else {
					srv.SetFaultType(l.at, l.qtype, k.fault)
				}

				// A silent server and a reply with the wrong ID are waited
				// for up to the (short) query timeout: the report for a
				// person is made beside the JSON document, not after it.
				human := make(chan chkResult, 1)
				go func() { human <- chkCheck(t, srv, "yourcenter.edu") }()
				r := chkCheck(t, srv, "--json", "yourcenter.edu")
				if r.code != exitDNS || r.stderr != "" {
					t.Errorf("--json: exit %d stderr %q, want %d and nothing", r.code, r.stderr, exitDNS)
				}
				var doc fltDoc
				if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || len(doc.Domains) != 1 {
					t.Fatalf("stdout is not the document (%v):\n%s", err, r.stdout)
				}
				d := doc.Domains[0]
				checks := map[string]fltCheck{"spf": d.SPF, "dkim": d.DKIM, "dmarc": d.DMARC}
				for name, c := range checks {
					var codes []string
					for _, p := range c.Problems {
						codes = append(codes, p.Code)
					}
					if name != l.check {
						if c.Status != "pass" || len(codes) != 0 {
							t.Errorf("%s = %s %v, want its real verdict: pass, no problems", name, c.Status, codes)
						}
						continue
					}
					if c.Status != "error" || !slices.Equal(codes, []string{k.code}) {
						t.Errorf("%s = %s %v, want error [%s]", name, c.Status, codes, k.code)
					}
					if len(c.Problems) > 0 && !strings.Contains(c.Problems[0].Message, l.at) {
						t.Errorf("%s message %q does not name %s", k.code, c.Problems[0].Message, l.at)
					}
				}
				if d.Ready != (l.check == "dmarc") {
					t.Errorf("ready = %v: ready is SPF and DKIM passing", d.Ready)
				}

				r = <-human
				if r.code != exitDNS || r.stderr != "" {
					t.Errorf("human: exit %d stderr %q, want %d and nothing", r.code, r.stderr, exitDNS)
				}
				// DMARC trouble leaves the domain ready (SPF and DKIM pass).
				head := "yourcenter.edu  ? DNS trouble"
				if l.check == "dmarc" {
					head = "yourcenter.edu  ✓ ready"
				}
				for _, want := range []string{head, "? " + strings.ToUpper(l.check), "(" + k.code + ")\n", "Whether the record exists is unknown"} {
					if !strings.Contains(r.stdout, want) {
						t.Errorf("the report lacks %q:\n%s", want, r.stdout)
					}
				}
				if strings.Contains(r.stdout, "-missing") {
					t.Errorf("trouble reported as missing:\n%s", r.stdout)
				}
			})
		}
	}
}

// TestCheckFaultsNS: with --dns-server there is no authoritative
// discovery (docs/commands.md), so the zone's NS records are never asked and
// their failing changes nothing: exit 0. (Without --dns-server the NS are
// asked of the system's resolvers, which a test cannot replace; the
// discovery's fallback is tested in dnscheck, TestFaultsNSDiscovery.)
func TestCheckFaultsNS(t *testing.T) {
	t.Parallel()
	for _, k := range fltKinds {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			srv := fltServer(t)
			srv.SetFaultType("yourcenter.edu", dns.TypeNS, k.fault)
			r := chkCheck(t, srv, "--json", "yourcenter.edu")
			if r.code != exitOK {
				t.Errorf("exit %d, want 0\n%s", r.code, r.stdout)
			}
			for _, q := range srv.Queries() {
				if q.Type == dns.TypeNS || q.Type == dns.TypeSOA {
					t.Errorf("asked %s %s with --dns-server", q.Name, dns.TypeToString[q.Type])
				}
			}
		})
	}
}

// TestCheckFaultsSeveralDomains: trouble at one domain is exit 3 however
// the others fare, and their reports are complete.
func TestCheckFaultsSeveralDomains(t *testing.T) {
	t.Parallel()
	srv := dnstest.StartT(t, chkPlatformZone(t), chkMicrosoftZone,
		chkZone("yourcenter.edu", chkReady...), chkZone("second.edu", chkReady...), chkZone("othercenter.edu", chkNotReady...))
	srv.SetFault("_dmarc.second.edu", dnstest.Fault{Silent: true})
	r := chkCheck(t, srv, "--json", "yourcenter.edu", "second.edu", "othercenter.edu")
	if r.code != exitDNS {
		t.Errorf("exit %d, want %d", r.code, exitDNS)
	}
	var doc fltDoc
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || len(doc.Domains) != 3 {
		t.Fatalf("%v:\n%s", err, r.stdout)
	}
	got := []string{}
	for _, d := range doc.Domains {
		got = append(got, d.Domain+" "+d.SPF.Status+" "+d.DKIM.Status+" "+d.DMARC.Status)
	}
	want := []string{"yourcenter.edu pass pass pass", "second.edu pass pass error", "othercenter.edu fail missing pass"}
	if !slices.Equal(got, want) {
		t.Errorf("reports %v, want %v", got, want)
	}
}

// TestCheckUnreachable: a --dns-server where nothing listens, or whose
// name does not resolve, is exit 3 with dns-unreachable on every check,
// saying why in words; never missing, never SERVFAIL.
func TestCheckUnreachable(t *testing.T) {
	t.Parallel()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := pc.LocalAddr().String()
	pc.Close()
	for _, tc := range []struct{ server, says string }{
		{closed, "nothing answers at " + closed + " (connection refused)"},
		// Go's resolver never looks up .onion names (RFC 7686).
		{"no-such-server.onion", "the DNS server's name no-such-server.onion does not resolve"},
	} {
		t.Run(tc.server, func(t *testing.T) {
			t.Parallel()
			r := chkRun(t, "", "check", "--json", "--dns-server", tc.server, "yourcenter.edu")
			if r.code != exitDNS || r.stderr != "" {
				t.Errorf("exit %d stderr %q, want %d and nothing", r.code, r.stderr, exitDNS)
			}
			var doc fltDoc
			if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || len(doc.Domains) != 1 {
				t.Fatalf("stdout is not the document (%v):\n%s", err, r.stdout)
			}
			d := doc.Domains[0]
			for name, c := range map[string]fltCheck{"spf": d.SPF, "dkim": d.DKIM, "dmarc": d.DMARC} {
				if c.Status != "error" || len(c.Problems) == 0 {
					t.Fatalf("%s = %+v, want error", name, c)
				}
				for _, p := range c.Problems {
					if p.Code != "dns-unreachable" || !strings.Contains(p.Message, tc.says) {
						t.Errorf("%s problem %+v, want dns-unreachable saying %q", name, p, tc.says)
					}
				}
			}
			r = chkRun(t, "", "check", "--dns-server", tc.server, "yourcenter.edu")
			if r.code != exitDNS || !strings.Contains(r.stdout, "✗ No DNS server could be reached (dns-unreachable)") || strings.Contains(r.stdout, "SERVFAIL") ||
				!strings.Contains(r.stdout, "unknown: no DNS server could be reached") {
				t.Errorf("human: exit %d, want %d and dns-unreachable without SERVFAIL:\n%s", r.code, exitDNS, r.stdout)
			}
		})
	}
}
