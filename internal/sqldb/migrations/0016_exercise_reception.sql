-- Exercise reception and support: arrivals and departures at the desk,
-- lodging sites and assignments, meal adjustments, kit to hand out, and
-- notes per participant. Who did what and when is on the rows; every change
-- is in the audit log too.

-- A participant's arrival and departure (times '' until they happen) and
-- the lodging site they sleep at (NULL: none). Departing frees the bed.
ALTER TABLE exercise_participants ADD COLUMN arrived_at TEXT NOT NULL DEFAULT '';
ALTER TABLE exercise_participants ADD COLUMN arrived_by TEXT NOT NULL DEFAULT '';
ALTER TABLE exercise_participants ADD COLUMN departed_at TEXT NOT NULL DEFAULT '';
ALTER TABLE exercise_participants ADD COLUMN departed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE exercise_participants ADD COLUMN site_id BIGINT;

-- exercise_sites: where participants sleep, e.g. "Barracks 2", 120 beds.
CREATE TABLE exercise_sites (
	id {{id}},
	exercise_id BIGINT NOT NULL REFERENCES exercises(id),
	name TEXT NOT NULL,
	capacity INTEGER NOT NULL,
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL,
	UNIQUE (exercise_id, name)
);
CREATE INDEX exercise_participants_site ON exercise_participants(exercise_id, site_id);

-- exercise_meals: manual adjustments of a day's meal counts (extra
-- portions, e.g. for partner units from outside muster), added to the
-- counts derived from the participants expected that day.
CREATE TABLE exercise_meals (
	exercise_id BIGINT NOT NULL REFERENCES exercises(id),
	day TEXT NOT NULL, -- YYYY-MM-DD
	breakfast INTEGER NOT NULL,
	lunch INTEGER NOT NULL,
	dinner INTEGER NOT NULL,
	note TEXT NOT NULL,
	changed_by TEXT NOT NULL,
	changed_at TEXT NOT NULL,
	PRIMARY KEY (exercise_id, day)
){{without_rowid}};

-- exercise_kit_items: what each participant is to be handed, e.g. 1
-- sleeping bag, 2 blankets.
CREATE TABLE exercise_kit_items (
	id {{id}},
	exercise_id BIGINT NOT NULL REFERENCES exercises(id),
	name TEXT NOT NULL,
	per_participant INTEGER NOT NULL,
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL,
	UNIQUE (exercise_id, name)
);

-- exercise_kit_issues: what a participant was handed of an item and
-- whether it came back. Linking to the armory later: an issue of an item
-- with a serial number gets a nullable armory item reference here.
CREATE TABLE exercise_kit_issues (
	exercise_id BIGINT NOT NULL,
	member_id BIGINT NOT NULL,
	item_id BIGINT NOT NULL REFERENCES exercise_kit_items(id),
	quantity INTEGER NOT NULL,
	issued_by TEXT NOT NULL,
	issued_at TEXT NOT NULL,
	returned_by TEXT NOT NULL DEFAULT '',
	returned_at TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (exercise_id, member_id, item_id),
	FOREIGN KEY (exercise_id, member_id) REFERENCES exercise_participants(exercise_id, member_id)
){{without_rowid}};

-- exercise_notes: free-text notes about a participant, appended, never
-- changed.
CREATE TABLE exercise_notes (
	id {{id}},
	exercise_id BIGINT NOT NULL,
	member_id BIGINT NOT NULL,
	text TEXT NOT NULL,
	written_by TEXT NOT NULL,
	written_at TEXT NOT NULL,
	FOREIGN KEY (exercise_id, member_id) REFERENCES exercise_participants(exercise_id, member_id)
);
CREATE INDEX exercise_notes_member ON exercise_notes(exercise_id, member_id, id);
