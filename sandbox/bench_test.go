package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The benchmarks drive the sandbox's real HTTP handler (routing, faults, logging, bearer check, store)
// in process, without a network in between, because that is how the app runs it in sandbox mode: what
// they measure is the CPU the sandbox takes from the app per call. Compare runs with benchstat:
//
//	go test ./sandbox -run '^$' -bench . -benchmem -count 6 -cpu 1,4

// benchScopes are the scopes the app's login asks for, enough for every hot path.
const benchScopes = "/external/me/w /external/klarna_payments/r /external/klarna_payments/w /external/order/r"

// benchServer starts a sandbox on a fresh database with its clock at a fixed instant (the sandbox's
// own clock offset, POST /sandbox/v1/clock, still moves it).
func benchServer(tb testing.TB) *Server {
	tb.Helper()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	s, err := New(tb.Context(), Config{DBPath: tb.TempDir() + "/sandbox.db", Now: func() time.Time { return at }})
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return s
}

// serve runs one request through the handler and returns the body; a status other than want fails
// the test or benchmark.
func serve(tb testing.TB, h http.Handler, method, target, contentType, bearer, body string, want int) []byte {
	rec := record(h, httpRequest(method, target, contentType, bearer, body))
	if rec.Code != want {
		tb.Errorf("%s %s: %d %s, want %d", method, target, rec.Code, rec.Body, want)
	}
	return rec.Body.Bytes()
}

// httpRequest builds a request as the app sends it ("" leaves a header out).
func httpRequest(method, target, contentType, bearer, body string) *http.Request {
	req := httptest.NewRequestWithContext(context.Background(), method, target, strings.NewReader(body))
	req.Host = "sandbox.test"
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return req
}

// record runs req through h.
func record(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// decodeBody decodes a JSON answer into v, failing the benchmark on a malformed one.
func decodeBody(tb testing.TB, raw []byte, v any) {
	if err := json.Unmarshal(raw, v); err != nil {
		tb.Errorf("decode %s: %v", raw, err)
	}
}

// passwordLogin runs the password grant for email.
func passwordLogin(tb testing.TB, h http.Handler, email string) tokenResponse {
	form := url.Values{"client_id": {PaywayClientID}, "client_secret": {PaywayClientSecret}, "grant_type": {"password"},
		"username": {Organisation + "^" + email}, "password": {demoPassword}, "scope": {benchScopes}}
	raw := serve(tb, h, http.MethodPost, paywayTokenPath, "application/x-www-form-urlencoded", "", form.Encode(), http.StatusOK)
	var tok tokenResponse
	decodeBody(tb, raw, &tok)
	return tok
}

// benchLogin runs the password grant for email and returns the access token.
func benchLogin(b *testing.B, h http.Handler, email string) string {
	return passwordLogin(b, h, email).AccessToken
}

// BenchmarkActiveProducts is a subscriber's article view: bearer check and the access read.
func BenchmarkActiveProducts(b *testing.B) {
	s := benchServer(b)
	h := s.Handler()
	access := benchLogin(b, h, "subscriber@example.se")
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			serve(b, h, http.MethodGet, "/external/api/v1/me/active_products", "", access, "", http.StatusOK)
		}
	})
}

// BenchmarkPaymentPeriods is the /subscribe page's price read with the app's token (grant none).
func BenchmarkPaymentPeriods(b *testing.B) {
	s := benchServer(b)
	h := s.Handler()
	form := url.Values{"client_id": {PaywayClientID}, "client_secret": {PaywayClientSecret}, "grant_type": {"none"},
		"scope": {"/external/klarna_payments/r /external/order/r"}}
	var tok tokenResponse
	decodeBody(b, serve(b, h, http.MethodPost, paywayTokenPath, "application/x-www-form-urlencoded", "", form.Encode(), http.StatusOK), &tok)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			serve(b, h, http.MethodGet, "/external/api/v1/klarna_payments/payment_periods?code=digital", "", tok.AccessToken, "", http.StatusOK)
		}
	})
}

// BenchmarkPasswordGrant is a login: the password check and a token pair written.
func BenchmarkPasswordGrant(b *testing.B) {
	s := benchServer(b)
	h := s.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			benchLogin(b, h, "subscriber@example.se")
		}
	})
}

// BenchmarkPurchase is the sandbox's part of a purchase journey, one iteration per journey: login,
// create_session, the customer's authorization, place_order (which charges Klarna inside the sandbox),
// the order read and Me. Every journey buys with an account of its own, since an account can hold one
// subscription.
func BenchmarkPurchase(b *testing.B) {
	s := benchServer(b)
	h := s.Handler()
	var next atomic.Int64
	accounts := func() string { return fmt.Sprintf("bench-%d@example.se", next.Add(1)) }
	seedBenchAccounts(b, s, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			benchPurchase(b, h, accounts())
		}
	})
}

// seedBenchAccounts creates accounts bench-1@ ... bench-n@ without products, with the demo password.
func seedBenchAccounts(b *testing.B, s *Server, n int) {
	b.Helper()
	now := s.now()
	err := s.store.inTx(b.Context(), func(tx *txn) error {
		for i := 1; i <= n; i++ {
			p := Persona{Email: fmt.Sprintf("bench-%d@example.se", i), Password: demoPassword, FirstName: "Bea",
				LastName: "Bench", CustomerNumber: fmt.Sprint(200000 + i)}
			if err := seedAccount(b.Context(), tx, p, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("seed: %v", err)
	}
}

func benchPurchase(b *testing.B, h http.Handler, email string) {
	const kp = "/external/api/v1/klarna_payments/"
	access := benchLogin(b, h, email)
	var created struct{ Item createSessionItem }
	decodeBody(b, serve(b, h, http.MethodPost, kp+"create_session", "application/json", access,
		`{"code":"digital","period_type":"recurring","confirmation_url":"https://app.test/confirmation"}`, http.StatusOK), &created)
	sess := created.Item
	authz, _ := json.Marshal(authorizeRequest{SessionID: sess.KlarnaPaymentsSessionID, Email: "customer@email.se"})
	var res authorizeResult
	decodeBody(b, serve(b, h, http.MethodPost, "/sandbox/v1/authorize", "application/json", "", string(authz), http.StatusOK), &res)
	order, _ := json.Marshal(map[string]string{"klarna_authorization_token": res.AuthorizationToken,
		"klarna_payments_session_id": sess.KlarnaPaymentsSessionID})
	var placed struct{ Item placeOrderItem }
	decodeBody(b, serve(b, h, http.MethodPost, kp+"place_order", "application/json", access, string(order), http.StatusOK), &placed)
	serve(b, h, http.MethodGet, "/external/api/v1/order?order_id="+placed.Item.OrderID, "", access, "", http.StatusOK)
	serve(b, h, http.MethodGet, "/external/api/v3/me", "", access, "", http.StatusOK)
	if !bytes.Contains(serve(b, h, http.MethodGet, "/external/api/v1/me/active_products", "", access, "", http.StatusOK), []byte(productDigital)) {
		b.Errorf("%s has no access after the purchase", email)
	}
}
