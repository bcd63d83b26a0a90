package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// TestCheckHumanWords: check's human output says DMARC as what it is (the
// policy found, and what it does to the platform's mail while SPF and DKIM
// do not pass), and each problem by a sentence with its code dimmed after
// it, never a code as a heading; --json keeps the verdicts and codes.
func TestCheckHumanWords(t *testing.T) {
	t.Parallel()
	srv := chkServer(t, chkZone("rejectcenter.edu",
		`@ IN TXT "v=spf1 include:spf.protection.outlook.com -all"`,
		`_dmarc IN TXT "v=DMARC1; p=reject"`))
	h := chkCheck(t, srv, "rejectcenter.edu", "othercenter.edu", "yourcenter.edu")
	for _, want := range []string{
		"✗ DMARC p=reject: rejecting Neoserra mail now\n                  v=DMARC1; p=reject\n",
		"✓ DMARC p=none, found\n",
		"✓ DMARC p=quarantine, found\n",
		"✗ There is no DKIM record (dkim-missing)\n      There is no DKIM record at osc1._domainkey.rejectcenter.edu",
		"✗ DMARC is blocking Neoserra's mail now (dmarc-blocks-platform)\n",
	} {
		if !strings.Contains(h.stdout, want) {
			t.Errorf("human output lacks %q", want)
		}
	}
	if m := regexp.MustCompile(`(?m)(error|warning|info) [a-z]+-[a-z-]+:|DMARC pass|✓ pass$`).FindString(h.stdout); m != "" {
		t.Errorf("human output shows %q", m)
	}
	// The summary table says DMARC in words too.
	if !regexp.MustCompile(`(?m)^rejectcenter\.edu +✗ not ready +✗ fail +✗ missing +✗ p=reject: rejecting Neoserra mail now$`).MatchString(h.stdout) {
		t.Errorf("summary row of rejectcenter.edu is not in words")
	}
	if t.Failed() || testing.Verbose() {
		t.Log(h.stdout)
	}

	j := chkCheck(t, srv, "--json", "rejectcenter.edu")
	var doc struct {
		Domains []struct {
			DMARC struct {
				Status, Policy string
				Problems       []struct{ Code string }
			}
		}
	}
	if err := json.Unmarshal([]byte(j.stdout), &doc); err != nil || len(doc.Domains) != 1 {
		t.Fatalf("json: %v\n%s", err, j.stdout)
	}
	d := doc.Domains[0].DMARC
	if d.Status != "pass" || d.Policy != "reject" || len(d.Problems) != 1 || d.Problems[0].Code != "dmarc-blocks-platform" {
		t.Errorf("json dmarc = %+v, want status pass, policy reject, dmarc-blocks-platform", d)
	}
	if strings.Contains(j.stdout, "rejecting Neoserra mail now") {
		t.Error("the JSON carries the human words")
	}
}
