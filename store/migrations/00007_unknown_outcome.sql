-- An honest unknown outcome (issue 11): a money call that may have acted (timeout after sending, the
-- connection lost, a 5xx, a crash mid-call) leaves its purchase in 'unknown' until the reconciler has read
-- the truth from Payway or Klarna. SQLite cannot change a CHECK constraint, so both purchase tables are
-- rebuilt with 'unknown' among their states. A one-click purchase may also end completed without an order
-- id: when the answer to a recovery's order was lost, Klarna's session says an order was placed but not
-- its id (support finds it by merchant_reference1, the purchase id).
--
-- The rebuild keeps every row, child row and trigger: the children's rows (claims, callbacks) are saved
-- first because dropping a parent deletes them (ON DELETE CASCADE), and the timeline trigger that names
-- both tables is dropped first because renaming a table checks every trigger in the schema.
-- +goose Up
DROP TRIGGER purchase_events_parent;

CREATE TEMP TABLE saved_claims AS SELECT * FROM purchase_claims;
CREATE TEMP TABLE saved_callbacks AS SELECT * FROM token_purchase_callbacks;

CREATE TABLE purchases_new (
    id                  TEXT    NOT NULL PRIMARY KEY,
    account_id          TEXT    NOT NULL,
    offer_id            TEXT    NOT NULL,
    code                TEXT    NOT NULL,
    period_id           TEXT    NOT NULL DEFAULT '',
    trial               INTEGER NOT NULL DEFAULT 0 CHECK (trial IN (0, 1)),
    return_path         TEXT    NOT NULL DEFAULT '/',
    klarna_session_id   TEXT    NOT NULL DEFAULT '',
    client_token        TEXT    NOT NULL DEFAULT '',
    categories_json     TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(categories_json)),
    state               TEXT    NOT NULL
                                CHECK (state IN ('created', 'placing', 'unknown', 'placed', 'confirmed', 'failed', 'expired')),
    failure_code        TEXT    NOT NULL DEFAULT '',
    authorization_token TEXT    NOT NULL DEFAULT '',
    order_id            TEXT    NOT NULL DEFAULT '',
    redirect_uri        TEXT    NOT NULL DEFAULT '',
    expires_at          INTEGER NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    product             TEXT    NOT NULL DEFAULT ''
) STRICT;
INSERT INTO purchases_new SELECT id, account_id, offer_id, code, period_id, trial, return_path, klarna_session_id,
    client_token, categories_json, state, failure_code, authorization_token, order_id, redirect_uri, expires_at,
    created_at, updated_at, product FROM purchases;
DROP TABLE purchases;
ALTER TABLE purchases_new RENAME TO purchases;
CREATE INDEX purchases_open ON purchases (account_id, offer_id, state, expires_at);
-- The reconciler's scan: purchases whose money call is in flight or unanswered.
CREATE INDEX purchases_in_flight ON purchases (updated_at) WHERE state IN ('placing', 'unknown');

CREATE TABLE token_purchases_new (
    id                TEXT    NOT NULL PRIMARY KEY,
    account_id        TEXT    NOT NULL,
    offer_id          TEXT    NOT NULL,
    token_id          TEXT    NOT NULL,
    idempotency_key   TEXT    NOT NULL UNIQUE CHECK (idempotency_key <> ''),
    order_request     TEXT    NOT NULL CHECK (json_valid(order_request)),
    state             TEXT    NOT NULL CHECK (state IN ('created', 'unknown', 'completed', 'recovering', 'failed')),
    failure_code      TEXT    NOT NULL DEFAULT '',
    step_up_id        TEXT    NOT NULL DEFAULT '',
    klarna_session_id TEXT    NOT NULL DEFAULT '',
    client_token      TEXT    NOT NULL DEFAULT '',
    hpp_session_id    TEXT    NOT NULL DEFAULT '',
    hpp_redirect_url  TEXT    NOT NULL DEFAULT '',
    hpp_mode          TEXT    NOT NULL DEFAULT '',
    callback_secret   TEXT    NOT NULL DEFAULT '',
    method            TEXT    NOT NULL DEFAULT '' CHECK (method IN ('', 'token', 'sdk', 'hpp')),
    last_outcome      TEXT    NOT NULL DEFAULT '',
    ordering_since    INTEGER NOT NULL DEFAULT 0, -- unix seconds; 0 = no order call in flight
    order_id          TEXT    NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    one_time          INTEGER NOT NULL DEFAULT 0 CHECK (one_time IN (0, 1)),
    CHECK (state <> 'completed' OR order_id <> '' OR method <> ''),
    CHECK (state <> 'recovering' OR step_up_id <> '')
) STRICT;
-- A charge Klarna did not answer was failed(klarna_unavailable): it is the unknown outcome now.
INSERT INTO token_purchases_new SELECT id, account_id, offer_id, token_id, idempotency_key, order_request,
    CASE WHEN state = 'failed' AND failure_code = 'KLARNA_UNAVAILABLE' THEN 'unknown' ELSE state END,
    CASE WHEN state = 'failed' AND failure_code = 'KLARNA_UNAVAILABLE' THEN '' ELSE failure_code END,
    step_up_id, klarna_session_id, client_token, hpp_session_id, hpp_redirect_url, hpp_mode, callback_secret,
    method, last_outcome, ordering_since, order_id, created_at, updated_at, one_time FROM token_purchases;
DROP TABLE token_purchases;
ALTER TABLE token_purchases_new RENAME TO token_purchases;
CREATE INDEX token_purchases_account ON token_purchases (account_id, offer_id, created_at);
CREATE INDEX token_purchases_owned ON token_purchases (account_id, offer_id) WHERE one_time = 1 AND state = 'completed';
CREATE INDEX token_purchases_in_flight ON token_purchases (updated_at)
    WHERE state IN ('created', 'unknown') OR ordering_since <> 0;

INSERT INTO purchase_claims SELECT * FROM temp.saved_claims;
INSERT INTO token_purchase_callbacks SELECT * FROM temp.saved_callbacks;
DROP TABLE temp.saved_claims;
DROP TABLE temp.saved_callbacks;

-- +goose StatementBegin
CREATE TRIGGER purchase_events_parent BEFORE INSERT ON purchase_events
WHEN NOT EXISTS (SELECT 1 FROM purchases WHERE id = NEW.purchase_id)
 AND NOT EXISTS (SELECT 1 FROM token_purchases WHERE id = NEW.purchase_id)
BEGIN
    SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: purchase_events.purchase_id');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER purchases_delete_events AFTER DELETE ON purchases
BEGIN
    DELETE FROM purchase_events WHERE purchase_id = OLD.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER token_purchases_delete_events AFTER DELETE ON token_purchases
BEGIN
    DELETE FROM purchase_events WHERE purchase_id = OLD.id;
END;
-- +goose StatementEnd

-- +goose Down
-- The unknown outcome has no place in the old schema: such purchases go back to what they were before.
UPDATE purchases SET state = 'placing' WHERE state = 'unknown';
UPDATE token_purchases SET state = 'failed', failure_code = 'KLARNA_UNAVAILABLE' WHERE state = 'unknown';
UPDATE token_purchases SET state = 'failed', failure_code = 'payment_method_failed' WHERE state = 'completed' AND order_id = '';
DROP INDEX purchases_in_flight;
DROP INDEX token_purchases_in_flight;
