package advice_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/dnscheck"
	advicestep "github.com/outreach-auth/wizard/steps/advice"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

// TestDMARCPassesThroughDKIMOnScreen: with the DKIM record published and
// SPF not yet right, under p=quarantine, the advice screen never says the
// mail goes to spam or is blocked: DMARC passes through DKIM, and SPF
// still needs fixing.
func TestDMARCPassesThroughDKIMOnScreen(t *testing.T) {
	env := tuitest.NewEnv(t)
	env.PublishDKIM(t)
	r := env.Report(t)
	if r.DKIM.Status != dnscheck.VerdictPass || r.SPF.Status == dnscheck.VerdictPass || r.DMARC.Policy != dnscheck.DMARCQuarantine {
		t.Fatalf("report: SPF %s DKIM %s DMARC %s %s", r.SPF.Status, r.DKIM.Status, r.DMARC.Status, r.DMARC.Policy)
	}
	m := advicestep.NewModel(env.Common(100, 200))
	m.Enter(common.NewState([]dnscheck.DomainReport{r}), common.Forward)
	flat := strings.Join(strings.Fields(tuitest.Plain(m.View())), " ")
	if bad := regexp.MustCompile(`(?i)to spam now|rejecting [^.]* now|holding back|is blocking|passes neither`).FindString(flat); bad != "" {
		t.Errorf("the screen says %q:\n%s", bad, tuitest.Plain(m.View()))
	}
	for _, want := range []string{"p=quarantine: Neoserra mail passes it through DKIM", "SPF still needs fixing"} {
		if !strings.Contains(flat, want) {
			t.Errorf("view lacks %q:\n%s", want, tuitest.Plain(m.View()))
		}
	}
}
