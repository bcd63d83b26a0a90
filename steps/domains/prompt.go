package domains

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/domainname"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

// Prompt implements common.Prompter: it asks for the other domains, one a
// line, each looked up at once; -domain removes one added, an empty line
// ends the list, and b goes back to the provider question (b at the DMARC
// reports question comes back to the list). The domains already in st (a
// resumed session) are looked up again instead.
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
			if errors.Is(err, common.ErrBack) {
				return common.Backward, nil
			}
			if err != nil {
				return common.Forward, err
			}
			others = append(others, common.Extra{Input: o.Input, Snap: s})
		}
	}
	var start common.Others
	if back {
		start = saved
	}
	for {
		if !resumed {
			first, _ := common.Get[domainname.Input](st)
			var err error
			others, err = m.ask(ctx, lp, first, start)
			if errors.Is(err, common.ErrBack) {
				return common.Backward, nil
			}
			if err != nil {
				return common.Forward, err
			}
		}
		st.PutFrom(Name, others)
		// A resumed session is not asked again: the address given last
		// time, if any, was restored with the other answers.
		if current, given := common.Get[plan.ReportAddress](st); (!given || back) && !resumed {
			first, _ := common.Get[discovery.Snapshot](st)
			addr, err := askReports(lp, first, others, current)
			if errors.Is(err, common.ErrBack) {
				start, back = others, true // the list again, as it is now
				continue
			}
			if err != nil {
				return common.Forward, err
			}
			st.PutFrom(Name, addr)
		}
		return common.Forward, nil
	}
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
	question := "Mailbox for DMARC reports, Enter for none (then no reports arrive), or b to go back: "
	if current != "" {
		question = fmt.Sprintf("Mailbox for DMARC reports, Enter to keep %s, - for none, or b to go back: ", current)
	}
	for {
		line, err := lp.Ask(question)
		if err != nil {
			return "", err
		}
		switch {
		case common.IsBack(line):
			return "", common.ErrBack
		case line == "":
			return current, nil
		case line == "-" && current != "":
			lp.Say("No reports: the DMARC record gets no reports address (rua=).")
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
		question := "Another domain, b to go back, or Enter to go on: "
		if len(others) > 0 {
			question = "Another domain, -domain to remove one, b to go back, or Enter to go on: "
		}
		line, err := lp.Ask(question)
		if err != nil {
			return nil, err
		}
		switch {
		case line == "":
			return others, nil
		case common.IsBack(line):
			return nil, common.ErrBack
		case strings.HasPrefix(line, "-"):
			others = remove(lp, others, seen, first, strings.TrimSpace(line[1:]))
			continue
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
		if errors.Is(err, common.ErrBack) {
			delete(seen, in.Domain)
			lp.Say("Did not add %s.", in.Domain)
			continue
		}
		if err != nil {
			return nil, err
		}
		others = append(others, common.Extra{Input: in, Snap: snap})
		lp.Say("Added %s.", in.Domain)
	}
}

// remove takes the domain typed after "-" out of others (and seen), as x
// does on the screen, and says what the list holds now.
func remove(lp *common.LinePrompt, others common.Others, seen map[string]bool, first domainname.Input, typed string) common.Others {
	if typed == "" {
		lp.Say("Type - and the domain to remove, for example -%s.", exampleOf(others))
		return others
	}
	in, err := domainname.NormalizeField(typed)
	if err != nil {
		lp.Say("%s", dnscheck.Printable(err.Error()))
		return others
	}
	if in.Domain == first.Domain {
		lp.Say("%s is the domain being set up, not an added one; b goes back to change it.", in.Domain)
		return others
	}
	i := slices.IndexFunc(others, func(o common.Extra) bool { return o.Input.Domain == in.Domain })
	if i < 0 {
		lp.Say("%s is not in the list.", in.Domain)
		return others
	}
	others = slices.Delete(slices.Clone(others), i, i+1)
	delete(seen, in.Domain)
	names := make([]string, 0, len(others))
	for _, o := range others {
		names = append(names, o.Input.Domain)
	}
	if len(names) == 0 {
		lp.Say("Removed %s. No other domains now.", in.Domain)
	} else {
		lp.Say("Removed %s. Other domains now: %s.", in.Domain, strings.Join(names, ", "))
	}
	return others
}

// exampleOf is a domain of others to show in an example.
func exampleOf(others common.Others) string {
	if len(others) == 0 {
		return "othercenter.org"
	}
	return others[len(others)-1].Input.Domain
}
