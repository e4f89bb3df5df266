package checkout_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/paths"
	"github.com/paywall/paywall/internal/testdb"
	"github.com/paywall/paywall/internal/testenv"
	"github.com/paywall/paywall/klarna"
	"github.com/paywall/paywall/payway"
	"github.com/paywall/paywall/sandbox"
	"github.com/paywall/paywall/store"
)

// The one-click journey against the real sandbox over HTTP: Payway's payment profile, Klarna's customer
// tokens, payment sessions, authorizations (through the sandbox's control API, as Klarna's dialog would)
// and the hosted payment page (through the sandbox's own form). Klarna's HPP status callbacks arrive at a
// small server standing in for the app; tests hand them to HPPCallback when they choose, so every
// ordering of return and callback can be played.

// hppCallback is one status callback Klarna sent to the app.
type hppCallback struct {
	ID, Secret string
	Body       []byte
}

type oneClickEnv struct {
	t          *testing.T
	oc         *checkout.OneClick
	db         *store.DB
	pw         *payway.Client
	sandboxURL string
	sandboxDB  string
	appURL     string
	clock      *clock
	callbacks  chan hppCallback
	http       *http.Client
}

type envOption func(*klarna.Config)

func newOneClickEnv(t *testing.T, opts ...envOption) *oneClickEnv {
	t.Helper()
	ctx := context.Background()
	clk := &clock{}
	clk.nanos.Store(testenv.NewClock().Now().Truncate(time.Second).UnixNano()) // the real now (+ PAYWALL_TEST_CLOCK_SHIFT), then frozen

	sbPath := testdb.Sandbox(t)
	sb, err := sandbox.New(ctx, sandbox.Config{DBPath: sbPath, Now: clk.Now})
	if err != nil {
		t.Fatalf("sandbox: %v", err)
	}
	sbSrv := httptest.NewServer(sb.Handler())
	t.Cleanup(func() { sbSrv.Close(); sb.Close() })

	// The app's side of the status callbacks: collect them, answer 204.
	callbacks := make(chan hppCallback, 64)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/") // recovery/{id}/hpp/callback
		if r.Method != http.MethodPost || len(parts) != 4 || parts[0] != "recovery" || parts[2] != "hpp" || parts[3] != "callback" {
			http.NotFound(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		callbacks <- hppCallback{ID: parts[1], Secret: r.URL.Query().Get("secret"), Body: body}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(app.Close)

	db, err := store.Open(ctx, testdb.App(t), store.WithTokenKey(testTokenKey))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	rec := checkout.NewRecorder(db, clk.Now, nil)
	pw := payway.New(payway.Config{BaseURL: sbSrv.URL, ClientID: sandbox.PaywayClientID,
		ClientSecret: sandbox.PaywayClientSecret, Organisation: sandbox.Organisation, Observer: rec, Now: clk.Now})
	kcfg := klarna.Config{BaseURL: sbSrv.URL, Username: sandbox.KlarnaUsername, Password: sandbox.KlarnaPassword, Observer: rec}
	for _, o := range opts {
		o(&kcfg)
	}
	offers, err := checkout.LoadOneClickOffers("")
	if err != nil {
		t.Fatal(err)
	}
	oc, err := checkout.NewOneClick(checkout.OneClickConfig{
		RecoveryReturnURL: func(id, outcome string) string { return app.URL + paths.RecoveryReturn(id, outcome) },
		HPPCallbackURL:    func(id, secret string) string { return app.URL + paths.HPPCallback(id, secret) },
		OneClickURL:       func(id string) string { return app.URL + paths.OneClick(id) },
		Now:               clk.Now,
	}, klarna.New(kcfg), db, offers)
	if err != nil {
		t.Fatal(err)
	}
	return &oneClickEnv{t: t, oc: oc, db: db, pw: pw, sandboxURL: sbSrv.URL, sandboxDB: sbPath, appURL: app.URL,
		clock: clk, callbacks: callbacks,
		http: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// testTokenKey seals the saved Klarna tokens of these tests.
var testTokenKey = []byte("checkout-tests-token-key-32byte!")

// customer logs a persona in at Payway; the e-mail stands in for the account id. A persona the sandbox
// gave an app token (token@, stepup@, ...) starts with it saved, as the app adopts it at login in sandbox
// mode.
func (e *oneClickEnv) customer(email string) checkout.Customer {
	e.t.Helper()
	tok, err := e.pw.PasswordGrant(context.Background(), email, "paywall-demo", nil)
	if err != nil {
		e.t.Fatalf("login %s: %v", email, err)
	}
	res, err := http.Get(e.sandboxURL + "/sandbox/v1/app-token?email=" + url.QueryEscape(email))
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusOK {
		var app struct {
			CustomerToken string `json:"customer_token"`
		}
		if err := json.NewDecoder(res.Body).Decode(&app); err != nil {
			e.t.Fatal(err)
		}
		if _, err := e.db.AdoptToken(context.Background(), checkout.SavedToken{AccountID: email, TokenID: app.CustomerToken, CreatedAt: e.clock.Now()}); err != nil {
			e.t.Fatal(err)
		}
	}
	return checkout.Customer{AccountID: email, AccessToken: tok.AccessToken}
}

// buy buys an offer and fails the test on an error.
func (e *oneClickEnv) buy(c checkout.Customer, offer string) checkout.OneClickPurchase {
	e.t.Helper()
	p, err := e.oc.Buy(context.Background(), c, offer)
	if err != nil {
		e.t.Fatalf("buy %s as %s: %v", offer, c.AccountID, err)
	}
	return p
}

// recovering buys as the step-up persona and opens the recovery (its step-up session).
func (e *oneClickEnv) recovering() (checkout.Customer, checkout.OneClickPurchase) {
	e.t.Helper()
	c := e.customer("stepup@example.se")
	p := e.buy(c, "epaper-archive")
	if p.State != checkout.OneClickRecovering {
		e.t.Fatalf("step-up persona: state %s (%s), want recovering", p.State, p.FailureCode)
	}
	p, err := e.oc.StartRecovery(context.Background(), c, p.ID)
	if err != nil || p.ClientToken == "" || p.KlarnaSessionID == "" {
		e.t.Fatalf("start recovery: %+v %v", p, err)
	}
	return c, p
}

// authorize is Klarna's dialog for a payment session (sandbox control API): approved and the token.
func (e *oneClickEnv) authorize(sessionID, email string) (bool, string) {
	e.t.Helper()
	var out struct {
		Approved           bool   `json:"approved"`
		AuthorizationToken string `json:"authorization_token"`
	}
	e.control("/sandbox/v1/authorize", map[string]string{"session_id": sessionID, "email": email}, &out)
	return out.Approved, out.AuthorizationToken
}

// control posts to the sandbox's control API.
func (e *oneClickEnv) control(path string, body, out any) {
	e.t.Helper()
	b, _ := json.Marshal(body)
	res, err := http.Post(e.sandboxURL+path, "application/json", bytes.NewReader(b))
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		msg, _ := io.ReadAll(res.Body)
		e.t.Fatalf("%s: %d %s", path, res.StatusCode, msg)
	}
	if out != nil {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			e.t.Fatal(err)
		}
	}
}

// fault arms a sandbox fault on one route for the next call.
func (e *oneClickEnv) fault(target string, status int) {
	e.t.Helper()
	e.control("/sandbox/v1/faults", map[string]any{"target": target, "status": status, "count": 1}, nil)
}

// hpp acts on the hosted payment page as the customer (pay, decline, cancel, back, error) and returns
// where Klarna sends the browser: our return URL.
func (e *oneClickEnv) hpp(redirectURL, action string) string {
	e.t.Helper()
	form := url.Values{"action": {action}}
	if action == "pay" {
		form.Set("email", "customer@email.se")
		form.Set("otp", "123456")
	}
	res, err := e.http.PostForm(redirectURL, form)
	if err != nil {
		e.t.Fatal(err)
	}
	res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, e.appURL+"/recovery/") {
		e.t.Fatalf("HPP %s: %d %q", action, res.StatusCode, loc)
	}
	return loc
}

// nextCallback waits for Klarna's status callback reporting status.
func (e *oneClickEnv) nextCallback(status string) hppCallback {
	e.t.Helper()
	timeout := time.After(testenv.Scale(10 * time.Second))
	for {
		select {
		case cb := <-e.callbacks:
			var body struct {
				Session struct {
					Status string `json:"status"`
				} `json:"session"`
			}
			if json.Unmarshal(cb.Body, &body) == nil && body.Session.Status == status {
				return cb
			}
		case <-timeout:
			e.t.Fatalf("no %s status callback", status)
		}
	}
}

// stored reads the purchase as stored, with the fields handlers never see.
func (e *oneClickEnv) stored(id string) checkout.OneClickPurchase {
	e.t.Helper()
	p, err := e.db.OneClickPurchase(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// klarnaOrders counts the orders Klarna holds for a purchase (merchant_reference1 is its id), read from
// the sandbox's own database: the truth about charges, whatever our side recorded.
func (e *oneClickEnv) klarnaOrders(id string) int {
	e.t.Helper()
	db, err := sql.Open("sqlite", "file:"+e.sandboxDB+"?mode=ro")
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM kp_orders WHERE merchant_reference1 = ?`, id).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// events is the purchase's timeline.
func (e *oneClickEnv) events(id string) []checkout.Event {
	e.t.Helper()
	evs, err := e.db.Events(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return evs
}

// apiRequest is the request body of the first exchange on the timeline with method and a path
// containing part.
func (e *oneClickEnv) apiRequest(id, method, part string) string {
	e.t.Helper()
	for _, ev := range e.events(id) {
		if ev.Kind == checkout.EventCall && ev.Method == method && strings.Contains(ev.Path, part) {
			return ev.Request
		}
	}
	e.t.Fatalf("no %s %s on the timeline of %s", method, part, id)
	return ""
}

func (e *oneClickEnv) countAPI(id, method, part string) int {
	n := 0
	for _, ev := range e.events(id) {
		if ev.Kind == checkout.EventCall && ev.Method == method && strings.Contains(ev.Path, part) {
			n++
		}
	}
	return n
}

// savedToken is the account's saved Klarna token as the store holds it ("" when none).
func (e *oneClickEnv) savedToken(c checkout.Customer) string {
	e.t.Helper()
	t, err := e.db.SavedToken(context.Background(), c.AccountID)
	if errors.Is(err, checkout.ErrNoSavedMethod) {
		return ""
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return t.TokenID
}

// klarnaToken reads a customer token at Klarna (the sandbox), outside any purchase.
func (e *oneClickEnv) klarnaToken(token string) (klarna.TokenDetails, error) {
	e.t.Helper()
	kl := klarna.New(klarna.Config{BaseURL: e.sandboxURL, Username: sandbox.KlarnaUsername, Password: sandbox.KlarnaPassword})
	return kl.ReadCustomerToken(context.Background(), token)
}
