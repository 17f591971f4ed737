// Package sqldbtest opens throwaway muster databases for tests: a SQLite
// file in a temp dir and a fresh database on the test binary's PostgreSQL
// server (see pgtest). Test packages that use it need
// func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }.
package sqldbtest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/pgtest"
	"github.com/muster-force/muster/internal/sqldb"
)

// Dialects lists the databases every storage test runs against.
var Dialects = []string{"sqlite", "postgres"}

// Open returns a migrated, empty database of the dialect, closed when the
// test ends. Its clock is fixed at Now.
func Open(t testing.TB, dialect string) *sqldb.DB {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "muster.db")
	if dialect == "postgres" {
		dsn = pgtest.URL(t)
	}
	ctx := context.Background()
	db, err := sqldb.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dialect, err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return Now }
	db.Zone = time.UTC // messages read the same on any machine
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", dialect, err)
	}
	return db
}

// Now is the fixed time of test databases.
var Now = time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)

// Each runs fn as a subtest against every dialect.
func Each(t *testing.T, fn func(t *testing.T, db *sqldb.DB)) {
	for _, d := range Dialects {
		t.Run(d, func(t *testing.T) { fn(t, Open(t, d)) })
	}
}

// System returns a context acting as the unrestricted system actor.
func System() context.Context {
	return muster.NewContextWithActor(context.Background(), muster.SystemActor("test"))
}

// As returns a context acting as a user with the role, bound to the unit.
func As(t testing.TB, db *sqldb.DB, role muster.Role, unit string) context.Context {
	t.Helper()
	u, err := db.FindUnit(System(), unit)
	if err != nil {
		t.Fatalf("unit %s: %v", unit, err)
	}
	a := &muster.Actor{Kind: "user", ID: 1, Name: string(role) + "@" + unit, Role: role, Unit: unit, UnitID: u.ID}
	return muster.NewContextWithActor(context.Background(), a)
}
