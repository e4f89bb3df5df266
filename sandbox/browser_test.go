package sandbox

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// The SDK stand-in in Chromium. The sandbox runs on 127.0.0.1 and the merchant test page on localhost:
// two different sites, as the app and Klarna are, so origins, postMessage, frame-ancestors and cookies
// behave as they do for real.

// merchantPage loads the SDK the way the app does (klarnaAsyncCallback, then an async script tag).
var merchantPage = template.Must(template.New("checkout").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test shop</title></head>
<body>
<h1>Test shop</h1>
<div id="klarna-container"></div>
<script>window.klarnaAsyncCallback = function () { window.klarnaReady = true; };</script>
<script src="{{.}}" async></script>
</body></html>`))

// merchantSite is the merchant's site for the browser tests: /checkout loads the SDK, every other path
// shows where the browser landed (the merchant URLs of HPP and the confirmation page).
type merchantSite struct {
	URL string // http://localhost:<port>
}

func startMerchant(t *testing.T, sandboxURL string) merchantSite {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /checkout", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = merchantPage.Execute(w, sandboxURL+"/kp/lib/v1/api.js")
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>landed</title><h1 data-testid="landed">%s</h1>`,
			template.HTMLEscapeString(r.URL.Path))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return merchantSite{URL: strings.Replace(srv.URL, "//127.0.0.1:", "//localhost:", 1)}
}

// testCart is a valid one-line Swedish cart: 139.00 SEK at 6 % VAT.
func testCart() cart {
	return cart{PurchaseCountry: "SE", PurchaseCurrency: "SEK", Locale: "sv-SE", OrderAmount: 13900, OrderTaxAmount: 787,
		OrderLines: []orderLine{{Type: "digital", Reference: "digital", Name: "Digital subscription", Quantity: 1,
			UnitPrice: 13900, TaxRate: 600, TotalAmount: 13900, TotalTaxAmount: 787}}}
}

// newTestSession opens a payment session whose confirmation URL is on the merchant's origin.
func newTestSession(t *testing.T, s *Server, confirmation string) kpSession {
	t.Helper()
	sess, kerr := s.kpCreateSession(t.Context(), kpSessionInput{Cart: testCart(),
		MerchantURLs: map[string]string{"confirmation": confirmation}})
	if kerr != nil {
		t.Fatalf("create session: %v", kerr)
	}
	return sess
}

// openCheckout opens the merchant page and waits for klarnaAsyncCallback.
func openCheckout(t *testing.T, page playwright.Page, m merchantSite) {
	t.Helper()
	if _, err := page.Goto(m.URL + "/checkout"); err != nil {
		t.Fatalf("open checkout: %v", err)
	}
	if _, err := page.WaitForFunction("() => window.klarnaReady === true", nil); err != nil {
		t.Fatalf("klarnaAsyncCallback was not called: %v", err)
	}
}

// evalJSON evaluates a JS expression (awaiting a returned promise) and returns its JSON encoding.
func evalJSON(t *testing.T, page playwright.Page, expr string, arg ...any) string {
	t.Helper()
	v, err := page.Evaluate(expr, arg...)
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const initAndLoad = `([token, category]) => new Promise((resolve) => {
	Klarna.Payments.init({client_token: token});
	Klarna.Payments.load({container: "#klarna-container", payment_method_category: category}, resolve);
})`

const startAuthorize = `([category]) => {
	window.authResult = null;
	Klarna.Payments.authorize({payment_method_category: category}, {}, (r) => { window.authResult = r; });
}`

// authResult waits for the authorize callback and returns its payload.
func authResult(t *testing.T, page playwright.Page) map[string]any {
	t.Helper()
	if _, err := page.WaitForFunction("() => window.authResult !== null", nil); err != nil {
		t.Fatalf("authorize callback not called: %v", err)
	}
	v, err := page.Evaluate("() => window.authResult")
	if err != nil {
		t.Fatal(err)
	}
	res, _ := v.(map[string]any)
	return res
}

func TestBrowserSDKAuthorize(t *testing.T) {
	t.Parallel()
	s, srv := startCtlSandbox(t)
	m := startMerchant(t, srv.URL)
	tests := []struct {
		name, email, otp string
		close            bool
		want             string // the callback payload, JSON with keys sorted; token checked apart
	}{
		{name: "approved", email: "customer@email.se", otp: "123456",
			want: `{"approved":true,"authorization_token":"*","show_form":true}`},
		{name: "hard rejection", email: "customer+denied@email.se", otp: "123456",
			want: `{"approved":false,"show_form":false}`},
		{name: "fixable rejection", email: "not-an-email", otp: "123456",
			want: `{"approved":false,"error":{"invalid_fields":["billing_address.email"]},"show_form":true}`},
		{name: "failing code", email: "customer@email.se", otp: "999999",
			want: `{"approved":false,"show_form":true}`},
		{name: "dialog closed", email: "customer@email.se", close: true,
			want: `{"approved":false,"show_form":true}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, page := browserPage(t)
			sess := newTestSession(t, s, m.URL+"/confirmation")
			category := sess.Categories[0].Identifier
			openCheckout(t, page, m)
			if got := evalJSON(t, page, initAndLoad, []any{sess.ClientToken, category}); got != `{"show_form":true}` {
				t.Fatalf("load callback %s, want {\"show_form\":true}", got)
			}
			widget := page.FrameLocator("[data-testid=klarna-widget-frame]").GetByTestId("klarna-widget-category")
			if err := playwright.NewPlaywrightAssertions(browserTimeout()).Locator(widget).ToHaveText(sess.Categories[0].Name); err != nil {
				t.Errorf("widget: %v", err)
			}

			evalJSON(t, page, startAuthorize, []any{category})
			dialog := page.FrameLocator("[data-testid=klarna-dialog-frame]")
			if err := dialog.GetByTestId("klarna-email").Fill(tt.email); err != nil {
				t.Fatalf("email: %v", err)
			}
			if tt.close {
				if err := dialog.GetByTestId("klarna-close").Click(); err != nil {
					t.Fatalf("close: %v", err)
				}
			} else {
				if err := dialog.GetByTestId("klarna-continue").Click(); err != nil {
					t.Fatalf("continue: %v", err)
				}
				if err := dialog.GetByTestId("klarna-otp").Fill(tt.otp); err != nil {
					t.Fatalf("otp: %v", err)
				}
				if err := dialog.GetByLabel("Engångskod").Press("Enter"); err != nil {
					t.Fatalf("confirm: %v", err)
				}
			}
			res := authResult(t, page)
			token, _ := res["authorization_token"].(string)
			if token != "" {
				res["authorization_token"] = "*"
			}
			if got, _ := json.Marshal(res); string(got) != tt.want {
				t.Errorf("authorize callback %s, want %s", got, tt.want)
			}
			if token != "" {
				a, kerr := s.kpAuthorization(t.Context(), token)
				if kerr != nil || a.SessionID != sess.ID {
					t.Errorf("authorization %s: %+v %v", token, a, kerr)
				}
			}
			if n, err := page.Locator("[data-testid=klarna-dialog]").Count(); err != nil || n != 0 {
				t.Errorf("dialog still open after the callback (%d, %v)", n, err)
			}
		})
	}
}

// TestBrowserSDKStepUpAuthorize is the step-up flow of DESIGN.md section 3: init and authorize at once,
// without load, with the customer's email passed as billing address; then finalize hands back the same
// authorization. The session is Swedish, and so is the dialog's copy.
func TestBrowserSDKStepUpAuthorize(t *testing.T) {
	t.Parallel()
	s, srv := startCtlSandbox(t)
	m := startMerchant(t, srv.URL)
	sess := newTestSession(t, s, "")
	_, page := browserPage(t)
	openCheckout(t, page, m)
	evalJSON(t, page, `([token]) => {
		window.authResult = null;
		Klarna.Payments.init({client_token: token});
		Klarna.Payments.authorize({}, {billing_address: {email: "customer@email.se"}}, (r) => { window.authResult = r; });
	}`, []any{sess.ClientToken})
	dialog := page.FrameLocator("[data-testid=klarna-dialog-frame]")
	expect := playwright.NewPlaywrightAssertions(browserTimeout())
	email := dialog.GetByTestId("klarna-email")
	if err := expect.Locator(email).ToHaveValue("customer@email.se"); err != nil {
		t.Errorf("email not prefilled from billing_address: %v", err)
	}
	if err := expect.Locator(email).ToBeFocused(); err != nil {
		t.Errorf("focus did not move into the dialog: %v", err)
	}
	// The session is Swedish (sv-SE), so is the dialog: the steps are found by their Swedish names.
	if err := expect.Locator(dialog.GetByRole("button", playwright.FrameLocatorGetByRoleOptions{Name: "Stäng"})).ToBeVisible(); err != nil {
		t.Errorf("close button of a Swedish session: %v", err)
	}
	if err := dialog.GetByRole("button", playwright.FrameLocatorGetByRoleOptions{Name: "Fortsätt"}).Click(); err != nil {
		t.Fatalf("continue: %v", err)
	}
	if err := expect.Locator(dialog.GetByRole("heading", playwright.FrameLocatorGetByRoleOptions{Level: playwright.Int(1)})).
		ToHaveText("Ange koden vi skickade"); err != nil {
		t.Errorf("code step heading of a Swedish session: %v", err)
	}
	if err := expect.Locator(dialog.GetByTestId("klarna-otp-hint")).ToContainText("Testmiljö: alla sexsiffriga koder godkänns"); err != nil {
		t.Errorf("code step hint of a Swedish session: %v", err)
	}
	if err := dialog.GetByLabel("Engångskod").Fill("123456"); err != nil {
		t.Fatalf("otp: %v", err)
	}
	if err := dialog.GetByRole("button", playwright.FrameLocatorGetByRoleOptions{Name: "Bekräfta och betala"}).Click(); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	res := authResult(t, page)
	token, _ := res["authorization_token"].(string)
	if res["approved"] != true || token == "" {
		t.Fatalf("authorize without load: %v", res)
	}
	got := evalJSON(t, page, `() => new Promise((resolve) => Klarna.Payments.finalize({}, {}, resolve))`)
	if want := `{"approved":true,"authorization_token":"` + token + `","show_form":true}`; got != want {
		t.Errorf("finalize: %s, want %s", got, want)
	}
}

// TestBrowserSDKErrors checks the errors the SDK throws and the callback it calls first.
func TestBrowserSDKErrors(t *testing.T) {
	t.Parallel()
	s, srv := startCtlSandbox(t)
	m := startMerchant(t, srv.URL)
	sess := newTestSession(t, s, m.URL+"/confirmation")
	_, page := browserPage(t)
	openCheckout(t, page, m)

	// attempt runs fn(cb) and reports the error's name and what the callback got.
	const attempt = `(code) => {
		const calls = [];
		const cb = (r) => calls.push(r);
		try { new Function("cb", code)(cb); return {error: "none", calls}; }
		catch (e) { return {error: e.name, calls}; }
	}`
	steps := []struct{ name, code, want string }{
		{"load before init", `Klarna.Payments.load({container: "#klarna-container", payment_method_category: "pay_later"}, cb)`,
			`{"calls":[{"show_form":false}],"error":"ApplicationNotInitializedError"}`},
		{"authorize before init", `Klarna.Payments.authorize({payment_method_category: "pay_later"}, {}, cb)`,
			`{"calls":[{"approved":false,"show_form":false}],"error":"ApplicationNotInitializedError"}`},
		{"init with a token that is no JWT", `Klarna.Payments.init({client_token: "not-a-jwt"})`,
			`{"calls":[],"error":"InvalidClientTokenError"}`},
		{"init", `Klarna.Payments.init({client_token: ` + jsString(sess.ClientToken) + `})`,
			`{"calls":[],"error":"none"}`},
		{"container matches nothing", `Klarna.Payments.load({container: "#nope", payment_method_category: "pay_later"}, cb)`,
			`{"calls":[{"show_form":false}],"error":"InvalidContainerSelectorError"}`},
		{"container is no selector", `Klarna.Payments.load({container: "##", payment_method_category: "pay_later"}, cb)`,
			`{"calls":[{"show_form":false}],"error":"InvalidContainerSelectorError"}`},
		{"no category", `Klarna.Payments.load({container: "#klarna-container"}, cb)`,
			`{"calls":[{"show_form":false}],"error":"PaymentMethodCategoryNotProvidedError"}`},
		{"authorize before load", `Klarna.Payments.authorize({payment_method_category: "pay_later"}, cb)`,
			`{"calls":[{"approved":false,"show_form":false}],"error":"ApplicationNotLoadedError"}`},
		{"unknown event", `Klarna.Payments.on("clicked", cb)`, `{"calls":[],"error":"EventNotSupportedError"}`},
	}
	for _, st := range steps {
		if got := evalJSON(t, page, attempt, st.code); got != st.want {
			t.Errorf("%s: got %s, want %s", st.name, got, st.want)
		}
	}
	// A category the session does not offer: load answers show_form false instead of throwing.
	got := evalJSON(t, page, `() => new Promise((resolve) =>
		Klarna.Payments.load({container: "#klarna-container", payment_method_category: "bitcoin"}, resolve))`)
	if got != `{"show_form":false}` {
		t.Errorf("load of a category not offered: %s", got)
	}
}

// TestBrowserDialogFitsItsContent: the authorize dialog is as tall as what it shows, on each step (no empty
// area under the form), and never taller than the window, where it scrolls inside instead.
func TestBrowserDialogFitsItsContent(t *testing.T) {
	t.Parallel()
	s, srv := startCtlSandbox(t)
	m := startMerchant(t, srv.URL)
	sess := newTestSession(t, s, m.URL+"/confirmation")
	_, page := browserPage(t)
	openCheckout(t, page, m)
	evalJSON(t, page, initAndLoad, []any{sess.ClientToken, "klarna"})
	evalJSON(t, page, startAuthorize, []any{"klarna"})
	dialog := page.FrameLocator("[data-testid=klarna-dialog-frame]")

	// fits waits until the dialog's frame is as tall as the dialog's page (within a pixel), or as the
	// window when the page is taller.
	fits := func(step string) {
		t.Helper()
		var frame playwright.Frame
		for _, f := range page.Frames() {
			if strings.Contains(f.URL(), "/kp/authorize") {
				frame = f
			}
		}
		if frame == nil {
			t.Fatalf("%s: no dialog frame", step)
		}
		h, err := frame.Evaluate("() => Math.ceil(document.documentElement.getBoundingClientRect().height)")
		if err != nil {
			t.Fatalf("%s: content height: %v", step, err)
		}
		if _, err := page.WaitForFunction(`(h) => {
			const f = document.querySelector("[data-testid=klarna-dialog-frame]").getBoundingClientRect().height;
			return Math.abs(f - Math.min(h, window.innerHeight)) <= 1;
		}`, h); err != nil {
			got := evalJSON(t, page, `() => document.querySelector("[data-testid=klarna-dialog-frame]").getBoundingClientRect().height`)
			t.Errorf("%s: the dialog is %s px tall, its content %v px: %v", step, got, h, err)
		}
	}

	expect := playwright.NewPlaywrightAssertions(browserTimeout())
	if err := expect.Locator(dialog.GetByTestId("klarna-email")).ToBeVisible(); err != nil {
		t.Fatalf("email step: %v", err)
	}
	fits("email step")
	if err := dialog.GetByTestId("klarna-email").Fill("customer+denied@email.se"); err != nil {
		t.Fatal(err)
	}
	if err := dialog.GetByTestId("klarna-continue").Click(); err != nil {
		t.Fatal(err)
	}
	if err := expect.Locator(dialog.GetByTestId("klarna-otp-hint")).ToContainText("Klarna kommer att neka det här köpet"); err != nil {
		t.Fatalf("code step: %v", err)
	}
	fits("code step")
	if err := page.SetViewportSize(375, 240); err != nil {
		t.Fatal(err)
	}
	fits("code step in a small window")
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestBrowserSDKOriginCheck: a page that is not on the origin of the purchase's confirmation URL never
// gets an authorization: the widget answers show_form false and authorize a hard rejection.
func TestBrowserSDKOriginCheck(t *testing.T) {
	t.Parallel()
	s, srv := startCtlSandbox(t)
	m := startMerchant(t, srv.URL)
	sess := newTestSession(t, s, "http://shop.example/confirmation") // another site
	_, page := browserPage(t)
	openCheckout(t, page, m)
	category := sess.Categories[0].Identifier
	if got := evalJSON(t, page, initAndLoad, []any{sess.ClientToken, category}); got != `{"show_form":false}` {
		t.Errorf("load from a foreign origin: %s", got)
	}
	evalJSON(t, page, startAuthorize, []any{category})
	if got, _ := json.Marshal(authResult(t, page)); string(got) != `{"approved":false,"show_form":false}` {
		t.Errorf("authorize from a foreign origin: %s", got)
	}
}

// TestBrowserHPP pays, declines, cancels and goes back on the hosted payment page: each lands on the
// matching merchant URL and leaves the matching status.
func TestBrowserHPP(t *testing.T) {
	t.Parallel()
	s, srv := startCtlSandbox(t)
	m := startMerchant(t, srv.URL)
	tests := []struct {
		button, wantPath, wantStatus string
		noURLs                       bool
	}{
		{button: "hpp-pay", wantPath: "/merchant/success", wantStatus: "COMPLETED"},
		{button: "hpp-decline", wantPath: "/merchant/failure", wantStatus: "FAILED"},
		{button: "hpp-cancel", wantPath: "/merchant/cancel", wantStatus: "CANCELLED"},
		{button: "hpp-back", wantPath: "/merchant/back", wantStatus: "BACK"},
		{button: "hpp-pay", noURLs: true, wantStatus: "COMPLETED"},
	}
	for _, tt := range tests {
		name := tt.button
		if tt.noURLs {
			name += " without merchant URLs"
		}
		t.Run(name, func(t *testing.T) {
			sess := newTestSession(t, s, m.URL+"/confirmation")
			urls := map[string]string{}
			if !tt.noURLs {
				for _, k := range []string{"success", "failure", "cancel", "back"} {
					urls[k] = m.URL + "/merchant/" + k + "?sid={{session_id}}"
				}
			}
			hppID, redirectURL := createHPP(t, srv, sess.ID, urls)
			_, page := browserPage(t)
			if _, err := page.Goto(redirectURL); err != nil {
				t.Fatalf("open HPP: %v", err)
			}
			if tt.button == "hpp-pay" {
				if err := page.GetByTestId("hpp-email").Fill("customer@email.se"); err != nil {
					t.Fatal(err)
				}
				if err := page.GetByTestId("hpp-otp").Fill("123456"); err != nil {
					t.Fatal(err)
				}
			}
			if err := page.GetByTestId(tt.button).Click(); err != nil {
				t.Fatalf("click %s: %v", tt.button, err)
			}
			expect := playwright.NewPlaywrightAssertions(browserTimeout())
			if tt.noURLs {
				if err := expect.Locator(page.GetByTestId("hpp-result")).ToHaveAttribute("data-status", tt.wantStatus); err != nil {
					t.Errorf("generic result page: %v", err)
				}
				// The session is Swedish, so is Klarna's own result page.
				if err := expect.Locator(page.GetByTestId("hpp-result")).ToHaveText("Betalningen är godkänd"); err != nil {
					t.Errorf("generic result page of a Swedish session: %v", err)
				}
			} else {
				if err := expect.Locator(page.GetByTestId("landed")).ToHaveText(tt.wantPath); err != nil {
					t.Fatalf("landing page: %v (at %s)", err, page.URL())
				}
				if want := "sid=" + hppID; !strings.Contains(page.URL(), want) {
					t.Errorf("landed on %s, want the {{session_id}} placeholder filled (%s)", page.URL(), want)
				}
			}
			h, kerr := s.hppSessionByID(t.Context(), hppID)
			if kerr != nil || h.Status != tt.wantStatus {
				t.Errorf("HPP session: %+v %v, want status %s", h, kerr, tt.wantStatus)
			}
		})
	}
}

// createHPP creates an HPP session through Klarna's HTTP API and returns its id and redirect_url.
func createHPP(t *testing.T, srv *httptest.Server, kpSessionID string, urls map[string]string) (string, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{
		"payment_session_url": srv.URL + "/payments/v1/sessions/" + kpSessionID,
		"merchant_urls":       urls,
		"options":             map[string]any{"place_order_mode": "NONE"},
	})
	req, err := http.NewRequestWithContext(t.Context(), "POST", srv.URL+"/hpp/v1/sessions", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(KlarnaUsername, KlarnaPassword)
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		SessionID   string `json:"session_id"`
		RedirectURL string `json:"redirect_url"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("create HPP session: %d %v", resp.StatusCode, err)
	}
	return out.SessionID, out.RedirectURL
}

// approvedOrder authorizes a session as customer@email.se and creates its order.
func approvedOrder(t *testing.T, s *Server, base string, sess kpSession) kpOrder {
	t.Helper()
	res, kerr := s.kpAuthorize(t.Context(), authorizeInput{SessionID: sess.ID, Email: "customer@email.se",
		OTP: "123456", Category: sess.Categories[0].Identifier})
	if kerr != nil || !res.Approved {
		t.Fatalf("authorize: %+v %v", res, kerr)
	}
	o, kerr := s.kpCreateOrder(t.Context(), base, res.AuthorizationToken, kpOrderInput{Cart: sess.Input.Cart})
	if kerr != nil {
		t.Fatalf("create order: %v", kerr)
	}
	return o
}

// TestBrowserDeviceRedirect: the device-recognition redirect sets Klarna's cookie on the sandbox origin
// during a cross-site navigation and lands on the confirmation URL with the placeholders filled.
func TestBrowserDeviceRedirect(t *testing.T) {
	t.Parallel()
	s, srv := startCtlSandbox(t)
	m := startMerchant(t, srv.URL)
	sess := newTestSession(t, s, m.URL+"/confirmation/{order.id}?sid={session.id}")
	o := approvedOrder(t, s, srv.URL, sess)
	bctx, page := browserPage(t)
	openCheckout(t, page, m) // start on the merchant's site, as after place_order
	if _, err := page.Goto(o.RedirectURL); err != nil {
		t.Fatalf("follow redirect_url %s: %v", o.RedirectURL, err)
	}
	if want := m.URL + "/confirmation/" + o.OrderID + "?sid=" + sess.ID; page.URL() != want {
		t.Errorf("landed on %s, want %s", page.URL(), want)
	}
	cookies, err := bctx.Cookies(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range cookies {
		if c.Name == deviceCookie {
			found = true
			if !c.HttpOnly || c.SameSite == nil || *c.SameSite != *playwright.SameSiteAttributeLax || c.Value == "" {
				t.Errorf("device cookie %+v, want HttpOnly, SameSite=Lax", c)
			}
		}
	}
	if !found {
		t.Errorf("no %s cookie on %s: %+v", deviceCookie, srv.URL, cookies)
	}

	resp, err := page.Goto(srv.URL + "/kp/redirect/unknown-order")
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status() != http.StatusBadRequest || !strings.HasPrefix(page.URL(), srv.URL) {
		t.Errorf("unknown order: %d at %s, want 400 on the sandbox", resp.Status(), page.URL())
	}
}
