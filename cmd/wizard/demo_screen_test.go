package main

import (
	"context"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/cmd/wizard/demo"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui"
)

// screenDriver runs the full-screen wizard of `wizard demo` as Bubble
// Tea would, without a terminal: each key goes to Update, each command
// runs in its own goroutine and its messages come back to Update, on the
// test's goroutine. The test reads the screen with View, as a person
// would, and waits for what it expects to see.
type screenDriver struct {
	t     *testing.T
	m     *tui.Model
	world *demo.World
	msgs  chan tea.Msg
	// views are the screens drawn, one after each message, for tests
	// that look at every screen of a walk.
	views []string
}

// newDemoScreen starts a simulated world whose changes reach every
// server at once, and the demo's wizard over it in a w×h window.
func newDemoScreen(t *testing.T, w, h int) *screenDriver {
	t.Helper()
	world, err := demo.Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = world.Close() })
	world.Lag, world.ResolverLag = 0, 0
	cfg := demoConfig(world)
	cfg.Platform = world.Platform()
	d := newScreen(t, cfg, w, h)
	d.world = world
	return d
}

// newScreen starts the full-screen wizard of cfg in a w×h window, with
// the clipboard off and files saved in a temporary folder.
func newScreen(t *testing.T, cfg tui.Config, w, h int) *screenDriver {
	t.Helper()
	cfg.Clipboard, cfg.SaveDir = tui.ClipboardOff, t.TempDir()
	d := &screenDriver{t: t, m: tui.NewModel(context.Background(), cfg, io.Discard), msgs: make(chan tea.Msg, 256)}
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	d.exec(d.m.Init())
	return d
}

// exec runs cmd in the background; its messages (a batch's and a
// sequence's flattened) come back through d.msgs.
func (d *screenDriver) exec(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				d.exec(c)
			}
			return
		}
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
			for i := range v.Len() {
				if c, _ := v.Index(i).Interface().(tea.Cmd); c != nil {
					d.exec(c)
				}
			}
			return
		}
		if msg != nil {
			d.msgs <- msg
		}
	}()
}

// send gives msg to the wizard.
func (d *screenDriver) send(msg tea.Msg) {
	if _, ok := msg.(tea.QuitMsg); ok {
		return
	}
	_, cmd := d.m.Update(msg)
	d.views = append(d.views, d.m.View())
	d.exec(cmd)
}

// key presses k ("enter", "esc", "down", or a rune such as "p").
func (d *screenDriver) key(k string) {
	switch k {
	case "enter":
		d.send(tea.KeyMsg{Type: tea.KeyEnter})
	case "esc":
		d.send(tea.KeyMsg{Type: tea.KeyEsc})
	case "down":
		d.send(tea.KeyMsg{Type: tea.KeyDown})
	case "up":
		d.send(tea.KeyMsg{Type: tea.KeyUp})
	default:
		d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
	}
}

// typ types s.
func (d *screenDriver) typ(s string) {
	for _, r := range s {
		d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

// view is the screen as plain text.
func (d *screenDriver) view() string { return ansi.Strip(d.m.View()) }

// waitFor feeds the wizard its messages until the screen shows every one
// of texts; it fails the test after 10 s.
func (d *screenDriver) waitFor(texts ...string) {
	d.t.Helper()
	has := func() bool {
		v := d.view()
		for _, s := range texts {
			if !strings.Contains(v, s) {
				return false
			}
		}
		return true
	}
	deadline := time.After(10 * time.Second)
	for !has() {
		select {
		case msg := <-d.msgs:
			d.send(msg)
		case <-deadline:
			d.t.Fatalf("the screen never showed %q:\n%s", texts, d.view())
		}
	}
}

// settle feeds the wizard the messages that arrive within a short while,
// for a screen that has nothing new to wait for.
func (d *screenDriver) settle() {
	for {
		select {
		case msg := <-d.msgs:
			d.send(msg)
		case <-time.After(50 * time.Millisecond):
			return
		}
	}
}

// spfRecords returns the SPF records the simulated resolver serves at
// domain.
func (d *screenDriver) spfRecords(domain string) []string {
	d.t.Helper()
	r := d.world.Querier().Query(context.Background(), domain, dns.TypeTXT)
	if r.Status.Trouble() {
		d.t.Fatalf("the resolver could not give %s TXT: %v", domain, r.Err)
	}
	var out []string
	for _, rr := range r.Records() {
		if v := strings.Join(rr.(*dns.TXT).Txt, ""); dnscheck.IsSPF(v) {
			out = append(out, v)
		}
	}
	return out
}

// shownSPF returns the SPF value on the records screen: the text after
// "Value" on the SPF card, with its continuation lines.
func (d *screenDriver) shownSPF() string {
	d.t.Helper()
	_, card, ok := strings.Cut(d.view(), "SPF: ")
	if !ok {
		d.t.Fatalf("no SPF card on the screen:\n%s", d.view())
	}
	lines := strings.Split(card, "\n")
	for i, l := range lines {
		f := strings.TrimSpace(l)
		if !strings.HasPrefix(f, "Value") {
			continue
		}
		value := strings.TrimSpace(strings.TrimPrefix(f, "Value"))
		// A long value goes on under the label column, at spaces.
		for _, more := range lines[i+1:] {
			if !strings.HasPrefix(more, "          ") || strings.TrimSpace(more) == "" {
				break
			}
			value += " " + strings.TrimSpace(more)
		}
		return value
	}
	d.t.Fatalf("the SPF card shows no value:\n%s", d.view())
	return ""
}
