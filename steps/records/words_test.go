package records_test

import (
	"os"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/steps/records"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// TestNothingToPublish: when every card says keep, the page does not head
// itself "Records to publish" but says there is nothing to publish.
func TestNothingToPublish(t *testing.T) {
	ready := strings.NewReplacer(tuitest.OldSPF, tuitest.NewSPF,
		"_dmarc 300", "osc1._domainkey 300 IN CNAME osc1._domainkey.outreachsystems.com.\n_dmarc 300").Replace(tuitest.ZoneYourCenter)
	env := tuitest.NewEnv(t, ready)
	m := built(t, env, 80, 40, t.TempDir())
	v := tuitest.Plain(m.View())
	if !tuitest.Contains(m.View(), "Nothing to publish for yourcenter.edu") || strings.Contains(v, "Records to publish") {
		t.Errorf("a page of keep cards is headed wrong:\n%s", v)
	}
	if strings.Count(v, "keep the") != 3 {
		t.Errorf("want three keep cards:\n%s", v)
	}
}

// TestDoubledSPFKeepDelete: when the domain has two SPF records and one of
// them is already the record proposed, the card says to keep that one and
// delete the other, by value, and never "Replaces" the record it proposes.
func TestDoubledSPFKeepDelete(t *testing.T) {
	doubled := strings.Replace(tuitest.ZoneYourCenter, `@ 300 IN TXT "`+tuitest.OldSPF+`"`,
		`@ 300 IN TXT "`+tuitest.OldSPF+`"`+"\n"+`@ 300 IN TXT "`+tuitest.NewSPF+`"`, 1)
	env := tuitest.NewEnv(t, doubled)
	m := built(t, env, 80, 40, t.TempDir())
	v := tuitest.Plain(m.View())
	for _, want := range []string{"SPF: keep one TXT record, delete the other", "Keep " + tuitest.NewSPF, "Delete " + tuitest.OldSPF} {
		if !tuitest.Contains(m.View(), want) {
			t.Errorf("the SPF card lacks %q", want)
		}
	}
	if strings.Contains(v, "Replaces") {
		t.Errorf("the card says Replaces:\n%s", v)
	}
	if t.Failed() {
		t.Log(v)
	}
}

// TestHandoffKeySimulated: in the demo (a simulated session), the sheet h
// writes says that its commands are for the real domain.
func TestHandoffKeySimulated(t *testing.T) {
	env := tuitest.NewEnv(t)
	dir := t.TempDir()
	m := built(t, env, 80, 24, dir)
	m.Session().Simulated = true
	saved := tuitest.Await[records.HandoffSavedMsg](t, press(t, m, "h"))
	if saved.Err != nil {
		t.Fatal(saved.Err)
	}
	sheet, err := os.ReadFile(saved.MDPath)
	if err != nil || !strings.Contains(string(sheet), "run them for your real domain") {
		t.Errorf("the demo's sheet (%v) does not say its commands are for the real domain", err)
	}
}
