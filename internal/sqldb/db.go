// Package sqldb stores muster's data in SQLite or PostgreSQL through one
// code path: hand-written SQL with $n placeholders, a dialect chosen once at
// Open, and migrations embedded in the binary. It is the only package that
// imports database drivers, and it implements the root package's services,
// checking the actor in the context against its unit subtree on every read
// and write.
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/muster-force/muster"
)

// DB is an open muster database.
type DB struct {
	read    *sql.DB // every reader
	write   *sql.DB // the single writer connection on SQLite; the same pool as read on PostgreSQL
	dialect dialect
	dsn     string

	keyMu     sync.Mutex // protects answerKey
	answerKey []byte     // the response-token key once read (see secret_key.go)

	answers   *answerWriter  // group-commits SaveAnswer's answers (answer_batch.go)
	ckpt      *checkpointer  // copies SQLite's WAL into the database file (checkpoint.go); nil on PostgreSQL
	readiness readinessCache // call-ups' readiness counts (readiness_cache.go)

	// Now returns the current time; tests replace it.
	Now func() time.Time
	// Zone is the time zone of the times in the messages muster writes
	// (a desk's "arrived at", an armory check's deadline): Open sets the
	// server's (time.Local, from TZ), as serve's pages and notices use.
	Zone *time.Location
	// Logger receives internal errors and slow operations.
	Logger *slog.Logger
	// SoleLoads lets a bulk load on SQLite (an import) leave WAL mode when
	// nothing else has the database open (see loadJournal). Readers would
	// wait for such a load, so only the command line sets it, never a
	// server.
	SoleLoads bool
}

// Open opens the database named by dsn: a postgres:// or postgresql:// URL,
// or a SQLite file path. It does not migrate; call Migrate. An error
// opening or reaching the database is one line naming it (see Redact).
func Open(ctx context.Context, dsn string) (*DB, error) {
	if dsn == "" {
		return nil, muster.Errorf(muster.EINVALID, "no database given")
	}
	db := &DB{dsn: dsn, Now: time.Now, Zone: time.Local, Logger: slog.Default()}
	var err error
	if IsPostgres(dsn) {
		db.dialect = postgres
		db.read, err = openPostgres(dsn)
		db.write = db.read
	} else {
		db.dialect = sqlite
		var ckptDB *sql.DB
		db.read, db.write, ckptDB, err = openSQLite(dsn)
		if err == nil {
			db.ckpt = newCheckpointer(ckptDB, dsn, db)
		}
	}
	if err != nil {
		return nil, &openError{dsn, err}
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.write.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, &openError{dsn, err}
	}
	db.answers = newAnswerWriter(db)
	return db, nil
}

// IsPostgres reports whether dsn names a PostgreSQL database (a
// postgres:// or postgresql:// URL) rather than a SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Close closes the database. Answers already queued are committed first;
// SaveAnswer refuses new ones.
func (db *DB) Close() error {
	if db.answers != nil {
		db.answers.close()
	}
	var err error
	if db.ckpt != nil {
		err = db.ckpt.close()
	}
	err = errors.Join(err, db.read.Close())
	if db.write != db.read {
		err = errors.Join(err, db.write.Close())
	}
	return err
}

// Dialect returns "sqlite" or "postgres".
func (db *DB) Dialect() string { return string(db.dialect) }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	return db.read.PingContext(ctx)
}

// now returns the current time in UTC, truncated to microseconds so that it
// survives a round trip through either database unchanged.
func (db *DB) now() time.Time {
	return db.Now().UTC().Truncate(time.Microsecond)
}

// clock writes t for a message to people, in db.Zone.
func (db *DB) clock(t time.Time) string { return t.In(db.Zone).Format("2006-01-02 15:04 MST") }

// today returns the current calendar date (UTC).
func (db *DB) today() muster.Date {
	return muster.DateOf(db.now())
}
