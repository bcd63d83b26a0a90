// Package received verifies one received message end to end: who sent it
// (and whether through the platform, with the person's own address or a
// rewritten one), every DKIM signature verified now with keys fetched
// through the wizard's own DNS path, SPF for the address that handed the
// message to the receiver, the DMARC policy and result for the From domain,
// what the receiver itself wrote in Authentication-Results, and the verdict
// with advice on the platform's setting.
//
// Only header fields are ever kept or shown; the body is read once, for
// its hash, and never stored. It imports no UI package: the CLI and the
// wizard's steps use Verify and WriteText.
package received

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/outreach-auth/wizard/core/audience"
	"io"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-msgauth/dmarc"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
)

// Options configure Verify.
type Options struct {
	// Checker is the wizard's DNS path: authoritative-first lookups, or
	// every query to --dns-server (Checker.Direct). Required.
	Checker *dnscheck.Checker
	// Platform is the sending platform (selector, rewrite domain, SPF
	// include and addresses); nil means the built-in one.
	Platform *assets.Platform
	// IP, when valid, is the address that handed the message to the
	// receiver (--ip), used instead of what the headers say.
	IP netip.Addr
	// Audience is who reads the fixes and next steps: 'wizard verify''s
	// output names the wizard's commands (audience.Command, the zero
	// value); the wizard's last step names its own steps
	// (audience.Wizard).
	Audience audience.Audience
	// KeyTimeout bounds all the DKIM key lookups of the message together:
	// they run side by side under this one deadline, and a key not found
	// by then is DNS trouble for its signature. Zero means
	// DefaultKeyTimeout.
	KeyTimeout time.Duration
}

// Platform paths (Report.PlatformPath).
const (
	// PathOwnDomain: sent by the platform as the person's own address.
	PathOwnDomain = "own-domain"
	// PathRewritten: From on the platform's rewrite domain (the setting
	// was ON).
	PathRewritten = "rewritten"
	// PathNotPlatform: neither the platform's addresses nor its selector.
	PathNotPlatform = "not-platform"
)

// Verdicts (Report.Verdict).
const (
	// VerdictPass: DMARC passes for the From domain.
	VerdictPass = "pass"
	// VerdictFail: it does not.
	VerdictFail = "fail"
	// VerdictError: DNS could not answer, so the verdict is unknown.
	VerdictError = "error"
	// VerdictIncomplete: only the headers were given and the body hash
	// would decide.
	VerdictIncomplete = "incomplete"
)

// SPFResult is the SPF verdict for the connecting address and the
// envelope sender (Return-Path) domain.
type SPFResult struct {
	IP string `json:"ip"`
	// IPSource says where IP came from: --ip, Received-SPF,
	// Authentication-Results or Received; "" when no address was found.
	IPSource       string `json:"ip_source"`
	MailFromDomain string `json:"mail_from_domain"`
	// MailFromSource names the field the domain came from (Return-Path…).
	MailFromSource string `json:"mail_from_source,omitempty"`
	Result         string `json:"result"` // RFC 8601 word
	Aligned        bool   `json:"aligned"`
	AlignedRelaxed bool   `json:"aligned_relaxed"`
	AlignedStrict  bool   `json:"aligned_strict"`
	// Evaluated is false when the address or the domain is unknown.
	Evaluated bool `json:"evaluated"`
	// Reason says why SPF could not be evaluated ("" otherwise).
	Reason string `json:"reason,omitempty"`
}

// DMARCResult is the DMARC policy that applies to the From domain and the
// result the wizard computes from its own DKIM and SPF results.
type DMARCResult struct {
	Result    string `json:"result"` // pass, fail, none (no policy), temperror
	Policy    string `json:"policy"` // none, quarantine, reject; "" without a policy
	Source    string `json:"source"` // domain or organizational; "" without one
	OrgDomain string `json:"org_domain,omitempty"`
	// PolicyDomain is the domain whose _dmarc record applies (the From
	// domain, its organisational domain, or a public suffix's psd=y).
	PolicyDomain string `json:"policy_domain,omitempty"`
	Record       string `json:"record,omitempty"`
	// AlignedBy names what made it pass: "dkim", "spf", or both.
	AlignedBy []string `json:"aligned_by"`
}

// ReceiverResult is what the receiver wrote in the topmost
// Authentication-Results field.
type ReceiverResult struct {
	AuthservID string `json:"authserv_id"`
	DKIM       string `json:"dkim"`
	SPF        string `json:"spf"`
	DMARC      string `json:"dmarc"`
}

// Disagreement is where the receiver's result and the wizard's differ,
// and which to believe.
type Disagreement struct {
	Method   string `json:"method"` // dkim, spf or dmarc
	Receiver string `json:"receiver"`
	Wizard   string `json:"wizard"`
	Explain  string `json:"explain"`
}

// PlatformEvidence is what tells whether the platform sent the message.
type PlatformEvidence struct {
	Name string `json:"name"`
	// IPInPlatformSet: the connecting address is one of the platform's
	// (its live SPF set, or the platform file's when that cannot be read).
	IPInPlatformSet bool `json:"ip_in_platform_set"`
	// IPsSource is "live" or "catalog" (see dnscheck.PlatformIPs).
	IPsSource string `json:"ips_source,omitempty"`
	// Selector: some DKIM signature uses the platform's selector.
	Selector bool `json:"selector"`
}

// Advice is what to do with the platform's setting.
type Advice struct {
	// Checkbox is "off", "on", or "" when this message cannot tell.
	Checkbox  string   `json:"checkbox"`
	Summary   string   `json:"summary"`
	NextSteps []string `json:"next_steps"`
}

// Report is the verification of one received message: the
// 'wizard verify --json' document (docs/commands.md).
type Report struct {
	From         string           `json:"from"`
	FromDomain   string           `json:"from_domain"`
	PlatformPath string           `json:"platform_path"`
	Platform     PlatformEvidence `json:"platform"`
	DKIM         []DKIMResult     `json:"dkim"`
	// DKIMNotChecked counts signatures past MaxSignatures, not verified.
	DKIMNotChecked int             `json:"dkim_not_checked"`
	SPF            SPFResult       `json:"spf"`
	DMARC          DMARCResult     `json:"dmarc"`
	Receiver       *ReceiverResult `json:"receiver"`
	Disagreements  []Disagreement  `json:"disagreements"`
	// HeadersOnly: the file had no body, so no body hash was checked.
	HeadersOnly bool               `json:"headers_only"`
	Verdict     string             `json:"verdict"`
	Problems    []dnscheck.Problem `json:"problems"`
	Advice      Advice             `json:"advice"`
}

// DNSTrouble reports whether DNS could not answer for something the
// verdict rests on (Verdict is then VerdictError).
func (r Report) DNSTrouble() bool { return r.Verdict == VerdictError }

// MarshalJSON implements json.Marshaler: the report with every character
// that would act on a terminal escaped (dnscheck.JSONSafe); text from the
// message and from DNS is kept exact otherwise.
func (r Report) MarshalJSON() ([]byte, error) {
	type plain Report
	b, err := json.Marshal(plain(r))
	if err != nil {
		return nil, fmt.Errorf("received: encoding the report: %w", err)
	}
	return dnscheck.JSONSafe(b), nil
}

// Verify reads one received message from r and verifies it (see the
// package doc). An input that is not a readable message gives an error
// wrapping ErrBadInput; a cancelled ctx gives ctx's error. DNS trouble is
// not an error: the report says it (Verdict VerdictError).
func Verify(ctx context.Context, r io.Reader, opts Options) (Report, error) {
	if opts.Checker == nil {
		return Report{}, errors.New("received: Options.Checker is required")
	}
	p := opts.Platform
	if p == nil {
		p = assets.DefaultPlatform()
	}
	m, err := ReadMessage(r)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Problems: []dnscheck.Problem{}, DKIM: []DKIMResult{}, Disagreements: []Disagreement{}, HeadersOnly: m.HeadersOnly}
	rep.Platform.Name = p.Name
	addr, fromDomain, why := fromAddress(m)
	if why != "" {
		return Report{}, badInput("%s", why)
	}
	rep.From, rep.FromDomain = shown(addr), fromDomain

	dq := &domainQueriers{dq: opts.Checker.Querier()}

	// The platform's live addresses and the DMARC policy are read while
	// the body is hashed.
	var live *dnscheck.LivePlatformIPs
	if p.SPF.Include != "" || len(p.SPF.IPs) > 0 {
		live = dnscheck.StartPlatformIPs(ctx, opts.Checker.Resolver, p.SPF.Include, p.SPF.IPs)
	}
	dmarcDone := make(chan dnscheck.DMARCReport, 1)
	go func() { dmarcDone <- dnscheck.CheckDMARC(ctx, dq.forDomain(ctx, fromDomain), fromDomain) }()

	sigs, notChecked, err := verifyDKIM(ctx, m, dq, p.DKIM.Selector, opts.KeyTimeout)
	if err == nil {
		// The size limit holds whatever the signatures needed.
		_, err = io.Copy(io.Discard, m.Body)
	}
	dm := <-dmarcDone
	if err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			return Report{}, err
		}
		return Report{}, fmt.Errorf("received: reading the message: %w", err)
	}
	if ctx.Err() != nil {
		return Report{}, ctx.Err()
	}
	rep.DKIM = append(rep.DKIM, sigs...)
	rep.DKIMNotChecked = notChecked

	adkim, aspf := alignmentModes(dm)
	al := &aligner{q: dq.forDomain(ctx, fromDomain), from: fromDomain, fromOrg: dm.OrgDomain}
	for i := range rep.DKIM {
		d := &rep.DKIM[i]
		d.AlignedStrict, d.AlignedRelaxed = al.aligned(ctx, d.Domain)
		d.Aligned = d.AlignedRelaxed
		if adkim == dmarc.AlignmentStrict {
			d.Aligned = d.AlignedStrict
		}
		rep.Platform.Selector = rep.Platform.Selector || d.Platform
	}

	rep.SPF = evaluateSPF(ctx, m, dq, opts.IP, al, aspf)
	if ip, err := netip.ParseAddr(rep.SPF.IP); err == nil && live != nil {
		set := live.Wait(ctx)
		rep.Platform.IPsSource = set.Source
		rep.Platform.IPInPlatformSet = slices.ContainsFunc(set.Networks, func(n netip.Prefix) bool { return n.Contains(ip) })
	}
	if ctx.Err() != nil {
		return Report{}, ctx.Err()
	}

	rep.PlatformPath = PathNotPlatform
	switch {
	case p.RewriteDomain != "" && (fromDomain == p.RewriteDomain || strings.HasSuffix(fromDomain, "."+p.RewriteDomain)):
		rep.PlatformPath = PathRewritten
	case rep.Platform.IPInPlatformSet || rep.Platform.Selector:
		rep.PlatformPath = PathOwnDomain
	}

	rep.DMARC = dmarcResult(dm, rep.DKIM, rep.SPF, al.undecided)
	rep.Receiver, rep.Disagreements = receiver(m, rep)
	judge(&rep, dm, p, voiceFor(opts.Audience))
	return rep, nil
}

// alignmentModes returns the DKIM and SPF alignment modes of the policy
// (relaxed when absent or unreadable).
func alignmentModes(dm dnscheck.DMARCReport) (adkim, aspf dmarc.AlignmentMode) {
	adkim, aspf = dmarc.AlignmentRelaxed, dmarc.AlignmentRelaxed
	if dm.Status != dnscheck.VerdictPass || dm.Record == "" {
		return adkim, aspf
	}
	if rec, err := dmarc.Parse(dm.Record); err == nil {
		if rec.DKIMAlignment != "" {
			adkim = rec.DKIMAlignment
		}
		if rec.SPFAlignment != "" {
			aspf = rec.SPFAlignment
		}
	}
	return adkim, aspf
}

// aligner compares authenticated domains with the From domain (RFC 9989
// §4.4): strict, the same name; relaxed, the same organisational domain,
// as the DNS tree walk finds each (docs/dmarc.md). fromOrg is the From
// domain's, from its DMARC check ("" when DNS trouble left it unknown:
// then only the same name aligns). The walks ask through q, the From
// domain's querier, so they share its cache and its authoritative path.
type aligner struct {
	q             dnscheck.Querier
	from, fromOrg string
	// undecided is set when DNS trouble left some relaxed alignment
	// unknown (reported false): a DMARC fail is then a temperror.
	undecided bool
}

// aligned reports strict and relaxed alignment of domain with the From
// domain. Only a name at or below the From domain's organisational domain
// can share it, so only those are walked.
func (a *aligner) aligned(ctx context.Context, domain string) (strict, relaxed bool) {
	d := strings.ToLower(strings.TrimSuffix(domain, "."))
	f := strings.ToLower(strings.TrimSuffix(a.from, "."))
	if d == "" || f == "" {
		return false, false
	}
	if d == f {
		return true, true
	}
	org := a.fromOrg
	if org == "" {
		// The From domain's organisational domain is a parent of it:
		// a name under another top-level domain can never share it.
		a.undecided = a.undecided || lastLabel(d) == lastLabel(f)
		return false, false
	}
	if d != org && !strings.HasSuffix(d, "."+org) {
		return false, false
	}
	dOrg, err := dnscheck.OrgDomainWalk(ctx, a.q, d)
	if err != nil {
		a.undecided = true
	}
	return false, err == nil && dOrg == org
}

// evaluateSPF runs RFC 7208 check_host for the connecting address and the
// envelope sender's domain, through the same engine as 'wizard check'.
func evaluateSPF(ctx context.Context, m *Message, dq *domainQueriers, flagIP netip.Addr, al *aligner, aspf dmarc.AlignmentMode) SPFResult {
	var s SPFResult
	ip, source := flagIP, IPFromFlag
	if !ip.IsValid() {
		ip, source = connectingIP(m)
	}
	if ip.IsValid() {
		s.IP, s.IPSource = ip.String(), source
	}
	s.MailFromDomain, s.MailFromSource = mailFromDomain(m)
	s.AlignedStrict, s.AlignedRelaxed = al.aligned(ctx, s.MailFromDomain)
	s.Aligned = s.AlignedRelaxed
	if aspf == dmarc.AlignmentStrict {
		s.Aligned = s.AlignedStrict
	}
	switch {
	case !ip.IsValid():
		s.Result = ResultNone
		s.Reason = "the headers do not say which address handed the message to the receiver; give it with --ip"
		return s
	case s.MailFromDomain == "":
		s.Result = ResultNone
		s.Reason = "the message has no Return-Path (envelope sender) with a valid domain, so SPF has no domain to check"
		return s
	}
	s.Evaluated = true
	s.Result = string(dnscheck.EvaluateSPF(ctx, dq.forDomain(ctx, s.MailFromDomain), ip, s.MailFromDomain))
	return s
}

// dmarcResult computes DMARC from the wizard's own results (RFC 7489
// §4.2: pass when some aligned identifier passes).
func dmarcResult(dm dnscheck.DMARCReport, sigs []DKIMResult, spf SPFResult, undecided bool) DMARCResult {
	d := DMARCResult{Policy: dm.Policy, Source: dm.Source, OrgDomain: dm.OrgDomain, PolicyDomain: dm.PolicyDomain, Record: dm.Record, AlignedBy: []string{}}
	for _, s := range sigs {
		if s.Result == ResultPass && s.Aligned {
			d.AlignedBy = append(d.AlignedBy, "dkim")
			break
		}
	}
	if spf.Result == ResultPass && spf.Aligned {
		d.AlignedBy = append(d.AlignedBy, "spf")
	}
	switch {
	case len(d.AlignedBy) > 0 && dm.Status == dnscheck.VerdictPass:
		d.Result = ResultPass
	case dm.Status == dnscheck.VerdictError, dm.Status == dnscheck.VerdictPass && undecided:
		// DNS trouble: the policy, or whether an identifier aligns, is
		// unknown.
		d.Result = ResultTempError
	case dm.Status != dnscheck.VerdictPass:
		d.Result = ResultNone
	default:
		d.Result = ResultFail
	}
	return d
}

// lastLabel returns the top-level label of a name.
func lastLabel(d string) string { return d[strings.LastIndexByte(d, '.')+1:] }
