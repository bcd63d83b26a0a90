package assets

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/outreach-auth/wizard/dnscheck/spfsyntax"
)

func TestEmbeddedCatalogsValidate(t *testing.T) {
	if err := CheckEmbedded(); err != nil {
		t.Fatalf("CheckEmbedded: %v", err)
	}
}

func TestDefaultPlatformIsNeoserra(t *testing.T) {
	p := DefaultPlatform()
	want := &Platform{
		Name:   "Neoserra",
		Vendor: "OutreachSystems",
		DKIM:   DKIMSpec{Selector: "osc1", Target: "osc1._domainkey.outreachsystems.com."},
		SPF: SPFSpec{
			Include: "spf.outreachsystems.com",
			IPs: []netip.Prefix{
				netip.MustParsePrefix("107.20.160.162/32"),
				netip.MustParsePrefix("35.85.179.136/32"),
				netip.MustParsePrefix("44.203.150.85/32"),
				netip.MustParsePrefix("50.112.114.135/32"),
				netip.MustParsePrefix("52.5.236.246/32"),
				netip.MustParsePrefix("54.163.226.88/32"),
				netip.MustParsePrefix("54.185.24.42/32"),
				netip.MustParsePrefix("54.204.25.186/32"),
			},
		},
		RewriteDomain: "mail.outreachsystems.com",
		Setting: SettingSpec{
			Label:    "When sending email, have Neoserra authenticate on sender's behalf?",
			Location: "Administration | Configuration | General Settings",
		},
		Contact: ContactSpec{Name: "OutreachSystems support", Phone: "+1 (805) 967-1280"},
	}
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("DefaultPlatform() =\n%+v\nwant\n%+v", p, want)
	}
	if got := p.DKIMName("YourCenter.EDU."); got != "osc1._domainkey.yourcenter.edu." {
		t.Errorf("DKIMName = %q", got)
	}
	if got := p.SPFTerms(false); !reflect.DeepEqual(got, []string{"include:spf.outreachsystems.com"}) {
		t.Errorf("SPFTerms(false) = %q", got)
	}
	wantIPs := []string{
		"ip4:107.20.160.162", "ip4:35.85.179.136", "ip4:44.203.150.85", "ip4:50.112.114.135",
		"ip4:52.5.236.246", "ip4:54.163.226.88", "ip4:54.185.24.42", "ip4:54.204.25.186",
	}
	if got := p.SPFTerms(true); !reflect.DeepEqual(got, wantIPs) {
		t.Errorf("SPFTerms(true) = %q", got)
	}
	// The caller gets a copy: changing it must not change the next one.
	p.SPF.IPs[0] = netip.MustParsePrefix("192.0.2.1/32")
	p.Name = "changed"
	if q := DefaultPlatform(); q.Name != "Neoserra" || q.SPF.IPs[0] != want.SPF.IPs[0] {
		t.Errorf("DefaultPlatform shares state between calls: %+v", q)
	}
}

func TestProviderCatalog(t *testing.T) {
	tests := []struct {
		id, name, kind string
		terms          []string
	}{
		{"microsoft365", "Microsoft 365", KindCatalog, []string{"include:spf.protection.outlook.com"}},
		{"google", "Google Workspace", KindCatalog, []string{"include:_spf.google.com"}},
		{"zoho", "Zoho Mail", KindCatalog, []string{"include:zohomail.com"}},
		{"zoho-eu", "Zoho Mail (EU data centre)", KindCatalog, []string{"include:zohomail.eu"}},
		{"zoho-in", "Zoho Mail (India data centre)", KindCatalog, []string{"include:zohomail.in"}},
		{"amazonses", "Amazon WorkMail / SES", KindCatalog, []string{"include:amazonses.com"}},
		{"fastmail", "Fastmail", KindCatalog, []string{"include:spf.messagingengine.com"}},
		{"proton", "Proton Mail", KindCatalog, []string{"include:_spf.protonmail.ch"}},
		{"rackspace", "Rackspace Email", KindCatalog, []string{"include:emailsrvr.com"}},
		{"godaddy", "GoDaddy Email (secureserver.net)", KindCatalog, []string{"include:secureserver.net"}},
		{"ionos", "IONOS Mail (US)", KindCatalog, []string{"include:_spf-us.ionos.com"}},
		{"ionos-eu", "IONOS Mail (Europe)", KindCatalog, []string{"include:_spf-eu.ionos.com"}},
		{"microsoft365-gcchigh", "Microsoft 365 GCC High", KindCatalog, []string{"include:spf.protection.office365.us"}},
		{"mimecast-us", "Mimecast (United States)", KindCatalog, []string{"include:us._netblocks.mimecast.com"}},
		{"mimecast-usb", "Mimecast (United States, B grid)", KindCatalog, []string{"include:usb._netblocks.mimecast.com"}},
		{"mimecast-eu", "Mimecast (Europe and the UK, not Germany)", KindCatalog, []string{"include:eu._netblocks.mimecast.com"}},
		{"mimecast-de", "Mimecast (Germany)", KindCatalog, []string{"include:de._netblocks.mimecast.com"}},
		{"mimecast-za", "Mimecast (South Africa)", KindCatalog, []string{"include:za._netblocks.mimecast.com"}},
		{"mimecast-au", "Mimecast (Australia)", KindCatalog, []string{"include:au._netblocks.mimecast.com"}},
		{"proofpoint-essentials", "Proofpoint Essentials", KindAsk, []string{}},
		{"cisco-secure-email", "Cisco Secure Email (cloud gateway)", KindAsk, []string{}},
		{"namecheap-privateemail", "Namecheap Private Email", KindCatalog, []string{"include:spf.privateemail.com"}},
		{"hostinger", "Hostinger Email", KindCatalog, []string{"include:_spf.mail.hostinger.com"}},
		{"ovhcloud-email", "OVHcloud email (MX Plan, Email Pro, Hosted Exchange)", KindCatalog, []string{"include:mx.ovh.com"}},
		{"other", "Another mail provider", KindOther, []string{}},
		{"none", "No mail of our own (nothing else sends or receives as this domain)", KindNone, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			p, ok := ProviderByID(tt.id)
			if !ok {
				t.Fatalf("ProviderByID(%q) not found", tt.id)
			}
			if p.ID != tt.id || p.Name != tt.name || p.Kind != tt.kind {
				t.Errorf("got %q %q %q, want %q %q %q", p.ID, p.Name, p.Kind, tt.id, tt.name, tt.kind)
			}
			if got := p.SPFTerms(); !reflect.DeepEqual(got, tt.terms) {
				t.Errorf("SPFTerms() = %q, want %q", got, tt.terms)
			}
			known := tt.kind == KindCatalog || tt.kind == KindAsk
			if known != (len(p.MXPatterns) > 0) {
				t.Errorf("MXPatterns = %q for kind %q", p.MXPatterns, p.Kind)
			}
			if known != strings.HasPrefix(p.Source, "https://") {
				t.Errorf("Source = %q for kind %q", p.Source, p.Kind)
			}
			if p.NeedsAsk() != (tt.kind == KindAsk) || (p.Ask != "") != (tt.kind == KindAsk) {
				t.Errorf("NeedsAsk() = %v, Ask = %q for kind %q", p.NeedsAsk(), p.Ask, p.Kind)
			}
		})
	}
	all := Providers()
	if len(all) != len(tests) {
		t.Errorf("Providers() has %d entries, the test knows %d", len(all), len(tests))
	}
	if _, ok := ProviderByID(" Microsoft365 "); !ok {
		t.Error("ProviderByID should ignore case and surrounding space")
	}
	if _, ok := ProviderByID("aol"); ok {
		t.Error("ProviderByID(aol) found something")
	}
	all[0].SPFIncludes[0] = "changed.example"
	if p, _ := ProviderByID(all[0].ID); p.SPFIncludes[0] == "changed.example" {
		t.Error("Providers() shares slices with the catalog")
	}
}

func TestProviderSPFTermsAddresses(t *testing.T) {
	p := Provider{
		SPFIncludes: []string{"spf.example.net"},
		SPFAddresses: []netip.Prefix{
			netip.MustParsePrefix("192.0.2.1/32"),
			netip.MustParsePrefix("198.51.100.0/24"),
			netip.MustParsePrefix("2001:db8::1/128"),
			netip.MustParsePrefix("2001:db8:1::/48"),
		},
	}
	want := []string{"include:spf.example.net", "ip4:192.0.2.1", "ip4:198.51.100.0/24", "ip6:2001:db8::1", "ip6:2001:db8:1::/48"}
	if got := p.SPFTerms(); !reflect.DeepEqual(got, want) {
		t.Errorf("SPFTerms() = %q, want %q", got, want)
	}
}

func TestDetectProvider(t *testing.T) {
	tests := []struct {
		mx      []string
		want    string // provider id; "" for no match
		matched string
	}{
		{[]string{"yourcenter-edu.mail.protection.outlook.com."}, "microsoft365", "yourcenter-edu.mail.protection.outlook.com."},
		{[]string{"YourCenter-EDU.MAIL.PROTECTION.OUTLOOK.COM"}, "microsoft365", "YourCenter-EDU.MAIL.PROTECTION.OUTLOOK.COM"},
		{[]string{"yourcenter-edu.o-v1.mx.microsoft."}, "microsoft365", "yourcenter-edu.o-v1.mx.microsoft."},
		{[]string{"ASPMX.L.GOOGLE.COM.", "ALT1.ASPMX.L.GOOGLE.COM."}, "google", "ASPMX.L.GOOGLE.COM."},
		{[]string{"alt1.aspmx.l.google.com"}, "google", "alt1.aspmx.l.google.com"},
		{[]string{"aspmx2.googlemail.com."}, "google", "aspmx2.googlemail.com."},
		{[]string{"smtp.google.com."}, "google", "smtp.google.com."},
		{[]string{"mx.zoho.com.", "mx2.zoho.com.", "mx3.zoho.com."}, "zoho", "mx.zoho.com."},
		{[]string{"mx2.zoho.eu"}, "zoho-eu", "mx2.zoho.eu"},
		{[]string{"mx.zoho.in."}, "zoho-in", "mx.zoho.in."},
		{[]string{"inbound-smtp.us-east-1.amazonaws.com."}, "amazonses", "inbound-smtp.us-east-1.amazonaws.com."},
		{[]string{"in1-smtp.messagingengine.com.", "in2-smtp.messagingengine.com."}, "fastmail", "in1-smtp.messagingengine.com."},
		{[]string{"mail.protonmail.ch.", "mailsec.protonmail.ch."}, "proton", "mail.protonmail.ch."},
		{[]string{"mx1.emailsrvr.com", "mx2.emailsrvr.com"}, "rackspace", "mx1.emailsrvr.com"},
		{[]string{"smtp.secureserver.net.", "mailstore1.secureserver.net."}, "godaddy", "smtp.secureserver.net."},
		{[]string{"mx00.ionos.com.", "mx01.ionos.com."}, "ionos", "mx00.ionos.com."},
		{[]string{"mx01.1and1.com."}, "ionos", "mx01.1and1.com."},
		{[]string{"mx00.kundenserver.de."}, "ionos-eu", "mx00.kundenserver.de."},
		{[]string{"mx00.ionos.co.uk."}, "ionos-eu", "mx00.ionos.co.uk."},
		{[]string{"yourcenter-edu.mail.protection.office365.us."}, "microsoft365-gcchigh", "yourcenter-edu.mail.protection.office365.us."},
		{[]string{"us-smtp-inbound-1.mimecast.com.", "us-smtp-inbound-2.mimecast.com."}, "mimecast-us", "us-smtp-inbound-1.mimecast.com."},
		{[]string{"usb-smtp-inbound-1.mimecast.com."}, "mimecast-usb", "usb-smtp-inbound-1.mimecast.com."},
		{[]string{"eu-smtp-inbound-2.mimecast.com."}, "mimecast-eu", "eu-smtp-inbound-2.mimecast.com."},
		{[]string{"de-smtp-inbound-1.mimecast.com."}, "mimecast-de", "de-smtp-inbound-1.mimecast.com."},
		{[]string{"za-smtp-inbound-1.mimecast.co.za."}, "mimecast-za", "za-smtp-inbound-1.mimecast.co.za."},
		{[]string{"au-smtp-inbound-1.mimecast.com."}, "mimecast-au", "au-smtp-inbound-1.mimecast.com."},
		{[]string{"mx1-us1.ppe-hosted.com.", "mx2-us1.ppe-hosted.com."}, "proofpoint-essentials", "mx1-us1.ppe-hosted.com."},
		{[]string{"mx1-eu1.ppe-hosted.com."}, "proofpoint-essentials", "mx1-eu1.ppe-hosted.com."},
		{[]string{"mx1.hc1234-56.iphmx.com."}, "cisco-secure-email", "mx1.hc1234-56.iphmx.com."},
		{[]string{"mx1.privateemail.com.", "mx2.privateemail.com."}, "namecheap-privateemail", "mx1.privateemail.com."},
		{[]string{"mx1.hostinger.com.", "mx2.hostinger.com."}, "hostinger", "mx1.hostinger.com."},
		{[]string{"mx1.mail.ovh.net.", "mx2.mail.ovh.net.", "mx3.mail.ovh.net."}, "ovhcloud-email", "mx1.mail.ovh.net."},
		{[]string{"MX4.MAIL.OVH.NET"}, "ovhcloud-email", "MX4.MAIL.OVH.NET"},
		// A gateway in front of Microsoft 365: the first MX host, the
		// gateway's, decides even though a later one is Microsoft's.
		{[]string{"us-smtp-inbound-1.mimecast.com.", "yourcenter-edu.mail.protection.outlook.com."}, "mimecast-us", "us-smtp-inbound-1.mimecast.com."},
		// The first matching host decides, in the order given.
		{[]string{"mail.yourcenter.edu.", "mx1.emailsrvr.com.", "aspmx.l.google.com."}, "rackspace", "mx1.emailsrvr.com."},
		// Non-matches.
		{[]string{"mail.protection.outlook.com."}, "", ""},         // "*." needs at least one label
		{[]string{"aspmx.l.google.com.evil.example."}, "", ""},     // suffix, not the name
		{[]string{"notaspmx.l.google.com.example."}, "", ""},       //
		{[]string{"inbound-smtp.a.b.amazonaws.com."}, "", ""},      // inner '*' is one label
		{[]string{"mx.zoho.com.au."}, "", ""},                      // a different zone
		{[]string{"yourcenter-edu.pphosted.com."}, "", ""},         // a gateway, not a provider
		{[]string{"."}, "", ""},                                    // null MX
		{nil, "", ""},                                              //
		{[]string{"", "mx..emailsrvr.com"}, "", ""},                // empty label
		{[]string{"mail.protection.office365.us."}, "", ""},        // "*." needs at least one label
		{[]string{"us-smtp-inbound-1.mimecast.com.au."}, "", ""},   // a different zone
		{[]string{"uk-smtp-inbound-1.mimecast.com."}, "", ""},      // no such region in the catalog
		{[]string{"mail.yourcenter.edu", "other.example"}, "", ""}, //
		{[]string{"mx1.mail.ovh.net.example."}, "", ""},            // suffix, not the name
		{[]string{"mx1.ovh.net."}, "", ""},                         // not OVHcloud's mail servers
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.mx, ","), func(t *testing.T) {
			p, host, ok := DetectProvider(tt.mx)
			if ok != (tt.want != "") || p.ID != tt.want || host != tt.matched {
				t.Errorf("DetectProvider(%q) = %q, %q, %v; want %q, %q", tt.mx, p.ID, host, ok, tt.want, tt.matched)
			}
			if ok && p.Kind != KindCatalog && p.Kind != KindAsk {
				t.Errorf("detected a provider of kind %q", p.Kind)
			}
		})
	}
}

func TestMatchName(t *testing.T) {
	tests := []struct {
		pattern, host string
		want          bool
	}{
		{"*.ns.cloudflare.com", "kate.ns.cloudflare.com.", true},
		{"*.ns.cloudflare.com", "a.b.ns.cloudflare.com", true},
		{"*.ns.cloudflare.com", "ns.cloudflare.com", false},
		{"*.ns.cloudflare.com", "kate.ns.cloudflare.com.example", false},
		{"mx*.zoho.com", "mx.zoho.com", true},
		{"mx*.zoho.com", "MX3.ZOHO.COM.", true},
		{"mx*.zoho.com", "smx.zoho.com", false},
		{"mx*.zoho.com", "mx.a.zoho.com", false},
		{"ns*-*.azure-dns.com", "ns1-01.azure-dns.com", true},
		{"ns*-*.azure-dns.com", "ns1.azure-dns.com", false},
		{"ns-*.awsdns-*.co.uk", "ns-1536.awsdns-00.co.uk.", true},
		{"ns-*.awsdns-*.co.uk", "ns-1536.awsdns-00.uk", false},
		{"a*b*c.example", "abxbxc.example", true},
		{"a*b*c.example", "abxbxcx.example", false},
		{"exact.example", "exact.example.", true},
		{"exact.example", "exact.example..", false},
		{"exact.example", "", false},
		{"*.ns.cloudflare.com", "\u212Aate.ns.cloudflare.com", true},     // any first label
		{"kate.ns.cloudflare.com", "\u212Aate.ns.cloudflare.com", false}, // the Kelvin sign is not a K
	}
	for _, tt := range tests {
		if err := checkPattern(tt.pattern); err != nil {
			t.Fatalf("checkPattern(%q): %v", tt.pattern, err)
		}
		if got := matchName(tt.pattern, tt.host); got != tt.want {
			t.Errorf("matchName(%q, %q) = %v, want %v", tt.pattern, tt.host, got, tt.want)
		}
	}
}

func TestCheckPatternRefuses(t *testing.T) {
	for _, p := range []string{
		"", "*.com", "*", "com", "mx.zoho.*", "mx.zoho.c*m", "MX.zoho.com", "mx.zoho.com.",
		"mx..zoho.com", "mx**.zoho.com", "mx?.zoho.com", " mx.zoho.com", "*.*",
	} {
		if err := checkPattern(p); err == nil {
			t.Errorf("checkPattern(%q) accepted a bad pattern", p)
		}
	}
}

func TestDNSHostCatalog(t *testing.T) {
	tests := []struct {
		id, name, field, apex, quoting string
		byID                           bool
	}{
		{"cloudflare", "Cloudflare", NameLabel, "@", QuoteNone, false},
		{"godaddy", "GoDaddy", NameLabel, "@", QuoteNone, false},
		{"route53", "Amazon Route 53", NameLabel, "", QuoteStrings, false},
		{"azure", "Azure DNS", NameLabel, "@", QuoteNone, false},
		{"namecheap", "Namecheap", NameLabel, "@", QuoteNone, false},
		{"googlecloud", "Google Cloud DNS", NameLabel, "", QuoteStrings, false},
		{"ionos", "IONOS", NameLabel, "@", QuoteNone, false},
		{"ovhcloud", "OVHcloud", NameLabel, "", QuoteNone, false},
		{"bind", "Infoblox / BIND (central IT)", NameFQDN, "", QuoteStrings, true},
		{"generic", "Your DNS host", NameLabel, "@", QuoteNone, false},
	}
	for _, tt := range tests {
		h, ok := DNSHostByID(tt.id)
		if !ok {
			t.Errorf("DNSHostByID(%q) not found", tt.id)
			continue
		}
		if h.Name != tt.name || h.NameField != tt.field || h.ApexName != tt.apex || h.TXTQuoting != tt.quoting {
			t.Errorf("%s: got %q %q %q %q", tt.id, h.Name, h.NameField, h.ApexName, h.TXTQuoting)
		}
		if len(h.Notes()) < 2 {
			t.Errorf("%s: no note beside the quote rule", tt.id)
		}
		if h.ByIDOnly != tt.byID {
			t.Errorf("%s: ByIDOnly = %v", tt.id, h.ByIDOnly)
		}
		if (tt.id == GenericDNSHostID || tt.byID) != (len(h.NSPatterns) == 0) {
			t.Errorf("%s: NSPatterns = %q", tt.id, h.NSPatterns)
		}
		if h.NSSource != "" && !strings.HasPrefix(h.NSSource, "https://") {
			t.Errorf("%s: NSSource = %q", tt.id, h.NSSource)
		}
		if tt.id != GenericDNSHostID && !strings.HasPrefix(h.Source, "https://") {
			t.Errorf("%s: Source = %q, want the host's https help page", tt.id, h.Source)
		}
	}
	if n := len(DNSHosts()); n != len(tests) {
		t.Errorf("DNSHosts() has %d entries, the test knows %d", n, len(tests))
	}
	cf, _ := DNSHostByID("cloudflare")
	if !strings.Contains(cf.NSNote, "custom (vanity) name servers") || !strings.HasPrefix(cf.NSSource, "https://developers.cloudflare.com/") {
		t.Errorf("Cloudflare NSNote = %q, NSSource = %q: the note on custom name servers is missing", cf.NSNote, cf.NSSource)
	}
	const proxy = "Set the CNAME's proxy status to DNS only (grey cloud): a proxied CNAME breaks DKIM."
	if cf.ProxyNote != proxy {
		t.Errorf("Cloudflare's proxy note = %q", cf.ProxyNote)
	}
}

// TestDNSHostNotes: Notes lists the quote rule, then the name, proxy,
// other and SPF notes, each once, leaving out the empty ones.
func TestDNSHostNotes(t *testing.T) {
	h := DNSHost{ID: "x", Name: "X", TXTQuoting: QuoteNone, NameNote: "Name.", SPFNote: "SPF.", Warnings: []string{"Other."}}
	want := []string{h.QuoteRule(), "Name.", "Other.", "SPF."}
	if got := h.Notes(); !slices.Equal(got, want) {
		t.Errorf("Notes() = %q, want %q", got, want)
	}
	h.ProxyNote, h.Warnings = "Proxy.", nil
	want = []string{h.QuoteRule(), "Name.", "Proxy.", "SPF."}
	if got := h.Notes(); !slices.Equal(got, want) {
		t.Errorf("Notes() = %q, want %q", got, want)
	}
	for _, host := range DNSHosts() {
		notes := host.Notes()
		if len(slices.Compact(slices.Sorted(slices.Values(notes)))) != len(notes) {
			t.Errorf("%s: a note is said twice: %q", host.ID, notes)
		}
	}
}

func TestDetectDNSHost(t *testing.T) {
	tests := []struct {
		ns   []string
		want string
	}{
		{[]string{"ns1.domaincontrol.com"}, "godaddy"},
		{[]string{"ns75.domaincontrol.com.", "ns76.domaincontrol.com."}, "godaddy"},
		{[]string{"pdns01.domaincontrol.com."}, "godaddy"},
		{[]string{"kate.ns.cloudflare.com.", "rick.ns.cloudflare.com."}, "cloudflare"},
		{[]string{"KATE.NS.CLOUDFLARE.COM"}, "cloudflare"},
		{[]string{"ns-123.awsdns-45.org"}, "route53"},
		{[]string{"ns-1536.awsdns-00.co.uk.", "ns-0.awsdns-00.com."}, "route53"},
		{[]string{"ns1-01.azure-dns.com"}, "azure"},
		{[]string{"ns4-01.azure-dns.info."}, "azure"},
		{[]string{"dns1.registrar-servers.com"}, "namecheap"},
		{[]string{"dns2.namecheaphosting.com."}, "namecheap"},
		{[]string{"ns-cloud-a1.googledomains.com"}, "googlecloud"},
		// Cloudflare Foundation DNS advanced name servers.
		{[]string{"kate.foundationdns.com.", "rick.foundationdns.net."}, "cloudflare"},
		{[]string{"kate.foundationdns.org"}, "cloudflare"},
		// Azure operated by 21Vianet (China) is Azure DNS too.
		{[]string{"ns1-03.azure-dns.cn.", "ns2-03.azure-dns.cn."}, "azure"},
		{[]string{"ns1045.ui-dns.com.", "ns1045.ui-dns.org."}, "ionos"},
		{[]string{"ns1092.ui-dns.de"}, "ionos"},
		{[]string{"ns1069.ui-dns.biz."}, "ionos"},
		{[]string{"dns19.ovh.net.", "ns19.ovh.net."}, "ovhcloud"},
		{[]string{"ns19.ovh.net."}, "ovhcloud"},
		{[]string{"ns1.yourcenter.edu.", "dns1.registrar-servers.com."}, "namecheap"},
		{[]string{"ns1.example-dns.net."}, "generic"},
		{[]string{"ns.cloudflare.com."}, "generic"},
		{[]string{"ns-123.awsdns-45.org.example."}, "generic"},
		{[]string{"foundationdns.com."}, "generic"},                       // "*." needs a label before the domain
		{[]string{"ns1-01.azure-dns.us."}, "generic"},                     // Azure US Government: no Microsoft page found
		{[]string{"ns1.yourcenter.edu", "ns2.yourcenter.edu"}, "generic"}, // custom name servers (Cloudflare vanity, BIND, cPanel hosts)
		{[]string{"ns1.ui-dns.com.evil.example."}, "generic"},
		{nil, "generic"},
	}
	for _, tt := range tests {
		if got := DetectDNSHost(tt.ns); got.ID != tt.want {
			t.Errorf("DetectDNSHost(%q) = %q, want %q", tt.ns, got.ID, tt.want)
		}
	}
}

func TestByIDOnlyHostsAreNeverDetected(t *testing.T) {
	var byID []string
	for _, h := range DNSHosts() {
		if h.ByIDOnly {
			byID = append(byID, h.ID)
			if got, ok := DNSHostByID(strings.ToUpper(h.ID)); !ok || got.ID != h.ID || !got.ByIDOnly {
				t.Errorf("DNSHostByID(%q) = %q, %v", h.ID, got.ID, ok)
			}
			continue
		}
		// Every NS pattern of a detectable host finds that host, never a
		// host chosen by id.
		for _, pat := range h.NSPatterns {
			ns := strings.ReplaceAll(strings.Replace(pat, "*.", "kate.", 1), "*", "1")
			if got := DetectDNSHost([]string{ns}); got.ID != h.ID || got.ByIDOnly {
				t.Errorf("DetectDNSHost(%q) = %q, want %q", ns, got.ID, h.ID)
			}
		}
	}
	if !strings.Contains(strings.Join(byID, " "), "bind") {
		t.Errorf("by-id-only hosts = %q, want the zone-file host \"bind\" among them", byID)
	}
	// Even a by-id-only host that had a pattern would not be detected.
	hs := []DNSHost{
		{ID: "zonefile", ByIDOnly: true, NSPatterns: []string{"ns1.yourcenter.edu"}},
		{ID: "other", NSPatterns: []string{"ns*.yourcenter.edu"}},
		{ID: GenericDNSHostID},
	}
	if got := detectDNSHost(hs, []string{"ns1.yourcenter.edu."}); got.ID != "other" {
		t.Errorf("detectDNSHost chose %q, want the detectable host", got.ID)
	}
	if got := detectDNSHost(hs[:1:1], []string{"ns1.yourcenter.edu."}); got.ID != GenericDNSHostID {
		t.Errorf("detectDNSHost chose %q, want the generic fallback", got.ID)
	}
}

func TestHostField(t *testing.T) {
	host := func(id string) DNSHost {
		h, ok := DNSHostByID(id)
		if !ok {
			t.Fatalf("no DNS host %q", id)
		}
		return h
	}
	tests := []struct {
		host, name, zone, want string
	}{
		{"cloudflare", "osc1._domainkey.yourcenter.edu.", "yourcenter.edu", "osc1._domainkey"},
		{"cloudflare", "yourcenter.edu", "yourcenter.edu.", "@"},
		{"godaddy", "OSC1._DOMAINKEY.YourCenter.edu", "yourcenter.edu", "osc1._domainkey"},
		{"godaddy", "_dmarc.yourcenter.edu", "yourcenter.edu", "_dmarc"},
		{"route53", "osc1._domainkey.yourcenter.edu.", "yourcenter.edu.", "osc1._domainkey"},
		{"route53", "yourcenter.edu.", "yourcenter.edu.", ""},
		{"googlecloud", "yourcenter.edu", "yourcenter.edu", ""},
		{"azure", "yourcenter.edu", "yourcenter.edu", "@"},
		// An unrecognised host: the part before the zone, "@" at the apex,
		// the full name only outside the zone.
		{"generic", "osc1._domainkey.yourcenter.edu", "yourcenter.edu", "osc1._domainkey"},
		{"generic", "yourcenter.edu.", "yourcenter.edu", "@"},
		{"generic", "osc1._domainkey.sbdc.uni.edu.", "uni.edu.", "osc1._domainkey.sbdc"},
		{"generic", "sbdc.uni.edu", "uni.edu", "sbdc"},
		{"generic", "_dmarc.sbdc.uni.edu", "uni.edu", "_dmarc.sbdc"},
		{"generic", "osc1._domainkey.other.edu", "uni.edu", "osc1._domainkey.other.edu."},
		{"generic", "osc1._domainkey.xuni.edu", "uni.edu", "osc1._domainkey.xuni.edu."},
		// Outside the zone: the full name, whatever the host.
		{"cloudflare", "osc1._domainkey.other.edu", "yourcenter.edu", "osc1._domainkey.other.edu."},
		{"cloudflare", "osc1._domainkey.notyourcenter.edu", "yourcenter.edu", "osc1._domainkey.notyourcenter.edu."},
		{"cloudflare", "osc1._domainkey.yourcenter.edu", "", "osc1._domainkey.yourcenter.edu."},
		// A subdomain's zone.
		{"namecheap", "osc1._domainkey.news.yourcenter.edu", "yourcenter.edu", "osc1._domainkey.news"},
		{"ionos", "osc1._domainkey.yourcenter.edu.", "yourcenter.edu", "osc1._domainkey"},
		{"ionos", "yourcenter.edu", "yourcenter.edu", "@"},
		{"ovhcloud", "_dmarc.yourcenter.edu", "yourcenter.edu.", "_dmarc"},
		{"ovhcloud", "YourCenter.edu.", "yourcenter.edu", ""},
		// A zone-file host: full names with the final dot, apex included.
		{"bind", "osc1._domainkey.sbdc.uni.edu", "uni.edu", "osc1._domainkey.sbdc.uni.edu."},
		{"bind", "uni.edu", "uni.edu.", "uni.edu."},
	}
	for _, tt := range tests {
		if got := host(tt.host).HostField(tt.name, tt.zone); got != tt.want {
			t.Errorf("%s.HostField(%q, %q) = %q, want %q", tt.host, tt.name, tt.zone, got, tt.want)
		}
	}
}

func TestSplitTXT(t *testing.T) {
	long := strings.Repeat("a", 255) + strings.Repeat("b", 45)
	tests := []struct {
		value string
		sizes []int
	}{
		{"", []int{0}},
		{"v=spf1 -all", []int{11}},
		{strings.Repeat("x", 255), []int{255}},
		{strings.Repeat("x", 256), []int{255, 1}},
		{long, []int{255, 45}},
		{strings.Repeat("y", 600), []int{255, 255, 90}},
		// "é" is two bytes; 254 ASCII bytes then "é" must not be cut in half.
		{strings.Repeat("z", 254) + "é" + "z", []int{254, 3}},
		// A space: the cut falls after the last one within 255 bytes…
		{strings.Repeat("a", 200) + " " + strings.Repeat("b", 100), []int{201, 100}},
		// …or just before it, when it is byte 256.
		{strings.Repeat("a", 255) + " " + strings.Repeat("b", 10), []int{255, 11}},
		// A run without spaces longer than 255 bytes is cut by bytes.
		{"v=DKIM1; k=rsa; p=" + strings.Repeat("K", 400), []int{16, 255, 147}},
	}
	for _, tt := range tests {
		got := SplitTXT(tt.value)
		var sizes []int
		for _, c := range got {
			sizes = append(sizes, len(c))
		}
		if !reflect.DeepEqual(sizes, tt.sizes) {
			t.Errorf("SplitTXT(%d bytes) sizes = %v, want %v", len(tt.value), sizes, tt.sizes)
		}
		if j := strings.Join(got, ""); j != tt.value {
			t.Errorf("SplitTXT(%d bytes) does not join back", len(tt.value))
		}
	}
}

// longSPF is a merged SPF record of 300-odd bytes whose 255th byte falls
// inside an include: a cut after 255 bytes would split that term.
var longSPF = "v=spf1 " + strings.Repeat("ip4:192.0.2.1 ", 16) + "include:spf.protection.outlook.com include:spf.outreachsystems.com include:_spf.google.com ~all"

func TestSplitTXTTermBoundaries(t *testing.T) {
	if len(longSPF) <= MaxTXTString || longSPF[MaxTXTString-1] == ' ' || longSPF[MaxTXTString] == ' ' {
		t.Fatalf("longSPF (%d bytes) does not test a cut inside a term", len(longSPF))
	}
	got := SplitTXT(longSPF)
	if len(got) != 2 {
		t.Fatalf("SplitTXT gave %d strings, want 2: %q", len(got), got)
	}
	if strings.Join(got, "") != longSPF {
		t.Fatalf("strings %q do not join back to %q", got, longSPF)
	}
	terms := map[string]bool{}
	for _, term := range strings.Fields(longSPF) {
		terms[term] = true
	}
	for i, s := range got {
		if len(s) > MaxTXTString {
			t.Errorf("string %d has %d bytes", i, len(s))
		}
		// Every word of every string is a whole term of the record.
		for _, w := range strings.Fields(s) {
			if !terms[w] {
				t.Errorf("string %d holds %q, part of a term: %q", i, w, got)
			}
		}
	}
	if !strings.HasSuffix(got[0], " ") && !strings.HasPrefix(got[1], " ") {
		t.Errorf("the cut is not at a space: %q", got)
	}
}

func TestTXTValue(t *testing.T) {
	cf, _ := DNSHostByID("cloudflare")
	r53, _ := DNSHostByID("route53")
	gcp, _ := DNSHostByID("googlecloud")
	bind, _ := DNSHostByID("bind")
	ovh, _ := DNSHostByID("ovhcloud")
	generic, _ := DNSHostByID(GenericDNSHostID)
	long := strings.Repeat("a", 255) + strings.Repeat("b", 45)
	parts := SplitTXT(longSPF)
	tests := []struct {
		host  DNSHost
		value string
		want  string
	}{
		{cf, "v=spf1 include:spf.outreachsystems.com -all", "v=spf1 include:spf.outreachsystems.com -all"},
		{cf, long, long},
		{generic, "v=spf1 include:spf.outreachsystems.com -all", "v=spf1 include:spf.outreachsystems.com -all"},
		{generic, longSPF, longSPF},
		{r53, "v=spf1 include:spf.outreachsystems.com -all", `"v=spf1 include:spf.outreachsystems.com -all"`},
		{r53, long, `"` + strings.Repeat("a", 255) + `" "` + strings.Repeat("b", 45) + `"`},
		{r53, longSPF, `"` + parts[0] + `" "` + parts[1] + `"`},
		{gcp, longSPF, `"` + parts[0] + `" "` + parts[1] + `"`},
		{bind, "v=spf1 include:spf.outreachsystems.com -all", `"v=spf1 include:spf.outreachsystems.com -all"`},
		{bind, longSPF, `"` + parts[0] + `" "` + parts[1] + `"`},
		{ovh, "v=spf1 include:mx.ovh.com include:spf.outreachsystems.com ~all", "v=spf1 include:mx.ovh.com include:spf.outreachsystems.com ~all"},
		{r53, `say "hi" \o/`, `"say \"hi\" \\o/"`},
		{r53, "", `""`},
	}
	for _, tt := range tests {
		if got := tt.host.TXTValue(tt.value); got != tt.want {
			t.Errorf("%s.TXTValue(%.20q…) = %.40q…, want %.40q…", tt.host.ID, tt.value, got, tt.want)
		}
	}
}

func TestCustomProvider(t *testing.T) {
	good := []struct {
		spec string
		want []string
	}{
		{"spf.example.net", []string{"include:spf.example.net"}},
		{"include:SPF.Example.NET.", []string{"include:spf.example.net"}},
		{"192.0.2.1", []string{"ip4:192.0.2.1"}},
		{"192.0.2.0/24, 2001:db8::/32", []string{"ip4:192.0.2.0/24", "ip6:2001:db8::/32"}},
		{"include:spf.example.net ip4:192.0.2.0/24", []string{"include:spf.example.net", "ip4:192.0.2.0/24"}},
		{"v=spf1 +include:spf.example.net ip6:2001:db8::1 ~all", []string{"include:spf.example.net", "ip6:2001:db8::1"}},
		{"spf.example.net spf.example.net", []string{"include:spf.example.net"}},
	}
	// The narrowest networks still too wide are refused (above); the
	// widest allowed are taken.
	good = append(good, struct {
		spec string
		want []string
	}{"ip4:10.0.0.0/8 2001::/16", []string{"ip4:10.0.0.0/8", "ip6:2001::/16"}})
	for _, tt := range good {
		p, err := CustomProvider(tt.spec)
		if err != nil {
			t.Errorf("CustomProvider(%q): %v", tt.spec, err)
			continue
		}
		if p.Kind != KindOther || p.ID != "other" || p.Name == "" {
			t.Errorf("CustomProvider(%q) = %+v", tt.spec, p)
		}
		if got := p.SPFTerms(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("CustomProvider(%q).SPFTerms() = %q, want %q", tt.spec, got, tt.want)
		}
	}
	bad := []struct{ spec, mention string }{
		{"", "give its SPF include"},
		{"v=spf1 -all", "give its SPF include"},
		{"localhost", `"localhost"`},
		{"include:", `"include:"`},
		{"include:exa mple.com", `"include:exa"`},
		{"ip4:2001:db8::1", "not an IPv4 address"},
		{"ip6:192.0.2.1", "not an IPv6 address"},
		{"192.0.2.1/24", "host bits"},
		{"300.1.2.3", `"300.1.2.3"`},
		{"mx", `"mx"`},
		{"a:mail.example.com", `"a:mail.example.com"`},
		{"redirect=_spf.example.com", "redirect"},
		{"exists:%{i}.spf.example.com", "exists"},
		{"-include:spf.example.net", "qualifier"},
		{"spf_example.com", `"spf_example.com"`},
		{"ip4:0.0.0.0/0", "too wide"},
		{"0.0.0.0/0", "too wide"},
		{"ip4:10.0.0.0/7", "/8"},
		{"ip6:::/0", "too wide"},
		{"2000::/15", "/16"},
	}
	for _, tt := range bad {
		_, err := CustomProvider(tt.spec)
		if err == nil {
			t.Errorf("CustomProvider(%q) accepted a bad spec", tt.spec)
			continue
		}
		if !strings.HasPrefix(err.Error(), "assets: ") || !strings.Contains(err.Error(), tt.mention) {
			t.Errorf("CustomProvider(%q) error %q should start with \"assets: \" and mention %q", tt.spec, err, tt.mention)
		}
	}
}

// goodPlatform is a valid platform file for another vendor, written loosely
// (upper case, no trailing dot, bare addresses) to exercise normalisation.
const goodPlatform = `{
  "name": "Example Mailer",
  "vendor": "Example Corp",
  "dkim": {"selector": "EX1", "target": "EX1._domainkey.Example-Mailer.COM"},
  "spf": {"include": "SPF.example-mailer.com.", "ips": ["192.0.2.1", "198.51.100.0/24", "2001:db8::1"]},
  "rewrite_domain": "bounce.example-mailer.com",
  "setting": {"label": "Send on behalf?", "location": "Settings | Mail"},
  "contact": {"name": "Example support", "email": "support@example-mailer.com", "url": "https://example-mailer.com/help"}
}`

func TestLoadPlatformGood(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.json")
	if err := os.WriteFile(path, []byte(goodPlatform), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := LoadPlatform(path)
	if err != nil {
		t.Fatalf("LoadPlatform: %v", err)
	}
	if p.DKIM.Selector != "ex1" || p.DKIM.Target != "ex1._domainkey.example-mailer.com." {
		t.Errorf("DKIM = %+v", p.DKIM)
	}
	if p.SPF.Include != "spf.example-mailer.com" {
		t.Errorf("SPF.Include = %q", p.SPF.Include)
	}
	wantIPs := []netip.Prefix{
		netip.MustParsePrefix("192.0.2.1/32"),
		netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("2001:db8::1/128"),
	}
	if !reflect.DeepEqual(p.SPF.IPs, wantIPs) {
		t.Errorf("SPF.IPs = %v", p.SPF.IPs)
	}
	if got := p.SPFTerms(true); !reflect.DeepEqual(got, []string{"ip4:192.0.2.1", "ip4:198.51.100.0/24", "ip6:2001:db8::1"}) {
		t.Errorf("SPFTerms(true) = %q", got)
	}
	if p.Contact.Phone != "" || p.Contact.Email != "support@example-mailer.com" || p.Contact.URL != "https://example-mailer.com/help" {
		t.Errorf("Contact = %+v", p.Contact)
	}
	if got := p.DKIMName("yourcenter.edu"); got != "ex1._domainkey.yourcenter.edu." {
		t.Errorf("DKIMName = %q", got)
	}
}

func TestLoadPlatformMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.json")
	_, err := LoadPlatform(path)
	if err == nil || !strings.HasPrefix(err.Error(), "assets: platform file") || !strings.Contains(err.Error(), "nope.json") {
		t.Fatalf("LoadPlatform(missing) = %v", err)
	}
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error %v does not wrap os.ErrNotExist", err)
	}
}

// edit returns goodPlatform with old replaced by new, failing if old is absent.
func edit(t *testing.T, old, new string) string {
	t.Helper()
	if !strings.Contains(goodPlatform, old) {
		t.Fatalf("goodPlatform has no %q", old)
	}
	return strings.Replace(goodPlatform, old, new, 1)
}

func TestLoadPlatformBroken(t *testing.T) {
	tests := []struct {
		name      string
		data      string
		field     string // expected FileError.Field
		line, col int    // expected position; 0 when none is expected
		mention   string // expected in the message
	}{
		{"syntax", edit(t, `"vendor": "Example Corp",`, `"vendor": "Example Corp"`), "", 4, 3, "invalid JSON"},
		{"truncated", goodPlatform[:40], "", 0, 0, "ends in the middle"},
		{"empty", "", "", 0, 0, "empty"},
		{"trailing data", goodPlatform + "\n{}", "", 10, 1, "after the JSON value"},
		{"unknown top-level field", edit(t, `"vendor"`, `"colour": "red", "vendor"`), "colour", 3, 3, "unknown field"},
		{"unknown nested field", edit(t, `"selector"`, `"selectr"`), "dkim.selectr", 4, 12, "unknown field"},
		{"field in wrong case", edit(t, `"selector"`, `"Selector"`), "dkim.Selector", 4, 12, `did you mean "selector"`},
		{"duplicate field", edit(t, `"vendor": "Example Corp",`, `"vendor": "Example Corp", "vendor": "X",`), "vendor", 3, 29, "twice"},
		{"missing selector", edit(t, `"selector": "EX1", `, ``), "dkim.selector", 4, 3, "missing"}, // points at "dkim"
		{"selector not a label", edit(t, `"EX1",`, `"ex1._domainkey",`), "dkim.selector", 4, 12, "must be a DNS label"},
		{"missing dkim", edit(t, `"dkim": {"selector": "EX1", "target": "EX1._domainkey.Example-Mailer.COM"},`, ``), "dkim", 0, 0, "missing"},
		{"relative target", edit(t, `"EX1._domainkey.Example-Mailer.COM"`, `"EX1._domainkey"`), "dkim.target", 4, 31, "fully qualified"},
		{"single-label target", edit(t, `"EX1._domainkey.Example-Mailer.COM"`, `"mailer"`), "dkim.target", 4, 31, "fully qualified"},
		{"bad IP", edit(t, `"198.51.100.0/24"`, `"198.51.100.300"`), "spf.ips[1]", 5, 70, "not an IP address"},
		{"host bits set", edit(t, `"198.51.100.0/24"`, `"198.51.100.7/24"`), "spf.ips[1]", 5, 70, "host bits"},
		{"duplicate IP", edit(t, `"198.51.100.0/24"`, `"192.0.2.1/32"`), "spf.ips[1]", 5, 70, "twice"},
		{"IPv4 network open to the world", edit(t, `"198.51.100.0/24"`, `"0.0.0.0/0"`), "spf.ips[1]", 5, 70, "too wide"},
		{"IPv4 network wider than 8 bits", edit(t, `"198.51.100.0/24"`, `"10.0.0.0/7"`), "spf.ips[1]", 5, 70, "too wide"},
		{"IPv6 network wider than 16 bits", edit(t, `"2001:db8::1"`, `"2000::/15"`), "spf.ips[2]", 5, 89, "too wide"},
		{"ips not a list", edit(t, `["192.0.2.1", "198.51.100.0/24", "2001:db8::1"]`, `"192.0.2.1"`), "spf.ips", 5, 49, "must be a list"},
		{"bad include", edit(t, `"SPF.example-mailer.com."`, `"spf example.com"`), "spf.include", 5, 11, "fully qualified"},
		{"no SPF at all", edit(t, `"include": "SPF.example-mailer.com.", "ips": ["192.0.2.1", "198.51.100.0/24", "2001:db8::1"]`, ``), "spf", 5, 3, "needs an include"},
		{"missing rewrite domain", edit(t, `"bounce.example-mailer.com"`, `""`), "rewrite_domain", 6, 3, "missing"},
		{"empty label", edit(t, `"Send on behalf?"`, `"  "`), "setting.label", 7, 15, "missing"},
		{"label with newline", edit(t, `"Send on behalf?"`, `"Send\non behalf?"`), "setting.label", 7, 15, "one line"},
		{"no contact method", edit(t, `, "email": "support@example-mailer.com", "url": "https://example-mailer.com/help"`, ``), "contact", 8, 3, "at least one"},
		{"bad email", edit(t, `"support@example-mailer.com"`, `"Support <support@example-mailer.com>"`), "contact.email", 8, 42, "plain email"},
		{"bad url", edit(t, `"https://example-mailer.com/help"`, `"example-mailer.com/help"`), "contact.url", 8, 81, "https://"},
		{"bad phone", edit(t, `"name": "Example support",`, `"name": "Example support", "phone": "call us",`), "contact.phone", 8, 42, "phone number"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".json")
			if err := os.WriteFile(path, []byte(tt.data), 0o600); err != nil {
				t.Fatal(err)
			}
			p, err := LoadPlatform(path)
			if err == nil {
				t.Fatalf("LoadPlatform accepted a broken file: %+v", p)
			}
			msg := err.Error()
			t.Log(msg)
			if !strings.HasPrefix(msg, "assets: platform file "+path+": ") {
				t.Errorf("message %q does not start with the file", msg)
			}
			if tt.field != "" && !strings.Contains(msg, `field "`+tt.field+`": `) {
				t.Errorf("message %q does not name field %q", msg, tt.field)
			}
			if !strings.Contains(msg, tt.mention) {
				t.Errorf("message %q does not mention %q", msg, tt.mention)
			}
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %T is not a *FileError", err)
			}
			if fe.Field != tt.field || fe.Source != path {
				t.Errorf("FileError field %q source %q, want %q %q", fe.Field, fe.Source, tt.field, path)
			}
			if tt.line != 0 && (fe.Line != tt.line || fe.Column != tt.col) {
				t.Errorf("position = line %d, column %d; want line %d, column %d (%s)", fe.Line, fe.Column, tt.line, tt.col, msg)
			}
		})
	}
}

func TestParsePlatformMessageFormat(t *testing.T) {
	data := strings.Replace(goodPlatform, `"EX1",`, `"_ex1",`, 1)
	_, err := ParsePlatform([]byte(data), "x.json")
	const want = `assets: platform file x.json: field "dkim.selector": must be a DNS label (letters, digits and hyphens, at most 63), not "_ex1" (line 4, column 12)`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}
}

func TestParseProvidersRefusesBrokenCatalogs(t *testing.T) {
	const other = `{"id": "other", "name": "Other", "kind": "other"}`
	const none = `{"id": "none", "name": "None", "kind": "none"}`
	const ms = `{"id": "ms", "name": "MS", "kind": "catalog", "spf_includes": ["spf.protection.outlook.com"], "mx_patterns": ["*.mail.protection.outlook.com"], "source": "https://learn.microsoft.com/spf"}`
	const pp = `{"id": "pp", "name": "PP", "kind": "ask", "mx_patterns": ["*.pphosted.com"], "ask": "Ask your Proofpoint contact.", "source": "https://proofpoint.example/help"}`
	wrap := func(entries ...string) string { return `{"providers": [` + strings.Join(entries, ",") + `]}` }
	if _, err := parseProviders([]byte(wrap(ms, other, none)), "p.json"); err != nil {
		t.Fatalf("a minimal valid catalog was refused: %v", err)
	}
	ps, err := parseProviders([]byte(wrap(pp, ms, other, none)), "p.json")
	if err != nil {
		t.Fatalf("a catalog with an ask provider was refused: %v", err)
	}
	if got := ps[0]; got.Kind != KindAsk || !got.NeedsAsk() || got.Ask != "Ask your Proofpoint contact." || len(got.SPFTerms()) != 0 || got.Source != "https://proofpoint.example/help" {
		t.Errorf("ask provider decoded as %+v", got)
	}
	tests := []struct{ name, data, mention string }{
		{"no providers", `{"providers": []}`, `field "providers": missing`},
		{"duplicate id", wrap(ms, ms, other, none), `field "providers[1].id": "ms" is used twice`},
		{"no other", wrap(ms, none), `exactly one provider of kind "other"`},
		{"two nones", wrap(ms, other, none, none), `field "providers[3].id"`},
		{"no none", wrap(ms, other), `exactly one provider of kind "none"`},
		{"only other and none", wrap(other, none), `no provider of kind "catalog"`},
		{"other with include", wrap(ms, `{"id": "other", "name": "O", "kind": "other", "spf_includes": ["x.example"]}`, none), `field "providers[1].kind"`},
		{"none with wrong id", wrap(ms, other, `{"id": "nothing", "name": "N", "kind": "none"}`), `must have the id "none"`},
		{"bad kind", wrap(strings.Replace(ms, `"catalog"`, `"known"`, 1), other, none), `field "providers[0].kind"`},
		{"bad include", wrap(strings.Replace(ms, `spf.protection.outlook.com`, `spf..outlook.com`, 1), other, none), `field "providers[0].spf_includes[0]"`},
		{"bad pattern", wrap(strings.Replace(ms, `*.mail.protection.outlook.com`, `*.com`, 1), other, none), `field "providers[0].mx_patterns[0]"`},
		{"no patterns", wrap(strings.Replace(ms, `"*.mail.protection.outlook.com"`, ``, 1), other, none), `field "providers[0].mx_patterns"`},
		{"no terms", wrap(strings.Replace(ms, `"spf.protection.outlook.com"`, ``, 1), other, none), `field "providers[0].spf_includes"`},
		{"shared pattern", wrap(ms, strings.Replace(ms, `"ms"`, `"ms2"`, 1), other, none), `already used by "ms"`},
		{"bad id", wrap(strings.Replace(ms, `"ms"`, `"MS 365"`, 1), other, none), `field "providers[0].id"`},
		{"unknown field", wrap(strings.Replace(ms, `"kind"`, `"mx": [], "kind"`, 1), other, none), `field "providers[0].mx": unknown field`},
		{"no source", wrap(strings.Replace(ms, `, "source": "https://learn.microsoft.com/spf"`, ``, 1), other, none), `field "providers[0].source": missing`},
		{"http source", wrap(strings.Replace(ms, `https://learn`, `http://learn`, 1), other, none), `field "providers[0].source": must be an https URL`},
		{"source not a URL", wrap(strings.Replace(ms, `https://learn.microsoft.com/spf`, `learn.microsoft.com/spf`, 1), other, none), `field "providers[0].source": must be an https URL`},
		{"source without host", wrap(strings.Replace(ms, `https://learn.microsoft.com/spf`, `https:///spf`, 1), other, none), `field "providers[0].source"`},
		{"source with space", wrap(strings.Replace(ms, `https://learn.microsoft.com/spf`, `https://learn.microsoft.com/a b`, 1), other, none), `field "providers[0].source"`},
		{"ask without source", wrap(strings.Replace(pp, `, "source": "https://proofpoint.example/help"`, ``, 1), ms, other, none), `field "providers[0].source": missing`},
		{"ask without sentence", wrap(strings.Replace(pp, `"ask": "Ask your Proofpoint contact.", `, ``, 1), ms, other, none), `field "providers[0].ask": missing`},
		{"ask with include", wrap(strings.Replace(pp, `"kind": "ask"`, `"kind": "ask", "spf_includes": ["pphosted.com"]`, 1), ms, other, none), `field "providers[0].kind": a provider of kind "ask" has no spf_includes`},
		{"address open to the world", wrap(strings.Replace(ms, `"kind": "catalog"`, `"kind": "catalog", "spf_addresses": ["0.0.0.0/0"]`, 1), other, none), `field "providers[0].spf_addresses[0]": 0.0.0.0/0 is too wide`},
		{"ask with address", wrap(strings.Replace(pp, `"kind": "ask"`, `"kind": "ask", "spf_addresses": ["192.0.2.1"]`, 1), ms, other, none), `field "providers[0].kind"`},
		{"ask without patterns", wrap(strings.Replace(pp, `"*.pphosted.com"`, ``, 1), ms, other, none), `field "providers[0].mx_patterns"`},
		{"catalog with ask", wrap(strings.Replace(ms, `"kind": "catalog"`, `"kind": "catalog", "ask": "Ask someone."`, 1), other, none), `field "providers[0].ask": only a provider of kind "ask"`},
		{"other with ask", wrap(ms, `{"id": "other", "name": "O", "kind": "other", "ask": "Type it."}`, none), `field "providers[1].ask"`},
		{"other with bad source", wrap(ms, `{"id": "other", "name": "O", "kind": "other", "source": "ftp://x.example"}`, none), `field "providers[1].source"`},
		{"only ask, other and none", wrap(pp, other, none), `no provider of kind "catalog"`},
	}
	for _, tt := range tests {
		_, err := parseProviders([]byte(tt.data), "p.json")
		if err == nil {
			t.Errorf("%s: accepted", tt.name)
			continue
		}
		if !strings.HasPrefix(err.Error(), "assets: provider catalog p.json: ") || !strings.Contains(err.Error(), tt.mention) {
			t.Errorf("%s: error %q does not mention %q", tt.name, err, tt.mention)
		}
	}
}

func TestParseDNSHostsRefusesBrokenCatalogs(t *testing.T) {
	const generic = `{"id": "generic", "name": "G", "name_field": "fqdn", "txt_quoting": "quoted"}`
	const cf = `{"id": "cf", "name": "CF", "ns_patterns": ["*.ns.cloudflare.com"], "name_field": "label", "apex_name": "@", "txt_quoting": "none", "warnings": ["Grey cloud."], "source": "https://developers.cloudflare.com/dns"}`
	wrap := func(entries ...string) string { return `{"dns_hosts": [` + strings.Join(entries, ",") + `]}` }
	if _, err := parseDNSHosts([]byte(wrap(cf, generic)), "h.json"); err != nil {
		t.Fatalf("a minimal valid catalog was refused: %v", err)
	}
	// A host chosen by id only: no NS patterns, and accepted for that.
	byID := func(flag string) string {
		return `{"id": "zonefile", "name": "Z", "by_id_only": ` + flag + `, "name_field": "fqdn", "txt_quoting": "quoted", "warnings": ["Final dots."], "source": "https://www.rfc-editor.org/rfc/rfc1035"}`
	}
	hs, err := parseDNSHosts([]byte(wrap(strings.Replace(cf, `"source":`, `"ns_source": "https://developers.cloudflare.com/ns", "ns_note": "Vanity names cannot match.", "name_note": "Type the label.", "proxy_note": "Grey cloud.", "spf_note": "Email Routing.", "source":`, 1), byID("true"), generic)), "h.json")
	if err != nil {
		t.Fatalf("a catalog with a by_id_only host was refused: %v", err)
	}
	if z := hs[1]; !z.ByIDOnly || len(z.NSPatterns) != 0 || z.NameField != NameFQDN {
		t.Errorf("by_id_only host decoded as %+v", z)
	}
	if c := hs[0]; c.ByIDOnly || c.NSSource != "https://developers.cloudflare.com/ns" || c.NSNote != "Vanity names cannot match." ||
		c.NameNote != "Type the label." || c.ProxyNote != "Grey cloud." || c.SPFNote != "Email Routing." {
		t.Errorf("host with ns_source, ns_note and notes decoded as %+v", c)
	}
	if _, err := parseDNSHosts([]byte(wrap(cf, byID("false"), generic)), "h.json"); err == nil || !strings.Contains(err.Error(), `field "dns_hosts[1].ns_patterns": missing`) {
		t.Errorf("a host without patterns nor by_id_only: error %v", err)
	}
	tests := []struct{ name, data, mention string }{
		{"no hosts", `{"dns_hosts": []}`, `field "dns_hosts": missing`},
		{"no generic", wrap(cf), `exactly one host with id "generic"`},
		{"two generics", wrap(cf, generic, generic), `field "dns_hosts[2].id": "generic" is used twice`},
		{"host without patterns", wrap(strings.Replace(cf, `"*.ns.cloudflare.com"`, ``, 1), generic), `field "dns_hosts[0].ns_patterns": missing: only the "generic" host and hosts marked by_id_only`},
		{"by_id_only with patterns", wrap(strings.Replace(cf, `"id": "cf",`, `"id": "cf", "by_id_only": true,`, 1), generic), `field "dns_hosts[0].ns_patterns": a by_id_only host is never detected`},
		{"generic by_id_only", wrap(cf, strings.Replace(generic, `"name": "G",`, `"name": "G", "by_id_only": true,`, 1)), `field "dns_hosts[1].by_id_only"`},
		{"by_id_only not a bool", wrap(cf, byID(`"yes"`), generic), `field "dns_hosts.by_id_only": must be`},
		{"http ns_source", wrap(strings.Replace(cf, `"source":`, `"ns_source": "http://developers.cloudflare.com/ns", "source":`, 1), generic), `field "dns_hosts[0].ns_source": must be an https URL`},
		{"blank name_note", wrap(strings.Replace(cf, `"source":`, `"name_note": " ", "source":`, 1), generic), `field "dns_hosts[0].name_note": missing`},
		{"blank spf_note", wrap(strings.Replace(cf, `"source":`, `"spf_note": "\t", "source":`, 1), generic), `field "dns_hosts[0].spf_note"`},
		{"blank ns_note", wrap(strings.Replace(cf, `"source":`, `"ns_note": "  ", "source":`, 1), generic), `field "dns_hosts[0].ns_note": missing`},
		{"generic with patterns", wrap(cf, strings.Replace(generic, `"name_field"`, `"ns_patterns": ["ns1.example.net"], "name_field"`, 1)), `field "dns_hosts[1].ns_patterns"`},
		{"bad name_field", wrap(strings.Replace(cf, `"label"`, `"relative"`, 1), generic), `field "dns_hosts[0].name_field"`},
		{"label without apex", wrap(strings.Replace(cf, `"apex_name": "@", `, ``, 1), generic), `field "dns_hosts[0].apex_name": missing`},
		{"bad apex", wrap(strings.Replace(cf, `"apex_name": "@"`, `"apex_name": "example.com."`, 1), generic), `field "dns_hosts[0].apex_name"`},
		{"fqdn with apex", wrap(cf, strings.Replace(generic, `"fqdn"`, `"fqdn", "apex_name": ""`, 1)), `field "dns_hosts[1].apex_name"`},
		{"bad quoting", wrap(strings.Replace(cf, `"none"`, `"single"`, 1), generic), `field "dns_hosts[0].txt_quoting"`},
		{"blank warning", wrap(strings.Replace(cf, `"Grey cloud."`, `" "`, 1), generic), `field "dns_hosts[0].warnings[0]"`},
		{"bad pattern", wrap(strings.Replace(cf, `*.ns.cloudflare.com`, `*.NS.cloudflare.com`, 1), generic), `field "dns_hosts[0].ns_patterns[0]"`},
		{"wrong type", wrap(strings.Replace(cf, `["Grey cloud."]`, `"Grey cloud."`, 1), generic), `field "dns_hosts.warnings": must be a list`},
		{"no source", wrap(strings.Replace(cf, `, "source": "https://developers.cloudflare.com/dns"`, ``, 1), generic), `field "dns_hosts[0].source": missing`},
		{"http source", wrap(strings.Replace(cf, `https://developers`, `http://developers`, 1), generic), `field "dns_hosts[0].source": must be an https URL`},
		{"generic with bad source", wrap(cf, strings.Replace(generic, `"fqdn"`, `"fqdn", "source": "see the manual"`, 1)), `field "dns_hosts[1].source"`},
	}
	for _, tt := range tests {
		_, err := parseDNSHosts([]byte(tt.data), "h.json")
		if err == nil {
			t.Errorf("%s: accepted", tt.name)
			continue
		}
		if !strings.HasPrefix(err.Error(), "assets: DNS host catalog h.json: ") || !strings.Contains(err.Error(), tt.mention) {
			t.Errorf("%s: error %q does not mention %q", tt.name, err, tt.mention)
		}
	}
}

func FuzzSplitTXT(f *testing.F) {
	for _, s := range []string{"", "v=spf1 -all", strings.Repeat("a", 300), strings.Repeat("é", 200), "\xff\x80\x80\x80", longSPF, strings.Repeat("ab ", 200)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		chunks := SplitTXT(s)
		if strings.Join(chunks, "") != s {
			t.Fatalf("chunks do not join back")
		}
		for i, c := range chunks {
			if len(c) > MaxTXTString || (len(c) == 0 && len(chunks) > 1) {
				t.Fatalf("chunk %d has %d bytes", i, len(c))
			}
			// A cut falls next to a space whenever the first 255 bytes
			// of what was left had one.
			if i < len(chunks)-1 {
				rest := strings.Join(chunks[i:], "")
				spaced := strings.Contains(rest[:MaxTXTString+1], " ")
				atSpace := strings.HasSuffix(c, " ") || strings.HasPrefix(chunks[i+1], " ")
				if spaced && !atSpace {
					t.Fatalf("chunk %d (%q) is not cut at a space", i, c)
				}
			}
		}
	})
}

// asciiUpper maps a–z to A–Z and leaves every other byte alone.
func asciiUpper(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r - ('a' - 'A')
		}
		return r
	}, s)
}

func FuzzMatchName(f *testing.F) {
	f.Add("mx*.zoho.com", "mx2.zoho.com.")
	f.Add("*.ns.cloudflare.com", "KATE.ns.cloudflare.com")
	f.Add("a*b*c.example", "abxbxc.example")
	f.Fuzz(func(t *testing.T, pattern, host string) {
		if checkPattern(pattern) != nil {
			return
		}
		got := matchName(pattern, host)
		// Matching ignores case and one trailing dot (added here to a host
		// that has none once its surrounding space is trimmed).
		if again := matchName(pattern, asciiUpper(host)+"."); !strings.HasSuffix(strings.TrimSpace(host), ".") && again != got {
			t.Fatalf("matchName(%q, %q) = %v but differs for upper case with a dot", pattern, host, got)
		}
		// A pattern without '*' matches exactly its own name.
		if !strings.Contains(pattern, "*") && got != (normalizeName(host) == pattern && !strings.Contains(normalizeName(host), "..")) {
			t.Fatalf("literal pattern %q vs %q = %v", pattern, host, got)
		}
	})
}

func FuzzCustomProvider(f *testing.F) {
	for _, s := range []string{"spf.example.net", "include:spf.example.net ip4:192.0.2.0/24", "v=spf1 ip6:2001:db8::/32 -all", "mx", "1.2.3.4/33", "\u212Aate.example"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		p, err := CustomProvider(spec)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "assets: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		// What was accepted renders as terms that are accepted again unchanged.
		terms := p.SPFTerms()
		q, err := CustomProvider(strings.Join(terms, " "))
		if err != nil || !reflect.DeepEqual(q.SPFTerms(), terms) {
			t.Fatalf("terms %q do not round-trip: %v %q", terms, err, q.SPFTerms())
		}
	})
}

func FuzzParsePlatform(f *testing.F) {
	f.Add([]byte(goodPlatform))
	f.Add(platformJSON)
	f.Add([]byte(`{"dkim": {"selector": "a", "selector": "b"}}`))
	f.Add([]byte(`[1, {"x": null}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePlatform(data, "f.json")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "assets: platform file f.json: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		if p.Name == "" || p.DKIM.Selector == "" || !strings.HasSuffix(p.DKIM.Target, ".") || len(p.SPFTerms(false)) == 0 {
			t.Fatalf("accepted an incomplete platform: %+v", p)
		}
	})
}

// TestCustomProviderReadsTermsAsSPF: an include:, ip4: or ip6: term a
// person types is read by the wizard's one SPF parser (spfsyntax), so a
// term it refuses is refused for the reason a published record with that
// term would be; what it accepts must still be a host name or a network a
// provider may list.
func TestCustomProviderReadsTermsAsSPF(t *testing.T) {
	for _, term := range []string{"include:", "include:a..example", "ip4:2001:db8::1", "ip6:192.0.2.1", "ip4:192.0.2.0/", "ip4:", "include:a.cominclude:b.com"} {
		_, perr := spfsyntax.ParseTerm(term)
		var se *spfsyntax.SyntaxError
		if !errors.As(perr, &se) {
			t.Fatalf("spfsyntax.ParseTerm(%q) = %v, want a syntax error", term, perr)
		}
		_, err := CustomProvider(term)
		if err == nil || !strings.HasPrefix(err.Error(), "assets: ") || !strings.Contains(err.Error(), se.Reason) {
			t.Errorf("CustomProvider(%q) = %v, want the SPF parser's reason %q", term, err, se.Reason)
		}
	}
	// Valid SPF, but not what a provider may list.
	for spec, mention := range map[string]string{"include:%{d}.spf.example.net": "%", "ip4:192.0.2.1/24": "host bits", "ip6:2000::/15": "/16"} {
		if _, err := spfsyntax.ParseTerm(spec); err != nil {
			t.Fatalf("spfsyntax.ParseTerm(%q): %v", spec, err)
		}
		if _, err := CustomProvider(spec); err == nil || !strings.Contains(err.Error(), mention) {
			t.Errorf("CustomProvider(%q) = %v, want a refusal mentioning %q", spec, err, mention)
		}
	}
}
