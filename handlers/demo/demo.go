// Package demo is the demo console (/demo): the product team starts any flow in one click, switches the
// sandbox's faults on and off, resets everything, and shows what happened to a purchase (purchase.go). It
// exists in sandbox mode; in live mode only when an admin credential is configured, and then only the
// purchase timelines (there are no personas or faults to drive). Nothing here bypasses the app: "log in as"
// is the login form's Payway password grant, scenarios then run through the normal pages.
//
// The console is a package of its own so that the app without it is exactly the app customers get.
// internal/app decides whether it is enabled and only then builds a Console, registers its routes (its own
// table, routes.go) on the app's Echo through handlers.Config.ExtraRoutes and, in sandbox mode, gives the
// layout its strip through handlers.Config.DemoStrip. It imports handlers (the layout, the logged-in user,
// the real login); handlers never imports it.
package demo

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/handlers"
	"github.com/paywall/paywall/internal/apilog"
	"github.com/paywall/paywall/internal/cache"
	"github.com/paywall/paywall/internal/paths"
	"github.com/paywall/paywall/payway"
	"github.com/paywall/paywall/store"
	"github.com/paywall/paywall/views"
)

// Config is how the console runs.
type Config struct {
	// Sandbox is true in sandbox mode: the console drives the embedded sandbox (personas, scenarios, faults,
	// reset) through its control API at SandboxURL, and customer pages show the demo strip. In live mode it
	// offers only the purchase timelines and customers never see the strip.
	Sandbox    bool
	SandboxURL string
	// User and Password guard every /demo* request with HTTP Basic when set (both or neither). In live mode
	// internal/app enables the console only when they are set; in sandbox mode they are optional (a shared
	// demo machine).
	User, Password string
	// PersonaPassword is the sandbox personas' password ("log in as"; sandbox.DemoPassword, filled by
	// internal/app): the sandbox's control API does not list passwords.
	PersonaPassword string
	// Zone is the paper's time zone (internal/app: PAYWALL_TIME_ZONE): the console's clock and timelines
	// read as the pages' dates do. nil: UTC.
	Zone *time.Location
}

// Deps are what the console reads and calls besides the app's pages (handlers.App, given to Register).
type Deps struct {
	DB       *store.DB
	Sessions *store.SessionStore // the app's: the running scenario lives on the app session
	Payway   *payway.Client
	Checkout *checkout.Service
	OneClick *checkout.OneClick
	Logger   *slog.Logger
	// Transport carries the console's calls to the sandbox's control API: the app's upstream transport
	// (apilog.NewTransport), so they share its pooled connections; nil means Go's default.
	Transport http.RoundTripper
}

// Console is the demo console of one app.
type Console struct {
	cfg      Config
	db       *store.DB
	sessions *store.SessionStore
	payway   *payway.Client
	checkout *checkout.Service
	oneclick *checkout.OneClick
	log      *slog.Logger
	sandbox  *sandboxControl // the sandbox's control API; nil without SandboxURL
	app      *handlers.App   // the app's layout, logins and session; set by Register
	// owners remembers whose each one-click purchase is (it never changes), so the strip on every page
	// about one does not read it a second time; cleared by a demo reset. (Subscription purchases in
	// progress are in the store's memory already.)
	owners *cache.TTL[string, string]
}

// New builds the console. It refuses half a credential: a user without a password (or the reverse) would
// leave the console either open or unusable without saying so.
func New(cfg Config, deps Deps) (*Console, error) {
	if (cfg.User == "") != (cfg.Password == "") {
		return nil, errors.New("demo: User and Password must be set together")
	}
	if deps.DB == nil || deps.Sessions == nil || deps.Payway == nil || deps.Checkout == nil || deps.OneClick == nil {
		return nil, errors.New("demo: DB, Sessions, Payway, Checkout and OneClick are required")
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	return &Console{
		cfg: cfg, db: deps.DB, sessions: deps.Sessions, payway: deps.Payway, checkout: deps.Checkout,
		oneclick: deps.OneClick, log: deps.Logger, sandbox: newSandboxControl(cfg.SandboxURL, cfg.User, cfg.Password, deps.Transport),
		owners: cache.New[string, string](time.Minute, 10_000, nil),
	}, nil
}

// Session keys of the demo strip (the layout's bar while a scenario runs), on the app session.
const (
	keyDemoScenario = "demo_scenario"  // id of the scenario started from the console
	keyDemoReset    = "demo_reset"     // why the demo data was reset when it started: a reset* code
	keyDemoResetWho = "demo_reset_who" // the persona it concerned, by name
)

// Why a scenario reset the demo data before it started; the strip says it in the reader's language
// (resetText).
const (
	resetSubscribed   = "subscribed"    // the persona has the subscription the scenario sells
	resetOwnsArchive  = "owns-archive"  // the persona owns the one-time item the scenario sells
	resetRecovered    = "recovered"     // the step-up token already carries an earlier recovery's method
	resetSavedKlarna  = "saved-klarna"  // the first-purchase persona saved a token in an earlier run
	resetTokenRemoved = "token-removed" // the persona's token was cancelled in an earlier run
)

// demoAdminKey marks a request that passed the console's HTTP Basic check: it may see every purchase.
const demoAdminKey = "demo_admin"

// maskedValue is what the API clients put in place of a secret.
const maskedValue = apilog.Masked

func itoa(n int) string { return strconv.Itoa(n) }

// mw is the middleware of a console route: the gate, and for routes that drive the sandbox, the
// sandbox-only check.
func (d *Console) mw(sandboxOnly bool) []echo.MiddlewareFunc {
	mw := []echo.MiddlewareFunc{d.gate}
	if sandboxOnly {
		mw = append(mw, d.sandboxOnly)
	}
	return mw
}

// gate asks for the admin credential when one is configured. (Where the console must not exist its routes
// are not registered at all: internal/app builds no Console.)
func (d *Console) gate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if d.cfg.User != "" {
			user, pass, ok := c.Request().BasicAuth()
			// Both comparisons always run, so the time taken says nothing about which one failed.
			userOK, passOK := sameSecret(user, d.cfg.User), sameSecret(pass, d.cfg.Password)
			if !ok || !userOK || !passOK {
				c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Basic realm="paywall demo console", charset="UTF-8"`)
				return &handlers.Error{Code: handlers.EUNAUTHORIZED, Message: "The demo console needs its user name and password."}
			}
			c.Set(demoAdminKey, true)
		}
		return next(c)
	}
}

// sandboxOnly answers 404 in live mode for the routes that drive the sandbox.
func (d *Console) sandboxOnly(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !d.cfg.Sandbox {
			return &handlers.Error{Code: handlers.ENOTFOUND}
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
	"clock-advanced": "The sandbox clock moved 49 hours ahead: purchase sessions opened before it are expired.",
	"clock-now":      "The sandbox clock is back on real time.",
}

// console shows the console.
func (d *Console) console(c echo.Context) error {
	ctx := c.Request().Context()
	v := views.DemoConsoleView{Sandbox: d.cfg.Sandbox, Admin: isDemoAdmin(c), Notice: demoNotices[c.QueryParam("done")]}
	u := handlers.CurrentUser(c)
	if u != nil {
		v.LoggedInAs = u.Name + " (" + u.Email + ")"
	}
	if v.Sandbox {
		d.fillSandboxConsole(ctx, &v, u)
	}
	rows, err := d.purchaseRows(ctx, c)
	if err != nil {
		return err
	}
	v.Purchases = rows
	pg := d.app.Page(c, "Demo console")
	pg.Wide = true
	return d.app.Render(c, http.StatusOK, views.DemoConsole(pg, v))
}

// fillSandboxConsole adds what the sandbox knows: personas, test inputs, scenarios and faults. A sandbox
// that does not answer leaves a message instead, and the scenario buttons (which will then say so too).
func (d *Console) fillSandboxConsole(ctx context.Context, v *views.DemoConsoleView, u *handlers.User) {
	sc, err := d.sandbox.scenarios(ctx)
	if err != nil {
		d.log.WarnContext(ctx, "demo: sandbox scenarios", "err", err)
		v.SandboxError = "The sandbox's control API is not answering, so personas and faults cannot be shown. Is the sandbox running?"
	}
	for _, s := range demoScenarios {
		name := s.Persona
		if p, ok := sc.persona(s.Persona); ok {
			name = p.Name
		}
		v.Scenarios = append(v.Scenarios, views.DemoScenario{ID: s.ID, Title: s.Title, Persona: s.Persona, PersonaName: name,
			Demonstrates: s.Demonstrates})
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
	if clk, err := d.sandbox.clock(ctx); err == nil {
		v.Clock = &views.DemoClock{Now: clk.Now.In(d.zone()).Format("2 Jan 2006 15:04"), Offset: clockOffsetText(clk.OffsetSeconds),
			Action: paths.DemoClock}
	} else if v.SandboxError == "" {
		d.log.WarnContext(ctx, "demo: sandbox clock", "err", err)
	}
	armed, err := d.sandbox.faults(ctx)
	if err != nil && v.SandboxError == "" {
		d.log.WarnContext(ctx, "demo: sandbox faults", "err", err)
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

// purchaseRows lists the purchases the viewer may open: every account's for the admin, otherwise the
// logged-in persona's own.
func (d *Console) purchaseRows(ctx context.Context, c echo.Context) ([]views.DemoPurchaseRow, error) {
	account := ""
	if !isDemoAdmin(c) {
		u := handlers.CurrentUser(c)
		if u == nil {
			return nil, nil
		}
		account = u.AccountID
	}
	list, err := d.db.RecentPurchases(ctx, account, 25)
	if err != nil {
		return nil, err
	}
	rows := make([]views.DemoPurchaseRow, 0, len(list))
	for _, p := range list {
		rows = append(rows, views.DemoPurchaseRow{ID: p.ID, Kind: p.Kind, Title: d.offerTitle(p.Kind, p.OfferID),
			State: p.State, Created: p.CreatedAt.In(d.zone()).Format("2 Jan 15:04:05"), Account: p.AccountID})
	}
	return rows, nil
}

// offerTitle is an offer's title, or its id when the offer is no longer on sale.
func (d *Console) offerTitle(kind, offerID string) string {
	if kind == store.KindOneClick {
		if o, ok := d.oneclick.Offer(offerID); ok {
			return o.Title
		}
		return offerID
	}
	if o, ok := d.checkout.Catalogue().Offer(offerID); ok {
		return o.Title
	}
	return offerID
}

// login logs in as a persona: the sandbox's own list gives the email and password, the login form's
// code path does the rest (Payway's password grant, a new session id).
func (d *Console) login(c echo.Context) error {
	persona, err := d.persona(c.Request().Context(), strings.TrimSpace(c.FormValue("email")))
	if err != nil {
		return err
	}
	if err := d.setScenario(c, "", "", ""); err != nil {
		return err
	}
	if err := d.passwordLogin(c, persona); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, paths.DemoDone("login", ""))
}

// persona finds a persona in the sandbox's scenario list. Only listed personas can be logged in as:
// the console never takes a password from the browser.
func (d *Console) persona(ctx context.Context, email string) (sandboxPersona, error) {
	sc, err := d.sandbox.scenarios(ctx)
	if err != nil {
		return sandboxPersona{}, &handlers.Error{Code: handlers.EUNAVAILABLE, Message: "The sandbox's control API is not answering. Is the sandbox running?", Err: err}
	}
	p, ok := sc.persona(email)
	if !ok {
		return sandboxPersona{}, &handlers.Error{Code: handlers.EINVALID, Message: "That is not one of the sandbox's personas."}
	}
	return p, nil
}

// passwordLogin is the real login with a persona's credentials.
func (d *Console) passwordLogin(c echo.Context, p sandboxPersona) error {
	err := d.app.PasswordLogin(c, p.Email, d.cfg.PersonaPassword)
	if errors.Is(err, handlers.ErrBadCredentials) {
		return &handlers.Error{Code: handlers.EINTERNAL, Message: "The sandbox refused its own persona's password. Reset the demo data and try again.", Err: err}
	}
	return err
}

// setScenario puts the running scenario (and why the data was reset for it, a reset* code, and whom that
// concerned) on the session, in memory: the login that follows saves it with the new session id.
func (d *Console) setScenario(c echo.Context, scenario, reset, who string) error {
	sess, err := d.sessions.Get(c.Request(), handlers.SessionName)
	if err != nil {
		return fmt.Errorf("demo: session: %w", err)
	}
	for _, k := range []string{keyDemoScenario, keyDemoReset, keyDemoResetWho} {
		delete(sess.Values, k)
	}
	if scenario != "" {
		sess.Values[keyDemoScenario] = scenario
	}
	if reset != "" {
		sess.Values[keyDemoReset], sess.Values[keyDemoResetWho] = reset, who
	}
	return nil
}

// startScenario logs in as the scenario's persona and opens the page where its flow starts. A persona
// that an earlier run used up (it has the subscription now, or its saved token was already recovered)
// would not show the flow again, so the demo data is reset first, keeping the armed faults, and the strip
// says so.
func (d *Console) startScenario(c echo.Context) error {
	s, ok := scenarioByID(c.Param("id"))
	if !ok {
		return &handlers.Error{Code: handlers.ENOTFOUND, Message: "There is no such scenario."}
	}
	ctx := c.Request().Context()
	persona, err := d.persona(ctx, s.Persona)
	if err != nil {
		return err
	}
	if err := d.setScenario(c, s.ID, "", ""); err != nil {
		return err
	}
	if err := d.passwordLogin(c, persona); err != nil {
		return err
	}
	why, err := d.usedUp(c, s)
	if err != nil {
		return err
	}
	if why != "" {
		if err := d.resetData(ctx, true); err != nil {
			return err
		}
		if err := d.setScenario(c, s.ID, why, persona.Name); err != nil {
			return err
		}
		// The reset deleted the tokens of the first login in the sandbox: log in again.
		if err := d.passwordLogin(c, persona); err != nil {
			return err
		}
	}
	return c.Redirect(http.StatusSeeOther, d.scenarioLanding(ctx, s))
}

// usedUp says why a persona cannot show the scenario's flow any more (a reset* code), or "" when it can.
func (d *Console) usedUp(c echo.Context, s demoScenario) (string, error) {
	ctx := c.Request().Context()
	switch s.Journey {
	case journeyCheckout:
		offer, ok := d.checkout.Catalogue().Offer(s.Offer)
		if !ok {
			return "", nil
		}
		cust, err := d.app.Customer(c)
		if err != nil {
			return "", err
		}
		products, err := d.payway.ActiveProducts(ctx, cust.AccessToken)
		if err != nil {
			return "", handlers.PaywayUnavailable(err)
		}
		for _, code := range products {
			if code == offer.Product {
				return resetSubscribed, nil
			}
		}
	case journeyOneClick, journeyRecovery, journeyFirst:
		u := handlers.CurrentUser(c)
		if u == nil {
			return "", nil
		}
		if why, err := d.tokenUsedUp(c, s); why != "" || err != nil {
			return why, err
		}
		list, err := d.db.OneClickPurchasesOf(ctx, u.AccountID)
		if err != nil {
			return "", err
		}
		for _, tp := range list {
			switch {
			case tp.State != checkout.OneClickCompleted:
			case s.Journey == journeyRecovery && (tp.Method == checkout.RecoveryMethodSDK || tp.Method == checkout.RecoveryMethodHPP):
				return resetRecovered, nil
			case tp.OneTime && tp.OfferID == scenarioOneClickOffer:
				return resetOwnsArchive, nil
			}
		}
	}
	return "", nil
}

// tokenUsedUp says why the persona's saved token cannot show the scenario any more (a reset* code): a
// one-click or recovery persona whose token an earlier run removed (cancelled at Klarna, which cannot be
// undone), or the first-purchase persona who saved one already.
func (d *Console) tokenUsedUp(c echo.Context, s demoScenario) (string, error) {
	cust, err := d.app.Customer(c)
	if err != nil {
		return "", err
	}
	m, err := d.oneclick.SavedMethod(c.Request().Context(), cust)
	switch {
	case s.Journey == journeyFirst && err == nil:
		return resetSavedKlarna, nil
	case s.Journey == journeyFirst, errors.Is(err, checkout.ErrNoSavedMethod):
		return "", nil
	case err != nil:
		return "", nil // Klarna not answering: the scenario's own page says so
	case !m.Usable():
		return resetTokenRemoved, nil
	}
	return "", nil
}

// scenarioLanding is the page a scenario starts on: the offers with its offer highlighted (coming back to
// a premium article after the purchase), or the account page with the one-click offers.
func (d *Console) scenarioLanding(ctx context.Context, s demoScenario) string {
	if s.Journey != journeyCheckout {
		return paths.Account
	}
	ret := paths.Home
	if articles, err := d.db.ListArticles(ctx); err == nil {
		for _, art := range articles {
			if art.Premium {
				ret = paths.Article(art.Slug)
				break
			}
		}
	}
	return paths.SubscribeOffer(s.Offer, ret)
}

// armFault arms one of the console's fault switches in the sandbox.
func (d *Console) armFault(c echo.Context) error {
	sw, ok := faultSwitchByID(c.FormValue("fault"))
	if !ok {
		return &handlers.Error{Code: handlers.EINVALID, Message: "There is no such fault switch."}
	}
	if err := d.sandbox.armFault(c.Request().Context(), sw.Fault); err != nil {
		return sandboxDown(err)
	}
	return c.Redirect(http.StatusSeeOther, paths.DemoDone("fault", "faults"))
}

// sandboxFaultID is what the sandbox's fault ids look like; anything else never reaches its URL.
var sandboxFaultID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// disarmFault disarms one armed fault. One that was used up meanwhile is simply gone.
func (d *Console) disarmFault(c echo.Context) error {
	id := c.Param("id")
	if !sandboxFaultID.MatchString(id) {
		return &handlers.Error{Code: handlers.EINVALID, Message: "That is not a fault id."}
	}
	err := d.sandbox.disarmFault(c.Request().Context(), id)
	var st *sandboxStatusError
	if err != nil && !(errors.As(err, &st) && st.Status == http.StatusNotFound) {
		return sandboxDown(err)
	}
	return c.Redirect(http.StatusSeeOther, paths.DemoDone("disarmed", "faults"))
}

// clearFaults disarms every fault.
func (d *Console) clearFaults(c echo.Context) error {
	if err := d.sandbox.clearFaults(c.Request().Context()); err != nil {
		return sandboxDown(err)
	}
	return c.Redirect(http.StatusSeeOther, paths.DemoDone("faults-cleared", "faults"))
}

// reset starts the demo over: the sandbox and the app's purchases, timelines and sessions. The
// current browser is logged out too (its session row is gone; the cookie is expired here).
func (d *Console) reset(c echo.Context) error {
	if err := d.resetData(c.Request().Context(), false); err != nil {
		return err
	}
	if err := d.app.EndSession(c); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, paths.DemoDone("reset", ""))
}

// resetData resets the sandbox first (if that fails the app keeps its data, still consistent with the
// sandbox), then the app's demo data, so no purchase is left pointing at a Payway or Klarna session that
// no longer exists. keepFaults re-arms what was armed, with the calls it had left.
func (d *Console) resetData(ctx context.Context, keepFaults bool) error {
	var armed []sandboxFault
	if keepFaults {
		var err error
		if armed, err = d.sandbox.faults(ctx); err != nil {
			return sandboxDown(err)
		}
	}
	if err := d.sandbox.reset(ctx); err != nil {
		return sandboxDown(err)
	}
	for _, f := range armed {
		if f.Count = f.Remaining; f.Count < 1 {
			continue
		}
		if err := d.sandbox.armFault(ctx, f); err != nil {
			return sandboxDown(err)
		}
	}
	if err := d.db.ResetDemoData(ctx); err != nil {
		return err
	}
	d.owners.Clear()
	// The sandbox forgot every token it issued, the app token for pricing included.
	d.app.ForgetAppToken()
	d.log.InfoContext(ctx, "demo data reset", "faults_kept", len(armed))
	return nil
}

// clockAdvance is how far "Advance 49 h" moves the sandbox's clock: past the 48 hours a Payway purchase
// session and a Klarna payment session live, the expiry scenario.
const clockAdvance = 49 * time.Hour

// moveClock moves the sandbox's clock 49 hours ahead (move=advance) or back on real time (move=now). In
// sandbox mode the app reads the same clock (internal/app), so its own expiry checks follow.
func (d *Console) moveClock(c echo.Context) error {
	ctx := c.Request().Context()
	var err error
	done := ""
	switch c.FormValue("move") {
	case "advance":
		done, err = "clock-advanced", d.sandbox.advanceClock(ctx, clockAdvance)
	case "now":
		done, err = "clock-now", d.sandbox.clockToNow(ctx)
	default:
		return &handlers.Error{Code: handlers.EINVALID, Message: "There is no such clock control."}
	}
	if err != nil {
		return sandboxDown(err)
	}
	return c.Redirect(http.StatusSeeOther, paths.DemoDone(done, "clock"))
}

// clockOffsetText says how far the sandbox's clock is from real time ("49 h ahead", "30 min behind"), or ""
// on real time.
func clockOffsetText(seconds int64) string {
	d := time.Duration(seconds) * time.Second
	way := "ahead"
	if d < 0 {
		d, way = -d, "behind"
	}
	switch {
	case d == 0:
		return ""
	case d%time.Hour == 0:
		return itoa(int(d/time.Hour)) + " h " + way
	case d%time.Minute == 0:
		return itoa(int(d/time.Minute)) + " min " + way
	}
	return d.String() + " " + way
}

// sandboxDown is the page for a control call that failed.
func sandboxDown(err error) error {
	return &handlers.Error{Code: handlers.EUNAVAILABLE, Message: "The sandbox did not do what the console asked. Is it running? Reload the console and try again.", Err: err}
}

// purchaseIDPattern is what a purchase id looks like (checkout.NewID: base32hex).
var purchaseIDPattern = regexp.MustCompile(`^[0-9A-V]{16,64}$`)

// lookup opens a purchase by its id, typed into the console.
func (d *Console) lookup(c echo.Context) error {
	id := strings.ToUpper(strings.TrimSpace(c.QueryParam("id")))
	if !purchaseIDPattern.MatchString(id) {
		return &handlers.Error{Code: handlers.EINVALID, Message: "That is not a purchase id: it has 32 letters and digits."}
	}
	return c.Redirect(http.StatusSeeOther, paths.DemoPurchase(id))
}

// zone is the paper's time zone (Config.Zone), UTC when none is set.
func (d *Console) zone() *time.Location {
	if d.cfg.Zone == nil {
		return time.UTC
	}
	return d.cfg.Zone
}
