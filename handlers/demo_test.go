package handlers_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/app"
	"github.com/paywall/paywall/sandbox"
)

// The demo console over HTTP against the real sandbox: where it exists, that "log in as" and the scenarios
// are real logins, the fault switches, the reset, who may see a purchase's timeline, and that no secret
// ever reaches a stored event or a demo page.

func live(cfg *appSetup) { cfg.Mode = app.ModeLive }

func withAdmin(user, password string) appOption {
	return func(cfg *appSetup) { cfg.DemoUser, cfg.DemoPassword = user, password }
}

// getAs sends a GET with HTTP Basic credentials.
func (c *client) getAs(path, user, password string) response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.app.URL+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	req.SetBasicAuth(user, password)
	return c.do(req)
}

func TestDemoConsoleAvailability(t *testing.T) {
	t.Parallel()
	const user, password = "demo-admin", "correct horse battery"
	tests := []struct {
		name      string
		opts      []appOption
		user, pwd string
		want      int
		wantBody  []string // on a 200
		wantNot   []string
	}{
		{name: "sandbox mode: open", want: http.StatusOK,
			wantBody: []string{`data-testid="scenario-recovery-hpp"`, `data-testid="login-as-stepup@example.se"`, "customer+denied@email.se", `data-testid="arm-payway-place-order-503"`, `data-testid="demo-reset"`}},
		{name: "live without a credential: no console", opts: []appOption{live}, want: http.StatusNotFound},
		{name: "live with a credential, none given", opts: []appOption{live, withAdmin(user, password)}, want: http.StatusUnauthorized},
		{name: "live with a credential, wrong password", opts: []appOption{live, withAdmin(user, password)}, user: user, pwd: "wrong", want: http.StatusUnauthorized},
		{name: "live with a credential, wrong user", opts: []appOption{live, withAdmin(user, password)}, user: "admin", pwd: password, want: http.StatusUnauthorized},
		{name: "live with the credential: purchases only", opts: []appOption{live, withAdmin(user, password)}, user: user, pwd: password, want: http.StatusOK,
			wantBody: []string{`data-testid="demo-console"`, "Live mode"},
			wantNot:  []string{`data-testid="scenario-`, `data-testid="login-as-`, `data-testid="demo-reset"`}},
		{name: "sandbox with a credential asks for it", opts: []appOption{withAdmin(user, password)}, want: http.StatusUnauthorized},
		{name: "sandbox with the credential", opts: []appOption{withAdmin(user, password)}, user: user, pwd: password, want: http.StatusOK,
			wantBody: []string{`data-testid="scenario-regular"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t, tt.opts...)
			c := app.client()
			res := c.get("/demo")
			if tt.user != "" {
				res = c.getAs("/demo", tt.user, tt.pwd)
			}
			if res.Status != tt.want {
				t.Fatalf("GET /demo: %d, want %d", res.Status, tt.want)
			}
			if tt.want == http.StatusUnauthorized && !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Basic ") {
				t.Errorf("401 without a Basic challenge: %q", res.Header.Get("WWW-Authenticate"))
			}
			for _, want := range tt.wantBody {
				if !strings.Contains(res.Body, want) {
					t.Errorf("console lacks %q", want)
				}
			}
			for _, not := range tt.wantNot {
				if strings.Contains(res.Body, not) {
					t.Errorf("console shows %q", not)
				}
			}
			if strings.Contains(res.Body, demoPassword) {
				t.Error("the console shows the personas' password")
			}
		})
	}
}

// TestDemoLiveModeHidesEverything: without a credential, live mode has no /demo route at all, the header
// has no Demo link and pages carry no demo strip.
func TestDemoLiveModeHidesEverything(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, live)
	c := app.client()
	for _, path := range []string{"/demo", "/demo/purchases", "/demo/purchases/0123456789ABCDEFGHIJKLMNOPQRSTUV"} {
		if res := c.get(path); res.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, res.Status)
		}
	}
	token := c.csrf("/login")
	for _, path := range []string{"/demo/login", "/demo/scenarios/regular", "/demo/faults", "/demo/faults/clear", "/demo/reset"} {
		if res := c.post(path, url.Values{"csrf": {token}, "email": {"reader@example.se"}}); res.Status != http.StatusNotFound {
			t.Errorf("POST %s: %d, want 404", path, res.Status)
		}
	}
	id := c.startPurchase("reader@example.se", "monthly")
	page := c.get("/checkout/" + id)
	for _, not := range []string{`data-testid="demo-link"`, `data-testid="demo-bar"`, "/demo/purchases/"} {
		if strings.Contains(page.Body, not) {
			t.Errorf("live checkout page shows %q", not)
		}
	}
}

// TestDemoStripOnlyInSandboxMode: the assembled app as internal/app builds it. With the console on in
// sandbox mode a customer page about a purchase carries the strip with the link to what happened; in live
// mode (console off, or on for the admin) no customer page carries it, and everything else works the same.
// That no demo code runs for those pages is TestPageDemoStrip's (handlers) and
// TestDemoConsoleOnlyWhenEnabled's (internal/app).
func TestDemoStripOnlyInSandboxMode(t *testing.T) {
	t.Parallel()
	const user, password = "demo-admin", "correct horse battery"
	tests := []struct {
		name  string
		opts  []appOption
		admin bool // a credential is set, and GET /demo sends it
		strip bool
		demo  int // GET /demo
	}{
		{"sandbox", nil, false, true, http.StatusOK},
		{"sandbox with a credential", []appOption{withAdmin(user, password)}, true, true, http.StatusOK},
		{"live without a credential", []appOption{live}, false, false, http.StatusNotFound},
		{"live with a credential", []appOption{live, withAdmin(user, password)}, true, false, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t, tt.opts...)
			c := app.client()
			id := c.startPurchase("reader@example.se", "monthly")
			_, premium := app.articles()
			for _, path := range []string{"/", "/articles/" + premium.Slug, "/subscribe", "/account", "/checkout/" + id} {
				page := c.get(path)
				if page.Status != http.StatusOK {
					t.Fatalf("GET %s: %d", path, page.Status)
				}
				wantStrip := tt.strip && path == "/checkout/"+id // no scenario runs: only a page about a purchase has something to say
				if got := strings.Contains(page.Body, `data-testid="demo-bar"`) && strings.Contains(page.Body, `href="/demo/purchases/`+id+`"`); got != wantStrip {
					t.Errorf("GET %s: strip with what happened %v, want %v", path, got, wantStrip)
				}
				if !tt.strip && strings.Contains(page.Body, `data-testid="demo-bar"`) {
					t.Errorf("GET %s: a live page shows the demo strip", path)
				}
			}
			res := c.get("/demo")
			if tt.admin {
				res = c.getAs("/demo", user, password)
			}
			if res.Status != tt.demo {
				t.Errorf("GET /demo: %d, want %d", res.Status, tt.demo)
			}
		})
	}
}

// sessionTokens reads the Payway tokens the app keeps in its server-side session rows.
func (a *testApp) sessionTokens() []string {
	a.t.Helper()
	all, err := a.DB.SessionValues(context.Background())
	if err != nil {
		a.t.Fatal(err)
	}
	var out []string
	for _, values := range all {
		for _, k := range []string{"access_token", "refresh_token"} {
			if s, _ := values[k].(string); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

func TestDemoLogInAsIsARealLogin(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	if res := c.login("subscriber@example.se", demoPassword, "/"); res.Status != http.StatusSeeOther {
		t.Fatalf("login: %d", res.Status)
	}
	before := c.cookie("paywall")
	oldTokens := app.sessionTokens()

	res := c.post("/demo/login", url.Values{"csrf": {c.csrf("/demo")}, "email": {"reader@example.se"}})
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/demo?done=login" {
		t.Fatalf("log in as: %d %q", res.Status, res.Header.Get("Location"))
	}
	if after := c.cookie("paywall"); after == "" || after == before {
		t.Error("log in as kept the session id: a login must issue a new one")
	}
	home := c.get("/")
	if !strings.Contains(home.Body, `data-testid="user-name">Rita Reader<`) {
		t.Error("the header does not show the persona after log in as")
	}
	// The session holds Payway tokens Payway issued just now: the account page calls Payway with them.
	tokens := app.sessionTokens()
	if len(tokens) != 2 || len(oldTokens) != 2 || tokens[0] == oldTokens[0] {
		t.Fatalf("session tokens %d, before %d: want a fresh access and refresh token", len(tokens), len(oldTokens))
	}
	if acc := c.get("/account"); acc.Status != http.StatusOK {
		t.Errorf("account page with the demo login's tokens: %d", acc.Status)
	}

	tests := []struct {
		name  string
		email string
		fault bool // Payway's token endpoint fails once
		want  int
	}{
		{"not a persona", "someone@example.se", false, http.StatusBadRequest},
		{"no email", "", false, http.StatusBadRequest},
		{"Payway's token endpoint is down: the login fails like the form's", "debt@example.se", true, http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.fault {
				app.sandboxControl("/sandbox/v1/faults", map[string]any{"target": "POST /api/authorization/access_token", "status": 503})
			}
			res := c.post("/demo/login", url.Values{"csrf": {c.csrf("/demo")}, "email": {tt.email}, "password": {demoPassword}})
			if res.Status != tt.want {
				t.Fatalf("log in as %q: %d, want %d", tt.email, res.Status, tt.want)
			}
			if home := c.get("/"); !strings.Contains(home.Body, "Rita Reader") {
				t.Error("a failed log in as changed who is logged in")
			}
		})
	}
}

func TestDemoScenariosStartReadyToRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id      string
		persona string // name in the header
		landing *regexp.Regexp
		hint    string // part of the instruction in the strip
	}{
		{"regular", "Rita Reader", regexp.MustCompile(`^/subscribe\?offer=monthly&return=%2Farticles%2F`), "customer@email.se"},
		{"trial", "Rita Reader", regexp.MustCompile(`^/subscribe\?offer=trial&`), "direct debit"},
		{"categories", "Cora Categories", regexp.MustCompile(`^/subscribe\?offer=monthly&`), "four ways to pay"},
		{"expiry", "Rita Reader", regexp.MustCompile(`^/subscribe\?offer=monthly&`), "“Advance 49 h”"},
		{"widget-decline", "Rita Reader", regexp.MustCompile(`^/subscribe\?offer=monthly&`), "customer+denied@email.se"},
		{"debt", "Dana Debt", regexp.MustCompile(`^/subscribe\?offer=monthly&`), "Payway refuses the order"},
		{"ssn-conflict", "Tove Taken", regexp.MustCompile(`^/subscribe\?offer=monthly&`), "account update"},
		{"first-oneclick", "Sam Subscriber", regexp.MustCompile(`^/account$`), "Save Klarna for one-click purchases"},
		{"token-success", "Tim Token", regexp.MustCompile(`^/account$`), "one click"},
		{"recovery-sdk", "Stina Stepup", regexp.MustCompile(`^/account$`), "Continue with Klarna"},
		{"recovery-hpp", "Stina Stepup", regexp.MustCompile(`^/account$`), "Klarna's page"},
		{"token-rejected", "Fredrik Failed", regexp.MustCompile(`^/account$`), "refuses the saved card"},
	}
	app := newTestApp(t)
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			c := app.client()
			res := c.post("/demo/scenarios/"+tt.id, url.Values{"csrf": {c.csrf("/demo")}})
			loc := res.Header.Get("Location")
			if res.Status != http.StatusSeeOther || !tt.landing.MatchString(loc) {
				t.Fatalf("start %s: %d %q", tt.id, res.Status, loc)
			}
			page := c.get(loc)
			if page.Status != http.StatusOK {
				t.Fatalf("landing %s: %d", loc, page.Status)
			}
			for _, want := range []string{`data-testid="user-name">` + tt.persona + `<`, `data-testid="demo-bar"`, `data-testid="demo-instruction"`, htmlEscape(tt.hint)} {
				if !strings.Contains(page.Body, want) {
					t.Errorf("landing page lacks %q", want)
				}
			}
		})
	}
	t.Run("unknown scenario", func(t *testing.T) {
		c := app.client()
		if res := c.post("/demo/scenarios/nope", url.Values{"csrf": {c.csrf("/demo")}}); res.Status != http.StatusNotFound {
			t.Errorf("unknown scenario: %d", res.Status)
		}
	})
}

// TestDemoScenarioResetsAUsedUpPersona: a persona an earlier run used up cannot show the flow again (the
// reader has the subscription; the step-up token was recovered and now charges without a step-up), so the
// scenario resets the demo data first, keeps the armed faults, says why, and the flow works again.
func TestDemoScenarioResetsAUsedUpPersona(t *testing.T) {
	t.Parallel()
	tests := []struct {
		scenario string
		useUp    func(t *testing.T, app *testApp, c *client) string // returns the purchase that used it up
		why      string                                             // in the strip, in English
		whySv    string                                             // in Swedish
		again    func(t *testing.T, app *testApp, c *client)        // the flow starts as it should
	}{
		{"trial", func(t *testing.T, app *testApp, c *client) string {
			id := c.startPurchase("reader@example.se", "monthly")
			c.followSandboxRedirect(c.placeOrder(id, app.authorize(id, "customer@email.se", "klarna")).Header.Get("Location"))
			return id
		}, "Rita Reader already has the subscription", "Rita Reader har redan prenumerationen", func(t *testing.T, app *testApp, c *client) {
			if art := c.get("/articles/" + mustPremium(app)); !strings.Contains(art.Body, `data-testid="paywall"`) {
				t.Error("the reader still has the subscription after the reset")
			}
		}},
		{"token-success", func(t *testing.T, app *testApp, c *client) string {
			if res := c.login("token@example.se", demoPassword, "/"); res.Status != http.StatusSeeOther {
				t.Fatalf("login: %d", res.Status)
			}
			res := c.post("/account/purchases", url.Values{"csrf": {c.csrf("/account")}, "offer": {offerArchive}})
			id := strings.TrimPrefix(res.Header.Get("Location"), "/account/purchases/")
			if res.Status != http.StatusSeeOther || id == "" {
				t.Fatalf("buy the archive: %d %q", res.Status, res.Header.Get("Location"))
			}
			return id
		}, "Tim Token already owns the E-paper archive", "Tim Token äger redan e-tidningsarkivet", func(t *testing.T, app *testApp, c *client) {
			if acc := c.get("/account"); !strings.Contains(acc.Body, `data-testid="buy-oneclick-`+offerArchive+`"`) {
				t.Error("after the reset the archive is still not offered")
			}
		}},
		{"token-success", func(t *testing.T, app *testApp, c *client) string {
			c.login("token@example.se", demoPassword, "/")
			if res := c.post("/account/saved-method/remove", url.Values{"csrf": {c.csrf("/account")}}); res.Status != http.StatusSeeOther {
				t.Fatalf("remove: %d", res.Status)
			}
			res := c.post("/account/purchases", url.Values{"csrf": {c.csrf("/account")}, "offer": {offerUpgrade}, "with": {"klarna"}})
			return strings.TrimPrefix(res.Header.Get("Location"), "/account/purchases/")
		}, "Tim Token's saved Klarna token was removed in an earlier run", "Tim Tokens sparade Klarna-token togs bort", func(t *testing.T, app *testApp, c *client) {
			if acc := c.get("/account"); !strings.Contains(acc.Body, `data-testid="saved-method-status">Active<`) {
				t.Error("after the reset the persona's token is not active again")
			}
		}},
		{"first-oneclick", func(t *testing.T, app *testApp, c *client) string {
			c.login("subscriber@example.se", demoPassword, "/")
			id := c.startFirstPurchase(offerUpgrade)
			c.post("/account/purchases/"+id+"/consent", url.Values{"csrf": {c.csrf("/account")}, "save": {"1"}})
			_, auth := app.authorizeSession(app.tokenPurchase(id).KlarnaSessionID, approvedKP)
			c.post("/account/purchases/"+id+"/order", url.Values{"csrf": {c.csrf("/account")}, "authorization_token": {auth}})
			return id
		}, "Sam Subscriber saved Klarna for one-click purchases in an earlier run", "Sam Subscriber sparade Klarna för köp med ett klick", func(t *testing.T, app *testApp, c *client) {
			if acc := c.get("/account"); !strings.Contains(acc.Body, `data-testid="no-saved-method"`) {
				t.Error("after the reset the reader still has a saved token")
			}
		}},
		{"recovery-sdk", func(t *testing.T, app *testApp, c *client) string {
			id := c.startRecovery()
			if res := c.get(c.hppSubmit(c.startHPP(id, "NONE"), "pay")); res.Header.Get("Location") != "/account/purchases/"+id {
				t.Fatalf("HPP: %d", res.Status)
			}
			return id
		}, "Stina Stepup's saved token already carries the method of an earlier recovery", "Stina Stepups sparade token har redan betalsättet från en tidigare bekräftelse", func(t *testing.T, app *testApp, c *client) {
			res := c.post("/account/purchases", url.Values{"csrf": {c.csrf("/account")}, "offer": {offerArchive}})
			if !recoveryLocation.MatchString(res.Header.Get("Location")) {
				t.Errorf("buy after the reset: %d %q, want the step-up recovery again", res.Status, res.Header.Get("Location"))
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t)
			c := app.client()
			id := tt.useUp(t, app, c)
			app.sandboxControl("/sandbox/v1/faults", map[string]any{"target": "GET /kp/lib/v1/api.js", "status": 503, "count": 2})

			res := c.post("/demo/scenarios/"+tt.scenario, url.Values{"csrf": {c.csrf("/demo")}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("start %s: %d", tt.scenario, res.Status)
			}
			page := c.get(res.Header.Get("Location"))
			if !strings.Contains(page.Body, `data-testid="demo-reset-note"`) || !strings.Contains(page.Body, htmlEscape(tt.why)) {
				t.Errorf("the strip does not say why the demo data was reset (%q)", tt.why)
			}
			if sv := c.get(res.Header.Get("Location"), "Accept-Language", "sv-SE"); !strings.Contains(sv.Body, htmlEscape(tt.whySv)) {
				t.Errorf("the Swedish strip does not say why the demo data was reset (%q)", tt.whySv)
			}
			if list, err := app.DB.RecentPurchases(context.Background(), "", 10); err != nil || len(list) != 0 {
				t.Errorf("purchase %s and others survived the reset: %+v", id, list)
			}
			faults := app.armedFaults()
			if len(faults) != 1 || faults[0].Remaining != 2 {
				t.Errorf("armed faults after the scenario's reset: %+v, want the SDK fault with 2 calls left", faults)
			}
			tt.again(t, app, c)
		})
	}
}

// TestDemoStripInTheReadersLanguage: the strip the pages show while a scenario runs says what to do in the
// reader's language, Swedish first; the console's own page stays English.
func TestDemoStripInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	tests := []struct {
		scenario, lang string
		want, not      []string
	}{
		{"regular", "sv-SE",
			[]string{`aria-label="Demo"`, "Demo: Vanligt köp.", "Gå vidare till betalning för månadsprenumerationen", "Demokonsolen"},
			[]string{"Regular purchase", "Press “Continue to payment”", ">Demo console<"}},
		{"regular", "en-GB",
			[]string{"Demo: Regular purchase.", "Press “Continue to payment” on Digital – monthly", ">Demo console<"},
			[]string{"Vanligt köp", "Demokonsolen"}},
		{"token-success", "sv-SE", []string{"Demo: Sparad betalning fungerar.", "Köp e-tidningsarkivet för 29\u00a0kr"}, []string{"Buy for"}},
		{"token-success", "en-GB", []string{"Press “Buy for SEK 29” on E-paper archive"}, []string{"Köp e-tidningsarkivet"}},
	}
	for _, tt := range tests {
		t.Run(tt.scenario+" "+tt.lang, func(t *testing.T) {
			c := app.client()
			res := c.post("/demo/scenarios/"+tt.scenario, url.Values{"csrf": {c.csrf("/demo")}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("start %s: %d", tt.scenario, res.Status)
			}
			strip := demoStrip(t, c.get(res.Header.Get("Location"), "Accept-Language", tt.lang).Body)
			for _, want := range tt.want {
				if !strings.Contains(strip, want) && !strings.Contains(strip, htmlEscape(want)) {
					t.Errorf("the strip lacks %q", want)
				}
			}
			for _, not := range tt.not {
				if strings.Contains(strip, not) || strings.Contains(strip, htmlEscape(not)) {
					t.Errorf("the strip has %q", not)
				}
			}
		})
	}
}

// demoStrip is the demo strip of a page's HTML.
func demoStrip(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `<aside class="demo-bar"`)
	if i < 0 {
		t.Fatal("the page has no demo strip")
	}
	strip, _, _ := strings.Cut(body[i:], "</aside>")
	return strip
}

// sandboxClockOffset is how far the sandbox's clock is from real time, as its control API says.
func (a *testApp) sandboxClockOffset() time.Duration {
	a.t.Helper()
	res, err := a.raw.Get(a.Sandbox.URL + "/sandbox/v1/clock")
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		OffsetSeconds int64 `json:"offset_seconds"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		a.t.Fatal(err)
	}
	return time.Duration(out.OffsetSeconds) * time.Second
}

// TestDemoClockControls: the console's "Advance 49 h" moves the sandbox's clock past a purchase session's
// 48 hours, the app follows (the checkout has expired), and "Back to now" puts it back; the console shows
// the sandbox's time. The controls are CSRF-protected POSTs like the console's other actions.
func TestDemoClockControls(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	id := c.startPurchase("reader@example.se", "monthly")
	move := func(to string, headers ...string) response {
		return c.post("/demo/clock", url.Values{"csrf": {c.csrf("/demo")}, "move": {to}}, headers...)
	}
	if console := c.get("/demo"); !strings.Contains(console.Body, `data-testid="demo-clock-now"`) || !strings.Contains(console.Body, "(real time)") {
		t.Fatal("the console does not show the sandbox's time on real time")
	}

	res := move("advance")
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/demo?done=clock-advanced#clock" {
		t.Fatalf("advance: %d %q", res.Status, res.Header.Get("Location"))
	}
	if got := app.sandboxClockOffset(); got != 49*time.Hour {
		t.Fatalf("sandbox clock offset after advance: %v, want 49h", got)
	}
	if console := c.get("/demo?done=clock-advanced"); !strings.Contains(console.Body, "(49 h ahead)") || !strings.Contains(console.Body, "moved 49 hours ahead") {
		t.Error("the console does not show the clock 49 h ahead")
	}
	if page := c.get("/checkout/" + id); page.Status != http.StatusGone {
		t.Errorf("checkout after the clock moved 49 h: %d, want 410 (expired)", page.Status)
	}

	if res := move("now"); res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/demo?done=clock-now#clock" {
		t.Fatalf("back to now: %d %q", res.Status, res.Header.Get("Location"))
	}
	if got := app.sandboxClockOffset(); got != 0 {
		t.Fatalf("sandbox clock offset after back to now: %v, want 0", got)
	}
	if console := c.get("/demo"); !strings.Contains(console.Body, "(real time)") {
		t.Error("the console does not show the clock back on real time")
	}

	refused := []struct {
		name string
		form url.Values
		want int
	}{
		{"no CSRF token", url.Values{"move": {"advance"}}, http.StatusBadRequest},
		{"wrong CSRF token", url.Values{"move": {"advance"}, "csrf": {"forged"}}, http.StatusForbidden},
		{"no such control", url.Values{"move": {"sideways"}, "csrf": {c.csrf("/demo")}}, http.StatusBadRequest},
	}
	for _, tt := range refused {
		if res := c.post("/demo/clock", tt.form); res.Status != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, res.Status, tt.want)
		}
	}
	if got := app.sandboxClockOffset(); got != 0 {
		t.Errorf("refused posts moved the clock to %v", got)
	}
}

// TestDemoCategoriesScenario: the several-categories scenario's persona gets Klarna's separate categories
// at checkout, the trial still only direct debit.
func TestDemoCategoriesScenario(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	if res := c.post("/demo/scenarios/categories", url.Values{"csrf": {c.csrf("/demo")}}); res.Status != http.StatusSeeOther {
		t.Fatalf("start: %d", res.Status)
	}
	tests := []struct {
		offer    string
		want     []string
		notOffer []string
	}{
		{"monthly", []string{"klarna", "pay_later", "pay_now", "direct_debit"}, nil},
		{"trial", []string{"direct_debit"}, []string{"klarna", "pay_later", "pay_now"}},
	}
	for _, tt := range tests {
		res := c.post("/checkout", url.Values{"csrf": {c.csrf("/subscribe")}, "offer": {tt.offer}})
		m := checkoutPath.FindStringSubmatch(res.Header.Get("Location"))
		if res.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("%s: POST /checkout: %d %q", tt.offer, res.Status, res.Header.Get("Location"))
		}
		page := c.get("/checkout/" + m[1])
		for _, id := range tt.want {
			if !strings.Contains(page.Body, `data-testid="category-`+id+`"`) {
				t.Errorf("%s checkout lacks the %s category", tt.offer, id)
			}
		}
		for _, id := range tt.notOffer {
			if strings.Contains(page.Body, `data-testid="category-`+id+`"`) {
				t.Errorf("%s checkout offers %s", tt.offer, id)
			}
		}
	}
}

func mustPremium(app *testApp) string {
	_, premium := app.articles()
	return premium.Slug
}

type armedFault struct {
	ID        string `json:"id"`
	Target    string `json:"target"`
	Status    int    `json:"status"`
	Remaining int    `json:"remaining"`
}

func (a *testApp) armedFaults() []armedFault {
	a.t.Helper()
	res, err := a.raw.Get(a.Sandbox.URL + "/sandbox/v1/faults")
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Faults []armedFault `json:"faults"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		a.t.Fatal(err)
	}
	return out.Faults
}

func TestDemoFaultSwitches(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	arm := func(id string) response {
		return c.post("/demo/faults", url.Values{"csrf": {c.csrf("/demo")}, "fault": {id}})
	}
	if res := arm("payway-place-order-503"); res.Status != http.StatusSeeOther {
		t.Fatalf("arm: %d", res.Status)
	}
	faults := app.armedFaults()
	if len(faults) != 1 || faults[0].Target != "POST /external/api/v1/klarna_payments/place_order" || faults[0].Status != 503 {
		t.Fatalf("armed: %+v", faults)
	}
	console := c.get("/demo")
	if !strings.Contains(console.Body, `data-testid="armed-fault"`) || strings.Contains(console.Body, `data-testid="arm-payway-place-order-503"`) {
		t.Error("the console does not show the fault as armed")
	}
	// The fault really hits the app: placing an order meets Payway's 503, whose effect is unknown until the
	// reconciler has asked Payway (no order: the purchase is open again).
	id := c.startPurchase("reader@example.se", "monthly")
	if res := c.placeOrder(id, app.authorize(id, "customer@email.se", "klarna")); res.Status != http.StatusSeeOther {
		t.Errorf("order with Payway down: %d", res.Status)
	}
	if p, _ := app.DB.Purchase(context.Background(), id); p.State != checkout.StateUnknown {
		t.Errorf("purchase after Payway's 503: %s, want unknown", p.State)
	}
	if n := app.reconcileAfterTimeouts(); n != 1 {
		t.Errorf("reconciler resolved %d purchases, want 1", n)
	}
	if p, _ := app.DB.Purchase(context.Background(), id); p.State != checkout.StateCreated {
		t.Errorf("purchase after the reconciler: %s, want created", p.State)
	}

	for _, id := range []string{"klarna-token-order-drop", "klarna-hpp-503"} {
		arm(id)
	}
	faults = app.armedFaults()
	if len(faults) != 2 {
		t.Fatalf("armed: %+v", faults)
	}
	if res := c.post("/demo/faults/"+faults[0].ID+"/disarm", url.Values{"csrf": {c.csrf("/demo")}}); res.Status != http.StatusSeeOther {
		t.Errorf("disarm: %d", res.Status)
	}
	if res := c.post("/demo/faults/"+faults[0].ID+"/disarm", url.Values{"csrf": {c.csrf("/demo")}}); res.Status != http.StatusSeeOther {
		t.Errorf("disarm a fault already gone: %d", res.Status)
	}
	if n := len(app.armedFaults()); n != 1 {
		t.Errorf("%d faults after disarming one", n)
	}
	if res := c.post("/demo/faults/clear", url.Values{"csrf": {c.csrf("/demo")}}); res.Status != http.StatusSeeOther {
		t.Errorf("clear: %d", res.Status)
	}
	if n := len(app.armedFaults()); n != 0 {
		t.Errorf("%d faults after clearing", n)
	}
	bad := []struct{ path, fault string }{{"/demo/faults", "no-such-fault"}, {"/demo/faults/..%2Freset/disarm", ""}}
	for _, b := range bad {
		if res := c.post(b.path, url.Values{"csrf": {c.csrf("/demo")}, "fault": {b.fault}}); res.Status != http.StatusBadRequest && res.Status != http.StatusNotFound {
			t.Errorf("POST %s %q: %d, want 400 or 404", b.path, b.fault, res.Status)
		}
	}
}

func TestDemoReset(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	id := c.startPurchase("reader@example.se", "monthly")
	other := app.client()
	if res := other.login("subscriber@example.se", demoPassword, "/"); res.Status != http.StatusSeeOther {
		t.Fatal("login")
	}
	app.sandboxControl("/sandbox/v1/faults", map[string]any{"target": "GET /kp/lib/v1/api.js", "status": 503})
	oldCookie := c.cookie("paywall")

	res := c.post("/demo/reset", url.Values{"csrf": {c.csrf("/demo")}})
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/demo?done=reset" {
		t.Fatalf("reset: %d %q", res.Status, res.Header.Get("Location"))
	}
	if _, err := app.DB.Purchase(context.Background(), id); err == nil {
		t.Error("the purchase survived the reset")
	}
	for _, table := range []string{"purchases", "purchase_events", "token_purchases", "sessions"} {
		var n int
		if err := app.DB.Reader().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s: %d rows after the reset (%v)", table, n, err)
		}
	}
	if len(app.armedFaults()) != 0 {
		t.Error("the sandbox's faults survived the reset")
	}
	for name, cl := range map[string]*client{"resetting browser": c, "another browser": other} {
		if home := cl.get("/"); !strings.Contains(home.Body, `data-testid="login-link"`) {
			t.Errorf("%s is still logged in after the reset", name)
		}
	}
	if c.cookie("paywall") == oldCookie && oldCookie != "" {
		t.Error("the reset did not expire the session cookie")
	}
	// The app works against the fresh sandbox: pricing (a new app token) and a new login.
	if offers := app.client().get("/subscribe"); offers.Status != http.StatusOK {
		t.Errorf("offers after the reset: %d", offers.Status)
	}
	if id2 := c.startPurchase("reader@example.se", "monthly"); id2 == id {
		t.Error("same purchase id after the reset")
	}
}

func TestDemoPurchaseViewOwnership(t *testing.T) {
	t.Parallel()
	const user, password = "demo-admin", "correct horse battery"
	app := newTestApp(t, withAdmin(user, password))
	owner := app.client()
	// With a credential configured every /demo* request needs it; the owner check still applies to
	// the links on the pages, which here go through Basic too.
	id := owner.startPurchase("reader@example.se", "monthly")
	stranger := app.client()
	if res := stranger.login("subscriber@example.se", demoPassword, "/"); res.Status != http.StatusSeeOther {
		t.Fatal("login")
	}
	tests := []struct {
		name string
		c    *client
		user string
		path string
		want int
	}{
		{"admin sees any purchase", stranger, user, "/demo/purchases/" + id, http.StatusOK},
		{"no credential", owner, "", "/demo/purchases/" + id, http.StatusUnauthorized},
		{"unknown id", stranger, user, "/demo/purchases/0123456789ABCDEFGHIJKLMNOPQRSTUV", http.StatusNotFound},
		{"lookup redirects", stranger, user, "/demo/purchases?id=" + strings.ToLower(id), http.StatusSeeOther},
		{"lookup of garbage", stranger, user, "/demo/purchases?id=../../etc", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.c.get(tt.path)
			if tt.user != "" {
				res = tt.c.getAs(tt.path, tt.user, password)
			}
			if res.Status != tt.want {
				t.Fatalf("GET %s: %d, want %d", tt.path, res.Status, tt.want)
			}
		})
	}

	// Without a credential (sandbox mode) only the owner sees it; others get the 404 of an unknown id.
	open := newTestApp(t)
	owner = open.client()
	id = owner.startPurchase("reader@example.se", "monthly")
	stranger = open.client()
	if res := stranger.login("subscriber@example.se", demoPassword, "/"); res.Status != http.StatusSeeOther {
		t.Fatal("login")
	}
	if res := owner.get("/demo/purchases/" + id); res.Status != http.StatusOK {
		t.Errorf("owner: %d", res.Status)
	}
	if res := stranger.get("/demo/purchases/" + id); res.Status != http.StatusNotFound {
		t.Errorf("another customer: %d, want 404", res.Status)
	}
	if res := open.client().get("/demo/purchases/" + id); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login?return=") {
		t.Errorf("logged out: %d %q, want the login page", res.Status, res.Header.Get("Location"))
	}
	// The checkout page links to what happened for its owner only.
	if page := owner.get("/checkout/" + id); !strings.Contains(page.Body, `href="/demo/purchases/`+id+`"`) {
		t.Error("the checkout page does not link to what happened")
	}
}

// journey runs one purchase to its end through the app and returns its id and the secrets it involved
// that the test knows of (the rest are read from the database afterwards).
type journey struct {
	name string
	run  func(t *testing.T, app *testApp, c *client) (id string, secrets []string)
}

func TestDemoSecretsNeverShown(t *testing.T) {
	t.Parallel()
	regular := func(offer, category string) func(t *testing.T, app *testApp, c *client) (string, []string) {
		return func(t *testing.T, app *testApp, c *client) (string, []string) {
			id := c.startPurchase("reader@example.se", offer)
			auth := app.authorize(id, "customer@email.se", category)
			res := c.placeOrder(id, auth)
			conf := c.followSandboxRedirect(res.Header.Get("Location"))
			if page := c.get(strings.TrimPrefix(conf, app.URL)); page.Status != http.StatusOK {
				t.Fatalf("confirmation: %d", page.Status)
			}
			return id, []string{auth}
		}
	}
	hpp := func(mode string) func(t *testing.T, app *testApp, c *client) (string, []string) {
		return func(t *testing.T, app *testApp, c *client) (string, []string) {
			id := c.startRecovery()
			back := c.hppSubmit(c.startHPP(id, mode), "pay")
			if res := c.get(back); res.Header.Get("Location") != "/account/purchases/"+id {
				t.Fatalf("HPP return: %d %q", res.Status, res.Header.Get("Location"))
			}
			return id, nil
		}
	}
	journeys := []journey{
		{"regular purchase", regular("monthly", "klarna")},
		{"trial purchase", regular("trial", "direct_debit")},
		{"token charged", func(t *testing.T, app *testApp, c *client) (string, []string) {
			res := c.buyOneClick("token@example.se", offerArchive)
			m := oneClickLocation.FindStringSubmatch(res.Header.Get("Location"))
			if m == nil {
				t.Fatalf("one-click: %d %q", res.Status, res.Header.Get("Location"))
			}
			return m[1], nil
		}},
		{"recovery through the SDK", func(t *testing.T, app *testApp, c *client) (string, []string) {
			id := c.startRecovery()
			ok, auth := app.authorizeSession(app.tokenPurchase(id).KlarnaSessionID, approvedKP)
			if !ok {
				t.Fatal("not approved")
			}
			if res := c.recoveryOrder(id, auth); res.Header.Get("Location") != "/account/purchases/"+id {
				t.Fatalf("recovery order: %d %q", res.Status, res.Header.Get("Location"))
			}
			return id, []string{auth}
		}},
		{"recovery through the hosted page (NONE)", hpp("NONE")},
		{"recovery through the hosted page (PLACE_ORDER)", hpp("PLACE_ORDER")},
		{"first purchase saving Klarna", func(t *testing.T, app *testApp, c *client) (string, []string) {
			c.login("subscriber@example.se", demoPassword, "/")
			id := c.startFirstPurchase(offerArchive)
			c.post("/account/purchases/"+id+"/consent", url.Values{"csrf": {c.csrf("/account")}, "save": {"1"}})
			ok, auth := app.authorizeSession(app.tokenPurchase(id).KlarnaSessionID, approvedKP)
			if !ok {
				t.Fatal("not approved")
			}
			c.post("/account/purchases/"+id+"/order", url.Values{"csrf": {c.csrf("/account")}, "authorization_token": {auth}})
			token := app.savedToken("subscriber@example.se")
			if p := app.tokenPurchase(id); !p.TokenSaved || token == "" {
				t.Fatalf("first purchase: %+v", p)
			}
			return id, []string{auth, token}
		}},
		{"token rejected without step-up", func(t *testing.T, app *testApp, c *client) (string, []string) {
			res := c.buyOneClick("token-failed@example.se", offerArchive)
			m := oneClickLocation.FindStringSubmatch(res.Header.Get("Location"))
			if m == nil {
				t.Fatalf("one-click: %d %q", res.Status, res.Header.Get("Location"))
			}
			return m[1], nil
		}},
	}
	basic := func(user, password string) string {
		return base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	}
	for _, j := range journeys {
		t.Run(j.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t)
			c := app.client()
			id, secrets := j.run(t, app, c)
			secrets = append(secrets, demoPassword, sandbox.PaywayClientSecret, sandbox.KlarnaPassword,
				basic(sandbox.PaywayClientID, sandbox.PaywayClientSecret), basic(sandbox.KlarnaUsername, sandbox.KlarnaPassword))
			secrets = append(secrets, app.sessionTokens()...)
			if p, err := app.DB.Purchase(context.Background(), id); err == nil {
				secrets = append(secrets, p.ClientToken, p.AuthorizationToken)
			} else {
				tp := app.tokenPurchase(id)
				secrets = append(secrets, tp.TokenID, tp.ClientToken, app.hppCallbackSecret(tp.HPPSessionID))
			}

			events, err := app.DB.Events(context.Background(), id)
			if err != nil || len(events) < 2 {
				t.Fatalf("%d events (%v)", len(events), err)
			}
			view := c.get("/demo/purchases/" + id)
			if view.Status != http.StatusOK || !strings.Contains(view.Body, `data-testid="timeline"`) {
				t.Fatalf("what happened: %d", view.Status)
			}
			console := c.get("/demo")
			places := map[string]string{"purchase view": view.Body, "console": console.Body}
			for _, e := range events {
				places["event "+e.Method+" "+e.Path] = strings.Join([]string{e.Path, e.Request, e.Response, e.Note, fmt.Sprint(e.IDs)}, "\n")
			}
			for i, s := range secrets {
				if len(s) < 6 {
					continue // an empty or trivial value would match anything
				}
				for where, text := range places {
					if strings.Contains(text, s) {
						t.Errorf("%s shows secret #%d", where, i) // the index only: test logs are no place for it either
					}
				}
			}
			if !strings.Contains(view.Body, "***") {
				t.Error("the purchase view shows no masked value: were the bodies shown at all?")
			}
			for _, h := range []string{"Authorization", "Basic ", "Bearer "} {
				if strings.Contains(view.Body, h) {
					t.Errorf("the purchase view mentions %q", h)
				}
			}
		})
	}
}

// TestDemoPurchaseViewExplainsTheFlow: the view's timeline names the calls and its diagrams highlight the
// path, for a regular purchase and an HPP recovery.
func TestDemoPurchaseViewExplainsTheFlow(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	id := c.startPurchase("reader@example.se", "monthly")
	c.followSandboxRedirect(c.placeOrder(id, app.authorize(id, "customer@email.se", "klarna")).Header.Get("Location"))
	c.get("/checkout/" + id + "/confirmation")
	view := c.get("/demo/purchases/" + id)
	for _, want := range []string{
		`data-step="create-session"`, `data-step="place-order"`, `data-testid="flow-purchase" data-current="8"`,
		`data-node="5" data-state="visited"`, `data-node="8" data-state="current"`, `data-edge="4-5"`,
		`<title id="purchase-title">`, `data-testid="path-purchase"`,
	} {
		if !strings.Contains(view.Body, want) {
			t.Errorf("regular purchase view lacks %q", want)
		}
	}

	r := app.client()
	rid := r.startRecovery()
	if res := r.get(r.hppSubmit(r.startHPP(rid, "NONE"), "pay")); res.Header.Get("Location") != "/account/purchases/"+rid {
		t.Fatalf("HPP: %d", res.Status)
	}
	view = r.get("/demo/purchases/" + rid)
	stepUp := app.tokenPurchase(rid).StepUpID
	for _, want := range []string{
		`data-step="token-order"`, `data-testid="event-fact-step_up_id"`, stepUp, `data-step="payment-session"`,
		`data-step="hpp-session"`, `data-step="authorization-order"`, `data-testid="flow-recovery" data-current="L"`,
	} {
		if !strings.Contains(view.Body, want) {
			t.Errorf("HPP recovery view lacks %q", want)
		}
	}
	for _, n := range []string{"A", "B", "C", "E", "F", "H", "J", "K"} {
		if !strings.Contains(view.Body, `data-node="`+n+`" data-state="visited"`) {
			t.Errorf("node %s is not highlighted", n)
		}
	}
	for _, n := range []string{"D", "G", "I"} {
		if !strings.Contains(view.Body, `data-node="`+n+`" data-state=""`) {
			t.Errorf("node %s is highlighted but was not taken", n)
		}
	}
	// The confirmation of a recovered purchase links here (the layout's strip in sandbox mode).
	if page := r.get("/account/purchases/" + rid); !strings.Contains(page.Body, `href="/demo/purchases/`+rid+`"`) {
		t.Error("the one-click confirmation does not link to what happened")
	}
}

// TestWhatHappenedLinks: in sandbox mode every page about a purchase links to what happened to it, for its
// owner only; error pages and other customers get no link.
func TestWhatHappenedLinks(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	link := func(id string) string { return `href="/demo/purchases/` + id + `"` }

	open := app.client()
	openID := open.startPurchase("reader@example.se", "monthly")

	paid := app.client()
	paidID := paid.startPurchase("reader@example.se", "yearly")
	conf := paid.followSandboxRedirect(paid.placeOrder(paidID, app.authorize(paidID, "customer@email.se", "klarna")).Header.Get("Location"))

	debt := app.client()
	debtID := debt.startPurchase("debt@example.se", "monthly")
	if res := debt.placeOrder(debtID, app.authorize(debtID, "customer@email.se", "klarna")); res.Status != http.StatusSeeOther {
		t.Fatalf("debt order: %d", res.Status)
	}

	rec := app.client()
	recID := rec.startRecovery()

	stranger := app.client()
	if res := stranger.login("subscriber@example.se", demoPassword, "/"); res.Status != http.StatusSeeOther {
		t.Fatal("login")
	}
	tests := []struct {
		name string
		body func() string
		id   string
		want bool
	}{
		{"checkout page", func() string { return open.get("/checkout/" + openID).Body }, openID, true},
		{"confirmation", func() string { return paid.get(strings.TrimPrefix(conf, app.URL)).Body }, paidID, true},
		{"failure page", func() string { return debt.get("/checkout/" + debtID).Body }, debtID, true},
		{"recovery page", func() string { return rec.get("/recovery/" + recID).Body }, recID, true},
		{"another customer's 404", func() string { return stranger.get("/checkout/" + openID).Body }, openID, false},
		{"a page about no purchase", func() string { return open.get("/subscribe").Body }, openID, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Contains(tt.body(), link(tt.id)); got != tt.want {
				t.Errorf("link to what happened: %v, want %v", got, tt.want)
			}
		})
	}
}

// TestDemoStripOnAPageAnsweredBeforeTheSessionIsRead: the strip reads the scenario from the session the
// app read when the request came in; a request refused before that read (a wrong CSRF token) still shows
// the running scenario on its error page.
func TestDemoStripOnAPageAnsweredBeforeTheSessionIsRead(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	if res := c.post("/demo/scenarios/regular", url.Values{"csrf": {c.csrf("/demo")}}); res.Status != http.StatusSeeOther {
		t.Fatalf("start scenario: %d", res.Status)
	}
	tests := []struct {
		name   string
		send   func() response
		status int
	}{
		{"a page read after the session", func() response { return c.get("/account") }, http.StatusOK},
		{"refused before the session is read", func() response {
			return c.post("/logout", url.Values{"csrf": {"not-the-token"}})
		}, http.StatusForbidden},
	}
	for _, tt := range tests {
		page := tt.send()
		if page.Status != tt.status {
			t.Fatalf("%s: %d, want %d", tt.name, page.Status, tt.status)
		}
		if !strings.Contains(page.Body, `data-testid="demo-instruction"`) {
			t.Errorf("%s: no scenario instruction on the page:\n%s", tt.name, page.Body)
		}
	}
}
