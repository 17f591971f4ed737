package sqldb

import (
	"context"
	"fmt"
	"strings"
)

// ClaimPlan returns the database's plan of one step of the claim, as
// text. On PostgreSQL sequential scans are priced out, so that the plan
// of a nearly empty test table shows whether an index serves the claim.
func (db *DB) ClaimPlan(ctx context.Context) (string, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	explain := "EXPLAIN QUERY PLAN "
	if db.dialect == postgres {
		explain = "EXPLAIN "
		if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
			return "", err
		}
	}
	rows, err := tx.QueryContext(ctx, explain+db.claimSQL(), "2026-11-23T10:00:00.000000Z", "2026-11-23T09:00:00.000000Z", "sms", "pending", 0, 100)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		for i := range vals {
			vals[i] = new(any)
		}
		if err := rows.Scan(vals...); err != nil {
			return "", err
		}
		for _, v := range vals {
			fmt.Fprintf(&b, "%v ", *(v.(*any)))
		}
		b.WriteString("\n")
	}
	return b.String(), rows.Err()
}
