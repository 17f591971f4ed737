package pgtest

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { os.Exit(Run(m)) }

func TestStartCreateStop(t *testing.T) {
	ctx := t.Context()
	began := time.Now()
	s, err := Start(ctx)
	if err != nil {
		skipOrFatal(t, err)
	}
	t.Logf("server started in %v on port %d", time.Since(began).Round(time.Millisecond), s.Port())
	stopped := false
	defer func() {
		if !stopped {
			s.Stop()
		}
	}()

	a, err := s.CreateDatabase(ctx, "alpha")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateDatabase(ctx, "beta"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateDatabase(ctx, "alpha"); err == nil {
		t.Error("creating alpha twice succeeded")
	}
	if got := selectOne(t, a); got != 1 {
		t.Errorf("SELECT 1 = %d", got)
	}

	s.Stop()
	stopped = true
	if _, err := os.Stat(s.Dir()); !os.IsNotExist(err) {
		t.Errorf("Stop left %s behind: %v", s.Dir(), err)
	}
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if conn, err := pgx.Connect(cctx, a); err == nil {
		conn.Close(ctx)
		t.Error("server still accepts connections after Stop")
	}
}

func TestURL(t *testing.T) {
	a, b := URL(t), URL(t)
	if a == b {
		t.Fatalf("URL returned %s twice", a)
	}
	for _, u := range []string{a, b} {
		if got := selectOne(t, u); got != 1 {
			t.Errorf("%s: SELECT 1 = %d", u, got)
		}
	}
}

func TestSkipWithoutBinaries(t *testing.T) {
	t.Setenv("MUSTER_REQUIRE_POSTGRES", "")
	var inner *testing.T
	t.Run("missing", func(t *testing.T) {
		inner = t
		skipOrFatal(t, fmt.Errorf("start: %w", ErrNotFound))
	})
	if !inner.Skipped() {
		t.Error("missing binaries did not skip the test")
	}
}

func selectOne(t *testing.T, url string) int {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	var n int
	if err := conn.QueryRow(t.Context(), "SELECT 1").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
