package apilog

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// exchanges is an Observer that keeps every exchange.
type exchanges struct {
	mu  sync.Mutex
	all []Exchange
}

func (o *exchanges) Observe(_ context.Context, ex Exchange) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.all = append(o.all, ex)
}

func (o *exchanges) list() []Exchange {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]Exchange(nil), o.all...)
}

func TestDo(t *testing.T) {
	t.Parallel()
	errDecode := errors.New("status not 2xx")
	// The server answers by path; it checks the request Do built from Request.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("Authorization") != "Bearer secret-credential" || r.Header.Get("Accept") != "application/json" {
			http.Error(w, "headers not sent", http.StatusTeapot)
			return
		}
		switch r.URL.Path {
		case "/ok":
			if r.URL.Query().Get("access_token") != "query-token" || string(body) != `{"password":"hunter22"}` {
				http.Error(w, "query or body not sent", http.StatusTeapot)
				return
			}
			w.Header().Set("X-Correlation", "corr-1")
			_, _ = io.WriteString(w, `{"refresh_token":"resp-token","name":"Ann"}`)
		case "/fail":
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"code":"invalid","client_secret":"resp-secret"}`)
		case "/big":
			_, _ = io.WriteString(w, strings.Repeat("x", 101))
		case "/hang":
			<-r.Context().Done()
		}
	}))
	t.Cleanup(srv.Close) // not defer: the parallel subtests run after this function returns

	tests := []struct {
		name     string
		path     string
		body     string
		timeout  time.Duration
		wantErr  func(error) bool
		wantEx   Exchange // Service, Method, Path, Status, bodies; Err and Duration are checked separately
		wantResp *Response
	}{
		{
			name: "success", path: "/ok?access_token=query-token&x=1", body: `{"password":"hunter22"}`,
			wantErr: func(err error) bool { return err == nil },
			wantEx: Exchange{Path: "/ok?access_token=***&x=1", Status: 200, RequestBody: `{"password":"***"}`,
				ResponseBody: `{"refresh_token":"***","name":"Ann"}`},
			wantResp: &Response{Status: 200, Body: []byte(`{"refresh_token":"resp-token","name":"Ann"}`)},
		},
		{
			name: "non-2xx reaches decode, its error is reported", path: "/fail",
			wantErr: func(err error) bool { return errors.Is(err, errDecode) },
			wantEx:  Exchange{Path: "/fail", Status: 400, ResponseBody: `{"code":"invalid","client_secret":"***"}`},
		},
		{
			name: "oversize body", path: "/big",
			wantErr: func(err error) bool {
				return err != nil && err.Error() == "read response: body exceeds 100 bytes"
			},
			wantEx: Exchange{Path: "/big", Status: 200}, // the body is not reported: it was never accepted
		},
		{
			name: "context deadline, no response", path: "/hang", timeout: 50 * time.Millisecond,
			wantErr: func(err error) bool { return errors.Is(err, context.DeadlineExceeded) },
			wantEx:  Exchange{Path: "/hang", Status: 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			header := http.Header{}
			header.Set("Authorization", "Bearer secret-credential")
			header.Set("Accept", "application/json")
			var body []byte
			if tt.body != "" {
				body = []byte(tt.body)
			}
			obs := &exchanges{}
			var got *Response
			err := Do(ctx, srv.Client(), obs, Request{
				Service: "test", Method: http.MethodPost, Base: srv.URL, Path: tt.path, Body: body, Header: header,
				MaxResponseBytes: 100,
			}, func(resp Response) error {
				got = &resp
				if resp.Status < 200 || resp.Status > 299 {
					return errDecode
				}
				return nil
			})
			if !tt.wantErr(err) {
				t.Fatalf("Do error = %v", err)
			}
			if tt.wantResp != nil {
				if got == nil || got.Status != tt.wantResp.Status || string(got.Body) != string(tt.wantResp.Body) ||
					got.Header.Get("X-Correlation") != "corr-1" {
					t.Errorf("decode got %+v, want %+v", got, tt.wantResp)
				}
			}
			exs := obs.list()
			if len(exs) != 1 {
				t.Fatalf("observed %d exchanges, want exactly 1", len(exs))
			}
			ex := exs[0]
			if ex.Service != "test" || ex.Method != http.MethodPost || ex.Path != tt.wantEx.Path ||
				ex.Status != tt.wantEx.Status || ex.RequestBody != tt.wantEx.RequestBody ||
				ex.ResponseBody != tt.wantEx.ResponseBody {
				t.Errorf("observed %+v, want %+v", ex, tt.wantEx)
			}
			if ex.Err != err { // the very error Do returned, not merely one wrapping it
				t.Errorf("observed Err = %v, want the returned %v", ex.Err, err)
			}
			if ex.Duration <= 0 {
				t.Errorf("observed Duration = %v, want > 0", ex.Duration)
			}
			if text := ex.Path + ex.RequestBody + ex.ResponseBody; strings.Contains(text, "secret-credential") {
				t.Errorf("observed exchange exposes the credential header: %+v", ex)
			}
		})
	}
}

// TestDoDefaults covers the zero values: no observer, no decode function, default response limit.
func TestDoDefaults(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write(make([]byte, DefaultMaxResponseBytes))
	}))
	defer srv.Close()
	if err := Do(t.Context(), srv.Client(), nil, Request{Method: http.MethodGet, Base: srv.URL, Path: "/"}, nil); err != nil {
		t.Errorf("Do without decode = %v, want nil (a body of exactly the limit is accepted)", err)
	}
	err := Do(t.Context(), srv.Client(), nil, Request{Method: "bad method", Base: srv.URL}, nil)
	if err == nil || !strings.HasPrefix(err.Error(), "build request: ") {
		t.Errorf("Do with an invalid method = %v, want a build request error", err)
	}
}

// TestNotSent: only a request that never reached the server is known not to have acted; a timeout after
// sending, a cut connection and an answered 5xx leave the outcome unknown.
func TestNotSent(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/hang":
			<-release
		case "/cut":
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		default:
			w.WriteHeader(http.StatusBadGateway)
		}
	}))
	// Cleanups, not defers: the parallel subtests run after this function returns.
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close() // nothing listens there any more: the dial is refused

	tests := []struct {
		name    string
		base    string
		path    string
		timeout time.Duration
		notSent bool
	}{
		{"connection refused", closedURL, "/", 0, true},
		{"request cannot be built", "http://bad host", "/", 0, true},
		{"timeout after sending", srv.URL, "/hang", 100 * time.Millisecond, false},
		{"connection cut after sending", srv.URL, "/cut", 0, false},
		{"5xx answer", srv.URL, "/5xx", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			err := Do(ctx, srv.Client(), nil, Request{Service: "x", Method: http.MethodPost, Base: tt.base, Path: tt.path},
				func(r Response) error {
					if r.Status >= 500 {
						return errors.New("5xx")
					}
					return nil
				})
			if err == nil {
				t.Fatal("Do succeeded; every case must fail")
			}
			if got := NotSent(err); got != tt.notSent {
				t.Errorf("NotSent(%v) = %v, want %v", err, got, tt.notSent)
			}
		})
	}
}

// selective keeps only the exchanges made under a context that carries keepKey.
type selective struct{ exchanges }

type keepKey struct{}

func (s *selective) Records(ctx context.Context) bool { return ctx.Value(keepKey{}) != nil }

// TestDoAsksASelectiveObserver: an exchange the observer would not keep is not reported (nor masked);
// the call itself is the same either way.
func TestDoAsksASelectiveObserver(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"order_id":"o1","client_token":"secret"}`)
	}))
	t.Cleanup(srv.Close)
	tests := []struct {
		name string
		ctx  context.Context
		kept int
	}{
		{"not for a purchase", context.Background(), 0},
		{"for a purchase", context.WithValue(context.Background(), keepKey{}, true), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs := &selective{}
			var got string
			err := Do(tt.ctx, srv.Client(), obs, Request{Service: "test", Call: "test.get", Method: http.MethodGet, Base: srv.URL, Path: "/x"},
				func(r Response) error { got = string(r.Body); return nil })
			if err != nil || !strings.Contains(got, `"order_id":"o1"`) {
				t.Fatalf("Do = %v, body %q", err, got)
			}
			all := obs.list()
			if len(all) != tt.kept {
				t.Fatalf("%d exchanges reported, want %d", len(all), tt.kept)
			}
			if tt.kept == 1 && (all[0].ResponseBody != `{"order_id":"o1","client_token":"***"}` || all[0].IDs["order_id"] != "o1") {
				t.Errorf("kept exchange %+v: want the masked body and its ids", all[0])
			}
		})
	}
}
