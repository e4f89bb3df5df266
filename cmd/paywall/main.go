// Command paywall serves the subscription paywall: the web app and, in sandbox mode, the embedded Payway and
// Klarna sandbox. `paywall sandbox` runs the sandbox alone for other apps and teams; `paywall doctor` checks
// the configuration against the real Payway and Klarna (or, in sandbox mode, a sandbox of its own) before
// going live.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/app"
	"github.com/paywall/paywall/sandbox"
)

func main() {
	app.TuneGC(os.Getenv) // GOGC=300 and a 50 MiB soft memory limit unless the environment says otherwise
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "paywall:", err)
		os.Exit(1)
	}
}

// run is the whole program, testable: it returns when ctx is cancelled (after a graceful shutdown) or on error.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	var sub string // "", "sandbox" or "doctor"
	if len(args) > 0 && (args[0] == "sandbox" || args[0] == "doctor") {
		sub, args = args[0], args[1:]
	}
	sandboxOnly := sub == "sandbox"
	cfg, err := loadConfig(args, getenv, stdout)
	if err != nil {
		return err
	}
	if sandboxOnly && cfg.Mode != modeSandbox {
		return errors.New("`paywall sandbox` needs PAYWALL_MODE=sandbox")
	}
	if sub == "doctor" {
		return runDoctor(ctx, cfg, getenv, stdout)
	}
	log := newLogger(cfg, stdout)
	log.Info("configuration", cfg.describe()...)
	if exposed := cfg.exposed(); len(exposed) > 0 {
		log.Warn("sandbox mode on an address other machines can reach (PAYWALL_SANDBOX_PUBLIC=true): persona passwords, "+
			"/demo/login as any persona and /demo/reset are open to anyone who reaches it", "addrs", exposed)
	}

	if cfg.MemProfile != "" {
		// Every 4 KB allocated, not every 512 KB: the caches' entries are small, and the default rate
		// attributes a run's few hundred samples to whichever allocation they fell on.
		runtime.MemProfileRate = 4096
	}
	if cfg.CPUProfile != "" {
		stopProfile, err := startCPUProfile(cfg.CPUProfile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	if sandboxOnly {
		return runSandbox(ctx, cfg, log)
	}
	// The embedded sandbox's port is bound before the app starts: the reconciler's first round, at start, may
	// call it, and a bound port holds the connection until the sandbox serves it where a port not bound yet
	// refuses it (an error logged, and purchases left from a crash waiting for the next round).
	var sandboxLn net.Listener
	if cfg.Mode == modeSandbox {
		if sandboxLn, err = bind(cfg.SandboxAddr); err != nil {
			return fmt.Errorf("sandbox: %w", err)
		}
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a, err := app.New(ctx, cfg.appConfig(log, reg))
	if err != nil {
		if sandboxLn != nil {
			sandboxLn.Close()
		}
		return err
	}
	defer func() {
		if err := a.Close(); err != nil {
			log.Error("close", "err", err)
		}
	}()
	var sandboxSrv *http.Server
	if sandboxLn != nil {
		sandboxSrv = serve(sandboxLn, a.Sandbox, log)
		log.Info("sandbox listening", "url", "http://"+cfg.SandboxAddr)
	}
	srv, err := listen(cfg.Addr, a.Handler, log)
	if err != nil {
		shutdown(sandboxSrv, cfg.ShutdownGrace, log)
		return fmt.Errorf("app: %w", err)
	}
	log.Info("paywall listening", "url", cfg.PublicURL)

	<-ctx.Done()
	if cfg.MemProfile != "" {
		if err := writeHeapProfile(cfg.MemProfile); err != nil {
			log.Error("heap profile", "err", err)
		}
	}
	log.Info("shutting down", "grace", cfg.ShutdownGrace.String())
	// First no new requests; then the money calls still under way (they run detached from their requests,
	// up to their client's timeout, which may be longer than the grace) get to record their outcome; the
	// embedded sandbox, which they may be talking to, stops last. What is cut off anyway is resolved by
	// the reconciler at the next start.
	shutdown(srv, cfg.ShutdownGrace, log)
	if err := a.Drain(context.Background()); err != nil {
		log.Warn("money calls left to the reconciler", "err", err)
	}
	shutdown(sandboxSrv, cfg.ShutdownGrace, log)
	return nil
}

// runSandbox is `paywall sandbox`: the sandbox alone, for other apps and teams.
func runSandbox(ctx context.Context, cfg config, log *slog.Logger) error {
	sb, err := sandbox.New(ctx, sandbox.Config{DBPath: cfg.SandboxDBPath, Logger: log.With("component", "sandbox"),
		ControlUser: cfg.DemoUser, ControlPassword: cfg.DemoPassword})
	if err != nil {
		return fmt.Errorf("start sandbox: %w", err)
	}
	defer sb.Close()
	srv, err := listen(cfg.SandboxAddr, sb.Handler(), log)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	log.Info("sandbox listening", "url", "http://"+cfg.SandboxAddr)
	<-ctx.Done()
	log.Info("shutting down", "grace", cfg.ShutdownGrace.String())
	shutdown(srv, cfg.ShutdownGrace, log)
	return nil
}

// appConfig is the composition root's configuration for this process.
func (cfg config) appConfig(log *slog.Logger, reg *prometheus.Registry) app.Config {
	return app.Config{
		Mode: cfg.Mode, PublicURL: cfg.PublicURL, DBPath: cfg.DBPath,
		SandboxURL: "http://" + cfg.SandboxAddr, SandboxDBPath: cfg.SandboxDBPath,
		PaywayURL: cfg.PaywayURL, PaywayClientID: cfg.PaywayClientID, PaywaySecret: cfg.PaywaySecret, PaywayOrg: cfg.PaywayOrg,
		KlarnaURL: cfg.KlarnaURL, KlarnaUser: cfg.KlarnaUser, KlarnaPassword: cfg.KlarnaPassword,
		KlarnaSDKURL: cfg.KlarnaSDKURL, KlarnaOrigins: cfg.KlarnaOrigins,
		SessionKey: cfg.SessionKey, TokenKey: cfg.TokenKey, PreviousTokenKeys: cfg.PreviousTokenKeys, SessionMaxAge: cfg.SessionMaxAge,
		RequestTimeout: cfg.RequestTimeout, PaywayTimeout: cfg.PaywayTimeout, KlarnaTimeout: cfg.KlarnaTimeout,
		ReconcileEvery: cfg.ReconcileEvery, LoginRate: cfg.LoginRate, TrustProxy: cfg.TrustProxy,
		MetricsToken: cfg.MetricsToken, CataloguePath: cfg.CataloguePath, Recovery: cfg.Recovery, DemoUser: cfg.DemoUser, DemoPassword: cfg.DemoPassword,
		TimeZone: cfg.TimeZone,
		Raise: checkout.RaiseFlags{
			SSNAlreadyTaken: cfg.Raise.SSNAlreadyTaken, SSNAlreadySet: cfg.Raise.SSNAlreadySet,
			AccountUpdate: cfg.Raise.AccountUpdate, DeliveryAddress: cfg.Raise.DeliveryAddress,
		},
		Logger: log, Registry: reg,
	}
}

// maxHeaderBytes bounds a request's headers: the app's own cookies and a browser's headers fit in a few
// kilobytes, and Go's default (1 MB per request) let any client make the server hold a megabyte per
// connection.
const maxHeaderBytes = 64 << 10

// listen binds addr at once (so a busy port fails start-up) and serves in the background.
func listen(addr string, h http.Handler, log *slog.Logger) (*http.Server, error) {
	ln, err := bind(addr)
	if err != nil {
		return nil, err
	}
	return serve(ln, h, log), nil
}

// bind listens on addr; connections wait there until serve.
func bind(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return ln, nil
}

// serve serves h on ln in the background.
func serve(ln net.Listener, h http.Handler, log *slog.Logger) *http.Server {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    maxHeaderBytes,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("serve", "addr", ln.Addr().String(), "err", err)
		}
	}()
	return srv
}

// shutdown stops accepting connections and lets in-flight requests finish within grace; nil is no server.
func shutdown(srv *http.Server, grace time.Duration, log *slog.Logger) {
	if srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		log.Error("shutdown", "err", err)
	}
}

func newLogger(cfg config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// startCPUProfile writes the CPU profile of the run to path until the returned function is called: how the
// bench profiles the real binary under load (`make bench BENCHFLAGS=-cpuprofile=cpu.out`).
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("PAYWALL_CPUPROFILE: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("PAYWALL_CPUPROFILE: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// writeHeapProfile writes what the heap holds now (the caches of a run under load, before shutdown lets
// them go) to path: how the bench finds what makes the app's memory grow.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("PAYWALL_MEMPROFILE: %w", err)
	}
	defer f.Close()
	runtime.GC() // the live heap, not what the last cycle left
	if err := pprof.WriteHeapProfile(f); err != nil {
		return fmt.Errorf("PAYWALL_MEMPROFILE: %w", err)
	}
	return f.Close()
}
