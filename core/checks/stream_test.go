package checks_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// streamZones are n domains, each with an SPF record, and their names.
func streamZones(n int) (zones, names []string) {
	for i := range n {
		d := fmt.Sprintf("s%04d.edu", i)
		zones = append(zones, fmt.Sprintf("$ORIGIN %s.\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN TXT \"v=spf1 -all\"\n", d))
		names = append(names, d)
	}
	return zones, names
}

// streamChecker asks srv for everything, with a timeout well above any
// latency the tests inject.
func streamChecker(srv *dnstest.Server) *dnscheck.Checker {
	server, _ := dnscheck.ParseServer(srv.Addr())
	c := dnscheck.NewClient(dnscheck.WithServers(server), dnscheck.WithTimeout(30*time.Second))
	return &dnscheck.Checker{Resolver: c, Direct: true}
}

func streamExpect(t *testing.T) dnscheck.Expectation {
	t.Helper()
	exp, err := checks.Expect(assets.DefaultPlatform(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	exp.SPFInclude = "" // no live reading of the platform's include
	return exp
}

// TestStreamAllInOrderWithinWindow: the first domain answers slowly; the
// reports still come in input order, and while it is awaited no more than
// ReorderWindow checks run ahead of it (without the window, all of the
// others would finish first and wait in memory).
func TestStreamAllInOrderWithinWindow(t *testing.T) {
	t.Parallel()
	n := checks.ReorderWindow + 100
	zones, names := streamZones(n)
	srv := dnstest.StartT(t, zones...)
	// Slow by design (2 s): without the window the other checks would need
	// that long to run far past it; no barrier can wait for "no further".
	srv.SetFault(names[0], dnstest.Fault{Latency: 2 * time.Second})
	done := 0
	doneAtFirst := -1
	var got []string
	err := checks.StreamAll(context.Background(), streamChecker(srv), names, streamExpect(t),
		func(d int) { done = d },
		func(i int, r dnscheck.DomainReport) error {
			if i == 0 {
				doneAtFirst = done
			}
			if i != len(got) || r.Domain != names[i] {
				return fmt.Errorf("report %d (%s) handed on as number %d", i, r.Domain, len(got))
			}
			got = append(got, r.Domain)
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("%d reports, want %d", len(got), n)
	}
	if doneAtFirst < 1 || doneAtFirst > checks.ReorderWindow {
		t.Errorf("%d checks had finished when the first report was handed on; the window is %d", doneAtFirst, checks.ReorderWindow)
	}
}

// TestStreamAllStopsWhenCancelled: once the context ends, no report is
// handed on (it would carry lookups cut short, read as DNS trouble), no
// more checks start, and StreamAll returns the context's error.
func TestStreamAllStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	zones, names := streamZones(50)
	srv := dnstest.StartT(t, zones...)
	srv.SetLatency(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for len(srv.Queries()) == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	emitted := 0
	err := checks.StreamAll(ctx, streamChecker(srv), names, streamExpect(t), nil,
		func(int, dnscheck.DomainReport) error { emitted++; return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("StreamAll = %v, want context.Canceled", err)
	}
	if emitted != 0 {
		t.Errorf("%d reports handed on after the context ended", emitted)
	}
	asked := map[string]bool{}
	for _, q := range srv.Queries() {
		for _, d := range names {
			if strings.HasSuffix(q.Name, d+".") {
				asked[d] = true
			}
		}
	}
	if len(asked) > checks.MaxConcurrentDomains {
		t.Errorf("%d domains asked: checks went on starting after the context ended", len(asked))
	}
}

// TestStreamAllStopsOnEmitError: an error from emit (say, standard output
// closed) ends the run with that error.
func TestStreamAllStopsOnEmitError(t *testing.T) {
	t.Parallel()
	zones, names := streamZones(30)
	srv := dnstest.StartT(t, zones...)
	boom := errors.New("broken pipe")
	emitted := 0
	err := checks.StreamAll(context.Background(), streamChecker(srv), names, streamExpect(t), nil,
		func(i int, _ dnscheck.DomainReport) error {
			emitted++
			if i == 2 {
				return boom
			}
			return nil
		})
	if !errors.Is(err, boom) || emitted != 3 {
		t.Errorf("StreamAll = %v after %d reports, want the emit error after 3", err, emitted)
	}
}
