package plan

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/audience"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/internal/safefile"
)

// The hand-off sheet is a document for the person who edits DNS, often not
// the person running the wizard: for each domain, the changes to make with
// names and values exactly as the DNS host's form wants them, the steps at
// that host, the mistakes to avoid and how to confirm. It is built once as a
// small document tree (sheet) and rendered from it as Markdown or as one
// self-contained HTML page, so both say the same thing.

// WriteHandoff writes the hand-off sheet for plans (one section per domain)
// in format (FormatMarkdown or FormatHTML). Every name and value from DNS
// passes through dnscheck.Printable; Markdown puts values in code spans
// that no backtick can close, HTML escapes everything with html/template.
func WriteHandoff(w io.Writer, format string, plans ...Plan) error {
	if format != FormatMarkdown && format != FormatHTML {
		return fmt.Errorf("records: unknown hand-off format %q (use %s or %s)", format, FormatMarkdown, FormatHTML)
	}
	if len(plans) == 0 {
		return fmt.Errorf("records: writing the hand-off sheet: no domain given")
	}
	s := buildSheet(plans)
	if format == FormatHTML {
		if err := handoffPage.Execute(w, s); err != nil {
			return fmt.Errorf("records: writing the hand-off sheet: %w", err)
		}
		return nil
	}
	return writeMarkdown(w, s)
}

// HandoffName returns the file name, without extension, that says what
// the hand-off sheet for plans holds: dns-handoff-<domain> for one domain,
// dns-handoff-<first domain>-and-<n-1>-more for several.
func HandoffName(plans ...Plan) (string, error) {
	if len(plans) == 0 {
		return "", fmt.Errorf("records: saving the hand-off sheet: no domain given")
	}
	domain := plans[0].Domain
	if domain == "" || domain == "." || domain == ".." || strings.ContainsAny(domain, `/\`) {
		return "", fmt.Errorf("records: saving the hand-off sheet: %q cannot name a file", dnscheck.Printable(domain))
	}
	if len(plans) == 1 {
		return "dns-handoff-" + domain, nil
	}
	return fmt.Sprintf("dns-handoff-%s-and-%d-more", domain, len(plans)-1), nil
}

// SaveHandoff writes the hand-off sheet for plans as HandoffName(plans)
// .md and .html into dir (the current directory when empty) and returns
// both absolute paths. It is SaveHandoffFS on the real file system.
func SaveHandoff(dir string, plans ...Plan) (mdPath, htmlPath string, err error) {
	return SaveHandoffFS(nil, dir, plans...)
}

// SaveHandoffFS is SaveHandoff through fsys (nil: the real file system).
// Both files are written whole or not at all, never through a symbolic
// link or other non-file at their names (safefile.WriteFiles, see
// docs/files.md); the error then wraps a *safefile.WriteError.
func SaveHandoffFS(fsys safefile.FS, dir string, plans ...Plan) (mdPath, htmlPath string, err error) {
	name, err := HandoffName(plans...)
	if err != nil {
		return "", "", err
	}
	var md, page bytes.Buffer
	if err := WriteHandoff(&md, FormatMarkdown, plans...); err != nil {
		return "", "", err
	}
	if err := WriteHandoff(&page, FormatHTML, plans...); err != nil {
		return "", "", err
	}
	base, err := filepath.Abs(filepath.Join(dir, name))
	if err != nil {
		return "", "", fmt.Errorf("records: saving the hand-off sheet: %w", err)
	}
	mdPath, htmlPath = base+".md", base+".html"
	if err := safefile.WriteFiles(fsys,
		safefile.File{Path: mdPath, Data: md.Bytes(), Perm: 0o644},
		safefile.File{Path: htmlPath, Data: page.Bytes(), Perm: 0o644}); err != nil {
		return "", "", fmt.Errorf("records: saving the hand-off sheet: %w", err)
	}
	return mdPath, htmlPath, nil
}

// span is a run of sheet text, already passed through dnscheck.Printable.
type span struct {
	Text   string
	Code   bool // a name or value to copy exactly
	Strong bool
}

// line is a heading, a paragraph or one list item.
type line []span

// block is a heading (Level 1–4), a paragraph (Line) or a list (Items).
type block struct {
	Level   int
	Line    line
	Items   []line
	Ordered bool
	Class   string // for the HTML page's style: "", "warn" or "cmd"
}

// sheet is the whole document.
type sheet struct {
	Title  string
	Blocks []block
}

func txt(s string) span    { return span{Text: dnscheck.Printable(s)} }
func strong(s string) span { return span{Text: dnscheck.Printable(s), Strong: true} }

// code is a value to copy; an empty one is said in words, since neither a
// code span nor a copied selection can show it.
func code(s string) span {
	if s == "" {
		return txt("(empty)")
	}
	return span{Text: dnscheck.Printable(s), Code: true}
}

func heading(level int, spans ...span) block { return block{Level: level, Line: spans} }
func para(spans ...span) block               { return block{Line: spans} }

// sheetWriter collects blocks.
type sheetWriter struct{ blocks []block }

func (s *sheetWriter) add(b ...block) { s.blocks = append(s.blocks, b...) }

// hostNames is how the sheet names a plan's DNS host.
type hostNames struct {
	name    string // "Cloudflare" or "your DNS host"
	form    string // "Cloudflare's form" or "the form"
	generic bool   // the host was not recognised
}

func namesOf(plan Plan) hostNames {
	if plan.Host.ID == "" || plan.Host.ID == assets.GenericDNSHostID || plan.DNSHost == "" {
		return hostNames{name: "your DNS host", form: "the form", generic: true}
	}
	return hostNames{name: plan.DNSHost, form: plan.DNSHost + "'s form"}
}

func platformNames(plans []Plan) (name, vendor string) {
	for _, p := range plans {
		if p.Platform != nil && p.Platform.Name != "" {
			return p.Platform.Name, p.Platform.Vendor
		}
	}
	return "The sending platform", ""
}

// buildSheet lays out the sheet for plans.
func buildSheet(plans []Plan) sheet {
	platform, vendor := platformNames(plans)
	domains := make([]string, len(plans))
	for i, p := range plans {
		domains[i] = p.Domain
	}
	var s sheetWriter
	title := "DNS changes for " + platform + ": " + joinWords(domains)
	if len(plans) > 3 {
		title = fmt.Sprintf("DNS changes for %s: %d domains", platform, len(plans))
	}
	s.add(heading(1, txt(title)))
	who := platform
	if vendor != "" {
		who += " (run by " + vendor + ")"
	}
	s.add(para(txt(who + " sends email for people whose addresses end in " + joinWords(prefixed("@", domains)) +
		". Receivers trust that mail only when the domain's DNS vouches for it with three records: DKIM, SPF and DMARC.")))
	s.add(para(txt("This sheet is for whoever edits the DNS. It lists every change with the name and value exactly as the DNS host's form wants them: copy the names and values in "),
		code("code font"), txt(" as they are, without adding spaces or line breaks.")))
	if plans[0].Simulated {
		s.add(para(txt("This sheet comes from the wizard's demo, whose DNS is simulated: the records and answers in it are the demo's. The commands in it (dig, wizard check) ask the real Internet, so run them for your real domain.")))
	}
	for _, p := range plans {
		domainSection(&s, p, platform)
	}
	if len(plans) > 1 {
		s.add(heading(2, txt("Check every domain at once")))
		if plans[0].Simulated {
			s.add(para(txt("With your real domains (the demo's are simulated):")))
		}
		s.add(block{Line: line{code("wizard check " + strings.Join(domains, " "))}, Class: "cmd"})
	}
	s.add(grantBlocks(plans)...)
	s.add(para(txt("Prepared for " + platform + " by the sender-authentication setup wizard.")))
	return sheet{Title: dnscheck.Printable(title), Blocks: s.blocks}
}

// domainSection writes one domain's part of the sheet.
func domainSection(s *sheetWriter, plan Plan, platform string) {
	h := namesOf(plan)
	s.add(heading(2, txt(plan.Domain)))
	host := line{strong("DNS host: ")}
	if h.generic {
		host = append(host, txt("not recognised from the domain's name servers, so the steps below are general."))
	} else {
		host = append(host, txt(h.name+" (recognised from the domain's name servers)."))
	}
	s.add(block{Items: []line{
		host,
		{strong("DNS zone: "), code(plan.Zone)},
		{strong("Mail provider: "), txt(plan.Provider + " (its servers stay in the SPF record).")},
	}})

	var changes, kept, asks []Record
	for _, r := range plan.Records {
		switch r.Action {
		case ActionKeep:
			kept = append(kept, r)
		case ActionAskOwner:
			asks = append(asks, r)
		default:
			changes = append(changes, r)
		}
	}
	// The notes that prevent a mistake (how the form wants names and
	// quotes, its pitfalls, the classic mistakes) come before the changes
	// they are about, as on the screen and in the text output.
	stepsBlocks(s, plan, h)
	mistakeBlocks(s, plan, h)
	if other := otherWarnings(plan); len(other) > 0 {
		s.add(heading(3, txt("Also watch out")))
		var items []line
		for _, w := range other {
			items = append(items, line{txt(w)})
		}
		s.add(block{Items: items, Class: "warn"})
	}
	// How to make them is step 4 above; the heading says how many.
	if len(changes) == 0 {
		s.add(heading(3, txt("Changes to make")))
		s.add(para(txt("Nothing to change: every record is already right.")))
	} else {
		s.add(heading(3, txt(fmt.Sprintf("Changes to make (%d)", len(changes)))))
	}
	for i, r := range changes {
		changeBlocks(s, i+1, r, h)
	}
	for _, r := range asks {
		owner := strings.TrimSuffix(r.Name, ".")
		if r.Purpose == PurposeDMARC {
			owner = strings.TrimPrefix(owner, "_dmarc.") // the parent domain whose record it is
		}
		s.add(heading(3, txt("To ask of whoever runs "+owner)))
		s.add(block{Items: []line{
			{strong("Type: "), code(r.Type)},
			{strong("Name: "), code(r.Name)},
			{strong("Value: "), code(r.Value)},
		}})
		for _, note := range r.NotesFor(audience.Sheet) {
			s.add(para(txt(note)))
		}
	}
	if len(kept) > 0 {
		s.add(heading(3, txt("Already right: leave these as they are")))
		var items []line
		for _, r := range kept {
			items = append(items, line{txt(r.Label() + ", " + r.Type + " at "), code(r.Name), txt(": "), code(r.FormValue)})
		}
		s.add(block{Items: items})
		for _, r := range kept {
			if r.Organisational {
				for _, note := range r.NotesFor(audience.Sheet) {
					s.add(para(txt(note)))
				}
			}
		}
	}
	s.add(heading(3, txt("Check the result")))
	checkBlocks(s, plan)
	check := "Whoever sent you this sheet can also run the setup wizard's check, which asks the domain's own name servers and says the domain is ready once SPF and DKIM pass:"
	if plan.Simulated {
		check = "With your real domain (the demo's is simulated), whoever sent you this sheet can also run the setup wizard's check, which asks the domain's own name servers and says the domain is ready once SPF and DKIM pass:"
	}
	s.add(para(txt(check)))
	s.add(block{Line: line{code("wizard check " + plan.Domain)}, Class: "cmd"})
	s.add(para(txt("When the answers match, tell whoever sent you this sheet: " + platform + " needs nothing else from DNS.")))
}

// checkBlocks writes, for each change, one dig command that asks for the
// record and the answer to expect, so that the reader can check the
// changes without the wizard.
func checkBlocks(s *sheetWriter, plan Plan) {
	var items []line
	for _, r := range plan.Records {
		if r.Action == ActionKeep || r.Action == ActionAskOwner {
			continue
		}
		name := strings.TrimSuffix(r.Name, ".")
		cmd := code("dig +short " + r.Type + " " + name)
		switch {
		case r.Action == ActionDelete:
			items = append(items, line{cmd, txt(" should print nothing once the record is deleted.")})
		case r.Type == "TXT" && r.Purpose == PurposeSPF:
			items = append(items, line{cmd, txt(" should print exactly one line starting with "), code(`"v=spf1`),
				txt(", and it should read "), code(digTXT(r)), txt(" (other TXT records, such as verifications, may print too).")})
		case r.Type == "TXT":
			items = append(items, line{cmd, txt(" should print "), code(digTXT(r)), txt(".")})
		default:
			items = append(items, line{cmd, txt(" should print "), code(r.Value), txt(".")})
		}
	}
	if len(items) == 0 {
		return
	}
	s.add(para(txt("Once the changes are saved, ask DNS for each record. The answers can take a few minutes to appear (up to the old record's TTL where one was replaced):")))
	s.add(block{Items: items})
	s.add(para(txt("Without dig (on Windows), "), code("nslookup -type=TXT "+plan.Domain), txt(" asks the same question: replace TXT and the name as in each line above.")))
}

// digTXT is how dig +short prints a TXT record's value: each of its
// character-strings in double quotes, separated by a space.
func digTXT(r Record) string {
	parts := r.Strings
	if len(parts) == 0 {
		parts = []string{r.Value}
	}
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = strconv.Quote(p)
	}
	return strings.Join(quoted, " ")
}

// changeBlocks writes change number n: what to do, the name as the form
// wants it and in full, the value, and what it replaces.
func changeBlocks(s *sheetWriter, n int, r Record, h hostNames) {
	s.add(heading(4, txt(fmt.Sprintf("%d. %s: %s", n, r.Label(), r.Title()))))
	items := []line{{strong("What to do: "), txt(whatToDo(r))}, {strong("Type: "), code(r.Type)}}
	nameLabel := "Name in " + h.form + ": "
	if r.Action == ActionDelete {
		nameLabel = "Name as " + h.form + " shows it: "
	}
	if r.HostField == "" {
		items = append(items, line{strong(nameLabel), txt("leave the box empty (the domain itself)")})
	} else {
		items = append(items, line{strong(nameLabel), code(r.HostField)})
	}
	if r.ShowsFullName() {
		items = append(items, line{strong("Full name: "), code(r.Name)})
	}
	switch {
	case r.Action == ActionDelete:
		items = append(items, line{strong("Its value now: "), code(r.FormValue)})
	case r.Type == "CNAME":
		items = append(items, line{strong("Target (value): "), code(r.FormValue)})
	default:
		items = append(items, line{strong("Value: "), code(r.FormValue)})
	}
	if r.Action != ActionDelete {
		items = append(items, line{strong("TTL: "), txt(fmt.Sprintf("%d seconds (one hour), or the form's default", DefaultTTL))})
		for _, old := range r.Olds() {
			verb := old.Verb
			if verb == "Replaces" {
				verb = "Now"
			}
			items = append(items, line{strong(verb + ": "), code(old.Value)})
		}
	}
	s.add(block{Items: items})
	for _, note := range r.NotesFor(audience.Sheet) {
		if note != proxyHint { // the mistakes to avoid say it for every host
			s.add(para(txt(note)))
		}
	}
}

func whatToDo(r Record) string {
	switch {
	case r.Action == ActionDelete:
		return "delete this record."
	case r.Action == ActionAdd:
		return "add a new " + r.Type + " record."
	case r.Purpose == PurposeDKIM:
		return "replace what is at this name now (under Now) with this CNAME: edit it if it is a CNAME, otherwise delete it and add the CNAME."
	case len(r.Replaces) > 1 && r.keptOld() >= 0:
		return "keep the record under Keep as it is (its value is already the one below) and delete each record under Delete, by its value."
	case len(r.Replaces) > 1:
		return "edit the record under Edit so that its value is exactly the one below, and delete each record under Delete, by its value."
	}
	return "edit the existing " + r.Type + " record (under Now) so that its value is exactly the one below; do not add a second record."
}

// stepsBlocks writes the steps at the plan's DNS host, shaped by how its
// forms want names and TXT values, and the catalog's notes on that host.
func stepsBlocks(s *sheetWriter, plan Plan, h hostNames) {
	title, signIn := "Steps in "+h.name, line{txt("Sign in to " + h.name + " and open the DNS records of the zone "), code(plan.Zone), txt(".")}
	if h.generic {
		title = "Steps at your DNS host"
		signIn = line{txt("Sign in to the service that hosts the DNS of "), code(plan.Zone), txt(" and open its DNS records.")}
	}
	s.add(heading(3, txt(title)))
	// The name rule is the catalog's, in the host's own words for its
	// name box, when it has one; the sheet says it here and nowhere else.
	var name line
	switch {
	case plan.Host.NameNote != "":
		name = line{txt(plan.Host.NameNote)}
	case h.generic && plan.Host.NameField == assets.NameLabel:
		name = line{txt("In the name box type each name as shown: the part before "), code(plan.Zone), txt(" ("), code(plan.Host.ApexName),
			txt(" for "), code(plan.Zone), txt(" itself), since most forms add "), code(plan.Zone), txt(" after what you type. Only if the form shows no "), code(plan.Zone),
			txt(" after the box, type the full name with its final dot instead (shown as Full name).")}
	case plan.Host.NameField != assets.NameLabel:
		name = line{txt("Type each name in full, with its final dot, as shown for each change. If the form shows "), code(plan.Zone),
			txt(" after the name box, type only the part before it instead (nothing or "), code("@"), txt(" for the domain itself).")}
	case plan.Host.ApexName == "":
		name = line{txt("In the name box type only the part before "), code(plan.Zone), txt(", as shown for each change, and leave the box empty for the domain itself: " + h.name + " adds "),
			code(plan.Zone), txt(" itself.")}
	default:
		name = line{txt("In the name box type only the part before "), code(plan.Zone), txt(", as shown for each change ("), code(plan.Host.ApexName),
			txt(" for the domain itself): " + h.name + " adds "), code(plan.Zone), txt(" itself.")}
	}
	value := line{txt(plan.Host.QuoteRule())}
	s.add(block{Ordered: true, Items: []line{
		signIn,
		name,
		value,
		{txt(fmt.Sprintf("Make the changes below one by one: add the new records, edit the existing ones in place, and delete the ones marked delete. Set the TTL to %d seconds, or leave the form's default.", DefaultTTL))},
		{txt("Save, then check the result (the last part of this section).")},
	}})
	// The catalog's other notes; its proxy and SPF notes are in the
	// mistakes to avoid.
	if len(plan.Host.Warnings) > 0 {
		s.add(para(txt("Notes on " + h.form + ":")))
		var items []line
		for _, w := range plan.Host.Warnings {
			items = append(items, line{txt(w)})
		}
		s.add(block{Items: items})
	}
}

// genericProxyNote is what the sheet says about proxied CNAMEs when the
// DNS host's catalog entry has no proxy note of its own.
const genericProxyNote = "If the DNS host can proxy a record or flatten CNAMEs (Cloudflare's orange cloud, for instance), turn that off for this record (in Cloudflare: DNS only, the grey cloud)."

// mistakeBlocks writes the three classic mistakes, with this plan's names
// and values and the DNS host's own notes on proxies and SPF records.
func mistakeBlocks(s *sheetWriter, plan Plan, h hostNames) {
	s.add(heading(3, txt("Mistakes to avoid")))
	var items []line
	if d := doubledItem(plan, h); d != nil {
		items = append(items, d)
	}
	proxy := genericProxyNote
	if plan.Host.ProxyNote != "" {
		proxy = plan.Host.ProxyNote
	}
	items = append(items, line{strong("A proxied or flattened CNAME. "), txt("The DKIM CNAME must reach receivers as it is. " + proxy)})
	items = append(items, spfItem(plan))
	s.add(block{Items: items, Class: "warn"})
}

// doubledItem says what typing the full name where the form adds the zone
// does, with the DKIM record as the example.
func doubledItem(plan Plan, h hostNames) line {
	var ex *Record
	for i, r := range plan.Records {
		if r.Purpose == PurposeDKIM && r.Action != ActionDelete {
			ex = &plan.Records[i]
			break
		}
	}
	if ex == nil {
		return nil
	}
	full := strings.TrimSuffix(ex.Name, ".")
	label := relativeName(ex.Name, plan.Zone)
	doubled := full + "." + strings.TrimSuffix(plan.Zone, ".") + "."
	// The rule itself is step 2; this says what breaking it does.
	item := line{strong("The domain twice in the name. ")}
	if plan.Host.NameField == assets.NameLabel {
		where := ""
		if h.generic {
			where = " at most hosts"
		}
		item = append(item, txt("A full name such as "), code(full), txt(" typed in the name box ends up as "), code(doubled),
			txt(where+", where receivers never look."))
	} else {
		item = append(item, txt("If the form adds "), code(plan.Zone), txt(" to what you type, a full name such as "), code(full),
			txt(" ends up as "), code(doubled), txt(", where receivers never look; then type only "), code(label), txt("."))
	}
	for _, r := range plan.Records {
		if r.Action == ActionDelete && r.Purpose == PurposeDKIM {
			item = append(item, txt(" It has happened here already: the changes below delete the record at "), code(r.Name), txt("."))
		}
	}
	return item
}

// spfItem warns against a second SPF record, naming the one there, then
// says where the DNS host may have published one (its SPF note).
func spfItem(plan Plan) line {
	item := line{strong("A second SPF record. "), txt("A domain must have exactly one TXT record starting with "), code("v=spf1"),
		txt("; with two, receivers fail SPF for all of its mail. ")}
	var spf *Record
	for i, r := range plan.Records {
		if r.Purpose == PurposeSPF {
			spf = &plan.Records[i]
		}
	}
	switch {
	case spf == nil:
	case spf.Action == ActionKeep && plan.Host.SPFNote != "":
		item = append(item, txt("The one there is already right."))
	case spf.Action == ActionKeep:
		item = append(item, txt("The one there is already right: do not add another."))
	case spf.Action == ActionAdd && plan.Host.SPFNote != "":
		item = append(item, txt(plan.Domain+" has none today."))
	case spf.Action == ActionAdd:
		item = append(item, txt(plan.Domain+" has none today; if an email service adds one of its own later, merge the two into one."))
	case len(spf.Replaces) == 1 && plan.Host.SPFNote != "":
		// The host's note says to edit it rather than add one.
		item = append(item, txt("The one there now is "), code(spf.Replaces[0]), txt("."))
	case len(spf.Replaces) == 1:
		item = append(item, txt("Edit the record that is there ("), code(spf.Replaces[0]), txt(") instead of adding one beside it."))
	default:
		// The SPF change's own note says how many there are and what to do.
		item = append(item, txt(fmt.Sprintf("%s has %d today: see the SPF change below.", plan.Domain, len(spf.Replaces))))
	}
	if plan.Host.SPFNote != "" {
		item = append(item, txt(" "+plan.Host.SPFNote))
	}
	return item
}

// otherWarnings are the plan's warnings that are not the DNS host's notes
// (its quote rule and catalog notes are shown with the steps).
func otherWarnings(plan Plan) []string {
	host := map[string]bool{}
	for _, w := range plan.Host.Notes() {
		host[w] = true
	}
	var out []string
	for _, w := range plan.WarningsFor(audience.Sheet) {
		if !host[w] {
			out = append(out, w)
		}
	}
	return out
}

func prefixed(prefix string, words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = prefix + w
	}
	return out
}

// joinWords joins "a", "a and b", "a, b and c".
func joinWords(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// writeMarkdown renders the sheet as CommonMark.
func writeMarkdown(w io.Writer, s sheet) error {
	ew := &errWriter{w: w}
	for _, b := range s.Blocks {
		switch {
		case b.Level > 0:
			ew.printf("%s %s\n\n", strings.Repeat("#", b.Level), mdLine(b.Line, false))
		case len(b.Items) > 0:
			for i, item := range b.Items {
				marker := "-"
				if b.Ordered {
					marker = strconv.Itoa(i+1) + "."
				}
				ew.printf("%s %s\n", marker, mdLine(item, true))
			}
			ew.printf("\n")
		default:
			ew.printf("%s\n\n", mdLine(b.Line, true))
		}
	}
	if ew.err != nil {
		return fmt.Errorf("records: writing the hand-off sheet: %w", ew.err)
	}
	return nil
}

// mdLine renders spans; atStart escapes what would start a block (a list
// marker, a heading) at the beginning of a paragraph or list item.
func mdLine(l line, atStart bool) string {
	var b strings.Builder
	for i, sp := range l {
		switch {
		case sp.Code:
			b.WriteString(mdCode(sp.Text))
		case sp.Strong:
			// Closing ** must follow a non-space to close (CommonMark §6.2).
			text := strings.TrimRight(sp.Text, " ")
			b.WriteString("**" + mdText(text, atStart && i == 0) + "**" + sp.Text[len(text):])
		default:
			b.WriteString(mdText(sp.Text, atStart && i == 0))
		}
	}
	return b.String()
}

// mdSpecial are the characters escaped in Markdown prose: those that open
// inline markup (emphasis, code, links, raw HTML, entities, tables). An
// underscore is escaped only where it could close emphasis (mdUnderscore),
// so that DNS names such as _dmarc read as written in the plain text too.
const mdSpecial = "\\`*[]<>|~&!"

// mdText escapes s for Markdown prose so that it shows as written.
func mdText(s string, atStart bool) string {
	var b strings.Builder
	if atStart {
		// "-", "+", "#", "=" and "1." or "1)" would start a list, a
		// heading or a setext underline.
		digits := len(s) - len(strings.TrimLeft(s, "0123456789"))
		switch {
		case s != "" && strings.ContainsRune("-+#=", rune(s[0])):
			b.WriteByte('\\')
		case digits > 0 && digits < len(s) && (s[digits] == '.' || s[digits] == ')'):
			b.WriteString(s[:digits])
			s = s[digits:]
			b.WriteByte('\\')
		}
	}
	runes := []rune(s)
	for i, r := range runes {
		if r < 0x80 && strings.ContainsRune(mdSpecial, r) || r == '_' && mdUnderscoreCloses(runes, i) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdUnderscoreCloses reports whether the underscore at runes[i] could close
// emphasis (CommonMark §6.2: its delimiter run is right-flanking, and not
// left-flanking unless punctuation follows it). Emphasis with _ needs a
// closer, so escaping every underscore that could close is enough: the
// others stay plain, as in _report._dmarc. The text's ends count as a
// letter before it and punctuation after it, which errs towards escaping.
func mdUnderscoreCloses(runes []rune, i int) bool {
	start, end := i, i
	for start > 0 && runes[start-1] == '_' {
		start--
	}
	for end+1 < len(runes) && runes[end+1] == '_' {
		end++
	}
	prev, next := 'a', '.'
	if start > 0 {
		prev = runes[start-1]
	}
	if end+1 < len(runes) {
		next = runes[end+1]
	}
	space := func(r rune) bool { return unicode.IsSpace(r) }
	punct := func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) }
	right := !space(prev) && (!punct(prev) || space(next) || punct(next))
	left := !space(next) && (!punct(next) || space(prev) || punct(prev))
	return right && (!left || punct(next))
}

// mdCode writes s as a code span whose delimiter is longer than any run of
// backticks in s, so nothing in s can close it (CommonMark §6.1).
func mdCode(s string) string {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	// A space on each side is stripped by readers: one is needed when s
	// starts or ends with a backtick, or already has a space at both ends.
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") ||
		(strings.HasPrefix(s, " ") && strings.HasSuffix(s, " ") && strings.Trim(s, " ") != "") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// handoffPage is the HTML form of the sheet: one page, its style inline,
// no scripts and no external resources.
var handoffPage = template.Must(template.New("handoff").Parse(`{{define "line"}}{{range .}}{{if .Code}}<code>{{.Text}}</code>{{else if .Strong}}<strong>{{.Text}}</strong>{{else}}{{.Text}}{{end}}{{end}}{{end -}}
{{define "block"}}{{if eq .Level 1}}<h1>{{template "line" .Line}}</h1>
{{else if eq .Level 2}}<h2>{{template "line" .Line}}</h2>
{{else if eq .Level 3}}<h3>{{template "line" .Line}}</h3>
{{else if .Level}}<h4>{{template "line" .Line}}</h4>
{{else if .Items}}{{if .Ordered}}<ol{{if .Class}} class="{{.Class}}"{{end}}>{{else}}<ul{{if .Class}} class="{{.Class}}"{{end}}>{{end}}
{{range .Items}}<li>{{template "line" .}}</li>
{{end}}{{if .Ordered}}</ol>{{else}}</ul>{{end}}
{{else}}<p{{if .Class}} class="{{.Class}}"{{end}}>{{template "line" .Line}}</p>
{{end}}{{end -}}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; line-height: 1.5; color: #1f2328; background: #fff; margin: 0; }
main { max-width: 46rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.6rem; margin-top: 0; }
h2 { font-size: 1.35rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; margin-top: 2.2rem; }
h3 { font-size: 1.1rem; margin-top: 1.6rem; }
h4 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: .92em; background: #f1f3f5; border: 1px solid #d0d7de; border-radius: 4px; padding: 0 .25em; white-space: pre-wrap; word-break: keep-all; overflow-wrap: normal; display: inline-block; max-width: 100%; overflow-x: auto; vertical-align: bottom; user-select: all; }
ul.warn { border-left: 4px solid #d4a72c; background: #fff8e5; padding: .5rem .5rem .5rem 2rem; }
p.cmd code { display: inline-block; padding: .3rem .6rem; font-size: 1em; }
li { margin: .2rem 0; }
@media print { code { background: none; } }
</style>
</head>
<body>
<main>
{{range .Blocks}}{{template "block" .}}{{end -}}
</main>
</body>
</html>
`))
