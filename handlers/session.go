package handlers

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/payway"
)

// sessionName is the cookie name of the app session.
const sessionName = "paywall"

// Session value keys. Payway's tokens live only here, in the server-side session row.
const (
	keyAccountID    = "account_id"
	keyName         = "name"
	keyEmail        = "email"
	keyAccessToken  = "access_token"
	keyRefreshToken = "refresh_token"
	keyExpiresAt    = "expires_at" // unix seconds
	keyCSRF         = "csrf"       // the session's CSRF token (csrf.go)
)

// userContextKey is where loadSession leaves the logged-in customer.
const userContextKey = "user"

// sessionValuesKey is where loadSession leaves the values of the session it read (SessionValues).
const sessionValuesKey = "session.values"

// sessionUser is the logged-in customer with their Payway tokens.
type sessionUser struct {
	AccountID    string
	Name         string
	Email        string
	AccessToken  string
	RefreshToken string
	ExpiresAt    time.Time
	CSRF         string // the token this session's forms must carry ("" for sessions from before it existed)
}

// loadSession reads the session once per request and, when someone is logged in, puts them on the context.
func (a *App) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		// Without a session cookie (most anonymous views) Peek answers at once, reading nothing.
		values, found, err := a.sessions.Peek(c.Request(), sessionName)
		if err != nil {
			return fmt.Errorf("load session: %w", err)
		}
		if !found {
			return next(c)
		}
		c.Set(sessionValuesKey, values)
		if u, ok := userFromValues(values); ok {
			c.Set(userContextKey, u)
		}
		return next(c)
	}
}

// userFromValues is the logged-in customer a session's values name (read, never changed).
func userFromValues(values map[any]any) (*sessionUser, bool) {
	id, _ := values[keyAccountID].(string)
	at, _ := values[keyAccessToken].(string)
	if id == "" || at == "" {
		return nil, false
	}
	u := &sessionUser{AccountID: id, AccessToken: at}
	u.Name, _ = values[keyName].(string)
	u.Email, _ = values[keyEmail].(string)
	u.RefreshToken, _ = values[keyRefreshToken].(string)
	u.CSRF, _ = values[keyCSRF].(string)
	if exp, ok := values[keyExpiresAt].(int64); ok {
		u.ExpiresAt = time.Unix(exp, 0)
	}
	return u, true
}

// currentUser is the logged-in customer, or nil.
func currentUser(c echo.Context) *sessionUser {
	u, _ := c.Get(userContextKey).(*sessionUser)
	return u
}

// startSession logs the customer in: a new session id (no fixation), then their identity and tokens.
func (a *App) startSession(c echo.Context, acc payway.Account, tok payway.Token) error {
	sess, err := a.sessions.Get(c.Request(), sessionName)
	if err != nil {
		return fmt.Errorf("login: session: %w", err)
	}
	csrf, err := newCSRFToken()
	if err != nil {
		return err
	}
	sess.Values[keyAccountID] = acc.ID
	sess.Values[keyName] = displayName(acc)
	sess.Values[keyEmail] = acc.Email
	sess.Values[keyCSRF] = csrf
	setTokens(sess, tok)
	if err := a.sessions.Renew(c.Request(), c.Response(), sess); err != nil {
		return fmt.Errorf("login: renew session: %w", err)
	}
	a.setCSRFCookie(c, csrf) // a new token with the new session: the one from before the login dies
	return nil
}

func setTokens(sess *sessions.Session, tok payway.Token) {
	sess.Values[keyAccessToken] = tok.AccessToken
	sess.Values[keyRefreshToken] = tok.RefreshToken
	sess.Values[keyExpiresAt] = tok.ExpiresAt.Unix()
}

// displayName is how the header names a customer.
func displayName(acc payway.Account) string {
	if name := strings.TrimSpace(acc.FirstName + " " + acc.LastName); name != "" {
		return name
	}
	return acc.Email
}

// refreshName keeps the header's name in line with the account after Payway synced it from Klarna.
func (a *App) refreshName(c echo.Context, acc payway.Account) error {
	u := currentUser(c)
	name := displayName(acc)
	if u == nil || u.Name == name {
		return nil
	}
	sess, err := a.sessions.Get(c.Request(), sessionName)
	if err != nil {
		return fmt.Errorf("refresh name: session: %w", err)
	}
	sess.Values[keyName] = name
	if err := a.sessions.Save(c.Request(), c.Response(), sess); err != nil {
		return fmt.Errorf("refresh name: save session: %w", err)
	}
	u.Name = name
	return nil
}

// endSession logs out: the session row is deleted and the cookie expired.
func (a *App) endSession(c echo.Context) error {
	sess, err := a.sessions.Get(c.Request(), sessionName)
	if err != nil {
		return fmt.Errorf("logout: session: %w", err)
	}
	sess.Options.MaxAge = -1
	if err := a.sessions.Save(c.Request(), c.Response(), sess); err != nil {
		return fmt.Errorf("logout: delete session: %w", err)
	}
	c.Set(userContextKey, nil)
	return nil
}

// errSessionEnded means Payway no longer accepts the customer's tokens; they must log in again.
var errSessionEnded = &Error{Code: EUNAUTHORIZED, Message: msg("ErrSessionExpired")}

// accessToken returns a valid Payway access token for the logged-in customer, refreshing it (and saving the
// session) when it is about to expire. A refused refresh ends the session.
func (a *App) accessToken(c echo.Context) (string, error) {
	u := currentUser(c)
	if u == nil {
		return "", errSessionEnded
	}
	if a.now().Add(30 * time.Second).Before(u.ExpiresAt) {
		return u.AccessToken, nil
	}
	tok, err := a.payway.Refresh(c.Request().Context(), u.RefreshToken)
	var pwErr *payway.Error
	if errors.As(err, &pwErr) && pwErr.Status < 500 {
		if endErr := a.endSession(c); endErr != nil {
			return "", endErr
		}
		return "", errSessionEnded
	}
	if err != nil {
		return "", paywayUnavailable(err)
	}
	sess, err := a.sessions.Get(c.Request(), sessionName)
	if err != nil {
		return "", fmt.Errorf("refresh: session: %w", err)
	}
	setTokens(sess, tok)
	if err := a.sessions.Save(c.Request(), c.Response(), sess); err != nil {
		return "", fmt.Errorf("refresh: save session: %w", err)
	}
	u.AccessToken, u.RefreshToken, u.ExpiresAt = tok.AccessToken, tok.RefreshToken, tok.ExpiresAt
	return tok.AccessToken, nil
}

// paywayUnavailable marks a failed Payway call made by a handler itself (login, account, articles) as the
// journeys' ErrUnavailable, so the one table (journeyErrors) words it.
func paywayUnavailable(err error) error {
	return fmt.Errorf("%w: %w", checkout.ErrUnavailable, err)
}
