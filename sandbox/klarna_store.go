package sandbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Row-level storage of the Klarna core. Every function takes the querier it runs on, so the core can
// compose several of them in one IMMEDIATE transaction (an authorization and its order, a token order and
// its idempotency record).

// querier is what both *sql.DB and *txn offer for single-row reads.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func unix(t time.Time) int64 { return t.Unix() }

func fromUnix(v int64) time.Time { return time.Unix(v, 0).UTC() }

func decodeJSONColumn(raw string, dst any, what string) error {
	if err := json.Unmarshal([]byte(raw), dst); err != nil {
		return fmt.Errorf("decode %s: %w", what, err)
	}
	return nil
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("sandbox: encode %T: %v", v, err)) // only plain data structs get here
	}
	return string(b)
}

// --- payment sessions ---

// sessionExtra holds request fields of a payment session that the sandbox only stores and echoes back.
type sessionExtra map[string]json.RawMessage

const sessionColumns = `id, client_token, status, input_json, extra_json, categories_json, authorization_token,
	order_id, created_at, expires_at`

func scanSession(row *sql.Row) (kpSession, sessionExtra, error) {
	var s kpSession
	var input, extra, cats string
	var created, expires int64
	err := row.Scan(&s.ID, &s.ClientToken, &s.Status, &input, &extra, &cats, &s.AuthorizationToken, &s.OrderID,
		&created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return kpSession{}, nil, errNotFound
	}
	if err != nil {
		return kpSession{}, nil, err
	}
	s.CreatedAt, s.ExpiresAt = fromUnix(created), fromUnix(expires)
	ex := sessionExtra{}
	if err := errors.Join(decodeJSONColumn(input, &s.Input, "session input"),
		decodeJSONColumn(extra, &ex, "session extra"), decodeJSONColumn(cats, &s.Categories, "categories")); err != nil {
		return kpSession{}, nil, err
	}
	return s, ex, nil
}

func sessionByID(ctx context.Context, q querier, id string) (kpSession, sessionExtra, error) {
	s, ex, err := scanSession(q.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM kp_sessions WHERE id = ?`, id))
	if err != nil {
		return kpSession{}, nil, fmt.Errorf("sandbox: payment session %s: %w", id, err)
	}
	return s, ex, nil
}

// sessionColumnsJSON is a session's JSON columns, encoded before the writer transaction that stores them.
type sessionColumnsJSON struct {
	input, extra, categories string
}

func encodeSession(s kpSession, extra sessionExtra) sessionColumnsJSON {
	if extra == nil {
		extra = sessionExtra{}
	}
	return sessionColumnsJSON{input: mustJSON(s.Input), extra: mustJSON(extra), categories: mustJSON(s.Categories)}
}

// insertSession stores a new session; enc is encodeSession(s, its extra).
func insertSession(ctx context.Context, tx *txn, s kpSession, enc sessionColumnsJSON) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO kp_sessions (id, client_token, status, input_json, extra_json,
		categories_json, authorization_token, order_id, created_at, updated_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.ClientToken, s.Status, enc.input, enc.extra, enc.categories,
		s.AuthorizationToken, s.OrderID, unix(s.CreatedAt), unix(s.CreatedAt), unix(s.ExpiresAt))
	if err != nil {
		return fmt.Errorf("sandbox: insert payment session: %w", err)
	}
	return nil
}

// saveSession writes back what can change on a session: its input, extra fields, status, latest
// authorization and order.
func saveSession(ctx context.Context, tx *txn, s kpSession, extra sessionExtra, now time.Time) error {
	if extra == nil {
		extra = sessionExtra{}
	}
	_, err := tx.ExecContext(ctx, `UPDATE kp_sessions SET status = ?, input_json = ?, extra_json = ?,
		categories_json = ?, authorization_token = ?, order_id = ?, updated_at = ? WHERE id = ?`,
		s.Status, mustJSON(s.Input), mustJSON(extra), mustJSON(s.Categories), s.AuthorizationToken, s.OrderID,
		unix(now), s.ID)
	if err != nil {
		return fmt.Errorf("sandbox: save payment session: %w", err)
	}
	return nil
}

// --- authorizations ---

// authRow is an authorization with the bookkeeping the contract type does not carry.
type authRow struct {
	kpAuthorization
	TokenCreated bool // a customer token was created from it
	Deleted      bool // DELETE /payments/v1/authorizations/{token}
}

func authorizationByToken(ctx context.Context, q querier, token string) (authRow, error) {
	var a authRow
	var cust string
	var created, expires int64
	var deleted sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT token, session_id, category, customer_json, order_id, token_created,
		deleted_at, created_at, expires_at FROM kp_authorizations WHERE token = ?`, token).
		Scan(&a.Token, &a.SessionID, &a.Category, &cust, &a.OrderID, &a.TokenCreated, &deleted, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return authRow{}, fmt.Errorf("sandbox: authorization: %w", errNotFound)
	}
	if err != nil {
		return authRow{}, fmt.Errorf("sandbox: authorization: %w", err)
	}
	a.Deleted = deleted.Valid
	a.CreatedAt, a.ExpiresAt = fromUnix(created), fromUnix(expires)
	if err := decodeJSONColumn(cust, &a.Customer, "authorization customer"); err != nil {
		return authRow{}, err
	}
	return a, nil
}

func insertAuthorization(ctx context.Context, tx *txn, a kpAuthorization) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO kp_authorizations (token, session_id, category, customer_json,
		created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
		a.Token, a.SessionID, a.Category, customerJSON(a.Customer), unix(a.CreatedAt), unix(a.ExpiresAt))
	if err != nil {
		return fmt.Errorf("sandbox: insert authorization: %w", err)
	}
	return nil
}

func execOne(ctx context.Context, tx *txn, what, query string, args ...any) error {
	if _, err := tx.ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("sandbox: %s: %w", what, err)
	}
	return nil
}

// --- orders ---

const orderColumns = `order_id, session_id, authorization_token, customer_token, cart_json, merchant_reference1,
	merchant_reference2, confirmation_url, redirect_url, fraud_status, authorized_payment_method, captured, created_at`

func insertOrder(ctx context.Context, tx *txn, o kpOrder) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO kp_orders (`+orderColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.OrderID, o.SessionID, o.AuthorizationToken, o.CustomerToken, mustJSON(o.Cart), o.MerchantReference1,
		o.MerchantReference2, o.ConfirmationURL, o.RedirectURL, o.FraudStatus, o.AuthorizedPaymentMethod, o.Captured,
		unix(o.CreatedAt))
	if err != nil {
		return fmt.Errorf("sandbox: insert order: %w", err)
	}
	return nil
}

func orderByID(ctx context.Context, q querier, id string) (kpOrder, error) {
	var o kpOrder
	var cart string
	var created int64
	err := q.QueryRowContext(ctx, `SELECT `+orderColumns+` FROM kp_orders WHERE order_id = ?`, id).Scan(
		&o.OrderID, &o.SessionID, &o.AuthorizationToken, &o.CustomerToken, &cart, &o.MerchantReference1,
		&o.MerchantReference2, &o.ConfirmationURL, &o.RedirectURL, &o.FraudStatus, &o.AuthorizedPaymentMethod,
		&o.Captured, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return kpOrder{}, fmt.Errorf("sandbox: order %s: %w", id, errNotFound)
	}
	if err != nil {
		return kpOrder{}, fmt.Errorf("sandbox: order %s: %w", id, err)
	}
	o.CreatedAt = fromUnix(created)
	return o, decodeJSONColumn(cart, &o.Cart, "order cart")
}

// --- customer tokens ---

const customerTokenColumns = `token_id, status, payment_method_type, masked_number, card_brand, card_expiry,
	behaviour, description, customer_json, session_id, created_at, updated_at, kind`

// insertCustomerToken stores a token; keepExisting makes it a no-op when the id exists (persona seeding).
func insertCustomerToken(ctx context.Context, tx *txn, t kpCustomerToken, keepExisting bool) error {
	conflict := ""
	if keepExisting {
		conflict = ` ON CONFLICT (token_id) DO NOTHING`
	}
	if t.Kind == "" {
		t.Kind = tokenKindOnDemand
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO kp_customer_tokens (`+customerTokenColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`+conflict,
		t.TokenID, t.Status, t.PaymentMethodType, t.MaskedNumber, t.CardBrand, t.CardExpiry, t.Behaviour,
		t.Description, customerJSON(t.Customer), t.SessionID, unix(t.CreatedAt), unix(t.UpdatedAt), t.Kind)
	if err != nil {
		return fmt.Errorf("sandbox: insert customer token: %w", err)
	}
	return nil
}

func customerTokenByID(ctx context.Context, q querier, id string) (kpCustomerToken, error) {
	var t kpCustomerToken
	var cust string
	var created, updated int64
	err := q.QueryRowContext(ctx, `SELECT `+customerTokenColumns+` FROM kp_customer_tokens WHERE token_id = ?`, id).Scan(
		&t.TokenID, &t.Status, &t.PaymentMethodType, &t.MaskedNumber, &t.CardBrand, &t.CardExpiry, &t.Behaviour,
		&t.Description, &cust, &t.SessionID, &created, &updated, &t.Kind)
	if errors.Is(err, sql.ErrNoRows) {
		return kpCustomerToken{}, fmt.Errorf("sandbox: customer token: %w", errNotFound)
	}
	if err != nil {
		return kpCustomerToken{}, fmt.Errorf("sandbox: customer token: %w", err)
	}
	t.CreatedAt, t.UpdatedAt = fromUnix(created), fromUnix(updated)
	return t, decodeJSONColumn(cust, &t.Customer, "token customer")
}

// saveCustomerToken writes back a token's mutable fields.
func saveCustomerToken(ctx context.Context, tx *txn, t kpCustomerToken) error {
	return execOne(ctx, tx, "save customer token", `UPDATE kp_customer_tokens SET status = ?, payment_method_type = ?,
		masked_number = ?, card_brand = ?, card_expiry = ?, behaviour = ?, updated_at = ? WHERE token_id = ?`,
		t.Status, t.PaymentMethodType, t.MaskedNumber, t.CardBrand, t.CardExpiry, t.Behaviour, unix(t.UpdatedAt), t.TokenID)
}

// --- step-ups ---

func insertStepUp(ctx context.Context, tx *txn, id, tokenID string, now time.Time) error {
	return execOne(ctx, tx, "insert step-up", `INSERT INTO kp_step_ups (id, token_id, created_at) VALUES (?, ?, ?)`,
		id, tokenID, unix(now))
}

func stepUpExists(ctx context.Context, q querier, id, tokenID string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM kp_step_ups WHERE id = ? AND token_id = ?`, id, tokenID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("sandbox: step-up: %w", err)
	}
	return n > 0, nil
}

// --- HPP sessions ---

const hppColumns = `id, kp_session_id, status, place_order_mode, merchant_urls_json, categories_json,
	authorization_token, order_id, created_at, updated_at, expires_at`

func insertHPP(ctx context.Context, tx *txn, h hppSession) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO hpp_sessions (`+hppColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		h.ID, h.KPSessionID, h.Status, h.PlaceOrderMode, mustJSON(h.MerchantURLs), mustJSON(h.Categories),
		h.AuthorizationToken, h.OrderID, unix(h.CreatedAt), unix(h.UpdatedAt), unix(h.ExpiresAt))
	if err != nil {
		return fmt.Errorf("sandbox: insert HPP session: %w", err)
	}
	return nil
}

func hppByID(ctx context.Context, q querier, id string) (hppSession, error) {
	var h hppSession
	var urls, cats string
	var created, updated, expires int64
	err := q.QueryRowContext(ctx, `SELECT `+hppColumns+` FROM hpp_sessions WHERE id = ?`, id).Scan(
		&h.ID, &h.KPSessionID, &h.Status, &h.PlaceOrderMode, &urls, &cats, &h.AuthorizationToken, &h.OrderID,
		&created, &updated, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return hppSession{}, fmt.Errorf("sandbox: HPP session: %w", errNotFound)
	}
	if err != nil {
		return hppSession{}, fmt.Errorf("sandbox: HPP session: %w", err)
	}
	h.CreatedAt, h.UpdatedAt, h.ExpiresAt = fromUnix(created), fromUnix(updated), fromUnix(expires)
	return h, errors.Join(decodeJSONColumn(urls, &h.MerchantURLs, "HPP merchant urls"),
		decodeJSONColumn(cats, &h.Categories, "HPP categories"))
}

func saveHPP(ctx context.Context, tx *txn, h hppSession) error {
	return execOne(ctx, tx, "save HPP session", `UPDATE hpp_sessions SET status = ?, authorization_token = ?,
		order_id = ?, updated_at = ? WHERE id = ?`, h.Status, h.AuthorizationToken, h.OrderID, unix(h.UpdatedAt), h.ID)
}

// --- callback events ---

// callbackEvent is one callback to deliver: an HPP status change or a KP authorization callback.
type callbackEvent struct {
	ID           string
	HPPSessionID string // "" for authorization callbacks
	Status       string // the HPP status, or AUTHORIZED
	URL          string
	Body         []byte
	Attempts     int
	MaxAttempts  int
	LastStatus   int
	Delivered    bool
}

func insertEvent(ctx context.Context, tx *txn, e callbackEvent, now time.Time) error {
	return execOne(ctx, tx, "insert callback event", `INSERT INTO hpp_events (event_id, hpp_session_id, status, url,
		body_json, created_at) VALUES (?, ?, ?, ?, ?, ?)`, e.ID, e.HPPSessionID, e.Status, e.URL, string(e.Body), unix(now))
}

// recordAttempt notes one delivery attempt and its HTTP status (0 when no response arrived).
func (s *store) recordAttempt(ctx context.Context, eventID string, status int, delivered bool, now time.Time) error {
	return s.inTx(ctx, func(tx *txn) error {
		var deliveredAt sql.NullInt64
		if delivered {
			deliveredAt = sql.NullInt64{Int64: unix(now), Valid: true}
		}
		return execOne(ctx, tx, "record callback attempt", `UPDATE hpp_events SET attempts = attempts + 1,
			last_status = ?, delivered_at = coalesce(delivered_at, ?) WHERE event_id = ?`, status, deliveredAt, eventID)
	})
}

// eventsOf lists the callback events of an HPP session in creation order.
func (s *store) eventsOf(ctx context.Context, hppSessionID string) ([]callbackEvent, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT event_id, hpp_session_id, status, url, body_json, attempts, last_status,
		delivered_at IS NOT NULL FROM hpp_events WHERE hpp_session_id = ? ORDER BY rowid`, hppSessionID)
	if err != nil {
		return nil, fmt.Errorf("sandbox: callback events: %w", err)
	}
	defer rows.Close()
	var out []callbackEvent
	for rows.Next() {
		var e callbackEvent
		var body string
		if err := rows.Scan(&e.ID, &e.HPPSessionID, &e.Status, &e.URL, &body, &e.Attempts, &e.LastStatus, &e.Delivered); err != nil {
			return nil, fmt.Errorf("sandbox: callback events: %w", err)
		}
		e.Body = []byte(body)
		out = append(out, e)
	}
	return out, rows.Err()
}
