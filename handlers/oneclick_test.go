package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/paywall/paywall/checkout"
)

// One-click purchases with the saved Klarna token and the step-up recovery, over HTTP against the real
// sandbox: the account page, the purchase outcomes, the recovery through the SDK (authorized through the
// sandbox's control API, as Klarna's dialog would) and through the hosted payment page (driven through the
// sandbox's own HPP form), the return and callback rules, duplicates, ownership and CSRF.

const (
	offerArchive  = "epaper-archive" // 29 kr
	offerUpgrade  = "digital-plus"   // 49 kr
	approvedKP    = "customer@email.se"
	deniedKP      = "customer+denied@email.se"
	stepUpPersona = "stepup@example.se"
	tokenPersona  = "token@example.se"
)

var (
	recoveryLocation = regexp.MustCompile(`^/recovery/([^/?]+)$`)
	oneClickLocation = regexp.MustCompile(`^/account/purchases/([^/?]+)$`)
)

// buyOneClick logs a persona in and presses an offer's buy button on the account page.
func (c *client) buyOneClick(email, offer string) response {
	c.t.Helper()
	if res := c.login(email, demoPassword, "/"); res.Status != http.StatusSeeOther {
		c.t.Fatalf("login %s: %d", email, res.Status)
	}
	return c.post("/account/purchases", url.Values{"csrf": {c.csrf("/account")}, "offer": {offer}})
}

// startRecovery buys as the step-up persona, follows the 303 to the recovery page and returns its id.
func (c *client) startRecovery() string {
	c.t.Helper()
	res := c.buyOneClick(stepUpPersona, offerArchive)
	m := recoveryLocation.FindStringSubmatch(res.Header.Get("Location"))
	if res.Status != http.StatusSeeOther || m == nil {
		c.t.Fatalf("step-up purchase: %d %q, want 303 to /recovery/:id", res.Status, res.Header.Get("Location"))
	}
	if page := c.get("/recovery/" + m[1]); page.Status != http.StatusOK {
		c.t.Fatalf("recovery page: %d", page.Status)
	}
	return m[1]
}

func (a *testApp) tokenPurchase(id string) checkout.OneClickPurchase {
	a.t.Helper()
	p, err := a.DB.OneClickPurchase(context.Background(), id)
	if err != nil {
		a.t.Fatalf("token purchase %s: %v", id, err)
	}
	return p
}

// authorizeSession is Klarna's dialog for a payment session, through the sandbox's control API: whether
// Klarna approved and the authorization token.
func (a *testApp) authorizeSession(sessionID, email string) (bool, string) {
	a.t.Helper()
	body, _ := json.Marshal(map[string]string{"session_id": sessionID, "email": email})
	res, err := a.raw.Post(a.Sandbox.URL+"/sandbox/v1/authorize", "application/json", bytes.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Approved           bool   `json:"approved"`
		AuthorizationToken string `json:"authorization_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		a.t.Fatalf("authorize: %d %v", res.StatusCode, err)
	}
	return out.Approved, out.AuthorizationToken
}

func (c *client) recoveryOrder(id, authToken string) response {
	c.t.Helper()
	return c.post("/recovery/"+id+"/order", url.Values{"csrf": {c.csrf("/")}, "authorization_token": {authToken}})
}

// startHPP presses "Go to Klarna's page" and returns the hosted page's URL on the sandbox.
func (c *client) startHPP(id, mode string) string {
	c.t.Helper()
	res := c.post("/recovery/"+id+"/hpp", url.Values{"csrf": {c.csrf("/")}, "place_order_mode": {mode}})
	loc := res.Header.Get("Location")
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(loc, c.app.Sandbox.URL+"/hpp/pay/") {
		c.t.Fatalf("start HPP: %d %q", res.Status, loc)
	}
	return loc
}

// hppSubmit presses a button on the sandbox's hosted page (pay, decline, cancel, back, error) and returns
// where Klarna sends the browser, as a path of the app.
func (c *client) hppSubmit(hppURL, action string) string {
	c.t.Helper()
	form := url.Values{"action": {action}}
	if action == "pay" {
		form.Set("email", approvedKP)
		form.Set("otp", "123456")
	}
	req, _ := http.NewRequest(http.MethodPost, hppURL, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res := c.do(req)
	loc := res.Header.Get("Location")
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(loc, c.app.URL+"/recovery/") {
		c.t.Fatalf("HPP %s: %d %q", action, res.Status, loc)
	}
	return strings.TrimPrefix(loc, c.app.URL)
}

// klarnaOrders counts the order-creating Klarna calls on a purchase's timeline: token charges and orders
// from an authorization. HPP's PLACE_ORDER orders are Klarna's own and make none.
func (a *testApp) klarnaOrders(id string) (token, fromAuthorization int) {
	a.t.Helper()
	events, err := a.DB.Events(context.Background(), id)
	if err != nil {
		a.t.Fatal(err)
	}
	for _, e := range events {
		if e.Kind != checkout.EventCall || e.Method != http.MethodPost {
			continue
		}
		switch {
		case strings.HasPrefix(e.Path, "/customer-token/") && strings.HasSuffix(e.Path, "/order"):
			token++
		case strings.HasPrefix(e.Path, "/payments/v1/authorizations/") && strings.HasSuffix(e.Path, "/order"):
			fromAuthorization++
		}
	}
	return token, fromAuthorization
}

// expectCompleted checks the purchase has its one order and the confirmation page shows it.
func (c *client) expectCompleted(id, method string, authOrders int) {
	c.t.Helper()
	p := c.app.tokenPurchase(id)
	if p.State != checkout.OneClickCompleted || p.OrderID == "" || p.Method != method {
		c.t.Fatalf("purchase %s: state %s, order %q, method %q; want completed with an order by %s", id, p.State, p.OrderID, p.Method, method)
	}
	if _, n := c.app.klarnaOrders(id); n != authOrders {
		c.t.Errorf("purchase %s: %d orders from an authorization, want %d", id, n, authOrders)
	}
	page := c.get("/account/purchases/" + id)
	for _, want := range []string{`data-testid="oneclick-confirmation"`, `data-testid="oneclick-order-id">` + p.OrderID + "<", "E-paper archive", "SEK 29"} {
		if page.Status != http.StatusOK || !strings.Contains(page.Body, want) {
			c.t.Errorf("confirmation of %s: %d, lacks %q", id, page.Status, want)
		}
	}
}

func TestAccountPage(t *testing.T) {
	t.Parallel()
	const payWithKlarna = `name="with" value="klarna"`
	tests := []struct {
		email         string
		want          []string
		wantOffers    bool
		payWithKlarna bool // the offers are paid with Klarna anew, not charged in one click
	}{
		{tokenPersona, []string{`data-testid="saved-method-type">Klarna: Card<`, `************1111`, `data-testid="saved-method-status">Active<`,
			"Digital: every article", `data-testid="remove-saved-method"`, "How your subscription is paid", "Klarna: card (Visa)"}, true, false},
		{"token-cancelled@example.se", []string{`data-testid="saved-method-status">Cancelled<`, `data-testid="saved-method-note"`, `data-testid="remove-saved-method"`}, true, true},
		{"token-suspended@example.se", []string{`data-testid="saved-method-status">Suspended<`, `data-testid="saved-method-note"`}, true, true},
		{"token-missing@example.se", []string{`data-testid="saved-method-status">Not known to Klarna<`, `data-testid="saved-method-note"`}, true, true},
		{"subscriber@example.se", []string{`data-testid="no-saved-method"`, `data-testid="offers-pay-with-klarna"`}, true, true},
		{"reader@example.se", []string{`data-testid="no-saved-method"`, `data-testid="no-subscriptions"`}, false, false},
	}
	app := newTestApp(t)
	for _, tt := range tests {
		t.Run(tt.email, func(t *testing.T) {
			c := app.client()
			c.login(tt.email, demoPassword, "/")
			page := c.get("/account")
			if page.Status != http.StatusOK {
				t.Fatalf("account page: %d", page.Status)
			}
			for _, want := range tt.want {
				if !strings.Contains(page.Body, want) {
					t.Errorf("account page lacks %q", want)
				}
			}
			hasOffers := strings.Contains(page.Body, `data-testid="buy-oneclick-`+offerArchive+`"`) &&
				strings.Contains(page.Body, `data-testid="buy-oneclick-`+offerUpgrade+`"`)
			if hasOffers != tt.wantOffers {
				t.Errorf("add-ons shown: %v, want %v", hasOffers, tt.wantOffers)
			}
			if got := strings.Contains(page.Body, payWithKlarna); got != tt.payWithKlarna {
				t.Errorf("add-ons paid with Klarna anew: %v, want %v", got, tt.payWithKlarna)
			}
			// Payway's profile never names a Klarna token, and the page shows none.
			if tok := app.savedToken(tt.email); tok != "" && strings.Contains(page.Body, tok) {
				t.Error("the page shows the saved token")
			}
			if !strings.Contains(page.Body, `data-testid="account-link"`) {
				t.Error("the header has no link to the account page")
			}
		})
	}
	anon := app.client()
	if res := anon.get("/account"); res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/login?return=%2Faccount" {
		t.Errorf("anonymous account page: %d %q", res.Status, res.Header.Get("Location"))
	}
}

func TestOneClickPurchaseOutcomes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		email      string
		wantStatus int
		want       []string
		wantRetry  bool
	}{
		{"payment method failed", "token-failed@example.se", http.StatusUnprocessableEntity, []string{"Klarna could not charge your saved payment method", `data-failure-code="PAYMENT_METHOD_FAILED"`, `data-testid="oneclick-pay-with-klarna"`}, true},
		{"token cancelled", "token-cancelled@example.se", http.StatusUnprocessableEntity, []string{"Your saved payment method has been cancelled", `data-failure-code="TOKEN_CANCELLED"`, "Pay with Klarna instead"}, false},
		{"token suspended", "token-suspended@example.se", http.StatusUnprocessableEntity, []string{"Klarna has paused your saved payment method", `data-failure-code="TOKEN_SUSPENDED"`}, false},
		{"token not found", "token-missing@example.se", http.StatusUnprocessableEntity, []string{"Klarna does not know your saved payment method", `data-failure-code="TOKEN_NOT_FOUND"`}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t)
			c := app.client()
			res := c.buyOneClick(tt.email, offerArchive)
			m := oneClickLocation.FindStringSubmatch(res.Header.Get("Location"))
			if res.Status != http.StatusSeeOther || m == nil {
				t.Fatalf("buy: %d %q, want 303 to /account/purchases/:id", res.Status, res.Header.Get("Location"))
			}
			page := c.get("/account/purchases/" + m[1])
			if page.Status != tt.wantStatus || !strings.Contains(page.Body, `data-testid="oneclick-failed"`) {
				t.Fatalf("failure page: %d, want %d with the failure", page.Status, tt.wantStatus)
			}
			for _, want := range tt.want {
				if !strings.Contains(page.Body, want) {
					t.Errorf("failure page lacks %q", want)
				}
			}
			if got := strings.Contains(page.Body, `data-testid="oneclick-retry"`); got != tt.wantRetry {
				t.Errorf("retry offered: %v, want %v", got, tt.wantRetry)
			}
			if n, _ := app.klarnaOrders(m[1]); n != 1 {
				t.Errorf("%d token charges, want 1", n)
			}
		})
	}

	t.Run("token charges fine", func(t *testing.T) {
		t.Parallel()
		app := newTestApp(t)
		c := app.client()
		res := c.buyOneClick(tokenPersona, offerArchive)
		m := oneClickLocation.FindStringSubmatch(res.Header.Get("Location"))
		if res.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("buy: %d %q", res.Status, res.Header.Get("Location"))
		}
		c.expectCompleted(m[1], "token", 0)
		if n, _ := app.klarnaOrders(m[1]); n != 1 {
			t.Errorf("%d token charges, want 1", n)
		}
	})

	t.Run("Klarna down", func(t *testing.T) {
		t.Parallel()
		app := newTestApp(t)
		app.sandboxControl("/sandbox/v1/faults", map[string]any{"target": "POST /customer-token/v1/tokens/{token}/order", "status": 503, "count": 1})
		c := app.client()
		res := c.buyOneClick(tokenPersona, offerArchive)
		loc := res.Header.Get("Location")
		if res.Status == http.StatusSeeOther && oneClickLocation.MatchString(loc) {
			res = c.get(loc)
		}
		// A 503 to a charge: Klarna may have made it. The page checks (202, refreshing) and never says
		// nothing was charged; the reconciler sends the charge again with its key and it completes once.
		if res.Status != http.StatusAccepted || !strings.Contains(res.Body, "We are checking your payment with Klarna") ||
			strings.Contains(strings.ToLower(res.Body), "nothing was charged") {
			t.Fatalf("Klarna down: %d, want 202 checking", res.Status)
		}
		id := oneClickLocation.FindStringSubmatch(loc)[1]
		if n := app.reconcileAfterTimeouts(); n != 1 {
			t.Fatalf("reconciler resolved %d, want 1", n)
		}
		c.expectCompleted(id, "token", 0)
		// Two calls with one key: the unanswered one and the reconciler's (Klarna's order count per key is
		// checked against the sandbox in checkout's TestReconcileOneClick).
		if n, _ := app.klarnaOrders(id); n != 2 {
			t.Errorf("%d token charge calls, want 2", n)
		}
	})

	t.Run("unknown offer", func(t *testing.T) {
		t.Parallel()
		app := newTestApp(t)
		if res := app.client().buyOneClick(tokenPersona, "gift"); res.Status != http.StatusBadRequest {
			t.Fatalf("unknown offer: %d", res.Status)
		}
	})
}

func TestSDKRecovery(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	id := c.startRecovery()
	p := app.tokenPurchase(id)
	page := c.get("/recovery/" + id)
	for _, want := range []string{`data-client-token="` + p.ClientToken + `"`, `data-testid="recovery-sdk"`, `data-testid="recovery-hpp"`, "Nothing has been charged", "E-paper archive", app.Sandbox.URL + "/kp/lib/v1/api.js"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("recovery page lacks %q", want)
		}
	}
	if again := app.tokenPurchase(id); again.KlarnaSessionID != p.KlarnaSessionID || p.KlarnaSessionID == "" {
		t.Errorf("reloading the recovery page changed the step-up session: %q -> %q", p.KlarnaSessionID, again.KlarnaSessionID)
	}
	if res := c.recoveryOrder(id, ""); res.Status != http.StatusBadRequest {
		t.Errorf("order without authorization: %d", res.Status)
	}

	// Klarna says no in the dialog: nothing reaches our server, and the customer can try again.
	if ok, _ := app.authorizeSession(p.KlarnaSessionID, deniedKP); ok {
		t.Fatal("the denied email was approved")
	}
	ok, auth := app.authorizeSession(p.KlarnaSessionID, approvedKP)
	if !ok || auth == "" {
		t.Fatal("the approved email was not approved")
	}
	res := c.recoveryOrder(id, auth)
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/account/purchases/"+id {
		t.Fatalf("recovery order: %d %q", res.Status, res.Header.Get("Location"))
	}
	// Double click, re-sent form: the first outcome, and still one order.
	for range 2 {
		if again := c.recoveryOrder(id, auth); again.Header.Get("Location") != "/account/purchases/"+id {
			t.Errorf("repeat order: %d %q", again.Status, again.Header.Get("Location"))
		}
	}
	c.expectCompleted(id, "sdk", 1)
	if back := c.get("/recovery/" + id); back.Status != http.StatusSeeOther || back.Header.Get("Location") != "/account/purchases/"+id {
		t.Errorf("recovery page after the order: %d %q", back.Status, back.Header.Get("Location"))
	}
	// Klarna updated the token: the account page shows the method chosen in the recovery, and one click works.
	account := c.get("/account")
	if strings.Contains(account.Body, "Klarna: Card<") || !strings.Contains(account.Body, `data-testid="saved-method-status">Active<`) {
		t.Error("the account page does not show the token's new payment method")
	}
	next := c.post("/account/purchases", url.Values{"csrf": {c.csrf("/account")}, "offer": {offerUpgrade}})
	if m := oneClickLocation.FindStringSubmatch(next.Header.Get("Location")); m == nil {
		t.Errorf("one-click after the step-up: %d %q, want the confirmation", next.Status, next.Header.Get("Location"))
	}
}

func TestHPPRecoveryReturn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		mode       string
		action     string
		completed  bool
		authOrders int    // orders we create from the authorization (NONE only)
		notice     string // what the recovery page then says
	}{
		{"paid, NONE", "NONE", "pay", true, 1, ""},
		{"paid, PLACE_ORDER", "PLACE_ORDER", "pay", true, 0, ""},
		{"paid, CAPTURE_ORDER", "CAPTURE_ORDER", "pay", true, 0, ""},
		{"declined", "NONE", "decline", false, 0, "Klarna did not approve the payment"},
		{"cancelled", "NONE", "cancel", false, 0, "You cancelled the payment"},
		{"back", "NONE", "back", false, 0, "You came back from Klarna"},
		{"error", "NONE", "error", false, 0, "Something went wrong with Klarna"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t)
			c := app.client()
			id := c.startRecovery()
			back := c.hppSubmit(c.startHPP(id, tt.mode), tt.action)
			if !strings.HasPrefix(back, "/recovery/"+id+"/return") {
				t.Fatalf("Klarna sent the customer to %q", back)
			}
			res := c.get(back)
			if tt.completed {
				if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/account/purchases/"+id {
					t.Fatalf("return: %d %q, want the confirmation", res.Status, res.Header.Get("Location"))
				}
				// The callback and a reload of the return change nothing.
				if again := c.get(back); again.Header.Get("Location") != "/account/purchases/"+id {
					t.Errorf("second return: %d %q", again.Status, again.Header.Get("Location"))
				}
				c.expectCompleted(id, "hpp", tt.authOrders)
				return
			}
			if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/recovery/"+id {
				t.Fatalf("return: %d %q, want back to the recovery page", res.Status, res.Header.Get("Location"))
			}
			page := c.get("/recovery/" + id)
			if !strings.Contains(page.Body, `data-testid="recovery-notice"`) || !strings.Contains(page.Body, tt.notice) {
				t.Errorf("recovery page does not say %q", tt.notice)
			}
			if !strings.Contains(page.Body, `data-testid="recovery-sdk"`) || !strings.Contains(page.Body, `data-testid="recovery-hpp"`) {
				t.Error("the recovery page does not offer both ways to pay again")
			}
			if p := app.tokenPurchase(id); p.State != checkout.OneClickRecovering || p.OrderID != "" {
				t.Errorf("after %s: state %s order %q", tt.action, p.State, p.OrderID)
			}
			// Another try on a fresh hosted page works.
			if again := c.get(c.hppSubmit(c.startHPP(id, "NONE"), "pay")); again.Header.Get("Location") != "/account/purchases/"+id {
				t.Fatalf("second HPP attempt: %d %q", again.Status, again.Header.Get("Location"))
			}
			c.expectCompleted(id, "hpp", 1)
		})
	}
}

// TestHPPReturnNeverTrustsTheQuery: a return claiming success while the hosted page is unpaid (WAITING, then
// IN_PROGRESS once opened) is a page that checks again, not a confirmation.
func TestHPPReturnNeverTrustsTheQuery(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	id := c.startRecovery()
	hppURL := c.startHPP(id, "NONE")
	for _, step := range []string{"waiting", "in progress"} {
		if step == "in progress" {
			req, _ := http.NewRequest(http.MethodGet, hppURL, nil)
			if res := c.do(req); res.Status != http.StatusOK {
				t.Fatalf("open the hosted page: %d", res.Status)
			}
		}
		res := c.get("/recovery/" + id + "/return?outcome=success&order_id=forged&authorization_token=forged")
		if res.Status != http.StatusOK || !strings.Contains(res.Body, `data-testid="oneclick-pending"`) || !strings.Contains(res.Body, `data-poll-state=`) {
			t.Fatalf("%s: return: %d, want the pending page that checks again", step, res.Status)
		}
		if p := app.tokenPurchase(id); p.State != checkout.OneClickRecovering {
			t.Fatalf("%s: state %s", step, p.State)
		}
	}
	if _, n := app.klarnaOrders(id); n != 0 {
		t.Errorf("%d orders created from a forged return", n)
	}
}

// hppCallbackSecret is the secret in the status_update URL the app gave Klarna for the hosted page (read
// from the sandbox, which keeps it as Klarna would; the app keeps only its hash). "" for no page.
func (a *testApp) hppCallbackSecret(hppSessionID string) string {
	a.t.Helper()
	if hppSessionID == "" {
		return ""
	}
	var raw string
	a.sandboxQuery(`SELECT json_extract(merchant_urls_json, '$.status_update') FROM hpp_sessions WHERE id = ?`, []any{hppSessionID}, &raw)
	u, err := url.Parse(raw)
	if err != nil || u.Query().Get("secret") == "" {
		a.t.Fatalf("status_update URL %q carries no secret", raw)
	}
	return u.Query().Get("secret")
}

func TestHPPCallback(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	id := c.startRecovery()
	hppURL := c.startHPP(id, "NONE")
	p := app.tokenPurchase(id)
	secret := app.hppCallbackSecret(p.HPPSessionID)
	if !checkout.IsCallbackHash(p.CallbackHash) || p.CallbackHash != checkout.CallbackHash(secret) || p.HPPSessionID == "" {
		t.Fatalf("want the hash of the page's callback secret and its session stored: %+v", p)
	}
	callback := func(id, secret, eventID, status string) int {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"event_id": eventID, "session": map[string]string{"session_id": p.HPPSessionID, "status": status}})
		req, _ := http.NewRequest(http.MethodPost, app.URL+"/recovery/"+id+"/hpp/callback?secret="+url.QueryEscape(secret), bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		// Klarna's servers carry no CSRF token or cookie: the route is exempt, authenticated by the secret.
		res, err := app.raw.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}

	tests := []struct {
		name   string
		id     string
		secret string
		want   int
	}{
		{"wrong secret", id, "forged", http.StatusNotFound},
		{"no secret", id, "", http.StatusNotFound},
		{"unknown recovery", "NOSUCHRECOVERY", secret, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := callback(tt.id, tt.secret, "evt-"+tt.name, "COMPLETED"); got != tt.want {
				t.Errorf("status %d, want %d", got, tt.want)
			}
		})
	}
	bad, _ := app.raw.Post(app.URL+"/recovery/"+id+"/hpp/callback?secret="+secret, "application/json", strings.NewReader(`{"nope":`))
	if bad.StatusCode != http.StatusBadRequest {
		t.Errorf("malformed callback: %d", bad.StatusCode)
	}
	bad.Body.Close()
	if got := app.tokenPurchase(id); got.State != checkout.OneClickRecovering {
		t.Fatalf("refused callbacks changed the purchase: %s", got.State)
	}

	// The customer pays but never comes back: the callback alone completes the purchase (the journey
	// confirms by reading the session), duplicates and the late return change nothing.
	c.hppSubmit(hppURL, "pay")
	for range 2 {
		if got := callback(id, secret, "evt-paid", "COMPLETED"); got != http.StatusNoContent {
			t.Fatalf("callback: %d", got)
		}
	}
	if got := callback(id, secret, "evt-late", "COMPLETED"); got != http.StatusNoContent {
		t.Fatalf("another callback: %d", got)
	}
	if res := c.get("/recovery/" + id + "/return?outcome=success"); res.Header.Get("Location") != "/account/purchases/"+id {
		t.Errorf("late return: %d %q", res.Status, res.Header.Get("Location"))
	}
	c.expectCompleted(id, "hpp", 1)
}

func TestRecoveryOwnership(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	owner := app.client()
	id := owner.startRecovery()
	other := app.client()
	other.login(tokenPersona, demoPassword, "/")
	for _, path := range []string{"/recovery/" + id, "/recovery/" + id + "/return", "/account/purchases/" + id, "/recovery/NOSUCHRECOVERY"} {
		if res := other.get(path); res.Status != http.StatusNotFound {
			t.Errorf("GET %s by another customer: %d", path, res.Status)
		}
	}
	for _, path := range []string{"/recovery/" + id + "/order", "/recovery/" + id + "/hpp"} {
		res := other.post(path, url.Values{"csrf": {other.csrf("/")}, "authorization_token": {"stolen"}})
		if res.Status != http.StatusNotFound {
			t.Errorf("POST %s by another customer: %d", path, res.Status)
		}
	}
	anon := app.client()
	if res := anon.get("/recovery/" + id); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login?return=") {
		t.Errorf("anonymous recovery page: %d %q", res.Status, res.Header.Get("Location"))
	}
	if p := app.tokenPurchase(id); p.State != checkout.OneClickRecovering || p.HPPSessionID != "" {
		t.Errorf("another customer changed the recovery: %+v", p)
	}
}

func TestOneClickCSRF(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	id := c.startRecovery()
	token := c.csrf("/")
	tests := []struct {
		name    string
		path    string
		form    url.Values
		headers []string
		want    int
	}{
		{"buy, no token", "/account/purchases", url.Values{"offer": {offerArchive}}, nil, http.StatusBadRequest},
		{"buy, wrong token", "/account/purchases", url.Values{"offer": {offerArchive}, "csrf": {"forged"}}, nil, http.StatusForbidden},
		{"buy, cross-site", "/account/purchases", url.Values{"offer": {offerArchive}, "csrf": {token}}, []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"SDK order, no token", "/recovery/" + id + "/order", url.Values{"authorization_token": {"x"}}, nil, http.StatusBadRequest},
		{"SDK order, cross-site", "/recovery/" + id + "/order", url.Values{"authorization_token": {"x"}, "csrf": {token}}, []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"HPP, wrong token", "/recovery/" + id + "/hpp", url.Values{"csrf": {"forged"}}, nil, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if res := c.post(tt.path, tt.form, tt.headers...); res.Status != tt.want {
				t.Fatalf("status %d, want %d", res.Status, tt.want)
			}
		})
	}
	p := app.tokenPurchase(id)
	if p.State != checkout.OneClickRecovering || p.HPPSessionID != "" {
		t.Errorf("refused POSTs changed the recovery: %+v", p)
	}
	var n int
	if err := app.DB.Reader().QueryRow(`SELECT count(*) FROM token_purchases`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d token purchases after refused POSTs, want 1 (%v)", n, err)
	}
}

func TestRecoveryDefaultFromConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		recovery string
		first    string
	}{
		{"", `data-testid="recovery-option-sdk"`},
		{"sdk", `data-testid="recovery-option-sdk"`},
		{"hpp", `data-testid="recovery-option-hpp"`},
	}
	for _, tt := range tests {
		t.Run("recovery="+tt.recovery, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t, func(cfg *appSetup) { cfg.Recovery = tt.recovery })
			c := app.client()
			page := c.get("/recovery/" + c.startRecovery())
			sdk := strings.Index(page.Body, `data-testid="recovery-option-sdk"`)
			hpp := strings.Index(page.Body, `data-testid="recovery-option-hpp"`)
			if sdk < 0 || hpp < 0 {
				t.Fatal("the recovery page does not offer both ways")
			}
			if first := min(sdk, hpp); !strings.HasPrefix(page.Body[first:], tt.first) {
				t.Errorf("the first choice is not %s", tt.first)
			}
		})
	}
}

// TestOneClickPagesInSwedish: a Swedish reader's one-click purchase ends on a Swedish confirmation with the
// price the Swedish way, our short order number, Klarna's order id for customer service, and the purchase
// listed on the account page under the same number.
func TestOneClickPagesInSwedish(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	sv := []string{"Accept-Language", "sv-SE"}
	if res := c.login(tokenPersona, demoPassword, "/"); res.Status != http.StatusSeeOther {
		t.Fatalf("login: %d", res.Status)
	}
	res := c.post("/account/purchases", url.Values{"csrf": {c.csrf("/account")}, "offer": {offerArchive}}, sv...)
	m := oneClickLocation.FindStringSubmatch(res.Header.Get("Location"))
	if m == nil {
		t.Fatalf("one click: %d %q", res.Status, res.Header.Get("Location"))
	}
	p := app.tokenPurchase(m[1])
	ref := checkout.Reference(p.ID)
	expectPage(t, "one-click confirmation", c.get("/account/purchases/"+p.ID, sv...), []string{
		`<html lang="sv"`, "Tack för ditt köp", "29" + nbsp + "kr (inklusive moms)", "Ordernummer",
		`data-testid="oneclick-reference">` + ref + "<", "För kundtjänst: ordernummer hos Klarna",
		`data-testid="oneclick-order-id">` + p.OrderID + "<", "Ditt sparade betalsätt hos Klarna", "Tillbaka till ditt konto",
	}, []string{"Thank you", "VAT", "Order number"})
	if len(ref) != len("NT-XXXX-XXXX") || len(p.OrderID) <= len(ref) {
		t.Errorf("reference %q for Klarna's order %q: want it short", ref, p.OrderID)
	}
	expectPage(t, "account", c.get("/account", sv...), []string{
		`data-testid="bought-reference">` + ref + "<", `data-testid="bought-order-id">` + p.OrderID + "<",
		"Klarna för köp med ett klick", "Lägg till i din prenumeration",
	}, []string{"Add to your subscription", "Buy for"})
}
