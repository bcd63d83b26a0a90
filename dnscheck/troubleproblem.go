package dnscheck

// TroubleProblem turns a lookup that ended in DNS trouble into its dns-*
// problem (dns-timeout, dns-servfail…), with the same message and fix as
// the checks give; what names the record asked for ("the DKIM key"). It
// is for callers outside the checks (message verification) that make
// their own lookups.
func TroubleProblem(r Response, what string) Problem { return troubleProblem(r, what) }
