package sandbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// account is a Payway account row.
type account struct {
	ID                   string
	Email                string
	PasswordSHA256       string
	Status               string
	Verified             bool
	CustomerNumber       string
	FirstName            string
	LastName             string
	MobilePhoneNumber    string
	BirthDate            string
	SocialSecurityNumber string
	Address              Address
}

const accountColumns = `id, email, password_sha256, status, verified, customer_number, first_name, last_name,
	mobile_phone_number, birth_date, social_security_number, address_json`

func scanAccount(row interface{ Scan(...any) error }) (account, error) {
	var a account
	var addr string
	err := row.Scan(&a.ID, &a.Email, &a.PasswordSHA256, &a.Status, &a.Verified, &a.CustomerNumber,
		&a.FirstName, &a.LastName, &a.MobilePhoneNumber, &a.BirthDate, &a.SocialSecurityNumber, &addr)
	if errors.Is(err, sql.ErrNoRows) {
		return account{}, errNotFound
	}
	if err != nil {
		return account{}, err
	}
	if err := json.Unmarshal([]byte(addr), &a.Address); err != nil {
		return account{}, fmt.Errorf("decode address of %s: %w", a.ID, err)
	}
	return a, nil
}

// accountByEmail finds an account by e-mail, case-insensitively (as logins are). The row goes into the
// account cache (store.accounts): after the password grant the login's next call is Me, which then reads
// no row.
func (s *store) accountByEmail(ctx context.Context, email string) (account, error) {
	gen := s.accounts.generation()
	a, err := scanAccount(s.r.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE email = ?`, email))
	if err != nil {
		return account{}, fmt.Errorf("sandbox: account by email: %w", err)
	}
	s.accounts.put(gen, a)
	return a, nil
}

// accountExists reports whether there is an account with the id, for routes that need only the
// identity behind a token, not the account's details. A cached account exists: accounts are only
// removed by a reset, which empties the cache.
func (s *store) accountExists(ctx context.Context, id string) (bool, error) {
	if _, ok := s.accounts.get(id); ok {
		return true, nil
	}
	var one int
	err := s.r.QueryRowContext(ctx, `SELECT 1 FROM accounts WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("sandbox: account exists: %w", err)
	}
	return true, nil
}

// accountByID finds an account by its 24-hex id, in the account cache first (store.accounts).
func (s *store) accountByID(ctx context.Context, id string) (account, error) {
	if a, ok := s.accounts.get(id); ok {
		return a, nil
	}
	gen := s.accounts.generation()
	a, err := scanAccount(s.r.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, id))
	if err != nil {
		return account{}, fmt.Errorf("sandbox: account by id: %w", err)
	}
	s.accounts.put(gen, a)
	return a, nil
}

// upsertAccount inserts or updates an account by e-mail, keeping its id stable.
func upsertAccount(ctx context.Context, tx *txn, a account, now time.Time) error {
	addr, err := json.Marshal(a.Address)
	if err != nil {
		return fmt.Errorf("sandbox: encode address: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO accounts (`+accountColumns+`, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (email) DO UPDATE SET
			password_sha256 = excluded.password_sha256, status = excluded.status, verified = excluded.verified,
			customer_number = excluded.customer_number, first_name = excluded.first_name,
			last_name = excluded.last_name, mobile_phone_number = excluded.mobile_phone_number,
			birth_date = excluded.birth_date, social_security_number = excluded.social_security_number,
			address_json = excluded.address_json, updated_at = excluded.updated_at`,
		a.ID, a.Email, a.PasswordSHA256, a.Status, a.Verified, a.CustomerNumber, a.FirstName, a.LastName,
		a.MobilePhoneNumber, a.BirthDate, a.SocialSecurityNumber, string(addr), now.Unix(), now.Unix())
	if err != nil {
		return fmt.Errorf("sandbox: upsert account %s: %w", a.Email, err)
	}
	return nil
}

// grantProduct gives an account access to a product from validFrom on, open-ended, unless it already
// has an open-ended grant of that product.
func grantProduct(ctx context.Context, tx *txn, accountID, product string, validFrom time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO account_products (account_id, product_code, valid_from, valid_to)
		SELECT ?, ?, ?, NULL WHERE NOT EXISTS (
			SELECT 1 FROM account_products WHERE account_id = ? AND product_code = ? AND valid_to IS NULL)`,
		accountID, product, validFrom.Unix(), accountID, product)
	if err != nil {
		return fmt.Errorf("sandbox: grant %s to %s: %w", product, accountID, err)
	}
	return nil
}

// activeProducts lists the product codes an account has access to at now, sorted, never nil;
// errNotFound when there is no such account. It is the read of every subscriber's article view, so it
// is one query: the account's row joined to its grants (one row of NULL when it has none, no row when
// the account does not exist), instead of loading the whole account first.
func (s *store) activeProducts(ctx context.Context, accountID string, now time.Time) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT p.product_code FROM accounts a
		LEFT JOIN account_products p ON p.account_id = a.id AND p.valid_from <= ? AND (p.valid_to IS NULL OR p.valid_to > ?)
		WHERE a.id = ? ORDER BY p.product_code`, now.Unix(), now.Unix(), accountID)
	if err != nil {
		return nil, fmt.Errorf("sandbox: active products: %w", err)
	}
	defer rows.Close()
	found := false
	products := []string{}
	for rows.Next() {
		found = true
		var code sql.NullString
		if err := rows.Scan(&code); err != nil {
			return nil, fmt.Errorf("sandbox: active products: %w", err)
		}
		if code.Valid {
			products = append(products, code.String)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sandbox: active products: %w", err)
	}
	if !found {
		return nil, fmt.Errorf("sandbox: active products of %s: %w", accountID, errNotFound)
	}
	return products, nil
}
