-- Finished purchases keep no Klarna authorization token or widget client token (issue 14): the app
-- drops them on every save from now on (checkout.Purchase.ForgetSecrets); this clears the ones kept
-- before.
-- +goose Up
UPDATE purchases SET authorization_token = '', client_token = ''
WHERE state IN ('placed', 'confirmed', 'failed', 'expired') AND (authorization_token <> '' OR client_token <> '');

-- +goose Down
-- Nothing to restore: the tokens are gone, as intended.
SELECT 1;
