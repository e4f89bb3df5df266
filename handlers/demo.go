package handlers

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/apilog"
	"github.com/paywall/paywall/internal/paths"
	"github.com/paywall/paywall/store"
	"github.com/paywall/paywall/views"
)

// The demo console (/demo): the product team starts any flow in one click, switches the sandbox's faults on
// and off, resets everything, and shows what happened to a purchase (demo_purchase.go). It exists in
// sandbox mode; in live mode only when an admin credential is configured, and then only the purchase
// timelines (there are no personas or faults to drive). Nothing here bypasses the app: "log in as" is the
// login form's Payway password grant, scenarios then run through the normal pages.

// Session keys of the demo strip (the layout's bar while a scenario runs).
const (
	keyDemoScenario = "demo_scenario" // id of the scenario started from the console
	keyDemoReset    = "demo_reset"    // why the demo data was reset when it started
)

// demoAdminKey marks a request that passed the console's HTTP Basic check: it may see every purchase.
const demoAdminKey = "demo_admin"

// maskedValue is what the API clients put in place of a secret.
const maskedValue = apilog.Masked

func itoa(n int) string { return strconv.Itoa(n) }

// checkDemoConfig refuses half a credential: a user without a password (or the reverse) would leave the
// console either open or unusable without saying so.
func checkDemoConfig(cfg Config) error {
	if (cfg.DemoUser == "") != (cfg.DemoPassword == "") {
		return errors.New("handlers: DemoUser and DemoPassword must be set together")
	}
	return nil
}

// demoSandbox reports whether the console drives the embedded sandbox (personas, scenarios, faults, reset).
func (a *App) demoSandbox() bool { return a.cfg.Env != "live" }

// demoAvailable reports whether /demo exists at all.
func (a *App) demoAvailable() bool { return a.demoSandbox() || a.cfg.DemoUser != "" }

// demoMW is the middleware of a console route: the gate, and for routes that drive the sandbox, the
// sandbox-only check.
func (a *App) demoMW(sandboxOnly bool) []echo.MiddlewareFunc {
	mw := []echo.MiddlewareFunc{a.demoGate}
	if sandboxOnly {
		mw = append(mw, a.demoSandboxOnly)
	}
	return mw
}

// demoGate hides the console where it must not exist (404, as for any unknown page) and asks for the admin
// credential when one is configured.
func (a *App) demoGate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !a.demoAvailable() {
			return &Error{Code: ENOTFOUND}
		}
		if a.cfg.DemoUser != "" {
			user, pass, ok := c.Request().BasicAuth()
			// Both comparisons always run, so the time taken says nothing about which one failed.
			userOK, passOK := sameSecret(user, a.cfg.DemoUser), sameSecret(pass, a.cfg.DemoPassword)
			if !ok || !userOK || !passOK {
				c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Basic realm="paywall demo console", charset="UTF-8"`)
				return &Error{Code: EUNAUTHORIZED, Message: "The demo console needs its user name and password."}
			}
			c.Set(demoAdminKey, true)
		}
		return next(c)
	}
}

// demoSandboxOnly answers 404 in live mode for the routes that drive the sandbox.
func (a *App) demoSandboxOnly(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !a.demoSandbox() {
			return &Error{Code: ENOTFOUND}
		}
		return next(c)
	}
}

// sameSecret compares in constant time, hashing first so the length of the secret does not leak either.
func sameSecret(got, want string) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

func isDemoAdmin(c echo.Context) bool {
	b, _ := c.Get(demoAdminKey).(bool)
	return b
}

// demoNotices are what the console says after an action (?done=...): fixed sentences, so the query string
// can never put text on the page.
var demoNotices = map[string]string{
	"login":          "Logged in through Payway's password grant, with a new session.",
	"fault":          "Fault armed: the next matching call fails.",
	"disarmed":       "Fault disarmed.",
	"faults-cleared": "Every fault is cleared.",
	"reset":          "Demo data reset: the sandbox is as seeded, the app's purchases and logins are gone, and you are logged out.",
}

// demoConsole shows the console.
func (a *App) demoConsole(c echo.Context) error {
	ctx := c.Request().Context()
	v := views.DemoConsoleView{Sandbox: a.demoSandbox(), Admin: isDemoAdmin(c), Notice: demoNotices[c.QueryParam("done")]}
	u := currentUser(c)
	if u != nil {
		v.LoggedInAs = u.Name + " (" + u.Email + ")"
	}
	if v.Sandbox {
		a.fillSandboxConsole(ctx, &v, u)
	}
	rows, err := a.demoPurchaseRows(ctx, c)
	if err != nil {
		return err
	}
	v.Purchases = rows
	pg := a.page(c, "Demo console")
	pg.Wide = true
	return a.render(c, http.StatusOK, views.DemoConsole(pg, v))
}

// fillSandboxConsole adds what the sandbox knows: personas, test inputs, scenarios and faults. A sandbox
// that does not answer leaves a message instead, and the scenario buttons (which will then say so too).
func (a *App) fillSandboxConsole(ctx context.Context, v *views.DemoConsoleView, u *sessionUser) {
	sc, err := a.sandbox.scenarios(ctx)
	if err != nil {
		a.log.WarnContext(ctx, "demo: sandbox scenarios", "err", err)
		v.SandboxError = "The sandbox's control API is not answering, so personas and faults cannot be shown. Is the sandbox running?"
	}
	for _, s := range demoScenarios {
		name := s.Persona
		if p, ok := sc.persona(s.Persona); ok {
			name = p.Name
		}
		v.Scenarios = append(v.Scenarios, views.DemoScenario{ID: s.ID, Title: s.Title, Persona: s.Persona, PersonaName: name,
			Demonstrates: s.Demonstrates, Instruction: s.Instruction})
	}
	for _, p := range sc.Personas {
		v.Personas = append(v.Personas, views.DemoPersona{Email: p.Email, Name: p.Name, Demonstrates: p.Demonstrates,
			Current: u != nil && strings.EqualFold(u.Email, p.Email)})
	}
	for _, in := range sc.TestEmails {
		v.TestInputs = append(v.TestInputs, views.DemoInput{Kind: "Klarna dialog or page: email", Input: in.Email, Outcome: in.Outcome})
	}
	for _, in := range sc.OTPs {
		v.TestInputs = append(v.TestInputs, views.DemoInput{Kind: "One-time code", Input: in.OTP, Outcome: in.Outcome})
	}
	for _, in := range sc.HPPChoices {
		v.TestInputs = append(v.TestInputs, views.DemoInput{Kind: "Klarna's hosted page: button", Input: in.Choice, Outcome: in.Outcome})
	}
	armed, err := a.sandbox.faults(ctx)
	if err != nil && v.SandboxError == "" {
		a.log.WarnContext(ctx, "demo: sandbox faults", "err", err)
		v.SandboxError = "The sandbox's control API did not list its faults."
	}
	for _, f := range armed {
		v.Armed = append(v.Armed, views.DemoArmedFault{ID: f.ID, Target: f.Target, Effect: faultEffect(f), Remaining: f.Remaining})
	}
	for _, sw := range demoFaults {
		on := false
		for _, f := range armed {
			on = on || sameFault(f, sw.Fault)
		}
		v.Faults = append(v.Faults, views.DemoFaultSwitch{ID: sw.ID, Title: sw.Title, Target: sw.Fault.Target,
			Effect: sw.Effect, Armed: on})
	}
}

// demoPurchaseRows lists the purchases the viewer may open: every account's for the admin, otherwise the
// logged-in persona's own.
func (a *App) demoPurchaseRows(ctx context.Context, c echo.Context) ([]views.DemoPurchaseRow, error) {
	account := ""
	if !isDemoAdmin(c) {
		u := currentUser(c)
		if u == nil {
			return nil, nil
		}
		account = u.AccountID
	}
	list, err := a.db.RecentPurchases(ctx, account, 25)
	if err != nil {
		return nil, err
	}
	rows := make([]views.DemoPurchaseRow, 0, len(list))
	for _, p := range list {
		rows = append(rows, views.DemoPurchaseRow{ID: p.ID, Kind: p.Kind, Title: a.demoOfferTitle(p.Kind, p.OfferID),
			State: p.State, Created: p.CreatedAt.Local().Format("2 Jan 15:04:05"), Account: p.AccountID})
	}
	return rows, nil
}

// demoOfferTitle is an offer's title, or its id when the offer is no longer on sale.
func (a *App) demoOfferTitle(kind, offerID string) string {
	if kind == store.KindOneClick {
		if o, ok := a.oneclick.Offer(offerID); ok {
			return o.Title
		}
		return offerID
	}
	if o, ok := a.checkout.Catalogue().Offer(offerID); ok {
		return o.Title
	}
	return offerID
}

// demoLogin logs in as a persona: the sandbox's own list gives the email and password, the login form's
// code path does the rest (Payway's password grant, a new session id).
func (a *App) demoLogin(c echo.Context) error {
	persona, err := a.demoPersona(c.Request().Context(), strings.TrimSpace(c.FormValue("email")))
	if err != nil {
		return err
	}
	if err := a.setDemoScenario(c, "", ""); err != nil {
		return err
	}
	if err := a.demoPasswordLogin(c, persona); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, paths.DemoDone("login", ""))
}

// demoPersona finds a persona in the sandbox's scenario list. Only listed personas can be logged in as:
// the console never takes a password from the browser.
func (a *App) demoPersona(ctx context.Context, email string) (sandboxPersona, error) {
	sc, err := a.sandbox.scenarios(ctx)
	if err != nil {
		return sandboxPersona{}, &Error{Code: EUNAVAILABLE, Message: "The sandbox's control API is not answering. Is the sandbox running?", Err: err}
	}
	p, ok := sc.persona(email)
	if !ok {
		return sandboxPersona{}, &Error{Code: EINVALID, Message: "That is not one of the sandbox's personas."}
	}
	return p, nil
}

// demoPasswordLogin is the real login with a persona's credentials.
func (a *App) demoPasswordLogin(c echo.Context, p sandboxPersona) error {
	err := a.passwordLogin(c, p.Email, p.Password)
	if errors.Is(err, ErrBadCredentials) {
		return &Error{Code: EINTERNAL, Message: "The sandbox refused its own persona's password. Reset the demo data and try again.", Err: err}
	}
	return err
}

// setDemoScenario puts the running scenario (and why the data was reset for it) on the session, in memory:
// the login that follows saves it with the new session id.
func (a *App) setDemoScenario(c echo.Context, scenario, reset string) error {
	sess, err := a.sessions.Get(c.Request(), sessionName)
	if err != nil {
		return fmt.Errorf("demo: session: %w", err)
	}
	delete(sess.Values, keyDemoScenario)
	delete(sess.Values, keyDemoReset)
	if scenario != "" {
		sess.Values[keyDemoScenario] = scenario
	}
	if reset != "" {
		sess.Values[keyDemoReset] = reset
	}
	return nil
}

// demoStartScenario logs in as the scenario's persona and opens the page where its flow starts. A persona
// that an earlier run used up (it has the subscription now, or its saved token was already recovered)
// would not show the flow again, so the demo data is reset first, keeping the armed faults, and the strip
// says so.
func (a *App) demoStartScenario(c echo.Context) error {
	s, ok := scenarioByID(c.Param("id"))
	if !ok {
		return &Error{Code: ENOTFOUND, Message: "There is no such scenario."}
	}
	ctx := c.Request().Context()
	persona, err := a.demoPersona(ctx, s.Persona)
	if err != nil {
		return err
	}
	if err := a.setDemoScenario(c, s.ID, ""); err != nil {
		return err
	}
	if err := a.demoPasswordLogin(c, persona); err != nil {
		return err
	}
	why, err := a.demoUsedUp(c, s, persona)
	if err != nil {
		return err
	}
	if why != "" {
		if err := a.resetDemoData(ctx, true); err != nil {
			return err
		}
		if err := a.setDemoScenario(c, s.ID, "The demo data was reset before this scenario: "+why+"."); err != nil {
			return err
		}
		// The reset deleted the tokens of the first login in the sandbox: log in again.
		if err := a.demoPasswordLogin(c, persona); err != nil {
			return err
		}
	}
	return c.Redirect(http.StatusSeeOther, a.scenarioLanding(ctx, s))
}

// demoUsedUp says why a persona cannot show the scenario's flow any more, or "" when it can.
func (a *App) demoUsedUp(c echo.Context, s demoScenario, p sandboxPersona) (string, error) {
	ctx := c.Request().Context()
	switch s.Journey {
	case journeyCheckout:
		offer, ok := a.checkout.Catalogue().Offer(s.Offer)
		if !ok {
			return "", nil
		}
		cust, err := a.customer(c)
		if err != nil {
			return "", err
		}
		products, err := a.payway.ActiveProducts(ctx, cust.AccessToken)
		if err != nil {
			return "", paywayUnavailable(err)
		}
		for _, code := range products {
			if code == offer.Product {
				return p.Name + " already has the subscription this scenario sells", nil
			}
		}
	case journeyRecovery:
		u := currentUser(c)
		if u == nil {
			return "", nil
		}
		list, err := a.db.OneClickPurchasesOf(ctx, u.AccountID)
		if err != nil {
			return "", err
		}
		for _, tp := range list {
			if tp.State == checkout.OneClickCompleted && tp.Method != "" && tp.Method != "token" {
				return p.Name + "'s saved token already carries the method of an earlier recovery, so Klarna would charge it without a step-up", nil
			}
		}
	}
	return "", nil
}

// scenarioLanding is the page a scenario starts on: the offers with its offer highlighted (coming back to
// a premium article after the purchase), or the account page with the one-click offers.
func (a *App) scenarioLanding(ctx context.Context, s demoScenario) string {
	if s.Journey != journeyCheckout {
		return paths.Account
	}
	ret := paths.Home
	if articles, err := a.db.ListArticles(ctx); err == nil {
		for _, art := range articles {
			if art.Premium {
				ret = paths.Article(art.Slug)
				break
			}
		}
	}
	return paths.SubscribeOffer(s.Offer, ret)
}

// demoArmFault arms one of the console's fault switches in the sandbox.
func (a *App) demoArmFault(c echo.Context) error {
	sw, ok := faultSwitchByID(c.FormValue("fault"))
	if !ok {
		return &Error{Code: EINVALID, Message: "There is no such fault switch."}
	}
	if err := a.sandbox.armFault(c.Request().Context(), sw.Fault); err != nil {
		return sandboxDown(err)
	}
	return c.Redirect(http.StatusSeeOther, paths.DemoDone("fault", "faults"))
}

// sandboxFaultID is what the sandbox's fault ids look like; anything else never reaches its URL.
var sandboxFaultID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// demoDisarmFault disarms one armed fault. One that was used up meanwhile is simply gone.
func (a *App) demoDisarmFault(c echo.Context) error {
	id := c.Param("id")
	if !sandboxFaultID.MatchString(id) {
		return &Error{Code: EINVALID, Message: "That is not a fault id."}
	}
	err := a.sandbox.disarmFault(c.Request().Context(), id)
	var st *sandboxStatusError
	if err != nil && !(errors.As(err, &st) && st.Status == http.StatusNotFound) {
		return sandboxDown(err)
	}
	return c.Redirect(http.StatusSeeOther, paths.DemoDone("disarmed", "faults"))
}

// demoClearFaults disarms every fault.
func (a *App) demoClearFaults(c echo.Context) error {
	if err := a.sandbox.clearFaults(c.Request().Context()); err != nil {
		return sandboxDown(err)
	}
	return c.Redirect(http.StatusSeeOther, paths.DemoDone("faults-cleared", "faults"))
}

// demoReset starts the demo over: the sandbox and the app's purchases, timelines and sessions. The
// current browser is logged out too (its session row is gone; the cookie is expired here).
func (a *App) demoReset(c echo.Context) error {
	if err := a.resetDemoData(c.Request().Context(), false); err != nil {
		return err
	}
	if err := a.endSession(c); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, paths.DemoDone("reset", ""))
}

// resetDemoData resets the sandbox first (if that fails the app keeps its data, still consistent with the
// sandbox), then the app's demo data, so no purchase is left pointing at a Payway or Klarna session that
// no longer exists. keepFaults re-arms what was armed, with the calls it had left.
func (a *App) resetDemoData(ctx context.Context, keepFaults bool) error {
	var armed []sandboxFault
	if keepFaults {
		var err error
		if armed, err = a.sandbox.faults(ctx); err != nil {
			return sandboxDown(err)
		}
	}
	if err := a.sandbox.reset(ctx); err != nil {
		return sandboxDown(err)
	}
	for _, f := range armed {
		if f.Count = f.Remaining; f.Count < 1 {
			continue
		}
		if err := a.sandbox.armFault(ctx, f); err != nil {
			return sandboxDown(err)
		}
	}
	if err := a.db.ResetDemoData(ctx); err != nil {
		return err
	}
	// The sandbox forgot every token it issued, the app token for pricing included.
	a.appTokens.forget()
	a.log.InfoContext(ctx, "demo data reset", "faults_kept", len(armed))
	return nil
}

// sandboxDown is the page for a control call that failed.
func sandboxDown(err error) error {
	return &Error{Code: EUNAVAILABLE, Message: "The sandbox did not do what the console asked. Is it running? Reload the console and try again.", Err: err}
}

// purchaseIDPattern is what a purchase id looks like (checkout.NewID: base32hex).
var purchaseIDPattern = regexp.MustCompile(`^[0-9A-V]{16,64}$`)

// demoLookup opens a purchase by its id, typed into the console.
func (a *App) demoLookup(c echo.Context) error {
	id := strings.ToUpper(strings.TrimSpace(c.QueryParam("id")))
	if !purchaseIDPattern.MatchString(id) {
		return &Error{Code: EINVALID, Message: "That is not a purchase id: it has 32 letters and digits."}
	}
	return c.Redirect(http.StatusSeeOther, paths.DemoPurchase(id))
}

// purchasePageRoutes are the pages about one purchase (its id in :id) that link to "what happened" in
// sandbox mode: checkout and its outcomes, the confirmation, and the one-click and recovery pages.
var purchasePageRoutes = map[string]bool{
	paths.CheckoutPattern: true, paths.CheckoutOrderPattern: true, paths.ConfirmationPattern: true,
	paths.OneClickPattern: true, paths.RecoveryPattern: true, paths.RecoveryReturnPattern: true,
	paths.RecoveryOrderPattern: true, paths.RecoveryHPPPattern: true,
}

// demoBar is the layout's demo strip for this request: in sandbox mode, the running scenario's instruction
// and, on a page about a purchase its viewer owns, the link to what happened to it. nil when there is
// nothing to say (and always in live mode, where customers must not see it).
func (a *App) demoBar(c echo.Context) *views.DemoBar {
	if !a.demoSandbox() || strings.HasPrefix(c.Path(), paths.Demo) {
		return nil
	}
	var bar views.DemoBar
	if sess, err := a.sessions.Get(c.Request(), sessionName); err == nil {
		if s, ok := scenarioByID(stringValue(sess.Values[keyDemoScenario])); ok {
			bar.Scenario, bar.Instruction = s.Title, s.Instruction
		}
		bar.Reset = stringValue(sess.Values[keyDemoReset])
	}
	bar.WhatHappened = a.WhatHappenedHref(c, c.Param("id"))
	if !purchasePageRoutes[c.Path()] {
		bar.WhatHappened = ""
	}
	if bar == (views.DemoBar{}) {
		return nil
	}
	return &bar
}

// WhatHappenedHref is the demo console's page about a purchase (a subscription or a one-click purchase),
// for a link from any page about it: "" outside sandbox mode or when the viewer does not own it. Pages
// rendered through a.page get the link in the layout's demo strip already.
func (a *App) WhatHappenedHref(c echo.Context, purchaseID string) string {
	u := currentUser(c)
	if !a.demoSandbox() || u == nil || purchaseID == "" {
		return ""
	}
	if owner, _, err := a.purchaseOwner(c.Request().Context(), purchaseID); err != nil || owner != u.AccountID {
		return ""
	}
	return paths.DemoPurchase(purchaseID)
}

// purchaseOwner is the account and kind of a purchase of either kind; store.ErrNotFound when there is none.
func (a *App) purchaseOwner(ctx context.Context, id string) (account, kind string, err error) {
	p, err := a.db.Purchase(ctx, id)
	if err == nil {
		return p.AccountID, store.KindSubscription, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return "", "", err
	}
	tp, err := a.db.OneClickPurchase(ctx, id)
	if err != nil {
		return "", "", err
	}
	return tp.AccountID, store.KindOneClick, nil
}

func stringValue(v any) string {
	s, _ := v.(string)
	return s
}
