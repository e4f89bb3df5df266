// Package apilog is what the API clients (payway, klarna) share for reporting their HTTP exchanges: the
// Exchange record, the Observer the app supplies, and the masking that keeps credentials and tokens out
// of everything an Observer receives (logs, purchase events, the demo console).
package apilog

import (
	"context"
	"time"
)

// Exchange is one HTTP exchange reported to an Observer. Path and bodies have secrets masked (see
// MaskPath and MaskBody); request headers, which carry the credentials, are never reported.
type Exchange struct {
	Service      string // "payway", "klarna"
	Call         string // the operation, e.g. "payway.place_order", "klarna.create_token_order"
	Method, Path string // Path includes the masked query string, if any
	Status       int    // 0 when no response arrived
	Duration     time.Duration
	RequestBody  string
	ResponseBody string
	Err          error // the error the call returned, nil on success
	// IDs are the identifiers the response carried that a person follows a purchase by (see IDKeys),
	// taken from the JSON body, so a timeline can show them without parsing bodies again.
	IDs map[string]string
}

// Observer receives exchanges, e.g. to record them as events on a purchase. Observe runs synchronously
// on the calling goroutine, after the response has been read, so it should be quick. ctx is the call's
// context and may already be done (a timeout is an exchange worth recording): observers that write
// somewhere should use context.WithoutCancel.
type Observer interface {
	Observe(ctx context.Context, ex Exchange)
}

// ObserverFunc adapts a function to Observer.
type ObserverFunc func(ctx context.Context, ex Exchange)

// Observe calls f.
func (f ObserverFunc) Observe(ctx context.Context, ex Exchange) { f(ctx, ex) }

// Selective is an Observer that keeps only some exchanges (the purchase timeline keeps those made for a
// purchase). Do asks it first and, for an exchange it would not keep, neither masks the bodies nor
// reports it: masking was a twentieth of a purchase journey's CPU, much of it for logins it threw away.
type Selective interface {
	Observer
	// Records reports whether an exchange made under ctx would be kept.
	Records(ctx context.Context) bool
}
