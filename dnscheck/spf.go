package dnscheck

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"

	"blitiri.com.ar/go/spf"
	"github.com/miekg/dns"
)

// CheckSPF analyses the SPF record of domain: the record itself, its whole
// include / redirect tree (RFC 7208 §4.6.4 limits), whether the platform and
// the organisation's own provider are authorised, and the verdict a receiver
// would compute for each platform address (RFC 7208 §4 check_host, with MAIL
// FROM postmaster@<domain>).
func CheckSPF(ctx context.Context, q Querier, domain string, exp Expectation) SPFReport {
	domain = canonical(domain)
	rep := SPFReport{Problems: []Problem{}, IPs: []IPResult{}}
	q = exp.Live.querier(q, domain)
	// evaluate runs check_host for the platform's addresses of the run
	// (or --ip's), asking through q.
	evaluate := func(q Querier, walk *SPFWalk) []IPResult {
		rep.Platform = exp.platformSet(ctx)
		return evaluateIPs(ctx, q, domain, exp.CheckIPs, rep.Platform.Networks, walk)
	}
	resp := q.Query(ctx, domain, dns.TypeTXT)
	rep.TTL = resp.TTL
	if resp.Status.Trouble() {
		rep.Status = VerdictError
		rep.Problems = append(rep.Problems, troubleProblem(resp, "the SPF record"))
		// A receiver asking now gets the same trouble: temperror for
		// every address (RFC 7208 §4.4). The answer is cached, so this
		// asks nothing again.
		rep.IPs = evaluate(q, nil)
		return rep
	}
	found := spfTexts(resp)
	switch len(found) {
	case 0:
		for _, txt := range resp.TXT() {
			if LooksLikeSPF(txt) {
				rep.Status, rep.Record = VerdictFail, clip(txt)
				rep.Problems = append(rep.Problems, Problem{Code: CodeSPFSyntax, Severity: SeverityError,
					Message: fmt.Sprintf("The TXT record %q was meant as SPF but receivers do not see it as one: it must start with exactly \"v=spf1 \".", clip(txt)),
					Fix:     "Publish the value without quotation marks or leading spaces, starting with v=spf1. " + repairFix(txt)})
				rep.IPs = evaluate(q, nil)
				return rep
			}
		}
		rep.Status = VerdictMissing
		rep.Problems = append(rep.Problems, Problem{Code: CodeSPFMissing, Severity: SeverityError,
			Message: fmt.Sprintf("%s has no SPF record, so receivers cannot tell that %s may send as it.", trimDot(domain), exp.PlatformName),
			Fix:     "Publish one SPF record at " + trimDot(domain) + "; the records the wizard proposes include it."})
		rep.IPs = evaluate(q, nil)
		return rep
	case 1:
	default:
		kept, left := keptRecords(found)
		rep.Status, rep.Record = VerdictFail, strings.Join(kept, "\n")
		msg := fmt.Sprintf("%s has %d SPF records; receivers treat that as an error and ignore all of them.", trimDot(domain), len(found))
		if left > 0 {
			msg += fmt.Sprintf(" (This report shows the first %d.)", len(kept))
		}
		rep.Problems = append(rep.Problems, Problem{Code: CodeSPFMultiple, Severity: SeverityError,
			Message: msg,
			Fix:     multipleSPFFix(kept, exp.SPFInclude)})
		rep.IPs = evaluate(q, nil)
		return rep
	}
	rep.Record = clip(found[0])
	rec, err := ParseSPF(found[0])
	if err != nil {
		rep.Status = VerdictFail
		rep.Problems = append(rep.Problems, Problem{Code: CodeSPFSyntax, Severity: SeverityError,
			Message: "The SPF record does not parse: " + clip(err.Error()) + ". Receivers treat the whole record as broken.",
			Fix:     repairFix(found[0])})
		rep.IPs = evaluate(q, nil)
		return rep
	}

	// The walk fills the cache with every record the evaluation needs;
	// evaluating afterwards costs no further queries.
	troubles := &troubleLog{q: q}
	walk := WalkSPF(ctx, troubles, domain, rec)
	rep.Lookups, rep.VoidLookups, rep.Costs = walk.Lookups, walk.VoidLookups, walk.IncludeCosts()
	rep.IPs = evaluate(troubles, &walk)
	rep.Problems = append(rep.Problems, treeProblems(walk)...)
	rep.Problems = append(rep.Problems, includeProblems(walk, exp)...)
	rep.Problems = append(rep.Problems, evaluatorProblems(rep.IPs, exp, rep.Problems)...)
	rep.Problems = append(rep.Problems, unsettledProblems(rep.IPs, exp)...)
	rep.Problems = append(rep.Problems, troubles.problems(walk, rep.IPs)...)
	rep.Problems = append(rep.Problems, allProblems(rec)...)
	rep.Problems = append(rep.Problems, permissiveProblems(walk)...)
	rep.Problems = append(rep.Problems, platformProblems(rec, walk, exp, rep.IPs, rep.Platform, rep.Problems)...)
	rep.Problems = append(rep.Problems, providerProblems(walk, exp)...)
	rep.walk = walk

	rep.Status = VerdictPass
	for _, r := range rep.IPs {
		if r.Result != string(spf.Pass) {
			rep.Status = VerdictFail
		}
	}
	for _, p := range rep.Problems {
		if p.Code.IsDNSTrouble() {
			rep.Status = VerdictError
		}
	}
	for _, r := range rep.IPs {
		if r.Result == string(spf.TempError) {
			rep.Status = VerdictError // DNS could not give the verdict
		}
	}
	return rep
}

// troubleLog is a Querier that remembers the lookups of an SPF tree that
// ended in DNS trouble, so that a verdict DNS could not give (temperror)
// is explained by the dns-* problem of the name at fault, wherever it sits
// in the tree (an a, mx or exists target as well as an include).
type troubleLog struct {
	q    Querier
	mu   sync.Mutex
	list []Response
}

func (l *troubleLog) Query(ctx context.Context, name string, qtype uint16) Response {
	r := l.q.Query(ctx, name, qtype)
	if r.Status.Trouble() {
		l.mu.Lock()
		l.list = append(l.list, r)
		l.mu.Unlock()
	}
	return r
}

// problems returns a dns-* problem for each name in trouble that the include
// tree does not already report, when the trouble changed some address's
// verdict to temperror. (PTR trouble never does: RFC 7208 §5.5 makes ptr
// simply not match.)
func (l *troubleLog) problems(w SPFWalk, ips []IPResult) []Problem {
	if !slices.ContainsFunc(ips, func(r IPResult) bool { return r.Result == string(spf.TempError) }) {
		return nil
	}
	seen := map[string]bool{}
	var visit func(n *SPFNode)
	visit = func(n *SPFNode) {
		if n.Trouble != nil {
			seen[n.Trouble.Name] = true
		}
		for _, c := range n.Children {
			visit(c)
		}
	}
	if w.Root != nil {
		visit(w.Root)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Problem
	for _, r := range l.list {
		if r.Type == dns.TypePTR || seen[r.Name] {
			continue
		}
		seen[r.Name] = true
		out = append(out, troubleProblem(r, "a name the SPF record looks up"))
	}
	return out
}

// treeProblems reports lookups over the limits, loops and DNS trouble in
// the include tree.
func treeProblems(w SPFWalk) []Problem {
	var out []Problem
	if len(w.Loops) > 0 {
		out = append(out, Problem{Code: CodeSPFTooManyLookups, Severity: SeverityError,
			Message: "The SPF include tree loops (" + keptList(w.Loops, maxListed) + "), so receivers run out of lookups and treat the whole record as broken.",
			Fix:     "Remove the include that points back to a record already on the path."})
	}
	if w.Lookups > MaxSPFLookups {
		var parts []string
		for _, c := range w.IncludeCosts() {
			parts = append(parts, fmt.Sprintf("%s %d", clip(c.Term), c.Lookups))
		}
		out = append(out, Problem{Code: CodeSPFTooManyLookups, Severity: SeverityError,
			Message: fmt.Sprintf("The SPF record needs %d DNS lookups; receivers allow %d and then treat the whole record as broken. By term: %s.", w.Lookups, MaxSPFLookups, keptList(parts, maxListed)),
			Fix:     "Remove includes for services you no longer use, or replace an include by the addresses it lists (the wizard can propose the platform's own addresses instead of its include)."})
	}
	if len(w.ManyMX) > 0 {
		out = append(out, Problem{Code: CodeSPFTooManyLookups, Severity: SeverityError,
			Message: fmt.Sprintf("An mx term of the SPF record finds more than %d mail servers (%s); receivers look up at most %d, so they treat the whole SPF record as broken.", maxSPFMX, keptList(w.ManyMX, maxListed), maxSPFMX),
			Fix:     "Replace the mx term by the addresses of the servers that really send mail (ip4: and ip6: terms), or by your mail provider's include."})
	}
	if w.VoidLookups > MaxSPFVoidLookups {
		out = append(out, Problem{Code: CodeSPFTooManyVoidLookups, Severity: SeverityError,
			Message: fmt.Sprintf("%d lookups in the SPF record find nothing (%s); receivers allow %d and then treat the whole record as broken.", w.VoidLookups, keptList(w.VoidTerms, maxListed), MaxSPFVoidLookups),
			Fix:     "Remove the terms that point to names without records."})
	}
	var visit func(n *SPFNode)
	visit = func(n *SPFNode) {
		if n.Trouble != nil {
			out = append(out, troubleProblem(*n.Trouble, "the SPF record included by "+n.Via))
		}
		for _, c := range n.Children {
			visit(c)
		}
	}
	if w.Root != nil {
		visit(w.Root)
	}
	return out
}

// repairFix is the fix of a record that does not parse: what the records
// the wizard proposes do to it (RepairSPF), so that the check and the
// records say the same.
func repairFix(raw string) string {
	fixed, notes := RepairSPF(raw)
	return clip("The records the wizard proposes repair it: " + strings.Join(notes, " ") + " Repaired, it reads " + strconv.Quote(Printable(fixed)) + ", and the proposed record adds what is missing to that.")
}

// allProblems reports a permissive or missing "all" and terms after it.
func allProblems(rec *SPFRecord) []Problem {
	var out []Problem
	i := rec.All()
	switch {
	case i < 0 && rec.Redirect() == "":
		out = append(out, Problem{Code: CodeSPFAllPermissive, Severity: SeverityWarning,
			Message: "The SPF record has no all term, so mail from anyone else gets a neutral result and may be accepted as your domain.",
			Fix:     "End the record with ~all (or -all once you are sure every sender is listed)."})
	case i >= 0 && rec.Terms[i].Qualifier == '+':
		all := clip(rec.Terms[i].Raw)
		if all != "+all" {
			all += ` (with no qualifier, "all" means +all)`
		}
		out = append(out, Problem{Code: CodeSPFAllPermissive, Severity: SeverityError,
			Message: "The SPF record ends in " + all + ", which authorises every server on the Internet to send as your domain.",
			Fix:     "Replace " + clip(rec.Terms[i].Raw) + " with ~all, or -all once every sender is listed."})
	case i >= 0 && rec.Terms[i].Qualifier == '?':
		out = append(out, Problem{Code: CodeSPFAllPermissive, Severity: SeverityWarning,
			Message: "The SPF record ends in ?all, which tells receivers nothing about servers it does not list.",
			Fix:     "Replace ?all with ~all or -all."})
	}
	if i >= 0 && i < len(rec.Terms)-1 {
		var after []string
		for _, t := range rec.Terms[i+1:] {
			if t.IsDirective() {
				after = append(after, clip(t.Raw))
			}
		}
		if len(after) > 0 {
			out = append(out, Problem{Code: CodeSPFSyntax, Severity: SeverityWarning,
				Message: "Receivers ignore the terms after " + rec.Terms[i].Raw + ": " + keptList(after, maxListed) + ".",
				Fix:     "Move them before " + rec.Terms[i].Raw + "."})
		}
	}
	return out
}

// permissiveProblems reports, anywhere in the include tree, a term that
// lets nearly anyone pass (SPFTerm.Permissive): an ip4 or ip6 network too
// wide in the domain's own record, and such a network or a +all in a
// record its includes or redirect reach. (The domain's own "all" term is
// allProblems'.) A record reached through an include with a -, ~ or ?
// qualifier gives no pass, so nothing under it counts.
func permissiveProblems(w SPFWalk) []Problem {
	var out []Problem
	var visit func(n *SPFNode, path []string)
	visit = func(n *SPFNode, path []string) {
		if n.Record == nil || len(out) >= maxListed {
			return
		}
		for i, t := range n.Record.Terms {
			if !t.Permissive() || !reachable(n.Record, i) || (len(path) == 0 && t.Mechanism == MechAll) {
				continue
			}
			what := "every server on the Internet"
			if t.Prefix.IsValid() {
				what = AddressCount(t.Prefix)
			}
			where, fix := "The SPF record lists "+clip(t.Raw), "Remove "+clip(t.Raw)+" and list your own servers' addresses instead."
			if len(path) > 0 {
				via := trimDot(n.Domain)
				where = fmt.Sprintf("The SPF record of %s, which yours reaches through %s, lists %s", via, strings.Join(path, " → "), clip(t.Raw))
				fix = fmt.Sprintf("Remove %s from your record, or ask whoever runs %s to remove %s.", path[0], via, clip(t.Raw))
			}
			out = append(out, Problem{Code: CodeSPFAllPermissive, Severity: SeverityError,
				Message: where + ", which lets " + what + " send as your domain.", Fix: fix})
		}
		for _, c := range n.Children {
			if strings.ContainsRune("-~?", rune(c.Via[0])) {
				continue // a match gives fail, softfail or neutral: no pass
			}
			visit(c, append(path[:len(path):len(path)], clip(c.Via)))
		}
	}
	if w.Root != nil {
		visit(w.Root, nil)
	}
	return out
}

// AddressCount says in words how many addresses network p holds.
func AddressCount(p netip.Prefix) string {
	host := p.Addr().BitLen() - p.Bits()
	if host >= 64 {
		return fmt.Sprintf("2^%d addresses", host)
	}
	n := uint64(1) << host
	switch {
	case n >= 1_000_000_000:
		return fmt.Sprintf("over %d billion addresses", n/1_000_000_000)
	case n >= 1_000_000:
		return fmt.Sprintf("over %d million addresses", n/1_000_000)
	case n == 1:
		return "1 address"
	}
	return fmt.Sprintf("%d addresses", n)
}

// HasError reports whether ps holds a problem of code at error severity.
func HasError(ps []Problem, code Code) bool {
	return slices.ContainsFunc(ps, func(p Problem) bool { return p.Code == code && p.Severity == SeverityError })
}

// platformProblems reports a platform address that does not pass, and a
// platform authorised by literal addresses instead of its include
// (spf-platform-ips-listed, a warning). When set was read live, a
// hand-written list that misses some of the live addresses is
// spf-platform-ips-stale: an error when one of them does not pass (its
// mail fails SPF now; spf-platform-not-authorized says so too), a warning
// when other terms of the record still let them pass. An address whose
// verdict DNS trouble left open (temperror) is not counted as failing:
// its dns-* problem says why. others are the problems already found for
// the record, which the fix may point to.
func platformProblems(rec *SPFRecord, w SPFWalk, exp Expectation, ips []IPResult, set PlatformIPs, others []Problem) []Problem {
	var out []Problem
	var failing []string
	for _, r := range ips {
		if r.Result != string(spf.Pass) && r.Result != string(spf.TempError) {
			failing = append(failing, resultWords(r))
		}
	}
	if len(failing) > 0 {
		fix := "Add include:" + exp.SPFInclude + " to the SPF record, before its all term."
		if treeHasInclude(w.Root, exp.SPFInclude) {
			fix = includeIneffectiveFix(w, exp, others)
		} else if why := breakingProblem(others); why != nil {
			fix += " And mend what breaks the whole record: " + why.Message
		}
		out = append(out, Problem{Code: CodeSPFPlatformNotAuthorized, Severity: SeverityError,
			Message: fmt.Sprintf("Receivers would not accept %s's servers as senders for your domain: %s.", exp.PlatformName, failingWords(ips, failing, exp.PlatformName)),
			Fix:     fix})
	}
	if exp.SPFInclude == "" || treeHasInclude(w.Root, exp.SPFInclude) {
		return out
	}
	// The record lists the platform by hand when it lists any of its
	// addresses, today's or the catalog's.
	listed := false
	for _, p := range append(slices.Clone(set.Networks), exp.PlatformIPs...) {
		listed = listed || recordOverlaps(rec, p)
	}
	if !listed {
		return out
	}
	var lacking []netip.Prefix
	for _, p := range set.Networks {
		if !recordCovers(rec, p) {
			lacking = append(lacking, p)
		}
	}
	msg := fmt.Sprintf("The SPF record lists %s's addresses one by one instead of include:%s; when the vendor changes addresses, mail starts failing.", exp.PlatformName, exp.SPFInclude)
	if !set.Live() && len(lacking) > 0 {
		msg += " It already lacks " + keptList(prefixAddrs(lacking), maxListed) + "."
	}
	if set.Live() {
		var retired []string
		for _, p := range exp.PlatformIPs {
			if recordLists(rec, p) && !slices.ContainsFunc(set.Networks, func(n netip.Prefix) bool { return n.Overlaps(p) }) {
				retired = append(retired, p.Addr().String())
			}
		}
		if len(retired) > 0 {
			msg += fmt.Sprintf(" It still lists %s, which %s no longer lists.", keptList(retired, maxListed), set.Include)
		}
	}
	out = append(out, Problem{Code: CodeSPFPlatformIPsListed, Severity: SeverityWarning, Message: msg,
		Fix: "Replace " + exp.platform() + "'s ip4: terms with include:" + exp.SPFInclude + "."})
	if set.Live() && len(lacking) > 0 {
		out = append(out, staleProblem(exp, set, lacking, ips))
	}
	return out
}

// staleProblem is spf-platform-ips-stale for a hand-written list lacking
// the live networks lacking. It is an error when the address of one of
// them does not pass (or was not evaluated: --ip), a warning when every
// one still passes through other terms.
func staleProblem(exp Expectation, set PlatformIPs, lacking []netip.Prefix, ips []IPResult) Problem {
	result := map[string]string{}
	for _, r := range ips {
		result[r.IP] = r.Result
	}
	sev := SeverityWarning
	for _, p := range lacking {
		if r := result[networkKey(p)]; r != string(spf.Pass) && r != string(spf.TempError) {
			sev = SeverityError
		}
	}
	msg := fmt.Sprintf("The SPF record lists %s's addresses by hand and misses %d of the %d that %s lists today: %s.",
		exp.PlatformName, len(lacking), len(set.Networks), set.Include, keptList(prefixAddrs(lacking), maxListed))
	if sev == SeverityError {
		msg += " Mail " + exp.PlatformName + " sends from them fails SPF."
	} else {
		msg += " Other terms of the record let them pass for now."
	}
	return Problem{Code: CodeSPFPlatformIPsStale, Severity: sev, Message: msg,
		Fix: "Replace " + exp.platform() + "'s ip4: terms with include:" + exp.SPFInclude + ", which the vendor keeps current; or add " + ipTerms(lacking) + " before the all term."}
}

// prefixAddrs returns the network of each of ps as text: the address
// alone for a single address.
func prefixAddrs(ps []netip.Prefix) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
		if p.IsSingleIP() {
			out[i] = p.Addr().String()
		}
	}
	return out
}

// providerProblems reports the organisation's own provider missing from

// includeIneffectiveFix says what to do when the record has the platform's
// include but the platform's addresses still do not pass, naming the true
// cause: the include itself publishes no usable record (the vendor's to
// fix), the other errors listed for the record, or a term that decides
// the addresses first.
func includeIneffectiveFix(w SPFWalk, exp Expectation, others []Problem) string {
	inc := trimDot(canonical(exp.SPFInclude))
	if n := findInclude(w.Root, exp.SPFInclude); n != nil && n.Record == nil && n.Trouble == nil && !strings.HasPrefix(n.Error, "loop") {
		vendor := exp.Vendor
		if vendor == "" {
			vendor = exp.PlatformName + "'s vendor"
		}
		return fmt.Sprintf("Your record includes %s as it should, but %s publishes no usable SPF record (%s), so receivers cannot use it. "+
			"Nothing on your side needs to change: contact %s and tell them that %s publishes no usable SPF record.",
			inc, inc, clip(n.Error), vendor, inc)
	}
	if why := breakingProblem(others); why != nil {
		return "The include is there but does not take effect: " + why.Message + " " + why.Fix
	}
	if slices.ContainsFunc(others, func(p Problem) bool { return p.Severity == SeverityError }) {
		return "The include is there but does not take effect; fix the other problems listed for this record."
	}
	return "The include is there, but these addresses do not pass through it: a term before include:" + inc +
		" decides them first, or the include does not list them. Check the terms before it."
}

// breakingProblem returns the first of others that makes the whole record
// broken for receivers (a broken include, a limit reached, a term that
// does not parse), nil when there is none.
func breakingProblem(others []Problem) *Problem {
	for _, code := range []Code{CodeSPFIncludeBroken, CodeSPFTooManyLookups, CodeSPFTooManyVoidLookups, CodeSPFSyntax} {
		if i := slices.IndexFunc(others, func(p Problem) bool { return p.Code == code && p.Severity == SeverityError }); i >= 0 {
			return &others[i]
		}
	}
	return nil
}

// findInclude returns the node that include:domain (or a redirect to it)
// led to, anywhere in the tree; nil when there is none.
func findInclude(n *SPFNode, domain string) *SPFNode {
	if n == nil {
		return nil
	}
	if n.Via != "" && n.Domain == canonical(domain) {
		return n
	}
	for _, c := range n.Children {
		if f := findInclude(c, domain); f != nil {
			return f
		}
	}
	return nil
}

// the SPF tree.
func providerProblems(w SPFWalk, exp Expectation) []Problem {
	var missing []string
	for _, term := range exp.ProviderTerms {
		t, err := ParseSPFTerm(term)
		if err != nil {
			continue
		}
		switch t.Mechanism {
		case MechInclude:
			if !treeHasInclude(w.Root, t.Value) {
				missing = append(missing, term)
			}
		case MechIP4, MechIP6:
			if w.Root == nil || w.Root.Record == nil || !recordLists(w.Root.Record, t.Prefix) {
				missing = append(missing, term)
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return []Problem{{Code: CodeSPFProviderMissing, Severity: SeverityError,
		Message: fmt.Sprintf("The SPF record does not authorise your own mail provider (%s), so your organisation's ordinary mail may fail SPF.", exp.ProviderName),
		Fix:     "Add " + strings.Join(missing, " ") + " before the all term."}}
}

func treeHasInclude(n *SPFNode, domain string) bool {
	if n == nil || n.Record == nil {
		return false
	}
	if n.Record.HasInclude(domain) {
		return true
	}
	return slices.ContainsFunc(n.Children, func(c *SPFNode) bool { return treeHasInclude(c, domain) })
}

// networkKey is how an IPResult names network p: the address alone for
// a single address, else the prefix.
func networkKey(p netip.Prefix) string {
	if p.IsSingleIP() {
		return p.Addr().String()
	}
	return p.Masked().String()
}

// failingWords says which of the platform's addresses (ips, evaluated)
// do not pass, failing being their resultWords: by name when only some
// fail, and once for all when every one fails the same way ("none of
// Neoserra's 8 addresses pass"), rather than the same result after each.
func failingWords(ips []IPResult, failing []string, platform string) string {
	if len(ips) < 2 || len(failing) != len(ips) {
		return keptList(failing, maxListed)
	}
	networks := false
	for _, r := range ips {
		if r.Result != ips[0].Result || (r.IsNetwork() && len(r.Uncovered) > 0 && !(len(r.Uncovered) == 1 && r.Uncovered[0] == r.IP)) {
			return keptList(failing, maxListed)
		}
		networks = networks || r.IsNetwork()
	}
	what := "addresses"
	if networks {
		what = "addresses and networks"
	}
	s := fmt.Sprintf("none of %s's %d %s pass", platform, len(ips), what)
	if ips[0].Result != string(spf.Fail) {
		s += " (" + ResultWords(ips[0].Result) + ")"
	}
	return s
}

// resultWords says an address's or a network's verdict for a list:
// "192.0.2.1 (fail)", "107.20.160.0/24 (fail for 107.20.160.1/32,
// 107.20.160.2/31…)" when only part of a network does not pass.
func resultWords(r IPResult) string {
	if !r.IsNetwork() || len(r.Uncovered) == 0 || (len(r.Uncovered) == 1 && r.Uncovered[0] == r.IP) {
		return r.IP + " (" + ResultWords(r.Result) + ")"
	}
	return r.IP + " (" + ResultWords(r.Result) + " for " + keptList(r.Uncovered, 4) + ")"
}

// recordCovers reports whether the ip4/ip6 terms of rec that authorise
// cover every address of p between them.
func recordCovers(rec *SPFRecord, p netip.Prefix) bool {
	left := []netip.Prefix{p.Masked()}
	for _, t := range rec.Terms {
		if (t.Mechanism != MechIP4 && t.Mechanism != MechIP6) || t.Qualifier == '-' {
			continue
		}
		var rest []netip.Prefix
		for _, l := range left {
			_, outside := splitPrefix(l, t.Prefix)
			rest = append(rest, outside...)
		}
		left = rest
	}
	return len(left) == 0
}

// recordOverlaps reports whether rec has an ip4/ip6 term that authorises
// some address of p.
func recordOverlaps(rec *SPFRecord, p netip.Prefix) bool {
	for _, t := range rec.Terms {
		if (t.Mechanism == MechIP4 || t.Mechanism == MechIP6) && t.Qualifier != '-' && t.Prefix.Overlaps(p) {
			return true
		}
	}
	return false
}

// recordLists reports whether rec has an ip4/ip6 term covering p.
func recordLists(rec *SPFRecord, p netip.Prefix) bool {
	for _, t := range rec.Terms {
		if (t.Mechanism == MechIP4 || t.Mechanism == MechIP6) && t.Qualifier != '-' &&
			t.Prefix.Bits() <= p.Bits() && t.Prefix.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

// evaluateIPs returns the SPF verdicts concurrently for each of checkIPs,
// or when there are none, for each of the platform's networks: check_host
// for a single address, and for a wider network the verdict of every
// address of it, by prefix arithmetic over walk, the domain's walked tree
// (evaluateNetwork; nil when the domain has no usable record).
func evaluateIPs(ctx context.Context, q Querier, domain string, checkIPs []netip.Addr, networks []netip.Prefix, walk *SPFWalk) []IPResult {
	nets := networks
	if len(checkIPs) > 0 {
		nets = nil
		for _, ip := range checkIPs {
			nets = append(nets, netip.PrefixFrom(ip, ip.BitLen()))
		}
	}
	out := make([]IPResult, len(nets))
	var wg sync.WaitGroup
	for i, p := range nets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if p.IsSingleIP() {
				res, err := evaluateSPF(ctx, q, p.Addr(), domain)
				out[i] = IPResult{IP: p.Addr().String(), Result: string(res)}
				if res == spf.PermError {
					out[i].cause = err
				}
				return
			}
			out[i] = evaluateNetwork(ctx, q, domain, p, walk)
		}()
	}
	wg.Wait()
	return out
}

// EvaluateSPF returns the RFC 7208 check_host result for ip sending as
// postmaster@domain, asking DNS through q.
func EvaluateSPF(ctx context.Context, q Querier, ip netip.Addr, domain string) spf.Result {
	res, _ := evaluateSPF(ctx, q, ip, domain)
	return res
}

// evaluateSPF is EvaluateSPF with the evaluator's reason: for permerror,
// one of the sentinel errors of blitiri.com.ar/go/spf (lookup limit,
// void lookups, too many MX records, an include with no record…).
func evaluateSPF(ctx context.Context, q Querier, ip netip.Addr, domain string) (spf.Result, error) {
	d := trimDot(canonical(domain))
	return spf.CheckHostWithSender(net.IP(ip.AsSlice()), d, "postmaster@"+d,
		spf.WithResolver(spfResolver{q}), spf.WithContext(ctx))
}

// isNotFound reports whether err says that a name has no records (as
// spfResolver reports absence).
func isNotFound(err error) bool {
	var d *net.DNSError
	return errors.As(err, &d) && d.IsNotFound
}

// spfResolver adapts a Querier to the resolver interface of
// blitiri.com.ar/go/spf, which is modelled on *net.Resolver: absent records
// are *net.DNSError with IsNotFound, DNS trouble is a temporary
// *net.DNSError.
type spfResolver struct{ q Querier }

func (r spfResolver) err(resp Response) error {
	if resp.Status.Found() {
		return nil
	}
	return &net.DNSError{Err: resp.Status.String(), Name: resp.Name,
		IsNotFound: resp.Status.Absent(), IsTimeout: resp.Status == StatusTimeout,
		IsTemporary: resp.Status.Trouble()}
}

func (r spfResolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	resp := r.q.Query(ctx, name, dns.TypeTXT)
	return resp.TXT(), r.err(resp)
}

func (r spfResolver) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	resp := r.q.Query(ctx, name, dns.TypeMX)
	var out []*net.MX
	for _, rr := range resp.Records() {
		mx := rr.(*dns.MX)
		out = append(out, &net.MX{Host: mx.Mx, Pref: mx.Preference})
	}
	return out, r.err(resp)
}

func (r spfResolver) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	var out []net.IPAddr
	var firstErr error
	for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
		resp := r.q.Query(ctx, host, qt)
		for _, rr := range resp.Records() {
			switch v := rr.(type) {
			case *dns.A:
				out = append(out, net.IPAddr{IP: v.A})
			case *dns.AAAA:
				out = append(out, net.IPAddr{IP: v.AAAA})
			}
		}
		if err := r.err(resp); err != nil {
			if firstErr == nil || resp.Status.Trouble() {
				firstErr = err
			}
		}
	}
	if len(out) > 0 {
		return out, nil
	}
	return nil, firstErr
}

func (r spfResolver) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	name, err := dns.ReverseAddr(addr)
	if err != nil {
		return nil, fmt.Errorf("dnscheck: reverse name of %q: %w", addr, err)
	}
	resp := r.q.Query(ctx, name, dns.TypePTR)
	var out []string
	for _, rr := range resp.Records() {
		out = append(out, rr.(*dns.PTR).Ptr)
	}
	return out, r.err(resp)
}

// includeProblems reports, anywhere in the include tree, an include or
// redirect whose target does not exist, has no SPF record, has several, or
// publishes one that does not parse: a receiver that reaches it stops with
// permerror (RFC 7208 §5.2, §6.1), so the whole record is broken for every
// sender not matched before it (spf-include-broken). The platform's own
// include is the vendor's to fix.
func includeProblems(w SPFWalk, exp Expectation) []Problem {
	var out []Problem
	var visit func(n, top *SPFNode, path []string)
	visit = func(n, top *SPFNode, path []string) {
		if len(out) >= maxListed {
			return
		}
		if n.Broken() {
			out = append(out, brokenIncludeProblem(n, top, path, exp))
			return
		}
		for _, c := range n.Children {
			visit(c, top, append(path[:len(path):len(path)], clip(c.Via)))
		}
	}
	if w.Root != nil {
		for _, c := range w.Root.Children {
			visit(c, c, []string{clip(c.Via)})
		}
	}
	return out
}

// BrokenWords says what is wrong with a broken include or redirect target
// (SPFNode.Broken), after its term: "does not exist", "has no SPF record"…
func (n *SPFNode) BrokenWords() string {
	switch n.Cause {
	case SPFCauseNoDomain:
		return "does not exist"
	case SPFCauseNoSPF:
		return "has no SPF record"
	case SPFCauseMultiple:
		return "leads to a name with more than one SPF record"
	case SPFCauseSyntax:
		return "leads to an SPF record that does not parse (" + clip(n.Error) + ")"
	}
	return "cannot be followed (" + clip(n.Error) + ")"
}

// brokenIncludeProblem is spf-include-broken for n, reached from the
// domain's record through path (its terms), whose first step is top.
func brokenIncludeProblem(n, top *SPFNode, path []string, exp Expectation) Problem {
	term := path[len(path)-1]
	target := trimDot(n.Domain)
	msg := fmt.Sprintf("%s %s, so receivers treat the whole SPF record as broken.", term, n.BrokenWords())
	fix := fmt.Sprintf("Remove %s from the SPF record (the records the wizard proposes leave it out). If you still use the service it stood for, ask that service for its current SPF include.", term)
	if len(path) > 1 {
		msg = fmt.Sprintf("%s, which your record reaches through %s, %s, so receivers treat the whole SPF record as broken.", term, strings.Join(path[:len(path)-1], " → "), n.BrokenWords())
		fix = fmt.Sprintf("Ask whoever runs %s to fix or remove %s. Until then, only removing %s from your record makes it work.", trimDot(top.Domain), term, path[0])
	}
	if exp.SPFInclude != "" && canonical(exp.SPFInclude) == n.Domain {
		vendor := exp.Vendor
		if vendor == "" {
			vendor = exp.platform() + "'s vendor"
		}
		fix = fmt.Sprintf("Nothing on your side needs to change: contact %s and tell them that %s %s.", vendor, target, n.BrokenWords())
	}
	return Problem{Code: CodeSPFIncludeBroken, Severity: SeverityError, Message: msg, Fix: fix}
}

// evaluatorProblems states the cause of a permerror the evaluator gave
// some of the platform's addresses when no problem found so far states
// it (have): a limit reached only through names built from the sending
// address (macros), an include or redirect they build to a name without
// a record, and the like.
func evaluatorProblems(ips []IPResult, exp Expectation, have []Problem) []Problem {
	type cause struct {
		code     Code
		msg, fix string
	}
	known := func(err error) (cause, bool) {
		switch {
		case errors.Is(err, spf.ErrLookupLimitReached):
			return cause{CodeSPFTooManyLookups,
				"receivers run out of DNS lookups (more than 10) while following the SPF record for them, so they treat the whole record as broken",
				"Remove includes for services you no longer use, and terms that build names from the sender (macros, %{…})."}, true
		case errors.Is(err, spf.ErrVoidLookupLimitReached):
			return cause{CodeSPFTooManyVoidLookups,
				"more than 2 of the lookups the SPF record makes for them find nothing (names built from the sender by macros, %{…}, that do not exist), so receivers treat the whole record as broken",
				"Remove the terms whose names do not exist, or publish those names."}, true
		case errors.Is(err, spf.ErrTooManyMXRecords):
			return cause{CodeSPFTooManyLookups,
				"an mx term of the SPF record finds more than 10 mail servers, so receivers treat the whole record as broken",
				"Replace the mx term by the addresses of the servers that really send mail."}, true
		case errors.Is(err, spf.ErrNoResult), errors.Is(err, spf.ErrMultipleRecords):
			return cause{CodeSPFIncludeBroken,
				"an include or redirect of the SPF record leads to a name without exactly one SPF record, so receivers treat the whole record as broken",
				"Remove that include or redirect, or have its target publish one SPF record."}, true
		case err != nil:
			return cause{CodeSPFSyntax,
				"receivers stop on a term of the SPF record they cannot read (" + clip(err.Error()) + "), so they treat the whole record as broken",
				"Correct or remove that term."}, true
		}
		return cause{}, false
	}
	var order []Code
	byCode := map[Code]*cause{}
	affected := map[Code][]string{}
	for _, r := range ips {
		if r.Result != string(spf.PermError) {
			continue
		}
		c, ok := known(r.cause)
		if !ok || slices.ContainsFunc(have, func(p Problem) bool { return p.Code == c.code }) {
			continue
		}
		if byCode[c.code] == nil {
			byCode[c.code] = &c
			order = append(order, c.code)
		}
		affected[c.code] = append(affected[c.code], r.IP)
	}
	var out []Problem
	for _, code := range order {
		c := byCode[code]
		out = append(out, Problem{Code: code, Severity: SeverityError,
			Message: fmt.Sprintf("For %s's addresses %s, %s.", exp.platform(), keptList(affected[code], maxListed), c.msg),
			Fix:     c.fix})
	}
	return out
}

// unsettledProblems says, for each of the platform's networks whose
// verdict some term decides from the sending address itself (a macro,
// ptr), that the network cannot be settled without an address, and which
// addresses were evaluated instead.
func unsettledProblems(ips []IPResult, exp Expectation) []Problem {
	var out []Problem
	for _, r := range ips {
		if r.tooLarge {
			out = append(out, Problem{Code: CodeSPFRangeUnsettled, Severity: SeverityWarning,
				Message: fmt.Sprintf("The SPF record cuts %s's network %s into too many pieces to settle every address; the wizard evaluated sample addresses of what was left (%s overall).", exp.platform(), r.IP, ResultWords(r.Result)),
				Fix:     "Put include:" + exp.SPFInclude + " early in the record, and remove the many ip4: and ip6: terms that are no longer needed."})
		}
		if len(r.unsettled) == 0 {
			continue
		}
		out = append(out, Problem{Code: CodeSPFRangeUnsettled, Severity: SeverityWarning,
			Message: fmt.Sprintf("Whether every address of %s's network %s passes cannot be settled without the sending address: %s %s from the address itself. The wizard evaluated the first and last addresses of the parts it decides (%s overall).",
				exp.platform(), r.IP, keptList(r.unsettled, maxListed), decideWord(len(r.unsettled)), ResultWords(r.Result)),
			Fix: "Put include:" + exp.SPFInclude + " before " + r.unsettled[0] + ", so that the platform's addresses pass whatever it decides."})
	}
	return out
}

func decideWord(n int) string {
	if n == 1 {
		return "decides"
	}
	return "decide"
}

// ResultWords says an SPF or DKIM result (RFC 7208 §2.6, RFC 8601) in the
// words of a person who never read the RFC: permerror is "the record is
// broken", temperror "could not be read just now"; the other results
// (pass, fail, softfail, neutral, none) are plain words already. The
// JSON keeps the RFC's words; screens and text show these.
func ResultWords(result string) string {
	switch result {
	case string(spf.PermError):
		return "the record is broken"
	case string(spf.TempError):
		return "could not be read just now"
	}
	return result
}

// multipleSPFFix says which of a domain's SPF records (recs, as found) to
// keep and which to delete, by value: the one whose terms already hold
// every other's is kept as it is ("Keep "v=spf1 …" as it is and delete
// "v=spf1 …""); when none does, the first (or the one with the platform's
// include) is edited to hold the others' terms, and the others deleted.
func multipleSPFFix(recs []string, include string) string {
	terms := make([]map[string]bool, len(recs))
	for i, r := range recs {
		terms[i] = map[string]bool{}
		for _, t := range strings.Fields(strings.ToLower(r)) {
			if t != "v=spf1" && strings.TrimLeft(t, "+-~?") != "all" {
				terms[i][t] = true
			}
		}
	}
	covers := func(i int) bool {
		for j := range recs {
			for t := range terms[j] {
				if !terms[i][t] {
					return false
				}
			}
		}
		return true
	}
	keep, covering := -1, false
	for i := range recs {
		has := include != "" && terms[i]["include:"+strings.ToLower(trimDot(include))]
		switch {
		case covers(i) && (!covering || has):
			keep, covering = i, true
		case !covering && (keep < 0 || has && !terms[keep]["include:"+strings.ToLower(trimDot(include))]):
			keep = i
		}
	}
	var del []string
	for i, r := range recs {
		if i != keep {
			del = append(del, strconv.Quote(r))
		}
	}
	if covering {
		return "Keep " + strconv.Quote(recs[keep]) + " as it is and delete " + strings.Join(del, " and ") + ": the one kept already holds all they say."
	}
	return "Edit " + strconv.Quote(recs[keep]) + " so that it also holds what the others say, and delete " + strings.Join(del, " and ") + "; the records the wizard proposes include the merged one."
}
