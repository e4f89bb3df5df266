package apilog

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// The payway package keeps its own table of Payway bodies (payway/mask_test.go); these cases cover what
// the Klarna client adds: tokens in paths, URLs with secrets, credentials in text.
func TestMaskBodyKlarna(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"session response",
			`{"session_id":"s1","client_token":"eyJhbGciOi.eyJzZXNz.c2ln","payment_method_categories":[{"identifier":"klarna"}]}`,
			`{"session_id":"s1","client_token":"***","payment_method_categories":[{"identifier":"klarna"}]}`},
		{"customer token and step-up",
			`{"token_id":"t1","customer":{"customer_token":"t2"},"step_up_id":"u1"}`,
			`{"token_id":"***","customer":{"customer_token":"***"},"step_up_id":"u1"}`},
		{"HPP read", `{"session_id":"h1","status":"COMPLETED","authorization_token":"a1"}`,
			`{"session_id":"h1","status":"COMPLETED","authorization_token":"***"}`},
		{"URL with secret query",
			`{"merchant_urls":{"status_update":"https://shop.example/cb?sid={{session_id}}&secretToken=abc123","success":"https://shop.example/ok?authorization_token={{authorization_token}}&x=1"}}`,
			`{"merchant_urls":{"status_update":"https://shop.example/cb?sid={{session_id}}&secretToken=***","success":"https://shop.example/ok?authorization_token=***&x=1"}}`},
		{"URL without query untouched", `{"redirect_url":"https://sandbox.example/kp/redirect/o1"}`,
			`{"redirect_url":"https://sandbox.example/kp/redirect/o1"}`},
		{"credentials in a message", `{"error_messages":["header was Basic UEtfU0FOREJPWDpzZWNyZXQ="]}`,
			`{"error_messages":["header was Basic ***"]}`},
		{"credentials in text", "proxy said: Authorization: Bearer abcdefghijkl", "proxy said: Authorization: Bearer ***"},
		{"short words after basic kept", `{"msg":"basic plan"}`, `{"msg":"basic plan"}`},
		{"truncated klarna body", `{"token_id":"abc`, `{"token_id":"***"`},
		{"customer token key of payway profile", `{"item":{"klarna_customer_token":"k"}}`, `{"item":{"klarna_customer_token":"***"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MaskBody([]byte(tt.in)); got != tt.want {
				t.Errorf("MaskBody(%q)\n got %s\nwant %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestMaskPath(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"/payments/v1/sessions/s1", "/payments/v1/sessions/s1"},
		{"/payments/v1/authorizations/a1/order", "/payments/v1/authorizations/***/order"},
		{"/payments/v1/authorizations/a1/customer-token", "/payments/v1/authorizations/***/customer-token"},
		{"/payments/v1/authorizations/a1", "/payments/v1/authorizations/***"},
		{"/customer-token/v1/tokens/t1/order", "/customer-token/v1/tokens/***/order"},
		{"/customer-token/v1/tokens/t1", "/customer-token/v1/tokens/***"},
		{"/hpp/v1/sessions/h1", "/hpp/v1/sessions/h1"},
		{"/external/api/v1/order?order_id=1", "/external/api/v1/order?order_id=1"},
		{"/x?access_token=abc&b=2", "/x?access_token=***&b=2"},
		{"/x?hppSecret=abc&sid=2", "/x?hppSecret=***&sid=2"},
	}
	for _, tt := range tests {
		if got := MaskPath(tt.in); got != tt.want {
			t.Errorf("MaskPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskHeader(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, value, want string }{
		{"Authorization", "Basic UEtfU0FOREJPWDpzZWNyZXQ=", Masked},
		{"authorization", "Bearer x", Masked},
		{"Cookie", "a=b", Masked},
		{"Klarna-Idempotency-Key", "8c1f2e64-0000-4000-8000-000000000001", "8c1f2e64-0000-4000-8000-000000000001"},
		{"X-Debug", "sent Bearer abcdefghijkl", "sent Bearer ***"},
	}
	for _, tt := range tests {
		if got := MaskHeader(tt.name, tt.value); got != tt.want {
			t.Errorf("MaskHeader(%q, %q) = %q, want %q", tt.name, tt.value, got, tt.want)
		}
	}
}

func TestMaskForm(t *testing.T) {
	t.Parallel()
	in := "client_id=c&client_secret=s&token=t"
	if got := MaskForm(in); got != "client_id=c&client_secret=***&token=t" {
		t.Errorf("MaskForm = %q (form fields use the exact secret keys only)", got)
	}
}

func TestObserverFunc(t *testing.T) {
	t.Parallel()
	var got Exchange
	var o Observer = ObserverFunc(func(_ context.Context, ex Exchange) { got = ex })
	o.Observe(t.Context(), Exchange{Service: "klarna"})
	if got.Service != "klarna" {
		t.Errorf("ObserverFunc did not pass the exchange on: %+v", got)
	}
}

// TestWriteJSONStringIsEncodingJSONs: the hand-written string encoder writes what encoding/json writes
// with HTML escaping off, for ordinary text and every kind of character it escapes.
func TestWriteJSONStringIsEncodingJSONs(t *testing.T) {
	t.Parallel()
	tests := []string{
		"", "plain", "https://example.se/cb?a=1&b=<2>", `quote " and backslash \`, "tab\tnew\nline\rcr",
		"\b\f\x00\x01\x1f\x7f", "åäö Ö €", "bad \xff utf8 \xc3", "line sep \u2028 para sep \u2029",
		"emoji 😀 end", strings.Repeat("x", 300) + "\x02",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 { // and arbitrary bytes
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		tests = append(tests, string(b))
	}
	for _, s := range tests {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		var got strings.Builder
		writeJSONString(&got, s)
		if got.String() != strings.TrimSuffix(want.String(), "\n") {
			t.Errorf("%q: wrote %s, encoding/json %s", s, got.String(), want.String())
		}
	}
}

// TestMaskTextFindsCredentialsInAnyCase: the quick look for "basic"/"bearer" before the expression must
// not let a credential through whatever its case or place.
func TestMaskTextFindsCredentialsInAnyCase(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"no credentials here", "no credentials here"},
		{"Bearer abcdefgh12345", "Bearer ***"},
		{"header: bEaReR abcdefgh12345 rest", "header: bEaReR *** rest"},
		{"BASIC dXNlcjpwYXNzd29yZA==", "BASIC ***"},
		{"basic short", "basic short"},
		{"ends with bearer", "ends with bearer"},
	}
	for _, tt := range tests {
		if got := maskText(tt.in); got != tt.want {
			t.Errorf("maskText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
