package dnscheck_test

import (
	"context"
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// faultKinds are the ways a DNS server that answers at all fails, and the
// problem code each must be reported with.
var faultKinds = []struct {
	name  string
	fault dnstest.Fault
	code  dnscheck.Code
}{
	{"timeout", dnstest.Fault{Silent: true}, dnscheck.CodeDNSTimeout},
	{"SERVFAIL", dnstest.Fault{ServFail: true}, dnscheck.CodeDNSServFail},
	{"REFUSED", dnstest.Fault{Refused: true}, dnscheck.CodeDNSRefused},
	{"wrong ID", dnstest.Fault{WrongID: true}, dnscheck.CodeDNSBadReply},
	{"another question", dnstest.Fault{WrongQuestion: true}, dnscheck.CodeDNSBadReply},
	{"garbage", dnstest.Fault{Garbage: true}, dnscheck.CodeDNSBadReply},
}

// faultLookups are the lookups of one check, each with the name (and type;
// 0 for every type) that misbehaves and the check it belongs to.
var faultLookups = []struct {
	name  string
	at    string
	qtype uint16
	check string // "spf", "dkim" or "dmarc"
}{
	{"the domain's TXT", fxDomain, dns.TypeTXT, "spf"},
	{"an include target", "spf.outreachsystems.com", dns.TypeTXT, "spf"},
	{"the DKIM name", "osc1._domainkey." + fxDomain, 0, "dkim"},
	{"the DKIM key behind the CNAME", "osc1._domainkey.outreachsystems.com", dns.TypeTXT, "dkim"},
	{"_dmarc", "_dmarc." + fxDomain, dns.TypeTXT, "dmarc"},
}

// splitQuerier asks one real server through two real clients: questions
// for the faulted name (and type; 0 for every type) through short, all
// others through long.
type splitQuerier struct {
	name        string
	qtype       uint16
	short, long *dnscheck.Client
}

// Query implements dnscheck.Querier.
func (q splitQuerier) Query(ctx context.Context, name string, qtype uint16) dnscheck.Response {
	if dns.CanonicalName(name) == dns.CanonicalName(q.name) && (q.qtype == 0 || q.qtype == qtype) {
		return q.short.Query(ctx, name, qtype)
	}
	return q.long.Query(ctx, name, qtype)
}

// faultQuerier returns how a fault test asks srv, where the name at (and
// qtype) misbehaves as f. Every answer is waited for fxAnswerWait, which
// only a broken run reaches, so on a loaded machine neither a SERVFAIL or
// REFUSED answer nor the healthy lookups turn into timeouts; only the
// questions of a silent name, or of one answered with the wrong ID, give up
// after fxSilentWait, since that timeout is what ends them.
func faultQuerier(srv *dnstest.Server, at string, qtype uint16, f dnstest.Fault) dnscheck.Querier {
	long := dnscheck.NewClient(dnscheck.WithServers(srv.Addr()), dnscheck.WithTimeout(fxAnswerWait))
	short := long
	if f.Silent || f.WrongID {
		// A reply with the wrong ID is dropped, as one that never came:
		// the question too ends at the timeout.
		short = dnscheck.NewClient(dnscheck.WithServers(srv.Addr()), dnscheck.WithTimeout(fxSilentWait))
	}
	return splitQuerier{name: at, qtype: qtype, short: short, long: long}
}

// checkOf returns the status and problems of one check of rep.
func checkOf(rep dnscheck.DomainReport, check string) (dnscheck.Verdict, []dnscheck.Problem) {
	switch check {
	case "spf":
		return rep.SPF.Status, rep.SPF.Problems
	case "dkim":
		return rep.DKIM.Status, rep.DKIM.Problems
	}
	return rep.DMARC.Status, rep.DMARC.Problems
}

// TestFaultsEachLookup: a timeout, SERVFAIL or REFUSED on one lookup at a
// time makes the check it belongs to an error with the right code (never
// "missing"), naming the name at fault, while the other checks report
// their real verdicts (the domain is set up right: pass, no problems; in
// particular no dmarc-blocks-platform, which trouble cannot prove).
func TestFaultsEachLookup(t *testing.T) {
	t.Parallel()
	for _, l := range faultLookups {
		for _, k := range faultKinds {
			t.Run(l.name+"/"+k.name, func(t *testing.T) {
				t.Parallel()
				srv := fxServer(t, fxOrgZone(fxDomain, fxReadyLines()...))
				if l.qtype == 0 {
					srv.SetFault(l.at, k.fault)
				} else {
					srv.SetFaultType(l.at, l.qtype, k.fault)
				}
				c := &dnscheck.Checker{Resolver: faultQuerier(srv, l.at, l.qtype, k.fault), Direct: true}
				rep := c.Check(context.Background(), fxDomain, fxExpect(t, nil))

				status, problems := checkOf(rep, l.check)
				if status != dnscheck.VerdictError {
					t.Errorf("%s status = %q, want error (problems %v)", l.check, status, fxCodes(problems))
				}
				for _, p := range problems {
					if p.Code.IsDNSTrouble() {
						if !strings.Contains(p.Message, l.at) {
							t.Errorf("%s message %q does not name %s", p.Code, p.Message, l.at)
						}
					}
					if strings.HasSuffix(string(p.Code), "-missing") {
						t.Errorf("%s problems %v: trouble reported as missing", l.check, fxCodes(problems))
					}
				}
				if !slices.Equal(fxCodes(problems), []dnscheck.Code{k.code}) {
					t.Errorf("%s problems %v, want exactly [%s]: trouble proves nothing else", l.check, fxCodes(problems), k.code)
				}
				for _, other := range []string{"spf", "dkim", "dmarc"} {
					if other == l.check {
						continue
					}
					if st, ps := checkOf(rep, other); st != dnscheck.VerdictPass || len(ps) != 0 {
						t.Errorf("%s = %s %v, want its real verdict: pass, no problems", other, st, fxCodes(ps))
					}
				}
				// Ready is SPF and DKIM passing: DMARC trouble leaves it.
				if wantReady := l.check == "dmarc"; rep.Ready != wantReady || !rep.HasTrouble() {
					t.Errorf("Ready %v HasTrouble %v, want %v true", rep.Ready, rep.HasTrouble(), wantReady)
				}
				fxCheckProblems(t, rep)
			})
		}
	}
}

// TestFaultsNSDiscovery: in the authoritative mode, the zone's NS lookup
// failing at the resolver leaves no authoritative server to ask. The
// design falls back to the resolver: the checks report the resolver's
// (real) verdicts, Source says so, and a domain-wide warning with the
// fault's code explains why. DNS did not answer a lookup, so the domain
// is in trouble (issue 7: 'wizard check' exits 3) though ready.
func TestFaultsNSDiscovery(t *testing.T) {
	t.Parallel()
	for _, k := range faultKinds {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			s := newAuthSetup(t, authReady, authReady, authReady)
			s.resolver.SetFaultType(authDomain, dns.TypeNS, k.fault)
			rep := s.checker.Check(context.Background(), authDomain, fxExpect(t, nil))

			if rep.SPF.Status != "pass" || rep.DKIM.Status != "pass" || rep.DMARC.Status != "pass" || !rep.Ready || !rep.HasTrouble() {
				t.Errorf("SPF %s DKIM %s DMARC %s ready %v trouble %v, want the resolver's verdicts (pass, ready) and trouble",
					rep.SPF.Status, rep.DKIM.Status, rep.DMARC.Status, rep.Ready, rep.HasTrouble())
			}
			if !rep.Source.Fallback || len(rep.Source.Authoritative) != 0 {
				t.Errorf("Source = %+v, want the fallback to the resolver", rep.Source)
			}
			if len(rep.Problems) != 1 {
				t.Fatalf("domain problems %v, want one explaining the fallback", fxCodes(rep.Problems))
			}
			p := rep.Problems[0]
			if p.Code != k.code || p.Severity != dnscheck.SeverityWarning ||
				!strings.Contains(p.Message, "name servers (NS) of x.edu") || !strings.Contains(p.Message, "resolver") {
				t.Errorf("problem %+v, want a %s warning naming the NS lookup and the resolver", p, k.code)
			}
			for _, srv := range []*dnstest.Server{s.ns1, s.ns2} {
				if n := len(srv.Queries()); n != 0 {
					t.Errorf("%s was asked %d questions though the NS lookup failed", srv.Addr(), n)
				}
			}
			fxCheckProblems(t, rep)
		})
	}
}

// TestFaultsNSDiscoveryNoTrouble: a zone whose NS hosts simply resolve to
// nothing falls back too, with no dns-* warning: nothing failed.
func TestFaultsNSDiscoveryNoTrouble(t *testing.T) {
	t.Parallel()
	s := newAuthSetup(t, authReady, nil, nil)
	s.checker.ResolveNS = func(context.Context, string) []string { return nil }
	rep := s.checker.Check(context.Background(), authDomain, fxExpect(t, nil))
	if !rep.Source.Fallback || len(rep.Problems) != 0 {
		t.Errorf("Source %+v problems %v, want the fallback and no problem", rep.Source, fxCodes(rep.Problems))
	}
}

// TestFaultsRecover: the same checker, once the server answers again,
// gives the real verdict: nothing of the trouble is remembered.
func TestFaultsRecover(t *testing.T) {
	t.Parallel()
	srv := fxServer(t, fxOrgZone(fxDomain, fxReadyLines()...))
	c := fxChecker(srv, fxSilentWait)
	for _, l := range faultLookups {
		srv.SetFault(l.at, dnstest.Fault{Silent: true})
	}
	rep := c.Check(context.Background(), fxDomain, fxExpect(t, nil))
	if rep.SPF.Status != "error" || rep.DKIM.Status != "error" || rep.DMARC.Status != "error" {
		t.Fatalf("SPF %s DKIM %s DMARC %s, want all error", rep.SPF.Status, rep.DKIM.Status, rep.DMARC.Status)
	}
	for _, l := range faultLookups {
		srv.ClearFault(l.at)
	}
	rep = c.Check(context.Background(), fxDomain, fxExpect(t, nil))
	if !rep.Ready || rep.HasTrouble() || len(rep.AllProblems()) != 0 {
		t.Errorf("after recovery: ready %v trouble %v problems %v", rep.Ready, rep.HasTrouble(), fxCodes(rep.AllProblems()))
	}
}

// TestFaultsUnreachable: with nothing listening at the server, every check
// is an error with dns-unreachable naming the address and the cause (never
// missing, never SERVFAIL and its DNSSEC advice), and the domain is in
// trouble ('wizard check' exits 3).
func TestFaultsUnreachable(t *testing.T) {
	t.Parallel()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	c := &dnscheck.Checker{Resolver: dnscheck.NewClient(dnscheck.WithServers(addr), dnscheck.WithTimeout(fxTimeout)), Direct: true}
	rep := c.Check(context.Background(), fxDomain, fxExpect(t, nil))
	for _, check := range []string{"spf", "dkim", "dmarc"} {
		status, problems := checkOf(rep, check)
		if status != dnscheck.VerdictError || len(problems) == 0 {
			t.Fatalf("%s = %s %v, want error", check, status, fxCodes(problems))
		}
		for _, p := range problems {
			if p.Code != dnscheck.CodeDNSUnreachable || !strings.Contains(p.Message, "nothing answers at "+addr+" (connection refused)") ||
				strings.Contains(p.Fix, "DNSSEC") {
				t.Errorf("%s problem %+v, want dns-unreachable naming %s and the refused connection", check, p, addr)
			}
		}
	}
	if rep.Ready || !rep.HasTrouble() {
		t.Errorf("Ready %v HasTrouble %v, want false true", rep.Ready, rep.HasTrouble())
	}
	fxCheckProblems(t, rep)
}
