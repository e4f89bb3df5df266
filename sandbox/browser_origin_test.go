package sandbox

import "testing"

func TestParseOrigin(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"http://localhost:8080", "http://localhost:8080"},
		{"HTTP://LocalHost:8080/", "http://localhost:8080"},
		{"https://shop.example:443", "https://shop.example"},
		{"http://127.0.0.1:80", "http://127.0.0.1"},
		{"http://[::1]:8080", "http://[::1]:8080"},
		{"*", ""},
		{"null", ""},
		{"", ""},
		{"javascript:alert(1)", ""},
		{"file:///etc/passwd", ""},
		{"http://localhost:8080/checkout", ""},
		{"http://user@localhost:8080", ""},
		{"http://localhost:8080?x=1", ""},
	}
	for _, tt := range tests {
		if got := parseOrigin(tt.in); got != tt.want {
			t.Errorf("parseOrigin(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := originOf("https://shop.example/confirmation/{order.id}?sid={session.id}"); got != "https://shop.example" {
		t.Errorf("originOf a URL with placeholders = %q", got)
	}
}
