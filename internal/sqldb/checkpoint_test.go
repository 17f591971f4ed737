package sqldb_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/muster-force/muster/internal/sqldb"
)

// TestCheckpointerCopiesWAL migrates a new SQLite database, whose commits
// go to the WAL alone (the writer never checkpoints), and waits for the
// checkpointer to copy them into the database file, read as SQLite sees
// the file without its WAL (immutable).
func TestCheckpointerCopiesWAL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "muster.db")
	db, err := sqldb.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, err := db.WriterPragma(ctx, "wal_autocheckpoint"); err != nil || n != 0 {
		t.Fatalf("the writer's wal_autocheckpoint is %d (%v), want 0: its commits would wait for checkpoints", n, err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	file, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&immutable=1")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	file.SetMaxOpenConns(1)
	deadline := time.Now().Add(20 * time.Second)
	for {
		var tables int
		if err := file.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'callup_counts'`).Scan(&tables); err != nil {
			t.Fatal(err)
		}
		if tables == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the migrations are still only in the WAL after 20 s: nothing checkpoints")
		}
		file.Close() // an immutable connection never looks again
		if file, err = sql.Open("sqlite3", "file:"+path+"?mode=ro&immutable=1"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
