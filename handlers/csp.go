package handlers

import "strings"

// ContentSecurityPolicy is the Content-Security-Policy every response carries for a Klarna SDK URL and the
// extra Klarna sources (Config.KlarnaSDKURL and Config.KlarnaOrigins). It is exported so `paywall doctor`
// checks the policy the app really sends against the origin the configured SDK really loads from, instead
// of a copy of this rule that could drift.
func ContentSecurityPolicy(klarnaSDKURL string, klarnaOrigins []string) (string, error) {
	sdkOrigin, err := origin(klarnaSDKURL)
	if err != nil {
		return "", err
	}
	return contentSecurityPolicy(klarnaSources(sdkOrigin, klarnaOrigins)), nil
}

// klarnaSources are the CSP sources allowed for Klarna: the SDK's origin and the configured extra ones,
// space separated ("" for none).
func klarnaSources(sdkOrigin string, klarnaOrigins []string) string {
	return strings.TrimSpace(sdkOrigin + " " + strings.Join(klarnaOrigins, " "))
}
