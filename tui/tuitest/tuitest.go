// Package tuitest holds what the wizard's UI tests share: a simulated
// yourcenter.edu served by a real dnstest server (its vendor's and mail
// provider's zones too), the colour setup for golden files, and helpers to
// run a screen under teatest and compare it with a golden file.
package tuitest

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/miekg/dns"
	"github.com/muesli/termenv"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/domainname"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
	"github.com/outreach-auth/wizard/tui"
	"github.com/outreach-auth/wizard/tui/common"
)

// Domain is the simulated organisation's domain.
const Domain = "yourcenter.edu"

// DKIMKey is a fixed 2048-bit RSA public key (base64 SubjectPublicKeyInfo)
// served at the platform's selector, so golden files never change.
const DKIMKey = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAz1V/SpAba6mQoxKn46AijrqBwVPds93Rvxw5W7FLDR3/6mNq/2k/OFgtIKXKpLZ9IcuXgqaIU7GArqZhlHz4SDs7dIgUCtgTdFHLGFf2LFXsby0rtNyOf49DSpHlg8jwsotE7KL+nc1od+Wd1SX2nA3SwEX6qF+FhvcAuUo54/xfhlBFivsUTok/0flHIb2sjZD4HzKLu8d7SxRQzhPm/vQYPH5CxrETWX7XE6164lXII126q5BegAKMlxgixTj4gSWaCmEVKPgL33WPJTJnZi5qo+Bt8hmAExD9qL23FDzJW5r8DRS5DngYZNP/gll/TqrzzF4nzlQ6h4+LaB4xQwIDAQAB"

// OldSPF is the SPF record yourcenter.edu publishes before the wizard;
// NewSPF the one the wizard proposes.
const (
	OldSPF = "v=spf1 include:spf.protection.outlook.com -all"
	NewSPF = "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all"
)

// ZoneYourCenter is the organisation's zone before any change: Cloudflare
// name servers, Microsoft 365 mail, an SPF record without the platform, no
// DKIM CNAME, DMARC p=quarantine.
const ZoneYourCenter = `$ORIGIN yourcenter.edu.
@ 300 IN SOA amy.ns.cloudflare.com. dns.cloudflare.com. 1 7200 3600 1209600 300
@ 300 IN NS amy.ns.cloudflare.com.
@ 300 IN NS bob.ns.cloudflare.com.
@ 300 IN MX 0 yourcenter-edu.mail.protection.outlook.com.
@ 300 IN TXT "` + OldSPF + `"
_dmarc 300 IN TXT "v=DMARC1; p=quarantine"
`

// Other is a second domain of the same organisation, already set up:
// GoDaddy name servers, Microsoft 365 mail, SPF with the platform's
// include, the DKIM CNAME, DMARC p=none. It passes SPF and DKIM as it is.
const Other = "othercenter.org"

// ZoneOther is Other's zone.
const ZoneOther = `$ORIGIN othercenter.org.
@ 300 IN SOA ns07.domaincontrol.com. dns.jomax.net. 1 7200 3600 1209600 300
@ 300 IN NS ns07.domaincontrol.com.
@ 300 IN NS ns08.domaincontrol.com.
@ 300 IN MX 0 othercenter-org.mail.protection.outlook.com.
@ 300 IN TXT "` + NewSPF + `"
osc1._domainkey 300 IN CNAME osc1._domainkey.outreachsystems.com.
_dmarc 300 IN TXT "v=DMARC1; p=none"
`

// ZoneVendor is the platform's zone: its SPF include listing every
// platform address, and the DKIM key behind the selector.
func ZoneVendor(p *assets.Platform) string {
	var ips []string
	for _, ip := range p.SPF.IPs {
		ips = append(ips, "ip4:"+ip.Addr().String())
	}
	return "$ORIGIN outreachsystems.com.\n" +
		"@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n" +
		"spf 300 IN TXT \"v=spf1 " + strings.Join(ips, " ") + " -all\"\n" +
		"osc1._domainkey 300 IN TXT \"v=DKIM1; k=rsa; p=" + DKIMKey[:200] + "\" \"" + DKIMKey[200:] + "\"\n"
}

// ZoneOutlook is Microsoft 365's SPF include.
const ZoneOutlook = `$ORIGIN outlook.com.
@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
spf.protection 300 IN TXT "v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 -all"
`

// Env is a simulated DNS world for one test.
type Env struct {
	Server   *dnstest.Server
	Client   *dnscheck.Client
	Checker  *dnscheck.Checker
	Platform *assets.Platform
}

// NewEnv starts a dnstest server with the organisation's zone (or zone,
// when given), Other's, the vendor's and Microsoft's.
func NewEnv(t testing.TB, zone ...string) *Env {
	t.Helper()
	p := assets.DefaultPlatform()
	org := ZoneYourCenter
	if len(zone) > 0 {
		org = zone[0]
	}
	srv := dnstest.StartT(t, org, ZoneOther, ZoneVendor(p), ZoneOutlook)
	c := dnscheck.NewClient(dnscheck.WithServers(srv.Addr()), dnscheck.WithTimeout(2*time.Second))
	// The checker asks the same real server; the client is wrapped only so
	// the report does not name the server's random port ("asked
	// 127.0.0.1:41234"), which would change every golden file each run.
	checker := &dnscheck.Checker{Resolver: struct{ dnscheck.Querier }{c}, Direct: true}
	return &Env{Server: srv, Client: c, Checker: checker, Platform: p}
}

// Publish makes the changes the wizard asks for: the DKIM CNAME and the
// merged SPF record.
func (e *Env) Publish(t testing.TB) {
	t.Helper()
	e.PublishDKIM(t)
	e.Server.Remove(Domain+".", dns.TypeTXT)
	if err := e.Server.Add(Domain + ". 300 IN TXT \"" + NewSPF + "\""); err != nil {
		t.Fatal(err)
	}
}

// PublishDKIM adds only the DKIM CNAME.
func (e *Env) PublishDKIM(t testing.TB) {
	t.Helper()
	if err := e.Server.Add("osc1._domainkey." + Domain + ". 300 IN CNAME osc1._domainkey.outreachsystems.com."); err != nil {
		t.Fatal(err)
	}
}

// Common returns a Common for a step under test, of the given size.
func (e *Env) Common(w, h int) common.Common {
	c := common.NewCommon(context.Background(), e.Platform)
	c.SetSize(w, h)
	return c
}

// Main sets the colour profile for golden files (ASCII: no escape
// sequences for colour or attributes) and runs the tests. Call it from
// TestMain.
func Main(m *testing.M) int {
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	return m.Run()
}

// Sizes are the window sizes every screen is checked at.
var Sizes = []struct {
	Name          string
	Width, Height int
}{{"80x24", 80, 24}, {"40x20", 40, 20}}

// Plain returns view without escape sequences and trailing spaces.
func Plain(view string) string {
	lines := strings.Split(ansi.Strip(view), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// CheckFits fails the test when view has a line wider than width or more
// than height lines.
func CheckFits(t testing.TB, view string, width, height int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) > height {
		t.Errorf("view has %d lines, window %d:\n%s", len(lines), height, Plain(view))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > width {
			t.Errorf("line %d is %d wide, window %d: %q", i+1, w, width, ansi.Strip(l))
		}
	}
}

// Golden compares the plain view with testdata/<test name>.golden (go test
// -update rewrites it) after checking it fits the window.
func Golden(t *testing.T, view string, width, height int) {
	t.Helper()
	CheckFits(t, view, width, height)
	golden.RequireEqual(t, []byte(Plain(view)+"\n"))
}

// Run starts m under teatest at width×height and returns the test model.
func Run(t *testing.T, m tea.Model, width, height int) *teatest.TestModel {
	t.Helper()
	return teatest.NewTestModel(t, m, teatest.WithInitialTermSize(width, height))
}

// WaitFor waits until the program has drawn every one of texts.
func WaitFor(t *testing.T, tm *teatest.TestModel, texts ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		plain := ansi.Strip(string(b))
		for _, s := range texts {
			if !strings.Contains(plain, s) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

// Final quits the program and returns its last model.
func Final(t *testing.T, tm *teatest.TestModel) tea.Model {
	t.Helper()
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	return tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
}

// Contains reports whether the plain view contains every one of texts,
// ignoring line breaks and the spaces around them.
func Contains(view string, texts ...string) bool {
	flat := strings.Join(strings.Fields(Plain(view)), " ")
	for _, s := range texts {
		if !strings.Contains(flat, strings.Join(strings.Fields(s), " ")) {
			return false
		}
	}
	return true
}

// Key returns the key message for k ("enter", "esc", "ctrl+c", "up", or
// runes such as "c").
func Key(k string) tea.KeyMsg {
	switch k {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// Type returns the key messages that type s.
func Type(s string) []tea.Msg {
	var out []tea.Msg
	for _, r := range s {
		out = append(out, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return out
}

// Await runs cmd, batches flattened and each command in its own
// goroutine, and returns the first message of type T it produces; the
// others are dropped (a timer simply never answers in time). It fails the
// test after 10 s.
func Await[T tea.Msg](t testing.TB, cmd tea.Cmd) T {
	t.Helper()
	var zero T
	msgs := Collect(t, cmd, func(msgs []tea.Msg) bool {
		_, ok := msgs[len(msgs)-1].(T)
		return ok
	})
	if v, ok := msgs[len(msgs)-1].(T); ok {
		return v
	}
	t.Fatalf("no %T within 10 s", zero)
	return zero
}

// Collect runs cmd once, batches flattened and each command in its own
// goroutine, and returns the messages it produced, in arrival order, as
// soon as enough says they are enough (or after 10 s).
func Collect(t testing.TB, cmd tea.Cmd, enough func([]tea.Msg) bool) []tea.Msg {
	t.Helper()
	ch := make(chan tea.Msg, 64)
	var start, run func(tea.Cmd)
	start = func(c tea.Cmd) {
		if c == nil {
			return
		}
		go func() {
			run(c)
		}()
	}
	// run runs c here; a batch's commands run in parallel, a sequence's
	// (tea.Sequence, an unexported []tea.Cmd) one after the other.
	run = func(c tea.Cmd) {
		msg := c()
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				start(c)
			}
			return
		}
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
			for i := range v.Len() {
				if c, _ := v.Index(i).Interface().(tea.Cmd); c != nil {
					run(c)
				}
			}
			return
		}
		if to, ok := msg.(common.ToStepMsg); ok {
			msg = to.Msg // a step's own message, as the shell gives it to the step
		}
		if msg != nil {
			select {
			case ch <- msg:
			default:
			}
		}
	}
	start(cmd)
	var msgs []tea.Msg
	timeout := time.After(10 * time.Second)
	for {
		select {
		case msg := <-ch:
			msgs = append(msgs, msg)
			if enough(msgs) {
				return msgs
			}
		case <-timeout:
			return append(msgs, nil)
		}
	}
}

// Input returns the normalised test domain.
func (e *Env) Input(t testing.TB) domainname.Input {
	t.Helper()
	in, err := domainname.Normalize(Domain)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// InputOf returns the normalised d.
func InputOf(t testing.TB, d string) domainname.Input {
	t.Helper()
	in, err := domainname.Normalize(d)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// SnapshotOf discovers d as it is now.
func (e *Env) SnapshotOf(t testing.TB, d string) discovery.Snapshot {
	t.Helper()
	return discovery.Discover(context.Background(), e.Client, d, e.Platform)
}

// Snapshot discovers the test domain as it is now.
func (e *Env) Snapshot(t testing.TB) discovery.Snapshot {
	t.Helper()
	return discovery.Discover(context.Background(), e.Client, Domain, e.Platform)
}

// Detected is the provider choice the person confirms: the detected one.
func Detected(snap discovery.Snapshot) plan.ProviderChoice {
	return plan.ProviderChoice{Provider: snap.Provider, Detected: snap.ProviderFound}
}

// Plan builds the records for the snapshot.
func (e *Env) Plan(t testing.TB, snap discovery.Snapshot) plan.Plan {
	t.Helper()
	p, err := plan.Build(context.Background(), e.Client, snap, e.Platform, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Report checks the test domain as it is now.
func (e *Env) Report(t testing.TB) dnscheck.DomainReport {
	t.Helper()
	return e.ReportOf(t, Domain)
}

// ReportOf checks d as it is now.
func (e *Env) ReportOf(t testing.TB, d string) dnscheck.DomainReport {
	t.Helper()
	exp, err := checks.Expect(e.Platform, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return e.Checker.Check(context.Background(), d, exp)
}

// Config returns the wizard's configuration for the environment; the
// clipboard is off and instructions are saved in a temporary directory.
func (e *Env) Config(t testing.TB) tui.Config {
	return tui.Config{Platform: e.Platform, Resolver: e.Client, Checker: e.Checker, Clipboard: tui.ClipboardOff, SaveDir: t.TempDir()}
}

// Screen is one step of the wizard drawn in its place, for golden files.
type Screen struct {
	Env  *Env
	Step session.StepID // the step drawn, e.g. records.Name
	// State returns the session as the steps before it left it (a fresh
	// one per window size); nil for none.
	State func(t *testing.T) *session.Session
	// Wait lists texts to wait for before the screen is taken.
	Wait []string
	// Then, when set, runs after the wait (more keys, more waiting).
	Then func(t *testing.T, tm *teatest.TestModel)
}

// Golden runs the whole wizard at the screen's step at every size of
// Sizes (subtests "80x24", "40x20") and compares the screen with
// testdata/<test>/<size>.golden. It returns the last models, by size.
func (s Screen) Golden(t *testing.T) map[string]*tui.Model {
	t.Helper()
	out := map[string]*tui.Model{}
	for _, size := range Sizes {
		t.Run(size.Name, func(t *testing.T) {
			m := tui.NewModel(context.Background(), s.Env.Config(t), nil)
			var st *session.Session
			if s.State != nil {
				st = s.State(t)
			}
			m.StartAt(s.Step, st)
			tm := Run(t, m, size.Width, size.Height)
			WaitFor(t, tm, s.Wait...)
			if s.Then != nil {
				s.Then(t, tm)
			}
			final := Final(t, tm).(*tui.Model)
			Golden(t, final.View(), size.Width, size.Height)
			out[size.Name] = final
		})
	}
	return out
}

// Extra is one more domain for NewSession: what was typed and, when
// Snap.Domain is set, what its lookup found.
type Extra struct {
	Input domainname.Input
	Snap  discovery.Snapshot
}

// Others are the domains after the first, for NewSession.
type Others []Extra

// NewSession returns a session holding vals, as the steps before a
// step's would leave it, for tests: a domainname.Input is the first
// domain; a discovery.Snapshot what DNS said about the first domain
// (which it names, when no Input came first); a plan.ProviderChoice the
// first domain's provider, confirmed; Others the other domains (those
// looked up with the provider detected from their MX, confirmed; the
// others with their provider to be detected, confirmed); a
// plan.ReportAddress the DMARC reports address; plan.Plans plans built
// from the current facts; []dnscheck.DomainReport a check finished now
// (after every read); []session.SavedFile files written; a
// session.Message a message verified now; a MessageFile the demo's
// message to verify.
func NewSession(vals ...any) *session.Session {
	s := &session.Session{}
	read := time.Now().Add(-time.Minute)
	for _, v := range vals {
		switch v := v.(type) {
		case domainname.Input:
			s.SetFirst(v)
		case discovery.Snapshot:
			if s.First() == nil {
				s.SetFirst(domainname.Input{Original: v.Domain, Domain: v.Domain, Unicode: v.Domain})
			}
			s.Read(v, read)
		case plan.ProviderChoice:
			if f := s.First(); f != nil {
				s.SetProvider(f.Input.Domain, v, true)
			}
		case Others:
			var ins []domainname.Input
			for _, e := range v {
				ins = append(ins, e.Input)
			}
			s.SetOthers(ins)
			for _, e := range v {
				if e.Snap.Domain == e.Input.Domain {
					s.Read(e.Snap, read)
				}
				d := s.Domain(e.Input.Domain)
				if d != nil && d.ProviderSet {
					s.SetProvider(d.Input.Domain, d.Provider, true)
				} else if d != nil {
					s.SetProvider(d.Input.Domain, plan.ProviderChoice{Detected: true}, true)
				}
			}
			s.OthersAnswered = true
		case plan.ReportAddress:
			s.ReportAddress = v
		case plan.Plans:
			for _, pl := range v {
				s.UsePlan(pl)
			}
		case []dnscheck.DomainReport:
			for _, r := range v { // a domain checked is one of the session's
				if s.Has(r.Domain) {
					continue
				}
				in := domainname.Input{Original: r.Domain, Domain: r.Domain, Unicode: r.Domain}
				if s.First() == nil {
					s.SetFirst(in)
					continue
				}
				var ins []domainname.Input
				for _, d := range s.Others() {
					ins = append(ins, d.Input)
				}
				s.SetOthers(append(ins, in))
			}
			s.Checked(v, time.Now())
		case []session.SavedFile:
			for _, f := range v {
				s.AddFile(f)
			}
		case session.Message:
			s.AddMessage(v)
		case MessageFile:
			s.MessageFile = string(v)
		case Focus:
			s.Focus = string(v)
		default:
			panic(fmt.Sprintf("tuitest: NewSession cannot hold a %T", v))
		}
	}
	return s
}

// Focus is the domain the person was looking at on the checks, for
// NewSession.
type Focus string

// MessageFile is the demo's message file, for NewSession.
type MessageFile string
