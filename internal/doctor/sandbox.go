package doctor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/paywall/paywall/sandbox"
)

// startSandbox serves a fresh sandbox on a free loopback port, with its database in dir (""; a temporary
// directory), and returns its base URL and the function that stops it and removes what it created. A
// sandbox of its own means the doctor neither needs nor disturbs a running `paywall` and its sandbox.db.
func startSandbox(ctx context.Context, dir string) (base string, stop func(), err error) {
	cleanup := func() {}
	if dir == "" {
		if dir, err = os.MkdirTemp("", "paywall-doctor-*"); err != nil {
			return "", nil, fmt.Errorf("doctor: sandbox directory: %w", err)
		}
		tmp := dir
		cleanup = func() { _ = os.RemoveAll(tmp) }
	}
	sb, err := sandbox.New(ctx, sandbox.Config{DBPath: filepath.Join(dir, "sandbox.db"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		cleanup()
		return "", nil, fmt.Errorf("doctor: start sandbox: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cleanup()
		return "", nil, errors.Join(fmt.Errorf("doctor: sandbox listener: %w", err), sb.Close())
	}
	srv := &http.Server{Handler: sb.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(ln) // returns http.ErrServerClosed after Shutdown
	}()
	stop = func() {
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
		<-served
		_ = sb.Close()
		cleanup()
	}
	return "http://" + ln.Addr().String(), stop, nil
}
