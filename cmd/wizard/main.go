// Command wizard sets up and proves email authentication (SPF, DKIM, DMARC)
// for a third-party sending platform, by default Neoserra by
// OutreachSystems. See README.md for the commands.
package main

import (
	"context"
	"os"

	"github.com/outreach-auth/wizard/cmd/wizard/internal/quietstart"
)

// init runs after the init of every package main imports: Bubble Tea's
// has looked for the terminal's background and, thanks to quietstart, not
// asked it. The environment is given back as it was.
func init() { quietstart.Restore() }

func main() {
	ctx, stop := withSignals(context.Background(), os.Stderr)
	code := run(ctx, os.Args[1:], streams{in: os.Stdin, out: os.Stdout, err: os.Stderr})
	stop()
	os.Exit(code)
}
