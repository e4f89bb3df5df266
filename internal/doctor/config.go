package doctor

import (
	"fmt"
	"net/url"
	"strings"
)

// configChecks check what needs no call: every configured URL, the environments they point at, the extra
// CSP sources and the catalogue. The CSP against the SDK's real origin is checked with the SDK (klarna.go).
func (d *doctor) configChecks() {
	d.urlCheck("config.public_url", "PAYWALL_PUBLIC_URL", d.cfg.PublicURL, false,
		"Payway requires HTTPS on the purchase page and Klarna HTTPS callbacks")
	d.urlCheck("config.payway_url", "PAYWALL_PAYWAY_URL", d.cfg.PaywayURL, true, "the API carries tokens")
	d.urlCheck("config.klarna_url", "PAYWALL_KLARNA_URL", d.cfg.KlarnaURL, true, "the API carries credentials")
	d.urlCheck("config.klarna_sdk_url", "PAYWALL_KLARNA_SDK_URL", d.cfg.KlarnaSDKURL, false, "an https page cannot load an http script")
	d.environments()
	d.originsCheck()
	if d.catalogueErr != nil {
		d.rep.fail("config.catalogue", "%v", d.catalogueErr)
	} else {
		d.rep.ok("config.catalogue", "%d offers, currency %s", len(d.catalogue.Offers), d.catalogue.Currency)
	}
}

// urlCheck checks one URL: absolute http(s), https in live mode (why says what breaks otherwise), and for an
// API base (base) no query or fragment, since the clients append paths to it.
func (d *doctor) urlCheck(check, env, raw string, base bool, why string) {
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		d.rep.fail(check, "%s is not set", env)
		return
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		d.rep.fail(check, "%s %q is not an absolute http(s) URL", env, raw)
		return
	case base && (u.RawQuery != "" || u.Fragment != ""):
		d.rep.fail(check, "%s %q has a query or fragment; the client appends paths to it", env, raw)
		return
	case d.live() && u.Scheme != "https":
		d.rep.fail(check, "%s %q is not https: %s (PAYWALL_ALLOW_HTTP lets the app start, not the real services accept it)", env, raw, why)
		return
	}
	if !d.live() && check != "config.public_url" {
		d.rep.ok(check, "%s (the doctor's own sandbox)", raw)
		return
	}
	d.rep.ok(check, "%s", raw)
}

// environments checks that Payway and Klarna are both test (Payway stage, Klarna playground) or both
// production: a stage subscription paid through a production Klarna merchant (or the other way round) is
// a misconfiguration that no single call shows.
func (d *doctor) environments() {
	const check = "config.environments"
	if !d.live() {
		d.rep.skip(check, "sandbox mode")
		return
	}
	pw, kl := paywayEnv(d.cfg.PaywayURL), klarnaEnv(d.cfg.KlarnaURL)
	switch {
	case pw == "" || kl == "":
		d.rep.skip(check, "unknown host (Payway %s, Klarna %s); known: Payway stage payway-api.stage.adeprimo.se, "+
			"production backend.worldoftulo.com; Klarna api[-na|-oc].playground.klarna.com, api[-na|-oc].klarna.com",
			orUnknown(pw), orUnknown(kl))
	case (pw == "stage") != (kl == "playground"):
		d.rep.fail(check, "Payway %s with Klarna %s: use stage with playground, production with production", pw, kl)
	default:
		d.rep.ok(check, "Payway %s with Klarna %s", pw, kl)
	}
}

func orUnknown(env string) string {
	if env == "" {
		return "unknown"
	}
	return env
}

// paywayEnv names a Payway API host's environment from Payway's documented hosts; "" when unknown.
func paywayEnv(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	h := strings.ToLower(u.Hostname())
	switch {
	case h == "payway-api.stage.adeprimo.se" || strings.HasSuffix(h, ".stage.adeprimo.se"):
		return "stage"
	case h == "backend.worldoftulo.com":
		return "production"
	}
	return ""
}

// klarnaEnv names a Klarna API host's environment (playground or production, any region); "" when unknown.
func klarnaEnv(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	h := strings.ToLower(u.Hostname())
	switch {
	case strings.HasSuffix(h, ".playground.klarna.com"):
		return "playground"
	case h == "api.klarna.com" || h == "api-na.klarna.com" || h == "api-oc.klarna.com":
		return "production"
	}
	return ""
}

// originsCheck checks every extra CSP source (PAYWALL_KLARNA_ORIGINS).
func (d *doctor) originsCheck() {
	const check = "config.klarna_origins"
	if len(d.cfg.KlarnaOrigins) == 0 {
		if d.live() {
			d.rep.fail(check, "PAYWALL_KLARNA_ORIGINS is empty: Klarna's real SDK loads its widget and dialog from other Klarna hosts")
			return
		}
		d.rep.ok(check, "none needed: the sandbox serves the SDK, its frames and its dialog from the SDK's origin")
		return
	}
	var problems []string
	for _, s := range d.cfg.KlarnaOrigins {
		if p := sourceProblem(s, d.live()); p != "" {
			problems = append(problems, p)
		}
	}
	d.rep.problems(check, problems, fmt.Sprintf("%d CSP sources: %s", len(d.cfg.KlarnaOrigins), strings.Join(d.cfg.KlarnaOrigins, " ")))
}
