package sqldb

import (
	"context"
	"errors"
	"fmt"
	"runtime"
)

// bulkIndexes are the secondary indexes a large import drops and rebuilds
// on SQLite: building an index by sorting once is several times faster than
// inserting a million rows into it one at a time. The unique index on
// service numbers is dropped too when the import starts from an empty
// roster (initialIndexes): every member is then one the import created and
// remembers, so it needs no lookups, and rebuilding the unique index proves
// the file held no duplicates.
var (
	bulkIndexes    = []string{"members_search", "members_number_search", "members_unit", "member_qualifications_valid"}
	initialIndexes = append([]string{"members_service_number"}, bulkIndexes...)
)

// bulkThreshold is how many new rows an import must create, and at least
// half the table's size, before it rebuilds the indexes instead of
// maintaining them row by row.
const bulkThreshold = 20_000

// bulkLoad tracks whether an import has dropped the secondary indexes.
type bulkLoad struct {
	tx       *Tx
	existing int            // members before the import; -1 on PostgreSQL
	dropped  []string       // CREATE INDEX statements to run before commit
	restore  []func() error // puts back the connection's settings, last changed first
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
	return b.set(ctx, "cache_size", -loadCacheKiB)
}

// initial reports whether the import started from an empty roster on
// SQLite, where it tracks service numbers itself instead of looking them up.
func (b *bulkLoad) initial() bool { return b.existing == 0 }

// loadCacheKiB is the page cache, in KiB, while a bulk load appends rows
// without indexes. Appending touches few pages again once written, so a
// cache larger than the B-trees' right edges buys nothing (measured at
// 1,000,000 members: the same CPU time with 16 MiB as with 64 MiB), and the
// first index rebuild spills every page still dirty, copying each into its
// statement journal first: a small cache keeps that copy, and the import's
// peak memory, small (165 MB instead of 260 MB).
const loadCacheKiB = 16384

// sorterCacheKiB is the page cache, in KiB, while the indexes are rebuilt.
// SQLite's sorter takes its working memory from cache_size and merge-sorts
// linked lists of that size in memory: lists that fit the CPU's caches, then
// merged from temporary files, cost half the CPU of 64 MiB lists (measured
// at 1,000,000 members: 4–5 s instead of 8–10 s for the four indexes), and
// the import's peak memory drops by the cache it no longer fills.
const sorterCacheKiB = 2048

// sorterThreads is how many helper threads SQLite's sorter may start while
// the indexes are rebuilt: one for each CPU beyond the writer's, so that
// sorting one index's keys uses the machine's other CPUs too.
func sorterThreads() int { return max(1, runtime.GOMAXPROCS(0)-1) }

// finish rebuilds the dropped indexes, inside the import's transaction,
// with a small cache (see sorterCacheKiB) and sorter threads (see
// sorterThreads), and puts the connection's settings back afterwards.
func (b *bulkLoad) finish(ctx context.Context) error {
	if len(b.dropped) == 0 {
		return nil
	}
	if err := b.set(ctx, "cache_size", -sorterCacheKiB); err != nil {
		return err
	}
	if err := b.set(ctx, "threads", sorterThreads()); err != nil {
		return err
	}
	for _, def := range b.dropped {
		if _, err := b.tx.ExecContext(ctx, def); err != nil {
			return fmt.Errorf("rebuild index: %w", err)
		}
	}
	b.dropped = nil
	return b.close()
}

// set sets a numeric SQLite pragma of the import's connection until close.
func (b *bulkLoad) set(ctx context.Context, name string, value int) error {
	var old int
	if err := b.tx.QueryRowContext(ctx, `PRAGMA `+name).Scan(&old); err != nil {
		return fmt.Errorf("read pragma %s: %w", name, err)
	}
	if _, err := b.tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA %s = %d`, name, value)); err != nil {
		return fmt.Errorf("set pragma %s: %w", name, err)
	}
	b.restore = append(b.restore, func() error {
		if _, err := b.tx.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA %s = %d`, name, old)); err != nil {
			return fmt.Errorf("restore pragma %s: %w", name, err)
		}
		return nil
	})
	return nil
}

// close puts back the connection's settings that the bulk load changed;
// the import calls it however it ends, so that the writer connection's
// next transaction runs as configured.
func (b *bulkLoad) close() error {
	var errs []error
	for i := len(b.restore) - 1; i >= 0; i-- {
		errs = append(errs, b.restore[i]())
	}
	b.restore = nil
	return errors.Join(errs...)
}
