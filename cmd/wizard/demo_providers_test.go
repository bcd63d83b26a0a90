package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/assets"
)

// TestDemoEveryProviderPasses picks each provider of the catalog in
// `wizard demo --accessible`, by its number as a person would (typing an
// include for "Another mail provider"), publishes with p and checks: SPF
// passes with the provider's include in the record, and no DNS trouble is
// reported. A provider added to the catalog is covered by this test
// without a change.
func TestDemoEveryProviderPasses(t *testing.T) {
	for i, p := range assets.Providers() {
		t.Run(p.ID, func(t *testing.T) {
			t.Parallel()
			lines := []string{
				"yourcenter.edu",
				fmt.Sprint(i + 1), // the provider, by its number in the list
			}
			terms := p.SPFTerms()
			if p.Kind == assets.KindOther {
				// Another provider: the person types its include,
				// which the demo serves once the record is published.
				terms = []string{"include:spf.mailer.example"}
				lines = append(lines, terms[0])
			}
			in := strings.Join(append(lines,
				"",  // no other domains
				"",  // no DMARC reports
				"p", // the demo publishes the records shown
				"",  // check
				"",  // the advice
				"",  // no message to verify
			), "\n") + "\n"
			var out, errOut bytes.Buffer
			code := run(context.Background(), []string{"demo", "--accessible"}, streams{in: strings.NewReader(in), out: &out, err: &errOut})
			got := out.String()
			if code != 0 {
				t.Fatalf("exit %d; stderr %q\n%s", code, errOut.String(), got)
			}
			picked := "Mail provider: " + p.Name + "."
			if p.Kind == assets.KindOther {
				picked = "Will authorise " + terms[0] + "."
			}
			if !strings.Contains(got, picked) {
				t.Fatalf("%s was not the provider picked:\n%s", p.Name, got)
			}
			_, check, ok := strings.Cut(got, "Checking yourcenter.edu...")
			if !ok {
				t.Fatalf("no check after publishing:\n%s", got)
			}
			var spf string
			for _, l := range strings.Split(check, "\n") {
				if strings.Contains(l, " SPF ") {
					spf = l
					break
				}
			}
			if !strings.Contains(spf, "✓ SPF   pass") {
				t.Errorf("SPF does not pass with %s:\n%s", p.Name, check)
			}
			for _, term := range terms {
				if !strings.Contains(spf, " "+term+" ") {
					t.Errorf("the SPF record checked lacks %s: %q", term, spf)
				}
			}
			for _, trouble := range []string{"DNS trouble", "refused", "could not answer", "does not exist"} {
				if strings.Contains(check, trouble) {
					t.Errorf("the check after publishing with %s says %q:\n%s", p.Name, trouble, check)
				}
			}
		})
	}
}
