package app

import (
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/paywall/paywall/internal/apilog"
)

// TestPersonaTokenAsksKeepTheirConnection: asks for the persona's token, answered or a 404 with a body (a
// sandbox that no longer has the persona's token), go over one kept-alive connection, not a new one each
// (an unread 404 made the transport close it).
func TestPersonaTokenAsksKeepTheirConnection(t *testing.T) {
	t.Parallel()
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"code":"not_found","message":"No persona with an app token has the e-mail someone@example.se, ` +
			`and this message is long enough that it is not read along with the headers"}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	p := newPersonaTokens(srv.URL, "", "", nil, nil, slog.New(slog.DiscardHandler), apilog.NewTransport())
	for range 5 {
		if adopted, err := p.adopt(t.Context(), "acc1", "someone@example.se"); err != nil || adopted {
			t.Fatalf("adopt = %v, %v; want nothing adopted for a reader who is no persona", adopted, err)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for five asks, want one kept alive", n)
	}
}

// TestOnlyTokenPersonasAsk: a login asks the sandbox for a token only when the e-mail is a persona with one
// (in any case, with stray spaces); every other login makes no call at all.
func TestOnlyTokenPersonasAsk(t *testing.T) {
	t.Parallel()
	tests := []struct {
		email string
		asks  bool
	}{
		{"token@example.se", true},
		{" StepUp@Example.SE ", true},
		{"token-missing@example.se", true}, // its token is unknown to Klarna, but the app holds one
		{"reader@example.se", false},       // a persona without a token
		{"someone@example.se", false},      // no persona: the readers the bench copies
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.email, func(t *testing.T) {
			t.Parallel()
			var asked atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				asked.Add(1)
				http.Error(w, `{"code":"not_found"}`, http.StatusNotFound)
			}))
			t.Cleanup(srv.Close)
			p := newPersonaTokens(srv.URL, "", "", nil, nil, slog.New(slog.DiscardHandler), apilog.NewTransport())
			p.afterLogin(t.Context(), "acc1", tt.email)
			if got := asked.Load() == 1; got != tt.asks {
				t.Errorf("login of %q asked the sandbox %d times, want asks=%v", tt.email, asked.Load(), tt.asks)
			}
		})
	}
}
