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

// sorterCacheKiB is the page cache, in KiB, while the indexes are rebuilt.
// SQLite's sorter takes its working memory from cache_size and merge-sorts
// linked lists of that size in memory: lists that fit the CPU's caches, then
// merged from temporary files, cost half the CPU of 64 MiB lists (measured
// at 1,000,000 members: 4–5 s instead of 8–10 s for the four indexes), and
// the import's peak memory drops by the cache it no longer fills.
const sorterCacheKiB = 2048

// finish rebuilds the dropped indexes, inside the import's transaction,
// with a small cache (see sorterCacheKiB) and the connection's own cache
// size back afterwards.
func (b *bulkLoad) finish(ctx context.Context) (err error) {
	if len(b.dropped) == 0 {
		return nil
	}
	var cacheSize int
	if err := b.tx.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cacheSize); err != nil {
		return fmt.Errorf("read cache size: %w", err)
	}
	if _, err := b.tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = %d`, -sorterCacheKiB)); err != nil {
		return fmt.Errorf("set cache size: %w", err)
	}
	defer func() {
		_, restoreErr := b.tx.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA cache_size = %d`, cacheSize))
		if err == nil && restoreErr != nil {
			err = fmt.Errorf("restore cache size: %w", restoreErr)
		}
	}()
	for _, def := range b.dropped {
		if _, err := b.tx.ExecContext(ctx, def); err != nil {
			return fmt.Errorf("rebuild index: %w", err)
		}
	}
	b.dropped = nil
	return nil
}
