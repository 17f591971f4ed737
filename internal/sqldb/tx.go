package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/muster-force/muster"
)

// querier is what both *sql.DB and *sql.Tx offer; read helpers take it so
// that they compose inside a write transaction too.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx is a write transaction that knows its actor and the time it began, so
// that every row and audit entry it writes carries the same time.
type Tx struct {
	*sql.Tx
	db *DB
	// conn is the connection of a bulk transaction on SQLite, on which
	// bulkInserter runs packed statements; nil otherwise.
	conn  *sql.Conn
	now   time.Time
	actor *muster.Actor
	// nextID is the next free id per table, for ids allocated on SQLite.
	nextID map[string]int64
	// moved is the readiness moves to apply once committed (bumpCallUp);
	// changed the call-ups whose readiness changed otherwise.
	moved   []movedBatch
	changed []int64
}

// writeTx runs fn in a write transaction as the actor of ctx, committing
// when fn returns nil and rolling back otherwise. Inside a context made by
// Tx.within it runs fn in that transaction instead, so that one service
// method can compose another's whole write into its own (an exercise's
// summons creates its call-up so).
func (db *DB) writeTx(ctx context.Context, fn func(tx *Tx) error) error {
	if outer, ok := ctx.Value(txKey{}).(*Tx); ok && outer.db == db {
		return fn(outer)
	}
	return db.writeTxAt(ctx, db.now(), fn)
}

// writeTxOnConn is writeTx with, on SQLite, the transaction's connection
// at hand (Tx.conn), for the packed statements that run on its own handle
// (the answer writer's). Inside a context made by Tx.within it runs fn in
// that transaction, as writeTx does.
func (db *DB) writeTxOnConn(ctx context.Context, fn func(tx *Tx) error) error {
	if outer, ok := ctx.Value(txKey{}).(*Tx); (ok && outer.db == db) || db.dialect != sqlite {
		return db.writeTx(ctx, fn)
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer conn.Close()
	begin := func() (*sql.Tx, error) { return conn.BeginTx(ctx, nil) }
	return db.writeTxWith(ctx, db.now(), begin, func(tx *Tx) error {
		tx.conn = conn
		return fn(tx)
	})
}

// writeTxAt is writeTx at the time now: for work, such as the escalator's,
// that runs on a clock of its own.
func (db *DB) writeTxAt(ctx context.Context, now time.Time, fn func(tx *Tx) error) error {
	return db.writeTxWith(ctx, now, func() (*sql.Tx, error) { return db.write.BeginTx(ctx, nil) }, fn)
}

// writeTxWith is writeTxAt with the transaction begun by begin.
func (db *DB) writeTxWith(ctx context.Context, now time.Time, begin func() (*sql.Tx, error), fn func(tx *Tx) error) error {
	actor, err := actorOf(ctx)
	if err != nil {
		return err
	}
	sqlTx, err := begin()
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{Tx: sqlTx, db: db, now: now.UTC().Truncate(time.Microsecond), actor: actor}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	for _, m := range tx.moved {
		db.readiness.apply(m.callup, m.batch)
	}
	for _, id := range tx.changed {
		db.readiness.notify(id)
	}
	return nil
}

type txKey struct{}

// within returns ctx carrying tx: service methods called with it write in
// tx, and commit or roll back with it.
func (tx *Tx) within(ctx context.Context) context.Context {
	return context.WithValue(ctx, txKey{}, tx)
}

// audit records a change in the audit log, inside the transaction.
func (tx *Tx) audit(ctx context.Context, action, entity, key string, before, after any) error {
	b, err := jsonOrNull(before)
	if err != nil {
		return err
	}
	a, err := jsonOrNull(after)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor, action, entity, entity_key, before_json, after_json) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		formatTime(tx.now), tx.actor.Label(), action, entity, key, b, a)
	if err != nil {
		return fmt.Errorf("audit %s %s: %w", action, key, err)
	}
	return nil
}

func jsonOrNull(v any) (sql.NullString, error) {
	if v == nil {
		return sql.NullString{}, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return sql.NullString{}, err
	}
	if string(b) == "null" {
		return sql.NullString{}, nil
	}
	return sql.NullString{String: string(b), Valid: true}, nil
}

// timeLayout stores times as sortable UTC text in both databases.
const timeLayout = "2006-01-02T15:04:05.000000Z"

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// notFound maps sql.ErrNoRows to a muster ENOTFOUND error.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return muster.Errorf(muster.ENOTFOUND, format, args...)
	}
	return err
}

// notFoundAs maps sql.ErrNoRows to a muster error of the given code.
func notFoundAs(err error, code, format string, args ...any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return muster.Errorf(code, format, args...)
	}
	return err
}
