package tui

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/core/domainname"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/statefile"
	"github.com/outreach-auth/wizard/steps/advice"
	"github.com/outreach-auth/wizard/steps/confirm"
	"github.com/outreach-auth/wizard/steps/discovery"
	"github.com/outreach-auth/wizard/steps/domains"
	"github.com/outreach-auth/wizard/steps/records"
	"github.com/outreach-auth/wizard/steps/verify"
	"github.com/outreach-auth/wizard/tui/common"
)

// ProgressVersion is the version of the Progress format written now.
const ProgressVersion = 1

// Progress is what the wizard saves as the person goes, so that quitting
// or a dropped SSH session loses nothing: the domains, the provider
// choice, the address for DMARC reports, the step reached and the last
// results. It holds no secrets: only domain names, what public DNS says
// about them, and the address the DMARC record publishes.
type Progress struct {
	Version  int      `json:"version"`
	Platform string   `json:"platform"`
	Domains  []string `json:"domains"` // ASCII names, the first domain first
	// Provider is the mail provider's catalog ID ("" when none was
	// chosen yet); ProviderTerms its SPF terms when it was typed in
	// (Other); ProviderDetected that it was the one MX pointed to.
	Provider         string `json:"provider,omitempty"`
	ProviderTerms    string `json:"provider_terms,omitempty"`
	ProviderDetected bool   `json:"provider_detected,omitempty"`
	// DMARCReports is where DMARC reports should go, as the person
	// gave it ("" when they gave none).
	DMARCReports string                  `json:"dmarc_reports,omitempty"`
	Step         string                  `json:"step"` // the title of the step reached
	Reports      []dnscheck.DomainReport `json:"reports,omitempty"`
	CheckedAt    time.Time               `json:"checked_at,omitzero"`
	SavedAt      time.Time               `json:"saved_at"`
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
// normaliser, a provider in the catalog). Saved progress that fails it is
// moved aside (statefile.LoadValid) rather than overwritten without a word
// at the next save. The reason is one phrase for a sentence, printable.
func (p *Progress) Check(platform *assets.Platform) error {
	if err := p.usable(platform); err != nil {
		return err
	}
	if _, err := restore(*p); err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "tui: "))
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
	case len(p.Domains) == 0:
		return errors.New("it names no domain")
	}
	return nil
}

// Summary says in a sentence what was being set up and how far it got.
// The file is untrusted: its text is made printable.
func (p *Progress) Summary() string {
	return fmt.Sprintf("Last time (%s) you were setting up %s, at the %s step.", ago(time.Since(p.SavedAt)),
		dnscheck.Printable(strings.Join(p.Domains, ", ")), dnscheck.Printable(p.Step))
}

// CheckLine is one domain's last result, for a person.
type CheckLine struct {
	Verdict dnscheck.Verdict // pass, fail or error (see checks.VerdictOf)
	Text    string           // "yourcenter.edu: SPF fail, DKIM missing", printable
}

// LastCheck describes the last results, a line a domain.
func (p *Progress) LastCheck() []CheckLine {
	var out []CheckLine
	for _, r := range p.Reports {
		out = append(out, CheckLine{Verdict: checks.VerdictOf(r),
			Text: dnscheck.Printable(fmt.Sprintf("%s: SPF %s, DKIM %s", r.Domain, r.SPF.Status, r.DKIM.Status))})
	}
	return out
}

// progressFrom describes the state as Progress, at the step named step;
// ok is false while there is nothing worth saving (no domain yet).
func progressFrom(p *assets.Platform, st *common.State, step common.StepName, now time.Time) (Progress, bool) {
	names := common.Names(st)
	if len(names) == 0 {
		return Progress{}, false
	}
	if step == confirm.Name {
		// The optional last step keeps nothing worth resuming: resume at
		// the advice, from which it is one key away.
		step = advice.Name
	}
	prog := Progress{Version: ProgressVersion, Platform: p.Name, Domains: names, Step: string(step), SavedAt: now.UTC()}
	if c, ok := common.Get[plan.ProviderChoice](st); ok && c.Provider.ID != "" {
		prog.Provider, prog.ProviderDetected = c.Provider.ID, c.Detected
		if c.Provider.Kind == assets.KindOther {
			prog.ProviderTerms = strings.Join(c.Provider.SPFTerms(), " ")
		}
	}
	if addr, ok := common.Get[plan.ReportAddress](st); ok {
		prog.DMARCReports = string(addr)
	}
	if reps, ok := common.Get[[]dnscheck.DomainReport](st); ok {
		prog.Reports = reps
		if at, ok := common.Get[verify.CheckedAt](st); ok {
			prog.CheckedAt = time.Time(at).UTC()
		}
	}
	return prog, true
}

// resumption is what saved progress gives back.
type resumption struct {
	// answers are what the person told the wizard (domainname.Input,
	// plan.ProviderChoice, common.Others). They go into the state as given
	// values, which going forward never drops: resuming at an early step
	// keeps the other domains and the provider for the steps after it.
	answers []any
	// reports are the last results (nil when there are none, or when the
	// file's are not results this wizard writes); checkedAt when.
	reports   []dnscheck.DomainReport
	checkedAt verify.CheckedAt
	// at is the step to start at; reportsOf the step the reports belong
	// to.
	at, reportsOf common.StepName
}

// restore turns saved progress back into the person's answers and the last
// results. The file is untrusted: a domain that does not pass the
// normaliser, or a provider no longer in the catalog, is an error (the
// caller starts fresh); a domain given twice counts once; results with
// verdicts this wizard never writes are dropped.
func restore(prog Progress) (resumption, error) {
	r := resumption{at: resumeAt(prog), reportsOf: verify.Name}
	var others common.Others
	seen := map[string]bool{}
	for i, d := range prog.Domains {
		in, err := domainname.Normalize(d)
		if err != nil {
			return r, fmt.Errorf("tui: the saved domain \"%s\" cannot be used (%s)", dnscheck.Printable(d), strings.TrimSuffix(dnscheck.Printable(err.Error()), "."))
		}
		if seen[in.Domain] {
			continue
		}
		seen[in.Domain] = true
		if i == 0 {
			r.answers = append(r.answers, in)
			continue
		}
		others = append(others, common.Extra{Input: in})
	}
	if prog.Provider != "" {
		var pr assets.Provider
		var err error
		if prog.ProviderTerms != "" {
			pr, err = assets.CustomProvider(prog.ProviderTerms)
		} else if p, ok := assets.ProviderByID(prog.Provider); ok {
			pr = p
		} else {
			err = fmt.Errorf("no provider \"%s\" in the catalog", dnscheck.Printable(prog.Provider))
		}
		if err != nil {
			return r, fmt.Errorf("tui: the saved mail provider cannot be used (%s)", strings.TrimSuffix(dnscheck.Printable(strings.TrimPrefix(err.Error(), "assets: ")), "."))
		}
		r.answers = append(r.answers, plan.ProviderChoice{Provider: pr, Detected: prog.ProviderDetected})
	}
	if len(others) > 0 || pastOthers(common.StepName(prog.Step)) {
		r.answers = append(r.answers, others)
	}
	if prog.DMARCReports != "" {
		addr, err := plan.ParseReportAddress(prog.DMARCReports)
		if err != nil {
			return r, fmt.Errorf("tui: the saved address for DMARC reports cannot be used (%s)", dnscheck.Printable(strings.TrimPrefix(err.Error(), plan.ErrReportAddress.Error()+": ")))
		}
		r.answers = append(r.answers, plan.ReportAddress(addr))
	}
	if validReports(prog.Reports, seen) {
		r.reports, r.checkedAt = prog.Reports, verify.CheckedAt(prog.CheckedAt)
	}
	return r, nil
}

// pastOthers reports whether the step named step comes after the
// question about other domains (so it was answered, maybe with none).
func pastOthers(step common.StepName) bool {
	switch step {
	case records.Name, verify.Name, advice.Name:
		return true
	}
	return false
}

// validReports reports whether saved results are ones this wizard writes:
// one per saved domain, with known verdicts.
func validReports(reps []dnscheck.DomainReport, domains map[string]bool) bool {
	if len(reps) == 0 || len(reps) != len(domains) {
		return false
	}
	known := func(v dnscheck.Verdict) bool {
		switch v {
		case dnscheck.VerdictPass, dnscheck.VerdictFail, dnscheck.VerdictMissing, dnscheck.VerdictError, dnscheck.VerdictInvalid:
			return true
		}
		return false
	}
	for _, r := range reps {
		if !domains[r.Domain] || !known(r.SPF.Status) || !known(r.DKIM.Status) || !known(r.DMARC.Status) {
			return false
		}
	}
	return true
}

// resumeAt is the step a resumed session starts at: the checks run again
// at once when the person had reached them; the records when they had;
// otherwise the discovery, which looks the first domain up again before
// the provider is confirmed.
func resumeAt(prog Progress) common.StepName {
	switch step := common.StepName(prog.Step); step {
	case verify.Name, advice.Name:
		return verify.Name
	case records.Name, domains.Name:
		return step
	}
	return discovery.Name
}

// progressSaver writes progress from commands, one at a time, dropping a
// save older than the last one written (commands may finish out of
// order).
type progressSaver struct {
	file *statefile.File // where, and the generation last read or written
	mu   sync.Mutex
	seq  uint64 // the last save asked for
	done uint64 // the last save written
}

// save writes prog if no newer save has been written.
func (s *progressSaver) save(seq uint64, prog Progress) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if seq <= s.done {
		return nil
	}
	s.done = seq
	// A file another wizard saved since is not overwritten: the save
	// fails with a *statefile.ConflictError, said in the status line.
	return s.file.Save(prog)
}

// ProgressSavedMsg reports a save of the progress; Err is set when it
// failed.
type ProgressSavedMsg struct{ Err error }
