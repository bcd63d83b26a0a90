package dnscheck

import (
	"context"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"blitiri.com.ar/go/spf"
)

// This file evaluates SPF for a whole network at once: the verdict
// check_host (RFC 7208 §4) gives every address of a network the platform
// lists (ip4:107.20.160.0/24), found by prefix arithmetic over the terms of
// the domain's SPF tree instead of by trying one address. See
// docs/spf-ranges.md.
//
// The record is followed as check_host follows it: terms in order, an
// include's pass matching, its fail, softfail or neutral not, its none,
// permerror and temperror ending the evaluation, redirect last, the lookup
// and void-lookup limits counted along each path (RFC 7208 §4.6.4), as
// blitiri.com.ar/go/spf counts them. ip4, ip6 and all split the network;
// a, mx and exists are settled from the answers their names have (the
// same for every sender). Only what depends on the sending address itself
// cannot be settled by arithmetic: a term with a macro (RFC 7208 §7) and
// ptr (§5.5). The parts of a network that reach such a term are
// "unsettled": check_host is run for their first and last addresses.

// maxUnsettledSamples bounds how many unsettled parts of one network get
// check_host runs (two each).
const maxUnsettledSamples = 8

// maxRangeWork bounds the arithmetic for one network: the parts carried
// through each term, summed over the terms of the tree. A hostile record
// (thousands of ip6 terms cutting the network into slivers) stops there,
// and what is left is unsettled (tooManyParts).
const maxRangeWork = 1 << 17

// tooManyParts marks the parts left unsettled when maxRangeWork ran out.
const tooManyParts = "(too many parts)"

// rangeFlow is a part of a network still being evaluated, with the lookups
// and void lookups its path through the tree has cost so far.
type rangeFlow struct {
	pfx     netip.Prefix
	lookups int
	voids   int
}

// flowResult is the verdict for one part of a network.
type flowResult struct {
	rangeFlow
	res spf.Result
	// cause, for permerror, tells why (the sentinel errors of
	// blitiri.com.ar/go/spf); nil otherwise.
	cause error
	// unsettled names the term that depends on the sending address
	// itself ("" when the verdict is settled).
	unsettled string
}

// rangeEval evaluates the networks of one domain over its walked tree,
// reading the answers of a, mx and exists through q (the check's cache).
type rangeEval struct {
	ctx  context.Context
	q    Querier
	work int // parts carried through terms so far (maxRangeWork)
}

// qualifierResult is the result a matching directive gives (RFC 7208 §4.6.2).
func qualifierResult(q byte) spf.Result {
	switch q {
	case '-':
		return spf.Fail
	case '~':
		return spf.SoftFail
	case '?':
		return spf.Neutral
	}
	return spf.Pass
}

// record runs check_host over n's record for the parts in.
func (e *rangeEval) record(n *SPFNode, in []rangeFlow, depth int) []flowResult {
	var out []flowResult
	all := func(flows []rangeFlow, res spf.Result, cause error, unsettled string) {
		for _, f := range flows {
			out = append(out, flowResult{rangeFlow: f, res: res, cause: cause, unsettled: unsettled})
		}
	}
	switch {
	case len(in) == 0:
		return nil
	case n == nil || depth > maxSPFDepth:
		all(in, "", nil, "a part of the record the check did not read")
		return out
	case n.Record == nil:
		switch n.Cause {
		case SPFCauseTrouble:
			all(in, spf.TempError, nil, "")
		case SPFCauseNoDomain, SPFCauseNoSPF:
			all(in, spf.None, spf.ErrNoResult, "")
		case SPFCauseMultiple:
			all(in, spf.PermError, spf.ErrMultipleRecords, "")
		case SPFCauseLoop, SPFCauseTooDeep:
			all(in, spf.PermError, spf.ErrLookupLimitReached, "")
		default:
			all(in, spf.PermError, spf.ErrUnknownField, "")
		}
		return out
	}
	children := map[string]*SPFNode{}
	for _, c := range n.Children {
		if _, ok := children[c.Via]; !ok {
			children[c.Via] = c
		}
	}
	flows := in
	var redirect *SPFTerm
	for _, t := range n.Record.Terms {
		if len(flows) == 0 {
			return out
		}
		if t.Modifier == ModRedirect {
			redirect = &t
			continue
		}
		if e.work += len(flows); e.work > maxRangeWork {
			all(flows, "", nil, tooManyParts)
			return out
		}
		qual := qualifierResult(t.Qualifier)
		switch t.Mechanism {
		case "":
			continue // exp= and unknown modifiers change nothing
		case MechAll:
			all(flows, qual, nil, "")
			return out
		case MechIP4, MechIP6:
			var rest []rangeFlow
			for _, f := range flows {
				inside, outside := splitPrefix(f.pfx, t.Prefix)
				for _, p := range inside {
					out = append(out, flowResult{rangeFlow: rangeFlow{p, f.lookups, f.voids}, res: qual})
				}
				for _, p := range outside {
					rest = append(rest, rangeFlow{p, f.lookups, f.voids})
				}
			}
			flows = rest
			continue
		}
		// A term that asks DNS: one lookup more on every path.
		var over []flowResult
		flows, over = countLookup(flows)
		out = append(out, over...)
		if len(flows) == 0 {
			return out
		}
		if t.Mechanism == MechPTR || strings.Contains(t.Value, "%") {
			all(flows, "", nil, t.Raw)
			return out
		}
		var decided []flowResult
		switch t.Mechanism {
		case MechInclude:
			flows, decided = e.include(t, children[t.Raw], flows, depth)
		case MechA, MechMX, MechExists:
			flows, decided = e.addresses(n, t, flows)
		}
		out = append(out, decided...)
	}
	if redirect != nil && len(flows) > 0 {
		t := *redirect
		counted, over := countLookup(flows)
		out = append(out, over...)
		if strings.Contains(t.Value, "%") {
			all(counted, "", nil, t.Raw)
			return out
		}
		for _, r := range e.record(children[t.Raw], counted, depth+1) {
			if r.res == spf.None {
				r.res = spf.PermError // RFC 7208 §6.1
			}
			out = append(out, r)
		}
		return out
	}
	// No term matched: neutral (RFC 7208 §4.7).
	all(flows, spf.Neutral, nil, "")
	return out
}

// include follows include term t (to child) for flows: the parts the
// included record passes match (the term's qualifier), those it fails,
// softfails or leaves neutral go on, the others end there.
func (e *rangeEval) include(t SPFTerm, child *SPFNode, flows []rangeFlow, depth int) (rest []rangeFlow, decided []flowResult) {
	for _, r := range e.record(child, flows, depth+1) {
		switch {
		case r.unsettled != "":
			decided = append(decided, r)
		case r.res == spf.Pass:
			r.res, r.cause = qualifierResult(t.Qualifier), nil
			decided = append(decided, r)
		case r.res == spf.Fail, r.res == spf.SoftFail, r.res == spf.Neutral:
			rest = append(rest, r.rangeFlow)
		case r.res == spf.None:
			r.res = spf.PermError // RFC 7208 §5.2
			decided = append(decided, r)
		default:
			decided = append(decided, r)
		}
	}
	return rest, decided
}

// addresses settles an a, mx or exists term (no macros) for flows from
// the answers its names have, read as blitiri.com.ar/go/spf reads them
// through spfResolver.
func (e *rangeEval) addresses(n *SPFNode, t SPFTerm, flows []rangeFlow) (rest []rangeFlow, decided []flowResult) {
	target := t.Value
	if target == "" {
		target = n.Domain
	}
	r := spfResolver{e.q}
	var nets []netip.Prefix
	var void bool
	var final spf.Result // set when the term ends the evaluation for every flow
	var cause error
	v4, v6 := dualCIDR(t.Raw)
	add := func(ips []net.IPAddr) {
		for _, ip := range ips {
			a, ok := netip.AddrFromSlice(ip.IP)
			if !ok {
				continue
			}
			a = a.Unmap()
			bits := v4
			if a.Is6() {
				bits = v6
			}
			if p, err := a.Prefix(bits); err == nil {
				nets = append(nets, p)
			}
		}
	}
	switch t.Mechanism {
	case MechA, MechExists:
		ips, err := r.LookupIPAddr(e.ctx, target)
		void = (err == nil && len(ips) == 0) || isNotFound(err)
		switch {
		case void:
		case err != nil:
			final = spf.TempError
		case t.Mechanism == MechExists:
			// exists matches every sender when the name has an IPv4
			// address (as blitiri reads RFC 7208 §5.7).
			for _, ip := range ips {
				if ip.IP.To4() != nil {
					nets = append(nets, netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0"))
					break
				}
			}
		default:
			add(ips)
		}
	case MechMX:
		mxs, err := r.LookupMX(e.ctx, target)
		void = (err == nil && len(mxs) == 0) || isNotFound(err)
		switch {
		case void:
		case err != nil && len(mxs) == 0:
			final = spf.TempError
		case len(mxs) > maxSPFMX:
			final, cause = spf.PermError, spf.ErrTooManyMXRecords
		default:
			for _, mx := range mxs {
				ips, err := r.LookupIPAddr(e.ctx, mx.Host)
				if err != nil && !isNotFound(err) {
					final = spf.TempError
					break
				}
				add(ips)
			}
		}
	}
	qual := qualifierResult(t.Qualifier)
	for _, f := range flows {
		if void {
			f.voids++
			if f.voids > MaxSPFVoidLookups {
				decided = append(decided, flowResult{rangeFlow: f, res: spf.PermError, cause: spf.ErrVoidLookupLimitReached})
				continue
			}
		}
		if final != "" {
			decided = append(decided, flowResult{rangeFlow: f, res: final, cause: cause})
			continue
		}
		parts := []netip.Prefix{f.pfx}
		for _, p := range nets {
			var left []netip.Prefix
			for _, part := range parts {
				inside, outside := splitPrefix(part, p)
				for _, in := range inside {
					decided = append(decided, flowResult{rangeFlow: rangeFlow{in, f.lookups, f.voids}, res: qual})
				}
				left = append(left, outside...)
			}
			parts = left
		}
		for _, p := range parts {
			rest = append(rest, rangeFlow{p, f.lookups, f.voids})
		}
	}
	return rest, decided
}

// dualCIDR returns the prefix lengths of an a or mx term ("a/24//64"):
// 32 and 128 when it gives none.
func dualCIDR(raw string) (v4, v6 int) {
	v4, v6 = 32, 128
	i := strings.IndexByte(raw, '/')
	if i < 0 {
		return v4, v6
	}
	parts := strings.Split(raw[i:], "/") // "", "24", "", "64"
	if len(parts) >= 2 && parts[1] != "" {
		if n, err := strconv.Atoi(parts[1]); err == nil {
			v4 = n
		}
	}
	if len(parts) >= 3 && parts[1] == "" && len(parts) == 3 {
		if n, err := strconv.Atoi(parts[2]); err == nil {
			v6 = n
		}
	}
	if len(parts) == 4 {
		if n, err := strconv.Atoi(parts[3]); err == nil {
			v6 = n
		}
	}
	return v4, v6
}

// splitPrefix returns the parts of network p inside network t and those
// outside it, as few prefixes as possible.
func splitPrefix(p, t netip.Prefix) (inside, outside []netip.Prefix) {
	p, t = p.Masked(), t.Masked()
	if !p.Overlaps(t) {
		return nil, []netip.Prefix{p}
	}
	if t.Bits() <= p.Bits() {
		return []netip.Prefix{p}, nil
	}
	// t lies strictly inside p: the rest of p is the sibling of each of
	// t's ancestors below p.
	for b := p.Bits() + 1; b <= t.Bits(); b++ {
		outside = append(outside, sibling(netip.PrefixFrom(t.Addr(), b).Masked()))
	}
	return []netip.Prefix{t}, outside
}

// sibling returns the other half of p's parent network.
func sibling(p netip.Prefix) netip.Prefix {
	b := p.Addr().AsSlice()
	bit := p.Bits() - 1
	b[bit/8] ^= 0x80 >> (bit % 8)
	a, _ := netip.AddrFromSlice(b)
	return netip.PrefixFrom(a, p.Bits())
}

// aggregate joins sibling networks of ps (disjoint) into their parents, in
// address order.
func aggregate(ps []netip.Prefix) []netip.Prefix {
	out := slices.Clone(ps)
	slices.SortFunc(out, func(a, b netip.Prefix) int {
		if c := a.Addr().Compare(b.Addr()); c != 0 {
			return c
		}
		return a.Bits() - b.Bits()
	})
	for joined := true; joined; {
		joined = false
		for i := 0; i+1 < len(out); i++ {
			a, b := out[i], out[i+1]
			if a.Bits() == b.Bits() && a.Bits() > 0 && sibling(a) == b {
				out[i] = netip.PrefixFrom(a.Addr(), a.Bits()-1).Masked()
				out = slices.Delete(out, i+1, i+2)
				joined = true
			}
		}
	}
	return out
}

// resultRank orders results from best to worst for a network's overall
// result: pass, neutral, none, softfail, fail, permerror, temperror (the
// verdict DNS could not give ranks last: nothing is known).
func resultRank(r spf.Result) int {
	switch r {
	case spf.Pass:
		return 0
	case spf.Neutral:
		return 1
	case spf.None:
		return 2
	case spf.SoftFail:
		return 3
	case spf.Fail:
		return 4
	case spf.PermError:
		return 5
	}
	return 6
}

// worse returns the worse of a and b ("" counts as nothing yet).
func worse(a, b spf.Result) spf.Result {
	if a == "" || resultRank(b) > resultRank(a) {
		return b
	}
	return a
}

// evaluateNetwork returns the verdict for every address of network p sent
// as postmaster@domain: the worst result over it, the parts that do not
// pass, why (for permerror), and the terms that left parts unsettled.
// walk is the domain's walked tree; nil when there is none (no record,
// several, one that does not parse, DNS trouble): then the network's
// first and last addresses are evaluated by check_host.
func evaluateNetwork(ctx context.Context, q Querier, domain string, p netip.Prefix, walk *SPFWalk) IPResult {
	p = p.Masked()
	out := IPResult{IP: p.String(), Uncovered: []string{}}
	var parts []flowResult
	if walk != nil && walk.Root != nil && walk.Root.Record != nil {
		e := &rangeEval{ctx: ctx, q: q}
		parts = e.record(walk.Root, []rangeFlow{{pfx: p}}, 0)
		out.tooLarge = e.work > maxRangeWork
	} else {
		parts = []flowResult{{rangeFlow: rangeFlow{pfx: p}, unsettled: "-"}}
	}
	var failing []netip.Prefix
	samples := 0
	for _, r := range parts {
		if r.unsettled != "" {
			if r.unsettled != "-" && r.unsettled != tooManyParts && !slices.Contains(out.unsettled, r.unsettled) {
				out.unsettled = append(out.unsettled, r.unsettled)
			}
			if samples >= maxUnsettledSamples {
				// Beyond the bound, the part is not known to pass.
				out.Result = string(worse(spf.Result(out.Result), spf.Neutral))
				failing = append(failing, r.pfx)
				continue
			}
			samples++
			r.res = ""
			for _, a := range []netip.Addr{r.pfx.Addr(), lastAddr(r.pfx)} {
				res, err := evaluateSPF(ctx, q, a, domain)
				r.res = worse(r.res, res)
				if res == spf.PermError && out.cause == nil {
					out.cause = err
				}
			}
		}
		out.Result = string(worse(spf.Result(out.Result), r.res))
		if r.res == spf.PermError && out.cause == nil {
			out.cause = r.cause
		}
		if r.res != spf.Pass {
			failing = append(failing, r.pfx)
		}
	}
	for _, f := range aggregate(failing) {
		out.Uncovered = append(out.Uncovered, f.String())
	}
	return out
}

// lastAddr returns the last address of network p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// countLookup counts one DNS lookup more on every path of flows, as
// blitiri counts a term before asking (it stops at the 11th): the flows
// that may still ask, and those the lookup limit ends as permerror.
func countLookup(flows []rangeFlow) (counted []rangeFlow, over []flowResult) {
	for _, f := range flows {
		if f.lookups >= MaxSPFLookups {
			over = append(over, flowResult{rangeFlow: f, res: spf.PermError, cause: spf.ErrLookupLimitReached})
			continue
		}
		f.lookups++
		counted = append(counted, f)
	}
	return counted, over
}
