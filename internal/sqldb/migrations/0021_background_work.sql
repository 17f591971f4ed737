-- Background work yields to call-up traffic; staff users get messages.

-- deliveries.priority orders the dispatcher's claims (muster.DeliveryPriority):
-- 0 a call-up's, 1 the armory's (and escalated checks), 2 background work
-- (expiry reminders, commanders' digests). The claim index takes it before
-- next_at, so that each priority's due rows are one ordered range.
ALTER TABLE deliveries ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
UPDATE deliveries SET priority = 1 WHERE purpose IN ('receipt', 'check');
UPDATE deliveries SET priority = 2 WHERE purpose = 'expiry';
DROP INDEX deliveries_claim;
CREATE INDEX deliveries_claim ON deliveries(channel, status, priority, next_at);

-- A daily run is now written in chunks, each committed on its own: the
-- run's claim is a lease, held by owner until lease_until and renewed by
-- each chunk, so that a process that dies mid-run leaves the day to be
-- taken over once the lease ends. done_at is '' until the run is done.
ALTER TABLE daily_runs ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE daily_runs ADD COLUMN lease_until TEXT NOT NULL DEFAULT '';

-- Staff users' contact data, both optional: where muster sends them the
-- daily expiry digest and escalated armory checks.
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';

-- A delivery to a staff user: user_id names them (member_id 0), as
-- reminder_id names an expiry reminder (0 for none); its text is in body
-- and link is the path of the staff page it links to.
ALTER TABLE deliveries ADD COLUMN user_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN link TEXT NOT NULL DEFAULT '';
