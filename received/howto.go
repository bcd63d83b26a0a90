package received

// SaveHow says how one mail client saves a received message whole (its
// headers and body), for 'wizard verify' and the wizard's last step.
type SaveHow struct {
	// Client names the mail client ("Gmail").
	Client string
	// Steps is where to click, in the client's own words.
	Steps string
	// Source is the vendor's own help page for these steps; "" when the
	// vendor's page could not be found (the entry's comment says what was
	// searched).
	Source string
}

// HowToSave is how the common mail clients save a received message as a
// file the wizard reads. House rule: the steps come from the vendor's own
// help; each entry's comment says how far that was possible with the
// stored reference corpus (searched with the search tool, corpora pages
// and docs).
var HowToSave = []SaveHow{
	// Outlook, desktop and web: Microsoft's page is "View internet message
	// headers in Outlook", at the address below, as Microsoft's own
	// Defender for Office 365 and Exchange Online documentation links it
	// (MicrosoftDocs, "For instructions on viewing message headers in
	// Outlook, see ..."). The page's own text was not in the corpus
	// (searched: "Outlook view internet message headers", "Outlook on the
	// web view message source message details", "support.microsoft.com
	// View internet message headers in Outlook", "Message Header Analyzer
	// copy message headers Outlook File Properties Internet headers"), so
	// the steps are kept as the wizard had them, unconfirmed by Microsoft:
	// desktop, File > Properties, the Internet headers box; web, the
	// message's … menu > View > View message details. Outlook gives the
	// headers only, so the body hash is not checked.
	{Client: "Outlook (desktop)", Steps: "open the message in its own window, File > Properties, and copy the Internet headers box (headers only)",
		Source: "https://support.microsoft.com/office/cd039382-dc6e-4264-ac74-c048563d212c"},
	{Client: "Outlook (web)", Steps: "the message's … menu > View > View message details, and copy the headers",
		Source: "https://support.microsoft.com/office/cd039382-dc6e-4264-ac74-c048563d212c"},
	// Gmail: Google's page is "Trace an email with its full header",
	// Gmail Help (Show original, then Download original). Its text was not
	// in the corpus either (searched: "Gmail show original download
	// original", "Trace an email with its full header Gmail Help", "Gmail
	// Help see the original message headers Show original", "Gmail
	// download original message .eml file More Show original"); the
	// address is Google's help page for full headers as listed by a search
	// index, the steps unconfirmed by Google's text.
	{Client: "Gmail", Steps: "the message's ⋮ menu > Show original > Download original",
		Source: "https://support.google.com/mail/answer/29436"},
	// Apple Mail: no support.apple.com page on saving a message was found
	// (searched: "Apple Mail save message raw source", "Save emails in
	// Mail on Mac raw message source format", "Mail User Guide for Mac
	// view message headers raw source", "support.apple.com Mail Mac save a
	// message as a file Raw Message Source Save As", "View email headers
	// in Mail on Mac All Headers Raw Source"); the only Apple page found is
	// the Mail User Guide's glossary entry for "message header"
	// (https://support.apple.com/en-gb/guide/mail/aside/mlhlb735434e/12.0/mac/10.14),
	// which does not say how to save. The steps are kept as the wizard
	// had them, unconfirmed by Apple: File > Save As, Format: Raw Message
	// Source.
	{Client: "Apple Mail", Steps: "File > Save As, Format: Raw Message Source"},
}
