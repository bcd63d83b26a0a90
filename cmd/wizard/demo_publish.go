package main

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/cmd/wizard/demo"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/core/publish"
	"github.com/outreach-auth/wizard/tui"
)

// demoKey is the demo's built-in TSIG key: the simulated primary knows it,
// and u in 'wizard demo' signs with it. It protects nothing.
const demoKey = "hmac-sha256:wizard-demo-key:ZGVtby1rZXktZm9yLXRoZS1zaW11bGF0ZWQtZG5zLW9ubHk="

// demoUpdater is the simulated DNS's RFC 2136 endpoint for u in the demo:
// it answers questions from a domain's NS1, checks an update's TSIG
// signature (the demo key) and its prerequisites against NS1 as the
// RFC says, and then publishes the plan the update was made from into the
// simulated world (the update carries exactly that plan's changes).
type demoUpdater struct {
	world *demo.World
	key   publish.Key
	addr  string
	srv   *dns.Server // TCP
	udp   *dns.Server

	mu      sync.Mutex
	pending map[string]plan.Plan // zone → the plan its next update comes from
}

func startDemoUpdater(world *demo.World) (*demoUpdater, error) {
	k, err := publish.ParseKey(demoKey, publish.KeyOptions{})
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	pc, err := net.ListenPacket("udp", l.Addr().String())
	if err != nil {
		l.Close()
		return nil, err
	}
	u := &demoUpdater{world: world, key: k, addr: l.Addr().String(), pending: map[string]plan.Plan{}}
	accept := func(dns.Header) dns.MsgAcceptAction { return dns.MsgAccept }
	u.srv = &dns.Server{Listener: l, TsigProvider: k.Provider(), Handler: dns.HandlerFunc(u.serve), MsgAcceptFunc: accept}
	u.udp = &dns.Server{PacketConn: pc, TsigProvider: k.Provider(), Handler: dns.HandlerFunc(u.serve), MsgAcceptFunc: accept}
	for _, s := range []*dns.Server{u.srv, u.udp} {
		started := make(chan struct{})
		s.NotifyStartedFunc = func() { close(started) }
		go func() { _ = s.ActivateAndServe() }()
		<-started
	}
	return u, nil
}

func (u *demoUpdater) close() {
	_ = u.srv.Shutdown()
	_ = u.udp.Shutdown()
}

// ns1 is the address of NS1 of the prepared domain that holds name in
// the simulated world ("" when none does).
func (u *demoUpdater) ns1(name string) string {
	labels := dns.SplitDomainName(name)
	for i := range labels {
		addrs := u.world.Checker().ResolveNS(context.Background(), "ns1."+strings.Join(labels[i:], "."))
		if len(addrs) > 0 {
			return addrs[0]
		}
	}
	return ""
}

func (u *demoUpdater) serve(w dns.ResponseWriter, r *dns.Msg) {
	reply := func(rcode int) {
		m := new(dns.Msg)
		m.SetRcode(r, rcode)
		if t := r.IsTsig(); t != nil && w.TsigStatus() == nil {
			m.SetTsig(t.Hdr.Name, t.Algorithm, 300, time.Now().Unix())
		}
		_ = w.WriteMsg(m)
	}
	if len(r.Question) != 1 {
		reply(dns.RcodeFormatError)
		return
	}
	zone := dns.CanonicalName(r.Question[0].Name)
	ns1 := u.ns1(zone)
	if r.Opcode == dns.OpcodeQuery {
		c := &dns.Client{Net: "tcp", Timeout: 2 * time.Second}
		if ns1 == "" {
			reply(dns.RcodeRefused)
			return
		}
		in, _, err := c.Exchange(r, ns1)
		if err != nil {
			reply(dns.RcodeServerFailure)
			return
		}
		_ = w.WriteMsg(in)
		return
	}
	if r.Opcode != dns.OpcodeUpdate || ns1 == "" {
		reply(dns.RcodeNotImplemented)
		return
	}
	if r.IsTsig() == nil || w.TsigStatus() != nil {
		reply(dns.RcodeNotAuth)
		return
	}
	if rcode := demoPrerequisites(ns1, r.Answer); rcode != dns.RcodeSuccess {
		reply(rcode)
		return
	}
	u.mu.Lock()
	p, ok := u.pending[zone]
	delete(u.pending, zone)
	u.mu.Unlock()
	if !ok {
		reply(dns.RcodeRefused)
		return
	}
	if _, err := u.world.Publish(p); err != nil {
		reply(dns.RcodeServerFailure)
		return
	}
	reply(dns.RcodeSuccess)
}

// demoPrerequisites checks an update's prerequisites (RFC 2136 §3.2)
// against the server at addr and returns the RCODE of the first that
// fails, or NOERROR.
func demoPrerequisites(addr string, prereqs []dns.RR) int {
	read := func(name string, qtype uint16) ([]string, bool) {
		m := new(dns.Msg)
		m.SetQuestion(name, qtype)
		c := &dns.Client{Net: "tcp", Timeout: 2 * time.Second}
		in, _, err := c.Exchange(m, addr)
		if err != nil {
			return nil, false
		}
		var out []string
		for _, rr := range in.Answer {
			if strings.EqualFold(rr.Header().Name, name) && (qtype == dns.TypeANY || rr.Header().Rrtype == qtype) {
				out = append(out, dns.TypeToString[rr.Header().Rrtype]+" "+strings.TrimPrefix(rr.String(), rr.Header().String()))
			}
		}
		slices.Sort(out)
		return out, true
	}
	wanted := map[[2]string][]string{}
	for _, rr := range prereqs {
		h := rr.Header()
		name, typ := dns.CanonicalName(h.Name), dns.TypeToString[h.Rrtype]
		if _, isAny := rr.(*dns.ANY); !isAny {
			wanted[[2]string{name, typ}] = append(wanted[[2]string{name, typ}], typ+" "+strings.TrimPrefix(rr.String(), h.String()))
			continue
		}
		have, ok := read(name, h.Rrtype)
		if !ok {
			return dns.RcodeServerFailure
		}
		switch {
		case h.Rrtype == dns.TypeANY && h.Class == dns.ClassNONE && len(have) > 0:
			return dns.RcodeYXDomain
		case h.Rrtype == dns.TypeANY && h.Class == dns.ClassANY && len(have) == 0:
			return dns.RcodeNameError
		case h.Class == dns.ClassNONE && len(have) > 0:
			return dns.RcodeYXRrset
		case h.Class == dns.ClassANY && len(have) == 0:
			return dns.RcodeNXRrset
		}
	}
	for k, want := range wanted {
		have, ok := read(k[0], dns.StringToType[k[1]])
		if !ok {
			return dns.RcodeServerFailure
		}
		slices.Sort(want)
		if !slices.Equal(have, want) {
			return dns.RcodeNXRrset
		}
	}
	return dns.RcodeSuccess
}

// action is u in the demo: the plan shown, published by a real RFC 2136
// update signed with the demo key, as 'wizard publish --yes' would.
func (u *demoUpdater) action() tui.Action {
	return tui.Action{
		Key: key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "update DNS for me (demo key)")),
		Run: func(ctx context.Context, p plan.Plan) (string, error) {
			updates, err := publish.Prepare(ctx, []plan.Plan{p}, publish.Options{Server: u.addr})
			if err != nil {
				return "", err
			}
			if len(updates) == 0 {
				return "Nothing to change for " + p.Domain + ": every record is already published.", nil
			}
			n := 0
			for _, up := range updates {
				u.mu.Lock()
				u.pending[up.Zone] = p
				u.mu.Unlock()
				if err := publish.Send(ctx, up, u.key, 0); err != nil {
					return "", err
				}
				n += len(up.Says())
			}
			return fmt.Sprintf("Published %d change(s) for %s by dynamic update, signed with the demo key %s.", n, p.Domain, u.key), nil
		},
	}
}
