package sqldb

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestMigrateUpToDateNeedsNoWriteLock opens a migrated SQLite database a
// second time while the first handle holds a write transaction, as a
// command does while the server or another command writes: Migrate must
// not wait for the write lock when there is nothing to migrate.
func TestMigrateUpToDateNeedsNoWriteLock(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "muster.db")
	first, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	if err := first.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	writing, err := first.write.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the write lock
	if err != nil {
		t.Fatal(err)
	}
	defer writing.Rollback()
	if _, err := writing.ExecContext(ctx, `INSERT INTO qualifications (code, name) VALUES ('HELD', 'held')`); err != nil {
		t.Fatal(err)
	}

	second, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	start := time.Now()
	if err := second.Migrate(ctx); err != nil {
		t.Fatalf("migrate an up-to-date database while another handle writes: %v (after %v)", err, time.Since(start).Round(time.Millisecond))
	}
	if waited := time.Since(start); waited > sqliteBusyMillis*time.Millisecond/2 {
		t.Errorf("migrate waited %v for the write lock", waited)
	}
}
