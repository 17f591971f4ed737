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

-- callup_qualified records, for each qualification a call-up requires,
-- the targeted members who held it valid when they were targeted, with
-- their unit, so that readiness per qualification never joins the
-- members' qualifications.
CREATE TABLE callup_qualified (
	callup_id BIGINT NOT NULL REFERENCES callups(id),
	qualification_id BIGINT NOT NULL REFERENCES qualifications(id),
	member_id BIGINT NOT NULL,
	unit_id BIGINT NOT NULL,
	PRIMARY KEY (callup_id, qualification_id, member_id)
){{without_rowid}};

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
