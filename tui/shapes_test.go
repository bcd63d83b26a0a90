package tui_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/tui"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// shapeZones: uni.edu (central IT, p=reject for subdomains too) with
// sbdc.uni.edu, and news.uni.edu, an alias of a campaign service's name.
const shapeZones = `$ORIGIN uni.edu.
@ 300 IN SOA ns1.uni.edu. hostmaster.uni.edu. 1 7200 3600 1209600 300
@ 300 IN NS ns1.uni.edu.
_dmarc 300 IN TXT "v=DMARC1; p=reject; sp=reject"
sbdc 300 IN MX 10 sbdc-uni-edu.mail.protection.outlook.com.
sbdc 300 IN TXT "v=spf1 include:spf.protection.outlook.com -all"
news 300 IN MX 10 sbdc-uni-edu.mail.protection.outlook.com.
news 300 IN CNAME news.campaigns.example.
$ORIGIN campaigns.example.
@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
news 300 IN TXT "v=spf1 include:spf.protection.outlook.com -all"
`

// TestAccessibleShapes walks the plain prompts to the advice for a
// subdomain under its organisation's reject and for an alias: the same
// words as the full-screen wizard, no DMARC record proposed for the
// subdomain, no TXT record beside the alias's CNAME.
func TestAccessibleShapes(t *testing.T) {
	for _, tc := range []struct {
		domain    string
		want, not []string
	}{
		{"sbdc.uni.edu",
			[]string{
				"DMARC: none of its own; uni.edu's applies, managed by whoever runs uni.edu's DNS",
				"leave the organisation's TXT record as it is",
				"Do not add a DMARC record at _dmarc.sbdc.uni.edu",
				"DMARC for sbdc.uni.edu: inherited sp=reject from uni.edu: rejecting Neoserra mail now (managed by whoever runs uni.edu's DNS).",
				"do not add a p=none policy for sbdc.uni.edu",
			},
			[]string{"v=DMARC1; p=none", "sbdc.uni.edu's DMARC policy"}},
		{"news.uni.edu",
			[]string{
				"news.uni.edu is a CNAME to news.campaigns.example",
				"ask the owner of news.campaigns.example to publish this TXT record",
				"replace the alias",
			},
			[]string{"replace the TXT record"}},
	} {
		t.Run(tc.domain, func(t *testing.T) {
			env := tuitest.NewEnv(t, shapeZones)
			in := strings.NewReader(tc.domain + "\n\n\n\na\n")
			var out bytes.Buffer
			if err := tui.RunAccessible(context.Background(), cfgFor(env, t.TempDir()), in, &out); err != nil {
				t.Fatalf("RunAccessible: %v\n%s", err, out.String())
			}
			got := out.String()
			for _, want := range tc.want {
				if !strings.Contains(got, want) {
					t.Errorf("output lacks %q", want)
				}
			}
			for _, not := range tc.not {
				if strings.Contains(got, not) {
					t.Errorf("output has %q", not)
				}
			}
			if t.Failed() {
				t.Log(got)
			}
		})
	}
}
