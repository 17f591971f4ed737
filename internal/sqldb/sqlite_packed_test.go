package sqldb

import (
	"fmt"
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
		{int64(4), "real", 1, 2.5},
	}
	err := db.bulkWriteTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE packed (id INTEGER PRIMARY KEY, s TEXT, n INTEGER, z)`); err != nil {
			return err
		}
		b := tx.newBulkInserter("packed", "id", "s", "n", "z")
		defer b.close()
		b.maxRows = 2 // two statements, the second's texts after the first's
		if err := b.insert(ctx, packRows(t, rows)); err != nil {
			return err
		}
		if len(b.packed) == 0 {
			t.Error("the bulk transaction did not use a packed statement")
		}
		err := b.insert(ctx, packRows(t, rows[:1]))
		if !isUniqueViolation(err) || !strings.Contains(err.Error(), "UNIQUE constraint failed: packed.id") {
			t.Errorf("repeated id: got %v, want the driver's unique violation", err)
		}
		var boolean packedValues
		if err := boolean.add(true); err == nil || !strings.Contains(err.Error(), "cannot hold a bool") {
			t.Errorf("a bool: got %v, want an error", err)
		}
		if err := b.insert(ctx, packRows(t, [][]any{{int64(4), "x", 0}})); err == nil || !strings.Contains(err.Error(), "do not make rows of 4") {
			t.Errorf("a short row: got %v, want an error", err)
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
			wantKind, wantZ := "text", fmt.Sprint(want[3])
			switch want[3].(type) {
			case nil:
				wantKind, wantZ = "null", ""
			case float64:
				wantKind = "real"
			}
			if id != want[0] || s != want[1] || n != asInt64(want[2]) || kind != wantKind || z != wantZ {
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

// packRows packs rows of nil, integers and strings.
func packRows(t *testing.T, rows [][]any) *packedValues {
	t.Helper()
	var v packedValues
	if err := v.addRows(rows); err != nil {
		t.Fatal(err)
	}
	return &v
}

// TestBulkInserterArgs inserts rows in several statements through
// database/sql, as outside a bulk transaction, and reads them back.
func TestBulkInserterArgs(t *testing.T) {
	ctx, db := rosterWithUnitU(t)
	rows := [][]any{{int64(1), "Гордейчук", nil}, {int64(2), "", "x"}, {int64(3), "a'b", 1.5}}
	err := db.writeTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE args (id INTEGER PRIMARY KEY, s TEXT, z)`); err != nil {
			return err
		}
		b := tx.newBulkInserter("args", "id", "s", "z")
		defer b.close()
		b.maxRows = 2
		if err := b.insert(ctx, packRows(t, rows)); err != nil {
			return err
		}
		if len(b.packed) != 0 || len(b.stmts) != 2 {
			t.Errorf("%d packed and %d database/sql statements, want 0 and 2", len(b.packed), len(b.stmts))
		}
		var got string
		err := tx.QueryRowContext(ctx, `SELECT group_concat(id || ':' || s || ':' || coalesce(z, 'NULL'), '|') FROM (SELECT * FROM args ORDER BY id)`).Scan(&got)
		if want := "1:Гордейчук:NULL|2::x|3:a'b:1.5"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
		return err
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
