-- callup_counts keeps a call-up's readiness counts in the database: per
-- group of members (unit, required qualifications held, answer, notice
-- reached) how many there are and how many have checked in. Each
-- transaction that moves members between groups adds its deltas in the
-- same transaction (bumpCallUp), so a recount reads a few thousand rows
-- instead of grouping every member.
--
-- With it, callup_members' secondary indexes no longer carry the answer,
-- the notice's arrival or the check-in. Carrying them made each answer
-- move an entry in an index, pages at scattered places written by every
-- commit besides the member's row: 87 µs of the answer writer's CPU per
-- answer on a 1,000,000-member call-up, 29 µs without (BenchmarkSaveAnswer).
-- The narrow index still serves the filters by unit, and groups a new
-- call-up's members by unit and qualifications for its first counts.
CREATE TABLE callup_counts (
	callup_id BIGINT NOT NULL,
	unit_id BIGINT NOT NULL,
	quals BIGINT NOT NULL,
	answer TEXT NOT NULL,
	delivered INTEGER NOT NULL,
	n BIGINT NOT NULL,
	checked_in BIGINT NOT NULL,
	PRIMARY KEY (callup_id, unit_id, quals, answer, delivered)
){{without_rowid}};
INSERT INTO callup_counts (callup_id, unit_id, quals, answer, delivered, n, checked_in)
SELECT callup_id, unit_id, quals, answer, delivered, count(*), sum(CASE WHEN checked_in_at <> '' THEN 1 ELSE 0 END)
FROM callup_members GROUP BY callup_id, unit_id, quals, answer, delivered;
DROP INDEX callup_members_unit;
CREATE INDEX callup_members_unit ON callup_members(callup_id, unit_id, quals);
DROP INDEX callup_members_quals;
CREATE INDEX callup_members_quals ON callup_members(callup_id, quals) WHERE quals <> 0;
