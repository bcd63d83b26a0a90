package tui_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// runLines runs the line prompts with one answer a line and returns what
// they printed.
func runLines(t *testing.T, env *tuitest.Env, answers ...string) string {
	t.Helper()
	var out bytes.Buffer
	in := strings.NewReader(strings.Join(answers, "\n") + "\n")
	if err := tui.RunAccessible(context.Background(), cfgFor(env, t.TempDir()), in, &out); err != nil {
		t.Fatalf("RunAccessible: %v\n%s", err, out.String())
	}
	return out.String()
}

// wantInOrder fails unless texts appear in got one after the other.
func wantInOrder(t *testing.T, got string, texts ...string) {
	t.Helper()
	rest := got
	for _, want := range texts {
		i := strings.Index(rest, want)
		if i < 0 {
			t.Fatalf("output lacks %q (in this order: %q):\n%s", want, texts, got)
		}
		rest = rest[i+len(want):]
	}
}

const (
	domainQuestion = "Your mail domain, or one of your staff's email addresses: "
	keepDomain     = "Your mail domain, or Enter to keep yourcenter.edu: "
	providerAsk    = "Number of your provider, Enter for Microsoft 365, or b to go back: "
	providerKeep   = "Number of your provider, Enter to keep Microsoft 365, or b to go back: "
	othersAsk      = "Another domain, b to go back, or Enter to go on: "
	othersRemove   = "Another domain, -domain to remove one, b to go back, or Enter to go on: "
	reportsAsk     = "Mailbox for DMARC reports, Enter for none (then no reports arrive), or b to go back: "
)

// TestAccessibleBackAtTheFirstQuestion: b at the domain question says
// there is nothing before it, and asks again.
func TestAccessibleBackAtTheFirstQuestion(t *testing.T) {
	env := tuitest.NewEnv(t)
	got := runLines(t, env, "b", tuitest.Domain, "q")
	wantInOrder(t, got, domainQuestion, "This is the first question: there is nothing before it.", domainQuestion, "Using yourcenter.edu.")
	if strings.Contains(got, "missing its ending") || strings.Contains(got, "Welcome") && strings.Count(got, "What will happen:") > 1 {
		t.Errorf("b was taken for a domain, or went back to the welcome:\n%s", got)
	}
}

// TestAccessibleBackFromProvider: b at "Number of your provider" goes back
// to the domain question (not "Type a number"), where Enter keeps the
// domain; the domain is looked up again and the provider asked again.
func TestAccessibleBackFromProvider(t *testing.T) {
	env := tuitest.NewEnv(t)
	got := runLines(t, env, tuitest.Domain, "b", "", "", "q")
	wantInOrder(t, got, providerAsk, keepDomain, "Using yourcenter.edu.", "Looking up yourcenter.edu", providerAsk, "Mail provider: Microsoft 365.")
	if strings.Contains(got, "Type a number from 1 to") {
		t.Errorf("b was taken for a wrong number:\n%s", got)
	}
	if n := strings.Count(got, "Looking up yourcenter.edu"); n != 2 {
		t.Errorf("looked up %d times, want 2", n)
	}
}

// TestAccessibleBackFromProviderTerms: b at the SPF terms of another
// provider comes back to the list's question.
func TestAccessibleBackFromProviderTerms(t *testing.T) {
	env := tuitest.NewEnv(t)
	got := runLines(t, env, tuitest.Domain, "25", "b", "1", "q")
	wantInOrder(t, got, providerAsk, "Your provider's SPF include or sending addresses, separated by spaces, or b to choose again: ", providerAsk, "Mail provider: Microsoft 365.")
	if strings.Contains(got, "Will authorise") {
		t.Errorf("b was taken for SPF terms:\n%s", got)
	}
}

// TestAccessibleBackFromOtherDomains: b at "Another domain" goes back to
// the provider question (not `"b" is missing its ending`), which offers
// to keep the choice made.
func TestAccessibleBackFromOtherDomains(t *testing.T) {
	env := tuitest.NewEnv(t)
	got := runLines(t, env, tuitest.Domain, "", "b", "", "", "q")
	wantInOrder(t, got, othersAsk, providerKeep, "Mail provider: Microsoft 365.", othersAsk)
	if strings.Contains(got, "missing its ending") {
		t.Errorf("b was taken for a domain:\n%s", got)
	}
}

// TestAccessibleBackFromReports: b at the DMARC reports question comes
// back to the other domains, keeping those added.
func TestAccessibleBackFromReports(t *testing.T) {
	env := tuitest.NewEnv(t)
	got := runLines(t, env, tuitest.Domain, "", "", "b", "", "", "q")
	wantInOrder(t, got, othersAsk, reportsAsk, othersAsk, reportsAsk, "Records to publish for yourcenter.edu")
	if strings.Contains(got, "Reports will go to") || strings.Contains(got, "not a mailbox") {
		t.Errorf("b was taken for an address:\n%s", got)
	}
}

// TestAccessibleRemoveDomain: a domain added can be removed (-domain), as
// x does on the screen; the records are then for the first domain only.
// The first domain cannot be removed this way, and a domain not in the
// list is said.
func TestAccessibleRemoveDomain(t *testing.T) {
	env := tuitest.NewEnv(t)
	got := runLines(t, env, tuitest.Domain, "", tuitest.Other, "-"+tuitest.Domain, "-nowhere.example", "-"+strings.ToUpper(tuitest.Other), "", "", "q")
	wantInOrder(t, got,
		"Added "+tuitest.Other+".",
		othersRemove,
		tuitest.Domain+" is the domain being set up, not an added one; b goes back to change it.",
		"nowhere.example is not in the list.",
		"Removed "+tuitest.Other+". No other domains now.",
		othersAsk,
		"Records to publish for yourcenter.edu")
	if _, after, _ := strings.Cut(got, "Removed "+tuitest.Other); strings.Contains(after, "Records to publish for "+tuitest.Other) {
		t.Errorf("the removed domain still gets records:\n%s", got)
	}
}

// TestAccessibleBackFromLookupTrouble: b at the question DNS trouble asks
// goes back to the domain question.
func TestAccessibleBackFromLookupTrouble(t *testing.T) {
	env := tuitest.NewEnv(t)
	env.Client = dnscheck.NewClient(dnscheck.WithServers("127.0.0.1:9"))
	got := runLines(t, env, tuitest.Domain, "b", "q")
	wantInOrder(t, got, "Press Enter to go on, type r to look again, or b to go back (q stops): ", keepDomain)
	if strings.Contains(got, "Who handles your organisation's own mail?") {
		t.Errorf("b went on to the provider:\n%s", got)
	}
}

// TestAccessibleBackFromMessage: b at the message question goes back to
// the advice, as at every line prompt.
func TestAccessibleBackFromMessage(t *testing.T) {
	env := tuitest.NewEnv(t)
	env.Publish(t)
	got := runLines(t, env, tuitest.Domain, "", "", "", "", "", "b", "", "")
	const advice = "Press Enter to go on, or type b to go back to the checks: "
	wantInOrder(t, got, advice, "or b to go back (a file named b: ./b): ", advice)
	if strings.Contains(got, "Verifying b") {
		t.Errorf("b was taken for a file:\n%s", got)
	}
}

// TestAccessibleBackAtTheOffer: b at the offer to resume says there is
// nothing before it, and asks again.
func TestAccessibleBackAtTheOffer(t *testing.T) {
	env := tuitest.NewEnv(t)
	prog := savedProgress(t, env)
	cfg := cfgFor(env, t.TempDir())
	cfg.Resume = &prog
	var out bytes.Buffer
	if err := tui.RunAccessible(context.Background(), cfg, strings.NewReader("b\nf\nq\n"), &out); err != nil {
		t.Fatalf("RunAccessible: %v\n%s", err, out.String())
	}
	wantInOrder(t, out.String(), "or f to start fresh: ", "This is the start: there is nothing before it.", "or f to start fresh: ", domainQuestion)
}
