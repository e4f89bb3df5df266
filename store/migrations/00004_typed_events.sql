-- Typed timeline events (issue 10): a state change names its from and to state, an API call names its
-- operation, and the ids that matter (order, session, step-up, HPP session, callback event) are a JSON
-- object instead of text inside the message. The demo console draws the timeline from these columns.
-- +goose Up
ALTER TABLE purchase_events ADD COLUMN from_state TEXT NOT NULL DEFAULT '';
ALTER TABLE purchase_events ADD COLUMN to_state   TEXT NOT NULL DEFAULT '';
ALTER TABLE purchase_events ADD COLUMN call       TEXT NOT NULL DEFAULT '';
ALTER TABLE purchase_events ADD COLUMN ids_json   TEXT NOT NULL DEFAULT '{}';

-- Older state events said "from → to (note)" in message: keep their meaning in the new columns.
UPDATE purchase_events
SET from_state = substr(message, 1, instr(message, ' → ') - 1),
    to_state   = CASE
        WHEN instr(substr(message, instr(message, ' → ') + 3), ' ') > 0
        THEN substr(substr(message, instr(message, ' → ') + 3), 1, instr(substr(message, instr(message, ' → ') + 3), ' ') - 1)
        ELSE substr(message, instr(message, ' → ') + 3)
    END
WHERE kind = 'state' AND instr(message, ' → ') > 0;

-- +goose Down
ALTER TABLE purchase_events DROP COLUMN ids_json;
ALTER TABLE purchase_events DROP COLUMN call;
ALTER TABLE purchase_events DROP COLUMN to_state;
ALTER TABLE purchase_events DROP COLUMN from_state;
