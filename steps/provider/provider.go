// Package provider is the wizard's mail-provider step: a filterable list
// of the catalog's providers with the one the domain's MX points to
// pre-selected and why, "other" to type a provider's SPF include or
// addresses, and "none". The provider's SPF terms stay in the record the
// wizard proposes, beside the platform's.
package provider

import (
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/list"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/outreach-auth/wizard/assets"
	"github.com/outreach-auth/wizard/core/discovery"
	"github.com/outreach-auth/wizard/core/plan"
	"github.com/outreach-auth/wizard/core/session"
	"github.com/outreach-auth/wizard/dnscheck"
	"github.com/outreach-auth/wizard/tui/common"
)

type item struct {
	p        assets.Provider
	detected bool
}

func (i item) Title() string {
	if i.detected {
		return i.p.Name + " (detected)"
	}
	return i.p.Name
}

func (i item) Description() string {
	switch i.p.Kind {
	case assets.KindAsk:
		return "SPF entry is yours alone: " + i.p.Ask
	case assets.KindOther:
		return "type its SPF include or sending addresses"
	case assets.KindNone:
		return "your organisation sends no mail of its own"
	}
	return strings.Join(i.p.SPFTerms(), " ")
}

func (i item) FilterValue() string { return i.p.Name + " " + i.p.ID }

// itemDelegate draws the list's items as list.DefaultDelegate does, except
// that while *none is set no item is drawn as selected.
type itemDelegate struct {
	list.DefaultDelegate
	none *bool
}

// Render implements list.ItemDelegate.
func (d itemDelegate) Render(w io.Writer, m list.Model, index int, it list.Item) {
	if *d.none {
		index = -1 - index // never the cursor's index (nothing is filtered: no matches are looked up)
	}
	d.DefaultDelegate.Render(w, m, index, it)
}

// Model is the provider step.
type Model struct {
	common.Common
	preset *assets.Provider
	sess   *session.Session
	// others is set for the step that confirms the providers of the
	// domains added after the first (NewForOthers); domain is the domain
	// asked about.
	others bool
	domain string
	list   list.Model
	input  textinput.Model
	typing bool // the "other" field has focus
	// none is set while nothing is selected: no provider was proposed and
	// the person has not moved in the list yet. The cursor is then shown
	// on no item, and enter asks the person to choose.
	none   bool
	custom assets.Provider
	err    error
	snap   discovery.Snapshot
	// delegate draws the items; short is set in a low window, where each
	// item takes one line and the selected one's SPF part is said under
	// the list.
	delegate list.DefaultDelegate
	short    bool

	keys struct{ Choose, Accept, Cancel key.Binding }
}

// New returns the provider step. preset, when not nil (--provider), is
// taken without asking.
func New(c common.Common, preset *assets.Provider) *Model {
	d := list.NewDefaultDelegate()
	d.SetSpacing(0)
	l := list.New(nil, d, c.Width, c.Height)
	l.SetShowTitle(false)
	l.SetShowHelp(false)
	l.SetShowStatusBar(false)
	l.DisableQuitKeybindings()
	l.FilterInput.Prompt = "Filter: "

	ti := textinput.New()
	ti.Prompt = "› "
	ti.Placeholder = "spf.example.net or 192.0.2.0/24"
	ti.CharLimit = 1024
	ti.PromptStyle = c.Styles.Accent
	ti.PlaceholderStyle = c.Styles.Dim
	ti.Cursor.SetMode(cursor.CursorStatic)

	m := &Model{Common: c, preset: preset, list: l, input: ti, delegate: d}
	m.list.SetDelegate(itemDelegate{DefaultDelegate: d, none: &m.none})
	m.keys.Choose = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose"))
	m.keys.Accept = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "use these"))
	m.keys.Cancel = c.Keys.BackTo("back to the list")
	return m
}

// NewForOthers returns the step that confirms, or lets the person choose,
// the provider of each domain added after the first whose provider is not
// confirmed yet, one after the other, as the first domain's is. With none
// to ask it passes straight through, in either direction.
func NewForOthers(c common.Common, preset *assets.Provider) *Model {
	m := New(c, preset)
	m.others = true
	return m
}

// Title names the step in the header.
const Title = "Mail provider"

// TitleOthers names the step for the other domains in the header.
const TitleOthers = "Other domains' mail providers"

// Title implements common.Step.
func (m *Model) Title() string {
	if m.others {
		return TitleOthers
	}
	return Title
}

// Domain returns the domain whose provider the step asks for.
func (m *Model) Domain() string { return m.domain }

// target returns the domain to ask about: the first domain, or (for the
// other domains) the first one looked up whose provider is not confirmed.
func target(s *session.Session, others bool) *session.Domain {
	if !others {
		return s.First()
	}
	for _, d := range s.Others() {
		if !d.ProviderConfirmed && !d.ReadAt.IsZero() {
			return d
		}
	}
	return nil
}

// Init implements tea.Model.
func (m *Model) Init() tea.Cmd { return nil }

// Capturing implements common.Step: the filter or the "other" field has
// focus.
func (m *Model) Capturing() bool { return m.typing || m.list.SettingFilter() }

// Selected returns the provider the list points at; false when nothing is
// selected.
func (m *Model) Selected() (assets.Provider, bool) {
	if m.none {
		return assets.Provider{}, false
	}
	it, ok := m.list.SelectedItem().(item)
	return it.p, ok
}

// Enter implements common.Step: the list is rebuilt from the snapshot, the
// detected provider selected. With a preset the step passes straight
// through, in either direction.
func (m *Model) Enter(s *session.Session, dir common.Direction) tea.Cmd {
	m.sess = s
	if m.preset != nil {
		// --provider names the organisation's provider, every domain's.
		for _, d := range s.Domains {
			if !m.others || d != s.First() {
				s.SetProvider(d.Input.Domain, plan.ProviderChoice{Provider: *m.preset}, true)
			}
		}
		if dir == common.Backward {
			return common.Back
		}
		return common.Next
	}
	d := target(s, m.others)
	if d == nil {
		if dir == common.Backward || !m.others {
			return common.Back
		}
		return common.Next
	}
	snap := d.Snap
	if dir == common.Backward && !m.others && len(m.list.Items()) > 0 && snap.Domain == m.snap.Domain && m.domain == d.Input.Domain {
		return nil
	}
	m.domain = d.Input.Domain
	m.snap, m.typing, m.err = snap, false, nil
	// The choice made before (a resumed session's, when the domain has not
	// been looked up again) is selected over the proposed one; without
	// either, nothing is selected and the person must choose.
	before, chose := d.Provider, d.ProviderConfirmed
	proposed, propose := plan.ProposedProvider(snap)
	var items []list.Item
	sel := -1
	for i, p := range assets.Providers() {
		det := snap.ProviderFound && p.ID == snap.Provider.ID
		if (propose && p.ID == proposed.ID && sel < 0) || (chose && p.ID == before.Provider.ID) {
			sel = i
		}
		items = append(items, item{p: p, detected: det})
	}
	if !m.looked() && !chose {
		sel = 0
	}
	m.list.ResetFilter()
	cmd := m.list.SetItems(items)
	m.list.Select(max(sel, 0))
	m.none = sel < 0
	m.layout()
	return cmd
}

// SetSize implements common.Step.
func (m *Model) SetSize(w, h int) {
	m.Common.SetSize(w, h)
	m.input.Width = max(m.Width-3, 1)
	m.layout()
}

// shortList is the list's height below which its items take one line
// each: with two lines an item, fewer than five would show a page.
const shortList = 12

// selectedLines is the room the selected item's SPF part takes under a
// short list.
const selectedLines = 2

func (m *Model) layout() {
	h := max(m.Height-common.Height(m.header()), 3)
	if short := h < shortList; short != m.short {
		m.short = short
		m.delegate.ShowDescription = !short
		m.list.SetDelegate(itemDelegate{DefaultDelegate: m.delegate, none: &m.none})
	}
	// The filter line (blank until / is pressed) shows in a short list
	// only while there is a filter.
	m.list.SetShowFilter(!m.short || m.list.FilterState() != list.Unfiltered)
	if m.short {
		h = max(h-selectedLines, 3)
	}
	m.list.SetSize(m.Width, h)
}

// selectedView says the selected item's SPF part (its description) under a
// short list, where the items show only their names.
func (m *Model) selectedView() string {
	it, ok := m.list.SelectedItem().(item)
	if !ok || m.none {
		return ""
	}
	return m.Styles.Dim.Render(common.Fit(common.Hang("  ", "  ", it.Description(), m.Width), m.Width, selectedLines))
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	if m.typing {
		return []key.Binding{m.keys.Accept, m.keys.Cancel}
	}
	k := m.list.KeyMap
	if m.list.SettingFilter() {
		return []key.Binding{k.AcceptWhileFiltering, k.CancelWhileFiltering}
	}
	return []key.Binding{m.keys.Choose, k.CursorUp, k.CursorDown, k.Filter, k.ClearFilter, m.Keys.Back}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	if m.typing || m.list.SettingFilter() {
		return [][]key.Binding{m.ShortHelp()}
	}
	k := m.list.KeyMap
	return [][]key.Binding{
		{m.keys.Choose, m.Keys.Back},
		{k.CursorUp, k.CursorDown, k.NextPage, k.PrevPage, k.GoToStart, k.GoToEnd},
		{k.Filter, k.ClearFilter},
	}
}

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.typing {
		return m.updateOther(msg)
	}
	if k, ok := msg.(tea.KeyMsg); ok && m.list.FilterState() == list.Unfiltered {
		switch {
		case key.Matches(k, m.Keys.Back):
			return m, common.Back
		case key.Matches(k, m.keys.Choose):
			return m, m.choose()
		case m.none && key.Matches(k, m.list.KeyMap.CursorUp, m.list.KeyMap.CursorDown):
			m.none = false // the first move shows the cursor where it is
			return m, nil
		case m.none && !key.Matches(k, m.list.KeyMap.ShowFullHelp, m.list.KeyMap.CloseFullHelp):
			m.none = false
		}
	} else if ok && m.list.FilterState() == list.FilterApplied && key.Matches(k, m.keys.Choose) {
		return m, m.choose()
	}
	var cmd tea.Cmd
	m.list, cmd = m.list.Update(msg)
	m.layout()
	return m, cmd
}

func (m *Model) choose() tea.Cmd {
	it, ok := m.list.SelectedItem().(item)
	if !ok || m.none {
		return common.SetStatus(common.Info, "Nothing is preselected: move to your provider with ↑ or ↓, then press enter.")
	}
	if it.p.Kind == assets.KindOther {
		m.typing = true
		m.layout()
		return m.input.Focus()
	}
	return m.chosen(plan.ProviderChoice{Provider: it.p, Detected: it.detected})
}

// chosen records the choice for the domain asked about and goes on: to
// the next domain to ask about, or to the next step.
func (m *Model) chosen(c plan.ProviderChoice) tea.Cmd {
	m.sess.SetProvider(m.domain, c, true)
	if m.others && target(m.sess, true) != nil {
		return m.Enter(m.sess, common.Forward)
	}
	return common.Next
}

func (m *Model) updateOther(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(k, m.keys.Cancel):
			m.typing = false
			m.input.Blur()
			m.layout()
			return m, nil
		case key.Matches(k, m.keys.Accept):
			if m.err == nil && m.input.Value() != "" {
				m.typing = false
				m.input.Blur()
				return m, m.chosen(plan.ProviderChoice{Provider: m.custom})
			}
			if m.err == nil {
				m.err = fmt.Errorf("give its SPF include (such as spf.example.net) or its sending addresses")
			}
			return m, nil
		}
	}
	before := m.input.Value()
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	if v := m.input.Value(); v != before {
		m.custom, m.err = assets.CustomProvider(v)
		if strings.TrimSpace(v) == "" {
			m.err = nil
		}
	}
	return m, cmd
}

// looked reports whether the step has a snapshot of the domain: without
// one (a resumed session) it claims nothing about MX.
func (m *Model) looked() bool { return m.snap.Domain != "" }

func (m *Model) header() string {
	st, w, s := m.Styles, m.Width, m.snap
	why := "The choice you made before is selected; press enter to keep it."
	if m.looked() {
		why = plan.WhyProvider(s)
	}
	if _, unknown := s.MXUnknown(); unknown && m.looked() {
		why += " Or press esc, then r, to look again."
	}
	question := "Who handles your organisation's own mail?"
	if m.others {
		question = "Who handles the mail of " + m.domain + "?"
	}
	return st.Title.Render(common.Wrap(question, w)) + "\n" +
		common.Wrap(why, w) + "\n" +
		st.Dim.Render(common.Wrap(fmt.Sprintf("Its SPF part stays in the record beside %s's.", m.Platform.Name), w))
}

// View implements tea.Model.
func (m *Model) View() string {
	st, w := m.Styles, m.Width
	if m.typing {
		var b strings.Builder
		b.WriteString(st.Title.Render(common.Wrap("Your mail provider's SPF include or addresses", w)) + "\n")
		b.WriteString(common.Wrap("As its setup guide gives them: an include such as spf.example.net, addresses such as 192.0.2.10 or 192.0.2.0/24, or its whole sample SPF record. Separate several with spaces.", w) + "\n\n")
		b.WriteString(m.input.View() + "\n\n")
		switch {
		case m.err != nil:
			msg := strings.TrimPrefix(m.err.Error(), "assets: ")
			b.WriteString(st.Warn.Render(common.Hang("✗ ", "  ", dnscheck.Printable(msg), w)))
		case m.input.Value() != "":
			b.WriteString(common.Hang(st.Pass.Render("✓ "), "  ", "Will authorise "+st.Value.Render(strings.Join(m.custom.SPFTerms(), " ")), w))
		}
		return b.String()
	}
	if m.short {
		return m.header() + "\n" + m.list.View() + "\n" + m.selectedView()
	}
	return m.header() + "\n" + m.list.View()
}
