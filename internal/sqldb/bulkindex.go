package sqldb

import (
	"context"
	"fmt"
)

// bulkIndexes are the secondary indexes a large import drops and rebuilds
// on SQLite: building an index by sorting once is several times faster than
// inserting a million rows into it one at a time. The unique index on
// service numbers is dropped too when the import starts from an empty
// roster (initialIndexes): every member is then one the import created and
// remembers, so it needs no lookups, and rebuilding the unique index proves
// the file held no duplicates.
var (
	bulkIndexes    = []string{"members_search", "members_unit", "member_qualifications_valid"}
	initialIndexes = append([]string{"members_service_number"}, bulkIndexes...)
)

// bulkThreshold is how many new rows an import must create, and at least
// half the table's size, before it rebuilds the indexes instead of
// maintaining them row by row.
const bulkThreshold = 20_000

// bulkLoad tracks whether an import has dropped the secondary indexes.
type bulkLoad struct {
	tx       *Tx
	existing int      // members before the import; -1 on PostgreSQL
	dropped  []string // CREATE INDEX statements to run before commit
}

// newBulkLoad counts the members the import starts from. Only SQLite
// takes the bulk path: its readers keep reading the last committed
// snapshot, indexes and all, while the writer rebuilds them. On PostgreSQL
// dropping an index would lock readers out for the whole import.
func (tx *Tx) newBulkLoad(ctx context.Context) (*bulkLoad, error) {
	b := &bulkLoad{tx: tx}
	if tx.db.dialect != sqlite {
		b.existing = -1
		return b, nil
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM members`).Scan(&b.existing); err != nil {
		return nil, fmt.Errorf("count members: %w", err)
	}
	return b, nil
}

// grew tells the bulk load how many members the import has created so
// far; once that passes the threshold it drops the secondary indexes.
func (b *bulkLoad) grew(ctx context.Context, created int) error {
	if b.existing < 0 || b.dropped != nil || created < bulkThreshold || created < b.existing/2 {
		return nil
	}
	names := bulkIndexes
	if b.initial() {
		names = initialIndexes
	}
	for _, name := range names {
		var def string
		if err := b.tx.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $1`, name).Scan(&def); err != nil {
			return fmt.Errorf("read index %s: %w", name, err)
		}
		if _, err := b.tx.ExecContext(ctx, `DROP INDEX `+name); err != nil {
			return fmt.Errorf("drop index %s: %w", name, err)
		}
		b.dropped = append(b.dropped, def)
	}
	return nil
}

// initial reports whether the import started from an empty roster on
// SQLite, where it tracks service numbers itself instead of looking them up.
func (b *bulkLoad) initial() bool { return b.existing == 0 }

// finish rebuilds the dropped indexes, inside the import's transaction.
func (b *bulkLoad) finish(ctx context.Context) error {
	for _, def := range b.dropped {
		if _, err := b.tx.ExecContext(ctx, def); err != nil {
			return fmt.Errorf("rebuild index: %w", err)
		}
	}
	b.dropped = nil
	return nil
}
