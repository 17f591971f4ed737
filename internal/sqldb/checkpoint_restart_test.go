package sqldb

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestCheckpointerRestartsWAL commits without a pause, as the answer writer
// does in a storm, so that a PASSIVE checkpoint never catches up, and
// checks that the checkpointer's rounds still make the WAL start again
// instead of growing with every commit.
func TestCheckpointerRestartsWAL(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "muster.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE filler (x TEXT)`); err != nil {
		t.Fatal(err)
	}
	row := strings.Repeat("x", 3000) // a page a commit, and some
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var writeErr error
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, writeErr = db.write.ExecContext(ctx, `INSERT INTO filler VALUES (?)`, row); writeErr != nil {
				return
			}
		}
	})
	defer func() {
		close(stop)
		wg.Wait()
		if writeErr != nil {
			t.Error(writeErr)
		}
	}()

	// The log's size in frames, as the checkpointer's PASSIVE checkpoint
	// reports it: once the log has started again, it is smaller than the
	// largest seen before.
	largest := 0
	for deadline := time.Now().Add(30 * time.Second); largest < restartFrames; {
		if largest, _, err = db.ckpt.checkpoint(ctx); err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the WAL holds %d frames after 30 s of commits, want %d", largest, restartFrames)
		}
	}
	for round := range 200 {
		frames, _, err := db.ckpt.checkpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if frames < largest {
			t.Logf("the WAL started again after %d rounds: %d frames, down from %d", round, frames, largest)
			return
		}
		largest = frames
		if err := db.ckpt.round(ctx, db.write); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatalf("the WAL grew to %d frames through 200 checkpoint rounds and never started again", largest)
}

// TestCheckpointerTrimsWAL commits more than walSizeLimit in one
// transaction, lets the checkpointer restart the WAL, and checks that the
// next commit cuts the file down to the limit.
func TestCheckpointerTrimsWAL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "muster.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE filler (x BLOB)`); err != nil {
		t.Fatal(err)
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range walSizeLimit>>20 + 8 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO filler VALUES (zeroblob(1 << 20))`); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	walSize := func() int64 {
		t.Helper()
		st, err := os.Stat(path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	before := walSize()
	if before <= walSizeLimit {
		t.Fatalf("the WAL holds %d bytes after the large commit, want more than %d", before, walSizeLimit)
	}
	if err := db.ckpt.round(ctx, db.write); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, `INSERT INTO filler VALUES (x'00')`); err != nil {
		t.Fatal(err)
	}
	if after := walSize(); after > walSizeLimit {
		t.Errorf("the WAL holds %d bytes after the restart and a commit (%d before), want at most %d", after, before, walSizeLimit)
	}
}
