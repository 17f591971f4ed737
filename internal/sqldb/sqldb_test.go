package sqldb_test

import (
	"os"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/pgtest"
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
