package domains

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/domainname"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

// Prompt implements common.Prompter: it asks for the other domains, one a
// line, each looked up at once; an empty line ends the list. The domains
// already in s (a resumed session) are looked up again instead.
func (m *Model) Prompt(ctx context.Context, lp *common.LinePrompt, s *session.Session) (common.Direction, error) {
	var others []added
	// Come back to (from the records): the domains and the address
	// given stay, and the questions are asked again to change them.
	back := lp.Entered == common.Backward
	resumed := !back && s.Resumed && s.OthersAnswered
	s.Resumed = false
	if resumed {
		for _, o := range s.Others() {
			snap, err := common.LookUpLines(ctx, lp, m.q, m.prepare, m.Platform, o.Input.Domain)
			if err != nil {
				return common.Forward, err
			}
			others = append(others, added{Input: o.Input, Snap: snap})
		}
	} else {
		var first domainname.Input
		if f := s.First(); f != nil {
			first = f.Input
		}
		var start []added
		if back {
			for _, o := range s.Others() {
				start = append(start, added{Input: o.Input, Snap: o.Snap})
			}
		}
		var err error
		if others, err = m.ask(ctx, lp, first, start); err != nil {
			return common.Forward, err
		}
	}
	ins := make([]domainname.Input, len(others))
	for i, o := range others {
		ins[i] = o.Input
	}
	s.SetOthers(ins)
	for _, o := range others {
		if o.Snap.Domain != "" {
			s.Read(o.Snap, time.Now())
		}
	}
	// A resumed session is not asked again: the address given last
	// time, if any, was restored with the other answers.
	if (back || !s.OthersAnswered) && !resumed {
		var first discovery.Snapshot
		if f := s.First(); f != nil {
			first = f.Snap
		}
		addr, err := askReports(lp, first, others, s.ReportAddress)
		if err != nil {
			return common.Forward, err
		}
		s.ReportAddress = addr
	}
	s.OthersAnswered = true
	return common.Forward, nil
}

// added is a domain added at the line prompts and what its lookup found.
type added struct {
	Input domainname.Input
	Snap  discovery.Snapshot
}

// askReports asks where DMARC reports should go when some domain's own
// record would send none, until the answer is an address or empty. With
// an address given before (current), Enter keeps it and "-" gives none.
func askReports(lp *common.LinePrompt, first discovery.Snapshot, others []added, current plan.ReportAddress) (plan.ReportAddress, error) {
	var ask []string
	if first.Domain != "" && plan.AsksReportAddress(first) {
		ask = append(ask, first.Domain)
	}
	for _, o := range others {
		if o.Snap.Domain != "" && plan.AsksReportAddress(o.Snap) {
			ask = append(ask, o.Snap.Domain)
		}
	}
	if len(ask) == 0 {
		return "", nil
	}
	lp.Say("")
	lp.Say("DMARC reports (optional). %s", ReportsQuestion(ask))
	question := "Mailbox for DMARC reports, or Enter for none (then no reports arrive): "
	if current != "" {
		question = fmt.Sprintf("Mailbox for DMARC reports, Enter to keep %s, or - for none: ", current)
	}
	for {
		line, err := lp.Ask(question)
		if err != nil {
			return "", err
		}
		switch {
		case line == "":
			return current, nil
		case line == "-" && current != "":
			lp.Say("No reports: the record gets no rua= tag.")
			return "", nil
		}
		addr, err := plan.ParseReportAddress(line)
		if err != nil {
			lp.Say("%s", dnscheck.Printable(strings.TrimPrefix(err.Error(), plan.ErrReportAddress.Error()+": ")))
			continue
		}
		lp.Say("Reports will go to %s.", addr)
		return plan.ReportAddress(addr), nil
	}
}

// ask asks for the other domains, one a line, after those in start
// (the list so far, when the person came back to change it).
func (m *Model) ask(ctx context.Context, lp *common.LinePrompt, first domainname.Input, start []added) ([]added, error) {
	lp.Say("")
	lp.Say("%s %s", Question(m.Platform.Name), Explain)
	others := append([]added{}, start...)
	seen := map[string]bool{first.Domain: true}
	if len(start) > 0 {
		names := make([]string, 0, len(start))
		for _, o := range start {
			seen[o.Input.Domain] = true
			names = append(names, o.Input.Domain)
		}
		lp.Say("Other domains so far: %s.", strings.Join(names, ", "))
	}
	for {
		line, err := lp.Ask("Another domain, or Enter to go on: ")
		if err != nil {
			return nil, err
		}
		if line == "" {
			return others, nil
		}
		in, err := domainname.NormalizeField(line)
		if err != nil {
			lp.Say("%s", dnscheck.Printable(err.Error()))
			continue
		}
		if seen[in.Domain] {
			lp.Say("%s is already in the list.", in.Domain)
			continue
		}
		seen[in.Domain] = true
		snap, err := common.LookUpLines(ctx, lp, m.q, m.prepare, m.Platform, in.Domain)
		if err != nil {
			return nil, err
		}
		others = append(others, added{Input: in, Snap: snap})
		lp.Say("Added %s.", in.Domain)
	}
}
