package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"
)

// Fault injection: POST /sandbox/v1/faults arms a fault on one route of the table ("<METHOD> <pattern>",
// exactly as the table names it) for the next Count calls. The route-table loop wraps every handler with
// faultSet.wrap, so the app under test sees a real 5xx, a slow answer or a dropped connection from the
// endpoint it called, through its own HTTP client, without any test hook in the app.

// Limits on what a fault may ask for; they keep a typo from hanging a demo for hours.
const (
	maxFaultDelay = 5 * time.Minute
	// maxFaultBody bounds the request body a delayed call buffers; the APIs' bodies are a few KB.
	maxFaultBody  = 1 << 20
	maxFaultCount = 1000
)

// fault is one armed fault. Status, Delay and Drop combine: the delay always comes first, then either the
// connection is dropped, or the status is answered in the service's error shape, or (delay only) the real
// handler runs late. With After the real handler runs first and its work is committed, and only then is
// the answer delayed, dropped or replaced by the status: "Payway acted, then its answer was lost", the case
// a client must not read as "nothing happened".
type fault struct {
	ID        string
	Target    string // "<METHOD> <route pattern>", e.g. "POST /external/api/v1/klarna_payments/place_order"
	Status    int    // 0 = no status override
	Delay     time.Duration
	Drop      bool
	After     bool // run the real handler first, then apply the fault to its answer
	Count     int  // calls it was armed for
	Remaining int  // calls still to hit
	CreatedAt time.Time
}

// faultSet holds the armed faults of one Server. Faults live in memory, not in SQLite: they are a test
// or demo instrument that should not survive a restart.
type faultSet struct {
	mu     sync.Mutex
	seq    int
	faults []*fault // in arming order; the oldest matching fault hits first
}

func newFaultSet() *faultSet { return &faultSet{} }

// add arms f (its ID and Remaining are assigned here) and returns a copy.
func (fs *faultSet) add(f fault) fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.seq++
	f.ID = fmt.Sprintf("fault_%d", fs.seq)
	f.Remaining = f.Count
	fs.faults = append(fs.faults, &f)
	return f
}

// list returns copies of the armed faults, oldest first.
func (fs *faultSet) list() []fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]fault, 0, len(fs.faults))
	for _, f := range fs.faults {
		out = append(out, *f)
	}
	return out
}

// remove disarms one fault and reports whether it existed.
func (fs *faultSet) remove(id string) bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	n := len(fs.faults)
	fs.faults = slices.DeleteFunc(fs.faults, func(f *fault) bool { return f.ID == id })
	return len(fs.faults) != n
}

// clear disarms every fault.
func (fs *faultSet) clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.faults = nil
}

// take consumes one call of the oldest fault armed on target, removing it when used up.
func (fs *faultSet) take(target string) (fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, f := range fs.faults {
		if f.Target != target {
			continue
		}
		f.Remaining--
		hit := *f
		if f.Remaining <= 0 {
			fs.faults = slices.Delete(fs.faults, i, i+1)
		}
		return hit, true
	}
	return fault{}, false
}

// faultable reports whether a route can carry faults: every route but the control API, which must keep
// working to disarm them.
func faultable(path string) bool { return !strings.HasPrefix(path, "/sandbox/") }

// wrap applies the faults armed on target ("<METHOD> <pattern>") before next.
func (fs *faultSet) wrap(target string, next http.Handler) http.Handler {
	_, path, _ := strings.Cut(target, " ")
	if !faultable(path) {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := fs.take(target)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		if f.After {
			fs.after(w, r, f, next)
			return
		}
		if f.Delay > 0 {
			// Read the body first: Go's server notices a client that hangs up (its timeout) only once the
			// body is consumed, and a delay nobody waits for must end with the connection, not hold the
			// server (and its shutdown) for the whole delay. The handler gets the same bytes afterwards.
			body, err := io.ReadAll(io.LimitReader(r.Body, maxFaultBody))
			if err != nil {
				return // the client is gone already
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			t := time.NewTimer(f.Delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return // the client gave up (its timeout): nobody is left to answer
			}
		}
		switch {
		case f.Drop:
			dropConnection(w)
		case f.Status != 0:
			writeFaultStatus(w, r, f)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// dropConnection closes the connection without an answer, as a crashed upstream or a proxy timeout
// would. Hijacking is not possible on HTTP/2; aborting the handler resets the stream there instead.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// writeFaultStatus answers with the status in the error shape of the service the path belongs to, so the
// client under test decodes it as it would a real failure.
func writeFaultStatus(w http.ResponseWriter, r *http.Request, f fault) {
	text := http.StatusText(f.Status)
	if text == "" {
		text = "Error"
	}
	msg := fmt.Sprintf("%s (sandbox %s)", text, f.ID)
	if klarnaShaped(r.URL.Path) {
		writeKlarnaShaped(w, f.Status, strings.ToUpper(errorCodeFor(f.Status)), msg)
		return
	}
	writePaywayErrorAt(w, r.URL.Path, f.Status, errorCodeFor(f.Status), msg)
}

// errorCodeFor names a status the way both services' codes read (snake case; Klarna upper-cases it).
func errorCodeFor(status int) string {
	switch status {
	case http.StatusBadGateway:
		return "bad_gateway"
	case http.StatusServiceUnavailable:
		return "service_unavailable"
	case http.StatusGatewayTimeout:
		return "gateway_timeout"
	case http.StatusTooManyRequests:
		return "too_many_requests"
	}
	if status >= 500 {
		return "internal_server_error"
	}
	return "sandbox_fault"
}

// after runs next to its end (detached from the client: the operation commits even if the client has
// gone), then answers as the fault says: late, not at all (drop), with the status instead of the real
// answer, or late and then the real answer.
func (fs *faultSet) after(w http.ResponseWriter, r *http.Request, f fault, next http.Handler) {
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r.WithContext(context.WithoutCancel(r.Context())))
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return // the client gave up: the work is done, the answer is lost
		}
	}
	switch {
	case f.Drop:
		dropConnection(w)
	case f.Status != 0:
		writeFaultStatus(w, r, f)
	default:
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}
}
