package demo

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/received"
)

// verifyFile verifies the message at path through the world's DNS, as
// the wizard's confirm step does in the demo.
func verifyFile(t *testing.T, w *World, path string) received.Report {
	t.Helper()
	f, err := received.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := received.Verify(t.Context(), f, received.Options{Checker: w.Checker(), Platform: w.Platform()})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return rep
}

// The demo's test message fails DMARC before the records are published
// and passes once they are: the whole loop, offline.
func TestTestMessageVerifiesAfterPublishing(t *testing.T) {
	w := startWorld(t, nil, 0, 0)
	const d = "yourcenter.edu"
	if err := w.Prepare(d); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	before, err := w.WriteTestMessage(dir, d)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(before) != dir || !strings.HasPrefix(filepath.Base(before), "wizard-demo-message-") || filepath.Ext(before) != ".eml" {
		t.Errorf("path = %q, want wizard-demo-message-*.eml in %s", before, dir)
	}
	if rep := verifyFile(t, w, before); rep.Verdict != received.VerdictFail {
		var b bytes.Buffer
		received.WriteText(&b, rep)
		t.Errorf("before publishing: verdict %q, want fail\n%s", rep.Verdict, b.String())
	}

	if _, err := w.Publish(buildPlan(t, w, d)); err != nil {
		t.Fatal(err)
	}
	after, err := w.WriteTestMessage(dir, d)
	if err != nil {
		t.Fatal(err)
	}
	rep := verifyFile(t, w, after)
	var b bytes.Buffer
	received.WriteText(&b, rep)
	if rep.Verdict != received.VerdictPass || rep.DMARC.Result != received.ResultPass || rep.PlatformPath != received.PathOwnDomain {
		t.Fatalf("after publishing: verdict %q, DMARC %q, path %q, want pass, pass, own-domain\n%s", rep.Verdict, rep.DMARC.Result, rep.PlatformPath, b.String())
	}
	if len(rep.DKIM) != 1 || rep.DKIM[0].Result != received.ResultPass || rep.DKIM[0].Domain != d || rep.DKIM[0].Selector != "osc1" {
		t.Errorf("DKIM = %+v, want one passing signature d=%s s=osc1", rep.DKIM, d)
	}
	if rep.SPF.Result != received.ResultPass || !rep.SPF.Aligned {
		t.Errorf("SPF = %+v, want an aligned pass", rep.SPF)
	}
}

func TestTestMessageRefusesBadInput(t *testing.T) {
	w := startWorld(t, nil, 0, 0)
	if _, err := w.TestMessage("not a domain", time.Now()); err == nil {
		t.Error("TestMessage(\"not a domain\") gave no error")
	}
	p := *assets.DefaultPlatform()
	p.DKIM.Selector = ""
	w2 := startWorld(t, &p, 0, 0)
	if _, err := w2.TestMessage("yourcenter.edu", time.Now()); err == nil {
		t.Error("TestMessage for a platform without a selector gave no error")
	}
	if _, err := w.WriteTestMessage(filepath.Join(t.TempDir(), "missing"), "yourcenter.edu"); err == nil {
		t.Error("WriteTestMessage into a missing folder gave no error")
	}
}
