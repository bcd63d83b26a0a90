package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/audience"
	"github.com/outreach-auth/wizard/dnscheck"
)

// Formats accepted by Write.
const (
	FormatText = "text"
	FormatZone = "zone"
	FormatJSON = "json"
	// FormatMarkdown and FormatHTML are the hand-off sheet for whoever
	// edits DNS (see WriteHandoff).
	FormatMarkdown = "markdown"
	FormatHTML     = "html"
)

// Write renders the plan in format (text, zone, json, markdown or html).
// Text, zone and the hand-off sheet (markdown, html) pass every value
// through dnscheck.Printable; JSON keeps exact values, escaped.
func Write(w io.Writer, plan Plan, format string) error {
	switch format {
	case FormatText, "":
		return WriteText(w, plan)
	case FormatZone:
		return WriteZone(w, plan)
	case FormatJSON:
		return WriteJSON(w, plan)
	case FormatMarkdown, FormatHTML:
		return WriteHandoff(w, format, plan)
	}
	return fmt.Errorf("records: unknown format %q (use text, zone, json, markdown or html)", format)
}

// Title describes what to do with the record, e.g. "add a CNAME record".
func (r Record) Title() string {
	switch r.Action {
	case ActionKeep:
		if r.Organisational {
			return "leave the organisation's " + r.Type + " record as it is (it is not yours to change)"
		}
		if r.Broken {
			return "fix the " + r.Type + " record (receivers treat it as broken; see the notes)"
		}
		return "keep the " + r.Type + " record (no change needed)"
	case ActionAskOwner:
		return "ask the owner of " + strings.TrimSuffix(r.Name, ".") + " to publish this " + r.Type + " record"
	case ActionReplace:
		if len(r.Replaces) > 1 && r.keptOld() >= 0 {
			return "keep one " + r.Type + " record, delete the " + others(len(r.Replaces)-1)
		}
		if len(r.Replaces) > 1 {
			return "edit one " + r.Type + " record, delete the " + others(len(r.Replaces)-1)
		}
		return "replace the " + r.Type + " record"
	case ActionDelete:
		return "delete this " + r.Type + " record"
	}
	return "add a " + r.Type + " record"
}

// Heading is what heads the plan's records: "Records to publish for
// DOMAIN", or "Nothing to publish for DOMAIN" when every record is
// already right (each says keep).
func (p Plan) Heading() string {
	for _, r := range p.Records {
		if r.Action != ActionKeep {
			return "Records to publish for " + p.Domain
		}
	}
	return "Nothing to publish for " + p.Domain
}

// Old is a record that a record of the plan replaces, with what becomes
// of it (see Record.Olds).
type Old struct {
	Verb  string // Keep, Edit, Delete, Replaces, or Now (a record to delete)
	Value string // the record as it is now
}

// Olds says what becomes of each record r replaces. When r replaces
// several (a doubled SPF record) and one of them already has the value
// proposed, that one is kept ("Keep") and the others deleted ("Delete");
// when none has it, the first is edited to the value ("Edit") and the
// others deleted. A single record replaced is "Replaces" ("Now" for a
// record to delete).
func (r Record) Olds() []Old {
	out := make([]Old, len(r.Replaces))
	if len(r.Replaces) < 2 || r.Action == ActionDelete || r.Action == ActionAskOwner {
		for i, v := range r.Replaces {
			out[i] = Old{Verb: "Replaces", Value: v}
			if r.Action == ActionDelete {
				out[i].Verb = "Now"
			}
		}
		return out
	}
	keep := r.keptOld()
	for i, v := range r.Replaces {
		out[i] = Old{Verb: "Delete", Value: v}
		switch {
		case i == keep:
			out[i].Verb = "Keep"
		case keep < 0 && i == 0:
			out[i].Verb = "Edit"
		}
	}
	return out
}

// keptOld is the index of the record r replaces that already has r's
// value (spaces and case aside), or -1.
func (r Record) keptOld() int {
	norm := func(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }
	for i, v := range r.Replaces {
		if norm(v) == norm(r.Value) {
			return i
		}
	}
	return -1
}

// others is "other" for one, "N others" for more.
func others(n int) string {
	if n == 1 {
		return "other"
	}
	return fmt.Sprintf("%d others", n)
}

// Label is the record's purpose as people say it.
func (r Record) Label() string {
	switch r.Purpose {
	case PurposeDKIM:
		return "DKIM"
	case PurposeSPF:
		return "SPF"
	case PurposeDMARC:
		return "DMARC"
	}
	return strings.ToUpper(r.Purpose)
}

// ShowsFullName reports whether the record's full name is shown beside its
// HostField (as "Full name", on the line after it): when the DNS host's
// form wants something else than the full name. The card, the text and the
// hand-off sheet all follow it.
func (r Record) ShowsFullName() bool {
	return !strings.EqualFold(strings.TrimSuffix(r.HostField, "."), strings.TrimSuffix(r.Name, "."))
}

// EmptyNameBox is what a card and the text say for a name box to leave
// empty (the zone itself, at hosts whose ApexName is "").
const EmptyNameBox = "(leave the box empty: the domain itself)"

// NameBox is what to type in the DNS host's name box, as shown to a
// person: HostField, or EmptyNameBox when the box stays empty.
func (r Record) NameBox() string {
	if r.HostField == "" {
		return EmptyNameBox
	}
	return r.HostField
}

// TXTStrings returns a TXT record's character-strings: Strings, or Value
// split by assets.SplitTXT when Strings is unset.
func (r Record) TXTStrings() []string {
	if r.Strings != nil {
		return r.Strings
	}
	return assets.SplitTXT(r.Value)
}

// WriteText writes the plan for a person to follow, as 'wizard records'
// prints it (its notes may name the wizard's commands).
func WriteText(w io.Writer, plan Plan) error { return WriteTextFor(w, plan, audience.Command) }

// WriteTextFor is WriteText with the warnings and notes worded for
// audience a (Plan.WarningsFor, Record.NotesFor).
func WriteTextFor(w io.Writer, plan Plan, a audience.Audience) error {
	ew := &errWriter{w: w}
	p := dnscheck.Printable
	ew.printf("%s\n", p(plan.Heading()))
	ew.printf("DNS host: %s · Mail provider: %s", plan.HostWords(), p(plan.Provider))
	if plan.ProviderReason != "" && plan.ProviderReason != "chosen" {
		ew.printf(", %s", p(plan.ProviderReason)) // as the discovery says it: no parentheses inside parentheses
	}
	ew.printf("\n")
	// The notes that prevent a mistake (how the form wants names and
	// quotes) come before the records they are about.
	if warnings := plan.WarningsFor(a); len(warnings) > 0 {
		ew.printf("\nWatch out:\n")
		for _, warn := range warnings {
			ew.printf("  ! %s\n", p(warn))
		}
	}
	for i, r := range plan.Records {
		ew.printf("\n%d. %s: %s\n", i+1, r.Label(), r.Title())
		ew.printf("   %-10s %s\n", "Name:", p(r.NameBox()))
		if r.ShowsFullName() {
			ew.printf("   %-10s %s\n", "Full name:", p(r.Name))
		}
		ew.printf("   %-10s %s\n", "Value:", p(r.FormValue))
		for _, old := range r.Olds() {
			ew.printf("   %-10s %s\n", old.Verb+":", p(old.Value))
		}
		if r.Purpose == PurposeSPF {
			ew.printf("   %-10s %d of %d\n", "Lookups:", plan.SPFLookups, dnscheck.MaxSPFLookups)
		}
		for _, n := range r.NotesFor(a) {
			ew.printf("   %s\n", p(n))
		}
	}
	return ew.err
}

// WriteZone writes BIND master-file lines relative to the zone; records to
// keep or delete are comments.
func WriteZone(w io.Writer, plan Plan) error {
	ew := &errWriter{w: w}
	p := dnscheck.Printable
	ew.printf("$ORIGIN %s.\n", p(plan.Zone))
	for _, r := range plan.Records {
		// The parts pass through Printable one by one (the tabs between
		// them must stay tabs); a TXT value is escaped the zone-file way
		// so that the line reads back to the exact value.
		line := fmt.Sprintf("%s\t%d\tIN\t%s\t%s", p(relativeName(r.Name, plan.Zone)), DefaultTTL, p(r.Type), p(zoneValue(r)))
		ew.printf("; %s: %s\n", r.Label(), r.Title())
		for _, old := range r.Replaces {
			ew.printf(";   replaces %s\n", p(old))
		}
		switch r.Action {
		case ActionKeep, ActionDelete, ActionAskOwner:
			ew.printf("; %s\n", line)
		default:
			ew.printf("%s\n", line)
		}
	}
	return ew.err
}

// WriteJSON writes the plan as JSON (see docs/commands.md).
func WriteJSON(w io.Writer, plan Plan) error {
	plan.Records = slices.Clone(plan.Records) // the caller's records stay as they are
	for i := range plan.Records {
		if plan.Records[i].Replaces == nil {
			plan.Records[i].Replaces = []string{}
		}
		if plan.Records[i].Notes == nil {
			plan.Records[i].Notes = []string{}
		}
		if plan.Records[i].Type == "TXT" {
			plan.Records[i].Strings = plan.Records[i].TXTStrings()
		}
	}
	if plan.Warnings == nil {
		plan.Warnings = []string{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(plan); err != nil {
		return fmt.Errorf("records: writing JSON: %w", err)
	}
	// C1 and bidirectional controls from DNS escaped too (encoding/json
	// leaves them raw): the document is safe to print.
	if _, err := w.Write(dnscheck.JSONSafe(b.Bytes())); err != nil {
		return fmt.Errorf("records: writing JSON: %w", err)
	}
	return nil
}

// ZoneSnippet returns the zone-file lines of the records to add or replace,
// for copying all at once.
func ZoneSnippet(plan Plan) string {
	var b strings.Builder
	_ = WriteZone(&b, plan)
	return b.String()
}

// zoneValue is the record's value in a master file: a TXT record as its
// character-strings, each quoted and escaped.
func zoneValue(r Record) string {
	if r.Type != "TXT" {
		return r.Value
	}
	var parts []string
	for _, c := range r.TXTStrings() {
		parts = append(parts, `"`+zoneEscape(c)+`"`)
	}
	return strings.Join(parts, " ")
}

// zoneEscape escapes a TXT character-string for a master file (RFC 1035
// §5.1): backslash and double quote with a backslash, every byte that is
// not printable ASCII as \DDD.
func zoneEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' || c == '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, "\\%03d", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// relativeName writes name relative to zone ("@" at the apex); a name
// outside the zone stays fully qualified.
func relativeName(name, zone string) string {
	n := strings.TrimSuffix(strings.ToLower(name), ".")
	z := strings.TrimSuffix(strings.ToLower(zone), ".")
	switch {
	case n == z:
		return "@"
	case strings.HasSuffix(n, "."+z):
		return strings.TrimSuffix(n, "."+z)
	}
	return n + "."
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
