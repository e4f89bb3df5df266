-- One-time items (issue 11): an offer bought once and kept (the e-paper archive) is neither offered nor
-- sold again to an account that owns it. The purchase remembers that its offer was one-time, so the store
-- can refuse a second one inside the transaction that would create it.
-- +goose Up
ALTER TABLE token_purchases ADD COLUMN one_time INTEGER NOT NULL DEFAULT 0 CHECK (one_time IN (0, 1));
CREATE INDEX token_purchases_owned ON token_purchases (account_id, offer_id) WHERE one_time = 1 AND state = 'completed';

-- +goose Down
DROP INDEX token_purchases_owned;
ALTER TABLE token_purchases DROP COLUMN one_time;
