-- Payment choices as Klarna names them, and Klarna's locale per reader (issue 15).
--
-- categories_json (both tables) now holds each category as the Klarna session returned it,
-- {"identifier","name","asset_url"}; rows from before hold bare identifiers, which the store still reads.
-- chosen_category is the identifier the reader authorized with, so the confirmation says what was paid
-- with in Klarna's words. token_purchases.locale is Klarna's locale of the purchase's sessions, orders and
-- token (sv-SE, en-SE: the reader's language when it began); '' for rows from before (the configured one).
-- +goose Up
ALTER TABLE purchases ADD COLUMN chosen_category TEXT NOT NULL DEFAULT '';
ALTER TABLE token_purchases ADD COLUMN chosen_category TEXT NOT NULL DEFAULT '';
ALTER TABLE token_purchases ADD COLUMN locale TEXT NOT NULL DEFAULT '';

-- +goose Down
-- The old code reads bare identifiers only.
UPDATE purchases SET categories_json = (
    SELECT json_group_array(CASE WHEN type = 'object' THEN json_extract(value, '$.identifier') ELSE value END)
    FROM json_each(purchases.categories_json));
UPDATE token_purchases SET categories_json = (
    SELECT json_group_array(CASE WHEN type = 'object' THEN json_extract(value, '$.identifier') ELSE value END)
    FROM json_each(token_purchases.categories_json));
ALTER TABLE token_purchases DROP COLUMN locale;
ALTER TABLE token_purchases DROP COLUMN chosen_category;
ALTER TABLE purchases DROP COLUMN chosen_category;
