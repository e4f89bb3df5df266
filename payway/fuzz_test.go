package payway

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeResponse feeds arbitrary statuses and bodies to the response decoder: it must never panic,
// every non-2xx status must become an *Error carrying that status and a readable message, and a
// success must only be reported for well-formed JSON.
func FuzzDecodeResponse(f *testing.F) {
	seeds := []struct {
		status int
		body   string
	}{
		{200, `{"item":{"id":"585a4768edce2c5e6f000001","email":"a@b.se","address":{"city":"Umeå"}}}`},
		{200, `{"item":null}`},
		{200, `{"items":[]}`},
		{200, `{"item":{"age":"not a number"}}`},
		{200, ``},
		{400, `{"code":"unknown_parameter","message":"Unknown parameters: a,b"}`},
		{400, `{"error":"invalid_grant","error_description":"bad"}`},
		{401, `{"code":42,"message":["x"]}`},
		{404, `not json`},
		{500, "\xff\xfe<html>" + strings.Repeat("x", 1000)},
		{502, ``},
		{302, `{}`},
		{0, `{}`},
	}
	for _, s := range seeds {
		f.Add(s.status, []byte(s.body), true)
		f.Add(s.status, []byte(s.body), false)
	}
	f.Fuzz(func(t *testing.T, status int, body []byte, wrapped bool) {
		env := bare
		if wrapped {
			env = itemWrap
		}
		var acc Account
		err := decodeResponse(status, body, env, &acc)
		if status < 200 || status > 299 {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("status %d: error %v (%T), want *Error", status, err, err)
			}
			if pe.Status != status {
				t.Errorf("Error.Status = %d, want %d", pe.Status, status)
			}
			if !utf8.ValidString(pe.Message) || !utf8.ValidString(pe.Code) {
				t.Errorf("Error %q/%q is not valid UTF-8", pe.Code, pe.Message)
			}
			if pe.Message == "" && len(strings.TrimSpace(string(body))) > 0 {
				t.Errorf("Error for body %q has no message", body)
			}
			_ = pe.Error()
			return
		}
		if err == nil && !json.Valid(body) {
			t.Errorf("status %d: invalid JSON %q decoded without error", status, body)
		}
		var pe *Error
		if errors.As(err, &pe) {
			t.Errorf("status %d: decode failure reported as API error %v", status, pe)
		}
	})
}

// FuzzMaskBody checks the masker on arbitrary input (no panic, valid JSON stays valid) and on
// generated bodies that carry a secret (the secret never survives).
func FuzzMaskBody(f *testing.F) {
	f.Add([]byte(`{"access_token":"abc","x":[1,{"password":"p"}]}`), "s3cret-value")
	f.Add([]byte(`client_secret=abc&password=p`), "p&w=x")
	f.Add([]byte(`{"password":"unterminated`), `"quoted\"`)
	f.Add([]byte("\xff{"), "Göteborg")
	f.Fuzz(func(t *testing.T, body []byte, secret string) {
		out := maskBody(body)
		if json.Valid(body) && !json.Valid([]byte(out)) {
			t.Errorf("maskBody(%q) = %q: valid JSON became invalid", body, out)
		}

		jsonBody, err := json.Marshal(map[string]any{
			"password": secret,
			"item":     map[string]any{"client_token": secret, "list": []any{map[string]string{"token_id": secret}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		wantJSON := `{"item":{"client_token":"***","list":[{"token_id":"***"}]},"password":"***"}`
		if got := maskBody(jsonBody); got != wantJSON {
			t.Errorf("maskBody(%s) = %s, want %s", jsonBody, got, wantJSON)
		}
		form := url.Values{"password": {secret}, "refresh_token": {secret}}.Encode()
		if got, want := maskBody([]byte(form)), "password=***&refresh_token=***"; got != want {
			t.Errorf("maskBody(%q) = %q, want %q", form, got, want)
		}
	})
}
