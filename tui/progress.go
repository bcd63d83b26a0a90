package tui

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/statefile"
	"github.com/outreach-auth/wizard/steps/domain"
	"github.com/outreach-auth/wizard/steps/domains"
	"github.com/outreach-auth/wizard/steps/provider"
	"github.com/outreach-auth/wizard/steps/verify"
	"github.com/outreach-auth/wizard/tui/common"
)

// ProgressVersion is the version of the Progress format written now.
const ProgressVersion = 1

// Progress is what the wizard saves as the person goes, so that quitting
// or a dropped SSH session loses nothing: the domains, the provider
// choice, the step reached and the last results. It holds no secrets:
// only domain names and what public DNS says about them.
type Progress struct {
	Version  int      `json:"version"`
	Platform string   `json:"platform"`
	Domains  []string `json:"domains"` // ASCII names, the first domain first
	// Provider is the mail provider's catalog ID ("" when none was
	// chosen yet); ProviderTerms its SPF terms when it was typed in
	// (Other); ProviderDetected that it was the one MX pointed to.
	Provider         string                  `json:"provider,omitempty"`
	ProviderTerms    string                  `json:"provider_terms,omitempty"`
	ProviderDetected bool                    `json:"provider_detected,omitempty"`
	Step             string                  `json:"step"` // the title of the step reached
	Reports          []dnscheck.DomainReport `json:"reports,omitempty"`
	CheckedAt        time.Time               `json:"checked_at,omitzero"`
	SavedAt          time.Time               `json:"saved_at"`
}

// Resumable reports whether p is worth offering to resume for platform:
// it is for the same platform and names a domain.
func (p *Progress) Resumable(platform *assets.Platform) bool {
	return p != nil && p.Platform == platform.Name && len(p.Domains) > 0
}

// progressFrom describes the state as Progress, at the step titled step;
// ok is false while there is nothing worth saving (no domain yet).
func progressFrom(p *assets.Platform, st *common.State, step string, now time.Time) (Progress, bool) {
	names := domains.Names(st)
	if len(names) == 0 {
		return Progress{}, false
	}
	prog := Progress{Version: ProgressVersion, Platform: p.Name, Domains: names, Step: step, SavedAt: now.UTC()}
	if c, ok := common.Get[provider.Choice](st); ok && c.Provider.ID != "" {
		prog.Provider, prog.ProviderDetected = c.Provider.ID, c.Detected
		if c.Provider.Kind == assets.KindOther {
			prog.ProviderTerms = strings.Join(c.Provider.SPFTerms(), " ")
		}
	}
	if reps, ok := common.Get[[]dnscheck.DomainReport](st); ok {
		prog.Reports = reps
		if at, ok := common.Get[verify.CheckedAt](st); ok {
			prog.CheckedAt = time.Time(at).UTC()
		}
	}
	return prog, true
}

// restored is a value of a resumed state and the title of the step that
// produced it.
type restored struct {
	step string
	val  any
}

// restore turns saved progress back into the values the steps produced.
// A domain that no longer passes the normaliser, or a provider no longer
// in the catalog, is an error: the caller starts fresh.
func restore(prog Progress) ([]restored, error) {
	var out []restored
	var others domains.Others
	for i, d := range prog.Domains {
		in, err := domain.Normalize(d)
		if err != nil {
			return nil, fmt.Errorf("tui: the saved domain \"%s\" cannot be used (%s)", dnscheck.Printable(d), strings.TrimSuffix(dnscheck.Printable(err.Error()), "."))
		}
		if i == 0 {
			out = append(out, restored{"Domain", in})
			continue
		}
		others = append(others, domains.Extra{Input: in})
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
			return nil, fmt.Errorf("tui: the saved mail provider cannot be used (%s)", strings.TrimSuffix(dnscheck.Printable(strings.TrimPrefix(err.Error(), "assets: ")), "."))
		}
		out = append(out, restored{"Mail provider", provider.Choice{Provider: pr, Detected: prog.ProviderDetected}})
	}
	if len(others) > 0 {
		out = append(out, restored{"Other domains", others})
	}
	if len(prog.Reports) > 0 {
		out = append(out, restored{"Verify", prog.Reports}, restored{"Verify", verify.CheckedAt(prog.CheckedAt)})
	}
	return out, nil
}

// resumeAt is the title of the step a resumed session starts at: the
// checks run again at once when the person had reached them; otherwise
// the step reached, looking DNS up again.
func resumeAt(prog Progress) string {
	switch prog.Step {
	case "Verify", "Advice":
		return "Verify"
	case "Welcome", "Domain", "Discovery", "Mail provider":
		return "Discovery" // it looks the domain up; the provider is confirmed after

	}
	return prog.Step
}

// progressSaver writes progress from commands, one at a time, dropping a
// save older than the last one written (commands may finish out of
// order).
type progressSaver struct {
	path string
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
	return statefile.Save(s.path, prog)
}

// ProgressSavedMsg reports a save of the progress; Err is set when it
// failed.
type ProgressSavedMsg struct{ Err error }
