package payway_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paywall/paywall/payway"
)

// Contract tests of the Klarna purchase endpoints through the client: each endpoint's happy path and
// every error the sandbox emulates, with the documented status and code.

const confirmURL = "http://localhost:8080/checkout/abc/confirmation"

// authorize gets a Klarna authorization for a session without a browser, through the sandbox's
// control API (the same decision the authorize dialog makes). category "" is the first one offered.
func (e *env) authorize(t *testing.T, sessionID, email, category string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"session_id": sessionID, "email": email, "category": category})
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, e.srv.URL+"/sandbox/v1/authorize", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var res struct {
		Approved           bool   `json:"approved"`
		AuthorizationToken string `json:"authorization_token"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &res) != nil || !res.Approved || res.AuthorizationToken == "" {
		t.Fatalf("authorize %s as %s: %d %s", sessionID, email, resp.StatusCode, raw)
	}
	return res.AuthorizationToken
}

// periodID looks a period id up through the API, as an app would.
func (e *env) periodID(t *testing.T, token, code string, months int) string {
	t.Helper()
	periods, err := e.client.PaymentPeriods(t.Context(), token, code)
	if err != nil {
		t.Fatalf("PaymentPeriods(%s): %v", code, err)
	}
	for _, p := range periods {
		if p.IterationLength == months {
			return p.ID
		}
	}
	t.Fatalf("%s has no %d-month period in %+v", code, months, periods)
	return ""
}

// session opens a purchase session for the monthly digital package.
func (e *env) session(t *testing.T, token string, edit func(*payway.CreateSessionRequest)) payway.Session {
	t.Helper()
	req := payway.CreateSessionRequest{Code: "digital", PeriodType: "recurring", ConfirmationURL: confirmURL}
	if edit != nil {
		edit(&req)
	}
	s, err := e.client.CreateSession(t.Context(), token, req)
	if err != nil {
		t.Fatalf("CreateSession(%+v): %v", req, err)
	}
	return s
}

// trialSession opens a purchase session for the free trial campaign.
func (e *env) trialSession(t *testing.T, token string) payway.Session {
	t.Helper()
	id := e.periodID(t, token, "digital_trial", 1)
	return e.session(t, token, func(r *payway.CreateSessionRequest) {
		*r = payway.CreateSessionRequest{Code: "digital_trial", PeriodID: id, ConfirmationURL: confirmURL}
	})
}

func placeReq(s payway.Session, authToken string) payway.PlaceOrderRequest {
	return payway.PlaceOrderRequest{KlarnaAuthorizationToken: authToken, KlarnaPaymentsSessionID: s.KlarnaSessionID,
		BrowserIP: "81.208.13.50", BrowserLanguage: "sv-SE", BrowserUserAgent: "Mozilla/5.0 (test)",
		TrafficSource: "paywall", MerchantReference: "campaign-001"}
}

func TestPurchasePaymentPeriods(t *testing.T) {
	t.Parallel()
	e, other := newEnv(t, nil), newEnv(t, nil)
	tok, otherTok := e.login(t, "reader@example.se").AccessToken, other.login(t, "reader@example.se").AccessToken
	tests := []struct {
		code    string
		lengths []int
		prices  []float64
	}{
		{"digital", []int{1, 12}, []float64{139, 1390}},
		{"digital_3for99", []int{3}, []float64{99}},
		{"digital_trial", []int{1}, []float64{0}},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			got, err := e.client.PaymentPeriods(t.Context(), tok, tt.code)
			if err != nil {
				t.Fatalf("PaymentPeriods: %v", err)
			}
			if len(got) != len(tt.lengths) {
				t.Fatalf("got %d periods %+v, want %d", len(got), got, len(tt.lengths))
			}
			for i, p := range got {
				if !hex24.MatchString(p.ID) || p.PaymentMethod != "klarna_payments" || p.Type != "recurring" ||
					!p.Enabled || p.IterationType != "month" || p.IterationLength != tt.lengths[i] || p.Price != tt.prices[i] {
					t.Errorf("period %d = %+v, want recurring monthly x%d at %v", i, p, tt.lengths[i], tt.prices[i])
				}
			}
			// Period ids are stable: an app may cache them across sandbox restarts.
			again, err := other.client.PaymentPeriods(t.Context(), otherTok, tt.code)
			if err != nil || len(again) != len(got) || again[0].ID != got[0].ID {
				t.Errorf("period ids differ between sandboxes: %+v vs %+v (%v)", again, got, err)
			}
		})
	}

	errs := []struct {
		name, code, scope string
		status            int
		wantCode          string
	}{
		{"unknown code", "print", "/external/klarna_payments/r", 404, "not_found"},
		{"code too long", strings.Repeat("x", 1025), "/external/klarna_payments/r", 400, "invalid_parameter"},
		{"missing scope", "digital", "/external/me/w", 403, "insufficient_scope"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			tk, err := e.client.PasswordGrant(t.Context(), "reader@example.se", "paywall-demo", []string{tt.scope})
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.client.PaymentPeriods(t.Context(), tk.AccessToken, tt.code)
			wantAPIError(t, err, tt.status, tt.wantCode)
		})
	}
	if _, err := e.client.PaymentPeriods(t.Context(), tok, ""); err == nil {
		t.Error("PaymentPeriods with an empty code succeeded")
	}
}

var jwtShape = regexp.MustCompile(`^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$`)

func TestPurchaseCreateSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	tok := e.login(t, "reader@example.se").AccessToken
	yearly := e.periodID(t, tok, "digital", 12)
	trial := e.periodID(t, tok, "digital_trial", 1)
	campaign := e.periodID(t, tok, "digital_3for99", 3)
	today := e.clock.Now().UTC().Format(time.DateOnly)

	ok := []struct {
		name     string
		req      payway.CreateSessionRequest
		wantCats []string // nil: any non-empty set
	}{
		{"package, recurring", payway.CreateSessionRequest{Code: "digital", PeriodType: "recurring", ConfirmationURL: confirmURL}, nil},
		{"package, yearly period", payway.CreateSessionRequest{Code: "digital", PeriodID: yearly, ConfirmationURL: confirmURL}, nil},
		{"campaign, period type", payway.CreateSessionRequest{Code: "digital_3for99", PeriodType: "recurring", ConfirmationURL: "https://shop.example.se/done?x={session.id}"}, nil},
		{"campaign, period id and type", payway.CreateSessionRequest{Code: "digital_3for99", PeriodType: "recurring", PeriodID: campaign, ConfirmationURL: confirmURL}, nil},
		{"trial", payway.CreateSessionRequest{Code: "digital_trial", PeriodID: trial, ConfirmationURL: confirmURL}, []string{"direct_debit"}},
		{"start today, no overwrite", payway.CreateSessionRequest{Code: "digital", PeriodType: "recurring", ConfirmationURL: confirmURL,
			StartDate: today, DisableAccountInfoOverwrite: true}, nil},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			s, err := e.client.CreateSession(t.Context(), tok, tt.req)
			if err != nil {
				t.Fatalf("CreateSession: %v", err)
			}
			if s.KlarnaSessionID == "" || !jwtShape.MatchString(s.ClientToken) {
				t.Errorf("session = %q / %q, want an id and a JWT-shaped client token", s.KlarnaSessionID, s.ClientToken)
			}
			if want := e.clock.Now().Add(48 * time.Hour); !s.ExpiresAt.Equal(want) {
				t.Errorf("ExpiresAt = %v, want %v", s.ExpiresAt, want)
			}
			var ids []string
			for _, c := range s.PaymentMethodCategories {
				if c.Identifier == "" || c.Name == "" {
					t.Errorf("category %+v lacks identifier or name", c)
				}
				ids = append(ids, c.Identifier)
			}
			if len(ids) == 0 || (tt.wantCats != nil && !slices.Equal(ids, tt.wantCats)) {
				t.Errorf("categories = %v, want %v", ids, tt.wantCats)
			}
		})
	}

	bad := []struct {
		name   string
		email  string
		req    payway.CreateSessionRequest
		status int
		code   string
	}{
		{"missing code", "", payway.CreateSessionRequest{PeriodType: "recurring", ConfirmationURL: confirmURL}, 400, "invalid_parameter"},
		{"unknown code", "", payway.CreateSessionRequest{Code: "print", PeriodType: "recurring", ConfirmationURL: confirmURL}, 400, "invalid_parameter"},
		{"missing period", "", payway.CreateSessionRequest{Code: "digital", ConfirmationURL: confirmURL}, 400, "invalid_parameter"},
		{"bad period type", "", payway.CreateSessionRequest{Code: "digital", PeriodType: "weekly", ConfirmationURL: confirmURL}, 400, "invalid_parameter"},
		{"no limited period", "", payway.CreateSessionRequest{Code: "digital", PeriodType: "limited", ConfirmationURL: confirmURL}, 400, "invalid_parameter"},
		{"campaign not recurring", "", payway.CreateSessionRequest{Code: "digital_3for99", PeriodType: "limited", ConfirmationURL: confirmURL}, 400, "invalid_parameter"},
		{"unknown period id", "", payway.CreateSessionRequest{Code: "digital", PeriodID: "000000000000000000000000", ConfirmationURL: confirmURL}, 400, "invalid_parameter"},
		{"period of another code", "", payway.CreateSessionRequest{Code: "digital", PeriodID: trial, ConfirmationURL: confirmURL}, 400, "invalid_parameter"},
		{"period id and wrong type", "", payway.CreateSessionRequest{Code: "digital", PeriodID: yearly, PeriodType: "limited", ConfirmationURL: confirmURL}, 400, "invalid_parameter"},
		{"trial without period id", "", payway.CreateSessionRequest{Code: "digital_trial", PeriodType: "recurring", ConfirmationURL: confirmURL}, 400, "invalid_parameter"},
		{"missing confirmation url", "", payway.CreateSessionRequest{Code: "digital", PeriodType: "recurring"}, 400, "invalid_parameter"},
		{"relative confirmation url", "", payway.CreateSessionRequest{Code: "digital", PeriodType: "recurring", ConfirmationURL: "/checkout/done"}, 400, "invalid_parameter"},
		{"javascript confirmation url", "", payway.CreateSessionRequest{Code: "digital", PeriodType: "recurring", ConfirmationURL: "javascript:alert(1)"}, 400, "invalid_parameter"},
		{"bad start date", "", payway.CreateSessionRequest{Code: "digital", PeriodType: "recurring", ConfirmationURL: confirmURL, StartDate: "2026-13-01"}, 400, "invalid_parameter"},
		{"past start date", "", payway.CreateSessionRequest{Code: "digital", PeriodType: "recurring", ConfirmationURL: confirmURL, StartDate: "2026-03-01"}, 400, "invalid_parameter"},
		{"package already active", "subscriber@example.se", payway.CreateSessionRequest{Code: "digital", PeriodType: "recurring", ConfirmationURL: confirmURL}, 409, "package_already_active"},
		{"campaign on an active product", "token@example.se", payway.CreateSessionRequest{Code: "digital_trial", PeriodID: trial, ConfirmationURL: confirmURL}, 409, "package_already_active"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			tk := tok
			if tt.email != "" {
				tk = e.login(t, tt.email).AccessToken
			}
			_, err := e.client.CreateSession(t.Context(), tk, tt.req)
			wantAPIError(t, err, tt.status, tt.code)
		})
	}

	t.Run("missing scope", func(t *testing.T) {
		tk, err := e.client.PasswordGrant(t.Context(), "reader@example.se", "paywall-demo", []string{"/external/klarna_payments/r"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.client.CreateSession(t.Context(), tk.AccessToken, payway.CreateSessionRequest{Code: "digital", PeriodType: "recurring", ConfirmationURL: confirmURL})
		wantAPIError(t, err, 403, "insufficient_scope")
	})
}

func TestPurchasePlaceOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := t.Context()
	tok := e.login(t, "reader@example.se").AccessToken
	s := e.session(t, tok, nil)
	auth := e.authorize(t, s.KlarnaSessionID, "customer@email.se", "")

	placed, err := e.client.PlaceOrder(ctx, tok, placeReq(s, auth))
	if err != nil {
		t.Fatalf("PlaceOrder: %v", err)
	}
	if !regexp.MustCompile(`^SANDBOX-\d+$`).MatchString(placed.OrderID) || placed.State != "closed" {
		t.Errorf("Placed = %+v, want SANDBOX-<n> closed", placed)
	}
	if !strings.HasPrefix(placed.RedirectURI, e.srv.URL+"/kp/redirect/") {
		t.Errorf("RedirectURI = %q, want the sandbox's device-recognition redirect", placed.RedirectURI)
	}

	t.Run("access granted", func(t *testing.T) {
		got, err := e.client.ActiveProducts(ctx, tok)
		if err != nil || !slices.Equal(got, []string{"digital"}) {
			t.Errorf("ActiveProducts = %v, %v; want [digital]", got, err)
		}
	})
	t.Run("order", func(t *testing.T) {
		o, err := e.client.Order(ctx, tok, placed.OrderID)
		if err != nil {
			t.Fatalf("Order: %v", err)
		}
		checks := []struct{ field, got, want string }{
			{"OrderID", o.OrderID, placed.OrderID},
			{"PaymentOption", o.PaymentOption, "klarna_payments"},
			{"PurchaseType", o.PurchaseType, "recurring"},
			{"State", o.State, "closed"},
			{"SubscriptionStartDate", o.SubscriptionStartDate, "2026-03-02"},
			{"TrafficSource", o.TrafficSource, "paywall"},
			{"MerchantReference", o.MerchantReference, "campaign-001"},
			{"OrderDetail.ProductCode", o.OrderDetail.ProductCode, "digital"},
			{"OrderDetail.PeriodInfo.Type", o.OrderDetail.PeriodInfo.Type, "month"},
			{"OrderDetail.Created", o.OrderDetail.Created, "2026-03-02T09:00:00Z"},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
			}
		}
		if !hex24.MatchString(o.ID) || o.OrderDetail.Price != 139 || o.OrderDetail.PeriodInfo.Length != 1 ||
			o.OrderDetail.PeriodInfo.Price != 139 || o.PaymentOptionDetails.Type == "" {
			t.Errorf("order = %+v", o)
		}
		if len(o.Payments) != 1 {
			t.Fatalf("payments = %+v, want one", o.Payments)
		}
		p := o.Payments[0]
		if p.State != "closed" || p.Provider != "Tulo" || p.PaymentResult.Amount != 13900 || p.Amount != 139 ||
			p.PaymentType != "autopay" || p.PaymentResult.TransactionNumber == "" || o.FailureCode() != "" {
			t.Errorf("payment = %+v, want closed 139 kronor (13900 öre) with a transaction number", p)
		}
		if a := o.Addresses.First(); len(o.Addresses) != 1 || a.ID == "" || a.City != "Stockholm" {
			t.Errorf("Addresses = %+v, want Klarna's address with an id", o.Addresses)
		}
		// The 24-hex id finds the order too.
		if byID, err := e.client.Order(ctx, tok, o.ID); err != nil || byID.OrderID != o.OrderID {
			t.Errorf("Order by id = %+v, %v", byID.OrderID, err)
		}
	})
	t.Run("account synced from Klarna: the persona", func(t *testing.T) {
		me, err := e.client.Me(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		checks := []struct{ field, got, want string }{
			{"FirstName", me.FirstName, "Rita"},
			{"LastName", me.LastName, "Reader"},
			{"BirthDate", me.BirthDate, "1985-03-14"},
			{"SocialSecurityNumber", me.SocialSecurityNumber, "850314-1239"},
			{"MobilePhoneNumber", me.MobilePhoneNumber, "+46701740605"},
			{"Address.Street", me.Address.Street, "Storgatan"},
			{"Address.StreetNumber", me.Address.StreetNumber, "12"},
			{"Address.ZipCode", me.Address.ZipCode, "11122"},
			{"Address.City", me.Address.City, "Stockholm"},
			{"Address.CountryCode", me.Address.CountryCode, "SE"},
			{"Email (never synced)", me.Email, "reader@example.se"},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
			}
		}
	})
	t.Run("payment profile saved", func(t *testing.T) {
		ps, err := e.client.PaymentProfiles(ctx, tok)
		if err != nil {
			t.Fatalf("PaymentProfiles: %v", err)
		}
		if len(ps) != 1 || ps[0].PaymentOption != "klarna_payments" || ps[0].State != "active" || !ps[0].DefaultProfile ||
			!strings.HasPrefix(ps[0].Type, "klarna_") || len(ps[0].ID) != 24 {
			t.Errorf("profiles = %+v, want one active klarna_payments profile", ps)
		}
	})
	t.Run("session dies at the first purchase", func(t *testing.T) {
		_, err := e.client.PlaceOrder(ctx, tok, placeReq(s, auth))
		wantAPIError(t, err, 409, "session_completed")
	})
	t.Run("no second purchase of an active package", func(t *testing.T) {
		_, err := e.client.CreateSession(ctx, tok, payway.CreateSessionRequest{Code: "digital_3for99", PeriodType: "recurring", ConfirmationURL: confirmURL})
		wantAPIError(t, err, 409, "package_already_active")
	})
}

func TestPurchaseDisableOverwrite(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	tok := e.login(t, "reader@example.se").AccessToken
	before, err := e.client.Me(t.Context(), tok)
	if err != nil {
		t.Fatal(err)
	}
	s := e.session(t, tok, func(r *payway.CreateSessionRequest) { r.DisableAccountInfoOverwrite = true })
	if _, err := e.client.PlaceOrder(t.Context(), tok, placeReq(s, e.authorize(t, s.KlarnaSessionID, "customer@email.se", ""))); err != nil {
		t.Fatalf("PlaceOrder: %v", err)
	}
	after, err := e.client.Me(t.Context(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("account changed despite disable_account_info_overwrite:\nbefore %+v\nafter  %+v", before, after)
	}
}

func TestPurchaseFutureStart(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	tok := e.login(t, "reader@example.se").AccessToken
	s := e.session(t, tok, func(r *payway.CreateSessionRequest) { r.StartDate = "2026-03-05" })
	placed, err := e.client.PlaceOrder(t.Context(), tok, placeReq(s, e.authorize(t, s.KlarnaSessionID, "customer@email.se", "")))
	if err != nil {
		t.Fatalf("PlaceOrder: %v", err)
	}
	if o, err := e.client.Order(t.Context(), tok, placed.OrderID); err != nil || o.SubscriptionStartDate != "2026-03-05" {
		t.Errorf("SubscriptionStartDate = %q, %v", o.SubscriptionStartDate, err)
	}
	if got, _ := e.client.ActiveProducts(t.Context(), tok); len(got) != 0 {
		t.Errorf("ActiveProducts before the start date = %v, want none", got)
	}
	e.clock.Advance(3 * 24 * time.Hour)
	tok = e.login(t, "reader@example.se").AccessToken
	if got, _ := e.client.ActiveProducts(t.Context(), tok); !slices.Equal(got, []string{"digital"}) {
		t.Errorf("ActiveProducts from the start date = %v, want [digital]", got)
	}
}

func TestPurchaseTrial(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := t.Context()
	tok := e.login(t, "reader@example.se").AccessToken
	before, _ := e.client.Me(ctx, tok)

	regular := e.session(t, tok, nil)
	regularAuth := e.authorize(t, regular.KlarnaSessionID, "customer@email.se", "")
	t.Run("trial endpoint refuses a regular session", func(t *testing.T) {
		_, err := e.client.PlaceTrialOrder(ctx, tok, placeReq(regular, regularAuth))
		wantAPIError(t, err, 400, "not_a_trial")
	})

	s := e.trialSession(t, tok)
	auth := e.authorize(t, s.KlarnaSessionID, "customer@email.se", "direct_debit")
	t.Run("regular endpoint refuses a trial session", func(t *testing.T) {
		_, err := e.client.PlaceOrder(ctx, tok, placeReq(s, auth))
		wantAPIError(t, err, 400, "trial_order_required")
	})

	placed, err := e.client.PlaceTrialOrder(ctx, tok, placeReq(s, auth))
	if err != nil {
		t.Fatalf("PlaceTrialOrder: %v", err)
	}
	o, err := e.client.Order(ctx, tok, placed.OrderID)
	if err != nil {
		t.Fatalf("Order: %v", err)
	}
	if o.State != "closed" || o.OrderDetail.Price != 0 || o.PaymentOptionDetails.Type != "direct_debit" || len(o.Addresses) != 0 {
		t.Errorf("trial order = %+v, want closed, free, direct debit, no delivery address", o)
	}
	if got, _ := e.client.ActiveProducts(ctx, tok); !slices.Equal(got, []string{"digital"}) {
		t.Errorf("ActiveProducts = %v, want [digital]", got)
	}
	if after, _ := e.client.Me(ctx, tok); after != before {
		t.Errorf("a trial order synced the account (Payway gets no Klarna data until the first charge):\n%+v\n%+v", before, after)
	}
	if ps, err := e.client.PaymentProfiles(ctx, tok); err != nil || len(ps) != 1 || ps[0].Type != "klarna_direct_debit" {
		t.Errorf("PaymentProfiles after trial = %+v, %v; want one direct debit profile", ps, err)
	}
	t.Run("the regular session cannot buy the active product any more", func(t *testing.T) {
		_, err := e.client.PlaceOrder(ctx, tok, placeReq(regular, regularAuth))
		wantAPIError(t, err, 409, "package_already_active")
	})
}

func TestPurchaseSessionAndAuthorizationRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := t.Context()
	tok := e.login(t, "reader@example.se").AccessToken
	s := e.session(t, tok, nil)
	auth := e.authorize(t, s.KlarnaSessionID, "customer@email.se", "")
	other := e.session(t, tok, nil)
	otherAuth := e.authorize(t, other.KlarnaSessionID, "customer@email.se", "")
	rival := e.login(t, "ssn-set@example.se").AccessToken

	tests := []struct {
		name   string
		token  string
		req    payway.PlaceOrderRequest
		status int
		code   string
	}{
		{"unknown session", tok, payway.PlaceOrderRequest{KlarnaAuthorizationToken: auth, KlarnaPaymentsSessionID: "nope"}, 404, "not_found"},
		{"another account's session", rival, placeReq(s, auth), 404, "not_found"},
		{"unknown authorization", tok, placeReq(s, "forged-token"), 400, "invalid_authorization"},
		{"authorization of another session", tok, placeReq(s, otherAuth), 400, "invalid_authorization"},
		{"missing authorization", tok, placeReq(s, ""), 400, "invalid_parameter"},
		{"missing session", tok, payway.PlaceOrderRequest{KlarnaAuthorizationToken: auth}, 400, "invalid_parameter"},
		{"bad browser ip", tok, func() payway.PlaceOrderRequest { r := placeReq(s, auth); r.BrowserIP = "not-an-ip"; return r }(), 400, "invalid_parameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.client.PlaceOrder(ctx, tt.token, tt.req)
			wantAPIError(t, err, tt.status, tt.code)
		})
	}
	t.Run("missing scope", func(t *testing.T) {
		tk, err := e.client.PasswordGrant(ctx, "reader@example.se", "paywall-demo", []string{"/external/klarna_payments/r"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.client.PlaceOrder(ctx, tk.AccessToken, placeReq(s, auth))
		wantAPIError(t, err, 403, "insufficient_scope")
	})
	// None of the failures above consumed anything: the session still sells.
	if _, err := e.client.PlaceOrder(ctx, tok, placeReq(s, auth)); err != nil {
		t.Fatalf("PlaceOrder after the failures: %v", err)
	}
}

func TestPurchaseExpiry(t *testing.T) {
	t.Parallel()
	t.Run("authorization older than 60 minutes", func(t *testing.T) {
		e := newEnv(t, nil)
		tok := e.login(t, "reader@example.se")
		s := e.session(t, tok.AccessToken, nil)
		auth := e.authorize(t, s.KlarnaSessionID, "customer@email.se", "")
		e.clock.Advance(61 * time.Minute)
		fresh, err := e.client.Refresh(t.Context(), tok.RefreshToken)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.client.PlaceOrder(t.Context(), fresh.AccessToken, placeReq(s, auth))
		wantAPIError(t, err, 400, "invalid_authorization")
		// A new authorization of the same session still works.
		if _, err := e.client.PlaceOrder(t.Context(), fresh.AccessToken, placeReq(s, e.authorize(t, s.KlarnaSessionID, "customer@email.se", ""))); err != nil {
			t.Fatalf("PlaceOrder with a fresh authorization: %v", err)
		}
	})
	t.Run("session older than 48 hours", func(t *testing.T) {
		e := newEnv(t, nil)
		tok := e.login(t, "reader@example.se").AccessToken
		s := e.session(t, tok, nil)
		e.clock.Advance(47*time.Hour + 30*time.Minute)
		auth := e.authorize(t, s.KlarnaSessionID, "customer@email.se", "")
		e.clock.Advance(30 * time.Minute) // exactly 48 h: the session is dead, the authorization is fresh
		_, err := e.client.PlaceOrder(t.Context(), e.login(t, "reader@example.se").AccessToken, placeReq(s, auth))
		wantAPIError(t, err, 410, "session_expired")
	})
}

func TestPurchaseDebt(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	tok := e.login(t, "debt@example.se").AccessToken
	for _, trial := range []bool{false, true} {
		var s payway.Session
		var err error
		if trial {
			s = e.trialSession(t, tok)
			_, err = e.client.PlaceTrialOrder(t.Context(), tok, placeReq(s, e.authorize(t, s.KlarnaSessionID, "customer@email.se", "direct_debit")))
		} else {
			s = e.session(t, tok, nil)
			_, err = e.client.PlaceOrder(t.Context(), tok, placeReq(s, e.authorize(t, s.KlarnaSessionID, "customer@email.se", "")))
		}
		wantAPIError(t, err, 403, "payment_method_failed")
	}
	if got, _ := e.client.ActiveProducts(t.Context(), tok); len(got) != 0 {
		t.Errorf("ActiveProducts = %v, want none after payment method failed", got)
	}
	if ps, err := e.client.PaymentProfiles(t.Context(), tok); err != nil || len(ps) != 0 {
		t.Errorf("PaymentProfiles after a failed purchase: %+v, %v; want none", ps, err)
	}
}

func TestPurchaseSyncConflicts(t *testing.T) {
	t.Parallel()
	on, off := new(true), new(false)
	tests := []struct {
		email string
		set   func(r *payway.PlaceOrderRequest, v *bool) // sets the persona's raise_on_* flag
		// defaultRaises: Payway's default for the flag raises (only SSN already taken).
		defaultRaises bool
		code          string
		// check verifies what the purchase without raising left alone.
		check func(t *testing.T, before, after payway.Account, o payway.Order)
	}{
		{"ssn-taken@example.se", func(r *payway.PlaceOrderRequest, v *bool) { r.RaiseOnSSNAlreadyTakenError = v }, true, "ssn_already_taken",
			func(t *testing.T, before, after payway.Account, _ payway.Order) {
				if after.SocialSecurityNumber != "" || after.FirstName != "Alice" {
					t.Errorf("SSN %q name %q: want the SSN left unset and the rest synced", after.SocialSecurityNumber, after.FirstName)
				}
			}},
		{"ssn-set@example.se", func(r *payway.PlaceOrderRequest, v *bool) { r.RaiseOnSSNAlreadySetError = v }, false, "ssn_already_set",
			func(t *testing.T, before, after payway.Account, _ payway.Order) {
				if after.SocialSecurityNumber != before.SocialSecurityNumber || after.LastName != "Test" {
					t.Errorf("SSN %q name %q: want the SSN kept and the rest synced", after.SocialSecurityNumber, after.LastName)
				}
			}},
		{"account-update@example.se", func(r *payway.PlaceOrderRequest, v *bool) { r.RaiseOnAccountUpdateError = v }, false, "account_update_failed",
			func(t *testing.T, before, after payway.Account, _ payway.Order) {
				if after.FirstName != before.FirstName || after.BirthDate != before.BirthDate || after.Address != before.Address {
					t.Errorf("name/birth date/address changed: %+v", after)
				}
				if after.MobilePhoneNumber != "+46701740615" {
					t.Errorf("mobile = %q, want it synced (not part of an account update)", after.MobilePhoneNumber)
				}
			}},
		{"address@example.se", func(r *payway.PlaceOrderRequest, v *bool) { r.RaiseOnDeliveryAddressError = v }, false, "delivery_address_invalid",
			func(t *testing.T, before, after payway.Account, o payway.Order) {
				if len(o.Addresses) != 0 {
					t.Errorf("Addresses = %+v, want none", o.Addresses)
				}
				if after.Address.Street != "Södra Blasieholmshamnen" {
					t.Errorf("account address %+v, want it synced", after.Address)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.email, func(t *testing.T) {
			e := newEnv(t, nil)
			ctx := t.Context()
			tok := e.login(t, tt.email).AccessToken
			before, _ := e.client.Me(ctx, tok)
			s := e.session(t, tok, nil)
			auth := e.authorize(t, s.KlarnaSessionID, "customer@email.se", "")

			raising := []*bool{on}
			if tt.defaultRaises {
				raising = append(raising, nil)
			}
			for _, v := range raising {
				req := placeReq(s, auth)
				tt.set(&req, v)
				_, err := e.client.PlaceOrder(ctx, tok, req)
				wantAPIError(t, err, 409, tt.code)
			}
			if got, _ := e.client.ActiveProducts(ctx, tok); len(got) != 0 {
				t.Fatalf("ActiveProducts after a raised conflict = %v, want none (nothing bought)", got)
			}
			if after, _ := e.client.Me(ctx, tok); after != before {
				t.Fatalf("a raised conflict changed the account: %+v", after)
			}

			// Without raising (explicitly off, or by default where Payway's default is off), the same
			// session and authorization buy: nothing was charged before.
			req := placeReq(s, auth)
			tt.set(&req, off)
			if !tt.defaultRaises {
				tt.set(&req, nil)
			}
			placed, err := e.client.PlaceOrder(ctx, tok, req)
			if err != nil {
				t.Fatalf("PlaceOrder without raising: %v", err)
			}
			after, _ := e.client.Me(ctx, tok)
			o, err := e.client.Order(ctx, tok, placed.OrderID)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, before, after, o)
		})
	}
}

func TestPurchaseOrderErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := t.Context()
	tok := e.login(t, "reader@example.se").AccessToken
	s := e.session(t, tok, nil)
	placed, err := e.client.PlaceOrder(ctx, tok, placeReq(s, e.authorize(t, s.KlarnaSessionID, "customer@email.se", "")))
	if err != nil {
		t.Fatal(err)
	}
	scoped := func(scope string) string {
		tk, err := e.client.PasswordGrant(ctx, "reader@example.se", "paywall-demo", []string{scope})
		if err != nil {
			t.Fatal(err)
		}
		return tk.AccessToken
	}
	tests := []struct {
		name, token, id string
		status          int
		code            string
	}{
		{"another account's order", e.login(t, "subscriber@example.se").AccessToken, placed.OrderID, 404, "not_found"},
		{"unknown order", tok, "SANDBOX-999999", 404, "not_found"},
		{"missing scope", scoped("/external/me/w"), placed.OrderID, 403, "insufficient_scope"},
		{"order scope is enough", scoped("/external/order/r"), placed.OrderID, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.client.Order(ctx, tt.token, tt.id)
			if tt.status == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantAPIError(t, err, tt.status, tt.code)
		})
	}
	if _, err := e.client.Order(ctx, tok, ""); err == nil {
		t.Error("Order with an empty id succeeded")
	}
}

func TestPurchasePaymentProfile(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := t.Context()
	ids := map[string]string{}
	for _, email := range []string{"token@example.se", "stepup@example.se", "token-failed@example.se",
		"token-cancelled@example.se", "token-suspended@example.se", "token-missing@example.se"} {
		ps, err := e.client.PaymentProfiles(ctx, e.login(t, email).AccessToken)
		if err != nil {
			t.Fatalf("PaymentProfiles(%s): %v", email, err)
		}
		// Payway's profile describes the subscription's payment; the app's one-click token (cancelled,
		// suspended, unknown for some of these personas) is not Payway's business.
		if len(ps) != 1 || ps[0].PaymentOption != "klarna_payments" || ps[0].Type != "klarna_card" || ps[0].State != "active" ||
			ps[0].MaskedNumber() == "" || ps[0].Brand() == "" || ps[0].AccountID == "" {
			t.Errorf("%s: profiles %+v", email, ps)
			continue
		}
		if prev, dup := ids[ps[0].ID]; dup {
			t.Errorf("%s and %s share profile %s", email, prev, ps[0].ID)
		}
		ids[ps[0].ID] = email
	}
	// Profile ids are stable across sandboxes.
	other := newEnv(t, nil)
	ps, err := other.client.PaymentProfiles(ctx, other.login(t, "token@example.se").AccessToken)
	if err != nil || len(ps) != 1 || ids[ps[0].ID] != "token@example.se" {
		t.Errorf("token@example.se in another sandbox: %+v, %v", ps, err)
	}

	if ps, err := e.client.PaymentProfiles(ctx, e.login(t, "reader@example.se").AccessToken); err != nil || len(ps) != 0 {
		t.Errorf("reader@example.se: %+v, %v; want no profiles", ps, err)
	}
	tk, err := e.client.PasswordGrant(ctx, "token@example.se", "paywall-demo", []string{"/external/me/w"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.client.PaymentProfiles(ctx, tk.AccessToken)
	wantAPIError(t, err, 403, "insufficient_scope")
}

// TestPaymentProfileFieldsAsDocumented reads the sandbox's raw answer: the documented path with its
// trailing slash, a list in "items", each item with exactly the documented fields, and no Klarna
// customer token anywhere (neither Payway's own nor the app's).
func TestPaymentProfileFieldsAsDocumented(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	email := "stepup@example.se"
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, e.srv.URL+"/external/api/v1/me/payment_profile/", nil)
	req.Header.Set("Authorization", "Bearer "+e.login(t, email).AccessToken)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var body struct {
		Items []map[string]json.RawMessage `json:"items"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &body) != nil || len(body.Items) != 1 {
		t.Fatalf("GET payment_profile/: %d %s", resp.StatusCode, raw)
	}
	documented := []string{"account_id", "agreements", "default_profile", "id", "meta_data", "payment_option", "state", "type"}
	var keys []string
	for k := range body.Items[0] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, documented) {
		t.Errorf("fields %v, want the documented %v", keys, documented)
	}
	for _, secret := range []string{"klarna_customer_token", "customer_token", persona(t, email).KlarnaToken.TokenID} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("the profile exposes %q: %s", secret, raw)
		}
	}
}

func TestPurchaseObserverMasksSecrets(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := t.Context()
	tok := e.login(t, "reader@example.se").AccessToken
	s := e.session(t, tok, nil)
	auth := e.authorize(t, s.KlarnaSessionID, "customer@email.se", "")
	if _, err := e.client.PlaceOrder(ctx, tok, placeReq(s, auth)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.PaymentProfiles(ctx, tok); err != nil {
		t.Fatal(err)
	}
	secrets := []string{tok, s.ClientToken, auth}
	var paths []string
	for _, ex := range e.obs.all() {
		paths = append(paths, ex.Method+" "+ex.Path)
		text := ex.Path + "\n" + ex.RequestBody + "\n" + ex.ResponseBody
		for _, secret := range secrets {
			if strings.Contains(text, secret) {
				t.Errorf("%s %s exposes a secret:\n%s", ex.Method, ex.Path, text)
			}
		}
	}
	for _, want := range []string{"POST /external/api/v1/klarna_payments/create_session",
		"POST /external/api/v1/klarna_payments/place_order", "GET /external/api/v1/me/payment_profile/"} {
		if !slices.Contains(paths, want) {
			t.Errorf("exchanges %v lack %s", paths, want)
		}
	}
}

// TestPurchaseReset checks POST /sandbox/v1/reset takes purchases back: access, profile, account data.
func TestPurchaseReset(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := t.Context()
	tok := e.login(t, "reader@example.se").AccessToken
	before, _ := e.client.Me(ctx, tok)
	s := e.session(t, tok, nil)
	placed, err := e.client.PlaceOrder(ctx, tok, placeReq(s, e.authorize(t, s.KlarnaSessionID, "customer@email.se", "")))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, e.srv.URL+"/sandbox/v1/reset", strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json") // the control API takes JSON only
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("reset: %d", resp.StatusCode)
	}
	tok = e.login(t, "reader@example.se").AccessToken // reset revoked every token
	if got, _ := e.client.ActiveProducts(ctx, tok); len(got) != 0 {
		t.Errorf("ActiveProducts after reset = %v", got)
	}
	if ps, err := e.client.PaymentProfiles(ctx, tok); err != nil || len(ps) != 0 {
		t.Errorf("PaymentProfiles after reset: %+v, %v; want none", ps, err)
	}
	if _, err := e.client.Order(ctx, tok, placed.OrderID); !payway.IsCode(err, "not_found") {
		t.Errorf("Order after reset: %v, want not_found", err)
	}
	if after, _ := e.client.Me(ctx, tok); after != before {
		t.Errorf("account after reset = %+v, want the seeded %+v", after, before)
	}
	if ps, err := e.client.PaymentProfiles(ctx, e.login(t, "token@example.se").AccessToken); err != nil || len(ps) != 1 {
		t.Errorf("token persona's profiles after reset: %+v, %v", ps, err)
	}
}
