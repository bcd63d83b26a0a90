package assets_test

import (
	"fmt"

	"github.com/outreach-auth/wizard/assets"
)

func ExampleDetectProvider() {
	p, mx, ok := assets.DetectProvider([]string{"yourcenter-edu.mail.protection.outlook.com."})
	fmt.Println(ok, p.Name, p.SPFTerms(), mx)
	// Output: true Microsoft 365 [include:spf.protection.outlook.com] yourcenter-edu.mail.protection.outlook.com.
}

func ExampleDNSHost_HostField() {
	platform := assets.DefaultPlatform()
	name := platform.DKIMName("yourcenter.edu")
	for _, ns := range []string{"kate.ns.cloudflare.com.", "ns-123.awsdns-45.org.", "ns1.example.net."} {
		h := assets.DetectDNSHost([]string{ns})
		fmt.Printf("%s: %q and %q\n", h.Name, h.HostField(name, "yourcenter.edu"), h.HostField("yourcenter.edu", "yourcenter.edu"))
	}
	// Output:
	// Cloudflare: "osc1._domainkey" and "@"
	// Amazon Route 53: "osc1._domainkey" and ""
	// Your DNS host: "osc1._domainkey" and "@"
}

func ExampleDNSHost_TXTValue() {
	r53, _ := assets.DNSHostByID("route53")
	fmt.Println(r53.TXTValue("v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all"))
	// Output: "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all"
}
