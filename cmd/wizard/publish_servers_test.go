package main

// Real DNS servers for the 'wizard publish' tests: named (Debian bind9)
// and knotd (Debian knot), started once for the package (at first use;
// TestMain stops them) in a temporary
// folder on 127.0.0.1, with a generated TSIG key and the grant the wizard
// itself writes (plan.Grant), serving the test domains, the platform's and
// Microsoft's zones, and the root zone (so that every name has an
// authoritative answer and nothing is DNS trouble). In front of each, a
// small forwarder answers as a recursive resolver would (RA set), for the
// checks.

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// The key the servers know. The secret is made afresh for each run.
const pubKeyName = "wizard-test-key."

// pubDomains are the test domains, each its own zone, per server.
// <name>-bind.edu are on named, <name>-knot.edu on knotd.
//   - alpha: publish, check ready, publish again (no-op)
//   - beta: the grant leaves out _dmarc (refused, nothing half-published)
//   - gamma: wrong secret
//   - delta: the SPF record changes between the read and the update
//   - fix: a doubled DKIM name and two SPF records to repair
//   - wiz: published with the wizard's u key
//   - odd: the DKIM name holds a TXT key and an MX record
//   - ask: published after answering the question on a terminal
var pubDomains = []string{"alpha", "beta", "gamma", "delta", "wiz", "odd", "ask", "fix"}

func pubZone(domain string) string {
	head := "$ORIGIN " + domain + ".\n" +
		"@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n" +
		"@ 300 IN NS ns1\n" +
		"ns1 300 IN A 127.0.0.1\n" +
		"@ 300 IN MX 0 " + strings.ReplaceAll(domain, ".", "-") + ".mail.protection.outlook.com.\n"
	if strings.HasPrefix(domain, "fix-") {
		return head +
			`@ 300 IN TXT "v=spf1 include:spf.protection.outlook.com -all"` + "\n" +
			`@ 300 IN TXT "v=spf1 include:spf.outreachsystems.com -all"` + "\n" +
			`osc1._domainkey.` + domain + ` 300 IN CNAME osc1._domainkey.outreachsystems.com.` + "\n" +
			`_dmarc 300 IN TXT "v=DMARC1; p=none"` + "\n"
	}
	if strings.HasPrefix(domain, "odd-") {
		head += `osc1._domainkey 300 IN TXT "v=DKIM1; k=rsa; p=MIIB"` + "\n" +
			"osc1._domainkey 300 IN MX 10 mail.example.\n"
	}
	return head +
		`@ 300 IN TXT "v=spf1 include:spf.protection.outlook.com -all"` + "\n" +
		`@ 300 IN TXT "MS=ms12345678"` + "\n"
}

// pubPlatformZones are the platform's zone (its SPF include and a DKIM
// key), Microsoft's and the root.
func pubPlatformZones() map[string]string {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		panic(err)
	}
	key := "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der)
	var terms []string
	for _, p := range assets.DefaultPlatform().SPF.IPs {
		terms = append(terms, "ip4:"+p.String())
	}
	return map[string]string{
		".": "$ORIGIN .\n@ 300 IN SOA a.root-servers.test. hostmaster.test. 1 7200 3600 1209600 300\n@ 300 IN NS a.root-servers.test.\na.root-servers.test. 300 IN A 127.0.0.1\n",
		"outreachsystems.com": "$ORIGIN outreachsystems.com.\n@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ 300 IN NS ns1\nns1 300 IN A 127.0.0.1\n" +
			`spf 300 IN TXT "v=spf1 ` + strings.Join(terms, " ") + ` -all"` + "\n" +
			`osc1._domainkey 300 IN TXT "` + key[:200] + `" "` + key[200:] + `"` + "\n",
		"protection.outlook.com": "$ORIGIN protection.outlook.com.\n@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ 300 IN NS ns1\nns1 300 IN A 127.0.0.1\n" +
			`spf 300 IN TXT "v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 -all"` + "\n" +
			"*.mail 300 IN A 40.107.1.1\n",
	}
}

// realServer is one running server and its forwarder.
type realServer struct {
	kind    string // "bind" or "knot"
	addr    string // the server, 127.0.0.1:PORT
	resolve string // the forwarder in front of it
	cmd     *exec.Cmd
	exited  chan struct{} // closed when cmd has ended
	fwd     *dns.Server
	fwdTCP  *dns.Server
	log     string
}

type realServerSet struct {
	once    sync.Once
	dir     string
	secret  string
	servers map[string]*realServer
	err     map[string]string // why a server could not be had
}

var realServers = &realServerSet{}

// server returns the running server of kind, starting both at first use;
// it skips the test, saying why, only when the binary is not installed.
func (rs *realServerSet) server(t *testing.T, kind string) *realServer {
	t.Helper()
	rs.once.Do(rs.start)
	if s := rs.servers[kind]; s != nil {
		return s
	}
	msg := rs.err[kind]
	if strings.HasPrefix(msg, "not installed") {
		t.Skipf("%s: %s (install Debian's bind9 and knot: apt-get install bind9 bind9-utils knot)", kind, msg)
	}
	t.Fatalf("%s could not be started: %s", kind, msg)
	return nil
}

func (rs *realServerSet) stop() {
	for _, s := range rs.servers {
		s.kill()
		if s.fwd != nil {
			_ = s.fwd.Shutdown()
		}
		if s.fwdTCP != nil {
			_ = s.fwdTCP.Shutdown()
		}
	}
	if rs.dir != "" {
		_ = os.RemoveAll(rs.dir)
	}
}

func domainsOf(kind string) []string {
	var out []string
	for _, d := range pubDomains {
		out = append(out, d+"-"+kind+".edu")
	}
	return out
}

func (rs *realServerSet) start() {
	rs.servers, rs.err = map[string]*realServer{}, map[string]string{}
	dir, err := os.MkdirTemp("", "wizard-publish-")
	if err != nil {
		rs.err["bind"], rs.err["knot"] = err.Error(), err.Error()
		return
	}
	rs.dir = dir
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	rs.secret = base64.StdEncoding.EncodeToString(secret)
	zones := pubPlatformZones()
	for _, kind := range []string{"bind", "knot"} {
		for _, d := range domainsOf(kind) {
			zones[d] = pubZone(d)
		}
	}
	grant, err := pubGrant(zones)
	if err != nil {
		rs.err["bind"], rs.err["knot"] = err.Error(), err.Error()
		return
	}
	for kind, start := range map[string]func(string, map[string]string, plan.Grant) (*realServer, error){"bind": rs.startBIND, "knot": rs.startKnot} {
		s, err := start(filepath.Join(dir, kind), zones, grant)
		if err != nil && !strings.HasPrefix(err.Error(), "not installed") {
			// Once more on another port: the free one found may have been
			// taken in the meantime.
			if s != nil {
				s.kill()
			}
			s, err = start(filepath.Join(dir, kind), zones, grant)
		}
		if err != nil {
			rs.err[kind] = err.Error()
			if s != nil {
				s.kill()
			}
			continue
		}
		rs.servers[kind] = s
	}
}

// pubGrant is the wizard's grant for the test domains, worked out as
// 'wizard publish --print-grant' does, from the zones served by an
// in-process server.
func pubGrant(zones map[string]string) (plan.Grant, error) {
	var texts []string
	for _, z := range zones {
		texts = append(texts, z)
	}
	srv, err := dnstest.Start(texts...)
	if err != nil {
		return plan.Grant{}, err
	}
	defer srv.Close()
	checker := &dnscheck.Checker{Resolver: dnscheck.NewClient(dnscheck.WithServers(srv.Addr())), Direct: true}
	var domains []string
	for _, kind := range []string{"bind", "knot"} {
		domains = append(domains, domainsOf(kind)...)
	}
	plans, err := publishPlans(context.Background(), checker, assets.DefaultPlatform(), plan.Options{}, domains)
	if err != nil {
		return plan.Grant{}, err
	}
	return plan.GrantFor(pubKeyName, plans, nil), nil
}

// freePort returns a port free on 127.0.0.1 for both UDP and TCP.
func freePort() (int, error) {
	for range 20 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := l.Addr().(*net.TCPAddr).Port
		u, err := net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", port))
		l.Close()
		if err == nil {
			u.Close()
			return port, nil
		}
	}
	return 0, fmt.Errorf("no free port")
}

func writeZones(dir string, zones map[string]string) (map[string]string, error) {
	files := map[string]string{}
	for name, text := range zones {
		base := strings.Trim(name, ".")
		if base == "" {
			base = "root"
		}
		file := filepath.Join(dir, "zone-"+base+".db")
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			return nil, err
		}
		files[name] = file
	}
	return files, nil
}

// bindGrants returns, per zone, the grant lines of the wizard's BIND
// update-policy.
func bindGrants(g plan.Grant) map[string][]string {
	out := map[string][]string{}
	zone := ""
	for _, l := range g.BIND() {
		if rest, ok := strings.CutPrefix(l, `zone "`); ok {
			zone, _, _ = strings.Cut(rest, `"`)
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(l), "grant ") {
			out[zone] = append(out[zone], strings.TrimSpace(l))
		}
	}
	return out
}

func (rs *realServerSet) startBIND(dir string, zones map[string]string, g plan.Grant) (*realServer, error) {
	named, err := exec.LookPath("named")
	if err != nil {
		if named, err = exec.LookPath("/usr/sbin/named"); err != nil {
			return nil, fmt.Errorf("not installed: no named on this machine")
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	files, err := writeZones(dir, zones)
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	grants := bindGrants(g)
	var conf strings.Builder
	fmt.Fprintf(&conf, "key %q { algorithm hmac-sha256; secret %q; };\n", strings.TrimSuffix(pubKeyName, "."), rs.secret)
	fmt.Fprintf(&conf, "options {\n directory %q;\n pid-file %q;\n session-keyfile %q;\n managed-keys-directory %q;\n listen-on port %d { 127.0.0.1; };\n listen-on-v6 { none; };\n check-names primary ignore;\n recursion no;\n dnssec-validation no;\n notify no;\n};\ncontrols { };\n",
		dir, filepath.Join(dir, "named.pid"), filepath.Join(dir, "session.key"), dir, port)
	for name, file := range files {
		fmt.Fprintf(&conf, "zone %q { type primary; file %q;", name, file)
		if lines := grants[name]; len(lines) > 0 {
			if strings.HasPrefix(name, "beta-") {
				lines = without(lines, "_dmarc.")
			}
			fmt.Fprintf(&conf, " update-policy { %s };", strings.Join(lines, " "))
		}
		conf.WriteString(" };\n")
	}
	confFile := filepath.Join(dir, "named.conf")
	if err := os.WriteFile(confFile, []byte(conf.String()), 0o600); err != nil {
		return nil, err
	}
	s := &realServer{kind: "bind", addr: fmt.Sprintf("127.0.0.1:%d", port), log: filepath.Join(dir, "named.log")}
	return s, rs.launch(s, dir, named, "-g", "-n", "1", "-c", confFile)
}

// launch starts the server and waits until it answers. Where an AppArmor
// profile confines the installed binary to its own folders (Debian ships
// one for named), the server cannot read the temporary folder: it is then
// run once more from a copy of the binary, which no profile names.
func (rs *realServerSet) launch(s *realServer, dir, bin string, args ...string) error {
	start := func(bin string) error {
		logf, err := os.Create(s.log)
		if err != nil {
			return err
		}
		s.cmd = exec.Command(bin, args...)
		s.cmd.Stdout, s.cmd.Stderr = logf, logf
		endWithTests(s.cmd)
		if err := s.cmd.Start(); err != nil {
			return err
		}
		s.exited = make(chan struct{})
		go func(cmd *exec.Cmd, exited chan struct{}) { _ = cmd.Wait(); close(exited) }(s.cmd, s.exited)
		return rs.ready(s)
	}
	err := start(bin)
	if err == nil || !strings.Contains(strings.ToLower(err.Error()), "permission denied") {
		return err
	}
	s.kill()
	data, rerr := os.ReadFile(bin)
	if rerr != nil {
		return err
	}
	cp := filepath.Join(dir, filepath.Base(bin))
	if werr := os.WriteFile(cp, data, 0o700); werr != nil {
		return err
	}
	return start(cp)
}

func without(lines []string, sub string) []string {
	var out []string
	for _, l := range lines {
		if !strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return out
}

// knotACLs returns the wizard's Knot acl section and, per zone, its acl
// id.
func knotACLs(g plan.Grant) (acl string, ids map[string]string) {
	ids = map[string]string{}
	var b strings.Builder
	inACL, zone := false, ""
	for _, l := range g.Knot() {
		switch {
		case l == "acl:":
			inACL = true
			continue
		case l == "zone:":
			inACL = false
			continue
		}
		if inACL {
			b.WriteString(l + "\n")
			continue
		}
		if rest, ok := strings.CutPrefix(l, "  - domain: "); ok {
			zone = rest
		}
		if rest, ok := strings.CutPrefix(l, "    acl: ["); ok {
			ids[zone], _, _ = strings.Cut(rest, "]")
		}
	}
	return b.String(), ids
}

func (rs *realServerSet) startKnot(dir string, zones map[string]string, g plan.Grant) (*realServer, error) {
	knotd, err := exec.LookPath("knotd")
	if err != nil {
		if knotd, err = exec.LookPath("/usr/sbin/knotd"); err != nil {
			return nil, fmt.Errorf("not installed: no knotd on this machine")
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	files, err := writeZones(dir, zones)
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	acl, ids := knotACLs(g)
	// The beta zone's rule leaves out its _dmarc name.
	acl = strings.ReplaceAll(acl, "_dmarc.beta-knot.edu., ", "")
	var conf strings.Builder
	fmt.Fprintf(&conf, "server:\n  rundir: %q\n  listen: 127.0.0.1@%d\nlog:\n  - target: stderr\n    any: info\ndatabase:\n  storage: %q\n", dir, port, dir)
	fmt.Fprintf(&conf, "key:\n  - id: %s\n    algorithm: hmac-sha256\n    secret: %s\n", strings.TrimSuffix(pubKeyName, "."), rs.secret)
	conf.WriteString("acl:\n" + acl)
	conf.WriteString("zone:\n")
	for name, file := range files {
		fmt.Fprintf(&conf, "  - domain: %q\n    file: %q\n", name, file)
		if id := ids[strings.TrimSuffix(name, ".")]; id != "" {
			fmt.Fprintf(&conf, "    acl: [%s]\n", id)
		}
	}
	confFile := filepath.Join(dir, "knot.conf")
	if err := os.WriteFile(confFile, []byte(conf.String()), 0o600); err != nil {
		return nil, err
	}
	s := &realServer{kind: "knot", addr: fmt.Sprintf("127.0.0.1:%d", port), log: filepath.Join(dir, "knotd.log")}
	return s, rs.launch(s, dir, knotd, "-c", confFile)
}

// ready waits (at most 15 s) until the server answers for the last test
// zone, then starts its forwarder.
func (rs *realServerSet) ready(s *realServer) error {
	last := pubDomains[len(pubDomains)-1] + "-" + s.kind + ".edu."
	c := &dns.Client{Timeout: 300 * time.Millisecond}
	m := new(dns.Msg)
	m.SetQuestion(last, dns.TypeSOA)
	deadline := time.Now().Add(15 * time.Second)
	for {
		r, _, err := c.Exchange(m, s.addr)
		if err == nil && r.Rcode == dns.RcodeSuccess && len(r.Answer) > 0 {
			break
		}
		ended := false
		select {
		case <-s.exited:
			ended = true
		case <-time.After(50 * time.Millisecond):
		}
		if ended || time.Now().After(deadline) {
			log, _ := os.ReadFile(s.log)
			return fmt.Errorf("%s did not answer at %s (ended: %v); its log:\n%s", s.kind, s.addr, ended, log)
		}
	}
	return s.startForwarder()
}

// kill ends the server, if it runs, and waits for it.
func (s *realServer) kill() {
	if s.cmd == nil || s.cmd.Process == nil || s.exited == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
}

// startForwarder answers every question by asking the server, as a
// recursive resolver in front of it would (RA set).
func (s *realServer) startForwarder() error {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", pc.LocalAddr().String())
	if err != nil {
		pc.Close()
		return err
	}
	handler := dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		q := r.Copy()
		q.RecursionDesired = false
		c := &dns.Client{Net: "tcp", Timeout: 2 * time.Second}
		reply, _, err := c.Exchange(q, s.addr)
		if err != nil {
			m := new(dns.Msg)
			m.SetRcode(r, dns.RcodeServerFailure)
			_ = w.WriteMsg(m)
			return
		}
		reply.Id = r.Id
		reply.RecursionAvailable = true
		reply.RecursionDesired = r.RecursionDesired
		if _, udp := w.RemoteAddr().(*net.UDPAddr); udp {
			size := dns.MinMsgSize
			if opt := r.IsEdns0(); opt != nil {
				size = int(opt.UDPSize())
			}
			reply.Truncate(size)
		}
		_ = w.WriteMsg(reply)
	})
	s.fwd = &dns.Server{PacketConn: pc, Handler: handler}
	s.fwdTCP = &dns.Server{Listener: l, Handler: handler}
	go func() { _ = s.fwd.ActivateAndServe() }()
	go func() { _ = s.fwdTCP.ActivateAndServe() }()
	s.resolve = pc.LocalAddr().String()
	return nil
}
