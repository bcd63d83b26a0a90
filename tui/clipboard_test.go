package tui_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/outreach-auth/wizard/tui"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// TestClipboardBytes checks exactly what each environment gets: the system
// clipboard, OSC 52 on the terminal, the tmux-wrapped form, or nothing.
func TestClipboardBytes(t *testing.T) {
	const text = "v=spf1 include:spf.outreachsystems.com -all"
	const b64 = "dj1zcGYxIGluY2x1ZGU6c3BmLm91dHJlYWNoc3lzdGVtcy5jb20gLWFsbA=="
	const osc = "\x1b]52;c;" + b64 + "\a"
	const tmux = osc + "\x1bPtmux;\x1b\x1b]52;c;" + b64 + "\a\x1b\\"
	sysFail := errors.New("exec: \"xclip\": executable file not found in $PATH")
	for _, tc := range []struct {
		name    string
		mode    string
		goos    string
		env     map[string]string
		sysErr  error
		noTerm  bool
		term    string // bytes written to the terminal
		system  bool   // the system clipboard got the text
		how     string
		wantErr error
	}{
		{name: "display", mode: "auto", env: map[string]string{"DISPLAY": ":0"}, system: true, how: "to the system clipboard"},
		{name: "wayland", mode: "auto", env: map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, system: true, how: "to the system clipboard"},
		{name: "macos", mode: "auto", goos: "darwin", system: true, how: "to the system clipboard"},
		{name: "ssh with display forwarded", mode: "auto", env: map[string]string{"DISPLAY": "localhost:10.0", "SSH_CONNECTION": "192.0.2.1 5000 192.0.2.2 22"}, term: osc},
		{name: "ssh", mode: "auto", env: map[string]string{"SSH_TTY": "/dev/pts/0"}, term: osc},
		{name: "no display", mode: "", term: osc},
		{name: "tmux", mode: "auto", env: map[string]string{"TMUX": "/tmp/tmux-0/default,1,0", "SSH_TTY": "/dev/pts/1"}, term: tmux},
		{name: "display but no tool", mode: "auto", env: map[string]string{"DISPLAY": ":0"}, sysErr: sysFail, system: true, term: osc},
		{name: "off", mode: "off", env: map[string]string{"DISPLAY": ":0"}, wantErr: tui.ErrClipboardOff},
		{name: "forced osc52", mode: "osc52", env: map[string]string{"DISPLAY": ":0"}, term: osc},
		{name: "forced system over ssh", mode: "system", env: map[string]string{"DISPLAY": ":0", "SSH_TTY": "/dev/pts/0"}, system: true, how: "to the system clipboard"},
		{name: "nothing at all", mode: "auto", noTerm: true, wantErr: tui.ErrNoClipboard},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var term bytes.Buffer
			var got []string
			c := tui.Clipboard{Mode: tc.mode, GOOS: tc.goos, Getenv: envOf(tc.env), Term: &term,
				System: func(s string) error { got = append(got, s); return tc.sysErr }}
			if c.GOOS == "" {
				c.GOOS = "linux"
			}
			if tc.noTerm {
				c.Term = nil
			}
			how, err := c.Copy(text)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if term.String() != tc.term {
				t.Errorf("terminal got %q, want %q", term.String(), tc.term)
			}
			if tc.system != (len(got) == 1) || (tc.system && got[0] != text) {
				t.Errorf("system clipboard got %q, want it used: %v", got, tc.system)
			}
			if tc.how != "" && how != tc.how {
				t.Errorf("how = %q, want %q", how, tc.how)
			}
			if tc.term == tmux && how != "through tmux to your terminal (if nothing pastes, run: tmux set -g set-clipboard on)" {
				t.Errorf("tmux note = %q", how)
			}
		})
	}
}

func TestOSC52(t *testing.T) {
	if got := tui.OSC52("hello"); got != "\x1b]52;c;aGVsbG8=\a" {
		t.Fatalf("OSC52 = %q", got)
	}
	if got := tui.TmuxPassthrough("\x1b]52;c;aGVsbG8=\a"); got != "\x1bPtmux;\x1b\x1b]52;c;aGVsbG8=\a\x1b\\" {
		t.Fatalf("TmuxPassthrough = %q", got)
	}
}

// TestClipboardRefusesControlText: a value with an escape, a carriage
// return, a C1 control, DEL or a bidirectional override never reaches
// the system clipboard or the terminal, in any mode; tabs and line feeds
// (the zone-file snippet) do.
func TestClipboardRefusesControlText(t *testing.T) {
	hostile := []string{
		"v=spf1 \x1b]52;c;ZWNobyBoaQ==\a -all",
		"v=spf1 -all\rrm -rf ~",
		"v=spf1 \u009b31m -all",
		"v=spf1 \x7f-all",
		"v=spf1 include:\u202eevil.test -all",
		"v=spf1 \xff -all",
	}
	for _, mode := range []string{"auto", "system", "osc52"} {
		for _, text := range hostile {
			var term bytes.Buffer
			var got []string
			c := tui.Clipboard{Mode: mode, GOOS: "linux", Getenv: envOf(map[string]string{"DISPLAY": ":0"}), Term: &term,
				System: func(s string) error { got = append(got, s); return nil }}
			if _, err := c.Copy(text); !errors.Is(err, tui.ErrControlText) {
				t.Errorf("%s, %q: err = %v, want ErrControlText", mode, text, err)
			}
			if term.Len() != 0 || len(got) != 0 {
				t.Errorf("%s, %q: copied (terminal %q, system %q)", mode, text, term.String(), got)
			}
		}
	}
	snippet := "@\t3600\tIN\tTXT\t\"v=spf1 -all\"\nosc1._domainkey\t3600\tIN\tCNAME\tx.\n"
	if !tui.Copyable(snippet) {
		t.Fatal("a zone-file snippet is refused")
	}
	var term bytes.Buffer
	if _, err := (tui.Clipboard{Mode: "osc52", Term: &term}).Copy(snippet); err != nil || term.String() != tui.OSC52(snippet) {
		t.Fatalf("snippet: %v, %q", err, term.String())
	}
}

// TestCopyKeyRefusesControlText: the shell says why a value with control
// characters was not copied, and the terminal gets no OSC 52 for it.
func TestCopyKeyRefusesControlText(t *testing.T) {
	env := tuitest.NewEnv(t)
	cfg := cfgFor(env, t.TempDir())
	cfg.Clipboard = tui.ClipboardOSC52
	term := &syncBuffer{}
	m := tui.NewModel(context.Background(), cfg, term)
	_, cmd := m.Update(common.CopyMsg{What: "the SPF value for x.test", Text: "v=spf1 \x1b[2J -all"})
	st := tuitest.Await[common.StatusMsg](t, cmd)
	if st.Level != common.Failure || st.Text != "Could not copy the SPF value for x.test: it holds control characters, which are never copied." {
		t.Fatalf("status %+v", st)
	}
	term.mu.Lock()
	defer term.mu.Unlock()
	if term.b.Len() != 0 {
		t.Fatalf("the terminal got %q", term.b.String())
	}
}
