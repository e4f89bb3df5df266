// Command paywall serves the subscription paywall: the web app and, in sandbox mode, the embedded Payway and
// Klarna sandbox. `paywall sandbox` runs the sandbox alone for other apps and teams.
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
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/handlers"
	"github.com/paywall/paywall/klarna"
	"github.com/paywall/paywall/payway"
	"github.com/paywall/paywall/sandbox"
	"github.com/paywall/paywall/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "paywall:", err)
		os.Exit(1)
	}
}

// run is the whole program, testable: it returns when ctx is cancelled (after a graceful shutdown) or on error.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	sandboxOnly := len(args) > 0 && args[0] == "sandbox"
	if sandboxOnly {
		args = args[1:]
	}
	cfg, err := loadConfig(args, getenv, stdout)
	if err != nil {
		return err
	}
	if sandboxOnly && cfg.Mode != modeSandbox {
		return errors.New("`paywall sandbox` needs PAYWALL_MODE=sandbox")
	}
	log := newLogger(cfg, stdout)
	log.Info("configuration", cfg.describe()...)

	var servers []*http.Server
	if cfg.Mode == modeSandbox {
		sb, err := sandbox.New(ctx, sandbox.Config{DBPath: cfg.SandboxDBPath, Logger: log.With("component", "sandbox")})
		if err != nil {
			return fmt.Errorf("start sandbox: %w", err)
		}
		defer sb.Close()
		srv, err := listen(cfg.SandboxAddr, sb.Handler(), log)
		if err != nil {
			return fmt.Errorf("sandbox: %w", err)
		}
		servers = append(servers, srv)
		log.Info("sandbox listening", "url", "http://"+cfg.SandboxAddr)
	}
	if !sandboxOnly {
		srv, closeApp, err := startApp(ctx, cfg, log)
		if err != nil {
			shutdown(servers, cfg.ShutdownGrace, log)
			return err
		}
		defer closeApp()
		servers = append(servers, srv)
		log.Info("paywall listening", "url", cfg.PublicURL)
	}

	<-ctx.Done()
	log.Info("shutting down", "grace", cfg.ShutdownGrace.String())
	shutdown(servers, cfg.ShutdownGrace, log)
	return nil
}

// startApp opens the database, wires the app and serves it. closeApp closes the database after the
// server has stopped.
func startApp(ctx context.Context, cfg config, log *slog.Logger) (*http.Server, func(), error) {
	db, err := store.Open(ctx, cfg.DBPath)
	if err != nil {
		return nil, nil, fmt.Errorf("open database: %w", err)
	}
	background, stopBackground := context.WithCancel(context.Background())
	closeApp := func() {
		stopBackground()
		if err := db.Close(); err != nil {
			log.Error("close database", "err", err)
		}
	}
	h, err := buildApp(background, cfg, log, db)
	if err != nil {
		closeApp()
		return nil, nil, err
	}
	srv, err := listen(cfg.Addr, h, log)
	if err != nil {
		closeApp()
		return nil, nil, fmt.Errorf("app: %w", err)
	}
	return srv, closeApp, nil
}

// buildApp wires sessions, the Payway client, the purchase journey and the HTTP handlers. Background work
// (session clean-up) runs until background is cancelled.
func buildApp(background context.Context, cfg config, log *slog.Logger, db *store.DB) (http.Handler, error) {
	sessions, err := store.NewSessionStore(db, store.SessionOptions{
		HashKey: cfg.SessionKey, MaxAge: cfg.SessionMaxAge, Secure: isHTTPS(cfg.PublicURL),
	})
	if err != nil {
		return nil, fmt.Errorf("session store: %w", err)
	}
	go sessions.RunCleanup(background, 10*time.Minute, log)

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Every exchange made for a purchase lands on its timeline (bodies masked by the client).
	recorder := checkout.NewRecorder(db, nil, log)
	pw := payway.New(payway.Config{
		BaseURL: cfg.PaywayURL, ClientID: cfg.PaywayClientID, ClientSecret: cfg.PaywaySecret, Organisation: cfg.PaywayOrg,
		Observer: recorder,
	})
	cat, err := checkout.LoadCatalogue(cfg.CataloguePath)
	if err != nil {
		return nil, err
	}
	co, err := checkout.New(checkout.Config{
		ConfirmationURL: func(id string) string { return cfg.PublicURL + "/checkout/" + id + "/confirmation" },
		Raise: checkout.RaiseFlags{
			SSNAlreadyTaken: cfg.Raise.SSNAlreadyTaken, SSNAlreadySet: cfg.Raise.SSNAlreadySet,
			AccountUpdate: cfg.Raise.AccountUpdate, DeliveryAddress: cfg.Raise.DeliveryAddress,
		},
		Logger: log,
	}, pw, db, cat)
	if err != nil {
		return nil, err
	}
	// One-click purchases talk to Klarna directly with the customer token Payway saved; their exchanges
	// land on the token purchase's timeline through the same recorder.
	kl := klarna.New(klarna.Config{
		BaseURL: cfg.KlarnaURL, Username: cfg.KlarnaUser, Password: cfg.KlarnaPassword, Observer: recorder,
	})
	offers, err := checkout.LoadOneClickOffers("")
	if err != nil {
		return nil, err
	}
	oneClick, err := checkout.NewOneClick(checkout.OneClickConfig{BaseURL: cfg.PublicURL, Logger: log}, pw, kl, db, offers)
	if err != nil {
		return nil, err
	}
	// In sandbox mode the demo console drives the embedded sandbox through its control API.
	sandboxURL := ""
	if cfg.Mode == modeSandbox {
		sandboxURL = "http://" + cfg.SandboxAddr
	}
	return handlers.New(handlers.Config{
		Env: cfg.Mode, KlarnaSDKURL: cfg.KlarnaSDKURL, KlarnaOrigins: cfg.KlarnaOrigins, RequestTimeout: cfg.RequestTimeout,
		LoginRate: cfg.LoginRate, TrustProxy: cfg.TrustProxy, Recovery: cfg.Recovery,
		SandboxURL: sandboxURL, DemoUser: cfg.DemoUser, DemoPassword: cfg.DemoPassword,
	}, handlers.Deps{DB: db, Sessions: sessions, Payway: pw, Checkout: co, OneClick: oneClick, Logger: log, Registry: reg})
}

// listen binds addr at once (so a busy port fails start-up) and serves in the background.
func listen(addr string, h http.Handler, log *slog.Logger) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("serve", "addr", addr, "err", err)
		}
	}()
	return srv, nil
}

// shutdown stops accepting connections and lets in-flight requests finish within grace.
func shutdown(servers []*http.Server, grace time.Duration, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	for i := len(servers) - 1; i >= 0; i-- {
		if err := servers[i].Shutdown(ctx); err != nil {
			log.Error("shutdown", "err", err)
		}
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

func isHTTPS(u string) bool { return len(u) > 8 && u[:8] == "https://" }
