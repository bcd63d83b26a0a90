package plan

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/outreach-auth/wizard/core/audience"
	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/domainname"
	"github.com/outreach-auth/wizard/dnscheck"
)

// MaxReportAddressLen bounds the address DMARC reports are sent to: the
// longest address a mail path can carry (RFC 5321 §4.5.3.1.3: 256 octets
// with the angle brackets).
const MaxReportAddressLen = 254

// ErrReportAddress is wrapped by the error ParseReportAddress returns.
var ErrReportAddress = errors.New("plan: DMARC report address")

// ParseReportAddress checks the address a person gives for DMARC aggregate
// reports (the rua= tag, RFC 7489 §6.3) and returns it as the record
// writes it after "mailto:": one email address, its domain lower case in
// ASCII. "mailto:" before it and white space around it are dropped. The
// error is a plain sentence saying what to type instead; it wraps
// ErrReportAddress.
func ParseReportAddress(s string) (string, error) {
	bad := func(format string, args ...any) (string, error) {
		return "", fmt.Errorf("%w: %s", ErrReportAddress, fmt.Sprintf(format, args...))
	}
	s = strings.TrimSpace(s)
	if len(s) >= len("mailto:") && strings.EqualFold(s[:len("mailto:")], "mailto:") {
		s = strings.TrimSpace(s[len("mailto:"):])
	}
	switch {
	case s == "":
		return bad("no address given; type one mailbox, like dmarc@yourcenter.edu")
	case len(s) > MaxReportAddressLen:
		return bad("the address is %d characters long; an address has at most %d", len(s), MaxReportAddressLen)
	case !utf8.ValidString(s):
		return bad("the address is not valid text")
	case strings.ContainsAny(s, ",; \t"):
		return bad("give one address only (reports go to one mailbox), like dmarc@yourcenter.edu")
	case strings.Count(s, "@") != 1:
		return bad("%q is not an email address: it needs one @, like dmarc@yourcenter.edu", dnscheck.Printable(s))
	}
	local, domain, _ := strings.Cut(s, "@")
	switch {
	case local == "":
		return bad("%q has nothing before the @; type a whole address, like dmarc@%s", dnscheck.Printable(s), dnscheck.Printable(domain))
	case len(local) > 64:
		return bad("the part before the @ is %d characters long; it may have at most 64", len(local))
	case strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, ".."):
		return bad("%q: the part before the @ may not start or end with a dot or have two dots in a row", dnscheck.Printable(s))
	}
	for _, r := range local {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._+-", r)) {
			return bad("%q: the part before the @ may use only letters, digits and . _ + -", dnscheck.Printable(s))
		}
	}
	in, err := domainname.Normalize(domain)
	if err != nil {
		var de *domainname.Error
		if errors.As(err, &de) {
			return bad("the part after the @ is not a mail domain: %s", strings.TrimSuffix(de.Message, "."))
		}
		return bad("the part after the @ is not a mail domain: %v", err)
	}
	return local + "@" + in.Domain, nil
}

// ReportAddress is where DMARC aggregate reports should go, as the person
// gave it (ParseReportAddress's result), or "" when they gave none. The
// wizard keeps it in its state for the records step (Options.DMARCReports).
type ReportAddress string

// AsksReportAddress reports whether the plan for snap would propose a
// DMARC record of the domain's own that sends no reports: none is
// published (and no organisation's policy applies), or the one published
// has no rua= tag. Only then is the person asked where reports should go
// (Options.DMARCReports); an organisation's policy is not theirs to change,
// and a record with rua= already says where reports go.
func AsksReportAddress(snap discovery.Snapshot) bool {
	if _, bad := snap.TroubleAt("_dmarc."+snap.Domain, "TXT"); bad {
		return false
	}
	switch len(snap.DMARC) {
	case 0:
		_, inherited := snap.OrgPolicy()
		if inherited {
			return snap.ParentPSD // a public suffix's policy: the domain gets its own record
		}
		return len(snap.OrgDMARC) == 0 // a parent's broken record is its owner's to fix
	case 1:
		pol, err := dnscheck.ParseDMARC(snap.DMARC[0])
		if err != nil {
			fixed, _ := RepairDMARC(snap.DMARC[0])
			pol, err = dnscheck.ParseDMARC(fixed)
		}
		return err == nil && len(pol.Reports) == 0
	}
	return false
}

// reportsTag is the rua= tag that sends reports to addr.
func reportsTag(addr string) string { return "rua=mailto:" + addr }

// noReportsNote says once, on a record that sends no reports, that none
// will arrive and what to do instead, in the words of a command's output
// (Record.Notes); NotesFor words it for the wizard and the hand-off sheet.
const noReportsNote = "With no rua= tag, no DMARC reports arrive. To receive them, run 'wizard records' again with --dmarc-reports ADDRESS (a mailbox you read): it writes the record with the address. Without reports, check a real message with 'wizard verify FILE' to see whether mail passes."

// noReportsNoteFor is noReportsNote for audience a.
func noReportsNoteFor(a audience.Audience) string {
	switch a {
	case audience.Wizard:
		return "With no rua= tag, no DMARC reports arrive. To receive them, go back to the Other domains screen and type a reports address: this record is then written with it. Without reports, the wizard's last step checks a real message to see whether mail passes."
	case audience.Sheet:
		return "With no rua= tag, no DMARC reports arrive. To receive them, end the value with a semicolon and rua=mailto: followed by a mailbox you read."
	}
	return noReportsNote
}

// reportsNotes are the notes on a record that sends reports to addr for
// domain: where they go, and, when addr is at another organisation's
// domain, the record that domain must publish before receivers send any
// (RFC 7489 §7.1).
func reportsNotes(snap discovery.Snapshot, addr string) []string {
	domain := snap.Domain
	notes := []string{fmt.Sprintf("Receivers send a daily report of who sent mail as %s, and whether it passed, to %s.", domain, addr)}
	_, at, _ := strings.Cut(addr, "@")
	// The organisational domain is the tree walk's (docs/dmarc.md); an
	// address at it or under it needs no authorisation.
	org := snap.OrgDomain
	if org == "" {
		org = domain
	}
	if at != org && !strings.HasSuffix(at, "."+org) {
		notes = append(notes, fmt.Sprintf("%s is not under %s, so receivers send it reports only if it publishes a TXT record \"v=DMARC1\" at %s._report._dmarc.%s, whoever runs it (report services do this for their customers; for another of your own domains, publish it there).", at, org, domain, at))
	}
	return notes
}
