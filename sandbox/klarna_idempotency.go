package sandbox

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Klarna-Idempotency-Key (reference §6.4): the same key within 24 hours executes the operation once and
// every repeat gets the first response (status and body, errors included). Klarna does not document a
// repeat with a different body. The sandbox's choice (klarnaChoices): 409 BAD_VALUE, Klarna's code for a
// request that conflicts with an earlier one, and nothing executed, so a client bug that reuses keys
// shows up instead of silently returning another order's answer.

const (
	idempotencyHeader = "Klarna-Idempotency-Key"
	idempotencyWindow = 24 * time.Hour
)

// storedResponse is a response as first sent.
type storedResponse struct {
	Status        int
	Body          []byte
	CorrelationID string
}

// write sends the response, with the correlation id it was first sent with.
func (sr storedResponse) write(w http.ResponseWriter) {
	if sr.CorrelationID != "" {
		w.Header().Set(correlationHeader, sr.CorrelationID)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(sr.Status)
	_, _ = w.Write(sr.Body)
}

// canonicalHash fingerprints a JSON body independently of whitespace and key order.
func canonicalHash(body []byte) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return requestHash(body)
	}
	canonical, err := json.Marshal(v)
	if err != nil {
		return requestHash(body)
	}
	return requestHash(canonical)
}

// idempotently runs op in one transaction, keyed by (scope, key) when key is not empty: a repeat within
// 24 hours returns the stored response without running op. op returns the status and the value to encode
// as the body; its error aborts the transaction (500, nothing stored).
func (s *Server) idempotently(ctx context.Context, scope, key string, body []byte, correlationID string, now time.Time,
	op func(tx *txn) (int, any, error)) (storedResponse, *klarnaError) {
	hash := canonicalHash(body)
	var resp storedResponse
	kerr := s.coreTx(ctx, "idempotent operation", func(tx *txn) error {
		if key != "" {
			prev, found, err := idempotencyRecord(ctx, tx, scope, key, now)
			if err != nil {
				return err
			}
			if found {
				if prev.hash != hash {
					return &klarnaError{Status: http.StatusConflict, Code: "BAD_VALUE", Messages: []string{
						"Klarna-Idempotency-Key was already used with a different request body"}}
				}
				resp = prev.storedResponse
				return nil
			}
		}
		status, v, err := op(tx)
		if err != nil {
			return err
		}
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("encode response: %w", err)
		}
		resp = storedResponse{Status: status, Body: append(b, '\n'), CorrelationID: correlationID}
		if key == "" {
			return nil
		}
		return storeResponse(ctx, tx, scope, key, hash, resp, now)
	})
	if kerr != nil {
		return storedResponse{}, kerr
	}
	return resp, nil
}

// storeResponse keeps the first response to (scope, key) with the hash of its request, replacing a record
// older than the 24-hour window.
func storeResponse(ctx context.Context, tx *txn, scope, key, hash string, resp storedResponse, now time.Time) error {
	return execOne(ctx, tx, "store idempotency key", `INSERT INTO idempotency_keys (scope, key, request_sha256,
		status, response_json, correlation_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (scope, key) DO UPDATE SET request_sha256 = excluded.request_sha256, status = excluded.status,
		response_json = excluded.response_json, correlation_id = excluded.correlation_id,
		created_at = excluded.created_at`,
		scope, key, hash, resp.Status, string(resp.Body), resp.CorrelationID, unix(now))
}

type idempotencyRow struct {
	storedResponse
	hash string
}

// idempotencyRecord finds the stored response of a key still inside its 24-hour window.
func idempotencyRecord(ctx context.Context, tx *txn, scope, key string, now time.Time) (idempotencyRow, bool, error) {
	var row idempotencyRow
	var body string
	var created int64
	err := tx.QueryRowContext(ctx, `SELECT request_sha256, status, response_json, correlation_id, created_at
		FROM idempotency_keys WHERE scope = ? AND key = ?`, scope, key).
		Scan(&row.hash, &row.Status, &body, &row.CorrelationID, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return idempotencyRow{}, false, nil
	}
	if err != nil {
		return idempotencyRow{}, false, fmt.Errorf("sandbox: idempotency key: %w", err)
	}
	if !now.Before(fromUnix(created).Add(idempotencyWindow)) {
		return idempotencyRow{}, false, nil
	}
	row.Body = []byte(body)
	return row, true, nil
}
