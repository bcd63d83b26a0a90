package plan

import (
	"context"
	"fmt"
	"sync"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
)

// PlatformAddresses is the platform's sending addresses as one run of the
// wizard or of a command reads them, once: the networks its SPF include
// lists today (dnscheck.ExpandPlatformIPs), or, when the include cannot
// be read, the platform file's, with the reason, exactly as the checks
// fall back. The records screen's i key and 'wizard records --use-ips'
// both write the platform's addresses through it (Options.Addresses), so
// they write the same list. It is safe for concurrent use: the builds of
// several domains share one reading. See docs/demo.md.
type PlatformAddresses struct {
	q        dnscheck.Querier
	platform *assets.Platform

	mu   sync.Mutex
	read bool
	set  dnscheck.PlatformIPs
}

// NewPlatformAddresses returns the reading of platform p's addresses
// through q (the run's resolver), made on the first Read.
func NewPlatformAddresses(q dnscheck.Querier, p *assets.Platform) *PlatformAddresses {
	return &PlatformAddresses{q: q, platform: p}
}

// Read returns the platform's addresses, reading its include the first
// time only; later calls, and calls made meanwhile, get the same set. A
// reading cut short by ctx is returned but not kept: the next Read reads
// again.
func (a *PlatformAddresses) Read(ctx context.Context) dnscheck.PlatformIPs {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.read {
		return a.set
	}
	set := dnscheck.ExpandPlatformIPs(ctx, dnscheck.NewLookup(a.q), a.platform.SPF.Include, a.platform.SPF.IPs)
	if ctx.Err() == nil {
		a.read, a.set = true, set
	}
	return set
}

// UseIPsWarning is the plan's warning about the platform's addresses
// written instead of its include when they are not its live set, whole:
// the platform file's n addresses stood in for an include that could not
// be read, or the include listed more networks than are written. ""
// otherwise.
func UseIPsWarning(set dnscheck.PlatformIPs, n int) string {
	switch {
	case set.Source == dnscheck.PlatformIPsCatalog && set.Reason != "":
		return fmt.Sprintf("The platform's current addresses could not be read from %s (%s), so the %d addresses of the platform file were written; they may be out of date. Prefer include:%s, which the vendor keeps current.",
			set.Include, set.Reason, n, set.Include)
	case set.Live() && set.Reason != "":
		return "The platform's addresses were read from " + set.Include + ", but " + set.Reason + "; prefer include:" + set.Include + "."
	}
	return ""
}

// platformAddresses applies opt.Addresses to opt when the plan writes the
// platform's addresses: opt.PlatformIPs becomes the live set when there
// is one, and the warning to add to the plan is returned ("" for none).
func platformAddresses(ctx context.Context, p *assets.Platform, opt *Options) string {
	if !opt.UseIPs || opt.Addresses == nil || len(opt.PlatformIPs) > 0 || p.SPF.Include == "" {
		return ""
	}
	set := opt.Addresses.Read(ctx)
	if set.Live() {
		opt.PlatformIPs = set.Networks
	}
	return UseIPsWarning(set, len(p.SPF.IPs))
}
