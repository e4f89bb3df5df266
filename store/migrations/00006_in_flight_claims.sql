-- At most one purchase of a product in flight per account (issue 11): a purchase that moves into an
-- in-flight state (placing) must first insert its claim here, and the primary key refuses a second one
-- for the same account and product, whatever offer or campaign it came from (monthly and yearly are one
-- product). The claim goes when the purchase leaves the in-flight state, in the same transaction.
-- +goose Up
ALTER TABLE purchases ADD COLUMN product TEXT NOT NULL DEFAULT '';
UPDATE purchases SET product = code;

CREATE TABLE purchase_claims (
    account_id  TEXT NOT NULL,
    product     TEXT NOT NULL,
    purchase_id TEXT NOT NULL REFERENCES purchases (id) ON DELETE CASCADE,
    claimed_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, product)
) STRICT;

-- Purchases already in flight keep their claim (the newest one, where an old bug left two).
INSERT OR IGNORE INTO purchase_claims (account_id, product, purchase_id, claimed_at)
SELECT account_id, product, id, updated_at FROM purchases WHERE state = 'placing' ORDER BY updated_at DESC;

-- +goose Down
DROP TABLE purchase_claims;
ALTER TABLE purchases DROP COLUMN product;
