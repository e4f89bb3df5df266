package payway_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/paywall/paywall/payway"
)

// TestOrdersOfAccount: a server without the customer finds the order placed for a purchase by its
// merchant reference, with an app token that asked for the order scope.
func TestOrdersOfAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := t.Context()
	tok := e.login(t, "reader@example.se").AccessToken
	me, err := e.client.Me(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	s := e.session(t, tok, nil)
	req := placeReq(s, e.authorize(t, s.KlarnaSessionID, "customer@email.se", ""))
	req.MerchantReference = "paywall-42"
	placed, err := e.client.PlaceOrder(ctx, tok, req)
	if err != nil {
		t.Fatalf("PlaceOrder: %v", err)
	}

	app, err := e.client.AppToken(ctx, []string{"/external/order/r"})
	if err != nil {
		t.Fatalf("AppToken: %v", err)
	}
	orders, err := e.client.OrdersOfAccount(ctx, app.AccessToken, me.ID)
	if err != nil {
		t.Fatalf("OrdersOfAccount: %v", err)
	}
	o, ok := payway.OrderWithReference(orders, "paywall-42")
	if !ok || o.OrderID != placed.OrderID || o.State != "closed" || !hex24.MatchString(o.ID) {
		t.Fatalf("OrderWithReference(%+v) = %+v, %v; want the closed order %s", orders, o, ok, placed.OrderID)
	}
	if _, ok := payway.OrderWithReference(orders, "paywall-43"); ok {
		t.Errorf("found an order for a reference nobody used")
	}

	defaultApp, err := e.client.AppToken(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	other := e.login(t, "subscriber@example.se").AccessToken
	tests := []struct {
		name, token, account string
		status               int // 0: an error that is no *payway.Error
		code                 string
	}{
		{"app token without the order scope", defaultApp.AccessToken, me.ID, http.StatusForbidden, "insufficient_scope"},
		{"identity token of another account", other, me.ID, http.StatusForbidden, "forbidden"},
		{"unknown account", app.AccessToken, "000000000000000000000000", http.StatusNotFound, "not_found"},
		{"no account id", app.AccessToken, "", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := e.client.OrdersOfAccount(ctx, tt.token, tt.account)
			if got != nil || err == nil || !strings.HasPrefix(err.Error(), "payway: orders of account: ") {
				t.Fatalf("got %v, %v; want a wrapped error", got, err)
			}
			if tt.status != 0 {
				wantAPIError(t, err, tt.status, tt.code)
			}
		})
	}
	t.Run("identity token of the account itself", func(t *testing.T) {
		t.Parallel()
		own, err := e.client.OrdersOfAccount(ctx, tok, me.ID)
		if err != nil || len(own) != 1 || own[0].OrderID != placed.OrderID {
			t.Errorf("got %+v, %v; want the one order", own, err)
		}
	})
}

// TestOrdersOfAccountShapes: the account_id form's response shape is assumed (assumed.go), so the
// client accepts the list envelope, a list in item and a single item, and refuses bodies it cannot
// read as a list rather than reporting no orders.
func TestOrdersOfAccountShapes(t *testing.T) {
	t.Parallel()
	const a, b = `{"order_id":"X-1","merchant_reference":"paywall-1","state":"closed"}`, `{"order_id":"X-2","state":"failed"}`
	tests := []struct {
		name, body string
		status     int
		want       []string // order ids; nil: an error is expected
	}{
		{"items", `{"items":[` + a + `,` + b + `]}`, 200, []string{"X-1", "X-2"}},
		{"empty items", `{"items":[]}`, 200, []string{}},
		{"list in item", `{"item":[` + a + `,` + b + `]}`, 200, []string{"X-1", "X-2"}},
		{"single item", `{"item":` + a + `}`, 200, []string{"X-1"}},
		{"items win over item", `{"items":[` + b + `],"item":` + a + `}`, 200, []string{"X-2"}},
		{"neither key", `{}`, 200, nil},
		{"null item", `{"item":null}`, 200, nil},
		{"items not a list", `{"items":{"order_id":"X-1"}}`, 200, nil},
		{"not JSON", `<html>`, 200, nil},
		{"server error", `{"code":"internal_server_error","message":"boom"}`, 500, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/external/api/v1/order" || r.URL.Query().Get("account_id") != "acc" ||
					r.Header.Get("Authorization") != "Bearer tok" {
					http.Error(w, "unexpected request "+r.URL.String(), http.StatusTeapot)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			t.Cleanup(srv.Close)
			c := payway.New(payway.Config{BaseURL: srv.URL, HTTPClient: srv.Client()})
			got, err := c.OrdersOfAccount(t.Context(), "tok", "acc")
			if tt.want == nil {
				if err == nil {
					t.Fatalf("got %+v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("OrdersOfAccount: %v", err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want orders %v", got, tt.want)
			}
			for i, o := range got {
				if o.OrderID != tt.want[i] {
					t.Errorf("order %d = %s, want %s", i, o.OrderID, tt.want[i])
				}
			}
		})
	}
}

func TestOrderWithReference(t *testing.T) {
	t.Parallel()
	order := func(id, ref, state string) payway.Order {
		return payway.Order{OrderID: id, MerchantReference: ref, State: state}
	}
	tests := []struct {
		name   string
		orders []payway.Order
		ref    string
		want   string // order id; "" for not found
	}{
		{"none", nil, "paywall-1", ""},
		{"match", []payway.Order{order("A", "paywall-2", "closed"), order("B", "paywall-1", "closed")}, "paywall-1", "B"},
		{"no match", []payway.Order{order("A", "paywall-2", "closed")}, "paywall-1", ""},
		{"empty reference matches nothing", []payway.Order{order("A", "", "closed")}, "", ""},
		{"closed beats failed", []payway.Order{order("A", "paywall-1", "failed"), order("B", "paywall-1", "closed")}, "paywall-1", "B"},
		{"created beats failed", []payway.Order{order("A", "paywall-1", "failed"), order("B", "paywall-1", "created")}, "paywall-1", "B"},
		{"closed beats created", []payway.Order{order("A", "paywall-1", "created"), order("B", "paywall-1", "closed")}, "paywall-1", "B"},
		{"first of equals", []payway.Order{order("A", "paywall-1", "failed"), order("B", "paywall-1", "failed")}, "paywall-1", "A"},
		{"case matters", []payway.Order{order("A", "Paywall-1", "closed")}, "paywall-1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := payway.OrderWithReference(tt.orders, tt.ref)
			if ok != (tt.want != "") || got.OrderID != tt.want {
				t.Errorf("got %q, %v; want %q", got.OrderID, ok, tt.want)
			}
		})
	}
}
