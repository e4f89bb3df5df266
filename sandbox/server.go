// Package sandbox is an offline emulation of the external APIs the paywall app talks to (Tulo Payway
// now, Klarna later). It runs as an ordinary HTTP server with its own SQLite file so that the app, its
// tests and other teams can exercise real HTTP exchanges without credentials or network access.
//
// The sandbox imports nothing of the app: it is a stand-in for someone else's system, and keeping it
// independent stops app assumptions from leaking into the emulation.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// Sandbox credentials. They are exported so the app's sandbox-mode defaults and the tests use the very
// same values the sandbox checks, instead of copies that can drift.
const (
	PaywayClientID     = "paywall-sandbox"
	PaywayClientSecret = "sandbox-payway-secret"
	// Organisation is the Payway organisation_id; password-grant usernames are "sandbox^<email>".
	Organisation   = "sandbox"
	KlarnaUsername = "PK_SANDBOX_paywall"
	KlarnaPassword = "sandbox-klarna-secret"
	// KlarnaSeparateCategoriesUsername (with KlarnaPassword) is a second sandbox merchant whose payment
	// sessions offer separate payment categories (klarna, pay_later, pay_now, direct_debit) instead of the
	// single klarna category of Klarna's current guide. Klarna decides the categories per merchant and
	// market; this merchant is for tests and demos that pick a payment method by category (direct debit,
	// card).
	KlarnaSeparateCategoriesUsername = "PK_SANDBOX_paywall_categories"
)

// Config configures a sandbox Server.
type Config struct {
	// DBPath is the SQLite file holding the sandbox state; the caller picks it (data/sandbox.db in the
	// app, t.TempDir() in tests) so runs can be kept or thrown away.
	DBPath string
	// Now is the sandbox clock. Token expiry, subscriptions and (later) session lifetimes all read it,
	// so tests move time instead of sleeping. nil means time.Now.
	Now func() time.Time
	// Logger receives request and error logs; nil discards them.
	Logger *slog.Logger
	// ControlUser and ControlPassword, when set, guard the control API (/sandbox/v1/*) with HTTP Basic
	// (control_auth.go): the app sets them to the demo console's credential.
	ControlUser, ControlPassword string
}

// Server is one running sandbox: its store, its clock and its HTTP handler.
type Server struct {
	store  *store
	now    func() time.Time // reads through clock
	clock  *clock           // Config.Now plus the offset POST /sandbox/v1/clock moves
	faults *faultSet        // armed by POST /sandbox/v1/faults, applied in the route table
	// callbacks delivers Klarna's HPP status and authorization callbacks (klarna_callbacks.go).
	callbacks *callbackRuntime
	log       *slog.Logger
	handler   http.Handler
	offers    offerIndex         // the Payway catalogue by code (payway_catalogue.go)
	personas  map[string]Persona // by Payway account id (scenarios.go); never written after New
}

// New opens (creating and migrating if needed) the sandbox database, seeds the personas and builds the
// HTTP handler. Close the Server to release the database.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.DBPath == "" {
		return nil, errors.New("sandbox: Config.DBPath is required")
	}
	s := &Server{clock: newClock(cfg.Now), faults: newFaultSet(), callbacks: newCallbackRuntime(), log: cfg.Logger,
		offers: newOffers(), personas: personasByAccount()}
	s.now = s.clock.now
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	st, err := openStore(ctx, cfg.DBPath)
	if err != nil {
		return nil, err
	}
	s.store = st
	if err := s.store.seed(ctx, Personas(), s.now()); err != nil {
		return nil, errors.Join(fmt.Errorf("sandbox: seed personas: %w", err), st.close())
	}
	s.handler = s.routes()
	if cfg.ControlUser != "" || cfg.ControlPassword != "" {
		s.handler = controlAuth(cfg.ControlUser, cfg.ControlPassword, s.handler)
	}
	return s, nil
}

// Now is the sandbox's time: Config.Now moved by the control API's clock (POST /sandbox/v1/clock). An app
// embedding the sandbox reads its time here, so moving the sandbox's clock moves the app's too.
func (s *Server) Now() time.Time { return s.now() }

// Handler returns the sandbox's HTTP handler; mount it on its own listener (its own site) so cookies
// and redirects behave as they do against the real services.
func (s *Server) Handler() http.Handler { return s.handler }

// Close stops callback deliveries (waiting for the goroutines) and releases the database. The handler
// must not be used afterwards.
func (s *Server) Close() error {
	s.callbacks.close()
	return s.store.close()
}
