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
