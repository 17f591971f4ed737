-- Training: reminders before a qualification expires, and what each unit
-- requires of its members' qualifications.

-- expiry_reminders records each reminder sent to a member: at most one per
-- qualification, lead time and expiry date, so a renewal (a new
-- expires_on) starts afresh. unit_id is the member's unit when it was sent,
-- for the commanders' digests.
CREATE TABLE expiry_reminders (
	id {{id}},
	member_id BIGINT NOT NULL REFERENCES members(id),
	qualification_id BIGINT NOT NULL REFERENCES qualifications(id),
	unit_id BIGINT NOT NULL,
	expires_on TEXT NOT NULL,
	lead_days INTEGER NOT NULL,
	day TEXT NOT NULL, -- the day of the run that sent it
	UNIQUE (member_id, qualification_id, expires_on, lead_days)
);
CREATE INDEX expiry_reminders_day ON expiry_reminders(day, unit_id);

-- A delivery is a call-up's (callup_id) or an expiry reminder's
-- (reminder_id, callup_id 0): one queue, one dispatcher.
ALTER TABLE deliveries ADD COLUMN reminder_id BIGINT NOT NULL DEFAULT 0;

-- expiry_digests records the digest of a day's reminders shown to each
-- commander whose subtree they fall in.
CREATE TABLE expiry_digests (
	user_id BIGINT NOT NULL REFERENCES users(id),
	day TEXT NOT NULL,
	reminders INTEGER NOT NULL,
	PRIMARY KEY (user_id, day)
);

-- daily_runs claims a daily job for one day: the process whose insert
-- wins runs it; its transaction holds the row until it commits.
CREATE TABLE daily_runs (
	job {{key}} NOT NULL,
	day TEXT NOT NULL,
	done_at TEXT NOT NULL,
	result TEXT NOT NULL,
	PRIMARY KEY (job, day)
);

-- unit_requirements states how many holders of a qualification a unit needs.
CREATE TABLE unit_requirements (
	unit_id BIGINT NOT NULL REFERENCES units(id),
	qualification_id BIGINT NOT NULL REFERENCES qualifications(id),
	needed INTEGER NOT NULL,
	PRIMARY KEY (unit_id, qualification_id)
);
