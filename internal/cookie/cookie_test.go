package cookie

import (
	"net/http"
	"testing"
)

// TestValueIsRequestCookies: Value answers as net/http's Request.Cookie does, for the shapes Cookie
// headers come in.
func TestValueIsRequestCookies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		headers []string
		cookie  string
	}{
		{"no header", nil, "paywall"},
		{"only one", []string{"paywall=abc"}, "paywall"},
		{"among others", []string{"lang=en; paywall=abc.def-ghi_; _csrf=xyz"}, "paywall"},
		{"no spaces", []string{"lang=en;_csrf=xyz"}, "_csrf"},
		{"absent", []string{"lang=en; _csrf=xyz"}, "paywall"},
		{"prefix of another name", []string{"paywall_old=1; paywall=2"}, "paywall"},
		{"name is a prefix", []string{"pay=1"}, "paywall"},
		{"quoted", []string{`lang="sv"`}, "lang"},
		{"empty value", []string{"lang="}, "lang"},
		{"invalid byte, then a valid one", []string{"lang=a\\b; lang=en"}, "lang"},
		{"first of two", []string{"lang=sv; lang=en"}, "lang"},
		{"second header line", []string{"a=1", "lang=en"}, "lang"},
		{"no value", []string{"lang"}, "lang"},
		{"space inside", []string{"lang=a b"}, "lang"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := http.NewRequest(http.MethodGet, "/", nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range tt.headers {
				r.Header.Add("Cookie", h)
			}
			want, werr := r.Cookie(tt.cookie)
			got, ok := Value(r, tt.cookie)
			if ok != (werr == nil) || (ok && got != want.Value) {
				t.Errorf("Value = %q, %v; Request.Cookie = %v, %v", got, ok, want, werr)
			}
		})
	}
}
