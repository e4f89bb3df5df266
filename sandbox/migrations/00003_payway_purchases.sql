-- +goose Up
-- Payway's Klarna purchase side: purchase sessions (create_session), orders with their one payment,
-- subscriptions (user products), saved payment profiles and how personas fare in place_order.
-- No foreign keys to the Klarna tables: Payway and Klarna are separate systems that only share ids.
-- Every foreign key cascades, so the control API's reset can delete tables in any order.

-- A Payway purchase session, keyed by the Klarna payments session it opened (the id the client passes
-- back as klarna_payments_session_id). cart_json is the Klarna cart, reused for the order.
CREATE TABLE purchase_sessions (
    kp_session_id                  TEXT    NOT NULL PRIMARY KEY,
    account_id                     TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code                           TEXT    NOT NULL,
    period_id                      TEXT    NOT NULL,
    confirmation_url               TEXT    NOT NULL,
    start_date                     TEXT    NOT NULL DEFAULT '',
    disable_account_info_overwrite INTEGER NOT NULL DEFAULT 0 CHECK (disable_account_info_overwrite IN (0, 1)),
    cart_json                      TEXT    NOT NULL CHECK (json_valid(cart_json)),
    state                          TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'completed')),
    order_id                       TEXT    NOT NULL DEFAULT '',
    created_at                     INTEGER NOT NULL,
    expires_at                     INTEGER NOT NULL,
    completed_at                   INTEGER
) STRICT;

CREATE INDEX purchase_sessions_account_id ON purchase_sessions (account_id);

-- Payway orders. seq numbers the human order id (SANDBOX-<1000+seq>); id is the 24-hex API id. An
-- order has exactly one payment here (the first purchase), so the payment lives in the same row.
CREATE TABLE payway_orders (
    seq                     INTEGER NOT NULL PRIMARY KEY,
    id                      TEXT    NOT NULL UNIQUE CHECK (length(id) = 24),
    order_id                TEXT    NOT NULL UNIQUE,
    account_id              TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kp_session_id           TEXT    NOT NULL,
    code                    TEXT    NOT NULL,
    product_code            TEXT    NOT NULL,
    period_id               TEXT    NOT NULL,
    description             TEXT    NOT NULL,
    price_minor             INTEGER NOT NULL,
    vat_rate                INTEGER NOT NULL,
    iteration_type          TEXT    NOT NULL,
    iteration_length        INTEGER NOT NULL,
    trial                   INTEGER NOT NULL CHECK (trial IN (0, 1)),
    state                   TEXT    NOT NULL CHECK (state IN ('created', 'closed', 'failed')),
    payment_state           TEXT    NOT NULL CHECK (payment_state IN ('created', 'pending', 'closed', 'failed', 'cancelled')),
    payment_method          TEXT    NOT NULL DEFAULT '',
    klarna_order_id         TEXT    NOT NULL DEFAULT '',
    error_code              TEXT    NOT NULL DEFAULT '',
    error_description       TEXT    NOT NULL DEFAULT '',
    traffic_source          TEXT    NOT NULL DEFAULT '',
    merchant_reference      TEXT    NOT NULL DEFAULT '',
    subscription_start_date TEXT    NOT NULL,
    delivery_address_json   TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(delivery_address_json)),
    created_at              INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL
) STRICT;

CREATE INDEX payway_orders_account_id ON payway_orders (account_id);

-- Subscriptions (Payway user products) created by orders. Access itself is granted in
-- account_products; this is the record of what was sold and, for debt, what was terminated.
CREATE TABLE user_products (
    id                  TEXT    NOT NULL PRIMARY KEY CHECK (length(id) = 24),
    account_id          TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    order_id            TEXT    NOT NULL REFERENCES payway_orders (id) ON DELETE CASCADE,
    product_code        TEXT    NOT NULL,
    code                TEXT    NOT NULL,
    campaign            INTEGER NOT NULL CHECK (campaign IN (0, 1)),
    state               TEXT    NOT NULL CHECK (state IN ('activated', 'pending', 'terminated')),
    valid_from          INTEGER NOT NULL,
    valid_to            INTEGER NOT NULL,
    cancellation_reason TEXT    NOT NULL DEFAULT '',
    created_at          INTEGER NOT NULL
) STRICT;

CREATE INDEX user_products_account_id ON user_products (account_id);

-- The account's saved Klarna payment: the customer token Payway created at the first purchase.
CREATE TABLE payment_profiles (
    account_id            TEXT    NOT NULL PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    payment_option        TEXT    NOT NULL CHECK (payment_option = 'klarna_payments'),
    klarna_customer_token TEXT    NOT NULL,
    updated_at            INTEGER NOT NULL
) STRICT;

-- How place_order treats a persona (Persona.Purchase): debt or one of the account-sync conflicts.
CREATE TABLE purchase_behaviours (
    account_id TEXT NOT NULL PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    behaviour  TEXT NOT NULL CHECK (behaviour IN ('debt', 'ssn_already_taken', 'ssn_already_set',
                                                  'account_update', 'delivery_address'))
) STRICT;

-- +goose Down
DROP TABLE purchase_behaviours;
DROP TABLE payment_profiles;
DROP TABLE user_products;
DROP TABLE payway_orders;
DROP TABLE purchase_sessions;
