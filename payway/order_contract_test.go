package payway_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/paywall/paywall/payway"
)

// Contract tests of the Order API against Payway's documented body. testdata/order_documented.json is the
// example on Payway's Order API page (reference §4.4), copied field for field; only its "addresses", which
// the page shows as the placeholder {// Payway Address //}, is filled with a Payway Address. The client
// must decode it, and the sandbox must answer with exactly its field set, so that the client cannot pass
// against the sandbox and fail against Payway.

// documentedOrder is the fixture's raw body.
func documentedOrder(t *testing.T) []byte {
	t.Helper()
	body, err := os.ReadFile("testdata/order_documented.json")
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// serveBody starts a Payway stand-in that answers GET /external/api/v1/order with body to the bearer
// token "tok", and 418 to anything else (so a wrong request fails the test loudly).
func serveBody(t *testing.T, body []byte) *payway.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/external/api/v1/order" || r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "unexpected request "+r.Method+" "+r.URL.String(), http.StatusTeapot)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return payway.New(payway.Config{BaseURL: srv.URL, HTTPClient: srv.Client()})
}

// TestOrderDocumentedExample decodes the documented example through Order (the item form) and through
// OrdersOfAccount (the same order in the list form), and checks every field the app or a support person
// could read.
func TestOrderDocumentedExample(t *testing.T) {
	t.Parallel()
	body := documentedOrder(t)
	var env struct {
		Item json.RawMessage `json:"item"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatal(err)
	}
	forms := []struct {
		name string
		get  func(*payway.Client) (payway.Order, error)
		body []byte
	}{
		{"item", func(c *payway.Client) (payway.Order, error) {
			return c.Order(t.Context(), "tok", "ADEPRIMO-1222")
		}, body},
		{"items", func(c *payway.Client) (payway.Order, error) {
			list, err := c.OrdersOfAccount(t.Context(), "tok", "58580d09a67201024e00004c")
			if err != nil || len(list) != 1 {
				return payway.Order{}, fmt.Errorf("got %d orders, %w", len(list), err)
			}
			return list[0], nil
		}, []byte(`{"items":[` + string(env.Item) + `]}`)},
	}
	for _, form := range forms {
		t.Run(form.name, func(t *testing.T) {
			t.Parallel()
			o, err := form.get(serveBody(t, form.body))
			if err != nil {
				t.Fatalf("the documented body does not decode: %v", err)
			}
			if len(o.Payments) != 2 {
				t.Fatalf("Payments = %+v, want the two documented payments", o.Payments)
			}
			p, addr := o.Payments[0], o.Addresses.First()
			if addr == nil {
				t.Fatal("Addresses is empty, want the documented address object")
			}
			checks := []struct {
				field string
				got   any
				want  any
			}{
				{"ID", o.ID, "5c4f1c0f95cfeba6a08a6903"},
				{"OrderID", o.OrderID, "ADEPRIMO-1222"},
				{"PaymentOption", o.PaymentOption, "creditcard"},
				{"PaymentOptionDetails", o.PaymentOptionDetails, payway.PaymentOptionDetails{Type: "scheme", Name: "Card",
					MaskedCardNumber: "545454******5454", ExpirationDate: "2030-03-31T23:59:59+00:00"}},
				{"PurchaseType", o.PurchaseType, "recurring"},
				{"State", o.State, "closed"},
				{"SubscriptionStartDate", o.SubscriptionStartDate, ""},
				{"TrafficSource", o.TrafficSource, "web"},
				{"MerchantReference", o.MerchantReference, "adeprimo-campaign-001"},
				{"ChildOrderIDs", o.ChildOrderIDs, []string{"ADEPRIMO-810"}},
				{"ParentOrderID", o.ParentOrderID, "ADEPRIMO-852"},
				{"OrderDetail.PeriodInfo", o.OrderDetail.PeriodInfo, payway.PeriodInfo{Type: "month", Length: 1, Price: 99}},
				{"OrderDetail.PartialPaymentInfo", o.OrderDetail.PartialPaymentInfo,
					payway.PartialPaymentInfo{NumberOfPartialPaymentsSelected: 1}},
				{"OrderDetail.Description", o.OrderDetail.Description, "Adeprimo Plus (prenumeration, 1 månad)"},
				{"OrderDetail.Price", o.OrderDetail.Price, 99.0},
				{"OrderDetail.VATCode", o.OrderDetail.VATCode, "25"},
				{"OrderDetail.Created", o.OrderDetail.Created, "2019-01-28T16:13:19+01:00"},
				{"OrderDetail.ProductCode", o.OrderDetail.ProductCode, "adeprimo_plus"},
				{"Payments[0].OrderID", p.OrderID, "ADEPRIMO-1222"},
				{"Payments[0].ProductCode", p.ProductCode, "adeprimo_plus"},
				{"Payments[0].PaymentResult", p.PaymentResult, payway.PaymentResult{Created: "2019-01-28T16:20:34.981+01:00",
					OrderStatus: "completed", TransactionStatus: "sale", TransactionNumber: "5c4f1dc095cfebd6fb090249",
					PaymentMethod: "creditcard", Amount: 9900}},
				{"Payments[0].PaymentResult.Amount.Major", p.PaymentResult.Amount.Major(), 99.0},
				{"Payments[0].PaymentType", p.PaymentType, "autopay"},
				{"Payments[0].PaymentMethod", p.PaymentMethod, "creditcard"},
				{"Payments[0].Amount", p.Amount, 99.0},
				{"Payments[0].Description", p.Description, "Plus"},
				{"Payments[0].State", p.State, "closed"},
				{"Payments[0].Provider", p.Provider, "Tulo"},
				{"Payments[1].PaymentResult.TransactionNumber", o.Payments[1].PaymentResult.TransactionNumber, "5c4f213995cfebeae2d4fc91"},
				{"FailureCode", o.FailureCode(), ""},
				{"Addresses", len(o.Addresses), 1},
				{"Addresses.First.City", addr.City, "Helsinki"},
				{"Addresses.First.CountryCode", addr.CountryCode, "FI"},
			}
			for _, c := range checks {
				if !reflect.DeepEqual(c.got, c.want) {
					t.Errorf("%s = %#v, want %#v", c.field, c.got, c.want)
				}
			}
		})
	}
}

// TestOrderTolerantForms: where the docs are vague (the form of an amount, what "addresses" holds, nulls),
// the client accepts the plausible variants of the documented example, and refuses an amount it would have
// to guess the unit of rather than misread it.
func TestOrderTolerantForms(t *testing.T) {
	t.Parallel()
	documented := string(documentedOrder(t))
	replace := func(old, new string) string {
		t.Helper()
		if !strings.Contains(documented, old) {
			t.Fatalf("the fixture has no %q", old)
		}
		return strings.Replace(documented, old, new, 1)
	}
	const amount, addresses = `"amount": "9900"`, `"addresses": {`
	second := strings.Index(documented, "5c4f213995cfebeae2d4fc91") // the second payment's transaction number
	secondPaymentFailed := documented[:second] +
		strings.Replace(documented[second:], `"error_code": null`, `"error_code": "payment_method_failed"`, 1)
	tests := []struct {
		name         string
		body         string
		wantAmount   payway.MinorUnits
		wantCity     string // of the first address; "" for none
		wantFailCode string
		wantErr      bool
	}{
		{"documented", documented, 9900, "Helsinki", "", false},
		{"amount as a number", replace(amount, `"amount": 9900`), 9900, "Helsinki", "", false},
		{"amount as a whole float", replace(amount, `"amount": 9900.0`), 9900, "Helsinki", "", false},
		{"amount null", replace(amount, `"amount": null`), 0, "Helsinki", "", false},
		{"amount empty", replace(amount, `"amount": ""`), 0, "Helsinki", "", false},
		{"amount in kronor with decimals is not guessed", replace(amount, `"amount": "99.00"`), 0, "", "", true},
		{"amount with a fraction is not guessed", replace(amount, `"amount": 99.5`), 0, "", "", true},
		{"amount not a number", replace(amount, `"amount": "lots"`), 0, "", "", true},
		{"addresses as a list", replace(addresses, `"addresses": [{"city": "Umeå"}], "ignored": {`), 9900, "Umeå", "", false},
		{"addresses null", replace(addresses, `"addresses": null, "ignored": {`), 9900, "", "", false},
		{"addresses empty", replace(addresses, `"addresses": {}, "ignored": {`), 9900, "", "", false},
		{"an error code on the second payment only", secondPaymentFailed, 9900, "Helsinki", "payment_method_failed", false},
		{"a failed payment", replace(`"error_code": null`, `"error_code": "payment_method_failed"`), 9900, "Helsinki",
			"payment_method_failed", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o, err := serveBody(t, []byte(tt.body)).Order(t.Context(), "tok", "ADEPRIMO-1222")
			if tt.wantErr {
				if err == nil {
					t.Fatalf("decoded %+v, want an error", o.Payments)
				}
				return
			}
			if err != nil {
				t.Fatalf("Order: %v", err)
			}
			if got := o.Payments[0].PaymentResult.Amount; got != tt.wantAmount {
				t.Errorf("amount = %d, want %d", got, tt.wantAmount)
			}
			city := ""
			if a := o.Addresses.First(); a != nil {
				city = a.City
			}
			if city != tt.wantCity {
				t.Errorf("first address city = %q, want %q", city, tt.wantCity)
			}
			if got := o.FailureCode(); got != tt.wantFailCode {
				t.Errorf("FailureCode = %q, want %q", got, tt.wantFailCode)
			}
		})
	}
}

// jsonPaths lists the member paths of a JSON document ("item.payments[].payment_result.amount"); a list
// contributes the paths of its elements under "[]". Paths under skip (with their descendants) are left
// out, so a member whose content varies by design can be checked on its own.
func jsonPaths(v any, prefix string, skip []string, into map[string]bool) {
	if slices.Contains(skip, prefix) {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			into[p] = true
			jsonPaths(child, p, skip, into)
		}
	case []any:
		for _, child := range x {
			jsonPaths(child, prefix+"[]", skip, into)
		}
	}
}

// addressFields are the JSON names of Payway's Address shape (payway.Address).
func addressFields() []string {
	var names []string
	t := reflect.TypeFor[payway.Address]()
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		names = append(names, name)
	}
	return names
}

// getJSON fetches path from the sandbox with a bearer token and decodes the body generically.
func (e *env) getJSON(t *testing.T, token, path string) map[string]any {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, e.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var body map[string]any
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &body) != nil {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, raw)
	}
	return body
}

// TestOrderSandboxAnswersTheDocumentedShape holds the sandbox's Order API answers (a paid order with an
// address, a free trial order without one, a failed order) against the documented example: the same
// members, nothing more or less, the documented value forms, and the real client reading them.
func TestOrderSandboxAnswersTheDocumentedShape(t *testing.T) {
	t.Parallel()
	var fixture map[string]any
	if err := json.Unmarshal(documentedOrder(t), &fixture); err != nil {
		t.Fatal(err)
	}
	skip := []string{"item.addresses"}
	want := map[string]bool{}
	jsonPaths(fixture, "", skip, want)

	e := newEnv(t, nil)
	ctx := t.Context()
	paid := e.login(t, "reader@example.se").AccessToken
	s := e.session(t, paid, nil)
	paidOrder, err := e.client.PlaceOrder(ctx, paid, placeReq(s, e.authorize(t, s.KlarnaSessionID, "customer@email.se", "")))
	if err != nil {
		t.Fatalf("PlaceOrder: %v", err)
	}
	trial := e.login(t, "ssn-set@example.se").AccessToken
	ts := e.trialSession(t, trial)
	trialOrder, err := e.client.PlaceTrialOrder(ctx, trial, placeReq(ts, e.authorize(t, ts.KlarnaSessionID, "customer@email.se", "direct_debit")))
	if err != nil {
		t.Fatalf("PlaceTrialOrder: %v", err)
	}
	debt := e.login(t, "debt@example.se").AccessToken
	ds := e.session(t, debt, nil)
	_, err = e.client.PlaceOrder(ctx, debt, placeReq(ds, e.authorize(t, ds.KlarnaSessionID, "customer@email.se", "")))
	wantAPIError(t, err, http.StatusForbidden, "payment_method_failed")
	debtMe, err := e.client.Me(ctx, debt)
	if err != nil {
		t.Fatal(err)
	}
	app, err := e.client.AppToken(ctx, []string{"/external/order/r"})
	if err != nil {
		t.Fatal(err)
	}
	failed := e.getJSON(t, app.AccessToken, "/external/api/v1/order?"+url.Values{"account_id": {debtMe.ID}}.Encode())
	failedItems, _ := failed["items"].([]any)
	if len(failedItems) != 1 {
		t.Fatalf("debt's orders = %v, want one failed order", failed)
	}

	tests := []struct {
		name        string
		body        func() map[string]any
		wantAddress bool
		wantAmount  string // payment_result.amount
		wantError   any    // payment_result.error_code
	}{
		{"paid", func() map[string]any {
			return e.getJSON(t, paid, "/external/api/v1/order?order_id="+paidOrder.OrderID)
		}, true, "13900", nil},
		{"trial", func() map[string]any {
			return e.getJSON(t, trial, "/external/api/v1/order?order_id="+trialOrder.OrderID)
		}, false, "0", nil},
		{"failed, in the list form", func() map[string]any {
			return map[string]any{"item": failedItems[0]}
		}, false, "13900", "payment_method_failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := tt.body()
			got := map[string]bool{}
			jsonPaths(body, "", skip, got)
			for p := range want {
				if !got[p] {
					t.Errorf("the sandbox leaves out documented member %s", p)
				}
			}
			for p := range got {
				if !want[p] {
					t.Errorf("the sandbox sends %s, which the documented example does not have", p)
				}
			}
			item, _ := body["item"].(map[string]any)
			detail, _ := item["order_detail"].(map[string]any)
			payments, _ := item["payments"].([]any)
			if len(payments) != 1 {
				t.Fatalf("payments = %v, want one", item["payments"])
			}
			payment, _ := payments[0].(map[string]any)
			result, _ := payment["payment_result"].(map[string]any)
			addr, isObject := item["addresses"].(map[string]any)
			if !isObject {
				t.Errorf("addresses = %#v, want an object as documented", item["addresses"])
			}
			for k := range addr {
				if !slices.Contains(addressFields(), k) {
					t.Errorf("addresses has %s, which is not in Payway's Address", k)
				}
			}
			if (len(addr) > 0) != tt.wantAddress {
				t.Errorf("addresses = %v, want an address: %v", addr, tt.wantAddress)
			}
			forms := []struct {
				what string
				ok   bool
			}{
				{"payment_result.amount is the string " + tt.wantAmount, result["amount"] == tt.wantAmount},
				{"payments[].amount is a number", kindOf(payment["amount"]) == "number"},
				{"order_detail.price is a number", kindOf(detail["price"]) == "number"},
				{`vat_code is "6" (per cent, no sign, like the documented "25")`, detail["vat_code"] == "6"},
				{`payment_type is "autopay"`, payment["payment_type"] == "autopay"},
				{"payment_result.error_code is as expected", result["error_code"] == tt.wantError},
			}
			for _, f := range forms {
				if !f.ok {
					t.Errorf("%s: payment %v, detail %v", f.what, payment, detail)
				}
			}
		})
	}

	t.Run("through the client", func(t *testing.T) {
		o, err := e.client.Order(ctx, paid, paidOrder.OrderID)
		if err != nil {
			t.Fatalf("Order: %v", err)
		}
		p := o.Payments[0]
		if p.PaymentResult.Amount != 13900 || p.Amount != 139 || o.OrderDetail.Price != 139 || o.OrderDetail.VATCode != "6" ||
			p.PaymentType != "autopay" || p.PaymentResult.OrderStatus != "completed" || o.Addresses.First() == nil {
			t.Errorf("order = %+v", o)
		}
	})
}

// kindOf names the JSON kind of a decoded value.
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	case []any:
		return "list"
	}
	return "object"
}
