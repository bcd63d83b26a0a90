package advice_test

import (
	"os"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/core/advice"
	"github.com/outreach-auth/wizard/core/checks"
	"github.com/outreach-auth/wizard/core/session"
	advicestep "github.com/outreach-auth/wizard/steps/advice"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
	"github.com/outreach-auth/wizard/tui/tuitest"
)

func TestMain(m *testing.M) { os.Exit(tuitest.Main(m)) }

func reports(t *testing.T, publish bool) []dnscheck.DomainReport {
	env := tuitest.NewEnv(t)
	if publish {
		env.Publish(t)
	}
	return []dnscheck.DomainReport{env.Report(t)}
}

func TestBest(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := advicestep.NewModel(env.Common(100, 80))
	m.Enter(tuitest.NewSession(reports(t, true)), common.Forward)
	if a := m.Advice(); a.Option != advice.OptionBest || a.Checkbox != advice.CheckboxOff {
		t.Fatalf("advice = %+v", a)
	}
	for _, want := range []string{
		"What to do with Neoserra's sender setting",
		"• yourcenter.edu passes SPF and DKIM for Neoserra.",
		"› Best: publish SPF and DKIM, checkbox OFF (fits your result)",
		"Second best: checkbox ON",
		"Not recommended: checkbox OFF without SPF and DKIM in place",
		`The setting "When sending email, have Neoserra authenticate on sender's behalf?"`,
		"Where: Administration | Configuration | General Settings", "Turn it: OFF",
		"DMARC for yourcenter.edu p=quarantine, found",
		"Next steps", "1. In Neoserra, turn OFF",
		"2. Contact OutreachSystems support (+1 (805) 967-1280) and ask them to clear any of your addresses that were rejected",
	} {
		if !tuitest.Contains(m.View(), want) {
			t.Errorf("view lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(tuitest.Plain(m.View()))
	}
	tuitest.Await[common.NextMsg](t, func() tea.Cmd { _, c := m.Update(tuitest.Key("enter")); return c }())
	if a := m.Advice(); a.Option != advice.OptionBest {
		t.Fatalf("advice = %#v", a)
	}
}

func TestSecondBest(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := advicestep.NewModel(env.Common(100, 80))
	m.Enter(tuitest.NewSession(reports(t, false)), common.Forward)
	if a := m.Advice(); a.Option != advice.OptionSecondBest || a.Checkbox != advice.CheckboxOn {
		t.Fatalf("advice = %+v", a)
	}
	for _, want := range []string{
		"yourcenter.edu does not pass yet: SPF fails, DKIM record missing.",
		"› Second best: checkbox ON (fits your result)",
		"checked per message).",
		"Turn it: ON",
		"! Your DMARC policy is p=quarantine, and mail from Neoserra passes neither DKIM nor SPF yet",
		"Reports: none (the record has no rua= tag)",
		"yourcenter.edu's DMARC policy (p=quarantine) is sending mail that fails SPF and DKIM to spam now; fix SPF and DKIM first.",
		"After the fix, contact OutreachSystems support (+1 (805) 967-1280)",
	} {
		if !tuitest.Contains(m.View(), want) {
			t.Errorf("view lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(tuitest.Plain(m.View()))
	}
	_, cmd := m.Update(tuitest.Key("b"))
	tuitest.Await[common.BackMsg](t, cmd)
}

// TestDMARCSaidOnce: two ready domains with p=none and no rua=: the
// screen says once that no reports arrive (and what to do instead), never
// that reports will show anything, and names where reports go when a
// record says so.
func TestDMARCSaidOnce(t *testing.T) {
	env := tuitest.NewEnv(t)
	env.Publish(t)
	a := env.Report(t)
	a.DMARC.Policy, a.DMARC.Record, a.DMARC.ReportsTo = "none", "v=DMARC1; p=none", nil
	b := a
	b.Domain = "other.edu"
	c := a
	c.Domain, c.DMARC.ReportsTo = "third.edu", []string{"mailto:dmarc@third.edu"}
	m := advicestep.NewModel(env.Common(100, 200))
	m.Enter(tuitest.NewSession([]dnscheck.DomainReport{a, b, c}), common.Forward)
	view := tuitest.Plain(m.View())
	flat := strings.Join(strings.Fields(view), " ")
	if n := strings.Count(flat, "so no reports arrive"); n != 1 {
		t.Errorf("the screen says %d times that no reports arrive, want once:\n%s", n, view)
	}
	for _, want := range []string{"the wizard's last step checks a real message", "Reports: sent to dmarc@third.edu", "once the reports sent to dmarc@third.edu show every sender passing"} {
		if !strings.Contains(flat, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(flat, "once reports show") {
		t.Errorf("the screen promises reports no record asks for:\n%s", view)
	}
}

func TestScrollsAtSmallSizes(t *testing.T) {
	env := tuitest.NewEnv(t)
	m := advicestep.NewModel(env.Common(40, 14))
	m.Enter(tuitest.NewSession(reports(t, false)), common.Forward)
	tuitest.CheckFits(t, m.View(), 40, 14)
	for i := 0; i < 80 && !tuitest.Contains(m.View(), "Next steps"); i++ {
		m.Update(tuitest.Key("down"))
	}
	if !tuitest.Contains(m.View(), "Next steps") {
		t.Fatalf("scrolling did not reach the next steps:\n%s", tuitest.Plain(m.View()))
	}
	tuitest.CheckFits(t, m.View(), 40, 14)
}

func TestGolden(t *testing.T) {
	t.Run("best", func(t *testing.T) {
		env := tuitest.NewEnv(t)
		env.Publish(t)
		tuitest.Screen{Env: env, Step: advicestep.Name,
			State: func(t *testing.T) *session.Session {
				return tuitest.NewSession(env.Input(t), []dnscheck.DomainReport{env.Report(t)})
			},
			Wait: []string{"What to do with"}}.Golden(t)
	})
	t.Run("second-best", func(t *testing.T) {
		env := tuitest.NewEnv(t)
		tuitest.Screen{Env: env, Step: advicestep.Name,
			State: func(t *testing.T) *session.Session {
				return tuitest.NewSession(env.Input(t), []dnscheck.DomainReport{env.Report(t)})
			},
			Wait: []string{"What to do with"}}.Golden(t)
	})
}

// TestDMARCInWords: the screen says each domain's DMARC policy in the
// words the plain prompts use (checks.DMARCWords), with the reports fact,
// and never as the bare record or the verdict "pass".
func TestDMARCInWords(t *testing.T) {
	env := tuitest.NewEnv(t)
	blocked := env.Report(t) // not published: p=quarantine holds Neoserra's mail back
	inherited := blocked
	inherited.Domain = "dept.yourcenter.edu"
	inherited.DMARC.Source, inherited.DMARC.OrgDomain = dnscheck.DMARCSourceOrganizational, "yourcenter.edu"
	m := advicestep.NewModel(env.Common(100, 200))
	m.Enter(tuitest.NewSession([]dnscheck.DomainReport{blocked, inherited}), common.Forward)
	flat := strings.Join(strings.Fields(tuitest.Plain(m.View())), " ")
	for _, want := range []string{
		"DMARC for yourcenter.edu " + checks.DMARCWords(blocked.DMARC.State(), "Neoserra") + " Reports: " + advice.ReportsFact(blocked.DMARC),
		"DMARC for dept.yourcenter.edu " + checks.DMARCWords(inherited.DMARC.State(), "Neoserra") + " (managed by whoever runs yourcenter.edu's DNS)",
		"p=quarantine: sending Neoserra mail to spam now",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("view lacks %q:\n%s", want, tuitest.Plain(m.View()))
		}
	}
	for _, bad := range []string{"(v=DMARC1", "DMARC for yourcenter.edu pass"} {
		if strings.Contains(flat, bad) {
			t.Errorf("view says %q:\n%s", bad, tuitest.Plain(m.View()))
		}
	}
}

// TestEnterSaysNext: enter leads to the optional last step, and the
// footer says so (shorter in a narrow window), never "finish".
func TestEnterSaysNext(t *testing.T) {
	env := tuitest.NewEnv(t)
	for _, c := range []struct {
		width int
		want  string
	}{{100, "next: check a real message"}, {40, "check real mail"}} {
		m := advicestep.NewModel(env.Common(c.width, 20))
		m.Enter(tuitest.NewSession(reports(t, true)), common.Forward)
		if got := m.ShortHelp()[0].Help(); got.Key != "enter" || got.Desc != c.want {
			t.Errorf("at %d columns the footer says %q %q, want enter %q", c.width, got.Key, got.Desc, c.want)
		}
		if got := m.FullHelp()[0][0].Help().Desc; got != "next: check a real message" {
			t.Errorf("at %d columns the full help says enter %q", c.width, got)
		}
	}
}
