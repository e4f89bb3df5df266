-- +goose Up
-- A token purchase is a one-click purchase charged to the customer's saved Klarna customer token and, when
-- Klarna asks for a step-up, its recovery (the /recovery/:id page). The id is random and opaque, the only
-- id in URLs, and only its owner (account_id) may see it. The token order is stored as first sent
-- (order_request) with its Klarna-Idempotency-Key, so a retry after a timeout resends the very same
-- request with the same key and Klarna answers it once.
CREATE TABLE token_purchases (
    id                TEXT    NOT NULL PRIMARY KEY,
    account_id        TEXT    NOT NULL,
    offer_id          TEXT    NOT NULL,
    token_id          TEXT    NOT NULL,
    idempotency_key   TEXT    NOT NULL UNIQUE CHECK (idempotency_key <> ''),
    order_request     TEXT    NOT NULL CHECK (json_valid(order_request)),
    state             TEXT    NOT NULL CHECK (state IN ('created', 'completed', 'recovering', 'failed')),
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
    CHECK (state <> 'completed' OR order_id <> ''),
    CHECK (state <> 'recovering' OR step_up_id <> '')
) STRICT;

CREATE INDEX token_purchases_account ON token_purchases (account_id, offer_id, created_at);

-- HPP status callbacks already handled, by Klarna's event_id: a repeated callback changes nothing.
CREATE TABLE token_purchase_callbacks (
    purchase_id TEXT    NOT NULL REFERENCES token_purchases (id) ON DELETE CASCADE,
    event_id    TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT '',
    received_at INTEGER NOT NULL,
    PRIMARY KEY (purchase_id, event_id)
) STRICT;

-- The timeline now belongs to either kind of purchase. A foreign key can name only one parent table, so
-- purchase_events is rebuilt without it and triggers keep the same guarantees: an event must name an
-- existing purchase or token purchase, and goes when its purchase goes. (Only a child table is dropped,
-- so this runs with foreign keys on, inside goose's transaction.)
CREATE TABLE purchase_events_new (
    id          INTEGER NOT NULL PRIMARY KEY,
    purchase_id TEXT    NOT NULL,
    at          INTEGER NOT NULL, -- unix milliseconds
    kind        TEXT    NOT NULL CHECK (kind IN ('state', 'api')),
    service     TEXT    NOT NULL DEFAULT '',
    method      TEXT    NOT NULL DEFAULT '',
    path        TEXT    NOT NULL DEFAULT '',
    status      INTEGER NOT NULL DEFAULT 0,
    duration_ms INTEGER NOT NULL DEFAULT 0,
    request     TEXT    NOT NULL DEFAULT '',
    response    TEXT    NOT NULL DEFAULT '',
    message     TEXT    NOT NULL DEFAULT ''
) STRICT;

INSERT INTO purchase_events_new (id, purchase_id, at, kind, service, method, path, status, duration_ms, request, response, message)
SELECT id, purchase_id, at, kind, service, method, path, status, duration_ms, request, response, message FROM purchase_events;

DROP TABLE purchase_events;
ALTER TABLE purchase_events_new RENAME TO purchase_events;
CREATE INDEX purchase_events_purchase ON purchase_events (purchase_id, id);

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
DROP TRIGGER token_purchases_delete_events;
DROP TRIGGER purchases_delete_events;
DROP TRIGGER purchase_events_parent;

CREATE TABLE purchase_events_old (
    id          INTEGER NOT NULL PRIMARY KEY,
    purchase_id TEXT    NOT NULL REFERENCES purchases (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('state', 'api')),
    service     TEXT    NOT NULL DEFAULT '',
    method      TEXT    NOT NULL DEFAULT '',
    path        TEXT    NOT NULL DEFAULT '',
    status      INTEGER NOT NULL DEFAULT 0,
    duration_ms INTEGER NOT NULL DEFAULT 0,
    request     TEXT    NOT NULL DEFAULT '',
    response    TEXT    NOT NULL DEFAULT '',
    message     TEXT    NOT NULL DEFAULT ''
) STRICT;

-- Events of token purchases have no parent in the old schema and go with their table.
INSERT INTO purchase_events_old (id, purchase_id, at, kind, service, method, path, status, duration_ms, request, response, message)
SELECT id, purchase_id, at, kind, service, method, path, status, duration_ms, request, response, message
FROM purchase_events WHERE purchase_id IN (SELECT id FROM purchases);

DROP TABLE purchase_events;
ALTER TABLE purchase_events_old RENAME TO purchase_events;
CREATE INDEX purchase_events_purchase ON purchase_events (purchase_id, id);

DROP TABLE token_purchase_callbacks;
DROP TABLE token_purchases;
