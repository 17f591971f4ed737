-- exercise_awards: qualifications awarded or renewed to the participants
-- who completed an exercise (only awards that changed something). The
-- per-member changes live in the audit log (member.award, before/after).
CREATE TABLE exercise_awards (
	id {{id}},
	exercise_id BIGINT NOT NULL REFERENCES exercises(id),
	qualification_id BIGINT NOT NULL REFERENCES qualifications(id),
	valid_months INTEGER NOT NULL,
	expires_on TEXT NOT NULL, -- '9999-12-31' when it does not expire
	track TEXT NOT NULL,
	min_days INTEGER NOT NULL,
	roles_json TEXT NOT NULL, -- JSON array of roles; [] for every role
	awarded INTEGER NOT NULL,
	renewed INTEGER NOT NULL,
	skipped_json TEXT NOT NULL, -- JSON array of {service_number, reason}
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL
);
CREATE INDEX exercise_awards_exercise ON exercise_awards(exercise_id, id);
