package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/paywall/paywall/checkout"
)

// claim keeps purchase_claims in step with a purchase saved as after where it was before: entering an
// in-flight state (checkout.InFlight) inserts the account's claim on the product, which the primary key
// refuses while another purchase holds it (checkout.ErrInFlight, and the caller's transaction is rolled
// back); leaving it deletes the claim.
func claim(ctx context.Context, tx *writeTx, before, after checkout.Purchase) error {
	was, is := checkout.InFlight(before.State), checkout.InFlight(after.State)
	switch {
	case !was && is:
		res, err := tx.ExecContext(ctx, `INSERT INTO purchase_claims (account_id, product, purchase_id, claimed_at)
			VALUES (?, ?, ?, ?) ON CONFLICT (account_id, product) DO NOTHING`,
			after.AccountID, after.Product, after.ID, after.UpdatedAt.Unix())
		if err != nil {
			return fmt.Errorf("store: claim %s: %w", after.Product, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return checkout.ErrInFlight
		}
	case was && !is:
		if _, err := tx.ExecContext(ctx, `DELETE FROM purchase_claims WHERE purchase_id = ?`, after.ID); err != nil {
			return fmt.Errorf("store: release claim: %w", err)
		}
	}
	return nil
}

// errPurchaseNotFound is both the store's ErrNotFound and the domain's checkout.ErrNotFound, so callers
// of either layer recognise a missing purchase.
var errPurchaseNotFound = fmt.Errorf("%w: %w", ErrNotFound, checkout.ErrNotFound)

const purchaseColumns = `id, account_id, offer_id, code, period_id, trial, return_path, klarna_session_id,
	client_token, categories_json, state, failure_code, authorization_token, order_id, redirect_uri,
	expires_at, created_at, updated_at, product, chosen_category`

// CreatePurchase stores a new purchase with its first timeline event.
func (db *DB) CreatePurchase(ctx context.Context, p checkout.Purchase) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("store: create purchase: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := insertPurchase(ctx, tx, p); err != nil {
		return fmt.Errorf("store: create purchase: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: create purchase: commit: %w", err)
	}
	return nil
}

// insertPurchase writes a new purchase and its first timeline event (checkout.PurchaseCreated) in tx.
func insertPurchase(ctx context.Context, tx *writeTx, p checkout.Purchase) error {
	cats, err := categoriesJSON(p.Categories)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO purchases (`+purchaseColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.AccountID, p.OfferID, p.Code, p.PeriodID, p.Trial, p.ReturnPath, p.KlarnaSessionID,
		p.ClientToken, cats, p.State, p.FailureCode, p.AuthorizationToken, p.OrderID, p.RedirectURI,
		p.ExpiresAt.Unix(), p.CreatedAt.Unix(), p.UpdatedAt.Unix(), p.Product, p.ChosenCategory)
	if err != nil {
		return err
	}
	return insertEvent(ctx, tx, checkout.PurchaseCreated(p))
}

// Purchase reads one purchase, or an error wrapping ErrNotFound.
//
// Served from memory (DB.purchases) for purchaseCacheTTL: UpdatePurchase replaces the entry on every write.
func (db *DB) Purchase(ctx context.Context, id string) (checkout.Purchase, error) {
	return db.purchases.Get(ctx, id, func(ctx context.Context) (checkout.Purchase, error) { return db.readPurchase(ctx, id) })
}

// purchaseCacheTTL bounds how long a purchase is served from memory. Writes replace entries at once, so it
// only matters for a write made by another process on the same file (none in one deployment).
const purchaseCacheTTL = 30 * time.Second

// purchaseCacheMax bounds how many purchases are held. A purchase is hot for the seconds of its journey
// (checkout page, order, device hop, confirmation); the TTL alone let every purchase of the last 30 s stay
// (7 MB at 300 journeys/s, with the same effect on the collector as sessionCacheMax describes). One
// beyond the bound is read from SQLite.
const purchaseCacheMax = 1024

// readPurchase reads a purchase from the database.
func (db *DB) readPurchase(ctx context.Context, id string) (checkout.Purchase, error) {
	p, err := db.scanPurchase(db.queryRow(ctx, `SELECT `+purchaseColumns+` FROM purchases WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return checkout.Purchase{}, fmt.Errorf("store: purchase: %w", errPurchaseNotFound)
	}
	if err != nil {
		return checkout.Purchase{}, fmt.Errorf("store: purchase: %w", err)
	}
	return p, nil
}

// OpenOrCreatePurchase returns, in one IMMEDIATE transaction, the customer's newest purchase of fresh's
// offer that is still created and unexpired (created false), or inserts fresh (created true). Because the
// single writer serialises these transactions, concurrent "buy" clicks for one offer share one purchase,
// and so one Payway session: only the request that created it opens the session.
func (db *DB) OpenOrCreatePurchase(ctx context.Context, fresh checkout.Purchase, now time.Time) (checkout.Purchase, bool, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return checkout.Purchase{}, false, fmt.Errorf("store: open purchase: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	open, err := db.scanPurchase(tx.QueryRowContext(ctx, `SELECT `+purchaseColumns+` FROM purchases
		WHERE account_id = ? AND offer_id = ? AND state = ? AND expires_at > ?
		ORDER BY created_at DESC, rowid DESC LIMIT 1`, fresh.AccountID, fresh.OfferID, checkout.StateCreated, now.Unix()))
	switch {
	case err == nil:
		return open, false, nil
	case !errors.Is(err, sql.ErrNoRows):
		return checkout.Purchase{}, false, fmt.Errorf("store: open purchase: %w", err)
	}
	if err := insertPurchase(ctx, tx, fresh); err != nil {
		return checkout.Purchase{}, false, fmt.Errorf("store: open purchase: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return checkout.Purchase{}, false, fmt.Errorf("store: open purchase: commit: %w", err)
	}
	return fresh, true, nil
}

// UpdatePurchase reads the purchase and applies fn to it inside one IMMEDIATE transaction, then saves it
// with events (the API exchanges that led to the change) and the timeline event of its state change
// (checkout.PurchaseChange), if any, in the same transaction.
// Because the single writer serialises these transactions, fn sees the latest state: that is what makes a
// double click or a second tab see "placing" and back off. An error from fn aborts without saving and is
// returned as is.
func (db *DB) UpdatePurchase(ctx context.Context, id string, fn func(*checkout.Purchase) error, events ...checkout.Event) (checkout.Purchase, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return checkout.Purchase{}, fmt.Errorf("store: update purchase: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	p, err := db.scanPurchase(tx.QueryRowContext(ctx, `SELECT `+purchaseColumns+` FROM purchases WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return checkout.Purchase{}, fmt.Errorf("store: update purchase: %w", errPurchaseNotFound)
	}
	if err != nil {
		return checkout.Purchase{}, fmt.Errorf("store: update purchase: %w", err)
	}
	before := p
	if err := fn(&p); err != nil {
		return checkout.Purchase{}, err
	}
	p.ForgetSecrets()
	cats, err := db.categories.encode(p.Categories)
	if err != nil {
		return checkout.Purchase{}, fmt.Errorf("store: update purchase: %w", err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE purchases SET klarna_session_id = ?, client_token = ?, categories_json = ?,
		state = ?, failure_code = ?, authorization_token = ?, order_id = ?, redirect_uri = ?, expires_at = ?,
		updated_at = ?, chosen_category = ? WHERE id = ?`,
		p.KlarnaSessionID, p.ClientToken, cats, p.State, p.FailureCode, p.AuthorizationToken, p.OrderID,
		p.RedirectURI, p.ExpiresAt.Unix(), p.UpdatedAt.Unix(), p.ChosenCategory, p.ID)
	if err != nil {
		return checkout.Purchase{}, fmt.Errorf("store: update purchase: %w", err)
	}
	if err := claim(ctx, tx, before, p); err != nil {
		return checkout.Purchase{}, err
	}
	for _, e := range events { // the exchanges that led to the change come before it on the timeline
		if err := insertEvent(ctx, tx, e); err != nil {
			return checkout.Purchase{}, fmt.Errorf("store: update purchase: %w", err)
		}
	}
	if ev := checkout.PurchaseChange(before, p); ev != nil {
		if err := insertEvent(ctx, tx, *ev); err != nil {
			return checkout.Purchase{}, fmt.Errorf("store: update purchase: %w", err)
		}
	}
	// The next writer can commit as soon as this commit returns: the purchase goes into memory before it
	// may (purchaseWrites), or memory could keep this older purchase after the next one. The statements
	// are prepared after the unlock (the deferred Rollback): the next writer holds the connection then.
	db.purchaseWrites.Lock()
	defer db.purchaseWrites.Unlock()
	if err := tx.commitFirst(); err != nil {
		db.purchases.Delete(id) // committed or not: the next read asks the database
		return checkout.Purchase{}, fmt.Errorf("store: update purchase: commit: %w", err)
	}
	db.purchases.Set(id, p)
	return p, nil
}

func (db *DB) scanPurchase(s scanner) (checkout.Purchase, error) {
	var (
		p                         checkout.Purchase
		cats                      string
		expires, created, updated int64
	)
	err := s.Scan(&p.ID, &p.AccountID, &p.OfferID, &p.Code, &p.PeriodID, &p.Trial, &p.ReturnPath, &p.KlarnaSessionID,
		&p.ClientToken, &cats, &p.State, &p.FailureCode, &p.AuthorizationToken, &p.OrderID, &p.RedirectURI,
		&expires, &created, &updated, &p.Product, &p.ChosenCategory)
	if err != nil {
		return checkout.Purchase{}, err
	}
	if p.Categories, err = db.categories.decode(cats); err != nil {
		return checkout.Purchase{}, err
	}
	p.ExpiresAt, p.CreatedAt, p.UpdatedAt = time.Unix(expires, 0).UTC(), time.Unix(created, 0).UTC(), time.Unix(updated, 0).UTC()
	return p, nil
}

// AddEvent appends an event to a purchase's timeline: an API exchange, or a note. State changes are
// written by the methods that change the state.
func (db *DB) AddEvent(ctx context.Context, e checkout.Event) error {
	if err := insertEvent(ctx, preparedWriter{db}, e); err != nil {
		return fmt.Errorf("store: add event: %w", err)
	}
	return nil
}

func insertEvent(ctx context.Context, x execer, e checkout.Event) error {
	ids, err := json.Marshal(e.IDs)
	if err != nil {
		return fmt.Errorf("event ids: %w", err)
	}
	if e.IDs == nil {
		ids = []byte("{}")
	}
	_, err = x.ExecContext(ctx, `INSERT INTO purchase_events
		(purchase_id, at, kind, from_state, to_state, call, service, method, path, status, duration_ms, request,
		response, ids_json, message)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.PurchaseID, e.At.UnixMilli(), e.Kind, e.From, e.To, e.Call, e.Service, e.Method, e.Path, e.Status,
		e.Duration.Milliseconds(), e.Request, e.Response, string(ids), e.Note)
	if err != nil {
		return fmt.Errorf("insert event: %w", err)
	}
	return nil
}

// Events returns a purchase's timeline, oldest first.
func (db *DB) Events(ctx context.Context, purchaseID string) ([]checkout.Event, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT id, purchase_id, at, kind, from_state, to_state, call, service,
		method, path, status, duration_ms, request, response, ids_json, message
		FROM purchase_events WHERE purchase_id = ? ORDER BY id`, purchaseID)
	if err != nil {
		return nil, fmt.Errorf("store: events: %w", err)
	}
	defer rows.Close()
	var out []checkout.Event
	for rows.Next() {
		var (
			e      checkout.Event
			at, ms int64
			ids    string
		)
		if err := rows.Scan(&e.ID, &e.PurchaseID, &at, &e.Kind, &e.From, &e.To, &e.Call, &e.Service, &e.Method,
			&e.Path, &e.Status, &ms, &e.Request, &e.Response, &ids, &e.Note); err != nil {
			return nil, fmt.Errorf("store: events: %w", err)
		}
		if err := json.Unmarshal([]byte(ids), &e.IDs); err != nil {
			return nil, fmt.Errorf("store: events: ids of event %d: %w", e.ID, err)
		}
		if len(e.IDs) == 0 {
			e.IDs = nil
		}
		e.At, e.Duration = time.UnixMilli(at).UTC(), time.Duration(ms)*time.Millisecond
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: events: %w", err)
	}
	return out, nil
}
