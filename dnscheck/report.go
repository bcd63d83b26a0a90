package dnscheck

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
)

// Severity of a problem.
type Severity string

// Severities.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

// Code names a kind of problem. Codes are stable, part of the JSON
// contract (docs/problem-codes.md); callers test them, never the
// sentences.
type Code string

// Problem codes: stable, part of the JSON contract (docs/problem-codes.md).
const (
	CodeSPFMissing               Code = "spf-missing"
	CodeSPFMultiple              Code = "spf-multiple"
	CodeSPFSyntax                Code = "spf-syntax"
	CodeSPFTooManyLookups        Code = "spf-too-many-lookups"
	CodeSPFTooManyVoidLookups    Code = "spf-too-many-void-lookups"
	CodeSPFPlatformNotAuthorized Code = "spf-platform-not-authorized"
	CodeSPFPlatformIPsListed     Code = "spf-platform-ips-listed"
	CodeSPFPlatformIPsStale      Code = "spf-platform-ips-stale"
	CodeSPFProviderMissing       Code = "spf-provider-missing"
	CodeSPFAllPermissive         Code = "spf-all-permissive"
	CodeDKIMMissing              Code = "dkim-missing"
	CodeDKIMDoubledDomain        Code = "dkim-doubled-domain"
	CodeDKIMTargetRelative       Code = "dkim-target-relative"
	CodeDKIMWrongTarget          Code = "dkim-wrong-target"
	CodeDKIMNotCNAME             Code = "dkim-not-cname"
	CodeDKIMKeyMissing           Code = "dkim-key-missing"
	CodeDKIMKeyInvalid           Code = "dkim-key-invalid"
	CodeDKIMKeyWeak              Code = "dkim-key-weak"
	CodeDMARCMissing             Code = "dmarc-missing"
	CodeDMARCMultiple            Code = "dmarc-multiple"
	CodeDMARCSyntax              Code = "dmarc-syntax"
	CodeDMARCBlocksPlatform      Code = "dmarc-blocks-platform"
	CodeDMARCDependsOnEnvelope   Code = "dmarc-depends-on-envelope"
	CodeDMARCPctIgnored          Code = "dmarc-pct-ignored"
	CodeDNSTimeout               Code = "dns-timeout"
	CodeDNSServFail              Code = "dns-servfail"
	CodeDNSRefused               Code = "dns-refused"
	CodeDNSUnreachable           Code = "dns-unreachable"
	CodeDNSBadReply              Code = "dns-bad-reply"
	CodeNSOutOfSync              Code = "ns-out-of-sync"
	CodeDomainIsAlias            Code = "domain-is-alias"
	CodeSPFIncludeBroken         Code = "spf-include-broken"
	CodeSPFRangeUnsettled        Code = "spf-range-unsettled"
	CodeDNSNotRecursive          Code = "dns-not-recursive"
	CodeDomainTooLong            Code = "domain-too-long"
)

// IsDNSTrouble reports whether c says that DNS could not answer (the dns-*
// codes: dns-timeout, dns-servfail, dns-refused, dns-unreachable,
// dns-bad-reply, dns-not-recursive): what was asked about is then unknown,
// never missing.
func (c Code) IsDNSTrouble() bool {
	switch c {
	case CodeDNSTimeout, CodeDNSServFail, CodeDNSRefused, CodeDNSUnreachable, CodeDNSBadReply, CodeDNSNotRecursive:
		return true
	}
	return false
}

// Problem is one thing wrong (or worth knowing), with how to fix it.
// Message and Fix are plain sentences a person can act on; text from DNS
// in them is exact (callers showing it on a terminal use Printable).
type Problem struct {
	Code     Code     `json:"code"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Fix      string   `json:"fix"`
	// Name is, for DNS trouble (the dns-* codes), the name whose lookup
	// failed, without the final dot; empty otherwise. The wizard's words
	// for the fix name it (WizardTroubleFix). It is not part of the JSON
	// (the message names it already).
	Name string `json:"-"`
}

// Verdict is the status of one of the three checks (docs/commands.md, "wizard
// check --json"), distinct from the Status of one query. "" is no verdict
// yet: the check has not run.
type Verdict string

// Verdicts.
const (
	VerdictPass    Verdict = "pass"
	VerdictFail    Verdict = "fail"
	VerdictMissing Verdict = "missing"
	VerdictError   Verdict = "error"   // DNS could not answer: the verdict is unknown
	VerdictInvalid Verdict = "invalid" // DMARC only
)

// Expectation is what the platform needs from a domain, and what the
// organisation's own mail needs to keep working. dnscheck knows no platform
// by name; callers fill this from the platform file.
type Expectation struct {
	PlatformName string         // for messages, e.g. "Neoserra"
	Vendor       string         // who runs the platform, for "contact …", e.g. "OutreachSystems"; may be empty
	DKIMSelector string         // e.g. "osc1"
	DKIMTarget   string         // fully qualified CNAME target
	SPFInclude   string         // the platform's include domain
	PlatformIPs  []netip.Prefix // the platform's sending addresses, as the platform file lists them
	// Live, when set, is the run's reading of the platform's include
	// (StartPlatformIPs): its networks replace PlatformIPs, which stay the
	// fallback when the include cannot be read.
	Live *LivePlatformIPs
	// CheckIPs, when set (--ip), are evaluated instead of the first address
	// of each of the platform's networks.
	CheckIPs []netip.Addr
	// ProviderName and ProviderTerms ("include:…", "ip4:…") describe the
	// organisation's own mail provider; empty when it has none or it is
	// unknown.
	ProviderName  string
	ProviderTerms []string
	// DetectProvider, when set and ProviderTerms is empty, names the
	// provider from the domain's MX hosts (ok false: none recognised).
	DetectProvider func(mxHosts []string) (name string, terms []string, ok bool)
	// DNSHostName names the domain's DNS host in advice ("Cloudflare"); may
	// be empty.
	DNSHostName string
}

// platform names the sending platform in a sentence: its name, or "the
// platform" when the expectation has none.
func (e Expectation) platform() string {
	if e.PlatformName == "" {
		return "the platform"
	}
	return e.PlatformName
}

// IPResult is the SPF verdict for one address, or for every address of
// one of the platform's networks.
type IPResult struct {
	// IP is the address, or the network ("107.20.160.0/24") when the
	// platform lists a range.
	IP string `json:"ip"`
	// Result is the RFC 7208 result name, lower case; for a network, the
	// worst over every address of it.
	Result string `json:"result"`
	// Uncovered, for a network, lists the parts of it (prefixes) that do
	// not get pass; empty when every address passes, nil for an address.
	Uncovered []string `json:"uncovered,omitempty"`

	// cause tells why the result is permerror (the sentinel errors of
	// blitiri.com.ar/go/spf), when it is known.
	cause error
	// unsettled names the terms that decide some addresses of a network
	// from the sending address itself (macros, ptr), so that the
	// network's verdict rests on the addresses evaluated.
	unsettled []string
	// tooLarge is set when the network was cut into more parts than the
	// arithmetic takes on: the rest was evaluated at sample addresses.
	tooLarge bool
}

// IsNetwork reports whether the result is for a network rather than one
// address.
func (r IPResult) IsNetwork() bool { return strings.Contains(r.IP, "/") }

// MarshalJSON implements json.Marshaler: a network's entry always has
// "uncovered" (an empty list when every address passes); an address's
// has none.
func (r IPResult) MarshalJSON() ([]byte, error) {
	type network struct {
		IP        string   `json:"ip"`
		Result    string   `json:"result"`
		Uncovered []string `json:"uncovered"`
	}
	type address struct {
		IP     string `json:"ip"`
		Result string `json:"result"`
	}
	if r.IsNetwork() {
		u := r.Uncovered
		if u == nil {
			u = []string{}
		}
		return json.Marshal(network{r.IP, r.Result, u})
	}
	return json.Marshal(address{r.IP, r.Result})
}

// SPFReport is the SPF part of a domain report.
type SPFReport struct {
	Status      Verdict    `json:"status"`
	Record      string     `json:"record"`
	Lookups     int        `json:"lookups"`
	VoidLookups int        `json:"void_lookups"`
	IPs         []IPResult `json:"ips"`
	Problems    []Problem  `json:"problems"`
	// Costs breaks Lookups down by term of the domain's own record.
	Costs []IncludeCost `json:"-"`
	// TTL is how long resolvers may cache what was found (or not found).
	TTL uint32 `json:"-"`
	// Platform is the set of the platform's networks the check used
	// (read live at this run, or the catalog's).
	Platform PlatformIPs `json:"-"`
	// walk is the include tree, kept for checks that finish later.
	walk SPFWalk
}

// DKIMReport is the DKIM part of a domain report.
type DKIMReport struct {
	Status   Verdict   `json:"status"`
	Name     string    `json:"name"`
	Target   string    `json:"target"`
	KeyBits  int       `json:"key_bits"`
	Problems []Problem `json:"problems"`
	// Found is the CNAME target found at Name ("" if none).
	Found string `json:"-"`
	// TestMode is set when the key record has t=y.
	TestMode bool   `json:"-"`
	TTL      uint32 `json:"-"`
}

// DMARCReport is the DMARC part of a domain report.
type DMARCReport struct {
	Status Verdict `json:"status"`
	Record string  `json:"record"`
	Policy string  `json:"policy"`
	// Source is whose record applies: DMARCSourceDomain (its own),
	// DMARCSourceOrganizational (the organisational domain's) or
	// DMARCSourcePSD (a public-suffix domain's, psd=y); "" when none
	// applies (missing, DNS trouble).
	Source string `json:"source,omitempty"`
	// OrgDomain is the organisational domain the RFC 9989 tree walk found
	// ("" when DNS trouble left it unknown).
	OrgDomain string `json:"org_domain,omitempty"`
	// PolicyDomain is the parent domain whose _dmarc record applies when
	// it is not the domain's own (Inherited); "" otherwise.
	PolicyDomain string `json:"policy_domain,omitempty"`
	// Domain is the domain the report is for.
	Domain string `json:"-"`
	// Percent is the record's pct= (100 when absent): RFC 9989 removed
	// it, and it no longer changes what the wizard says mail gets.
	Percent int `json:"-"`
	// Testing is t=y: receivers apply the next lower policy.
	Testing bool `json:"-"`
	// NonexistentPolicy is np=, the policy for subdomains that do not
	// exist ("" when absent).
	NonexistentPolicy string `json:"-"`
	// PassesBy says how the platform's mail passes DMARC (set by
	// Checker.Check from the SPF and DKIM verdicts, see PlatformDMARC):
	// DMARCPassesByDKIM, DMARCPassesBySPFOnly, or "" (neither passes).
	PassesBy string `json:"-"`
	// PolicyTag is the tag Policy was read from: "sp" for an inherited
	// record's subdomain policy, "np" for its policy for a subdomain that
	// does not exist, else "p".
	PolicyTag string `json:"-"`
	// ReportsTo are the record's rua= URIs (where aggregate reports go),
	// at most MaxKeptRecords of them, each clipped; nil when the record
	// has none, so no report is sent. Text from DNS: make it printable.
	ReportsTo []string  `json:"-"`
	Problems  []Problem `json:"problems"`
	TTL       uint32    `json:"-"`

	// Destinations are the rua= addresses outside the organisation and
	// whether each takes the reports (CheckReportDestinations).
	Destinations []ReportDestination `json:"-"`
}

// DomainReport is the verdict for one domain.
type DomainReport struct {
	Domain string      `json:"domain"`
	Ready  bool        `json:"ready"`
	SPF    SPFReport   `json:"spf"`
	DKIM   DKIMReport  `json:"dkim"`
	DMARC  DMARCReport `json:"dmarc"`
	// Problems that belong to no single record (ns-out-of-sync, trouble
	// reaching the authoritative servers).
	Problems []Problem `json:"problems,omitempty"`
	// Source says where the answers came from: the authoritative servers
	// asked, or the one --dns-server.
	Source Source `json:"-"`
	// Cache notes where the person's resolver still holds an older answer.
	Cache []CacheNote `json:"-"`
	// Alias is the CNAME target of the domain itself, when it is an alias
	// (domain-is-alias); "" otherwise.
	Alias string `json:"alias,omitempty"`
	// Provider names the organisation's own mail provider the SPF record
	// was checked for ("" when none is known).
	Provider string `json:"-"`
}

// Source describes which servers a check asked.
type Source struct {
	Authoritative []string // names (or addresses) of the authoritative servers asked
	Fallback      bool     // no authoritative server answered; the resolver was used
	Server        string   // the single --dns-server, when set
}

// CacheNote says that the person's resolver still has an older answer for a
// record the authoritative servers already serve differently.
type CacheNote struct {
	Name string
	Type string
	TTL  uint32 // how long the resolver may keep the old answer, in seconds
}

// MarshalJSON implements json.Marshaler: the report as encoding/json writes
// it, with the characters of text from DNS that would act on a terminal
// escaped as well (see JSONSafe), so that the document is safe to print
// and decodes to the exact values.
func (r DomainReport) MarshalJSON() ([]byte, error) {
	type plain DomainReport // the same fields, without this method
	b, err := json.Marshal(plain(r))
	if err != nil {
		return nil, fmt.Errorf("dnscheck: encoding the report of %s: %w", Printable(r.Domain), err)
	}
	return JSONSafe(b), nil
}

// HasTrouble reports whether DNS could not answer for the domain: a check
// ended in DNS trouble, or a domain-wide lookup did (the NS lookup that
// finds the authoritative servers: the checks then rest on the resolver).
func (r DomainReport) HasTrouble() bool {
	if r.SPF.Status == VerdictError || r.DKIM.Status == VerdictError || r.DMARC.Status == VerdictError {
		return true
	}
	return slices.ContainsFunc(r.Problems, func(p Problem) bool { return p.Code.IsDNSTrouble() })
}

// Outcome is a domain's report in brief: what a summary of many domains
// (a row of a table, a sentence of advice) needs of it, in a few bytes
// beside the name, so that a long list can keep one for every domain while
// the reports themselves are written and dropped. Make it with
// [DomainReport.Outcome].
type Outcome struct {
	Domain string
	// Ready and Trouble are the report's Ready and HasTrouble.
	Ready, Trouble bool
	// SPFPermissive says the SPF record lets nearly any server send
	// (an error of code spf-all-permissive).
	SPFPermissive bool

	spf, dkim, dmarc verdictCode
	dmarc2           dmarcBrief // the rest of the DMARC state (Outcome.DMARCState)
	dmarc3           dmarcFrom  // where an inherited policy comes from, and how DMARC passes
}

// verdictCode is a Verdict in one byte: its index in verdictCodes.
type verdictCode uint8

// verdictCodes are the verdicts an Outcome keeps; any other reads back
// as "".
var verdictCodes = [...]Verdict{"", VerdictPass, VerdictFail, VerdictMissing, VerdictError, VerdictInvalid}

func codeOf(v Verdict) verdictCode {
	for i, known := range verdictCodes {
		if v == known {
			return verdictCode(i)
		}
	}
	return 0
}

// Outcome returns the report in brief.
func (r DomainReport) Outcome() Outcome {
	return Outcome{
		Domain:        r.Domain,
		Ready:         r.Ready,
		Trouble:       r.HasTrouble(),
		SPFPermissive: HasError(r.SPF.Problems, CodeSPFAllPermissive),
		spf:           codeOf(r.SPF.Status),
		dkim:          codeOf(r.DKIM.Status),
		dmarc:         codeOf(r.DMARC.Status),
		dmarc2:        briefOf(r.DMARC.State()),
		dmarc3:        fromOf(r.Domain, r.DMARC.State()),
	}
}

// SPF is the SPF check's verdict.
func (o Outcome) SPF() Verdict { return verdictCodes[o.spf] }

// DKIM is the DKIM check's verdict.
func (o Outcome) DKIM() Verdict { return verdictCodes[o.dkim] }

// DMARC is the DMARC check's verdict.
func (o Outcome) DMARC() Verdict { return verdictCodes[o.dmarc] }

// AllProblems returns every problem of the report, domain-wide ones first.
func (r DomainReport) AllProblems() []Problem {
	out := append([]Problem(nil), r.Problems...)
	out = append(out, r.SPF.Problems...)
	out = append(out, r.DKIM.Problems...)
	return append(out, r.DMARC.Problems...)
}

// troubleProblem turns a failed lookup into a dns-* problem: each kind of
// trouble by its own code, with its own message and fix.
func troubleProblem(r Response, what string) Problem {
	name := trimDot(r.Name)
	asked := what + " (" + name + ")"
	const unknown = " Whether the record exists is unknown."
	p := Problem{Code: troubleCode(r.Status), Severity: SeverityError, Name: name}
	switch {
	case r.Status == StatusTimeout:
		p.Message = "No DNS server answered in time when asked for " + asked + "." + unknown
		p.Fix = "Check again in a minute; if it keeps timing out, the domain's DNS servers may be down or unreachable from this network."
	case r.Status == StatusRefused:
		p.Message = "The DNS server refused to answer for " + asked + "." + unknown
		p.Fix = "Check that the domain is delegated to the DNS host you edit (its NS records), or point --dns-server at a resolver that answers."
	case r.Status == StatusServFail:
		p.Message = "The DNS server reported a failure when asked for " + asked + "." + unknown
		p.Fix = "Check again shortly. If it persists, the domain's records may be broken at the DNS host (a signing (DNSSEC) or delegation mistake causes this): ask your DNS host."
	case r.Status == StatusNotRecursive:
		server := "The DNS server"
		if r.Server != "" {
			server += " " + r.Server
		}
		p.Message = server + " answered the question for " + asked + " with a referral or an empty answer, without recursion: this server does not resolve other domains." + unknown
		p.Fix = "Give a recursive resolver with --dns-server (your organisation's resolver, or a public one such as 1.1.1.1 or 9.9.9.9), or leave --dns-server out so that the domain's own servers are found and asked."
	case r.Status == StatusUnreachable:
		p.Message = "No DNS server could be asked for " + asked + ": " + r.Reason() + "." + unknown
		p.Fix = "Check the DNS server's address and port (--dns-server), that it is running, and that this network can reach it; without --dns-server, check this computer's network and DNS settings."
	case errors.Is(r.Err, ErrCNAMELoop), errors.Is(r.Err, ErrCNAMEChain):
		p.Message = "Looking up " + asked + " leads into " + cnameTrouble(r.Err) + ". Resolvers give up on it and report a failure, so receivers cannot read the record."
		p.Fix = "Correct the CNAME records on that chain so that it ends, within a few steps, at a name that holds the record."
	case r.Truncated:
		p.Message = "The DNS server sent only part of the answer (truncated, even over TCP) when asked for " + asked + "." + unknown
		p.Fix = "Check again shortly. If it persists, a firewall may be blocking DNS over TCP, or the name holds more records than one answer can carry: delete the TXT records no longer needed."
	case r.Status == StatusBadReply:
		p.Message = "The reply to the question for " + asked + " could not be used: " + r.Reason() + "." + unknown
		p.Fix = "Check again shortly. If it persists, something between here and the server (a firewall or DNS proxy) alters DNS replies, or --dns-server points at something that is not a DNS server."
	default:
		p.Message = "The lookup of " + asked + " failed: " + r.Reason() + "." + unknown
		p.Fix = "Check again shortly; if it persists, try another DNS server with --dns-server."
	}
	return p
}

// troubleCode is the problem code for a lookup that ended in trouble: each
// kind of trouble has its own (a failure the client could not place is a
// reply that could not be used).
func troubleCode(s Status) Code {
	switch s {
	case StatusTimeout:
		return CodeDNSTimeout
	case StatusRefused:
		return CodeDNSRefused
	case StatusServFail:
		return CodeDNSServFail
	case StatusUnreachable:
		return CodeDNSUnreachable
	case StatusNotRecursive:
		return CodeDNSNotRecursive
	}
	return CodeDNSBadReply
}

// TroubleWords says in a few words why a check ended in DNS trouble, from
// the code of its first dns-* problem: "the DNS server reported a failure", "no
// DNS server could be reached"… It is "" when problems have none. Screens
// show it beside the status "error", which alone says nothing.
func TroubleWords(problems []Problem) string {
	for _, p := range problems {
		switch p.Code {
		case CodeDNSTimeout:
			return "the DNS server did not answer in time"
		case CodeDNSServFail:
			return "the DNS server reported a failure"
		case CodeDNSRefused:
			return "the DNS server refused to answer"
		case CodeDNSUnreachable:
			return "no DNS server could be reached"
		case CodeDNSBadReply:
			return "the DNS server's reply could not be used"
		case CodeDNSNotRecursive:
			return "the DNS server does not resolve other domains"
		}
	}
	return ""
}

// troubleReason says in a few words what went wrong with a lookup (see
// Response.Reason).
func troubleReason(r Response) string { return r.Reason() }

// Reason says in a few words, for a person, why a lookup got no usable
// answer: "the DNS server did not answer within 2 s", "nothing answers at
// 127.0.0.1:9 (connection refused)", "the DNS server reported a failure". It is ""
// when the lookup had no trouble. It ends without a full stop, to follow
// "unknown: " or a colon.
func (r Response) Reason() string {
	server := "the DNS server"
	if r.Server != "" {
		server = r.Server
	}
	switch r.Status {
	case StatusOK, StatusNoData, StatusNXDomain:
		return ""
	case StatusTimeout:
		switch {
		case r.Waited > 0:
			return "the DNS server did not answer within " + seconds(r.Waited)
		case errors.Is(r.Err, context.Canceled):
			return "the lookup was stopped before the DNS server answered"
		}
		return "the DNS server did not answer in time"
	case StatusRefused:
		return "the DNS server refused to answer"
	case StatusNotRecursive:
		return server + " does not resolve other domains (it answered without recursion)"
	case StatusServFail:
		return "the DNS server reported a failure"
	case StatusUnreachable:
		switch host := serverNameError(r.Err); {
		case errors.Is(r.Err, ErrNoServer):
			return "there is no DNS server to ask"
		case host != "":
			return "the DNS server's name " + host + " does not resolve"
		case errors.Is(r.Err, syscall.ECONNREFUSED):
			return "nothing answers at " + server + " (connection refused)"
		case errors.Is(r.Err, syscall.ENETUNREACH):
			return server + " cannot be reached from this network (network unreachable)"
		case errors.Is(r.Err, syscall.EHOSTUNREACH):
			return server + " cannot be reached from this network (host unreachable)"
		}
		return "the connection to " + server + " failed (" + innermost(r.Err) + ")"
	case StatusBadReply:
		switch {
		case errors.Is(r.Err, ErrWrongID):
			return server + " replied with the wrong ID"
		case errors.Is(r.Err, ErrWrongQuestion):
			return server + " replied to another question"
		case errors.Is(r.Err, ErrMalformed):
			return server + " sent a reply that is not a readable DNS message"
		case errors.Is(r.Err, ErrRcode):
			return server + " answered " + rcodeName(r.Rcode)
		case errors.Is(r.Err, ErrCNAMELoop), errors.Is(r.Err, ErrCNAMEChain):
			return "the name leads into " + cnameTrouble(r.Err)
		case r.Truncated:
			return "the answer was truncated, even over TCP"
		}
		return server + " sent a reply that cannot be used"
	}
	if r.Err != nil {
		return "the lookup failed (" + innermost(r.Err) + ")"
	}
	return "the lookup failed"
}

// seconds writes d for a person: "2 s", "1.5 s", "300 ms".
func seconds(d time.Duration) string {
	if d < time.Second {
		return strconv.FormatInt(d.Milliseconds(), 10) + " ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + " s"
}

// innermost returns the text of the error at the end of err's chain (the
// system's own words, without the context each layer added), or "unknown
// error" for nil.
func innermost(err error) string {
	if err == nil {
		return "unknown error"
	}
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

// cnameTrouble describes a CNAME chain error for a sentence: "a CNAME loop
// (a → b → a)" or "a chain of more than 8 CNAMEs".
func cnameTrouble(err error) string {
	if errors.Is(err, ErrCNAMELoop) {
		_, path, _ := strings.Cut(err.Error(), ErrCNAMELoop.Error()+": ")
		return "a CNAME loop (" + path + ")"
	}
	return fmt.Sprintf("a chain of more than %d CNAMEs", MaxCNAMEHops)
}

// How much text from DNS a report keeps. Answers are bounded by DNS itself
// (a UDP answer is read into EDNSBufferSize bytes, a TCP answer is at most
// 65,535 bytes) and are analysed whole, so that every record counts in the
// verdict; what a report keeps of them, in its fields and in the problems'
// sentences, is bounded further, so that a name with hostile or runaway
// records cannot flood a terminal, a saved file or a JSON document.
const (
	// MaxKeptRecordBytes bounds the text of one record kept in a report
	// (SPFReport.Record, DMARCReport.Record, a record quoted in a problem).
	// A longer record is cut, and the cut says how long the record is.
	MaxKeptRecordBytes = 2048
	// MaxKeptRecords bounds how many records of one name a report quotes
	// (several SPF or DMARC records); the problem still counts them all.
	MaxKeptRecords = 5
)

// clip returns s cut to MaxKeptRecordBytes (at a character boundary when
// s is UTF-8), followed by how long s is, or s itself when it is short
// enough.
func clip(s string) string {
	if len(s) <= MaxKeptRecordBytes {
		return s
	}
	cut := MaxKeptRecordBytes
	for back := 0; back < utf8.UTFMax-1 && cut > 0 && !utf8.RuneStart(s[cut]); back++ {
		cut--
	}
	return s[:cut] + fmt.Sprintf(" … [cut: %d bytes in all]", len(s))
}

// maxListed bounds the items (terms, names) one problem lists.
const maxListed = 12

// keptList joins at most max items with ", " and says how many more there
// are.
func keptList(items []string, max int) string {
	if len(items) <= max {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:max], ", ") + fmt.Sprintf(" and %d more", len(items)-max)
}

// keptRecords returns at most MaxKeptRecords of recs, each clipped, and
// how many were left out.
func keptRecords(recs []string) (kept []string, left int) {
	for i, r := range recs {
		if i == MaxKeptRecords {
			return kept, len(recs) - i
		}
		kept = append(kept, clip(r))
	}
	return kept, 0
}

func trimDot(s string) string {
	if len(s) > 1 && s[len(s)-1] == '.' {
		return s[:len(s)-1]
	}
	return s
}
