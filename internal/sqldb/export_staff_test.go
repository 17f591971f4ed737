package sqldb

import "context"

// ExecForBench runs a statement on the write pool; the benchmarks use it
// to set up answers and periods in bulk.
func (db *DB) ExecForBench(ctx context.Context, query string, args ...any) error {
	_, err := db.write.ExecContext(ctx, query, args...)
	return err
}

// QueryStrings runs a query that returns one text column.
func (db *DB) QueryStrings(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
