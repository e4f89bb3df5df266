// Package klarna is the typed HTTP client for the Klarna APIs the paywall uses: Klarna Payments
// (sessions, orders and customer tokens from an authorization), the Customer Token API (token orders
// with step-up) and the Hosted Payment Page API. The app uses the same client against Klarna and the
// offline sandbox; the contract tests in this package run it against the sandbox.
//
// Amounts are int64 minor units (9500 = 95.00 SEK) and tax rates have two implied decimals (2500 = 25 %),
// as in Klarna's API. The client never retries on its own: a token order carries a
// Klarna-Idempotency-Key, which makes a retry by the caller safe.
package klarna

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/paywall/paywall/internal/apilog"
)

// Config configures a Client.
type Config struct {
	// BaseURL is the API origin: https://api.playground.klarna.com, https://api.klarna.com or the
	// sandbox's URL.
	BaseURL string
	// Username and Password are the merchant's API credentials (HTTP Basic).
	Username, Password string
	// HTTPClient sends the requests; nil means a client with a 15 s timeout. Per-call deadlines come from
	// the context.
	HTTPClient *http.Client
	// Observer receives every exchange with secrets masked; nil means none.
	Observer apilog.Observer
}

// Client talks to Klarna. It is safe for concurrent use.
type Client struct {
	base     string
	user     string
	pass     string
	http     *http.Client
	observer apilog.Observer
}

// DefaultTimeout bounds a request when the caller brings no HTTP client. The reconciler waits this long
// (plus a margin) before it treats an unanswered call as ended.
const DefaultTimeout = 15 * time.Second

// maxResponseBytes bounds how much of a response body is read: Klarna's bodies are small.
const maxResponseBytes = 4 << 20

// idempotencyHeader is Klarna's idempotency key header (same key within 24 h: executed once, same answer).
const idempotencyHeader = "Klarna-Idempotency-Key"

// correlationHeader is the response header naming the request in Klarna's logs.
const correlationHeader = "Klarna-Correlation-Id"

// New returns a Client for cfg.
func New(cfg Config) *Client {
	c := &Client{base: strings.TrimRight(cfg.BaseURL, "/"), user: cfg.Username, pass: cfg.Password,
		http: cfg.HTTPClient, observer: cfg.Observer}
	if c.http == nil {
		c.http = &http.Client{Timeout: DefaultTimeout}
	}
	return c
}

// request describes one call for do.
type request struct {
	op             string // for error messages, e.g. "create session"
	method, path   string
	body           any // JSON body, nil for none
	idempotencyKey string
}

// do encodes req, sends it through apilog.Do (which reports the exchange to the Observer, masked) and
// decodes a 2xx body into out (nil: ignore the body) or returns an *Error for any other status. Only
// Klarna's own parts live here: basic auth, User-Agent, idempotency key, correlation id and error shape.
// The "klarna: <op>:" prefix is added after apilog.Do has reported the error, so observers keep seeing
// the bare error, as before.
func (c *Client) do(ctx context.Context, req request, out any) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("klarna: %s: %w", req.op, err)
		}
	}()
	if c.base == "" {
		return errors.New("Config.BaseURL is not set")
	}
	var body []byte
	if req.body != nil {
		if body, err = json.Marshal(req.body); err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
	}
	header := http.Header{}
	header.Set("Authorization", basicAuth(c.user, c.pass))
	header.Set("Accept", "application/json")
	header.Set("User-Agent", "paywall-klarna-client")
	if req.body != nil {
		header.Set("Content-Type", "application/json")
	}
	if req.idempotencyKey != "" {
		header.Set(idempotencyHeader, req.idempotencyKey)
	}
	return apilog.Do(ctx, c.http, c.observer, apilog.Request{
		Service: "klarna", Call: "klarna." + strings.ToLower(strings.ReplaceAll(req.op, " ", "_")), Method: req.method, Base: c.base, Path: req.path, Body: body, Header: header,
		MaxResponseBytes: maxResponseBytes,
	}, func(resp apilog.Response) error {
		return decodeResponse(resp.Status, resp.Header.Get(correlationHeader), resp.Body, out)
	})
}

// basicAuth is the Authorization header value for HTTP Basic credentials, as http.Request.SetBasicAuth
// builds it (the request itself is built by apilog.Do).
func basicAuth(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// pathOf joins a path with escaped ids: pathOf("/hpp/v1/sessions/%s", id).
func pathOf(format string, ids ...string) string {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = url.PathEscape(id)
	}
	return fmt.Sprintf(format, args...)
}

// requireID rejects an empty id before it turns into a different endpoint's path.
func requireID(name, v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("klarna: %s is empty", name)
	}
	return nil
}
