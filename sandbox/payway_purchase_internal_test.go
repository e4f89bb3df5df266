package sandbox

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Internal tests of the Payway purchase side: the parts the typed client cannot see (the Klarna cart,
// stored subscriptions, the sync rules) and the pure helpers.

// purchaseClock is a movable clock for these tests.
type purchaseClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *purchaseClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func newPurchaseServer(t *testing.T) (*Server, *purchaseClock) {
	t.Helper()
	clock := &purchaseClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	s, err := New(t.Context(), Config{DBPath: t.TempDir() + "/sandbox.db", Now: clock.now})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s, clock
}

func purchaseJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPurchaseCartAddsUp(t *testing.T) {
	t.Parallel()
	for _, o := range catalogue() {
		for _, p := range o.Periods {
			c := purchaseCart(o, p)
			l := c.OrderLines[0]
			wantTax := l.TotalAmount - l.TotalAmount*10000/(10000+l.TaxRate)
			if len(c.OrderLines) != 1 || l.TotalAmount != l.Quantity*l.UnitPrice-l.TotalDiscountAmount ||
				l.TotalTaxAmount != wantTax || c.OrderAmount != l.TotalAmount || c.OrderTaxAmount != l.TotalTaxAmount ||
				l.TaxRate != 600 || l.Reference != o.Code || l.Subscription == nil ||
				l.Subscription.Interval != "MONTH" || l.Subscription.IntervalCount != p.IterationLength ||
				c.PurchaseCountry != "SE" || c.PurchaseCurrency != "SEK" {
				t.Errorf("%s/%s: cart %+v line %+v", o.Code, p.ID, c, l)
			}
		}
	}
	if c := purchaseCart(catalogue()[0], catalogue()[0].Periods[0]); c.OrderAmount != 13900 || c.OrderTaxAmount != 787 {
		t.Errorf("monthly digital = %d (tax %d), want 13900 (787)", c.OrderAmount, c.OrderTaxAmount)
	}
}

func TestCatalogueIDs(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	hex24 := regexp.MustCompile(`^[0-9a-f]{24}$`)
	for _, o := range catalogue() {
		for _, p := range o.Periods {
			if !hex24.MatchString(p.ID) || seen[p.ID] {
				t.Errorf("%s period id %q is not a unique 24-hex id", o.Code, p.ID)
			}
			seen[p.ID] = true
		}
		if o.Campaign && o.TransformTo == "" {
			t.Errorf("campaign %s does not say what it transforms into", o.Code)
		}
	}
}

// TestCreateSessionOpensKlarnaSession checks the Klarna payments session create_session opens.
func TestCreateSessionOpensKlarnaSession(t *testing.T) {
	t.Parallel()
	s, _ := newPurchaseServer(t)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	ctx := t.Context()
	acc, err := s.store.accountByEmail(ctx, "reader@example.se")
	if err != nil {
		t.Fatal(err)
	}
	trial, _ := s.offers.byCode("digital_trial")
	tests := []struct {
		name     string
		body     createSessionBody
		amount   int64
		wantCats []string // nil: the default set
	}{
		{"monthly", createSessionBody{Code: "digital", PeriodType: "recurring", ConfirmationURL: "https://a.se/c"}, 13900, nil},
		{"trial", createSessionBody{Code: "digital_trial", PeriodID: trial.Periods[0].ID, ConfirmationURL: "https://a.se/c"}, 0, []string{"direct_debit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, srv.URL+"/x", strings.NewReader(purchaseJSON(t, tt.body)))
			r.Header.Set("Content-Type", "application/json")
			item, err := s.createPurchaseSession(httptest.NewRecorder(), r, paywayAuth{AccountID: acc.ID})
			if err != nil {
				t.Fatalf("createPurchaseSession: %v", err)
			}
			kps, kerr := s.kpSession(ctx, item.KlarnaPaymentsSessionID)
			if kerr != nil {
				t.Fatalf("kpSession: %v", kerr)
			}
			if kps.Input.Intent != "buy_and_tokenize" || kps.Input.Cart.OrderAmount != tt.amount ||
				kps.Input.MerchantURLs["confirmation"] != "https://a.se/c" || kps.ClientToken != item.KlarnaClientToken {
				t.Errorf("Klarna session input = %+v", kps.Input)
			}
			var cats []string
			for _, c := range kps.Categories {
				cats = append(cats, c.Identifier)
			}
			if tt.wantCats != nil && !slices.Equal(cats, tt.wantCats) {
				t.Errorf("categories = %v, want %v", cats, tt.wantCats)
			}
			ps, err := s.store.purchaseSessionFor(ctx, acc.ID, kps.ID)
			if err != nil || ps.State != purchaseOpen || !ps.ExpiresAt.Equal(s.now().Add(48*time.Hour)) {
				t.Errorf("purchase session = %+v, %v", ps, err)
			}
		})
	}
}

// authorized is a purchase of the monthly digital package up to Klarna's authorization: place places its
// order (safe to call from several goroutines).
type authorized struct {
	acc   account
	item  createSessionItem
	res   authorizeResult
	place func() error
}

// authorizedPurchase starts a purchase by the persona with email on a sandbox of its own and authorizes it.
func authorizedPurchase(t *testing.T, email string) (*Server, authorized) {
	t.Helper()
	s, _ := newPurchaseServer(t)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	ctx := t.Context()
	acc, err := s.store.accountByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	auth := paywayAuth{AccountID: acc.ID}
	r := httptest.NewRequest(http.MethodPost, srv.URL+"/x", strings.NewReader(`{"code":"digital","period_type":"recurring","confirmation_url":"https://a.se/c"}`))
	item, err := s.createPurchaseSession(httptest.NewRecorder(), r, auth)
	if err != nil {
		t.Fatal(err)
	}
	res, kerr := s.kpAuthorize(ctx, authorizeInput{SessionID: item.KlarnaPaymentsSessionID, Email: "customer@email.se", Category: "klarna"})
	if kerr != nil || !res.Approved {
		t.Fatalf("kpAuthorize: %+v %v", res, kerr)
	}
	body := `{"klarna_authorization_token":"` + res.AuthorizationToken + `","klarna_payments_session_id":"` + item.KlarnaPaymentsSessionID + `"}`
	place := func() error {
		r := httptest.NewRequest(http.MethodPost, srv.URL+"/x", strings.NewReader(body))
		_, err := s.placePurchaseOrder(httptest.NewRecorder(), r, auth, false)
		return err
	}
	return s, authorized{acc: acc, item: item, res: res, place: place}
}

// TestDebtTerminatesSubscription checks what a 403 payment method failed leaves behind.
func TestDebtTerminatesSubscription(t *testing.T) {
	t.Parallel()
	s, p := authorizedPurchase(t, "debt@example.se")
	ctx, acc, item, res := t.Context(), p.acc, p.item, p.res
	if err := p.place(); err != errPaymentMethodFailed {
		t.Fatalf("placePurchaseOrder = %v, want payment_method_failed", err)
	}
	ups, err := s.store.userProducts(ctx, acc.ID)
	if err != nil || len(ups) != 1 || ups[0].State != "terminated" || ups[0].CancellationReason != "payment_method_failed" {
		t.Fatalf("user products = %+v, %v; want one terminated", ups, err)
	}
	o, err := s.store.orderFor(ctx, acc.ID, ups[0].OrderID)
	if err != nil || o.State != "failed" || o.PaymentState != "failed" || o.ErrorCode != "payment_method_failed" {
		t.Errorf("order = %+v, %v; want failed with payment_method_failed", o, err)
	}
	ps, err := s.store.purchaseSessionFor(ctx, acc.ID, item.KlarnaPaymentsSessionID)
	if err != nil || ps.State != purchaseOpen {
		t.Errorf("session = %+v, %v; want it still open", ps, err)
	}
	if authz, kerr := s.kpAuthorization(ctx, res.AuthorizationToken); kerr != nil || authz.OrderID != "" {
		t.Errorf("authorization = %+v, %v; want it unconsumed (nothing charged)", authz, kerr)
	}
}

func TestSyncAccount(t *testing.T) {
	t.Parallel()
	alice := kpCustomer{Email: "customer@email.se", GivenName: "Alice", FamilyName: "Test", Phone: "+46701740615",
		DateOfBirth: "1941-03-21", NationalID: "SE194103219202", StreetAddress: "Södra Blasieholmshamnen 2",
		PostalCode: "111 48", City: "Stockholm", Country: "se"}
	full := account{FirstName: "Rita", LastName: "Reader", BirthDate: "1985-03-14", SocialSecurityNumber: "850314-1239",
		MobilePhoneNumber: "+46701740605", Address: Address{FirstName: "Rita", Street: "Storgatan", StreetNumber: "12", City: "Stockholm"}}
	aliceAddr := Address{FirstName: "Alice", LastName: "Test", Street: "Södra Blasieholmshamnen", StreetNumber: "2",
		ZipCode: "11148", City: "Stockholm", CountryCode: "SE", MobileNumber: "+46701740615"}
	aliceSync := accountSync{FirstName: "Alice", LastName: "Test", BirthDate: "1941-03-21", SocialSecurityNumber: "410321-9202",
		MobilePhoneNumber: "+46701740615", Address: aliceAddr}
	tests := []struct {
		name        string
		before      account
		behaviour   string
		noOverwrite bool
		want        accountSync
		wantDeliv   Address
	}{
		{"klarna takes precedence", full, "", false, aliceSync, aliceAddr},
		{"no overwrite keeps filled fields", full, "", true, accountSync{FirstName: "Rita", LastName: "Reader",
			BirthDate: "1985-03-14", SocialSecurityNumber: "850314-1239", MobilePhoneNumber: "+46701740605", Address: full.Address}, aliceAddr},
		{"no overwrite fills blanks", account{FirstName: "Rita"}, "", true, accountSync{FirstName: "Rita", LastName: "Test",
			BirthDate: "1941-03-21", SocialSecurityNumber: "410321-9202", MobilePhoneNumber: "+46701740615", Address: aliceAddr}, aliceAddr},
		{"ssn taken keeps the ssn", account{}, PurchaseSSNTaken, false, func() accountSync { a := aliceSync; a.SocialSecurityNumber = ""; return a }(), aliceAddr},
		{"ssn set keeps the ssn", full, PurchaseSSNSet, false, func() accountSync { a := aliceSync; a.SocialSecurityNumber = full.SocialSecurityNumber; return a }(), aliceAddr},
		{"account update keeps name, birth date, address", full, PurchaseAccountUpdate, false, func() accountSync {
			a := aliceSync
			a.FirstName, a.LastName, a.BirthDate, a.Address = full.FirstName, full.LastName, full.BirthDate, full.Address
			return a
		}(), aliceAddr},
		{"delivery address left out", full, PurchaseDeliveryAddress, false, aliceSync, Address{}},
		{"debt is not a sync matter", full, PurchaseDebt, false, aliceSync, aliceAddr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, deliv := syncAccount(tt.before, alice, tt.behaviour, tt.noOverwrite)
			if got != tt.want {
				t.Errorf("sync =\n%+v\nwant\n%+v", got, tt.want)
			}
			if deliv != tt.wantDeliv {
				t.Errorf("delivery = %+v, want %+v", deliv, tt.wantDeliv)
			}
		})
	}
}

func TestConflictError(t *testing.T) {
	t.Parallel()
	all := raiseFlags{true, true, true, true}
	for behaviour, code := range map[string]string{PurchaseSSNTaken: "ssn_already_taken", PurchaseSSNSet: "ssn_already_set",
		PurchaseAccountUpdate: "account_update_failed", PurchaseDeliveryAddress: "delivery_address_invalid"} {
		if err := conflictError(behaviour, all); err == nil || err.Code != code || err.status != http.StatusConflict {
			t.Errorf("%s with all flags: %v, want 409 %s", behaviour, err, code)
		}
		if err := conflictError(behaviour, raiseFlags{}); err != nil {
			t.Errorf("%s without flags: %v, want nil", behaviour, err)
		}
	}
	for _, b := range []string{"", PurchaseDebt} {
		if err := conflictError(b, all); err != nil {
			t.Errorf("%q: %v, want nil", b, err)
		}
	}
	if got := (placeOrderBody{}).flags(); got != (raiseFlags{SSNAlreadyTaken: true}) {
		t.Errorf("default flags = %+v, want only SSN already taken (Payway's defaults)", got)
	}
}

func TestPaywayHelpers(t *testing.T) {
	t.Parallel()
	ssn := map[string]string{"SE194103219202": "410321-9202", "19410321-9202": "410321-9202", "4103219202": "410321-9202",
		"410321-9202": "410321-9202", "": "", "12345": "", "DE123": ""}
	for in, want := range ssn {
		if got := paywaySSN(in); got != want {
			t.Errorf("paywaySSN(%q) = %q, want %q", in, got, want)
		}
	}
	streets := map[string][2]string{"Södra Blasieholmshamnen 2": {"Södra Blasieholmshamnen", "2"},
		"Storgatan 12B": {"Storgatan", "12B"}, "Box 123": {"Box", "123"}, "Karlaplan": {"Karlaplan", ""}, "": {"", ""},
		"Gatan Ett": {"Gatan Ett", ""}}
	for in, want := range streets {
		if s, n := splitStreet(in); s != want[0] || n != want[1] {
			t.Errorf("splitStreet(%q) = %q, %q; want %q", in, s, n, want)
		}
	}
	for rate, want := range map[int64]string{2500: "25", 600: "6", 1250: "12.5", 0: "0"} { // the documented form: "25"
		if got := vatCode(rate); got != want {
			t.Errorf("vatCode(%d) = %q, want %q", rate, got, want)
		}
	}
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if id := personaTokenID("token@example.se"); !uuid.MatchString(id) || id != personaTokenID("Token@Example.se") || id == personaTokenID("stepup@example.se") {
		t.Errorf("personaTokenID = %q: want a stable, case-insensitive, per-email UUID", id)
	}
}

// TestPurchasePersonasSeeded checks the persona table reaches the store: behaviours and profiles.
func TestPurchasePersonasSeeded(t *testing.T) {
	t.Parallel()
	s, _ := newPurchaseServer(t)
	ctx := t.Context()
	emails := map[string]bool{}
	for _, p := range Personas() {
		if emails[p.Email] {
			t.Errorf("duplicate persona %s", p.Email)
		}
		emails[p.Email] = true
		if p.Demonstrates == "" || p.Password != demoPassword {
			t.Errorf("%s: Demonstrates %q, password %q", p.Email, p.Demonstrates, p.Password)
		}
		id := personaID(p.Email)
		b, err := s.store.purchaseBehaviour(ctx, id)
		if err != nil || b != p.Purchase {
			t.Errorf("%s: behaviour %q, %v; want %q", p.Email, b, err, p.Purchase)
		}
		prof, err := s.store.paymentProfile(ctx, id)
		switch {
		case p.KlarnaToken == nil && err != errNotFound:
			t.Errorf("%s: profile %+v, %v; want none", p.Email, prof, err)
		case p.KlarnaToken != nil && (err != nil || prof.KlarnaCustomerToken != personaSubscriptionTokenID(p.Email)):
			t.Errorf("%s: profile %+v, %v; want Payway's subscription token %s", p.Email, prof, err, personaSubscriptionTokenID(p.Email))
		case p.KlarnaToken != nil:
			// Payway's token is a subscription token that charges fine; the app's on-demand token is the
			// scenario (or, for Missing, unknown to Klarna).
			sub, kerr := s.kpCustomerToken(ctx, prof.KlarnaCustomerToken)
			if kerr != nil || sub.Kind != tokenKindSubscription || sub.Status != "ACTIVE" || sub.Behaviour != tokenBehaviourOK {
				t.Errorf("%s: Payway's token %+v, %v; want an active subscription token", p.Email, sub, kerr)
			}
			tok, kerr := s.kpCustomerToken(ctx, p.KlarnaToken.TokenID)
			switch {
			case p.KlarnaToken.Missing && kerr == nil:
				t.Errorf("%s: Klarna knows the missing token: %+v", p.Email, tok)
			case !p.KlarnaToken.Missing && (kerr != nil || tok.Status != p.KlarnaToken.Status ||
				tok.Behaviour != p.KlarnaToken.Behaviour || tok.Kind != tokenKindOnDemand):
				t.Errorf("%s: app token %+v, %v; want on-demand %s/%s", p.Email, tok, kerr, p.KlarnaToken.Status, p.KlarnaToken.Behaviour)
			}
		}
	}
	for _, want := range []string{"debt@example.se", "ssn-taken@example.se", "ssn-set@example.se", "address@example.se",
		"account-update@example.se", "token@example.se", "stepup@example.se", "token-failed@example.se",
		"token-cancelled@example.se", "token-suspended@example.se", "token-missing@example.se"} {
		if !emails[want] {
			t.Errorf("persona %s missing", want)
		}
	}
	// Seeding again (a restart) keeps the rows in line and does not fail.
	if err := s.store.seed(ctx, Personas(), s.now()); err != nil {
		t.Fatalf("reseed: %v", err)
	}
}

// TestOnePurchasePerSession places one authorization's order several times at once (a double click, a
// retried request): one buys (one closed order, one Klarna order, one subscription), every other is told
// the session was used or the package is active, and none leaves an order open.
func TestOnePurchasePerSession(t *testing.T) {
	t.Parallel()
	s, p := authorizedPurchase(t, "reader@example.se")
	errs := make([]error, 4)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() { errs[i] = p.place() })
	}
	wg.Wait()
	bought := 0
	for i, err := range errs {
		var pe *paywayError
		switch {
		case err == nil:
			bought++
		case errors.As(err, &pe) && (pe.Code == "session_completed" || pe.Code == "package_already_active"):
		default:
			t.Errorf("place_order %d: %v, want success, session_completed or package_already_active", i, err)
		}
	}
	if bought != 1 {
		t.Errorf("%d place_orders bought, want 1 (errors %v)", bought, errs)
	}
	tests := []struct {
		query string
		want  int
	}{
		{`SELECT count(*) FROM payway_orders WHERE account_id = ? AND state = 'closed'`, 1},
		{`SELECT count(*) FROM payway_orders WHERE account_id = ? AND state = 'created'`, 0},
		{`SELECT count(*) FROM user_products WHERE account_id = ?`, 1},
		{`SELECT count(*) FROM kp_orders WHERE session_id = (SELECT kp_session_id FROM purchase_sessions WHERE account_id = ?)`, 1},
	}
	for _, tt := range tests {
		if n := countRows(t, s, tt.query, p.acc.ID); n != tt.want {
			t.Errorf("%s: %d, want %d", tt.query, n, tt.want)
		}
	}
}
