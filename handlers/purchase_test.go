package handlers_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/testenv"
)

var checkoutPath = regexp.MustCompile(`^/checkout/([A-Z0-9]+)$`)

// startPurchase logs a persona in and opens a purchase of an offer, returning its id.
func (c *client) startPurchase(email, offer string) string {
	c.t.Helper()
	if res := c.login(email, demoPassword, "/"); res.Status != http.StatusSeeOther {
		c.t.Fatalf("login %s: %d", email, res.Status)
	}
	res := c.post("/checkout", url.Values{"csrf": {c.csrf("/subscribe?return=/")}, "offer": {offer}, "return": {"/articles/x"}})
	m := checkoutPath.FindStringSubmatch(res.Header.Get("Location"))
	if res.Status != http.StatusSeeOther || m == nil {
		c.t.Fatalf("POST /checkout: %d %q", res.Status, res.Header.Get("Location"))
	}
	return m[1]
}

// authorize approves the purchase's Klarna session the way the widget's dialog does, through the sandbox's
// control API, and returns the authorization token.
func (a *testApp) authorize(purchaseID, email, category string) string {
	a.t.Helper()
	p, err := a.DB.Purchase(context.Background(), purchaseID)
	if err != nil {
		a.t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"session_id": p.KlarnaSessionID, "email": email, "category": category})
	res, err := a.raw.Post(a.Sandbox.URL+"/sandbox/v1/authorize", "application/json", bytes.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Approved           bool   `json:"approved"`
		AuthorizationToken string `json:"authorization_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || !out.Approved {
		a.t.Fatalf("authorize: %d %v %+v", res.StatusCode, err, out)
	}
	return out.AuthorizationToken
}

// sandboxControl posts a JSON body to a sandbox control endpoint.
func (a *testApp) sandboxControl(path string, body any) {
	a.t.Helper()
	b, _ := json.Marshal(body)
	res, err := a.raw.Post(a.Sandbox.URL+path, "application/json", bytes.NewReader(b))
	if err != nil {
		a.t.Fatal(err)
	}
	msg, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode >= 300 {
		a.t.Fatalf("POST %s: %d %s", path, res.StatusCode, msg)
	}
}

func (c *client) placeOrder(id, authToken string) response {
	c.t.Helper()
	// The token comes from the header's logout form: the checkout page itself may already redirect.
	return c.post("/checkout/"+id+"/order", url.Values{"csrf": {c.csrf("/")}, "authorization_token": {authToken}})
}

// followSandboxRedirect follows Klarna's device-recognition redirect (on the sandbox) and returns where it
// sends the browser.
func (c *client) followSandboxRedirect(redirect string) string {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, redirect, nil)
	res := c.do(req)
	if res.Status != http.StatusSeeOther && res.Status != http.StatusFound {
		c.t.Fatalf("device redirect %s: %d %s", redirect, res.Status, res.Body)
	}
	return res.Header.Get("Location")
}

func (a *testApp) placeOrderCalls(purchaseID string) int {
	a.t.Helper()
	events, err := a.DB.Events(context.Background(), purchaseID)
	if err != nil {
		a.t.Fatal(err)
	}
	n := 0
	for _, e := range events {
		if e.Kind == checkout.EventCall && strings.HasSuffix(e.Path, "/place_order") {
			n++
		}
	}
	return n
}

func TestSubscribePricesOffersAndCreatesNothing(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	res := app.client().get("/subscribe?return=/articles/x")
	if res.Status != http.StatusOK {
		t.Fatalf("status %d", res.Status)
	}
	for _, want := range []string{`data-testid="offer-monthly"`, "SEK 139/month", "SEK 1,390/year", "SEK 99 every 3 months", `data-testid="offer-trial"`, "Then SEK 139/month until you cancel."} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("offers page lacks %q", want)
		}
	}
	var n int
	if err := app.DB.Reader().QueryRow(`SELECT count(*) FROM purchases`).Scan(&n); err != nil || n != 0 {
		t.Errorf("the offers page created %d purchases (%v)", n, err)
	}
}

func TestStartCheckout(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	anon := app.client()
	res := anon.post("/checkout", url.Values{"csrf": {anon.csrf("/login")}, "offer": {"yearly"}, "return": {"/articles/x"}})
	wantLogin := "/login?return=" + url.QueryEscape("/subscribe?offer=yearly&return=%2Farticles%2Fx")
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != wantLogin {
		t.Fatalf("anonymous POST /checkout: %d %q, want %q", res.Status, res.Header.Get("Location"), wantLogin)
	}
	if bad := anon.post("/checkout", url.Values{"csrf": {anon.csrf("/login")}, "offer": {"gift"}}); bad.Status != http.StatusBadRequest {
		t.Errorf("unknown offer: %d", bad.Status)
	}

	c := app.client()
	id := c.startPurchase("reader@example.se", "yearly")
	if again := c.post("/checkout", url.Values{"csrf": {c.csrf("/subscribe")}, "offer": {"yearly"}}); again.Header.Get("Location") != "/checkout/"+id {
		t.Errorf("a second click opened another purchase: %q", again.Header.Get("Location"))
	}
	page := c.get("/checkout/" + id)
	p, _ := app.DB.Purchase(context.Background(), id)
	for _, want := range []string{`data-client-token="` + p.ClientToken + `"`, `data-testid="category-klarna"`, `data-testid="buy-button"`, "SEK 1,390/year", app.Sandbox.URL + "/kp/lib/v1/api.js"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("checkout page lacks %q", want)
		}
	}
}

func TestOrderToConfirmation(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	_, premium := app.articles()
	c := app.client()
	id := c.startPurchase("reader@example.se", "monthly")
	if res := c.placeOrder(id, ""); res.Status != http.StatusBadRequest {
		t.Fatalf("order without authorization: %d", res.Status)
	}
	auth := app.authorize(id, "customer@email.se", "klarna")
	res := c.placeOrder(id, auth)
	redirect := res.Header.Get("Location")
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(redirect, app.Sandbox.URL+"/kp/redirect/") {
		t.Fatalf("order: %d %q", res.Status, redirect)
	}
	// Double click, reload, second tab: the first outcome again, and no second order.
	for range 3 {
		if again := c.placeOrder(id, auth); again.Header.Get("Location") != redirect {
			t.Errorf("repeat order: %d %q", again.Status, again.Header.Get("Location"))
		}
	}
	if n := app.placeOrderCalls(id); n != 1 {
		t.Fatalf("place_order called %d times", n)
	}
	confirmation := c.followSandboxRedirect(redirect)
	if confirmation != app.URL+"/checkout/"+id+"/confirmation" {
		t.Fatalf("device recognition went to %q", confirmation)
	}
	page := c.get(strings.TrimPrefix(confirmation, app.URL))
	for _, want := range []string{`data-testid="confirmation-order-id">SANDBOX-`, "Digital – monthly", "SEK 139/month", "Rita"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("confirmation lacks %q", want)
		}
	}
	if art := c.get("/articles/" + premium.Slug); strings.Contains(art.Body, `data-testid="paywall"`) {
		t.Error("the article is still locked after the purchase")
	}
	if back := c.get("/checkout/" + id); back.Status != http.StatusSeeOther || back.Header.Get("Location") != "/checkout/"+id+"/confirmation" {
		t.Errorf("checkout page after purchase: %d %q", back.Status, back.Header.Get("Location"))
	}
	assertNoSecretsInEvents(t, app, id, auth)
}

func assertNoSecretsInEvents(t *testing.T, app *testApp, id string, secrets ...string) {
	t.Helper()
	p, _ := app.DB.Purchase(context.Background(), id)
	secrets = append(secrets, p.ClientToken)
	events, err := app.DB.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) < 4 {
		t.Fatalf("only %d events recorded", len(events))
	}
	for _, e := range events {
		for _, s := range secrets {
			if s != "" && (strings.Contains(e.Request, s) || strings.Contains(e.Response, s) || strings.Contains(e.Path, s)) {
				t.Errorf("event %s %s stores a secret", e.Method, e.Path)
			}
		}
	}
}

func TestPurchaseOwnership(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	owner := app.client()
	id := owner.startPurchase("reader@example.se", "monthly")
	other := app.client()
	if res := other.login("subscriber@example.se", demoPassword, "/"); res.Status != http.StatusSeeOther {
		t.Fatal("login")
	}
	for _, path := range []string{"/checkout/" + id, "/checkout/" + id + "/confirmation", "/checkout/NOSUCHPURCHASE"} {
		if res := other.get(path); res.Status != http.StatusNotFound {
			t.Errorf("GET %s by another customer: %d", path, res.Status)
		}
	}
	if res := other.placeOrder(id, "x"); res.Status != http.StatusNotFound {
		t.Errorf("POST order by another customer: %d", res.Status)
	}
	anon := app.client()
	if res := anon.get("/checkout/" + id); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login?return=") {
		t.Errorf("anonymous checkout page: %d %q", res.Status, res.Header.Get("Location"))
	}
}

func TestPurchaseOutcomes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		email      string
		wantStatus int
		wantText   string
	}{
		{"debt: payment method failed", "debt@example.se", http.StatusUnprocessableEntity, "Klarna could not approve the payment"},
		{"SSN taken", "ssn-taken@example.se", http.StatusUnprocessableEntity, "belongs to another account"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t)
			c := app.client()
			id := c.startPurchase(tt.email, "monthly")
			res := c.placeOrder(id, app.authorize(id, "customer@email.se", "klarna"))
			if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/checkout/"+id {
				t.Fatalf("order: %d %q", res.Status, res.Header.Get("Location"))
			}
			page := c.get("/checkout/" + id)
			if page.Status != tt.wantStatus || !strings.Contains(page.Body, tt.wantText) {
				t.Fatalf("status page: %d, want %d with %q", page.Status, tt.wantStatus, tt.wantText)
			}
			if !strings.Contains(page.Body, `data-testid="purchase-failed"`) {
				t.Error("no failure page")
			}
		})
	}
}

// TestPaywayDownIsCheckedThenRetryable: Payway answers place_order with a 503. The order may exist, so the
// reader reads "we are checking", never "nothing was charged", and paying again changes nothing; once the
// reconciler has found no order at Payway the purchase is open again and paying works.
func TestPaywayDownIsCheckedThenRetryable(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	id := c.startPurchase("reader@example.se", "monthly")
	app.sandboxControl("/sandbox/v1/faults", map[string]any{"target": "POST /external/api/v1/klarna_payments/place_order", "status": 503, "count": 1})
	auth := app.authorize(id, "customer@email.se", "klarna")
	res := c.placeOrder(id, auth)
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/checkout/"+id {
		t.Fatalf("order with Payway down: %d %q, want the checkout page", res.Status, res.Header.Get("Location"))
	}
	page := c.get("/checkout/" + id)
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "We are checking your order with Payway") ||
		!strings.Contains(page.Body, `data-poll-state=`) || strings.Contains(strings.ToLower(page.Body), "nothing was charged") {
		t.Fatalf("checking page: %d (must check by itself and not say nothing was charged)", page.Status)
	}
	if again := c.placeOrder(id, auth); again.Status != http.StatusSeeOther || again.Header.Get("Location") != "/checkout/"+id {
		t.Fatalf("paying again while checking: %d %q", again.Status, again.Header.Get("Location"))
	}
	p, _ := app.DB.Purchase(context.Background(), id)
	if n := app.paywayOrders(p.AccountID); n != 0 {
		t.Fatalf("Payway holds %d orders, want 0", n)
	}
	if n := app.reconcileAfterTimeouts(); n != 1 {
		t.Fatalf("reconciler resolved %d, want 1", n)
	}
	if page := c.get("/checkout/" + id); page.Status != http.StatusOK || !strings.Contains(page.Body, `data-testid="buy-button"`) {
		t.Fatalf("checkout after the reconciler: %d, want the widget again", page.Status)
	}
	auth = app.authorize(id, "customer@email.se", "klarna")
	if retry := c.placeOrder(id, auth); retry.Status != http.StatusSeeOther || !strings.Contains(retry.Header.Get("Location"), "/kp/redirect/") {
		t.Fatalf("retry: %d %q", retry.Status, retry.Header.Get("Location"))
	}
	if n := app.paywayOrders(p.AccountID); n != 1 {
		t.Fatalf("Payway holds %d orders, want 1", n)
	}
}

func TestExpiredPurchase(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	id := c.startPurchase("reader@example.se", "monthly")
	app.Clock.Advance(49 * time.Hour)
	res := c.get("/checkout/" + id)
	if res.Status == http.StatusSeeOther { // the access token lapsed too: it is refreshed on the way
		t.Fatalf("expired checkout redirected to %q", res.Header.Get("Location"))
	}
	if res.Status != http.StatusGone || !strings.Contains(res.Body, `data-testid="retry-purchase"`) {
		t.Fatalf("expired checkout: %d", res.Status)
	}
	restart := c.post("/checkout", url.Values{"csrf": {c.csrf("/")}, "offer": {"monthly"}})
	if loc := restart.Header.Get("Location"); restart.Status != http.StatusSeeOther || loc == "/checkout/"+id || !checkoutPath.MatchString(loc) {
		t.Fatalf("start again: %d %q", restart.Status, loc)
	}
}

func TestCheckoutCSRF(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	c.login("reader@example.se", demoPassword, "/")
	tests := []struct {
		name    string
		form    url.Values
		headers []string
		want    int
	}{
		{"no token, no Sec-Fetch-Site", url.Values{"offer": {"monthly"}}, nil, http.StatusBadRequest},
		{"wrong token, no Sec-Fetch-Site", url.Values{"offer": {"monthly"}, "csrf": {"forged"}}, nil, http.StatusForbidden},
		{"cross-site", url.Values{"offer": {"monthly"}, "csrf": {c.csrf("/subscribe")}}, []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if res := c.post("/checkout", tt.form, tt.headers...); res.Status != tt.want {
				t.Fatalf("status %d, want %d", res.Status, tt.want)
			}
		})
	}
	var n int
	if err := app.DB.Reader().QueryRow(`SELECT count(*) FROM purchases`).Scan(&n); err != nil || n != 0 {
		t.Errorf("refused POSTs created %d purchases", n)
	}
}

// TestSandboxClockMovesTheApp: in sandbox mode there is one clock. Moving the sandbox's clock past a
// purchase session's 48 hours (the README's expiry scenario, POST /sandbox/v1/clock) expires the purchase
// in the app too, and every page keeps working: the reader's token is renewed, not refused with a 503.
func TestSandboxClockMovesTheApp(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	id := c.startPurchase("reader@example.se", "monthly")
	app.sandboxControl("/sandbox/v1/clock", map[string]any{"advance": "49h"})
	if res := c.get("/checkout/" + id); res.Status != http.StatusGone || !strings.Contains(res.Body, `data-testid="retry-purchase"`) {
		t.Fatalf("checkout after the sandbox clock moved 49 h: %d, want 410 with a restart", res.Status)
	}
	for _, path := range []string{"/", "/account", "/subscribe"} {
		if res := c.get(path); res.Status != http.StatusOK {
			t.Errorf("%s after the clock moved: %d", path, res.Status)
		}
	}
}

// paywayOrders counts the orders Payway holds for an account, read from the sandbox's own database: the
// truth about charges, whatever our side recorded.
func (a *testApp) paywayOrders(accountID string) int {
	a.t.Helper()
	db, err := sql.Open("sqlite", "file:"+a.SandboxDB+"?mode=ro")
	if err != nil {
		a.t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM payway_orders WHERE account_id = ? AND state != 'failed'`, accountID).Scan(&n); err != nil {
		a.t.Fatal(err)
	}
	return n
}

// TestCrossOfferSubmitsMakeOneSubscription: one reader pays for the monthly and the yearly offer (one
// product) at the same moment, 50 submits split over both, ten rounds: Payway places one order each
// round, the other purchase stays open with nothing charged, and its submits get the "another purchase
// is being paid for" page.
func TestCrossOfferSubmitsMakeOneSubscription(t *testing.T) {
	t.Parallel()
	for round := range 10 {
		t.Run(fmt.Sprint("round ", round), func(t *testing.T) {
			t.Parallel()
			crossOfferRound(t, round)
		})
	}
}

// crossOfferRound is one round of TestCrossOfferSubmitsMakeOneSubscription, on an app of its own.
func crossOfferRound(t *testing.T, round int) {
	app := newTestApp(t)
	c := app.client()
	monthly := c.startPurchase("reader@example.se", "monthly")
	res := c.post("/checkout", url.Values{"csrf": {c.csrf("/subscribe")}, "offer": {"yearly"}})
	m := checkoutPath.FindStringSubmatch(res.Header.Get("Location"))
	if res.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("round %d: start yearly: %d", round, res.Status)
	}
	yearly := m[1]
	ids := []string{monthly, yearly}
	auths := []string{app.authorize(monthly, "customer@email.se", "klarna"), app.authorize(yearly, "customer@email.se", "klarna")}
	csrf := c.csrf("/")
	var wg sync.WaitGroup
	statuses := make(chan int, 50)
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := c.post("/checkout/"+ids[i%2]+"/order", url.Values{"csrf": {csrf}, "authorization_token": {auths[i%2]}})
			statuses <- res.Status
		}()
	}
	wg.Wait()
	close(statuses)
	counts := map[int]int{}
	for st := range statuses {
		counts[st]++
	}
	p, err := app.DB.Purchase(context.Background(), monthly)
	if err != nil {
		t.Fatal(err)
	}
	if n := app.paywayOrders(p.AccountID); n != 1 {
		t.Fatalf("round %d: Payway holds %d orders, want 1 (answers %v)", round, n, counts)
	}
	placed := 0
	for _, id := range ids {
		p, _ := app.DB.Purchase(context.Background(), id)
		switch p.State {
		case checkout.StatePlaced, checkout.StateConfirmed:
			placed++
		case checkout.StateCreated, checkout.StateFailed: // still open, or refused by Payway afterwards
		default:
			t.Errorf("round %d: purchase %s left %s", round, id, p.State)
		}
	}
	if placed != 1 || counts[http.StatusInternalServerError] != 0 {
		t.Fatalf("round %d: %d purchases placed, answers %v", round, placed, counts)
	}
}

// TestConcurrentStartsShareOnePurchase: twenty clicks on one offer at the same moment lead to one
// purchase and one Payway purchase session; every click lands on its checkout.
func TestConcurrentStartsShareOnePurchase(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	if res := c.login("reader@example.se", demoPassword, "/"); res.Status != http.StatusSeeOther {
		t.Fatalf("login: %d", res.Status)
	}
	csrf := c.csrf("/subscribe")
	var wg sync.WaitGroup
	locations := make(chan string, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := c.post("/checkout", url.Values{"csrf": {csrf}, "offer": {"monthly"}})
			locations <- fmt.Sprintf("%d %s", res.Status, res.Header.Get("Location"))
		}()
	}
	wg.Wait()
	close(locations)
	seen := map[string]int{}
	for l := range locations {
		seen[l]++
	}
	if len(seen) != 1 {
		t.Fatalf("clicks went to %v, want one checkout", seen)
	}
	var purchases, sessions int
	if err := app.DB.Reader().QueryRow(`SELECT count(*) FROM purchases`).Scan(&purchases); err != nil {
		t.Fatal(err)
	}
	sb, err := sql.Open("sqlite", "file:"+app.SandboxDB+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	if err := sb.QueryRow(`SELECT count(*) FROM purchase_sessions`).Scan(&sessions); err != nil {
		t.Fatal(err)
	}
	if purchases != 1 || sessions != 1 {
		t.Fatalf("%d purchases and %d Payway sessions, want 1 and 1", purchases, sessions)
	}
	for l := range seen {
		var status int
		var loc string
		fmt.Sscanf(l, "%d %s", &status, &loc)
		if page := c.get(loc); page.Status != http.StatusOK || !strings.Contains(page.Body, `data-testid="buy-button"`) {
			t.Errorf("checkout %s: %d, want the widget", loc, page.Status)
		}
	}
}

// TestPlaceOrderAnswerLostIsNotCalledUncharged: Payway places the order and the answer is lost (the
// sandbox's "after" faults: the connection dropped, or the answer arriving after the client's timeout,
// once the order exists). The reader must not read "nothing was charged": the purchase is unknown, the
// page checks by itself, paying again charges nothing, and the reconciler finds Payway's order, so the
// confirmation follows with its order number.
func TestPlaceOrderAnswerLostIsNotCalledUncharged(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault map[string]any
		setup []appOption
	}{
		{"connection dropped", map[string]any{"drop": true}, nil},
		{"answer after the timeout", map[string]any{"delay_ms": testenv.Scale(20 * time.Second).Milliseconds()},
			[]appOption{func(cfg *appSetup) { cfg.PaywayTimeout = testenv.Scale(2 * time.Second) }}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t, tt.setup...)
			c := app.client()
			id := c.startPurchase("reader@example.se", "monthly")
			fault := map[string]any{"target": "POST /external/api/v1/klarna_payments/place_order", "after": true, "count": 1}
			for k, v := range tt.fault {
				fault[k] = v
			}
			app.sandboxControl("/sandbox/v1/faults", fault)
			auth := app.authorize(id, "customer@email.se", "klarna")
			res := c.placeOrder(id, auth)
			if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/checkout/"+id {
				t.Fatalf("answer lost: %d %q, want the checkout page", res.Status, res.Header.Get("Location"))
			}
			page := c.get("/checkout/" + id)
			if !strings.Contains(page.Body, "We are checking your order with Payway") || strings.Contains(strings.ToLower(page.Body), "nothing was charged") {
				t.Fatalf("answer lost after Payway placed the order: %d, and the page does not say it is checking", page.Status)
			}
			p, err := app.DB.Purchase(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if p.State != checkout.StateUnknown {
				t.Fatalf("purchase %s, want unknown", p.State)
			}
			if again := c.placeOrder(id, auth); again.Header.Get("Location") != "/checkout/"+id {
				t.Fatalf("paying again while checking: %d %q", again.Status, again.Header.Get("Location"))
			}
			if n := app.paywayOrders(p.AccountID); n != 1 {
				t.Fatalf("Payway holds %d orders after the lost answer, want 1", n)
			}
			if n := app.reconcileAfterTimeouts(); n != 1 {
				t.Fatalf("reconciler resolved %d, want 1", n)
			}
			p, _ = app.DB.Purchase(context.Background(), id)
			if p.State != checkout.StatePlaced || p.OrderID == "" {
				t.Fatalf("after the reconciler: %s order %q, want placed with Payway's order id", p.State, p.OrderID)
			}
			conf := c.get("/checkout/" + id + "/confirmation")
			if conf.Status != http.StatusOK || !strings.Contains(conf.Body, `data-testid="confirmation"`) || !strings.Contains(conf.Body, p.OrderID) {
				t.Fatalf("confirmation: %d, want it with order %s", conf.Status, p.OrderID)
			}
			if n := app.paywayOrders(p.AccountID); n != 1 {
				t.Fatalf("Payway holds %d orders at the end, want 1", n)
			}
		})
	}
}

// klarnaRequest is the body of the first call to Klarna with method and a path containing part on the
// purchase's timeline (the app's API log): what Klarna received.
func (a *testApp) klarnaRequest(id, method, part string) string {
	a.t.Helper()
	events, err := a.DB.Events(context.Background(), id)
	if err != nil {
		a.t.Fatal(err)
	}
	for _, e := range events {
		if e.Kind == checkout.EventCall && e.Service == "klarna" && e.Method == method && strings.Contains(e.Path, part) {
			return e.Request
		}
	}
	a.t.Fatalf("no %s %s to Klarna on the timeline of %s", method, part, id)
	return ""
}

// nbsp is the no-break space Swedish prices keep together with ("139 kr/mån").
const nbsp = "\u00a0"

// TestPayingPagesInSwedish: a reader whose browser asks for Swedish, or for a language the site lacks,
// pays in Swedish from the checkout to the account page: prices the Swedish way, Klarna's payment choice
// as the session named it, the short order number with Payway's beside it, and not one English sentence.
func TestPayingPagesInSwedish(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, acceptLanguage string }{
		{"a Swedish browser", "sv-SE,sv;q=0.9"},
		{"a browser in a language we lack: Swedish by default", "fi-FI"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t)
			c := app.client()
			id := c.startPurchase("reader@example.se", "monthly")
			p, err := app.DB.Purchase(t.Context(), id)
			if err != nil || len(p.Categories) == 0 || p.Categories[0].Name == "" {
				t.Fatalf("purchase %+v, %v: want Klarna's categories with names", p, err)
			}
			cat := p.Categories[0]
			lang := []string{"Accept-Language", tt.acceptLanguage}
			expectPage(t, "checkout", c.get("/checkout/"+id, lang...), []string{
				`<html lang="sv"`, "<h1 class=\"page-title\">Betala med Klarna</h1>", "Din beställning",
				"139" + nbsp + "kr/mån", "Köp prenumerationen", "Tillbaka till artikeln", "Du köper som",
				`data-testid="category-` + cat.Identifier + `"`, `src="` + cat.AssetURL + `" alt="` + cat.Name + `"`,
				`data-text-declined="Klarna kunde inte godkänna betalningen.`,
			}, []string{"Buy subscription", "Your order", "Back to the article", "SEK"})

			auth := app.authorize(id, "customer@email.se", cat.Identifier)
			res := c.post("/checkout/"+id+"/order", url.Values{"csrf": {c.csrf("/")}, "authorization_token": {auth},
				"payment_method_category": {cat.Identifier}}, lang...)
			confirmation := strings.TrimPrefix(c.followSandboxRedirect(res.Header.Get("Location")), app.URL)
			expectPage(t, "confirmation", c.get(confirmation, lang...), []string{
				`<html lang="sv"`, "Välkommen, nu är du prenumerant", "139" + nbsp + "kr/mån", "Ordernummer",
				`data-testid="confirmation-reference">` + checkout.Reference(id) + "<",
				"För kundtjänst: ordernummer hos Payway", `data-testid="confirmation-order-id">SANDBOX-`,
				"Betalat med", `data-testid="confirmation-paid-with">` + cat.Name + "<", "Fortsätt läsa", "Födelsedatum",
			}, []string{"Paid with", "Order number", "(Invoice)", "Continue reading"})

			expectPage(t, "account", c.get("/account", lang...), []string{
				`<html lang="sv"`, `<h1 class="page-title">Ditt konto</h1>`, "Dina köp", `data-testid="bought-reference">` + checkout.Reference(id) + "<",
				`data-testid="bought-order-id">SANDBOX-`, "Digital: alla artiklar på Norrby Tidning",
			}, []string{"Your purchases", "Subscriptions", "How your subscription is paid"}) // the header is the layout's
		})
	}
}

// expectPage checks a page has every want and none of notWant.
func expectPage(t *testing.T, name string, res response, want, notWant []string) {
	t.Helper()
	if res.Status != http.StatusOK {
		t.Fatalf("%s: status %d", name, res.Status)
	}
	for _, w := range want {
		if !strings.Contains(res.Body, w) {
			t.Errorf("%s lacks %q", name, w)
		}
	}
	for _, w := range notWant {
		if strings.Contains(res.Body, w) {
			t.Errorf("%s has %q", name, w)
		}
	}
}

// TestCheckoutCategoriesAsKlarnaNamesThem: the checkout shows each payment category with the name and
// badge the session returned; a purchase stored before names were kept (bare identifiers) still shows,
// with a stand-in name and no image; the confirmation names the category paid with, never "(Invoice)".
func TestCheckoutCategoriesAsKlarnaNamesThem(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	id := c.startPurchase("reader@example.se", "monthly")
	p, _ := app.DB.Purchase(t.Context(), id)
	cat := p.Categories[0]
	expectPage(t, "checkout", c.get("/checkout/"+id), []string{
		`src="` + cat.AssetURL + `" alt="` + cat.Name + `"`, `data-testid="category-name-` + cat.Identifier + `"`, ">" + cat.Name + "<",
	}, nil)

	if _, err := app.DB.Writer().Exec(`UPDATE purchases SET categories_json = ? WHERE id = ?`, `["`+cat.Identifier+`"]`, id); err != nil {
		t.Fatal(err)
	}
	app.DB.ForgetCached() // the row was changed behind the store's back
	expectPage(t, "checkout of an old row", c.get("/checkout/"+id), []string{
		`data-testid="category-` + cat.Identifier + `"`, `data-testid="category-name-` + cat.Identifier + `">Klarna<`,
	}, []string{`class="category-badge"`})

	auth := app.authorize(id, "customer@email.se", cat.Identifier)
	res := c.placeOrder(id, auth) // no category posted: the session's only one is what was paid with
	page := c.get(strings.TrimPrefix(c.followSandboxRedirect(res.Header.Get("Location")), app.URL))
	expectPage(t, "confirmation", page, []string{`data-testid="confirmation-paid-with">Klarna<`}, []string{"(Invoice)"})
}

// TestBackLinkOnlyToAnArticle: the checkout offers "Back to the article" only when the purchase began on
// an article; from anywhere else it offers the front page, named as such.
func TestBackLinkOnlyToAnArticle(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, ret, want, notWant string }{
		{"from an article", "/articles/x", `<a href="/articles/x" data-testid="back-to-article">Back to the article</a>`, "back-to-front-page"},
		{"from the offers alone", "/", `<a href="/" data-testid="back-to-front-page">Go to the front page</a>`, "Back to the article"},
		{"from the account", "/account", `<a href="/" data-testid="back-to-front-page">Go to the front page</a>`, "Back to the article"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t)
			c := app.client()
			c.login("reader@example.se", demoPassword, "/")
			res := c.post("/checkout", url.Values{"csrf": {c.csrf("/subscribe")}, "offer": {"monthly"}, "return": {tt.ret}})
			m := checkoutPath.FindStringSubmatch(res.Header.Get("Location"))
			if m == nil {
				t.Fatalf("POST /checkout: %d %q", res.Status, res.Header.Get("Location"))
			}
			expectPage(t, "checkout", c.get("/checkout/"+m[1]), []string{tt.want}, []string{tt.notWant})
		})
	}
}
