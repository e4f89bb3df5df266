package sandbox

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// purchaseSession is a Payway purchase session (create_session), keyed by its Klarna session id.
type purchaseSession struct {
	KPSessionID                 string
	AccountID                   string
	Code                        string
	PeriodID                    string
	ConfirmationURL             string
	StartDate                   string // YYYY-MM-DD or ""
	DisableAccountInfoOverwrite bool
	Cart                        cart
	State                       string // open | completed
	OrderID                     string // Payway order (24-hex) once completed
	CreatedAt                   time.Time
	ExpiresAt                   time.Time
}

// Purchase session states.
const (
	purchaseOpen      = "open"
	purchaseCompleted = "completed"
)

// newHexID returns a random 24-hex id, Payway's id format.
func newHexID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// insertPurchaseSession stores a new, open purchase session.
func insertPurchaseSession(ctx context.Context, tx *txn, ps purchaseSession) error {
	cartJSON, err := json.Marshal(ps.Cart)
	if err != nil {
		return fmt.Errorf("sandbox: encode cart: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO purchase_sessions (kp_session_id, account_id, code, period_id,
		confirmation_url, start_date, disable_account_info_overwrite, cart_json, state, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ps.KPSessionID, ps.AccountID, ps.Code, ps.PeriodID, ps.ConfirmationURL, ps.StartDate,
		ps.DisableAccountInfoOverwrite, string(cartJSON), purchaseOpen, ps.CreatedAt.Unix(), ps.ExpiresAt.Unix())
	if err != nil {
		return fmt.Errorf("sandbox: insert purchase session: %w", err)
	}
	return nil
}

// purchaseSessionFor loads the account's purchase session; errNotFound when it does not exist or
// belongs to someone else (Payway does not reveal other accounts' sessions).
func (s *store) purchaseSessionFor(ctx context.Context, accountID, kpSessionID string) (purchaseSession, error) {
	var ps purchaseSession
	var cartJSON string
	var created, expires int64
	err := s.r.QueryRowContext(ctx, `SELECT kp_session_id, account_id, code, period_id, confirmation_url, start_date,
		disable_account_info_overwrite, cart_json, state, order_id, created_at, expires_at
		FROM purchase_sessions WHERE kp_session_id = ? AND account_id = ?`, kpSessionID, accountID).Scan(
		&ps.KPSessionID, &ps.AccountID, &ps.Code, &ps.PeriodID, &ps.ConfirmationURL, &ps.StartDate,
		&ps.DisableAccountInfoOverwrite, &cartJSON, &ps.State, &ps.OrderID, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return purchaseSession{}, errNotFound
	}
	if err != nil {
		return purchaseSession{}, fmt.Errorf("sandbox: purchase session: %w", err)
	}
	if err := json.Unmarshal([]byte(cartJSON), &ps.Cart); err != nil {
		return purchaseSession{}, fmt.Errorf("sandbox: decode cart of %s: %w", ps.KPSessionID, err)
	}
	ps.CreatedAt, ps.ExpiresAt = time.Unix(created, 0), time.Unix(expires, 0)
	return ps, nil
}

// paywayOrder is a Payway order with its single payment.
type paywayOrder struct {
	ID                    string // 24-hex
	OrderID               string // SANDBOX-<n>
	AccountID             string
	KPSessionID           string
	Code                  string
	ProductCode           string
	PeriodID              string
	Description           string
	PriceMinor            int64
	VATRate               int64
	IterationType         string
	IterationLength       int
	Trial                 bool
	State                 string // created | closed | failed
	PaymentState          string // created | pending | closed | failed | cancelled
	PaymentMethod         string // Klarna's authorized payment method, e.g. direct_debit
	KlarnaOrderID         string
	ErrorCode             string
	ErrorDescription      string
	TrafficSource         string
	MerchantReference     string
	SubscriptionStartDate string          // YYYY-MM-DD
	DeliveryAddress       deliveryAddress // zero when the order has none
	CreatedAt             time.Time
	UpdatedAt             time.Time
}

// orderNumberBase makes the first order SANDBOX-1001, which reads like a real order number.
const orderNumberBase = 1000

// insertPaywayOrder stores a new order and fills in its ids. The number is allocated inside the writer
// transaction (one writer, IMMEDIATE), so concurrent purchases never share one.
func insertPaywayOrder(ctx context.Context, tx *txn, o *paywayOrder) error {
	o.ID = newHexID()
	addr, err := json.Marshal(o.DeliveryAddress)
	if err != nil {
		return fmt.Errorf("sandbox: encode delivery address: %w", err)
	}
	var seq int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM payway_orders`).Scan(&seq); err != nil {
		return fmt.Errorf("sandbox: order number: %w", err)
	}
	o.OrderID = fmt.Sprintf("SANDBOX-%d", orderNumberBase+seq)
	_, err = tx.ExecContext(ctx, `INSERT INTO payway_orders (seq, id, order_id, account_id, kp_session_id, code,
		product_code, period_id, description, price_minor, vat_rate, iteration_type, iteration_length, trial,
		state, payment_state, traffic_source, merchant_reference, subscription_start_date, delivery_address_json,
		created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		seq, o.ID, o.OrderID, o.AccountID, o.KPSessionID, o.Code, o.ProductCode, o.PeriodID, o.Description,
		o.PriceMinor, o.VATRate, o.IterationType, o.IterationLength, o.Trial, o.State, o.PaymentState,
		o.TrafficSource, o.MerchantReference, o.SubscriptionStartDate, string(addr), o.CreatedAt.Unix(),
		o.CreatedAt.Unix())
	if err != nil {
		return fmt.Errorf("sandbox: insert order: %w", err)
	}
	return nil
}

const paywayOrderColumns = `id, order_id, account_id, kp_session_id, code, product_code, period_id, description, price_minor,
	vat_rate, iteration_type, iteration_length, trial, state, payment_state, payment_method, klarna_order_id,
	error_code, error_description, traffic_source, merchant_reference, subscription_start_date,
	delivery_address_json, created_at, updated_at`

// orderFor loads one of the account's orders by its order_id or its 24-hex id; errNotFound for
// unknown ids and other accounts' orders alike.
func (s *store) orderFor(ctx context.Context, accountID, id string) (paywayOrder, error) {
	o, err := scanOrder(s.r.QueryRowContext(ctx, `SELECT `+paywayOrderColumns+` FROM payway_orders
		WHERE (order_id = ? OR id = ?) AND account_id = ?`, id, id, accountID))
	if errors.Is(err, sql.ErrNoRows) {
		return paywayOrder{}, errNotFound
	}
	if err != nil {
		return paywayOrder{}, fmt.Errorf("sandbox: order: %w", err)
	}
	return o, nil
}

// ordersOfAccount lists every order of the account in any state (created, closed, failed), newest
// first; seq breaks ties within the same second. An account without orders gives an empty list.
func (s *store) ordersOfAccount(ctx context.Context, accountID string) ([]paywayOrder, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+paywayOrderColumns+` FROM payway_orders
		WHERE account_id = ? ORDER BY created_at DESC, seq DESC`, accountID)
	if err != nil {
		return nil, fmt.Errorf("sandbox: orders of account: %w", err)
	}
	defer rows.Close()
	orders := []paywayOrder{}
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, fmt.Errorf("sandbox: orders of account: %w", err)
		}
		orders = append(orders, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sandbox: orders of account: %w", err)
	}
	return orders, nil
}

// scanOrder reads one row of paywayOrderColumns.
func scanOrder(row interface{ Scan(...any) error }) (paywayOrder, error) {
	var o paywayOrder
	var addr string
	var created, updated int64
	err := row.Scan(
		&o.ID, &o.OrderID, &o.AccountID, &o.KPSessionID, &o.Code, &o.ProductCode, &o.PeriodID, &o.Description,
		&o.PriceMinor, &o.VATRate, &o.IterationType, &o.IterationLength, &o.Trial, &o.State, &o.PaymentState,
		&o.PaymentMethod, &o.KlarnaOrderID, &o.ErrorCode, &o.ErrorDescription, &o.TrafficSource,
		&o.MerchantReference, &o.SubscriptionStartDate, &addr, &created, &updated)
	if err != nil {
		return paywayOrder{}, err
	}
	if err := json.Unmarshal([]byte(addr), &o.DeliveryAddress); err != nil {
		return paywayOrder{}, fmt.Errorf("decode delivery address of %s: %w", o.ID, err)
	}
	o.CreatedAt, o.UpdatedAt = time.Unix(created, 0), time.Unix(updated, 0)
	return o, nil
}

// userProduct is a subscription row.
type userProduct struct {
	ID                 string
	AccountID          string
	OrderID            string // Payway order, 24-hex
	ProductCode        string
	Code               string
	Campaign           bool
	State              string // activated | pending | terminated
	ValidFrom, ValidTo time.Time
	CancellationReason string
}

func insertUserProduct(ctx context.Context, tx *txn, up userProduct, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO user_products (id, account_id, order_id, product_code, code, campaign,
		state, valid_from, valid_to, cancellation_reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		newHexID(), up.AccountID, up.OrderID, up.ProductCode, up.Code, up.Campaign, up.State, up.ValidFrom.Unix(),
		up.ValidTo.Unix(), up.CancellationReason, now.Unix())
	if err != nil {
		return fmt.Errorf("sandbox: insert user product: %w", err)
	}
	return nil
}

// userProducts lists an account's subscriptions, oldest first (tests and support read them).
func (s *store) userProducts(ctx context.Context, accountID string) ([]userProduct, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, account_id, order_id, product_code, code, campaign, state,
		valid_from, valid_to, cancellation_reason FROM user_products WHERE account_id = ? ORDER BY created_at, rowid`, accountID)
	if err != nil {
		return nil, fmt.Errorf("sandbox: user products: %w", err)
	}
	defer rows.Close()
	var ups []userProduct
	for rows.Next() {
		var up userProduct
		var from, to int64
		if err := rows.Scan(&up.ID, &up.AccountID, &up.OrderID, &up.ProductCode, &up.Code, &up.Campaign, &up.State,
			&from, &to, &up.CancellationReason); err != nil {
			return nil, fmt.Errorf("sandbox: user products: %w", err)
		}
		up.ValidFrom, up.ValidTo = time.Unix(from, 0), time.Unix(to, 0)
		ups = append(ups, up)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sandbox: user products: %w", err)
	}
	return ups, nil
}

// failPaywayOrder records a failed first payment (order and payment failed) and, when Payway terminates
// the subscription (its action on 403 payment method failed), the terminated user product.
func failPaywayOrder(ctx context.Context, tx *txn, orderID, code, description string, terminated *userProduct, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE payway_orders SET state = 'failed', payment_state = 'failed',
		error_code = ?, error_description = ?, updated_at = ? WHERE id = ?`, code, description, now.Unix(), orderID)
	if err != nil {
		return fmt.Errorf("sandbox: fail order: %w", err)
	}
	if terminated == nil {
		return nil
	}
	return insertUserProduct(ctx, tx, *terminated, now)
}

// completion is everything a successful place_order writes in one transaction, so a purchase is
// either fully recorded or not at all.
type completion struct {
	Order         paywayOrder // with PaymentMethod and KlarnaOrderID set
	Subscription  userProduct
	CustomerToken string
	Sync          *accountSync // nil: no account update
}

// errSessionCompleted reports that another place_order completed the session first.
var errSessionCompleted = errors.New("sandbox: purchase session already completed")

// completePurchase closes the order, creates the subscription, grants access, saves the payment profile,
// updates the account and completes the session. errSessionCompleted: another place_order completed the
// session first (the caller rolls back). The caller drops a synced account from the account cache once
// the transaction has ended.
func completePurchase(ctx context.Context, tx *txn, c completion, now time.Time) error {
	addr, err := json.Marshal(c.Order.DeliveryAddress)
	if err != nil {
		return fmt.Errorf("sandbox: encode delivery address: %w", err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE purchase_sessions SET state = 'completed', order_id = ?, completed_at = ?
		WHERE kp_session_id = ? AND state = 'open'`, c.Order.ID, now.Unix(), c.Order.KPSessionID)
	if err != nil {
		return fmt.Errorf("sandbox: complete session: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(errSessionCompleted, err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE payway_orders SET state = 'closed', payment_state = 'closed',
		payment_method = ?, klarna_order_id = ?, delivery_address_json = ?, updated_at = ? WHERE id = ?`,
		c.Order.PaymentMethod, c.Order.KlarnaOrderID, string(addr), now.Unix(), c.Order.ID)
	if err != nil {
		return fmt.Errorf("sandbox: close order: %w", err)
	}
	if err := insertUserProduct(ctx, tx, c.Subscription, now); err != nil {
		return err
	}
	// Every catalogue period is recurring: access lasts until the subscription is cancelled, which
	// the sandbox does not emulate, so the grant is open-ended from the subscription start.
	if err := grantProduct(ctx, tx, c.Order.AccountID, c.Order.ProductCode, c.Subscription.ValidFrom); err != nil {
		return err
	}
	if err := upsertPaymentProfile(ctx, tx, c.Order.AccountID, c.CustomerToken, now); err != nil {
		return err
	}
	if c.Sync == nil {
		return nil
	}
	syncedAddr, err := json.Marshal(c.Sync.Address)
	if err != nil {
		return fmt.Errorf("sandbox: encode address: %w", err)
	}
	return updateAccountDetails(ctx, tx, c.Order.AccountID, *c.Sync, string(syncedAddr), now)
}

// accountSync is the account after Payway's update from the Klarna customer.
type accountSync struct {
	FirstName, LastName, BirthDate, SocialSecurityNumber, MobilePhoneNumber string
	Address                                                                 Address
}

// updateAccountDetails writes the synced account; addressJSON is a.Address encoded (before the
// transaction).
func updateAccountDetails(ctx context.Context, tx *txn, accountID string, a accountSync, addressJSON string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE accounts SET first_name = ?, last_name = ?, birth_date = ?,
		social_security_number = ?, mobile_phone_number = ?, address_json = ?, updated_at = ? WHERE id = ?`,
		a.FirstName, a.LastName, a.BirthDate, a.SocialSecurityNumber, a.MobilePhoneNumber, addressJSON, now.Unix(), accountID)
	if err != nil {
		return fmt.Errorf("sandbox: update account %s: %w", accountID, err)
	}
	return nil
}

// paymentProfile is the account's saved Klarna payment.
type paymentProfile struct {
	PaymentOption       string
	KlarnaCustomerToken string
	UpdatedAt           time.Time
}

func upsertPaymentProfile(ctx context.Context, tx *txn, accountID, customerToken string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO payment_profiles (account_id, payment_option, klarna_customer_token, updated_at)
		VALUES (?, 'klarna_payments', ?, ?)
		ON CONFLICT (account_id) DO UPDATE SET payment_option = excluded.payment_option,
			klarna_customer_token = excluded.klarna_customer_token, updated_at = excluded.updated_at
		WHERE klarna_customer_token != excluded.klarna_customer_token`,
		accountID, customerToken, now.Unix())
	if err != nil {
		return fmt.Errorf("sandbox: save payment profile of %s: %w", accountID, err)
	}
	return nil
}

func (s *store) paymentProfile(ctx context.Context, accountID string) (paymentProfile, error) {
	var p paymentProfile
	var updated int64
	err := s.r.QueryRowContext(ctx, `SELECT payment_option, klarna_customer_token, updated_at FROM payment_profiles
		WHERE account_id = ?`, accountID).Scan(&p.PaymentOption, &p.KlarnaCustomerToken, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return paymentProfile{}, errNotFound
	}
	if err != nil {
		return paymentProfile{}, fmt.Errorf("sandbox: payment profile: %w", err)
	}
	p.UpdatedAt = time.Unix(updated, 0)
	return p, nil
}

// purchaseBehaviour is how place_order treats the account (Persona.Purchase); "" for ordinary ones.
func (s *store) purchaseBehaviour(ctx context.Context, accountID string) (string, error) {
	var b string
	err := s.r.QueryRowContext(ctx, `SELECT behaviour FROM purchase_behaviours WHERE account_id = ?`, accountID).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("sandbox: purchase behaviour: %w", err)
	}
	return b, nil
}

// hasActiveProduct reports whether the account has access to product at now.
func (s *store) hasActiveProduct(ctx context.Context, accountID, product string, now time.Time) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM account_products WHERE account_id = ? AND product_code = ?
		AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)`, accountID, product, now.Unix(), now.Unix()).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("sandbox: active product: %w", err)
	}
	return n > 0, nil
}

// seedPaymentProfile records how a subscriber persona's subscription is paid: the subscription token
// Payway keeps for it (seeded on the Klarna side). An existing profile is left alone, like the Klarna
// token: it may come from sandbox activity (a purchase), which survives restarts; POST /sandbox/v1/reset
// brings the seed back. A profile an older sandbox seeded with the persona's one-click token (the app's
// now) is moved to the subscription token.
func seedPaymentProfile(ctx context.Context, tx *txn, p Persona, now time.Time) error {
	if p.KlarnaToken == nil {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO payment_profiles (account_id, payment_option, klarna_customer_token, updated_at)
		VALUES (?, 'klarna_payments', ?, ?) ON CONFLICT (account_id) DO UPDATE
		SET klarna_customer_token = excluded.klarna_customer_token
		WHERE payment_profiles.klarna_customer_token = ?`,
		personaID(p.Email), personaSubscriptionTokenID(p.Email), now.Add(-personaProductsSince).Unix(), p.KlarnaToken.TokenID)
	if err != nil {
		return fmt.Errorf("sandbox: seed payment profile: %w", err)
	}
	return nil
}

// seedPurchaseBehaviour records Persona.Purchase, keeping the table in line with the code.
func seedPurchaseBehaviour(ctx context.Context, tx *txn, p Persona, _ time.Time) error {
	var err error
	if p.Purchase == "" {
		_, err = tx.ExecContext(ctx, `DELETE FROM purchase_behaviours WHERE account_id = ?`, personaID(p.Email))
	} else {
		_, err = tx.ExecContext(ctx, `INSERT INTO purchase_behaviours (account_id, behaviour) VALUES (?, ?)
			ON CONFLICT (account_id) DO UPDATE SET behaviour = excluded.behaviour`, personaID(p.Email), p.Purchase)
	}
	if err != nil {
		return fmt.Errorf("sandbox: seed purchase behaviour: %w", err)
	}
	return nil
}
