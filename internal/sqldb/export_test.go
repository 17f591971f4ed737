package sqldb

import "context"

// QueryString runs a query that returns one text value; it lets the
// external tests look at what is stored.
func (db *DB) QueryString(ctx context.Context, query string, args ...any) (string, error) {
	var s string
	err := db.read.QueryRowContext(ctx, query, args...).Scan(&s)
	return s, err
}

// WriterPragma returns the writer connection's integer pragma.
func (db *DB) WriterPragma(ctx context.Context, name string) (int, error) {
	var n int
	err := db.write.QueryRowContext(ctx, "PRAGMA "+name).Scan(&n)
	return n, err
}
