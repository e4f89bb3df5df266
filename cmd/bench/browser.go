package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// browser is one reader's browser for the set-up steps and the purchase journeys: it keeps cookies and
// does not follow redirects, so every 303 of the journey is a request of its own, as it is for a browser's
// network tab and for the server.
type browser struct {
	http *http.Client
	base string // the app's URL
	csrf string // the last CSRF token a page carried
}

// newBrowser starts a browser with an empty cookie jar over transport (shared by a worker's journeys, so
// connections are reused as a browser reuses them across page loads).
func newBrowser(base string, transport http.RoundTripper) *browser {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &browser{base: base, http: &http.Client{
		Transport:     transport,
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// page is a finished response with its body read.
type page struct {
	status   int
	location string
	body     string
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// do sends a request and reads the response; a page's CSRF token is kept for the next form.
func (b *browser) do(ctx context.Context, method, target string, form url.Values) (page, error) {
	if strings.HasPrefix(target, "/") {
		target = b.base + target
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return page{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := b.http.Do(req)
	if err != nil {
		return page{}, fmt.Errorf("%s %s: %w", method, pathOf(target), err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return page{}, fmt.Errorf("%s %s: read: %w", method, pathOf(target), err)
	}
	p := page{status: res.StatusCode, location: res.Header.Get("Location"), body: string(raw)}
	if m := csrfField.FindStringSubmatch(p.body); m != nil {
		b.csrf = m[1]
	}
	return p, nil
}

// expect does a request and checks its status: the journey's steps and the set-up fail on anything else.
func (b *browser) expect(ctx context.Context, want int, method, target string, form url.Values) (page, error) {
	p, err := b.do(ctx, method, target, form)
	if err != nil {
		return p, err
	}
	if p.status != want {
		return p, fmt.Errorf("%s %s: %d, want %d (location %q)", method, pathOf(target), p.status, want, p.location)
	}
	return p, nil
}

// login logs in through the app's real form: the login page (for its CSRF token), then the POST.
func (b *browser) login(ctx context.Context, email, password string) error {
	if _, err := b.expect(ctx, http.StatusOK, http.MethodGet, "/login", nil); err != nil {
		return err
	}
	if b.csrf == "" {
		return fmt.Errorf("login page without a CSRF token")
	}
	_, err := b.expect(ctx, http.StatusSeeOther, http.MethodPost, "/login",
		url.Values{"csrf": {b.csrf}, "email": {email}, "password": {password}, "return": {"/"}})
	if err != nil {
		return fmt.Errorf("log in as %s: %w", email, err)
	}
	// A login makes a new CSRF token, bound to the new session (handlers/csrf.go). A browser would read it
	// from the page it is sent to; the bench takes it from the _csrf cookie the login set (the form token
	// is the cookie's value), so the journey keeps its requests.
	u, _ := url.Parse(b.base)
	for _, c := range b.http.Jar.Cookies(u) {
		if c.Name == "_csrf" {
			b.csrf = c.Value
		}
	}
	return nil
}

var checkoutLocation = regexp.MustCompile(`^/checkout/([A-Za-z0-9]+)$`)

// startCheckout opens a purchase of offer the way the offers page's button does (POST /checkout) and
// returns the path of its checkout page.
func (b *browser) startCheckout(ctx context.Context, offer string) (string, error) {
	p, err := b.expect(ctx, http.StatusSeeOther, http.MethodPost, "/checkout",
		url.Values{"csrf": {b.csrf}, "offer": {offer}, "return": {"/"}})
	if err != nil {
		return "", err
	}
	if !checkoutLocation.MatchString(p.location) {
		return "", fmt.Errorf("POST /checkout went to %q, not a checkout page", p.location)
	}
	return p.location, nil
}

// cookieHeader is the Cookie header this browser sends to the app: the load generator replays it.
func (b *browser) cookieHeader() string {
	u, _ := url.Parse(b.base)
	var parts []string
	for _, c := range b.http.Jar.Cookies(u) {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

// postJSON posts a JSON body (the sandbox's control API) and decodes the answer into out.
func postJSON(ctx context.Context, client *http.Client, target string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("POST %s: %w", pathOf(target), err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return fmt.Errorf("POST %s: read: %w", pathOf(target), err)
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s: %d %s", pathOf(target), res.StatusCode, truncate(string(raw), 200))
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("POST %s: %w", pathOf(target), err)
	}
	return nil
}

// pathOf is a URL's path, for messages: ports change from run to run, paths do not.
func pathOf(target string) string {
	if u, err := url.Parse(target); err == nil && u.Path != "" {
		return u.Path
	}
	return target
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
