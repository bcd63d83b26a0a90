package received_test

import (
	"net/url"
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
