package store

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/gob"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

const cookieName = "paywall_session"

var (
	testHashKey  = bytes.Repeat([]byte("k"), 32)
	testStart    = time.Date(2025, 3, 14, 12, 0, 0, 0, time.UTC)
	testMaxAge   = 7 * 24 * time.Hour
	otherHashKey = bytes.Repeat([]byte("x"), 32)
)

func newTestStore(t *testing.T, db *DB, clock *testClock) *SessionStore {
	t.Helper()
	s, err := NewSessionStore(db, SessionOptions{HashKey: testHashKey, Now: clock.Now})
	if err != nil {
		t.Fatalf("NewSessionStore: %v", err)
	}
	return s
}

// roundTrip runs one simulated request carrying cookies: it gets the session, lets fn change it, and
// returns the session and the response's cookies.
func roundTrip(t *testing.T, s *SessionStore, cookies []*http.Cookie,
	fn func(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error,
) (*sessions.Session, []*http.Cookie) {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, c := range cookies {
		r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	w := httptest.NewRecorder()
	sess, err := s.Get(r, cookieName)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if fn != nil {
		if err := fn(r, w, sess); err != nil {
			t.Fatalf("handler: %v", err)
		}
	}
	return sess, w.Result().Cookies()
}

func save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	return sess.Save(r, w)
}

// login simulates a first request that stores a user and returns the cookies and the session id.
func login(t *testing.T, s *SessionStore) ([]*http.Cookie, string) {
	t.Helper()
	sess, cookies := roundTrip(t, s, nil, func(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
		sess.Values["user"] = "subscriber@example.se"
		return sess.Save(r, w)
	})
	return cookies, sess.ID
}

func TestNewSessionStoreValidation(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	tests := []struct {
		name    string
		db      *DB
		opts    SessionOptions
		wantErr string
	}{
		{"ok with defaults", db, SessionOptions{HashKey: testHashKey}, ""},
		{"ok 64-byte key", db, SessionOptions{HashKey: bytes.Repeat([]byte("a"), 64), MaxAge: time.Hour}, ""},
		{"nil db", nil, SessionOptions{HashKey: testHashKey}, "nil DB"},
		{"missing key", db, SessionOptions{}, "hash key has 0 bytes"},
		{"short key", db, SessionOptions{HashKey: []byte("too-short")}, "need at least 32"},
		{"negative max age", db, SessionOptions{HashKey: testHashKey, MaxAge: -time.Second}, "negative max age"},
		{"sub-second max age", db, SessionOptions{HashKey: testHashKey, MaxAge: time.Millisecond}, "below one second"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSessionStore(tt.db, tt.opts)
			if tt.wantErr == "" {
				if err != nil || s == nil {
					t.Fatalf("NewSessionStore = %v, %v", s, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestSessionPersistsAcrossRequests(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	clock := newTestClock(testStart)
	s := newTestStore(t, db, clock)
	loginAt := time.Date(2025, 3, 14, 11, 59, 0, 0, time.UTC)

	first, cookies := roundTrip(t, s, nil, func(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
		if !sess.IsNew || sess.ID != "" {
			t.Errorf("first request: IsNew=%v ID=%q, want a new session without id", sess.IsNew, sess.ID)
		}
		sess.Values["user"] = "subscriber@example.se"
		sess.Values["visits"] = 1
		sess.Values["admin"] = false
		sess.Values["logged_in_at"] = loginAt
		sess.Values["products"] = []string{"digital"}
		return sess.Save(r, w)
	})
	if len(first.ID) != 52 {
		t.Errorf("session id %q has %d characters, want 52 (32 random bytes, base32)", first.ID, len(first.ID))
	}
	if len(cookies) != 1 {
		t.Fatalf("got %d cookies, want 1", len(cookies))
	}
	c := cookies[0]
	if c.Name != cookieName || c.Path != "/" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode ||
		c.MaxAge != int(testMaxAge/time.Second) || c.Secure {
		t.Errorf("cookie = %+v, want Path=/ HttpOnly SameSite=Lax Max-Age=%d not Secure", c, int(testMaxAge/time.Second))
	}
	if strings.Contains(c.Value, "subscriber") {
		t.Errorf("cookie value leaks session data: %q", c.Value)
	}
	if n := countRows(t, db, "sessions"); n != 1 {
		t.Errorf("%d session rows, want 1", n)
	}

	clock.Advance(time.Hour)
	second, _ := roundTrip(t, s, cookies, func(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
		sess.Values["visits"] = sess.Values["visits"].(int) + 1
		return sess.Save(r, w)
	})
	if second.IsNew || second.ID != first.ID {
		t.Fatalf("second request: IsNew=%v ID=%q, want the existing session %q", second.IsNew, second.ID, first.ID)
	}
	want := map[any]any{
		"user": "subscriber@example.se", "visits": 2, "admin": false,
		"logged_in_at": loginAt, "products": []string{"digital"},
	}
	third, _ := roundTrip(t, s, cookies, nil)
	for k, v := range want {
		got := third.Values[k]
		if fmt.Sprint(got) != fmt.Sprint(v) || fmt.Sprintf("%T", got) != fmt.Sprintf("%T", v) {
			t.Errorf("Values[%v] = %#v, want %#v", k, got, v)
		}
	}
	if n := countRows(t, db, "sessions"); n != 1 {
		t.Errorf("%d session rows after re-saving, want 1", n)
	}
}

func TestGetReturnsTheSameSessionWithinARequest(t *testing.T) {
	t.Parallel()
	s := newTestStore(t, openTestDB(t), newTestClock(testStart))
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	a, err := s.Get(r, cookieName)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Get(r, cookieName)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("Get returned two different sessions for one request; want the registry's cached one")
	}
}

func TestSecureCookie(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		forceSecure bool
		tls         bool
		want        bool
	}{
		{"plain HTTP", false, false, false},
		{"HTTPS", false, true, true},
		{"forced over plain HTTP", true, false, true},
		{"forced over HTTPS", true, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSessionStore(openTestDB(t), SessionOptions{HashKey: testHashKey, Secure: tt.forceSecure})
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			w := httptest.NewRecorder()
			sess, err := s.New(r, cookieName)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Save(r, w, sess); err != nil {
				t.Fatal(err)
			}
			if got := w.Result().Cookies()[0].Secure; got != tt.want {
				t.Errorf("Secure = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBadCookieGivesFreshSession(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	clock := newTestClock(testStart)
	s := newTestStore(t, db, clock)
	good, goodID := login(t, s)

	signWith := func(key []byte, id string) []*http.Cookie {
		codec := securecookie.New(key, nil)
		codec.SetSerializer(securecookie.JSONEncoder{})
		v, err := codec.Encode(cookieName, id)
		if err != nil {
			t.Fatal(err)
		}
		return []*http.Cookie{{Name: cookieName, Value: v}}
	}
	tampered := []*http.Cookie{{Name: cookieName, Value: good[0].Value[:len(good[0].Value)-4] + "AAAA"}}

	tests := []struct {
		name    string
		cookies []*http.Cookie
		advance time.Duration
	}{
		{"no cookie", nil, 0},
		{"garbage", []*http.Cookie{{Name: cookieName, Value: "not-a-signed-value"}}, 0},
		{"empty value", []*http.Cookie{{Name: cookieName, Value: ""}}, 0},
		{"tampered signature", tampered, 0},
		{"valid id signed with another key", signWith(otherHashKey, goodID), 0},
		{"raw id without signature", []*http.Cookie{{Name: cookieName, Value: goodID}}, 0},
		{"signed but unknown id", signWith(testHashKey, "UNKNOWNSESSIONID"), 0},
		{"signed empty id", signWith(testHashKey, ""), 0},
		{"expired", good, testMaxAge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock.Set(testStart)
			clock.Advance(tt.advance)
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			for _, c := range tt.cookies {
				r.AddCookie(c)
			}
			sess, err := s.New(r, cookieName)
			if err != nil {
				t.Fatalf("New returned an error for a bad cookie: %v", err)
			}
			if !sess.IsNew || sess.ID != "" || len(sess.Values) != 0 {
				t.Errorf("session = {IsNew:%v ID:%q Values:%v}, want a fresh empty one", sess.IsNew, sess.ID, sess.Values)
			}
			// Peek, every request's way to find who is logged in, answers the same (the good cookie is
			// among the verified ones since the login: its tampered copies must not pass for it).
			if values, found, err := s.Peek(r, cookieName); err != nil || found || values != nil {
				t.Errorf("Peek = %v, %v, %v; want nothing", values, found, err)
			}
		})
	}

	// The good cookie still works when the clock is back inside its lifetime: the fresh sessions above
	// were never saved, so they did not disturb it.
	clock.Set(testStart)
	if sess, _ := roundTrip(t, s, good, nil); sess.IsNew || sess.ID != goodID {
		t.Errorf("good cookie: IsNew=%v ID=%q, want %q", sess.IsNew, sess.ID, goodID)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(good[0])
	if values, found, err := s.Peek(r, cookieName); err != nil || !found || values["user"] != "subscriber@example.se" {
		t.Errorf("Peek with the good cookie = %v, %v, %v; want the session's values", values, found, err)
	}
}

func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		sessAge   int // per-session Options.MaxAge in seconds; 0 = store default
		advance   time.Duration
		wantAlive bool
	}{
		{"fresh", 0, 0, true},
		{"one second before expiry", 0, testMaxAge - time.Second, true},
		{"at expiry", 0, testMaxAge, false},
		{"long after expiry", 0, 30 * testMaxAge, false},
		{"per-session max age alive", 3600, 59 * time.Minute, true},
		{"per-session max age expired", 3600, time.Hour, false},
		{"per-session max age longer than default", int((30 * 24 * time.Hour) / time.Second), 20 * 24 * time.Hour, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newTestClock(testStart)
			s := newTestStore(t, openTestDB(t), clock)
			_, cookies := roundTrip(t, s, nil, func(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
				sess.Values["user"] = "reader@example.se"
				if tt.sessAge != 0 {
					sess.Options.MaxAge = tt.sessAge
				}
				return sess.Save(r, w)
			})
			if tt.sessAge != 0 && cookies[0].MaxAge != tt.sessAge {
				t.Errorf("cookie Max-Age = %d, want %d", cookies[0].MaxAge, tt.sessAge)
			}
			clock.Advance(tt.advance)
			sess, _ := roundTrip(t, s, cookies, nil)
			if alive := !sess.IsNew; alive != tt.wantAlive {
				t.Errorf("alive = %v, want %v", alive, tt.wantAlive)
			}
		})
	}
}

func TestSaveSlidesExpiry(t *testing.T) {
	t.Parallel()
	clock := newTestClock(testStart)
	s := newTestStore(t, openTestDB(t), clock)
	cookies, id := login(t, s)
	for range 3 {
		clock.Advance(testMaxAge - time.Hour)
		sess, _ := roundTrip(t, s, cookies, save)
		if sess.IsNew || sess.ID != id {
			t.Fatalf("session lost although it was saved within its lifetime")
		}
	}
}

func TestLogoutDeletesSession(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	s := newTestStore(t, db, newTestClock(testStart))
	cookies, _ := login(t, s)
	other, otherID := login(t, s)

	sess, logoutCookies := roundTrip(t, s, cookies, func(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
		sess.Options.MaxAge = -1
		return sess.Save(r, w)
	})
	if sess.ID != "" {
		t.Errorf("ID after logout = %q, want cleared", sess.ID)
	}
	if len(logoutCookies) != 1 || logoutCookies[0].MaxAge >= 0 || logoutCookies[0].Value != "" {
		t.Errorf("logout cookies = %+v, want one expired, empty cookie", logoutCookies)
	}
	if n := countRows(t, db, "sessions"); n != 1 {
		t.Errorf("%d session rows after logout, want 1 (only the other user's)", n)
	}
	if sess, _ := roundTrip(t, s, cookies, nil); !sess.IsNew {
		t.Error("the logged-out cookie still loads a session")
	}
	if sess, _ := roundTrip(t, s, other, nil); sess.IsNew || sess.ID != otherID {
		t.Error("logging out one user ended another user's session")
	}

	// Logging out a session that was never saved is harmless.
	_, c := roundTrip(t, s, nil, func(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
		sess.Options.MaxAge = -1
		return sess.Save(r, w)
	})
	if len(c) != 1 || c[0].MaxAge >= 0 {
		t.Errorf("cookies = %+v, want one expired cookie", c)
	}
}

func TestRenew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		saved bool // whether the session existed before Renew (login after browsing) or not
	}{
		{"existing session", true},
		{"unsaved session", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTestDB(t)
			s := newTestStore(t, db, newTestClock(testStart))
			var oldCookies []*http.Cookie
			var oldID string
			if tt.saved {
				oldCookies, oldID = login(t, s)
			}
			sess, newCookies := roundTrip(t, s, oldCookies, func(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
				sess.Values["cart"] = "digital-monthly"
				return s.Renew(r, w, sess)
			})
			if sess.ID == "" || sess.ID == oldID {
				t.Fatalf("ID after Renew = %q, want a new one (old %q)", sess.ID, oldID)
			}
			if n := countRows(t, db, "sessions"); n != 1 {
				t.Errorf("%d session rows after Renew, want 1", n)
			}
			if tt.saved {
				if old, _ := roundTrip(t, s, oldCookies, nil); !old.IsNew {
					t.Error("the pre-renewal cookie still loads a session")
				}
			}
			renewed, _ := roundTrip(t, s, newCookies, nil)
			if renewed.IsNew || renewed.ID != sess.ID {
				t.Fatalf("renewed cookie: IsNew=%v ID=%q, want %q", renewed.IsNew, renewed.ID, sess.ID)
			}
			if tt.saved && renewed.Values["user"] != "subscriber@example.se" {
				t.Errorf("values lost on Renew: %v", renewed.Values)
			}
			if renewed.Values["cart"] != "digital-monthly" {
				t.Errorf("values set before Renew not saved: %v", renewed.Values)
			}
		})
	}
}

func TestCleanup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		advance     time.Duration
		wantDeleted int64
		wantLeft    int
	}{
		{"nothing expired", time.Hour, 0, 3},
		{"oldest expired", testMaxAge, 1, 2},
		{"two expired", testMaxAge + 24*time.Hour, 2, 1},
		{"all expired", 10 * testMaxAge, 3, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTestDB(t)
			clock := newTestClock(testStart)
			s := newTestStore(t, db, clock)
			// Three sessions created a day apart: day 0, 1 and 2.
			for range 3 {
				login(t, s)
				clock.Advance(24 * time.Hour)
			}
			clock.Set(testStart.Add(tt.advance))
			n, err := s.Cleanup(t.Context())
			if err != nil {
				t.Fatalf("Cleanup: %v", err)
			}
			if n != tt.wantDeleted {
				t.Errorf("Cleanup deleted %d, want %d", n, tt.wantDeleted)
			}
			if left := countRows(t, db, "sessions"); left != tt.wantLeft {
				t.Errorf("%d rows left, want %d", left, tt.wantLeft)
			}
		})
	}
}

// TestRunCleanup uses a synctest bubble: the ticker runs on the bubble's fake clock, so the test
// neither sleeps for real nor polls.
func TestRunCleanup(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		db, err := Open(t.Context(), filepath.Join(t.TempDir(), "app.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		clock := newTestClock(testStart)
		s := newTestStore(t, db, clock)
		login(t, s)
		clock.Advance(testMaxAge)

		var logs syncBuffer
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() {
			s.RunCleanup(ctx, time.Minute, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
			close(done)
		}()

		synctest.Wait()
		if n := countRows(t, db, "sessions"); n != 1 {
			t.Fatalf("%d rows before the first tick, want 1", n)
		}
		time.Sleep(time.Minute) // fake time: advances the bubble clock to the first tick
		synctest.Wait()
		if n := countRows(t, db, "sessions"); n != 0 {
			t.Errorf("%d rows after the first tick, want 0", n)
		}
		if !strings.Contains(logs.String(), "count=1") {
			t.Errorf("log = %q, want the deleted count", logs.String())
		}

		cancel()
		synctest.Wait()
		select {
		case <-done:
		default:
			t.Fatal("RunCleanup did not return after its context was canceled")
		}
	})
}

func TestRunCleanupLogsErrors(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		db, err := Open(t.Context(), filepath.Join(t.TempDir(), "app.db"))
		if err != nil {
			t.Fatal(err)
		}
		s := newTestStore(t, db, newTestClock(testStart))
		db.Close() // every sweep now fails

		var logs syncBuffer
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		go s.RunCleanup(ctx, 0, slog.New(slog.NewTextHandler(&logs, nil))) // 0 = default interval (1h)
		time.Sleep(time.Hour)
		synctest.Wait()
		if got := logs.String(); !strings.Contains(got, "session cleanup failed") || !strings.Contains(got, "level=ERROR") {
			t.Errorf("log = %q, want an ERROR about the failed cleanup", got)
		}
		cancel()
		synctest.Wait()
	})
}

func TestNewReportsDatabaseErrors(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	s := newTestStore(t, db, newTestClock(testStart))
	cookies, _ := login(t, s)
	// Corrupt the stored values: the row exists but cannot be decoded.
	if _, err := db.Writer().Exec(`UPDATE sessions SET data = x'00ff'`); err != nil {
		t.Fatal(err)
	}
	db.sessions.Clear() // behind the store's back: seen once the saved copy in memory is gone (sessionCacheTTL)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(cookies[0])
	sess, err := s.New(r, cookieName)
	if err == nil || !strings.Contains(err.Error(), "store: decode session") {
		t.Errorf("err = %v, want a decode error", err)
	}
	if sess == nil || !sess.IsNew {
		t.Errorf("want a fresh session alongside the error, got %+v", sess)
	}
}

func TestConcurrentSaves(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	clock := newTestClock(testStart)
	s := newTestStore(t, db, clock)
	shared, sharedID := login(t, s)

	const users, sharedWriters = 40, 20
	var wg sync.WaitGroup
	errs := make(chan error, users+sharedWriters)
	ids := make(chan string, users)
	for i := range users {
		wg.Go(func() {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			w := httptest.NewRecorder()
			sess, err := s.Get(r, cookieName)
			if err != nil {
				errs <- err
				return
			}
			sess.Values["user"] = fmt.Sprintf("user%d@example.se", i)
			if err := sess.Save(r, w); err != nil {
				errs <- err
				return
			}
			ids <- sess.ID
		})
	}
	for i := range sharedWriters {
		// Many tabs of one browser saving the same session at once.
		wg.Go(func() {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.AddCookie(shared[0])
			w := httptest.NewRecorder()
			sess, err := s.Get(r, cookieName)
			if err != nil {
				errs <- err
				return
			}
			if sess.ID != sharedID {
				errs <- fmt.Errorf("shared session not loaded: %q", sess.ID)
				return
			}
			sess.Values["tab"] = i
			if err := sess.Save(r, w); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	close(ids)
	for err := range errs {
		t.Error(err)
	}

	var got []string
	for id := range ids {
		got = append(got, id)
	}
	slices.Sort(got)
	if len(slices.Compact(got)) != users {
		t.Errorf("%d distinct ids for %d new sessions", len(got), users)
	}
	if n := countRows(t, db, "sessions"); n != users+1 {
		t.Errorf("%d session rows, want %d", n, users+1)
	}
	sess, _ := roundTrip(t, s, shared, nil)
	if tab, ok := sess.Values["tab"].(int); !ok || tab < 0 || tab >= sharedWriters {
		t.Errorf("shared session tab = %v, want one writer's value (last write wins)", sess.Values["tab"])
	}
}

// syncBuffer is a bytes.Buffer safe for a logger writing from another goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestSessionCacheFollowsEveryWrite: sessions are served from memory between requests, and every way a
// session changes is seen at once: a save, a logout, a renewal, a demo reset, and a value changed by one
// request is not seen by another that did not save it.
func TestSessionCacheFollowsEveryWrite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		change  func(t *testing.T, db *DB, s *SessionStore, cookies []*http.Cookie) []*http.Cookie
		wantNew bool   // the next request has no session
		want    string // else: its "user" value
	}{
		{"saved value", func(t *testing.T, _ *DB, s *SessionStore, c []*http.Cookie) []*http.Cookie {
			roundTrip(t, s, c, func(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
				sess.Values["user"] = "changed@example.se"
				return sess.Save(r, w)
			})
			return c
		}, false, "changed@example.se"},
		{"value changed without a save", func(t *testing.T, _ *DB, s *SessionStore, c []*http.Cookie) []*http.Cookie {
			roundTrip(t, s, c, func(_ *http.Request, _ http.ResponseWriter, sess *sessions.Session) error {
				sess.Values["user"] = "not-saved@example.se"
				return nil
			})
			return c
		}, false, "subscriber@example.se"},
		{"value changed after its save", func(t *testing.T, _ *DB, s *SessionStore, c []*http.Cookie) []*http.Cookie {
			roundTrip(t, s, c, func(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
				sess.Values["user"] = "saved@example.se"
				err := sess.Save(r, w)
				sess.Values["user"] = "changed-later@example.se" // the saved copy in memory must not follow
				return err
			})
			return c
		}, false, "saved@example.se"},
		{"logout", func(t *testing.T, _ *DB, s *SessionStore, c []*http.Cookie) []*http.Cookie {
			roundTrip(t, s, c, func(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
				sess.Options.MaxAge = -1
				return sess.Save(r, w)
			})
			return c
		}, true, ""},
		{"renewal retires the old id", func(t *testing.T, _ *DB, s *SessionStore, c []*http.Cookie) []*http.Cookie {
			roundTrip(t, s, c, func(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
				return s.Renew(r, w, sess)
			})
			return c // the old cookie
		}, true, ""},
		{"demo reset", func(t *testing.T, db *DB, _ *SessionStore, c []*http.Cookie) []*http.Cookie {
			if err := db.ResetDemoData(t.Context()); err != nil {
				t.Fatal(err)
			}
			return c
		}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := openTestDB(t)
			s := newTestStore(t, db, newTestClock(testStart))
			cookies, _ := login(t, s)
			if sess, _ := roundTrip(t, s, cookies, nil); sess.IsNew { // warms the cache
				t.Fatal("the session did not load")
			}
			cookies = tt.change(t, db, s, cookies)
			sess, _ := roundTrip(t, s, cookies, nil)
			if sess.IsNew != tt.wantNew {
				t.Fatalf("next request: new session %v, want %v", sess.IsNew, tt.wantNew)
			}
			if !tt.wantNew && sess.Values["user"] != tt.want {
				t.Errorf("next request sees user %v, want %q", sess.Values["user"], tt.want)
			}
		})
	}
}

// TestSessionRowsAreSealed: a session row holds the reader's Payway tokens, so it is sealed with the token
// key and bound to its id: the row does not show them, a row copied under another id does not open, and a
// row written before sessions were sealed still loads.
func TestSessionRowsAreSealed(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	s := newTestStore(t, db, newTestClock(testStart))
	cookies, id := login(t, s)
	var data []byte
	if err := db.Reader().QueryRow(`SELECT data FROM sessions WHERE id = ?`, id).Scan(&data); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("subscriber@example.se")) || !bytes.HasPrefix(data, []byte(sealedPrefix)) {
		t.Fatalf("the session row is not sealed: %q", data)
	}
	tests := []struct {
		name    string
		id      string
		data    func() []byte
		wantErr bool
	}{
		{"its own row", id, func() []byte { return data }, false},
		{"copied to another id", "another-session-id", func() []byte { return data }, true},
		{"written in the clear before sealing", "legacy-session-id", func() []byte {
			var buf bytes.Buffer
			if err := gob.NewEncoder(&buf).Encode(map[any]any{"user": "legacy@example.se"}); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.openData(tt.data(), tt.id)
			if (err != nil) != tt.wantErr {
				t.Errorf("open: %v, want error %v", err, tt.wantErr)
			}
		})
	}
	if sess, _ := roundTrip(t, s, cookies, nil); sess.IsNew || sess.Values["user"] != "subscriber@example.se" {
		t.Errorf("the sealed session did not load: %+v", sess.Values)
	}
}

// TestSessionInMemoryIsTheLastWrite: a saved session goes into memory as it was saved, in the order of the
// commits, so the next request does not read the row back and memory never keeps an older save than the
// row (as TestPurchaseInMemoryIsTheLastWrite for purchases): rounds of tabs saving one session at once.
func TestSessionInMemoryIsTheLastWrite(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	s := newTestStore(t, db, newTestClock(testStart))
	cookies, id := login(t, s)
	const rounds, tabs = 40, 8
	for round := range rounds {
		var wg sync.WaitGroup
		for tab := range tabs {
			wg.Go(func() {
				roundTrip(t, s, cookies, func(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
					sess.Values["n"] = round*tabs + tab
					runtime.Gosched() // let another save in between
					return sess.Save(r, w)
				})
			})
		}
		wg.Wait()
		stored, err := s.read(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		inMemory, err := s.row(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(inMemory.values, stored.values) || !inMemory.expires.Equal(stored.expires) {
			t.Fatalf("round %d: in memory %v until %v, stored %v until %v", round, inMemory.values, inMemory.expires,
				stored.values, stored.expires)
		}
	}
}
