package demo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
)

// startWorld starts a world for p with the given lags and closes it at
// cleanup.
func startWorld(t *testing.T, p *assets.Platform, lag, resolverLag time.Duration) *World {
	t.Helper()
	w, err := Start(p)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	w.Lag, w.ResolverLag = lag, resolverLag
	return w
}

func expectation(t *testing.T, p *assets.Platform) dnscheck.Expectation {
	t.Helper()
	exp, err := checks.Expect(p, nil, nil)
	if err != nil {
		t.Fatalf("checks.Expect: %v", err)
	}
	return exp
}

// buildPlan discovers domain through the world's resolver and builds the
// records to publish, as the wizard's records step does.
func buildPlan(t *testing.T, w *World, domain string) plan.Plan {
	t.Helper()
	p, err := makePlan(t.Context(), w, domain)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// makePlan is buildPlan for goroutines other than the test's.
func makePlan(ctx context.Context, w *World, domain string) (plan.Plan, error) {
	snap := discovery.Discover(ctx, w.Querier(), domain, w.Platform())
	if len(snap.Trouble) > 0 {
		return plan.Plan{}, fmt.Errorf("discovery trouble: %v", snap.Trouble)
	}
	p, err := plan.Build(ctx, w.Querier(), snap, w.Platform(), plan.Options{})
	if err != nil {
		return p, fmt.Errorf("plan.Build: %w", err)
	}
	return p, nil
}

func codes(ps []dnscheck.Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, string(p.Code))
	}
	return out
}

func problem(ps []dnscheck.Problem, code dnscheck.Code) (dnscheck.Problem, bool) {
	for _, p := range ps {
		if p.Code == code {
			return p, true
		}
	}
	return dnscheck.Problem{}, false
}

func summary(r dnscheck.DomainReport) string {
	return fmt.Sprintf("ready=%v spf=%s dkim=%s dmarc=%s problems=%v cache=%v",
		r.Ready, r.SPF.Status, r.DKIM.Status, r.DMARC.Status, codes(r.AllProblems()), r.Cache)
}

// waitFor checks domain until ok accepts the report or the deadline
// passes.
func waitFor(t *testing.T, w *World, domain string, exp dnscheck.Expectation, within time.Duration, ok func(dnscheck.DomainReport) bool) dnscheck.DomainReport {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), within)
	defer cancel()
	c := w.Checker()
	var last dnscheck.DomainReport
	for {
		last = c.Check(ctx, domain, exp)
		if ctx.Err() == nil && ok(last) {
			return last
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: condition not met within %v; last report: %s", domain, within, summary(last))
			return last
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func TestStartClose(t *testing.T) {
	t.Parallel()
	w, err := Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	if w.Lag != DefaultLag || w.ResolverLag != DefaultResolverLag {
		t.Errorf("lags = %v, %v; want %v, %v", w.Lag, w.ResolverLag, DefaultLag, DefaultResolverLag)
	}
	if !strings.HasPrefix(w.ResolverAddr(), "127.0.0.1:") {
		t.Errorf("ResolverAddr = %q", w.ResolverAddr())
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := w.Prepare("yourcenter.edu"); !errors.Is(err, ErrClosed) {
		t.Errorf("Prepare after Close: %v, want ErrClosed", err)
	}
	if _, err := w.Publish(plan.Plan{Domain: "yourcenter.edu"}); !errors.Is(err, ErrClosed) {
		t.Errorf("Publish after Close: %v, want ErrClosed", err)
	}
}

func TestResolverServesPlatformAndMicrosoft(t *testing.T) {
	t.Parallel()
	p := assets.DefaultPlatform()
	w := startWorld(t, p, 0, 0)
	ctx := t.Context()
	q := w.Querier()

	spf := q.Query(ctx, p.SPF.Include, dns.TypeTXT).TXT()
	if len(spf) != 1 || !strings.HasPrefix(spf[0], "v=spf1 ip4:107.20.160.162 ") || !strings.HasSuffix(spf[0], " -all") {
		t.Errorf("%s TXT = %q", p.SPF.Include, spf)
	}
	for _, ip := range p.SPF.IPs {
		if !strings.Contains(spf[0], "ip4:"+ip.Addr().String()) {
			t.Errorf("%s does not list %s", p.SPF.Include, ip)
		}
	}
	key := q.Query(ctx, p.DKIM.Target, dns.TypeTXT).TXT()
	if len(key) != 1 {
		t.Fatalf("%s TXT = %q", p.DKIM.Target, key)
	}
	k, err := dnscheck.ParseDKIMKey(key[0])
	if err != nil || k.KeyType != "rsa" || k.Bits != 2048 {
		t.Errorf("DKIM key: %+v, %v; want a 2048-bit RSA key", k, err)
	}
	ms := q.Query(ctx, microsoftSPFInclude, dns.TypeTXT).TXT()
	if !slices.Equal(ms, []string{microsoftSPF}) {
		t.Errorf("%s TXT = %q", microsoftSPFInclude, ms)
	}
}

func TestMicrosoftMXIsDetected(t *testing.T) {
	t.Parallel()
	for _, d := range []string{"yourcenter.edu", "sbdc.example.co.uk", strings.Repeat("a", 60) + ".example.org"} {
		mx := microsoftMX(d)
		if _, ok := dns.IsDomainName(mx); !ok {
			t.Errorf("%s: MX %q is not a domain name", d, mx)
		}
		pr, _, ok := assets.DetectProvider([]string{mx})
		if !ok || pr.ID != "microsoft365" {
			t.Errorf("%s: MX %s detected as %q, %v; want microsoft365", d, mx, pr.ID, ok)
		}
		if !slices.Contains(pr.SPFTerms(), "include:"+microsoftSPFInclude) {
			t.Errorf("the catalog's Microsoft 365 terms %v lack include:%s", pr.SPFTerms(), microsoftSPFInclude)
		}
	}
	if got := microsoftMX("yourcenter.edu"); got != "yourcenter-edu.mail.protection.outlook.com" {
		t.Errorf("microsoftMX = %q", got)
	}
}

func TestPrepareIsTypicalOrganisation(t *testing.T) {
	t.Parallel()
	p := assets.DefaultPlatform()
	w := startWorld(t, p, 0, 0)
	const d = "yourcenter.edu"
	if err := w.Prepare("YourCenter.EDU."); err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	before := zoneDump(w.ns1, d)
	if err := w.Prepare(d); err != nil {
		t.Fatalf("second Prepare: %v", err)
	}
	if after := zoneDump(w.ns1, d); after != before {
		t.Errorf("second Prepare changed the zone:\n%s\nbecame\n%s", before, after)
	}

	r := w.Checker().Check(t.Context(), d, expectation(t, p))
	if r.Ready {
		t.Errorf("ready before the change: %s", summary(r))
	}
	if r.DKIM.Status != dnscheck.VerdictMissing {
		t.Errorf("dkim = %s, want missing", r.DKIM.Status)
	}
	if _, ok := problem(r.DKIM.Problems, dnscheck.CodeDKIMMissing); !ok {
		t.Errorf("dkim problems %v lack dkim-missing", codes(r.DKIM.Problems))
	}
	if r.SPF.Status != dnscheck.VerdictFail || r.SPF.Record != originalSPF {
		t.Errorf("spf = %s %q, want fail %q", r.SPF.Status, r.SPF.Record, originalSPF)
	}
	if _, ok := problem(r.SPF.Problems, dnscheck.CodeSPFPlatformNotAuthorized); !ok {
		t.Errorf("spf problems %v lack spf-platform-not-authorized", codes(r.SPF.Problems))
	}
	if _, ok := problem(r.SPF.Problems, dnscheck.CodeSPFProviderMissing); ok {
		t.Errorf("spf reports the provider missing: %v", codes(r.SPF.Problems))
	}
	if r.DMARC.Status != dnscheck.VerdictPass || r.DMARC.Policy != "none" {
		t.Errorf("dmarc = %s p=%s, want pass p=none", r.DMARC.Status, r.DMARC.Policy)
	}
	if r.Provider != "Microsoft 365" {
		t.Errorf("provider = %q, want Microsoft 365", r.Provider)
	}
	if want := []string{"ns1." + d, "ns2." + d}; !slices.Equal(r.Source.Authoritative, want) || r.Source.Fallback {
		t.Errorf("source = %+v, want the authoritative servers %v", r.Source, want)
	}
	if len(r.Problems) > 0 || len(r.Cache) > 0 {
		t.Errorf("domain problems %v, cache %v; want none", codes(r.Problems), r.Cache)
	}
}

func TestPrepareRefuses(t *testing.T) {
	t.Parallel()
	w := startWorld(t, nil, 0, 0)
	for _, d := range []string{"", "edu", "bad_name.edu", "a..edu", "-a.edu", "exa mple.com",
		"outreachsystems.com", "mail.outreachsystems.com", "outlook.com", "com.", strings.Repeat("a.", 110) + "edu"} {
		if err := w.Prepare(d); err == nil {
			t.Errorf("Prepare(%q) succeeded", d)
		}
	}
	if err := w.Prepare("xn--bcher-kva.example"); err != nil {
		t.Errorf("Prepare of an IDN: %v", err)
	}
}

// manualClock replaces a World's timers: a change scheduled for a lagging
// server waits until the test fires it, so a check made "right after
// Publish" sees the old answers however slow the machine is.
type manualClock struct {
	mu     sync.Mutex
	delays []time.Duration
	fire   []func()
}

// install makes w schedule through c. Call it before the first Publish.
func (c *manualClock) install(w *World) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.afterFunc = func(d time.Duration, f func()) *time.Timer {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.delays = append(c.delays, d)
		c.fire = append(c.fire, f)
		t := time.NewTimer(time.Hour) // only for World.Close to stop
		t.Stop()
		return t
	}
}

// scheduled returns the delays asked for so far.
func (c *manualClock) scheduled() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.delays)
}

// fireAt runs the i-th scheduled function, as its timer would.
func (c *manualClock) fireAt(t *testing.T, i int) {
	t.Helper()
	c.mu.Lock()
	if i >= len(c.fire) {
		c.mu.Unlock()
		t.Fatalf("timer %d was never scheduled (%d were)", i, len(c.fire))
	}
	f := c.fire[i]
	c.mu.Unlock()
	f()
}

// TestPublishReachesNS2AfterLag: a publication reaches ns1 at once, ns2
// after Lag and the resolver after ResolverLag; the check says ns2 is out
// of sync until then. The lags are scheduled on a manual clock, so no
// check races a timer.
func TestPublishReachesNS2AfterLag(t *testing.T) {
	t.Parallel()
	p := assets.DefaultPlatform()
	w := startWorld(t, p, time.Second, 2*time.Second)
	clock := &manualClock{}
	clock.install(w)
	const d = "sbdc.example.org"
	if err := w.Prepare(d); err != nil {
		t.Fatal(err)
	}
	exp := expectation(t, p)
	pl := buildPlan(t, w, d)
	var actions []string
	for _, r := range pl.Records {
		actions = append(actions, r.Purpose+":"+string(r.Action))
	}
	if want := []string{"dkim:add", "spf:replace", "dmarc:keep"}; !slices.Equal(actions, want) {
		t.Fatalf("plan actions = %v, want %v", actions, want)
	}

	status, err := w.Publish(pl)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if want := "Published 2 records for " + d + " on ns1; ns2 catches up in 1s."; status != want {
		t.Errorf("status = %q, want %q", status, want)
	}
	// ns2 gets the change after Lag, the resolver after ResolverLag.
	if got, want := clock.scheduled(), []time.Duration{time.Second, 2 * time.Second}; !slices.Equal(got, want) {
		t.Fatalf("changes scheduled after %v, want %v", got, want)
	}
	r := w.Checker().Check(t.Context(), d, exp)
	oos, ok := problem(r.Problems, dnscheck.CodeNSOutOfSync)
	if !ok {
		t.Fatalf("right after Publish: no ns-out-of-sync; %s", summary(r))
	}
	if !strings.Contains(oos.Message, "ns2."+d) || strings.Contains(oos.Message, "ns1."+d) {
		t.Errorf("ns-out-of-sync does not name ns2 alone: %q", oos.Message)
	}
	if r.DKIM.Status != dnscheck.VerdictPass {
		t.Errorf("dkim on ns1 = %s, want pass", r.DKIM.Status)
	}
	if len(r.Cache) == 0 {
		t.Errorf("right after Publish the resolver should still have the old answers")
	}

	// Lag passes: ns2 serves the change; the resolver still has the old answers.
	clock.fireAt(t, 0)
	r = w.Checker().Check(t.Context(), d, exp)
	if _, unsynced := problem(r.Problems, dnscheck.CodeNSOutOfSync); unsynced || !r.Ready || len(r.Cache) == 0 {
		t.Errorf("after the lag: out of sync %v, ready %v, %d cached answers; want false, true, some: %s", unsynced, r.Ready, len(r.Cache), summary(r))
	}

	// ResolverLag passes: the resolver serves the change too.
	clock.fireAt(t, 1)
	r = w.Checker().Check(t.Context(), d, exp)
	if r.SPF.Status != dnscheck.VerdictPass || r.DKIM.Status != dnscheck.VerdictPass || r.DKIM.KeyBits != 2048 || !r.Ready || len(r.Cache) != 0 {
		t.Errorf("after the resolver's lag: %s", summary(r))
	}
	if len(r.AllProblems()) > 0 {
		t.Errorf("after the lag, problems remain: %v", codes(r.AllProblems()))
	}
	for _, s := range []*struct {
		name string
		dump string
	}{{"ns2", zoneDump(w.ns2, d)}, {"resolver", zoneDump(w.resolver, d)}} {
		if want := zoneDump(w.ns1, d); s.dump != want {
			t.Errorf("%s serves\n%s\nns1 serves\n%s", s.name, s.dump, want)
		}
	}

	// Nothing left to do: the plan built now keeps everything.
	status, err = w.Publish(buildPlan(t, w, d))
	if err != nil || status != "Nothing to publish for "+d+": every record is already in place." {
		t.Errorf("second Publish = %q, %v", status, err)
	}
}

func TestPublishMistakesAlternate(t *testing.T) {
	t.Parallel()
	p := assets.DefaultPlatform()
	w := startWorld(t, p, 0, 0)
	const d = "yourcenter.edu"
	if err := w.Prepare(d); err != nil {
		t.Fatal(err)
	}
	exp := expectation(t, p)
	pl := buildPlan(t, w, d)

	status, err := w.PublishMistake(pl)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Published with a mistake for " + d + ": the DKIM name has the domain twice."; status != want {
		t.Errorf("first mistake status = %q, want %q", status, want)
	}
	r := waitFor(t, w, d, exp, 5*time.Second, func(r dnscheck.DomainReport) bool {
		_, ok := problem(r.DKIM.Problems, dnscheck.CodeDKIMDoubledDomain)
		return ok
	})
	if r.SPF.Status != dnscheck.VerdictPass || r.Ready {
		t.Errorf("after the DKIM mistake: %s; want SPF pass, not ready", summary(r))
	}
	doubled := "osc1._domainkey." + d + "." + d + "."
	if got := w.ns1.Records(doubled, dns.TypeCNAME); len(got) != 1 || got[0].(*dns.CNAME).Target != p.DKIM.Target {
		t.Errorf("CNAME at %s = %v", doubled, got)
	}

	status, err = w.PublishMistake(pl) // the same plan, pressed again
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(status, "Published with a mistake for "+d+": a second SPF record") {
		t.Errorf("second mistake status = %q", status)
	}
	r = waitFor(t, w, d, exp, 5*time.Second, func(r dnscheck.DomainReport) bool {
		_, ok := problem(r.SPF.Problems, dnscheck.CodeSPFMultiple)
		return ok
	})
	if r.DKIM.Status != dnscheck.VerdictPass || r.SPF.Status != dnscheck.VerdictFail {
		t.Errorf("after the SPF mistake: %s; want DKIM pass, SPF fail", summary(r))
	}

	// The fix: the plan built now merges the SPF records and deletes the
	// doubled CNAME.
	fix := buildPlan(t, w, d)
	if _, err := w.Publish(fix); err != nil {
		t.Fatal(err)
	}
	r = waitFor(t, w, d, exp, 5*time.Second, func(r dnscheck.DomainReport) bool { return r.Ready })
	if len(r.AllProblems()) > 0 {
		t.Errorf("after the fix: %s", summary(r))
	}
	if got := w.ns1.Records(doubled, dns.TypeCNAME); len(got) != 0 {
		t.Errorf("the doubled CNAME is still there: %v", got)
	}
	txt := w.ns1.Records(d, dns.TypeTXT)
	if len(txt) != 2 { // the SPF record and Microsoft's verification record
		t.Errorf("TXT at %s = %v; want the merged SPF and the verification record", d, txt)
	}
}

func TestPublishMistakeFallsBack(t *testing.T) {
	t.Parallel()
	p := assets.DefaultPlatform()
	w := startWorld(t, p, 0, 0)
	const d = "yourcenter.edu"
	if err := w.Prepare(d); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Publish(buildPlan(t, w, d)); err != nil {
		t.Fatal(err)
	}
	// Everything is in place: no DKIM CNAME to get wrong, so the SPF
	// mistake comes first.
	status, err := w.PublishMistake(buildPlan(t, w, d))
	if err != nil || !strings.Contains(status, "second SPF record") {
		t.Fatalf("PublishMistake = %q, %v", status, err)
	}
	r := waitFor(t, w, d, expectation(t, p), 5*time.Second, func(r dnscheck.DomainReport) bool {
		_, ok := problem(r.SPF.Problems, dnscheck.CodeSPFMultiple)
		return ok
	})
	if r.DKIM.Status != dnscheck.VerdictPass {
		t.Errorf("%s", summary(r))
	}
	// A plan with nothing to get wrong is published as it is.
	status, err = w.PublishMistake(plan.Plan{Domain: d})
	if err != nil || !strings.Contains(status, "nothing left to get wrong") {
		t.Errorf("PublishMistake of an empty plan = %q, %v", status, err)
	}
}

func TestPublishRefuses(t *testing.T) {
	t.Parallel()
	w := startWorld(t, nil, 0, 0)
	if err := w.Prepare("yourcenter.edu"); err != nil {
		t.Fatal(err)
	}
	before := zoneDump(w.ns1, "yourcenter.edu")
	good := plan.Record{Purpose: plan.PurposeDKIM, Type: "CNAME", Name: "osc1._domainkey.yourcenter.edu.",
		Value: "osc1._domainkey.outreachsystems.com.", Action: plan.ActionAdd}
	for name, p := range map[string]plan.Plan{
		"not prepared":   {Domain: "elsewhere.edu", Records: []plan.Record{good}},
		"outside":        {Domain: "yourcenter.edu", Records: []plan.Record{good, {Type: "TXT", Name: "example.com.", Value: "x", Action: plan.ActionAdd}}},
		"unknown type":   {Domain: "yourcenter.edu", Records: []plan.Record{good, {Type: "BOGUS", Name: "yourcenter.edu.", Value: "x", Action: plan.ActionAdd}}},
		"bad value":      {Domain: "yourcenter.edu", Records: []plan.Record{good, {Type: "A", Name: "www.yourcenter.edu.", Value: "not an address", Action: plan.ActionAdd}}},
		"no value":       {Domain: "yourcenter.edu", Records: []plan.Record{good, {Type: "TXT", Name: "yourcenter.edu.", Action: plan.ActionAdd}}},
		"bad action":     {Domain: "yourcenter.edu", Records: []plan.Record{good, {Type: "TXT", Name: "yourcenter.edu.", Value: "x", Action: "upsert"}}},
		"NS is not ours": {Domain: "yourcenter.edu", Records: []plan.Record{good, {Type: "NS", Name: "yourcenter.edu.", Value: "ns.example.com.", Action: plan.ActionAdd}}},
	} {
		if _, err := w.Publish(p); err == nil {
			t.Errorf("%s: Publish succeeded", name)
		}
	}
	if after := zoneDump(w.ns1, "yourcenter.edu"); after != before {
		t.Errorf("a refused plan changed the zone:\n%s", after)
	}
}

func TestCustomPlatform(t *testing.T) {
	t.Parallel()
	p, err := assets.ParsePlatform([]byte(`{
		"name": "Mailgrove", "vendor": "Grove Labs",
		"dkim": {"selector": "mg7", "target": "mg7.dkim.grovelabs.net"},
		"spf": {"include": "_spf.grovelabs.net", "ips": ["198.51.100.0/24", "2001:db8::/48"]},
		"rewrite_domain": "bounce.grovelabs.net",
		"setting": {"label": "Send on behalf", "location": "Settings"},
		"contact": {"name": "Grove Labs support", "email": "help@grovelabs.net"}
	}`), "test")
	if err != nil {
		t.Fatal(err)
	}
	w := startWorld(t, p, 0, 0)
	const d = "yourcenter.edu"
	if err := w.Prepare(d); err != nil {
		t.Fatal(err)
	}
	exp := expectation(t, p)
	pl := buildPlan(t, w, d)
	if _, err := w.Publish(pl); err != nil {
		t.Fatal(err)
	}
	r := waitFor(t, w, d, exp, 5*time.Second, func(r dnscheck.DomainReport) bool { return r.Ready })
	if r.DKIM.Name != "mg7._domainkey."+d+"." || r.DKIM.KeyBits != 2048 || len(r.AllProblems()) > 0 {
		t.Errorf("%s (dkim name %s)", summary(r), r.DKIM.Name)
	}
	if err := w.Prepare("grovelabs.net"); err == nil {
		t.Errorf("Prepare of the platform's own domain succeeded")
	}
}

func TestCloseCancelsPendingPublications(t *testing.T) {
	t.Parallel()
	w, err := Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Lag, w.ResolverLag = time.Hour, time.Hour
	const d = "yourcenter.edu"
	if err := w.Prepare(d); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Publish(buildPlan(t, w, d)); err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	pending := len(w.timers)
	w.mu.Unlock()
	if pending != 2 {
		t.Errorf("%d timers pending, want 2 (ns2 and the resolver)", pending)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.timers) != 0 || len(w.lagging[0].pending) != 0 || len(w.lagging[1].pending) != 0 {
		t.Errorf("after Close: %d timers, pending %d/%d", len(w.timers), len(w.lagging[0].pending), len(w.lagging[1].pending))
	}
}

// TestConcurrentUse publishes, checks and prepares from many goroutines;
// the race detector watches, and every server ends up serving what ns1
// serves, changes applied in publication order.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	p := assets.DefaultPlatform()
	w := startWorld(t, p, 20*time.Millisecond, 40*time.Millisecond)
	exp := expectation(t, p)
	domains := []string{"a.example.edu", "b.example.edu", "c.example.org", "d.example.net"}
	var wg sync.WaitGroup
	for _, d := range domains {
		wg.Go(func() {
			if err := w.Prepare(d); err != nil {
				t.Error(err)
				return
			}
			pl, err := makePlan(t.Context(), w, d)
			if err != nil {
				t.Error(err)
				return
			}
			for range 3 {
				if _, err := w.PublishMistake(pl); err != nil {
					t.Error(err)
				}
				_ = w.Checker().Check(t.Context(), d, exp)
			}
			if _, err := w.Publish(pl); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for _, d := range domains {
		waitFor(t, w, d, exp, 5*time.Second, func(dnscheck.DomainReport) bool {
			w.mu.Lock()
			defer w.mu.Unlock()
			return len(w.lagging[0].pending) == 0 && len(w.lagging[1].pending) == 0
		})
		want := zoneDump(w.ns1, d)
		for name, s := range map[string]string{"ns2": zoneDump(w.ns2, d), "resolver": zoneDump(w.resolver, d)} {
			if s != want {
				t.Errorf("%s: %s serves\n%s\nns1 serves\n%s", d, name, s, want)
			}
		}
	}
}

// zoneDump lists the records of the demo names of domain, for comparing
// servers.
func zoneDump(s interface {
	Records(string, uint16) []dns.RR
}, domain string) string {
	var b strings.Builder
	for _, n := range []string{domain, "_dmarc." + domain, "osc1._domainkey." + domain, "osc1._domainkey." + domain + "." + domain, "ns1." + domain, "ns2." + domain} {
		var lines []string
		for _, rr := range s.Records(n, dns.TypeANY) {
			lines = append(lines, rr.String())
		}
		slices.Sort(lines)
		for _, l := range lines {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// TestDiscoverySeesMistakeAtOnce: right after a mistake is published, a
// look through the checker's querier (what the wizard's records step
// uses) sees the doubled DKIM name, though the resolver lags an hour.
func TestDiscoverySeesMistakeAtOnce(t *testing.T) {
	t.Parallel()
	p := assets.DefaultPlatform()
	w := startWorld(t, p, time.Hour, time.Hour)
	const d = "yourcenter.edu"
	if err := w.Prepare(d); err != nil {
		t.Fatal(err)
	}
	if _, err := w.PublishMistake(buildPlan(t, w, d)); err != nil {
		t.Fatal(err)
	}
	if snap := discovery.Discover(t.Context(), w.Querier(), d, p); snap.DKIMDoubled != "" {
		t.Fatalf("the lagging resolver already shows the mistake (%s); the test proves nothing", snap.DKIMDoubled)
	}
	snap := discovery.Discover(t.Context(), w.Checker().Querier(), d, p)
	if want := "osc1._domainkey." + d + "." + d + "."; snap.DKIMDoubled != want {
		t.Fatalf("DKIMDoubled = %q, want %q", snap.DKIMDoubled, want)
	}
	pl, err := plan.Build(t.Context(), w.Querier(), snap, p, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var deletes bool
	for _, r := range pl.Records {
		deletes = deletes || r.Action == plan.ActionDelete
	}
	if !deletes {
		t.Errorf("the plan does not delete the doubled record: %+v", pl.Records)
	}
}

// TestPlatformIncludeReadLive: the simulated world serves the platform's
// include with the platform file's addresses, so that a check (which reads
// the include live) finds the same set offline, for the built-in platform
// and for one with networks and IPv6.
func TestPlatformIncludeReadLive(t *testing.T) {
	t.Parallel()
	custom, err := assets.ParsePlatform([]byte(`{
		"name": "Mailgrove", "vendor": "Grove Labs",
		"dkim": {"selector": "mg7", "target": "mg7.dkim.grovelabs.net"},
		"spf": {"include": "_spf.grovelabs.net", "ips": ["198.51.100.0/24", "2001:db8::/48"]},
		"rewrite_domain": "bounce.grovelabs.net",
		"setting": {"label": "Send on behalf", "location": "Settings"},
		"contact": {"name": "Grove Labs support", "email": "help@grovelabs.net"}
	}`), "test")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []*assets.Platform{assets.DefaultPlatform(), custom} {
		w := startWorld(t, p, 0, 0)
		const d = "yourcenter.edu"
		if err := w.Prepare(d); err != nil {
			t.Fatal(err)
		}
		r := checks.CheckAll(t.Context(), w.Checker(), []string{d}, expectation(t, p), nil)[0]
		if set := r.SPF.Platform; !set.Live() || !slices.Equal(set.Networks, p.SPF.IPs) || set.Reason != "" {
			t.Errorf("%s: platform set %+v, want the platform file's, read live", p.Name, set)
		}
	}
}
