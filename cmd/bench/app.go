package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/paywall/paywall/sandbox"
)

// The personas the bench uses, documented by the sandbox (GET /sandbox/v1/scenarios): a subscriber with
// an active digital subscription, and a reader without one (the journeys use clones of the reader,
// readers.go).
const (
	subscriberEmail = "subscriber@example.se"
	readerEmail     = "reader@example.se"
	// klarnaEmail is the Klarna customer who approves in the authorize dialog (any address without a
	// special outcome approves; the app's own tests use this one).
	klarnaEmail = "customer@email.se"
	// journeyOffer is what every journey buys.
	journeyOffer = "monthly"
)

// appInstance is where one run keeps the app: its ports and its two databases, the same files for every
// start (fresh, then existing), in a temporary directory of the run.
type appInstance struct {
	binary           string
	addr, sbAddr     string
	appDB, sandboxDB string
}

func (a appInstance) url() string        { return "http://" + a.addr }
func (a appInstance) sandboxURL() string { return "http://" + a.sbAddr }

// spec is how the app is started: the real binary in sandbox mode on loopback ports. Logging is at warn
// (or debug in JSON for the Payway call count, calls.go), so writing a line per request does not dominate
// what is measured. The login limit (10 a minute per IP by default) is lifted: every journey logs in from
// 127.0.0.1. Nothing else is tuned; PAYWALL_* variables of the caller's shell are not passed on, so a
// developer's settings cannot change the figures.
func (a appInstance) spec(name, level, format string) childSpec {
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PAYWALL_") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"PAYWALL_MODE=sandbox",
		"PAYWALL_ADDR="+a.addr,
		"PAYWALL_SANDBOX_ADDR="+a.sbAddr,
		"PAYWALL_DB="+a.appDB,
		"PAYWALL_SANDBOX_DB="+a.sandboxDB,
		"PAYWALL_LOG_LEVEL="+level,
		"PAYWALL_LOG_FORMAT="+format,
		"PAYWALL_LOGIN_RATE=1000000000",
	)
	return childSpec{name: name, path: a.binary, env: env, readyURL: a.url() + "/readyz"}
}

func newAppInstance(binary, dir string) (appInstance, error) {
	addr, err := freeAddr()
	if err != nil {
		return appInstance{}, err
	}
	sbAddr, err := freeAddr()
	if err != nil {
		return appInstance{}, err
	}
	return appInstance{binary: binary, addr: addr, sbAddr: sbAddr,
		appDB: filepath.Join(dir, "app.db"), sandboxDB: filepath.Join(dir, "sandbox.db")}, nil
}

// personaPasswords reads the personas' passwords from the sandbox's scenario list, the documented way
// to find them, and checks the two the bench relies on are there.
func personaPasswords(ctx context.Context, sandboxURL string) (map[string]string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, sandboxURL+"/sandbox/v1/scenarios", nil)
	if err != nil {
		return nil, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("sandbox scenarios: %w", err)
	}
	defer res.Body.Close()
	var v struct {
		Personas []struct {
			Email string `json:"email"`
		} `json:"personas"`
	}
	if err := json.NewDecoder(res.Body).Decode(&v); err != nil {
		return nil, fmt.Errorf("sandbox scenarios: %w", err)
	}
	out := map[string]string{}
	for _, p := range v.Personas {
		out[p.Email] = sandbox.DemoPassword // the control API lists no passwords; every persona has this one
	}
	for _, email := range []string{subscriberEmail, readerEmail} {
		if out[email] == "" {
			return nil, fmt.Errorf("sandbox scenarios: no persona %s", email)
		}
	}
	return out, nil
}

// appSessions is what the app's targets need: logged-in browsers and the paths that depend on the data.
type appSessions struct {
	subscriberCookie string // Cookie header of the subscriber's session
	readerCookie     string // Cookie header of the reader with an open purchase
	premiumPath      string // a premium article
	checkoutPath     string // the reader's open purchase
}

var articleLink = regexp.MustCompile(`href="(/articles/[^"?#]+)"`)

// prepareApp logs the personas in through the real login form and finds the data the targets need: a
// premium article (locked for an anonymous reader, open for the subscriber) and an open purchase of the
// reader (POST /checkout as a reader without a subscription). Run against a new start it finds the same
// article and, the purchase being still open, the same checkout page.
func prepareApp(ctx context.Context, app appInstance, passwords map[string]string) (appSessions, error) {
	var s appSessions
	client := newClient(4)
	defer client.CloseIdleConnections()

	anon := newBrowser(app.url(), client)
	home, err := anon.expect(ctx, http.StatusOK, http.MethodGet, "/", nil)
	if err != nil {
		return s, err
	}
	for _, m := range articleLink.FindAllStringSubmatch(home.body, -1) {
		p, err := anon.expect(ctx, http.StatusOK, http.MethodGet, m[1], nil)
		if err != nil {
			return s, err
		}
		if strings.Contains(p.body, `data-testid="paywall"`) {
			s.premiumPath = m[1]
			break
		}
	}
	if s.premiumPath == "" {
		return s, fmt.Errorf("no premium article linked from the home page")
	}

	sub := newBrowser(app.url(), client)
	if err := sub.login(ctx, subscriberEmail, passwords[subscriberEmail]); err != nil {
		return s, err
	}
	if p, err := sub.expect(ctx, http.StatusOK, http.MethodGet, s.premiumPath, nil); err != nil {
		return s, err
	} else if strings.Contains(p.body, `data-testid="paywall"`) {
		return s, fmt.Errorf("%s is locked for %s: not a subscriber", s.premiumPath, subscriberEmail)
	}
	s.subscriberCookie = sub.cookieHeader()

	reader := newBrowser(app.url(), client)
	if err := reader.login(ctx, readerEmail, passwords[readerEmail]); err != nil {
		return s, err
	}
	if s.checkoutPath, err = reader.startCheckout(ctx, journeyOffer); err != nil {
		return s, fmt.Errorf("open a purchase as %s: %w", readerEmail, err)
	}
	// POST /checkout answers once Payway's session is open, so the page shows Klarna's widget at once.
	if p, err := reader.expect(ctx, http.StatusOK, http.MethodGet, s.checkoutPath, nil); err != nil {
		return s, err
	} else if !clientToken.MatchString(p.body) {
		return s, fmt.Errorf("%s shows no Klarna widget", s.checkoutPath)
	}
	s.readerCookie = reader.cookieHeader()
	return s, nil
}

var clientToken = regexp.MustCompile(`data-client-token="([^"]+)"`)
