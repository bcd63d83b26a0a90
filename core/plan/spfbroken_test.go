package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// TestBuildDropsBrokenIncludes: the proposed SPF record never keeps an
// include (or redirect) that makes it broken for receivers: a target that
// does not exist, has no SPF record, or the domain itself. Each is dropped
// with a note saying why; what cannot be dropped from the domain's own
// record (a broken include further down) is a warning.
func TestBuildDropsBrokenIncludes(t *testing.T) {
	t.Parallel()
	dead := "$ORIGIN deadvendor.test.\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
	for _, tc := range []struct {
		name, spf string
		extra     []string
		want      string
		note      string
		warning   string
		action    Action
	}{
		{name: "include does not exist",
			spf:  "v=spf1 include:spf.protection.outlook.com include:_spf.deadvendor.test include:spf.outreachsystems.com -all",
			want: "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all",
			note: "Dropped include:_spf.deadvendor.test: it does not exist, so receivers treat the whole SPF record as broken"},
		{name: "include without SPF, platform missing",
			spf:   "v=spf1 include:spf.protection.outlook.com include:nospf.yourcenter.edu -all",
			extra: []string{`nospf IN TXT "hello"`},
			want:  "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all",
			note:  "Dropped include:nospf.yourcenter.edu: it has no SPF record"},
		{name: "include of itself",
			spf:  "v=spf1 include:yourcenter.edu include:spf.protection.outlook.com include:spf.outreachsystems.com -all",
			want: "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all",
			note: "Dropped include:yourcenter.edu: it includes the domain's own record"},
		{name: "redirect does not exist",
			spf:  "v=spf1 include:spf.protection.outlook.com redirect=_spf.deadvendor.test",
			want: "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com ~all",
			note: "Dropped redirect=_spf.deadvendor.test: it does not exist"},
		{name: "broken further down",
			spf:     "v=spf1 include:spf.protection.outlook.com include:vendor.yourcenter.edu include:spf.outreachsystems.com -all",
			extra:   []string{txtLine("vendor", "v=spf1 include:_spf.deadvendor.test -all")},
			want:    "v=spf1 include:spf.protection.outlook.com include:vendor.yourcenter.edu include:spf.outreachsystems.com -all",
			warning: "include:_spf.deadvendor.test, which this record reaches through include:vendor.yourcenter.edu, does not exist",
			action:  ActionKeep, note: "receivers treat it as broken: see the warnings"},
		{name: "mx with too many hosts",
			spf:     "v=spf1 mx include:spf.protection.outlook.com include:spf.outreachsystems.com -all",
			extra:   manyMX(),
			want:    "v=spf1 mx include:spf.protection.outlook.com include:spf.outreachsystems.com -all",
			warning: "An mx term finds more than 10 mail servers (yourcenter.edu: mx (12 mail servers))",
			action:  ActionKeep, note: "receivers treat it as broken: see the warnings"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startZones(t, dead, domainZone(append([]string{genericNS, "@ IN MX 0 " + m365MX + ".", txtLine("@", tc.spf)}, tc.extra...)...))
			plan := mustPlan(t, srv, testDomain, Options{})
			r := one(t, plan, PurposeSPF)
			if tc.action == "" {
				tc.action = ActionReplace
			}
			if r.Value != tc.want || r.Action != tc.action || containsAny(r.Notes, "No change needed") {
				t.Errorf("SPF %s %q, want %s %q (notes %q)", r.Action, r.Value, tc.action, tc.want, r.Notes)
			}
			if tc.note != "" && !containsAny(r.Notes, tc.note) {
				t.Errorf("notes %q lack %q", r.Notes, tc.note)
			}
			if tc.warning != "" && !containsAny(plan.Warnings, tc.warning) {
				t.Errorf("warnings %q lack %q", plan.Warnings, tc.warning)
			}
			if strings.Contains(r.Value, "deadvendor") && tc.warning == "" {
				t.Errorf("the dead include is kept: %q", r.Value)
			}
		})
	}
}

// manyMX returns zone lines for 11 more MX hosts (12 with the zone's own
// line), each with an address.
func manyMX() []string {
	var out []string
	for i := range 11 {
		out = append(out, fmt.Sprintf("@ IN MX %d mx%d", i+1, i), fmt.Sprintf("mx%d IN A 192.0.2.%d", i, i+1))
	}
	return out
}

// TestBuildKeepsIncludeInTrouble: an include whose lookup ended in DNS
// trouble (SERVFAIL) is unknown, not dead: the proposal keeps it.
func TestBuildKeepsIncludeInTrouble(t *testing.T) {
	t.Parallel()
	vendor := "$ORIGIN flaky.test.\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n_spf IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n"
	spf := "v=spf1 include:spf.protection.outlook.com include:_spf.flaky.test include:spf.outreachsystems.com -all"
	srv := startZones(t, vendor, domainZone(genericNS, "@ IN MX 0 "+m365MX+".", txtLine("@", spf)))
	srv.SetFault("_spf.flaky.test", dnstest.Fault{ServFail: true})
	r := one(t, mustPlan(t, srv, testDomain, Options{}), PurposeSPF)
	if r.Value != spf || containsAny(r.Notes, "Dropped") {
		t.Errorf("SPF %s %q notes %q; want the include kept", r.Action, r.Value, r.Notes)
	}
}

// TestBuildWarnsOfMacroVoidLookups: names built by macros that do not
// exist are void lookups only an evaluation shows; the plan warns.
func TestBuildWarnsOfMacroVoidLookups(t *testing.T) {
	t.Parallel()
	spf := "v=spf1 exists:%{i}.a.yourcenter.edu exists:%{i}.b.yourcenter.edu exists:%{i}.c.yourcenter.edu include:spf.protection.outlook.com include:spf.outreachsystems.com -all"
	srv := startZones(t, domainZone(genericNS, "@ IN MX 0 "+m365MX+".", txtLine("@", spf)))
	plan := mustPlan(t, srv, testDomain, Options{})
	if !containsAny(plan.Warnings, "more than 2 of its lookups find nothing (names built from the sender by macros") {
		t.Errorf("warnings %q; want the void lookups of the macros", plan.Warnings)
	}
}

// TestBuildRepairsMacroVoidLookups: a record that authorises the platform
// but that receivers treat as broken (exists terms built by macros that
// do not exist) is never "no change needed": the exists terms are taken
// out (replace); where the terms cannot be told, the card says the
// record needs fixing.
func TestBuildRepairsMacroVoidLookups(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, spf, want string
		action          Action
		note, title     string
	}{
		{name: "exists terms taken out",
			spf:    "v=spf1 exists:%{i}.a.yourcenter.edu exists:%{i}.b.yourcenter.edu exists:%{i}.c.yourcenter.edu include:spf.outreachsystems.com -all",
			want:   "v=spf1 include:spf.outreachsystems.com -all",
			action: ActionReplace,
			note:   "Took out exists:%{i}.a.yourcenter.edu exists:%{i}.b.yourcenter.edu exists:%{i}.c.yourcenter.edu: receivers treat the whole SPF record as broken while they are there (more than 2 of its lookups find nothing",
			title:  "replace the TXT record"},
		{name: "a terms: not taken out, said broken",
			spf:    "v=spf1 a:%{i}.a.yourcenter.edu a:%{i}.b.yourcenter.edu a:%{i}.c.yourcenter.edu include:spf.outreachsystems.com -all",
			want:   "v=spf1 a:%{i}.a.yourcenter.edu a:%{i}.b.yourcenter.edu a:%{i}.c.yourcenter.edu include:spf.outreachsystems.com -all",
			action: ActionKeep,
			note:   "This record is broken for receivers: remove the terms that cause it (more than 2 of its lookups find nothing",
			title:  "fix the TXT record (receivers treat it as broken; see the notes)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startZones(t, domainZone(genericNS, txtLine("@", tc.spf)))
			plan := mustPlan(t, srv, testDomain, Options{})
			r := one(t, plan, PurposeSPF)
			if r.Value != tc.want || r.Action != tc.action {
				t.Errorf("SPF %s %q; want %s %q", r.Action, r.Value, tc.action, tc.want)
			}
			if !containsAny(r.Notes, tc.note) || containsAny(r.Notes, "No change needed") {
				t.Errorf("notes %q; want %q and never no change needed", r.Notes, tc.note)
			}
			if got := r.Title(); got != tc.title || strings.Contains(got, "no change needed") {
				t.Errorf("title %q, want %q", got, tc.title)
			}
			if !containsAny(plan.Warnings, "more than 2 of its lookups find nothing") {
				t.Errorf("warnings %q", plan.Warnings)
			}
		})
	}
}
