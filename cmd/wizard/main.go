// Command wizard sets up and proves email authentication (SPF, DKIM, DMARC)
// for a third-party sending platform, by default Neoserra by
// OutreachSystems. See README.md for the commands.
package main

import (
	"context"
	"os"
)

func main() {
	ctx, stop := withSignals(context.Background(), os.Stderr)
	code := run(ctx, os.Args[1:], streams{in: os.Stdin, out: os.Stdout, err: os.Stderr})
	stop()
	os.Exit(code)
}
