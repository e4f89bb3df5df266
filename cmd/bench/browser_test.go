package main

import "testing"

// The browser keeps the cookies a Set-Cookie header sets, replaces them by name and drops the ones it
// expires, as a browser's cookie store does (the journeys need the session and _csrf cookies the app sets).
func TestBrowserKeepsCookies(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		headers []string
		want    string
	}{
		{"set", []string{"session=abc; Path=/; HttpOnly; SameSite=Lax"}, "session=abc"},
		{"two", []string{"session=abc; Path=/", "_csrf=t1; Path=/; Max-Age=604800"}, "session=abc; _csrf=t1"},
		{"replaced by name", []string{"_csrf=t1; Path=/", "session=abc", "_csrf=t2; Path=/"}, "session=abc; _csrf=t2"},
		{"deleted by Max-Age=0", []string{"session=abc", "session=old; Path=/; Max-Age=0"}, ""},
		{"deleted by a past expiry", []string{"session=abc", "session=gone; Path=/; Expires=Thu, 01 Jan 1970 00:00:01 GMT"}, ""},
		{"kept with a future expiry", []string{"session=abc; Expires=Fri, 01 Jan 2100 00:00:00 GMT"}, "session=abc"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := newBrowser("http://127.0.0.1:1", nil)
			for _, h := range tc.headers {
				b.keep([]byte(h))
			}
			if got := b.cookieHeader(); got != tc.want {
				t.Errorf("cookies %q, want %q", got, tc.want)
			}
		})
	}
}
