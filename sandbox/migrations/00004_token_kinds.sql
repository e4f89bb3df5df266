-- +goose Up
-- Klarna customer tokens come in two kinds (reference klarna-api.md §4.4): subscription tokens, made from
-- a session whose order lines carry a subscription object (Payway's purchases: merchant-initiated
-- renewals, never a step-up), and on-demand tokens, made without one (the app's one-click token:
-- customer-initiated charges, where Klarna may ask for a step-up). A token's kind decides whether a
-- rejected charge may hand out a step_up_id.
ALTER TABLE kp_customer_tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'on_demand'
    CHECK (kind IN ('on_demand', 'subscription'));

-- Tokens Payway keeps for an account's subscription (its payment profiles) were made for it.
UPDATE kp_customer_tokens SET kind = 'subscription'
WHERE token_id IN (SELECT klarna_customer_token FROM payment_profiles);

-- +goose Down
ALTER TABLE kp_customer_tokens DROP COLUMN kind;
