package checkout_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/testenv"
	"github.com/paywall/paywall/klarna"
	"github.com/paywall/paywall/sandbox"
)

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestLoadOneClickOffers(t *testing.T) {
	t.Parallel()
	offers, err := checkout.LoadOneClickOffers("")
	if err != nil {
		t.Fatal(err)
	}
	if len(offers) != 2 || offers[0].AmountMinor != 2900 || offers[1].AmountMinor != 4900 || offers[0].TaxRate != 600 {
		t.Errorf("default offers: %+v", offers)
	}
	dir := t.TempDir()
	tests := []struct{ name, body, want string }{
		{"no offers", `{"offers":[]}`, "no offers"},
		{"missing reference", `{"offers":[{"id":"a","title":"A","amount_minor":100,"tax_rate":600}]}`, "required"},
		{"zero price", `{"offers":[{"id":"a","title":"A","amount_minor":0,"tax_rate":600,"reference":"r"}]}`, "amount_minor"},
		{"tax rate", `{"offers":[{"id":"a","title":"A","amount_minor":100,"tax_rate":10001,"reference":"r"}]}`, "tax_rate"},
		{"duplicate", `{"offers":[{"id":"a","title":"A","amount_minor":1,"tax_rate":0,"reference":"r"},{"id":"a","title":"B","amount_minor":1,"tax_rate":0,"reference":"s"}]}`, "duplicate"},
		{"not JSON", `{`, "unexpected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := dir + "/" + strings.ReplaceAll(tt.name, " ", "_") + ".json"
			if err := writeFile(path, tt.body); err != nil {
				t.Fatal(err)
			}
			if _, err := checkout.LoadOneClickOffers(path); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestSavedMethod(t *testing.T) {
	t.Parallel()
	e := newOneClickEnv(t)
	tests := []struct {
		email      string
		wantErr    error
		wantStatus string
		wantType   string
		usable     bool
	}{
		{"token@example.se", nil, klarna.TokenActive, "CARD", true},
		{"stepup@example.se", nil, klarna.TokenActive, "CARD", true},
		{"token-cancelled@example.se", nil, klarna.TokenCancelled, "CARD", false},
		{"token-suspended@example.se", nil, klarna.TokenSuspended, "CARD", false},
		{"token-missing@example.se", nil, checkout.TokenNotFound, "", false},
		{"reader@example.se", checkout.ErrNoSavedMethod, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.email, func(t *testing.T) {
			m, err := e.oc.SavedMethod(t.Context(), e.customer(tt.email))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if m.Status != tt.wantStatus || m.Type != tt.wantType || m.Usable() != tt.usable {
				t.Errorf("method %+v, want status %s type %s usable %v", m, tt.wantStatus, tt.wantType, tt.usable)
			}
			if tt.wantType == "CARD" && !strings.HasSuffix(m.MaskedNumber, "1111") {
				t.Errorf("masked number %q", m.MaskedNumber)
			}
		})
	}
}

func TestOneClickBuy(t *testing.T) {
	t.Parallel()
	e := newOneClickEnv(t)
	tests := []struct {
		email    string
		state    checkout.State
		code     string
		method   string
		orders   int
		timeline string // a state event that must be on the timeline
	}{
		{"token@example.se", checkout.OneClickCompleted, "", checkout.RecoveryMethodToken, 1, "created → completed"},
		{"stepup@example.se", checkout.OneClickRecovering, "", "", 0, "created → recovering"},
		{"token-failed@example.se", checkout.OneClickFailed, checkout.FailTokenPayment, "", 0, "→ failed PAYMENT_METHOD_FAILED"},
		{"token-cancelled@example.se", checkout.OneClickFailed, checkout.FailTokenCancelled, "", 0, "→ failed TOKEN_CANCELLED"},
		{"token-suspended@example.se", checkout.OneClickFailed, checkout.FailTokenSuspended, "", 0, "→ failed TOKEN_SUSPENDED"},
		{"token-missing@example.se", checkout.OneClickFailed, checkout.FailTokenNotFound, "", 0, "→ failed TOKEN_NOT_FOUND"},
	}
	for _, tt := range tests {
		t.Run(tt.email, func(t *testing.T) {
			c := e.customer(tt.email)
			p := e.buy(c, "epaper-archive")
			if p.State != tt.state || p.FailureCode != tt.code || p.Method != tt.method {
				t.Fatalf("purchase %+v, want %s %q by %q", p, tt.state, tt.code, tt.method)
			}
			if (p.OrderID != "") != (tt.orders == 1) || e.klarnaOrders(p.ID) != tt.orders {
				t.Errorf("order %q, Klarna holds %d, want %d", p.OrderID, e.klarnaOrders(p.ID), tt.orders)
			}
			if (p.StepUpID != "") != (tt.state == checkout.OneClickRecovering) {
				t.Errorf("step_up_id %q in state %s", p.StepUpID, p.State)
			}
			st := e.stored(p.ID)
			if !uuidPattern.MatchString(st.IdempotencyKey) {
				t.Errorf("idempotency key %q is not a UUID", st.IdempotencyKey)
			}
			// The charge as sent: step-up supported (the customer is present), our id as the order number,
			// the offer's price with its VAT.
			req := e.apiRequest(p.ID, http.MethodPost, "/customer-token/v1/tokens/")
			for _, want := range []string{`"step_up":"SUPPORTED"`, `"merchant_reference1":"` + p.ID + `"`,
				`"order_amount":2900`, `"order_tax_amount":164`, `"tax_rate":600`, `"purchase_currency":"SEK"`} {
				if !strings.Contains(req, want) {
					t.Errorf("token order %s lacks %s", req, want)
				}
			}
			// Only customer_token_order's fields: the token carries the market.
			for _, absent := range []string{`"purchase_country"`, `"locale"`} {
				if strings.Contains(req, absent) {
					t.Errorf("token order %s carries %s", req, absent)
				}
			}
			if !hasState(e.events(p.ID), tt.timeline) {
				t.Errorf("timeline lacks %q: %+v", tt.timeline, e.events(p.ID))
			}
			got, err := e.oc.Get(t.Context(), c, p.ID)
			if err != nil || got.State != p.State || got.OrderID != p.OrderID {
				t.Errorf("Get: %+v %v", got, err)
			}
		})
	}

	t.Run("no saved method", func(t *testing.T) {
		if _, err := e.oc.Buy(t.Context(), e.customer("reader@example.se"), "epaper-archive"); !errors.Is(err, checkout.ErrNoSavedMethod) {
			t.Errorf("err %v", err)
		}
	})
	t.Run("unknown offer", func(t *testing.T) {
		if _, err := e.oc.Buy(t.Context(), e.customer("token@example.se"), "gift"); !errors.Is(err, checkout.ErrUnknownOffer) {
			t.Errorf("err %v", err)
		}
	})
}

// hasState reports whether the timeline has a state event saying part: "from → to" for a transition, or
// words of its note.
func hasState(evs []checkout.Event, part string) bool {
	for _, ev := range evs {
		said := string(ev.From) + " → " + string(ev.To) + " " + ev.Note
		if ev.Kind == checkout.EventState && strings.Contains(said, part) {
			return true
		}
	}
	return false
}

// TestOneClickRetryReusesKey: a charge Klarna did not answer is retried with the same key and the same
// body, so a charge that did happen (its answer lost) is answered again instead of made twice; an
// answered purchase makes the next buy a fresh attempt with a fresh key. (It buys the upgrade, which can be
// bought again; the archive is one-time, see TestOwnedOneTimeItemIsNotSoldAgain.)
func TestOneClickRetryReusesKey(t *testing.T) {
	t.Parallel()
	e := newOneClickEnv(t)
	c := e.customer("token@example.se")
	e.fault("POST /customer-token/v1/tokens/{token}/order", http.StatusServiceUnavailable)
	first := e.buy(c, "digital-plus")
	if first.State != checkout.OneClickUnknown || first.FailureCode != "" {
		t.Fatalf("Klarna 503 (sent, not answered): %+v, want unknown", first)
	}
	st := e.stored(first.ID)

	// Klarna did charge after all (the answer was lost on the way): the charge, with the stored key and body.
	kl := klarna.New(klarna.Config{BaseURL: e.sandboxURL, Username: sandbox.KlarnaUsername, Password: sandbox.KlarnaPassword})
	var req klarna.TokenOrderRequest
	if err := json.Unmarshal([]byte(st.OrderRequest), &req); err != nil {
		t.Fatal(err)
	}
	lost, err := kl.CreateTokenOrder(t.Context(), st.TokenID, st.IdempotencyKey, req)
	if err != nil {
		t.Fatal(err)
	}

	retry := e.buy(c, "digital-plus")
	if retry.ID != first.ID || retry.State != checkout.OneClickCompleted || retry.OrderID != lost.OrderID {
		t.Fatalf("retry: %+v, want purchase %s completed with the lost order %s", retry, first.ID, lost.OrderID)
	}
	if again := e.stored(first.ID); again.IdempotencyKey != st.IdempotencyKey {
		t.Errorf("retry changed the key: %s -> %s", st.IdempotencyKey, again.IdempotencyKey)
	}
	if n := e.klarnaOrders(first.ID); n != 1 {
		t.Errorf("Klarna holds %d orders, want 1", n)
	}
	if !hasState(e.events(first.ID), "retry with the same Klarna-Idempotency-Key") {
		t.Error("the retry is not on the timeline")
	}

	// A double click right after: the same purchase, nothing charged.
	if dbl := e.buy(c, "digital-plus"); dbl.ID != first.ID {
		t.Errorf("double click made purchase %s", dbl.ID)
	}
	// Later, a new purchase of the same offer is a new attempt with its own key.
	e.clock.Advance(2 * time.Minute)
	next := e.buy(c, "digital-plus")
	if next.ID == first.ID || next.State != checkout.OneClickCompleted || e.stored(next.ID).IdempotencyKey == st.IdempotencyKey {
		t.Errorf("next purchase %+v reuses the first", next)
	}
	// A payment method failure is answered: buying again is a fresh attempt.
	f := e.customer("token-failed@example.se")
	a, b := e.buy(f, "digital-plus"), e.buy(f, "digital-plus")
	if a.ID == b.ID || e.stored(a.ID).IdempotencyKey == e.stored(b.ID).IdempotencyKey {
		t.Errorf("a failed purchase was retried with its key: %s %s", a.ID, b.ID)
	}
}

// TestOneClickTimeout: Klarna answering after our client gave up is an unknown outcome, resent with the
// same key.
func TestOneClickTimeout(t *testing.T) {
	t.Parallel()
	// The client gives up long before the delayed answer, and the retry must fit in the same timeout on a
	// busy machine: both scale with PAYWALL_TEST_SLOWDOWN. The delay ends when the client leaves.
	timeout := testenv.Scale(time.Second)
	e := newOneClickEnv(t, func(c *klarna.Config) { c.HTTPClient = &http.Client{Timeout: timeout} })
	e.control("/sandbox/v1/faults", map[string]any{"target": "POST /customer-token/v1/tokens/{token}/order", "delay_ms": (30 * timeout).Milliseconds(), "count": 1}, nil)
	c := e.customer("token@example.se")
	p := e.buy(c, "digital-plus")
	if p.State != checkout.OneClickUnknown || p.FailureCode != "" {
		t.Fatalf("timeout: %+v, want unknown", p)
	}
	if again := e.buy(c, "digital-plus"); again.ID != p.ID || again.State != checkout.OneClickCompleted {
		t.Errorf("retry: %+v", again)
	}
	if n := e.klarnaOrders(p.ID); n != 1 {
		t.Errorf("Klarna holds %d orders, want 1", n)
	}
}

// TestOneClickConcurrentBuys: clicks racing each other make one purchase and one charge.
func TestOneClickConcurrentBuys(t *testing.T) {
	t.Parallel()
	e := newOneClickEnv(t)
	for _, email := range []string{"token@example.se", "stepup@example.se"} {
		t.Run(email, func(t *testing.T) {
			c := e.customer(email)
			var wg sync.WaitGroup
			ids := make([]string, 4)
			for i := range ids {
				wg.Go(func() {
					p, err := e.oc.Buy(context.Background(), c, "digital-plus")
					if err != nil {
						t.Error(err)
					}
					ids[i] = p.ID
				})
			}
			wg.Wait()
			for _, id := range ids[1:] {
				if id != ids[0] {
					t.Fatalf("purchases %v", ids)
				}
			}
			if n := e.klarnaOrders(ids[0]); email == "token@example.se" && n != 1 {
				t.Errorf("Klarna holds %d orders, want 1", n)
			}
		})
	}
}

func TestStartRecovery(t *testing.T) {
	t.Parallel()
	e := newOneClickEnv(t)
	c, p := e.recovering()
	// The step-up session: the original intent, the same cart, the token and the trigger.
	req := e.apiRequest(p.ID, http.MethodPost, "/payments/v1/sessions")
	for _, want := range []string{`"intent":"buy_and_tokenize"`, `"step_up_id":"` + p.StepUpID + `"`, `"customer_token":"***"`,
		`"order_amount":2900`, `"merchant_reference1":"` + p.ID + `"`, `"confirmation":"` + e.appURL + `/account/purchases/` + p.ID + `"`,
		`"purchase_country":"SE"`, `"locale":"sv-SE"`} { // the market the token order leaves out
		if !strings.Contains(req, want) {
			t.Errorf("step-up session %s lacks %s", req, want)
		}
	}
	// Reloads and a second tab at once: still one session.
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			q, err := e.oc.StartRecovery(context.Background(), c, p.ID)
			if err != nil || q.KlarnaSessionID != p.KlarnaSessionID {
				t.Errorf("again: %q %v, want session %q", q.KlarnaSessionID, err, p.KlarnaSessionID)
			}
		})
	}
	wg.Wait()
	if n := e.countAPI(p.ID, http.MethodPost, "/payments/v1/sessions"); n != 1 {
		t.Errorf("%d step-up sessions created, want 1", n)
	}
	// Not a recovery: a completed purchase says so, with the purchase.
	tc := e.customer("token@example.se")
	done := e.buy(tc, "epaper-archive")
	if q, err := e.oc.StartRecovery(t.Context(), tc, done.ID); !errors.Is(err, checkout.ErrNotRecovering) || q.State != checkout.OneClickCompleted {
		t.Errorf("completed purchase: %+v %v", q, err)
	}
}

func TestSDKRecovery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		emails  []string // authorize attempts, in order; the last one's token is ordered
		orders  int
		outcome string
	}{
		{"approved", []string{"customer@email.se"}, 1, ""},
		{"denied then approved", []string{"customer+denied@email.se", "customer@email.se"}, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newOneClickEnv(t)
			c, p := e.recovering()
			before, err := e.oc.SavedMethod(t.Context(), c)
			if err != nil {
				t.Fatal(err)
			}
			tokenBefore := e.savedToken(c)
			var token string
			for i, email := range tt.emails {
				ok, tok := e.authorize(p.KlarnaSessionID, email)
				denied := strings.Contains(email, "denied")
				if ok == denied || (tok == "") != denied {
					t.Fatalf("authorize %d (%s): approved %v token %q", i, email, ok, tok)
				}
				if denied { // nothing reaches our server: the recovery is untouched
					if _, err := e.oc.RecoveryOrder(t.Context(), c, p.ID, tok); !errors.Is(err, checkout.ErrNoAuthorization) {
						t.Errorf("order without authorization: %v", err)
					}
				}
				token = tok
			}
			done, err := e.oc.RecoveryOrder(t.Context(), c, p.ID, token)
			if err != nil || done.State != checkout.OneClickCompleted || done.Method != checkout.RecoveryMethodSDK || done.OrderID == "" {
				t.Fatalf("recovery order: %+v %v", done, err)
			}
			// Twice, and concurrently: the first outcome, one order.
			var wg sync.WaitGroup
			for range 3 {
				wg.Go(func() {
					again, err := e.oc.RecoveryOrder(context.Background(), c, p.ID, token)
					if err != nil || again.OrderID != done.OrderID {
						t.Errorf("again: %+v %v", again, err)
					}
				})
			}
			wg.Wait()
			if n := e.klarnaOrders(p.ID); n != tt.orders {
				t.Errorf("Klarna holds %d orders, want %d", n, tt.orders)
			}
			// Klarna updated the token (the same token: the app keeps it): the new method shows, and the
			// next one-click charge works.
			after, err := e.oc.SavedMethod(t.Context(), c)
			if err != nil || after.Type == before.Type || after.Status != klarna.TokenActive || e.savedToken(c) != tokenBefore {
				t.Errorf("saved method before %+v after %+v (%v)", before, after, err)
			}
			if next := e.buy(c, "digital-plus"); next.State != checkout.OneClickCompleted {
				t.Errorf("one-click after the step-up: %+v", next)
			}
			if !hasState(e.events(p.ID), "recovering → completed") {
				t.Errorf("timeline: %+v", e.events(p.ID))
			}
		})
	}
}

func TestSDKRecoveryConcurrentOrders(t *testing.T) {
	t.Parallel()
	e := newOneClickEnv(t)
	c, p := e.recovering()
	_, token := e.authorize(p.KlarnaSessionID, "customer@email.se")
	var wg sync.WaitGroup
	orders := make([]string, 5)
	for i := range orders {
		wg.Go(func() {
			q, err := e.oc.RecoveryOrder(context.Background(), c, p.ID, token)
			if err != nil {
				t.Error(err)
			}
			orders[i] = q.OrderID
		})
	}
	wg.Wait()
	for _, o := range orders {
		if o == "" || o != orders[0] {
			t.Errorf("orders seen: %v", orders)
			break
		}
	}
	if n := e.klarnaOrders(p.ID); n != 1 {
		t.Errorf("Klarna holds %d orders, want 1", n)
	}
}

func TestHPPRecovery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		mode      string
		action    string
		completed bool
		outcome   string // LastOutcome after the return
		status    string // the status callback Klarna sends last
	}{
		{"paid NONE", klarna.PlaceOrderNone, "pay", true, "", klarna.HPPCompleted},
		{"paid PLACE_ORDER", klarna.PlaceOrderPlace, "pay", true, "", klarna.HPPCompleted},
		{"paid CAPTURE_ORDER", klarna.PlaceOrderCapture, "pay", true, "", klarna.HPPCompleted},
		{"declined", klarna.PlaceOrderNone, "decline", false, checkout.OutcomeDeclined, klarna.HPPFailed},
		{"cancelled", klarna.PlaceOrderNone, "cancel", false, checkout.OutcomeCancelled, klarna.HPPCancelled},
		{"back", klarna.PlaceOrderNone, "back", false, checkout.OutcomeBack, klarna.HPPBack},
		{"error", klarna.PlaceOrderNone, "error", false, checkout.OutcomeError, klarna.HPPError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newOneClickEnv(t)
			c, p := e.recovering()
			redirect, err := e.oc.StartHPP(t.Context(), c, p.ID, tt.mode)
			if err != nil || !strings.HasPrefix(redirect, e.sandboxURL+"/hpp/pay/") {
				t.Fatalf("start HPP: %q %v", redirect, err)
			}
			back := e.hpp(redirect, tt.action)
			if !strings.HasPrefix(back, e.appURL+"/recovery/"+p.ID+"/return?outcome=") {
				t.Errorf("Klarna returned to %q", back)
			}
			got, err := e.oc.ReturnFromHPP(t.Context(), c, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if tt.completed {
				if got.State != checkout.OneClickCompleted || got.Method != checkout.RecoveryMethodHPP || got.OrderID == "" {
					t.Fatalf("return: %+v", got)
				}
			} else if got.State != checkout.OneClickRecovering || !strings.EqualFold(got.LastOutcome, tt.outcome) {
				t.Fatalf("return: state %s outcome %q, want recovering %q", got.State, got.LastOutcome, tt.outcome)
			}
			// The status callbacks arrive afterwards, twice each: nothing changes.
			cb := e.nextCallback(tt.status)
			for range 2 {
				if err := e.oc.HPPCallback(t.Context(), cb.ID, cb.Secret, cb.Body); err != nil {
					t.Fatalf("callback: %v", err)
				}
			}
			if again, _ := e.oc.Get(t.Context(), c, p.ID); again.State != got.State || again.OrderID != got.OrderID || again.LastOutcome != got.LastOutcome {
				t.Errorf("after the callback: %+v, was %+v", again, got)
			}
			if !tt.completed {
				// Back to choosing: another hosted page, paid this time.
				redirect2, err := e.oc.StartHPP(t.Context(), c, p.ID, klarna.PlaceOrderNone)
				if err != nil {
					t.Fatal(err)
				}
				if tt.action == "cancel" && redirect2 == redirect {
					t.Error("a cancelled hosted page was offered again")
				}
				e.hpp(redirect2, "pay")
				if got, err = e.oc.ReturnFromHPP(t.Context(), c, p.ID); err != nil || got.State != checkout.OneClickCompleted {
					t.Fatalf("second attempt: %+v %v", got, err)
				}
			}
			if n := e.klarnaOrders(p.ID); n != 1 {
				t.Errorf("Klarna holds %d orders, want 1", n)
			}
			if m, _ := e.oc.SavedMethod(t.Context(), c); m.Type == "CARD" {
				t.Errorf("the token still has its old method: %+v", m)
			}
		})
	}
}

// TestHPPMerchantURLs: every outcome returns to our return page, the status update carries the secret.
func TestHPPMerchantURLs(t *testing.T) {
	t.Parallel()
	e := newOneClickEnv(t)
	c, p := e.recovering()
	if _, err := e.oc.StartHPP(t.Context(), c, p.ID, ""); err != nil {
		t.Fatal(err)
	}
	req := e.apiRequest(p.ID, http.MethodPost, "/hpp/v1/sessions")
	ret := e.appURL + "/recovery/" + p.ID + "/return?outcome="
	for _, want := range []string{`"payment_session_url":"` + e.sandboxURL + `/payments/v1/sessions/` + p.KlarnaSessionID + `"`,
		`"success":"` + ret + `success"`, `"cancel":"` + ret + `cancel"`, `"back":"` + ret + `back"`,
		`"failure":"` + ret + `failure"`, `"error":"` + ret + `error"`,
		`"status_update":"` + e.appURL + `/recovery/` + p.ID + `/hpp/callback?secret=***"`, `"place_order_mode":"NONE"`} {
		if !strings.Contains(req, want) {
			t.Errorf("HPP session %s lacks %s", req, want)
		}
	}
	if _, err := e.oc.StartHPP(t.Context(), c, p.ID, "SOMETIMES"); !errors.Is(err, checkout.ErrInvalidMode) {
		t.Errorf("bad mode: %v", err)
	}
}

// TestHPPReturnWhileOpen: a return while the page is unpaid is pending, whatever the query says; going
// back to the same mode reuses the open page, another mode retires it.
func TestHPPReturnWhileOpen(t *testing.T) {
	t.Parallel()
	e := newOneClickEnv(t)
	c, p := e.recovering()
	first, err := e.oc.StartHPP(t.Context(), c, p.ID, klarna.PlaceOrderNone)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.oc.ReturnFromHPP(t.Context(), c, p.ID)
	if err != nil || got.State != checkout.OneClickRecovering || got.LastOutcome != checkout.OutcomePending {
		t.Fatalf("return before paying: %+v %v", got, err)
	}
	if same, _ := e.oc.StartHPP(t.Context(), c, p.ID, klarna.PlaceOrderNone); same != first {
		t.Errorf("same mode: %q, want the open page %q", same, first)
	}
	other, err := e.oc.StartHPP(t.Context(), c, p.ID, klarna.PlaceOrderPlace)
	if err != nil || other == first {
		t.Fatalf("other mode: %q %v", other, err)
	}
	// The retired page cannot be paid any more.
	res, err := e.http.PostForm(first, map[string][]string{"action": {"pay"}, "email": {"customer@email.se"}, "otp": {"123456"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode == http.StatusSeeOther {
		t.Errorf("the retired page took a payment: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	e.hpp(other, "pay")
	if got, err = e.oc.ReturnFromHPP(t.Context(), c, p.ID); err != nil || got.State != checkout.OneClickCompleted {
		t.Fatalf("paid: %+v %v", got, err)
	}
	if n := e.klarnaOrders(p.ID); n != 1 {
		t.Errorf("Klarna holds %d orders, want 1", n)
	}
}

// TestHPPCallbackThenReturn: the status callback may come first; it creates the order (mode NONE) and the
// return finds it done. Either way, one order.
func TestHPPCallbackThenReturn(t *testing.T) {
	t.Parallel()
	e := newOneClickEnv(t)
	c, p := e.recovering()
	redirect, err := e.oc.StartHPP(t.Context(), c, p.ID, klarna.PlaceOrderNone)
	if err != nil {
		t.Fatal(err)
	}
	e.hpp(redirect, "pay")
	cb := e.nextCallback(klarna.HPPCompleted)
	if err := e.oc.HPPCallback(t.Context(), cb.ID, cb.Secret, cb.Body); err != nil {
		t.Fatal(err)
	}
	if q := e.stored(p.ID); q.State != checkout.OneClickCompleted || q.Method != checkout.RecoveryMethodHPP {
		t.Fatalf("after the callback: %+v", q)
	}
	got, err := e.oc.ReturnFromHPP(t.Context(), c, p.ID)
	if err != nil || got.State != checkout.OneClickCompleted {
		t.Fatalf("return: %+v %v", got, err)
	}
	if n := e.klarnaOrders(p.ID); n != 1 {
		t.Errorf("Klarna holds %d orders, want 1", n)
	}
	if n := e.countAPI(p.ID, http.MethodPost, "/payments/v1/authorizations/"); n != 1 {
		t.Errorf("%d order calls, want 1", n)
	}
}

// TestHPPReturnRacesCallback: the return and the callback at the same moment make one order.
func TestHPPReturnRacesCallback(t *testing.T) {
	t.Parallel()
	e := newOneClickEnv(t)
	c, p := e.recovering()
	redirect, err := e.oc.StartHPP(t.Context(), c, p.ID, klarna.PlaceOrderNone)
	if err != nil {
		t.Fatal(err)
	}
	e.hpp(redirect, "pay")
	cb := e.nextCallback(klarna.HPPCompleted)
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			if err := e.oc.HPPCallback(context.Background(), cb.ID, cb.Secret, cb.Body); err != nil {
				t.Error(err)
			}
		})
		wg.Go(func() {
			got, err := e.oc.ReturnFromHPP(context.Background(), c, p.ID)
			if err != nil || got.State != checkout.OneClickCompleted {
				t.Errorf("return: %+v %v", got, err)
			}
		})
	}
	wg.Wait()
	if n := e.klarnaOrders(p.ID); n != 1 {
		t.Errorf("Klarna holds %d orders, want 1", n)
	}
	callbacks := 0
	for _, ev := range e.events(p.ID) {
		if ev.Call == checkout.CallHPPStatusCallback && strings.Contains(ev.Note, "COMPLETED") {
			callbacks++
		}
	}
	if callbacks != 1 {
		t.Errorf("%d callback events for one event_id, want 1", callbacks)
	}
}

func TestHPPCallbackRules(t *testing.T) {
	t.Parallel()
	e := newOneClickEnv(t)
	c, p := e.recovering()
	redirect, err := e.oc.StartHPP(t.Context(), c, p.ID, klarna.PlaceOrderNone)
	if err != nil {
		t.Fatal(err)
	}
	e.hpp(redirect, "back")
	cb := e.nextCallback(klarna.HPPBack)
	tests := []struct {
		name       string
		id, secret string
		body       []byte
		want       error
	}{
		{"wrong secret", cb.ID, "guess", cb.Body, checkout.ErrNotFound},
		{"no secret", cb.ID, "", cb.Body, checkout.ErrNotFound},
		{"unknown recovery", "NOPE", cb.Secret, cb.Body, checkout.ErrNotFound},
		{"not a callback", cb.ID, cb.Secret, []byte(`{"hello":"world"}`), checkout.ErrBadCallback},
		{"the real one", cb.ID, cb.Secret, cb.Body, nil},
		{"the same event again", cb.ID, cb.Secret, cb.Body, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(e.events(p.ID))
			err := e.oc.HPPCallback(t.Context(), tt.id, tt.secret, tt.body)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
			after := len(e.events(p.ID))
			if changed := after != before; changed != (tt.name == "the real one") {
				t.Errorf("timeline went from %d to %d events", before, after)
			}
		})
	}
	if got := e.stored(p.ID); got.LastOutcome != checkout.OutcomeBack {
		t.Errorf("outcome %q, want back", got.LastOutcome)
	}
	// The secret never shows on the timeline.
	for _, ev := range e.events(p.ID) {
		if strings.Contains(ev.Request+ev.Response+ev.Path+ev.Note+fmt.Sprint(ev.IDs), cb.Secret) {
			t.Errorf("the callback secret is on the timeline: %+v", ev)
		}
	}
}

func TestOneClickOwnership(t *testing.T) {
	t.Parallel()
	e := newOneClickEnv(t)
	_, p := e.recovering()
	other := e.customer("token@example.se")
	ctx := t.Context()
	steps := map[string]func() error{
		"Get":           func() error { _, err := e.oc.Get(ctx, other, p.ID); return err },
		"StartRecovery": func() error { _, err := e.oc.StartRecovery(ctx, other, p.ID); return err },
		"RecoveryOrder": func() error { _, err := e.oc.RecoveryOrder(ctx, other, p.ID, "tok"); return err },
		"StartHPP":      func() error { _, err := e.oc.StartHPP(ctx, other, p.ID, ""); return err },
		"ReturnFromHPP": func() error { _, err := e.oc.ReturnFromHPP(ctx, other, p.ID); return err },
		"unknown id":    func() error { _, err := e.oc.Get(ctx, other, "NOPE"); return err },
	}
	for name, step := range steps {
		t.Run(name, func(t *testing.T) {
			if err := step(); !errors.Is(err, checkout.ErrNotFound) {
				t.Errorf("err %v, want ErrNotFound", err)
			}
		})
	}
	if ps, err := e.oc.Purchases(ctx, other); err != nil || len(ps) != 0 {
		t.Errorf("other's purchases: %v %v", ps, err)
	}
}

// TestRecoveryKlarnaDown: Klarna failing during the recovery leaves it open and says so.
func TestRecoveryKlarnaDown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		target string
		step   func(e *oneClickEnv, c checkout.Customer, p checkout.OneClickPurchase) error
	}{
		{"step-up session", "POST /payments/v1/sessions", func(e *oneClickEnv, c checkout.Customer, p checkout.OneClickPurchase) error {
			_, err := e.oc.StartRecovery(context.Background(), c, p.ID)
			return err
		}},
		{"order", "POST /payments/v1/authorizations/{token}/order", func(e *oneClickEnv, c checkout.Customer, p checkout.OneClickPurchase) error {
			q, err := e.oc.StartRecovery(context.Background(), c, p.ID)
			if err != nil {
				return err
			}
			_, tok := e.authorize(q.KlarnaSessionID, "customer@email.se")
			_, err = e.oc.RecoveryOrder(context.Background(), c, p.ID, tok)
			return err
		}},
		{"hosted page", "POST /hpp/v1/sessions", func(e *oneClickEnv, c checkout.Customer, p checkout.OneClickPurchase) error {
			_, err := e.oc.StartHPP(context.Background(), c, p.ID, "")
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newOneClickEnv(t)
			c := e.customer("stepup@example.se")
			p := e.buy(c, "epaper-archive")
			e.fault(tt.target, http.StatusInternalServerError)
			err := tt.step(e, c, p)
			if tt.name == "order" {
				// A 5xx to the order: Klarna may have made it. The claim stays (no second order, no new
				// authorization) until the reconciler has read the session; here none was made, so the
				// customer may confirm again, and the page says nothing was charged only then.
				if err != nil {
					t.Fatalf("err %v, want the purchase as it stands", err)
				}
				if q := e.stored(p.ID); q.State != checkout.OneClickRecovering || q.OrderingSince.IsZero() || q.LastOutcome != checkout.OutcomePending {
					t.Fatalf("after the 500: state %s, ordering since %v, outcome %q; want the claim kept, pending", q.State, q.OrderingSince, q.LastOutcome)
				}
				e.clock.Advance(time.Minute)
				r := checkout.NewReconciler(checkout.ReconcilerConfig{Now: e.clock.Now}, nil, e.oc)
				if n, err := r.Once(t.Context()); err != nil || n != 1 {
					t.Fatalf("reconcile: %d resolved, %v", n, err)
				}
				if q := e.stored(p.ID); q.State != checkout.OneClickRecovering || !q.OrderingSince.IsZero() || q.LastOutcome != checkout.OutcomeError {
					t.Errorf("after reconcile: state %s, ordering since %v, outcome %q", q.State, q.OrderingSince, q.LastOutcome)
				}
				if n := e.klarnaOrders(p.ID); n != 0 {
					t.Errorf("Klarna holds %d orders, want 0", n)
				}
				return
			}
			if !errors.Is(err, checkout.ErrKlarnaUnavailable) || !errors.Is(err, checkout.ErrUnavailable) {
				t.Fatalf("err %v, want Klarna unavailable", err)
			}
			if q := e.stored(p.ID); q.State != checkout.OneClickRecovering || !q.OrderingSince.IsZero() {
				t.Errorf("after the failure: state %s, ordering since %v", q.State, q.OrderingSince)
			}
		})
	}
}

// TestOwnedOneTimeItemIsNotSoldAgain: the e-paper archive is bought once and kept. Once the account owns
// it, it is no longer offered, and buying it again (a stale page, a crafted post, two tabs) is refused
// before Klarna is called: one Klarna order in all. An item that is not one-time can be bought again.
func TestOwnedOneTimeItemIsNotSoldAgain(t *testing.T) {
	t.Parallel()
	e := newOneClickEnv(t)
	c := e.customer("token@example.se")
	offered := func() map[string]bool {
		offers, err := e.oc.OffersFor(t.Context(), c)
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]bool{}
		for _, o := range offers {
			ids[o.ID] = true
		}
		return ids
	}
	if got := offered(); !got["epaper-archive"] || !got["digital-plus"] {
		t.Fatalf("before buying: offers %v", got)
	}
	first := e.buy(c, "epaper-archive")
	if first.State != checkout.OneClickCompleted || !first.OneTime {
		t.Fatalf("first purchase: %+v", first)
	}
	if got := offered(); got["epaper-archive"] || !got["digital-plus"] {
		t.Errorf("after buying: offers %v, want the archive gone and the upgrade still there", got)
	}
	e.clock.Advance(2 * time.Minute) // past the double-click window: a new attempt, not a repeat
	tests := []struct {
		name  string
		offer string
		want  error
	}{
		{"owned archive, again", "epaper-archive", checkout.ErrAlreadyOwned},
		{"owned archive, a third time", "epaper-archive", checkout.ErrAlreadyOwned},
		{"the upgrade is not one-time", "digital-plus", nil},
		{"the upgrade again", "digital-plus", nil},
	}
	for _, tt := range tests {
		p, err := e.oc.Buy(t.Context(), c, tt.offer)
		if !errors.Is(err, tt.want) {
			t.Fatalf("%s: err %v, want %v (%+v)", tt.name, err, tt.want, p)
		}
		e.clock.Advance(2 * time.Minute)
	}
	if n := e.klarnaOrders(first.ID); n != 1 {
		t.Errorf("Klarna holds %d orders for the archive purchase, want 1", n)
	}
	all, err := e.db.OneClickPurchasesOf(t.Context(), c.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	archives := 0
	for _, p := range all {
		if p.OfferID == "epaper-archive" {
			archives++
		}
	}
	if archives != 1 {
		t.Errorf("%d archive purchases stored, want 1", archives)
	}
}

// TestOneClickOrderLineInTheReadersLanguage: the charge's order line is named in the reader's language
// (Klarna shows it in its app and on the receipt); the configured locale (sv-SE) when the reader's is not
// known.
func TestOneClickOrderLineInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	tests := []struct{ locale, want string }{
		{"sv-SE", `"name":"Digital+ uppgradering"`},
		{"en-SE", `"name":"Digital+ upgrade"`},
		{"", `"name":"Digital+ uppgradering"`},
	}
	for _, tt := range tests {
		t.Run("locale "+tt.locale, func(t *testing.T) {
			t.Parallel()
			e := newOneClickEnv(t)
			c := e.customer("token@example.se")
			c.Locale = tt.locale
			p := e.buy(c, "digital-plus")
			if p.State != checkout.OneClickCompleted {
				t.Fatalf("purchase %+v", p)
			}
			if req := e.apiRequest(p.ID, http.MethodPost, "/customer-token/v1/tokens/"); !strings.Contains(req, tt.want) {
				t.Errorf("token order %s lacks %s", req, tt.want)
			}
		})
	}
}
