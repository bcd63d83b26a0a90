package common

import (
	"context"
	"fmt"
	"strings"

	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
)

// RunActionLines runs, for the line prompts, the extra key typed for every
// plan and says its result, reporting whether there is such a key.
func RunActionLines(ctx context.Context, lp *LinePrompt, actions []KeyAction, typed string, plans plan.Plans) bool {
	for _, act := range actions {
		for _, k := range act.Key.Keys() {
			if k != typed {
				continue
			}
			if q := act.Question(); q != "" {
				answer, err := lp.Ask(q)
				if err != nil {
					return true
				}
				act.Answer(strings.TrimSpace(answer))
			}
			for _, p := range plans {
				text, err := act.Run(ctx, p)
				if err != nil {
					text = err.Error()
				}
				if len(plans) > 1 {
					text = p.Domain + ": " + text
				}
				lp.Say("%s", dnscheck.Printable(text))
			}
			return true
		}
	}
	return false
}

// ActionWords lists the extra keys for a line prompt's question, each as
// ", key: what it does", so every question that takes them names them.
func ActionWords(actions []KeyAction) string {
	var b strings.Builder
	for _, act := range actions {
		fmt.Fprintf(&b, ", %s: %s", act.Key.Help().Key, act.Key.Help().Desc)
	}
	return b.String()
}
