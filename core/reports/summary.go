package reports

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/outreach-auth/wizard/dnscheck"
)

// Knowledge is what the summary needs to know besides the reports: the
// platform, its sending networks, and each domain's own mail provider.
// Learn reads it through DNS.
type Knowledge struct {
	PlatformName string // e.g. "Neoserra"
	Selector     string // the platform's DKIM selector, lower case
	DKIMTarget   string // where the platform's DKIM CNAME points
	SPFInclude   string // the platform's SPF include
	// PlatformNetworks is the platform's live SPF set (or the platform
	// file's, when it could not be read).
	PlatformNetworks []netip.Prefix
	// PlatformNote says, when not "", why the platform file's addresses
	// stood in for the live set.
	PlatformNote string
	// Providers is each domain's own mail provider, where known.
	Providers map[string]Sender
	// Now is what DNS says at this run about each domain's platform
	// records (one check of the domain); a domain missing from it was
	// not checked, and the next step then follows the reports alone.
	Now map[string]RecordsNow
}

// RecordsNow is a domain's platform records as DNS serves them now: each
// the check's verdict for it (dnscheck.VerdictPass when in place,
// dnscheck.VerdictError when DNS could not tell).
type RecordsNow struct {
	DKIM dnscheck.Verdict
	SPF  dnscheck.Verdict
}

// Sender is a known sender of a domain's mail: its name and networks.
type Sender struct {
	Name     string
	Networks []netip.Prefix
	// Note says, when not "", why its networks are not known.
	Note string
}

// Summary is the reading of a set of reports: the `wizard reports --json`
// document (docs/reports.md).
type Summary struct {
	Platform string          `json:"platform"`
	Reports  []ReportEntry   `json:"reports"`
	Domains  []DomainSummary `json:"domains"`
	// Notes are sentences about how the reports were read (the
	// platform's addresses from the platform file, a provider's unknown).
	Notes []string `json:"notes"`
}

// ReportEntry is one report read, or one input that could not be.
type ReportEntry struct {
	File     string `json:"file"`
	OrgName  string `json:"org_name"`
	ReportID string `json:"report_id"`
	Domain   string `json:"domain"`
	Begin    string `json:"begin"`
	End      string `json:"end"`
	Messages int64  `json:"messages"`
	Error    string `json:"error"`
}

// DomainSummary is what the reports say about one domain.
type DomainSummary struct {
	Domain    string         `json:"domain"`
	Policy    string         `json:"policy"`
	Messages  int64          `json:"messages"`
	Reporters []string       `json:"reporters"`
	Begin     string         `json:"begin"`
	End       string         `json:"end"`
	Platform  PlatformCounts `json:"platform"`
	Others    []OtherSource  `json:"others"`
	Verdict   string         `json:"verdict"`
	NextStep  string         `json:"next_step"`
	// Passes is true when the reports hold the platform's mail for the
	// domain and all of it passed DMARC.
	Passes bool `json:"platform_passes"`
}

// PlatformCounts counts the platform's messages for a domain.
type PlatformCounts struct {
	Messages        int64            `json:"messages"`
	DMARCPass       int64            `json:"dmarc_pass"`
	DKIMAlignedPass int64            `json:"dkim_aligned_pass"`
	SPFAlignedPass  int64            `json:"spf_aligned_pass"`
	Dispositions    map[string]int64 `json:"dispositions"`
}

// OtherSource is one other source address of a domain's mail.
type OtherSource struct {
	SourceIP  string `json:"source_ip"`
	Messages  int64  `json:"messages"`
	DMARCPass int64  `json:"dmarc_pass"`
	KnownAs   string `json:"known_as"`
}

// Failed reports whether some input could not be read.
func (s Summary) Failed() bool {
	for _, r := range s.Reports {
		if r.Error != "" {
			return true
		}
	}
	return false
}

// AllPass reports whether every domain's platform mail passed DMARC (and
// there was some for each, and at least one domain).
func (s Summary) AllPass() bool {
	if len(s.Domains) == 0 {
		return false
	}
	for _, d := range s.Domains {
		if !d.Passes {
			return false
		}
	}
	return true
}

// Domains returns the domains of the reports read, in order of first
// appearance.
func Domains(results []Result) []string {
	var out []string
	for _, r := range results {
		if r.Err == nil && !slices.Contains(out, r.Report.Domain) {
			out = append(out, r.Report.Domain)
		}
	}
	return out
}

// Summarise reads results with what k knows. Its text fields hold
// report text as written: pass them through dnscheck.Printable before a
// terminal sees them (WriteText does).
func Summarise(results []Result, k Knowledge) Summary {
	s := Summary{Platform: k.PlatformName, Reports: []ReportEntry{}, Domains: []DomainSummary{}, Notes: []string{}}
	if k.PlatformNote != "" {
		s.Notes = append(s.Notes, k.PlatformNote)
	}
	byDomain := map[string][]Report{}
	for _, r := range results {
		e := ReportEntry{File: r.File}
		if r.Err != nil {
			e.Error = r.Err.Error()
			s.Reports = append(s.Reports, e)
			continue
		}
		rep := r.Report
		e.OrgName, e.ReportID, e.Domain = rep.OrgName, rep.ReportID, rep.Domain
		e.Begin, e.End = stamp(rep.Begin), stamp(rep.End)
		e.Messages = rep.Messages()
		s.Reports = append(s.Reports, e)
		byDomain[rep.Domain] = append(byDomain[rep.Domain], rep)
	}
	for _, d := range Domains(results) {
		provider := k.Providers[d]
		if provider.Note != "" {
			s.Notes = append(s.Notes, provider.Note)
		}
		s.Domains = append(s.Domains, summariseDomain(d, byDomain[d], k, provider))
	}
	return s
}

func summariseDomain(domain string, reps []Report, k Knowledge, provider Sender) DomainSummary {
	ds := DomainSummary{Domain: domain, Reporters: []string{}, Others: []OtherSource{},
		Platform: PlatformCounts{Dispositions: map[string]int64{}}}
	others := map[string]*OtherSource{}
	var begin, end, latest time.Time
	for _, rep := range reps {
		if rep.OrgName != "" && !slices.Contains(ds.Reporters, rep.OrgName) {
			ds.Reporters = append(ds.Reporters, rep.OrgName)
		}
		if !rep.Begin.IsZero() && (begin.IsZero() || rep.Begin.Before(begin)) {
			begin = rep.Begin
		}
		if rep.End.After(end) {
			end = rep.End
		}
		if rep.Policy != "" && (ds.Policy == "" || !rep.End.Before(latest)) {
			ds.Policy, latest = rep.Policy, rep.End
		}
		for _, row := range rep.Rows {
			ds.Messages += row.Count
			if k.isPlatform(row, domain) {
				p := &ds.Platform
				p.Messages += row.Count
				if row.DMARCPass() {
					p.DMARCPass += row.Count
				}
				if row.DKIM == "pass" {
					p.DKIMAlignedPass += row.Count
				}
				if row.SPF == "pass" {
					p.SPFAlignedPass += row.Count
				}
				disp := row.Disposition
				if disp == "" {
					disp = "unknown"
				}
				p.Dispositions[disp] += row.Count
				continue
			}
			key := row.SourceIP
			if row.Addr.IsValid() {
				key = row.Addr.String()
			}
			o := others[key]
			if o == nil {
				o = &OtherSource{SourceIP: key}
				if row.Addr.IsValid() && inNetworks(row.Addr, provider.Networks) {
					o.KnownAs = provider.Name
				}
				others[key] = o
			}
			o.Messages += row.Count
			if row.DMARCPass() {
				o.DMARCPass += row.Count
			}
		}
	}
	for _, o := range others {
		ds.Others = append(ds.Others, *o)
	}
	slices.SortFunc(ds.Others, func(a, b OtherSource) int {
		if c := cmp.Compare(b.Messages, a.Messages); c != 0 {
			return c
		}
		return cmp.Compare(a.SourceIP, b.SourceIP)
	})
	ds.Begin, ds.End = stamp(begin), stamp(end)
	ds.Passes = ds.Platform.Messages > 0 && ds.Platform.DMARCPass == ds.Platform.Messages
	ds.Verdict, ds.NextStep = k.verdict(ds, begin, end)
	return ds
}

// isPlatform reports whether a row is the platform's mail: signed with
// the platform's selector for the domain (or the row's From domain), or
// sent from one of the platform's networks.
func (k Knowledge) isPlatform(row Row, domain string) bool {
	if k.Selector != "" {
		for _, sig := range row.Signatures {
			if sig.Selector == k.Selector && (sig.Domain == domain || (sig.Domain != "" && sig.Domain == row.HeaderFrom)) {
				return true
			}
		}
	}
	return row.Addr.IsValid() && inNetworks(row.Addr, k.PlatformNetworks)
}

func inNetworks(a netip.Addr, nets []netip.Prefix) bool {
	for _, n := range nets {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

// verdict words the domain's outcome and its next step.
func (k Knowledge) verdict(ds DomainSummary, begin, end time.Time) (verdict, next string) {
	name := k.PlatformName
	if name == "" {
		name = "the platform"
	}
	who := reportedBy(ds.Reporters, begin, end)
	p := ds.Platform
	if p.Messages == 0 {
		verdict = fmt.Sprintf("The reports hold none of %s's mail for %s: no message signed d=%s with selector %s, none from %s's addresses (%s).",
			name, ds.Domain, ds.Domain, k.Selector, name, who)
		next = fmt.Sprintf("Send a message from %s as someone at %s and read the next reports; 'wizard check %s' shows whether DKIM and SPF are in place meanwhile.", name, ds.Domain, ds.Domain)
		return verdict, next
	}
	verdict = fmt.Sprintf("%s's mail passed DMARC in %d of %s (%s).", name, p.DMARCPass, messages(p.Messages), who)
	var failed []string
	if n := p.Messages - p.DKIMAlignedPass; n > 0 {
		failed = append(failed, fmt.Sprintf("DKIM did not pass aligned in %s", messages(n)))
	}
	if n := p.Messages - p.SPFAlignedPass; n > 0 {
		failed = append(failed, fmt.Sprintf("SPF did not pass aligned in %s", messages(n)))
	}
	if p.DMARCPass < p.Messages {
		verdict += " " + upperFirst(strings.Join(failed, "; ")) + "."
		next = k.fixForFailing(ds, name)
		return verdict, next
	}
	var failing, failingMsgs, providerFail int64
	for _, o := range ds.Others {
		if o.DMARCPass < o.Messages {
			failing++
			failingMsgs += o.Messages - o.DMARCPass
			if o.KnownAs != "" {
				providerFail += o.Messages - o.DMARCPass
			}
		}
	}
	if failing > 0 {
		verdict += fmt.Sprintf(" Other sources failed DMARC in %s from %d %s.", messages(failingMsgs), failing, plural(failing, "address", "addresses"))
		if providerFail > 0 {
			next = fmt.Sprintf("%s's mail passes. Before a stricter policy, fix your own mail provider (%s failed DMARC in %s): set up its DKIM signing for %s. ",
				name, k.Providers[ds.Domain].Name, messages(providerFail), ds.Domain)
		} else {
			next = fmt.Sprintf("%s's mail passes. ", name)
		}
		next += "Make sure none of the other failing sources are yours (a mailing service, a web form, a printer); what is not yours is what a stricter policy stops."
		return verdict, next
	}
	switch ds.Policy {
	case "quarantine":
		next = "every sender passes: you can move to p=reject"
	case "reject":
		next = "every sender passes, and p=reject already applies"
	default:
		next = "every sender passes: you can move to p=quarantine"
	}
	return verdict, next
}

// fixForFailing words the next step when some of the platform's mail
// failed DMARC: it follows what the reports show and, when the domain
// was checked at this run (k.Now), what DNS says now. Records already in
// place are not asked for again: the failing mail was then probably
// sent before they were published, or without the platform's signature.
func (k Knowledge) fixForFailing(ds DomainSummary, name string) string {
	p := ds.Platform
	now, checked := k.Now[ds.Domain]
	// A record is asked for when DNS says now it is not in place, or,
	// when DNS could not tell, when the reports show it failing.
	needDKIM := p.DKIMAlignedPass < p.Messages
	needSPF := p.SPFAlignedPass < p.Messages && k.SPFInclude != ""
	if checked {
		if now.DKIM != dnscheck.VerdictError {
			needDKIM = now.DKIM != dnscheck.VerdictPass
		}
		if now.SPF != dnscheck.VerdictError && k.SPFInclude != "" {
			needSPF = now.SPF != dnscheck.VerdictPass
		}
	}
	check := fmt.Sprintf("'wizard check %s'", ds.Domain)
	if checked && !needDKIM && !needSPF && now.DKIM == dnscheck.VerdictPass {
		return fmt.Sprintf("%s's DKIM and SPF records for %s are in place now (checked at this run), so the failing mail was probably sent before they were published, or without %s's DKIM signature. "+
			"Look at reports dated after the change; %s shows the records.", name, ds.Domain, name, check)
	}
	var fixes []string
	if needDKIM {
		fixes = append(fixes, fmt.Sprintf("publish the DKIM record (CNAME %s._domainkey.%s pointing to %s); without it %s does not sign as %s", k.Selector, ds.Domain, k.DKIMTarget, name, ds.Domain))
	}
	if needSPF {
		fixes = append(fixes, fmt.Sprintf("authorise %s in %s's SPF record (include:%s; 'wizard records %s' prints the record)", name, ds.Domain, k.SPFInclude, ds.Domain))
	}
	if len(fixes) == 0 {
		// DNS could not tell, and the reports show no record failing.
		return fmt.Sprintf("Run %s to see which record is missing, and read the next reports.", check)
	}
	next := "Fix: " + strings.Join(fixes, ", and ") + fmt.Sprintf(". Then run %s until it passes, and read the next reports.", check)
	switch {
	case checked && needDKIM && !needSPF && now.SPF == dnscheck.VerdictPass:
		next = fmt.Sprintf("The SPF record is in place now (checked at this run); the DKIM record is not. %s", next)
	case checked && needSPF && !needDKIM && now.DKIM == dnscheck.VerdictPass && now.SPF == dnscheck.VerdictError:
		next = fmt.Sprintf("The DKIM record is in place now (checked at this run); the SPF record could not be read now. %s", next)
	case checked && needSPF && !needDKIM && now.DKIM == dnscheck.VerdictPass:
		next = fmt.Sprintf("The DKIM record is in place now (checked at this run); the SPF record does not authorise %s yet. %s", name, next)
	}
	return next
}

// reportedBy words who reported and when: "reported by google.com and
// Microsoft, 1–7 Dec".
func reportedBy(reporters []string, begin, end time.Time) string {
	who := "reported by " + andList(reporters, "an unnamed reporter")
	if r := dateRange(begin, end); r != "" {
		who += ", " + r
	}
	return who
}

// dateRange words a period: "6 Dec", "1–7 Dec", "30 Nov–6 Dec",
// "30 Dec 2026–2 Jan 2027". A period ending at midnight ends the day
// before.
func dateRange(begin, end time.Time) string {
	if begin.IsZero() || end.IsZero() {
		return ""
	}
	if end.After(begin) && end.Hour() == 0 && end.Minute() == 0 && end.Second() == 0 {
		end = end.Add(-time.Second)
	}
	switch {
	case begin.Year() != end.Year():
		return begin.Format("2 Jan 2006") + "–" + end.Format("2 Jan 2006")
	case begin.Month() != end.Month():
		return begin.Format("2 Jan") + "–" + end.Format("2 Jan")
	case begin.Day() != end.Day():
		return fmt.Sprintf("%d–%s", begin.Day(), end.Format("2 Jan"))
	}
	return begin.Format("2 Jan")
}

// andList joins names as a sentence does: "a", "a and b", "a, b and c";
// more than four: "a, b, c and 5 others".
func andList(names []string, none string) string {
	switch len(names) {
	case 0:
		return none
	case 1:
		return names[0]
	}
	if len(names) > 4 {
		return strings.Join(names[:3], ", ") + fmt.Sprintf(" and %d others", len(names)-3)
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func messages(n int64) string { return fmt.Sprintf("%d %s", n, plural(n, "message", "messages")) }

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// stamp is a time for JSON ("" when unknown).
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
