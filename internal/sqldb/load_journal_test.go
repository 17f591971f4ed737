package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/rostercsv"
)

// loadMembers imports n members numbered from from, with a bad last row
// when bad is set.
func loadMembers(ctx context.Context, t *testing.T, db *DB, from, n int, bad bool) error {
	t.Helper()
	var b strings.Builder
	b.WriteString("service_number,family_name,given_name,birth_date,unit,status\n")
	for i := from; i < from+n; i++ {
		fmt.Fprintf(&b, "S%06d,Петров,Иван,1980-01-01,U,active\n", i)
	}
	if bad {
		b.WriteString("X1,Петров,Иван,1980-02-30,U,active\n")
	}
	src, err := rostercsv.NewMemberReader(strings.NewReader(b.String()), "load.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.ImportMembers(ctx, src, muster.ImportOptions{})
	return err
}

// walSize returns the size of the database's WAL file (0 when there is none).
func walSize(t *testing.T, db *DB) int64 {
	t.Helper()
	st, err := os.Stat(db.dsn + "-wal")
	if os.IsNotExist(err) {
		return 0
	} else if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

// journalSettings checks that the database is in WAL mode and that the
// writer waits for other connections as configured.
func journalSettings(t *testing.T, db *DB, when string) {
	t.Helper()
	var mode string
	var busy int
	if err := db.write.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("%s: journal mode %q (%v), want wal", when, mode, err)
	}
	if err := db.write.QueryRow(`PRAGMA busy_timeout`).Scan(&busy); err != nil || busy != sqliteBusyMillis {
		t.Errorf("%s: busy timeout %d (%v), want %d", when, busy, err, sqliteBusyMillis)
	}
	// A round under way holds the lock too, and takes a while after a
	// load (seconds under the race detector): a paused checkpointer holds
	// it for good.
	locked := make(chan struct{})
	go func() {
		db.ckpt.mu.Lock()
		close(locked)
	}()
	select {
	case <-locked:
		db.ckpt.mu.Unlock()
	case <-time.After(30 * time.Second):
		t.Fatalf("%s: the checkpointer is still paused", when)
	}
}

// TestSoleLoadWritesPagesOnce imports 25,000 members with and without
// SoleLoads: with it, the load goes to the database file through a
// rollback journal and leaves nothing in the WAL; without it, the WAL
// holds the load. Either way the database is back in WAL mode after a
// good and after a failed load, and a failed load changes nothing.
func TestSoleLoadWritesPagesOnce(t *testing.T) {
	for _, sole := range []bool{true, false} {
		t.Run(fmt.Sprintf("SoleLoads=%v", sole), func(t *testing.T) {
			ctx, db := rosterWithUnitU(t)
			db.SoleLoads = sole
			if err := loadMembers(ctx, t, db, 0, 25_000, false); err != nil {
				t.Fatal(err)
			}
			journalSettings(t, db, "after a load")
			writerSettings(t, db, "after a load")
			if size := walSize(t, db); sole && size > 1<<20 {
				t.Errorf("the WAL holds %d bytes after a sole load", size)
			} else if !sole && size < 1<<20 {
				t.Errorf("the WAL holds %d bytes after a load in WAL mode; want the load's pages", size)
			}
			if err := loadMembers(ctx, t, db, 25_000, 25_000, true); muster.ErrorCode(err) != muster.EUNPROCESSABLE {
				t.Fatalf("bad load: %v", err)
			}
			journalSettings(t, db, "after a failed load")
			if page, err := db.FindMembers(ctx, muster.MemberFilter{}); err != nil || page.Total != 25_000 {
				t.Fatalf("after a failed load: %v members (%v), want 25000", page.Total, err)
			}
		})
	}
}

// TestSoleLoadSharesTheDatabase imports with SoleLoads while another
// connection, as of another process, has the database open: the load
// runs in WAL mode, without waiting, and the other connection reads it.
func TestSoleLoadSharesTheDatabase(t *testing.T) {
	ctx, db := rosterWithUnitU(t)
	db.SoleLoads = true
	other, err := sql.Open("sqlite3", "file:"+db.dsn+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var n int
	if err := other.QueryRow(`SELECT count(*) FROM members`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if err := loadMembers(ctx, t, db, 0, 25_000, false); err != nil {
		t.Fatal(err)
	}
	if size := walSize(t, db); size < 1<<20 {
		t.Errorf("the WAL holds %d bytes; the load should have stayed in WAL mode", size)
	}
	journalSettings(t, db, "after a shared load")
	if err := other.QueryRow(`SELECT count(*) FROM members`).Scan(&n); err != nil || n != 25_000 {
		t.Errorf("the other connection reads %d members (%v), want 25000", n, err)
	}
}
