package plan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// The zones every plan test serves beside the domain's own: the vendor's
// and the providers' SPF records, so that lookups are counted against real
// answers.
const (
	vendorZone = `$ORIGIN outreachsystems.com.
@               IN SOA ns1 hostmaster 1 7200 3600 1209600 300
spf             IN TXT "v=spf1 ip4:107.20.160.162 ip4:35.85.179.136 -all"
osc1._domainkey IN TXT "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"
`
	outlookZone = `$ORIGIN outlook.com.
@              IN SOA ns1 hostmaster 1 7200 3600 1209600 300
spf.protection IN TXT "v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 -all"
`
	googleZone = `$ORIGIN google.com.
@    IN SOA ns1 hostmaster 1 7200 3600 1209600 300
_spf IN TXT "v=spf1 ip4:35.190.247.0/24 -all"
`
)

const (
	testDomain  = "yourcenter.edu"
	dkimName    = "osc1._domainkey.yourcenter.edu."
	dkimTarget  = "osc1._domainkey.outreachsystems.com."
	m365MX      = "yourcenter-edu.mail.protection.outlook.com"
	genericNS   = "@ IN NS ns1.yourcenter.edu."
	route53NS   = "@ IN NS ns-1234.awsdns-12.org.\n@ IN NS ns-99.awsdns-01.com."
	cloudflarNS = "@ IN NS ada.ns.cloudflare.com.\n@ IN NS bob.ns.cloudflare.com."
)

// domainZone returns the zone text of yourcenter.edu with the given lines
// (relative to the zone).
func domainZone(lines ...string) string {
	return "$ORIGIN yourcenter.edu.\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n" + strings.Join(lines, "\n") + "\n"
}

// txtLine writes a TXT record for the zone text, split into quoted strings
// of at most 255 bytes.
func txtLine(owner, value string) string {
	var parts []string
	for _, c := range assets.SplitTXT(value) {
		parts = append(parts, `"`+strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(c)+`"`)
	}
	return owner + " IN TXT " + strings.Join(parts, " ")
}

func startZones(t *testing.T, zones ...string) *dnstest.Server {
	t.Helper()
	return dnstest.StartT(t, append([]string{vendorZone, outlookZone, googleZone}, zones...)...)
}

// buildPlan discovers domain through srv and builds its plan for the
// default platform.
func buildPlan(t *testing.T, srv *dnstest.Server, domain string, opt Options) (Plan, discovery.Snapshot, error) {
	t.Helper()
	ctx := context.Background()
	q := dnscheck.NewLookup(dnscheck.NewClient(dnscheck.WithServers(srv.Addr())))
	p := assets.DefaultPlatform()
	snap := discovery.Discover(ctx, q, domain, p)
	plan, err := Build(ctx, q, snap, p, opt)
	return plan, snap, err
}

func mustPlan(t *testing.T, srv *dnstest.Server, domain string, opt Options) Plan {
	t.Helper()
	plan, _, err := buildPlan(t, srv, domain, opt)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return plan
}

// record returns the plan's records of purpose (and, unless "", action).
func records(plan Plan, purpose string, action Action) []Record {
	var out []Record
	for _, r := range plan.Records {
		if r.Purpose == purpose && (action == "" || r.Action == action) {
			out = append(out, r)
		}
	}
	return out
}

func one(t *testing.T, plan Plan, purpose string) Record {
	t.Helper()
	var found []Record
	for _, r := range plan.Records {
		if r.Purpose == purpose && r.Action != ActionDelete {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("plan has %d %s records to publish, want 1: %+v", len(found), purpose, plan.Records)
	}
	return found[0]
}

func provider(t *testing.T, id string) *assets.Provider {
	t.Helper()
	p, ok := assets.ProviderByID(id)
	if !ok {
		t.Fatalf("no provider %q", id)
	}
	return &p
}

func containsAny(list []string, sub string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.Contains(s, sub) })
}

func TestBuildNoRecords(t *testing.T) {
	t.Parallel()
	srv := startZones(t, domainZone(genericNS, "@ IN MX 0 "+m365MX+"."))
	plan := mustPlan(t, srv, testDomain, Options{})

	if plan.Domain != testDomain || plan.Zone != testDomain {
		t.Errorf("Domain, Zone = %q, %q", plan.Domain, plan.Zone)
	}
	if plan.Provider != "Microsoft 365" || !strings.Contains(plan.ProviderReason, m365MX) {
		t.Errorf("Provider = %q (%q), want Microsoft 365 detected from %s", plan.Provider, plan.ProviderReason, m365MX)
	}
	if plan.DNSHost != "Your DNS host" {
		t.Errorf("DNSHost = %q, want the generic host", plan.DNSHost)
	}
	if len(plan.Records) != 3 {
		t.Fatalf("want 3 records (DKIM, SPF, DMARC), got %+v", plan.Records)
	}

	dkim := one(t, plan, PurposeDKIM)
	// An unrecognised host's form gets the name relative to the zone.
	want := Record{Purpose: PurposeDKIM, Type: "CNAME", Name: dkimName, HostField: "osc1._domainkey", Value: dkimTarget, FormValue: dkimTarget, Action: ActionAdd}
	if dkim.Type != want.Type || dkim.Name != want.Name || dkim.HostField != want.HostField || dkim.Value != want.Value || dkim.FormValue != want.FormValue || dkim.Action != want.Action || len(dkim.Replaces) != 0 || dkim.Strings != nil {
		t.Errorf("DKIM record\n got %+v\nwant %+v", dkim, want)
	}

	spf := one(t, plan, PurposeSPF)
	wantSPF := "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all"
	if spf.Type != "TXT" || spf.Name != "yourcenter.edu." || spf.Value != wantSPF || spf.Action != ActionAdd {
		t.Errorf("SPF record = %+v, want add %q", spf, wantSPF)
	}
	if spf.HostField != "@" {
		t.Errorf("SPF HostField for the generic host = %q, want @", spf.HostField)
	}
	if spf.FormValue != wantSPF {
		t.Errorf("SPF FormValue for the generic host = %q, want it unquoted", spf.FormValue)
	}
	if !slices.Equal(spf.Strings, []string{wantSPF}) {
		t.Errorf("SPF Strings = %q, want the one string %q", spf.Strings, wantSPF)
	}
	if plan.SPFLookups != 2 {
		t.Errorf("SPFLookups = %d, want 2", plan.SPFLookups)
	}

	dmarc := one(t, plan, PurposeDMARC)
	if dmarc.Name != "_dmarc.yourcenter.edu." || dmarc.Value != "v=DMARC1; p=none" || dmarc.Action != ActionAdd {
		t.Errorf("DMARC record = %+v, want add v=DMARC1; p=none", dmarc)
	}
	if !containsAny(dmarc.Notes, "p=none") {
		t.Errorf("DMARC notes %q do not say why p=none", dmarc.Notes)
	}
	for _, w := range plan.Warnings {
		if strings.Contains(w, "did not answer") || strings.Contains(w, "lookups") {
			t.Errorf("unexpected warning %q", w)
		}
	}
}

func TestBuildProviderDetection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		lines      []string
		opt        func(t *testing.T) Options
		provider   string
		reasonHas  string
		spf        string
		spfAction  Action
		spfReplace []string
		warnHas    []string // sentences of plan.Warnings
	}{
		{
			name:     "M365 from MX, lowest preference first",
			lines:    []string{"@ IN MX 20 aspmx.l.google.com.", "@ IN MX 10 " + m365MX + "."},
			provider: "Microsoft 365", reasonHas: "detected from your MX record " + m365MX,
			spf: "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all", spfAction: ActionAdd,
		},
		{
			name:     "Google from MX",
			lines:    []string{"@ IN MX 1 ASPMX.L.GOOGLE.COM."},
			provider: "Google Workspace", reasonHas: "aspmx.l.google.com",
			spf: "v=spf1 include:_spf.google.com include:spf.outreachsystems.com -all", spfAction: ActionAdd,
		},
		{
			name:     "no MX",
			provider: "No mail of our own (nothing else sends or receives as this domain)", reasonHas: "no MX records",
			spf: "v=spf1 include:spf.outreachsystems.com -all", spfAction: ActionAdd,
		},
		{
			name:     "null MX",
			lines:    []string{"@ IN MX 0 ."},
			provider: "No mail of our own (nothing else sends or receives as this domain)", reasonHas: "no MX records",
			spf: "v=spf1 include:spf.outreachsystems.com -all", spfAction: ActionAdd,
		},
		{
			// The domain receives mail through a gateway the catalog does
			// not know: never "no mail of our own", never -all.
			name:     "unknown MX, no SPF",
			lines:    []string{"@ IN MX 10 mx.mailhost.example."},
			provider: "Not recognised", reasonHas: "mx.mailhost.example",
			spf: "v=spf1 include:spf.outreachsystems.com ~all", spfAction: ActionAdd,
			warnHas: []string{"mx.mailhost.example", "--provider"},
		},
		{
			name:     "unknown MX keeps what the SPF record authorises",
			lines:    []string{"@ IN MX 10 mx.mailhost.example.", `@ IN TXT "v=spf1 ip4:192.0.2.0/24 a:out.mailhost.example -all"`},
			provider: "Not recognised", reasonHas: "mx.mailhost.example",
			spf:       "v=spf1 ip4:192.0.2.0/24 a:out.mailhost.example include:spf.outreachsystems.com -all",
			spfAction: ActionReplace, spfReplace: []string{"v=spf1 ip4:192.0.2.0/24 a:out.mailhost.example -all"},
			warnHas: []string{"mx.mailhost.example", "--provider"},
		},
		{
			name:     "--provider google beats the MX, and is added before the platform",
			lines:    []string{"@ IN MX 10 " + m365MX + ".", `@ IN TXT "v=spf1 include:spf.protection.outlook.com -all"`},
			opt:      func(t *testing.T) Options { return Options{Provider: provider(t, "google")} },
			provider: "Google Workspace", reasonHas: "chosen",
			spf:       "v=spf1 include:spf.protection.outlook.com include:_spf.google.com include:spf.outreachsystems.com -all",
			spfAction: ActionReplace, spfReplace: []string{"v=spf1 include:spf.protection.outlook.com -all"},
		},
		{
			name:     "M365 detected and already in the record: only the platform added",
			lines:    []string{"@ IN MX 10 " + m365MX + ".", `@ IN TXT "v=spf1 include:spf.protection.outlook.com ~all"`, `@ IN TXT "google-site-verification=abc"`},
			provider: "Microsoft 365", reasonHas: m365MX,
			spf:       "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com ~all",
			spfAction: ActionReplace, spfReplace: []string{"v=spf1 include:spf.protection.outlook.com ~all"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startZones(t, domainZone(append([]string{genericNS}, tc.lines...)...))
			var opt Options
			if tc.opt != nil {
				opt = tc.opt(t)
			}
			plan := mustPlan(t, srv, testDomain, opt)
			if plan.Provider != tc.provider {
				t.Errorf("Provider = %q, want %q", plan.Provider, tc.provider)
			}
			if !strings.Contains(plan.ProviderReason, tc.reasonHas) {
				t.Errorf("ProviderReason = %q, want it to contain %q", plan.ProviderReason, tc.reasonHas)
			}
			spf := one(t, plan, PurposeSPF)
			if spf.Value != tc.spf || spf.Action != tc.spfAction {
				t.Errorf("SPF = %s %q, want %s %q", spf.Action, spf.Value, tc.spfAction, tc.spf)
			}
			if !slices.Equal(spf.Replaces, tc.spfReplace) {
				t.Errorf("SPF Replaces = %q, want %q", spf.Replaces, tc.spfReplace)
			}
			warnings := strings.Join(plan.Warnings, "\n")
			for _, w := range tc.warnHas {
				if !strings.Contains(warnings, w) {
					t.Errorf("warnings %q lack %q", plan.Warnings, w)
				}
			}
			if len(tc.warnHas) == 0 && strings.Contains(warnings, "--provider") {
				t.Errorf("a provider warning where the provider is known: %q", plan.Warnings)
			}
		})
	}
}

func TestBuildSPFKeepAndMerge(t *testing.T) {
	t.Parallel()
	t.Run("already right", func(t *testing.T) {
		t.Parallel()
		rec := "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all"
		srv := startZones(t, domainZone(genericNS, "@ IN MX 10 "+m365MX+".", `@ IN TXT "`+rec+`"`))
		spf := one(t, mustPlan(t, srv, testDomain, Options{}), PurposeSPF)
		if spf.Action != ActionKeep || spf.Value != rec || len(spf.Replaces) != 0 {
			t.Errorf("SPF = %+v, want keep %q with nothing replaced", spf, rec)
		}
		if !containsAny(spf.Notes, "No change needed") {
			t.Errorf("notes %q lack No change needed", spf.Notes)
		}
	})
	t.Run("two records", func(t *testing.T) {
		t.Parallel()
		a, b := "v=spf1 include:spf.protection.outlook.com -all", "v=spf1 include:_spf.google.com -all"
		srv := startZones(t, domainZone(genericNS, `@ IN TXT "`+a+`"`, `@ IN TXT "`+b+`"`))
		spf := one(t, mustPlan(t, srv, testDomain, Options{}), PurposeSPF)
		if spf.Action != ActionReplace {
			t.Errorf("Action = %q, want replace", spf.Action)
		}
		rec, err := dnscheck.ParseSPF(spf.Value)
		if err != nil {
			t.Fatal(err)
		}
		for _, inc := range []string{"spf.protection.outlook.com", "_spf.google.com", "spf.outreachsystems.com"} {
			if !rec.HasInclude(inc) {
				t.Errorf("merged %q lacks include:%s", spf.Value, inc)
			}
		}
		if got := slices.Sorted(slices.Values(spf.Replaces)); !slices.Equal(got, slices.Sorted(slices.Values([]string{a, b}))) {
			t.Errorf("Replaces = %q, want both records", spf.Replaces)
		}
		if !containsAny(spf.Notes, "delete the others") {
			t.Errorf("notes %q do not tell to delete the others", spf.Notes)
		}
	})
	t.Run("SPF-like broken record is replaced", func(t *testing.T) {
		t.Parallel()
		broken := "\u201cv=spf1 include:spf.protection.outlook.com -all\u201d"
		srv := startZones(t, domainZone(genericNS, `@ IN TXT "`+broken+`"`))
		spf := one(t, mustPlan(t, srv, testDomain, Options{}), PurposeSPF)
		if spf.Action != ActionReplace || !slices.Contains(spf.Replaces, broken) {
			t.Errorf("SPF = %+v, want replace of %q", spf, broken)
		}
		// Its terms are kept (no MX here says what sends the mail).
		if want := "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all"; spf.Value != want {
			t.Errorf("Value = %q, want %q", spf.Value, want)
		}
		if !containsAny(spf.Notes, "Repaired: Removed the quotation marks") {
			t.Errorf("notes %q do not say the quotes were removed", spf.Notes)
		}
	})
	t.Run("a record that does not parse is repaired and replaced", func(t *testing.T) {
		t.Parallel()
		broken := "v=spf1 include=spf.protection.outlook.com ~al"
		srv := startZones(t, domainZone(genericNS, `@ IN TXT "`+broken+`"`))
		spf := one(t, mustPlan(t, srv, testDomain, Options{}), PurposeSPF)
		want := "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com ~all"
		if spf.Action != ActionReplace || spf.Value != want || !slices.Equal(spf.Replaces, []string{broken}) {
			t.Errorf("SPF = %s %q replacing %q, want replace %q replacing the broken record", spf.Action, spf.Value, spf.Replaces, want)
		}
		var repaired []string
		for _, n := range spf.Notes {
			if strings.HasPrefix(n, "Repaired: ") {
				repaired = append(repaired, n)
			}
		}
		if len(repaired) != 2 || !strings.Contains(repaired[0], "include=") || !strings.Contains(repaired[1], "~all") {
			t.Errorf("Repaired notes %q, want one for include= and one for ~al", repaired)
		}
	})
}

// lookupZone serves an include tree: a costs 1+n (itself and n includes
// of one lookup each), b costs 3.
func lookupZone(n int) string {
	var b strings.Builder
	b.WriteString("$ORIGIN lookups.example.net.\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n")
	var a []string
	for i := 1; i <= n; i++ {
		a = append(a, fmt.Sprintf("include:a%d.lookups.example.net", i))
		fmt.Fprintf(&b, "a%d IN TXT \"v=spf1 ip4:192.0.2.%d -all\"\n", i, i)
	}
	fmt.Fprintf(&b, "a IN TXT \"v=spf1 %s -all\"\n", strings.Join(a, " "))
	b.WriteString("b IN TXT \"v=spf1 include:b1.lookups.example.net include:b2.lookups.example.net -all\"\n")
	b.WriteString("b1 IN TXT \"v=spf1 ip4:198.51.100.1 -all\"\nb2 IN TXT \"v=spf1 ip4:198.51.100.2 -all\"\n")
	return b.String()
}

func TestBuildLookupCount(t *testing.T) {
	t.Parallel()
	existing := `@ IN TXT "v=spf1 include:a.lookups.example.net include:b.lookups.example.net -all"`
	t.Run("eleven lookups", func(t *testing.T) {
		t.Parallel()
		srv := startZones(t, lookupZone(6), domainZone(genericNS, existing))
		plan := mustPlan(t, srv, testDomain, Options{})
		if plan.SPFLookups != 11 {
			t.Errorf("SPFLookups = %d, want 11 (a 7, b 3, platform 1)", plan.SPFLookups)
		}
		wantCosts := []dnscheck.IncludeCost{
			{Term: "include:a.lookups.example.net", Lookups: 7},
			{Term: "include:b.lookups.example.net", Lookups: 3},
			{Term: "include:spf.outreachsystems.com", Lookups: 1},
		}
		if !slices.Equal(plan.SPFCosts, wantCosts) {
			t.Errorf("SPFCosts = %+v, want %+v", plan.SPFCosts, wantCosts)
		}
		var warn string
		for _, w := range plan.Warnings {
			if strings.Contains(w, "lookups") {
				warn = w
			}
		}
		for _, want := range []string{"11 DNS lookups", "include:a.lookups.example.net (7)", "include:b.lookups.example.net (3)", "--use-ips"} {
			if !strings.Contains(warn, want) {
				t.Errorf("lookup warning %q lacks %q", warn, want)
			}
		}
		if a, b := strings.Index(warn, "include:a."), strings.Index(warn, "include:b."); a > b {
			t.Errorf("costliest term should come first: %q", warn)
		}
		var text bytes.Buffer
		if err := WriteText(&text, plan); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text.String(), "Lookups:   11 of 10") {
			t.Errorf("text output does not show the lookup count:\n%s", text.String())
		}
	})
	t.Run("--use-ips brings it to ten", func(t *testing.T) {
		t.Parallel()
		srv := startZones(t, lookupZone(6), domainZone(genericNS, existing))
		plan := mustPlan(t, srv, testDomain, Options{UseIPs: true})
		if plan.SPFLookups != 10 {
			t.Errorf("SPFLookups = %d, want 10", plan.SPFLookups)
		}
		if containsAny(plan.Warnings, "DNS lookups") {
			t.Errorf("no lookup warning expected at 10: %q", plan.Warnings)
		}
		spf := one(t, plan, PurposeSPF)
		if strings.Contains(spf.Value, "include:spf.outreachsystems.com") || !strings.Contains(spf.Value, "ip4:107.20.160.162") {
			t.Errorf("--use-ips SPF %q should list addresses, not the include", spf.Value)
		}
	})
	t.Run("exactly ten", func(t *testing.T) {
		t.Parallel()
		srv := startZones(t, lookupZone(5), domainZone(genericNS, existing))
		plan := mustPlan(t, srv, testDomain, Options{})
		if plan.SPFLookups != 10 || containsAny(plan.Warnings, "DNS lookups") {
			t.Errorf("SPFLookups = %d, warnings %q; want 10 and no warning", plan.SPFLookups, plan.Warnings)
		}
	})
}

func longSPF() string {
	terms := []string{"v=spf1", "include:spf.protection.outlook.com"}
	for i := 1; i <= 22; i++ {
		terms = append(terms, fmt.Sprintf("ip4:198.51.100.%d", i))
	}
	return strings.Join(append(terms, "-all"), " ")
}

// checkStrings checks a TXT record's strings: at least two for a value
// over 255 bytes, none over 255 bytes, joining back to value, and every
// word in them a whole term of value (no cut inside a term).
func checkStrings(t *testing.T, strs []string, value string) {
	t.Helper()
	if strings.Join(strs, "") != value {
		t.Fatalf("strings %q do not join back to %q", strs, value)
	}
	if len(value) > assets.MaxTXTString && len(strs) < 2 {
		t.Errorf("a %d-byte value in %d string(s)", len(value), len(strs))
	}
	terms := map[string]bool{}
	for _, term := range strings.Fields(value) {
		terms[term] = true
	}
	for i, s := range strs {
		if len(s) > assets.MaxTXTString {
			t.Errorf("string %d has %d bytes", i, len(s))
		}
		for _, w := range strings.Fields(s) {
			if !terms[w] {
				t.Errorf("string %d holds %q, a piece of a term: %q", i, w, strs)
			}
		}
	}
}

// parseTXT parses a quoted TXT value as a zone file would.
func parseTXT(t *testing.T, quoted string) []string {
	t.Helper()
	rr, err := dns.NewRR("x.example. 300 IN TXT " + quoted)
	if err != nil {
		t.Fatalf("%q does not parse as a TXT value: %v", quoted, err)
	}
	return rr.(*dns.TXT).Txt
}

func TestBuildLongSPF(t *testing.T) {
	t.Parallel()
	existing := longSPF()
	want := strings.Replace(existing, " -all", " include:spf.outreachsystems.com -all", 1)
	if len(want) <= 255 {
		t.Fatalf("test record too short: %d", len(want))
	}
	tests := []struct {
		name, ns, host, apex string
		quoted               bool
	}{
		{"generic", genericNS, "Your DNS host", "@", false},
		{"route53", route53NS, "Amazon Route 53", "", true},
		{"googlecloud", "@ IN NS ns-cloud-a1.googledomains.com.", "Google Cloud DNS", "", true},
		{"cloudflare", cloudflarNS, "Cloudflare", "@", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startZones(t, domainZone(tc.ns, txtLine("@", existing)))
			plan := mustPlan(t, srv, testDomain, Options{})
			if plan.DNSHost != tc.host {
				t.Errorf("DNSHost = %q, want %q", plan.DNSHost, tc.host)
			}
			spf := one(t, plan, PurposeSPF)
			if spf.Value != want {
				t.Fatalf("SPF Value\n got %q\nwant %q", spf.Value, want)
			}
			if spf.HostField != tc.apex {
				t.Errorf("SPF HostField = %q, want %q", spf.HostField, tc.apex)
			}
			if !slices.Equal(spf.Replaces, []string{existing}) {
				t.Errorf("Replaces = %q, want the joined old record", spf.Replaces)
			}
			checkStrings(t, spf.Strings, want)
			if !tc.quoted {
				if spf.FormValue != want {
					t.Errorf("FormValue = %q, want the value as is", spf.FormValue)
				}
				return
			}
			parts := parseTXT(t, spf.FormValue)
			if len(parts) < 2 {
				t.Errorf("FormValue %q is not split", spf.FormValue)
			}
			for _, p := range parts {
				if len(p) > 255 {
					t.Errorf("a string of %d bytes in %q", len(p), spf.FormValue)
				}
			}
			if strings.Join(parts, "") != want {
				t.Errorf("FormValue strings join to %q, want %q", strings.Join(parts, ""), want)
			}
			// The form gets the record's strings, cut between terms.
			if !slices.Equal(parts, spf.Strings) {
				t.Errorf("FormValue strings %q, want Strings %q", parts, spf.Strings)
			}
		})
	}

	t.Run("zone output", func(t *testing.T) {
		t.Parallel()
		srv := startZones(t, domainZone(genericNS, txtLine("@", existing)))
		plan := mustPlan(t, srv, testDomain, Options{})
		var out bytes.Buffer
		if err := WriteZone(&out, plan); err != nil {
			t.Fatal(err)
		}
		rrs := parseZone(t, out.String())
		var found bool
		for _, rr := range rrs {
			txt, ok := rr.(*dns.TXT)
			if !ok || txt.Hdr.Name != "yourcenter.edu." || !strings.HasPrefix(txt.Txt[0], "v=spf1") {
				continue
			}
			found = true
			if len(txt.Txt) < 2 || strings.Join(txt.Txt, "") != want {
				t.Errorf("zone SPF strings %q, want ≥2 strings joining to %q", txt.Txt, want)
			}
			checkStrings(t, txt.Txt, want)
			for _, p := range txt.Txt {
				if len(p) > 255 {
					t.Errorf("zone string of %d bytes", len(p))
				}
			}
		}
		if !found {
			t.Errorf("no SPF line in zone output:\n%s", out.String())
		}
	})
}

func TestBuildSPFTooBigForUDP(t *testing.T) {
	t.Parallel()
	// wantSize is the size of a reply to a TXT query for yourcenter.edu.
	// carrying value: a 12-byte header, the question (16-byte name, type,
	// class), the answer (a 2-byte pointer to the name, type, class, TTL,
	// length) and the strings, each with its length byte.
	wantSize := func(value string) int {
		return 12 + 16 + 4 + 2 + 10 + len(value) + len(assets.SplitTXT(value))
	}
	sizeWarn := func(plan Plan) string {
		for _, w := range plan.Warnings {
			if strings.Contains(w, "RFC 7208 §3.4") {
				return w
			}
		}
		return ""
	}

	// The merged record of TestBuildLongSPF just fits: 511 bytes.
	existing := longSPF()
	merged := strings.Replace(existing, " -all", " include:spf.outreachsystems.com -all", 1)
	if got := wantSize(merged); got != 511 {
		t.Fatalf("the fitting record's answer is %d bytes, want 511", got)
	}
	srv := startZones(t, domainZone(genericNS, txtLine("@", existing)))
	if w := sizeWarn(mustPlan(t, srv, testDomain, Options{})); w != "" {
		t.Errorf("a 511-byte answer gets the warning %q", w)
	}
	if n, err := TXTAnswerSize(testDomain, assets.SplitTXT(merged)); err != nil || n != 511 {
		t.Errorf("TXTAnswerSize = %d, %v; want 511", n, err)
	}

	// One more term and it no longer fits.
	bigger := strings.Replace(existing, " -all", " ip4:198.51.100.23 -all", 1)
	merged = strings.Replace(bigger, " -all", " include:spf.outreachsystems.com -all", 1)
	size := wantSize(merged)
	if size <= MaxUDPAnswer {
		t.Fatalf("test record's answer is only %d bytes", size)
	}
	srv = startZones(t, domainZone(genericNS, txtLine("@", bigger)))
	plan := mustPlan(t, srv, testDomain, Options{})
	if one(t, plan, PurposeSPF).Value != merged {
		t.Fatalf("SPF value %q, want %q", one(t, plan, PurposeSPF).Value, merged)
	}
	w := sizeWarn(plan)
	for _, part := range []string{
		fmt.Sprintf("is %d bytes long", len(merged)),
		fmt.Sprintf("is %d bytes", size),
		"remove terms no longer needed, or use fewer includes",
	} {
		if !strings.Contains(w, part) {
			t.Errorf("size warning %q lacks %q", w, part)
		}
	}
	if strings.Contains(w, "rather than its addresses") {
		t.Errorf("warning %q suggests the include, which the record already uses", w)
	}
	plan = mustPlan(t, srv, testDomain, Options{UseIPs: true})
	if w := sizeWarn(plan); !strings.Contains(w, "by its include rather than its addresses") {
		t.Errorf("with --use-ips the size warning %q does not suggest the include", w)
	}
}

// parseZone parses zone output (which starts with its $ORIGIN).
func parseZone(t *testing.T, text string) []dns.RR {
	t.Helper()
	zp := dns.NewZoneParser(strings.NewReader(text), "", "")
	var out []dns.RR
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		out = append(out, rr)
	}
	if err := zp.Err(); err != nil {
		t.Fatalf("zone output does not parse: %v\n%s", err, text)
	}
	return out
}

func TestBuildDKIM(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		lines    []string
		action   Action
		replaces []string
		noteHas  string
	}{
		{name: "nothing there: add", action: ActionAdd},
		{name: "CNAME already right: keep", lines: []string{"osc1._domainkey IN CNAME osc1._domainkey.outreachsystems.com."}, action: ActionKeep, noteHas: "No change needed"},
		{name: "CNAME right, in capitals: keep", lines: []string{"OSC1._domainkey IN CNAME OSC1._DomainKey.OutreachSystems.com."}, action: ActionKeep},
		{
			name:     "CNAME elsewhere: replace",
			lines:    []string{"osc1._domainkey IN CNAME osc1._domainkey.someone-else.example."},
			action:   ActionReplace,
			replaces: []string{"CNAME osc1._domainkey.someone-else.example."},
		},
		{
			name:     "CNAME target lost its trailing dot: replace",
			lines:    []string{"osc1._domainkey IN CNAME osc1._domainkey.outreachsystems.com"},
			action:   ActionReplace,
			replaces: []string{"CNAME osc1._domainkey.outreachsystems.com.yourcenter.edu."},
		},
		{
			name:     "TXT key at the name: replace",
			lines:    []string{`osc1._domainkey IN TXT "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC"`},
			action:   ActionReplace,
			replaces: []string{"TXT v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC"},
			noteHas:  "must be a CNAME and nothing else",
		},
		{
			name:     "flattened CNAME (A records): replace",
			lines:    []string{"osc1._domainkey IN A 104.16.1.1", "osc1._domainkey IN AAAA 2606:4700::1"},
			action:   ActionReplace,
			replaces: []string{"A 104.16.1.1", "AAAA 2606:4700::1"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startZones(t, domainZone(append([]string{genericNS}, tc.lines...)...))
			plan := mustPlan(t, srv, testDomain, Options{})
			dkim := one(t, plan, PurposeDKIM)
			if dkim.Action != tc.action || dkim.Value != dkimTarget || dkim.Name != dkimName || dkim.Type != "CNAME" {
				t.Errorf("DKIM = %+v, want %s CNAME %s → %s", dkim, tc.action, dkimName, dkimTarget)
			}
			if !slices.Equal(dkim.Replaces, tc.replaces) {
				t.Errorf("Replaces = %q, want %q", dkim.Replaces, tc.replaces)
			}
			if tc.noteHas != "" && !containsAny(dkim.Notes, tc.noteHas) {
				t.Errorf("notes %q lack %q", dkim.Notes, tc.noteHas)
			}
			if n := len(records(plan, PurposeDKIM, ActionDelete)); n != 0 {
				t.Errorf("%d delete records, want none", n)
			}
		})
	}
}

func TestBuildDKIMDoubledDomain(t *testing.T) {
	t.Parallel()
	t.Run("domain is the zone", func(t *testing.T) {
		t.Parallel()
		srv := startZones(t, domainZone(genericNS, "osc1._domainkey.yourcenter.edu IN CNAME osc1._domainkey.outreachsystems.com."))
		plan := mustPlan(t, srv, testDomain, Options{})
		checkDoubled(t, plan, "osc1._domainkey.yourcenter.edu.yourcenter.edu.")
	})
	t.Run("domain below the zone", func(t *testing.T) {
		t.Parallel()
		// The form appends the zone, yourcenter.edu, to what was typed:
		// the full name of mail.yourcenter.edu's selector.
		srv := startZones(t, domainZone(cloudflarNS,
			"osc1._domainkey.mail.yourcenter.edu IN CNAME osc1._domainkey.outreachsystems.com.",
			`mail IN TXT "v=spf1 include:spf.protection.outlook.com -all"`))
		plan := mustPlan(t, srv, "mail.yourcenter.edu", Options{})
		if plan.Zone != testDomain {
			t.Errorf("Zone = %q, want %q", plan.Zone, testDomain)
		}
		checkDoubled(t, plan, "osc1._domainkey.mail.yourcenter.edu.yourcenter.edu.")
		dkim := one(t, plan, PurposeDKIM)
		if dkim.HostField != "osc1._domainkey.mail" {
			t.Errorf("DKIM HostField = %q, want osc1._domainkey.mail (relative to the zone)", dkim.HostField)
		}
		spf := one(t, plan, PurposeSPF)
		if spf.HostField != "mail" || spf.Name != "mail.yourcenter.edu." {
			t.Errorf("SPF Name, HostField = %q, %q", spf.Name, spf.HostField)
		}
	})
}

func checkDoubled(t *testing.T, plan Plan, doubled string) {
	t.Helper()
	del := records(plan, PurposeDKIM, ActionDelete)
	if len(del) != 1 {
		t.Fatalf("want one delete record for %s, got %+v", doubled, plan.Records)
	}
	d := del[0]
	if d.Name != doubled || d.Type != "CNAME" || d.Value != dkimTarget || !slices.Equal(d.Replaces, []string{"CNAME " + dkimTarget}) {
		t.Errorf("delete record = %+v", d)
	}
	if !containsAny(d.Notes, "twice") {
		t.Errorf("delete notes %q do not explain the doubled name", d.Notes)
	}
	if add := one(t, plan, PurposeDKIM); add.Action != ActionAdd {
		t.Errorf("the right name has nothing: want add, got %s", add.Action)
	}
}

func TestBuildCloudflare(t *testing.T) {
	t.Parallel()
	srv := startZones(t, domainZone(cloudflarNS, "@ IN MX 0 "+m365MX+"."))
	plan := mustPlan(t, srv, testDomain, Options{})
	if plan.DNSHost != "Cloudflare" || plan.Host.ID != "cloudflare" {
		t.Errorf("DNSHost = %q (%q), want Cloudflare", plan.DNSHost, plan.Host.ID)
	}
	want := map[string]string{PurposeDKIM: "osc1._domainkey", PurposeSPF: "@", PurposeDMARC: "_dmarc"}
	for purpose, field := range want {
		if r := one(t, plan, purpose); r.HostField != field {
			t.Errorf("%s HostField = %q, want %q", purpose, r.HostField, field)
		}
	}
	if spf := one(t, plan, PurposeSPF); spf.FormValue != spf.Value {
		t.Errorf("Cloudflare wants TXT values unquoted: %q", spf.FormValue)
	}
	if !containsAny(plan.Warnings, "DNS only") {
		t.Errorf("warnings %q lack Cloudflare's proxy warning", plan.Warnings)
	}
}

func TestBuildRoute53HostFields(t *testing.T) {
	t.Parallel()
	srv := startZones(t, domainZone(route53NS))
	plan := mustPlan(t, srv, testDomain, Options{})
	want := map[string]string{PurposeDKIM: "osc1._domainkey", PurposeSPF: "", PurposeDMARC: "_dmarc"}
	for purpose, field := range want {
		if r := one(t, plan, purpose); r.HostField != field {
			t.Errorf("%s HostField = %q, want %q", purpose, r.HostField, field)
		}
	}
	if spf := one(t, plan, PurposeSPF); spf.FormValue != `"`+spf.Value+`"` {
		t.Errorf("Route 53 FormValue = %q, want quoted", spf.FormValue)
	}
}

func TestBuildDMARC(t *testing.T) {
	t.Parallel()
	const a, b = "v=DMARC1; p=quarantine; rua=mailto:d@yourcenter.edu", "v=DMARC1; p=none"
	tests := []struct {
		name     string
		lines    []string
		action   Action
		value    string
		replaces []string
		noteHas  string
	}{
		{name: "none", action: ActionAdd, value: "v=DMARC1; p=none", noteHas: "p=none"},
		{name: "none, other TXT there", lines: []string{`_dmarc IN TXT "hello"`}, action: ActionAdd, value: "v=DMARC1; p=none"},
		{name: "one", lines: []string{`_dmarc IN TXT "` + a + `"`}, action: ActionKeep, value: a, noteHas: "No change needed"},
		{name: "two", lines: []string{`_dmarc IN TXT "` + a + `"`, `_dmarc IN TXT "` + b + `"`}, action: ActionReplace, replaces: []string{a, b}, noteHas: "2 DMARC records"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startZones(t, domainZone(append([]string{genericNS}, tc.lines...)...))
			d := one(t, mustPlan(t, srv, testDomain, Options{}), PurposeDMARC)
			if d.Action != tc.action || d.Name != "_dmarc.yourcenter.edu." || d.Type != "TXT" {
				t.Errorf("DMARC = %+v, want %s", d, tc.action)
			}
			if tc.value != "" && d.Value != tc.value {
				t.Errorf("Value = %q, want %q", d.Value, tc.value)
			}
			if tc.replaces != nil {
				if got := slices.Sorted(slices.Values(d.Replaces)); !slices.Equal(got, slices.Sorted(slices.Values(tc.replaces))) {
					t.Errorf("Replaces = %q, want %q", d.Replaces, tc.replaces)
				}
				if !slices.Contains(tc.replaces, d.Value) {
					t.Errorf("Value %q should be one of the records kept", d.Value)
				}
			} else if len(d.Replaces) != 0 {
				t.Errorf("Replaces = %q, want none", d.Replaces)
			}
			if tc.noteHas != "" && !containsAny(d.Notes, tc.noteHas) {
				t.Errorf("notes %q lack %q", d.Notes, tc.noteHas)
			}
		})
	}
}

// TestBuildDNSTrouble: a lookup that got no answer is unknown, not absent;
// the plan must never propose "add" for a record it could not read.
func TestBuildDNSTrouble(t *testing.T) {
	t.Parallel()
	zone := domainZone(genericNS, "@ IN MX 0 "+m365MX+".", `@ IN TXT "v=spf1 include:spf.protection.outlook.com -all"`, `_dmarc IN TXT "v=DMARC1; p=reject"`,
		"osc1._domainkey IN CNAME osc1._domainkey.outreachsystems.com.")
	tests := []struct {
		name     string
		fault    func(*dnstest.Server)
		opt      func(t *testing.T) Options
		blocking string // the failed lookup named in the error; "" when the plan is built
		warnHas  string
	}{
		{
			name:     "SERVFAIL on the domain's TXT",
			fault:    func(s *dnstest.Server) { s.SetFaultType("yourcenter.edu.", dns.TypeTXT, dnstest.Fault{ServFail: true}) },
			blocking: "TXT yourcenter.edu: the DNS server reported a failure",
		},
		{
			name:     "REFUSED on the DMARC name",
			fault:    func(s *dnstest.Server) { s.SetFault("_dmarc.yourcenter.edu.", dnstest.Fault{Refused: true}) },
			blocking: "TXT _dmarc.yourcenter.edu: the DNS server refused to answer",
		},
		{
			name:     "SERVFAIL on the DKIM name",
			fault:    func(s *dnstest.Server) { s.SetFault(dkimName, dnstest.Fault{ServFail: true}) },
			blocking: "osc1._domainkey.yourcenter.edu",
		},
		{
			name:     "SERVFAIL on MX with no provider chosen",
			fault:    func(s *dnstest.Server) { s.SetFaultType("yourcenter.edu.", dns.TypeMX, dnstest.Fault{ServFail: true}) },
			blocking: "MX yourcenter.edu: the DNS server reported a failure",
		},
		{
			name:    "SERVFAIL on MX with --provider: the plan is built, with a warning",
			fault:   func(s *dnstest.Server) { s.SetFaultType("yourcenter.edu.", dns.TypeMX, dnstest.Fault{ServFail: true}) },
			opt:     func(t *testing.T) Options { return Options{Provider: provider(t, "microsoft365")} },
			warnHas: "DNS did not answer MX yourcenter.edu: the DNS server reported a failure",
		},
		{
			name:    "SERVFAIL on NS: the plan is built, with a warning",
			fault:   func(s *dnstest.Server) { s.SetFaultType("yourcenter.edu.", dns.TypeNS, dnstest.Fault{ServFail: true}) },
			warnHas: "DNS did not answer NS yourcenter.edu: the DNS server reported a failure",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startZones(t, zone)
			tc.fault(srv)
			var opt Options
			if tc.opt != nil {
				opt = tc.opt(t)
			}
			plan, snap, err := buildPlan(t, srv, testDomain, opt)
			if len(snap.Trouble) == 0 {
				t.Fatalf("the fault did not reach discovery")
			}
			if tc.blocking == "" {
				if err != nil {
					t.Fatalf("Build: %v", err)
				}
				if !containsAny(plan.Warnings, tc.warnHas) {
					t.Errorf("warnings %q lack %q", plan.Warnings, tc.warnHas)
				}
				spf := one(t, plan, PurposeSPF)
				if spf.Action != ActionReplace || spf.Value != "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all" {
					t.Errorf("SPF = %s %q", spf.Action, spf.Value)
				}
				return
			}
			if !errors.Is(err, ErrLookupFailed) {
				t.Fatalf("Build error = %v, want one wrapping ErrLookupFailed", err)
			}
			var le *LookupError
			if !errors.As(err, &le) || len(le.Trouble) == 0 {
				t.Fatalf("error %v is not a *LookupError with the failed lookups", err)
			}
			if !strings.Contains(err.Error(), tc.blocking) {
				t.Errorf("error %q does not name %q", err, tc.blocking)
			}
			for _, r := range plan.Records {
				if r.Action == ActionAdd {
					t.Errorf("plan proposes to add %s %s although DNS did not answer", r.Type, r.Name)
				}
			}
		})
	}
}

// TestSPFNotesNameThePlatform: the SPF notes people read name the
// platform ("Neoserra"), never "the platform".
func TestSPFNotesNameThePlatform(t *testing.T) {
	t.Parallel()
	for name, lines := range map[string][]string{
		"no record":       nil,
		"already right":   {`@ IN TXT "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all"`, "@ IN MX 10 yourcenter-edu.mail.protection.outlook.com."},
		"unknown mx":      {"@ IN MX 10 mx.unknown-gateway.example."},
		"outlook, merged": {`@ IN TXT "v=spf1 include:spf.protection.outlook.com -all"`, "@ IN MX 10 yourcenter-edu.mail.protection.outlook.com."},
	} {
		srv := startZones(t, domainZone(lines...))
		spf := records(mustPlan(t, srv, "yourcenter.edu", Options{}), PurposeSPF, "")
		if len(spf) != 1 {
			t.Fatalf("%s: %d SPF records", name, len(spf))
		}
		notes := strings.Join(spf[0].Notes, " ")
		if strings.Contains(notes, "the platform") {
			t.Errorf("%s: the notes say \"the platform\": %s", name, notes)
		}
		if name != "outlook, merged" && !strings.Contains(notes, "Neoserra") {
			t.Errorf("%s: the notes do not name Neoserra: %s", name, notes)
		}
	}
}

// TestLookupErrorSaysAReasonOnce: a dead server fails every lookup for one
// reason; the error says it once, after the lookups it stopped.
func TestLookupErrorSaysAReasonOnce(t *testing.T) {
	dead := "nothing answers at 127.0.0.1:9 (connection refused)"
	err := &LookupError{Domain: "x.edu", Trouble: []discovery.Trouble{
		{Name: "x.edu.", Type: "MX", Reason: dead},
		{Name: "x.edu.", Type: "TXT", Reason: dead},
		{Name: "_dmarc.x.edu.", Type: "TXT", Reason: "the DNS server reported a failure"},
	}}
	want := "DNS did not answer MX x.edu, TXT x.edu: " + dead + "; TXT _dmarc.x.edu: the DNS server reported a failure, so what x.edu publishes"
	if got := err.Error(); !strings.HasPrefix(got, want) || strings.Count(got, dead) != 1 {
		t.Errorf("error:\n%s\nwant it to start:\n%s", got, want)
	}
}

// mustSnap discovers domain through srv.
func mustSnap(t *testing.T, srv *dnstest.Server, domain string) discovery.Snapshot {
	t.Helper()
	_, snap, _ := buildPlan(t, srv, domain, Options{})
	return snap
}
