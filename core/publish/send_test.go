package publish

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// tsigServer is an in-process DNS server over TCP on 127.0.0.1:0 that
// verifies TSIG with key and answers updates with handle.
func tsigServer(t *testing.T, key Key, handle func(w dns.ResponseWriter, r *dns.Msg)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &dns.Server{Listener: l, TsigProvider: key.Provider(), Handler: dns.HandlerFunc(handle),
		MsgAcceptFunc: func(dns.Header) dns.MsgAcceptAction { return dns.MsgAccept }}
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	go func() { _ = srv.ActivateAndServe() }()
	<-started
	t.Cleanup(func() { _ = srv.Shutdown() })
	return l.Addr().String()
}

// signedReply answers r with rcode, signed with the request's key when
// its signature verified.
func signedReply(w dns.ResponseWriter, r *dns.Msg, rcode int) {
	m := new(dns.Msg)
	m.SetRcode(r, rcode)
	if t := r.IsTsig(); t != nil && w.TsigStatus() == nil {
		m.SetTsig(t.Hdr.Name, t.Algorithm, 300, time.Now().Unix())
	}
	_ = w.WriteMsg(m)
}

func testUpdate(server string) Update {
	m := new(dns.Msg)
	m.SetUpdate("yourcenter.edu.")
	rr, _ := dns.NewRR(`yourcenter.edu. 3600 IN TXT "v=spf1 -all"`)
	m.Insert([]dns.RR{rr})
	return Update{Zone: "yourcenter.edu.", Server: server, Msg: m}
}

func testKey(t *testing.T, alg string) Key {
	t.Helper()
	k, err := ParseKey(alg+":wizard-key:"+testSecret, KeyOptions{AllowMD5: true})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestSendAnswersInWords: each answer of the server is one kind, said in
// words, and the secret is in none of them.
func TestSendAnswersInWords(t *testing.T) {
	t.Parallel()
	key := testKey(t, "hmac-sha256")
	for _, tc := range []struct {
		name  string
		rcode int
		kind  Kind
		words string
	}{
		{"refused", dns.RcodeRefused, KindRefused, "this key is not allowed to change these names"},
		{"notauth", dns.RcodeNotAuth, KindRefused, "not allowed"},
		{"yxrrset", dns.RcodeYXRrset, KindChanged, "changed since they were read"},
		{"nxrrset", dns.RcodeNXRrset, KindChanged, "nothing was overwritten"},
		{"notzone", dns.RcodeNotZone, KindTrouble, "outside the zone"},
		{"servfail", dns.RcodeServerFailure, KindTrouble, "DNS trouble"},
		{"notimp", dns.RcodeNotImplemented, KindTrouble, "does not take dynamic updates"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			addr := tsigServer(t, key, func(w dns.ResponseWriter, r *dns.Msg) { signedReply(w, r, tc.rcode) })
			err := Send(context.Background(), testUpdate(addr), key, 2*time.Second)
			if KindOf(err) != tc.kind || !strings.Contains(err.Error(), tc.words) {
				t.Fatalf("err = %v (kind %d), want kind %d saying %q", err, KindOf(err), tc.kind, tc.words)
			}
			noSecret(t, "the error", err.Error())
		})
	}
}

// TestSendAppliedNeedsSignedAnswer: NOERROR counts only when the answer
// is signed with the key; each accepted algorithm, md5 included when
// allowed, signs updates the server verifies.
func TestSendAppliedNeedsSignedAnswer(t *testing.T) {
	t.Parallel()
	for _, alg := range []string{"hmac-sha256", "hmac-sha384", "hmac-sha512", "hmac-md5"} {
		t.Run(alg, func(t *testing.T) {
			t.Parallel()
			key := testKey(t, alg)
			verified := make(chan error, 1)
			addr := tsigServer(t, key, func(w dns.ResponseWriter, r *dns.Msg) {
				verified <- w.TsigStatus()
				signedReply(w, r, dns.RcodeSuccess)
			})
			if err := Send(context.Background(), testUpdate(addr), key, 2*time.Second); err != nil {
				t.Fatalf("send: %v", err)
			}
			if err := <-verified; err != nil {
				t.Errorf("the server could not verify the update's signature: %v", err)
			}
		})
	}
	key := testKey(t, "hmac-sha256")
	addr := tsigServer(t, key, func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetRcode(r, dns.RcodeSuccess) // not signed
		_ = w.WriteMsg(m)
	})
	err := Send(context.Background(), testUpdate(addr), key, 2*time.Second)
	if KindOf(err) != KindTrouble || !strings.Contains(err.Error(), "signature did not verify") {
		t.Errorf("an unsigned NOERROR: err = %v, want trouble", err)
	}
}

// TestSendWrongKey: a server with another secret answers BADSIG; with
// another key name, BADKEY: both say the key's name or secret is wrong.
func TestSendWrongKey(t *testing.T) {
	t.Parallel()
	serverKey, err := ParseKey("wizard-key:"+"b3RoZXItc2VjcmV0LW9mLXRoZS1zZXJ2ZXI=", KeyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	otherName, err := ParseKey("someone-else:"+testSecret, KeyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, srvKey := range []Key{serverKey, otherName} {
		addr := tsigServer(t, srvKey, func(w dns.ResponseWriter, r *dns.Msg) {
			m := new(dns.Msg)
			m.SetRcode(r, dns.RcodeNotAuth)
			tsigErr := dns.RcodeBadSig
			if r.IsTsig().Hdr.Name != srvKey.Name {
				tsigErr = dns.RcodeBadKey
			}
			m.SetTsig(r.IsTsig().Hdr.Name, r.IsTsig().Algorithm, 300, time.Now().Unix())
			m.IsTsig().Error = uint16(tsigErr)
			_ = w.WriteMsg(m)
		})
		err := Send(context.Background(), testUpdate(addr), testKey(t, "hmac-sha256"), 2*time.Second)
		if KindOf(err) != KindBadKey || !strings.Contains(err.Error(), "the key's name or its secret is wrong") {
			t.Errorf("server key %s: err = %v", srvKey, err)
		}
	}
}

// TestSendBadTimeSaysSkew: the server's clock an hour ahead.
func TestSendBadTimeSaysSkew(t *testing.T) {
	t.Parallel()
	key := testKey(t, "hmac-sha256")
	addr := tsigServer(t, key, func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetRcode(r, dns.RcodeNotAuth)
		req := r.IsTsig()
		m.SetTsig(req.Hdr.Name, req.Algorithm, 300, int64(req.TimeSigned))
		ts := m.IsTsig()
		ts.Error = dns.RcodeBadTime
		ts.OtherLen = 6
		ts.OtherData = fmt.Sprintf("%012x", time.Now().Unix()+3600)
		_ = w.WriteMsg(m)
	})
	err := Send(context.Background(), testUpdate(addr), key, 2*time.Second)
	if KindOf(err) != KindBadTime || !strings.Contains(err.Error(), "clock differs from the server's by 1h0m0s (the server is ahead of this computer)") {
		t.Errorf("err = %v", err)
	}
}

// TestSendNoAnswer: a server that never answers is DNS trouble, within
// the timeout given.
func TestSendNoAnswer(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	err = Send(context.Background(), testUpdate(l.Addr().String()), testKey(t, "hmac-sha256"), 200*time.Millisecond)
	if KindOf(err) != KindTrouble || !strings.Contains(err.Error(), "no answer") {
		t.Errorf("err = %v", err)
	}
}
