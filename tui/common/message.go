package common

import "context"

// MessageFile, a result of the advice step (the demo's v key), is a saved
// message the confirm step fills in and verifies at once.
type MessageFile string

// MessageMaker writes a test message for domain and returns the path of
// the file (the demo's v key on the advice step).
type MessageMaker func(ctx context.Context, domain string) (string, error)
