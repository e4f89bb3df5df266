package handlers_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/paywall/paywall/checkout"
)

// The app's own one-click token (issue 12), over HTTP against the real sandbox: the first purchase of an
// add-on paid with Klarna on our page, with and without the reader's consent to save Klarna; the token on
// /account; removing it; and who may do what.

// consentTicked matches the consent checkbox rendered ticked.
var consentTicked = regexp.MustCompile(`<input type="checkbox" id="save-klarna"[^>]* checked[ >]`)

// savedToken is the Klarna token the app keeps for the persona's account ("" when none), opened by the
// store.
func (a *testApp) savedToken(email string) string {
	a.t.Helper()
	rows, err := a.DB.Reader().Query(`SELECT account_id FROM customer_tokens`)
	if err != nil {
		a.t.Fatal(err)
	}
	var accounts []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			a.t.Fatal(err)
		}
		accounts = append(accounts, id)
	}
	rows.Close()
	for _, id := range accounts {
		if a.accountEmail(id) == email {
			tok, err := a.DB.SavedToken(context.Background(), id)
			if err != nil {
				a.t.Fatal(err)
			}
			return tok.TokenID
		}
	}
	return ""
}

// accountEmail is the e-mail of a Payway account, as the sandbox holds it.
func (a *testApp) accountEmail(accountID string) string {
	a.t.Helper()
	var email string
	a.sandboxQuery(`SELECT email FROM accounts WHERE id = ?`, []any{accountID}, &email)
	return email
}

// sandboxQuery reads one row of what the sandbox (Payway and Klarna) holds.
func (a *testApp) sandboxQuery(query string, args []any, dest ...any) {
	a.t.Helper()
	db, err := sql.Open("sqlite", "file:"+a.SandboxDB+"?mode=ro")
	if err != nil {
		a.t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(query, args...).Scan(dest...); err != nil {
		a.t.Fatalf("sandbox %s: %v", query, err)
	}
}

// klarnaTokenStatus is a customer token's status at Klarna (the sandbox).
func (a *testApp) klarnaTokenStatus(token string) string {
	a.t.Helper()
	var status string
	a.sandboxQuery(`SELECT status FROM kp_customer_tokens WHERE token_id = ?`, []any{token}, &status)
	return status
}

// startFirstPurchase presses "Pay with Klarna" on an add-on and returns the first purchase's id.
func (c *client) startFirstPurchase(offer string) string {
	c.t.Helper()
	res := c.post("/account/purchases", url.Values{"csrf": {c.csrf("/account")}, "offer": {offer}, "with": {"klarna"}})
	m := oneClickLocation.FindStringSubmatch(res.Header.Get("Location"))
	if res.Status != http.StatusSeeOther || m == nil {
		c.t.Fatalf("pay with Klarna: %d %q, want 303 to /account/purchases/:id", res.Status, res.Header.Get("Location"))
	}
	return m[1]
}

func TestFirstOneClickPurchase(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		consent bool
	}{
		{"with consent: Klarna saved, the next add-on in one click", true},
		{"without consent: nothing saved", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t)
			c := app.client()
			c.login("subscriber@example.se", demoPassword, "/")
			// No saved token: the add-on is paid with Klarna, whichever button posts it.
			res := c.post("/account/purchases", url.Values{"csrf": {c.csrf("/account")}, "offer": {offerArchive}})
			m := oneClickLocation.FindStringSubmatch(res.Header.Get("Location"))
			if res.Status != http.StatusSeeOther || m == nil {
				t.Fatalf("buy without a saved token: %d %q", res.Status, res.Header.Get("Location"))
			}
			id := m[1]
			if again := c.startFirstPurchase(offerArchive); again != id {
				t.Errorf("a second press opened %s, want the open %s", again, id)
			}
			p := app.tokenPurchase(id)
			page := c.get("/account/purchases/" + id)
			for _, want := range []string{`data-client-token="` + p.ClientToken + `"`, `data-testid="save-klarna"`,
				"Save Klarna for one-click purchases", `data-testid="buy-button"`, "E-paper archive", "SEK 29",
				app.Sandbox.URL + "/kp/lib/v1/api.js", "/static/js/firstpurchase."} {
				if page.Status != http.StatusOK || !strings.Contains(page.Body, want) {
					t.Errorf("payment page: %d, lacks %q", page.Status, want)
				}
			}
			if consentTicked.MatchString(page.Body) {
				t.Error("the consent is ticked before the reader ticks it")
			}
			if tt.consent {
				res := c.post("/account/purchases/"+id+"/consent", url.Values{"csrf": {c.csrf("/account")}, "save": {"1"}})
				if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/account/purchases/"+id {
					t.Fatalf("consent: %d %q", res.Status, res.Header.Get("Location"))
				}
				if !app.tokenPurchase(id).SaveConsent {
					t.Fatal("the consent was not stored")
				}
				if page := c.get("/account/purchases/" + id); !consentTicked.MatchString(page.Body) {
					t.Error("the page does not show the stored consent")
				}
			}
			ok, auth := app.authorizeSession(app.tokenPurchase(id).KlarnaSessionID, approvedKP)
			if !ok {
				t.Fatal("Klarna did not approve")
			}
			order := c.post("/account/purchases/"+id+"/order", url.Values{"csrf": {c.csrf("/account")}, "authorization_token": {auth}})
			if order.Status != http.StatusSeeOther || order.Header.Get("Location") != "/account/purchases/"+id {
				t.Fatalf("order: %d %q", order.Status, order.Header.Get("Location"))
			}
			// A re-sent form gets the first outcome.
			if again := c.post("/account/purchases/"+id+"/order", url.Values{"csrf": {c.csrf("/account")}, "authorization_token": {auth}}); again.Header.Get("Location") != "/account/purchases/"+id {
				t.Errorf("repeat order: %d %q", again.Status, again.Header.Get("Location"))
			}
			if _, n := app.klarnaOrders(id); n != 1 {
				t.Errorf("%d orders from the authorization, want 1", n)
			}
			confirmation := c.get("/account/purchases/" + id)
			// Paid with: the category as Klarna's session named it, never a name of ours.
			paid := app.tokenPurchase(id).Categories[0]
			if !strings.Contains(confirmation.Body, `data-testid="oneclick-confirmation"`) ||
				!strings.Contains(confirmation.Body, `data-testid="oneclick-paid-with">`+paid.Name+`<`) {
				t.Fatalf("confirmation: %d, want paid with %q", confirmation.Status, paid.Name)
			}
			if got := strings.Contains(confirmation.Body, `data-saved="true"`); got != tt.consent {
				t.Errorf("the confirmation says Klarna is saved: %v, want %v", got, tt.consent)
			}
			account := c.get("/account")
			token := app.savedToken("subscriber@example.se")
			if !tt.consent {
				if token != "" || !strings.Contains(account.Body, `data-testid="no-saved-method"`) {
					t.Errorf("without consent: token %q, account page shows a saved method", token)
				}
				return
			}
			if token == "" || strings.Contains(account.Body, token) || !strings.Contains(account.Body, `data-testid="saved-method-status">Active<`) {
				t.Fatalf("with consent: token saved %v, the account page shows it active and never the token itself", token != "")
			}
			// The next add-on is one click on the app's token.
			next := c.post("/account/purchases", url.Values{"csrf": {c.csrf("/account")}, "offer": {offerUpgrade}})
			m = oneClickLocation.FindStringSubmatch(next.Header.Get("Location"))
			if m == nil {
				t.Fatalf("one click: %d %q", next.Status, next.Header.Get("Location"))
			}
			if p := app.tokenPurchase(m[1]); p.State != checkout.OneClickCompleted || p.Method != checkout.RecoveryMethodToken || p.TokenID != token {
				t.Errorf("one click: %s via %q on another token: %v", p.State, p.Method, p.TokenID != token)
			}
		})
	}
}

func TestRemoveSavedMethod(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		fault      bool // Klarna does not answer the cancel
		wantStatus int
		wantKept   bool
		wantKlarna string
	}{
		{"removed and cancelled at Klarna", false, http.StatusSeeOther, false, "CANCELLED"},
		{"Klarna down: kept", true, http.StatusServiceUnavailable, true, "ACTIVE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t)
			c := app.client()
			c.login(tokenPersona, demoPassword, "/")
			token := app.savedToken(tokenPersona)
			if token == "" {
				t.Fatal("the persona's token was not adopted at login")
			}
			if tt.fault {
				app.sandboxControl("/sandbox/v1/faults", map[string]any{"target": "PATCH /customer-token/v1/tokens/{token}/status", "status": 503, "count": 1})
			}
			res := c.post("/account/saved-method/remove", url.Values{"csrf": {c.csrf("/account")}})
			if res.Status != tt.wantStatus {
				t.Fatalf("remove: %d, want %d", res.Status, tt.wantStatus)
			}
			if kept := app.savedToken(tokenPersona) != ""; kept != tt.wantKept {
				t.Errorf("token kept: %v, want %v", kept, tt.wantKept)
			}
			if got := app.klarnaTokenStatus(token); got != tt.wantKlarna {
				t.Errorf("token at Klarna: %s, want %s", got, tt.wantKlarna)
			}
			if tt.wantKept {
				return
			}
			if loc := res.Header.Get("Location"); loc != "/account?saved-method=removed" {
				t.Errorf("after removing: %q", loc)
			}
			page := c.get("/account?saved-method=removed")
			for _, want := range []string{`data-testid="account-notice"`, `data-testid="no-saved-method"`, `name="with" value="klarna"`} {
				if !strings.Contains(page.Body, want) {
					t.Errorf("account page after removing lacks %q", want)
				}
			}
		})
	}
}

// TestFirstPurchaseOwnershipAndCSRF: a first purchase is its owner's only, and its POSTs and the removal
// need the CSRF token and a same-site request.
func TestFirstPurchaseOwnershipAndCSRF(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	owner := app.client()
	owner.login("subscriber@example.se", demoPassword, "/")
	id := owner.startFirstPurchase(offerUpgrade)
	other := app.client()
	other.login(tokenPersona, demoPassword, "/")
	if res := other.get("/account/purchases/" + id); res.Status != http.StatusNotFound {
		t.Errorf("another customer's first purchase: %d", res.Status)
	}
	for _, path := range []string{"/account/purchases/" + id + "/consent", "/account/purchases/" + id + "/order"} {
		if res := other.post(path, url.Values{"csrf": {other.csrf("/")}, "save": {"1"}, "authorization_token": {"stolen"}}); res.Status != http.StatusNotFound {
			t.Errorf("POST %s by another customer: %d", path, res.Status)
		}
	}
	token := owner.csrf("/")
	tests := []struct {
		name    string
		c       *client
		path    string
		form    url.Values
		headers []string
		want    int
	}{
		{"consent, no token", owner, "/account/purchases/" + id + "/consent", url.Values{"save": {"1"}}, nil, http.StatusBadRequest},
		{"consent, cross-site", owner, "/account/purchases/" + id + "/consent", url.Values{"save": {"1"}, "csrf": {token}}, []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"order, wrong token", owner, "/account/purchases/" + id + "/order", url.Values{"authorization_token": {"x"}, "csrf": {"forged"}}, nil, http.StatusForbidden},
		{"remove, no token", other, "/account/saved-method/remove", url.Values{}, nil, http.StatusBadRequest},
		{"remove, cross-site", other, "/account/saved-method/remove", url.Values{"csrf": {other.csrf("/")}}, []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if res := tt.c.post(tt.path, tt.form, tt.headers...); res.Status != tt.want {
				t.Fatalf("status %d, want %d", res.Status, tt.want)
			}
		})
	}
	if p := app.tokenPurchase(id); p.SaveConsent || p.State != checkout.OneClickPaying {
		t.Errorf("refused POSTs changed the first purchase: %+v", p)
	}
	if app.savedToken(tokenPersona) == "" {
		t.Error("refused POSTs removed the saved token")
	}
}

// TestKlarnaSessionsInTheReadersLanguage: the Klarna payment sessions the app creates itself carry the
// reader's language as Klarna's locale (sv-SE or en-SE), in the Swedish market: a first purchase's (and
// its order and token), and a step-up recovery's. The bodies are read from the app's API log, which is
// what Klarna (the sandbox) received.
func TestKlarnaSessionsInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, acceptLanguage, locale string }{
		{"a Swedish reader", "sv-SE", "sv-SE"},
		{"an English reader", "en-GB,en;q=0.9", "en-SE"},
		{"no preference: Swedish", "fi-FI", "sv-SE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t)
			lang := []string{"Accept-Language", tt.acceptLanguage}
			want := []string{`"locale":"` + tt.locale + `"`, `"purchase_country":"SE"`}

			c := app.client()
			c.login("subscriber@example.se", demoPassword, "/")
			res := c.post("/account/purchases", url.Values{"csrf": {c.csrf("/account")}, "offer": {offerArchive}, "with": {"klarna"}}, lang...)
			m := oneClickLocation.FindStringSubmatch(res.Header.Get("Location"))
			if m == nil {
				t.Fatalf("pay with Klarna: %d %q", res.Status, res.Header.Get("Location"))
			}
			id := m[1]
			c.post("/account/purchases/"+id+"/consent", url.Values{"csrf": {c.csrf("/account")}, "save": {"1"}}, lang...)
			ok, auth := app.authorizeSession(app.tokenPurchase(id).KlarnaSessionID, approvedKP)
			if !ok {
				t.Fatal("Klarna did not approve")
			}
			c.post("/account/purchases/"+id+"/order", url.Values{"csrf": {c.csrf("/account")}, "authorization_token": {auth},
				"payment_method_category": {app.tokenPurchase(id).Categories[0].Identifier}}, lang...)
			for _, call := range []struct{ what, method, path string }{
				{"payment session", http.MethodPost, "/payments/v1/sessions"},
				{"order", http.MethodPost, "/order"},
				{"customer token", http.MethodPost, "/customer-token"},
			} {
				body := app.klarnaRequest(id, call.method, call.path)
				for _, w := range want {
					if !strings.Contains(body, w) {
						t.Errorf("%s: %s lacks %s", call.what, body, w)
					}
				}
			}

			s := app.client()
			s.login(stepUpPersona, demoPassword, "/")
			res = s.post("/account/purchases", url.Values{"csrf": {s.csrf("/account")}, "offer": {offerArchive}}, lang...)
			m = recoveryLocation.FindStringSubmatch(res.Header.Get("Location"))
			if m == nil {
				t.Fatalf("step-up purchase: %d %q", res.Status, res.Header.Get("Location"))
			}
			if page := s.get("/recovery/"+m[1], lang...); page.Status != http.StatusOK {
				t.Fatalf("recovery page: %d", page.Status)
			}
			body := app.klarnaRequest(m[1], http.MethodPost, "/payments/v1/sessions")
			for _, w := range want {
				if !strings.Contains(body, w) {
					t.Errorf("step-up session: %s lacks %s", body, w)
				}
			}
		})
	}
}
