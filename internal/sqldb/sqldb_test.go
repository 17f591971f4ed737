package sqldb_test

import (
	"context"
	"os"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/pgtest"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// wantCode fails the test unless err carries the muster error code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := muster.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func ptr[T any](v T) *T { return &v }

// TestParametersBindByNumber guards the one-SQL-text rule: $2 is the second
// argument on both databases, wherever it stands.
func TestParametersBindByNumber(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		got, err := db.QueryString(context.Background(), `SELECT CAST($2 AS TEXT) || CAST($1 AS TEXT) || CAST($2 AS TEXT) || '$1'`, "a", "b")
		if err != nil || got != "bab$1" {
			t.Fatalf("got %q, %v; want \"bab$1\"", got, err)
		}
	})
}
