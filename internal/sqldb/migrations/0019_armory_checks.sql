-- Armory check campaigns (issue 5, item 3). A campaign fixes, at creation,
-- the serialised items in store or issued in the armories of a unit's
-- subtree (armory_check_items, with the holder at that moment); holders and
-- armorers confirm them; mismatches and what is unconfirmed at the deadline
-- become discrepancies, escalated to the unit's commanders when the
-- deadline passes (closed_at is set then, exactly once).

CREATE TABLE armory_checks (
	id {{id}},
	unit_id BIGINT NOT NULL REFERENCES units(id),
	deadline TEXT NOT NULL,
	note TEXT NOT NULL,
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL,
	closed_at TEXT NOT NULL DEFAULT '' -- '' while open
);
CREATE INDEX armory_checks_due ON armory_checks(closed_at, deadline);

-- member_id is the holder when the campaign began, NULL for an item in
-- store (confirmed by the armorer's scan).
CREATE TABLE armory_check_items (
	check_id BIGINT NOT NULL REFERENCES armory_checks(id),
	item_id BIGINT NOT NULL REFERENCES items(id),
	serial {{key}} NOT NULL,
	member_id BIGINT REFERENCES members(id),
	confirmed_at TEXT NOT NULL DEFAULT '',
	confirmed_by TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (check_id, item_id)
){{without_rowid}};
CREATE INDEX armory_check_items_serial ON armory_check_items(check_id, serial);
CREATE INDEX armory_check_items_member ON armory_check_items(member_id, check_id);

CREATE TABLE armory_discrepancies (
	id {{id}},
	check_id BIGINT NOT NULL REFERENCES armory_checks(id),
	kind TEXT NOT NULL, -- missing, wrong_holder, unknown, unconfirmed
	serial {{key}} NOT NULL,
	member {{key}} NOT NULL, -- service number concerned, '' when none
	detail TEXT NOT NULL,
	created_at TEXT NOT NULL,
	escalated_at TEXT NOT NULL DEFAULT '',
	resolved_at TEXT NOT NULL DEFAULT '', -- '' while open
	resolved_by TEXT NOT NULL DEFAULT '',
	resolution TEXT NOT NULL DEFAULT ''
);
CREATE INDEX armory_discrepancies_check ON armory_discrepancies(check_id, resolved_at, id);
