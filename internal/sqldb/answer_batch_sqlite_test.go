package sqldb

import (
	"database/sql/driver"
	"slices"
	"strings"
	"testing"
)

// TestPackedStepRows runs a packed statement over several runs of values:
// an INSERT, then a SELECT whose first row of each run it reads, then an
// INSERT that fails half-way.
func TestPackedStepRows(t *testing.T) {
	ctx, db := rosterWithUnitU(t)
	err := db.bulkWriteTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE steps (a INTEGER PRIMARY KEY, b TEXT NOT NULL)`); err != nil {
			return err
		}
		return tx.conn.Raw(func(driverConn any) error {
			insert, err := preparePacked(driverConn, `INSERT INTO steps (a, b) VALUES ($1, $2)`)
			if err != nil {
				return err
			}
			defer insert.close()
			rows := packRows(t, [][]any{{1, "Гордейчук"}, {2, ""}, {3, "a'b"}})
			if err := insert.stepRows(rows, 2, nil, nil); err != nil {
				return err
			}
			query, err := preparePacked(driverConn, `SELECT a * 10, length(b) FROM steps WHERE a = $1 OR a = $1 + 100 ORDER BY a`)
			if err != nil {
				return err
			}
			defer query.close()
			out, found := make([]int64, 6), make([]bool, 3)
			if err := query.stepRows(packRows(t, [][]any{{3}, {5}, {1}}), 1, out, found); err != nil {
				return err
			}
			if want := []int64{30, 3, 0, 0, 10, 9}; !slices.Equal(out, want) || !found[0] || found[1] || !found[2] {
				t.Errorf("got %v found %v, want %v found [true false true]", out, found, want)
			}
			err = insert.stepRows(packRows(t, [][]any{{4, "x"}, {1, "again"}, {5, "y"}}), 2, nil, nil)
			if !isUniqueViolation(err) || !strings.Contains(err.Error(), "UNIQUE constraint failed: steps.a") {
				t.Errorf("repeated key: got %v, want the driver's unique violation", err)
			}
			if err := insert.stepRows(packRows(t, [][]any{{6, "x", 1}}), 2, nil, nil); err == nil || !strings.Contains(err.Error(), "are not runs of 2") {
				t.Errorf("a run too long: got %v, want an error", err)
			}
			if err := query.stepRows(packRows(t, [][]any{{1}}), 1, out, found); err == nil {
				t.Error("read 1 run into room for 3: no error")
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM steps WHERE a IN (4, 5)`).Scan(&n); err != nil || n != 1 {
		t.Errorf("rows 4 and 5 after the failed run: %d (%v), want 1: the run stops at its first error", n, err)
	}
}

// TestAnswerStmtsFollowTheConnection checks that the answer writer's
// packed statements are prepared again when the write pool replaces its
// connection, instead of being run on a closed one.
func TestAnswerStmtsFollowTheConnection(t *testing.T) {
	ctx, db := rosterWithUnitU(t)
	var s sqliteAnswerStmts
	defer s.close()
	state := func() (first uintptr, found bool) {
		t.Helper()
		conn, err := db.write.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		out, got := make([]int64, answerStateColumns), make([]bool, 1)
		err = conn.Raw(func(driverConn any) error {
			if err := s.on(driverConn); err != nil {
				return err
			}
			return s.state.stepRows(packRows(t, [][]any{{1, 1}}), 2, out, got)
		})
		if err != nil {
			t.Fatal(err)
		}
		return s.conn, got[0]
	}
	first, found := state()
	if found {
		t.Error("found a member of a call-up that does not exist")
	}
	if again, _ := state(); again != first {
		t.Error("prepared again on the same connection")
	}
	// Discard the pool's connection, as database/sql does after ErrBadConn.
	conn, err := db.write.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	conn.Raw(func(any) error { return driver.ErrBadConn })
	conn.Close()
	if next, _ := state(); next == first {
		t.Error("the statements stayed on the discarded connection")
	}
}
