// Package payway is the typed HTTP client for Tulo Payway's API: OAuth tokens, the Me API and (later)
// Klarna purchase sessions and orders. The app uses the same client against the real Payway and the
// offline sandbox, so the sandbox contract tests in this package are the app's guarantee that both
// speak the same protocol.
package payway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	pathpkg "path"
	"strings"
	"time"

	"github.com/paywall/paywall/internal/apilog"
)

// Config configures a Client.
type Config struct {
	// BaseURL is Payway's API origin, e.g. https://backend.worldoftulo.com or the sandbox's URL.
	BaseURL      string
	ClientID     string
	ClientSecret string
	// Organisation is the Payway organisation_id; the password grant sends "<Organisation>^<email>".
	Organisation string
	// HTTPClient sends the requests; nil means a client with a 10 s timeout. Per-call deadlines come
	// from the context.
	HTTPClient *http.Client
	// Observer receives every exchange with secrets masked; nil means none.
	Observer Observer
	// Now is the clock used to turn expires_in into Token.ExpiresAt; nil means time.Now.
	Now func() time.Time
}

// Client talks to Payway. It is safe for concurrent use.
type Client struct {
	base     string
	cfg      Config
	http     *http.Client
	now      func() time.Time
	observer Observer
}

// DefaultTimeout bounds a request when the caller brings no HTTP client. The reconciler waits this long
// (plus a margin) before it treats an unanswered call as ended.
const DefaultTimeout = 10 * time.Second

// maxResponseBytes bounds how much of a response body is read; Payway's bodies are small, so more
// means something is wrong and must not exhaust memory.
const maxResponseBytes = 4 << 20

// New returns a Client for cfg.
func New(cfg Config) *Client {
	c := &Client{base: strings.TrimRight(cfg.BaseURL, "/"), cfg: cfg, http: cfg.HTTPClient, now: cfg.Now, observer: cfg.Observer}
	if c.http == nil {
		c.http = &http.Client{Timeout: DefaultTimeout}
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c
}

// Exchange is one HTTP exchange reported to the Observer (shared with the klarna client, see
// internal/apilog). Bodies have secrets masked; the Authorization header is never reported.
type Exchange = apilog.Exchange

// Observer receives exchanges, e.g. to record them as events on a purchase (see apilog.Observer).
type Observer = apilog.Observer

// request describes one call for do.
type request struct {
	method, path string
	query        url.Values
	form         url.Values // form-encoded body (token endpoint)
	json         any        // JSON body (API endpoints)
	bearer       string     // access token, "" for none
	env          envelope
}

// do encodes req, sends it through apilog.Do (which reports the exchange to the Observer, masked) and
// decodes the response into out (or returns an *Error for a non-2xx status). Only Payway's own parts
// live here: bearer token, form or JSON body, and the {"item": ...} envelope and error shapes.
func (c *Client) do(ctx context.Context, req request, out any) (err error) {
	var body []byte
	contentType := ""
	switch {
	case req.form != nil:
		body, contentType = []byte(req.form.Encode()), "application/x-www-form-urlencoded"
	case req.json != nil:
		if body, err = json.Marshal(req.json); err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
		contentType = "application/json"
	}
	path := req.path
	if len(req.query) > 0 {
		path += "?" + req.query.Encode()
	}
	header := http.Header{}
	header.Set("Accept", "application/json")
	if contentType != "" {
		header.Set("Content-Type", contentType)
	}
	if req.bearer != "" {
		header.Set("Authorization", "Bearer "+req.bearer)
	}
	return apilog.Do(ctx, c.http, c.observer, apilog.Request{
		Service: "payway", Call: callName(req.path), Method: req.method, Base: c.base, Path: path, Body: body, Header: header,
		MaxResponseBytes: maxResponseBytes,
	}, func(resp apilog.Response) error {
		return decodeResponse(resp.Status, resp.Body, req.env, out)
	})
}

// callName names a Payway operation after the last segment of its path: "payway.place_order",
// "payway.access_token", "payway.me".
func callName(path string) string {
	return "payway." + pathpkg.Base(strings.TrimSuffix(path, "/"))
}

// wrap gives an error the operation's context, keeping *Error reachable for IsCode and errors.As.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("payway: %s: %w", op, err)
}

// errMissingConfig reports a Config field a call needs.
func errMissingConfig(field string) error {
	return errors.New("payway: Config." + field + " is not set")
}
