package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync/atomic"
)

// requestIDs makes the ids the RequestID middleware gives requests without one (the X-Request-ID header,
// the request log, the error pages): a random prefix per process and a counter, so unique for the
// process's life and, with 64 random bits, between processes and restarts. echo's default drew 32 random
// characters per request, a fiftieth of a cached page view; nothing is authorised by a request id (a client
// may send its own).
type requestIDs struct {
	prefix string
	n      atomic.Uint64
}

func newRequestIDs() (*requestIDs, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("request ids: %w", err)
	}
	return &requestIDs{prefix: hex.EncodeToString(b[:]) + "-"}, nil
}

// next is a new request id.
func (g *requestIDs) next() string { return g.prefix + strconv.FormatUint(g.n.Add(1), 36) }
