package domains

import (
	"context"
	"fmt"
	"strings"

	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/domainname"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

// Prompt implements common.Prompter: it asks for the other domains, one a
// line, each looked up at once; an empty line ends the list. The domains
// already in st (a resumed session) are looked up again instead.
func (m *Model) Prompt(ctx context.Context, lp *common.LinePrompt, st *common.State) (common.Direction, error) {
	var others common.Others
	saved, resumed := common.Get[common.Others](st)
	// Come back to (from the records): the domains and the address
	// given stay, and the questions are asked again to change them.
	back := lp.Entered == common.Backward
	if back {
		resumed = false
	}
	if resumed {
		for _, o := range saved {
			s, err := common.LookUpLines(ctx, lp, m.q, m.prepare, m.Platform, o.Input.Domain)
			if err != nil {
				return common.Forward, err
			}
			others = append(others, common.Extra{Input: o.Input, Snap: s})
		}
	} else {
		first, _ := common.Get[domainname.Input](st)
		var err error
		var start common.Others
		if back {
			start = saved
		}
		if others, err = m.ask(ctx, lp, first, start); err != nil {
			return common.Forward, err
		}
	}
	st.PutFrom(Name, others)
	// A resumed session is not asked again: the address given last
	// time, if any, was restored with the other answers.
	if current, given := common.Get[plan.ReportAddress](st); (!given || back) && !resumed {
		first, _ := common.Get[discovery.Snapshot](st)
		addr, err := askReports(lp, first, others, current)
		if err != nil {
			return common.Forward, err
		}
		st.PutFrom(Name, addr)
	}
	return common.Forward, nil
}

// askReports asks where DMARC reports should go when some domain's own
// record would send none, until the answer is an address or empty. With
// an address given before (current), Enter keeps it and "-" gives none.
func askReports(lp *common.LinePrompt, first discovery.Snapshot, others common.Others, current plan.ReportAddress) (plan.ReportAddress, error) {
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
func (m *Model) ask(ctx context.Context, lp *common.LinePrompt, first domainname.Input, start common.Others) (common.Others, error) {
	lp.Say("")
	lp.Say("%s %s", Question(m.Platform.Name), Explain)
	others := append(common.Others{}, start...)
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
		others = append(others, common.Extra{Input: in, Snap: snap})
		lp.Say("Added %s.", in.Domain)
	}
}
