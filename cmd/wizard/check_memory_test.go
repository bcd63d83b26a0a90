//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// BenchmarkCheckMemory runs the built binary over 1,000, 10,000 and
// 100,000 generated domains (dnstest serving a zone for each, in this
// process) with --json, and reports the wizard's peak resident memory:
// the reports are written as they come and only a summary row and the
// advice's sentence are kept a domain, so it must stay flat (the goal is
// under 150 MB at 100,000). Run it with
//
//	go test ./cmd/wizard -run '^$' -bench CheckMemory -benchtime 1x
func BenchmarkCheckMemory(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 30_000, 100_000} {
		b.Run(fmt.Sprintf("domains=%d", n), func(b *testing.B) {
			zones, domains := memZones(n)
			srv, err := dnstest.Start(append(zones, chkMicrosoftZone, tuitest.ZoneVendor(assets.DefaultPlatform()))...)
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			list := filepath.Join(b.TempDir(), "domains.txt")
			if err := os.WriteFile(list, []byte(strings.Join(domains, "\n")+"\n"), 0o600); err != nil {
				b.Fatal(err)
			}
			bin := buildWizardB(b)
			var peak int64
			b.ResetTimer()
			for range b.N {
				cmd := exec.Command(bin, "check", "--dns-server", srv.Addr(), "--json", "--domains-file", list)
				cmd.Stdout, cmd.Stderr = nil, nil // /dev/null
				err := cmd.Run()
				if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() > exitDNS) {
					b.Fatalf("the check failed: %v", err)
				}
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
					peak = max(peak, ru.Maxrss*1024) // KiB on Linux
				}
				srv.ResetQueries()
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MiB")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// memZones returns n generated zones and their domains, half of them
// ready and half not (SPF without the platform, a DKIM key in a TXT
// record instead of the CNAME). Every name a check asks exists: dnstest
// answers a name that does not exist by scanning all its names, which at
// 100,000 zones would measure the server rather than the wizard.
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

// buildWizardB is buildWizard for a benchmark.
func buildWizardB(b *testing.B) string {
	b.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "wizard-bench")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "wizard")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("%v: %s", err, out)
		}
	})
	if buildErr != nil {
		b.Fatalf("building the wizard: %v", buildErr)
	}
	return binPath
}
