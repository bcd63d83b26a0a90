package demo

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/net/publicsuffix"

	"github.com/outreach-auth/wizard/assets"
)

// platformDKIMKey is the base64 DER SubjectPublicKeyInfo of a 2048-bit RSA
// key generated once offline for the demo: the public half of
// demoSigningKey (message.go), which signs the demo's test messages.
// Generating a key at run time would cost a noticeable fraction of a
// second at every start.
const platformDKIMKey = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAruXCEo6of9ui1k/BW1iT7IRbhQDQ79xHgv26QJqGv1kohoveB+4qtg1icxtAmGGtkx4v8nuaZMo0AtMszKlBP1l/VPkEGrJ24dYUS99+CvK09AUenixkZFAZUT0RqUeJNHL1yXHLPsH84gEDxmAMTfK+AlDv3O+v9iaS4dPo/PFxcfP8GIEdVDIPKWxKZY6Vxehk89eN95sLTIGilDKuOkjWQ4Hf9pjoAkyGlfTEVBUnAHykEGRIu1kaFTR8ycwAJB2tEU17TXfSRazYsk5OJmHeZ16e+r5SpzSk3FAkRqbuerYhi6DhKBjKJkV2DYOa2N5pfiMn1jgxuJYhkbqXEQIDAQAB"

// Microsoft 365 as the demo's organisations use it before the change.
const (
	// microsoftSPFInclude is the include Microsoft 365 customers publish.
	microsoftSPFInclude = "spf.protection.outlook.com"
	// microsoftSPF is a simplified but realistic version of Microsoft's
	// own SPF record.
	microsoftSPF = "v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 ip4:52.100.0.0/14 ip4:104.47.0.0/17 ip6:2a01:111:f400::/48 ip6:2a01:111:f403::/49 -all"
	// microsoftMXSuffix is the zone of Microsoft 365's inbound MX hosts:
	// <domain with dots as hyphens>.mail.protection.outlook.com.
	microsoftMXSuffix = "mail.protection.outlook.com"
	// originalSPF is the domain's SPF record before the change.
	originalSPF = "v=spf1 include:" + microsoftSPFInclude + " -all"
	// originalDMARC is the domain's DMARC record before the change.
	originalDMARC = "v=DMARC1; p=none"
)

// Addresses that stand for machines of the simulated world. They come from
// the documentation ranges of RFC 5737 (the name servers') or from
// Microsoft's own SPF ranges (its MX hosts'), and are never contacted: the
// Checker reaches the name servers on loopback through its ResolveNS.
var (
	ns1Addr = netip.MustParseAddr("192.0.2.53")
	ns2Addr = netip.MustParseAddr("198.51.100.53")
	mxAddrs = []netip.Addr{netip.MustParseAddr("52.101.68.4"), netip.MustParseAddr("52.101.73.10")}
)

// soaTimers are the refresh, retry and expire fields of the demo zones' SOA
// records, as a typical DNS host sets them.
const (
	soaRefresh = 7200
	soaRetry   = 3600
	soaExpire  = 1209600
)

// worldTTL is the TTL of the platform's and Microsoft's records.
const worldTTL = 3600

// zoneTTL returns the TTL of a prepared domain's records (and the negative
// caching time of its SOA): the resolver lag rounded up to whole seconds,
// so that "your resolver may keep the old answer for up to N s" tells the
// truth in the demo.
func zoneTTL(resolverLag time.Duration) uint32 {
	s := math.Ceil(resolverLag.Seconds())
	switch {
	case s < 1:
		return 1
	case s > 86400:
		return 86400
	}
	return uint32(s)
}

// fqdn returns name lower case with a trailing dot.
func fqdn(name string) string { return dns.CanonicalName(strings.TrimSpace(name)) }

// header returns an RR header of class IN.
func header(name string, qtype uint16, ttl uint32) dns.RR_Header {
	return dns.RR_Header{Name: fqdn(name), Rrtype: qtype, Class: dns.ClassINET, Ttl: ttl}
}

// txtRR returns a TXT record holding value, split into character-strings
// of at most 255 bytes (RFC 1035 §3.3.14) as DNS hosts publish long values.
func txtRR(name, value string, ttl uint32) *dns.TXT {
	return &dns.TXT{Hdr: header(name, dns.TypeTXT, ttl), Txt: assets.SplitTXT(value)}
}

// soaRR returns the SOA record of a prepared domain.
func soaRR(domain string, serial, ttl uint32) *dns.SOA {
	return &dns.SOA{Hdr: header(domain, dns.TypeSOA, ttl),
		Ns: fqdn("ns1." + domain), Mbox: fqdn("hostmaster." + domain),
		Serial: serial, Refresh: soaRefresh, Retry: soaRetry, Expire: soaExpire, Minttl: ttl}
}

// zoneText renders records as master-file text for dnstest.
func zoneText(rrs []dns.RR) string {
	var b strings.Builder
	for _, rr := range rrs {
		b.WriteString(rr.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// apexOf returns the registrable domain of name (its public suffix plus
// one label), the apex of the zone the simulated world serves it from; the
// name itself when it has none.
func apexOf(name string) string {
	name = strings.TrimSuffix(fqdn(name), ".")
	if apex, err := publicsuffix.EffectiveTLDPlusOne(name); err == nil {
		return apex
	}
	return name
}

// spfForIPs returns an SPF record authorising exactly the platform's
// addresses.
func spfForIPs(p *assets.Platform) string {
	if len(p.SPF.IPs) == 0 {
		return "v=spf1 -all"
	}
	return "v=spf1 " + strings.Join(p.SPFTerms(true), " ") + " -all"
}

// worldZones returns the zones of the platform, of Microsoft 365 and of
// every other provider of the catalog (providerRecords) as the resolver
// serves them, and their apexes.
func worldZones(p *assets.Platform) (text string, apexes []string) {
	var rrs []dns.RR
	if p.SPF.Include != "" {
		rrs = append(rrs, txtRR(p.SPF.Include, spfForIPs(p), worldTTL))
	}
	if p.DKIM.Target != "" {
		rrs = append(rrs, txtRR(p.DKIM.Target, "v=DKIM1; k=rsa; p="+platformDKIMKey, worldTTL))
	}
	if p.SPF.Include != microsoftSPFInclude {
		rrs = append(rrs, txtRR(microsoftSPFInclude, microsoftSPF, worldTTL))
	}
	// Every other provider of the catalog, so that any choice can pass.
	skip := map[string]bool{fqdn(microsoftSPFInclude): true}
	if p.SPF.Include != "" {
		skip[fqdn(p.SPF.Include)] = true
	}
	rrs = append(rrs, providerRecords(assets.Providers(), skip)...)

	seen := map[string]bool{}
	var soas []dns.RR
	for _, rr := range rrs {
		apex := apexOf(rr.Header().Name)
		if seen[apex] {
			continue
		}
		seen[apex] = true
		apexes = append(apexes, apex)
		soas = append(soas, &dns.SOA{Hdr: header(apex, dns.TypeSOA, worldTTL),
			Ns: fqdn("ns1." + apex), Mbox: fqdn("hostmaster." + apex), Serial: 1,
			Refresh: soaRefresh, Retry: soaRetry, Expire: soaExpire, Minttl: 300})
	}
	return zoneText(append(soas, rrs...)), apexes
}

// normalizeDomain returns domain lower case without a trailing dot, or an
// error when it is not a host name of at least two labels (letters, digits
// and hyphens, IDNs in their xn-- form).
func normalizeDomain(domain string) (string, error) {
	d := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(domain), "."))
	if d == "" {
		return "", errors.New("demo: no domain given")
	}
	// Room for the longest name the demo creates below the domain.
	if len(d) > 200 {
		return "", fmt.Errorf("demo: %q is too long for the demo (at most 200 characters)", d)
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return "", fmt.Errorf("demo: %q is not a domain name such as yourcenter.edu", d)
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "", fmt.Errorf("demo: %q is not a valid domain name", d)
		}
		for _, c := range l {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return "", fmt.Errorf("demo: %q is not a valid domain name", d)
			}
		}
	}
	return d, nil
}

// microsoftMX returns the Microsoft 365 MX host of domain: its labels
// joined by hyphens (yourcenter.edu → yourcenter-edu), under
// mail.protection.outlook.com.
func microsoftMX(domain string) string {
	label := strings.ReplaceAll(domain, ".", "-")
	if len(label) > 63 {
		label = strings.TrimRight(label[:63], "-")
	}
	return label + "." + microsoftMXSuffix
}

// domainRecords returns the records of domain as a typical organisation
// publishes them before the change: Microsoft 365 for mail, no DKIM CNAME
// for the platform, two name servers of its own, and DMARC p=none when
// ownDMARC is set (a subdomain has none: its organisation's applies).
func domainRecords(domain string, serial, ttl uint32, ownDMARC bool) []dns.RR {
	h := fnv.New32a()
	h.Write([]byte(domain))
	verification := fmt.Sprintf("MS=ms%08d", h.Sum32()%100000000)
	rrs := []dns.RR{
		soaRR(domain, serial, ttl),
		&dns.NS{Hdr: header(domain, dns.TypeNS, ttl), Ns: fqdn("ns1." + domain)},
		&dns.NS{Hdr: header(domain, dns.TypeNS, ttl), Ns: fqdn("ns2." + domain)},
		&dns.A{Hdr: header("ns1."+domain, dns.TypeA, ttl), A: ns1Addr.AsSlice()},
		&dns.A{Hdr: header("ns2."+domain, dns.TypeA, ttl), A: ns2Addr.AsSlice()},
		&dns.MX{Hdr: header(domain, dns.TypeMX, ttl), Preference: 0, Mx: fqdn(microsoftMX(domain))},
		txtRR(domain, originalSPF, ttl),
		// Microsoft's domain-verification record: one more TXT at the apex,
		// which publishing the SPF record must leave alone.
		txtRR(domain, verification, ttl),
	}
	if ownDMARC {
		rrs = append(rrs, txtRR("_dmarc."+domain, originalDMARC, ttl))
	}
	return rrs
}

// orgDMARC is the DMARC policy of the organisation above a prepared
// subdomain, as central IT often sets it: reject, for subdomains too.
const orgDMARC = "v=DMARC1; p=reject; sp=reject; rua=mailto:dmarc-reports@"

// orgRecords returns the organisational domain's zone as the Resolver
// serves it: its SOA and its DMARC policy, which applies to every
// subdomain without a policy of its own.
func orgRecords(org string, ttl uint32) []dns.RR {
	return []dns.RR{
		soaRR(org, 1, ttl),
		txtRR("_dmarc."+org, orgDMARC+org, ttl),
	}
}

// mxHostRecords returns the A records of domain's Microsoft 365 MX host.
func mxHostRecords(domain string) []dns.RR {
	var rrs []dns.RR
	for _, a := range mxAddrs {
		rrs = append(rrs, &dns.A{Hdr: header(microsoftMX(domain), dns.TypeA, worldTTL), A: a.AsSlice()})
	}
	return rrs
}
