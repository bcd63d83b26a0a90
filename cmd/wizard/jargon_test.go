package main

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/outreach-auth/wizard/cmd/wizard/demo"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
	"github.com/outreach-auth/wizard/tui"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// jargon are the words and flags no screen of the wizard may show: a
// flag nobody typed, and protocol words the person was never told about
// (docs/walkthrough.md says how each is put in plain words).
var jargon = []*regexp.Regexp{
	regexp.MustCompile(`--dns-server`),
	regexp.MustCompile(`(?i)OSC ?52`),
	regexp.MustCompile(`(?i)permerror`),
	regexp.MustCompile(`(?i)temperror`),
	regexp.MustCompile(`REFUSED`),
	regexp.MustCompile(`SERVFAIL`),
	regexp.MustCompile(`(?i)zone transfer`),
}

// scanJargon returns the jargon in text (a screen, with its lines joined;
// a word broken after its hyphen is joined again), each with the words
// around it. No sentence is allowed to keep a word of jargon.
func scanJargon(text string) []string {
	text = strings.Join(strings.Fields(ansi.Strip(text)), " ")
	text = strings.ReplaceAll(text, "- ", "-")
	var found []string
	for _, re := range jargon {
		for _, loc := range re.FindAllStringIndex(text, -1) {
			found = append(found, text[max(loc[0]-60, 0):min(loc[1]+60, len(text))])
		}
	}
	return found
}

// viewRecorder runs the wizard's root model and keeps every screen it
// draws.
type viewRecorder struct {
	m     *tui.Model
	mu    *sync.Mutex
	views *[]string
}

func (r viewRecorder) Init() tea.Cmd { return r.m.Init() }

func (r viewRecorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := r.m.Update(msg)
	return r, cmd
}

func (r viewRecorder) View() string {
	v := r.m.View()
	r.mu.Lock()
	if n := len(*r.views); n == 0 || (*r.views)[n-1] != v {
		*r.views = append(*r.views, v)
	}
	r.mu.Unlock()
	return v
}

// last returns the last screen drawn, plain, its lines joined.
func (r viewRecorder) last() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(*r.views) == 0 {
		return ""
	}
	return strings.Join(strings.Fields(ansi.Strip((*r.views)[len(*r.views)-1])), " ")
}

// demoWorld starts the demo's simulated Internet with every change
// served at once (no replica lag to wait out).
func demoWorld(t *testing.T) *demo.World {
	t.Helper()
	p, err := (&globalOptions{}).platform()
	if err != nil {
		t.Fatal(err)
	}
	world, err := demo.Start(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { world.Close() })
	world.Lag, world.ResolverLag = 0, 0
	return world
}

// TestDemoWalkHasNoJargon walks the full-screen demo at 80×24 and 40×20
// through a mistake, the checks, the records again, the advice and the
// confirm step, opening the full help on the way, and scans every screen
// drawn and the summary for jargon and flags. Where the demo's keys show,
// they are never hidden behind "…".
func TestDemoWalkHasNoJargon(t *testing.T) {
	for _, size := range tuitest.Sizes {
		t.Run(size.Name, func(t *testing.T) {
			world := demoWorld(t)
			// The demo's configuration as `wizard demo` builds it, with no
			// clipboard and no test message.
			cfg := demoConfig(world)
			cfg.Platform, cfg.Clipboard, cfg.TestMessage = world.Platform(), tui.ClipboardOff, nil
			// u, as `wizard demo` adds it: the demo's keys are three.
			updater, err := startDemoUpdater(world)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(updater.close)
			cfg.Actions = append(cfg.Actions, updater.action())
			cfg.SaveDir = t.TempDir()
			m := tui.NewModel(context.Background(), cfg, nil)
			// Copies go through the terminal, as over SSH.
			m.SetClipboard(tui.Clipboard{Mode: tui.ClipboardOSC52, GOOS: "linux", Term: io.Discard, Getenv: func(string) string { return "" }})
			rec := viewRecorder{m: m, mu: &sync.Mutex{}, views: &[]string{}}
			tm := teatest.NewTestModel(t, rec, teatest.WithInitialTermSize(size.Width, size.Height))
			wait := func(texts ...string) {
				t.Helper()
				deadline := time.Now().Add(10 * time.Second)
				for {
					v := rec.last()
					if !slices.ContainsFunc(texts, func(s string) bool { return !strings.Contains(v, s) }) {
						return
					}
					if time.Now().After(deadline) {
						t.Fatalf("the screen never showed %q:\n%s", texts, v)
					}
					time.Sleep(10 * time.Millisecond)
				}
			}
			press := func(keys ...string) {
				for _, k := range keys {
					tm.Send(tuitest.Key(k))
				}
			}
			// help opens the full help: it says "fewer keys", or, taller
			// than its room, that more keys are below.
			help := func() {
				t.Helper()
				press("?")
				deadline := time.Now().Add(10 * time.Second)
				for v := rec.last(); !strings.Contains(v, "fewer keys") && !strings.Contains(v, "more keys below"); v = rec.last() {
					if time.Now().After(deadline) {
						t.Fatalf("? did not open the full help:\n%s", v)
					}
					time.Sleep(10 * time.Millisecond)
				}
				press("?")
			}
			demoKeys := func() {
				t.Helper()
				if v := rec.last(); !strings.Contains(v, "p publish (demo)") || !strings.Contains(v, "m publish with a mistake (demo)") || !strings.Contains(v, "u update DNS for me") {
					t.Errorf("the demo's keys are hidden:\n%s", v)
				}
			}
			wait("Let Neoserra send mail as your own domain")
			help()
			press("enter")
			tm.Type("Jane.Doe@YourCenter.EDU")
			wait("Will use yourcenter.edu")
			press("enter")
			wait("What yourcenter.edu publishes today", "Mail provider")
			press("enter")
			wait("Who handles your organisation's own mail?")
			press("enter")
			wait("Do your staff send Neoserra mail from any other domain?")
			press("down")
			wait("DMARC reports")
			press("up", "enter")
			wait("Records to publish for yourcenter.edu", "1/3 DKIM")
			demoKeys()
			press("c")
			wait("Copied the DKIM value")
			press("down", "c")
			wait("Copied the SPF value")
			press("up")
			press("w")
			wait("w folds these notes")
			press("w")
			help()
			press("m")
			wait("Published")
			press("enter")
			wait("Checking yourcenter.edu until SPF and DKIM pass", "Next check in")
			demoKeys()
			press("c")
			wait("Nothing to copy on this screen")
			press("s")
			wait("Nothing to save here")
			help()
			press("b")
			wait("DKIM: delete this CNAME record")
			press("p")
			wait("Published")
			press("enter")
			wait("Press enter for the advice.")
			press("enter")
			wait("Best:")
			help()
			press("enter")
			wait("Confirm with a real message")
			press("enter")
			tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
			rec.mu.Lock()
			views := slices.Clone(*rec.views)
			rec.mu.Unlock()
			for i, v := range append(views, m.Summary().Text) {
				for _, f := range scanJargon(v) {
					t.Errorf("screen %d of %d shows jargon: …%s…", i+1, len(views)+1, f)
				}
			}
		})
	}
}

// TestDemoAccessibleWalkHasNoJargon walks `wizard demo --accessible`
// the same way and scans all it prints.
func TestDemoAccessibleWalkHasNoJargon(t *testing.T) {
	t.Chdir(t.TempDir())
	in := strings.Join([]string{
		"Jane.Doe@YourCenter.EDU",
		"", // the detected provider
		"", // no other domains
		"", // no DMARC reports
		"m",
		"", // check: the doubled name
		"s",
		"b",
		"p",
		"", // check: ready
		"", // the advice
		"", // no message to check
	}, "\n") + "\n"
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"demo", "--accessible"}, streams{in: strings.NewReader(in), out: &out, err: &errOut})
	if code != 0 {
		t.Fatalf("exit %d; stderr %q\n%s", code, errOut.String(), out.String())
	}
	for _, want := range []string{"Nothing to save here", "is ready"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the walk never says %q", want)
		}
	}
	for _, f := range scanJargon(out.String()) {
		t.Errorf("the line prompts show jargon: …%s…", f)
	}
}

// TestTroubleWalkJargon walks the line prompts over a domain whose SPF
// record includes a name whose server fails (SERVFAIL), while the
// platform's include is refused (REFUSED), and scans all they say.
func TestTroubleWalkJargon(t *testing.T) {
	zone := strings.Replace(tuitest.ZoneYourCenter, tuitest.OldSPF, "v=spf1 include:spf.protection.outlook.com include:failing.yourcenter.edu -all", 1)
	env := tuitest.NewEnv(t, zone)
	env.Server.SetFault("failing.yourcenter.edu.", dnstest.Fault{ServFail: true})
	env.Server.SetFault("spf.outreachsystems.com.", dnstest.Fault{Refused: true})
	cfg := env.Config(t)
	answers := "yourcenter.edu\n" + strings.Repeat("\n", 8) + "q\n"
	var out bytes.Buffer
	if err := tui.RunAccessible(context.Background(), cfg, strings.NewReader(answers), &out); err != nil {
		t.Fatalf("RunAccessible: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "Checking yourcenter.edu") {
		t.Fatalf("the walk never reached the checks:\n%s", out.String())
	}
	for _, f := range scanJargon(out.String()) {
		t.Errorf("the line prompts show jargon: …%s…", f)
	}
}
