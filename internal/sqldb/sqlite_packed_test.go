package sqldb

import (
	"strings"
	"testing"
)

// TestPackedStmt inserts rows through a bulk transaction's packed
// statements and reads them back: each kind of value, text that SQL or C
// would trip over, and a unique violation reported as the driver's.
func TestPackedStmt(t *testing.T) {
	ctx, db := rosterWithUnitU(t)
	rows := [][]any{
		{int64(1), "Гордейчук", 7, nil},
		{int64(2), "", int64(-1 << 62), "x"},
		{int64(3), "a'b\"c,d\x00e;--", 0, strings.Repeat("я", 5000)},
	}
	err := db.bulkWriteTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE packed (id INTEGER PRIMARY KEY, s TEXT, n INTEGER, z)`); err != nil {
			return err
		}
		b := tx.newBulkInserter("packed", "id", "s", "n", "z")
		defer b.close()
		if err := b.insert(ctx, rows); err != nil {
			return err
		}
		if len(b.packed) == 0 {
			t.Error("the bulk transaction did not use a packed statement")
		}
		err := b.insert(ctx, rows[:1])
		if !isUniqueViolation(err) || !strings.Contains(err.Error(), "UNIQUE constraint failed: packed.id") {
			t.Errorf("repeated id: got %v, want the driver's unique violation", err)
		}
		if err := b.insert(ctx, [][]any{{int64(4), 1.5, 0, nil}}); err == nil || !strings.Contains(err.Error(), "cannot bind a float64") {
			t.Errorf("a float: got %v, want an error", err)
		}
		got, err := tx.QueryContext(ctx, `SELECT id, s, n, typeof(z), coalesce(z, '') FROM packed ORDER BY id`)
		if err != nil {
			return err
		}
		defer got.Close()
		i := 0
		for ; got.Next(); i++ {
			var id, n int64
			var s, kind, z string
			if err := got.Scan(&id, &s, &n, &kind, &z); err != nil {
				return err
			}
			want := rows[i]
			wantKind := "text"
			if want[3] == nil {
				wantKind = "null"
			}
			if id != want[0] || s != want[1] || n != asInt64(want[2]) || kind != wantKind || (want[3] != nil && z != want[3]) {
				t.Errorf("row %d: got %d %q %d %s %.20q, want %v %q %v %s %.20q", i, id, s, n, kind, z, want[0], want[1], want[2], wantKind, want[3])
			}
		}
		if i != len(rows) {
			t.Errorf("read %d rows, want %d", i, len(rows))
		}
		return got.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
}

func asInt64(v any) int64 {
	if i, ok := v.(int); ok {
		return int64(i)
	}
	return v.(int64)
}

// TestPackedStmtNeedsSQLite checks that a packed statement refuses a
// connection it cannot use instead of reaching into it.
func TestPackedStmtNeedsSQLite(t *testing.T) {
	if _, err := preparePacked(struct{}{}, "SELECT 1"); err == nil {
		t.Fatal("prepared a packed statement on a connection that is not SQLite's")
	}
}
