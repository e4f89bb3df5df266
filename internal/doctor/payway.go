package doctor

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/paywall/paywall/internal/apilog"
	"github.com/paywall/paywall/internal/paths"
	"github.com/paywall/paywall/payway"
)

// appScopes are the scopes payway.AppTokens asks for: pricing offers and reading an account's orders.
func appScopes() []string { return []string{"/external/klarna_payments/r", "/external/order/r"} }

// period is one payment period as Payway answered it.
type period struct {
	id, iterationType string
	length            int64
	enabled           bool
	price             string
}

// paywayChecks run the Payway checks in the order they depend on each other: the app token prices the
// catalogue and reads orders; the test account's token reads me, products, payment profile and opens a
// purchase session; then the refusals that cost nothing show the assumed error codes.
func (d *doctor) paywayChecks(ctx context.Context) {
	last := &lastExchange{}
	pw := payway.New(payway.Config{
		BaseURL: d.cfg.PaywayURL, ClientID: d.cfg.PaywayClientID, ClientSecret: d.cfg.PaywaySecret,
		Organisation: d.cfg.PaywayOrg, HTTPClient: d.paywayHTTP, Observer: last,
	})
	app := d.appToken(ctx, pw, last)
	periods := d.paymentPeriods(ctx, app)
	d.catalogueOffers(periods)
	user := d.passwordGrant(ctx, pw, last)
	accountID := d.me(ctx, user)
	products := d.activeProducts(ctx, user)
	d.paymentProfile(ctx, user)
	d.orderList(ctx, app, accountID)
	d.createSession(ctx, user, periods, products)
	d.packageAlreadyActive(ctx, user, periods, products)
	d.errorCodeChecks(ctx, pw, app)
	for _, f := range placeOrderAssumptions() {
		d.rep.skip("payway.place_order:"+f.path, "unverified: needs a real purchase (place_order and place_trial_order are never called)")
	}
}

// lastExchange keeps the last exchange the payway client reported: the token grants go through the app's
// own client (the question is whether the app gets a token), and their fields are read from its masked
// body (token values masked, the field names and expires_in kept).
type lastExchange struct{ ex apilog.Exchange }

func (l *lastExchange) Observe(_ context.Context, ex apilog.Exchange) { l.ex = ex }

// grantFailure describes a failed grant: Payway's refusal and the variables to check, or the missing answer.
func grantFailure(err error, hint string) string {
	var pe *payway.Error
	if errors.As(err, &pe) {
		return fmt.Sprintf("refused: %s; %s", pe.Error(), hint)
	}
	return "no answer: " + err.Error() + "; check PAYWALL_PAYWAY_URL"
}

// appToken is the grant without identity, exactly as the app asks for it.
func (d *doctor) appToken(ctx context.Context, pw *payway.Client, last *lastExchange) string {
	const check = "payway.app_token"
	tok, err := pw.AppToken(ctx, appScopes())
	if err != nil {
		d.rep.fail(check, "%s", grantFailure(err, envHint("PAYWALL_PAYWAY_CLIENT_ID", "PAYWALL_PAYWAY_CLIENT_SECRET")))
		return ""
	}
	d.tokenFields(check, "", last, false, appScopes())
	return tok.AccessToken
}

// passwordGrant logs the test account in as the app logs a reader in; "" when it cannot.
func (d *doctor) passwordGrant(ctx context.Context, pw *payway.Client, last *lastExchange) string {
	const check = "payway.password_grant"
	if d.cfg.Email == "" || d.cfg.Password == "" {
		d.rep.skip(check, "set PAYWALL_DOCTOR_EMAIL and PAYWALL_DOCTOR_PASSWORD (a Payway test account) to check the customer's calls")
		return ""
	}
	tok, err := pw.PasswordGrant(ctx, d.cfg.Email, d.cfg.Password, nil)
	if err != nil {
		hint := envHint("PAYWALL_DOCTOR_EMAIL", "PAYWALL_DOCTOR_PASSWORD", "PAYWALL_PAYWAY_ORGANISATION")
		if payway.IsCode(err, "invalid_client") {
			hint = envHint("PAYWALL_PAYWAY_CLIENT_ID", "PAYWALL_PAYWAY_CLIENT_SECRET")
		}
		d.rep.fail(check, "%s", grantFailure(err, hint))
		return ""
	}
	d.tokenFields(check, d.cfg.Email+": ", last, true, payway.DefaultScopes())
	return tok.AccessToken
}

// tokenFields checks the fields of the token answer the app reads, and that every scope asked for was
// granted (when Payway says which); the ok detail starts with prefix.
func (d *doctor) tokenFields(check, prefix string, last *lastExchange, refresh bool, scopes []string) {
	root := decodeTree([]byte(last.ex.ResponseBody))
	fields := []field{{path: "access_token", kind: kString}, {path: "expires_in", kind: kNumber}, {path: "scope", kind: kString, optional: true}}
	if refresh {
		fields = append(fields, field{path: "refresh_token", kind: kString})
	}
	problems := shapeProblems(root, fields)
	detail := prefix + "access_token"
	if refresh {
		detail += ", refresh_token"
	}
	if exp, ok := get(root, "expires_in"); ok && exp != nil {
		detail += fmt.Sprintf(", expires_in %v", exp)
	}
	if granted, ok := get(root, "scope"); ok {
		if s, ok := granted.(string); ok {
			have := strings.Fields(s)
			var missing []string
			for _, want := range scopes {
				if !slices.Contains(have, want) {
					missing = append(missing, want)
				}
			}
			if len(missing) > 0 {
				problems = append(problems, "scope lacks "+strings.Join(missing, " ")+": ask Adeprimo to grant it to the client")
			}
			detail += ", scopes granted"
		}
	}
	d.rep.problems(check, problems, detail)
}

// paymentPeriods reads the Klarna payment periods of every code in the catalogue (documented shape
// {"items":[...]}); the map holds the codes that answered.
func (d *doctor) paymentPeriods(ctx context.Context, app string) map[string][]period {
	out := map[string][]period{}
	var codes []string
	for _, o := range d.catalogue.Offers {
		if !slices.Contains(codes, o.Code) {
			codes = append(codes, o.Code)
		}
	}
	fields := []field{
		{path: "id", kind: kString}, {path: "payment_method", kind: kString}, {path: "type", kind: kString},
		{path: "enabled", kind: kBool}, {path: "iteration_type", kind: kString},
		{path: "iteration_length", kind: kNumber}, {path: "price", kind: kNumber},
	}
	for _, code := range codes {
		check := "payway.payment_periods:" + code
		if app == "" {
			d.rep.skip(check, "needs payway.app_token")
			continue
		}
		a, ok := d.answered(check, func() (answer, error) {
			return d.paywayGet(ctx, app, "/external/api/v1/klarna_payments/payment_periods?code="+url.QueryEscape(code))
		})
		if !ok {
			continue
		}
		problems, n := listProblems(a.json, "items", fields)
		if len(problems) > 0 {
			d.rep.fail(check, "%s", strings.Join(problems, "; "))
			continue
		}
		items, _ := get(a.json, "items")
		var ps []period
		var shown []string
		for _, e := range items.([]any) {
			p := period{}
			p.id, _ = mustGet(e, "id").(string)
			p.iterationType, _ = mustGet(e, "iteration_type").(string)
			p.enabled, _ = mustGet(e, "enabled").(bool)
			p.length = number(mustGet(e, "iteration_length"))
			p.price = fmt.Sprint(mustGet(e, "price"))
			ps = append(ps, p)
			shown = append(shown, fmt.Sprintf("%d %s at %s %s", p.length, p.iterationType, p.price, d.catalogue.Currency))
		}
		out[code] = ps
		d.rep.ok(check, "%s (%s) with %s", plural(n, "period"), strings.Join(shown, ", "), fieldNames(fields))
	}
	return out
}

// catalogueOffers checks that Payway sells every catalogue offer: an enabled period of the offer's shape.
// The app leaves an offer Payway does not sell off /subscribe, silently for the reader.
func (d *doctor) catalogueOffers(periods map[string][]period) {
	for _, o := range d.catalogue.Offers {
		check := "catalogue." + o.ID
		ps, ok := periods[o.Code]
		if !ok {
			d.rep.skip(check, "needs payway.payment_periods:%s", o.Code)
			continue
		}
		if p, ok := matchPeriod(ps, o.Period.IterationType, o.Period.IterationLength); ok {
			d.rep.ok(check, "%s sold for %d %s at %s %s (period %s)", o.Code, p.length, p.iterationType, p.price, d.catalogue.Currency, p.id)
			continue
		}
		d.rep.fail(check, "Payway sells no enabled %d-%s period of %s: /subscribe leaves the offer out; fix the catalogue (PAYWALL_CATALOGUE) or Payway's periods",
			o.Period.IterationLength, o.Period.IterationType, o.Code)
	}
}

// matchPeriod is checkout's rule: an enabled period of the same iteration type and length.
func matchPeriod(ps []period, iterationType string, length int) (period, bool) {
	for _, p := range ps {
		if p.enabled && p.iterationType == iterationType && p.length == int64(length) {
			return p, true
		}
	}
	return period{}, false
}

// me reads the test account (GET /external/api/v3/me) and returns its id; "" when it cannot.
func (d *doctor) me(ctx context.Context, user string) string {
	const check = "payway.me"
	if user == "" {
		d.rep.skip(check, "needs payway.password_grant")
		return ""
	}
	a, ok := d.answered(check, func() (answer, error) { return d.paywayGet(ctx, user, "/external/api/v3/me") })
	if !ok {
		return ""
	}
	// What payway.Account decodes: a field of another type would fail the whole call.
	fields := []field{{path: "item.id", kind: kString}, {path: "item.email", kind: kString}}
	for _, name := range []string{"status", "customer_number", "first_name", "last_name", "mobile_phone_number",
		"birth_date", "social_security_number", "social_security_number_century", "gender",
		"company_registration_number", "alias", "account_origin"} {
		fields = append(fields, field{path: "item." + name, kind: kString, optional: true})
	}
	fields = append(fields, field{path: "item.verified", kind: kBool, optional: true}, field{path: "item.address", kind: kObject, optional: true})
	d.rep.problems(check, shapeProblems(a.json, fields), fmt.Sprintf("item.id, item.email and %d optional fields of the types the app decodes", len(fields)-2))
	id, _ := mustGet(a.json, "item.id").(string)
	return id
}

// activeProducts reads the test account's access (documented item.active_products) and returns it.
func (d *doctor) activeProducts(ctx context.Context, user string) []string {
	const check = "payway.active_products"
	if user == "" {
		d.rep.skip(check, "needs payway.password_grant")
		return nil
	}
	a, ok := d.answered(check, func() (answer, error) {
		return d.paywayGet(ctx, user, "/external/api/v1/me/active_products")
	})
	if !ok {
		return nil
	}
	f := field{path: "item.active_products", kind: kStrings}
	if p := fieldProblem(a.json, f); p != "" {
		d.rep.fail(check, "%s", p)
		return nil
	}
	v := mustGet(a.json, f.path)
	d.rep.ok(check, "item.active_products %s", describe(v, kStrings))
	var out []string
	for _, e := range v.([]any) {
		out = append(out, e.(string))
	}
	return out
}

// paymentProfile reads the test account's payment profiles at the documented path, in the documented
// shape: {"items":[{id, account_id, payment_option, type, default_profile, state, meta_data|null,
// agreements}]}. Raw fields, not the client's struct, which is being moved to this shape.
func (d *doctor) paymentProfile(ctx context.Context, user string) {
	const check = "payway.payment_profile"
	if user == "" {
		d.rep.skip(check, "needs payway.password_grant")
		return
	}
	a, ok := d.answered(check, func() (answer, error) {
		return d.paywayGet(ctx, user, "/external/api/v1/me/payment_profile/")
	})
	if !ok {
		return
	}
	fields := []field{
		{path: "id", kind: kString}, {path: "account_id", kind: kString}, {path: "payment_option", kind: kString},
		{path: "type", kind: kString}, {path: "default_profile", kind: kBool}, {path: "state", kind: kString},
		{path: "meta_data", kind: kObject, optional: true}, {path: "agreements", kind: kArray},
	}
	problems, n := listProblems(a.json, "items", fields)
	detail := fmt.Sprintf("items: %s with %s", plural(n, "profile"), fieldNames(fields))
	if n == 0 {
		detail = "items: [] (the test account has no profile, so the item fields are unverified)"
	}
	d.rep.problems(check, problems, detail)
}

// orderList reads the test account's orders with the app token, as the reconciler does, and reports which
// envelope Payway uses: payway/assumed.go assumes {"items":[...]} and also accepts {"item":[...]} and
// {"item":{...}}.
func (d *doctor) orderList(ctx context.Context, app, accountID string) {
	const check = "payway.order?account_id:envelope"
	switch {
	case app == "":
		d.rep.skip(check, "needs payway.app_token")
		return
	case accountID == "":
		d.rep.skip(check, "needs payway.me (the test account's id)")
		return
	}
	a, ok := d.answered(check, func() (answer, error) {
		return d.paywayGet(ctx, app, "/external/api/v1/order?account_id="+url.QueryEscape(accountID))
	})
	if !ok {
		return
	}
	var problems []string
	var form string
	var n int
	items, hasItems := get(a.json, "items")
	item, hasItem := get(a.json, "item")
	switch {
	case hasItems && items != nil:
		form = `{"items":[...]} as assumed`
		problems, n = listProblems(a.json, "items", orderFields())
	case hasItem && item != nil:
		if _, isList := item.([]any); isList {
			form = `{"item":[...]}, which the app accepts: note it in payway/assumed.go`
			problems, n = listProblems(a.json, "item", orderFields())
		} else {
			form = `{"item":{...}}, which the app accepts as one order: note it in payway/assumed.go`
			problems, n = shapeProblems(item, orderFields()), 1
		}
	default:
		d.rep.fail(check, "neither items nor item%s: the reconciler cannot read orders", keysHint(a.json, "items"))
		return
	}
	detail := fmt.Sprintf("%s, %s", form, plural(n, "order"))
	if n < 2 {
		detail += " (pagination unverified: needs an account with two orders)"
	}
	d.rep.problems(check, problems, detail)
}

// createSession opens a purchase session for the test account and checks its answer against the assumed
// fields, one line each. In live mode it runs only when allowed (Config.CreateSession).
func (d *doctor) createSession(ctx context.Context, user string, periods map[string][]period, products []string) {
	fields := createSessionAssumptions()
	all := func(status Status, format string, a ...any) {
		for _, f := range fields {
			d.rep.add(status, "payway.create_session:"+f.path, fmt.Sprintf(format, a...))
		}
	}
	switch {
	case !d.cfg.CreateSession:
		all(Skip, "not called in live mode: it opens a purchase session on the test account (unpaid, it expires in 48 h); set PAYWALL_DOCTOR_CREATE_SESSION=true to check")
		return
	case user == "":
		all(Skip, "needs payway.password_grant")
		return
	}
	code, p, ok := d.offerToOpen(periods, products)
	if !ok {
		all(Skip, "no catalogue offer is both sold by Payway and not already active on the test account")
		return
	}
	a, err := d.paywayPost(ctx, user, "/external/api/v1/klarna_payments/create_session", map[string]any{
		"code": code, "period_type": "recurring", "period_id": p.id,
		"confirmation_url": strings.TrimRight(d.cfg.PublicURL, "/") + paths.Confirmation("doctor"),
	})
	switch {
	case err != nil:
		all(Fail, "no answer: %v", err)
		return
	case !a.is2xx():
		all(Fail, "create_session of %s refused: %s", code, refusal(a))
		return
	case a.json == nil:
		all(Fail, "the answer is not JSON: %s", oneLine(apilog.Excerpt([]byte(apilog.MaskBody(a.body))), 120))
		return
	}
	for _, f := range fields {
		check := "payway.create_session:" + f.path
		if p := fieldProblem(a.json, f); p != "" {
			d.rep.fail(check, "%s", p)
			continue
		}
		d.rep.ok(check, "%s", describe(mustGet(a.json, f.path), f.kind))
	}
}

// offerToOpen picks the catalogue offer create_session is tried with: sold by Payway, not a trial (a trial
// is for new customers only) unless nothing else is, and not already active on the test account, which
// Payway would refuse as package_already_active.
func (d *doctor) offerToOpen(periods map[string][]period, products []string) (string, period, bool) {
	for _, trial := range []bool{false, true} {
		for _, o := range d.catalogue.Offers {
			if o.Trial() != trial || slices.Contains(products, o.Product) {
				continue
			}
			if p, ok := matchPeriod(periods[o.Code], o.Period.IterationType, o.Period.IterationLength); ok {
				return o.Code, p, true
			}
		}
	}
	return "", period{}, false
}

// answered makes a call and reports FAIL unless it answered 2xx with JSON; the hint for a refused token
// names the token's grant.
func (d *doctor) answered(check string, call func() (answer, error)) (answer, bool) {
	a, err := call()
	switch {
	case err != nil:
		d.rep.fail(check, "no answer: %v", err)
		return answer{}, false
	case !a.is2xx():
		d.rep.fail(check, "%s", refusal(a))
		return answer{}, false
	case a.json == nil:
		d.rep.fail(check, "the answer is not JSON: %s", oneLine(apilog.Excerpt([]byte(apilog.MaskBody(a.body))), 120))
		return answer{}, false
	}
	return a, true
}

// mustGet is get for a path already checked.
func mustGet(v any, path string) any {
	val, _ := get(v, path)
	return val
}

// number is a checked JSON number as an integer (0 for a fraction).
func number(v any) int64 {
	n, _ := v.(interface{ Int64() (int64, error) })
	if n == nil {
		return 0
	}
	i, _ := n.Int64()
	return i
}

// plural is "1 order", "2 orders".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
