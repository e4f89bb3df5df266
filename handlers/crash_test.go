package handlers_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/testdb"
	"github.com/paywall/paywall/internal/testenv"
)

// onFiles runs the app on the given database files (the app's and the sandbox's), so a second app can
// start where a crashed one stopped.
func onFiles(appDB, sandboxDB string) appOption {
	return func(cfg *appSetup) { cfg.DBPath, cfg.SandboxDBPath = appDB, sandboxDB }
}

// reconcilingFast makes the app's reconciler loop run every few milliseconds instead of every 30 s.
func reconcilingFast(cfg *appSetup) { cfg.ReconcileEvery = testenv.Scale(50 * time.Millisecond) }

// crash is kill -9 as far as our records go: from now on nothing the app does reaches its database, so a
// money call in flight never records its outcome. (Its goroutines run on until their calls time out, and
// fail to write.)
func (a *testApp) crash() {
	a.t.Helper()
	if err := a.DB.Close(); err != nil {
		a.t.Fatalf("crash: %v", err)
	}
}

// sandboxCount counts rows in the sandbox's database: what Payway and Klarna really hold.
func (a *testApp) sandboxCount(query string, args ...any) int {
	a.t.Helper()
	db, err := sql.Open("sqlite", "file:"+a.SandboxDB+"?mode=ro")
	if err != nil {
		a.t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		a.t.Fatal(err)
	}
	return n
}

// waitFor polls cond until it holds, failing the test after within (scaled for a busy machine).
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(testenv.Scale(within))
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, testenv.Scale(within))
		}
		time.Sleep(10 * time.Millisecond) // polling a condition, not waiting for a guess
	}
}

// postDetached posts a form with the client's cookies without failing the test from another goroutine:
// the request hangs until the crashed app's call times out.
func (c *client) postDetached(path string, form url.Values) {
	req, _ := http.NewRequest(http.MethodPost, c.app.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	go func() {
		if res, err := c.http.Do(req); err == nil {
			res.Body.Close()
		}
	}()
}

// TestCrashWithMoneyInFlightHealsAfterRestart: the app dies while a money call is in flight, after Payway or
// Klarna acted (the sandbox's "after" fault holds the answer back), so our database still says placing,
// charging or ordering. A new app on the same database files resolves each purchase to its true final
// state by itself, from the system of record, within a minute; Payway and Klarna hold exactly one order.
func TestCrashWithMoneyInFlightHealsAfterRestart(t *testing.T) {
	t.Parallel()
	hold := testenv.Scale(60 * time.Second).Milliseconds() // the answer is held back far beyond the crash
	tests := []struct {
		name string
		// inFlight starts the purchase and its money call on the app that will crash, and returns the
		// purchase's id, once the sandbox has acted.
		inFlight func(t *testing.T, a *testApp, c *client) string
		// healed reports whether the restarted app shows the purchase in its true final state.
		healed func(a *testApp, id string) bool
		orders string // counts the system of record's orders for the purchase (arg: id or account)
		arg    func(a *testApp, id string) string
	}{
		{
			name: "subscription purchase placing",
			inFlight: func(t *testing.T, a *testApp, c *client) string {
				id := c.startPurchase("reader@example.se", "monthly")
				auth := a.authorize(id, "customer@email.se", "klarna")
				a.sandboxControl("/sandbox/v1/faults", map[string]any{"target": "POST /external/api/v1/klarna_payments/place_order", "after": true, "delay_ms": hold, "count": 1})
				c.postDetached("/checkout/"+id+"/order", url.Values{"csrf": {c.csrf("/")}, "authorization_token": {auth}})
				waitFor(t, 20*time.Second, "Payway placed the order", func() bool {
					return a.sandboxCount(`SELECT count(*) FROM payway_orders WHERE merchant_reference = ? AND state = 'closed'`, checkout.MerchantReference(id)) == 1
				})
				return id
			},
			healed: func(a *testApp, id string) bool {
				p, err := a.DB.Purchase(context.Background(), id)
				return err == nil && p.State == checkout.StatePlaced && p.OrderID != ""
			},
			orders: `SELECT count(*) FROM payway_orders WHERE merchant_reference = ?`,
			arg:    func(_ *testApp, id string) string { return checkout.MerchantReference(id) },
		},
		{
			name: "one-click purchase charging",
			inFlight: func(t *testing.T, a *testApp, c *client) string {
				if res := c.login(tokenPersona, demoPassword, "/"); res.Status != http.StatusSeeOther {
					t.Fatalf("login: %d", res.Status)
				}
				a.sandboxControl("/sandbox/v1/faults", map[string]any{"target": "POST /customer-token/v1/tokens/{token}/order", "after": true, "delay_ms": hold, "count": 1})
				c.postDetached("/account/purchases", url.Values{"csrf": {c.csrf("/account")}, "offer": {offerArchive}})
				var id string
				waitFor(t, 20*time.Second, "Klarna charged the token", func() bool {
					return a.DB.Reader().QueryRow(`SELECT id FROM token_purchases`).Scan(&id) == nil &&
						a.sandboxCount(`SELECT count(*) FROM kp_orders WHERE merchant_reference1 = ?`, id) == 1
				})
				return id
			},
			healed: func(a *testApp, id string) bool {
				p, err := a.DB.OneClickPurchase(context.Background(), id)
				return err == nil && p.State == checkout.OneClickCompleted && p.OrderID != "" && p.Method == checkout.RecoveryMethodToken
			},
			orders: `SELECT count(*) FROM kp_orders WHERE merchant_reference1 = ?`,
			arg:    func(_ *testApp, id string) string { return id },
		},
		{
			name: "step-up recovery ordering",
			inFlight: func(t *testing.T, a *testApp, c *client) string {
				id := c.startRecovery()
				ok, auth := a.authorizeSession(a.tokenPurchase(id).KlarnaSessionID, "customer@email.se")
				if !ok {
					t.Fatal("recovery not approved")
				}
				a.sandboxControl("/sandbox/v1/faults", map[string]any{"target": "POST /payments/v1/authorizations/{token}/order", "after": true, "delay_ms": hold, "count": 1})
				c.postDetached("/recovery/"+id+"/order", url.Values{"csrf": {c.csrf("/")}, "authorization_token": {auth}})
				waitFor(t, 20*time.Second, "Klarna made the recovery's order", func() bool {
					return a.sandboxCount(`SELECT count(*) FROM kp_orders WHERE merchant_reference1 = ?`, id) == 1
				})
				return id
			},
			healed: func(a *testApp, id string) bool {
				p, err := a.DB.OneClickPurchase(context.Background(), id)
				return err == nil && p.State == checkout.OneClickCompleted && p.Method == checkout.RecoveryMethodSDK && p.OrderingSince.IsZero()
			},
			orders: `SELECT count(*) FROM kp_orders WHERE merchant_reference1 = ?`,
			arg:    func(_ *testApp, id string) string { return id },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			appDB, sandboxDB := testdb.App(t), testdb.Sandbox(t)
			// Short client timeouts on the app that dies: its abandoned calls end soon after the crash, so
			// the test's servers close quickly.
			first := newTestApp(t, onFiles(appDB, sandboxDB), func(cfg *appSetup) {
				cfg.PaywayTimeout, cfg.KlarnaTimeout = testenv.Scale(2*time.Second), testenv.Scale(2*time.Second)
			})
			id := tt.inFlight(t, first, first.client())
			first.crash()

			second := newTestApp(t, onFiles(appDB, sandboxDB), reconcilingFast)
			if tt.healed(second, id) {
				t.Fatal("the purchase looked final before the reconciler ran: the crash did not cut the call off")
			}
			// A minute after the restart: every call the dead process made has timed out. Nobody acts; the
			// app's own reconciler loop must heal the purchase.
			second.Clock.Advance(time.Minute)
			waitFor(t, 30*time.Second, "the purchase reaches its final state", func() bool { return tt.healed(second, id) })
			if n := second.sandboxCount(tt.orders, tt.arg(second, id)); n != 1 {
				t.Errorf("the system of record holds %d orders for the purchase, want 1", n)
			}
			events, err := second.DB.Events(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			noted := false
			for _, e := range events {
				noted = noted || strings.Contains(e.Note, "reconciler") || strings.Contains(e.Note, "payment session is complete")
			}
			if !noted {
				t.Error("the reconciler's step is not on the purchase's timeline")
			}
		})
	}
}

// TestShutdownWaitsForMoneyCalls is SIGTERM with a short grace while Payway is placing an order: the HTTP
// server stops within the grace, but the order call goes on to its end and its outcome is recorded before
// the app closes (App.Drain), so the purchase is placed, not left placing.
func TestShutdownWaitsForMoneyCalls(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, func(cfg *appSetup) { cfg.PaywayTimeout = testenv.Scale(20 * time.Second) })
	c := a.client()
	id := c.startPurchase("reader@example.se", "monthly")
	auth := a.authorize(id, "customer@email.se", "klarna")
	// Payway acts at once and answers a moment later: longer than the grace, shorter than the timeout.
	a.sandboxControl("/sandbox/v1/faults", map[string]any{"target": "POST /external/api/v1/klarna_payments/place_order",
		"after": true, "delay_ms": testenv.Scale(time.Second).Milliseconds(), "count": 1})
	c.postDetached("/checkout/"+id+"/order", url.Values{"csrf": {c.csrf("/")}, "authorization_token": {auth}})
	waitFor(t, 20*time.Second, "Payway placed the order", func() bool {
		return a.sandboxCount(`SELECT count(*) FROM payway_orders WHERE merchant_reference = ?`, checkout.MerchantReference(id)) == 1
	})

	grace, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	if err := a.server.Shutdown(grace); err == nil {
		t.Fatal("the server shut down within a 1 ms grace: no request was in flight, the test proves nothing")
	}
	if err := a.App.Drain(context.Background()); err != nil {
		t.Fatalf("drain: %v", err)
	}
	p, err := a.DB.Purchase(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if p.State != checkout.StatePlaced || p.OrderID == "" {
		t.Fatalf("after shutdown: %s order %q, want placed with its order", p.State, p.OrderID)
	}
}
