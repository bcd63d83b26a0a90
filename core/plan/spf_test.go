package plan

import (
	"slices"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
)

const (
	platformInclude = "include:spf.outreachsystems.com"
	m365Include     = "include:spf.protection.outlook.com"
	googleInclude   = "include:_spf.google.com"
)

// platformIPTerms is the platform's ip4: list as --use-ips writes it.
func platformIPTerms(t *testing.T) []string {
	t.Helper()
	terms := assets.DefaultPlatform().SPFTerms(true)
	if len(terms) != 8 || !strings.HasPrefix(terms[0], "ip4:") {
		t.Fatalf("platform ip4 terms = %q, want 8 ip4: terms", terms)
	}
	return terms
}

func TestMergeSPF(t *testing.T) {
	t.Parallel()
	p := assets.DefaultPlatform()
	inc := p.SPFTerms(false)
	ips := p.SPF.IPs
	ipTerms := platformIPTerms(t)
	m365 := []string{m365Include}

	tests := []struct {
		name             string
		existing         []string
		provider         []string
		platform         []string
		want             string
		action           Action
		notes            []string // each must appear (substring) in some note
		notNotes         []string // none of the notes may contain these
		firstNoteHasText string   // the first note must contain this
	}{
		{
			name:     "no record: provider, platform, -all",
			provider: m365, platform: inc,
			want:   "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all",
			action: ActionAdd,
			notes:  []string{"no SPF record"},
		},
		{
			name:     "no record and no provider",
			platform: inc,
			want:     "v=spf1 include:spf.outreachsystems.com -all",
			action:   ActionAdd,
		},
		{
			name:     "provider only: platform added before -all",
			existing: []string{"v=spf1 include:spf.protection.outlook.com -all"},
			platform: inc,
			want:     "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all",
			action:   ActionReplace,
			notes:    []string{"Added include:spf.outreachsystems.com"},
		},
		{
			name:     "provider only with ~all: qualifier kept",
			existing: []string{"v=spf1 include:spf.protection.outlook.com ~all"},
			provider: m365, platform: inc,
			want:   "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com ~all",
			action: ActionReplace,
		},
		{
			name:     "every existing term kept in order",
			existing: []string{"v=spf1 mx a:relay.yourcenter.edu ip4:192.0.2.0/24 include:spf.protection.outlook.com -all"},
			provider: m365, platform: inc,
			want:   "v=spf1 mx a:relay.yourcenter.edu ip4:192.0.2.0/24 include:spf.protection.outlook.com include:spf.outreachsystems.com -all",
			action: ActionReplace,
		},
		{
			name:     "platform already there: no change needed",
			existing: []string{"v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all"},
			provider: m365, platform: inc,
			want:             "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all",
			action:           ActionKeep,
			firstNoteHasText: "No change needed",
		},
		{
			name:     "platform already there with a trailing dot and in capitals",
			existing: []string{"v=spf1 include:SPF.OutreachSystems.com. -all"},
			platform: inc,
			want:     "v=spf1 include:SPF.OutreachSystems.com. -all",
			action:   ActionKeep,
		},
		{
			name:     "platform already there, exp= after -all: no change",
			existing: []string{"v=spf1 include:spf.outreachsystems.com -all exp=explain._spf.yourcenter.edu"},
			platform: inc,
			want:     "v=spf1 include:spf.outreachsystems.com -all exp=explain._spf.yourcenter.edu",
			action:   ActionKeep,
		},
		{
			name:     "modifier after -all stays after it",
			existing: []string{"v=spf1 mx -all exp=explain._spf.yourcenter.edu"},
			platform: inc,
			want:     "v=spf1 mx include:spf.outreachsystems.com -all exp=explain._spf.yourcenter.edu",
			action:   ActionReplace,
		},
		{
			name:     "platform include with ~ qualifier does not authorise: made a pass",
			existing: []string{"v=spf1 ~include:spf.outreachsystems.com include:spf.protection.outlook.com -all"},
			provider: m365, platform: inc,
			want:   "v=spf1 include:spf.outreachsystems.com include:spf.protection.outlook.com -all",
			action: ActionReplace,
		},
		{
			name:     "platform include after the all term is never reached",
			existing: []string{"v=spf1 mx -all include:spf.outreachsystems.com"},
			platform: inc,
			want:     "v=spf1 mx include:spf.outreachsystems.com -all",
			action:   ActionReplace,
		},
		{
			name: "two records: merged into one, duplicates dropped",
			existing: []string{
				"v=spf1 include:spf.protection.outlook.com -all",
				"v=spf1 include:_spf.google.com +include:spf.protection.outlook.com ~all",
			},
			provider: m365, platform: inc,
			want:   "v=spf1 include:spf.protection.outlook.com include:_spf.google.com include:spf.outreachsystems.com -all",
			action: ActionReplace,
			notes:  []string{"2 SPF records", "delete the others"},
		},
		{
			name: "two records with the platform in one: still replace",
			existing: []string{
				"v=spf1 include:spf.outreachsystems.com -all",
				"v=spf1 include:spf.protection.outlook.com -all",
			},
			provider: m365, platform: inc,
			want:   "v=spf1 include:spf.outreachsystems.com include:spf.protection.outlook.com -all",
			action: ActionReplace,
			notes:  []string{"delete the others"},
		},
		{
			name:     "redirect: platform inserted before it",
			existing: []string{"v=spf1 ip4:192.0.2.1 redirect=_spf.yourcenter.edu"},
			platform: inc,
			want:     "v=spf1 ip4:192.0.2.1 include:spf.outreachsystems.com redirect=_spf.yourcenter.edu",
			action:   ActionReplace,
			// The redirect's record decides; it is not "anyone may send".
			notNotes: []string{"no all term", "anyone may send"},
		},
		{
			name: "two records, one with redirect, the other with -all",
			existing: []string{
				"v=spf1 redirect=_spf.google.com",
				"v=spf1 include:spf.protection.outlook.com -all",
			},
			provider: m365, platform: inc,
			want:   "v=spf1 include:spf.protection.outlook.com include:_spf.google.com include:spf.outreachsystems.com -all",
			action: ActionReplace,
			notes:  []string{"redirect=_spf.google.com became include:_spf.google.com", "delete the others"},
		},
		{
			name:     "+all replaced by ~all, with a note",
			existing: []string{"v=spf1 include:spf.protection.outlook.com +all"},
			platform: inc,
			want:     "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com ~all",
			action:   ActionReplace,
			notes:    []string{"Replaced +all with ~all"},
		},
		{
			name:     "?all kept with a note",
			existing: []string{"v=spf1 include:spf.protection.outlook.com ?all"},
			platform: inc,
			want:     "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com ?all",
			action:   ActionReplace,
			notes:    []string{`"?all" tells receivers nothing`},
		},
		{
			name:     "?all and the platform already there: keep, still with the note",
			existing: []string{"v=spf1 include:spf.outreachsystems.com ?all"},
			platform: inc,
			want:     "v=spf1 include:spf.outreachsystems.com ?all",
			action:   ActionKeep,
			notes:    []string{"No change needed", `"?all" tells receivers nothing`},
		},
		{
			name:     "no all: platform appended, note",
			existing: []string{"v=spf1 include:spf.protection.outlook.com"},
			platform: inc,
			want:     "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com",
			action:   ActionReplace,
			notes:    []string{"no all term"},
		},
		{
			name:     "-all without provider: not flagged as permissive",
			existing: []string{"v=spf1 include:spf.protection.outlook.com -all"},
			platform: inc,
			want:     "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all",
			action:   ActionReplace,
			notNotes: []string{"anyone may send", "lets anyone send"},
		},
		{
			name:     "literal platform addresses replaced by the include",
			existing: []string{"v=spf1 include:spf.protection.outlook.com ip4:107.20.160.162 ip4:192.0.2.7 ip4:35.85.179.136/32 -all"},
			provider: m365, platform: inc,
			want:   "v=spf1 include:spf.protection.outlook.com ip4:192.0.2.7 include:spf.outreachsystems.com -all",
			action: ActionReplace,
			notes:  []string{"2 literal address(es) were replaced by its include"},
		},
		{
			name:     "literal platform addresses beside the include: removed",
			existing: []string{"v=spf1 include:spf.outreachsystems.com ip4:54.204.25.186 -all"},
			platform: inc,
			want:     "v=spf1 include:spf.outreachsystems.com -all",
			action:   ActionReplace,
			notes:    []string{"1 literal address(es)"},
		},
		{
			name:     "--use-ips: the ip4 list added before -all",
			existing: []string{"v=spf1 include:spf.protection.outlook.com -all"},
			provider: m365, platform: ipTerms,
			want:   "v=spf1 include:spf.protection.outlook.com " + strings.Join(ipTerms, " ") + " -all",
			action: ActionReplace,
		},
		{
			name:     "--use-ips with no record",
			platform: ipTerms,
			want:     "v=spf1 " + strings.Join(ipTerms, " ") + " -all",
			action:   ActionAdd,
		},
		{
			name:     "--use-ips: addresses already listed (some inside a network) are not repeated",
			existing: []string{"v=spf1 ip4:107.20.160.162 ip4:54.0.0.0/8 -all"},
			platform: ipTerms,
			want:     "v=spf1 ip4:107.20.160.162 ip4:54.0.0.0/8 ip4:35.85.179.136 ip4:44.203.150.85 ip4:50.112.114.135 ip4:52.5.236.246 -all",
			action:   ActionReplace,
		},
		{
			name:     "--use-ips: every address already listed: keep",
			existing: []string{"v=spf1 " + strings.Join(ipTerms, " ") + " -all"},
			platform: ipTerms,
			want:     "v=spf1 " + strings.Join(ipTerms, " ") + " -all",
			action:   ActionKeep,
		},
		{
			name:     "--use-ips: a failing network holding a platform address comes first",
			existing: []string{"v=spf1 -ip4:107.20.0.0/16 -all"},
			platform: ipTerms[:1],
			want:     "v=spf1 ip4:107.20.160.162 -ip4:107.20.0.0/16 -all",
			action:   ActionReplace,
		},
		{
			name: "two records with different exp=: one kept, with a note",
			existing: []string{
				"v=spf1 mx exp=a._spf.yourcenter.edu -all",
				"v=spf1 a exp=b._spf.yourcenter.edu -all",
			},
			platform: inc,
			want:     "v=spf1 mx exp=a._spf.yourcenter.edu a include:spf.outreachsystems.com -all",
			action:   ActionReplace,
			notes:    []string{"Dropped exp=b._spf.yourcenter.edu"},
		},
		{
			name:     "provider chosen and missing: added before the platform's",
			existing: []string{"v=spf1 mx -all"},
			provider: []string{googleInclude}, platform: inc,
			want:   "v=spf1 mx include:_spf.google.com include:spf.outreachsystems.com -all",
			action: ActionReplace,
			notes:  []string{"Added include:_spf.google.com and include:spf.outreachsystems.com"},
		},
		{
			name:     "provider present, platform missing: only the platform added",
			existing: []string{"v=spf1 include:_spf.google.com ~all"},
			provider: []string{googleInclude}, platform: inc,
			want:   "v=spf1 include:_spf.google.com include:spf.outreachsystems.com ~all",
			action: ActionReplace,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := MergeSPF(tc.existing, tc.provider, tc.platform, ips, "Neoserra")
			if got.Value != tc.want {
				t.Errorf("Value\n got %q\nwant %q", got.Value, tc.want)
			}
			if got.Action != tc.action {
				t.Errorf("Action = %q, want %q", got.Action, tc.action)
			}
			all := strings.Join(got.Notes, "\n")
			for _, n := range tc.notes {
				if !strings.Contains(all, n) {
					t.Errorf("notes %q lack %q", got.Notes, n)
				}
			}
			for _, n := range tc.notNotes {
				if strings.Contains(all, n) {
					t.Errorf("notes %q must not contain %q", got.Notes, n)
				}
			}
			if tc.firstNoteHasText != "" && (len(got.Notes) == 0 || !strings.Contains(got.Notes[0], tc.firstNoteHasText)) {
				t.Errorf("first note of %q should contain %q", got.Notes, tc.firstNoteHasText)
			}
			// Whatever it proposes is one valid SPF record that
			// authorises the platform.
			rec, err := dnscheck.ParseSPF(got.Value)
			if err != nil {
				t.Fatalf("proposed record %q does not parse: %v", got.Value, err)
			}
			if strings.HasPrefix(tc.platform[0], "include:") && !rec.HasInclude("spf.outreachsystems.com") {
				t.Errorf("proposed record %q lacks the platform include", got.Value)
			}
			// Merging what it proposes again changes nothing.
			again := MergeSPF([]string{got.Value}, tc.provider, tc.platform, ips, "Neoserra")
			if again.Action != ActionKeep || again.Value != got.Value {
				t.Errorf("merging the result again: %q %q, want keep %q", again.Action, again.Value, got.Value)
			}
		})
	}
}

// TestMergeSPFRepairsBrokenRecord: a record that does not parse is
// repaired, each repair a "Repaired:" note, and replaced; it no longer
// stops the plan.
func TestMergeSPFRepairsBrokenRecord(t *testing.T) {
	t.Parallel()
	inc := assets.DefaultPlatform().SPFTerms(false)
	tests := []struct {
		existing []string
		want     string
		notes    []string
	}{
		{[]string{"v=spf1 include:spf.protection.outlook.com ~al"},
			"v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com ~all",
			[]string{"Repaired: Wrote “~al” as ~all."}},
		{[]string{"v=spf1 include=spf.protection.outlook.com -all"},
			"v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all",
			[]string{"Repaired: Wrote “include=spf.protection.outlook.com” as “include:spf.protection.outlook.com”"}},
		{[]string{"v=spf1 include:spf.protection.outlook.com-all"},
			"v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all",
			[]string{"Repaired: Put a space between"}},
		{[]string{"v=spf1 ip4:300.1.1.1 mx -all"},
			"v=spf1 mx include:spf.outreachsystems.com -all",
			[]string{"Repaired: Dropped “ip4:300.1.1.1”"}},
		{[]string{"v=spf1 bogus:thing al"},
			"v=spf1 include:spf.outreachsystems.com ~all",
			[]string{"Repaired: Dropped “bogus:thing”", "Repaired: “al” was meant as the all term"}},
		{[]string{"v=spf1 \u201cinclude:x.example\u201d -all"},
			"v=spf1 include:x.example include:spf.outreachsystems.com -all",
			[]string{"Repaired: Removed the quotation marks"}},
		{[]string{"v=spf1 mx -all", "v=spf1 include=_spf.google.com ~al"},
			"v=spf1 mx include:_spf.google.com include:spf.outreachsystems.com -all",
			[]string{"2 SPF records", "Repaired: Wrote “include=_spf.google.com”", "Repaired: Wrote “~al” as ~all."}},
	}
	for _, tc := range tests {
		got := MergeSPF(tc.existing, nil, inc, nil, "Neoserra")
		if got.Value != tc.want || got.Action != ActionReplace {
			t.Errorf("MergeSPF(%q) = %s %q, want replace %q", tc.existing, got.Action, got.Value, tc.want)
		}
		for _, n := range tc.notes {
			if !slices.ContainsFunc(got.Notes, func(s string) bool {
				return strings.HasPrefix(s, n) || !strings.HasPrefix(n, "Repaired:") && strings.Contains(s, n)
			}) {
				t.Errorf("MergeSPF(%q) notes %q lack %q", tc.existing, got.Notes, n)
			}
		}
		if again := MergeSPF([]string{got.Value}, nil, inc, nil, "Neoserra"); again.Action != ActionKeep {
			t.Errorf("merging the repaired %q again: %s %q", got.Value, again.Action, again.Notes)
		}
	}
}

// TestMergeSPFNeverOpensToWorld: +all (or a bare all) becomes ~all, and a
// network that lets nearly anyone send is dropped, each said in a note;
// ?all stays, with its note.
func TestMergeSPFNeverOpensToWorld(t *testing.T) {
	t.Parallel()
	inc := assets.DefaultPlatform().SPFTerms(false)
	tests := []struct {
		existing string
		want     string
		note     string
	}{
		{"v=spf1 mx +all", "v=spf1 mx include:spf.outreachsystems.com ~all", "Replaced +all with ~all"},
		{"v=spf1 mx all", "v=spf1 mx include:spf.outreachsystems.com ~all", "Replaced all with ~all"},
		{"v=spf1 ip4:0.0.0.0/0 -all", "v=spf1 include:spf.outreachsystems.com -all", "Dropped ip4:0.0.0.0/0: it lets over 4 billion addresses"},
		{"v=spf1 ip4:10.0.0.0/7 mx -all", "v=spf1 mx include:spf.outreachsystems.com -all", "Dropped ip4:10.0.0.0/7"},
		{"v=spf1 ip6:2001::/15 mx -all", "v=spf1 mx include:spf.outreachsystems.com -all", "Dropped ip6:2001::/15"},
		{"v=spf1 ip4:10.0.0.0/8 ip6:2001::/16 -ip4:0.0.0.0/0 -all", "v=spf1 ip4:10.0.0.0/8 ip6:2001::/16 -ip4:0.0.0.0/0 include:spf.outreachsystems.com -all", ""},
		{"v=spf1 mx ?all", "v=spf1 mx include:spf.outreachsystems.com ?all", "tells receivers nothing"},
		{"v=spf1 mx +al", "v=spf1 mx include:spf.outreachsystems.com ~all", "Replaced +all with ~all"},
	}
	for _, tc := range tests {
		got := MergeSPF([]string{tc.existing}, nil, inc, nil, "Neoserra")
		if got.Value != tc.want || got.Action != ActionReplace {
			t.Errorf("MergeSPF(%q) = %s %q, want replace %q", tc.existing, got.Action, got.Value, tc.want)
		}
		if tc.note != "" && !containsAny(got.Notes, tc.note) {
			t.Errorf("MergeSPF(%q) notes %q lack %q", tc.existing, got.Notes, tc.note)
		}
	}
	// Nor from the provider's terms, had they escaped validation.
	got := MergeSPF(nil, []string{"ip4:0.0.0.0/0"}, inc, nil, "Neoserra")
	if got.Value != "v=spf1 include:spf.outreachsystems.com -all" || !containsAny(got.Notes, "Left out ip4:0.0.0.0/0") {
		t.Errorf("MergeSPF with a world-wide provider = %q %q", got.Value, got.Notes)
	}
}

// TestMergeSPFProviderIsPlatform: a provider given as the platform's own
// include puts it in the record once.
func TestMergeSPFProviderIsPlatform(t *testing.T) {
	t.Parallel()
	inc := assets.DefaultPlatform().SPFTerms(false)
	for _, existing := range [][]string{nil, {"v=spf1 mx -all"}} {
		got := MergeSPF(existing, []string{platformInclude}, inc, nil, "Neoserra")
		if n := strings.Count(got.Value, platformInclude); n != 1 {
			t.Errorf("MergeSPF(%q) = %q: the platform include %d times", existing, got.Value, n)
		}
	}
	// A provider address the platform's list already covers, likewise.
	ips := platformIPTerms(t)
	got := MergeSPF(nil, ips[:1], ips, nil, "Neoserra")
	if n := strings.Count(got.Value, ips[0]+" "); n != 1 {
		t.Errorf("MergeSPF = %q: %s %d times", got.Value, ips[0], n)
	}
}

// TestMergeSPFDoesNotModifyInputs guards against the merge writing into the
// caller's slices.
func TestMergeSPFDoesNotModifyInputs(t *testing.T) {
	t.Parallel()
	existing := []string{"v=spf1 mx -all", "v=spf1 a -all"}
	provider := make([]string, 1, 8)
	provider[0] = googleInclude
	platform := []string{platformInclude}
	before := slices.Clone(existing)
	MergeSPF(existing, provider, platform, nil, "Neoserra")
	if !slices.Equal(existing, before) || provider[0] != googleInclude || platform[0] != platformInclude {
		t.Errorf("inputs changed: %q %q %q", existing, provider, platform)
	}
	if full := provider[:cap(provider)]; full[1] != "" {
		t.Errorf("MergeSPF wrote past the provider slice's length: %q", full[:2])
	}
}
