package sandbox_test

import (
	"net/http"
	"testing"
)

// TestPurchaseRawErrors covers what the typed payway client cannot send: unknown parameters, wrong
// JSON types, missing query parameters and wrong methods on the purchase routes. Every answer is
// Payway's {code,message}.
func TestPurchaseRawErrors(t *testing.T) {
	t.Parallel()
	srv, _ := newSandbox(t)
	tok := call(t, srv, "POST", "/api/authorization/access_token", form, passwordForm("scope",
		"/external/klarna_payments/r /external/klarna_payments/w /external/order/r /external/me/payment_profile/r"), nil)
	access, _ := tok.body["access_token"].(string)
	if access == "" {
		t.Fatalf("token: %d %v", tok.status, tok.body)
	}
	bearer := http.Header{"Authorization": {"Bearer " + access}}
	const kp = "/external/api/v1/klarna_payments/"
	const jsonCT = "application/json"
	tests := []struct {
		name, method, path, contentType, body string
		wantStatus                            int
		wantCode, wantMessage                 string
	}{
		{name: "periods without code", method: "GET", path: kp + "payment_periods", wantStatus: 400, wantCode: "invalid_parameter"},
		{name: "create_session unknown parameters", method: "POST", path: kp + "create_session", contentType: jsonCT,
			body:       `{"code":"digital","period_type":"recurring","confirmation_url":"https://a.se","raise_on_ssn_already_taken_error":true}`,
			wantStatus: 400, wantCode: "unknown_parameter", wantMessage: "Unknown parameters: raise_on_ssn_already_taken_error"},
		{name: "create_session wrong type", method: "POST", path: kp + "create_session", contentType: jsonCT,
			body: `{"code":"digital","disable_account_info_overwrite":"yes"}`, wantStatus: 400, wantCode: "invalid_request"},
		{name: "place_order unknown parameters", method: "POST", path: kp + "place_order", contentType: jsonCT,
			body:       `{"klarna_authorization_token":"a","klarna_payments_session_id":"b","customer_info":{}}`,
			wantStatus: 400, wantCode: "unknown_parameter", wantMessage: "Unknown parameters: customer_info"},
		{name: "place_trial_order empty body", method: "POST", path: kp + "place_trial_order", contentType: jsonCT,
			wantStatus: 400, wantCode: "invalid_parameter"},
		{name: "place_order raise flag not a bool", method: "POST", path: kp + "place_order", contentType: jsonCT,
			body:       `{"klarna_authorization_token":"a","klarna_payments_session_id":"b","raise_on_account_update_error":"true"}`,
			wantStatus: 400, wantCode: "invalid_request"},
		{name: "order without order_id", method: "GET", path: "/external/api/v1/order", wantStatus: 400, wantCode: "invalid_parameter"},
		{name: "GET create_session", method: "GET", path: kp + "create_session", wantStatus: 405, wantCode: "method_not_allowed"},
		{name: "POST payment_periods", method: "POST", path: kp + "payment_periods", contentType: jsonCT, body: "{}",
			wantStatus: 405, wantCode: "method_not_allowed"},
		{name: "DELETE payment_profile", method: "DELETE", path: "/external/api/v1/me/payment_profile/", wantStatus: 405, wantCode: "method_not_allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, srv, tt.method, tt.path, tt.contentType, tt.body, bearer)
			if r.status != tt.wantStatus || r.body["code"] != tt.wantCode {
				t.Fatalf("got %d %v, want %d %s", r.status, r.body, tt.wantStatus, tt.wantCode)
			}
			if msg, _ := r.body["message"].(string); msg == "" || (tt.wantMessage != "" && msg != tt.wantMessage) {
				t.Errorf("message = %q, want %q (non-empty)", msg, tt.wantMessage)
			}
		})
	}
}
