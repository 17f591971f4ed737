-- SQLite: the same as 0015_callup_gaps.postgres.sql but for the trigger.

-- Escalation timers whose action fails are retried with a capped
-- exponential backoff, a bounded number of times. attempts counts the
-- failed attempts; last_error is the last failure as logged (for
-- operators, never shown) and error_message its user-safe message;
-- retry_at is when the timer is next tried ('' before any failure);
-- failed_at is set, with done_at, when the last attempt failed and the
-- timer is given up.
ALTER TABLE escalation_timers ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE escalation_timers ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE escalation_timers ADD COLUMN error_message TEXT NOT NULL DEFAULT '';
ALTER TABLE escalation_timers ADD COLUMN retry_at TEXT NOT NULL DEFAULT '';
ALTER TABLE escalation_timers ADD COLUMN failed_at TEXT NOT NULL DEFAULT '';

-- body is a delivery's own text, for a message not made from the
-- call-up: a 'confirmation' SMS of an answer given by SMS, queued in the
-- answer's transaction. '' for every other purpose.
ALTER TABLE deliveries ADD COLUMN body TEXT NOT NULL DEFAULT '';

-- callup_moves is a journal, per transaction, of the changes of a
-- call-up member's readiness group that are not answers: a notice reached
-- them (delivered) or they checked in. A trigger writes it; bumpCallUp
-- reads and empties it in the same transaction, so that the readiness
-- cache moves those members after the commit instead of recounting. It is
-- empty between transactions.
CREATE TABLE callup_moves (
	id {{id}},
	callup_id BIGINT NOT NULL,
	unit_id BIGINT NOT NULL,
	quals BIGINT NOT NULL,
	from_answer TEXT NOT NULL,
	from_delivered INTEGER NOT NULL,
	from_checked_in INTEGER NOT NULL,
	to_answer TEXT NOT NULL,
	to_delivered INTEGER NOT NULL,
	to_checked_in INTEGER NOT NULL
);
CREATE INDEX callup_moves_callup ON callup_moves(callup_id);
-- (The migration runner ends a statement at a line ending in ';': the
-- trigger's inner statement ends mid-line.)
CREATE TRIGGER callup_members_move AFTER UPDATE OF delivered, checked_in_at ON callup_members
WHEN OLD.delivered <> NEW.delivered OR (OLD.checked_in_at = '') <> (NEW.checked_in_at = '')
BEGIN
	INSERT INTO callup_moves (callup_id, unit_id, quals, from_answer, from_delivered, from_checked_in, to_answer, to_delivered, to_checked_in)
	VALUES (NEW.callup_id, NEW.unit_id, NEW.quals, OLD.answer, OLD.delivered, OLD.checked_in_at <> '', NEW.answer, NEW.delivered, NEW.checked_in_at <> ''); END;
