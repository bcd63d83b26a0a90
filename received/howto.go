package received

// SaveHow says how one mail client saves a received message whole (its
// headers and body), for 'wizard verify' and the wizard's last step.
type SaveHow struct {
	// Client names the mail client ("Gmail").
	Client string
	// Steps is where to click, in the client's own words.
	Steps string
}

// HowToSave is how the common mail clients save a received message as a
// file the wizard reads.
//
// Sources (the vendor's own help where the reference search found it):
//   - Gmail: "Trace an email with its full header", Gmail Help,
//     https://support.google.com/mail/answer/29436 (Show original, then
//     Download original; the address as listed by a search index, the
//     page itself was not in the stored corpus).
//   - Outlook: Microsoft's own page ("View internet message headers in
//     Outlook", support.microsoft.com) was not in the stored corpus; the
//     steps follow a copy of its text,
//     https://howtomicrosoftofficetutorials.blogspot.com/2017/03/view-internet-header-information-for.html
//     (desktop: open the message, File > Properties, the Internet headers
//     box), and https://exclaimer.com/email-signature-handbook/how-to-view-email-headers-in-outlook/
//     (Outlook 365 / web: the … menu > View > View message details).
//     Outlook gives the headers only, so the body hash is not checked.
//   - Apple Mail: Apple's own page was not found in the stored corpus; the
//     steps follow https://howtoyo.blogspot.com/2012/01/what-is-eml-file-on-mac.html
//     (File > Save As, format Raw Message Source). To check against
//     support.apple.com.
var HowToSave = []SaveHow{
	{Client: "Outlook (desktop)", Steps: "open the message in its own window, File > Properties, and copy the Internet headers box (headers only)"},
	{Client: "Outlook (web)", Steps: "the message's … menu > View > View message details, and copy the headers"},
	{Client: "Gmail", Steps: "the message's ⋮ menu > Show original > Download original"},
	{Client: "Apple Mail", Steps: "File > Save As, Format: Raw Message Source"},
}
