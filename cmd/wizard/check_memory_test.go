//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// BenchmarkCheckMemory runs the built binary over 1,000, 10,000 and
// 100,000 generated domains (dnstest serving a zone for each, in this
// process), with --json and for a person (standard output not a
// terminal), and reports the wizard's peak resident memory: the reports
// are written as they come and only each domain's outcome is kept, so it
// must stay flat. The goal, under 150 MiB at 100,000 domains, fails the
// benchmark when missed. Run it with
//
//	go test ./cmd/wizard -run '^$' -bench CheckMemory -benchtime 1x
//
// (-bench 'CheckMemory/domains=100000/json' for one case; 100,000 domains
// take a few minutes on two cores). It never runs in plain 'go test'.
//
// The peak is the one Linux reports when the wizard ends (ru_maxrss), read
// by a small launcher process (testdata/memlauncher) rather than by this
// one: a child made by vfork and exec starts its peak at its parent's, and
// this process holds every zone, so the wizard's own peak would be lost
// under it. The launcher's own peak, about 2 MiB, is the floor.
func BenchmarkCheckMemory(b *testing.B) {
	bin := buildWizardCommand(b, b.TempDir()) // the program alone, not the test binary
	launcher := buildMemLauncher(b)
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("domains=%d", n), func(b *testing.B) {
			zones, domains := memZones(n)
			srv := dnstest.StartT(b, append(zones, chkMicrosoftZone, tuitest.ZoneVendor(assets.DefaultPlatform()))...)
			list := filepath.Join(b.TempDir(), "domains.txt")
			if err := os.WriteFile(list, []byte(strings.Join(domains, "\n")+"\n"), 0o600); err != nil {
				b.Fatal(err)
			}
			for _, mode := range []string{"json", "human"} {
				b.Run(mode, func(b *testing.B) {
					args := []string{bin, "check", "--dns-server", srv.Addr(), "--domains-file", list}
					if mode == "json" {
						args = append(args, "--json")
					}
					var peak int64
					for range b.N {
						peak = max(peak, launchForPeak(b, launcher, args))
						srv.ResetQueries()
					}
					mib := float64(peak) / (1 << 20)
					b.ReportMetric(mib, "peak-RSS-MiB")
					b.ReportMetric(0, "ns/op")
					if n == 100_000 && mib >= 150 {
						b.Errorf("peak RSS %.1f MiB at %d domains, want under 150", mib, n)
					}
				})
			}
		})
	}
}

// buildMemLauncher builds testdata/memlauncher into the benchmark's
// temporary folder.
func buildMemLauncher(b *testing.B) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "memlauncher")
	if out, err := exec.Command("go", "build", "-o", path, "./testdata/memlauncher").CombinedOutput(); err != nil {
		b.Fatalf("building the launcher: %v: %s", err, out)
	}
	return path
}

// launchForPeak runs args (the wizard and its arguments) from launcher,
// standard output to /dev/null, and returns the wizard's peak resident
// memory in bytes. The check must end with exit status 0 or 1: a DNS
// failure or worse means the benchmark measured something else.
func launchForPeak(b *testing.B, launcher string, args []string) int64 {
	b.Helper()
	cmd := exec.Command(launcher, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("the launcher failed: %v\n%s", err, out)
	}
	m := launcherReport.FindSubmatch(out)
	if m == nil {
		b.Fatalf("the launcher said %q", out)
	}
	peakKiB, _ := strconv.ParseInt(string(m[1]), 10, 64)
	code, _ := strconv.Atoi(string(m[2]))
	if code != exitOK && code != exitNotReady {
		b.Fatalf("the check ended with exit status %d", code)
	}
	return peakKiB * 1024
}

// launcherReport is the line memlauncher prints.
var launcherReport = regexp.MustCompile(`(?m)^peak-kib=(\d+) exit=(\d+)$`)

// memZones returns n generated zones and their domains, half of them
// ready and half not (SPF without the platform, a DKIM key in a TXT
// record instead of the CNAME).
func memZones(n int) (zones, domains []string) {
	notReady := []string{
		"@ IN MX 0 mem-edu.mail.protection.outlook.com.",
		`@ IN TXT "v=spf1 include:spf.protection.outlook.com -all"`,
		`osc1._domainkey IN TXT "v=DKIM1; k=rsa; p=MIIB"`,
		`_dmarc IN TXT "v=DMARC1; p=none"`,
	}
	for i := range n {
		d := fmt.Sprintf("mem%06d.edu", i)
		lines := chkReady
		if i%2 == 1 {
			lines = notReady
		}
		zones = append(zones, chkZone(d, lines...))
		domains = append(domains, d)
	}
	return zones, domains
}
