package handlers_test

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paywall/paywall/internal/testenv"
)

// meetingPoint holds the first of Payway's order and Me requests until the other arrives (or a bound
// passes), and remembers whether they met: the second arrived while the first was still in flight.
type meetingPoint struct {
	armed  atomic.Bool
	within time.Duration

	mu      sync.Mutex
	waiting chan struct{} // the first request's, closed by the second; nil before the first
	gaveUp  bool
	met     bool
}

func (m *meetingPoint) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m.armed.Load() && (r.URL.Path == "/external/api/v1/order" || r.URL.Path == "/external/api/v3/me") {
			m.mu.Lock()
			if m.waiting == nil { // the first: wait for the other
				m.waiting = make(chan struct{})
				wait := m.waiting
				m.mu.Unlock()
				select {
				case <-wait:
				case <-time.After(m.within): // it does not come while this one is in flight
					m.mu.Lock()
					m.gaveUp = true
					m.mu.Unlock()
				}
			} else { // the second
				if !m.gaveUp && !m.met {
					m.met = true
					close(m.waiting)
				}
				m.mu.Unlock()
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (m *meetingPoint) didMeet() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.met
}

// TestConfirmationReadsOrderAndAccountSideBySide: the confirmation page reads Payway's order and the
// reader's account (what Klarna's sync just wrote) at the same time, not one after the other: in live mode
// that is a round trip to Payway less before the reader sees the page.
func TestConfirmationReadsOrderAndAccountSideBySide(t *testing.T) {
	t.Parallel()
	meet := &meetingPoint{within: testenv.Scale(5 * time.Second)}
	app := newTestApp(t, func(s *appSetup) { s.wrapSandbox = meet.wrap })
	c := app.client()
	id := c.startPurchase("reader@example.se", "monthly")
	res := c.placeOrder(id, app.authorize(id, "customer@email.se", "klarna"))
	confirmation := c.followSandboxRedirect(res.Header.Get("Location"))
	meet.armed.Store(true)
	page := c.get(strings.TrimPrefix(confirmation, app.URL))
	if page.Status != http.StatusOK || !strings.Contains(page.Body, `data-testid="confirmation-order-id"`) {
		t.Fatalf("confirmation: %d", page.Status)
	}
	if !meet.didMeet() {
		t.Error("the order and the account were read one after the other")
	}
}
