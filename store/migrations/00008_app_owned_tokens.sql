-- The app owns its one-click Klarna customer token (issue 12). Payway's payment profile names no token
-- (its tokens pay the subscription and stay inside Payway), so the first one-click purchase of an add-on
-- runs Klarna Payments directly and, with the reader's consent, creates an on-demand customer token that
-- the app keeps here: one per account, sealed with AES-256-GCM under the app's token key
-- (PAYWALL_TOKEN_KEY) and never stored in the clear. The store seals and opens it; SQL only sees
-- "v1.<base64>" text.
--
-- token_key remembers a fingerprint of the key the tokens are sealed with (an HMAC of a fixed text, not
-- the key), so an app started with another key refuses to start instead of failing on every purchase.
--
-- token_purchases gets the first purchase: state 'paying' (a Klarna payment session on our page, waiting
-- for the reader's authorization; never the reconciler's until its order is claimed), method 'klarna'
-- (the order was created from that authorization), save_consent (the reader ticked "Save Klarna for
-- one-click purchases": the session's intent is buy_and_tokenize, else buy) and token_saved (the customer
-- token was created and kept). token_id now holds the charged token sealed like customer_tokens'; rows
-- written before this migration hold it in the clear until the store seals them at its next start with a
-- key. SQLite cannot change a CHECK constraint, so the table is rebuilt as in migration 7: the callbacks
-- are saved first (dropping the parent deletes them) and the timeline trigger that names the table is
-- dropped first (renaming a table checks every trigger).
-- +goose Up
CREATE TABLE customer_tokens (
    account_id   TEXT    NOT NULL PRIMARY KEY,
    sealed_token TEXT    NOT NULL CHECK (sealed_token LIKE 'v1.%'),
    purchase_id  TEXT    NOT NULL DEFAULT '', -- the first purchase that saved it; '' when adopted (sandbox personas)
    created_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE token_key (
    id          INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT    NOT NULL CHECK (fingerprint <> '')
) STRICT;

DROP TRIGGER purchase_events_parent;

CREATE TEMP TABLE saved_callbacks AS SELECT * FROM token_purchase_callbacks;

CREATE TABLE token_purchases_new (
    id                TEXT    NOT NULL PRIMARY KEY,
    account_id        TEXT    NOT NULL,
    offer_id          TEXT    NOT NULL,
    token_id          TEXT    NOT NULL, -- sealed ('v1.…'); '' for a first purchase
    idempotency_key   TEXT    NOT NULL UNIQUE CHECK (idempotency_key <> ''),
    order_request     TEXT    NOT NULL CHECK (json_valid(order_request)),
    state             TEXT    NOT NULL CHECK (state IN ('created', 'unknown', 'paying', 'completed', 'recovering', 'failed')),
    failure_code      TEXT    NOT NULL DEFAULT '',
    step_up_id        TEXT    NOT NULL DEFAULT '',
    klarna_session_id TEXT    NOT NULL DEFAULT '',
    client_token      TEXT    NOT NULL DEFAULT '',
    hpp_session_id    TEXT    NOT NULL DEFAULT '',
    hpp_redirect_url  TEXT    NOT NULL DEFAULT '',
    hpp_mode          TEXT    NOT NULL DEFAULT '',
    callback_secret   TEXT    NOT NULL DEFAULT '',
    method            TEXT    NOT NULL DEFAULT '' CHECK (method IN ('', 'token', 'sdk', 'hpp', 'klarna')),
    last_outcome      TEXT    NOT NULL DEFAULT '',
    ordering_since    INTEGER NOT NULL DEFAULT 0, -- unix seconds; 0 = no order call in flight
    order_id          TEXT    NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    one_time          INTEGER NOT NULL DEFAULT 0 CHECK (one_time IN (0, 1)),
    save_consent      INTEGER NOT NULL DEFAULT 0 CHECK (save_consent IN (0, 1)),
    token_saved       INTEGER NOT NULL DEFAULT 0 CHECK (token_saved IN (0, 1)),
    categories_json   TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(categories_json)),
    CHECK (state <> 'completed' OR order_id <> '' OR method <> ''),
    CHECK (state <> 'recovering' OR step_up_id <> '')
) STRICT;
INSERT INTO token_purchases_new (id, account_id, offer_id, token_id, idempotency_key, order_request, state, failure_code,
    step_up_id, klarna_session_id, client_token, hpp_session_id, hpp_redirect_url, hpp_mode, callback_secret, method,
    last_outcome, ordering_since, order_id, created_at, updated_at, one_time)
SELECT id, account_id, offer_id, token_id, idempotency_key, order_request, state, failure_code, step_up_id,
    klarna_session_id, client_token, hpp_session_id, hpp_redirect_url, hpp_mode, callback_secret, method, last_outcome,
    ordering_since, order_id, created_at, updated_at, one_time FROM token_purchases;
DROP TABLE token_purchases;
ALTER TABLE token_purchases_new RENAME TO token_purchases;
CREATE INDEX token_purchases_account ON token_purchases (account_id, offer_id, created_at);
CREATE INDEX token_purchases_owned ON token_purchases (account_id, offer_id) WHERE one_time = 1 AND state = 'completed';
CREATE INDEX token_purchases_in_flight ON token_purchases (updated_at)
    WHERE state IN ('created', 'unknown') OR ordering_since <> 0;

INSERT INTO token_purchase_callbacks SELECT * FROM temp.saved_callbacks;
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
CREATE TRIGGER token_purchases_delete_events AFTER DELETE ON token_purchases
BEGIN
    DELETE FROM purchase_events WHERE purchase_id = OLD.id;
END;
-- +goose StatementEnd

-- +goose Down
-- The old schema has no first purchase and keeps tokens in the clear. A first purchase still waiting
-- for the reader is abandoned (nothing was charged), one made is recorded as made by the SDK, and a
-- sealed token is forgotten rather than sent to Klarna as sealed text (the old code cannot open it).
UPDATE token_purchases SET state = 'failed', failure_code = 'PAYMENT_METHOD_FAILED', ordering_since = 0
WHERE state = 'paying';
UPDATE token_purchases SET method = 'sdk' WHERE method = 'klarna';
UPDATE token_purchases SET token_id = '' WHERE token_id LIKE 'v1.%';
ALTER TABLE token_purchases DROP COLUMN categories_json;
ALTER TABLE token_purchases DROP COLUMN token_saved;
ALTER TABLE token_purchases DROP COLUMN save_consent;
DROP TABLE token_key;
DROP TABLE customer_tokens;
