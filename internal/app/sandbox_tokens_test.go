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

// TestPersonaTokenAsksKeepTheirConnection: every login in sandbox mode asks the sandbox for the persona's
// token; asks for readers who are no persona (a 404 with a body) and for personas go over one kept-alive
// connection, not a new one each (an unread 404 made the transport close it).
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
