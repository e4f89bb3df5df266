package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paywall/paywall/internal/testenv"
)

// syncBuffer collects log output written from the server goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestRunServesAndShutsDown starts the whole program with the sandbox on free ports, checks it is ready, then
// cancels the context the way SIGTERM does and waits for run to return.
func TestRunServesAndShutsDown(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	appAddr, sbAddr := freeAddr(t), freeAddr(t)
	vars := map[string]string{
		"PAYWALL_SANDBOX_ADDR": sbAddr, "PAYWALL_SANDBOX_DB": filepath.Join(dir, "sandbox.db"),
		"PAYWALL_SESSION_KEY": strings.Repeat("0f", 32),
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", appAddr, "-db", filepath.Join(dir, "app.db")}, env(vars), out)
	}()

	// Poll readiness (a condition, not a fixed sleep) until it holds or run fails.
	poll := time.NewTicker(20 * time.Millisecond)
	defer poll.Stop()
	timeout := time.After(testenv.Scale(30 * time.Second)) // two databases migrated under -race on a busy machine
	for ready := false; !ready; {
		select {
		case err := <-done:
			t.Fatalf("run returned early: %v\n%s", err, out.String())
		case <-timeout:
			t.Fatalf("app never became ready:\n%s", out.String())
		case <-poll.C:
			if res, err := http.Get("http://" + appAddr + "/readyz"); err == nil {
				ready = res.StatusCode == http.StatusOK
				res.Body.Close()
			}
		}
	}
	// Oversized request headers are refused before any handler runs.
	big, _ := http.NewRequest(http.MethodGet, "http://"+appAddr+"/healthz", nil)
	big.Header.Set("X-Padding", strings.Repeat("a", 2*maxHeaderBytes))
	if res, err := http.DefaultClient.Do(big); err != nil {
		t.Errorf("oversized headers: %v", err)
	} else {
		res.Body.Close()
		if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("oversized headers: %d, want 431", res.StatusCode)
		}
	}
	// The demo console reaches the embedded sandbox's control API: its personas are listed.
	if res, err := http.Get("http://" + appAddr + "/demo"); err != nil {
		t.Errorf("demo console: %v", err)
	} else {
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `data-testid="login-as-reader@example.se"`) {
			t.Errorf("demo console: %d, without the sandbox's personas", res.StatusCode)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(testenv.Scale(15 * time.Second)):
		t.Fatal("run did not return after cancel")
	}
	if _, err := http.Get("http://" + appAddr + "/healthz"); err == nil {
		t.Error("app still answers after shutdown")
	}
	if strings.Contains(out.String(), strings.Repeat("0f", 32)) {
		t.Error("session key printed in the log")
	}
}

func TestRunRejectsBadConfig(t *testing.T) {
	t.Parallel()
	err := run(context.Background(), nil, env(map[string]string{"PAYWALL_MODE": "nope"}), &syncBuffer{})
	if err == nil || !strings.Contains(err.Error(), "PAYWALL_MODE") {
		t.Fatalf("err = %v", err)
	}
}

// TestRunRefusesPublicSandbox: sandbox mode on an address other machines reach does not start, neither the
// app nor `paywall sandbox` alone, and says which variable to change. The database paths point into a
// temporary directory, so a start that went ahead would be visible as a created file.
func TestRunRefusesPublicSandbox(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, sub, env, addr string
	}{
		{"app on every interface", "", "PAYWALL_ADDR", "0.0.0.0:0"},
		{"app's sandbox on every interface", "", "PAYWALL_SANDBOX_ADDR", "0.0.0.0:0"},
		{"sandbox alone on every interface", "sandbox", "PAYWALL_SANDBOX_ADDR", "[::]:0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			vars := map[string]string{"PAYWALL_ADDR": "127.0.0.1:0", "PAYWALL_SANDBOX_ADDR": "127.0.0.1:0",
				"PAYWALL_DB": filepath.Join(dir, "app.db"), "PAYWALL_SANDBOX_DB": filepath.Join(dir, "sandbox.db")}
			vars[tt.env] = tt.addr
			var args []string
			if tt.sub != "" {
				args = []string{tt.sub}
			}
			out := &syncBuffer{}
			err := run(t.Context(), args, env(vars), out)
			if err == nil || !strings.Contains(err.Error(), tt.env+": ") || !strings.Contains(err.Error(), "PAYWALL_SANDBOX_PUBLIC=true") {
				t.Fatalf("err = %v", err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("started anyway: %d files in the data directory", len(entries))
			}
		})
	}
}

// TestRunBindsTheSandboxBeforeTheApp: in sandbox mode the sandbox's port is bound before the app starts,
// since the app's reconciler calls the sandbox in its first round, at start (an unbound port refuses the
// call; a bound one holds it until the sandbox serves). So a busy sandbox port stops the start before the
// app has opened anything: no database file is made.
func TestRunBindsTheSandboxBeforeTheApp(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := t.TempDir()
	vars := map[string]string{"PAYWALL_ADDR": freeAddr(t), "PAYWALL_SANDBOX_ADDR": busy.Addr().String(),
		"PAYWALL_DB": filepath.Join(dir, "app.db"), "PAYWALL_SANDBOX_DB": filepath.Join(dir, "sandbox.db"),
		"PAYWALL_SESSION_KEY": strings.Repeat("0f", 32)}
	err = run(t.Context(), nil, env(vars), &syncBuffer{})
	if err == nil || !strings.Contains(err.Error(), "sandbox: listen on "+busy.Addr().String()) {
		t.Fatalf("err = %v, want the sandbox's port refused", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the app started before the sandbox's port was bound: %d files in the data directory", len(entries))
	}
}
