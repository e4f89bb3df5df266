package app

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/handlers/demo"
	"github.com/paywall/paywall/sandbox"
	"github.com/paywall/paywall/store"
)

// sandboxTokenKeyHex is the token key of sandbox mode when PAYWALL_TOKEN_KEY is not set: fixed, so the
// demo's saved tokens survive a restart, and public (it is "paywall-sandbox-token-key-public" in hex),
// so live mode refuses it.
const sandboxTokenKeyHex = "70617977616c6c2d73616e64626f782d746f6b656e2d6b65792d7075626c6963"

// SandboxTokenKey is the documented development key sealing saved Klarna tokens in sandbox mode. It
// protects nothing: use it for the sandbox's own tokens only.
func SandboxTokenKey() []byte {
	b, err := hex.DecodeString(sandboxTokenKeyHex)
	if err != nil {
		panic("app: sandbox token key: " + err.Error()) // a constant: cannot happen
	}
	return b
}

// personaTokens adopts a demo persona's one-click token at login, in sandbox mode only: the sandbox's
// control API hands out the on-demand customer token it issued to the app for a persona (as if that
// persona's first purchase had saved it), and the store keeps it sealed, unless the account already has
// a token of its own. So token@, stepup@, token-failed@ and the other token personas start in one click
// from the demo console and from a plain login, and the step-up and rejection scenarios run on a token
// the app owns.
type personaTokens struct {
	sandboxURL string
	db         *store.DB
	now        func() time.Time
	log        *slog.Logger
	http       *http.Client
	// asks are the e-mails (lower case) of the sandbox's personas that have a token: only their logins
	// ask. The personas are the sandbox's seed, compiled into this binary with the embedded sandbox; every
	// other login (the readers the bench copies, a persona without a token) asked for a 404, an HTTP round
	// trip to the sandbox in every purchase journey.
	asks map[string]bool
}

// personaTokenTimeout bounds the control call: local and quick, and a login must not hang on it.
const personaTokenTimeout = 5 * time.Second

// newPersonaTokens builds it on the app's shared transport: every login of a token persona asks, and Go's
// default transport keeps two idle connections per host, so most asks under load dialled the sandbox.
func newPersonaTokens(sandboxURL, controlUser, controlPassword string, db *store.DB, now func() time.Time, log *slog.Logger, transport http.RoundTripper) *personaTokens {
	asks := map[string]bool{}
	for _, p := range sandbox.Personas() {
		if p.KlarnaToken != nil {
			asks[strings.ToLower(p.Email)] = true
		}
	}
	return &personaTokens{sandboxURL: sandboxURL, db: db, now: now, log: log, asks: asks, http: &http.Client{
		Timeout: personaTokenTimeout, Transport: demo.BasicAuth(controlUser, controlPassword, transport),
	}}
}

// afterLogin is handlers.Config.AfterLogin: adopt the persona's token, if it has one. A failure is
// logged and never fails the login (the reader then simply has no saved token).
func (p *personaTokens) afterLogin(ctx context.Context, accountID, email string) {
	if !p.asks[strings.ToLower(strings.TrimSpace(email))] {
		return // no persona with a token: the sandbox would answer 404
	}
	adopted, err := p.adopt(ctx, accountID, email)
	switch {
	case err != nil:
		p.log.WarnContext(ctx, "sandbox: adopt the persona's Klarna token", "account_id", accountID, "err", err)
	case adopted:
		p.log.InfoContext(ctx, "sandbox: adopted the persona's Klarna token for one-click purchases", "account_id", accountID)
	}
}

func (p *personaTokens) adopt(ctx context.Context, accountID, email string) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.sandboxURL+"/sandbox/v1/app-token?email="+url.QueryEscape(email), nil)
	if err != nil {
		return false, fmt.Errorf("persona token: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	res, err := p.http.Do(req)
	if err != nil {
		return false, fmt.Errorf("persona token: %w", err)
	}
	defer func() {
		// Read to the end, so the connection goes back to the pool: a reader who is no persona (a 404)
		// left its answer unread, and the transport closed the connection after every such login.
		_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
		res.Body.Close()
	}()
	switch res.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound:
		return false, nil // not a persona with a token
	default:
		return false, fmt.Errorf("persona token: sandbox answered %d", res.StatusCode)
	}
	var body struct {
		CustomerToken string `json:"customer_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || body.CustomerToken == "" {
		return false, fmt.Errorf("persona token: unreadable answer: %v", err)
	}
	adopted, err := p.db.AdoptToken(ctx, checkout.SavedToken{AccountID: accountID, TokenID: body.CustomerToken, CreatedAt: p.now()})
	if err != nil {
		return false, fmt.Errorf("persona token: %w", err)
	}
	return adopted, nil
}
