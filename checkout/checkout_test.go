package checkout_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/apilog"
	"github.com/paywall/paywall/internal/paths"
	"github.com/paywall/paywall/internal/testdb"
	"github.com/paywall/paywall/internal/testenv"
	"github.com/paywall/paywall/payway"
	"github.com/paywall/paywall/store"
)

// fakePayway answers like Payway with programmable outcomes and counts the calls that move money.
type fakePayway struct {
	mu          sync.Mutex
	periods     map[string][]payway.PaymentPeriod
	sessionErr  error
	placeErr    error
	placeGate   chan struct{} // when set, place waits for it: lets tests pile up concurrent requests
	placing     chan struct{} // when set, closed as soon as a place call arrives
	places      atomic.Int32
	trialPlaces atomic.Int32
	lastPlace   payway.PlaceOrderRequest
	lastSession payway.CreateSessionRequest
	periodCalls atomic.Int32
	periodsErr  error
	orders      []payway.Order // what OrdersOfAccount answers
	ordersErr   error
	lookups     atomic.Int32
	// observe, when set, sees each call's exchange as the real clients' Observer does (the Recorder).
	observe func(ctx context.Context, ex apilog.Exchange)
}

// exchanged hands observe the exchange of one call, as the real clients do once its answer is read.
func (f *fakePayway) exchanged(ctx context.Context, call string, err error) {
	if f.observe != nil {
		f.observe(ctx, apilog.Exchange{Service: "payway", Call: call, Method: http.MethodPost, Status: http.StatusOK, Err: err})
	}
}

func newFakePayway() *fakePayway {
	return &fakePayway{periods: map[string][]payway.PaymentPeriod{
		"digital": {
			{ID: "p-month", Enabled: true, IterationType: "month", IterationLength: 1, Price: 139},
			{ID: "p-year", Enabled: true, IterationType: "month", IterationLength: 12, Price: 1390},
		},
		"digital_3for99": {{ID: "p-camp", Enabled: true, IterationType: "month", IterationLength: 3, Price: 99}},
		"digital_trial":  {{ID: "p-trial", Enabled: true, IterationType: "month", IterationLength: 1, Price: 0}},
	}}
}

func (f *fakePayway) PaymentPeriods(_ context.Context, _, code string) ([]payway.PaymentPeriod, error) {
	f.periodCalls.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.periodsErr != nil {
		return nil, f.periodsErr
	}
	ps, ok := f.periods[code]
	if !ok {
		return nil, &payway.Error{Status: http.StatusNotFound, Code: "not_found"}
	}
	return ps, nil
}

func (f *fakePayway) CreateSession(ctx context.Context, _ string, req payway.CreateSessionRequest) (payway.Session, error) {
	defer f.exchanged(ctx, "payway.create_session", nil)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastSession = req
	if f.sessionErr != nil {
		return payway.Session{}, f.sessionErr
	}
	return payway.Session{KlarnaSessionID: "ks-1", ClientToken: "a.b.c",
		PaymentMethodCategories: []payway.PaymentMethodCategory{klarnaCategory(), {Identifier: "direct_debit"}}}, nil
}

// klarnaCategory is Klarna's single category as its current guide returns it (Payway passing it on as an
// object; the fake's second category is a bare identifier, the other shape Payway may use).
func klarnaCategory() payway.PaymentMethodCategory {
	c := payway.PaymentMethodCategory{Identifier: "klarna", Name: "Betala med Klarna"}
	c.AssetURLs.Descriptive = "https://x.klarnacdn.net/payment-method/assets/badges/generic/klarna.svg"
	c.AssetURLs.Standard = "javascript:alert(1)"
	return c
}

func (f *fakePayway) place(req payway.PlaceOrderRequest) (payway.Placed, error) {
	if f.placing != nil {
		close(f.placing)
	}
	if f.placeGate != nil {
		<-f.placeGate
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastPlace = req
	if f.placeErr != nil {
		return payway.Placed{}, f.placeErr
	}
	return payway.Placed{OrderID: "SANDBOX-1001", RedirectURI: "http://127.0.0.1:8081/kp/redirect/o1"}, nil
}

func (f *fakePayway) PlaceOrder(ctx context.Context, _ string, req payway.PlaceOrderRequest) (payway.Placed, error) {
	f.places.Add(1)
	placed, err := f.place(req)
	f.exchanged(ctx, "payway.place_order", err)
	return placed, err
}

func (f *fakePayway) PlaceTrialOrder(_ context.Context, _ string, req payway.PlaceOrderRequest) (payway.Placed, error) {
	f.trialPlaces.Add(1)
	return f.place(req)
}

func (f *fakePayway) OrdersOfAccount(_ context.Context, _, _ string) ([]payway.Order, error) {
	f.lookups.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.orders, f.ordersErr
}

// fakeAppTokens hands out a fixed app token.
type fakeAppTokens struct{}

func (fakeAppTokens) Get(context.Context) (string, error) { return "app-token", nil }
func (fakeAppTokens) Forget()                             {}

func (f *fakePayway) Order(ctx context.Context, _, orderID string) (payway.Order, error) {
	f.exchanged(ctx, "payway.order", nil)
	return payway.Order{OrderID: orderID, State: "closed"}, nil
}

type clock struct{ nanos atomic.Int64 }

func (c *clock) Now() time.Time          { return time.Unix(0, c.nanos.Load()).UTC() }
func (c *clock) Advance(d time.Duration) { c.nanos.Add(int64(d)) }

type fixture struct {
	svc   *checkout.Service
	pw    *fakePayway
	db    *store.DB
	clock *clock
}

var alice = checkout.Customer{AccountID: "acc-alice", AccessToken: "tok-alice"}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db, err := store.Open(t.Context(), testdb.App(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cat, err := checkout.LoadCatalogue("")
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{}
	clk.nanos.Store(testenv.NewClock().Now().Truncate(time.Second).UnixNano()) // the real now (+ PAYWALL_TEST_CLOCK_SHIFT), then frozen
	pw := newFakePayway()
	svc, err := checkout.New(checkout.Config{
		ConfirmationURL: func(id string) string { return "http://localhost:8080" + paths.Confirmation(id) },
		Raise:           checkout.RaiseFlags{SSNAlreadyTaken: true},
		AppTokens:       fakeAppTokens{},
		Now:             clk.Now,
	}, pw, db, cat)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{svc: svc, pw: pw, db: db, clock: clk}
}

// serviceOn is a second service over the fixture's Payway and clock that keeps its purchases in st (the
// fixture's database wrapped to fail or watch a save).
func (f *fixture) serviceOn(t *testing.T, st checkout.Store) *checkout.Service {
	t.Helper()
	cat, err := checkout.LoadCatalogue("")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := checkout.New(checkout.Config{
		ConfirmationURL: func(id string) string { return "http://localhost:8080" + paths.Confirmation(id) },
		AppTokens:       fakeAppTokens{}, Now: f.clock.Now,
	}, f.pw, st, cat)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func (f *fixture) start(t *testing.T, offer string) checkout.Purchase {
	t.Helper()
	p, err := f.svc.Start(t.Context(), alice, offer, "/articles/a")
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	return p
}

func TestOffersArePricedByPayway(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	offers, err := f.svc.Offers(t.Context(), "app-token")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		period    string
		price     float64
		turnsInto float64
	}{
		"monthly": {"p-month", 139, 0}, "yearly": {"p-year", 1390, 0},
		"campaign-3for99": {"p-camp", 99, 139}, "trial": {"p-trial", 0, 139},
	}
	if len(offers) != len(want) {
		t.Fatalf("%d offers, want %d", len(offers), len(want))
	}
	for _, o := range offers {
		w := want[o.ID]
		if o.PeriodID != w.period || o.Price != w.price || o.TurnsIntoPrice != w.turnsInto {
			t.Errorf("%s: period %s price %v turns into %v, want %+v", o.ID, o.PeriodID, o.Price, o.TurnsIntoPrice, w)
		}
	}
	// Prices are cached: pricing the catalogue again costs no Payway call until they lapse.
	calls := f.pw.periodCalls.Load()
	if _, err := f.svc.Offers(t.Context(), "app-token"); err != nil || f.pw.periodCalls.Load() != calls {
		t.Errorf("second pricing made %d Payway calls (%v), want 0", f.pw.periodCalls.Load()-calls, err)
	}
	f.pw.mu.Lock()
	f.pw.periods["digital_3for99"] = nil
	f.pw.mu.Unlock()
	f.clock.Advance(f.svc.PriceTTL())
	offers, _ = f.svc.Offers(t.Context(), "app-token")
	for _, o := range offers {
		if o.ID == "campaign-3for99" {
			t.Error("an offer Payway stopped selling is still shown after the prices lapsed")
		}
	}
}

// TestPricedOfferIsOffersOne: the checkout and confirmation pages price only their own offer; the answer
// must be the one the catalogue's pricing gives, and nothing for an offer that is unknown or not sold.
func TestPricedOfferIsOffersOne(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	all, err := f.svc.Offers(t.Context(), "app-token")
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]checkout.PricedOffer{}
	for _, o := range all {
		byID[o.ID] = o
	}
	f.pw.mu.Lock()
	f.pw.periods["digital_3for99"] = nil // no longer sold once the prices lapse
	f.pw.mu.Unlock()
	tests := []struct {
		id     string
		lapsed bool // after the prices lapsed
		sold   bool
	}{
		{"monthly", false, true},
		{"yearly", false, true},
		{"campaign-3for99", false, true},
		{"trial", false, true},
		{"nope", false, false},
		{"campaign-3for99", true, false},
		{"monthly", true, true},
	}
	for _, tt := range tests {
		if tt.lapsed {
			f.clock.Advance(f.svc.PriceTTL())
		}
		got, ok, err := f.svc.PricedOffer(t.Context(), "app-token", tt.id)
		if err != nil {
			t.Fatalf("%s: %v", tt.id, err)
		}
		if ok != tt.sold {
			t.Errorf("%s (lapsed %v): sold %v, want %v", tt.id, tt.lapsed, ok, tt.sold)
			continue
		}
		if ok && !reflect.DeepEqual(got, byID[tt.id]) {
			t.Errorf("%s: %+v, want Offers' %+v", tt.id, got, byID[tt.id])
		}
	}
}

func TestStart(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.start(t, "yearly")
	if p.State != checkout.StateCreated || p.KlarnaSessionID != "ks-1" || p.ClientToken != "a.b.c" || p.PeriodID != "p-year" {
		t.Fatalf("purchase %+v", p)
	}
	if got := f.pw.lastSession.ConfirmationURL; got != "http://localhost:8080/checkout/"+p.ID+"/confirmation" {
		t.Errorf("confirmation_url %q", got)
	}
	if again := f.start(t, "yearly"); again.ID != p.ID {
		t.Error("a second start of the same offer opened another purchase")
	}
	if other := f.start(t, "monthly"); other.ID == p.ID {
		t.Error("another offer reused the purchase")
	}
	if _, err := f.svc.Start(t.Context(), alice, "nope", "/"); !errors.Is(err, checkout.ErrUnknownOffer) {
		t.Errorf("unknown offer: %v", err)
	}
}

func TestStartRefusedOrUnavailable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		err       error
		wantCode  string
		wantUnavl bool
	}{
		{"already active", &payway.Error{Status: http.StatusConflict, Code: "package_already_active"}, "package_already_active", false},
		{"payway down", &payway.Error{Status: http.StatusServiceUnavailable, Code: "unavailable"}, "session_unavailable", true},
		{"timeout", context.DeadlineExceeded, "session_unavailable", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.pw.sessionErr = tt.err
			p, err := f.svc.Start(t.Context(), alice, "monthly", "/")
			if err != nil { // the outcome is the purchase's state, never also an error
				t.Fatalf("Start: %v", err)
			}
			if got := p.FailureCode == checkout.FailSessionUnavailable; got != tt.wantUnavl {
				t.Fatalf("session unavailable = %v (code %s)", got, p.FailureCode)
			}
			if p.State != checkout.StateFailed || p.FailureCode != tt.wantCode {
				t.Fatalf("state %s code %s", p.State, p.FailureCode)
			}
			f.pw.sessionErr = nil
			if fresh := f.start(t, "monthly"); fresh.ID == p.ID || fresh.State != checkout.StateCreated {
				t.Error("a failed purchase was reused")
			}
		})
	}
}

func TestPlaceOrderOutcomes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		offer     string
		err       error
		wantState checkout.State
		wantCode  string
		wantErr   error
	}{
		{"placed", "monthly", nil, checkout.StatePlaced, "", nil},
		{"trial", "trial", nil, checkout.StatePlaced, "", nil},
		{"debt", "monthly", &payway.Error{Status: http.StatusForbidden, Code: "payment_method_failed"}, checkout.StateFailed, "payment_method_failed", nil},
		{"ssn conflict", "monthly", &payway.Error{Status: http.StatusConflict, Code: "ssn_already_taken"}, checkout.StateFailed, "ssn_already_taken", nil},
		{"expired at Payway", "monthly", &payway.Error{Status: http.StatusGone, Code: "session_expired"}, checkout.StateExpired, "", nil},
		// Sent and not answered: Payway may have placed it; the purchase says so until the reconciler knows.
		{"payway 503", "monthly", &payway.Error{Status: http.StatusServiceUnavailable}, checkout.StateUnknown, "", nil},
		{"connection lost", "monthly", errors.New("connection reset"), checkout.StateUnknown, "", nil},
		// Known not done: the request never reached Payway, or Payway refused our token.
		{"not sent", "monthly", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, checkout.StateCreated, "", checkout.ErrUnavailable},
		{"token refused", "monthly", &payway.Error{Status: http.StatusUnauthorized, Code: "invalid_token"}, checkout.StateCreated, "", checkout.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			p := f.start(t, tt.offer)
			f.pw.placeErr = tt.err
			got, err := f.svc.PlaceOrder(t.Context(), alice, p.ID, checkout.OrderInput{AuthorizationToken: "auth-1", BrowserIP: "1.2.3.4"})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			stored, _ := f.db.Purchase(t.Context(), p.ID)
			if stored.State != tt.wantState || stored.FailureCode != tt.wantCode {
				t.Fatalf("stored state %s code %q, want %s %q", stored.State, stored.FailureCode, tt.wantState, tt.wantCode)
			}
			if err == nil && got.State != tt.wantState {
				t.Errorf("returned state %s", got.State)
			}
			wantTrial := int32(0)
			if tt.offer == "trial" {
				wantTrial = 1
			}
			if f.pw.trialPlaces.Load() != wantTrial || f.pw.places.Load()+f.pw.trialPlaces.Load() != 1 {
				t.Errorf("place_order %d, place_trial_order %d", f.pw.places.Load(), f.pw.trialPlaces.Load())
			}
			req := f.pw.lastPlace
			if req.KlarnaAuthorizationToken != "auth-1" || req.KlarnaPaymentsSessionID != "ks-1" || req.BrowserIP != "1.2.3.4" ||
				req.RaiseOnSSNAlreadyTakenError == nil || !*req.RaiseOnSSNAlreadyTakenError || *req.RaiseOnSSNAlreadySetError {
				t.Errorf("place request %+v", req)
			}
		})
	}
}

// TestPlaceOrderOnce: a double click, a reload and a second tab all arrive while the first order is being
// placed; Payway is called once and every request sees the same purchase afterwards.
func TestPlaceOrderOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.start(t, "monthly")
	f.pw.placeGate = make(chan struct{})
	f.pw.placing = make(chan struct{})
	var wg sync.WaitGroup
	states := make(chan checkout.State, 8)
	wg.Add(1)
	go func() {
		defer wg.Done()
		got, err := f.svc.PlaceOrder(context.Background(), alice, p.ID, checkout.OrderInput{AuthorizationToken: "auth-1"})
		if err != nil {
			t.Errorf("first: %v", err)
		}
		states <- got.State
	}()
	<-f.pw.placing // the first request holds the purchase in placing and is inside Payway
	for range 5 {
		got, err := f.svc.PlaceOrder(t.Context(), alice, p.ID, checkout.OrderInput{AuthorizationToken: "auth-2"})
		if err != nil || got.State != checkout.StatePlacing {
			t.Errorf("repeat while placing: %s %v", got.State, err)
		}
	}
	close(f.pw.placeGate)
	wg.Wait()
	if s := <-states; s != checkout.StatePlaced {
		t.Errorf("first request ended %s", s)
	}
	again, err := f.svc.PlaceOrder(t.Context(), alice, p.ID, checkout.OrderInput{AuthorizationToken: "auth-3"})
	if err != nil || again.State != checkout.StatePlaced || again.OrderID != "SANDBOX-1001" {
		t.Errorf("repeat after placing: %+v %v", again, err)
	}
	if n := f.pw.places.Load(); n != 1 {
		t.Fatalf("Payway place_order called %d times", n)
	}
}

func TestOwnershipAndExpiry(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.start(t, "monthly")
	mallory := checkout.Customer{AccountID: "acc-mallory", AccessToken: "tok-m"}
	if _, err := f.svc.Get(t.Context(), mallory, p.ID); !errors.Is(err, checkout.ErrNotFound) {
		t.Errorf("other customer's Get: %v", err)
	}
	if _, err := f.svc.PlaceOrder(t.Context(), mallory, p.ID, checkout.OrderInput{AuthorizationToken: "x"}); !errors.Is(err, checkout.ErrNotFound) {
		t.Errorf("other customer's PlaceOrder: %v", err)
	}
	if _, err := f.svc.PlaceOrder(t.Context(), alice, p.ID, checkout.OrderInput{}); !errors.Is(err, checkout.ErrNoAuthorization) {
		t.Errorf("no authorization: %v", err)
	}
	f.clock.Advance(48 * time.Hour)
	got, err := f.svc.PlaceOrder(t.Context(), alice, p.ID, checkout.OrderInput{AuthorizationToken: "x"})
	if err != nil || got.State != checkout.StateExpired {
		t.Fatalf("after 48 h: %s %v", got.State, err)
	}
	if f.pw.places.Load() != 0 {
		t.Error("an expired purchase was sent to Payway")
	}
	if fresh := f.start(t, "monthly"); fresh.ID == p.ID {
		t.Error("an expired purchase was reused")
	}
}

func TestConfirmAndTimeline(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.start(t, "monthly")
	if _, err := f.svc.Confirm(t.Context(), alice, p.ID); !errors.Is(err, checkout.ErrNotPlaced) {
		t.Fatalf("confirm before placing: %v", err)
	}
	if _, err := f.svc.PlaceOrder(t.Context(), alice, p.ID, checkout.OrderInput{AuthorizationToken: "auth"}); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the confirmation page may be reloaded
		c, err := f.svc.Confirm(t.Context(), alice, p.ID)
		if err != nil || c.Purchase.State != checkout.StateConfirmed || c.Order.OrderID != "SANDBOX-1001" || c.Offer.ID != "monthly" {
			t.Fatalf("confirm: %+v %v", c, err)
		}
	}
	events, err := f.db.Events(t.Context(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var moves []string
	for _, e := range events {
		if e.Kind == checkout.EventState {
			moves = append(moves, string(e.From)+"→"+string(e.To)+" "+e.IDs["order_id"])
		}
	}
	got := strings.Join(moves, " | ")
	if want := "→created  | created→placing  | placing→placed SANDBOX-1001 | placed→confirmed "; got != want {
		t.Errorf("timeline %q, want %q (each transition once, the order id on placed)", got, want)
	}
}

func TestLoadCatalogue(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := writeFile(p, body); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name    string
		path    string
		wantErr string
	}{
		{"embedded default", "", ""},
		{"missing file", filepath.Join(dir, "none.json"), "no such file"},
		{"bad json", write("bad.json", "{"), "unexpected end"},
		{"no offers", write("empty.json", `{"currency":"SEK","offers":[]}`), "no offers"},
		{"bad kind", write("kind.json", `{"currency":"SEK","offers":[{"id":"a","code":"c","kind":"gift","title":"t","product":"p","period":{"iteration_type":"month","iteration_length":1}}]}`), "kind"},
		{"dangling turns_into", write("turns.json", `{"currency":"SEK","offers":[{"id":"a","code":"c","kind":"trial","title":"t","product":"p","turns_into":"b","period":{"iteration_type":"month","iteration_length":1}}]}`), "turns_into"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := checkout.LoadCatalogue(tt.path)
			if tt.wantErr == "" {
				if err != nil || len(c.Offers) < 4 {
					t.Fatalf("catalogue %+v %v", c, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestRefreshPricesReplacesCachedOnes: the background refresh puts Payway's new prices in the cache, so
// readers see them without waiting for the old ones to lapse, and a failed refresh keeps the old ones.
func TestRefreshPricesReplacesCachedOnes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		refresh   error
		wantPrice float64
	}{
		{"new prices", nil, 149},
		{"Payway down: the old prices serve", &payway.Error{Status: http.StatusBadGateway}, 139},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			if _, err := f.svc.Offers(t.Context(), "app-token"); err != nil {
				t.Fatal(err)
			}
			f.pw.mu.Lock()
			changed := slices.Clone(f.pw.periods["digital"]) // Payway answers with a new body, not the cached one changed
			changed[0].Price = 149
			f.pw.periods["digital"] = changed
			f.pw.mu.Unlock()
			if tt.refresh != nil {
				f.pw.mu.Lock()
				f.pw.periodsErr = tt.refresh
				f.pw.mu.Unlock()
			}
			if err := f.svc.RefreshPrices(t.Context(), "app-token"); (err != nil) != (tt.refresh != nil) {
				t.Fatalf("refresh: %v", err)
			}
			offers, err := f.svc.Offers(t.Context(), "app-token")
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range offers {
				if o.ID == "monthly" && o.Price != tt.wantPrice {
					t.Errorf("monthly costs %v, want %v", o.Price, tt.wantPrice)
				}
			}
		})
	}
}
