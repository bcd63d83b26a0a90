package tui_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
	discoverystep "github.com/outreach-auth/wizard/steps/discovery"
	"github.com/outreach-auth/wizard/tui"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// TestAccessibleToAdvice drives the plain prompts through stdin: a wrong
// answer, an email address, the detected provider, saving the
// instructions, an extra action that publishes the records, a check that
// passes, and the advice.
func TestAccessibleToAdvice(t *testing.T) {
	env := tuitest.NewEnv(t)
	dir := t.TempDir()
	cfg := cfgFor(env, dir)
	cfg.Actions = []tui.Action{{
		Key: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "publish the records")),
		Run: func(ctx context.Context, p plan.Plan) (string, error) {
			env.Publish(t)
			return "Published " + p.Domain + "'s records.", nil
		},
	}}
	in := strings.NewReader(strings.Join([]string{
		"https://www.yourcenter.edu/contact", // a web address: refused
		"Jane Doe <jane@YourCenter.edu>",
		"", // the detected provider
		"", // no other domains
		"", // no address for DMARC reports
		"s",
		"p",
		"", // check
	}, "\n") + "\n")
	var out bytes.Buffer
	if err := tui.RunAccessible(context.Background(), cfg, in, &out); err != nil {
		t.Fatalf("RunAccessible: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"Let Neoserra send mail as your own domain (plain prompts).",
		"Your mail domain, or one of your staff's email addresses: ",
		"Did you mean yourcenter.edu? Type it to use it.",
		"Using yourcenter.edu.",
		"  DNS host: Cloudflare (amy.ns.cloudflare.com, bob.ns.cloudflare.com)",
		"  Mail provider: Microsoft 365, detected from your MX record yourcenter-edu.mail.protection.outlook.com",
		"  1. Microsoft 365 (detected)",
		"Number of your provider, Enter for Microsoft 365, or b to go back: ",
		"Mail provider: Microsoft 365.",
		"Records to publish for yourcenter.edu",
		"Saved the records for yourcenter.edu as text to " + filepath.Join(dir, "dns-records-yourcenter.edu.txt") + ".",
		"p: publish the records",
		"Published yourcenter.edu's records.",
		"SPF and DKIM pass: yourcenter.edu is ready.",
		"  1. Best: publish SPF and DKIM, checkbox OFF. This one fits your result.",
		`The setting: "When sending email, have Neoserra authenticate on sender's behalf?", in Administration | Configuration | General Settings. Turn it OFF.`,
		"DMARC for yourcenter.edu: p=quarantine, found; reports: none (the record has no rua= tag).",
		"Contact OutreachSystems support (+1 (805) 967-1280)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.ContainsAny(got, "\x1b\r") {
		t.Errorf("output has escape sequences or carriage returns")
	}
	if _, err := os.Stat(filepath.Join(dir, "dns-records-yourcenter.edu.txt")); err != nil {
		t.Error(err)
	}
	if t.Failed() {
		t.Log(got)
	}
}

// TestAccessibleSkip skips the check: the advice is the second best, with
// the checkbox ON.
func TestAccessibleSkip(t *testing.T) {
	env := tuitest.NewEnv(t)
	// s is not "skip" here: it says where saving is; a leaves.
	in := strings.NewReader("yourcenter.edu\n\n\n\n\ns\na\n")
	var out bytes.Buffer
	if err := tui.RunAccessible(context.Background(), cfgFor(env, t.TempDir()), in, &out); err != nil {
		t.Fatalf("RunAccessible: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"missing",
		"Not ready yet. Press Enter (or r) to check again, w to keep checking until it passes, b to go back to the records, a to leave the checks for the advice: ",
		"Nothing to save here: s saves the records",
		"  2. Second best: checkbox ON. This one fits your result.",
		"Turn it ON.",
		"yourcenter.edu's DMARC policy (p=quarantine) is sending mail that fails SPF and DKIM to spam now; fix SPF and DKIM first.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q\n%s", want, got)
		}
	}
}

// TestAccessibleEnds: input that ends early is an error; q stops with the
// summary so far.
func TestAccessibleEnds(t *testing.T) {
	env := tuitest.NewEnv(t)
	err := tui.RunAccessible(context.Background(), cfgFor(env, t.TempDir()), strings.NewReader("yourcenter.edu\n"), &bytes.Buffer{})
	if !errors.Is(err, tui.ErrInputEnded) {
		t.Fatalf("err = %v, want ErrInputEnded", err)
	}
	var out bytes.Buffer
	if err := tui.RunAccessible(context.Background(), cfgFor(env, t.TempDir()), strings.NewReader("yourcenter.edu\nq\n"), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Neoserra sender authentication: yourcenter.edu") || !strings.Contains(out.String(), "wizard records yourcenter.edu") {
		t.Fatalf("no summary after q:\n%s", out.String())
	}
}

// TestAccessiblePlatformIPsFallback: when the platform's include cannot be
// read, the check says that the platform file's addresses stood in.
func TestAccessiblePlatformIPsFallback(t *testing.T) {
	env := tuitest.NewEnv(t)
	env.Server.SetFault("spf.outreachsystems.com.", dnstest.Fault{ServFail: true})
	in := strings.NewReader("yourcenter.edu\n\n\n\n\na\n")
	var out bytes.Buffer
	if err := tui.RunAccessible(context.Background(), cfgFor(env, t.TempDir()), in, &out); err != nil {
		t.Fatalf("RunAccessible: %v\n%s", err, out.String())
	}
	if want := "The platform's current addresses could not be read from spf.outreachsystems.com"; !strings.Contains(out.String(), want) {
		t.Errorf("output lacks %q\n%s", want, out.String())
	}
}

// TestAccessibleDeadServer: with nothing listening at the DNS server,
// every discovery line says unknown and why (never none), r looks again
// at the discovery prompt and at the provider question, which proposes
// nothing (Enter alone is not taken) and says why.
func TestAccessibleDeadServer(t *testing.T) {
	env := tuitest.NewEnv(t)
	env.Client = dnscheck.NewClient(dnscheck.WithServers("127.0.0.1:9"))
	in := strings.NewReader(strings.Join([]string{
		"yourcenter.edu",
		"r", // look again from the discovery
		"",  // go on
		"",  // no default: not taken
		"r", // look again from the provider question
		"",  // go on
		"1", // Microsoft 365
		"q",
	}, "\n") + "\n")
	var out bytes.Buffer
	if err := tui.RunAccessible(context.Background(), cfgFor(env, t.TempDir()), in, &out); err != nil {
		t.Fatalf("RunAccessible: %v\n%s", err, out.String())
	}
	got := out.String()
	why := "unknown: nothing answers at 127.0.0.1:9 (connection refused)"
	for _, want := range []string{
		"  DNS host: " + why,
		"  Mail provider: " + why,
		"  SPF: " + why,
		"  DKIM: " + why,
		"  DMARC: " + why,
		discoverystep.TroubleAdvice,
		"Press Enter to go on, type r to look again, or b to go back (q stops): ",
		"Your mail provider could not be detected: the MX lookup got no answer (nothing answers at 127.0.0.1:9 (connection refused)). Nothing is preselected: choose yours.",
		"Number of your provider (1 to ",
		"), r to look the domain up again, or b to go back: ",
		"Type a number from 1 to ",
		"Mail provider: Microsoft 365.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if n := strings.Count(got, "Looking up yourcenter.edu"); n != 3 {
		t.Errorf("looked up %d times, want 3 (r twice)", n)
	}
	for _, wrong := range []string{": none", "no MX", "nothing at", "or Enter for"} {
		if strings.Contains(got, wrong) {
			t.Errorf("output says %q", wrong)
		}
	}
	if t.Failed() {
		t.Log(got)
	}
}

// TestAccessibleUnmatchedMX: an MX host not in the catalog is named, and
// nothing is proposed: neither "no mail of our own" (the domain receives
// mail) nor a provider it may be a gateway for.
func TestAccessibleUnmatchedMX(t *testing.T) {
	env := tuitest.NewEnv(t, strings.Replace(tuitest.ZoneYourCenter,
		"MX 0 yourcenter-edu.mail.protection.outlook.com.", "MX 10 mx1.gateway-filter.example.", 1))
	var out bytes.Buffer
	if err := tui.RunAccessible(context.Background(), cfgFor(env, t.TempDir()), strings.NewReader("yourcenter.edu\n\n2\nq\n"), &out); err != nil {
		t.Fatalf("RunAccessible: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"  Mail provider: not in the catalog (MX mx1.gateway-filter.example)",
		"Your MX points to mx1.gateway-filter.example, which is not in the catalog: it may be a mail gateway",
		"Type a number from 1 to ",
		"Mail provider: Google Workspace.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q\n%s", want, got)
		}
	}
	if strings.Contains(got, "or Enter for") {
		t.Errorf("a provider was proposed:\n%s", got)
	}
}

// TestAccessibleBrokenSPF: with a typo in the SPF record the plain prompts
// show the repaired record and its "Repaired:" lines, and go on to the
// check.
func TestAccessibleBrokenSPF(t *testing.T) {
	typo := strings.TrimSuffix(tuitest.OldSPF, " -all") + " ~al"
	env := tuitest.NewEnv(t, strings.Replace(tuitest.ZoneYourCenter, tuitest.OldSPF, typo, 1))
	in := strings.NewReader("yourcenter.edu\n\n\n\n\na\n")
	var out bytes.Buffer
	if err := tui.RunAccessible(context.Background(), cfgFor(env, t.TempDir()), in, &out); err != nil {
		t.Fatalf("RunAccessible: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"SPF: replace the TXT record",
		"v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com ~all",
		"Replaces:  " + typo,
		"Repaired: Wrote “~al” as ~all.",
		"Not ready yet.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(got)
	}
}

// TestAccessibleLongLineAtTheDomainPrompt: a line over the domain field's
// limit is refused saying so and naming the limit, as the screen does,
// and the question is asked again.
func TestAccessibleLongLineAtTheDomainPrompt(t *testing.T) {
	env := tuitest.NewEnv(t)
	in := strings.NewReader(strings.Repeat("yourcenter.edu ", 100) + "\nq\n")
	var out bytes.Buffer
	if err := tui.RunAccessible(context.Background(), cfgFor(env, t.TempDir()), in, &out); err != nil {
		t.Fatalf("RunAccessible: %v\n%s", err, out.String())
	}
	got := out.String()
	if !strings.Contains(got, "That is 1,499 characters long, more than the 1,024 this field takes.") {
		t.Errorf("the long line was not refused for its length:\n%s", got)
	}
	if n := strings.Count(got, "Your mail domain, or one of your staff's email addresses: "); n != 2 {
		t.Errorf("the domain question was asked %d times, want 2:\n%s", n, got)
	}
}

// TestAccessibleSameWizard: the line prompts are the same wizard as the
// screen: the banner first; after b from the checks the records are
// worked out again (the record at the doubled name is to be deleted, as
// the screen's card says); and the end is the same summary, with the
// files written.
func TestAccessibleSameWizard(t *testing.T) {
	env := tuitest.NewEnv(t)
	dir := t.TempDir()
	cfg := cfgFor(env, dir)
	cfg.Banner = "DEMO · simulated DNS · nothing leaves this machine; progress is not saved"
	cfg.Actions = []tui.Action{{
		Key: key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "publish with a mistake")),
		Run: func(ctx context.Context, p plan.Plan) (string, error) {
			env.Publish(t)
			env.Server.Remove("osc1._domainkey."+tuitest.Domain+".", dns.TypeCNAME)
			if err := env.Server.Add("osc1._domainkey.yourcenter.edu.yourcenter.edu. 300 IN CNAME osc1._domainkey.outreachsystems.com."); err != nil {
				return "", err
			}
			return "Published with a mistake.", nil
		},
	}}
	in := strings.NewReader(strings.Join([]string{
		"yourcenter.edu",
		"", // the detected provider
		"", // no other domains
		"", // no DMARC reports
		"h",
		"m",
		"", // check: the doubled name
		"b",
		"q",
	}, "\n") + "\n")
	var out bytes.Buffer
	if err := tui.RunAccessible(context.Background(), cfg, in, &out); err != nil {
		t.Fatalf("RunAccessible: %v\n%s", err, out.String())
	}
	got := out.String()
	if !strings.HasPrefix(got, cfg.Banner+"\n") {
		t.Errorf("the output does not start with the banner")
	}
	_, again, ok := strings.Cut(got, "b to go back to the records")
	if !ok {
		t.Fatalf("never asked to go back:\n%s", got)
	}
	records, summary, _ := strings.Cut(again, "Neoserra sender authentication: yourcenter.edu")
	for _, want := range []string{
		"Records to publish for yourcenter.edu",
		"DKIM: delete this CNAME record",
		"Name:      osc1._domainkey.yourcenter.edu",
	} {
		if !strings.Contains(records, want) {
			t.Errorf("the records after b lack %q", want)
		}
	}
	md := filepath.Join(dir, "dns-handoff-yourcenter.edu.md")
	for _, want := range []string{
		"Neoserra's sender setting: turn it ON",
		"  yourcenter.edu: not ready yet (last check: SPF pass, DKIM missing).",
		"DKIM: delete this CNAME record",
		"Files written\n  The hand-off sheet for yourcenter.edu, in Markdown (to send or print):\n    " + md + "\n",
		"wizard check yourcenter.edu",
	} {
		if !strings.Contains(summary, want) {
			t.Errorf("the summary lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(got)
	}
}

// TestAccessibleEndsWithSummary: a wizard that goes to the end leaves the
// same summary as the screen does.
func TestAccessibleEndsWithSummary(t *testing.T) {
	env := tuitest.NewEnv(t)
	env.Publish(t)
	in := strings.NewReader("yourcenter.edu\n\n\n\n\n")
	var out bytes.Buffer
	if err := tui.RunAccessible(context.Background(), cfgFor(env, t.TempDir()), in, &out); err != nil {
		t.Fatalf("RunAccessible: %v\n%s", err, out.String())
	}
	if want := "\nNeoserra sender authentication: yourcenter.edu\n\nNeoserra's sender setting: turn it OFF\n"; !strings.Contains(out.String(), want) {
		t.Fatalf("no summary at the end:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "  yourcenter.edu: ready, nothing to do.\n") {
		t.Fatalf("the summary does not say the domain is ready:\n%s", out.String())
	}
}

// TestAccessibleAdviceGoesBack: when a domain does not pass, the advice
// sends the person back to the checks; the plain prompts offer b for it,
// and b asks the checks again.
func TestAccessibleAdviceGoesBack(t *testing.T) {
	env := tuitest.NewEnv(t)
	in := strings.NewReader(strings.Join([]string{
		"yourcenter.edu",
		"",  // the detected provider
		"",  // no other domains
		"",  // no DMARC reports
		"",  // check: not ready
		"a", // skip to the advice
		"x", // not an answer
		"b", // back to the checks
		"q",
	}, "\n") + "\n")
	var out bytes.Buffer
	if err := tui.RunAccessible(context.Background(), cfgFor(env, t.TempDir()), in, &out); err != nil {
		t.Fatalf("RunAccessible: %v\n%s", err, out.String())
	}
	got := out.String()
	_, after, ok := strings.Cut(got, "Press Enter to go on, or type b to go back to the checks: ")
	if !ok {
		t.Fatalf("the advice never offered to go back:\n%s", got)
	}
	if !strings.Contains(after, "Type b, or press Enter.") {
		t.Errorf("an answer the advice does not take was not said")
	}
	if !strings.Contains(after, "Checking yourcenter.edu") {
		t.Errorf("b did not go back to the checks:\n%s", after)
	}
}

// TestAccessibleRecordsGoBack: the records' note says to go back to the
// other domains for a DMARC reports address; the plain prompts offer b
// for it, and the address given then is in the records shown again.
func TestAccessibleRecordsGoBack(t *testing.T) {
	env := tuitest.NewEnv(t)
	in := strings.NewReader(strings.Join([]string{
		"yourcenter.edu",
		"",  // the detected provider
		"",  // no other domains
		"",  // no DMARC reports
		"b", // back from the records
		"",  // still no other domains
		"dmarc@yourcenter.edu",
		"b",                    // back again
		"other.yourcenter.edu", // a domain added now
		"",
		"", // Enter keeps the address
		"q",
	}, "\n") + "\n")
	var out bytes.Buffer
	if err := tui.RunAccessible(context.Background(), cfgFor(env, t.TempDir()), in, &out); err != nil {
		t.Fatalf("RunAccessible: %v\n%s", err, out.String())
	}
	got := out.String()
	first, again, ok := strings.Cut(got, "b goes back to the other domains")
	if !ok {
		t.Fatalf("the records never offered b:\n%s", got)
	}
	if strings.Contains(first, "rua=mailto:") {
		t.Fatalf("the first records already had an address:\n%s", first)
	}
	if !strings.Contains(again, "Mailbox for DMARC reports") || !strings.Contains(again, "rua=mailto:dmarc@yourcenter.edu") {
		t.Errorf("b did not lead to the reports question and records with the address:\n%s", got)
	}
	_, third, _ := strings.Cut(again, "b goes back to the other domains")
	for _, want := range []string{
		"Mailbox for DMARC reports, Enter to keep dmarc@yourcenter.edu, - for none, or b to go back: ",
		"Records to publish for other.yourcenter.edu",
		"rua=mailto:dmarc@yourcenter.edu",
	} {
		if !strings.Contains(third, want) {
			t.Errorf("coming back a second time: no %q", want)
		}
	}
}

// TestAccessibleAdviceGoesBackWhenReady: b goes back from the advice
// even when every domain passes (the advice may still send the person to
// the other domains, for a DMARC reports address), as esc/b does on the
// screen.
func TestAccessibleAdviceGoesBackWhenReady(t *testing.T) {
	env := tuitest.NewEnv(t)
	env.Publish(t)
	in := strings.NewReader(strings.Join([]string{
		"yourcenter.edu", "", "", "", "", // to the checks, which pass
		"b", // back from the advice
		"q",
	}, "\n") + "\n")
	var out bytes.Buffer
	if err := tui.RunAccessible(context.Background(), cfgFor(env, t.TempDir()), in, &out); err != nil {
		t.Fatalf("RunAccessible: %v\n%s", err, out.String())
	}
	_, after, ok := strings.Cut(out.String(), "Press Enter to go on, or type b to go back to the checks: ")
	if !ok || !strings.Contains(after, "Checking yourcenter.edu") {
		t.Fatalf("b from the advice did not go back to the checks:\n%s", out.String())
	}
}

// TestAccessibleWrapsAtWords: with the terminal's width known, the line
// prompts wrap at spaces to it and never split a word: every line fits,
// but for a single word wider than the line, and every word of the
// output is a word the wizard wrote (none cut in two).
func TestAccessibleWrapsAtWords(t *testing.T) {
	env := tuitest.NewEnv(t)
	answers := "yourcenter.edu\n\n\n\n\na\n\n\n"
	run := func(width int) string {
		cfg := cfgFor(env, t.TempDir())
		cfg.Width = width
		var out bytes.Buffer
		in := &echoReader{lines: strings.SplitAfter(answers, "\n"), out: &out}
		if err := tui.RunAccessible(context.Background(), cfg, in, &out); err != nil {
			t.Fatalf("RunAccessible: %v\n%s", err, out.String())
		}
		// The summary after it is wrapped by itself (and keeps a value
		// or a command whole).
		got, _, _ := strings.Cut(out.String(), "Neoserra sender authentication:")
		return got
	}
	wide, narrow := run(0), run(40)
	if !strings.Contains(wide, "Receivers") {
		t.Fatal("the walk never says Receivers")
	}
	words := map[string]bool{}
	for _, w := range strings.Fields(wide) {
		words[w] = true
	}
	for i, line := range strings.Split(narrow, "\n") {
		if n := len([]rune(line)); n > 40 && len(strings.Fields(line)) > 1 {
			t.Errorf("line %d is %d wide: %q", i+1, n, line)
		}
	}
	for _, w := range strings.Fields(narrow) {
		if !words[w] {
			t.Errorf("%q is not a word the wizard wrote: a word was split", w)
		}
	}
	if strings.Join(strings.Fields(wide), " ") != strings.Join(strings.Fields(narrow), " ") {
		t.Error("wrapping changed the words")
	}
}

// echoReader gives one answer a read and echoes it to out, as a terminal
// does: the answer ends the prompt's line.
type echoReader struct {
	lines []string
	out   io.Writer
}

func (e *echoReader) Read(p []byte) (int, error) {
	if len(e.lines) == 0 || e.lines[0] == "" {
		return 0, io.EOF
	}
	n := copy(p, e.lines[0])
	io.WriteString(e.out, e.lines[0][:n])
	e.lines[0] = e.lines[0][n:]
	if e.lines[0] == "" {
		e.lines = e.lines[1:]
	}
	return n, nil
}
