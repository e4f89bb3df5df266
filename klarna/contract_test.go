package klarna_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paywall/paywall/internal/apilog"
	"github.com/paywall/paywall/internal/testenv"
	"github.com/paywall/paywall/klarna"
	"github.com/paywall/paywall/sandbox"
)

// Contract tests: the klarna client against the real sandbox behind httptest. Authorizations come from
// the sandbox's control endpoint POST /sandbox/v1/authorize (what the SDK's authorize dialog returns),
// the hosted payment page is driven through its own HTTP form, and time moves through the injected clock.

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// recorder keeps every observed exchange.
type recorder struct {
	mu  sync.Mutex
	exs []apilog.Exchange
}

func (r *recorder) Observe(_ context.Context, ex apilog.Exchange) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.exs = append(r.exs, ex)
}

func (r *recorder) all() []apilog.Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.exs)
}

type env struct {
	clock  *testClock
	srv    *httptest.Server
	obs    *recorder
	client *klarna.Client
	// categories is the sandbox merchant whose sessions offer separate payment categories (klarna,
	// pay_later, pay_now, direct_debit): for tests that pick direct debit by category.
	categories *klarna.Client
}

func newEnv(t *testing.T) *env {
	t.Helper()
	clock := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	sb, err := sandbox.New(t.Context(), sandbox.Config{DBPath: t.TempDir() + "/sandbox.db", Now: clock.Now})
	if err != nil {
		t.Fatalf("sandbox.New: %v", err)
	}
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(func() {
		srv.Close()
		if err := sb.Close(); err != nil {
			t.Errorf("sandbox.Close: %v", err)
		}
	})
	e := &env{clock: clock, srv: srv, obs: &recorder{}}
	e.client = e.newClient(sandbox.KlarnaUsername, sandbox.KlarnaPassword)
	e.categories = e.newClient(sandbox.KlarnaSeparateCategoriesUsername, sandbox.KlarnaPassword)
	return e
}

func (e *env) newClient(user, pass string) *klarna.Client {
	return klarna.New(klarna.Config{BaseURL: e.srv.URL, Username: user, Password: pass,
		HTTPClient: e.srv.Client(), Observer: e.obs})
}

// digitalLine is a monthly subscription line of 139.00 SEK at 6 % VAT.
func digitalLine() klarna.OrderLine {
	l := klarna.NewLine("Digital", "digital", 1, 13900, 600)
	l.Type = "digital"
	l.Subscription = &klarna.Subscription{Name: "Digital", Interval: "MONTH", IntervalCount: 1}
	return l
}

func swedishCart(lines ...klarna.OrderLine) klarna.Cart {
	return klarna.NewCart("SE", "SEK", "sv-SE", lines...)
}

func sessionRequest(intent string) klarna.SessionRequest {
	return klarna.SessionRequest{Cart: swedishCart(digitalLine()), Intent: intent, MerchantReference1: "ref-1",
		MerchantURLs: &klarna.MerchantURLs{Confirmation: "https://shop.example/confirm?sid={session.id}&oid={order.id}"}}
}

func (e *env) createSession(t *testing.T, req klarna.SessionRequest) klarna.Session {
	t.Helper()
	s, err := e.client.CreateSession(t.Context(), req)
	if err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	return s
}

// authorizeResult is the SDK's authorize callback payload.
type authorizeResult struct {
	Approved           bool   `json:"approved"`
	ShowForm           bool   `json:"show_form"`
	AuthorizationToken string `json:"authorization_token"`
	Error              *struct {
		InvalidFields []string `json:"invalid_fields"`
	} `json:"error"`
}

// authorize asks the sandbox for the authorize dialog's result.
func (e *env) authorize(t *testing.T, sessionID, email, otp, category string) authorizeResult {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"session_id": sessionID, "email": email, "otp": otp, "category": category})
	resp, err := e.srv.Client().Post(e.srv.URL+"/sandbox/v1/authorize", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	defer resp.Body.Close()
	var res authorizeResult
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("authorize: status %d, decode %v", resp.StatusCode, err)
	}
	return res
}

// approved creates a session of intent and returns it with an approved authorization token. A category
// other than "" or klarna is one of the separate categories: the session is the categories merchant's.
func (e *env) approved(t *testing.T, intent, category string) (klarna.Session, string) {
	t.Helper()
	c := e.client
	if category != "" && category != "klarna" {
		c = e.categories
	}
	s, err := c.CreateSession(t.Context(), sessionRequest(intent))
	if err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	res := e.authorize(t, s.SessionID, "customer@email.se", "123456", category)
	if !res.Approved || res.AuthorizationToken == "" {
		t.Fatalf("authorize: %+v, want approved", res)
	}
	return s, res.AuthorizationToken
}

// wantError checks that err is a Klarna *Error with status, code and (if given) exactly these messages.
func wantError(t *testing.T, err error, status int, code string, messages ...string) *klarna.Error {
	t.Helper()
	var ke *klarna.Error
	if !errors.As(err, &ke) {
		t.Fatalf("error %v (%T), want *klarna.Error %d %s", err, err, status, code)
	}
	if ke.Status != status || ke.ErrorCode != code || !klarna.IsCode(err, code) {
		t.Fatalf("error = %v, want %d %s", err, status, code)
	}
	if len(messages) > 0 && !slices.Equal(ke.ErrorMessages, messages) {
		t.Errorf("messages = %q, want %q", ke.ErrorMessages, messages)
	}
	if ke.CorrelationID == "" {
		t.Error("error without correlation_id")
	}
	return ke
}

func TestPaymentSessionLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	s := e.createSession(t, sessionRequest(klarna.IntentBuy))
	if s.SessionID == "" || strings.Count(s.ClientToken, ".") != 2 {
		t.Fatalf("session %+v: want an id and a JWT-shaped client token", s)
	}
	var ids []string
	for _, c := range s.PaymentMethodCategories {
		ids = append(ids, c.Identifier)
	}
	// Klarna's current guide: one category, klarna, named in the session's language (this cart's sv-SE).
	if !slices.Equal(ids, []string{"klarna"}) || s.PaymentMethodCategories[0].Name != "Betala med Klarna" ||
		!strings.HasSuffix(s.PaymentMethodCategories[0].AssetURLs.Standard, "/payment-method/assets/badges/generic/klarna.svg") {
		t.Errorf("categories = %v", s.PaymentMethodCategories)
	}

	d, err := e.client.ReadSession(ctx, s.SessionID)
	if err != nil {
		t.Fatalf("ReadSession: %v", err)
	}
	if d.Status != klarna.SessionIncomplete || d.ClientToken != s.ClientToken || d.OrderAmount != 13900 ||
		d.OrderTaxAmount != 787 || !d.ExpiresAt.Equal(e.clock.Now().Add(48*time.Hour)) || d.AuthorizationToken != "" ||
		d.MerchantReference1 != "ref-1" || d.Customer != nil {
		t.Errorf("read session = %+v", d)
	}

	upd := sessionRequest(klarna.IntentBuy)
	upd.MerchantReference1 = "ref-2"
	upd.Cart = swedishCart(digitalLine(), klarna.NewLine("Extra", "extra", 2, 5000, 2500))
	if err := e.client.UpdateSession(ctx, s.SessionID, upd); err != nil {
		t.Fatalf("UpdateSession: %v", err)
	}
	bad := upd
	bad.OrderAmount++
	_, err = e.client.CreateSession(ctx, bad)
	wantError(t, err, 400, klarna.CodeBadValue, "Bad value: order_amount")
	wantError(t, e.client.UpdateSession(ctx, s.SessionID, bad), 400, klarna.CodeBadValue, "Bad value: order_amount")

	res := e.authorize(t, s.SessionID, "customer@email.se", "123456", "klarna")
	d, err = e.client.ReadSession(ctx, s.SessionID)
	if err != nil {
		t.Fatalf("ReadSession: %v", err)
	}
	if d.MerchantReference1 != "ref-2" || len(d.OrderLines) != 2 || d.OrderAmount != 23900 ||
		d.AuthorizationToken != res.AuthorizationToken || d.BillingAddress == nil ||
		d.BillingAddress.GivenName != "Alice" || d.Customer == nil || d.Customer.DateOfBirth != "1941-03-21" {
		t.Errorf("read authorized session = %+v (billing %+v)", d, d.BillingAddress)
	}

	o, err := e.client.CreateOrder(ctx, res.AuthorizationToken, klarna.OrderRequest{Cart: upd.Cart})
	if err != nil {
		t.Fatalf("CreateOrder: %v", err)
	}
	if o.OrderID == "" || o.FraudStatus != "ACCEPTED" || o.AuthorizedPaymentMethod.Type != "invoice" ||
		o.RedirectURL != e.srv.URL+"/kp/redirect/"+o.OrderID {
		t.Errorf("order = %+v", o)
	}
	if d, _ := e.client.ReadSession(ctx, s.SessionID); d.Status != klarna.SessionComplete {
		t.Errorf("session status after order = %q, want complete", d.Status)
	}
	// A second create-order: the same body gets the same order (the sandbox's choice), another body
	// Klarna's documented 409.
	again, err := e.client.CreateOrder(ctx, res.AuthorizationToken, klarna.OrderRequest{Cart: upd.Cart})
	if err != nil || again != o {
		t.Errorf("same order again = %+v, %v; want %+v", again, err, o)
	}
	_, err = e.client.CreateOrder(ctx, res.AuthorizationToken, klarna.OrderRequest{Cart: upd.Cart, MerchantReference1: "other"})
	wantError(t, err, 409, klarna.CodeBadValue, "The order has been already completed with different request body")
	wantError(t, e.client.UpdateSession(ctx, s.SessionID, upd), 404, klarna.CodeSessionCompleted)

	// The device-recognition redirect leads to the confirmation URL with the placeholders filled.
	noFollow := *e.srv.Client()
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.Get(o.RedirectURL)
	if err != nil {
		t.Fatalf("GET redirect_url: %v", err)
	}
	resp.Body.Close()
	if want := "https://shop.example/confirm?sid=" + s.SessionID + "&oid=" + o.OrderID; resp.StatusCode != 303 || resp.Header.Get("Location") != want {
		t.Errorf("redirect = %d %q, want 303 %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
}

func TestAuthorizeOutcomes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.createSession(t, sessionRequest(klarna.IntentBuy))
	tests := []struct {
		email, otp             string
		approved, showForm     bool
		invalidFields, wantTok bool
	}{
		{"customer@email.se", "123456", true, true, false, true},
		{"customer+new_user@email.se", "", true, true, false, true},
		{"jane.doe@example.se", "000000", true, true, false, true},
		{"customer+denied@email.se", "123456", false, false, false, false},
		{"customer+denied+auth_id_scan@email.se", "123456", false, false, false, false},
		{"not-an-email", "123456", false, true, true, false},
		{"customer@email.se", "999999", false, true, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.email+"/"+tt.otp, func(t *testing.T) {
			res := e.authorize(t, s.SessionID, tt.email, tt.otp, "")
			if res.Approved != tt.approved || res.ShowForm != tt.showForm || (res.Error != nil) != tt.invalidFields ||
				(res.AuthorizationToken != "") != tt.wantTok {
				t.Errorf("authorize = %+v", res)
			}
			if tt.invalidFields && !slices.Equal(res.Error.InvalidFields, []string{"billing_address.email"}) {
				t.Errorf("invalid_fields = %v", res.Error.InvalidFields)
			}
		})
	}
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	calls := map[string]func(c *klarna.Client) error{
		"create session": func(c *klarna.Client) error {
			_, err := c.CreateSession(ctx, sessionRequest(klarna.IntentBuy))
			return err
		},
		"read session":   func(c *klarna.Client) error { _, err := c.ReadSession(ctx, "x"); return err },
		"update session": func(c *klarna.Client) error { return c.UpdateSession(ctx, "x", sessionRequest("")) },
		"create order": func(c *klarna.Client) error {
			_, err := c.CreateOrder(ctx, "x", klarna.OrderRequest{})
			return err
		},
		"create token": func(c *klarna.Client) error {
			_, err := c.CreateCustomerToken(ctx, "x", klarna.CustomerTokenRequest{})
			return err
		},
		"cancel authorization": func(c *klarna.Client) error { return c.CancelAuthorization(ctx, "x") },
		"read token":           func(c *klarna.Client) error { _, err := c.ReadCustomerToken(ctx, "x"); return err },
		"token order": func(c *klarna.Client) error {
			_, err := c.CreateTokenOrder(ctx, "x", "k", klarna.TokenOrderRequest{})
			return err
		},
		"cancel token": func(c *klarna.Client) error { return c.CancelCustomerToken(ctx, "x") },
		"create HPP": func(c *klarna.Client) error {
			_, err := c.CreateHPPSession(ctx, klarna.HPPSessionRequest{})
			return err
		},
		"read HPP":    func(c *klarna.Client) error { _, err := c.ReadHPPSession(ctx, "x"); return err },
		"disable HPP": func(c *klarna.Client) error { return c.DisableHPPSession(ctx, "x") },
	}
	clients := map[string]*klarna.Client{
		"wrong password": e.newClient(sandbox.KlarnaUsername, "nope"),
		"wrong username": e.newClient("someone", sandbox.KlarnaPassword),
		"no credentials": e.newClient("", ""),
	}
	for cname, c := range clients {
		for name, call := range calls {
			t.Run(cname+"/"+name, func(t *testing.T) {
				wantError(t, call(c), 401, "UNAUTHORIZED")
			})
		}
	}
}

func TestBadValues(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name string
		edit func(r *klarna.SessionRequest)
		want string
	}{
		{"tax off by two", func(r *klarna.SessionRequest) { r.OrderLines[0].TotalTaxAmount += 2; r.OrderTaxAmount += 2 },
			"Bad value: order_lines[0].total_tax_amount"},
		{"tax within one", func(r *klarna.SessionRequest) { r.OrderLines[0].TotalTaxAmount++; r.OrderTaxAmount++ }, ""},
		{"line total", func(r *klarna.SessionRequest) { r.OrderLines[0].TotalAmount++ }, "Bad value: order_lines[0].total_amount"},
		{"line name", func(r *klarna.SessionRequest) { r.OrderLines[0].Name = "" }, "Bad value: order_lines[0].name"},
		{"tax rate", func(r *klarna.SessionRequest) { r.OrderLines[0].TaxRate = 10001 }, "Bad value: order_lines[0].tax_rate"},
		{"subscription interval", func(r *klarna.SessionRequest) { r.OrderLines[0].Subscription.Interval = "FORTNIGHT" },
			"Bad value: order_lines[0].subscription"},
		{"order amount", func(r *klarna.SessionRequest) { r.OrderAmount-- }, "Bad value: order_amount"},
		{"order tax amount", func(r *klarna.SessionRequest) { r.OrderTaxAmount = 0 }, "Bad value: order_tax_amount"},
		{"no lines", func(r *klarna.SessionRequest) { r.Cart = klarna.NewCart("SE", "SEK", "sv-SE") }, "Bad value: order_lines"},
		{"country", func(r *klarna.SessionRequest) { r.PurchaseCountry = "SWE" }, "Bad value: purchase_country"},
		{"missing country", func(r *klarna.SessionRequest) { r.PurchaseCountry = "" }, "Bad value: purchase_country"},
		{"currency", func(r *klarna.SessionRequest) { r.PurchaseCurrency = "KR" }, "Bad value: purchase_currency"},
		{"locale", func(r *klarna.SessionRequest) { r.Locale = "swedish" }, "Bad value: locale"},
		{"intent", func(r *klarna.SessionRequest) { r.Intent = "buy_and_link" }, "Bad value: intent"},
		{"merchant URL", func(r *klarna.SessionRequest) { r.MerchantURLs.Confirmation = "/relative" }, "Bad value: merchant_urls.confirmation"},
		// Klarna calls the authorization callback over HTTPS only; the sandbox allows http on loopback.
		{"http callback", func(r *klarna.SessionRequest) { r.MerchantURLs.Authorization = "http://shop.example/auth" },
			"Bad value: merchant_urls.authorization"},
		{"https callback", func(r *klarna.SessionRequest) { r.MerchantURLs.Authorization = "https://shop.example/auth" }, ""},
		{"loopback http callback", func(r *klarna.SessionRequest) { r.MerchantURLs.Authorization = "http://127.0.0.1:8080/auth" }, ""},
		{"http confirmation", func(r *klarna.SessionRequest) { r.MerchantURLs.Confirmation = "http://shop.example/c" }, ""},
		{"step-up id without token", func(r *klarna.SessionRequest) { r.StepUpID = "x" }, "Bad value: customer.customer_token"},
		{"token without step-up id", func(r *klarna.SessionRequest) { r.Customer = &klarna.SessionCustomer{CustomerToken: "x"} },
			"Bad value: step_up_id"},
		{"unknown step-up id", func(r *klarna.SessionRequest) {
			r.StepUpID, r.Customer = "x", &klarna.SessionCustomer{CustomerToken: "y"}
		}, "Bad value: step_up_id"},
		{"discount line", func(r *klarna.SessionRequest) {
			r.Cart = swedishCart(digitalLine(), klarna.NewLine("Welcome discount", "disc", 1, -4000, 600))
		}, ""},
		{"discounted line", func(r *klarna.SessionRequest) { r.Cart = swedishCart(digitalLine().WithDiscount(3900)) }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := sessionRequest(klarna.IntentBuyAndTokenize)
			req.Cart.OrderLines = slices.Clone(req.OrderLines)
			sub := *req.OrderLines[0].Subscription
			req.OrderLines[0].Subscription = &sub
			tt.edit(&req)
			_, err := e.client.CreateSession(t.Context(), req)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("CreateSession: %v", err)
				}
				return
			}
			wantError(t, err, 400, klarna.CodeBadValue, tt.want)
		})
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	_, err := e.client.ReadSession(ctx, "no-such-session")
	wantError(t, err, 404, klarna.CodeNotFound, "Invalid session id")
	_, err = e.client.CreateOrder(ctx, "no-such-token", klarna.OrderRequest{Cart: swedishCart(digitalLine())})
	wantError(t, err, 404, klarna.CodeNotFound, "Invalid authorization token")
	_, err = e.client.CreateCustomerToken(ctx, "no-such-token", tokenRequest())
	wantError(t, err, 404, klarna.CodeNotFound, "Invalid authorization token")
	_, err = e.client.ReadCustomerToken(ctx, "no-such-token")
	wantError(t, err, 404, klarna.CodeNotFound, "Invalid customer-token ID")
	_, err = e.client.ReadHPPSession(ctx, "no-such-session")
	wantError(t, err, 404, klarna.CodeNotFound)
	wantError(t, e.client.CancelAuthorization(ctx, "no-such-token"), 404, klarna.CodeNotFound)
	wantError(t, e.client.CancelCustomerToken(ctx, "no-such-token"), 404, klarna.CodeNotFound)
}

// TestUnknownRoutes checks that Klarna paths answer unknown routes and methods in Klarna's shape.
func TestUnknownRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tt := range []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/payments/v1/nothing", 404, "NOT_FOUND"},
		{"GET", "/hpp/v1/nothing", 404, "NOT_FOUND"},
		{"PUT", "/payments/v1/sessions/x", 405, "METHOD_NOT_ALLOWED"},
		{"GET", "/customer-token/v1/tokens/x/order", 405, "METHOD_NOT_ALLOWED"},
	} {
		req, _ := http.NewRequestWithContext(t.Context(), tt.method, e.srv.URL+tt.path, nil)
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			ErrorCode     string   `json:"error_code"`
			ErrorMessages []string `json:"error_messages"`
			CorrelationID string   `json:"correlation_id"`
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != tt.status || body.ErrorCode != tt.code || body.CorrelationID == "" ||
			resp.Header.Get("Klarna-Correlation-Id") == "" {
			t.Errorf("%s %s = %d %+v (%v), want %d %s with a correlation id", tt.method, tt.path, resp.StatusCode, body, err, tt.status, tt.code)
		}
	}
}

func TestExpiry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	s, tok := e.approved(t, klarna.IntentBuy, "")
	e.clock.Advance(61 * time.Minute)
	_, err := e.client.CreateOrder(ctx, tok, klarna.OrderRequest{Cart: swedishCart(digitalLine())})
	wantError(t, err, 404, klarna.CodeNotFound, "Invalid authorization token")
	if _, err := e.client.ReadSession(ctx, s.SessionID); err != nil {
		t.Fatalf("session read after 61 min: %v", err)
	}
	e.clock.Advance(47 * time.Hour)
	_, err = e.client.ReadSession(ctx, s.SessionID)
	wantError(t, err, 404, klarna.CodeNotFound, "Invalid session id")
}

func TestOrderMustMatchSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name string
		cart klarna.Cart
		want string
	}{
		{"line count", swedishCart(digitalLine(), klarna.NewLine("Extra", "x", 1, 1000, 600)),
			"Incorrect number of items in the cart. Expected: 1, Actual: 2"},
		{"amount", swedishCart(klarna.NewLine("Digital", "digital", 2, 13900, 600)),
			"Not matching fields: [order_amount, order_tax_amount, order_lines[0].quantity, order_lines[0].total_amount]"},
		{"currency", klarna.NewCart("SE", "EUR", "sv-SE", digitalLine()), "Not matching fields: [purchase_currency]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, tok := e.approved(t, klarna.IntentBuy, "")
			_, err := e.client.CreateOrder(t.Context(), tok, klarna.OrderRequest{Cart: tt.cart})
			wantError(t, err, 409, klarna.CodeBadValue, tt.want)
			if _, err := e.client.CreateOrder(t.Context(), tok, klarna.OrderRequest{Cart: swedishCart(digitalLine())}); err != nil {
				t.Errorf("a mismatch must not consume the authorization: %v", err)
			}
		})
	}
}

func TestCancelAuthorization(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	_, tok := e.approved(t, klarna.IntentBuy, "")
	if err := e.client.CancelAuthorization(ctx, tok); err != nil {
		t.Fatalf("CancelAuthorization: %v", err)
	}
	_, err := e.client.CreateOrder(ctx, tok, klarna.OrderRequest{Cart: swedishCart(digitalLine())})
	wantError(t, err, 404, klarna.CodeNotFound)
}

func tokenRequest() klarna.CustomerTokenRequest {
	return klarna.CustomerTokenRequest{Description: "Digital subscription", IntendedUse: "SUBSCRIPTION", Locale: "sv-SE",
		PurchaseCountry: "SE", PurchaseCurrency: "SEK"}
}

func TestCustomerTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	_, tok := e.approved(t, klarna.IntentBuyAndTokenize, "direct_debit")
	if _, err := e.client.CreateOrder(ctx, tok, klarna.OrderRequest{Cart: swedishCart(digitalLine())}); err != nil {
		t.Fatalf("CreateOrder: %v", err)
	}
	bad := tokenRequest()
	bad.IntendedUse = "ONE_OFF"
	_, err := e.client.CreateCustomerToken(ctx, tok, bad)
	wantError(t, err, 400, klarna.CodeBadValue, "Bad value: intended_use")
	ct, err := e.client.CreateCustomerToken(ctx, tok, tokenRequest())
	if err != nil {
		t.Fatalf("CreateCustomerToken: %v", err)
	}
	if ct.TokenID == "" || ct.BillingAddress == nil || ct.BillingAddress.FamilyName != "Test" || ct.Customer == nil ||
		ct.Customer.DateOfBirth != "1941-03-21" {
		t.Errorf("customer token = %+v", ct)
	}
	_, err = e.client.CreateCustomerToken(ctx, tok, tokenRequest())
	wantError(t, err, 403, klarna.CodeInvalidOperation)

	td, err := e.client.ReadCustomerToken(ctx, ct.TokenID)
	if err != nil {
		t.Fatalf("ReadCustomerToken: %v", err)
	}
	if td.Status != klarna.TokenActive || td.PaymentMethodType != "DIRECT_DEBIT" || td.MaskedNumber() == "" {
		t.Errorf("token = %+v", td)
	}
	o, err := e.client.CreateTokenOrder(ctx, ct.TokenID, "key-1", tokenOrder(klarna.StepUpSupported))
	if err != nil || o.AuthorizedPaymentMethod.Type != "direct_debit" {
		t.Fatalf("CreateTokenOrder = %+v, %v", o, err)
	}
	if err := e.client.CancelCustomerToken(ctx, ct.TokenID); err != nil {
		t.Fatalf("CancelCustomerToken: %v", err)
	}
	if td, _ := e.client.ReadCustomerToken(ctx, ct.TokenID); td.Status != klarna.TokenCancelled {
		t.Errorf("status after cancel = %q", td.Status)
	}
	_, err = e.client.CreateTokenOrder(ctx, ct.TokenID, "key-2", tokenOrder(klarna.StepUpSupported))
	wantError(t, err, 403, klarna.CodeTokenCancelled)

	_, buyTok := e.approved(t, klarna.IntentBuy, "")
	_, err = e.client.CreateCustomerToken(ctx, buyTok, tokenRequest())
	wantError(t, err, 403, klarna.CodeInvalidOperation, "Not allowed to create customer token for intent buy.")
}

func tokenOrder(stepUp string) klarna.TokenOrderRequest {
	req := klarna.NewTokenOrder(swedishCart(digitalLine()))
	req.MerchantReference1, req.StepUp = "order-1", stepUp
	return req
}

// personaToken returns the seeded customer token of a sandbox persona.
func personaToken(t *testing.T, email string) string {
	t.Helper()
	for _, p := range sandbox.Personas() {
		if p.Email == email && p.KlarnaToken != nil {
			return p.KlarnaToken.TokenID
		}
	}
	t.Fatalf("no persona %s with a Klarna token", email)
	return ""
}

func TestTokenOrders(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		persona, stepUp   string
		status            int
		code              string
		wantStepUp, fraud bool
	}{
		{persona: "token@example.se", stepUp: klarna.StepUpSupported, status: 200},
		{persona: "stepup@example.se", stepUp: klarna.StepUpSupported, status: 403, code: klarna.CodeUnavailablePaymentMethod, wantStepUp: true, fraud: true},
		{persona: "stepup@example.se", stepUp: "", status: 403, code: klarna.CodeUnavailablePaymentMethod, fraud: true},
		{persona: "stepup@example.se", stepUp: klarna.StepUpNotSupported, status: 403, code: klarna.CodeUnavailablePaymentMethod, fraud: true},
		{persona: "token-failed@example.se", stepUp: klarna.StepUpSupported, status: 403, code: klarna.CodePaymentMethodFailed},
		{persona: "token-cancelled@example.se", stepUp: klarna.StepUpSupported, status: 403, code: klarna.CodeTokenCancelled},
		{persona: "token-suspended@example.se", stepUp: klarna.StepUpSupported, status: 403, code: klarna.CodeTokenSuspended},
		{persona: "token-missing@example.se", stepUp: klarna.StepUpSupported, status: 404, code: klarna.CodeTokenNotFound},
	}
	for i, tt := range tests {
		t.Run(tt.persona+"/"+tt.stepUp, func(t *testing.T) {
			o, err := e.client.CreateTokenOrder(t.Context(), personaToken(t, tt.persona), "key-"+string(rune('a'+i)), tokenOrder(tt.stepUp))
			if tt.status == 200 {
				if err != nil || o.OrderID == "" || o.FraudStatus != "ACCEPTED" || o.AuthorizedPaymentMethod.Type != "card" {
					t.Fatalf("CreateTokenOrder = %+v, %v", o, err)
				}
				return
			}
			ke := wantError(t, err, tt.status, tt.code)
			if (ke.StepUpID != "") != tt.wantStepUp || (klarna.StepUpID(err) != "") != tt.wantStepUp {
				t.Errorf("step_up_id = %q, want one: %v", ke.StepUpID, tt.wantStepUp)
			}
			if tt.fraud && (ke.FraudStatus != "REJECTED" || ke.Reason == "" || ke.AuthorizedPaymentMethod != "card") {
				t.Errorf("rejection details = %+v", ke)
			}
		})
	}
	t.Run("bad request", func(t *testing.T) {
		req := tokenOrder(klarna.StepUpSupported)
		req.OrderLines = []klarna.OrderLine{klarna.NewLine("Free", "free", 1, 0, 600)}
		req.OrderAmount, req.OrderTaxAmount = 0, 0
		_, err := e.client.CreateTokenOrder(t.Context(), personaToken(t, "token@example.se"), "key-free", req)
		wantError(t, err, 400, klarna.CodeBadValue, "Bad value: order_amount")
		_, err = e.client.CreateTokenOrder(t.Context(), personaToken(t, "token@example.se"), "key-su", tokenOrder("MAYBE"))
		wantError(t, err, 400, klarna.CodeBadValue, "Bad value: step_up")
	})
}

func TestIdempotentTokenOrders(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	token := personaToken(t, "token@example.se")
	first, err := e.client.CreateTokenOrder(ctx, token, "idem-1", tokenOrder(klarna.StepUpSupported))
	if err != nil {
		t.Fatalf("CreateTokenOrder: %v", err)
	}
	again, err := e.client.CreateTokenOrder(ctx, token, "idem-1", tokenOrder(klarna.StepUpSupported))
	if err != nil || again != first {
		t.Errorf("replay = %+v, %v; want the first answer %+v", again, err, first)
	}
	other, err := e.client.CreateTokenOrder(ctx, token, "idem-2", tokenOrder(klarna.StepUpSupported))
	if err != nil || other.OrderID == first.OrderID {
		t.Errorf("another key = %+v, %v; want a new order", other, err)
	}
	changed := tokenOrder(klarna.StepUpSupported)
	changed.MerchantReference1 = "order-2"
	_, err = e.client.CreateTokenOrder(ctx, token, "idem-1", changed)
	wantError(t, err, 409, klarna.CodeBadValue)
	noKey1, err1 := e.client.CreateTokenOrder(ctx, token, "", tokenOrder(klarna.StepUpSupported))
	noKey2, err2 := e.client.CreateTokenOrder(ctx, token, "", tokenOrder(klarna.StepUpSupported))
	if err1 != nil || err2 != nil || noKey1.OrderID == noKey2.OrderID {
		t.Errorf("without a key every call is a new order: %v %v %v %v", noKey1, err1, noKey2, err2)
	}

	// Rejections replay too, step-up trigger and correlation id included.
	stepUp := personaToken(t, "stepup@example.se")
	_, errA := e.client.CreateTokenOrder(ctx, stepUp, "idem-3", tokenOrder(klarna.StepUpSupported))
	_, errB := e.client.CreateTokenOrder(ctx, stepUp, "idem-3", tokenOrder(klarna.StepUpSupported))
	a, b := wantError(t, errA, 403, klarna.CodeUnavailablePaymentMethod), wantError(t, errB, 403, klarna.CodeUnavailablePaymentMethod)
	if a.StepUpID == "" || a.StepUpID != b.StepUpID || a.CorrelationID != b.CorrelationID {
		t.Errorf("replayed rejection %+v differs from %+v", b, a)
	}

	// After 24 hours the key is forgotten: a new order.
	e.clock.Advance(24 * time.Hour)
	later, err := e.client.CreateTokenOrder(ctx, token, "idem-1", changed)
	if err != nil || later.OrderID == first.OrderID {
		t.Errorf("after 24 h = %+v, %v; want a new order", later, err)
	}
}

func TestStepUpRecovery(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	token := personaToken(t, "stepup@example.se")
	_, err := e.client.CreateTokenOrder(ctx, token, "charge-1", tokenOrder(klarna.StepUpSupported))
	stepUpID := klarna.StepUpID(err)
	if stepUpID == "" {
		t.Fatalf("token order: %v, want a step-up trigger", err)
	}

	req := sessionRequest(klarna.IntentBuyAndTokenize)
	req.Customer = &klarna.SessionCustomer{CustomerToken: personaToken(t, "token@example.se")}
	req.StepUpID = stepUpID
	_, err = e.client.CreateSession(ctx, req)
	wantError(t, err, 400, klarna.CodeBadValue, "Bad value: step_up_id") // the trigger belongs to another token

	req.Customer.CustomerToken = token
	s, err := e.categories.CreateSession(ctx, req) // the separate categories: step up to direct debit
	if err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	d, err := e.client.ReadSession(ctx, s.SessionID)
	if err != nil || d.StepUpID != stepUpID || d.Customer == nil || d.Customer.CustomerToken != token {
		t.Fatalf("step-up session = %+v, %v", d, err)
	}
	res := e.authorize(t, s.SessionID, "customer@email.se", "123456", "direct_debit")
	before, _ := e.client.ReadCustomerToken(ctx, token)
	if _, err := e.client.CreateOrder(ctx, res.AuthorizationToken, klarna.OrderRequest{Cart: req.Cart}); err != nil {
		t.Fatalf("CreateOrder: %v", err)
	}
	after, err := e.client.ReadCustomerToken(ctx, token)
	if err != nil || after.PaymentMethodType != "DIRECT_DEBIT" || after.MaskedNumber() == "" ||
		after.MaskedNumber() == before.MaskedNumber() || after.Status != klarna.TokenActive {
		t.Errorf("token after step-up = %+v (before %+v), %v", after, before, err)
	}
	o, err := e.client.CreateTokenOrder(ctx, token, "charge-2", tokenOrder(klarna.StepUpSupported))
	if err != nil || o.AuthorizedPaymentMethod.Type != "direct_debit" {
		t.Errorf("token order after step-up = %+v, %v", o, err)
	}
}

// callbackSink receives HPP status callbacks.
type callbackSink struct {
	srv *httptest.Server
	ch  chan klarna.HPPStatusCallback
}

func newCallbackSink(t *testing.T) *callbackSink {
	t.Helper()
	c := &callbackSink{ch: make(chan klarna.HPPStatusCallback, 32)}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(r.Body)
		cb, err := klarna.DecodeHPPStatusCallback(buf.Bytes())
		if err != nil || r.URL.Query().Get("secret") != "s3cret" {
			t.Errorf("callback %s: %v", buf.String(), err)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		c.ch <- cb
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

// next waits for the next callback (the sandbox delivers them from its own goroutines).
func (c *callbackSink) next(t *testing.T) klarna.HPPStatusCallback {
	t.Helper()
	select {
	case cb := <-c.ch:
		return cb
	case <-time.After(testenv.Scale(10 * time.Second)):
		t.Fatal("no status callback in time")
		return klarna.HPPStatusCallback{}
	}
}

// hppPage drives the hosted payment page like a browser: open it, then post a choice; it returns where
// the page sends the customer.
func (e *env) hppPage(t *testing.T, redirectURL string, form url.Values) string {
	t.Helper()
	hc := *e.srv.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Get(redirectURL)
	if err != nil {
		t.Fatalf("open HPP: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("open HPP: status %d", resp.StatusCode)
	}
	resp, err = hc.PostForm(redirectURL, form)
	if err != nil {
		t.Fatalf("submit HPP: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit HPP: status %d, want 303", resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

func hppURLs(sink *callbackSink) *klarna.HPPMerchantURLs {
	return &klarna.HPPMerchantURLs{
		Success:      "https://shop.example/ok?sid={{session_id}}&token={{authorization_token}}&order={{order_id}}",
		Cancel:       "https://shop.example/cancel?sid={{session_id}}",
		Back:         "https://shop.example/back",
		Failure:      "https://shop.example/failure",
		StatusUpdate: sink.srv.URL + "/cb?sid={{session_id}}&secret=s3cret",
	}
}

func TestHPPPlaceOrderModes(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{klarna.PlaceOrderNone, klarna.PlaceOrderPlace, klarna.PlaceOrderCapture} {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t)
			ctx := t.Context()
			sink := newCallbackSink(t)
			s := e.createSession(t, sessionRequest(klarna.IntentBuy))
			h, err := e.client.CreateHPPSession(ctx, klarna.HPPSessionRequest{PaymentSessionURL: e.client.PaymentSessionURL(s.SessionID),
				MerchantURLs: hppURLs(sink), Options: &klarna.HPPOptions{PlaceOrderMode: mode, PaymentMethodCategory: "KLARNA"}})
			if err != nil {
				t.Fatalf("CreateHPPSession: %v", err)
			}
			if h.RedirectURL != e.srv.URL+"/hpp/pay/"+h.SessionID || h.SessionURL != e.srv.URL+"/hpp/v1/sessions/"+h.SessionID ||
				!h.ExpiresAt.Equal(e.clock.Now().Add(47*time.Hour)) || h.DistributionURL == "" || h.QRCodeURL == "" {
				t.Errorf("HPP session = %+v", h)
			}
			st, err := e.client.ReadHPPSession(ctx, h.SessionID)
			if err != nil || st.Status != klarna.HPPWaiting || st.Final() {
				t.Fatalf("read = %+v, %v; want WAITING", st, err)
			}

			target := e.hppPage(t, h.RedirectURL, url.Values{"action": {"pay"}, "email": {"customer@email.se"}, "otp": {"123456"}})
			st, err = e.client.ReadHPPSession(ctx, h.SessionID)
			if err != nil || st.Status != klarna.HPPCompleted || !st.Final() || st.Customer == nil || st.Customer.GivenName != "Alice" {
				t.Fatalf("read after paying = %+v, %v", st, err)
			}
			switch mode {
			case klarna.PlaceOrderNone:
				if st.AuthorizationToken == "" || st.OrderID != "" {
					t.Fatalf("NONE: %+v, want an authorization token and no order", st)
				}
				if want := "https://shop.example/ok?sid=" + h.SessionID + "&token=" + st.AuthorizationToken + "&order="; target != want {
					t.Errorf("success redirect = %q, want %q", target, want)
				}
				if _, err := e.client.CreateOrder(ctx, st.AuthorizationToken, klarna.OrderRequest{Cart: swedishCart(digitalLine())}); err != nil {
					t.Errorf("order from the HPP authorization: %v", err)
				}
			default:
				if st.AuthorizationToken != "" || st.OrderID == "" {
					t.Fatalf("%s: %+v, want an order and no authorization token", mode, st)
				}
				if want := "https://shop.example/ok?sid=" + h.SessionID + "&token=&order=" + st.OrderID; target != want {
					t.Errorf("success redirect = %q, want %q", target, want)
				}
				if d, _ := e.client.ReadSession(ctx, s.SessionID); d.Status != klarna.SessionComplete {
					t.Errorf("payment session after %s = %q, want complete", mode, d.Status)
				}
			}

			// Callbacks: one per status change, each with its own event id and the session as read.
			seen := map[string]klarna.HPPStatusCallback{}
			for range 2 {
				cb := sink.next(t)
				if _, dup := seen[cb.EventID]; dup {
					t.Errorf("event %s delivered twice", cb.EventID)
				}
				seen[cb.Session.Status] = cb
				seen[cb.EventID] = cb
			}
			if seen["IN_PROGRESS"].Session.SessionID != h.SessionID || seen["COMPLETED"].Session.OrderID != st.OrderID ||
				seen["COMPLETED"].Session.AuthorizationToken != st.AuthorizationToken {
				t.Errorf("callbacks = %+v", seen)
			}
			err = e.client.DisableHPPSession(ctx, h.SessionID)
			wantError(t, err, 400, klarna.CodeBadValue)
		})
	}
}

func TestHPPCustomerChoices(t *testing.T) {
	t.Parallel()
	tests := []struct {
		action, want, status string
	}{
		{"decline", "https://shop.example/failure", klarna.HPPFailed},
		{"cancel", "https://shop.example/cancel?sid=", klarna.HPPCancelled},
		{"back", "https://shop.example/back", klarna.HPPBack},
		{"error", "https://shop.example/failure", klarna.HPPError},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			e := newEnv(t)
			ctx := t.Context()
			sink := newCallbackSink(t)
			s := e.createSession(t, sessionRequest(klarna.IntentBuy))
			h, err := e.client.CreateHPPSession(ctx, klarna.HPPSessionRequest{PaymentSessionURL: e.client.PaymentSessionURL(s.SessionID),
				MerchantURLs: hppURLs(sink)})
			if err != nil {
				t.Fatalf("CreateHPPSession: %v", err)
			}
			target := e.hppPage(t, h.RedirectURL, url.Values{"action": {tt.action}})
			want := tt.want
			if tt.action == "cancel" {
				want += h.SessionID
			}
			if target != want {
				t.Errorf("redirect = %q, want %q", target, want)
			}
			st, err := e.client.ReadHPPSession(ctx, h.SessionID)
			if err != nil || st.Status != tt.status || st.AuthorizationToken != "" {
				t.Errorf("read = %+v, %v; want %s", st, err, tt.status)
			}
			// Two callbacks, IN_PROGRESS (page opened) and the outcome. Callbacks are independent HTTP
			// requests: like Klarna's, the sandbox's may arrive in either order.
			got := map[string]bool{sink.next(t).Session.Status: true, sink.next(t).Session.Status: true}
			if !got[klarna.HPPInProgress] || !got[tt.status] {
				t.Errorf("callbacks %v, want IN_PROGRESS and %s", got, tt.status)
			}
			if tt.status == klarna.HPPCancelled {
				if err := e.client.DisableHPPSession(ctx, h.SessionID); err != nil {
					t.Errorf("disable a cancelled session: %v", err)
				}
				return
			}
			// Not final: the customer may come back and pay.
			e.hppPage(t, h.RedirectURL, url.Values{"action": {"pay"}, "email": {"customer@email.se"}, "otp": {"123456"}})
			if st, _ := e.client.ReadHPPSession(ctx, h.SessionID); st.Status != klarna.HPPCompleted {
				t.Errorf("retry after %s: %s, want COMPLETED", tt.status, st.Status)
			}
		})
	}
}

func TestHPPDisableAndErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	sink := newCallbackSink(t)
	s := e.createSession(t, sessionRequest(klarna.IntentBuy))
	good := klarna.HPPSessionRequest{PaymentSessionURL: e.client.PaymentSessionURL(s.SessionID), MerchantURLs: hppURLs(sink)}
	bad := []struct {
		name string
		edit func(r *klarna.HPPSessionRequest)
		code string
		want string
	}{
		{"not a session URL", func(r *klarna.HPPSessionRequest) { r.PaymentSessionURL = e.srv.URL + "/payments/v1/orders/x" },
			klarna.CodeBadValue, "Bad value: payment_session_url"},
		{"unknown session", func(r *klarna.HPPSessionRequest) { r.PaymentSessionURL = e.client.PaymentSessionURL("nope") },
			klarna.CodeNotFound, "Payment session has expired"},
		{"place order mode", func(r *klarna.HPPSessionRequest) { r.Options = &klarna.HPPOptions{PlaceOrderMode: "LATER"} },
			klarna.CodeBadValue, "Bad value: options.place_order_mode"},
		{"both category fields", func(r *klarna.HPPSessionRequest) {
			r.Options = &klarna.HPPOptions{PaymentMethodCategory: "PAY_LATER", PaymentMethodCategories: []string{"PAY_NOW"}}
		}, klarna.CodeBadValue, "Bad value: options.payment_method_categories"},
		{"category not offered", func(r *klarna.HPPSessionRequest) {
			r.Options = &klarna.HPPOptions{PaymentMethodCategory: "PAY_OVER_TIME"}
		},
			klarna.CodeBadValue, "Bad value: options.payment_method_categories"},
		{"relative URL", func(r *klarna.HPPSessionRequest) {
			u := *r.MerchantURLs
			u.Success = "/ok"
			r.MerchantURLs = &u
		}, klarna.CodeBadValue, "Bad value: merchant_urls.success"},
		{"http status callback", func(r *klarna.HPPSessionRequest) {
			u := *r.MerchantURLs
			u.StatusUpdate = "http://shop.example/cb?secret=s"
			r.MerchantURLs = &u
		}, klarna.CodeBadValue, "Bad value: merchant_urls.status_update"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			req := good
			tt.edit(&req)
			_, err := e.client.CreateHPPSession(ctx, req)
			status := 400
			if tt.code == klarna.CodeNotFound {
				status = 404
			}
			wantError(t, err, status, tt.code, tt.want)
		})
	}

	h, err := e.client.CreateHPPSession(ctx, good)
	if err != nil {
		t.Fatalf("CreateHPPSession: %v", err)
	}
	if err := e.client.DisableHPPSession(ctx, h.SessionID); err != nil {
		t.Fatalf("DisableHPPSession: %v", err)
	}
	if st, _ := e.client.ReadHPPSession(ctx, h.SessionID); st.Status != klarna.HPPDisabled {
		t.Errorf("status after disable = %s", st.Status)
	}
	if cb := sink.next(t); cb.Session.Status != klarna.HPPDisabled {
		t.Errorf("callback %s, want DISABLED", cb.Session.Status)
	}
	if err := e.client.DisableHPPSession(ctx, h.SessionID); err != nil {
		t.Errorf("disabling twice: %v", err)
	}

	// The HPP session expires an hour before its payment session.
	h2, err := e.client.CreateHPPSession(ctx, good)
	if err != nil {
		t.Fatalf("CreateHPPSession: %v", err)
	}
	e.clock.Advance(47 * time.Hour)
	_, err = e.client.ReadHPPSession(ctx, h2.SessionID)
	wantError(t, err, 404, klarna.CodeNotFound)
	if _, err := e.client.ReadSession(ctx, s.SessionID); err != nil {
		t.Errorf("payment session must still live: %v", err)
	}
	_, err = e.client.CreateHPPSession(ctx, good)
	wantError(t, err, 404, klarna.CodeNotFound, "Payment session has expired")
}

// TestObserverMasksSecrets runs a token purchase and a step-up and checks that no credential or token
// reaches the observer.
func TestObserverMasksSecrets(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	s, tok := e.approved(t, klarna.IntentBuyAndTokenize, "")
	if _, err := e.client.CreateOrder(ctx, tok, klarna.OrderRequest{Cart: swedishCart(digitalLine())}); err != nil {
		t.Fatal(err)
	}
	ct, err := e.client.CreateCustomerToken(ctx, tok, tokenRequest())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.ReadCustomerToken(ctx, ct.TokenID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.CreateTokenOrder(ctx, ct.TokenID, "k", tokenOrder(klarna.StepUpSupported)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.ReadSession(ctx, s.SessionID); err != nil {
		t.Fatal(err)
	}
	_, _ = e.newClient(sandbox.KlarnaUsername, "wrong").ReadSession(ctx, s.SessionID)

	secrets := []string{sandbox.KlarnaPassword, s.ClientToken, tok, ct.TokenID}
	exs := e.obs.all()
	if len(exs) != 7 {
		t.Fatalf("observed %d exchanges, want 7", len(exs))
	}
	for i, ex := range exs {
		if ex.Service != "klarna" || ex.Status == 0 || ex.Duration <= 0 {
			t.Errorf("exchange %d = %+v", i, ex)
		}
		text := ex.Path + "\n" + ex.RequestBody + "\n" + ex.ResponseBody
		if ex.Err != nil {
			text += "\n" + ex.Err.Error()
		}
		for _, secret := range secrets {
			if strings.Contains(text, secret) {
				t.Errorf("exchange %d exposes %q:\n%s", i, secret, text)
			}
		}
	}
	if exs[0].Path != "/payments/v1/sessions" || !strings.Contains(exs[0].ResponseBody, `"client_token":"***"`) {
		t.Errorf("create session exchange = %+v", exs[0])
	}
	if exs[2].Path != "/payments/v1/authorizations/***/customer-token" || !strings.Contains(exs[2].ResponseBody, `"token_id":"***"`) {
		t.Errorf("customer token exchange = %+v", exs[2])
	}
	if exs[6].Status != 401 || exs[6].Err == nil {
		t.Errorf("failed call not observed as such: %+v", exs[6])
	}
}

// TestClientWithoutServer covers what needs no sandbox: missing configuration, empty ids and a context
// that ends.
func TestClientWithoutServer(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	if _, err := klarna.New(klarna.Config{}).ReadSession(ctx, "x"); err == nil || !strings.Contains(err.Error(), "BaseURL") {
		t.Errorf("no BaseURL: %v", err)
	}
	c := klarna.New(klarna.Config{BaseURL: "http://127.0.0.1:1"})
	if _, err := c.ReadCustomerToken(ctx, " "); err == nil {
		t.Error("empty token accepted")
	}
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // then the server notices the client leaving
		<-r.Context().Done()
	}))
	defer slow.Close()
	obs := &recorder{}
	c = klarna.New(klarna.Config{BaseURL: slow.URL, Observer: obs})
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err := c.CreateTokenOrder(short, "t", "k", tokenOrder(klarna.StepUpSupported))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timeout: %v, want context.DeadlineExceeded", err)
	}
	if exs := obs.all(); len(exs) != 1 || exs[0].Status != 0 || exs[0].Path != "/customer-token/v1/tokens/***/order" {
		t.Errorf("observed %+v, want one exchange without status and with the token masked", exs)
	}
}
