package dnscheck

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

const walkZone = `$ORIGIN walk.test.
host      IN A    192.0.2.9
mail      IN A    192.0.2.25
v6only    IN AAAA 2001:db8::9
txtonly   IN TXT  "hello"
txtonly   IN TXT  "google-site-verification=abc"

; a tree three includes deep
root      IN TXT  "v=spf1 include:l1.walk.test a mx -all"
root      IN A    192.0.2.1
root      IN MX   10 mail.walk.test.
l1        IN TXT  "v=spf1 include:l2.walk.test ip4:192.0.2.1 -all"
l2        IN TXT  "v=spf1 include:l3.walk.test a:host.walk.test -all"
l3        IN TXT  "v=spf1 exists:%{i}._spf.l3.walk.test ptr -all"

; redirect
red       IN TXT  "v=spf1 mx:mail.walk.test redirect=_spf.red.walk.test"
_spf.red  IN TXT  "v=spf1 a:host.walk.test include:l3.walk.test -all"
redall    IN TXT  "v=spf1 include:l3.walk.test -all redirect=l1.walk.test"
afterall  IN TXT  "v=spf1 a:host.walk.test ~all include:l1.walk.test mx:mail.walk.test"

; lookups that find nothing, and a record that is not SPF
voids     IN TXT  "v=spf1 include:nx.walk.test a:txtonly.walk.test mx:host.walk.test exists:nx2.walk.test exists:v6only.walk.test a:v6only.walk.test ip4:192.0.2.1 -all"
nospf     IN TXT  "v=spf1 include:txtonly.walk.test redirect=txtonly.walk.test"

; loops
a.loop    IN TXT  "v=spf1 include:b.loop.walk.test -all"
b.loop    IN TXT  "v=spf1 ip4:192.0.2.1 include:a.loop.walk.test -all"
self      IN TXT  "v=spf1 include:self.walk.test -all"
selfred   IN TXT  "v=spf1 redirect=selfred.walk.test"
inner     IN TXT  "v=spf1 include:x.loop.walk.test -all"
x.loop    IN TXT  "v=spf1 include:y.loop.walk.test -all"
y.loop    IN TXT  "v=spf1 include:x.loop.walk.test -all"

; DNS trouble
trouble   IN TXT  "v=spf1 include:servfail.walk.test include:silent.walk.test a:servfail.walk.test -all"
servfail  IN TXT  "v=spf1 -all"
silent    IN TXT  "v=spf1 -all"

; selection
several   IN TXT  "v=spf1 -all"
several   IN TXT  "v=spf1 ~all"
looks     IN TXT  "v=spf1include:spf.example.com -all"
looks     IN TXT  "hello"
broken    IN TXT  "v=spf1 include=spf.example.com -all"
mixed     IN TXT  "google-site-verification=abc"
mixed     IN TXT  "v=spf1 ip4:192.0.2.1 -all"
mixed     IN TXT  "v=spf10"
`

// walkServer starts dnstest with walkZone (and extra zones) and returns it
// with a per-check cache in front of a client for it.
func walkServer(t *testing.T, zones ...string) (*dnstest.Server, *Lookup) {
	t.Helper()
	srv := dnstest.StartT(t, append([]string{walkZone}, zones...)...)
	srv.SetFault("servfail.walk.test.", dnstest.Fault{ServFail: true})
	srv.SetFault("silent.walk.test.", dnstest.Fault{Silent: true})
	return srv, NewLookup(clientFor([]*dnstest.Server{srv}, WithTimeout(300*time.Millisecond)))
}

// walkDomain fetches domain's SPF record through q and walks it, failing
// the test if the walk does not end (a loop must never hang).
func walkDomain(t *testing.T, q Querier, domain string) SPFWalk {
	t.Helper()
	ctx := context.Background()
	resp := q.Query(ctx, domain, dns.TypeTXT)
	rec, err := SelectSPF(resp)
	if err != nil || rec == nil {
		t.Fatalf("%s: SPF record %v, %v (status %v)", domain, rec, err, resp.Status)
	}
	done := make(chan SPFWalk, 1)
	go func() { done <- WalkSPF(ctx, q, domain, rec) }()
	select {
	case w := <-done:
		return w
	case <-time.After(30 * time.Second):
		t.Fatalf("WalkSPF(%s) did not end", domain)
		return SPFWalk{}
	}
}

// sorted returns a sorted copy (the walk fills some lists concurrently).
func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestWalkSPFIncludeTree(t *testing.T) {
	t.Parallel()
	srv, l := walkServer(t)
	w := walkDomain(t, l, "root.walk.test")

	// root: include, a, mx (3) + l1: include (1) + l2: include, a (2) +
	// l3: exists, ptr (2).
	if w.Lookups != 8 {
		t.Errorf("Lookups = %d, want 8", w.Lookups)
	}
	if w.VoidLookups != 0 || len(w.VoidTerms) != 0 || len(w.Loops) != 0 || w.Truncated {
		t.Errorf("voids %d %v, loops %v, truncated %v; want none", w.VoidLookups, w.VoidTerms, w.Loops, w.Truncated)
	}
	wantCosts := []IncludeCost{{"include:l1.walk.test", 6}, {"a", 1}, {"mx", 1}}
	if got := w.IncludeCosts(); !slices.Equal(got, wantCosts) {
		t.Errorf("IncludeCosts() = %v, want %v", got, wantCosts)
	}

	// The tree itself.
	n := w.Root
	for _, want := range []struct {
		domain, via string
		lookups     int
	}{
		{"root.walk.test.", "", 8},
		{"l1.walk.test.", "include:l1.walk.test", 5},
		{"l2.walk.test.", "include:l2.walk.test", 4},
		{"l3.walk.test.", "include:l3.walk.test", 2},
	} {
		if n == nil {
			t.Fatalf("no node for %s", want.domain)
		}
		if n.Domain != want.domain || n.Via != want.via || n.Lookups != want.lookups || n.Record == nil || n.Error != "" {
			t.Errorf("node %q via %q: %d lookups, record %v, error %q; want %s via %q, %d lookups",
				n.Domain, n.Via, n.Lookups, n.Record, n.Error, want.domain, want.via, want.lookups)
		}
		if len(n.Children) > 1 {
			t.Fatalf("%s has %d children, want at most 1", n.Domain, len(n.Children))
		}
		if len(n.Children) == 0 {
			n = nil
		} else {
			n = n.Children[0]
		}
	}
	if n != nil {
		t.Errorf("unexpected node %s below l3", n.Domain)
	}

	// a, mx and the MX host's addresses are fetched (so that evaluation
	// costs nothing more); ptr and macro names are counted, never fetched.
	asked := map[string]bool{}
	for _, q := range srv.Queries() {
		asked[q.Name+" "+dns.TypeToString[q.Type]] = true
		if q.Type == dns.TypePTR || strings.Contains(q.Name, "%") || strings.Contains(q.Name, "_spf") || strings.HasSuffix(q.Name, ".arpa.") {
			t.Errorf("asked %s %s: ptr and macros must not be fetched", q.Name, dns.TypeToString[q.Type])
		}
	}
	for _, want := range []string{
		"root.walk.test. TXT", "root.walk.test. A", "root.walk.test. AAAA", "root.walk.test. MX",
		"mail.walk.test. A", "mail.walk.test. AAAA",
		"l1.walk.test. TXT", "l2.walk.test. TXT", "l3.walk.test. TXT",
		"host.walk.test. A", "host.walk.test. AAAA",
	} {
		if !asked[want] {
			t.Errorf("%s was not asked", want)
		}
	}
	// The cache keeps every question to one query.
	seen := map[string]int{}
	for _, q := range srv.Queries() {
		seen[q.Name+" "+dns.TypeToString[q.Type]]++
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s asked %d times", k, n)
		}
	}
}

func TestWalkSPFRedirect(t *testing.T) {
	t.Parallel()
	srv, l := walkServer(t)

	w := walkDomain(t, l, "red.walk.test")
	// mx (1) + redirect (1) + _spf.red: a, include (2) + l3 (2).
	if w.Lookups != 6 {
		t.Errorf("Lookups = %d, want 6", w.Lookups)
	}
	wantCosts := []IncludeCost{{"mx:mail.walk.test", 1}, {"redirect=_spf.red.walk.test", 5}}
	if got := w.IncludeCosts(); !slices.Equal(got, wantCosts) {
		t.Errorf("IncludeCosts() = %v, want %v", got, wantCosts)
	}
	if len(w.Root.Children) != 1 || w.Root.Children[0].Domain != "_spf.red.walk.test." || w.Root.Children[0].Via != "redirect=_spf.red.walk.test" {
		t.Errorf("children %+v, want the redirect target", w.Root.Children)
	}

	// With an "all" in the record the redirect is never followed (RFC 7208
	// §6.1), and terms after "all" are never reached (§5.1): neither costs
	// a lookup nor is fetched.
	w = walkDomain(t, l, "redall.walk.test")
	if w.Lookups != 3 {
		t.Errorf("redall: Lookups = %d, want 3 (include and l3's two)", w.Lookups)
	}
	w = walkDomain(t, l, "afterall.walk.test")
	if w.Lookups != 1 {
		t.Errorf("afterall: Lookups = %d, want 1 (only the a before ~all)", w.Lookups)
	}
	if got := w.IncludeCosts(); !slices.Equal(got, []IncludeCost{{"a:host.walk.test", 1}}) {
		t.Errorf("afterall: IncludeCosts() = %v", got)
	}
	if n := countQueries(srv, "l1.walk.test.", dns.TypeTXT); n != 0 {
		t.Errorf("l1.walk.test TXT asked %d times, want 0 (it lies past all)", n)
	}
}

func TestWalkSPFVoidLookups(t *testing.T) {
	t.Parallel()
	_, l := walkServer(t)
	w := walkDomain(t, l, "voids.walk.test")

	want := []string{
		"voids.walk.test: a:txtonly.walk.test",     // neither A nor AAAA
		"voids.walk.test: exists:nx2.walk.test",    // NXDOMAIN
		"voids.walk.test: exists:v6only.walk.test", // exists asks only A
		"voids.walk.test: include:nx.walk.test",    // NXDOMAIN
		"voids.walk.test: mx:host.walk.test",       // no MX
	}
	if got := sorted(w.VoidTerms); !slices.Equal(got, want) {
		t.Errorf("VoidTerms =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if w.VoidLookups != len(want) {
		t.Errorf("VoidLookups = %d, want %d", w.VoidLookups, len(want))
	}
	if w.Lookups != 6 {
		t.Errorf("Lookups = %d, want 6", w.Lookups)
	}
	if len(w.Root.Children) != 1 {
		t.Fatalf("children %+v", w.Root.Children)
	}
	if c := w.Root.Children[0]; c.Error == "" || c.Trouble != nil || c.Record != nil {
		t.Errorf("include of NXDOMAIN: error %q trouble %v record %v", c.Error, c.Trouble, c.Record)
	}
}

func TestWalkSPFTargetWithoutSPF(t *testing.T) {
	t.Parallel()
	_, l := walkServer(t)
	w := walkDomain(t, l, "nospf.walk.test")
	if len(w.Root.Children) != 2 {
		t.Fatalf("children %+v, want the include and the redirect", w.Root.Children)
	}
	// RFC 7208 §5.2, §6.1: a target without an SPF record is a permerror;
	// the node must say so. TXT records exist, so it is not void.
	for _, c := range w.Root.Children {
		if c.Error == "" || c.Record != nil || c.Trouble != nil {
			t.Errorf("%s via %s: error %q record %v trouble %v; want an error", c.Domain, c.Via, c.Error, c.Record, c.Trouble)
		}
	}
	if w.VoidLookups != 0 {
		t.Errorf("VoidLookups = %d (%v), want 0", w.VoidLookups, w.VoidTerms)
	}
}

func TestWalkSPFLoops(t *testing.T) {
	t.Parallel()
	_, l := walkServer(t)
	tests := []struct {
		domain  string
		loop    string
		lookups int
	}{
		{"a.loop.walk.test", "a.loop.walk.test → b.loop.walk.test → a.loop.walk.test", 2},
		{"self.walk.test", "self.walk.test → self.walk.test", 1},
		{"selfred.walk.test", "selfred.walk.test → selfred.walk.test", 1},
		{"inner.walk.test", "inner.walk.test → x.loop.walk.test → y.loop.walk.test → x.loop.walk.test", 3},
	}
	for _, tt := range tests {
		w := walkDomain(t, l, tt.domain)
		if !slices.Equal(w.Loops, []string{tt.loop}) {
			t.Errorf("%s: Loops = %q, want %q", tt.domain, w.Loops, tt.loop)
		}
		if w.Lookups != tt.lookups {
			t.Errorf("%s: Lookups = %d, want %d", tt.domain, w.Lookups, tt.lookups)
		}
		// The node that closes the loop carries the error.
		n := w.Root
		for len(n.Children) == 1 {
			n = n.Children[0]
		}
		if !strings.HasPrefix(n.Error, "loop: ") || n.Record != nil {
			t.Errorf("%s: last node %s error %q, want the loop", tt.domain, n.Domain, n.Error)
		}
	}
}

func TestWalkSPFTrouble(t *testing.T) {
	t.Parallel()
	_, l := walkServer(t)
	w := walkDomain(t, l, "trouble.walk.test")
	if w.VoidLookups != 0 {
		t.Errorf("VoidLookups = %d (%v): DNS trouble is not a void lookup", w.VoidLookups, w.VoidTerms)
	}
	if w.Lookups != 3 {
		t.Errorf("Lookups = %d, want 3", w.Lookups)
	}
	want := map[string]Status{"servfail.walk.test.": StatusServFail, "silent.walk.test.": StatusTimeout}
	if len(w.Root.Children) != len(want) {
		t.Fatalf("children %+v", w.Root.Children)
	}
	for _, c := range w.Root.Children {
		if c.Error == "" || c.Trouble == nil || c.Record != nil {
			t.Errorf("%s: error %q trouble %v record %v", c.Domain, c.Error, c.Trouble, c.Record)
			continue
		}
		if c.Trouble.Status != want[c.Domain] {
			t.Errorf("%s: trouble %v, want %v", c.Domain, c.Trouble.Status, want[c.Domain])
		}
	}
}

// TestWalkSPFTooManyLookups: past ten lookups the walk still reports the
// true count, so the report can say by how much.
func TestWalkSPFTooManyLookups(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("$ORIGIN many.test.\n@ IN TXT \"v=spf1")
	for i := range 4 {
		fmt.Fprintf(&b, " include:i%d.many.test", i)
	}
	b.WriteString(" -all\"\nhost IN A 192.0.2.1\n")
	for i := range 4 {
		fmt.Fprintf(&b, "i%d IN TXT \"v=spf1 a:host.many.test mx:host.many.test exists:host.many.test -all\"\n", i)
	}
	_, l := walkServer(t, b.String())
	w := walkDomain(t, l, "many.test")
	if w.Lookups != 16 {
		t.Errorf("Lookups = %d, want 16", w.Lookups)
	}
	if w.Truncated {
		t.Error("Truncated: 16 lookups are within the walk's budget")
	}
	for _, c := range w.IncludeCosts() {
		if c.Lookups != 4 {
			t.Errorf("%s costs %d, want 4", c.Term, c.Lookups)
		}
	}
	// The four mx:host terms are void (host has no MX).
	if w.VoidLookups != 4 {
		t.Errorf("VoidLookups = %d (%v), want 4", w.VoidLookups, w.VoidTerms)
	}
}

// TestWalkSPFHostileTree: sixty includes, each with more below, must stop
// at the walk's budget and cost a bounded number of queries.
func TestWalkSPFHostileTree(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("$ORIGIN hostile.test.\n@ IN TXT \"v=spf1")
	for i := range 60 {
		fmt.Fprintf(&b, " include:h%d.hostile.test", i)
	}
	b.WriteString(" -all\"\n")
	for i := range 60 {
		fmt.Fprintf(&b, "h%d IN TXT \"v=spf1 a include:s%d.hostile.test -all\"\n", i, i)
		fmt.Fprintf(&b, "s%d IN TXT \"v=spf1 a include:h%d.hostile.test -all\"\n", i, (i+1)%60)
	}
	srv, l := walkServer(t, b.String())
	w := walkDomain(t, l, "hostile.test")
	if !w.Truncated {
		t.Error("Truncated = false, want true")
	}
	if w.Lookups <= MaxSPFLookups {
		t.Errorf("Lookups = %d, want more than %d", w.Lookups, MaxSPFLookups)
	}
	// Each unit of the budget costs at most two queries here (an include
	// one TXT, an "a" an A and an AAAA); plus the root's own TXT, twice.
	if n := len(srv.Queries()); n > 2*maxSPFWalk+2 {
		t.Errorf("%d queries sent, want at most %d", n, 2*maxSPFWalk+2)
	}
	txt := 0
	for _, q := range srv.Queries() {
		if q.Type == dns.TypeTXT {
			txt++
		}
	}
	// The root's record is too big for UDP: it is asked over UDP and TCP.
	if txt > maxSPFWalk+2 {
		t.Errorf("%d TXT queries, want at most %d", txt, maxSPFWalk+2)
	}
}

func TestWalkSPFTooDeep(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("$ORIGIN deep.test.\n")
	for i := range 30 {
		fmt.Fprintf(&b, "d%d IN TXT \"v=spf1 include:d%d.deep.test -all\"\n", i, i+1)
	}
	srv, l := walkServer(t, b.String())
	w := walkDomain(t, l, "d0.deep.test")
	if !w.Truncated {
		t.Error("Truncated = false, want true")
	}
	if n := countTXT(srv); n > maxSPFDepth+2 {
		t.Errorf("%d TXT queries for a chain cut at depth %d", n, maxSPFDepth)
	}
}

func countTXT(srv *dnstest.Server) int {
	n := 0
	for _, q := range srv.Queries() {
		if q.Type == dns.TypeTXT {
			n++
		}
	}
	return n
}

// TestWalkSPFSiblingsConcurrent proves without timing the total that
// sibling includes are asked at once: each answer is delayed 300ms, yet all
// five questions arrive within 150ms of the first — before any answer could
// have been sent.
func TestWalkSPFSiblingsConcurrent(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("$ORIGIN sib.test.\n@ IN TXT \"v=spf1")
	for i := range 5 {
		fmt.Fprintf(&b, " include:s%d.sib.test", i)
	}
	b.WriteString(" -all\"\n")
	for i := range 5 {
		fmt.Fprintf(&b, "s%d IN TXT \"v=spf1 ip4:192.0.2.%d -all\"\n", i, i)
	}
	srv, _ := walkServer(t, b.String())
	// The server holds the five siblings' answers until all five questions
	// are there: a walk asking one include after another never gets them
	// together. The guard only ends a broken run; the client waits longer.
	const guard = 10 * time.Second
	var siblings []string
	for i := range 5 {
		siblings = append(siblings, fmt.Sprintf("s%d.sib.test.", i))
	}
	barrier := srv.HoldUntil(5, guard, siblings...)
	l := NewLookup(clientFor([]*dnstest.Server{srv}, WithTimeout(2*guard)))
	w := walkDomain(t, l, "sib.test")
	if w.Lookups != 5 || len(w.Root.Children) != 5 {
		t.Fatalf("Lookups %d, %d children; want 5 and 5", w.Lookups, len(w.Root.Children))
	}
	for i, c := range w.Root.Children {
		if want := fmt.Sprintf("include:s%d.sib.test", i); c.Via != want || c.Record == nil {
			t.Errorf("child %d: via %q record %v, want %q in record order", i, c.Via, c.Record, want)
		}
	}
	if !barrier.Met() {
		t.Errorf("only %d of the 5 sibling includes were asked before an answer came back: siblings are not asked concurrently", barrier.Arrived())
	}
}

func TestWalkSPFNilRecordAndMacros(t *testing.T) {
	t.Parallel()
	srv, l := walkServer(t)
	w := WalkSPF(context.Background(), l, "nothing.walk.test", nil)
	if w.Root == nil || w.Root.Domain != "nothing.walk.test." || w.Lookups != 0 || w.IncludeCosts() != nil {
		t.Errorf("walk of no record: %+v", w)
	}
	rec, err := ParseSPF("v=spf1 include:%{d}.walk.test a:%{i}.walk.test mx:%{d} exists:%{l}.%{d} ptr:%{d} -all")
	if err != nil {
		t.Fatal(err)
	}
	w = WalkSPF(context.Background(), l, "macro.walk.test", rec)
	if w.Lookups != 5 || w.VoidLookups != 0 || len(w.Root.Children) != 0 {
		t.Errorf("macros: Lookups %d voids %d children %d; want 5, 0, 0", w.Lookups, w.VoidLookups, len(w.Root.Children))
	}
	if q := srv.Queries(); len(q) != 0 {
		t.Errorf("macro terms were fetched: %v", q)
	}
}

func TestSelectSPF(t *testing.T) {
	t.Parallel()
	srv, _ := walkServer(t)
	c := clientFor([]*dnstest.Server{srv})
	get := func(name string) Response {
		return c.Query(context.Background(), name, dns.TypeTXT)
	}

	for _, name := range []string{"txtonly.walk.test", "host.walk.test", "nx.walk.test"} {
		if rec, err := SelectSPF(get(name)); rec != nil || err != nil {
			t.Errorf("%s: got %v, %v; want no record and no error", name, rec, err)
		}
	}

	rec, err := SelectSPF(get("mixed.walk.test"))
	if err != nil || rec == nil || rec.String() != "v=spf1 ip4:192.0.2.1 -all" {
		t.Errorf("mixed: got %v, %v", rec, err)
	}

	rec, err = SelectSPF(get("several.walk.test"))
	if err == nil || rec != nil || !strings.Contains(err.Error(), "2 SPF records") {
		t.Errorf("several: got %v, %v; want an error naming 2 records", rec, err)
	}

	rec, err = SelectSPF(get("looks.walk.test"))
	var se *SPFSyntaxError
	if rec != nil || !errors.As(err, &se) || !strings.Contains(err.Error(), "v=spf1include:spf.example.com") {
		t.Errorf("looks like SPF: got %v, %v; want a syntax error quoting it", rec, err)
	}

	rec, err = SelectSPF(get("broken.walk.test"))
	if rec == nil || !errors.As(err, &se) || se.Term != "include=spf.example.com" {
		t.Errorf("broken: got %v, %v; want the record and the syntax error", rec, err)
	}
}
