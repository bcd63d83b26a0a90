package dnscheck

import (
	"errors"
	"strings"
	"testing"
)

// TestWizardTroubleFix: for every kind of DNS trouble, the wizard's fix
// names the name that failed and no command-line flag, while the
// command's fix stays as it was; other problems keep their fix.
func TestWizardTroubleFix(t *testing.T) {
	for _, r := range []Response{
		{Name: "_spf.google.com.", Status: StatusRefused},
		{Name: "_spf.google.com.", Status: StatusTimeout},
		{Name: "_spf.google.com.", Status: StatusServFail},
		{Name: "_spf.google.com.", Status: StatusUnreachable, Err: errors.New("connection refused")},
		{Name: "_spf.google.com.", Status: StatusBadReply, Err: ErrMalformed},
		{Name: "_spf.google.com.", Status: StatusError, Err: errors.New("boom")},
		{Name: "_spf.google.com.", Status: StatusServFail, Err: ErrCNAMELoop},
	} {
		p := TroubleProblem(r, "the SPF record included by include:_spf.google.com")
		if p.Name != "_spf.google.com" {
			t.Errorf("%v: Name = %q", r.Status, p.Name)
		}
		fix := WizardTroubleFix(p)
		if strings.Contains(fix, "--") {
			t.Errorf("%v: the wizard's fix names a flag: %q", r.Status, fix)
		}
		if !strings.Contains(fix, "for _spf.google.com.") {
			t.Errorf("%v: the wizard's fix does not name the name: %q", r.Status, fix)
		}
		if r.Status != StatusUnreachable && !strings.HasPrefix(fix, "The DNS servers of google.com ") {
			t.Errorf("%v: the wizard's fix does not say whose servers: %q", r.Status, fix)
		}
	}
	if p := TroubleProblem(Response{Name: "x.example.", Status: StatusRefused}, "x"); !strings.Contains(p.Fix, "--dns-server") {
		t.Errorf("the command's fix changed: %q", p.Fix)
	}
	other := Problem{Code: CodeSPFMissing, Fix: "Add one."}
	if got := WizardTroubleFix(other); got != other.Fix {
		t.Errorf("another problem's fix = %q, want %q", got, other.Fix)
	}
	if got := WizardTroubleFix(Problem{Code: CodeDNSRefused, Fix: "point --dns-server somewhere"}); strings.Contains(got, "--") || got == "" {
		t.Errorf("a problem without a name (an older saved report) gets %q", got)
	}
}
