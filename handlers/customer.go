package handlers

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/paths"
	"github.com/paywall/paywall/payway"
)

// errLoginRequired tells a handler to send the browser to the login page and back.
var errLoginRequired = errors.New("login required")

// customer is the logged-in buyer with a fresh Payway token, or errLoginRequired.
func (a *App) customer(c echo.Context) (checkout.Customer, error) {
	u := currentUser(c)
	if u == nil {
		return checkout.Customer{}, errLoginRequired
	}
	token, err := a.accessToken(c)
	if errors.Is(err, errSessionEnded) {
		return checkout.Customer{}, errLoginRequired
	}
	if err != nil {
		return checkout.Customer{}, err
	}
	return checkout.Customer{AccountID: u.AccountID, AccessToken: token}, nil
}

// toLogin sends the browser to the login page, coming back to ret afterwards.
func toLogin(c echo.Context, ret string) error {
	return c.Redirect(http.StatusSeeOther, paths.Login(safeReturn(ret)))
}

// appTokens keeps one Payway app token (no identity) for calls that concern no customer, renewing it a
// minute before it expires.
type appTokens struct {
	mu     sync.Mutex
	client *payway.Client
	now    func() time.Time
	token  payway.Token
}

func (t *appTokens) get(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token.AccessToken != "" && t.now().Add(time.Minute).Before(t.token.ExpiresAt) {
		return t.token.AccessToken, nil
	}
	tok, err := t.client.AppToken(ctx, nil)
	if err != nil {
		return "", err
	}
	t.token = tok
	return tok.AccessToken, nil
}
