-- +goose Up
-- A purchase is one customer's journey through the subscription checkout: the Payway purchase session it
-- opened, the Klarna client token, and where it stands. The id is random and opaque: it is the only id in
-- URLs, and only its owner (account_id) may see it.
CREATE TABLE purchases (
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
                                CHECK (state IN ('created', 'placing', 'placed', 'confirmed', 'failed', 'expired')),
    failure_code        TEXT    NOT NULL DEFAULT '',
    authorization_token TEXT    NOT NULL DEFAULT '',
    order_id            TEXT    NOT NULL DEFAULT '',
    redirect_uri        TEXT    NOT NULL DEFAULT '',
    expires_at          INTEGER NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
) STRICT;

CREATE INDEX purchases_open ON purchases (account_id, offer_id, state, expires_at);

-- Every state change and every API exchange of a purchase, secrets masked before they get here: the
-- timeline support and the demo console read.
CREATE TABLE purchase_events (
    id          INTEGER NOT NULL PRIMARY KEY,
    purchase_id TEXT    NOT NULL REFERENCES purchases (id) ON DELETE CASCADE,
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

CREATE INDEX purchase_events_purchase ON purchase_events (purchase_id, id);

-- +goose Down
DROP TABLE purchase_events;
DROP TABLE purchases;
