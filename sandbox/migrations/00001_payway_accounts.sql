-- +goose Up
-- Payway accounts (customers). Personal fields mirror GET /external/api/v3/me; the address is kept
-- as a JSON object because Payway's Address has many optional fields that personas fill selectively.
CREATE TABLE accounts (
    id                     TEXT    NOT NULL PRIMARY KEY CHECK (length(id) = 24),
    email                  TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_sha256        TEXT    NOT NULL,
    status                 TEXT    NOT NULL DEFAULT 'active'
                                   CHECK (status IN ('created', 'active', 'archived', 'inactive')),
    verified               INTEGER NOT NULL DEFAULT 1 CHECK (verified IN (0, 1)),
    customer_number        TEXT    NOT NULL DEFAULT '',
    first_name             TEXT    NOT NULL DEFAULT '',
    last_name              TEXT    NOT NULL DEFAULT '',
    mobile_phone_number    TEXT    NOT NULL DEFAULT '',
    birth_date             TEXT    NOT NULL DEFAULT '',
    social_security_number TEXT    NOT NULL DEFAULT '',
    address_json           TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(address_json)),
    created_at             INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL
) STRICT;

-- Products an account has access to (Payway's user products, reduced to what access checks need).
-- valid_to NULL means open-ended; access is valid_from <= now < valid_to on the sandbox clock.
CREATE TABLE account_products (
    account_id   TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    product_code TEXT    NOT NULL,
    valid_from   INTEGER NOT NULL,
    valid_to     INTEGER,
    PRIMARY KEY (account_id, product_code, valid_from)
) STRICT;

-- Issued OAuth tokens. Only SHA-256 hashes are stored, as a real server would. One row is one
-- access/refresh pair; refreshing revokes the row and inserts a new one. account_id NULL is a token
-- without identity (grant "none", later).
CREATE TABLE tokens (
    id                 INTEGER NOT NULL PRIMARY KEY,
    access_sha256      TEXT    NOT NULL UNIQUE,
    refresh_sha256     TEXT    UNIQUE,
    client_id          TEXT    NOT NULL,
    account_id         TEXT    REFERENCES accounts (id) ON DELETE CASCADE,
    scope              TEXT    NOT NULL,
    access_expires_at  INTEGER NOT NULL,
    refresh_expires_at INTEGER,
    revoked_at         INTEGER,
    created_at         INTEGER NOT NULL
) STRICT;

CREATE INDEX tokens_account_id ON tokens (account_id);

-- +goose Down
DROP TABLE tokens;
DROP TABLE account_products;
DROP TABLE accounts;
