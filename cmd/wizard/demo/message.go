package demo

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/outreach-auth/wizard/received"
)

// The simulated receiver: the outside mailbox a test message is sent to,
// whose mail server checks the message and records what it found.
const (
	receiverHost    = "mx.demo-receiver.example"
	receiverMailbox = "inbox@demo-receiver.example"
)

// demoSigningKey is the base64 DER (PKCS #8) private half of
// platformDKIMKey: a key made for the demo alone, which signs its test
// messages so that 'wizard verify' and the wizard's last step can check
// them against the key the simulated platform publishes. It protects
// nothing: no real domain publishes its public half.
const demoSigningKey = "MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQCu5cISjqh/26LWT8FbWJPshFuFANDv3EeC/bpAmoa/WSiGi94H7iq2DWJzG0CYYa2THi/ye5pkyjQC0yzMqUE/WX9U+QQasnbh1hRL334K8rT0BR6eLGRkUBlRPRGpR4k0cvXJccs+wfziAQPGYAxN8r4CUO/c76/2JpLh0+j88XFx8/wYgR1UMg8pbEpljpXF6GTz1433mwtMgaKUMq46SNZDgd/2mOgCTIaV9MRUFScAfKQQZEi7WRoVNHzJzAAkHa0RTXtNd9JFrNiyTk4mYd5nXp76vlKnNKTcUCRGpu56tiGLoOEoGMomRXYNg5rY3ml+IyfWODG4liGRupcRAgMBAAECggEAAYspCj21wwlD8gbPNadN2w97NF73Pa5rChXMlYE0NMhO0vPi9W9H2B1PKZyW6LuriKHrqZc5pP1U8W7L8xWt+blIXPeAKgpeuHwAelIFuzUKazNslKpDYqKe13BoGEPufTttArsMEt1iCq5hk2pwoe6zAW6Mi6/x8BJhQs86ZP4YSvkjMAhtobPynwTB9cbu2S+4TJtAiAWq3ASawRguPkkjEeNr23GS92AOgp8LzRreqGKqMaRLMBRm99RVBmuCtOb7qJDrw38SzzkgUTmUaP4VPSC4ikr72jK++RjCntIxu2XhDqwVrgW9LNBQbqiUKoidPS9lUha5ho9tqNGrgQKBgQDRS53kwZWShfZYXLBe796A5I8ghG0y9gTq2j9L3G0n2CLWRGNBnfMXLbDFE6C8Abibe7ZJzoyeF6M1/F8oOuWdSKSseHnWqQFw33MUuchLm9htpVn4wUnLSW8eRzDv5mhe+R+GX9dB9EfUx8IAaKClJbeFoyvPvbbMJ2VjaWlKwQKBgQDV7RlQUakSmX+AJ47/ivKs9+wahWlkvYt2TFq8FAaIBLxGyMWIdU3qBHgldMXMFAG+qNJk1qtlVcQ9AL7CYByWUMtOM+V6PNNhDf0UtPygyITFGNDQvSGrDHsWJ5qDPWq9r0Sy8Am8nnYp1SIJJmUq1xNLmwPkZ3zxo9TMv5XwUQKBgCdd6MIJY3/e8LooHQiOZ7SoyP8dyYhnW/9ss7EqMeHnto3E6UKDWiEG+BPpoDccv8OHHn99eVeXLJzP7nobserGqirCsnAc8+duMDA6zaDjHG9rRaQTfzTciCkSzPKizQjoJPTafBusvgIY3LXE+Ep38LATQ/9cONDnrBtpzWNBAoGAdxgxIILlskIcNjdPp7ouEddP7Q/atcfEDU7CsLQhUrX4Lxv0xFwxzRdB3/BbcZqtwfvwbU0JTDfsMN3qVQH2yEQget/vYBbewshr3YxInCYlrCh9j8fLJ5OiLppLrcaSVxltEIULlqNNO0q5UQi8B5aG2m9pQk3OxCOmA3qhOZECgYBhpx2FulH/Wo6FF07FRNo3y1kc9122cF0xygk4zM1BaFcGkVJu/CyIsh0YtS2l5uDxPVtqa4KDcWXKJVJE8+fxjb4zZTsJRYrX8Iqlq+Qc0KmTvuJRjKYUl1YxeKESxlSbMkD/YcjSAtvnEDYqixkQu0rf7pcL8y1z1ZC1lT+8ug=="

// signingKey parses demoSigningKey once.
var signingKey = sync.OnceValues(func() (crypto.Signer, error) {
	der, err := base64.StdEncoding.DecodeString(demoSigningKey)
	if err != nil {
		return nil, fmt.Errorf("demo: the signing key: %w", err)
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("demo: the signing key: %w", err)
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, errors.New("demo: the signing key cannot sign")
	}
	return s, nil
})

// TestMessage returns a message as the platform would send it for domain
// to an outside mailbox and the receiver would deliver it: From
// test@<domain>, signed with DKIM by the platform's key (d=<domain>, s=the
// platform's selector: the key is found through the domain's CNAME to the
// platform), handed over from the platform's first address to the
// simulated receiver (receiverHost), with the Return-Path, Received and
// Authentication-Results fields that receiver adds. The receiver's results
// are what checking the message against the demo's DNS finds now (see
// receiverResults): it passes DMARC once the domain publishes the records
// the wizard shows, and fails before. CRLF line ends.
func (w *World) TestMessage(ctx context.Context, domain string, at time.Time) ([]byte, error) {
	d, err := normalizeDomain(domain)
	if err != nil {
		return nil, err
	}
	p := w.platform
	if p.DKIM.Selector == "" || len(p.SPF.IPs) == 0 {
		return nil, fmt.Errorf("demo: the platform %s has no DKIM selector or no addresses to send a test message from", p.Name)
	}
	key, err := signingKey()
	if err != nil {
		return nil, err
	}
	from := "test@" + d
	date := at.UTC().Format(time.RFC1123Z)
	msg := "From: " + p.Name + " test <" + from + ">\r\n" +
		"To: " + receiverMailbox + "\r\n" +
		"Subject: Test message from " + p.Name + " (wizard demo)\r\n" +
		"Date: " + date + "\r\n" +
		fmt.Sprintf("Message-ID: <demo-%d@%s>\r\n", at.UnixNano(), d) +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"\r\n" +
		"This message was made by 'wizard demo' on this computer. It stands for\r\n" +
		"mail " + p.Name + " sends as " + d + " once the records are published.\r\n"
	var signed bytes.Buffer
	opts := &dkim.SignOptions{Domain: d, Selector: p.DKIM.Selector, Signer: key,
		HeaderKeys: []string{"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"}}
	if err := dkim.Sign(&signed, strings.NewReader(msg), opts); err != nil {
		return nil, fmt.Errorf("demo: signing the test message: %w", err)
	}
	ip := p.SPF.IPs[0].Addr()
	returnPath := "Return-Path: <" + from + ">\r\n"
	trace := "Received: from mta1." + p.SPF.Include + " (mta1." + p.SPF.Include + " [" + ip.String() + "])\r\n" +
		" by " + receiverHost + " with ESMTPS; " + date + "\r\n"
	arrived := append([]byte(returnPath+trace), signed.Bytes()...)
	results, err := w.receiverResults(ctx, arrived)
	if err != nil {
		return nil, err
	}
	// As delivered: the Return-Path on top, then the receiver's results
	// above its Received field.
	return append([]byte(returnPath+results+trace), signed.Bytes()...), nil
}

// receiverResults returns the Authentication-Results field (RFC 8601) the
// simulated receiver adds to msg. A receiver checks DKIM, SPF and DMARC
// against the sender's DNS as the message arrives; in the demo that DNS
// is the world's, so the receiver's results are the ones received.Verify
// finds in it now: fail or none before the records are published, pass
// after, never written in advance.
func (w *World) receiverResults(ctx context.Context, msg []byte) (string, error) {
	rep, err := received.Verify(ctx, bytes.NewReader(msg), received.Options{Checker: w.Checker(), Platform: w.platform})
	if err != nil {
		return "", fmt.Errorf("demo: checking the test message as its receiver: %w", err)
	}
	results := []string{}
	for _, s := range rep.DKIM {
		results = append(results, "dkim="+s.Result+" header.d="+s.Domain+" header.s="+s.Selector)
	}
	if len(rep.DKIM) == 0 {
		results = append(results, "dkim=none")
	}
	spf := received.ResultNone
	if rep.SPF.Evaluated {
		spf = rep.SPF.Result
	}
	results = append(results, "spf="+spf+" smtp.mailfrom="+rep.SPF.MailFromDomain)
	dmarc := "dmarc=" + rep.DMARC.Result
	if rep.DMARC.Policy != "" {
		dmarc += " (p=" + rep.DMARC.Policy + ")"
	}
	results = append(results, dmarc+" header.from="+rep.FromDomain)
	return "Authentication-Results: " + receiverHost + ";\r\n " + strings.Join(results, ";\r\n ") + "\r\n", nil
}

// WriteTestMessage writes TestMessage for domain, signed now, to a new
// file in dir ("" for the system's temporary directory) named
// wizard-demo-message-*.eml, and returns its path.
func (w *World) WriteTestMessage(ctx context.Context, dir, domain string) (string, error) {
	msg, err := w.TestMessage(ctx, domain, time.Now())
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, "wizard-demo-message-*.eml")
	if err != nil {
		return "", fmt.Errorf("demo: writing the test message: %w", err)
	}
	if _, err := f.Write(msg); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", fmt.Errorf("demo: writing the test message: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("demo: writing the test message: %w", err)
	}
	return f.Name(), nil
}
