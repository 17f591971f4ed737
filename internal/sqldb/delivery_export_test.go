package sqldb

import "context"

// ExecForTest runs a statement on the write pool, for tests and benchmarks
// that build large tables directly.
func (db *DB) ExecForTest(ctx context.Context, query string, args ...any) (int64, error) {
	r, err := db.write.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}
