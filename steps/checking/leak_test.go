package checking_test

import (
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/outreach-auth/wizard/steps/checking"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// resources is what an hour of polling must not use up.
type resources struct {
	goroutines int
	fds        int // -1 where /proc/self/fd cannot be read
	heap       uint64
}

// count counts goroutines and open files (fds -1 where /proc/self/fd
// cannot be read). It does not collect garbage: a collection's finalizers
// would close sockets left open, and hide them.
func count() resources {
	r := resources{goroutines: runtime.NumGoroutine(), fds: -1}
	if runtime.GOOS == "linux" {
		if fds, err := os.ReadDir("/proc/self/fd"); err == nil {
			r.fds = len(fds)
		}
	}
	return r
}

// heapInUse returns the bytes of live heap objects, after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// Slack for what the runtime and the test itself may hold on to. A leak
// of one goroutine or socket per poll is hundreds above it; one check's
// whole cache and report are about 5 KiB, so keeping them per poll would
// grow the heap by about 2 MiB over the polls after the heap's baseline.
const (
	leakPolls       = 500
	slackGoroutines = 10
	slackFDs        = 10
	slackHeap       = 1 << 20
	heapBaselineAt  = 50
	settleWithin    = 20 * time.Second
)

// TestPollingLeaksNothing: 500 polls through the step's own command path
// against dnstest, among them checks that time out and checks cancelled
// in flight by leaving the step, leave the goroutines, open files and
// sockets, and heap as they were, within a small slack.
func TestPollingLeaksNothing(t *testing.T) {
	env := tuitest.NewEnv(t) // not ready: the step polls on and on
	st := state(t, env)
	checker := &dnscheck.Checker{
		// 50 of the polls wait out this timeout: it is short.
		Resolver: dnscheck.NewClient(dnscheck.WithServers(env.Server.Addr()), dnscheck.WithTimeout(20*time.Millisecond)),
		Direct:   true,
	}
	m := checking.NewModel(env.Common(80, 24), checker, nil)
	cmd := m.Enter(st, common.Forward)
	poll := func() { // the check now, then the tick that starts the next
		send(m, checkCmd(t, cmd))
		cmd = send(m, nextTick(m))
		if !m.Checking() {
			t.Fatal("the due tick did not start a check")
		}
	}
	poll() // warm up: the first check starts what is started once
	before := count()

	timeouts, cancels := 0, 0
	for i := range leakPolls {
		if i == heapBaselineAt {
			// What the first rounds allocate for good (caches of the
			// libraries, the spinner's frames) is not a leak.
			before.heap = heapInUse()
		}
		switch i % 10 {
		case 3: // a lookup that times out
			env.Server.SetFault("_dmarc."+tuitest.Domain, dnstest.Fault{Silent: true})
			poll()
			env.Server.ClearFault("_dmarc." + tuitest.Domain)
			if r, _ := m.Report(); r.DMARC.Status != dnscheck.VerdictError {
				t.Fatalf("poll %d: DMARC %s, want error (timeout)", i, r.DMARC.Status)
			}
			timeouts++
		case 7: // the person leaves while the check waits on a slow server
			// The server holds its answers for 200 ms, ten times the
			// query timeout (its handlers linger that long after: the
			// settling below waits for them).
			env.Server.ResetQueries()
			env.Server.SetLatency(200 * time.Millisecond)
			done := make(chan tea.Msg, 1)
			go func(c tea.Cmd) { done <- checkCmd(t, c) }(cmd)
			for wait := time.Now().Add(20 * time.Second); len(env.Server.Queries()) == 0; {
				if time.Now().After(wait) {
					t.Fatal("the check never asked the server")
				}
				time.Sleep(time.Millisecond)
			}
			tuitest.Await[common.BackMsg](t, send(m, tuitest.Key("b")))
			select {
			case res := <-done:
				send(m, res) // stale: dropped
			case <-time.After(20 * time.Second):
				t.Fatal("a cancelled check did not return")
			}
			env.Server.SetLatency(0)
			cmd = m.Enter(st, common.Forward) // back in the step from the records
			poll()
			cancels++
		default:
			poll()
		}
	}
	send(m, checkCmd(t, cmd))
	if timeouts == 0 || cancels == 0 {
		t.Fatal("no timeout or no cancellation exercised")
	}

	// Goroutines and sockets of the last checks end a moment after them
	// (a server goroutine sees its client close, the slow server's
	// handlers wait out their 200 ms): wait until the counts are back
	// where they were, give or take two, or the generous bound has passed,
	// then compare with the slack.
	var after resources
	deadline := time.Now().Add(settleWithin)
	for {
		after = count()
		settled := after.goroutines <= before.goroutines+2 && (after.fds < 0 || after.fds <= before.fds+2)
		if settled || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	after.heap = heapInUse()
	t.Logf("after %d polls (%d with a timeout, %d cancelled): goroutines %d → %d, fds %d → %d, heap %d → %d KiB",
		leakPolls, timeouts, cancels, before.goroutines, after.goroutines, before.fds, after.fds, before.heap>>10, after.heap>>10)
	if after.goroutines > before.goroutines+slackGoroutines {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines %d → %d\n%s", before.goroutines, after.goroutines, buf[:runtime.Stack(buf, true)])
	}
	if before.fds < 0 || after.fds < 0 {
		t.Logf("open files not compared: /proc/self/fd is not readable on %s", runtime.GOOS)
	} else if after.fds > before.fds+slackFDs {
		t.Errorf("open files and sockets %d → %d", before.fds, after.fds)
	}
	if after.heap > before.heap+slackHeap {
		t.Errorf("heap in use %d → %d KiB", before.heap>>10, after.heap>>10)
	}
}
