package received_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/received"
)

const mboxLine = "From MAILER-DAEMON Mon Dec  7 10:00:00 2026\n"

// An mbox file of one message is read; one of two is refused, saying why.
func TestMbox(t *testing.T) {
	t.Parallel()
	srv := server(t)
	lf := strings.ReplaceAll(platformMessage(t), "\r\n", "\n")

	rep := verify(t, srv, mboxLine+lf)
	if rep.Verdict != received.VerdictPass || rep.DKIM[0].Result != received.ResultPass {
		t.Fatalf("one message: verdict %q dkim %+v", rep.Verdict, rep.DKIM)
	}
	// A body line that starts with "From " is escaped by mbox writers.
	escaped := strings.Replace(lf, "\n\nThis is", "\n\n>From the desk of Jane: this is", 1)
	if _, err := received.Verify(context.Background(), strings.NewReader(mboxLine+escaped), received.Options{Checker: checker(srv)}); err != nil {
		t.Fatalf("escaped From line: %v", err)
	}

	second := strings.ReplaceAll(delivered(content("bob@yourcenter.edu"), "bounce@yourcenter.edu", platformIP, ""), "\r\n", "\n")
	for name, in := range map[string]string{
		"signed":              mboxLine + lf + "\n" + mboxLine + second,
		"CRLF":                strings.ReplaceAll(mboxLine+lf+"\n"+mboxLine+second, "\n", "\r\n"),
		"no signature":        mboxLine + second + "\n" + mboxLine + second,
		"three, body at once": mboxLine + "From: a@yourcenter.edu\n\n" + mboxLine + second + "\n" + mboxLine + second,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := received.Verify(context.Background(), strings.NewReader(in), received.Options{Checker: checker(srv)})
			if !errors.Is(err, received.ErrBadInput) || !strings.Contains(err.Error(), "several messages") {
				t.Fatalf("err = %v, want the several-messages refusal", err)
			}
		})
	}
}

// A file of CR-only line ends (old Mac) is read as CRLF: the headers are
// fields, and the body hash verifies.
func TestCROnlyLineEnds(t *testing.T) {
	t.Parallel()
	srv := server(t)
	cr := strings.ReplaceAll(platformMessage(t), "\r\n", "\r")
	rep := verify(t, srv, cr)
	if rep.Verdict != received.VerdictPass || rep.From != "jane@yourcenter.edu" || rep.DKIM[0].Result != received.ResultPass || rep.HeadersOnly {
		t.Fatalf("verdict %q from %q dkim %+v headers only %v", rep.Verdict, rep.From, rep.DKIM, rep.HeadersOnly)
	}
	// A changed body still fails: the line ends are read, not forgiven.
	rep = verify(t, srv, strings.Replace(cr, "test message", "changed message", 1))
	if rep.DKIM[0].Result != received.ResultFail {
		t.Errorf("changed body: %+v", rep.DKIM[0])
	}
}

// A Unicode From domain is turned into its A-labels, as 'wizard check'
// does, and checked under that name.
func TestUnicodeFromDomain(t *testing.T) {
	t.Parallel()
	srv := server(t)
	if err := srv.AddZone(zone("xn--bcher-kva.example",
		`@ IN TXT "v=spf1 include:spf.outreachsystems.com -all"`,
		"osc1._domainkey IN CNAME osc1._domainkey.outreachsystems.com.",
		`_dmarc IN TXT "v=DMARC1; p=reject"`)); err != nil {
		t.Fatal(err)
	}
	msg := delivered(sign(t, content("jane@Bücher.example"), "xn--bcher-kva.example", "osc1", platformKey), "bounce@xn--bcher-kva.example", platformIP, "")
	rep := verify(t, srv, msg)
	if rep.FromDomain != "xn--bcher-kva.example" {
		t.Fatalf("from domain %q", rep.FromDomain)
	}
	if rep.DMARC.Policy != "reject" || rep.Verdict != received.VerdictPass || !rep.DKIM[0].AlignedStrict || !rep.SPF.AlignedStrict {
		t.Errorf("dmarc %+v verdict %q dkim %+v spf %+v", rep.DMARC, rep.Verdict, rep.DKIM, rep.SPF)
	}
	// A Unicode name that IDNA refuses is bad input, said plainly.
	_, err := received.Verify(context.Background(), strings.NewReader(content("jane@bad☃name.example")), received.Options{Checker: checker(srv)})
	if !errors.Is(err, received.ErrBadInput) || !strings.Contains(err.Error(), "no valid domain") {
		t.Errorf("err = %v", err)
	}
}

// One header line over MaxFieldBytes, with no line end at all, is refused
// as too long once the bound is passed: the reader stops there, however
// long the line goes on.
func TestHeaderLineBound(t *testing.T) {
	t.Parallel()
	src := &counted{r: endless("a")}
	_, err := received.ReadMessage(io.MultiReader(strings.NewReader("Subject: "), src))
	if !errors.Is(err, received.ErrBadInput) || !strings.Contains(err.Error(), "a header line is longer than 64 KiB") {
		t.Fatalf("err = %v, want the header-line refusal", err)
	}
	if src.n > received.MaxFieldBytes+128<<10 {
		t.Errorf("read %d bytes of one header line; the bound is %d", src.n, received.MaxFieldBytes)
	}
	// Just under the bound, ended by the end of the input: a field.
	m, err := received.ReadMessage(strings.NewReader("From: a@b.example\r\nX-Long: " + strings.Repeat("a", received.MaxFieldBytes-20)))
	if err != nil || len(m.Header) != 2 {
		t.Fatalf("a line under the bound: %v", err)
	}
}
