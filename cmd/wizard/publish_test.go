package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/miekg/dns"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/core/publish"
)

// pubKeyFile writes a BIND key file for the test key with secret and mode.
func pubKeyFile(t *testing.T, secret string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "wizard.key")
	text := "key \"" + strings.TrimSuffix(pubKeyName, ".") + "\" {\n\talgorithm hmac-sha256;\n\tsecret \"" + secret + "\";\n};\n"
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

// pubRun runs the wizard and checks that the key's secret is nowhere in
// what it wrote.
func pubRun(t *testing.T, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, streams{in: strings.NewReader(""), out: &out, err: &errOut})
	r := result{code, out.String(), errOut.String()}
	for _, secret := range []string{realServers.secret, wrongSecret} {
		if secret != "" && (strings.Contains(r.stdout, secret) || strings.Contains(r.stderr, secret)) {
			t.Errorf("the secret appears in the output of %q:\n%s\n%s", args, r.stdout, r.stderr)
		}
	}
	return r
}

// wrongSecret is a well-formed secret the servers do not know.
var wrongSecret = base64.StdEncoding.EncodeToString([]byte("not the secret the servers know!"))

// pubArgs are the arguments of a publish of domain on s.
func pubArgs(s *realServer, keyFile, domain string, extra ...string) []string {
	return append([]string{"publish", domain, "--tsig-key", keyFile, "--server", s.addr, "--dns-server", s.resolve, "--give-up-after", "20s"}, extra...)
}

// pubState reads name's records of qtype from the server itself, as
// sorted presentation rdata.
func pubState(t *testing.T, s *realServer, name string, qtype uint16) []string {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	c := &dns.Client{Net: "tcp", Timeout: 2 * time.Second}
	r, _, err := c.Exchange(m, s.addr)
	if err != nil {
		t.Fatalf("reading %s from %s: %v", name, s.kind, err)
	}
	var out []string
	for _, rr := range r.Answer {
		if rr.Header().Rrtype == qtype && strings.EqualFold(rr.Header().Name, dns.Fqdn(name)) {
			out = append(out, strings.TrimPrefix(rr.String(), rr.Header().String()))
		}
	}
	slices.Sort(out)
	return out
}

func wantState(t *testing.T, s *realServer, name string, qtype uint16, want ...string) {
	t.Helper()
	slices.Sort(want)
	if got := pubState(t, s, name, qtype); !slices.Equal(got, want) {
		t.Errorf("%s %s %s on %s = %q, want %q", name, dns.TypeToString[qtype], "", s.kind, got, want)
	}
}

const (
	pubOldSPF    = `"v=spf1 include:spf.protection.outlook.com -all"`
	pubMergedSPF = `"v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all"`
	pubVerify    = `"MS=ms12345678"`
	pubCNAME     = "osc1._domainkey.outreachsystems.com."
)

// untouched checks that domain still holds what its zone file says.
func untouched(t *testing.T, s *realServer, domain string) {
	t.Helper()
	wantState(t, s, domain, dns.TypeTXT, pubOldSPF, pubVerify)
	wantState(t, s, "osc1._domainkey."+domain, dns.TypeCNAME)
	wantState(t, s, "_dmarc."+domain, dns.TypeTXT)
}

func forEachServer(t *testing.T, f func(t *testing.T, s *realServer, key string)) {
	for _, kind := range []string{"bind", "knot"} {
		t.Run(kind, func(t *testing.T) {
			s := realServers.server(t, kind)
			f(t, s, pubKeyFile(t, realServers.secret, 0o600))
		})
	}
}

// TestPublishReadyThenNothingToChange: the plan's records are published
// (other TXT records at the name stay), the check then says ready, and
// publishing again sends nothing.
func TestPublishReadyThenNothingToChange(t *testing.T) {
	forEachServer(t, func(t *testing.T, s *realServer, key string) {
		domain := "alpha-" + s.kind + ".edu"
		r := pubRun(t, pubArgs(s, key, domain, "--yes")...)
		if r.code != exitOK {
			t.Fatalf("publish: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
		}
		for _, want := range []string{"prereq nxdomain osc1._domainkey." + domain + ".", "prereq yxrrset " + domain + ". TXT " + pubOldSPF,
			"update delete " + domain + ". TXT " + pubOldSPF, "Published in " + domain, "✓ Every domain passes SPF and DKIM."} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("publish output lacks %q:\n%s", want, r.stdout)
			}
		}
		wantState(t, s, domain, dns.TypeTXT, pubMergedSPF, pubVerify)
		wantState(t, s, "osc1._domainkey."+domain, dns.TypeCNAME, pubCNAME)
		wantState(t, s, "_dmarc."+domain, dns.TypeTXT, `"v=DMARC1; p=none"`)

		if c := pubRun(t, "check", domain, "--dns-server", s.resolve); c.code != exitOK {
			t.Errorf("check after publish: exit %d\n%s%s", c.code, c.stdout, c.stderr)
		}
		again := pubRun(t, pubArgs(s, key, domain, "--yes")...)
		if again.code != exitOK || !strings.Contains(again.stdout, "Nothing to change") || strings.Contains(again.stdout, "update add") {
			t.Errorf("publish again: exit %d\n%s%s", again.code, again.stdout, again.stderr)
		}
	})
}

// TestPublishRefusedNothingHalfPublished: the key may not change the
// _dmarc name: the server refuses, the words say so and give the grant,
// and neither the DKIM CNAME nor the SPF record was changed.
func TestPublishRefusedNothingHalfPublished(t *testing.T) {
	forEachServer(t, func(t *testing.T, s *realServer, key string) {
		domain := "beta-" + s.kind + ".edu"
		r := pubRun(t, pubArgs(s, key, domain, "--yes")...)
		if r.code != exitNotReady {
			t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
		}
		if !strings.Contains(r.stderr, "this key is not allowed to change these names") {
			t.Errorf("stderr does not say the key is not allowed: %s", r.stderr)
		}
		if !strings.Contains(r.stdout, "grant wizard-test-key name _dmarc."+domain+". TXT;") {
			t.Errorf("the grant to ask for is not shown:\n%s", r.stdout)
		}
		untouched(t, s, domain)
	})
}

// TestPublishWrongSecret: a key whose secret the server does not know.
func TestPublishWrongSecret(t *testing.T) {
	forEachServer(t, func(t *testing.T, s *realServer, _ string) {
		domain := "gamma-" + s.kind + ".edu"
		r := pubRun(t, pubArgs(s, pubKeyFile(t, wrongSecret, 0o600), domain, "--yes")...)
		if r.code != exitNotReady || !strings.Contains(r.stderr, "the key's name or its secret is wrong") {
			t.Errorf("exit %d, stderr %q; want 1 and the key's name or secret is wrong", r.code, r.stderr)
		}
		untouched(t, s, domain)
	})
}

// TestPublishKeyFileReadableByOthers: refused before anything is sent,
// with the chmod that fixes it.
func TestPublishKeyFileReadableByOthers(t *testing.T) {
	forEachServer(t, func(t *testing.T, s *realServer, _ string) {
		domain := "gamma-" + s.kind + ".edu"
		key := pubKeyFile(t, realServers.secret, 0o644)
		r := pubRun(t, pubArgs(s, key, domain, "--yes")...)
		if r.code != exitUsage || !strings.Contains(r.stderr, "chmod 600 "+key) || r.stdout != "" {
			t.Errorf("exit %d, stdout %q, stderr %q; want 2 and chmod 600", r.code, r.stdout, r.stderr)
		}
		untouched(t, s, domain)
	})
}

// TestPublishWithoutTerminalSendsNothing: no --yes and no terminal to ask.
func TestPublishWithoutTerminalSendsNothing(t *testing.T) {
	forEachServer(t, func(t *testing.T, s *realServer, key string) {
		domain := "gamma-" + s.kind + ".edu"
		r := pubRun(t, pubArgs(s, key, domain)...)
		if r.code != exitUsage || !strings.Contains(r.stderr, "nothing sent: add --yes to send") {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
		if !strings.Contains(r.stdout, "update add osc1._domainkey."+domain+". 3600 CNAME "+pubCNAME) {
			t.Errorf("the script is not shown:\n%s", r.stdout)
		}
		untouched(t, s, domain)
	})
}

// TestPublishChangedSinceRead: someone changes the SPF record between
// the read and the update: the prerequisite fails, their record stays,
// and the new plan is shown.
func TestPublishChangedSinceRead(t *testing.T) {
	forEachServer(t, func(t *testing.T, s *realServer, keyFile string) {
		domain := "delta-" + s.kind + ".edu"
		key, err := publish.ReadKeyFile(keyFile, publish.KeyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		theirs := `"v=spf1 include:spf.protection.outlook.com ip4:192.0.2.1 -all"`
		publishBeforeSend = func() {
			m := new(dns.Msg)
			m.SetUpdate(domain + ".")
			old, _ := dns.NewRR(domain + ". 300 IN TXT " + pubOldSPF)
			m.Remove([]dns.RR{old})
			rr, _ := dns.NewRR(domain + ". 300 IN TXT " + theirs)
			m.Insert([]dns.RR{rr})
			if err := publish.Send(context.Background(), publish.Update{Zone: domain + ".", Server: s.addr, Msg: m}, key, 0); err != nil {
				t.Errorf("changing the SPF record as someone else: %v", err)
			}
		}
		defer func() { publishBeforeSend = nil }()
		r := pubRun(t, pubArgs(s, keyFile, domain, "--yes")...)
		if r.code != exitNotReady || !strings.Contains(r.stderr, "changed since it was read") && !strings.Contains(r.stderr, "changed since they were read") {
			t.Errorf("exit %d, stderr %q; want 1 and changed since read", r.code, r.stderr)
		}
		if !strings.Contains(r.stdout, "Read again; the plan is now:") || !strings.Contains(r.stdout, "ip4:192.0.2.1 include:spf.outreachsystems.com") {
			t.Errorf("the new plan is not shown:\n%s", r.stdout)
		}
		wantState(t, s, domain, dns.TypeTXT, theirs, pubVerify)
		wantState(t, s, "osc1._domainkey."+domain, dns.TypeCNAME)
	})
}

// TestPublishFixesMistakes: the doubled DKIM name is deleted and the two
// SPF records become one.
func TestPublishFixesMistakes(t *testing.T) {
	forEachServer(t, func(t *testing.T, s *realServer, key string) {
		domain := "fix-" + s.kind + ".edu"
		r := pubRun(t, pubArgs(s, key, domain, "--yes")...)
		if r.code != exitOK {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
		}
		wantState(t, s, "osc1._domainkey."+domain+"."+domain, dns.TypeCNAME)
		wantState(t, s, "osc1._domainkey."+domain, dns.TypeCNAME, pubCNAME)
		// The merged record keeps the two records' terms in the order the
		// server gave them.
		if got := pubState(t, s, domain, dns.TypeTXT); len(got) != 1 || !strings.Contains(got[0], "include:spf.protection.outlook.com") || !strings.Contains(got[0], "include:spf.outreachsystems.com") {
			t.Errorf("%s TXT = %q, want one SPF record with both includes", domain, got)
		}
		wantState(t, s, "_dmarc."+domain, dns.TypeTXT, `"v=DMARC1; p=none"`)
	})
}

// TestPublishWizardKey: u in the wizard publishes the plan shown, with
// the key of --tsig-key; without a key it says how to give one.
func TestPublishWizardKey(t *testing.T) {
	forEachServer(t, func(t *testing.T, s *realServer, key string) {
		domain := "wiz-" + s.kind + ".edu"
		g := &globalOptions{dnsServer: s.resolve, dnsServerGiven: func() bool { return true }}
		checker, err := g.checker()
		if err != nil {
			t.Fatal(err)
		}
		plans, err := publishPlans(context.Background(), checker, assets.DefaultPlatform(), plan.Options{}, []string{domain})
		if err != nil {
			t.Fatal(err)
		}
		none, server, md5 := "", s.addr, false
		_, err = publishAction(g, &none, &server, &md5).Run(context.Background(), plans[0])
		if err == nil || !strings.Contains(err.Error(), "start the wizard with --tsig-key FILE") {
			t.Errorf("without a key: %v", err)
		}
		// Without a key, u asks for the key file; a file others can read
		// is refused, and asked for again.
		asking := publishAction(g, &none, &server, &md5)
		if q := asking.Question(); !strings.Contains(q, "TSIG key file") {
			t.Errorf("u without a key asks %q", q)
		}
		asking.Answer(pubKeyFile(t, realServers.secret, 0o644))
		if _, err := asking.Run(context.Background(), plans[0]); err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Errorf("a readable key file: %v", err)
		}
		if q := asking.Question(); q == "" {
			t.Errorf("u does not ask again after a key file that failed")
		}
		untouched(t, s, domain)
		asking.Answer(key)
		if q := asking.Question(); q != "" {
			t.Errorf("u asks %q with a key file given", q)
		}
		status, err := asking.Run(context.Background(), plans[0])
		if err != nil || !strings.Contains(status, "Published 4 change(s) for "+domain) || strings.Contains(status, realServers.secret) {
			t.Fatalf("u: %q, %v", status, err)
		}
		wantState(t, s, domain, dns.TypeTXT, pubMergedSPF, pubVerify)
		wantState(t, s, "osc1._domainkey."+domain, dns.TypeCNAME, pubCNAME)
		// The plan shown is now stale: publishing it again sends nothing.
		status, err = publishAction(g, &key, &server, &md5).Run(context.Background(), plans[0])
		if err != nil || !strings.Contains(status, "Nothing to change") {
			t.Errorf("u again: %q, %v", status, err)
		}
	})
}

// TestPublishOtherRecordsAtDKIMName: the DKIM name holds an MX record
// beside the TXT key the plan replaces: a CNAME cannot sit beside it, so
// nothing is sent (the server would accept the update and drop the
// CNAME), and the words say what to remove.
func TestPublishOtherRecordsAtDKIMName(t *testing.T) {
	forEachServer(t, func(t *testing.T, s *realServer, key string) {
		domain := "odd-" + s.kind + ".edu"
		r := pubRun(t, pubArgs(s, key, domain, "--yes")...)
		if r.code != exitNotReady || !strings.Contains(r.stderr, "it also holds MX 10 mail.example.") || !strings.Contains(r.stderr, "nothing was sent") {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
		if strings.Contains(r.stdout, "Published") {
			t.Errorf("something was published:\n%s", r.stdout)
		}
		wantState(t, s, domain, dns.TypeTXT, pubOldSPF, pubVerify)
		wantState(t, s, "osc1._domainkey."+domain, dns.TypeTXT, `"v=DKIM1; k=rsa; p=MIIB"`)
		wantState(t, s, "osc1._domainkey."+domain, dns.TypeMX, "10 mail.example.")
	})
}

// TestPublishKeyFromEnvAndMD5: WIZARD_TSIG_KEY holds the key when
// --tsig-key is not given; an hmac-md5 key is refused without
// --allow-hmac-md5, and with it accepted with a warning. Nothing is sent
// (no terminal, no --yes).
func TestPublishKeyFromEnvAndMD5(t *testing.T) {
	s := realServers.server(t, "bind")
	domain := "gamma-bind.edu"
	base := []string{"publish", domain, "--server", s.addr, "--dns-server", s.resolve}

	t.Setenv(tsigKeyEnv, "hmac-sha256:"+strings.TrimSuffix(pubKeyName, ".")+":"+realServers.secret)
	r := pubRun(t, base...)
	if r.code != exitUsage || !strings.Contains(r.stderr, "nothing sent: add --yes to send") || !strings.Contains(r.stdout, "signed with key wizard-test-key (hmac-sha256)") {
		t.Errorf("key from %s: exit %d\n%s%s", tsigKeyEnv, r.code, r.stdout, r.stderr)
	}
	t.Setenv(tsigKeyEnv, "wizard-test-key:not base64!"+realServers.secret[:8])
	if r := pubRun(t, base...); r.code != exitUsage || !strings.Contains(r.stderr, tsigKeyEnv+": TSIG key: the secret is not base64") || strings.Contains(r.stderr, realServers.secret[:8]) {
		t.Errorf("a bad key in %s: exit %d, stderr %q", tsigKeyEnv, r.code, r.stderr)
	}
	t.Setenv(tsigKeyEnv, "")
	if r := pubRun(t, base...); r.code != exitUsage || !strings.Contains(r.stderr, "publish needs a key") {
		t.Errorf("no key: exit %d, stderr %q", r.code, r.stderr)
	}

	md5 := filepath.Join(t.TempDir(), "md5.key")
	if err := os.WriteFile(md5, []byte("hmac-md5:wizard-test-key:"+realServers.secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := pubRun(t, append(base, "--tsig-key", md5)...); r.code != exitUsage || !strings.Contains(r.stderr, "hmac-md5 is weak") || r.stdout != "" {
		t.Errorf("md5 without the flag: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = pubRun(t, append(base, "--tsig-key", md5, "--allow-hmac-md5")...)
	if r.code != exitUsage || !strings.Contains(r.stderr, "warning: this key uses hmac-md5, which is weak") || !strings.Contains(r.stdout, "(hmac-md5)") {
		t.Errorf("md5 with the flag: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	untouched(t, s, domain)
}

// TestPublishAsksOnTerminal: without --yes, on a terminal, the update is
// shown and sent only after y. (Standard input is a pseudo-terminal.)
func TestPublishAsksOnTerminal(t *testing.T) {
	forEachServer(t, func(t *testing.T, s *realServer, key string) {
		domain := "ask-" + s.kind + ".edu"
		args := append(pubArgs(s, key, domain), "--no-wait")
		ask := func(answer string) result {
			ptmx, tty, err := pty.Open()
			if err != nil {
				t.Fatalf("opening a pseudo-terminal: %v", err)
			}
			defer ptmx.Close()
			defer tty.Close()
			// The answer waits in the terminal until the question reads it.
			if _, err := ptmx.Write([]byte(answer + "\n")); err != nil {
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			code := run(context.Background(), args, streams{in: tty, out: &out, err: &errOut})
			r := result{code, out.String(), errOut.String()}
			if strings.Contains(r.stdout+r.stderr, realServers.secret) {
				t.Errorf("the secret is in the output:\n%s%s", r.stdout, r.stderr)
			}
			if !strings.Contains(r.stderr, "Send it? [y/N]") || !strings.Contains(r.stdout, "update add _dmarc."+domain+". 3600 TXT") {
				t.Errorf("the update and the question are not shown:\n%s%s", r.stdout, r.stderr)
			}
			return r
		}
		if r := ask("n"); r.code != exitOK || !strings.Contains(r.stdout, "Nothing sent.") {
			t.Errorf("after n: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		untouched(t, s, domain)
		if r := ask("y"); r.code != exitOK || !strings.Contains(r.stdout, "Published in "+domain) {
			t.Errorf("after y: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		wantState(t, s, "osc1._domainkey."+domain, dns.TypeCNAME, pubCNAME)
	})
}

// TestPublishPrintGrantAndSheet: --print-grant and the hand-off sheet
// give the grant for exactly the names the plan changes; nothing is sent.
func TestPublishPrintGrantAndSheet(t *testing.T) {
	s := realServers.server(t, "bind")
	domain := "gamma-bind.edu"
	r := pubRun(t, "publish", domain, "--print-grant", "--dns-server", s.resolve, "--tsig-key", pubKeyFile(t, realServers.secret, 0o600))
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"grant wizard-test-key name osc1._domainkey." + domain + ". CNAME;",
		"grant wizard-test-key name " + domain + ". TXT;",
		"grant wizard-test-key name _dmarc." + domain + ". TXT;",
		"update-owner-name: [_dmarc." + domain + "., " + domain + "., osc1._domainkey." + domain + ".]",
		"this rule also allows 3 name and type pair(s)",
		"pdnsutil set-meta " + domain + " TSIG-ALLOW-DNSUPDATE wizard-test-key",
		"any record in the whole zone",
		"Add-DnsServerResourceRecordCName -ZoneName '" + domain + "' -Name 'osc1._domainkey'",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("--print-grant lacks %q:\n%s", want, r.stdout)
		}
	}
	sheet := pubRun(t, "records", domain, "--format", "markdown", "--dns-server", s.resolve)
	if sheet.code != exitOK || !strings.Contains(sheet.stdout, "grant wizard-"+domain+" name _dmarc."+domain+". TXT;") {
		t.Errorf("the hand-off sheet lacks the grant: exit %d\n%s", sheet.code, sheet.stdout)
	}
	untouched(t, s, domain)
}

// TestPublishNoPrimary: nothing answers at --server: DNS trouble, exit 3.
func TestPublishNoPrimary(t *testing.T) {
	s := realServers.server(t, "bind")
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	args := pubArgs(s, pubKeyFile(t, realServers.secret, 0o600), "gamma-bind.edu", "--yes")
	for i, a := range args {
		if a == s.addr {
			args[i] = fmt.Sprintf("127.0.0.1:%d", port)
		}
	}
	r := pubRun(t, args...)
	if r.code != exitDNS || !strings.Contains(r.stderr, "DNS trouble publishing gamma-bind.edu") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestPublishSamePlanAsRecords: --use-ips and --dmarc-reports shape the
// plan published as they shape 'wizard records'.
func TestPublishSamePlanAsRecords(t *testing.T) {
	s := realServers.server(t, "bind")
	domain := "gamma-bind.edu"
	r := pubRun(t, append(pubArgs(s, pubKeyFile(t, realServers.secret, 0o600), domain), "--use-ips", "--dmarc-reports", "dmarc@"+domain)...)
	for _, want := range []string{`update add _dmarc.` + domain + `. 3600 TXT "v=DMARC1; p=none; rua=mailto:dmarc@` + domain + `"`, "ip4:107.20.160.162"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the update lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "include:spf.outreachsystems.com") {
		t.Errorf("--use-ips still publishes the include:\n%s", r.stdout)
	}
	if bad := pubRun(t, append(pubArgs(s, pubKeyFile(t, realServers.secret, 0o600), domain), "--dmarc-reports", "not an address")...); bad.code != exitUsage || !strings.HasPrefix(bad.stderr, "wizard: --dmarc-reports:") {
		t.Errorf("a bad report address: exit %d, stderr %q", bad.code, bad.stderr)
	}
	untouched(t, s, domain)
}
