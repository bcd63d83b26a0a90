package dnscheck

import (
	"context"
	"strings"
	"sync"

	"github.com/miekg/dns"
)

// Querier answers one DNS question. *Client and *Lookup implement it.
type Querier interface {
	Query(ctx context.Context, name string, qtype uint16) Response
}

// Lookup is a per-check cache in front of a Querier: however many analyses
// ask, each name and type is sent once, and concurrent askers of the same
// question wait for the one query in flight.
type Lookup struct {
	next Querier

	mu      sync.Mutex
	entries map[lookupKey]*lookupEntry
}

type lookupKey struct {
	name  string
	qtype uint16
}

type lookupEntry struct {
	done chan struct{}
	resp Response
	// abandoned is set when the asker's context ended before the answer
	// came: the entry was dropped and waiters ask again.
	abandoned bool
}

// NewLookup returns an empty cache in front of q.
func NewLookup(q Querier) *Lookup {
	return &Lookup{next: q, entries: map[lookupKey]*lookupEntry{}}
}

// Query returns the cached answer for name and type, asking q the first time.
// A caller whose context ends while another caller's query is in flight
// returns a timeout without waiting further. A failure caused by the asking
// caller's own context ending is not cached: the next caller asks again.
func (l *Lookup) Query(ctx context.Context, name string, qtype uint16) Response {
	key := lookupKey{strings.ToLower(dns.Fqdn(name)), qtype}
	for {
		l.mu.Lock()
		e, ok := l.entries[key]
		if !ok {
			e = &lookupEntry{done: make(chan struct{})}
			l.entries[key] = e
			l.mu.Unlock()
			e.resp = l.next.Query(ctx, key.name, qtype)
			if ctx.Err() != nil && e.resp.Status.Trouble() {
				l.mu.Lock()
				delete(l.entries, key)
				l.mu.Unlock()
				e.abandoned = true
			}
			close(e.done)
			return e.resp
		}
		l.mu.Unlock()
		select {
		case <-e.done:
			if !e.abandoned {
				return e.resp
			}
			// The asker gave up; ask again unless this caller did too.
			if ctx.Err() == nil {
				continue
			}
		case <-ctx.Done():
		}
		return Response{Name: key.name, Type: qtype, Status: StatusTimeout, Err: ctx.Err()}
	}
}
