-- Exercises: the yearly plan, participants, attendance and calendar feeds.
-- Later parts of an exercise (lodging, meals, kit, outcomes) hang off
-- exercise_participants by (exercise_id, member_id), as attendance does.

CREATE TABLE exercises (
	id {{id}},
	title TEXT NOT NULL,
	unit_id BIGINT NOT NULL REFERENCES units(id),
	start_on TEXT NOT NULL, -- YYYY-MM-DD, the first day
	end_on TEXT NOT NULL,   -- YYYY-MM-DD, the last day (included)
	location TEXT NOT NULL,
	lead TEXT NOT NULL,
	objectives_json TEXT NOT NULL, -- JSON array of strings
	partners_json TEXT NOT NULL,   -- JSON array of strings: units from outside muster
	tracks_json TEXT NOT NULL,     -- JSON array of strings: e.g. "command staff"
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX exercises_unit ON exercises(unit_id, start_on);
CREATE INDEX exercises_dates ON exercises(start_on, end_on);

-- exercise_participants: who takes part, in what role and track; callup_id
-- is the call-up that summoned the member (NULL when added by hand).
-- unit_id is the member's unit when added, for sheets per unit.
CREATE TABLE exercise_participants (
	exercise_id BIGINT NOT NULL REFERENCES exercises(id),
	member_id BIGINT NOT NULL REFERENCES members(id),
	unit_id BIGINT NOT NULL,
	role TEXT NOT NULL,
	track TEXT NOT NULL,
	callup_id BIGINT,
	added_at TEXT NOT NULL,
	PRIMARY KEY (exercise_id, member_id)
){{without_rowid}};
CREATE INDEX exercise_participants_member ON exercise_participants(member_id, exercise_id);

-- exercise_attendance: the current mark per participant and day; earlier
-- marks live in the audit log.
CREATE TABLE exercise_attendance (
	exercise_id BIGINT NOT NULL,
	member_id BIGINT NOT NULL,
	day TEXT NOT NULL, -- YYYY-MM-DD
	present INTEGER NOT NULL,
	hours DOUBLE PRECISION NOT NULL,
	role TEXT NOT NULL,
	marked_by TEXT NOT NULL,
	marked_at TEXT NOT NULL,
	PRIMARY KEY (exercise_id, member_id, day),
	FOREIGN KEY (exercise_id, member_id) REFERENCES exercise_participants(exercise_id, member_id)
){{without_rowid}};

-- calendar_feeds: secret addresses of iCalendar feeds, of a unit's subtree
-- (unit_id) or of one member (member_id). Only the secret's hash is kept.
CREATE TABLE calendar_feeds (
	id {{id}},
	secret_hash TEXT NOT NULL UNIQUE,
	unit_id BIGINT REFERENCES units(id),
	member_id BIGINT REFERENCES members(id),
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL,
	revoked_at TEXT NOT NULL DEFAULT ''
);
