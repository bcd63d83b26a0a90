package demo

import (
	"bytes"
	"os"
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
	before, err := w.WriteTestMessage(t.Context(), dir, d)
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
	after, err := w.WriteTestMessage(t.Context(), dir, d)
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
	if _, err := w.TestMessage(t.Context(), "not a domain", time.Now()); err == nil {
		t.Error("TestMessage(\"not a domain\") gave no error")
	}
	p := *assets.DefaultPlatform()
	p.DKIM.Selector = ""
	w2 := startWorld(t, &p, 0, 0)
	if _, err := w2.TestMessage(t.Context(), "yourcenter.edu", time.Now()); err == nil {
		t.Error("TestMessage for a platform without a selector gave no error")
	}
	if _, err := w.WriteTestMessage(t.Context(), filepath.Join(t.TempDir(), "missing"), "yourcenter.edu"); err == nil {
		t.Error("WriteTestMessage into a missing folder gave no error")
	}
}

// TestTestMessageReceiverResults: the demo's message arrives as a real one
// does, with the receiver's Received and Authentication-Results fields,
// and what the receiver says is what the demo's DNS gives at the time:
// DMARC fails before the records are published and passes after, and
// the receiver agrees with the wizard each time.
func TestTestMessageReceiverResults(t *testing.T) {
	w := startWorld(t, nil, 0, 0)
	const d = "yourcenter.edu"
	if err := w.Prepare(d); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	check := func(when, wantDMARC, wantVerdict string) {
		t.Helper()
		path, err := w.WriteTestMessage(t.Context(), dir, d)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
		for _, want := range []string{
			"Authentication-Results: mx.demo-receiver.example;\r\n",
			"dmarc=" + wantDMARC + " (p=",
			"header.from=" + d,
			"smtp.mailfrom=" + d,
			"header.d=" + d + " header.s=osc1",
			" by mx.demo-receiver.example with ESMTPS; ",
			"[" + w.Platform().SPF.IPs[0].Addr().String() + "]",
			"To: inbox@demo-receiver.example\r\n",
		} {
			if !strings.Contains(head, want) {
				t.Errorf("%s: the header lacks %q:\n%s", when, want, head)
			}
		}
		rep := verifyFile(t, w, path)
		var b bytes.Buffer
		received.WriteText(&b, rep)
		if rep.Receiver == nil {
			t.Fatalf("%s: no receiver's results:\n%s", when, b.String())
		}
		if rep.Receiver.AuthservID != "mx.demo-receiver.example" || rep.Receiver.DMARC != wantDMARC {
			t.Errorf("%s: receiver %+v, want mx.demo-receiver.example saying dmarc=%s", when, *rep.Receiver, wantDMARC)
		}
		ours := received.ResultNone
		if len(rep.DKIM) > 0 {
			ours = rep.DKIM[0].Result
		}
		if rep.Verdict != wantVerdict || rep.DMARC.Result != rep.Receiver.DMARC || rep.SPF.Result != rep.Receiver.SPF || ours != rep.Receiver.DKIM {
			t.Errorf("%s: the wizard finds %s (dkim=%s spf=%s dmarc=%s), the receiver said dkim=%s spf=%s dmarc=%s; want verdict %s, both the same",
				when, rep.Verdict, ours, rep.SPF.Result, rep.DMARC.Result, rep.Receiver.DKIM, rep.Receiver.SPF, rep.Receiver.DMARC, wantVerdict)
		}
		if len(rep.Disagreements) != 0 {
			t.Errorf("%s: the receiver and the wizard disagree: %+v", when, rep.Disagreements)
		}
		if text := b.String(); strings.Contains(text, "left no Authentication-Results") || !strings.Contains(text, "The receiver (mx.demo-receiver.example) said: ") {
			t.Errorf("%s: the report does not show the receiver's results:\n%s", when, text)
		}
	}
	check("before publishing", received.ResultFail, received.VerdictFail)
	if _, err := w.Publish(buildPlan(t, w, d)); err != nil {
		t.Fatal(err)
	}
	check("after publishing", received.ResultPass, received.VerdictPass)
}
