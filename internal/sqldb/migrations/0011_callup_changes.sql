-- callup_changes counts, per call-up, the committed transactions that
-- changed its callup_members rows (answers, check-ins, deliveries reached,
-- members added): each bumps n in the same transaction. Readiness keeps
-- its counts in memory and reads n, one row by primary key, to know
-- whether they still hold (see readiness_cache.go). A call-up without a
-- row has n = 0.
CREATE TABLE callup_changes (
	callup_id BIGINT PRIMARY KEY REFERENCES callups(id),
	n BIGINT NOT NULL
);
