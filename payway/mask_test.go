package payway

import "testing"

func TestMaskBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"whitespace", " \n", ""},
		{"token response",
			`{"access_token":"a1","token_type":"bearer","expires_in":3600,"refresh_token":"r1","scope":"/external/me/w"}`,
			`{"access_token":"***","token_type":"bearer","expires_in":3600,"refresh_token":"***","scope":"/external/me/w"}`},
		{"key order and numbers kept", `{"z":1.50,"password":"p","a":12345678901234567890}`,
			`{"z":1.50,"password":"***","a":12345678901234567890}`},
		{"nested and in arrays", `{"item":{"klarna_client_token":"k","sessions":[{"client_token":"c","id":"s1"}]}}`,
			`{"item":{"klarna_client_token":"***","sessions":[{"client_token":"***","id":"s1"}]}}`},
		{"all listed keys",
			`{"client_secret":"1","klarna_authorization_token":"2","authorization_token":"3","customer_token":"4","token_id":"5"}`,
			`{"client_secret":"***","klarna_authorization_token":"***","authorization_token":"***","customer_token":"***","token_id":"***"}`},
		{"key case-insensitive", `{"Access_Token":"a"}`, `{"Access_Token":"***"}`},
		{"escaped key", `{"pass\u0077ord":"a"}`, `{"password":"***"}`},
		{"non-string secret values", `{"password":123,"token_id":{"x":"y"},"customer_token":["a"]}`,
			`{"password":"***","token_id":"***","customer_token":"***"}`},
		{"null stays null", `{"refresh_token":null}`, `{"refresh_token":null}`},
		{"similar keys untouched", `{"token_type":"bearer","passwords_match":true,"my_password":"x"}`,
			`{"token_type":"bearer","passwords_match":true,"my_password":"x"}`},
		{"top-level array", `[{"password":"p"},"password"]`, `[{"password":"***"},"password"]`},
		{"pretty input compacted", "{\n  \"password\": \"p\",\n  \"ok\": true\n}", `{"password":"***","ok":true}`},
		{"unicode kept", `{"city":"Göteborg","password":"å"}`, `{"city":"Göteborg","password":"***"}`},
		{"form body",
			"client_id=paywall&client_secret=s3cret&grant_type=password&username=sandbox%5Ea%40b.se&password=p%26w&scope=%2Fexternal%2Fme%2Fw",
			"client_id=paywall&client_secret=***&grant_type=password&username=sandbox%5Ea%40b.se&password=***&scope=%2Fexternal%2Fme%2Fw"},
		{"form escaped key", "refresh%5Ftoken=r1&x=1", "refresh%5Ftoken=***&x=1"},
		{"form empty value masked", "password=&a=b", "password=***&a=b"},
		{"form without secrets", "code=adeprimo_digital&x", "code=adeprimo_digital&x"},
		{"truncated json", `{"access_token":"abcdef","refresh_token":"ghi`, `{"access_token":"***","refresh_token":"***"`},
		{"broken json with escapes", `{"password":"a\"b", }`, `{"password":"***", }`},
		{"trailing data", `{"password":"a"} {"password":"b"}`, `{"password":"***"} {"password":"***"}`},
		{"json inside text", `error: {"client_secret": "abc"} happened`, `error: {"client_secret": "***"} happened`},
		{"plain text", "<html>Bad Gateway</html>", "<html>Bad Gateway</html>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := maskBody([]byte(tt.in)); got != tt.want {
				t.Errorf("maskBody(%q)\n got %s\nwant %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestMaskPath(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"/external/api/v3/me", "/external/api/v3/me"},
		{"/v1/order?order_id=1", "/v1/order?order_id=1"},
		{"/x?access_token=abc&b=2", "/x?access_token=***&b=2"},
	}
	for _, tt := range tests {
		if got := maskPath(tt.in); got != tt.want {
			t.Errorf("maskPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
