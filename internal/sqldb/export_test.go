package sqldb

import "context"

// QueryString runs a query that returns one text value; it lets the
// external tests look at what is stored.
func (db *DB) QueryString(ctx context.Context, query string, args ...any) (string, error) {
	var s string
	err := db.read.QueryRowContext(ctx, query, args...).Scan(&s)
	return s, err
}
