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
// in tx, and returns the new n. Every write to callup_members calls it.
func bumpCallUp(ctx context.Context, tx querier, id int64) (int64, error) {
	var n int64
	err := tx.QueryRowContext(ctx, `INSERT INTO callup_changes (callup_id, n) VALUES ($1, 1)
		ON CONFLICT (callup_id) DO UPDATE SET n = callup_changes.n + 1 RETURNING n`, id).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count a change of call-up %d: %w", id, err)
	}
	return n, nil
}

// snapshot begins a read-only transaction that sees one snapshot of the
// database: REPEATABLE READ on PostgreSQL; any read transaction on SQLite.
func (db *DB) snapshot(ctx context.Context) (*sql.Tx, error) {
	var opts *sql.TxOptions
	if db.dialect == postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	return db.read.BeginTx(ctx, opts)
}
