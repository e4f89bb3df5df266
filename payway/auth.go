package payway

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// tokenPath is Payway's OAuth token endpoint.
const tokenPath = "/api/authorization/access_token"

// Token is an access/refresh pair. It must stay server-side: Payway's docs forbid exposing tokens to
// the browser.
type Token struct {
	AccessToken  string
	RefreshToken string
	Scope        string    // space separated, as granted
	ExpiresAt    time.Time // from expires_in on the client clock; zero when Payway does not say
}

// DefaultScopes are the scopes the app asks for at login: the Me API, the saved payment profile, the
// Klarna purchase endpoints and order lookups. It returns a fresh slice each call.
func DefaultScopes() []string {
	return []string{
		"/external/me/w",
		"/external/me/payment_profile/r",
		"/external/klarna_payments/r",
		"/external/klarna_payments/w",
		"/external/order/r",
	}
}

// PasswordGrant logs a customer in with e-mail and password and returns a token with identity. nil
// scopes means DefaultScopes. A wrong e-mail or password is an *Error with code "invalid_grant", read from
// the token endpoint's OAuth-style {error,error_description} body (or {code,message}); IsBadCredentials
// tells it from a refused client or scope.
func (c *Client) PasswordGrant(ctx context.Context, email, password string, scopes []string) (Token, error) {
	if c.cfg.Organisation == "" {
		return Token{}, errMissingConfig("Organisation")
	}
	if scopes == nil {
		scopes = DefaultScopes()
	}
	form := c.clientForm("password")
	form.Set("username", c.cfg.Organisation+"^"+email)
	form.Set("password", password)
	form.Set("scope", strings.Join(scopes, " "))
	tok, err := c.token(ctx, form)
	return tok, wrap("password grant", err)
}

// Refresh exchanges a refresh token for a new pair with the same scopes. Treat the old pair as spent
// (the sandbox revokes it, as rotating OAuth servers do) and store the new one before using it.
func (c *Client) Refresh(ctx context.Context, refreshToken string) (Token, error) {
	form := c.clientForm("refresh_token")
	form.Set("refresh_token", refreshToken)
	tok, err := c.token(ctx, form)
	return tok, wrap("refresh", err)
}

// AppToken gets a token without identity (grant_type "none") for calls that concern no customer, such as
// pricing the offers for a reader who has not logged in. nil scopes means /external/klarna_payments/r.
func (c *Client) AppToken(ctx context.Context, scopes []string) (Token, error) {
	if scopes == nil {
		scopes = []string{"/external/klarna_payments/r"}
	}
	form := c.clientForm("none")
	form.Set("scope", strings.Join(scopes, " "))
	tok, err := c.token(ctx, form)
	return tok, wrap("app token", err)
}

func (c *Client) clientForm(grant string) url.Values {
	return url.Values{
		"client_id":     {c.cfg.ClientID},
		"client_secret": {c.cfg.ClientSecret},
		"grant_type":    {grant},
	}
}

// token posts a grant to the token endpoint and converts the answer.
func (c *Client) token(ctx context.Context, form url.Values) (Token, error) {
	var body struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		ExpiresIn    int64  `json:"expires_in"`
		Scope        string `json:"scope"`
	}
	now := c.now()
	if err := c.do(ctx, request{method: http.MethodPost, path: tokenPath, form: form, env: bare}, &body); err != nil {
		return Token{}, err
	}
	if body.AccessToken == "" {
		return Token{}, errors.New("token response has no access_token")
	}
	tok := Token{AccessToken: body.AccessToken, RefreshToken: body.RefreshToken, Scope: body.Scope}
	if body.ExpiresIn > 0 {
		tok.ExpiresAt = now.Add(time.Duration(body.ExpiresIn) * time.Second)
	}
	return tok, nil
}
