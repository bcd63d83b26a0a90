package common_test

import (
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/tui/common"
)

// TestWrapWriterNeverSplitsAWord: text written in pieces (a word cut
// between two writes too) wraps at spaces to the width, with the line's
// indent on its continuation lines, and a prompt's trailing space is
// written at once.
func TestWrapWriterNeverSplitsAWord(t *testing.T) {
	var b strings.Builder
	ww := common.NewWrapWriter(&b, 20)
	for _, piece := range []string{"Receivers trust that mail only when your", " domain's DNS says so.\n", "  Fix: add the rec", "ord to the zone.\n", "Domain? "} {
		if _, err := ww.Write([]byte(piece)); err != nil {
			t.Fatal(err)
		}
	}
	ww.Flush() // as a prompt is
	want := "Receivers trust that\nmail only when your\ndomain's DNS says\nso.\n  Fix: add the\n  record to the\n  zone.\nDomain? "
	if got := b.String(); got != want {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
	// After the answer's echo, a new line starts at the first column.
	ww.LineRead()
	ww.Write([]byte("an-unbreakable-word-wider-than-twenty and more\n"))
	ww.Flush()
	if got := strings.TrimPrefix(b.String(), want); got != "an-unbreakable-word-wider-than-twenty\nand more\n" {
		t.Fatalf("after a read: %q", got)
	}
	// A word that fits the line only without the indent goes without it.
	b.Reset()
	ww = common.NewWrapWriter(&b, 20)
	ww.Write([]byte("    Fix: osc1._domainkey.exa now\n"))
	if got := b.String(); got != "    Fix:\nosc1._domainkey.exa\n    now\n" {
		t.Fatalf("a long word after an indent: %q", got)
	}
}
