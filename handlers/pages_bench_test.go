package handlers_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// BenchmarkPages measures the hot pages in-process through the app's handler (the sandbox is reached
// over loopback HTTP as always): `go test ./handlers -run '^$' -bench Pages -cpuprofile cpu.out`. It is for
// profiling; the figures the targets speak of come from `make bench` (cmd/bench), which loads the
// real binary beside a bare Echo baseline.
func BenchmarkPages(b *testing.B) {
	app := newTestApp(b)
	_, premium := app.articles()
	subscriber := app.client()
	if res := subscriber.login("token@example.se", demoPassword, "/"); res.Status != http.StatusSeeOther {
		b.Fatalf("login: %d", res.Status)
	}
	reader := app.client()
	purchase := reader.startPurchase("reader@example.se", "monthly")
	pages := []struct {
		name, path string
		as         *client // nil: anonymous
	}{
		{"home", "/", nil},
		{"article anonymous", "/articles/" + premium.Slug, nil},
		{"article subscriber", "/articles/" + premium.Slug, subscriber},
		{"subscribe anonymous", "/subscribe", nil},
		{"checkout reader", "/checkout/" + purchase, reader},
		{"account subscriber", "/account", subscriber},
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req := httptest.NewRequest(http.MethodGet, p.path, nil)
					if p.as != nil {
						for _, c := range p.as.http.Jar.Cookies(mustURL(b, app.URL)) {
							req.AddCookie(c)
						}
					}
					rec := httptest.NewRecorder()
					app.Handler.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("%s: %d", p.path, rec.Code)
					}
					_, _ = io.Copy(io.Discard, rec.Body)
				}
			})
		})
	}
}

func mustURL(tb testing.TB, raw string) *url.URL {
	tb.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}
