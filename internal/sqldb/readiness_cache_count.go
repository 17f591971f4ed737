package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// recountReadiness counts the call-up's members by group, in one snapshot
// that also reads callup_changes, so that the counts are exactly those as
// of its n: by unit from the covering index callup_members_unit, by
// qualification from the partial index callup_members_quals.
func (db *DB) recountReadiness(ctx context.Context, id int64) (*readinessBase, error) {
	tx, err := db.snapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("readiness counts: %w", err)
	}
	defer tx.Rollback()
	version, err := callUpChanges(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	b := &readinessBase{version: version, units: map[readinessGroup]readinessCount{}, quals: map[readinessGroup]readinessCount{}}
	if err := scanGroups(ctx, tx, b.units, `SELECT unit_id, 0, answer, delivered, count(*), sum(CASE WHEN checked_in_at <> '' THEN 1 ELSE 0 END)
		FROM callup_members WHERE callup_id = $1 GROUP BY unit_id, answer, delivered`, id); err != nil {
		return nil, fmt.Errorf("readiness counts: %w", err)
	}
	if err := scanGroups(ctx, tx, b.quals, `SELECT unit_id, quals, answer, delivered, count(*), sum(CASE WHEN checked_in_at <> '' THEN 1 ELSE 0 END)
		FROM callup_members WHERE callup_id = $1 AND quals <> 0 GROUP BY quals, answer, delivered, unit_id`, id); err != nil {
		return nil, fmt.Errorf("readiness per qualification: %w", err)
	}
	return b, nil
}

// scanGroups reads rows of (unit, quals, answer, delivered, count, checked
// in) into m.
func scanGroups(ctx context.Context, q querier, m map[readinessGroup]readinessCount, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var g readinessGroup
		var delivered int
		var c readinessCount
		if err := rows.Scan(&g.unit, &g.quals, &g.answer, &delivered, &c.n, &c.checkedIn); err != nil {
			return err
		}
		g.delivered = delivered != 0
		m[g] = c
	}
	return rows.Err()
}

// callUpChanges reads the call-up's callup_changes n (0 without a row).
func callUpChanges(ctx context.Context, q querier, id int64) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx, `SELECT n FROM callup_changes WHERE callup_id = $1`, id).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read call-up %d changes: %w", id, err)
	}
	return n, nil
}

// bumpCallUp counts one more transaction changing the call-up's members,
// and returns the new n. It takes the journal of the moves of members
// reached or checked in (callup_moves) since the last bump of the
// transaction; in a *Tx, those moves are applied to the readiness cache
// after the commit (Tx.moved). A transaction that changes callup_members
// otherwise than by answers, notices reached and check-ins (a re-alert
// adding members) has no moves, so the cache recounts.
func bumpCallUp(ctx context.Context, q querier, id int64) (int64, error) {
	b, err := bumpWithMoves(ctx, q, id)
	if err != nil {
		return 0, err
	}
	if t, ok := q.(*Tx); ok && len(b.moves) > 0 {
		t.moved = append(t.moved, movedBatch{callup: id, batch: b})
	}
	return b.version, nil
}

// movedBatch is a batch of moves of one call-up, for after the commit.
type movedBatch struct {
	callup int64
	batch  readinessBatch
}

// bumpWithMoves counts the change and returns its n with the journal's
// moves, emptying the journal.
func bumpWithMoves(ctx context.Context, q querier, id int64) (readinessBatch, error) {
	var b readinessBatch
	err := q.QueryRowContext(ctx, `INSERT INTO callup_changes (callup_id, n) VALUES ($1, 1)
		ON CONFLICT (callup_id) DO UPDATE SET n = callup_changes.n + 1 RETURNING n`, id).Scan(&b.version)
	if err != nil {
		return b, fmt.Errorf("count a change of call-up %d: %w", id, err)
	}
	rows, err := q.QueryContext(ctx, `DELETE FROM callup_moves WHERE callup_id = $1
		RETURNING unit_id, quals, from_answer, from_delivered, from_checked_in, to_answer, to_delivered, to_checked_in`, id)
	if err != nil {
		return b, fmt.Errorf("moves of call-up %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var m readinessMove
		var fromDelivered, fromChecked, toDelivered, toChecked int
		if err := rows.Scan(&m.from.unit, &m.from.quals, &m.from.answer, &fromDelivered, &fromChecked, &m.to.answer, &toDelivered, &toChecked); err != nil {
			return b, fmt.Errorf("moves of call-up %d: %w", id, err)
		}
		m.to.unit, m.to.quals = m.from.unit, m.from.quals
		m.from.delivered, m.to.delivered = fromDelivered != 0, toDelivered != 0
		m.checkedIn, m.checkIn = fromChecked != 0, fromChecked == 0 && toChecked != 0
		b.moves = append(b.moves, m)
	}
	return b, rows.Err()
}

// ReadinessChanged returns a channel closed at the call-up's next change
// of readiness committed by this process (see muster.CallUpService).
func (db *DB) ReadinessChanged(id int64) <-chan struct{} { return db.readiness.changed(id) }

// snapshot begins a read-only transaction that sees one snapshot of the
// database: REPEATABLE READ on PostgreSQL; any read transaction on SQLite.
func (db *DB) snapshot(ctx context.Context) (*sql.Tx, error) {
	var opts *sql.TxOptions
	if db.dialect == postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	return db.read.BeginTx(ctx, opts)
}
