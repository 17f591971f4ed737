package sqldb

import (
	"context"
	"fmt"
	"time"

	"github.com/muster-force/muster"
)

// DSN returns what the database was opened with, for tests that reopen it.
func (db *DB) DSN() string { return db.dsn }

// BaselineCallUpInsert is the benchmark's yardstick for CreateCallUp: it
// copies call-up from's row to a new call-up and writes the same
// (callup_id, member_id, unit_id) tuples into callup_members with the
// plain batched multi-row INSERTs of the bulk import, in one transaction.
// Only the insert and its commit are timed; the tuples are read first.
func (db *DB) BaselineCallUpInsert(ctx context.Context, from int64) (rows int, elapsed time.Duration, err error) {
	var id int64
	err = db.write.QueryRowContext(ctx, `INSERT INTO callups (title, kind, unit_id, filter_json, message, assembly_point,
		report_by, channels, drill, targeted, created_by, created_at)
		SELECT title, kind, unit_id, filter_json, message, assembly_point, report_by, channels, drill, targeted, created_by, created_at
		FROM callups WHERE id = $1 RETURNING id`, from).Scan(&id)
	if err != nil {
		return 0, 0, fmt.Errorf("copy call-up: %w", err)
	}
	var tuples [][]any
	r, err := db.read.QueryContext(ctx, `SELECT member_id, unit_id FROM callup_members WHERE callup_id = $1 ORDER BY member_id`, from)
	if err != nil {
		return 0, 0, err
	}
	for r.Next() {
		var m, u int64
		if err := r.Scan(&m, &u); err != nil {
			r.Close()
			return 0, 0, err
		}
		tuples = append(tuples, []any{id, m, u})
	}
	r.Close()
	if err := r.Err(); err != nil {
		return 0, 0, err
	}
	start := time.Now()
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, err
	}
	tx := &Tx{Tx: sqlTx, db: db, now: db.now(), actor: muster.SystemActor("bench")}
	b := tx.newBulkInserter("callup_members", "callup_id", "member_id", "unit_id")
	var packed packedValues
	if err = packed.addRows(tuples); err == nil {
		err = b.insert(ctx, &packed)
	}
	b.close()
	if err != nil {
		tx.Rollback()
		return 0, 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, err
	}
	return len(tuples), time.Since(start), nil
}
