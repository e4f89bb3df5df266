-- +goose Up
-- Klarna's side of the sandbox. Times are Unix seconds on the sandbox clock. Carts, merchant URLs and
-- customers are JSON objects: they are read and written whole, never queried field by field.

-- Payment sessions (POST /payments/v1/sessions). input_json is the modelled request (cart, intent,
-- references, merchant URLs, step-up link); extra_json keeps request fields the sandbox only echoes back
-- (merchant_data, options, attachment, addresses, ...).
CREATE TABLE kp_sessions (
    id                  TEXT    NOT NULL PRIMARY KEY,
    client_token        TEXT    NOT NULL,
    status              TEXT    NOT NULL CHECK (status IN ('incomplete', 'complete')),
    input_json          TEXT    NOT NULL CHECK (json_valid(input_json)),
    extra_json          TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(extra_json)),
    categories_json     TEXT    NOT NULL CHECK (json_valid(categories_json)),
    authorization_token TEXT    NOT NULL DEFAULT '',
    order_id            TEXT    NOT NULL DEFAULT '',
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    expires_at          INTEGER NOT NULL
) STRICT;

-- Approved authorizations: valid 60 minutes, one order each. deleted_at is DELETE
-- /payments/v1/authorizations/{token}; token_created marks the one customer token it may create.
CREATE TABLE kp_authorizations (
    token         TEXT    NOT NULL PRIMARY KEY,
    session_id    TEXT    NOT NULL REFERENCES kp_sessions (id) ON DELETE CASCADE,
    category      TEXT    NOT NULL,
    customer_json TEXT    NOT NULL CHECK (json_valid(customer_json)),
    order_id      TEXT    NOT NULL DEFAULT '',
    token_created INTEGER NOT NULL DEFAULT 0 CHECK (token_created IN (0, 1)),
    deleted_at    INTEGER,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX kp_authorizations_session ON kp_authorizations (session_id);

-- Orders, from an authorization (session_id set), a customer token (customer_token set) or an HPP
-- session (both the session and its authorization).
CREATE TABLE kp_orders (
    order_id                  TEXT    NOT NULL PRIMARY KEY,
    session_id                TEXT    NOT NULL DEFAULT '',
    authorization_token       TEXT    NOT NULL DEFAULT '',
    customer_token            TEXT    NOT NULL DEFAULT '',
    cart_json                 TEXT    NOT NULL CHECK (json_valid(cart_json)),
    merchant_reference1       TEXT    NOT NULL DEFAULT '',
    merchant_reference2       TEXT    NOT NULL DEFAULT '',
    confirmation_url          TEXT    NOT NULL DEFAULT '',
    redirect_url              TEXT    NOT NULL DEFAULT '',
    fraud_status              TEXT    NOT NULL,
    authorized_payment_method TEXT    NOT NULL,
    captured                  INTEGER NOT NULL DEFAULT 0 CHECK (captured IN (0, 1)),
    created_at                INTEGER NOT NULL
) STRICT;

-- Customer tokens (seeded for personas or created from an authorization). behaviour is how the token
-- reacts to a token order: ok, step_up, payment_method_failed.
CREATE TABLE kp_customer_tokens (
    token_id            TEXT    NOT NULL PRIMARY KEY,
    status              TEXT    NOT NULL CHECK (status IN ('ACTIVE', 'CANCELLED', 'SUSPENDED')),
    payment_method_type TEXT    NOT NULL,
    masked_number       TEXT    NOT NULL DEFAULT '',
    card_brand          TEXT    NOT NULL DEFAULT '',
    card_expiry         TEXT    NOT NULL DEFAULT '',
    behaviour           TEXT    NOT NULL CHECK (behaviour IN ('ok', 'step_up', 'payment_method_failed')),
    description         TEXT    NOT NULL DEFAULT '',
    customer_json       TEXT    NOT NULL CHECK (json_valid(customer_json)),
    session_id          TEXT    NOT NULL DEFAULT '',
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
) STRICT;

-- Step-up triggers handed out with UNAVAILABLE_PAYMENT_METHOD; a step-up session must name one of
-- its token.
CREATE TABLE kp_step_ups (
    id         TEXT    NOT NULL PRIMARY KEY,
    token_id   TEXT    NOT NULL REFERENCES kp_customer_tokens (token_id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
) STRICT;

-- Hosted Payment Page sessions on top of a payment session.
CREATE TABLE hpp_sessions (
    id                  TEXT    NOT NULL PRIMARY KEY,
    kp_session_id       TEXT    NOT NULL REFERENCES kp_sessions (id) ON DELETE CASCADE,
    status              TEXT    NOT NULL CHECK (status IN ('WAITING', 'IN_PROGRESS', 'COMPLETED', 'FAILED',
                                                          'CANCELLED', 'BACK', 'ERROR', 'DISABLED')),
    place_order_mode    TEXT    NOT NULL CHECK (place_order_mode IN ('NONE', 'PLACE_ORDER', 'CAPTURE_ORDER')),
    merchant_urls_json  TEXT    NOT NULL CHECK (json_valid(merchant_urls_json)),
    categories_json     TEXT    NOT NULL CHECK (json_valid(categories_json)),
    authorization_token TEXT    NOT NULL DEFAULT '',
    order_id            TEXT    NOT NULL DEFAULT '',
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    expires_at          INTEGER NOT NULL
) STRICT;

-- Status callbacks (and KP authorization callbacks, hpp_session_id ''): one row per event, with its
-- delivery record, so tests and support can see what was sent and whether it arrived.
CREATE TABLE hpp_events (
    event_id       TEXT    NOT NULL PRIMARY KEY,
    hpp_session_id TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    url            TEXT    NOT NULL,
    body_json      TEXT    NOT NULL CHECK (json_valid(body_json)),
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_status    INTEGER NOT NULL DEFAULT 0,
    delivered_at   INTEGER,
    created_at     INTEGER NOT NULL
) STRICT;

CREATE INDEX hpp_events_session ON hpp_events (hpp_session_id);

-- Klarna-Idempotency-Key: the first response to a key (per operation), replayed for 24 hours.
CREATE TABLE idempotency_keys (
    scope          TEXT    NOT NULL,
    key            TEXT    NOT NULL,
    request_sha256 TEXT    NOT NULL,
    status         INTEGER NOT NULL,
    response_json  TEXT    NOT NULL,
    correlation_id TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
) STRICT;

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE hpp_events;
DROP TABLE hpp_sessions;
DROP TABLE kp_step_ups;
DROP TABLE kp_customer_tokens;
DROP TABLE kp_orders;
DROP TABLE kp_authorizations;
DROP TABLE kp_sessions;
