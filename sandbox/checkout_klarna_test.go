package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// What a reader meets at checkout, from the sandbox's side: the payment categories as Klarna names them
// (with badges the sandbox serves itself), who Klarna knows the buyer as, and what Payway's order says was
// used.

// paywayUser logs a persona in with the scopes of a purchase and returns its bearer header.
func paywayUser(t *testing.T, srv *httptest.Server, email string) http.Header {
	t.Helper()
	form := url.Values{"client_id": {PaywayClientID}, "client_secret": {PaywayClientSecret}, "grant_type": {"password"},
		"username": {Organisation + "^" + email}, "password": {demoPassword},
		"scope": {"/external/me/w /external/order/r /external/klarna_payments/r /external/klarna_payments/w"}}
	resp, err := srv.Client().Post(srv.URL+"/api/authorization/access_token", "application/x-www-form-urlencoded",
		strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("login %s: %d %v", email, resp.StatusCode, err)
	}
	return http.Header{"Authorization": {"Bearer " + tok.AccessToken}}
}

// openPurchase opens Payway's purchase session of an offer (code "digital" monthly, or the trial).
func openPurchase(t *testing.T, s *Server, srv *httptest.Server, bearer http.Header, trial bool) map[string]any {
	t.Helper()
	body := `{"code":"digital","period_type":"recurring","confirmation_url":"https://shop.example/c"}`
	if trial {
		o, _ := s.offers.byCode("digital_trial")
		body = `{"code":"digital_trial","period_id":"` + o.Periods[0].ID + `","confirmation_url":"https://shop.example/c"}`
	}
	r := ctlCall(t, srv, http.MethodPost, "/external/api/v1/klarna_payments/create_session", body, bearer)
	item, _ := r.body["item"].(map[string]any)
	if r.status != http.StatusOK || item == nil {
		t.Fatalf("create_session: %d %s", r.status, r.raw)
	}
	return item
}

// categoryIDs checks every payment_method_categories entry has Klarna's shape (identifier, name,
// asset_urls{descriptive, standard}) with the badge on the sandbox's origin, and returns the identifiers.
// The names are Klarna's in the session's locale.
func categoryIDs(t *testing.T, srv *httptest.Server, raw any, locale string) []string {
	t.Helper()
	list, ok := raw.([]any)
	if !ok {
		t.Fatalf("payment_method_categories = %v, want an array", raw)
	}
	var ids []string
	for _, c := range list {
		m, _ := c.(map[string]any)
		id, _ := m["identifier"].(string)
		assets, _ := m["asset_urls"].(map[string]any)
		if len(m) != 3 || m["name"] != categoryNames(locale)[id] || len(assets) != 2 ||
			assets["descriptive"] != srv.URL+klarnaBadgePath || assets["standard"] != srv.URL+klarnaBadgePath {
			t.Errorf("category %v: want {identifier, name, asset_urls{descriptive, standard}} with the sandbox's badge", m)
		}
		ids = append(ids, id)
	}
	return ids
}

// TestPaymentCategoriesAsKlarnaNamesThem: a regular offer's checkout gets the one klarna category
// ("Pay with Klarna") by default, from Klarna's API and from Payway's create_session alike; the
// several-categories persona gets the separate ones; a trial only direct debit. Every category carries
// Klarna's generic badge, served by the sandbox itself.
func TestPaymentCategoriesAsKlarnaNamesThem(t *testing.T) {
	t.Parallel()
	s, srv := startCtlSandbox(t)
	tests := []struct {
		name   string
		email  string // "": a session the merchant creates through Klarna's API
		locale string // "": the test cart's (sv-SE); Payway's sessions are always sv-SE
		trial  bool
		want   []string
	}{
		{"Klarna API session", "", "", false, []string{"klarna"}},
		{"Klarna API session in English", "", "en-SE", false, []string{"klarna"}},
		{"regular offer", "reader@example.se", "", false, []string{"klarna"}},
		{"trial", "reader@example.se", "", true, []string{"direct_debit"}},
		{"several categories persona, regular offer", "categories@example.se", "", false, []string{"klarna", "pay_later", "pay_now", "direct_debit"}},
		{"several categories persona, trial", "categories@example.se", "", true, []string{"direct_debit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cats any
			if tt.email == "" {
				var extra map[string]any
				if tt.locale != "" {
					extra = map[string]any{"locale": tt.locale}
				}
				r := klarnaCall(t, srv, KlarnaUsername, http.MethodPost, "/payments/v1/sessions", sessionJSON(t, extra), nil)
				if r.status != http.StatusOK {
					t.Fatalf("create session: %d %s", r.status, r.raw)
				}
				cats = r.body["payment_method_categories"]
			} else {
				cats = openPurchase(t, s, srv, paywayUser(t, srv, tt.email), tt.trial)["payment_method_categories"]
			}
			locale := tt.locale
			if locale == "" {
				locale = "sv-SE"
			}
			if got := categoryIDs(t, srv, cats, locale); !slices.Equal(got, tt.want) {
				t.Errorf("categories %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("the badge", func(t *testing.T) {
		resp, err := srv.Client().Get(srv.URL + klarnaBadgePath)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/svg+xml" ||
			resp.Header.Get("Cross-Origin-Resource-Policy") != "cross-origin" || !strings.Contains(string(body), "<svg") {
			t.Errorf("badge: %d %q %q %.40q", resp.StatusCode, resp.Header.Get("Content-Type"),
				resp.Header.Get("Cross-Origin-Resource-Policy"), body)
		}
	})
}

// TestKlarnaKnowsThePersona: whatever test e-mail is typed in Klarna's dialog, Klarna knows the buyer of a
// persona's purchase as the persona (name, birth date, address), so Payway's account sync leaves the
// account as it was and the order says how it was paid: klarna for the klarna category. The account-sync
// conflict personas are the exception: their Klarna person differs from the account on purpose.
func TestKlarnaKnowsThePersona(t *testing.T) {
	t.Parallel()
	tests := []struct {
		email, category string
		klarnaName      string // the authorization's customer
		status          int    // place_order's
		accountName     string // after place_order
		paidWith        string // the order's payment_option_details.type
	}{
		{"reader@example.se", "klarna", "Rita Reader", http.StatusOK, "Rita Reader", "klarna"},
		{"categories@example.se", "pay_now", "Cora Categories", http.StatusOK, "Cora Categories", "card"},
		{"categories@example.se", "direct_debit", "Cora Categories", http.StatusOK, "Cora Categories", "direct_debit"},
		{"account-update@example.se", "klarna", "Alice Test", http.StatusOK, "Ulf Update", "klarna"}, // raise flag off: kept
		{"address@example.se", "klarna", "Alice Test", http.StatusOK, "Alice Test", "klarna"},        // raise flag off: synced
		{"ssn-taken@example.se", "klarna", "Alice Test", http.StatusConflict, "Tove Taken", ""},      // raised by default
	}
	for _, tt := range tests {
		t.Run(tt.email+" "+tt.category, func(t *testing.T) {
			t.Parallel()
			s, srv := startCtlSandbox(t) // each buys the subscription: a sandbox of its own
			bearer := paywayUser(t, srv, tt.email)
			session, _ := openPurchase(t, s, srv, bearer, false)["klarna_payments_session_id"].(string)
			a := ctlCall(t, srv, http.MethodPost, "/sandbox/v1/authorize",
				`{"session_id":"`+session+`","email":"customer@email.se","category":"`+tt.category+`"}`, nil)
			token, _ := a.body["authorization_token"].(string)
			if token == "" {
				t.Fatalf("authorize: %d %s", a.status, a.raw)
			}
			authz, kerr := s.kpAuthorization(t.Context(), token)
			if kerr != nil || authz.Customer.GivenName+" "+authz.Customer.FamilyName != tt.klarnaName ||
				authz.Customer.Email != "customer@email.se" {
				t.Errorf("Klarna's customer = %+v (%v), want %s with the e-mail typed", authz.Customer, kerr, tt.klarnaName)
			}
			if p, ok := personaOf(tt.email); ok && tt.klarnaName == p.FirstName+" "+p.LastName &&
				(authz.Customer.DateOfBirth != p.BirthDate || !strings.HasPrefix(authz.Customer.StreetAddress, p.Address.Street)) {
				t.Errorf("Klarna's customer = %+v, want the persona's birth date and address", authz.Customer)
			}
			placed := ctlCall(t, srv, http.MethodPost, "/external/api/v1/klarna_payments/place_order",
				`{"klarna_authorization_token":"`+token+`","klarna_payments_session_id":"`+session+`"}`, bearer)
			if placed.status != tt.status {
				t.Fatalf("place_order: %d %s, want %d", placed.status, placed.raw, tt.status)
			}
			me := ctlCall(t, srv, http.MethodGet, "/external/api/v3/me", "", bearer)
			acc, _ := me.body["item"].(map[string]any)
			if got := acc["first_name"].(string) + " " + acc["last_name"].(string); got != tt.accountName {
				t.Errorf("account after the purchase: %s, want %s", got, tt.accountName)
			}
			if tt.paidWith == "" {
				return
			}
			item, _ := placed.body["item"].(map[string]any)
			orderID, _ := item["order_id"].(string)
			o := ctlCall(t, srv, http.MethodGet, "/external/api/v1/order?order_id="+url.QueryEscape(orderID), "", bearer)
			order, _ := o.body["item"].(map[string]any)
			details, _ := order["payment_option_details"].(map[string]any)
			if details["type"] != tt.paidWith {
				t.Errorf("order %s paid with %v, want %s", orderID, details["type"], tt.paidWith)
			}
		})
	}
}

// personaOf finds a persona by e-mail.
func personaOf(email string) (Persona, bool) {
	i := slices.IndexFunc(Personas(), func(p Persona) bool { return p.Email == email })
	if i < 0 {
		return Persona{}, false
	}
	return Personas()[i], true
}

// TestDialogSaysWhatWillHappen: the code step of Klarna's dialog says what the e-mail given will lead to:
// a decline (and why) for the decline e-mail, a correction for a malformed one, the approval rule
// otherwise; in Swedish, the test session's locale, with the e-mail escaped.
func TestDialogSaysWhatWillHappen(t *testing.T) {
	t.Parallel()
	s, srv := startCtlSandbox(t)
	sess := newTestSession(t, s, "")
	tests := []struct {
		email     string
		want, not string
	}{
		{"customer@email.se", "alla sexsiffriga koder godkänns", "neka"},
		{"customer+denied@email.se", "är e-postadressen till en testkund som Klarna inte godkänner. Använd <code>customer@email.se</code>", "alla sexsiffriga koder godkänns"},
		{"Customer+Denied+x@Email.se", "Klarna kommer att neka det här köpet", "alla sexsiffriga koder godkänns"},
		{"not-an-email", "<code>not-an-email</code> är inte en giltig e-postadress: Klarna godkänner den inte", "alla sexsiffriga koder godkänns"},
		{"<b>x</b>", "<code>&lt;b&gt;x&lt;/b&gt;</code> är inte en giltig e-postadress", "<b>"},
		{"jane.doe@example.se", "alla sexsiffriga koder godkänns", "neka"},
	}
	for _, tt := range tests {
		t.Run(tt.email, func(t *testing.T) {
			form := url.Values{"client_token": {sess.ClientToken}, "category": {"klarna"}, "origin": {"http://localhost:1"},
				"rid": {"0123456789abcdef0123456789abcdef"}, "step": {stepEmail}, "email": {tt.email}}
			resp, err := srv.Client().PostForm(srv.URL+"/kp/authorize", form)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			page, _ := io.ReadAll(resp.Body)
			_, hint, _ := strings.Cut(string(page), `data-testid="klarna-otp-hint">`)
			hint, _, _ = strings.Cut(hint, "</p>")
			if resp.StatusCode != http.StatusOK || !strings.Contains(hint, tt.want) || strings.Contains(hint, tt.not) {
				t.Errorf("code step for %s: %d, hint %q; want %q and not %q", tt.email, resp.StatusCode, hint, tt.want, tt.not)
			}
		})
	}
}

// TestResetForgetsSyncedAccounts: a purchase writes Klarna's details into the account (served from the
// account cache on the next call), and a reset puts the persona back as seeded, cache included.
func TestResetForgetsSyncedAccounts(t *testing.T) {
	t.Parallel()
	s, srv := startCtlSandbox(t)
	name := func(bearer http.Header) string {
		me := ctlCall(t, srv, http.MethodGet, "/external/api/v3/me", "", bearer)
		acc, _ := me.body["item"].(map[string]any)
		first, _ := acc["first_name"].(string)
		last, _ := acc["last_name"].(string)
		return first + " " + last
	}
	bearer := paywayUser(t, srv, "address@example.se")
	if got := name(bearer); got != "Ada Address" {
		t.Fatalf("before the purchase: %s", got)
	}
	session, _ := openPurchase(t, s, srv, bearer, false)["klarna_payments_session_id"].(string)
	a := ctlCall(t, srv, http.MethodPost, "/sandbox/v1/authorize", `{"session_id":"`+session+`","email":"customer@email.se","category":"klarna"}`, nil)
	token, _ := a.body["authorization_token"].(string)
	if placed := ctlCall(t, srv, http.MethodPost, "/external/api/v1/klarna_payments/place_order",
		`{"klarna_authorization_token":"`+token+`","klarna_payments_session_id":"`+session+`"}`, bearer); placed.status != http.StatusOK {
		t.Fatalf("place_order: %d %s", placed.status, placed.raw)
	}
	if got := name(bearer); got != "Alice Test" {
		t.Fatalf("after the purchase: %s, want Klarna's Alice Test", got)
	}
	if r := ctlCall(t, srv, http.MethodPost, "/sandbox/v1/reset", "", nil); r.status != http.StatusOK {
		t.Fatalf("reset: %d %s", r.status, r.raw)
	}
	if got := name(paywayUser(t, srv, "address@example.se")); got != "Ada Address" {
		t.Errorf("after a reset: %s, want the persona as seeded", got)
	}
}
