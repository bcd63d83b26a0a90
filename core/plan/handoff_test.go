package plan

import (
	"bytes"
	"html/template"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/miekg/dns"
	"golang.org/x/net/html"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/dnscheck/dnstest"
)

const (
	godaddyNS = "@ IN NS ns51.domaincontrol.com.\n@ IN NS ns52.domaincontrol.com."
	// secureserverZone is GoDaddy's SPF include, so that a merged record
	// that keeps it is counted against a real answer.
	secureserverZone = `$ORIGIN secureserver.net.
@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@ IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
`
	m365MXLine  = "@ IN MX 0 " + m365MX + "."
	outlookSPF  = "v=spf1 include:spf.protection.outlook.com -all"
	godaddySPF  = "v=spf1 include:secureserver.net -all"
	doubledName = "osc1._domainkey.yourcenter.edu.yourcenter.edu."
)

// handoffScenarios are yourcenter.edu at four DNS hosts, each with
// something to replace.
var handoffScenarios = map[string]string{
	// Cloudflare: an SPF record to merge, a DKIM CNAME made at the
	// doubled name, no DMARC.
	"cloudflare": domainZone(cloudflarNS, m365MXLine, `@ IN TXT "`+outlookSPF+`"`,
		"osc1._domainkey.yourcenter.edu IN CNAME osc1._domainkey.outreachsystems.com."),
	// Route 53: the SPF record at the apex (an empty name box), quoted
	// TXT values, a DMARC record to keep.
	"route53": domainZone(route53NS, m365MXLine, `@ IN TXT "`+outlookSPF+`"`, `_dmarc IN TXT "v=DMARC1; p=quarantine"`),
	// GoDaddy: its own SPF record beside the organisation's, so two to
	// merge into one.
	"godaddy": domainZone(godaddyNS, m365MXLine, `@ IN TXT "`+outlookSPF+`"`, `@ IN TXT "`+godaddySPF+`"`, `_dmarc IN TXT "v=DMARC1; p=none"`),
	// An unknown host: full names.
	"generic": domainZone(genericNS, m365MXLine),
}

func handoffPlan(t *testing.T, host string) Plan {
	t.Helper()
	srv := startZones(t, secureserverZone, handoffScenarios[host])
	plan := mustPlan(t, srv, testDomain, Options{})
	if plan.Host.ID != host {
		t.Fatalf("scenario %s detected DNS host %q", host, plan.Host.ID)
	}
	return plan
}

func handoff(t *testing.T, format string, plans ...Plan) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteHandoff(&b, format, plans...); err != nil {
		t.Fatalf("WriteHandoff(%s): %v", format, err)
	}
	return b.String()
}

// named gives golden.RequireEqual the file name testdata/<name>.golden.
type named struct {
	testing.TB
	name string
}

func (n named) Name() string { return n.name }

// TestHandoffGolden keeps the whole sheet for review: go test -update
// rewrites testdata/handoff-*.golden.
func TestHandoffGolden(t *testing.T) {
	t.Parallel()
	for _, host := range []string{"cloudflare", "route53"} {
		plan := handoffPlan(t, host)
		golden.RequireEqual(named{t, "handoff-" + host + "-md"}, []byte(handoff(t, FormatMarkdown, plan)))
	}
	golden.RequireEqual(named{t, "handoff-cloudflare-html"}, []byte(handoff(t, FormatHTML, handoffPlan(t, "cloudflare"))))
}

// TestHandoffHosts: each sheet names its host, gives the steps for it with
// names shaped by its form, lists its notes from the catalog, and none of
// another host's.
func TestHandoffHosts(t *testing.T) {
	t.Parallel()
	common := []string{
		"# DNS changes for Neoserra: yourcenter.edu\n",
		"Neoserra (run by OutreachSystems) sends email for people whose addresses end in @yourcenter.edu.",
		"## yourcenter.edu\n",
		"- **Mail provider:** Microsoft 365",
		"**Full name:** `osc1._domainkey.yourcenter.edu.`",
		"**Target (value):** `osc1._domainkey.outreachsystems.com.`",
		"### Mistakes to avoid\n",
		"**The domain twice in the name.** ",
		"**A proxied or flattened CNAME.** The DKIM CNAME must reach receivers as it is. ",
		"**A second SPF record.** ",
		"### Check the result\n",
		"\n`wizard check yourcenter.edu`\n",
	}
	tests := []struct {
		host        string
		wants, nots []string
	}{
		{"cloudflare", []string{
			"- **DNS host:** Cloudflare (recognised from the domain's name servers).",
			"### Steps in Cloudflare\n",
			"1. Sign in to Cloudflare and open the DNS records of the zone `yourcenter.edu`.",
			"(`@` for the domain itself): Cloudflare adds `yourcenter.edu` itself.",
			"3. Paste TXT values as shown, without quotes: Cloudflare adds what it needs and splits long values itself.\n",
			"**Name in Cloudflare's form:** `osc1._domainkey`\n",
			"**Name in Cloudflare's form:** `@`\n",
			"**Name in Cloudflare's form:** `_dmarc`\n",
			"**Value:** `v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all`\n",
			"**A proxied or flattened CNAME.** The DKIM CNAME must reach receivers as it is. Set the CNAME's proxy status to DNS only (grey cloud): a proxied CNAME breaks DKIM.\n",
			"A full name such as `osc1._domainkey.yourcenter.edu` typed in the name box ends up as `" + doubledName + "`, where receivers never look.",
			"The one there now is `" + outlookSPF + "`. If Cloudflare Email Routing is on, it has already published an SPF record",
		}, []string{"Notes on", "orange cloud"}},
		{"route53", []string{
			"- **DNS host:** Amazon Route 53 (recognised",
			"### Steps in Amazon Route 53\n",
			"2. In Record name type only the part before the zone name shown beside the box, and leave the box empty for the domain itself.\n",
			"3. Amazon Route 53 wants TXT values in double quotes: type them as shown, quotes included;",
			"**Name in Amazon Route 53's form:** leave the box empty (the domain itself)\n",
			"**Name in Amazon Route 53's form:** `osc1._domainkey`\n",
			"**Value:** `\"v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all\"`\n",
			"### Already right: leave these as they are\n",
			"- DMARC, TXT at `_dmarc.yourcenter.edu.`: `\"v=DMARC1; p=quarantine\"`",
			"The one there now is `" + outlookSPF + "`. Route 53 keeps all TXT values for a name in one record",
			"Cloudflare's orange cloud",
		}, []string{"Notes on"}},
		{"godaddy", []string{
			"### Steps in GoDaddy\n",
			"**Name in GoDaddy's form:** `osc1._domainkey`\n",
			"**Name in GoDaddy's form:** `@`\n",
			"2. In the Name box type only the part before your domain (@ for the domain itself); GoDaddy adds the domain.\n",
			"see the SPF change below. GoDaddy often publishes its own SPF record (v=spf1 include:secureserver.net -all)",
			"A full name such as `osc1._domainkey.yourcenter.edu` typed in the name box ends up as `" + doubledName + "`, where receivers never look.",
		}, []string{"Notes on"}},
		{"generic", []string{
			"- **DNS host:** not recognised from the domain's name servers, so the steps below are general.",
			"### Steps at your DNS host\n",
			"1. Sign in to the service that hosts the DNS of `yourcenter.edu` and open its DNS records.",
			"2. In the name box type the name as shown: the part before the zone (@ for the zone itself), since most forms add the zone after it. Only if the form shows no zone after the box, type the full name with its final dot instead.\n",
			"Notes on the form:\n\n- Type the CNAME target with its final dot",
			"3. Paste TXT values as shown, without quotes: most forms store what is pasted",
			"**Name in the form:** `osc1._domainkey`\n- **Full name:** `osc1._domainkey.yourcenter.edu.`\n",
			"**Name in the form:** `@`\n- **Full name:** `yourcenter.edu.`\n",
			"**Value:** `v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all`\n",
			"A full name such as `osc1._domainkey.yourcenter.edu` typed in the name box ends up as `" + doubledName + "` at most hosts, where receivers never look.",
			"yourcenter.edu has none today. Some DNS hosts publish an SPF record of their own",
			"Cloudflare's orange cloud",
		}, nil},
	}
	hostNotes := map[string][]string{}
	for _, tc := range tests {
		hostNotes[tc.host] = handoffPlan(t, tc.host).Host.Notes()
	}
	for _, tc := range tests {
		t.Run(tc.host, func(t *testing.T) {
			t.Parallel()
			out := handoff(t, FormatMarkdown, handoffPlan(t, tc.host))
			for _, want := range append(slices.Clone(common), tc.wants...) {
				if !strings.Contains(out, want) {
					t.Errorf("sheet lacks %q", want)
				}
			}
			for _, not := range tc.nots {
				if strings.Contains(out, not) {
					t.Errorf("sheet has %q", not)
				}
			}
			// Every catalog note of this host is on the sheet once, in
			// the place it belongs; no other host's is.
			for host, notes := range hostNotes {
				for _, n := range notes {
					has := strings.Count(out, mdText(n, false))
					if host == tc.host && has != 1 {
						t.Errorf("sheet has %s's note %d times, want once: %q", host, has, n)
					}
					if host != tc.host && has > 0 {
						t.Errorf("sheet has %s's note %q", host, n)
					}
				}
			}
			if t.Failed() {
				t.Log(out)
			}
		})
	}
}

// TestHandoffReplaceAndDelete: the record at the doubled name is to be
// deleted, under the name the form shows; an existing SPF record is
// edited, two are merged into one.
func TestHandoffReplaceAndDelete(t *testing.T) {
	t.Parallel()
	t.Run("doubled DKIM and SPF to merge", func(t *testing.T) {
		t.Parallel()
		out := handoff(t, FormatMarkdown, handoffPlan(t, "cloudflare"))
		for _, want := range []string{
			"### Changes to make (4)\n",
			"#### 2. DKIM: add a CNAME record\n\n- **What to do:** add a new CNAME record.\n",
			"#### 1. DKIM: delete this CNAME record\n\n- **What to do:** delete this record.\n- **Type:** `CNAME`\n" +
				"- **Name as Cloudflare's form shows it:** `osc1._domainkey.yourcenter.edu`\n" +
				"- **Full name:** `" + doubledName + "`\n" +
				"- **Its value now:** `osc1._domainkey.outreachsystems.com.`\n",
			"#### 3. SPF: replace the TXT record\n\n- **What to do:** edit the existing TXT record (under Now) so that its value is exactly the one below; do not add a second record.\n",
			"- **Now:** `" + outlookSPF + "`\n",
			"#### 4. DMARC: add a TXT record\n",
			"- **Value:** `v=DMARC1; p=none`\n",
			"It has happened here already: the changes below delete the record at `" + doubledName + "`.",
			"The one there now is `" + outlookSPF + "`.",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("sheet lacks %q", want)
			}
		}
		// A record to delete has no TTL and nothing it replaces.
		del := out[strings.Index(out, "#### 1"):strings.Index(out, "#### 2")]
		if strings.Contains(del, "TTL") || strings.Contains(del, "**Now:**") {
			t.Errorf("delete section has a TTL or Now line:\n%s", del)
		}
		if t.Failed() {
			t.Log(out)
		}
	})
	t.Run("two SPF records", func(t *testing.T) {
		t.Parallel()
		plan := handoffPlan(t, "godaddy")
		out := handoff(t, FormatMarkdown, plan)
		spf := one(t, plan, PurposeSPF)
		for _, want := range []string{
			"#### 2. SPF: edit one TXT record, delete the other\n\n- **What to do:** edit the record under Edit so that its value is exactly the one below, and delete each record under Delete, by its value.\n",
			"- **Value:** `" + spf.Value + "`\n",
			"- **Edit:** `" + outlookSPF + "`\n",
			"- **Delete:** `" + godaddySPF + "`\n",
			"yourcenter.edu has 2 today: see the SPF change below.",
			"The domain has 2 SPF records, which makes receivers ignore all of them.",
			"- DMARC, TXT at `_dmarc.yourcenter.edu.`: `v=DMARC1; p=none`\n",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("sheet lacks %q", want)
			}
		}
		if !strings.Contains(spf.Value, "include:secureserver.net") {
			t.Errorf("merged SPF %q lost GoDaddy's include", spf.Value)
		}
		if t.Failed() {
			t.Log(out)
		}
	})
	t.Run("nothing to change", func(t *testing.T) {
		t.Parallel()
		srv := startZones(t, domainZone(cloudflarNS, m365MXLine,
			`@ IN TXT "v=spf1 include:spf.protection.outlook.com include:spf.outreachsystems.com -all"`,
			"osc1._domainkey IN CNAME osc1._domainkey.outreachsystems.com.", `_dmarc IN TXT "v=DMARC1; p=none"`))
		out := handoff(t, FormatMarkdown, mustPlan(t, srv, testDomain, Options{}))
		for _, want := range []string{"Nothing to change: every record is already right.", "The one there is already right. If Cloudflare Email Routing is on", "### Already right"} {
			if !strings.Contains(out, want) {
				t.Errorf("sheet lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "####") {
			t.Errorf("sheet lists changes:\n%s", out)
		}
	})
}

// hostileValue is a DMARC record with a terminal escape, backticks (a run
// of three, and one at the end) and a script tag.
const hostileValue = "v=DMARC1; p=none; rua=mailto:\x1b[31mx@yourcenter.edu ```<script>alert(1)</script>`"

// hostileHandoffZone publishes hostileValue beside a second DMARC record
// (so the plan replaces them and shows both), and an SPF-like TXT record
// whose text reaches the sheet's prose through a note.
func hostileHandoffZone() string {
	return domainZone(cloudflarNS, m365MXLine,
		txtLine("_dmarc", hostileValue),
		`_dmarc IN TXT "v=DMARC1; p=reject"`,
		txtLine("@", "\u201cv=spf1 a:`x` <script>alert(2)</script> *bold* [l](http://evil.example) -all\u201d"),
	)
}

func TestHandoffHostileValues(t *testing.T) {
	t.Parallel()
	srv := startZones(t, hostileHandoffZone())
	plan := mustPlan(t, srv, testDomain, Options{})
	dmarc := one(t, plan, PurposeDMARC)
	if !slices.Contains(dmarc.Replaces, hostileValue) {
		t.Fatalf("DMARC replaces %q, want the hostile value among them", dmarc.Replaces)
	}
	shown := dnscheck.Printable(hostileValue)

	t.Run("markdown", func(t *testing.T) {
		t.Parallel()
		out := handoff(t, FormatMarkdown, plan)
		checkPrintable(t, "markdown sheet", out)
		if strings.ContainsRune(out, '\t') {
			t.Error("markdown sheet has a raw tab")
		}
		// The value is one code span, read back exactly (escaped), with a
		// delimiter longer than its run of three backticks.
		spans := mdCodeSpans(out)
		if !slices.Contains(spans, shown) {
			t.Errorf("no code span reads back as %q; spans:\n%q", shown, spans)
		}
		if !strings.Contains(out, "```` "+shown+" ````") {
			t.Errorf("the value is not in a four-backtick span:\n%s", out)
		}
		// Outside code spans, nothing from DNS is markup: no raw HTML, no
		// emphasis, no link.
		prose := mdProse(out)
		for _, bad := range []string{"<script>", "*bold*", "[l](", "\x1b"} {
			if strings.Contains(prose, bad) {
				t.Errorf("markdown prose has unescaped %q", bad)
			}
		}
		if !strings.Contains(prose, `\<script\>alert(2)\</script\>`) || !strings.Contains(prose, `\*bold\*`) {
			t.Errorf("the SPF-like note is not escaped as prose:\n%s", out)
		}
		if t.Failed() {
			t.Log(out)
		}
	})
	t.Run("html", func(t *testing.T) {
		t.Parallel()
		out := handoff(t, FormatHTML, plan)
		checkPrintable(t, "HTML sheet", out)
		if strings.Contains(strings.ToLower(out), "<script") {
			t.Errorf("HTML has a raw <script")
		}
		doc := parseHTML(t, out)
		if codes := htmlCodes(doc); !slices.Contains(codes, shown) {
			t.Errorf("no <code> holds %q; codes:\n%q", shown, codes)
		}
		if n := countElements(doc, "script"); n != 0 {
			t.Errorf("HTML has %d script elements", n)
		}
		if !strings.Contains(htmlText(doc), "<script>alert(2)</script> *bold*") {
			t.Errorf("the SPF-like note is not shown as text")
		}
	})
}

// TestHandoffHTMLPage: one self-contained page (inline style, nothing
// fetched, no script) that parses, with the same values as the Markdown.
func TestHandoffHTMLPage(t *testing.T) {
	t.Parallel()
	plan := handoffPlan(t, "cloudflare")
	out := handoff(t, FormatHTML, plan)
	if !strings.HasPrefix(out, "<!DOCTYPE html>\n<html lang=\"en\">") || !strings.HasSuffix(out, "</html>\n") {
		t.Errorf("not one whole page:\n%s", out)
	}
	lower := strings.ToLower(out)
	for _, bad := range []string{"<script", "<link", "<img", "<iframe", "<object", "<embed", "src=", "href=", "url(", "@import", "http:", "https:"} {
		if strings.Contains(lower, bad) {
			t.Errorf("HTML has %q", bad)
		}
	}
	doc := parseHTML(t, out)
	for el, want := range map[string]int{"html": 1, "head": 1, "body": 1, "title": 1, "style": 1, "h1": 1, "h2": 1, "script": 0} {
		if n := countElements(doc, el); n != want {
			t.Errorf("%d <%s> elements, want %d", n, el, want)
		}
	}
	walk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "style" && (n.Parent == nil || n.Parent.Data != "head") {
			t.Errorf("<style> outside <head>")
		}
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") || a.Key == "src" || a.Key == "href" || a.Key == "style" {
				t.Errorf("<%s> has attribute %s", n.Data, a.Key)
			}
		}
	})
	md := handoff(t, FormatMarkdown, plan)
	if got, want := htmlCodes(doc), mdCodeSpans(md); !slices.Equal(got, want) {
		t.Errorf("HTML values differ from the Markdown's:\n html %q\n   md %q", got, want)
	}
	for _, want := range []string{"DNS changes for Neoserra: yourcenter.edu", "Steps in Cloudflare", "Mistakes to avoid", "Set the CNAME's proxy status to DNS only (grey cloud)"} {
		if !strings.Contains(htmlText(doc), want) {
			t.Errorf("HTML text lacks %q", want)
		}
	}
}

// TestHandoffSeveralDomains: one section per domain, each with its own
// host's steps, and one command to check them all; SaveHandoff names the
// files by what they hold: the first domain and how many more.
func TestHandoffSeveralDomains(t *testing.T) {
	t.Parallel()
	srv := startZones(t, secureserverZone, handoffScenarios["cloudflare"], `$ORIGIN other.example.
@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300
`+godaddyNS+`
@ IN MX 0 `+m365MX+`.
`)
	plans := []Plan{mustPlan(t, srv, testDomain, Options{}), mustPlan(t, srv, "other.example", Options{})}
	out := handoff(t, FormatMarkdown, plans...)
	for _, want := range []string{
		"# DNS changes for Neoserra: yourcenter.edu and other.example\n",
		"addresses end in @yourcenter.edu and @other.example.",
		"## yourcenter.edu\n", "### Steps in Cloudflare\n", "`wizard check yourcenter.edu`",
		"## other.example\n", "### Steps in GoDaddy\n", "`wizard check other.example`", "**Name in GoDaddy's form:** `osc1._domainkey`",
		"## Check every domain at once\n\n`wizard check yourcenter.edu other.example`\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("sheet lacks %q", want)
		}
	}
	if i, j := strings.Index(out, "## yourcenter.edu"), strings.Index(out, "## other.example"); i > j || strings.Index(out, "Steps in Cloudflare") > j || strings.Index(out, "Steps in GoDaddy") < j {
		t.Errorf("sections out of order:\n%s", out)
	}
	if t.Failed() {
		t.Log(out)
	}

	dir := t.TempDir()
	mdPath, htmlPath, err := SaveHandoff(dir, plans...)
	if err != nil {
		t.Fatal(err)
	}
	if mdPath != filepath.Join(dir, "dns-handoff-yourcenter.edu-and-1-more.md") || htmlPath != filepath.Join(dir, "dns-handoff-yourcenter.edu-and-1-more.html") {
		t.Errorf("paths %q, %q", mdPath, htmlPath)
	}
	for path, want := range map[string]string{mdPath: out, htmlPath: handoff(t, FormatHTML, plans...)} {
		if got, err := os.ReadFile(path); err != nil || string(got) != want {
			t.Errorf("%s: %v; content differs from WriteHandoff", path, err)
		}
	}
}

// TestWriteHandoffFormats: Write gives the same sheet for one plan.
func TestWriteHandoffFormats(t *testing.T) {
	t.Parallel()
	plan := handoffPlan(t, "route53")
	for _, format := range []string{FormatMarkdown, FormatHTML} {
		var b bytes.Buffer
		if err := Write(&b, plan, format); err != nil {
			t.Fatal(err)
		}
		if want := handoff(t, format, plan); b.String() != want {
			t.Errorf("Write(%s) differs from WriteHandoff", format)
		}
	}
}

func TestHandoffErrors(t *testing.T) {
	t.Parallel()
	plan := Plan{Domain: testDomain, Zone: testDomain}
	var b bytes.Buffer
	if err := WriteHandoff(&b, "pdf", plan); err == nil || !strings.Contains(err.Error(), `"pdf"`) || b.Len() != 0 {
		t.Errorf("WriteHandoff(pdf) = %v, wrote %d bytes", err, b.Len())
	}
	if err := WriteHandoff(&b, FormatMarkdown); err == nil {
		t.Error("WriteHandoff with no plan succeeded")
	}
	if _, _, err := SaveHandoff(t.TempDir()); err == nil {
		t.Error("SaveHandoff with no plan succeeded")
	}
	if _, _, err := SaveHandoff(t.TempDir(), Plan{Domain: "../x"}); err == nil || !strings.Contains(err.Error(), "cannot name a file") {
		t.Errorf("SaveHandoff(../x) = %v", err)
	}
	if name, err := HandoffName(plan); err != nil || name != "dns-handoff-"+testDomain {
		t.Errorf("HandoffName(one plan) = %q, %v", name, err)
	}
	missing := filepath.Join(t.TempDir(), "missing")
	if _, _, err := SaveHandoff(missing, plan); err == nil || !strings.Contains(err.Error(), "saving the hand-off sheet") {
		t.Errorf("SaveHandoff into a missing directory = %v", err)
	}
	// A plan with no platform and no host still makes a sheet.
	out := handoff(t, FormatMarkdown, plan)
	for _, want := range []string{"The sending platform sends email", "### Steps at your DNS host"} {
		if !strings.Contains(out, want) {
			t.Errorf("bare sheet lacks %q:\n%s", want, out)
		}
	}
}

func TestMdCode(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"plain", "a`b", "``x``", "`", "x`", "`x", " both ", " lead", "trail ", "   ", "a ``` b ` c"} {
		got := mdCode(s)
		spans := mdCodeSpans(got)
		if len(spans) != 1 || spans[0] != s {
			t.Errorf("mdCode(%q) = %q reads back as %q", s, got, spans)
		}
		if run := longestRun(s); !strings.HasPrefix(got, strings.Repeat("`", run+1)) || strings.HasPrefix(got, strings.Repeat("`", run+2)) {
			t.Errorf("mdCode(%q) = %q: delimiter is not one longer than the longest run (%d)", s, got, run)
		}
	}
}

func TestMdText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in    string
		start bool
		want  string
	}{
		{"a *b* _c_ `d` <e> [f](g) h|i ~j~ &amp; !k \\", false, "a \\*b\\* _c\\_ \\`d\\` \\<e\\> \\[f\\](g) h\\|i \\~j\\~ \\&amp; \\!k \\\\"},
		// Only an underscore that could close emphasis is escaped: DNS
		// names read as written in the plain text.
		{"yourcenter.edu._report._dmarc.stateuniv.edu", false, "yourcenter.edu._report._dmarc.stateuniv.edu"},
		{"at _dmarc.yourcenter.edu.", false, "at _dmarc.yourcenter.edu."},
		{"snake_case_name", false, "snake_case_name"},
		{"_em_ and __strong__", false, "_em\\_ and __strong\\_\\_"},
		{"word_ end", false, "word\\_ end"},
		{"- item", true, `\- item`},
		{"- item", false, "- item"},
		{"# head", true, `\# head`},
		{"12. list", true, `12\. list`},
		{"3) list", true, `3\) list`},
		{"2024 was", true, "2024 was"},
		{"1.5 points", true, `1\.5 points`},
	} {
		if got := mdText(tc.in, tc.start); got != tc.want {
			t.Errorf("mdText(%q, %v) = %q, want %q", tc.in, tc.start, got, tc.want)
		}
	}
}

func longestRun(s string) int {
	best, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
	}
	return best
}

// mdCodeSpans returns the contents of the code spans in Markdown text.
func mdCodeSpans(md string) []string {
	_, spans := mdSplit(md)
	return spans
}

// mdProse returns Markdown text without its code spans.
func mdProse(md string) string {
	prose, _ := mdSplit(md)
	return prose
}

// mdSplit separates Markdown text into prose and code spans, as a
// CommonMark reader does (§6.1): a backslash outside a span escapes the
// next character; a span closes at the next backtick run of the same
// length; one space is stripped from each end when both ends have one and
// the content is not all spaces.
func mdSplit(md string) (string, []string) {
	var prose strings.Builder
	var spans []string
	for i := 0; i < len(md); {
		switch {
		case md[i] == '\\' && i+1 < len(md):
			prose.WriteString(md[i : i+2])
			i += 2
			continue
		case md[i] != '`':
			prose.WriteByte(md[i])
			i++
			continue
		}
		n := runAt(md, i)
		end := -1
		for k := i + n; k < len(md); {
			if md[k] != '`' {
				k++
				continue
			}
			if m := runAt(md, k); m != n {
				k += m
				continue
			}
			end = k
			break
		}
		if end < 0 {
			prose.WriteString(md[i : i+n])
			i += n
			continue
		}
		s := md[i+n : end]
		if len(s) >= 2 && s[0] == ' ' && s[len(s)-1] == ' ' && strings.Trim(s, " ") != "" {
			s = s[1 : len(s)-1]
		}
		spans = append(spans, s)
		i = end + n
	}
	return prose.String(), spans
}

func runAt(s string, i int) int {
	n := 0
	for i+n < len(s) && s[i+n] == '`' {
		n++
	}
	return n
}

func parseHTML(t *testing.T, page string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatalf("HTML does not parse: %v", err)
	}
	return doc
}

func walk(n *html.Node, f func(*html.Node)) {
	f(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func countElements(doc *html.Node, name string) int {
	n := 0
	walk(doc, func(x *html.Node) {
		if x.Type == html.ElementNode && x.Data == name {
			n++
		}
	})
	return n
}

func htmlText(n *html.Node) string {
	var b strings.Builder
	walk(n, func(x *html.Node) {
		if x.Type == html.TextNode && (x.Parent == nil || x.Parent.Data != "style") {
			b.WriteString(x.Data)
		}
	})
	return b.String()
}

// htmlCodes returns the text of every <code> element, in order.
func htmlCodes(doc *html.Node) []string {
	var out []string
	walk(doc, func(x *html.Node) {
		if x.Type == html.ElementNode && x.Data == "code" {
			out = append(out, htmlText(x))
		}
	})
	return out
}

// TestHandoffDNSTrouble: a lookup that got no answer but blocks no record
// (the zone's NS, the MX with a provider chosen) is in the sheet with the
// reason in words, never as a bare status word.
func TestHandoffDNSTrouble(t *testing.T) {
	srv := startZones(t, handoffScenarios["generic"])
	srv.SetFaultType(testDomain, dns.TypeNS, dnstest.Fault{ServFail: true})
	srv.SetFaultType(testDomain, dns.TypeMX, dnstest.Fault{WrongQuestion: true})
	m365, _ := assets.ProviderByID("microsoft365")
	plan := mustPlan(t, srv, testDomain, Options{Provider: &m365})
	for _, format := range []string{FormatMarkdown, FormatHTML} {
		sheet := handoff(t, format, plan)
		for _, want := range []string{
			"DNS did not answer NS yourcenter.edu: the DNS server reported a failure",
			"DNS did not answer MX yourcenter.edu: " + srv.Addr() + " replied to another question",
		} {
			if !strings.Contains(sheet, want) {
				t.Errorf("%s sheet lacks %q:\n%s", format, want, sheet)
			}
		}
		for _, bare := range []string{": servfail", ": bad-reply", ": error"} {
			if strings.Contains(sheet, bare) {
				t.Errorf("%s sheet has the bare status %q", format, bare)
			}
		}
	}
}

// TestHandoffOneQuoteRule: the sheet states how the host's form wants TXT
// values once per domain, in the catalog's words (assets.DNSHost.QuoteRule),
// in Markdown and HTML, and says nothing else about quotes.
func TestHandoffOneQuoteRule(t *testing.T) {
	t.Parallel()
	for _, host := range []string{"cloudflare", "route53", "godaddy", "generic"} {
		p := handoffPlan(t, host)
		rule := p.Host.QuoteRule()
		for _, format := range []string{FormatMarkdown, FormatHTML} {
			out := handoff(t, format, p, p)
			if format == FormatHTML {
				rule = template.HTMLEscapeString(rule)
			}
			if n := strings.Count(out, rule); n != 2 {
				t.Errorf("%s %s: the quote rule is stated %d times for 2 domains, want 2", host, format, n)
			}
			if rest := strings.ReplaceAll(out, rule, ""); strings.Contains(strings.ToLower(rest), "quote") {
				i := strings.Index(strings.ToLower(rest), "quote")
				t.Errorf("%s %s: another sentence speaks of quotes: …%s…", host, format, rest[max(i-150, 0):min(i+50, len(rest))])
			}
		}
	}
}

// TestHandoffWarningsFirst: in each domain's section the notes that
// prevent a mistake (the quote rule, the host's notes, the classic
// mistakes, the plan's other warnings) come before the changes they are
// about, as on the screen and in the text output; the check comes last.
func TestHandoffWarningsFirst(t *testing.T) {
	t.Parallel()
	for _, host := range []string{"cloudflare", "route53", "generic"} {
		p := handoffPlan(t, host)
		p.Warnings = append(p.Warnings, "A warning of this plan's own.")
		for _, format := range []string{FormatMarkdown, FormatHTML} {
			out := handoff(t, format, p)
			esc := func(s string) string {
				if format == FormatHTML {
					return template.HTMLEscapeString(s)
				}
				return mdText(s, true)
			}
			changes := strings.Index(out, "Changes to make")
			check := strings.Index(out, "Check the result")
			if changes < 0 || check < changes {
				t.Fatalf("%s %s: no changes, or the check before them:\n%s", host, format, out)
			}
			for _, before := range append([]string{esc(p.Host.QuoteRule()), "Mistakes to avoid", "The domain twice in the name", "A second SPF record",
				"Also watch out", esc("A warning of this plan's own.")}, mapEsc(p.Host.Warnings, esc)...) {
				if i := strings.Index(out, before); i < 0 || i > changes {
					t.Errorf("%s %s: %q is at %d, not before the changes (at %d)", host, format, before, i, changes)
				}
			}
		}
	}
}

func mapEsc(in []string, f func(string) string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}

// TestHandoffEachFactOnce: one answer per field (issue 14). No two
// sentences of a domain's section say the same thing: none is repeated,
// and no two share most of their words (as a step and a note giving the
// same name rule in other words would). Field lines (Type:, Value:, TTL:…)
// are data, not sentences, and are left out.
func TestHandoffEachFactOnce(t *testing.T) {
	t.Parallel()
	for _, host := range []string{"cloudflare", "route53", "godaddy", "generic"} {
		s := buildSheet([]Plan{handoffPlan(t, host)})
		type clause struct {
			line  int // clauses of one line may share words
			text  string
			words map[string]bool
		}
		var seen []clause
		n := 0
		for _, b := range s.Blocks {
			if b.Level > 0 || b.Class == "cmd" {
				continue
			}
			lines := b.Items
			if len(b.Items) == 0 {
				lines = []line{b.Line}
			}
			for _, l := range lines {
				n++
				if len(l) > 0 && l[0].Strong && strings.HasSuffix(l[0].Text, ": ") {
					continue // a field: a label and its value
				}
				for _, c := range factClauses(l) {
					words := map[string]bool{}
					for _, w := range strings.Fields(c) {
						words[w] = true
					}
					if len(words) < 4 {
						continue
					}
					for _, prev := range seen {
						if prev.line == n {
							continue
						}
						if k := sharedWords(words, prev.words); k >= 4 && k*4 >= 3*min(len(words), len(prev.words)) {
							t.Errorf("%s: said twice:\n  %q\n  %q", host, prev.text, c)
						}
					}
					seen = append(seen, clause{n, c, words})
				}
			}
		}
	}
}

// factClauses splits a sheet line into its clauses (at sentence ends,
// colons and semicolons), lower case, without punctuation around words
// and without small words; bold titles are left out.
func factClauses(l line) []string {
	var b strings.Builder
	for _, sp := range l {
		if !sp.Strong {
			b.WriteString(sp.Text)
		}
	}
	text := strings.ToLower(b.String())
	var out []string
	for _, c := range strings.FieldsFunc(strings.NewReplacer(". ", "|", ": ", "|", "; ", "|").Replace(text), func(r rune) bool { return r == '|' }) {
		var words []string
		for _, w := range strings.Fields(c) {
			if w = strings.Trim(w, ".,:;()'\""); w != "" && !smallWords[w] {
				words = append(words, w)
			}
		}
		if len(words) > 0 {
			out = append(out, strings.Join(words, " "))
		}
	}
	return out
}

var smallWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields("a an the in of for to it its is are and or as with at by on this that be not only each") {
		smallWords[w] = true
	}
}

func sharedWords(a, b map[string]bool) int {
	n := 0
	for w := range a {
		if b[w] {
			n++
		}
	}
	return n
}

// TestProxyNoteOnce: with something else than a CNAME at the DKIM name,
// the note on proxied CNAMEs is said once wherever the plan is shown: at
// Cloudflare it is the catalog's proxy note (among the plan's warnings, on
// the sheet among the mistakes), never also the DKIM change's own hint; at
// a host without a proxy note the change carries the hint on screen and
// in text, and the sheet says it once among its mistakes.
func TestProxyNoteOnce(t *testing.T) {
	t.Parallel()
	dkimTXT := `osc1._domainkey IN TXT "v=DKIM1; p=MIGf"`
	for _, tc := range []struct {
		ns, note string
	}{
		{cloudflarNS, "Set the CNAME's proxy status to DNS only (grey cloud): a proxied CNAME breaks DKIM."},
		{genericNS, proxyHint},
	} {
		srv := startZones(t, domainZone(tc.ns, m365MXLine, dkimTXT))
		p := mustPlan(t, srv, testDomain, Options{})
		if dkim := one(t, p, PurposeDKIM); dkim.Action != ActionReplace {
			t.Fatalf("DKIM action %q, want replace", dkim.Action)
		}
		var text bytes.Buffer
		if err := WriteText(&text, p); err != nil {
			t.Fatal(err)
		}
		sheet := handoff(t, FormatMarkdown, p)
		want := map[string]int{
			"text: " + proxyHint:                       0,
			"sheet: **A proxied or flattened CNAME.**": 1,
			"sheet: " + proxyHint:                      0, // the mistakes say it
		}
		// Set last: at a host without a proxy note, the note is the hint.
		want["text: "+tc.note] = 1
		if p.Host.ProxyNote != "" {
			want["sheet: "+p.Host.ProxyNote] = 1
		}
		for key, n := range want {
			where, what, _ := strings.Cut(key, ": ")
			out := sheet
			if where == "text" {
				out = text.String()
			}
			if got := strings.Count(out, what); got != n {
				t.Errorf("%s: the %s says %q %d times, want %d", p.Host.ID, where, what, got, n)
			}
		}
		if t.Failed() {
			t.Log(text.String())
			t.Log(sheet)
		}
	}
}

// TestHandoffDigLines: the sheet's check section gives the DNS person one
// dig command per change, with the answer to expect, so that the reader
// can check without the wizard: nothing for a record deleted, the CNAME's
// target, and TXT values quoted as dig prints them. Records kept get none.
func TestHandoffDigLines(t *testing.T) {
	plan := handoffPlan(t, "cloudflare")
	md := handoff(t, FormatMarkdown, plan)
	_, check, ok := strings.Cut(md, "### Check the result")
	if !ok {
		t.Fatalf("no check section:\n%s", md)
	}
	var changes int
	for _, r := range plan.Records {
		if r.Action == ActionKeep || r.Action == ActionAskOwner {
			if strings.Contains(check, "dig +short "+r.Type+" "+strings.TrimSuffix(r.Name, ".")+"`") {
				t.Errorf("a dig line for the record kept at %s", r.Name)
			}
			continue
		}
		changes++
		cmd := "`dig +short " + r.Type + " " + strings.TrimSuffix(r.Name, ".") + "`"
		var want string
		switch {
		case r.Action == ActionDelete:
			want = cmd + " should print nothing"
		case r.Type == "CNAME":
			want = cmd + " should print `" + r.Value + "`"
		default:
			want = "`\"" + r.Value + "\"`"
		}
		if !strings.Contains(check, cmd) || !strings.Contains(check, want) {
			t.Errorf("the check section lacks %s with %s:\n%s", cmd, want, check)
		}
	}
	if got := strings.Count(check, "`dig +short "); got != changes || changes == 0 {
		t.Errorf("%d dig lines for %d changes", got, changes)
	}
	if !strings.Contains(check, "nslookup -type=TXT "+plan.Domain) {
		t.Errorf("no nslookup line for Windows:\n%s", check)
	}
}

// TestHandoffHTMLCodeKeepsTokens: in the web page, a code span never
// breaks inside a token (which a reader could take for a space): it wraps
// at spaces, between terms, and scrolls when one token is wider than the
// page.
func TestHandoffHTMLCodeKeepsTokens(t *testing.T) {
	page := handoff(t, FormatHTML, handoffPlan(t, "cloudflare"))
	_, rest, _ := strings.Cut(page, "\ncode {")
	rule, _, _ := strings.Cut(rest, "}")
	for _, want := range []string{"white-space: pre-wrap", "overflow-wrap: normal", "overflow-x: auto"} {
		if !strings.Contains(rule, want) {
			t.Errorf("the code style lacks %q: %s", want, rule)
		}
	}
	for _, bad := range []string{"break-all", "anywhere", "break-word"} {
		if strings.Contains(rule, bad) {
			t.Errorf("the code style breaks inside tokens (%s): %s", bad, rule)
		}
	}
}

// TestHandoffSimulated: a sheet written in the demo (Simulated plans) says
// that its commands are for the real domain, since they ask the real
// Internet; a real sheet does not.
func TestHandoffSimulated(t *testing.T) {
	t.Parallel()
	plan := handoffPlan(t, "cloudflare")
	for _, simulated := range []bool{false, true} {
		plan.Simulated = simulated
		out := handoff(t, FormatMarkdown, plan)
		for _, s := range []string{
			"The commands in it (dig, wizard check) ask the real Internet, so run them for your real domain.",
			"With your real domain (the demo's is simulated), whoever sent you this sheet can also run",
		} {
			if strings.Contains(out, s) != simulated {
				t.Errorf("simulated %v: says %q: %v", simulated, s, !simulated)
			}
		}
	}
}
