-- Call-up staff work: reusable call-up templates, members' unavailability,
-- selective call-up (who reports, who stands by).

-- callup_templates holds named call-ups to start from. callup_json is the
-- POST /api/v1/callups body without report_by, kept as JSON so that fields
-- added to call-ups later carry over without a schema change; unit_id is
-- its unit, for the scope checks. report_within_s is the report-by time
-- relative to the call-up's creation, in seconds.
CREATE TABLE callup_templates (
	id {{id}},
	name {{key}} NOT NULL UNIQUE,
	unit_id BIGINT NOT NULL REFERENCES units(id),
	report_within_s BIGINT NOT NULL,
	callup_json TEXT NOT NULL,
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX callup_templates_unit ON callup_templates(unit_id);

-- member_unavailability holds periods [starts_at, ends_at) in which a
-- member cannot be called. The index serves the call-up filter's NOT
-- EXISTS probe per member.
CREATE TABLE member_unavailability (
	id {{id}},
	member_id BIGINT NOT NULL REFERENCES members(id),
	starts_at TEXT NOT NULL,
	ends_at TEXT NOT NULL,
	reason TEXT NOT NULL,
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL
);
CREATE INDEX member_unavailability_member ON member_unavailability(member_id, starts_at, ends_at);

-- selected_at is when staff picked the member to report; standby_at when
-- the member, who said yes, was told to stand by. '' when not.
ALTER TABLE callup_members ADD COLUMN selected_at TEXT NOT NULL DEFAULT '';
ALTER TABLE callup_members ADD COLUMN standby_at TEXT NOT NULL DEFAULT '';
-- Partial indexes: they count the selected and the standby without reading
-- every targeted row, and cost the fan-out nothing, whose rows are ''.
CREATE INDEX callup_members_selected ON callup_members(callup_id) WHERE selected_at <> '';
CREATE INDEX callup_members_standby ON callup_members(callup_id) WHERE standby_at <> '';
