package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
	"github.com/outreach-auth/wizard/statefile"
	"github.com/outreach-auth/wizard/tui"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// The tests of this file run the real wizard (the root command) in-process.
// Standard input is not a terminal, so it asks its questions as plain
// prompts. Each test gives it a configuration directory of its own (HOME
// and XDG_CONFIG_HOME), which is why none of them runs in parallel. The
// helpers start with "pg".

// pgHome points the configuration directory at a temporary one and returns
// where the wizard keeps its progress there.
func pgHome(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", home)
	path, err := statefile.DefaultPath("Neoserra")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(path, home+string(filepath.Separator)) {
		t.Fatalf("the progress would be kept at %s, outside the test's %s", path, home)
	}
	return path
}

// pgServer serves the zones of the resume tests: yourcenter.edu not ready,
// othercenter.org ready.
func pgServer(t *testing.T) *dnstest.Server {
	t.Helper()
	return dnstest.StartT(t, tuitest.ZoneYourCenter, tuitest.ZoneOther, tuitest.ZoneOutlook, tuitest.ZoneVendor(assets.DefaultPlatform()))
}

// pgRun runs the wizard with stdin and args.
func pgRun(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, streams{in: strings.NewReader(stdin), out: &out, err: &errOut})
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// pgWrite writes data at path, creating its directory.
func pgWrite(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// pgLines splits stderr into its lines.
func pgLines(stderr string) []string {
	return strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
}

// pgWantClean fails the test when out looks like a crash.
func pgWantClean(t *testing.T, r result) {
	t.Helper()
	for _, bad := range []string{"goroutine ", "panic", ".go:"} {
		if strings.Contains(r.stdout+r.stderr, bad) {
			t.Errorf("output contains %q:\nstdout:\n%s\nstderr:\n%s", bad, r.stdout, r.stderr)
		}
	}
}

// pgMovedAside returns the files the wizard moved aside from path.
func pgMovedAside(t *testing.T, path string) []string {
	t.Helper()
	moved, err := filepath.Glob(path + ".corrupt-*")
	if err != nil {
		t.Fatal(err)
	}
	return moved
}

// TestProgressCorruptFile: garbage in the progress file is reported in one
// line, moved aside intact, and the wizard starts fresh.
func TestProgressCorruptFile(t *testing.T) {
	srv := pgServer(t)
	garbage := []byte("\x00\x01{\"domains\": [\"yourcenter.edu\"\xff not json at all")

	t.Run("input ends at the first question", func(t *testing.T) {
		path := pgHome(t)
		pgWrite(t, path, garbage)
		r := pgRun(t, "", "--dns-server", srv.Addr())
		pgWantClean(t, r)
		lines := pgLines(r.stderr)
		if !strings.HasPrefix(lines[0], "wizard: the saved progress in "+path+" could not be read") {
			t.Errorf("the first line of stderr does not report the saved progress: %q", r.stderr)
		}
		moved := pgMovedAside(t, path)
		if len(moved) != 1 {
			t.Fatalf("moved aside: %q, want one file", moved)
		}
		if !strings.Contains(lines[0], "it was moved to "+moved[0]+" and the wizard starts fresh") {
			t.Errorf("the notice does not say where the file went (%s): %q", moved[0], lines[0])
		}
		if data, err := os.ReadFile(moved[0]); err != nil || !bytes.Equal(data, garbage) {
			t.Errorf("the moved file holds %q (%v), want the original bytes", data, err)
		}
		if !strings.Contains(r.stdout, "Your mail domain, or one of your staff's email addresses: ") || strings.Contains(r.stdout, "Last time") {
			t.Errorf("the wizard did not start fresh:\n%s", r.stdout)
		}
		// Input that ends before the wizard does is an error: exit 2 and
		// a second line saying so.
		if r.code != exitUsage {
			t.Errorf("exit %d when the input ends, want %d", r.code, exitUsage)
		}
		if len(lines) != 2 || !strings.HasPrefix(lines[1], "wizard: ") || !strings.Contains(lines[1], "input ended") {
			t.Errorf("stderr should be the notice and one line about the input ending, got %q", r.stderr)
		}
		if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("progress saved with no domain given (%v)", err)
		}
	})

	t.Run("the person quits after the domain", func(t *testing.T) {
		path := pgHome(t)
		pgWrite(t, path, garbage)
		r := pgRun(t, "yourcenter.edu\nq\n", "--dns-server", srv.Addr())
		pgWantClean(t, r)
		if r.code != exitOK {
			t.Errorf("exit %d, want 0; stderr %q", r.code, r.stderr)
		}
		wantOneLine(t, r.stderr, "the saved progress in "+path+" could not be read", "the wizard starts fresh")
		if moved := pgMovedAside(t, path); len(moved) != 1 {
			t.Errorf("moved aside: %q, want one file", moved)
		}
		// Fresh progress is saved in the usual place.
		var p tui.Progress
		if found, err := statefile.Load(path, &p); !found || err != nil {
			t.Fatalf("no fresh progress after the domain: found %v, err %v", found, err)
		}
		if !slices.Equal(p.Names(), []string{rsFirst}) {
			t.Errorf("fresh progress names %q, want only %s", p.Names(), rsFirst)
		}
	})
}

// TestProgressUnreadable: a directory where the file should be, or a file
// where its directory should be, is reported in one line and the wizard
// goes on.
func TestProgressUnreadable(t *testing.T) {
	srv := pgServer(t)

	t.Run("a directory at the path", func(t *testing.T) {
		path := pgHome(t)
		if err := os.MkdirAll(path, 0o700); err != nil {
			t.Fatal(err)
		}
		r := pgRun(t, "yourcenter.edu\nq\n", "--dns-server", srv.Addr())
		pgWantClean(t, r)
		if r.code != exitOK {
			t.Errorf("exit %d, want 0; stderr %q", r.code, r.stderr)
		}
		wantOneLine(t, r.stderr, "the saved progress in "+path+" could not be read", "the wizard starts fresh")
		if !strings.Contains(r.stdout, "Your mail domain") || strings.Contains(r.stdout, "Last time") {
			t.Errorf("the wizard did not start fresh:\n%s", r.stdout)
		}
		var p tui.Progress
		if found, err := statefile.Load(path, &p); !found || err != nil || !slices.Equal(p.Names(), []string{rsFirst}) {
			t.Errorf("after the directory was moved aside, the progress should be saved: found %v, err %v, domains %q", found, err, p.Names())
		}
	})

	t.Run("a file at the directory", func(t *testing.T) {
		path := pgHome(t)
		pgWrite(t, filepath.Dir(filepath.Dir(path))+"/"+filepath.Base(filepath.Dir(path)), []byte("not a directory"))
		r := pgRun(t, "yourcenter.edu\nq\n", "--dns-server", srv.Addr())
		pgWantClean(t, r)
		if r.code != exitOK {
			t.Errorf("exit %d, want 0; stderr %q", r.code, r.stderr)
		}
		wantOneLine(t, r.stderr, "the saved progress in "+path+" could not be read", "by hand")
		// Saving fails too: said once, and the wizard goes on.
		if n := strings.Count(r.stdout, "Could not save your progress"); n != 1 {
			t.Errorf("the failed save is said %d times, want once:\n%s", n, r.stdout)
		}
		if !strings.Contains(r.stdout, "What yourcenter.edu publishes today") {
			t.Errorf("the wizard did not go on after the failed save:\n%s", r.stdout)
		}
	})
}

// pgSaved is progress saved two hours ago at the Check step for both
// domains, with results that no longer hold: DNS could not answer then.
func pgSaved(t *testing.T, path string) tui.Progress {
	t.Helper()
	trouble := func(d string) dnscheck.DomainReport {
		var r dnscheck.DomainReport
		r.Domain = d
		r.SPF.Status, r.DKIM.Status, r.DMARC.Status = dnscheck.VerdictError, dnscheck.VerdictError, dnscheck.VerdictError
		return r
	}
	p := tui.Progress{
		Version:          1, // the format before the session
		Platform:         "Neoserra",
		Domains:          []string{rsFirst, rsSecond},
		Provider:         "microsoft365",
		ProviderDetected: true,
		Step:             "Verify", // a version 1 title: the Check step was called Verify
		Reports:          []dnscheck.DomainReport{trouble(rsFirst), trouble(rsSecond)},
		CheckedAt:        time.Now().Add(-2*time.Hour - 5*time.Minute).UTC(),
		SavedAt:          time.Now().Add(-2*time.Hour - time.Minute).UTC(),
	}
	if err := statefile.Save(path, p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestProgressResumePlain: Enter at the offer resumes at the checks: both
// domains are looked up and checked again, nothing asked twice, and the
// fresh results are saved.
func TestProgressResumePlain(t *testing.T) {
	srv := pgServer(t)
	path := pgHome(t)
	old := pgSaved(t, path)
	start := time.Now()

	// Enter resumes; Enter confirms othercenter.org's provider (version 1
	// never asked it: every domain's is confirmed now); the checks run at
	// once; a skips to the advice, since yourcenter.edu is not ready.
	r := pgRun(t, "\n\na\n", "--dns-server", srv.Addr())
	pgWantClean(t, r)
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q; stdout:\n%s", r.code, r.stderr, r.stdout)
	}
	for _, want := range []string{
		"Last time (2 hours ago) you were setting up yourcenter.edu, othercenter.org, at the Check step.",
		"Last check of yourcenter.edu: SPF error, DKIM error.",
		"Last check of othercenter.org: SPF error, DKIM error.",
		"Press Enter to resume",
		"The mail provider of othercenter.org:",
		"Looking up yourcenter.edu",
		"Mail provider: Microsoft 365 (as chosen last time).",
		"Looking up othercenter.org",
		"Checking yourcenter.edu, othercenter.org...",
		"Turn it ON",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, asked := range []string{"Your mail domain", "Another domain", "Records to publish", "Press Enter once the records are published"} {
		if strings.Contains(r.stdout, asked) {
			t.Errorf("resuming asked again %q:\n%s", asked, r.stdout)
		}
	}
	// Only the provider nobody confirmed is asked: othercenter.org's.
	if strings.Count(r.stdout, "Number of your provider") != 1 {
		t.Errorf("the providers were asked %d times, want once (othercenter.org's):\n%s", strings.Count(r.stdout, "Number of your provider"), r.stdout)
	}
	for _, d := range []string{rsFirst, rsSecond} {
		if !slices.ContainsFunc(srv.Queries(), func(q dnstest.Query) bool { return q.Name == "osc1._domainkey."+d+"." }) {
			t.Errorf("%s's DKIM was not checked again", d)
		}
	}

	var p tui.Progress
	if found, err := statefile.Load(path, &p); !found || err != nil {
		t.Fatalf("progress after resuming: found %v, err %v", found, err)
	}
	if p.Version != tui.ProgressVersion || !slices.Equal(p.Names(), old.Domains) || p.Session.Domains[0].Provider != old.Provider || p.Step != "advice" {
		t.Errorf("progress after resuming: version %d, domains %q, step %q", p.Version, p.Names(), p.Step)
	}
	if reps := p.Checks(); len(reps) != 2 || reps[0].Ready || !reps[1].Ready ||
		reps[0].SPF.Status != dnscheck.VerdictFail || reps[1].SPF.Status != dnscheck.VerdictPass {
		t.Errorf("the saved reports are not the fresh ones: %+v", reps)
	}
	if p.LastCheckedAt().Before(start) || !p.SavedAt.After(old.SavedAt) {
		t.Errorf("checked_at %v (run started %v), saved_at %v (was %v)", p.LastCheckedAt(), start, p.SavedAt, old.SavedAt)
	}
}

// TestProgressStartFreshPlain: f at the offer asks everything again.
func TestProgressStartFreshPlain(t *testing.T) {
	srv := pgServer(t)
	path := pgHome(t)
	pgSaved(t, path)
	r := pgRun(t, "x\nf\nq\n", "--dns-server", srv.Addr())
	pgWantClean(t, r)
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q; stdout:\n%s", r.code, r.stderr, r.stdout)
	}
	if !strings.Contains(r.stdout, "Last time") || !strings.Contains(r.stdout, "Press Enter or type f.") || !strings.Contains(r.stdout, "Your mail domain") {
		t.Errorf("f did not start fresh after the offer:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "Looking up") {
		t.Errorf("starting fresh looked the old domains up:\n%s", r.stdout)
	}
}

// TestProgressFreshFlag: --fresh removes the saved progress before the
// wizard starts.
func TestProgressFreshFlag(t *testing.T) {
	srv := pgServer(t)
	path := pgHome(t)
	pgSaved(t, path)
	r := pgRun(t, "q\n", "--fresh", "--dns-server", srv.Addr())
	pgWantClean(t, r)
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q; stdout:\n%s", r.code, r.stderr, r.stdout)
	}
	if strings.Contains(r.stdout, "Last time") || !strings.Contains(r.stdout, "Your mail domain") {
		t.Errorf("--fresh offered the old progress or did not ask the domain:\n%s", r.stdout)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("--fresh left the progress file (%v)", err)
	}

	// Without a saved file, --fresh is no error either.
	r = pgRun(t, "q\n", "--fresh", "--dns-server", srv.Addr())
	if r.code != exitOK || r.stderr != "" {
		t.Errorf("--fresh with nothing saved: exit %d, stderr %q", r.code, r.stderr)
	}
}

// pgProgressKeys are the JSON keys progress may hold: domain names, the
// provider, the step and public DNS results, nothing else.
var pgProgressKeys = []string{"checked_at", "dmarc_reports", "domains", "platform", "provider", "provider_detected", "provider_terms", "reports", "saved_at", "session", "step", "version"}

// pgSessionKeys are the JSON keys of the saved session, pgDomainKeys of
// one saved domain.
var (
	pgSessionKeys = []string{"dmarc_reports", "dns_changed_at", "domains", "files", "messages", "others_answered", "use_ips"}
	pgDomainKeys  = []string{"check", "checked_at", "name", "provider", "provider_confirmed", "provider_detected", "provider_terms"}
)

// pgReportKeys are the JSON keys of one saved report.
var pgReportKeys = []string{"dkim", "dmarc", "domain", "problems", "ready", "spf"}

// pgTags returns the JSON names of t's fields.
func pgTags(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "-" {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// TestProgressHoldsNoSecrets: the saved file holds only the fields of
// tui.Progress; a new field must be added here on purpose.
func TestProgressHoldsNoSecrets(t *testing.T) {
	if got := pgTags(reflect.TypeFor[tui.Progress]()); !slices.Equal(got, pgProgressKeys) {
		t.Fatalf("tui.Progress has the JSON fields %q; review them for secrets and update pgProgressKeys (%q)", got, pgProgressKeys)
	}
	if got := pgTags(reflect.TypeFor[session.SavedSession]()); !slices.Equal(got, pgSessionKeys) {
		t.Fatalf("session.SavedSession has the JSON fields %q; review them for secrets and update pgSessionKeys (%q)", got, pgSessionKeys)
	}
	if got := pgTags(reflect.TypeFor[session.SavedDomain]()); !slices.Equal(got, pgDomainKeys) {
		t.Fatalf("session.SavedDomain has the JSON fields %q; review them for secrets and update pgDomainKeys (%q)", got, pgDomainKeys)
	}
	srv := pgServer(t)
	if err := srv.AddZone("$ORIGIN example.net.\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\nspf IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n"); err != nil {
		t.Fatal(err)
	}
	other := slices.IndexFunc(assets.Providers(), func(p assets.Provider) bool { return p.Kind == assets.KindOther })
	if other < 0 {
		t.Fatal("no Other in the provider catalog")
	}
	path := pgHome(t)
	// The whole way, with another domain and a provider typed in.
	// (the second domain's provider is confirmed too: the one proposed).
	stdin := fmt.Sprintf("yourcenter.edu\n%d\ninclude:spf.example.net\n%s\n\n\n\n\na\n", other+1, rsSecond)
	r := pgRun(t, stdin, "--dns-server", srv.Addr())
	pgWantClean(t, r)
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr %q; stdout:\n%s", r.code, r.stderr, r.stdout)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]any
	if err := json.Unmarshal(data, &top); err != nil {
		t.Fatalf("the progress is not JSON: %v", err)
	}
	for k := range top {
		// statefile's own field: how many saves, to tell two wizards apart.
		if k == "generation" {
			continue
		}
		if !slices.Contains(pgProgressKeys, k) {
			t.Errorf("the progress holds the key %q", k)
		}
	}
	for _, k := range []string{"session", "step", "version"} {
		if _, ok := top[k]; !ok {
			t.Errorf("the progress lacks %q:\n%s", k, data)
		}
	}
	sess, _ := top["session"].(map[string]any)
	for k := range sess {
		if !slices.Contains(pgSessionKeys, k) {
			t.Errorf("the saved session holds the key %q", k)
		}
	}
	doms, _ := sess["domains"].([]any)
	if len(doms) != 2 {
		t.Fatalf("domains: %v, want two", sess["domains"])
	}
	for i, d := range doms {
		m, _ := d.(map[string]any)
		for k := range m {
			if !slices.Contains(pgDomainKeys, k) {
				t.Errorf("a saved domain holds the key %q", k)
			}
		}
		for _, k := range []string{"name", "provider", "check", "checked_at"} {
			if _, ok := m[k]; !ok {
				t.Errorf("saved domain %d lacks %q:\n%s", i, k, data)
			}
		}
		rep, _ := m["check"].(map[string]any)
		for k := range rep {
			if !slices.Contains(pgReportKeys, k) {
				t.Errorf("a saved report holds the key %q", k)
			}
		}
	}
	if first, _ := doms[0].(map[string]any); first["provider_terms"] == nil {
		t.Errorf("the provider typed in is not saved:\n%s", data)
	}
	// Nothing about the machine or the session: not the DNS server asked,
	// not the home directory.
	for _, leak := range []string{srv.Addr(), filepath.Dir(path)} {
		if bytes.Contains(data, []byte(leak)) {
			t.Errorf("the progress mentions %q:\n%s", leak, data)
		}
	}
	if runtime.GOOS != "windows" {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("the progress file should be readable by its owner only: %v %v", fi.Mode(), err)
		}
	}
}

// TestProgressResumeTypedProvider: a provider typed in last time (Other,
// with its SPF include) comes back on resume and is in the records again.
func TestProgressResumeTypedProvider(t *testing.T) {
	srv := pgServer(t)
	if err := srv.AddZone("$ORIGIN example.net.\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\nspf IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n"); err != nil {
		t.Fatal(err)
	}
	path := pgHome(t)
	saved := tui.Progress{
		Version: 1, Platform: "Neoserra", Domains: []string{rsFirst},
		Provider: "other", ProviderTerms: "include:spf.example.net", Step: "Records",
		SavedAt: time.Now().Add(-10 * time.Minute).UTC(),
	}
	if err := statefile.Save(path, saved); err != nil {
		t.Fatal(err)
	}
	// Enter resumes; q stops at the records.
	r := pgRun(t, "\nq\n", "--dns-server", srv.Addr())
	pgWantClean(t, r)
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q; stdout:\n%s", r.code, r.stderr, r.stdout)
	}
	for _, want := range []string{
		"Last time (10 minutes ago) you were setting up yourcenter.edu, at the Records step.",
		"(as chosen last time).",
		"v=spf1 include:spf.protection.outlook.com include:spf.example.net include:spf.outreachsystems.com -all",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "Number of your provider") || strings.Contains(r.stdout, "Your mail domain") {
		t.Errorf("resuming asked again what was saved:\n%s", r.stdout)
	}
}

// TestProgressSavedNonsense: a file that is valid JSON but names a domain
// the wizard would never accept, with terminal escapes in it, is not
// trusted: it is moved aside like a corrupt file, with the domain shown
// escaped in the notice, and the wizard starts fresh.
func TestProgressSavedNonsense(t *testing.T) {
	srv := pgServer(t)
	path := pgHome(t)
	const esc = "\x1b]0;owned\x07\x1b[2J"
	var rep dnscheck.DomainReport
	rep.Domain, rep.SPF.Status, rep.DKIM.Status = "bad"+esc, "fail"+esc, "missing"+esc
	saved := tui.Progress{
		Version: 1, Platform: "Neoserra", Domains: []string{"not a domain" + esc},
		Step: "Verify" + esc, Reports: []dnscheck.DomainReport{rep},
		CheckedAt: time.Now().UTC(), SavedAt: time.Now().UTC(),
	}
	if err := statefile.Save(path, saved); err != nil {
		t.Fatal(err)
	}
	r := pgRun(t, "q\n", "--dns-server", srv.Addr())
	pgWantClean(t, r)
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr %q; stdout:\n%s", r.code, r.stderr, r.stdout)
	}
	wantOneLine(t, r.stderr, "the saved progress in "+path+" could not be read (the saved domain", "cannot be used", "the wizard starts fresh")
	if moved := pgMovedAside(t, path); len(moved) != 1 {
		t.Errorf("moved aside: %q, want one file", moved)
	}
	if !strings.Contains(r.stdout, "Your mail domain") || strings.Contains(r.stdout, "Last time") {
		t.Errorf("the wizard did not start fresh:\n%s", r.stdout)
	}
	// The saved file is untrusted: no raw control character reaches the
	// terminal, and the saved domain is shown escaped.
	for _, out := range []string{r.stdout, r.stderr} {
		if c, ok := chkRaw(out); ok {
			t.Errorf("a raw %U reached the terminal:\n%q", c, out)
		}
	}
	if !strings.Contains(r.stderr, `"not a domain\x1b]0;owned\x07\x1b[2J"`) {
		t.Errorf("the saved domain is not shown escaped:\n%q", r.stderr)
	}
}

// TestProgressNotUnderstood: progress saved by a newer version, for
// another platform, or naming no domain is not ignored (and overwritten
// at the next save) but moved aside with a notice saying why; the wizard
// starts fresh and saves anew.
func TestProgressNotUnderstood(t *testing.T) {
	srv := pgServer(t)
	good := func() tui.Progress {
		return tui.Progress{Version: 1, Platform: "Neoserra", Domains: []string{rsFirst},
			Step: "Records", SavedAt: time.Now().UTC()}
	}
	for _, tc := range []struct {
		name string
		edit func(*tui.Progress)
		why  string
	}{
		{"a newer version's", func(p *tui.Progress) { p.Version = tui.ProgressVersion + 1 },
			fmt.Sprintf("(it was saved by a newer version of the wizard (format %d; this one reads up to %d))", tui.ProgressVersion+1, tui.ProgressVersion)},
		{"no version", func(p *tui.Progress) { p.Version = 0 }, "(it is not progress this wizard saves (format 0))"},
		{"another platform's", func(p *tui.Progress) { p.Platform = "Other\x1b[2J" },
			`(it is progress for another platform ("Other\x1b[2J", not "Neoserra"))`},
		{"no domain", func(p *tui.Progress) { p.Domains = nil }, "(it names no domain)"},
		{"a provider no longer in the catalog", func(p *tui.Progress) { p.Provider = "gone" }, `(the saved mail provider cannot be used (no provider "gone" in the catalog))`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := pgHome(t)
			saved := good()
			tc.edit(&saved)
			if err := statefile.Save(path, saved); err != nil {
				t.Fatal(err)
			}
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			r := pgRun(t, "othercenter.edu\nq\n", "--dns-server", srv.Addr())
			pgWantClean(t, r)
			if r.code != exitOK {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			moved := pgMovedAside(t, path)
			if len(moved) != 1 {
				t.Fatalf("moved aside: %q, want one file", moved)
			}
			wantOneLine(t, r.stderr, "the saved progress in "+path+" could not be read "+tc.why, "it was moved to "+moved[0]+" and the wizard starts fresh")
			if data, err := os.ReadFile(moved[0]); err != nil || !bytes.Equal(data, before) {
				t.Errorf("the moved file is not what was saved (%v)", err)
			}
			if strings.Contains(r.stdout, "Last time") || !strings.Contains(r.stdout, "Your mail domain") {
				t.Errorf("the wizard did not start fresh:\n%s", r.stdout)
			}
			var p tui.Progress
			if found, err := statefile.Load(path, &p); !found || err != nil || !slices.Equal(p.Names(), []string{"othercenter.edu"}) {
				t.Errorf("fresh progress: found %v, err %v, domains %q", found, err, p.Names())
			}
		})
	}
}
