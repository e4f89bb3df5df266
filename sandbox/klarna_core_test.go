package sandbox

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paywall/paywall/internal/testenv"
)

// Internal tests of the Klarna core: what the klarna client's contract tests cannot reach (callback
// retries and shutdown, concurrency of idempotent token orders, seeding, the e-mail rules).

// klarnaTestServer is a sandbox Server on a fixed clock, closed when the test ends.
func klarnaTestServer(t *testing.T) *Server {
	t.Helper()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	s, err := New(t.Context(), Config{DBPath: t.TempDir() + "/sandbox.db", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func klarnaTestCart() cart {
	return cart{PurchaseCountry: "SE", PurchaseCurrency: "SEK", Locale: "sv-SE", OrderAmount: 13900, OrderTaxAmount: 787,
		OrderLines: []orderLine{{Name: "Digital", Quantity: 1, UnitPrice: 13900, TaxRate: 600, TotalAmount: 13900, TotalTaxAmount: 787}}}
}

func TestClassifyEmail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		email string
		want  emailOutcome
	}{
		{"customer@email.se", emailApproved},
		{"Customer@Email.SE", emailApproved},
		{"customer+new_user@email.se", emailApproved},
		{"customer+denied@email.se", emailDenied},
		{"customer+denied+auth_bank_login@email.se", emailDenied},
		{"customer+denied@email.uk", emailDenied},
		{"customer+denied@example.se", emailApproved},
		{"customer+deniedx@email.se", emailApproved},
		{"jane.doe@example.se", emailApproved},
		{"not-an-email", emailMalformed},
		{"a@b", emailMalformed},
		{"a b@c.se", emailMalformed},
		{"", emailMalformed},
	}
	for _, tt := range tests {
		if got := classifyEmail(tt.email); got != tt.want {
			t.Errorf("classifyEmail(%q) = %v, want %v", tt.email, got, tt.want)
		}
	}
}

// luhnValid checks the check digit of a Swedish personal number's last ten digits.
func luhnValid(id string) bool {
	digits := id[len(id)-10:]
	sum := 0
	for i, r := range digits {
		d := int(r - '0')
		if i%2 == 0 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func TestCustomers(t *testing.T) {
	t.Parallel()
	alice := customerForEmail("customer+x@email.se")
	if alice.GivenName != "Alice" || alice.NationalID != "194103219202" || alice.Email != "customer+x@email.se" || !luhnValid(alice.NationalID) {
		t.Errorf("Alice = %+v", alice)
	}
	jane := customerForEmail("jane.doe-smith@example.se")
	if jane.GivenName != "Jane" || jane.FamilyName != "Doe Smith" || len(jane.NationalID) != 12 || !luhnValid(jane.NationalID) ||
		!strings.HasPrefix(jane.NationalID, strings.ReplaceAll(jane.DateOfBirth, "-", "")) {
		t.Errorf("generated = %+v", jane)
	}
	if again := customerForEmail("jane.doe-smith@example.se"); again != jane {
		t.Errorf("generated customer not stable: %+v vs %+v", again, jane)
	}
	if c := customerForEmail("123@example.se"); c.GivenName != "Sandbox" || c.FamilyName != "Customer" {
		t.Errorf("no letters = %+v", c)
	}
	if got := nationalIDFromSSN("1985-03-14", "850314-1239"); got != "198503141239" {
		t.Errorf("nationalIDFromSSN = %q", got)
	}
}

func TestClientToken(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tok := newClientToken("s-1", now, now.Add(kpSessionLifetime))
	if id, ok := sessionIDFromClientToken(tok); !ok || id != "s-1" {
		t.Fatalf("round trip = %q %v", id, ok)
	}
	parts := strings.Split(tok, ".")
	for _, bad := range []string{"", "a.b", parts[0] + "." + parts[1] + ".AAAA", parts[0] + ".e30." + parts[2], tok + ".x"} {
		if _, ok := sessionIDFromClientToken(bad); ok {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestTaxAddsUp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		total, rate, tax int64
		want             bool
	}{
		{13900, 600, 787, true},
		{13900, 600, 786, true},
		{13900, 600, 788, true},
		{13900, 600, 789, false},
		{13900, 0, 0, true},
		{-4000, 600, -227, true},
		{-4000, 600, -225, false},
		{13900, 600, math.MinInt64, false},
		{13900, 600, math.MaxInt64, false},
	}
	for _, tt := range tests {
		if got := taxAddsUp(tt.total, tt.rate, tt.tax); got != tt.want {
			t.Errorf("taxAddsUp(%d, %d, %d) = %v, want %v", tt.total, tt.rate, tt.tax, got, tt.want)
		}
	}
	// Extreme values are rejected, never overflow into acceptance.
	c := klarnaTestCart()
	c.OrderLines[0].Quantity, c.OrderLines[0].UnitPrice = math.MaxInt64, math.MaxInt64
	if kerr := validateCart(c, cartRules{requireCountry: true}); kerr == nil || kerr.Messages[0] != "Bad value: order_lines[0].quantity" {
		t.Errorf("huge quantity: %v", kerr)
	}
}

func TestSeedKlarnaTokens(t *testing.T) {
	t.Parallel()
	s := klarnaTestServer(t)
	ctx := t.Context()
	for _, p := range Personas() {
		if p.KlarnaToken == nil {
			continue
		}
		tok, kerr := s.kpCustomerToken(ctx, p.KlarnaToken.TokenID)
		if p.KlarnaToken.Missing {
			if kerr == nil || kerr.Status != http.StatusNotFound {
				t.Errorf("%s: missing token found: %+v", p.Email, tok)
			}
			continue
		}
		if kerr != nil || tok.Status != p.KlarnaToken.Status || tok.Behaviour != p.KlarnaToken.Behaviour ||
			tok.Customer.Email != p.Email || tok.MaskedNumber == "" {
			t.Errorf("%s: token %+v, %v", p.Email, tok, kerr)
		}
	}
	// Seeding again (a restart) keeps what happened to a token since.
	var stepUp Persona
	for _, p := range Personas() {
		if p.KlarnaToken != nil && p.KlarnaToken.Behaviour == tokenBehaviourStepUp {
			stepUp = p
		}
	}
	if stepUp.KlarnaToken == nil {
		t.Fatal("no step-up persona")
	}
	if kerr := s.kpCancelCustomerToken(ctx, stepUp.KlarnaToken.TokenID, "CANCELLED"); kerr != nil {
		t.Fatal(kerr)
	}
	if err := s.store.seed(ctx, Personas(), s.now()); err != nil {
		t.Fatal(err)
	}
	if tok, _ := s.kpCustomerToken(ctx, stepUp.KlarnaToken.TokenID); tok.Status != "CANCELLED" {
		t.Errorf("reseeding reset the token: %+v", tok)
	}
}

// callbackReceiver answers callbacks with the statuses in plan (then 204) and reports each request.
type callbackReceiver struct {
	srv  *httptest.Server
	mu   sync.Mutex
	plan []int
	got  chan map[string]any
}

func newCallbackReceiver(t *testing.T, plan ...int) *callbackReceiver {
	t.Helper()
	c := &callbackReceiver{plan: plan, got: make(chan map[string]any, 64)}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		c.mu.Lock()
		status := http.StatusNoContent
		if len(c.plan) > 0 {
			status, c.plan = c.plan[0], c.plan[1:]
		}
		c.mu.Unlock()
		c.got <- body
		w.WriteHeader(status)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

// attempts installs the attempt hook and returns the channel it reports on. Set before any callback.
func attempts(s *Server) chan [2]int {
	ch := make(chan [2]int, 64)
	s.callbacks.retryDelay = 5 * time.Millisecond
	s.callbacks.attempted = func(_ string, attempt, status int) { ch <- [2]int{attempt, status} }
	return ch
}

func waitAttempt(t *testing.T, ch chan [2]int) [2]int {
	t.Helper()
	select {
	case a := <-ch:
		return a
	case <-time.After(testenv.Scale(10 * time.Second)):
		t.Fatal("no callback attempt in time")
		return [2]int{}
	}
}

// newHPP creates a payment session and an HPP session whose status callbacks go to cbURL.
func newHPP(t *testing.T, s *Server, cbURL string) hppSession {
	t.Helper()
	sess, kerr := s.kpCreateSession(t.Context(), kpSessionInput{Cart: klarnaTestCart()})
	if kerr != nil {
		t.Fatal(kerr)
	}
	h, kerr := s.hppCreate(t.Context(), hppCreateInput{PaymentSessionURL: "http://sandbox.test/payments/v1/sessions/" + sess.ID,
		MerchantURLs: map[string]string{"status_update": cbURL, "success": "https://shop.example/ok/{{session_id}}"}})
	if kerr != nil {
		t.Fatal(kerr)
	}
	return h
}

func TestHPPCallbackRetries(t *testing.T) {
	t.Parallel()
	s := klarnaTestServer(t)
	seen := attempts(s)
	rcv := newCallbackReceiver(t, 500, 503)
	h := newHPP(t, s, rcv.srv.URL+"/cb?sid={{session_id}}")
	if _, kerr := s.hppOpen(t.Context(), h.ID); kerr != nil {
		t.Fatal(kerr)
	}
	want := [][2]int{{1, 500}, {2, 503}, {3, 204}}
	var ids []string
	for _, w := range want {
		if got := waitAttempt(t, seen); got != w {
			t.Fatalf("attempt = %v, want %v", got, w)
		}
		body := <-rcv.got
		ids = append(ids, body["event_id"].(string))
		if sess := body["session"].(map[string]any); sess["status"] != "IN_PROGRESS" || sess["session_id"] != h.ID {
			t.Errorf("callback session = %v", sess)
		}
	}
	if ids[0] == "" || ids[0] != ids[1] || ids[1] != ids[2] {
		t.Errorf("retries must repeat the event id (for de-duplication): %v", ids)
	}
	events, err := s.store.eventsOf(t.Context(), h.ID)
	if err != nil || len(events) != 1 || events[0].Attempts != 3 || events[0].LastStatus != 204 || !events[0].Delivered {
		t.Errorf("events = %+v, %v", events, err)
	}
}

func TestHPPCallbackGivesUp(t *testing.T) {
	t.Parallel()
	s := klarnaTestServer(t)
	seen := attempts(s)
	rcv := newCallbackReceiver(t, 500, 500, 500, 500, 500)
	h := newHPP(t, s, rcv.srv.URL)
	if _, kerr := s.hppFinish(t.Context(), h.ID, hppCancelled); kerr != nil {
		t.Fatal(kerr)
	}
	for i := 1; i <= hppCallbackAttempts; i++ {
		if got := waitAttempt(t, seen); got != [2]int{i, 500} {
			t.Fatalf("attempt %d = %v", i, got)
		}
	}
	s.callbacks.close() // waits for the delivery goroutine: nothing more may come
	select {
	case a := <-seen:
		t.Errorf("attempt after giving up: %v", a)
	default:
	}
	events, _ := s.store.eventsOf(t.Context(), h.ID)
	if len(events) != 1 || events[0].Attempts != hppCallbackAttempts || events[0].Delivered {
		t.Errorf("events = %+v", events)
	}
}

// TestCloseCancelsCallbacks: Close must not wait for a receiver that never answers, nor for retries.
func TestCloseCancelsCallbacks(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	s, err := New(t.Context(), Config{DBPath: t.TempDir() + "/sandbox.db", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	arrived := make(chan struct{}, 1)
	stuck := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		arrived <- struct{}{}
		<-r.Context().Done()
	}))
	defer stuck.Close()
	h := newHPP(t, s, stuck.URL)
	if _, kerr := s.hppOpen(t.Context(), h.ID); kerr != nil {
		t.Fatal(kerr)
	}
	<-arrived
	done := make(chan error, 1)
	go func() { done <- s.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(2 * time.Second): // well below the 3 s attempt timeout
		t.Fatal("Close waited for a hanging callback")
	}
	s.sendEvents([]callbackEvent{{ID: "late", URL: stuck.URL}}) // after Close: dropped, no panic
}

func TestAuthorizationCallback(t *testing.T) {
	t.Parallel()
	s := klarnaTestServer(t)
	seen := attempts(s)
	rcv := newCallbackReceiver(t)
	sess, kerr := s.kpCreateSession(t.Context(), kpSessionInput{Cart: klarnaTestCart(),
		MerchantURLs: map[string]string{"authorization": rcv.srv.URL + "/auth/{session.id}"}})
	if kerr != nil {
		t.Fatal(kerr)
	}
	res, kerr := s.kpAuthorize(t.Context(), authorizeInput{SessionID: sess.ID, Email: "customer@email.se", OTP: "123456"})
	if kerr != nil || !res.Approved {
		t.Fatalf("authorize = %+v, %v", res, kerr)
	}
	waitAttempt(t, seen)
	if body := <-rcv.got; body["authorization_token"] != res.AuthorizationToken || body["session_id"] != sess.ID {
		t.Errorf("authorization callback = %v", body)
	}
}

// TestIdempotentConcurrency: concurrent repeats of one key place exactly one order.
func TestIdempotentConcurrency(t *testing.T) {
	t.Parallel()
	s := klarnaTestServer(t)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	var token string
	for _, p := range Personas() {
		if p.KlarnaToken != nil && !p.KlarnaToken.Missing && p.KlarnaToken.Status == "ACTIVE" && p.KlarnaToken.Behaviour == tokenBehaviourOK {
			token = p.KlarnaToken.TokenID
		}
	}
	body, _ := json.Marshal(map[string]any{"purchase_country": "SE", "purchase_currency": "SEK", "order_amount": 13900,
		"order_tax_amount": 787, "order_lines": klarnaTestCart().OrderLines, "step_up": "SUPPORTED"})
	const n = 8
	ids := make(chan string, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost,
				srv.URL+"/customer-token/v1/tokens/"+token+"/order", strings.NewReader(string(body)))
			req.SetBasicAuth(KlarnaUsername, KlarnaPassword)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(idempotencyHeader, "same-key")
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var o struct {
				OrderID string `json:"order_id"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&o); err != nil || resp.StatusCode != 200 {
				t.Errorf("status %d, %v", resp.StatusCode, err)
			}
			ids <- o.OrderID
		})
	}
	wg.Wait()
	close(ids)
	first := ""
	for id := range ids {
		if first == "" {
			first = id
		}
		if id != first {
			t.Errorf("order ids differ: %s vs %s", id, first)
		}
	}
	var count int
	if err := s.store.r.QueryRowContext(t.Context(), `SELECT count(*) FROM kp_orders WHERE customer_token = ?`, token).Scan(&count); err != nil || count != 1 {
		t.Errorf("orders placed = %d (%v), want 1", count, err)
	}
}
