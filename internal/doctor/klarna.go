package doctor

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/paywall/paywall/handlers"
	"github.com/paywall/paywall/internal/apilog"
)

// klarnaChecks: the credentials and a payment session (create and read; unused, it simply expires), then
// the SDK URL and the CSP the app sends for it.
func (d *doctor) klarnaChecks(ctx context.Context) {
	id := d.klarnaCreateSession(ctx)
	d.klarnaReadSession(ctx, id)
	final := d.klarnaSDK(ctx)
	d.sdkCSP(final)
}

// doctorSession is a minimal session of the kind the app opens for a one-click purchase: intent
// buy_and_tokenize (so a refusal also shows a merchant without customer tokens) and one digital line of
// 99 kr at Swedish press VAT, 6 % (the tax is total*rate/(10000+rate), rounded, as Klarna checks it).
func doctorSession() map[string]any {
	return map[string]any{
		"purchase_country": "SE", "purchase_currency": "SEK", "locale": "sv-SE",
		"order_amount": 9900, "order_tax_amount": 560, "intent": "buy_and_tokenize",
		"merchant_reference1": "paywall-doctor",
		"order_lines": []map[string]any{{
			"type": "digital", "reference": "paywall-doctor", "name": "paywall doctor check", "quantity": 1,
			"unit_price": 9900, "tax_rate": 600, "total_amount": 9900, "total_tax_amount": 560,
		}},
	}
}

// klarnaCreateSession creates a payment session and checks the fields the app reads; it returns the
// session id ("" when it cannot).
func (d *doctor) klarnaCreateSession(ctx context.Context) string {
	const check = "klarna.create_session"
	a, err := d.klarnaCall(ctx, http.MethodPost, "/payments/v1/sessions", doctorSession())
	switch {
	case err != nil:
		d.rep.fail(check, "no answer: %v; check PAYWALL_KLARNA_URL", err)
		return ""
	case a.status == http.StatusUnauthorized || a.status == http.StatusForbidden:
		d.rep.fail(check, "credentials refused: %s; %s", refusal(a), envHint("PAYWALL_KLARNA_USERNAME", "PAYWALL_KLARNA_PASSWORD"))
		return ""
	case !a.is2xx():
		d.rep.fail(check, "%s (a buy_and_tokenize session, as the app's one-click purchase opens: does the merchant have customer tokens?)", refusal(a))
		return ""
	case a.json == nil:
		d.rep.fail(check, "the answer is not JSON: %s", oneLine(apilog.Excerpt([]byte(apilog.MaskBody(a.body))), 120))
		return ""
	}
	fields := []field{
		{path: "session_id", kind: kString}, {path: "client_token", kind: kJWT},
		{path: "payment_method_categories", kind: kKlarnaCategories},
	}
	problems := shapeProblems(a.json, fields)
	cats := mustGet(a.json, "payment_method_categories")
	if arr, ok := cats.([]any); ok && len(arr) == 0 {
		problems = append(problems, "payment_method_categories is empty: the widget would offer nothing (is Klarna enabled for SE/SEK on this merchant?)")
	}
	if len(problems) > 0 {
		d.rep.fail(check, "%s", strings.Join(problems, "; "))
		return ""
	}
	d.rep.ok(check, "credentials accepted, intent buy_and_tokenize; session_id, client_token %s, payment_method_categories %s",
		describe(mustGet(a.json, "client_token"), kJWT), describe(cats, kKlarnaCategories))
	id, _ := mustGet(a.json, "session_id").(string)
	return id
}

// klarnaReadSession reads the session back and checks what the app reads of a session: its status and
// expiry (and, when sent, the client token and categories).
func (d *doctor) klarnaReadSession(ctx context.Context, id string) {
	const check = "klarna.read_session"
	if id == "" {
		d.rep.skip(check, "needs klarna.create_session")
		return
	}
	a, ok := d.answered(check, func() (answer, error) {
		return d.klarnaCall(ctx, http.MethodGet, "/payments/v1/sessions/"+url.PathEscape(id), nil)
	})
	if !ok {
		return
	}
	fields := []field{
		{path: "status", kind: kString}, {path: "expires_at", kind: kRFC3339},
		{path: "client_token", kind: kJWT, optional: true},
		{path: "payment_method_categories", kind: kKlarnaCategories, optional: true},
	}
	problems := shapeProblems(a.json, fields)
	status, _ := mustGet(a.json, "status").(string)
	if len(problems) == 0 && status != "incomplete" {
		problems = append(problems, fmt.Sprintf("status %q, want incomplete for a new session", status))
	}
	d.rep.problems(check, problems, fmt.Sprintf("status %s, expires_at %v", status, mustGet(a.json, "expires_at")))
}

// klarnaSDK fetches the SDK URL as a browser would (following redirects) and returns the URL the script
// really comes from, or nil.
func (d *doctor) klarnaSDK(ctx context.Context) *url.URL {
	const check = "klarna.sdk"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.cfg.KlarnaSDKURL, nil)
	if err != nil {
		d.rep.fail(check, "PAYWALL_KLARNA_SDK_URL: %v", err)
		return nil
	}
	resp, err := d.klarnaHTTP.Do(req)
	if err != nil {
		d.rep.fail(check, "no answer: %v; check PAYWALL_KLARNA_SDK_URL", err)
		return nil
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<20))
	final := resp.Request.URL
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch {
	case resp.StatusCode != http.StatusOK:
		d.rep.fail(check, "GET %s: status %d; check PAYWALL_KLARNA_SDK_URL", final, resp.StatusCode)
		return nil
	case !strings.Contains(ct, "javascript"):
		d.rep.fail(check, "GET %s: Content-Type %q is not JavaScript; browsers with nosniff refuse it", final, ct)
		return nil
	}
	d.rep.ok(check, "200 %s from %s", ct, final)
	return final
}

// sdkCSP checks that the policy the app sends lets its pages load the SDK from where it really comes
// (after redirects) and frame Klarna's widget from that origin.
func (d *doctor) sdkCSP(final *url.URL) {
	const check = "csp.klarna_sdk"
	csp, err := handlers.ContentSecurityPolicy(d.cfg.KlarnaSDKURL, d.cfg.KlarnaOrigins)
	if err != nil {
		d.rep.fail(check, "PAYWALL_KLARNA_SDK_URL: %v", err)
		return
	}
	target := final
	if target == nil {
		if target, err = url.Parse(d.cfg.KlarnaSDKURL); err != nil {
			d.rep.fail(check, "PAYWALL_KLARNA_SDK_URL: %v", err)
			return
		}
	}
	self, _ := url.Parse(d.cfg.PublicURL)
	p := parsePolicy(csp)
	var problems []string
	for _, dir := range []string{"script-src", "frame-src"} {
		if !p.allows(dir, self, target) {
			problems = append(problems, fmt.Sprintf("%s does not allow %s://%s: add it to PAYWALL_KLARNA_ORIGINS", dir, target.Scheme, target.Host))
		}
	}
	d.rep.problems(check, problems, fmt.Sprintf("script-src and frame-src allow %s://%s (script-src %s)",
		target.Scheme, target.Host, strings.Join(p["script-src"], " ")))
}
