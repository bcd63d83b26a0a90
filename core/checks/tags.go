package checks

import "github.com/outreach-auth/wizard/dnscheck"

// policyWords says what receivers do with mail that fails DMARC under
// each policy.
var policyWords = map[string]string{
	"none":       "receivers deliver mail that fails, and only report it",
	"quarantine": "receivers put mail that fails in spam",
	"reject":     "receivers refuse mail that fails",
}

// DMARCTagWords explains the tags of a DMARC record a person meets in it
// for the first time, a few words each ("p=none: receivers deliver mail
// that fails, and only report it", "rua=: where reports go"); nil when the
// record does not parse (its problem says why). The wizard says them
// under the record where it first shows it (docs/walkthrough.md).
func DMARCTagWords(record string) []string {
	pol, err := dnscheck.ParseDMARC(record)
	if err != nil {
		return nil
	}
	var out []string
	if w, ok := policyWords[pol.Policy]; ok {
		out = append(out, "p="+pol.Policy+": "+w)
	}
	if w, ok := policyWords[pol.SubdomainPolicy]; ok && pol.SubdomainPolicy != pol.Policy {
		out = append(out, "sp="+pol.SubdomainPolicy+": for its subdomains, "+w)
	}
	if len(pol.Reports) > 0 {
		out = append(out, "rua=: where reports go")
	} else {
		out = append(out, "no rua=: no reports are sent")
	}
	return out
}
