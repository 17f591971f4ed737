-- Escalation: required strength per qualification, fallback to the next
-- channel, reminders and re-alerts of the next pool.

-- requirements_json is [{"qualification","needed"}]; escalation_json is
-- {"fallback_after","reminders","realert"} (muster.Escalation).
ALTER TABLE callups ADD COLUMN requirements_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE callups ADD COLUMN escalation_json TEXT NOT NULL DEFAULT '{}';

-- wave is 0 for the members targeted at creation and 1 for those a
-- re-alert added, at added_at ('' for wave 0: the call-up's created_at).
ALTER TABLE callup_members ADD COLUMN wave INTEGER NOT NULL DEFAULT 0;
ALTER TABLE callup_members ADD COLUMN added_at TEXT NOT NULL DEFAULT '';

-- step is the delivery's channel's place in the call-up's order. With a
-- fallback, a later channel's delivery is written 'held', with next_at the
-- time it falls due unless the earlier channel fails for good first;
-- when due it is sent, or 'skipped' (final, never sent) if the member has
-- answered by then.
ALTER TABLE deliveries ADD COLUMN step INTEGER NOT NULL DEFAULT 0;

-- quals has bit i set when the member held the call-up's i-th required
-- qualification valid when targeted. The partial index covers the
-- readiness per qualification (GROUP BY quals, answer, delivered) for the
-- holders alone, so it never joins the members' qualifications, and
-- costs nothing to call-ups without requirements.
ALTER TABLE callup_members ADD COLUMN quals BIGINT NOT NULL DEFAULT 0;
CREATE INDEX callup_members_quals ON callup_members(callup_id, quals, answer, delivered, checked_in_at, unit_id) WHERE quals <> 0;

-- escalation_timers are a call-up's due actions: kind 'reminder' or
-- 'realert', due at due_at; done_at is set, by a conditional UPDATE in the
-- transaction that applies it, exactly once.
CREATE TABLE escalation_timers (
	id {{id}},
	callup_id BIGINT NOT NULL REFERENCES callups(id),
	kind TEXT NOT NULL,
	due_at TEXT NOT NULL,
	done_at TEXT NOT NULL DEFAULT '',
	result TEXT NOT NULL DEFAULT ''
);
CREATE INDEX escalation_timers_due ON escalation_timers(done_at, due_at);
