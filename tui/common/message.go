package common

import "context"

// MessageMaker writes a test message for domain and returns the path of
// the file (the demo's v key on the advice step).
type MessageMaker func(ctx context.Context, domain string) (string, error)
