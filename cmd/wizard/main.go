// Command wizard sets up and proves email authentication (SPF, DKIM, DMARC)
// for a third-party sending platform, by default Neoserra by
// OutreachSystems. See README.md for the commands.
package main

import (
	"context"
	"os"
	"runtime/debug"
)

// memoryLimit is the soft limit on the heap (runtime/debug.SetMemoryLimit)
// unless GOMEMLIMIT says otherwise: 'check' over a long list keeps a few
// hundred bytes a domain, and the limit makes the collector reclaim the
// checks' garbage before the heap doubles over that, so memory stays flat.
// It is soft: a run that needs more still gets it.
const memoryLimit = 100 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	ctx, stop := withSignals(context.Background(), os.Stderr)
	code := run(ctx, os.Args[1:], streams{in: os.Stdin, out: os.Stdout, err: os.Stderr})
	stop()
	os.Exit(code)
}
