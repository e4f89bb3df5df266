package doctor

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/paths"
	"github.com/paywall/paywall/payway"
)

// errorCode is an error code the app branches on that Payway's docs describe only in words, so
// payway/assumed.go assumes it, and the check that provokes it harmlessly ("" when only a purchase would).
type errorCode struct {
	code, check string
}

// errorCodes lists them. TestAssumptionsCoverAssumedGo keeps it in step with assumed.go's Code constants.
func errorCodes() []errorCode {
	return []errorCode{
		{"invalid_client", "payway.error:invalid_client"},
		{"invalid_grant", "payway.error:invalid_grant"},
		{"invalid_token", "payway.error:invalid_token"},
		{"insufficient_scope", "payway.error:insufficient_scope"},
		{"package_already_active", "payway.error:package_already_active"},
		{"payment_method_failed", ""}, {"ssn_already_taken", ""}, {"ssn_already_set", ""},
		{"account_update_failed", ""}, {"delivery_address_invalid", ""}, {"session_completed", ""},
		{"session_expired", ""},
	}
}

// nobody is an account no Payway has: a password grant for it shows the wrong-credentials code without
// spending a failed login on the test account (which might lock it).
const nobody = "paywall-doctor-nobody@example.invalid"

// errorCodeChecks provoke the refusals that cost nothing: a wrong client secret, an unknown account, a
// made-up bearer token, a token without the scope. Each is ok when Payway answers with the assumed code, and
// says which error body it came in (the token endpoint's shape is assumed too).
func (d *doctor) errorCodeChecks(ctx context.Context, pw *payway.Client, app string) {
	form := func(f url.Values) (answer, error) {
		h := http.Header{}
		h.Set("Accept", "application/json")
		h.Set("Content-Type", "application/x-www-form-urlencoded")
		return rawCall(ctx, d.paywayHTTP, d.cfg.PaywayURL, http.MethodPost, "/api/authorization/access_token", h, []byte(f.Encode()))
	}
	d.expectCode("payway.error:invalid_client", "invalid_client", func() (answer, error) {
		return form(url.Values{"client_id": {d.cfg.PaywayClientID}, "client_secret": {"paywall-doctor-wrong-secret"},
			"grant_type": {"none"}, "scope": {"/external/klarna_payments/r"}})
	})
	if app == "" { // with a refused client, everything below would be invalid_client
		for _, c := range []string{"invalid_grant", "invalid_token", "insufficient_scope"} {
			d.rep.skip("payway.error:"+c, "needs payway.app_token")
		}
	} else {
		d.expectCode("payway.error:invalid_grant", "invalid_grant", func() (answer, error) {
			return form(url.Values{"client_id": {d.cfg.PaywayClientID}, "client_secret": {d.cfg.PaywaySecret},
				"grant_type": {"password"}, "username": {d.cfg.PaywayOrg + "^" + nobody},
				"password": {"paywall-doctor-wrong-password"}, "scope": {strings.Join(payway.DefaultScopes(), " ")}})
		})
		d.expectCode("payway.error:invalid_token", "invalid_token", func() (answer, error) {
			return d.paywayGet(ctx, "paywall-doctor-not-a-token", "/external/api/v1/me/active_products")
		})
		d.insufficientScope(ctx, pw)
	}
	var purchase []string
	for _, c := range errorCodes() {
		if c.check == "" {
			purchase = append(purchase, c.code)
		}
	}
	d.rep.skip("payway.error:purchase_codes", "unverified: only real purchases answer %s", strings.Join(purchase, ", "))
}

// insufficientScope reads an order with an app token that lacks /external/order/r, as a token granted
// fewer scopes than asked would.
func (d *doctor) insufficientScope(ctx context.Context, pw *payway.Client) {
	const check = "payway.error:insufficient_scope"
	tok, err := pw.AppToken(ctx, []string{"/external/klarna_payments/r"})
	if err != nil {
		d.rep.fail(check, "app token with /external/klarna_payments/r only: %s", grantFailure(err, "the client's scopes"))
		return
	}
	d.expectCode(check, "insufficient_scope", func() (answer, error) {
		return d.paywayGet(ctx, tok.AccessToken, "/external/api/v1/order?order_id=paywall-doctor")
	})
}

// packageAlreadyActive asks create_session for a package the test account already has, which Payway
// refuses (nothing is opened); only where create_session may run at all.
func (d *doctor) packageAlreadyActive(ctx context.Context, user string, periods map[string][]period, products []string) {
	const check = "payway.error:package_already_active"
	switch {
	case !d.cfg.CreateSession:
		d.rep.skip(check, "needs create_session, which live mode calls only with PAYWALL_DOCTOR_CREATE_SESSION=true")
		return
	case user == "":
		d.rep.skip(check, "needs payway.password_grant")
		return
	}
	for _, o := range d.catalogue.Offers {
		p, sold := matchPeriod(periods[o.Code], o.Period.IterationType, o.Period.IterationLength)
		if o.Kind != checkout.KindPackage || !sold || !slices.Contains(products, o.Product) {
			continue
		}
		d.expectCode(check, "package_already_active", func() (answer, error) {
			return d.paywayPost(ctx, user, "/external/api/v1/klarna_payments/create_session", map[string]any{
				"code": o.Code, "period_type": "recurring", "period_id": p.id,
				"confirmation_url": strings.TrimRight(d.cfg.PublicURL, "/") + paths.Confirmation("doctor"),
			})
		})
		return
	}
	d.rep.skip(check, "the test account has no active package of the catalogue (its active products are %v)", products)
}

// expectCode makes a call that should be refused with code and reports whether it was.
func (d *doctor) expectCode(check, code string, call func() (answer, error)) {
	a, err := call()
	switch {
	case err != nil:
		d.rep.fail(check, "no answer: %v", err)
		return
	case a.is2xx():
		d.rep.fail(check, "status %d: Payway accepted what it should refuse with %s", a.status, code)
		return
	}
	obj, _ := a.json.(map[string]any)
	got := firstString(obj, "code", "error")
	if got != code {
		d.rep.fail(check, "%s; payway/assumed.go assumes %s", refusal(a), code)
		return
	}
	shape := "Payway's {code,message}"
	if _, oauth := obj["error"]; oauth {
		shape = "OAuth's {error,error_description}"
	}
	d.rep.ok(check, "status %d %s in %s", a.status, code, shape)
}
