package received_test

import (
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/received"
)

// Alignment modes decide: a DKIM signer on a subdomain of the From domain
// (d=mail.<domain>), and a Return-Path on one (bounce@mail.<domain>),
// align under relaxed alignment and not under strict, separately for DKIM
// (adkim=) and SPF (aspf=). Each domain publishes its own DMARC record, so
// the organisational domain of mail.<domain> is <domain> whether it is
// found by the Public Suffix List or by a DNS tree walk.
func TestAlignmentModes(t *testing.T) {
	t.Parallel()
	srv := server(t)
	modes := map[string]struct{ dkimRelaxed, spfRelaxed bool }{
		"relaxed.edu":    {true, true},   // adkim=r; aspf=r
		"strict.edu":     {false, false}, // adkim=s; aspf=s
		"dkimstrict.edu": {false, true},  // adkim=s; aspf=r
		"spfstrict.edu":  {true, false},  // adkim=r; aspf=s
		"default.edu":    {true, true},   // neither tag: relaxed
	}
	for dom, m := range modes {
		tags := ""
		switch dom {
		case "relaxed.edu":
			tags = "; adkim=r; aspf=r"
		case "strict.edu":
			tags = "; adkim=s; aspf=s"
		case "dkimstrict.edu":
			tags = "; adkim=s; aspf=r"
		case "spfstrict.edu":
			tags = "; adkim=r; aspf=s"
		}
		if err := srv.AddZone(zone(dom,
			`@ IN TXT "v=spf1 -all"`,
			`_dmarc IN TXT "v=DMARC1; p=reject`+tags+`"`,
			`mail IN TXT "v=spf1 include:spf.outreachsystems.com -all"`,
			"osc1._domainkey.mail IN CNAME osc1._domainkey.outreachsystems.com.")); err != nil {
			t.Fatal(err)
		}
		t.Run(dom+" DKIM", func(t *testing.T) {
			t.Parallel()
			// Signed by mail.<dom>; SPF passes only for another domain.
			msg := delivered(sign(t, content("jane@"+dom), "mail."+dom, "osc1", platformKey), "bounce@othercenter.edu", "192.0.2.10", "")
			rep := verify(t, srv, msg)
			d := rep.DKIM[0]
			if d.Result != received.ResultPass || d.AlignedStrict || !d.AlignedRelaxed || d.Aligned != m.dkimRelaxed {
				t.Fatalf("dkim %+v, want aligned=%v", d, m.dkimRelaxed)
			}
			if s := rep.SPF; s.Result != received.ResultPass || s.Aligned {
				t.Fatalf("spf %+v", s)
			}
			wantVerdict := received.VerdictFail
			if m.dkimRelaxed {
				wantVerdict = received.VerdictPass
			}
			if rep.Verdict != wantVerdict || (rep.DMARC.Result == received.ResultPass) != m.dkimRelaxed {
				t.Errorf("verdict %q dmarc %+v, want %q", rep.Verdict, rep.DMARC, wantVerdict)
			}
			if !m.dkimRelaxed && !strings.Contains(text(rep), "strict alignment (adkim=s)") {
				t.Errorf("the text does not say why:\n%s", text(rep))
			}
		})
		t.Run(dom+" SPF", func(t *testing.T) {
			t.Parallel()
			// Not signed; the Return-Path is on mail.<dom>.
			msg := delivered(content("jane@"+dom), "bounce@mail."+dom, platformIP, "")
			rep := verify(t, srv, msg)
			s := rep.SPF
			if s.Result != received.ResultPass || s.MailFromDomain != "mail."+dom || s.AlignedStrict || !s.AlignedRelaxed || s.Aligned != m.spfRelaxed {
				t.Fatalf("spf %+v, want aligned=%v", s, m.spfRelaxed)
			}
			wantVerdict := received.VerdictFail
			if m.spfRelaxed {
				wantVerdict = received.VerdictPass
			}
			if rep.Verdict != wantVerdict {
				t.Errorf("verdict %q dmarc %+v, want %q", rep.Verdict, rep.DMARC, wantVerdict)
			}
			if !m.spfRelaxed && !strings.Contains(text(rep), "strict alignment (aspf=s)") {
				t.Errorf("the text does not say why:\n%s", text(rep))
			}
		})
	}
}
