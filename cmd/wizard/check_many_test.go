package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// The helpers of this file start with "many" so as not to collide with
// those of the other tests of the command.

// manySampler is a stream that keeps what is written and, at each write,
// notes how many goroutines and open file descriptors the process has: on
// standard error with a terminal, the progress line is written once per
// domain, while the other checks are in flight.
type manySampler struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	writes  int
	peakG   int
	peakFDs int
}

func (s *manySampler) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	s.peakG = max(s.peakG, runtime.NumGoroutine())
	if n, ok := manyOpenFDs(); ok {
		s.peakFDs = max(s.peakFDs, n)
	}
	return s.buf.Write(p)
}

func (s *manySampler) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// manyOpenFDs counts the process's open file descriptors (Linux only).
func manyOpenFDs() (int, bool) {
	if runtime.GOOS != "linux" {
		return 0, false
	}
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0, false
	}
	return len(entries), true
}

// manyRun runs the command line in-process; terminal says whether standard
// error is to be taken for a terminal.
func manyRun(t *testing.T, stdin string, terminal bool, stderr *manySampler, args ...string) (code int, stdout string) {
	t.Helper()
	var out bytes.Buffer
	code = run(context.Background(), args, streams{in: strings.NewReader(stdin), out: &out, err: stderr,
		errTerminal: func() bool { return terminal }})
	return code, out.String()
}

// manyFile writes a domains file and returns its path.
func manyFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// manyZones returns n generated zones, one domain each, in turn ready
// (ready-0000.edu), not ready (notready-0001.edu: SPF without the
// platform, no DKIM) and bare (missing-0002.edu: nothing published), and
// the domains in order.
func manyZones(n int) (zones, domains []string) {
	for i := range n {
		var d string
		var lines []string
		switch i % 3 {
		case 0:
			d, lines = fmt.Sprintf("ready-%04d.edu", i), chkReady
		case 1:
			d, lines = fmt.Sprintf("notready-%04d.edu", i), chkNotReady
		default:
			d = fmt.Sprintf("missing-%04d.edu", i)
		}
		zones = append(zones, chkZone(d, lines...))
		domains = append(domains, d)
	}
	return zones, domains
}

// manyCells returns the rune offsets where the cells of a table line start
// (cells are separated by two spaces or more).
func manyCells(line string) []int {
	var out []int
	for _, m := range regexp.MustCompile(`\S+(?: \S+)*`).FindAllStringIndex(line, -1) {
		out = append(out, utf8.RuneCountInString(line[:m[0]]))
	}
	return out
}

// TestCheckDomainsFileMany checks 300 generated domains (several times
// the domains checked at once, so the window is crossed many times; the
// memory of thousands is BenchmarkCheckMemory's) and one
// whose TXT answers SERVFAIL from a --domains-file against dnstest: the
// exit status, the summary table, the progress line, the JSON document,
// and that neither goroutines nor file descriptors pile up, during the
// run (bounded concurrency) or after it (nothing leaked).
//
// Not parallel: it counts the process's goroutines and descriptors.
func TestCheckDomainsFileMany(t *testing.T) {
	const n = 300
	// Some 12,000 queries: on a busy machine one of them may wait longer
	// than the tests' short timeout (TestMain) for the CPU, which would
	// read as DNS trouble.
	// (No parallel test runs beside this one, so the change is safe.)
	saved := queryTimeout
	queryTimeout = 30 * time.Second
	t.Cleanup(func() { queryTimeout = saved })
	zones, domains := manyZones(n)
	srv := dnstest.StartT(t, append(zones, chkPlatformZone(t), chkMicrosoftZone, chkZone("broken.edu", chkReady...))...)
	srv.SetFaultType("broken.edu", dns.TypeTXT, dnstest.Fault{ServFail: true})

	// broken.edu comes as an argument, before the file; the file repeats
	// it and ready-0000.edu (as an address) among comments and blank lines.
	list := "# every domain our users send from\n\n" + strings.Join(domains, "\n") + "\nbroken.edu\n  Jane.Doe@READY-0000.EDU  \n# end\n"
	path := manyFile(t, "domains.txt", list)
	want := append([]string{"broken.edu"}, domains...)

	beforeG := runtime.NumGoroutine()
	beforeFDs, haveFDs := manyOpenFDs()

	// A person at a terminal.
	stderr := &manySampler{}
	code, stdout := manyRun(t, "", true, stderr, "check", "--dns-server", srv.Addr(), "broken.edu", "--domains-file", path)
	if code != exitDNS {
		t.Errorf("exit %d, want %d (DNS trouble for broken.edu)", code, exitDNS)
	}

	// The progress line: on standard error only, in place, cleared at the
	// end.
	progress := stderr.String()
	if strings.Contains(stdout, "Checking domains") {
		t.Error("progress was written to standard output")
	}
	if !strings.HasPrefix(progress, fmt.Sprintf("\rChecking domains: 0 of %d done", n+1)) ||
		!strings.Contains(progress, fmt.Sprintf("\rChecking domains: %d of %d done", n/2, n+1)) ||
		!strings.Contains(progress, fmt.Sprintf("\rChecking domains: %d of %d done", n+1, n+1)) {
		t.Errorf("stderr does not count the domains in place: starts %q", progress[:min(len(progress), 200)])
	}
	if strings.Contains(progress, "\n") {
		t.Errorf("the progress line is not updated in place (it has a newline)")
	}
	last := fmt.Sprintf("Checking domains: %d of %d done", n+1, n+1)
	if !strings.HasSuffix(progress, last+"\r"+strings.Repeat(" ", len(last))+"\r") {
		t.Errorf("the progress line is not cleared at the end: ends %q", progress[max(0, len(progress)-120):])
	}

	// The summary table: one aligned row per domain, in input order, after
	// the details and before the advice.
	lines := strings.Split(stdout, "\n")
	head := slices.Index(lines, fmt.Sprintf("Summary of %d domains: %d ready, %d not ready, 1 with DNS trouble", n+1, n/3, 2*n/3))
	if head < 0 {
		t.Fatalf("no summary line with the counts:\n%s", stdout[max(0, len(stdout)-3000):])
	}
	header := lines[head+1]
	if !regexp.MustCompile(`^Domain +Ready +SPF +DKIM +DMARC$`).MatchString(header) {
		t.Fatalf("table header %q", header)
	}
	cols := manyCells(header)
	rows := lines[head+2 : head+2+n+1]
	for i, row := range rows {
		if !strings.HasPrefix(row, want[i]+" ") {
			t.Fatalf("row %d is %q, want %s (input order)", i, row, want[i])
		}
	}
	for _, tc := range []struct {
		row  int
		want string
	}{
		{0, `^broken\.edu +\? DNS trouble +\? error +✓ pass +✓ p=quarantine, found$`},
		{1, `^ready-0000\.edu +✓ ready +✓ pass +✓ pass +✓ p=quarantine, found$`},
		{2, `^notready-0001\.edu +✗ not ready +✗ fail +✗ missing +✓ p=none, found$`},
		{3, `^missing-0002\.edu +✗ not ready +✗ missing +✗ missing +! missing$`},
		{n/2 + 1, fmt.Sprintf(`^ready-%04d\.edu +✓ ready +✓ pass +✓ pass +✓ p=quarantine, found$`, n/2)},
		{n - 1, fmt.Sprintf(`^notready-%04d\.edu +✗ not ready +✗ fail +✗ missing +✓ p=none, found$`, n-2)},
		{n, fmt.Sprintf(`^missing-%04d\.edu +✗ not ready +✗ missing +✗ missing +! missing$`, n-1)},
	} {
		row := rows[tc.row]
		if !regexp.MustCompile(tc.want).MatchString(row) {
			t.Errorf("row %d = %q, want %s", tc.row, row, tc.want)
		}
		if got := manyCells(row); !slices.Equal(got, cols) {
			t.Errorf("row %d %q: cells start at %v, the header's at %v", tc.row, row, got, cols)
		}
	}
	adv := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "Second-best option") })
	if adv < head+2+n+1 {
		t.Errorf("the advice (line %d) does not follow the table (lines %d to %d)", adv, head, head+2+n)
	}
	// Full details only for the domains that are not ready: each starts
	// with the server asked.
	if got, want := strings.Count(stdout, "\n  asked "+srv.Addr()+"\n"), 2*n/3+1; got != want {
		t.Errorf("%d domains with full details, want %d (those not ready)", got, want)
	}
	if strings.Contains(stdout, "ready-0000.edu  ✓ ready") {
		t.Error("a ready domain got its full details in a long list")
	}
	advice := strings.Join(lines[adv:], "\n")
	for _, want := range []string{
		"• broken.edu could not be checked",
		"• notready-0001.edu does not pass yet",
		fmt.Sprintf("• %d other domains pass SPF and DKIM for Neoserra.", n/3),
		"notready-0001.edu, missing-0002.edu, notready-0004.edu",
		fmt.Sprintf("and %d more do not pass yet, and broken.edu could not be checked", 2*n/3-10),
		"Neoserra still uses SPF and DKIM for the domains that pass (ready-0000.edu, ready-0003.edu",
	} {
		if !strings.Contains(advice, want) {
			t.Errorf("the advice lacks %q:\n%s", want, advice)
		}
	}
	if strings.Contains(advice, "• ready-0000.edu") {
		t.Errorf("the advice lists every ready domain again:\n%.2000s", advice)
	}

	// Bounded while it ran: about MaxConcurrentDomains checks' worth, never
	// one goroutine or socket per domain.
	if stderr.writes < n {
		t.Fatalf("%d progress writes, want one per domain", stderr.writes)
	}
	t.Logf("peak while checking: %d goroutines (%d before), %d file descriptors (%d before)", stderr.peakG, beforeG, stderr.peakFDs, beforeFDs)
	if limit := beforeG + checks.MaxConcurrentDomains*100; stderr.peakG > limit {
		t.Errorf("%d goroutines at the peak (%d before): not bounded by the domains checked at once (limit %d)", stderr.peakG, beforeG, limit)
	}
	if haveFDs {
		if limit := beforeFDs + checks.MaxConcurrentDomains*32; stderr.peakFDs > limit {
			t.Errorf("%d file descriptors open at the peak (%d before, limit %d)", stderr.peakFDs, beforeFDs, limit)
		}
	} else {
		t.Log("file descriptors not counted: no /proc/self/fd")
	}

	// A script: JSON on stdout, nothing on stderr (not a terminal).
	quiet := &manySampler{}
	code, stdout = manyRun(t, "", false, quiet, "check", "--dns-server", srv.Addr(), "--json", "broken.edu", "--domains-file", path)
	if code != exitDNS {
		t.Errorf("--json: exit %d, want %d", code, exitDNS)
	}
	if quiet.String() != "" {
		t.Errorf("stderr %q, want nothing when it is not a terminal", quiet.String()[:min(100, len(quiet.String()))])
	}
	var doc struct {
		Domains []struct {
			Domain string `json:"domain"`
			Ready  bool   `json:"ready"`
			SPF    struct {
				Status   string `json:"status"`
				Problems []struct {
					Code string `json:"code"`
				} `json:"problems"`
			} `json:"spf"`
			DKIM struct {
				Status string `json:"status"`
			} `json:"dkim"`
		} `json:"domains"`
		Advice struct {
			Option  string   `json:"option"`
			Reasons []string `json:"reasons"`
		} `json:"advice"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("stdout is not the JSON document: %v", err)
	}
	var got []string
	for _, d := range doc.Domains {
		got = append(got, d.Domain)
	}
	if !slices.Equal(got, want) {
		t.Errorf("JSON has %d domains, want %d in input order (first %v)", len(got), len(want), got[:min(5, len(got))])
	}
	if len(doc.Domains) == len(want) {
		for i, d := range doc.Domains {
			wantReady := strings.HasPrefix(d.Domain, "ready-")
			if d.Ready != wantReady {
				t.Errorf("%s ready = %v, want %v (SPF %s %v, DKIM %s)", d.Domain, d.Ready, wantReady, d.SPF.Status, d.SPF.Problems, d.DKIM.Status)
				break
			}
			if i == 0 && d.SPF.Status != string(dnscheck.VerdictError) {
				t.Errorf("broken.edu SPF %s, want error", d.SPF.Status)
			}
		}
	}
	if doc.Advice.Option != "second-best" || len(doc.Advice.Reasons) != n+1 {
		t.Errorf("JSON advice %s with %d reasons, want second-best with one per domain (%d)", doc.Advice.Option, len(doc.Advice.Reasons), n+1)
	}

	// Nothing left behind: goroutines and descriptors are back near what
	// they were (a leak per domain would leave thousands).
	after := runtime.NumGoroutine()
	afterFDs, _ := manyOpenFDs()
	t.Logf("after the runs: %d goroutines, %d file descriptors", after, afterFDs)
	if after > beforeG+50 {
		t.Errorf("%d goroutines after the runs, %d before", after, beforeG)
	}
	if haveFDs && afterFDs > beforeFDs+20 {
		t.Errorf("%d file descriptors open after the runs, %d before", afterFDs, beforeFDs)
	}
}

// TestCheckManyDetails: with up to five domains every domain gets its
// full report; with more, only those that are not ready do. A table and
// the across-domain advice close the output whenever there are several.
func TestCheckManyDetails(t *testing.T) {
	t.Parallel()
	var extra []string
	for i := range 4 {
		extra = append(extra, chkZone(fmt.Sprintf("r%d.edu", i), chkReady...))
	}
	srv := chkServer(t, extra...)
	detailed := func(out string) []string {
		var got []string
		for _, d := range []string{"yourcenter.edu", "othercenter.edu", "r0.edu", "r1.edu", "r2.edu", "r3.edu"} {
			if regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(d) + `  [✓✗?] `).MatchString(out) {
				got = append(got, d)
			}
		}
		return got
	}
	for _, tc := range []struct {
		name     string
		args     []string
		detailed []string
		table    bool
	}{
		{"one domain: no table", []string{"othercenter.edu"}, []string{"othercenter.edu"}, false},
		{"five domains: every detail", []string{"yourcenter.edu", "othercenter.edu", "r0.edu", "r1.edu", "r2.edu"},
			[]string{"yourcenter.edu", "othercenter.edu", "r0.edu", "r1.edu", "r2.edu"}, true},
		{"six domains: details of those not ready", []string{"yourcenter.edu", "othercenter.edu", "r0.edu", "r1.edu", "r2.edu", "r3.edu"},
			[]string{"othercenter.edu"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := chkCheck(t, srv, tc.args...)
			if r.code != exitNotReady || r.stderr != "" {
				t.Errorf("exit %d stderr %q, want 1 and nothing", r.code, r.stderr)
			}
			if got := detailed(r.stdout); !slices.Equal(got, tc.detailed) {
				t.Errorf("details for %v, want %v:\n%s", got, tc.detailed, r.stdout)
			}
			table := strings.Index(r.stdout, "Summary of ")
			if (table >= 0) != tc.table {
				t.Errorf("summary table shown: %v, want %v:\n%s", table >= 0, tc.table, r.stdout)
			}
			if tc.table {
				for _, d := range tc.args {
					if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(d) + ` +[✓✗?] `).MatchString(r.stdout[table:]) {
						t.Errorf("the table has no row for %s:\n%s", d, r.stdout[table:])
					}
				}
				if adv := strings.Index(r.stdout, "Second-best option"); adv < table {
					t.Errorf("the advice does not follow the table:\n%s", r.stdout)
				}
			}
		})
	}
}

// TestCheckProgressThreshold: the progress line appears only for more than
// ten domains, and only when standard error is a terminal.
func TestCheckProgressThreshold(t *testing.T) {
	t.Parallel()
	var zones, domains []string
	for i := range 11 {
		d := fmt.Sprintf("p%02d.edu", i)
		zones = append(zones, chkZone(d, chkReady...))
		domains = append(domains, d)
	}
	srv := chkServer(t, zones...)
	for _, tc := range []struct {
		name     string
		domains  []string
		terminal bool
		progress bool
	}{
		{"eleven domains at a terminal", domains, true, true},
		{"eleven domains, not a terminal", domains, false, false},
		{"ten domains at a terminal", domains[:10], true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			stderr := &manySampler{}
			code, stdout := manyRun(t, "", tc.terminal, stderr, append([]string{"check", "--dns-server", srv.Addr()}, tc.domains...)...)
			if code != exitOK {
				t.Errorf("exit %d, want 0", code)
			}
			got := stderr.String()
			if !tc.progress && got != "" {
				t.Errorf("stderr %q, want nothing", got)
			}
			if tc.progress {
				total := len(tc.domains)
				var want strings.Builder
				for i := range total + 1 {
					fmt.Fprintf(&want, "\rChecking domains: %d of %d done", i, total)
				}
				last := fmt.Sprintf("Checking domains: %d of %d done", total, total)
				want.WriteString("\r" + strings.Repeat(" ", len(last)) + "\r")
				if got != want.String() {
					t.Errorf("stderr %q,\nwant %q", got, want.String())
				}
			}
			if strings.Contains(stdout, "Checking domains") {
				t.Error("progress on standard output")
			}
		})
	}
}

// TestCheckDomainsFile: --domains-file with arguments, standard input and
// a second file; comments, blank lines and duplicates skipped; the order
// is arguments first (with "-" where it stands), then each file.
func TestCheckDomainsFile(t *testing.T) {
	t.Parallel()
	srv := chkServer(t, chkZone("second.edu", chkReady...))
	a := manyFile(t, "a.txt", "# ours\n\nothercenter.edu\r\n  jane@second.edu  \n")
	b := manyFile(t, "b.txt", "yourcenter.edu\n# the same again\nSECOND.EDU\n")
	r := chkRun(t, "brokencenter.edu\n", "check", "--dns-server", srv.Addr(), "--json",
		"--domains-file", a, "yourcenter.edu", "-", "--domains-file", b)
	if r.code != exitDNS || r.stderr != "" {
		t.Fatalf("exit %d stderr %q, want 3 and nothing", r.code, r.stderr)
	}
	var doc struct {
		Domains []struct{ Domain string } `json:"domains"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range doc.Domains {
		got = append(got, d.Domain)
	}
	if want := []string{"yourcenter.edu", "brokencenter.edu", "othercenter.edu", "second.edu"}; !slices.Equal(got, want) {
		t.Errorf("domains %v, want %v", got, want)
	}

	// The file alone is enough.
	r = chkRun(t, "", "check", "--dns-server", srv.Addr(), "--domains-file", b)
	if r.code != exitOK || !strings.Contains(r.stdout, "Summary of 2 domains: 2 ready") {
		t.Errorf("file alone: exit %d, want 0 and a summary:\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestCheckDomainsFileErrors: a list that cannot be read or holds a bad
// entry is a usage error, one line, naming the file and the line.
func TestCheckDomainsFileErrors(t *testing.T) {
	t.Parallel()
	srv := chkServer(t)
	dir := t.TempDir()
	bad := manyFile(t, "bad.txt", "# ours\nyourcenter.edu\n\nhttp://[::1\nothercenter.edu\n")
	spaced := manyFile(t, "spaced.txt", "yourcenter.edu\nnot a domain\n")
	long := manyFile(t, "long.txt", "yourcenter.edu\n"+strings.Repeat("a", 2*1024)+"\n")
	empty := manyFile(t, "empty.txt", "# nothing yet\n\n")
	evil := manyFile(t, "evil.txt", "yourcenter.edu\nbad\x1b[2J..edu\n")
	missing := filepath.Join(dir, "nope.txt")
	cases := []struct {
		name  string
		stdin string
		args  []string
		wants []string
	}{
		{"missing file", "", []string{"--domains-file", missing}, []string{`cannot read --domains-file "` + missing + `"`, "no such file"}},
		{"a directory", "", []string{"--domains-file", dir}, []string{`cannot read --domains-file "` + dir + `"`, "is a directory"}},
		{"a bad entry", "", []string{"--domains-file", bad}, []string{`--domains-file "` + bad + `" line 4: `, "web address"}},
		{"a bad entry after arguments", "", []string{"yourcenter.edu", "--domains-file", spaced}, []string{`"` + spaced + `" line 2: `, `"not a domain"`}},
		{"a line too long", "", []string{"--domains-file", long}, []string{`"` + long + `" line 2: `, "longer than 1 KiB"}},
		{"control characters shown escaped", "", []string{"--domains-file", evil}, []string{"line 2: ", `\x1b`}},
		{"an empty list", "", []string{"--domains-file", empty}, []string{"no domain to check"}},
		{"a bad entry on standard input", "yourcenter.edu\n\nhttp://[::1\n", []string{"-"}, []string{"standard input line 3: ", "web address"}},
		{"a bad entry on standard input as a file", "# x\nnot a domain\n", []string{"--domains-file", "-"}, []string{"standard input line 2: ", `"not a domain"`}},
		{"no domain at all", "", nil, []string{"--domains-file"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := chkRun(t, tc.stdin, append([]string{"check", "--dns-server", srv.Addr()}, tc.args...)...)
			wantUsageError(t, result(r), tc.wants...)
		})
	}
}

// TestWriteSummary: the table of checks.WriteSummary shows text from DNS
// escaped, and keeps its columns aligned whatever the width of a domain.
func TestWriteSummary(t *testing.T) {
	t.Parallel()
	rep := func(d string, ready bool, spf, dkim, dmarc dnscheck.Verdict) dnscheck.DomainReport {
		return dnscheck.DomainReport{Domain: d, Ready: ready, SPF: dnscheck.SPFReport{Status: spf},
			DKIM: dnscheck.DKIMReport{Status: dkim}, DMARC: dnscheck.DMARCReport{Status: dmarc}}
	}
	reports := []dnscheck.DomainReport{
		rep("a.edu", true, "pass", "pass", "pass"),
		rep("evil\x1b[2J\u202e.edu", false, "fail", "pass", "missing"),
		rep("bücher.example", false, "error", "pass", "error"),
		rep("ok-but-dmarc-trouble.edu", true, "pass", "pass", "error"),
	}
	var b bytes.Buffer
	checks.WriteSummary(&b, reports, "Neoserra", stylesFor(&b))
	out := b.String()
	if c, bad := chkRaw(out); bad || strings.ContainsRune(out, '\u202e') {
		t.Errorf("raw character %U in the table:\n%q", c, out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2+len(reports) {
		t.Fatalf("%d lines, want a summary, a header and %d rows:\n%s", len(lines), len(reports), out)
	}
	if lines[0] != "Summary of 4 domains: 2 ready, 1 not ready, 1 with DNS trouble" {
		t.Errorf("summary line %q", lines[0])
	}
	want := []string{
		`^Domain +Ready +SPF +DKIM +DMARC$`,
		`^a\.edu +✓ ready +✓ pass +✓ pass +✓ found$`,
		`^evil\\x1b\[2J\\u\{202E\}\.edu +✗ not ready +✗ fail +✓ pass +! missing$`,
		`^bücher\.example +\? DNS trouble +\? error +✓ pass +\? unknown$`,
		`^ok-but-dmarc-trouble\.edu +✓ ready +✓ pass +✓ pass +\? unknown$`,
	}
	cols := manyCells(lines[1])
	for i, w := range want {
		l := lines[i+1]
		if !regexp.MustCompile(w).MatchString(l) {
			t.Errorf("line %q, want %s", l, w)
		}
		if got := manyCells(l); !slices.Equal(got, cols) {
			t.Errorf("line %q: cells start at %v, the header's at %v", l, got, cols)
		}
		if strings.HasSuffix(l, " ") {
			t.Errorf("line %q ends with spaces", l)
		}
	}
}
