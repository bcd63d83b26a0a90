package main

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/outreach-auth/wizard/core/advice"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

// TestCheckJSONStreamedIsTheDocument: the document written a domain at a
// time is byte for byte what encoding the whole report at once gives, so
// its fields and layout are those of before.
func TestCheckJSONStreamedIsTheDocument(t *testing.T) {
	t.Parallel()
	srv := chkServer(t)
	r := chkCheck(t, srv, "--json", "yourcenter.edu", "othercenter.edu", "brokencenter.edu")
	if r.code != exitDNS || r.stderr != "" {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}
	var doc checkReport
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("not the document: %v\n%s", err, r.stdout)
	}
	if len(doc.Domains) != 3 || doc.PlatformIPs == nil || len(doc.Advice.Reasons) != 3 {
		t.Fatalf("document %+v", doc)
	}
	var whole bytes.Buffer
	enc := json.NewEncoder(&whole)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		t.Fatal(err)
	}
	if whole.String() != r.stdout {
		t.Errorf("the streamed document differs from the whole one:\nstreamed:\n%s\nwhole:\n%s", r.stdout, whole.String())
	}
}

// streamWatcher is standard output that calls at once when it has
// received want.
type streamWatcher struct {
	mu   sync.Mutex
	b    bytes.Buffer
	want string
	at   func()
	seen bool
}

func (w *streamWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.Write(p)
	if !w.seen && strings.Contains(w.b.String(), w.want) {
		w.seen = true
		w.at()
	}
	return len(p), nil
}

func (w *streamWatcher) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// TestCheckStreamsEachDomain: the first domain's report is written while
// a later domain is still being checked (its server holds the answers);
// a signal then ends the run with that report on standard output, no
// verdict after it, and 130.
func TestCheckStreamsEachDomain(t *testing.T) {
	t.Parallel()
	srv := chkServer(t, chkZone("slow.edu", chkReady...))
	srv.SetFault("slow.edu", dnstest.Fault{Latency: time.Hour})
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	out := &streamWatcher{want: "othercenter.edu  ✗ not ready", at: func() { cancel(interrupt{syscall.SIGINT}) }}
	var errOut bytes.Buffer
	code := run(ctx, []string{"check", "--dns-server", srv.Addr(), "othercenter.edu", "slow.edu"},
		streams{in: strings.NewReader(""), out: out, err: &errOut})
	if code != exitInterrupted || errOut.String() != "wizard: interrupted\n" {
		t.Errorf("exit %d stderr %q, want 130 and \"wizard: interrupted\"", code, errOut.String())
	}
	got := out.String()
	if !strings.Contains(got, "othercenter.edu  ✗ not ready") {
		t.Fatalf("the first domain's report was not written before the end:\n%s", got)
	}
	for _, verdict := range []string{"slow.edu", "Summary of", "option", "checkbox"} {
		if strings.Contains(got, verdict) {
			t.Errorf("stdout has %q after the interrupt:\n%s", verdict, got)
		}
	}
}

// TestAdviceJSONWrittenOneReasonAtATime: the advice written with its
// reasons one at a time is byte for byte json.MarshalIndent's, with no
// reason, one, or several, and characters that encoding/json escapes.
func TestAdviceJSONWrittenOneReasonAtATime(t *testing.T) {
	t.Parallel()
	for _, reasons := range [][]string{{}, {"a.edu passes."}, {"a.edu passes.", "<b.edu> & \"c\"\n", "d.edu \u2028 fails."}} {
		for _, steps := range [][]string{{}, {"One.", "Two <three>."}} {
			a := advice.Advice{Option: advice.OptionSecondBest, Checkbox: advice.CheckboxOn, Reasons: reasons, NextSteps: steps}
			want, err := json.MarshalIndent(a, "  ", "  ")
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := writeAdviceJSON(&got, a, slices.Values(reasons)); err != nil {
				t.Fatal(err)
			}
			if got.String() != string(want) {
				t.Errorf("%d reasons, %d steps: written\n%s\nwant\n%s", len(reasons), len(steps), got.String(), want)
			}
		}
	}
}
