package sqldb

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// recountReadiness reads the call-up's counts (callup_counts) in one
// snapshot that also reads callup_changes, so that they are exactly those
// as of its n.
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
	groups := map[readinessGroup]readinessCount{}
	if err := scanGroups(ctx, tx, groups, `SELECT unit_id, quals, answer, delivered, n, checked_in
		FROM callup_counts WHERE callup_id = $1 AND n <> 0`, id); err != nil {
		return nil, fmt.Errorf("readiness counts: %w", err)
	}
	for g, c := range groups {
		if g.quals != 0 {
			b.quals[g] = c
		}
		g.quals = 0
		u := b.units[g]
		u.n, u.checkedIn = u.n+c.n, u.checkedIn+c.checkedIn
		b.units[g] = u
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
// transaction and adds them to callup_counts; in a *Tx, those moves are
// applied to the readiness cache after the commit (Tx.moved). A
// transaction that adds members (countNewMembers) has no moves, so the
// cache recounts.
func bumpCallUp(ctx context.Context, q querier, id int64) (int64, error) {
	b, err := bumpWithMoves(ctx, q, id, nil, nil)
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
// moves, emptying the journal, and adds those moves and own (the moves
// the caller made itself: the answer writer's) to callup_counts, through
// add when it is not nil (else one statement a group through q).
func bumpWithMoves(ctx context.Context, q querier, id int64, own []readinessMove, add countAdder) (readinessBatch, error) {
	var b readinessBatch
	err := q.QueryRowContext(ctx, `INSERT INTO callup_changes (callup_id, n) VALUES ($1, 1)
		ON CONFLICT (callup_id) DO UPDATE SET n = callup_changes.n + 1 RETURNING n`, id).Scan(&b.version)
	if err != nil {
		return b, fmt.Errorf("count a change of call-up %d: %w", id, err)
	}
	if b.moves, err = takeMoves(ctx, q, id); err != nil {
		return b, err
	}
	if add == nil {
		add = countsThrough(ctx, q, nil)
	}
	deltas := countDeltas(b.moves, own)
	if err := add(id, slices.SortedFunc(maps.Keys(deltas), compareCountKeys), deltas); err != nil {
		return b, fmt.Errorf("count the moves of call-up %d: %w", id, err)
	}
	return b, nil
}

// countAdder adds a call-up's deltas to callup_counts, in the order of
// keys (compareCountKeys, the order in which transactions update its
// rows).
type countAdder func(id int64, keys []countKey, deltas map[countKey]readinessCount) error

// countsThrough adds deltas with countSQL through q, one statement a
// group, or through stmt (countSQL prepared, bound to q's transaction)
// when it is not nil.
func countsThrough(ctx context.Context, q querier, stmt *sql.Stmt) countAdder {
	return func(id int64, keys []countKey, deltas map[countKey]readinessCount) error {
		for _, k := range keys {
			d := deltas[k]
			args := []any{id, k.unit, k.quals, k.answer, k.delivered, d.n, d.checkedIn}
			var err error
			if stmt != nil {
				_, err = stmt.ExecContext(ctx, args...)
			} else {
				_, err = q.ExecContext(ctx, countSQL, args...)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
}

// takeMoves returns the journal's moves of the call-up, emptying it.
func takeMoves(ctx context.Context, q querier, id int64) ([]readinessMove, error) {
	rows, err := q.QueryContext(ctx, `DELETE FROM callup_moves WHERE callup_id = $1
		RETURNING unit_id, quals, from_answer, from_delivered, from_checked_in, to_answer, to_delivered, to_checked_in`, id)
	if err != nil {
		return nil, fmt.Errorf("moves of call-up %d: %w", id, err)
	}
	defer rows.Close()
	var moves []readinessMove
	for rows.Next() {
		var m readinessMove
		var fromDelivered, fromChecked, toDelivered, toChecked int
		if err := rows.Scan(&m.from.unit, &m.from.quals, &m.from.answer, &fromDelivered, &fromChecked, &m.to.answer, &toDelivered, &toChecked); err != nil {
			return nil, fmt.Errorf("moves of call-up %d: %w", id, err)
		}
		m.to.unit, m.to.quals = m.from.unit, m.from.quals
		m.from.delivered, m.to.delivered = fromDelivered != 0, toDelivered != 0
		m.checkedIn, m.checkIn = fromChecked != 0, fromChecked == 0 && toChecked != 0
		moves = append(moves, m)
	}
	return moves, rows.Err()
}

// countSQL adds a delta to one group's row of callup_counts: $1 call-up,
// $2 unit, $3 quals, $4 answer, $5 delivered, $6 members, $7 checked in.
const countSQL = `INSERT INTO callup_counts (callup_id, unit_id, quals, answer, delivered, n, checked_in)
	VALUES ($1, $2, $3, $4, $5, $6, $7)
	ON CONFLICT (callup_id, unit_id, quals, answer, delivered)
	DO UPDATE SET n = callup_counts.n + excluded.n, checked_in = callup_counts.checked_in + excluded.checked_in`

// countKey is a group as callup_counts keys it.
type countKey struct {
	unit, quals int64
	answer      string
	delivered   int
}

// compareCountKeys orders groups as callup_counts' primary key does, the
// order in which transactions update their rows (after callup_changes').
func compareCountKeys(a, b countKey) int {
	return cmp.Or(cmp.Compare(a.unit, b.unit), cmp.Compare(a.quals, b.quals), cmp.Compare(a.answer, b.answer), cmp.Compare(a.delivered, b.delivered))
}

// countDeltas sums the moves into a delta per group, leaving out those
// that cancel.
func countDeltas(lists ...[]readinessMove) map[countKey]readinessCount {
	deltas := map[countKey]readinessCount{}
	add := func(g readinessGroup, n, in int) {
		k := countKey{unit: g.unit, quals: g.quals, answer: g.answer}
		if g.delivered {
			k.delivered = 1
		}
		d := deltas[k]
		d.n, d.checkedIn = d.n+n, d.checkedIn+in
		if d == (readinessCount{}) {
			delete(deltas, k)
		} else {
			deltas[k] = d
		}
	}
	for _, moves := range lists {
		for _, m := range moves {
			out, in := 0, 0
			if m.checkedIn {
				out = 1
			}
			if m.checkedIn || m.checkIn {
				in = 1
			}
			add(m.from, -1, -out)
			add(m.to, 1, in)
		}
	}
	return deltas
}

// countNewMembers adds the call-up's new members to callup_counts, all
// unanswered, unreached and not checked in: with addedAt empty, every
// member (a call-up just created, grouped from the index on unit and
// quals), else those added at addedAt (a re-alert's next pool).
func countNewMembers(ctx context.Context, q querier, id int64, addedAt string) error {
	cond, args := "", []any{id}
	if addedAt != "" {
		cond, args = " AND added_at = $2", append(args, addedAt)
	}
	_, err := q.ExecContext(ctx, `INSERT INTO callup_counts (callup_id, unit_id, quals, answer, delivered, n, checked_in)
		SELECT callup_id, unit_id, quals, '', 0, count(*), 0 FROM callup_members WHERE callup_id = $1`+cond+`
		GROUP BY callup_id, unit_id, quals
		ON CONFLICT (callup_id, unit_id, quals, answer, delivered) DO UPDATE SET n = callup_counts.n + excluded.n`, args...)
	if err != nil {
		return fmt.Errorf("count the members of call-up %d: %w", id, err)
	}
	return nil
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
