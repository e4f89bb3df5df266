package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
)

// browser is one reader's browser for the set-up steps and the purchase journeys: it keeps cookies and
// does not follow redirects, so every 303 of the journey is a request of its own, as it is for a browser's
// network tab and for the server. It speaks HTTP through fasthttp's client, not net/http's: the journeys
// run the load generator on the same two cores as the app, and net/http's client (a reader and a writer
// goroutine per connection, a header map per response, the cookie jar) took about a sixth of the machine's
// CPU at 250 journeys a second, CPU the app then did not have. The app and the sandbox see the same
// requests either way.
type browser struct {
	client  *fasthttp.Client
	base    string // the app's URL
	csrf    string // the last CSRF token a page carried
	cookies []cookie
}

// cookie is one cookie the browser holds. The app and the sandbox share the host 127.0.0.1, and cookies
// do not tell ports apart, so one list serves both, as a browser's cookie store does.
type cookie struct{ name, value string }

// newClient is the browsers' HTTP client: keep-alive, at most conns connections per host (shared by a
// worker's journeys, so connections are reused as a browser reuses them across page loads).
func newClient(conns int) *fasthttp.Client {
	return &fasthttp.Client{
		MaxConnsPerHost:     conns,
		MaxIdleConnDuration: 90 * time.Second,
		ReadTimeout:         30 * time.Second,
		WriteTimeout:        30 * time.Second,
	}
}

// newBrowser starts a browser with no cookies over client.
func newBrowser(base string, client *fasthttp.Client) *browser {
	return &browser{base: base, client: client}
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
	var body []byte
	contentType := ""
	if form != nil {
		body, contentType = []byte(form.Encode()), "application/x-www-form-urlencoded"
	}
	p, err := b.send(ctx, method, target, contentType, body)
	if err != nil {
		return page{}, err
	}
	if m := csrfField.FindStringSubmatch(p.body); m != nil {
		b.csrf = m[1]
	}
	return p, nil
}

// send makes one request with the browser's cookies and keeps the cookies the answer sets.
func (b *browser) send(ctx context.Context, method, target, contentType string, body []byte) (page, error) {
	req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(res)
	req.Header.SetMethod(method)
	req.SetRequestURI(target)
	for _, c := range b.cookies {
		req.Header.SetCookie(c.name, c.value)
	}
	if contentType != "" {
		req.Header.SetContentType(contentType)
		req.SetBody(body)
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(30 * time.Second)
	}
	if err := b.client.DoDeadline(req, res, deadline); err != nil {
		return page{}, fmt.Errorf("%s %s: %w", method, pathOf(target), err)
	}
	res.Header.VisitAllCookie(func(_, raw []byte) { b.keep(raw) })
	return page{status: res.StatusCode(), location: string(res.Header.Peek("Location")), body: string(res.Body())}, nil
}

// keep stores a Set-Cookie header's cookie, or drops it when the header expires it.
func (b *browser) keep(raw []byte) {
	c := fasthttp.AcquireCookie()
	defer fasthttp.ReleaseCookie(c)
	if c.ParseBytes(raw) != nil {
		return
	}
	name, value := string(c.Key()), string(c.Value())
	b.cookies = slices.DeleteFunc(b.cookies, func(k cookie) bool { return k.name == name })
	gone := value == "" || (!c.Expire().Equal(fasthttp.CookieExpireUnlimited) && c.Expire().Before(time.Now())) ||
		bytes.Contains(bytes.ToLower(raw), []byte("max-age=0")) || bytes.Contains(bytes.ToLower(raw), []byte("max-age=-"))
	if !gone {
		b.cookies = append(b.cookies, cookie{name: name, value: value})
	}
}

// cookie is the value of the named cookie ("" when the browser has none).
func (b *browser) cookie(name string) string {
	for _, c := range b.cookies {
		if c.name == name {
			return c.value
		}
	}
	return ""
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
	if token := b.cookie("_csrf"); token != "" {
		b.csrf = token
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
	parts := make([]string, 0, len(b.cookies))
	for _, c := range b.cookies {
		parts = append(parts, c.name+"="+c.value)
	}
	return strings.Join(parts, "; ")
}

// postJSON posts a JSON body (the sandbox's control API) and decodes the answer into out.
func (b *browser) postJSON(ctx context.Context, target string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	p, err := b.send(ctx, http.MethodPost, target, "application/json", body)
	if err != nil {
		return err
	}
	if p.status != http.StatusOK {
		return fmt.Errorf("POST %s: %d %s", pathOf(target), p.status, truncate(p.body, 200))
	}
	if err := json.Unmarshal([]byte(p.body), out); err != nil {
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
