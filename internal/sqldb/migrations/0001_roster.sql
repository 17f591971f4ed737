-- Force structure, roster, access and audit.
-- {{id}}, {{key}} and {{without_rowid}} are rewritten per dialect (see dialect.schema);
-- times are UTC text "2006-01-02T15:04:05.000000Z", dates "YYYY-MM-DD".

CREATE TABLE units (
	id {{id}},
	code {{key}} NOT NULL UNIQUE,
	name TEXT NOT NULL,
	parent_id BIGINT REFERENCES units(id),
	kind TEXT NOT NULL,
	target_strength INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX units_parent ON units(parent_id, code);

-- unit_tree holds every (ancestor, descendant) pair, each unit with itself at depth 0.
CREATE TABLE unit_tree (
	ancestor_id BIGINT NOT NULL REFERENCES units(id),
	unit_id BIGINT NOT NULL REFERENCES units(id),
	depth INTEGER NOT NULL,
	PRIMARY KEY (ancestor_id, unit_id)
){{without_rowid}};
CREATE INDEX unit_tree_unit ON unit_tree(unit_id, depth);

CREATE TABLE qualifications (
	id {{id}},
	code {{key}} NOT NULL UNIQUE,
	name TEXT NOT NULL,
	validity_months INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE members (
	id {{id}},
	service_number {{key}} NOT NULL,
	family_name TEXT NOT NULL,
	given_name TEXT NOT NULL,
	search_key {{key}} NOT NULL,
	birth_date TEXT NOT NULL,
	unit_id BIGINT NOT NULL REFERENCES units(id),
	position TEXT NOT NULL,
	status TEXT NOT NULL,
	phone TEXT NOT NULL,
	email TEXT NOT NULL,
	employer TEXT NOT NULL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
-- A named index rather than a column constraint, so that a first bulk load
-- can build it once at the end (see sqldb/bulkindex.go).
CREATE UNIQUE INDEX members_service_number ON members(service_number);
CREATE INDEX members_unit ON members(unit_id, status);
CREATE INDEX members_search ON members(search_key, service_number);

-- member_qualifications copies the member's unit_id so that counts per
-- qualification and subtree are read from one index.
CREATE TABLE member_qualifications (
	member_id BIGINT NOT NULL REFERENCES members(id),
	qualification_id BIGINT NOT NULL REFERENCES qualifications(id),
	expires_on TEXT NOT NULL, -- '9999-12-31' when it does not expire
	unit_id BIGINT NOT NULL,
	PRIMARY KEY (member_id, qualification_id)
){{without_rowid}};
CREATE INDEX member_qualifications_valid ON member_qualifications(qualification_id, unit_id, expires_on);

CREATE TABLE member_assignments (
	member_id BIGINT NOT NULL REFERENCES members(id),
	unit_id BIGINT NOT NULL REFERENCES units(id),
	position TEXT NOT NULL,
	since TEXT NOT NULL,
	PRIMARY KEY (member_id, unit_id)
);
CREATE INDEX member_assignments_unit ON member_assignments(unit_id);

CREATE TABLE member_status_history (
	id {{id}},
	member_id BIGINT NOT NULL REFERENCES members(id),
	status TEXT NOT NULL,
	at TEXT NOT NULL,
	actor TEXT NOT NULL
);
CREATE INDEX member_status_history_member ON member_status_history(member_id, id);

CREATE TABLE users (
	id {{id}},
	login {{key}} NOT NULL UNIQUE,
	name TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	role TEXT NOT NULL,
	unit_id BIGINT NOT NULL REFERENCES units(id),
	totp_secret TEXT NOT NULL DEFAULT '',
	totp_pending TEXT NOT NULL DEFAULT '',
	totp_enabled INTEGER NOT NULL DEFAULT 0,
	disabled INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL
);

CREATE TABLE sessions (
	id {{id}},
	secret_hash TEXT NOT NULL UNIQUE,
	user_id BIGINT NOT NULL REFERENCES users(id),
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
	id {{id}},
	name TEXT NOT NULL,
	secret_hash TEXT NOT NULL UNIQUE,
	role TEXT NOT NULL,
	unit_id BIGINT NOT NULL REFERENCES units(id),
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL,
	last_used_at TEXT NOT NULL DEFAULT '',
	revoked INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE login_failures (
	login {{key}} NOT NULL,
	at TEXT NOT NULL
);
CREATE INDEX login_failures_login ON login_failures(login, at);

CREATE TABLE audit_log (
	id {{id}},
	at TEXT NOT NULL,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	entity TEXT NOT NULL,
	entity_key TEXT NOT NULL,
	before_json TEXT,
	after_json TEXT
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_key, id);
