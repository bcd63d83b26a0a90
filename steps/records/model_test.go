package records_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/outreach-auth/wizard/steps/records"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/audience"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

func TestMain(m *testing.M) { os.Exit(tuitest.Main(m)) }

func built(t *testing.T, env *tuitest.Env, w, h int, dir string, actions ...common.KeyAction) *records.Model {
	t.Helper()
	snap := env.Snapshot(t)
	m := records.NewModel(env.Common(w, h), env.Client, dir, actions)
	cmd := m.Enter(common.NewState(env.Input(t), snap, tuitest.Detected(snap)), common.Forward)
	m.Update(tuitest.Await[records.PlanMsg](t, cmd))
	if _, ok := m.Plan(); !ok {
		t.Fatalf("no plan:\n%s", tuitest.Plain(m.View()))
	}
	return m
}

func press(t *testing.T, m *records.Model, k string) tea.Cmd {
	t.Helper()
	_, cmd := m.Update(tuitest.Key(k))
	return cmd
}

func TestCards(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := built(t, env, 80, 40, t.TempDir())
	for _, want := range []string{
		"Records to publish for yourcenter.edu",
		"DNS host: Cloudflare · mail provider: Microsoft 365",
		"› 1/3 DKIM: add a CNAME record",
		"Name osc1._domainkey", "Value osc1._domainkey.outreachsystems.com.",
		"2/3 SPF: replace the TXT record", "Value v=spf1 include:spf.protection.outlook.com", "include:spf.outreachsystems.com -all", "Replaces " + tuitest.OldSPF, "Uses 2 of the 10 DNS lookups receivers allow.",
		"3/3 DMARC: keep the TXT record (no change needed)",
		"Watch out", "! Set the CNAME's proxy status to DNS only (grey cloud)",
	} {
		if !tuitest.Contains(m.View(), want) {
			t.Errorf("view lacks %q", want)
		}
	}
	// The notes that prevent a mistake stand above the cards.
	if v := tuitest.Plain(m.View()); strings.Index(v, "Watch out") > strings.Index(v, "1/3 DKIM") {
		t.Error("Watch out comes after the cards")
	}
	if t.Failed() {
		t.Log(tuitest.Plain(m.View()))
	}
	// The plan is kept in the state as soon as it is built.
	p, _ := m.Plan()
	if got := tuitest.Await[common.NextMsg](t, press(t, m, "enter")).Results[0].(plan.Plans); len(got) != 1 || got[0].Domain != p.Domain {
		t.Fatalf("result = %+v", got)
	}
}

// TestCopyKeys: c, n and a ask the shell to copy exactly the value, the
// name and the zone snippet of the selected record.
func TestCopyKeys(t *testing.T) {
	env := tuitest.NewEnv(t)
	dir := t.TempDir()
	m := built(t, env, 80, 24, dir)
	p, _ := m.Plan()
	got := tuitest.Await[common.CopyMsg](t, press(t, m, "c"))
	if got.Text != "osc1._domainkey.outreachsystems.com." || got.What != "the DKIM value for yourcenter.edu" {
		t.Fatalf("c copied %+v", got)
	}
	press(t, m, "down")
	if m.Selected() != 1 || !tuitest.Contains(m.View(), "› 2/3 SPF") {
		t.Fatalf("down did not select the SPF card:\n%s", tuitest.Plain(m.View()))
	}
	if got := tuitest.Await[common.CopyMsg](t, press(t, m, "c")); got.Text != tuitest.NewSPF {
		t.Fatalf("c copied %q", got.Text)
	}
	if got := tuitest.Await[common.CopyMsg](t, press(t, m, "n")); got.Text != "@" || got.What != "the SPF name for yourcenter.edu" {
		t.Fatalf("n copied %+v", got)
	}
	all := tuitest.Await[common.CopyMsg](t, press(t, m, "a"))
	if all.Text != plan.ZoneSnippet(p) || !strings.Contains(all.Text, "osc1._domainkey\t3600\tIN\tCNAME\tosc1._domainkey.outreachsystems.com.") {
		t.Fatalf("a copied %q", all.Text)
	}
	// The fallback saves the instructions.
	path, err := all.Save()
	if err != nil || path != filepath.Join(dir, "dns-records-yourcenter.edu.txt") {
		t.Fatalf("save = %q, %v", path, err)
	}
	// Selection stops at the ends.
	press(t, m, "down")
	press(t, m, "down")
	press(t, m, "down")
	if m.Selected() != 2 {
		t.Fatalf("selected %d", m.Selected())
	}
}

func TestSave(t *testing.T) {
	env := tuitest.NewEnv(t)
	dir := t.TempDir()
	m := built(t, env, 80, 24, dir)
	saved := tuitest.Await[records.SavedMsg](t, press(t, m, "s"))
	want := filepath.Join(dir, "dns-records-yourcenter.edu.txt")
	if saved.Err != nil || saved.Path != want {
		t.Fatalf("saved = %+v", saved)
	}
	_, cmd := m.Update(saved)
	if st := tuitest.Await[common.StatusMsg](t, cmd); st.Text != "Saved the records for yourcenter.edu as text to "+want+"." || st.Level != common.Success {
		t.Fatalf("status = %+v", st)
	}
	data, _ := os.ReadFile(want)
	var b strings.Builder
	p, _ := m.Plan()
	plan.WriteTextFor(&b, p, audience.Sheet) // read by someone who may not have the wizard
	if string(data) != b.String() {
		t.Fatalf("file:\n%s\nwant:\n%s", data, b.String())
	}

	// A directory that does not exist: the status says why.
	m = built(t, env, 80, 24, filepath.Join(dir, "missing"))
	saved = tuitest.Await[records.SavedMsg](t, press(t, m, "s"))
	_, cmd = m.Update(saved)
	if st := tuitest.Await[common.StatusMsg](t, cmd); st.Level != common.Failure || !strings.Contains(st.Text, "Could not save the records for yourcenter.edu: could not write dns-records-yourcenter.edu.txt: the folder "+filepath.Join(dir, "missing")+" does not exist.") {
		t.Fatalf("status = %+v", st)
	}
}

// TestToggleIPs rebuilds the plan with the platform's addresses.
func TestToggleIPs(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := built(t, env, 80, 24, t.TempDir())
	cmd := press(t, m, "i")
	_, cmd = m.Update(tuitest.Await[records.PlanMsg](t, cmd))
	p, _ := m.Plan()
	spf := p.Records[1].Value
	if !strings.Contains(spf, "ip4:107.20.160.162") || strings.Contains(spf, "include:spf.outreachsystems.com") {
		t.Fatalf("SPF with addresses = %q", spf)
	}
	st := tuitest.Await[common.StatusMsg](t, cmd)
	if !strings.Contains(st.Text, "by its addresses (ip4:)") {
		t.Fatalf("status = %q", st.Text)
	}
	if !tuitest.Contains(m.View(), "ip4:107.20.160.162") {
		t.Fatalf("view:\n%s", tuitest.Plain(m.View()))
	}
	m.Update(tuitest.Await[records.PlanMsg](t, press(t, m, "i")))
	if p, _ := m.Plan(); p.Records[1].Value != tuitest.NewSPF {
		t.Fatalf("back to include: %q", p.Records[1].Value)
	}
}

// TestStalePlan: a plan built for an older request is dropped.
func TestStalePlan(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := built(t, env, 80, 24, t.TempDir())
	first := press(t, m, "i")
	old := tuitest.Await[records.PlanMsg](t, first)
	press(t, m, "esc") // leaving drops the build in flight
	m.Update(old)
	if p, _ := m.Plan(); p.Records[1].Value != tuitest.NewSPF {
		t.Fatalf("a stale plan was taken: %q", p.Records[1].Value)
	}
}

func TestActions(t *testing.T) {
	env := tuitest.NewEnv(t)
	var got string
	acts := []common.KeyAction{
		{Key: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "publish")),
			Run: func(_ context.Context, p plan.Plan) (string, error) {
				got = p.Domain
				return "Published.", nil
			}},
		{Key: key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "make a mistake")),
			Run: func(context.Context, plan.Plan) (string, error) { return "", errors.New("no \x1b[2Jway") }},
	}
	m := built(t, env, 80, 24, t.TempDir(), acts...)
	if st := tuitest.Await[common.StatusMsg](t, press(t, m, "p")); st.Text != "Published." || got != "yourcenter.edu" {
		t.Fatalf("status = %+v, plan for %q", st, got)
	}
	if st := tuitest.Await[common.StatusMsg](t, press(t, m, "m")); st.Text != `no \x1b[2Jway` || st.Level != common.Failure {
		t.Fatalf("status = %+v", st)
	}
	found := false
	for _, g := range m.FullHelp() {
		for _, b := range g {
			found = found || b.Help().Desc == "make a mistake"
		}
	}
	if !found {
		t.Fatal("actions are not in the help")
	}
}

// TestScrolling: at 40×20 the cards scroll, and selecting one shows it.
func TestScrolling(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := built(t, env, 40, 14, t.TempDir())
	tuitest.CheckFits(t, m.View(), 40, 14)
	if !tuitest.Contains(m.View(), "↓ more below") {
		t.Fatalf("no scroll hint:\n%s", tuitest.Plain(m.View()))
	}
	press(t, m, "down") // shows the first card, below the notes
	press(t, m, "down")
	press(t, m, "down")
	if !tuitest.Contains(m.View(), "› 3/3 DMARC") {
		t.Fatalf("the selected card is not shown:\n%s", tuitest.Plain(m.View()))
	}
	tuitest.CheckFits(t, m.View(), 40, 14)
}

func TestGolden(t *testing.T) {
	env := tuitest.NewEnv(t)
	state := func(t *testing.T) *common.State {
		snap := env.Snapshot(t)
		return common.NewState(env.Input(t), snap, tuitest.Detected(snap))
	}
	t.Run("first", func(t *testing.T) {
		tuitest.Screen{Env: env, Step: records.Name, State: state, Wait: []string{"Records to publish"}}.Golden(t)
	})
	t.Run("spf", func(t *testing.T) {
		tuitest.Screen{Env: env, Step: records.Name, State: state, Wait: []string{"Records to publish"},
			Then: func(t *testing.T, tm *teatest.TestModel) {
				selectSPF(t, tm)
			}}.Golden(t)
	})
	// w shows the "Watch out" notes in full, from their start.
	t.Run("notes", func(t *testing.T) {
		tuitest.Screen{Env: env, Step: records.Name, State: state, Wait: []string{"Records to publish"},
			Then: func(t *testing.T, tm *teatest.TestModel) {
				tm.Send(tuitest.Key("w"))
				tuitest.WaitFor(t, tm, "w folds these notes")
			}}.Golden(t)
	})
}

// Coming back from checking, the step looks DNS up again: a CNAME created
// at the doubled name in the meantime shows up as a record to delete.
func TestBackRediscovers(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := built(t, env, 80, 24, t.TempDir())
	if p, _ := m.Plan(); len(p.Records) != 3 {
		t.Fatalf("want 3 records before the mistake, got %d", len(p.Records))
	}
	doubled := "osc1._domainkey." + tuitest.Domain + "." + tuitest.Domain + "."
	if err := env.Server.Add(doubled + " 300 IN CNAME osc1._domainkey.outreachsystems.com."); err != nil {
		t.Fatal(err)
	}
	cmd := m.Enter(common.NewState(), common.Backward)
	m.Update(tuitest.Await[records.PlanMsg](t, cmd))
	p, _ := m.Plan()
	var found bool
	for _, r := range p.Records {
		found = found || (r.Action == plan.ActionDelete && r.Name == doubled)
	}
	if !found {
		t.Fatalf("coming back did not propose deleting %s:\n%s", doubled, tuitest.Plain(m.View()))
	}
}

// longSPF is what zoneLongSPF publishes: merged with the platform's
// include it is over 255 bytes.
var longSPF = func() string {
	terms := []string{"v=spf1", "include:spf.protection.outlook.com"}
	for i := 1; i <= 14; i++ {
		terms = append(terms, fmt.Sprintf("ip4:198.51.100.%d", i))
	}
	return strings.Join(append(terms, "-all"), " ")
}()

// zoneLongSPF is yourcenter.edu at a DNS host the catalog does not know,
// with Microsoft 365 mail and a long SPF record.
var zoneLongSPF = func() string {
	var strs []string
	for _, s := range assets.SplitTXT(longSPF) {
		strs = append(strs, `"`+s+`"`)
	}
	return `$ORIGIN yourcenter.edu.
@ 300 IN SOA ns1.example-dns.net. hostmaster 1 7200 3600 1209600 300
@ 300 IN NS ns1.example-dns.net.
@ 300 IN NS ns2.example-dns.net.
@ 300 IN MX 0 yourcenter-edu.mail.protection.outlook.com.
@ 300 IN TXT ` + strings.Join(strs, " ") + `
_dmarc 300 IN TXT "v=DMARC1; p=none"
`
}()

// TestCardsUnknownHost: at a DNS host the catalog does not know, a card
// shows the name relative to the zone with the full name under it, and a
// long SPF value as one unquoted value; n and c copy exactly those.
func TestCardsUnknownHost(t *testing.T) {
	env := tuitest.NewEnv(t, zoneLongSPF)
	m := built(t, env, 80, 60, t.TempDir())
	p, _ := m.Plan()
	spf := p.Records[1]
	if len(spf.Value) <= assets.MaxTXTString || spf.FormValue != spf.Value {
		t.Fatalf("SPF value (%d bytes) %q, form value %q: want over 255 bytes, unquoted", len(spf.Value), spf.Value, spf.FormValue)
	}
	for _, want := range []string{
		"DNS host: not recognised (ns1.example-dns.net, ns2.example-dns.net)",
		"Name osc1._domainkey\n full name: osc1._domainkey.yourcenter.edu.",
		"Name @\n full name: yourcenter.edu.",
		"Name _dmarc\n full name: _dmarc.yourcenter.edu.",
		"Value v=spf1 include:spf.protection.outlook.com",
	} {
		if !tuitest.Contains(m.View(), want) {
			t.Errorf("view lacks %q", want)
		}
	}
	if strings.Contains(tuitest.Plain(m.View()), `"v=spf1`) {
		t.Errorf("the SPF value is shown in quotes")
	}
	if t.Failed() {
		t.Log(tuitest.Plain(m.View()))
	}
	press(t, m, "down")
	if got := tuitest.Await[common.CopyMsg](t, press(t, m, "c")); got.Text != spf.Value {
		t.Errorf("c copied %q, want %q", got.Text, spf.Value)
	}
	if got := tuitest.Await[common.CopyMsg](t, press(t, m, "n")); got.Text != "@" {
		t.Errorf("n copied %q, want @", got.Text)
	}
}

// TestGoldenLongSPF: the SPF card of a long record at an unknown DNS host.
func TestGoldenLongSPF(t *testing.T) {
	env := tuitest.NewEnv(t, zoneLongSPF)
	state := func(t *testing.T) *common.State {
		snap := env.Snapshot(t)
		return common.NewState(env.Input(t), snap, tuitest.Detected(snap))
	}
	tuitest.Screen{Env: env, Step: records.Name, State: state, Wait: []string{"Records to publish"},
		Then: func(t *testing.T, tm *teatest.TestModel) {
			selectSPF(t, tm)
		}}.Golden(t)
}

// TestBrokenSPFNoDeadEnd: with a typo in the SPF record the records step
// shows the repaired record, each repair on a "Repaired:" line, and goes
// on as for any other record.
func TestBrokenSPFNoDeadEnd(t *testing.T) {
	typo := strings.TrimSuffix(tuitest.OldSPF, " -all") + " ~al"
	env := tuitest.NewEnv(t, strings.Replace(tuitest.ZoneYourCenter, tuitest.OldSPF, typo, 1))
	m := built(t, env, 80, 40, t.TempDir())
	for _, want := range []string{
		"2/3 SPF: replace the TXT record",
		"Value v=spf1 include:spf.protection.outlook.com", "include:spf.outreachsystems.com ~all",
		"Replaces " + typo,
		"Repaired: Wrote “~al” as ~all.",
	} {
		if !tuitest.Contains(m.View(), want) {
			t.Errorf("view lacks %q", want)
		}
	}
	if tuitest.Contains(m.View(), "Could not work out the records") {
		t.Error("the records step stops at the broken record")
	}
	if t.Failed() {
		t.Log(tuitest.Plain(m.View()))
	}
	if got := tuitest.Await[common.NextMsg](t, press(t, m, "enter")).Results[0].(plan.Plans); len(got) != 1 {
		t.Fatalf("result = %+v", got)
	}
}
