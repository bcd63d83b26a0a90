// Package dnstest runs a real, in-process, authoritative DNS server on the
// loopback interface, serving zones written as master-file (RFC 1035 §5)
// text. UDP and TCP share one port on 127.0.0.1, chosen by the kernel, so any
// number of servers can run side by side in parallel tests.
//
// Besides answering from its zones the server can be told to misbehave per
// name (SERVFAIL, REFUSED, silence, truncation, latency, records nobody
// asked for) and it records every question it receives, so callers can
// assert on how a client talked to it. A [Barrier] (see [Server.HoldUntil])
// holds answers until several questions are there together, which proves
// that a client asks them concurrently without measuring time.
//
// The package does not import "testing": it is also used at run time by the
// `wizard demo` command. Tests use [StartT], which accepts anything with the
// few methods of testing.TB that it needs.
package dnstest

import (
	"errors"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
)

const (
	// defaultTTL is the TTL of records whose text gives none and no $TTL
	// precedes them.
	defaultTTL = 300
	// ednsBufferSize is the UDP payload size advertised in responses.
	ednsBufferSize = 1232
	// maxChase is the number of CNAME hops followed within served zones.
	maxChase = 8
	// listenAttempts bounds the retries when the TCP side of a freshly bound
	// UDP port is already taken.
	listenAttempts = 10
)

// TB is the part of testing.TB that [StartT] needs. *testing.T and
// *testing.B satisfy it.
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
}

// Fault makes the server misbehave for a name (see [Server.SetFault] and
// [Server.SetFaultType]). The zero Fault answers normally. When several
// fields are set, Latency is applied first, then the first of Silent,
// ServFail, Refused, WrongID, WrongQuestion, Garbage, Truncate/TruncateTCP
// that is set decides the answer.
type Fault struct {
	// ServFail answers with RCODE SERVFAIL and no records.
	ServFail bool
	// Refused answers with RCODE REFUSED and no records.
	Refused bool
	// Silent never answers: the client must time out.
	Silent bool
	// WrongID answers normally except that the reply's ID is not the
	// query's, as a spoofer or a confused middlebox might send.
	WrongID bool
	// WrongQuestion answers with the query's ID and a question of another
	// name (wrong-question.invalid.) and no records.
	WrongQuestion bool
	// Garbage answers with bytes that are not a DNS message: a header with
	// the query's ID announcing one question, then a label running past
	// the end of the message.
	Garbage bool
	// Truncate answers over UDP with TC=1 and no records; over TCP the
	// answer is sent normally.
	Truncate bool
	// TruncateTCP answers with TC=1 and no records over TCP as well as over
	// UDP (it implies Truncate), to test that a client does not retry
	// endlessly.
	TruncateTCP bool
	// Latency is waited before answering, in addition to the server-wide
	// latency set with [Server.SetLatency].
	Latency time.Duration
	// Inject is appended, as given, to the answer section of every normal
	// answer (not to the answers that Silent, ServFail, Refused or
	// truncation decide): records for names or types that were not asked,
	// as a hostile or broken server might send. Build them with
	// dns.NewRR.
	Inject []dns.RR
}

// Query is one question received by the server, as recorded for
// [Server.Queries].
type Query struct {
	// Name is the question name in canonical form: lower case, fully
	// qualified. (The response echoes the name exactly as asked.)
	Name string
	// Type is the question type, e.g. dns.TypeTXT.
	Type uint16
	// Proto is "udp" or "tcp".
	Proto string
	// At is when the question arrived, before any latency was applied.
	At time.Time
}

// faultKey selects a fault: qtype 0 means every type at the name.
type faultKey struct {
	name  string
	qtype uint16
}

// Server is a running DNS server. All its methods are safe for concurrent
// use, also while it is answering queries. Create one with [Start] or
// [StartT]; stop it with [Server.Close].
type Server struct {
	addr string
	udp  *dns.Server
	tcp  *dns.Server

	mu      sync.RWMutex
	zones   map[string]struct{}            // canonical apex names
	names   map[string]map[uint16][]dns.RR // canonical owner → type → RRset
	below   map[string]int                 // canonical name → owners in names strictly below it
	faults  map[faultKey]Fault             // see faultFor
	latency time.Duration                  // added to every answer
	barrier *Barrier                       // see HoldUntil; nil when none
	refer   bool                           // see SetReferrals

	qmu     sync.Mutex
	queries []Query

	done      chan struct{} // closed by Close: cuts latency waits short
	serveWG   sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
}

// Start parses zone text (one or more zones in master-file format; $ORIGIN
// and $TTL supported; default TTL 300; names may be absolute) and starts
// serving on 127.0.0.1, UDP and TCP on the same port (see [Server.Addr]).
//
// Each argument is loaded as by [Server.AddZone]. A zone is delimited by an
// SOA record; a text without SOA gets a synthesized one (negative TTL 300)
// for its $ORIGIN. Start with no zones is allowed: every question is then
// REFUSED until zones are added. A name outside every zone is REFUSED,
// except _dmarc under a parent of a served zone (_dmarc.edu. when x.edu.
// is served), which is NXDOMAIN: the DMARC tree walk asks those.
func Start(zones ...string) (*Server, error) {
	s := &Server{
		zones:  make(map[string]struct{}),
		names:  make(map[string]map[uint16][]dns.RR),
		below:  make(map[string]int),
		faults: make(map[faultKey]Fault),
		done:   make(chan struct{}),
	}
	for i, z := range zones {
		if err := s.load(z, true); err != nil {
			return nil, fmt.Errorf("dnstest: zone %d: %w", i+1, err)
		}
	}

	pc, l, err := listen()
	if err != nil {
		return nil, err
	}
	s.addr = pc.LocalAddr().String()
	h := dns.HandlerFunc(s.serveDNS)
	s.udp = &dns.Server{PacketConn: pc, Handler: h, UDPSize: dns.MaxMsgSize}
	s.tcp = &dns.Server{Listener: l, Handler: h}
	if err := s.activate(s.udp); err != nil {
		pc.Close()
		l.Close()
		return nil, fmt.Errorf("dnstest: serve udp: %w", err)
	}
	if err := s.activate(s.tcp); err != nil {
		l.Close()
		_ = s.udp.Shutdown()
		s.serveWG.Wait()
		return nil, fmt.Errorf("dnstest: serve tcp: %w", err)
	}
	return s, nil
}

// StartT starts a server for a test and closes it at cleanup; fails the test
// on error.
func StartT(t TB, zones ...string) *Server {
	t.Helper()
	s, err := Start(zones...)
	if err != nil {
		t.Fatalf("%v", err)
		return nil
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// listen binds UDP on 127.0.0.1:0, then TCP on the same port, retrying with
// a new port when the TCP one is taken.
func listen() (net.PacketConn, net.Listener, error) {
	var lastErr error
	for range listenAttempts {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return nil, nil, fmt.Errorf("dnstest: listen udp: %w", err)
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err == nil {
			return pc, l, nil
		}
		pc.Close()
		lastErr = err
	}
	return nil, nil, fmt.Errorf("dnstest: no port free for both udp and tcp: %w", lastErr)
}

// activate runs srv in its own goroutine and returns once it is serving.
func (s *Server) activate(srv *dns.Server) error {
	started := make(chan struct{})
	errc := make(chan error, 1)
	srv.NotifyStartedFunc = func() { close(started) }
	s.serveWG.Add(1)
	go func() {
		defer s.serveWG.Done()
		errc <- srv.ActivateAndServe()
	}()
	select {
	case <-started:
		return nil
	case err := <-errc:
		if err == nil {
			err = errors.New("stopped before starting")
		}
		return err
	}
}

// Addr returns the address the server listens on, UDP and TCP:
// "127.0.0.1:PORT".
func (s *Server) Addr() string { return s.addr }

// Close stops both listeners and waits for the handlers in flight to return
// (latency waits are cut short; silent queries stay unanswered). It is
// idempotent: later calls return the first call's result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		errU := s.udp.Shutdown()
		errT := s.tcp.Shutdown()
		s.serveWG.Wait()
		s.closeErr = errors.Join(errU, errT)
		if s.closeErr != nil {
			s.closeErr = fmt.Errorf("dnstest: close: %w", s.closeErr)
		}
	})
	return s.closeErr
}

// AddZone parses master-file text and adds its records: each RRset (name and
// type) in the text replaces the server's RRset of that name and type; other
// RRsets are kept. An SOA record in the text makes its owner a served zone.
// Without SOA, the text's $ORIGIN becomes a zone (with a synthesized SOA)
// unless it already lies inside one. Records that still lie outside every
// zone make a zone at the highest such owner name.
func (s *Server) AddZone(text string) error {
	if err := s.load(text, true); err != nil {
		return fmt.Errorf("dnstest: %w", err)
	}
	return nil
}

// Add parses one RR line, e.g.
// `osc1._domainkey.x.edu. 300 IN CNAME osc1._domainkey.outreachsystems.com.`
// (relative names are taken relative to the root; default TTL 300), and adds
// it to the RRset of its name and type. A CNAME or SOA replaces the existing
// one. A record outside every zone makes a zone at its owner name.
func (s *Server) Add(rr string) error {
	zp := dns.NewZoneParser(strings.NewReader(rr), ".", "")
	zp.SetDefaultTTL(defaultTTL)
	var rrs []dns.RR
	for r, ok := zp.Next(); ok; r, ok = zp.Next() {
		rrs = append(rrs, r)
	}
	if err := zp.Err(); err != nil {
		return fmt.Errorf("dnstest: %w", err)
	}
	if len(rrs) != 1 {
		return fmt.Errorf("dnstest: want one record, got %d in %q", len(rrs), rr)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.store(rrs, nil, false)
	return nil
}

// Remove removes the RRset of name and qtype; dns.TypeANY removes every
// RRset at name. A zone's SOA is never removed: the zone stays served.
func (s *Server) Remove(name string, qtype uint16) {
	name = dns.CanonicalName(name)
	s.mu.Lock()
	defer s.mu.Unlock()
	set := s.names[name]
	if set == nil {
		return
	}
	_, apex := s.zones[name]
	for t := range set {
		if (qtype == dns.TypeANY || t == qtype) && !(apex && t == dns.TypeSOA) {
			delete(set, t)
		}
	}
	if len(set) == 0 {
		delete(s.names, name)
		s.countBelow(name, -1)
	}
}

// Records returns copies of the records of name and qtype (dns.TypeANY: all
// records at name, ordered by type), with owner names in canonical form. It
// returns nil when there are none.
func (s *Server) Records(name string, qtype uint16) []dns.RR {
	name = dns.CanonicalName(name)
	s.mu.RLock()
	defer s.mu.RUnlock()
	set := s.names[name]
	var types []uint16
	for t := range set {
		if qtype == dns.TypeANY || t == qtype {
			types = append(types, t)
		}
	}
	sort.Slice(types, func(i, j int) bool { return types[i] < types[j] })
	var out []dns.RR
	for _, t := range types {
		for _, rr := range set[t] {
			out = append(out, dns.Copy(rr))
		}
	}
	return out
}

// SetFault makes questions for name (case-insensitive; a trailing dot is
// optional) misbehave as f, whatever their type, unless a type-specific
// fault is set with [Server.SetFaultType]. Faults apply to the question name
// only, not to names reached by following a CNAME.
func (s *Server) SetFault(name string, f Fault) {
	s.setFault(faultKey{dns.CanonicalName(name), 0}, f)
}

// SetFaultType makes questions for name and qtype misbehave as f. It takes
// precedence over the name's [Server.SetFault] fault, so a zero Fault here
// exempts one type from it.
func (s *Server) SetFaultType(name string, qtype uint16, f Fault) {
	s.setFault(faultKey{dns.CanonicalName(name), qtype}, f)
}

func (s *Server) setFault(k faultKey, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[k] = f
}

// ClearFault removes every fault set for name, whatever its type.
func (s *Server) ClearFault(name string) {
	name = dns.CanonicalName(name)
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.faults {
		if k.name == name {
			delete(s.faults, k)
		}
	}
}

// SetReferrals makes the server answer questions for names outside its
// zones as an authoritative-only server does (BIND with recursion off):
// NOERROR, no answer, AA=0 and RA=0, and the root's NS records in the
// authority section (a referral). Off (the default), such questions are
// REFUSED.
func (s *Server) SetReferrals(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refer = on
}

// SetLatency sets a delay added to every answer (faults' Latency adds to
// it). Zero removes it.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// HoldUntil holds the answers to the next n questions the server receives
// (for names, when given: case-insensitive, a trailing dot optional; other
// questions are answered as usual) until all n have arrived, then answers
// them together; later questions are answered at once. So n questions get
// their answers only if a client asks them concurrently: one that waits for
// an answer before asking the next question leaves the first one held.
//
// guard bounds the wait: if the n-th question has not arrived when it
// passes, the held questions are answered anyway and the barrier is not
// met ([Barrier.Met]). Give guard a value only a broken client reaches
// (10 s, say), and the client a per-query timeout longer than guard, so
// that a client asking one question at a time waits at the barrier rather
// than timing out and asking the next. Latency and faults apply after the
// barrier opens. A new HoldUntil replaces the server's barrier; the one it
// replaces keeps holding what it held until it is met or its guard passes.
func (s *Server) HoldUntil(n int, guard time.Duration, names ...string) *Barrier {
	b := &Barrier{want: n, open: make(chan struct{})}
	if len(names) > 0 {
		b.names = make(map[string]bool, len(names))
		for _, name := range names {
			b.names[dns.CanonicalName(name)] = true
		}
	}
	if n <= 0 {
		b.met = true
		close(b.open)
	} else {
		b.guard = time.AfterFunc(guard, b.release)
	}
	s.mu.Lock()
	s.barrier = b
	s.mu.Unlock()
	return b
}

// Barrier holds a server's answers until a number of questions have
// arrived; see [Server.HoldUntil]. Its methods are safe for concurrent use.
type Barrier struct {
	want  int
	names map[string]bool // the names held; nil: every name
	guard *time.Timer
	open  chan struct{} // closed when the held answers are released

	mu      sync.Mutex
	arrived int
	met     bool
}

// hold counts a question for the canonical name and reports whether its
// answer must wait for the barrier to open.
func (b *Barrier) hold(name string) bool {
	if b.names != nil && !b.names[name] {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case <-b.open:
		return false // met or given up: answer at once
	default:
	}
	b.arrived++
	if b.arrived == b.want {
		b.met = true
		b.guard.Stop()
		close(b.open)
	}
	return true
}

// release opens the barrier when its guard passes before it is met.
func (b *Barrier) release() {
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case <-b.open:
	default:
		close(b.open)
	}
}

// Wait blocks until the barrier opens, met or not, and returns Met.
func (b *Barrier) Wait() bool {
	<-b.open
	return b.Met()
}

// Met reports whether all n questions arrived together, before the guard
// passed. It is false while the barrier is still waiting.
func (b *Barrier) Met() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.met
}

// Arrived returns how many questions have reached the barrier while it held
// answers (at most n): when the barrier was not met, how many the client
// had asked at once.
func (b *Barrier) Arrived() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.arrived
}

// Queries returns the questions received so far, in arrival order,
// including those answered with a fault or not answered at all.
func (s *Server) Queries() []Query {
	s.qmu.Lock()
	defer s.qmu.Unlock()
	return append([]Query(nil), s.queries...)
}

// ResetQueries forgets the questions received so far.
func (s *Server) ResetQueries() {
	s.qmu.Lock()
	defer s.qmu.Unlock()
	s.queries = nil
}

// ---- zone data ----

// load parses master-file text and stores its records (replace: see AddZone).
func (s *Server) load(text string, replace bool) error {
	zp := dns.NewZoneParser(strings.NewReader(text), ".", "")
	zp.SetDefaultTTL(defaultTTL)
	var rrs []dns.RR
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		rrs = append(rrs, rr)
	}
	if err := zp.Err(); err != nil {
		return err
	}
	origins, err := scanOrigins(text)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.store(rrs, origins, replace)
	return nil
}

// scanOrigins returns the names given by the $ORIGIN directives of text,
// resolved as the zone parser resolves them.
func scanOrigins(text string) ([]string, error) {
	var out []string
	cur := "."
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || !strings.EqualFold(f[0], "$ORIGIN") {
			continue
		}
		o := f[1]
		if !dns.IsFqdn(o) {
			if cur == "." {
				o += "."
			} else {
				o += "." + cur
			}
		}
		if _, ok := dns.IsDomainName(o); !ok {
			return nil, fmt.Errorf("bad $ORIGIN %q", f[1])
		}
		cur = dns.CanonicalName(o)
		out = append(out, cur)
	}
	return out, nil
}

// store adds rrs, creating zones as described on AddZone. With replace, each
// RRset in rrs replaces the existing one; otherwise records are appended
// (CNAME and SOA always replace). s.mu must be held for writing.
func (s *Server) store(rrs []dns.RR, origins []string, replace bool) {
	for _, rr := range rrs {
		rr.Header().Name = dns.CanonicalName(rr.Header().Name)
	}

	// Zones: SOAs first; without SOA, $ORIGINs; then the owners of stray
	// records, highest first so that one zone covers its subdomains.
	hasSOA := false
	for _, rr := range rrs {
		if rr.Header().Rrtype == dns.TypeSOA {
			hasSOA = true
			s.zones[rr.Header().Name] = struct{}{}
		}
	}
	var candidates []string
	if !hasSOA {
		for _, o := range origins {
			if o != "." {
				candidates = append(candidates, o)
			}
		}
	}
	for _, rr := range rrs {
		candidates = append(candidates, rr.Header().Name)
	}
	sort.SliceStable(candidates, func(i, j int) bool {
		return dns.CountLabel(candidates[i]) < dns.CountLabel(candidates[j])
	})
	for _, c := range candidates {
		if _, ok := s.zoneOf(c); !ok {
			s.zones[c] = struct{}{}
			s.put(synthSOA(c), true)
		}
	}

	if replace {
		seen := make(map[faultKey]bool)
		for _, rr := range rrs {
			k := faultKey{rr.Header().Name, rr.Header().Rrtype}
			if !seen[k] {
				seen[k] = true
				if set := s.names[k.name]; set != nil {
					delete(set, k.qtype)
				}
			}
		}
	}
	for _, rr := range rrs {
		t := rr.Header().Rrtype
		s.put(rr, t == dns.TypeSOA || t == dns.TypeCNAME)
	}
}

// put adds rr to its RRset, or makes it the whole RRset with replace.
// Duplicates are dropped. s.mu must be held for writing.
func (s *Server) put(rr dns.RR, replace bool) {
	h := rr.Header()
	set := s.names[h.Name]
	if set == nil {
		set = make(map[uint16][]dns.RR)
		s.names[h.Name] = set
		s.countBelow(h.Name, 1)
	}
	if replace {
		set[h.Rrtype] = []dns.RR{rr}
		return
	}
	old := set[h.Rrtype]
	for _, o := range old {
		if dns.IsDuplicate(o, rr) {
			return
		}
	}
	// Copy on write: handlers may still be reading the old slice.
	set[h.Rrtype] = append(append([]dns.RR(nil), old...), rr)
}

// synthSOA returns the SOA given to a zone whose text has none.
func synthSOA(apex string) dns.RR {
	prefix := apex
	if prefix == "." {
		prefix = ""
	}
	return &dns.SOA{
		Hdr:     dns.RR_Header{Name: apex, Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: defaultTTL},
		Ns:      "ns1." + prefix,
		Mbox:    "hostmaster." + prefix,
		Serial:  1,
		Refresh: 7200,
		Retry:   3600,
		Expire:  1209600,
		Minttl:  defaultTTL,
	}
}

// zoneOf returns the apex of the closest served zone that contains the
// canonical name. s.mu must be held.
func (s *Server) zoneOf(name string) (string, bool) {
	for n := name; ; {
		if _, ok := s.zones[n]; ok {
			return n, true
		}
		if n == "." {
			return "", false
		}
		i, end := dns.NextLabel(n, 0)
		if end {
			n = "."
		} else {
			n = n[i:]
		}
	}
}

// aboveZones reports whether the canonical name is _dmarc under a parent
// of a served zone (such as _dmarc.edu. when x.edu. is served). s.mu must
// be held.
func (s *Server) aboveZones(name string) bool {
	parent, ok := strings.CutPrefix(name, "_dmarc.")
	if !ok {
		return false
	}
	for apex := range s.zones {
		if parent == "." || strings.HasSuffix(apex, "."+parent) {
			return true
		}
	}
	return false
}

// exists reports whether the canonical name owns records or is an empty
// non-terminal (some name below it owns records). s.mu must be held.
func (s *Server) exists(name string) bool {
	if len(s.names[name]) > 0 {
		return true
	}
	if _, ok := s.zones[name]; ok {
		return true
	}
	return s.below[name] > 0
}

// countBelow adds delta to the count of owner names below each ancestor
// of the canonical name, up to the root, as the name starts (1) or stops
// (-1) owning records: so exists answers for an empty non-terminal
// without scanning every name. s.mu must be held for writing.
func (s *Server) countBelow(name string, delta int) {
	for n := name; n != "."; {
		i, end := dns.NextLabel(n, 0)
		if end {
			n = "."
		} else {
			n = n[i:]
		}
		if s.below[n] += delta; s.below[n] <= 0 {
			delete(s.below, n)
		}
	}
}

// negativeSOA returns the SOA to put in the authority section of a negative
// answer from the zone at apex, its TTL capped by the SOA minimum (RFC 2308
// §3). s.mu must be held.
func (s *Server) negativeSOA(apex string) dns.RR {
	set := s.names[apex][dns.TypeSOA]
	if len(set) == 0 {
		return nil
	}
	soa := dns.Copy(set[0]).(*dns.SOA)
	soa.Hdr.Ttl = min(soa.Hdr.Ttl, soa.Minttl)
	return soa
}

// faultFor returns the fault for a question. s.mu must be held.
func (s *Server) faultFor(name string, qtype uint16) Fault {
	if f, ok := s.faults[faultKey{name, qtype}]; ok {
		return f
	}
	return s.faults[faultKey{name, 0}]
}

// ---- answering ----

// serveDNS is the handler of both listeners.
func (s *Server) serveDNS(w dns.ResponseWriter, r *dns.Msg) {
	proto := "udp"
	if _, ok := w.RemoteAddr().(*net.TCPAddr); ok {
		proto = "tcp"
	}
	m := new(dns.Msg)
	m.SetReply(r)
	if len(r.Question) != 1 {
		m.Rcode = dns.RcodeFormatError
		_ = w.WriteMsg(m)
		return
	}
	q := r.Question[0]
	name := dns.CanonicalName(q.Name)

	s.qmu.Lock()
	s.queries = append(s.queries, Query{Name: name, Type: q.Qtype, Proto: proto, At: time.Now()})
	s.qmu.Unlock()

	s.mu.RLock()
	f := s.faultFor(name, q.Qtype)
	delay := s.latency + f.Latency
	b := s.barrier
	s.mu.RUnlock()

	if b != nil && b.hold(name) {
		select {
		case <-b.open:
		case <-s.done:
			return
		}
	}

	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-s.done:
			t.Stop()
			return
		}
	}
	if f.Silent {
		return
	}

	switch {
	case f.Garbage:
		_, _ = w.Write(garbage(r.Id))
		return
	case f.ServFail:
		m.Rcode = dns.RcodeServerFailure
	case f.Refused:
		m.Rcode = dns.RcodeRefused
	case f.WrongQuestion:
		m.Question[0].Name = "wrong-question.invalid."
	case f.TruncateTCP || (f.Truncate && proto == "udp"):
		m.Truncated = true
	case r.Opcode != dns.OpcodeQuery:
		m.Rcode = dns.RcodeNotImplemented
	default:
		s.mu.RLock()
		s.answer(m, q)
		s.mu.RUnlock()
		for _, rr := range f.Inject {
			m.Answer = append(m.Answer, dns.Copy(rr))
		}
	}

	size := dns.MinMsgSize
	if opt := r.IsEdns0(); opt != nil {
		size = max(int(opt.UDPSize()), dns.MinMsgSize)
		m.SetEdns0(ednsBufferSize, false)
	}
	if proto == "tcp" {
		// An answer too big for one message (65,535 bytes) is cut and
		// marked truncated, as real servers do, rather than not sent.
		size = dns.MaxMsgSize
	}
	m.Truncate(size) // sets TC when records had to be dropped
	if f.WrongID {
		m.Id = r.Id + 1
	}
	_ = w.WriteMsg(m)
}

// garbage returns a reply that no DNS client can unpack: a response header
// with id and one question, whose name's first label claims 63 bytes of
// which only three follow.
func garbage(id uint16) []byte {
	return []byte{byte(id >> 8), byte(id), 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 63, 'b', 'a', 'd'}
}

// answer fills m for question q from the zones. s.mu must be held.
func (s *Server) answer(m *dns.Msg, q dns.Question) {
	name := dns.CanonicalName(q.Name)
	apex, ok := s.zoneOf(name)
	if !ok && s.refer && q.Qclass == dns.ClassINET {
		for _, root := range []string{"a.root-servers.net.", "b.root-servers.net."} {
			m.Ns = append(m.Ns, &dns.NS{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeNS, Class: dns.ClassINET, Ttl: 518400}, Ns: root})
		}
		return
	}
	if !ok && q.Qclass == dns.ClassINET && s.aboveZones(name) {
		// The DMARC tree walk (RFC 9989 §4.10) asks _dmarc under every
		// parent of a domain, up to its top-level domain: answered as a
		// resolver answers for _dmarc.edu, so that a test need not serve
		// every parent. SetFault still makes them fail.
		m.Rcode = dns.RcodeNameError
		return
	}
	if !ok || (q.Qclass != dns.ClassINET && q.Qclass != dns.ClassANY) {
		m.Rcode = dns.RcodeRefused
		return
	}
	m.Authoritative = true
	owner := q.Name // as asked: the answer echoes the client's case
	visited := map[string]bool{}
	for hop := 0; ; hop++ {
		visited[name] = true
		set := s.names[name]
		if q.Qtype == dns.TypeANY && len(set) > 0 {
			types := make([]uint16, 0, len(set))
			for t := range set {
				types = append(types, t)
			}
			sort.Slice(types, func(i, j int) bool { return types[i] < types[j] })
			for _, t := range types {
				m.Answer = append(m.Answer, withOwner(set[t], owner)...)
			}
			return
		}
		if rrs := set[q.Qtype]; len(rrs) > 0 {
			m.Answer = append(m.Answer, withOwner(rrs, owner)...)
			return
		}
		if cn := set[dns.TypeCNAME]; len(cn) > 0 && q.Qtype != dns.TypeCNAME {
			m.Answer = append(m.Answer, withOwner(cn, owner)...)
			target := cn[0].(*dns.CNAME).Target
			tname := dns.CanonicalName(target)
			if visited[tname] || hop >= maxChase {
				return
			}
			tapex, ok := s.zoneOf(tname)
			if !ok {
				return // out of zone: the client follows it
			}
			name, owner, apex = tname, target, tapex
			continue
		}
		if !s.exists(name) {
			m.Rcode = dns.RcodeNameError
		}
		if soa := s.negativeSOA(apex); soa != nil {
			m.Ns = append(m.Ns, soa)
		}
		return
	}
}

// withOwner returns copies of rrs whose owner name is owner.
func withOwner(rrs []dns.RR, owner string) []dns.RR {
	out := make([]dns.RR, len(rrs))
	for i, rr := range rrs {
		c := dns.Copy(rr)
		c.Header().Name = owner
		out[i] = c
	}
	return out
}
