package sqldb

import "context"

// EachString calls fn with the single text column of each row of a query.
func (db *DB) EachString(ctx context.Context, query string, fn func(string), args ...any) error {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		fn(s)
	}
	return rows.Err()
}
