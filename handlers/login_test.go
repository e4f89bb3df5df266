package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestLogin(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	tests := []struct {
		name       string
		email      string
		password   string
		ret        string
		wantStatus int
		wantLoc    string
		wantBody   string
	}{
		{"persona goes back where they came from", "reader@example.se", demoPassword, "/articles/x?y=1", http.StatusSeeOther, "/articles/x?y=1", ""},
		{"open redirect refused", "reader@example.se", demoPassword, "//evil.example/", http.StatusSeeOther, "/", ""},
		{"absolute return refused", "reader@example.se", demoPassword, "https://evil.example/", http.StatusSeeOther, "/", ""},
		{"wrong password", "reader@example.se", "nope", "/", http.StatusUnauthorized, "", `data-testid="login-error"`},
		{"unknown account", "nobody@example.se", demoPassword, "/", http.StatusUnauthorized, "", "do not match an account"},
		{"empty form", "", "", "/", http.StatusUnprocessableEntity, "", "Enter both your email and your password."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := app.client()
			res := c.login(tt.email, tt.password, tt.ret)
			if res.Status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", res.Status, tt.wantStatus, res.Body)
			}
			if loc := res.Header.Get("Location"); loc != tt.wantLoc {
				t.Errorf("Location %q, want %q", loc, tt.wantLoc)
			}
			if !strings.Contains(res.Body, tt.wantBody) {
				t.Errorf("body lacks %q", tt.wantBody)
			}
			if tt.wantStatus == http.StatusUnauthorized && !strings.Contains(res.Body, `value="`+tt.email+`"`) {
				t.Error("the typed email is not kept after a failed login")
			}
		})
	}
}

func TestLoginRenewsSessionAndLogoutEndsIt(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	c.get("/login") // an anonymous session cookie may exist before login
	before := c.cookie("paywall")
	if res := c.login("reader@example.se", demoPassword, "/"); res.Status != http.StatusSeeOther {
		t.Fatalf("login %d", res.Status)
	}
	after := c.cookie("paywall")
	if after == "" || after == before {
		t.Fatalf("session cookie not renewed at login (before %q, after %q)", before, after)
	}
	if home := c.get("/"); !strings.Contains(home.Body, "Rita Reader") {
		t.Fatal("logged-in name not shown")
	}
	for _, v := range []string{"access_token", "refresh_token"} {
		if strings.Contains(after, v) {
			t.Errorf("cookie carries %s", v)
		}
	}

	// An attacker who copied the cookie before logout must not be logged in afterwards.
	stolen := app.client()
	u, _ := url.Parse(app.URL)
	stolen.http.Jar.SetCookies(u, []*http.Cookie{{Name: "paywall", Value: after, Path: "/"}})

	token := c.csrf("/")
	if res := c.post("/logout", url.Values{"csrf": {token}}); res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("logout %d %q", res.Status, res.Header.Get("Location"))
	}
	if home := c.get("/"); strings.Contains(home.Body, `data-testid="user-name"`) {
		t.Error("still logged in after logout")
	}
	if home := stolen.get("/"); strings.Contains(home.Body, `data-testid="user-name"`) {
		t.Error("the old session cookie still works after logout")
	}
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	form := func(token string) url.Values {
		return url.Values{"csrf": {token}, "email": {"reader@example.se"}, "password": {demoPassword}}
	}
	tests := []struct {
		name       string
		token      func(c *client) string
		headers    []string
		wantStatus int
	}{
		{"no Sec-Fetch-Site, valid token", func(c *client) string { return c.csrf("/login") }, nil, http.StatusSeeOther},
		{"no Sec-Fetch-Site, missing token", func(c *client) string { c.csrf("/login"); return "" }, nil, http.StatusForbidden},
		{"no Sec-Fetch-Site, wrong token", func(c *client) string { c.csrf("/login"); return "forged" }, nil, http.StatusForbidden},
		{"cross-site POST", func(c *client) string { return c.csrf("/login") }, []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"same-origin browser POST", func(c *client) string { return "" }, []string{"Sec-Fetch-Site", "same-origin"}, http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := app.client()
			res := c.post("/login", form(tt.token(c)), tt.headers...)
			if res.Status != tt.wantStatus {
				t.Fatalf("status %d, want %d", res.Status, tt.wantStatus)
			}
			if tt.wantStatus >= 400 && !strings.Contains(res.Body, `data-testid="error-page"`) {
				t.Error("refused POST does not get the error page")
			}
		})
	}
}

func TestLoginIsRateLimited(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, func(c *appSetup) { c.LoginRate = 3 })
	c := app.client()
	token := c.csrf("/login")
	form := url.Values{"csrf": {token}, "email": {"reader@example.se"}, "password": {"wrong"}}
	for i := range 3 {
		if res := c.post("/login", form); res.Status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d", i+1, res.Status)
		}
	}
	res := c.post("/login", form)
	if res.Status != http.StatusTooManyRequests || !strings.Contains(res.Body, "Too many login attempts") {
		t.Fatalf("4th attempt: %d", res.Status)
	}
	app.Clock.Advance(61e9)
	if res := c.post("/login", form); res.Status != http.StatusUnauthorized {
		t.Fatalf("after a minute: status %d", res.Status)
	}
}

// TestLoginComesBackToTheStep pins, for every route that needs a customer, where the login page sends a
// reader back to: the page itself for pages (with its query, except the HPP return, whose ?outcome= is
// only a hint), the page a form belongs to for posts, and the offers with the choice kept for POST /checkout.
// JSON clients are sent the same way.
func TestLoginComesBackToTheStep(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	const id = "0123456789ABCDEF0123456789ABCDEF"
	tests := []struct {
		method, path string
		form         url.Values
		headers      []string
		wantReturn   string
	}{
		{http.MethodPost, "/checkout", url.Values{"offer": {"monthly"}, "return": {"/articles/x?y=1"}}, nil, "/subscribe?offer=monthly&return=%2Farticles%2Fx%3Fy%3D1"},
		{http.MethodPost, "/checkout", url.Values{"offer": {"monthly"}, "return": {"https://evil.example/"}}, nil, "/subscribe?offer=monthly&return=%2F"},
		{http.MethodGet, "/checkout/" + id + "?from=mail", nil, nil, "/checkout/" + id + "?from=mail"},
		{http.MethodPost, "/checkout/" + id + "/order?from=mail", url.Values{"authorization_token": {"x"}}, nil, "/checkout/" + id},
		{http.MethodGet, "/checkout/" + id + "/confirmation?from=mail", nil, nil, "/checkout/" + id + "/confirmation?from=mail"},
		{http.MethodGet, "/account?from=mail", nil, nil, "/account"},
		{http.MethodGet, "/account", nil, []string{"Accept", "application/json"}, "/account"},
		{http.MethodPost, "/account/purchases", url.Values{"offer": {offerArchive}}, nil, "/account"},
		{http.MethodGet, "/account/purchases/" + id + "?from=mail", nil, nil, "/account/purchases/" + id + "?from=mail"},
		{http.MethodGet, "/recovery/" + id + "?from=mail", nil, nil, "/recovery/" + id + "?from=mail"},
		{http.MethodGet, "/recovery/" + id + "?from=mail", nil, []string{"Accept", "application/json"}, "/recovery/" + id + "?from=mail"},
		{http.MethodPost, "/recovery/" + id + "/order?from=mail", url.Values{"authorization_token": {"x"}}, nil, "/recovery/" + id},
		{http.MethodPost, "/recovery/" + id + "/hpp?from=mail", url.Values{"place_order_mode": {"NONE"}}, nil, "/recovery/" + id},
		{http.MethodGet, "/recovery/" + id + "/return?outcome=success", nil, nil, "/recovery/" + id + "/return"},
	}
	for _, tt := range tests {
		name := tt.method + " " + tt.path
		if len(tt.headers) > 0 {
			name += " " + strings.Join(tt.headers, " ")
		}
		t.Run(name, func(t *testing.T) {
			c := app.client()
			var res response
			if tt.method == http.MethodPost {
				form := url.Values{"csrf": {c.csrf("/login")}}
				for k, v := range tt.form {
					form[k] = v
				}
				res = c.post(tt.path, form, tt.headers...)
			} else {
				res = c.get(tt.path, tt.headers...)
			}
			want := "/login?return=" + url.QueryEscape(tt.wantReturn)
			if res.Status != http.StatusSeeOther || res.Header.Get("Location") != want {
				t.Errorf("%d %q, want 303 to %q", res.Status, res.Header.Get("Location"), want)
			}
		})
	}
}

// TestLoginTokenEndpointErrors: Payway publishes neither the token endpoint's error body nor its statuses,
// and Adeprimo's own plugin reads OAuth's {error,error_description}. Whatever the status, invalid_grant is
// the reader's wrong e-mail or password (the login form again, with its message); a refused client or scope
// is the app's configuration and shows the service as unavailable instead of blaming the reader.
func TestLoginTokenEndpointErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     int
		body       string
		wantStatus int
		wantBody   string
	}{
		{"invalid_grant, 400", 400, `{"error":"invalid_grant","error_description":"Invalid username or password"}`,
			http.StatusUnauthorized, "do not match an account"},
		{"invalid_grant, 401", 401, `{"error":"invalid_grant","error_description":"Invalid username or password"}`,
			http.StatusUnauthorized, "do not match an account"},
		{"invalid_grant in the API's shape", 400, `{"code":"invalid_grant","message":"Invalid username or password"}`,
			http.StatusUnauthorized, "do not match an account"},
		{"invalid_client", 401, `{"error":"invalid_client","error_description":"Invalid client credentials"}`,
			http.StatusServiceUnavailable, "not answering"},
		{"invalid_scope", 400, `{"error":"invalid_scope","error_description":"Unknown scope"}`,
			http.StatusServiceUnavailable, "not answering"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			refuse := func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path != "/api/authorization/access_token" {
						next.ServeHTTP(w, r)
						return
					}
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(tt.status)
					_, _ = w.Write([]byte(tt.body))
				})
			}
			app := newTestApp(t, func(s *appSetup) { s.wrapSandbox = refuse })
			res := app.client().login("reader@example.se", demoPassword, "/")
			if res.Status != tt.wantStatus || !strings.Contains(res.Body, tt.wantBody) {
				t.Fatalf("status %d, want %d with %q: %s", res.Status, tt.wantStatus, tt.wantBody, res.Body)
			}
		})
	}
}

// TestWrongPasswordsPerAccountAreLimited: guessing one account's password from many addresses is slowed:
// after 10 wrong passwords in 15 minutes the account refuses logins (429), even the right password from a
// new address, while other accounts are untouched; a quarter of an hour later it works again.
func TestWrongPasswordsPerAccountAreLimited(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, func(cfg *appSetup) { cfg.TrustProxy = true })
	loginFrom := func(ip, email, password string) int {
		t.Helper()
		c := app.client() // a browser of its own, as an attacker's many addresses are
		token := c.csrf("/login")
		return c.post("/login", url.Values{"csrf": {token}, "email": {email}, "password": {password}, "return": {"/"}},
			"X-Forwarded-For", ip).Status
	}
	for i := range 10 {
		if st := loginFrom(fmt.Sprintf("198.51.100.%d", i+1), "Reader@Example.se", "guess"); st != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d, want 401", i+1, st)
		}
	}
	if st := loginFrom("203.0.113.9", "reader@example.se", demoPassword); st != http.StatusTooManyRequests {
		t.Errorf("the right password after 10 wrong ones: %d, want 429", st)
	}
	// The refusal says when to come back, in the same words as the per-address limit.
	blocked := app.client()
	res := blocked.post("/login", url.Values{"csrf": {blocked.csrf("/login")}, "email": {"reader@example.se"}, "password": {"x"}, "return": {"/"}},
		"X-Forwarded-For", "203.0.113.11")
	if res.Header.Get("Retry-After") != "900" || !strings.Contains(res.Body, "Too many login attempts. Please wait a while") {
		t.Errorf("account limit answer: Retry-After %q", res.Header.Get("Retry-After"))
	}
	if st := loginFrom("203.0.113.9", "token@example.se", demoPassword); st != http.StatusSeeOther {
		t.Errorf("another account: %d, want 303", st)
	}
	app.Clock.Advance(15 * time.Minute)
	if st := loginFrom("203.0.113.10", "reader@example.se", demoPassword); st != http.StatusSeeOther {
		t.Errorf("a quarter of an hour later: %d, want 303", st)
	}
}

// TestCSRFTokenIsTheSessions: a logged-in reader's forms must carry the token made with the session at
// login. A same-site attacker who plants a _csrf cookie and posts its value is refused, and so is a token
// known from before the login; the session's own token works.
func TestCSRFTokenIsTheSessions(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	before := c.csrf("/login")
	if res := c.post("/login", url.Values{"csrf": {before}, "email": {"reader@example.se"}, "password": {demoPassword}, "return": {"/"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("login: %d", res.Status)
	}
	own := c.csrf("/subscribe")
	if own == before {
		t.Fatal("the CSRF token survived the login")
	}
	appURL := mustURL(t, app.URL)
	plant := func(value string) {
		c.http.Jar.SetCookies(appURL, []*http.Cookie{{Name: "_csrf", Value: value, Path: "/"}})
	}
	tests := []struct {
		name   string
		cookie string // the _csrf cookie the browser holds
		token  string // the token the form posts
		want   int
	}{
		{"planted cookie and matching token", "planted-by-a-sibling-site", "planted-by-a-sibling-site", http.StatusForbidden},
		{"the token from before the login", before, before, http.StatusForbidden},
		{"the session's token", own, own, http.StatusSeeOther},
	}
	for _, tt := range tests {
		plant(tt.cookie)
		if res := c.post("/checkout", url.Values{"csrf": {tt.token}, "offer": {"monthly"}}); res.Status != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, res.Status, tt.want)
		}
	}
}

// TestCSRFCookieIsSetOnce: the _csrf cookie is made when a reader has none and re-paired with the session
// at login, and otherwise left alone (a Set-Cookie on every page view cost a tenth of a logged-in page);
// the forms always carry the cookie's token, with or without Sec-Fetch-Site.
func TestCSRFCookieIsSetOnce(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	setsCSRF := func(res response) bool {
		for _, line := range res.Header.Values("Set-Cookie") {
			if strings.HasPrefix(line, "_csrf=") {
				return true
			}
		}
		return false
	}
	c := app.client()
	first := c.get("/login")
	if !setsCSRF(first) {
		t.Fatal("first page without a _csrf cookie does not set one")
	}
	if res := c.login("reader@example.se", demoPassword, "/"); res.Status != http.StatusSeeOther || !setsCSRF(res) {
		t.Fatalf("login: status %d, sets _csrf %v; want 303 with a new token", res.Status, setsCSRF(res))
	}
	steps := []struct {
		name    string
		headers []string
	}{
		{"page view", nil},
		{"page view again", nil},
		{"browser navigation", []string{"Sec-Fetch-Site", "none"}},
		{"same-origin link", []string{"Sec-Fetch-Site", "same-origin"}},
	}
	for _, s := range steps {
		res := c.get("/account", s.headers...)
		if res.Status != http.StatusOK {
			t.Fatalf("%s: status %d", s.name, res.Status)
		}
		if setsCSRF(res) {
			t.Errorf("%s: sets the _csrf cookie again", s.name)
		}
		m := csrfField.FindStringSubmatch(res.Body)
		if m == nil || m[1] != c.cookie("_csrf") {
			t.Errorf("%s: the form's token is not the cookie's", s.name)
		}
	}
}
