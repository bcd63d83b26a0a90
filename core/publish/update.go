package publish

import (
	"context"
	"fmt"
	"net"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
)

// DefaultTimeout bounds one question to the primary and the update.
const DefaultTimeout = 10 * time.Second

// Options say where updates go.
type Options struct {
	// Server is the primary, HOST:PORT, for every zone; "" means each
	// zone's SOA MNAME on port 53, as nsupdate finds it.
	Server string
	// Resolver finds the SOA MNAME, its address, and the zone of a name
	// that is not under its plan's zone.
	Resolver dnscheck.Querier
	// Timeout bounds one exchange; zero means DefaultTimeout.
	Timeout time.Duration
}

func (o Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return DefaultTimeout
}

// Update is the one RFC 2136 UPDATE for one zone: its prerequisites (what
// was read, exactly) and its changes, not yet signed.
type Update struct {
	Zone    string   // fully qualified, lower case
	Server  string   // the primary, HOST:PORT
	Domains []string // the plans' domains it serves
	Msg     *dns.Msg
}

// Empty reports an update with no change in it.
func (u Update) Empty() bool { return u.Msg == nil || len(u.Msg.Ns) == 0 }

// Prepare reads, from each zone's primary, what is published today at
// every name the plans change, checks it is what the plans were made
// from, and returns one update per zone with a change in it (none when
// everything is already published). When the primary holds something
// else than the plan was made from, it returns an *Error of
// KindChanged; when it cannot be asked, KindTrouble.
func Prepare(ctx context.Context, plans []plan.Plan, opt Options) ([]Update, error) {
	type work struct {
		zone    string
		records []plan.Record
		domains []string
	}
	var zones []*work
	byZone := map[string]*work{}
	for _, p := range plans {
		for _, r := range p.Records {
			if !r.Changes() {
				continue
			}
			name := dns.CanonicalName(r.Name)
			zone := dns.CanonicalName(p.Zone)
			if !dns.IsSubDomain(zone, name) {
				if opt.Resolver == nil {
					return nil, &Error{Kind: KindTrouble, Detail: "cannot tell which zone holds " + dnscheck.Printable(name)}
				}
				zone = dns.CanonicalName(dnscheck.FindZone(ctx, opt.Resolver, name))
			}
			w := byZone[zone]
			if w == nil {
				w = &work{zone: zone}
				byZone[zone] = w
				zones = append(zones, w)
			}
			w.records = append(w.records, r)
			if !slices.Contains(w.domains, p.Domain) {
				w.domains = append(w.domains, p.Domain)
			}
		}
	}
	var out []Update
	for _, w := range zones {
		server := opt.Server
		if server == "" {
			var err error
			if server, err = Primary(ctx, opt.Resolver, w.zone); err != nil {
				return nil, err
			}
		}
		rd := &reader{client: dnscheck.NewClient(dnscheck.WithRecursion(false), dnscheck.WithTimeout(opt.timeout())), server: server, zone: w.zone}
		m := new(dns.Msg)
		m.SetUpdate(w.zone)
		for _, r := range w.records {
			if err := rd.add(ctx, m, r); err != nil {
				return nil, err
			}
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		u := Update{Zone: w.zone, Server: server, Domains: w.domains, Msg: m}
		if !u.Empty() {
			out = append(out, u)
		}
	}
	return out, nil
}

// Primary returns the zone's primary server as nsupdate finds it: the
// MNAME of its SOA record, at port 53.
func Primary(ctx context.Context, resolver dnscheck.Querier, zone string) (string, error) {
	if resolver == nil {
		return "", &Error{Kind: KindTrouble, Zone: zone, Detail: "no resolver to find the zone's primary; give --server"}
	}
	soa := resolver.Query(ctx, zone, dns.TypeSOA)
	if soa.Status.Trouble() {
		return "", &Error{Kind: KindTrouble, Zone: zone, Detail: "the zone's SOA record could not be read (" + soa.Reason() + "), so its primary is unknown; give it with --server"}
	}
	var mname string
	for _, rr := range soa.Records() {
		mname = rr.(*dns.SOA).Ns
	}
	if mname == "" || mname == "." {
		return "", &Error{Kind: KindTrouble, Zone: zone, Detail: "the zone's SOA record names no primary server; give it with --server"}
	}
	for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
		for _, rr := range resolver.Query(ctx, mname, qt).Records() {
			switch a := rr.(type) {
			case *dns.A:
				return net.JoinHostPort(a.A.String(), "53"), nil
			case *dns.AAAA:
				return net.JoinHostPort(a.AAAA.String(), "53"), nil
			}
		}
	}
	return "", &Error{Kind: KindTrouble, Zone: zone, Detail: fmt.Sprintf("the zone's SOA record names %s as its primary, but its address could not be found; give it with --server", dnscheck.Printable(strings.TrimSuffix(mname, ".")))}
}

// reader reads RRsets from the primary.
type reader struct {
	client *dnscheck.Client
	server string
	zone   string
}

// rrset returns the records of exactly name and qtype at the primary
// (none when absent).
func (rd *reader) rrset(ctx context.Context, name string, qtype uint16) ([]dns.RR, error) {
	resp := rd.client.QueryServer(ctx, rd.server, name, qtype)
	if resp.Status.Trouble() {
		return nil, &Error{Kind: KindTrouble, Zone: rd.zone, Server: rd.server,
			Detail: fmt.Sprintf("reading %s %s from the primary: %s", dns.TypeToString[qtype], dnscheck.Printable(strings.TrimSuffix(name, ".")), resp.Reason())}
	}
	var out []dns.RR
	for _, rr := range resp.Answer {
		if rr.Header().Rrtype == qtype && dns.CanonicalName(rr.Header().Name) == dns.CanonicalName(name) {
			c := dns.Copy(rr)
			c.Header().Name = dns.CanonicalName(name)
			out = append(out, c)
		}
	}
	return out, nil
}

// txtValue is a TXT record's character-strings joined, as the checks
// read it.
func txtValue(rr dns.RR) string {
	v := dnscheck.Response{Type: dns.TypeTXT, Answer: []dns.RR{rr}}.TXT()
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// dkimTypes are the types read at a DKIM name before a CNAME replaces
// what is there: those the plan shows and replaces.
var dkimTypes = []uint16{dns.TypeCNAME, dns.TypeTXT, dns.TypeA, dns.TypeAAAA}

// otherTypes are read at a DKIM name too: records of these types are not
// the plan's to delete, and a CNAME cannot sit beside them (the server
// would accept the update and ignore the CNAME), so the update is not
// sent. ANY cannot stand in for them: Knot answers ANY with one RRset
// (RFC 8482).
var otherTypes = []uint16{dns.TypeMX, dns.TypeNS, dns.TypeSRV, dns.TypeCAA, dns.TypeHTTPS, dns.TypeSVCB, dns.TypePTR, dns.TypeSPF, dns.TypeDS, dns.TypeNAPTR}

// add adds to m the prerequisites and changes for record r.
func (rd *reader) add(ctx context.Context, m *dns.Msg, r plan.Record) error {
	name := dns.CanonicalName(r.Name)
	switch {
	case r.Type == "CNAME" && r.Action == plan.ActionDelete:
		return rd.deleteCNAME(ctx, m, name)
	case r.Type == "CNAME":
		return rd.setCNAME(ctx, m, name, r)
	case r.Type == "TXT":
		return rd.setTXT(ctx, m, name, r)
	}
	return &Error{Kind: KindTrouble, Zone: rd.zone, Detail: "cannot publish a " + dnscheck.Printable(r.Type) + " record"}
}

// deleteCNAME deletes the CNAME at name (a doubled DKIM name), if it is
// still as read.
func (rd *reader) deleteCNAME(ctx context.Context, m *dns.Msg, name string) error {
	set, err := rd.rrset(ctx, name, dns.TypeCNAME)
	if err != nil || len(set) == 0 {
		return err // already gone: nothing to do
	}
	m.Used(copies(set))
	m.RemoveRRset([]dns.RR{set[0]})
	return nil
}

// setCNAME makes the CNAME at name r.Value: where nothing is at the name,
// on condition that nothing is (a CNAME already right needs nothing);
// where something is, on condition that it is still exactly as read, by
// deleting it and adding the CNAME.
func (rd *reader) setCNAME(ctx context.Context, m *dns.Msg, name string, r plan.Record) error {
	target := dns.CanonicalName(r.Value)
	var sets [][]dns.RR
	for _, qt := range dkimTypes {
		set, err := rd.rrset(ctx, name, qt)
		if err != nil {
			return err
		}
		if len(set) > 0 {
			sets = append(sets, set)
		}
	}
	var others [][]dns.RR
	for _, qt := range otherTypes {
		set, err := rd.rrset(ctx, name, qt)
		if err != nil {
			return err
		}
		if len(set) > 0 {
			others = append(others, set)
		}
	}
	if len(others) > 0 {
		return &Error{Kind: KindConflict, Zone: rd.zone, Name: name,
			Detail: "it also holds " + describe(others) + ", which the plan does not show; a CNAME cannot sit beside other records, so nothing was sent. Remove those records on the server (or ask whoever runs it), then run again"}
	}
	if len(sets) == 1 && len(sets[0]) == 1 {
		if c, ok := sets[0][0].(*dns.CNAME); ok && dns.CanonicalName(c.Target) == target {
			return nil // already published
		}
	}
	switch {
	case len(sets) > 0 && r.Action == plan.ActionAdd:
		return changed(rd.zone, name, "the plan adds a CNAME where nothing was, but the primary now holds "+describe(sets))
	case len(sets) == 0 && r.Action == plan.ActionReplace:
		return changed(rd.zone, name, "the plan replaces "+dnscheck.Printable(strings.Join(r.Replaces, ", "))+", but the primary holds nothing there now")
	}
	if len(sets) == 0 {
		m.NameNotUsed([]dns.RR{&dns.ANY{Hdr: dns.RR_Header{Name: name}}})
	}
	for _, set := range sets {
		m.Used(copies(set))
	}
	for _, set := range sets {
		m.RemoveRRset([]dns.RR{set[0]})
	}
	m.Insert([]dns.RR{&dns.CNAME{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeCNAME, Class: dns.ClassINET, Ttl: plan.DefaultTTL}, Target: target}})
	return nil
}

// setTXT makes the TXT records that r replaces (its old SPF or DMARC
// record, a second one, a broken SPF-like one) r.Value, on condition that
// the TXT RRset at the name is exactly as read; the other TXT records
// there stay.
func (rd *reader) setTXT(ctx context.Context, m *dns.Msg, name string, r plan.Record) error {
	if cn, err := rd.rrset(ctx, name, dns.TypeCNAME); err != nil {
		return err
	} else if len(cn) > 0 {
		return changed(rd.zone, name, "the name is now an alias (CNAME), which no TXT record can sit beside")
	}
	set, err := rd.rrset(ctx, name, dns.TypeTXT)
	if err != nil {
		return err
	}
	before := map[string]bool{}
	for _, v := range r.Replaces {
		before[v] = true
	}
	// What the plan was made from: the records of its kind at the name
	// and those it replaces.
	var held []string
	have := false
	for _, rr := range set {
		v := txtValue(rr)
		if before[v] || sameKind(r.Purpose, v) {
			held = append(held, v)
		}
		have = have || v == r.Value
	}
	if !sameSet(held, r.Replaces) {
		if have && len(held) == 1 {
			return nil // already published
		}
		was := "nothing"
		if len(r.Replaces) > 0 {
			was = quoteAll(r.Replaces)
		}
		now := "nothing"
		if len(held) > 0 {
			now = quoteAll(held)
		}
		return changed(rd.zone, name, fmt.Sprintf("the plan was made from %s, but the primary now holds %s", was, now))
	}
	if len(set) == 0 {
		m.RRsetNotUsed([]dns.RR{&dns.TXT{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeTXT}}})
	} else {
		m.Used(copies(set))
	}
	for _, rr := range set {
		if v := txtValue(rr); before[v] && v != r.Value {
			m.Remove([]dns.RR{dns.Copy(rr)})
		}
	}
	if !have && r.Action != plan.ActionDelete {
		strs := r.Strings
		if len(strs) == 0 {
			strs = assets.SplitTXT(r.Value)
		}
		esc := make([]string, len(strs))
		for i, s := range strs {
			esc[i] = escapeTXT(s)
		}
		m.Insert([]dns.RR{&dns.TXT{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: plan.DefaultTTL}, Txt: esc}})
	}
	return nil
}

// sameKind reports a TXT value of the kind the record is: an SPF record
// (RFC 7208 §4.5: "v=spf1" then a space or the end) or a DMARC record.
func sameKind(purpose, v string) bool {
	l := strings.ToLower(v)
	switch purpose {
	case plan.PurposeSPF:
		return l == "v=spf1" || strings.HasPrefix(l, "v=spf1 ")
	case plan.PurposeDMARC:
		return strings.HasPrefix(strings.TrimLeft(l, " "), "v=dmarc1")
	}
	return false
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	sort.Strings(x)
	sort.Strings(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}

// escapeTXT writes a character-string the way miekg/dns holds it:
// backslash and quote escaped, bytes outside printable ASCII as \DDD.
func escapeTXT(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' || c == '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < ' ' || c > '~':
			fmt.Fprintf(&b, "\\%03d", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func copies(rrs []dns.RR) []dns.RR {
	out := make([]dns.RR, len(rrs))
	for i, rr := range rrs {
		out[i] = dns.Copy(rr)
	}
	return out
}

func describe(sets [][]dns.RR) string {
	var parts []string
	for _, set := range sets {
		for _, rr := range set {
			parts = append(parts, rdataText(rr))
		}
	}
	return dnscheck.Printable(strings.Join(parts, ", "))
}

// rdataText is "TYPE rdata" of rr.
func rdataText(rr dns.RR) string {
	return dns.TypeToString[rr.Header().Rrtype] + " " + strings.TrimPrefix(rr.String(), rr.Header().String())
}

func quoteAll(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = fmt.Sprintf("%q", dnscheck.Printable(v))
	}
	return strings.Join(q, ", ")
}

func changed(zone, name, detail string) error {
	return &Error{Kind: KindChanged, Zone: zone, Name: name, Detail: detail}
}

// Script writes u as an nsupdate script: what would be sent, for a person
// to read (or to run with nsupdate -k KEYFILE). Names and values from DNS
// are made printable.
func (u Update) Script() string {
	var b strings.Builder
	host, port, err := net.SplitHostPort(u.Server)
	if err != nil {
		host, port = u.Server, "53"
	}
	fmt.Fprintf(&b, "server %s %s\n", dnscheck.Printable(host), dnscheck.Printable(port))
	fmt.Fprintf(&b, "zone %s\n", dnscheck.Printable(u.Zone))
	for _, rr := range u.Msg.Answer {
		b.WriteString(dnscheck.Printable(prereqLine(rr)) + "\n")
	}
	for _, rr := range u.Msg.Ns {
		b.WriteString(dnscheck.Printable(updateLine(rr)) + "\n")
	}
	b.WriteString("send\n")
	return b.String()
}

func prereqLine(rr dns.RR) string {
	h := rr.Header()
	typ := dns.TypeToString[h.Rrtype]
	if _, isAny := rr.(*dns.ANY); isAny {
		switch {
		case h.Rrtype == dns.TypeANY && h.Class == dns.ClassNONE:
			return "prereq nxdomain " + h.Name
		case h.Rrtype == dns.TypeANY:
			return "prereq yxdomain " + h.Name
		case h.Class == dns.ClassNONE:
			return "prereq nxrrset " + h.Name + " " + typ
		}
		return "prereq yxrrset " + h.Name + " " + typ
	}
	return "prereq yxrrset " + h.Name + " " + rdataText(rr)
}

func updateLine(rr dns.RR) string {
	h := rr.Header()
	if _, isAny := rr.(*dns.ANY); isAny {
		if h.Rrtype == dns.TypeANY {
			return "update delete " + h.Name
		}
		return "update delete " + h.Name + " " + dns.TypeToString[h.Rrtype]
	}
	if h.Class == dns.ClassNONE {
		return "update delete " + h.Name + " " + rdataText(rr)
	}
	return fmt.Sprintf("update add %s %d %s", h.Name, h.Ttl, rdataText(rr))
}

// Says lists the update's changes in words, one line each: "add TXT
// yourcenter.edu. \"v=spf1 …\"", "delete CNAME …".
func (u Update) Says() []string {
	var out []string
	for _, rr := range u.Msg.Ns {
		out = append(out, dnscheck.Printable(strings.TrimPrefix(updateLine(rr), "update ")))
	}
	return out
}

// Missing reads back, from the primary, each record u adds and returns
// those it does not hold (as "TYPE name rdata" words): a server may accept
// an update and still leave a record out, as RFC 2136 §3.4.2.2 has it
// ignore a CNAME added beside other records. Nil when all are there.
func (u Update) Missing(ctx context.Context, timeout time.Duration) ([]string, error) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	rd := &reader{client: dnscheck.NewClient(dnscheck.WithRecursion(false), dnscheck.WithTimeout(timeout)), server: u.Server, zone: u.Zone}
	var missing []string
	for _, rr := range u.Msg.Ns {
		h := rr.Header()
		if _, isAny := rr.(*dns.ANY); isAny || h.Class != dns.ClassINET {
			continue
		}
		set, err := rd.rrset(ctx, h.Name, h.Rrtype)
		if err != nil {
			return nil, err
		}
		want := strings.TrimPrefix(rr.String(), h.String())
		found := false
		for _, have := range set {
			if strings.EqualFold(strings.TrimPrefix(have.String(), have.Header().String()), want) {
				found = true
			}
		}
		if !found {
			missing = append(missing, dnscheck.Printable(dns.TypeToString[h.Rrtype]+" "+strings.TrimSuffix(h.Name, ".")+" "+want))
		}
	}
	return missing, nil
}
