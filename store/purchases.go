package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Purchase states. The checkout package owns the rules between them; the store only keeps them.
const (
	StateCreated   = "created"
	StatePlacing   = "placing"
	StatePlaced    = "placed"
	StateConfirmed = "confirmed"
	StateFailed    = "failed"
	StateExpired   = "expired"
)

// Purchase is one customer's subscription purchase journey.
type Purchase struct {
	ID                 string // random and opaque: the only id in URLs
	AccountID          string // Payway account of the owner
	OfferID            string
	Code               string // Payway package or campaign code
	PeriodID           string
	Trial              bool
	ReturnPath         string // the article the reader came from
	KlarnaSessionID    string
	ClientToken        string
	Categories         []string // Klarna payment_method_categories identifiers
	State              string
	FailureCode        string
	AuthorizationToken string
	OrderID            string
	RedirectURI        string // Klarna device recognition, from place_order
	ExpiresAt          time.Time
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// NewPurchaseID returns 20 random bytes as unpadded base32hex: unguessable and URL-safe.
func NewPurchaseID() (string, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("store: purchase id: %w", err)
	}
	return base32.HexEncoding.WithPadding(base32.NoPadding).EncodeToString(b), nil
}

const purchaseColumns = `id, account_id, offer_id, code, period_id, trial, return_path, klarna_session_id,
	client_token, categories_json, state, failure_code, authorization_token, order_id, redirect_uri,
	expires_at, created_at, updated_at`

// CreatePurchase stores a new purchase.
func (db *DB) CreatePurchase(ctx context.Context, p Purchase) error {
	cats, err := json.Marshal(nonNil(p.Categories))
	if err != nil {
		return fmt.Errorf("store: create purchase: %w", err)
	}
	_, err = db.writer.ExecContext(ctx, `INSERT INTO purchases (`+purchaseColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.AccountID, p.OfferID, p.Code, p.PeriodID, p.Trial, p.ReturnPath, p.KlarnaSessionID,
		p.ClientToken, string(cats), p.State, p.FailureCode, p.AuthorizationToken, p.OrderID, p.RedirectURI,
		p.ExpiresAt.Unix(), p.CreatedAt.Unix(), p.UpdatedAt.Unix())
	if err != nil {
		return fmt.Errorf("store: create purchase: %w", err)
	}
	return nil
}

// Purchase reads one purchase, or an error wrapping ErrNotFound.
func (db *DB) Purchase(ctx context.Context, id string) (Purchase, error) {
	p, err := scanPurchase(db.reader.QueryRowContext(ctx, `SELECT `+purchaseColumns+` FROM purchases WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Purchase{}, fmt.Errorf("store: purchase: %w", ErrNotFound)
	}
	if err != nil {
		return Purchase{}, fmt.Errorf("store: purchase: %w", err)
	}
	return p, nil
}

// OpenPurchase finds the customer's newest purchase of an offer that is still created and unexpired, so a
// second click on "buy" reuses its Payway session instead of opening another.
func (db *DB) OpenPurchase(ctx context.Context, accountID, offerID string, now time.Time) (Purchase, error) {
	p, err := scanPurchase(db.reader.QueryRowContext(ctx, `SELECT `+purchaseColumns+` FROM purchases
		WHERE account_id = ? AND offer_id = ? AND state = ? AND expires_at > ?
		ORDER BY created_at DESC, rowid DESC LIMIT 1`, accountID, offerID, StateCreated, now.Unix()))
	if errors.Is(err, sql.ErrNoRows) {
		return Purchase{}, fmt.Errorf("store: open purchase: %w", ErrNotFound)
	}
	if err != nil {
		return Purchase{}, fmt.Errorf("store: open purchase: %w", err)
	}
	return p, nil
}

// UpdatePurchase reads the purchase and applies fn to it inside one IMMEDIATE transaction, then saves it.
// Because the single writer serialises these transactions, fn sees the latest state: that is what makes a
// double click or a second tab see "placing" and back off. An error from fn aborts without saving and is
// returned as is.
func (db *DB) UpdatePurchase(ctx context.Context, id string, fn func(*Purchase) error) (Purchase, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return Purchase{}, fmt.Errorf("store: update purchase: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	p, err := scanPurchase(tx.QueryRowContext(ctx, `SELECT `+purchaseColumns+` FROM purchases WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Purchase{}, fmt.Errorf("store: update purchase: %w", ErrNotFound)
	}
	if err != nil {
		return Purchase{}, fmt.Errorf("store: update purchase: %w", err)
	}
	if err := fn(&p); err != nil {
		return Purchase{}, err
	}
	cats, err := json.Marshal(nonNil(p.Categories))
	if err != nil {
		return Purchase{}, fmt.Errorf("store: update purchase: %w", err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE purchases SET klarna_session_id = ?, client_token = ?, categories_json = ?,
		state = ?, failure_code = ?, authorization_token = ?, order_id = ?, redirect_uri = ?, expires_at = ?,
		updated_at = ? WHERE id = ?`,
		p.KlarnaSessionID, p.ClientToken, string(cats), p.State, p.FailureCode, p.AuthorizationToken, p.OrderID,
		p.RedirectURI, p.ExpiresAt.Unix(), p.UpdatedAt.Unix(), p.ID)
	if err != nil {
		return Purchase{}, fmt.Errorf("store: update purchase: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return Purchase{}, fmt.Errorf("store: update purchase: commit: %w", err)
	}
	return p, nil
}

func scanPurchase(s scanner) (Purchase, error) {
	var (
		p                         Purchase
		cats                      string
		expires, created, updated int64
	)
	err := s.Scan(&p.ID, &p.AccountID, &p.OfferID, &p.Code, &p.PeriodID, &p.Trial, &p.ReturnPath, &p.KlarnaSessionID,
		&p.ClientToken, &cats, &p.State, &p.FailureCode, &p.AuthorizationToken, &p.OrderID, &p.RedirectURI,
		&expires, &created, &updated)
	if err != nil {
		return Purchase{}, err
	}
	if err := json.Unmarshal([]byte(cats), &p.Categories); err != nil {
		return Purchase{}, fmt.Errorf("categories: %w", err)
	}
	p.ExpiresAt, p.CreatedAt, p.UpdatedAt = time.Unix(expires, 0).UTC(), time.Unix(created, 0).UTC(), time.Unix(updated, 0).UTC()
	return p, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Event kinds.
const (
	EventState = "state"
	EventAPI   = "api"
)

// Event is one line of a purchase's timeline. Bodies are masked by the API clients before they get here.
type Event struct {
	ID         int64
	PurchaseID string
	At         time.Time
	Kind       string // EventState or EventAPI
	Service    string // payway, klarna
	Method     string
	Path       string
	Status     int
	Duration   time.Duration
	Request    string
	Response   string
	Message    string // "created -> placing", or an error
}

// AddEvent appends an event to a purchase's timeline.
func (db *DB) AddEvent(ctx context.Context, e Event) error {
	_, err := db.writer.ExecContext(ctx, `INSERT INTO purchase_events
		(purchase_id, at, kind, service, method, path, status, duration_ms, request, response, message)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.PurchaseID, e.At.UnixMilli(), e.Kind, e.Service, e.Method, e.Path, e.Status, e.Duration.Milliseconds(),
		e.Request, e.Response, e.Message)
	if err != nil {
		return fmt.Errorf("store: add event: %w", err)
	}
	return nil
}

// Events returns a purchase's timeline, oldest first.
func (db *DB) Events(ctx context.Context, purchaseID string) ([]Event, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT id, purchase_id, at, kind, service, method, path, status,
		duration_ms, request, response, message FROM purchase_events WHERE purchase_id = ? ORDER BY id`, purchaseID)
	if err != nil {
		return nil, fmt.Errorf("store: events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var (
			e      Event
			at, ms int64
		)
		if err := rows.Scan(&e.ID, &e.PurchaseID, &at, &e.Kind, &e.Service, &e.Method, &e.Path, &e.Status, &ms,
			&e.Request, &e.Response, &e.Message); err != nil {
			return nil, fmt.Errorf("store: events: %w", err)
		}
		e.At, e.Duration = time.UnixMilli(at).UTC(), time.Duration(ms)*time.Millisecond
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: events: %w", err)
	}
	return out, nil
}
