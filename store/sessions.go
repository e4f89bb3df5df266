package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"encoding/base64"
	"encoding/gob"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"github.com/paywall/paywall/internal/cookie"
)

// DefaultSessionMaxAge is how long a session lives when SessionOptions.MaxAge is zero.
const DefaultSessionMaxAge = 7 * 24 * time.Hour

// defaultCleanupInterval is used by RunCleanup when given a non-positive interval.
const defaultCleanupInterval = time.Hour

// SessionOptions configures a SessionStore.
type SessionOptions struct {
	HashKey []byte        // signs the cookie; >= 32 bytes, required
	MaxAge  time.Duration // session lifetime, refreshed on every Save; default DefaultSessionMaxAge
	Secure  bool          // force the Secure attribute; otherwise it is set when r.TLS != nil
	Now     func() time.Time
}

// SessionStore implements github.com/gorilla/sessions.Store with the session values kept server-side in
// the sessions table. The cookie carries only the random id, signed so that a forged id is rejected
// before it reaches the database; expiry is decided by the row's expires_at against the injectable
// clock, so it can be tested and cannot be extended by replaying an old cookie.
type SessionStore struct {
	db     *DB
	codec  *securecookie.SecureCookie
	maxAge time.Duration
	secure bool
	now    func() time.Time
	// verified maps cookie values whose signature checked out to the session id they carry: checking
	// the HMAC and decoding the cookie was a tenth of a logged-in page view, for the same cookie each time.
	verified verifiedCookies
}

// maxVerifiedCookies bounds SessionStore.verified; when it is full it starts again empty. Like
// sessionCacheMax, it bounds memory under many logins (each is a new cookie), not how long a value is
// trusted: a value that is no longer here is verified again (an HMAC).
const maxVerifiedCookies = 4096

// verifiedCookies remembers signed cookie values that were verified, with the id each carries. Only a
// value this process verified (or signed) gets in, so a lookup never trusts an unverified cookie.
type verifiedCookies struct {
	mu  sync.RWMutex
	ids map[string]string
}

func (v *verifiedCookies) get(value string) (string, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	id, ok := v.ids[value]
	return id, ok
}

func (v *verifiedCookies) put(value, id string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.ids == nil || len(v.ids) >= maxVerifiedCookies {
		v.ids = make(map[string]string)
	}
	v.ids[value] = id
}

var _ sessions.Store = (*SessionStore)(nil)

// NewSessionStore validates opts and returns a store on db.
func NewSessionStore(db *DB, opts SessionOptions) (*SessionStore, error) {
	if db == nil {
		return nil, errors.New("store: session store: nil DB")
	}
	if len(opts.HashKey) < 32 {
		return nil, fmt.Errorf("store: session store: hash key has %d bytes, need at least 32", len(opts.HashKey))
	}
	if opts.MaxAge < 0 {
		return nil, fmt.Errorf("store: session store: negative max age %s", opts.MaxAge)
	}
	if opts.MaxAge == 0 {
		opts.MaxAge = DefaultSessionMaxAge
	}
	if opts.MaxAge < time.Second {
		return nil, fmt.Errorf("store: session store: max age %s is below one second", opts.MaxAge)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	// Session values are gob-encoded as interface values, so concrete types beyond gob's built-in basics
	// (string, ints, bools, []string, ...) must be registered. Registering the same type again is a no-op.
	gob.Register(time.Time{})

	codec := securecookie.New(bytes.Clone(opts.HashKey), nil)
	codec.SetSerializer(securecookie.JSONEncoder{})
	// The database row's expires_at is the single source of truth for expiry (on the injectable clock);
	// securecookie's own wall-clock timestamp check would disagree with it in tests and when a handler
	// lengthens one session's MaxAge.
	codec.MaxAge(0)

	return &SessionStore{db: db, codec: codec, maxAge: opts.MaxAge, secure: opts.Secure, now: opts.Now}, nil
}

// Get returns the session for name, cached for the rest of the request by gorilla's registry so that
// several handlers and middleware share one instance.
func (s *SessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(s, name)
}

// New loads the session named by the request's cookie. A missing, tampered, unknown or expired cookie
// yields a fresh session (IsNew, no ID yet) and no error: those are normal events, not faults. An error
// is returned only when the database cannot be read or a stored row cannot be decoded; the fresh session
// is returned alongside it.
func (s *SessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := sessions.NewSession(s, name)
	opts := s.options(r)
	sess.Options = &opts
	sess.IsNew = true

	id, ok := s.cookieID(r, name)
	if !ok {
		return sess, nil
	}
	values, found, err := s.load(r.Context(), id)
	if err != nil {
		return sess, err
	}
	if !found {
		return sess, nil
	}
	sess.ID = id
	sess.Values = values
	sess.IsNew = false
	return sess, nil
}

// cookieID is the session id the request's signed cookie carries; false when there is none or its
// signature does not check out.
func (s *SessionStore) cookieID(r *http.Request, name string) (string, bool) {
	value, ok := cookie.Value(r, name)
	if !ok || value == "" {
		return "", false
	}
	if id, ok := s.verified.get(value); ok {
		return id, true
	}
	var id string
	if err := s.codec.Decode(name, value, &id); err != nil || id == "" {
		return "", false
	}
	s.verified.put(value, id)
	return id, true
}

// Peek returns the values of the live session the request's cookie names, for reading only: the
// caller must not change the map (it is the store's decoded copy). It is how every request finds who is
// logged in without building a gorilla session (Get, for the requests that change one). found is false
// without a valid cookie or when the session is unknown or expired.
func (s *SessionStore) Peek(r *http.Request, name string) (values map[any]any, found bool, err error) {
	id, ok := s.cookieID(r, name)
	if !ok {
		return nil, false, nil
	}
	row, err := s.row(r.Context(), id)
	if err != nil || !row.found {
		return nil, false, err
	}
	return row.values, true, nil
}

// Save writes the session row (creating an id on first save) and sets the signed cookie. A negative
// Options.MaxAge is logout: the row is deleted, the cookie expired and sess.ID cleared, so a later Save
// of the same value starts a new session instead of resurrecting the old one.
func (s *SessionStore) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	if sess.Options == nil {
		opts := s.options(r)
		sess.Options = &opts
	}
	if sess.Options.MaxAge < 0 {
		if sess.ID != "" {
			if _, err := s.db.exec(r.Context(), `DELETE FROM sessions WHERE id = ?`, sess.ID); err != nil {
				return fmt.Errorf("store: delete session: %w", err)
			}
			s.db.sessions.Delete(sess.ID)
		}
		sess.ID = ""
		http.SetCookie(w, s.cookie(sess.Name(), "", sess.Options))
		return nil
	}
	return s.persist(r.Context(), w, sess, "")
}

// Renew gives the session a new id (delete old row, keep values): call at login against session
// fixation, so an id an attacker planted or observed before login is worthless afterwards.
func (s *SessionStore) Renew(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	if sess.Options != nil && sess.Options.MaxAge < 0 {
		return s.Save(r, w, sess)
	}
	if sess.Options == nil {
		opts := s.options(r)
		sess.Options = &opts
	}
	oldID := sess.ID
	sess.ID = ""
	if err := s.persist(r.Context(), w, sess, oldID); err != nil {
		sess.ID = oldID
		return err
	}
	return nil
}

// Cleanup deletes expired rows and returns how many, so expired sessions do not accumulate.
func (s *SessionStore) Cleanup(ctx context.Context) (int64, error) {
	res, err := s.db.exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, s.now().Unix())
	if err != nil {
		return 0, fmt.Errorf("store: clean up sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: clean up sessions: %w", err)
	}
	return n, nil
}

// RunCleanup calls Cleanup every interval (an hour if interval <= 0) until ctx is done. Errors are
// logged through log (nil discards) rather than returned, since a failed sweep is retried next tick.
func (s *SessionStore) RunCleanup(ctx context.Context, interval time.Duration, log *slog.Logger) {
	if interval <= 0 {
		interval = defaultCleanupInterval
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n, err := s.Cleanup(ctx)
			switch {
			case err != nil && ctx.Err() == nil:
				log.ErrorContext(ctx, "session cleanup failed", "err", err)
			case n > 0:
				log.DebugContext(ctx, "expired sessions deleted", "count", n)
			}
		}
	}
}

// options are the cookie defaults for a session created during r.
func (s *SessionStore) options(r *http.Request) sessions.Options {
	return sessions.Options{
		Path:     "/",
		MaxAge:   int(s.maxAge / time.Second),
		Secure:   s.secure || r.TLS != nil,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	}
}

// ttl is how long the row lives: the session's own MaxAge if a handler set one, else the store's.
func (s *SessionStore) ttl(opts *sessions.Options) time.Duration {
	if opts.MaxAge > 0 {
		return time.Duration(opts.MaxAge) * time.Second
	}
	return s.maxAge
}

// persist encodes the values, assigns a fresh id when sess.ID is empty, upserts the row (deleting oldID
// in the same transaction when renewing) and then sets the cookie.
func (s *SessionStore) persist(ctx context.Context, w http.ResponseWriter, sess *sessions.Session, oldID string) error {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(sess.Values); err != nil {
		return fmt.Errorf("store: encode session values: %w", err)
	}
	if sess.ID == "" {
		id, err := newSessionID()
		if err != nil {
			return err
		}
		sess.ID = id
	}
	data, err := s.sealData(buf.Bytes(), sess.ID)
	if err != nil {
		return err
	}
	encoded, err := s.codec.Encode(sess.Name(), sess.ID)
	if err != nil {
		return fmt.Errorf("store: sign session cookie: %w", err)
	}
	s.verified.put(encoded, sess.ID)

	now := s.now()
	expires := now.Add(s.ttl(sess.Options)).Unix()
	tx, err := s.db.begin(ctx)
	if err != nil {
		return fmt.Errorf("store: save session: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if oldID != "" && oldID != sess.ID {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, oldID); err != nil {
			return fmt.Errorf("store: renew session: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `
INSERT INTO sessions (id, data, expires_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
		sess.ID, data, expires, now.Unix(), now.Unix()); err != nil {
		return fmt.Errorf("store: save session: %w", err)
	}
	// The saved values go into memory (a copy: the caller may change its map without saving), so the
	// next request does not read and decode the row it just wrote. In the order of the commits
	// (sessionWrites, held from before this commit until the values are in memory): two saves of one
	// session racing cannot leave the older values in memory after the newer. The statements the
	// transaction ran unprepared are prepared after the unlock (the deferred Rollback).
	s.db.sessionWrites.Lock()
	if err := tx.commitFirst(); err != nil {
		s.db.sessions.Delete(sess.ID) // committed or not: the next read asks the database
		s.db.sessionWrites.Unlock()
		return fmt.Errorf("store: save session: %w", err)
	}
	s.db.sessions.Set(sess.ID, cachedSession{values: maps.Clone(sess.Values), expires: time.Unix(expires, 0), found: true})
	s.db.sessionWrites.Unlock()
	if oldID != "" && oldID != sess.ID {
		s.db.sessions.Delete(oldID)
	}
	http.SetCookie(w, s.cookie(sess.Name(), encoded, sess.Options))
	return nil
}

// sessionCacheTTL is how long a decoded session row is served from memory. This process writes every
// session change and puts the new values in memory (or drops them: a logout) when it does, so the TTL only bounds how long a change made by
// another process (a second instance, a support tool) takes to be seen.
const sessionCacheTTL = 30 * time.Second

// sessionCacheMax bounds how many decoded sessions are held (about 850 bytes each). The TTL does not bound
// the memory: every login is a new session, so under sustained purchase journeys the sessions of the last
// 30 s grew with the load (7.7 MB at 300 journeys/s), and that live heap, under the process's memory
// limit (internal/app/gc.go), made the collector run ever more often (CPU per journey doubled within 30 s
// of `make bench` journeys). A session beyond the bound is read from SQLite, as any other miss.
const sessionCacheMax = 4096

// cachedSession is a decoded session row.
type cachedSession struct {
	values  map[any]any
	expires time.Time
	found   bool
}

// load reads an unexpired session's values; found is false for unknown or expired ids. Each caller gets
// its own copy of the values (handlers change them before a save).
func (s *SessionStore) load(ctx context.Context, id string) (values map[any]any, found bool, err error) {
	row, err := s.row(ctx, id)
	if err != nil || !row.found {
		return nil, false, err
	}
	return maps.Clone(row.values), true, nil
}

// row is the decoded session row for id, from memory when it is there; an expired row counts as not found.
func (s *SessionStore) row(ctx context.Context, id string) (cachedSession, error) {
	row, err := s.db.sessions.Get(ctx, id, func(ctx context.Context) (cachedSession, error) {
		return s.read(ctx, id)
	})
	if err != nil {
		return cachedSession{}, err
	}
	if row.found && !s.now().Before(row.expires) {
		s.db.sessions.Delete(id)
		return cachedSession{}, nil
	}
	return row, nil
}

// read loads and decodes the session row.
func (s *SessionStore) read(ctx context.Context, id string) (cachedSession, error) {
	var (
		data    []byte
		expires int64
	)
	err := s.db.queryRow(ctx, `SELECT data, expires_at FROM sessions WHERE id = ?`, id).Scan(&data, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return cachedSession{}, nil
	}
	if err != nil {
		return cachedSession{}, fmt.Errorf("store: load session: %w", err)
	}
	data, err = s.openData(data, id)
	if err != nil {
		return cachedSession{}, err
	}
	values := make(map[any]any)
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&values); err != nil {
		return cachedSession{}, fmt.Errorf("store: decode session: %w", err)
	}
	return cachedSession{values: values, expires: time.Unix(expires, 0), found: true}, nil
}

// sealData seals a session row's values with the store's token key, bound to the session id: they hold
// the reader's Payway access and refresh tokens, which act as the reader. Without a key (tests that open
// the store bare) the values are stored as they are.
func (s *SessionStore) sealData(plain []byte, id string) ([]byte, error) {
	if s.db.tokens == nil {
		return plain, nil
	}
	sealed, err := s.db.tokens.seal(base64.RawStdEncoding.EncodeToString(plain), "session:"+id)
	if err != nil {
		return nil, fmt.Errorf("store: seal session: %w", err)
	}
	return []byte(sealed), nil
}

// openData opens what sealData sealed. Rows written before sessions were sealed are read as they are
// (and sealed at their next save).
func (s *SessionStore) openData(data []byte, id string) ([]byte, error) {
	if !bytes.HasPrefix(data, []byte(sealedPrefix)) {
		return data, nil
	}
	plain, err := s.db.tokens.open(string(data), "session:"+id)
	if err != nil {
		return nil, fmt.Errorf("store: open session: %w", err)
	}
	b, err := base64.RawStdEncoding.DecodeString(plain)
	if err != nil {
		return nil, fmt.Errorf("store: open session: %w", err)
	}
	return b, nil
}

// cookie builds the session cookie; Expires mirrors Max-Age (on the store's clock) for old clients.
func (s *SessionStore) cookie(name, value string, opts *sessions.Options) *http.Cookie {
	c := sessions.NewCookie(name, value, opts)
	if opts.MaxAge > 0 {
		c.Expires = s.now().Add(time.Duration(opts.MaxAge) * time.Second)
	}
	return c
}

// newSessionID returns 32 random bytes as unpadded base32 (52 characters).
func newSessionID() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("store: session id: %w", err)
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b), nil
}

// SessionValues returns the values of every session row, opened (the rows are sealed): for support tools
// and for tests that check the tokens sessions hold never reach a page.
func (db *DB) SessionValues(ctx context.Context) ([]map[any]any, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT id, data FROM sessions`)
	if err != nil {
		return nil, fmt.Errorf("store: session values: %w", err)
	}
	defer rows.Close()
	s := &SessionStore{db: db}
	var out []map[any]any
	for rows.Next() {
		var (
			id   string
			data []byte
		)
		if err := rows.Scan(&id, &data); err != nil {
			return nil, fmt.Errorf("store: session values: %w", err)
		}
		if data, err = s.openData(data, id); err != nil {
			return nil, err
		}
		values := map[any]any{}
		if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&values); err != nil {
			return nil, fmt.Errorf("store: session values: %w", err)
		}
		out = append(out, values)
	}
	return out, rows.Err()
}
