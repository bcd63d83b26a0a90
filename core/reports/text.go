package reports

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/outreach-auth/wizard/dnscheck"
)

// maxOthersShown bounds the other sources written per domain in text;
// the JSON lists every one.
const maxOthersShown = 10

// WriteText writes the summary for a person, in plain text: every text
// that came from a report or DNS is made printable first.
func WriteText(w io.Writer, s Summary) {
	var read, failed int
	for _, r := range s.Reports {
		if r.Error != "" {
			failed++
		} else {
			read++
		}
	}
	fmt.Fprintf(w, "Reports read: %d", read)
	if failed > 0 {
		fmt.Fprintf(w, "; %d could not be read", failed)
	}
	fmt.Fprintln(w)
	for _, r := range s.Reports {
		if r.Error != "" {
			fmt.Fprintf(w, "  %s: %s\n", p(r.File), p(oneLine(r.Error)))
		}
	}
	for _, n := range s.Notes {
		fmt.Fprintf(w, "Note: %s\n", p(n))
	}
	for _, d := range s.Domains {
		fmt.Fprintln(w)
		WriteDomain(w, s.Platform, d)
	}
}

// WriteDomain writes one domain's summary for a person.
func WriteDomain(w io.Writer, platform string, d DomainSummary) {
	if platform == "" {
		platform = "The platform"
	}
	policy := d.Policy
	if policy == "" {
		policy = "not reported"
	}
	fmt.Fprintf(w, "%s (policy p=%s; %s)\n", p(d.Domain), p(policy), messages(d.Messages))
	pc := d.Platform
	fmt.Fprintf(w, "  %s: %s, DMARC pass %d, DKIM aligned pass %d, SPF aligned pass %d", platform, messages(pc.Messages), pc.DMARCPass, pc.DKIMAlignedPass, pc.SPFAlignedPass)
	if len(pc.Dispositions) > 0 {
		keys := make([]string, 0, len(pc.Dispositions))
		for k := range pc.Dispositions {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%s %d", p(k), pc.Dispositions[k])
		}
		fmt.Fprintf(w, "; receivers applied: %s", strings.Join(parts, ", "))
	}
	fmt.Fprintln(w)
	if len(d.Others) > 0 {
		fmt.Fprintf(w, "  Other sources (%d):\n", len(d.Others))
		for i, o := range d.Others {
			if i == maxOthersShown {
				var rest int64
				for _, r := range d.Others[i:] {
					rest += r.Messages
				}
				fmt.Fprintf(w, "    and %d more sources with %s\n", len(d.Others)-i, messages(rest))
				break
			}
			known := ""
			if o.KnownAs != "" {
				known = " (" + p(o.KnownAs) + ")"
			}
			fmt.Fprintf(w, "    %s%s: %s, DMARC pass %d, fail %d\n", p(o.SourceIP), known, messages(o.Messages), o.DMARCPass, o.Messages-o.DMARCPass)
		}
	}
	fmt.Fprintf(w, "  Verdict: %s\n", p(d.Verdict))
	if d.NextStep != "" {
		fmt.Fprintf(w, "  Next: %s\n", p(d.NextStep))
	}
}

func p(s string) string { return dnscheck.Printable(s) }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
