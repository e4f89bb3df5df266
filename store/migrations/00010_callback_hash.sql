-- A hosted payment page's callback secret is no longer kept, only its SHA-256 (issue 14): the column says
-- so. Rows from before still hold the sealed secret; the store reads it as its hash and writes the hash
-- back at the purchase's next save (store/token_purchases.go).
-- +goose Up
ALTER TABLE token_purchases RENAME COLUMN callback_secret TO callback_hash;

-- +goose Down
ALTER TABLE token_purchases RENAME COLUMN callback_hash TO callback_secret;
