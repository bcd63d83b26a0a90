package session

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/core/domainname"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
)

// ProgressVersion is the version of the Progress format written now.
// Version 1 (a flat list of domains, one provider, the reports of the last
// check and the step's title) is still read.
const ProgressVersion = 2

// Progress is what the wizard saves as the person goes, so that quitting
// or a dropped SSH session loses nothing: the session's facts worth
// keeping and the step reached, by its stable ID. It holds no secrets:
// only domain names, what public DNS said about them, the address the
// DMARC record publishes and the names of files written. What DNS said
// when the domains were discovered is not kept: a resumed session looks
// every domain up again.
type Progress struct {
	Version  int    `json:"version"`
	Platform string `json:"platform"`
	// Step is the step reached: its StepID (version 1: its title).
	Step    string    `json:"step"`
	SavedAt time.Time `json:"saved_at"`
	// Session is the session (version 2).
	Session *SavedSession `json:"session,omitempty"`

	// Version 1's fields, read only.
	Domains          []string                `json:"domains,omitempty"`
	Provider         string                  `json:"provider,omitempty"`
	ProviderTerms    string                  `json:"provider_terms,omitempty"`
	ProviderDetected bool                    `json:"provider_detected,omitempty"`
	DMARCReports     string                  `json:"dmarc_reports,omitempty"`
	Reports          []dnscheck.DomainReport `json:"reports,omitempty"`
	CheckedAt        time.Time               `json:"checked_at,omitzero"`
}

// SavedSession is a Session as saved.
type SavedSession struct {
	Domains        []SavedDomain `json:"domains"`
	OthersAnswered bool          `json:"others_answered,omitempty"`
	DMARCReports   string        `json:"dmarc_reports,omitempty"`
	UseIPs         bool          `json:"use_ips,omitempty"`
	Files          []SavedFile   `json:"files,omitempty"`
	Messages       []Message     `json:"messages,omitempty"`
	ChangedAt      time.Time     `json:"dns_changed_at,omitzero"`
}

// SavedDomain is a Domain as saved.
type SavedDomain struct {
	Name string `json:"name"` // ASCII
	// Provider is the provider's catalog ID ("" when none is set);
	// ProviderTerms its SPF terms when it was typed in (Other).
	Provider          string `json:"provider,omitempty"`
	ProviderTerms     string `json:"provider_terms,omitempty"`
	ProviderDetected  bool   `json:"provider_detected,omitempty"`
	ProviderConfirmed bool   `json:"provider_confirmed,omitempty"`
	// Check is the last check's report, finished at CheckedAt.
	Check     *dnscheck.DomainReport `json:"check,omitempty"`
	CheckedAt time.Time              `json:"checked_at,omitzero"`
}

// MaxSavedDomains bounds the domains a saved session may name.
const MaxSavedDomains = 100

// Progress describes s as saved progress for platform at the step
// reached; ok is false while there is nothing worth saving (no domain
// yet).
func (s *Session) Progress(platform string, reached StepID, now time.Time) (Progress, bool) {
	if s.First() == nil {
		return Progress{}, false
	}
	if reached == StepConfirm {
		// The optional last step keeps nothing worth resuming but the
		// messages, kept in the session: resume at the advice, from
		// which it is one key away.
		reached = StepAdvice
	}
	ss := &SavedSession{OthersAnswered: s.OthersAnswered, DMARCReports: string(s.ReportAddress), UseIPs: s.UseIPs,
		Files: s.Files, Messages: s.Messages, ChangedAt: s.ChangedAt.UTC()}
	for _, d := range s.Domains {
		sd := SavedDomain{Name: d.Input.Domain}
		if d.ProviderSet && d.Provider.Provider.ID != "" {
			sd.Provider, sd.ProviderDetected, sd.ProviderConfirmed = d.Provider.Provider.ID, d.Provider.Detected, d.ProviderConfirmed
			if d.Provider.Provider.Kind == assets.KindOther {
				sd.ProviderTerms = strings.Join(d.Provider.Provider.SPFTerms(), " ")
			}
		}
		if d.Check != nil {
			sd.Check, sd.CheckedAt = d.Check, d.CheckedAt.UTC()
		}
		ss.Domains = append(ss.Domains, sd)
	}
	return Progress{Version: ProgressVersion, Platform: platform, Step: string(reached), SavedAt: now.UTC(), Session: ss}, true
}

// Resumable reports whether p is worth offering to resume for platform:
// a version this wizard reads, the same platform, and a domain.
func (p *Progress) Resumable(platform *assets.Platform) bool {
	return p != nil && p.usable(platform) == nil
}

// Check says why p, as read from a file, is not progress this wizard can
// resume for platform, or nil when it is: it must be of a format this
// version reads (not a newer one's), for the same platform, name a
// domain, and hold answers that restore (domains that pass the
// normaliser, a provider in the catalog). The reason is one phrase for a
// sentence, printable.
func (p *Progress) Check(platform *assets.Platform) error {
	if err := p.usable(platform); err != nil {
		return err
	}
	if _, _, err := p.Restore(); err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "session: "))
	}
	return nil
}

// usable is Check without restoring the answers.
func (p *Progress) usable(platform *assets.Platform) error {
	switch {
	case p.Version > ProgressVersion:
		return fmt.Errorf("it was saved by a newer version of the wizard (format %d; this one reads up to %d)", p.Version, ProgressVersion)
	case p.Version < 1:
		return fmt.Errorf("it is not progress this wizard saves (format %d)", p.Version)
	case p.Platform != platform.Name:
		return fmt.Errorf("it is progress for another platform (\"%s\", not \"%s\")", dnscheck.Printable(p.Platform), dnscheck.Printable(platform.Name))
	case len(p.saved().Domains) == 0:
		return errors.New("it names no domain")
	case len(p.saved().Domains) > MaxSavedDomains:
		return fmt.Errorf("it names more than %d domains", MaxSavedDomains)
	}
	return nil
}

// saved returns the saved session: version 2's, or version 1's fields
// moved into one (its provider is the first domain's).
func (p *Progress) saved() SavedSession {
	if p.Version >= 2 {
		if p.Session == nil {
			return SavedSession{}
		}
		return *p.Session
	}
	ss := SavedSession{DMARCReports: p.DMARCReports}
	for i, d := range p.Domains {
		sd := SavedDomain{Name: d}
		if i == 0 && p.Provider != "" {
			sd.Provider, sd.ProviderTerms, sd.ProviderDetected, sd.ProviderConfirmed = p.Provider, p.ProviderTerms, p.ProviderDetected, true
		}
		for _, r := range p.Reports {
			if r.Domain == d {
				r := r
				sd.Check, sd.CheckedAt = &r, p.CheckedAt
			}
		}
		ss.Domains = append(ss.Domains, sd)
	}
	// Version 1 saved the other domains' answer by reaching a step past it.
	ss.OthersAnswered = len(p.Domains) > 1 || Past(p.reached(), StepDomains)
	return ss
}

// reached returns the step reached, by ID: version 1 named it by title.
func (p *Progress) reached() StepID {
	if p.Version >= 2 {
		if id, ok := renamedSteps[StepID(p.Step)]; ok {
			return id
		}
		return StepID(p.Step)
	}
	for id, title := range stepWords {
		if title == p.Step {
			return id
		}
	}
	for id, title := range oldTitles {
		if title == p.Step {
			return id
		}
	}
	return StepWelcome
}

// stepWords name the steps in a sentence ("at the Check step").
var stepWords = map[StepID]string{
	StepWelcome: "Welcome", StepDomain: "Domain", StepDiscovery: "Discovery", StepProvider: "Mail provider",
	StepDomains: "Other domains", StepProviders: "Other domains' mail providers", StepRecords: "Records",
	StepCheck: "Check", StepAdvice: "Advice", StepConfirm: "Confirm",
}

// oldTitles are titles that version 1 saved and that have changed since:
// the step that checks the records until they pass was called "Verify"
// (docs/session.md).
var oldTitles = map[StepID]string{StepCheck: "Verify"}

// renamedSteps are IDs that earlier builds of format 2 saved and that
// have changed since, with the ID each is now.
var renamedSteps = map[StepID]StepID{"verify": StepCheck}

// Summary says in a sentence what was being set up and how far it got.
// The file is untrusted: its text is made printable.
func (p *Progress) Summary() string {
	var names []string
	for _, d := range p.saved().Domains {
		names = append(names, d.Name)
	}
	at := stepWords[p.reached()]
	if at == "" {
		at = p.Step
	}
	return fmt.Sprintf("Last time (%s) you were setting up %s, at the %s step.", Ago(time.Since(p.SavedAt)),
		dnscheck.Printable(strings.Join(names, ", ")), dnscheck.Printable(at))
}

// Names returns the domains saved, the first domain first.
func (p *Progress) Names() []string {
	var out []string
	for _, d := range p.saved().Domains {
		out = append(out, d.Name)
	}
	return out
}

// Checks returns the last check's reports saved, in the domains' order
// (a domain never checked has none).
func (p *Progress) Checks() []dnscheck.DomainReport {
	var out []dnscheck.DomainReport
	for _, d := range p.saved().Domains {
		if d.Check != nil {
			out = append(out, *d.Check)
		}
	}
	return out
}

// LastCheckedAt returns when the last check saved finished (zero: none).
func (p *Progress) LastCheckedAt() time.Time {
	var at time.Time
	for _, d := range p.saved().Domains {
		if d.Check != nil && d.CheckedAt.After(at) {
			at = d.CheckedAt
		}
	}
	return at
}

// CheckLine is one domain's last result, for a person.
type CheckLine struct {
	Verdict dnscheck.Verdict // pass, fail or error (see checks.VerdictOf)
	Text    string           // "yourcenter.edu: SPF fail, DKIM missing", printable
}

// LastCheck describes the last results, a line a domain.
func (p *Progress) LastCheck() []CheckLine {
	var out []CheckLine
	for _, d := range p.saved().Domains {
		if r := d.Check; r != nil {
			out = append(out, CheckLine{Verdict: checks.VerdictOf(*r),
				Text: dnscheck.Printable(fmt.Sprintf("%s: SPF %s, DKIM %s", r.Domain, r.SPF.Status, r.DKIM.Status))})
		}
	}
	return out
}

// Restore turns saved progress back into a session (to be looked up
// again) and the step to resume at (ResumeAt). The file is untrusted: a
// domain that does not pass the normaliser, or a provider no longer in
// the catalog, is an error (the caller starts fresh); a domain given
// twice counts once; results with verdicts this wizard never writes are
// dropped, and so are results whose time is not kept.
func (p *Progress) Restore() (*Session, StepID, error) {
	ss := p.saved()
	s := &Session{OthersAnswered: ss.OthersAnswered, UseIPs: ss.UseIPs, ChangedAt: ss.ChangedAt, Resumed: true}
	var ins []domainname.Input
	seen := map[string]bool{}
	for _, sd := range ss.Domains {
		in, err := domainname.Normalize(sd.Name)
		if err != nil {
			return nil, "", fmt.Errorf("session: the saved domain \"%s\" cannot be used (%s)", dnscheck.Printable(sd.Name), strings.TrimSuffix(dnscheck.Printable(err.Error()), "."))
		}
		if seen[in.Domain] {
			continue
		}
		seen[in.Domain] = true
		if len(ins) == 0 {
			s.SetFirst(in)
		}
		ins = append(ins, in)
	}
	s.SetOthers(ins[1:])
	for _, sd := range ss.Domains {
		in, _ := domainname.Normalize(sd.Name)
		d := s.Domain(in.Domain)
		if sd.Provider != "" {
			pr, err := providerOf(sd.Provider, sd.ProviderTerms)
			if err != nil {
				return nil, "", err
			}
			d.Provider, d.ProviderSet, d.ProviderConfirmed = plan.ProviderChoice{Provider: pr, Detected: sd.ProviderDetected}, true, sd.ProviderConfirmed
		}
		if sd.Check != nil && validReport(*sd.Check, in.Domain) && !sd.CheckedAt.IsZero() {
			d.Check, d.CheckedAt = sd.Check, sd.CheckedAt
		}
	}
	if ss.DMARCReports != "" {
		addr, err := plan.ParseReportAddress(ss.DMARCReports)
		if err != nil {
			return nil, "", fmt.Errorf("session: the saved address for DMARC reports cannot be used (%s)", dnscheck.Printable(strings.TrimPrefix(err.Error(), plan.ErrReportAddress.Error()+": ")))
		}
		s.ReportAddress = plan.ReportAddress(addr)
	}
	for _, f := range ss.Files {
		s.AddFile(SavedFile{Path: dnscheck.Printable(f.Path), Holds: dnscheck.Printable(f.Holds)})
	}
	for _, m := range ss.Messages {
		m.Source, m.FromDomain, m.Line = dnscheck.Printable(m.Source), dnscheck.Printable(m.FromDomain), dnscheck.Printable(m.Line)
		if m.Reports || (m.Checkbox != "on" && m.Checkbox != "off") {
			m.Checkbox = ""
		}
		s.AddMessage(m)
	}
	return s, ResumeAt(p.reached()), nil
}

// providerOf returns the provider saved as id (with terms, for one typed
// in).
func providerOf(id, terms string) (assets.Provider, error) {
	var pr assets.Provider
	var err error
	if terms != "" {
		pr, err = assets.CustomProvider(terms)
	} else if p, ok := assets.ProviderByID(id); ok {
		pr = p
	} else {
		err = fmt.Errorf("no provider \"%s\" in the catalog", dnscheck.Printable(id))
	}
	if err != nil {
		return pr, fmt.Errorf("session: the saved mail provider cannot be used (%s)", strings.TrimSuffix(dnscheck.Printable(strings.TrimPrefix(err.Error(), "assets: ")), "."))
	}
	return pr, nil
}

// validReport reports whether a saved result is one this wizard writes:
// for its domain, with known verdicts.
func validReport(r dnscheck.DomainReport, domain string) bool {
	known := func(v dnscheck.Verdict) bool {
		switch v {
		case dnscheck.VerdictPass, dnscheck.VerdictFail, dnscheck.VerdictMissing, dnscheck.VerdictError, dnscheck.VerdictInvalid:
			return true
		}
		return false
	}
	return r.Domain == domain && known(r.SPF.Status) && known(r.DKIM.Status) && known(r.DMARC.Status)
}

// Ago says how long ago a duration was, roughly: "just now", "5 minutes
// ago", "3 hours ago", "2 days ago".
func Ago(d time.Duration) string {
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute") + " ago"
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour") + " ago"
	}
	return plural(int(d/(24*time.Hour)), "day") + " ago"
}
