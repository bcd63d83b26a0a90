package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/assets"
)

// result is what one in-process run of the wizard produced.
type result struct {
	code           int
	stdout, stderr string
}

// runWizard runs the command line in-process with empty standard input.
func runWizard(t *testing.T, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, streams{in: strings.NewReader(""), out: &out, err: &errOut})
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// wantUsageError checks the contract for bad usage: exit 2, nothing on
// stdout, one line on stderr starting with "wizard: " that contains every
// wanted fragment, and no stack trace.
func wantUsageError(t *testing.T, r result, wants ...string) {
	t.Helper()
	if r.code != exitUsage {
		t.Errorf("exit %d, want %d; stderr %q", r.code, exitUsage, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("stdout should be empty on a usage error, got %q", r.stdout)
	}
	wantOneLine(t, r.stderr, wants...)
}

func wantOneLine(t *testing.T, stderr string, wants ...string) {
	t.Helper()
	if !strings.HasPrefix(stderr, "wizard: ") || !strings.HasSuffix(stderr, "\n") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("stderr should be one line starting with \"wizard: \", got %q", stderr)
	}
	for _, bad := range []string{"goroutine ", "panic", ".go:", "Usage:"} {
		if strings.Contains(stderr, bad) {
			t.Errorf("stderr contains %q: %q", bad, stderr)
		}
	}
	for _, w := range wants {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr %q lacks %q", stderr, w)
		}
	}
	for _, r := range stderr {
		if r < 0x20 && r != '\n' || r == 0x7f {
			t.Errorf("stderr has a raw control character %U: %q", r, stderr)
			break
		}
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		args  []string
		wants []string
	}{
		{"unknown command", []string{"bogus"}, []string{`"bogus"`, "wizard --help"}},
		{"misspelt command", []string{"record", "x.edu"}, []string{`"record"`, "did you mean records?"}},
		{"unknown flag", []string{"records", "x.edu", "--bogus"}, []string{"--bogus"}},
		{"records without a domain", []string{"records"}, []string{"DOMAIN"}},
		{"records with two domains", []string{"records", "a.edu", "b.edu"}, []string{"DOMAIN", "got 2"}},
		{"check without a domain", []string{"check"}, nil},
		{"providers with an argument", []string{"providers", "x"}, nil},
		{"bad --dns-server host", []string{"records", "x.edu", "--dns-server", "not a host!"}, []string{"--dns-server", "not a host!"}},
		{"bad --dns-server port", []string{"records", "x.edu", "--dns-server", "127.0.0.1:99999"}, []string{"--dns-server", "99999"}},
		{"empty --dns-server on check", []string{"check", "x.edu", "--dns-server", " "}, []string{"--dns-server"}},
		{"bad --provider", []string{"records", "x.edu", "--provider", "-all", "--dns-server", "127.0.0.1:1"}, []string{"--provider", "wizard providers"}},
		{"--format bogus", []string{"records", "x.edu", "--format", "bogus"}, []string{"--format", "bogus", "text, zone or json"}},
		{"missing --platform file", []string{"records", "x.edu", "--platform", "/nonexistent/platform.json"}, []string{"/nonexistent/platform.json"}},
		{"control characters in the input are not echoed raw", []string{"records", "x\x1b[31m.edu"}, []string{`\x1b`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			wantUsageError(t, runWizard(t, tc.args...), tc.wants...)
		})
	}
}

func TestBadPlatformFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good, err := os.ReadFile(filepath.Join("..", "..", "assets", "platform.json"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, from, to, field string
	}{
		{"bad selector", `"selector": "osc1"`, `"selector": "bad selector!"`, "dkim.selector"},
		{"bad ip", `"107.20.160.162/32"`, `"107.20.160.999"`, "spf.ips[0]"},
		{"missing contact phone", `"phone": "+1 (805) 967-1280"`, `"phone": "call us"`, "contact.phone"},
		{"unknown field", `"vendor": "OutreachSystems",`, `"vendor": "OutreachSystems", "colour": "blue",`, "colour"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if !strings.Contains(string(good), tc.from) {
				t.Fatalf("platform.json no longer contains %s", tc.from)
			}
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".json")
			if err := os.WriteFile(path, []byte(strings.Replace(string(good), tc.from, tc.to, 1)), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{
				{"records", "yourcenter.edu", "--platform", path},
				{"check", "yourcenter.edu", "--platform", path},
			} {
				wantUsageError(t, runWizard(t, args...), path, tc.field)
			}
		})
	}
	t.Run("not JSON", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(dir, "broken.json")
		if err := os.WriteFile(path, []byte("{\"name\": "), 0o600); err != nil {
			t.Fatal(err)
		}
		wantUsageError(t, runWizard(t, "records", "yourcenter.edu", "--platform", path), path)
	})
}

func TestProvidersCommand(t *testing.T) {
	t.Parallel()
	r := runWizard(t, "providers")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	table, notes, _ := strings.Cut(strings.TrimSpace(r.stdout), "\n\n")
	lines := strings.Split(table, "\n")
	ids := map[string]string{}
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		ids[f[0]] = l
	}
	ps := assets.Providers()
	if len(lines)-1 != len(ps) {
		t.Errorf("%d provider lines, want %d:\n%s", len(lines)-1, len(ps), r.stdout)
	}
	for _, p := range ps {
		l, ok := ids[p.ID]
		if !ok {
			t.Errorf("provider id %q not listed:\n%s", p.ID, r.stdout)
			continue
		}
		if !strings.Contains(l, p.Name) {
			t.Errorf("line for %s lacks its name %q: %q", p.ID, p.Name, l)
		}
		for _, term := range p.SPFTerms() {
			if !strings.Contains(l, term) {
				t.Errorf("line for %s lacks %q: %q", p.ID, term, l)
			}
		}
		// A provider whose SPF entry is per customer is listed with a
		// note under the table saying where to find it.
		if p.NeedsAsk() && (!strings.Contains(l, "(yours alone: see below)") || !strings.Contains(notes, p.ID+": "+p.Ask)) {
			t.Errorf("ask provider %s: line %q, notes %q", p.ID, l, notes)
		}
	}
	if !strings.Contains(r.stdout, "cisco-secure-email") || notes == "" {
		t.Errorf("no ask provider and its note listed:\n%s", r.stdout)
	}
	for _, id := range []string{"microsoft365", "google", "zoho", "amazonses", "fastmail", "proton", "rackspace", "godaddy", "ionos", "other", "none"} {
		if _, ok := ids[id]; !ok {
			t.Errorf("the issue's provider %q is not listed", id)
		}
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args  []string
		wants []string
	}{
		{[]string{"--help"}, []string{"records", "check", "providers", "--dns-server", "--platform", "--provider"}},
		{[]string{"-h"}, []string{"records"}},
		{[]string{"help", "records"}, []string{"--format", "--use-ips", "wizard records"}},
		{[]string{"records", "--help"}, []string{"--format", "--use-ips", "--dns-server"}},
		{[]string{"check", "--help"}, []string{"--json", "--ip", "--watch", "--give-up-after", "Exit status"}},
		{[]string{"providers", "--help"}, []string{"--provider"}},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			r := runWizard(t, tc.args...)
			if r.code != exitOK || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			for _, w := range tc.wants {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("help lacks %q:\n%s", w, r.stdout)
				}
			}
		})
	}
}
