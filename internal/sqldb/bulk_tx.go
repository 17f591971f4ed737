package sqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
)

// bulkWriteTx is writeTx for a bulk load. On SQLite it begins the
// transaction with temp_store = MEMORY and sets it back at once: SQLite
// decides when a write transaction begins whether its statement journals
// live in memory, and a multi-row INSERT keeps one (the pages it changes,
// as they were, in case the statement fails half-way). In a temporary file
// that is a write system call a page, hundreds of thousands of them in a
// large import; in memory it is a copy. Sorts, such as the index rebuilds
// of bulkLoad.finish, keep using temporary files as before.
func (db *DB) bulkWriteTx(ctx context.Context, fn func(tx *Tx) error) error {
	if _, nested := ctx.Value(txKey{}).(*Tx); nested || db.dialect != sqlite {
		return db.writeTx(ctx, fn)
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer conn.Close()
	if db.SoleLoads {
		back := db.loadJournal(ctx, conn)
		defer back()
	}
	return db.writeTxWith(ctx, db.now(), func() (*sql.Tx, error) { return beginInMemoryJournal(ctx, conn) }, func(tx *Tx) error {
		tx.conn = conn
		return fn(tx)
	})
}

// beginInMemoryJournal begins a transaction on conn whose statement
// journals are kept in memory, leaving the connection's temp_store as it
// was. A connection whose setting cannot be put back is discarded.
func beginInMemoryJournal(ctx context.Context, conn *sql.Conn) (*sql.Tx, error) {
	var old int
	if err := conn.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&old); err != nil {
		return nil, fmt.Errorf("read temp_store: %w", err)
	}
	restore := fmt.Sprintf(`PRAGMA temp_store = %d`, old)
	if _, err := conn.ExecContext(ctx, `PRAGMA temp_store = MEMORY`); err != nil {
		return nil, fmt.Errorf("set temp_store: %w", err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err == nil {
		if _, err = tx.ExecContext(ctx, restore); err == nil {
			return tx, nil
		}
		err = errors.Join(fmt.Errorf("restore temp_store: %w", err), tx.Rollback())
	}
	if _, restoreErr := conn.ExecContext(context.WithoutCancel(ctx), restore); restoreErr != nil {
		conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	return nil, err
}
