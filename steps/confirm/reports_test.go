package confirm_test

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/domainname"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// aggregateReport is a DMARC aggregate report for yourcenter.edu: the
// platform's mail (signed with its selector) passes, and a stranger's
// fails.
const aggregateReport = `<?xml version="1.0"?>
<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0"><version>1.0</version>
<report_metadata><org_name>google.com</org_name><email>x@google.com</email><report_id>9</report_id>
<date_range><begin>1796515200</begin><end>1796601599</end></date_range></report_metadata>
<policy_published><domain>yourcenter.edu</domain><p>none</p></policy_published>
<record><row><source_ip>198.51.100.7</source_ip><count>6</count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>fail</spf></policy_evaluated></row>
<identifiers><header_from>yourcenter.edu</header_from></identifiers>
<auth_results><dkim><domain>yourcenter.edu</domain><selector>osc1</selector><result>pass</result></dkim></auth_results></record>
<record><row><source_ip>203.0.113.5</source_ip><count>2</count><policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row>
<identifiers><header_from>yourcenter.edu</header_from></identifiers></record>
</feedback>`

func writeReportGz(t *testing.T) string {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(aggregateReport))
	w.Close()
	p := filepath.Join(t.TempDir(), "google.com!yourcenter.edu!1796515200!1796601599.xml.gz")
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestReportFileIsSummarised: a report file given to the step is read as
// 'wizard reports' reads it, and its verdict is the step's result.
func TestReportFileIsSummarised(t *testing.T) {
	m, _ := newModel(t, 100, 200)
	path := writeReportGz(t)
	typeText(m, path)
	_, cmd := m.Update(tuitest.Key("enter"))
	tuitest.Await[common.SaveMsg](t, settle(t, m, cmd))
	res := lastMessage(t, m)
	if res.Source != path || res.Verdict != "pass" || !res.Reports || res.Checkbox != "" || res.At.IsZero() ||
		res.Line != "Reports: Neoserra's mail passed DMARC in 6 of 6 messages (reported by google.com, 6 Dec). Other sources failed DMARC in 2 messages from 1 address." {
		t.Fatalf("recorded %#v", res)
	}
	m.Session().SetFirst(domainname.Input{Original: "yourcenter.edu", Domain: "yourcenter.edu", Unicode: "yourcenter.edu"})
	if got := session.Summarise(assets.DefaultPlatform(), m.Session(), 100); !strings.Contains(got, "Confirmed with DMARC aggregate reports") ||
		!strings.Contains(got, "Neoserra's mail passed DMARC in 6 of 6 messages") || strings.Contains(got, "Confirmed with a real message") {
		t.Errorf("summary:\n%s", got)
	}
	for _, want := range []string{"as DMARC aggregate reports", "Neoserra: 6 messages, DMARC pass 6", "203.0.113.5: 2 messages, DMARC pass 0, fail 2"} {
		if !tuitest.Contains(m.View(), want) {
			t.Errorf("view lacks %q:\n%s", want, tuitest.Plain(m.View()))
		}
	}
	// A message after it is verified as a message again.
	m.Update(tuitest.Key("a"))
	typeText(m, writeMessage(t, "m.eml", message))
	_, cmd = m.Update(tuitest.Key("enter"))
	tuitest.Await[common.SaveMsg](t, settle(t, m, cmd))
	if res := lastMessage(t, m); !strings.HasPrefix(res.Line, "Verdict: ") || res.Reports {
		t.Errorf("after the report, a message gave %#v", res)
	}
}

func TestPromptReportFile(t *testing.T) {
	path := writeReportGz(t)
	out, st := prompt(t, path+"\n")
	if !strings.Contains(out, "as DMARC aggregate reports") || !strings.Contains(out, "Verdict: Neoserra's mail passed DMARC in 6 of 6 messages") {
		t.Errorf("output:\n%s", out)
	}
	if len(st.Messages) != 1 || st.Messages[0].Source != path || st.Messages[0].Verdict != "pass" || !st.Messages[0].Reports {
		t.Errorf("messages = %+v", st.Messages)
	}
}
