package apilog

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

// TestTransportReusesConnectionsUnderLoad: rounds of concurrent calls to one upstream reuse the first
// round's connections; Go's default transport (two idle per host) opens most of them again every round.
func TestTransportReusesConnectionsUnderLoad(t *testing.T) {
	t.Parallel()
	const concurrent, rounds = 32, 3
	tests := []struct {
		name      string
		transport func() *http.Transport
		maxNew    int64
		minNew    int64
	}{
		{"shared transport", NewTransport, concurrent, 1},
		{"Go's default, for contrast", func() *http.Transport { return http.DefaultTransport.(*http.Transport).Clone() }, rounds * concurrent, concurrent + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var opened atomic.Int64
			inFlight := make(chan struct{}, concurrent)
			release := make(chan struct{})
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				inFlight <- struct{}{}
				<-release // hold every call until the whole round is in flight: no reuse inside a round
				_, _ = io.WriteString(w, "ok")
			}))
			srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
				if s == http.StateNew {
					opened.Add(1)
				}
			}
			srv.Start()
			t.Cleanup(srv.Close)
			client := &http.Client{Transport: tt.transport()}
			for range rounds {
				var wg sync.WaitGroup
				for range concurrent {
					wg.Go(func() {
						res, err := client.Get(srv.URL)
						if err != nil {
							t.Error(err)
							return
						}
						_, _ = io.Copy(io.Discard, res.Body)
						res.Body.Close()
					})
				}
				for range concurrent {
					<-inFlight
				}
				for range concurrent {
					release <- struct{}{}
				}
				wg.Wait()
			}
			if n := opened.Load(); n > tt.maxNew || n < tt.minNew {
				t.Errorf("%d connections opened for %d calls, want %d..%d", n, rounds*concurrent, tt.minNew, tt.maxNew)
			}
		})
	}
}
