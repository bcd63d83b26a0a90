package received_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/received"
)

// Each way to save a message that cites a page cites the vendor's own
// help, never a third party's (the house rule on vendor facts).
func TestHowToSaveCitesTheVendor(t *testing.T) {
	vendor := map[string]string{
		"Outlook (desktop)": "support.microsoft.com",
		"Outlook (web)":     "support.microsoft.com",
		"Gmail":             "support.google.com",
		"Apple Mail":        "support.apple.com",
	}
	for _, h := range received.HowToSave {
		host, ok := vendor[h.Client]
		if !ok {
			t.Errorf("%s: no vendor known for this client", h.Client)
			continue
		}
		if h.Steps == "" {
			t.Errorf("%s: no steps", h.Client)
		}
		if h.Source == "" {
			continue
		}
		u, err := url.Parse(h.Source)
		if err != nil || u.Scheme != "https" || u.Host != host {
			t.Errorf("%s: source %q is not on %s", h.Client, h.Source, host)
		}
	}
}

// Wherever a message tells people how to save a message from Outlook, it
// says what HowToSave says (File > Properties, the headers), never "File >
// Save As, .eml": Outlook's Save As writes a .msg, the format refused.
func TestOutlookAdviceAgreesWithHowToSave(t *testing.T) {
	var texts []string
	for name, in := range map[string]string{
		"empty": "",
		"msg":   "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 rest of an Outlook file",
	} {
		_, err := received.ReadMessage(strings.NewReader(in))
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
		texts = append(texts, err.Error())
	}
	texts = append(texts, received.HeadersOnlyFix)
	for _, s := range texts {
		if strings.Contains(s, "Save As, .eml") || strings.Contains(s, "Save As and choose the .eml") {
			t.Errorf("tells Outlook users to Save As .eml: %s", s)
		}
		if strings.Contains(s, "Outlook") && !strings.Contains(s, "File > Properties") {
			t.Errorf("names Outlook without HowToSave's way: %s", s)
		}
	}
}
