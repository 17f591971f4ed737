package sqldb

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/rostercsv"
)

// rosterWithUnitU opens a migrated SQLite database, closed with the test,
// that holds the one unit U.
func rosterWithUnitU(t *testing.T) (context.Context, *DB) {
	t.Helper()
	ctx := muster.NewContextWithActor(context.Background(), muster.SystemActor("test"))
	db, err := Open(ctx, filepath.Join(t.TempDir(), "muster.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateUnit(ctx, &muster.Unit{Code: "U", Name: "U", Kind: muster.UnitCommand}); err != nil {
		t.Fatal(err)
	}
	return ctx, db
}

// TestBulkImportRebuildsIndexes imports enough members to take the bulk
// path, and checks that the indexes are back after a good import and
// untouched after a failed one.
func TestBulkImportRebuildsIndexes(t *testing.T) {
	ctx, db := rosterWithUnitU(t)
	if err := db.SaveQualification(ctx, &muster.Qualification{Code: "Q", Name: "Q"}); err != nil {
		t.Fatal(err)
	}
	file := func(from, n int, bad bool, dup ...int) string {
		var b strings.Builder
		b.WriteString("service_number,family_name,given_name,birth_date,unit,status,qualifications\n")
		for i := from; i < from+n; i++ {
			family := []string{"Петров", "Сидоров"}[i%2]
			fmt.Fprintf(&b, "S%06d,%s,Иван,1980-01-01,U,active,Q\n", i, family)
		}
		if bad {
			b.WriteString("X1,Петров,Иван,1980-02-30,U,active,Q\n")
		}
		for _, i := range dup {
			fmt.Fprintf(&b, "S%06d,Дубль,Иван,1980-01-01,U,active,Q\n", i)
		}
		return b.String()
	}
	load := func(text string) error {
		src, err := rostercsv.NewMemberReader(strings.NewReader(text), "bulk.csv")
		if err != nil {
			return err
		}
		_, err = db.ImportMembers(ctx, src, muster.ImportOptions{})
		return err
	}
	indexes := func() int {
		var n int
		names := "'" + strings.Join(initialIndexes, "', '") + "'"
		db.read.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN (`+names+`)`).Scan(&n)
		return n
	}
	// A first load into an empty roster finds a duplicate far from its twin
	// without the unique index, and leaves every index in place.
	err := load(file(0, 25_000, false, 3))
	if d := muster.ErrorDetails(err); len(d) != 1 || d[0].Line != 25_002 || !strings.Contains(d[0].Message, "first on line 5") {
		t.Fatalf("duplicate in a first load: %v %+v", err, d)
	}
	if indexes() != len(initialIndexes) {
		t.Fatalf("after a failed first load %d of the %d indexes exist", indexes(), len(initialIndexes))
	}
	writerSettings(t, db, "after a failed first load")
	if err := load(file(0, 25_000, false)); err != nil {
		t.Fatal(err)
	}
	if indexes() != len(initialIndexes) {
		t.Fatalf("after a bulk import %d of the %d indexes exist", indexes(), len(initialIndexes))
	}
	writerSettings(t, db, "after a bulk import")
	page, err := db.FindMembers(ctx, muster.MemberFilter{Unit: "U", Qualification: "Q", Query: "sidor"})
	if err != nil || page.Total != 12_500 {
		t.Fatalf("search after bulk import: %v, %v", page, err)
	}
	err = load(file(25_000, 25_000, true))
	if muster.ErrorCode(err) != muster.EUNPROCESSABLE {
		t.Fatalf("bad bulk import: %v", err)
	}
	if indexes() != len(initialIndexes) {
		t.Fatalf("after a failed bulk import %d of the %d indexes exist", indexes(), len(initialIndexes))
	}
	if page, _ := db.FindMembers(ctx, muster.MemberFilter{}); page.Total != 25_000 {
		t.Fatalf("after a failed import %d members, want 25000", page.Total)
	}
	writerSettings(t, db, "after a failed bulk import")
}

// writerSettings checks that an import has put back the writer
// connection's settings that a bulk load changes: the DSN's cache size, no
// sorter threads, temporary files on disk.
func writerSettings(t *testing.T, db *DB, when string) {
	t.Helper()
	want := map[string]int{"cache_size": -65536, "threads": 0, "temp_store": 0}
	for name, value := range want {
		var got int
		if err := db.write.QueryRowContext(context.Background(), `PRAGMA `+name).Scan(&got); err != nil || got != value {
			t.Fatalf("%s the writer's %s is %d (%v), want %d", when, name, got, err, value)
		}
	}
}

// TestInitialLoadReportsRepeats checks that a first load into an empty
// roster, which tracks service numbers on its reading goroutine instead of
// looking them up, names the first line of every repeated number, whether
// that line was good or bad, in the same batch or an earlier one.
func TestInitialLoadReportsRepeats(t *testing.T) {
	ctx, db := rosterWithUnitU(t)
	var b strings.Builder
	b.WriteString("service_number,family_name,given_name,birth_date,unit,status\n")
	b.WriteString("A1,Петров,Иван,1980-01-01,U,active\n") // line 2
	b.WriteString("B1,Петров,Иван,1980-02-30,U,active\n") // line 3: bad date
	b.WriteString("A1,Петров,Иван,1980-01-01,U,active\n") // line 4: repeats line 2
	b.WriteString("B1,Петров,Иван,1980-01-01,U,active\n") // line 5: repeats line 3
	b.WriteString("!!,Петров,Иван,1980-01-01,U,active\n") // line 6: bad number
	for i := range importBatch + 10 {                     // lines 7–528: the next batch starts at line 514
		fmt.Fprintf(&b, "F%04d,Сидоров,Олег,1980-01-01,U,active\n", i)
	}
	b.WriteString("A1,Петров,Иван,1980-01-01,U,active\n")    // line 529: repeats line 2, batches later
	b.WriteString("F0000,Петров,Иван,1980-01-01,U,active\n") // line 530: repeats line 7
	src, err := rostercsv.NewMemberReader(strings.NewReader(b.String()), "initial.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.ImportMembers(ctx, src, muster.ImportOptions{})
	var got []string
	for _, d := range muster.ErrorDetails(err) {
		got = append(got, fmt.Sprintf("%d %s: %s", d.Line, d.Field, d.Message))
	}
	want := []string{
		`3 birth_date: not a real date: "1980-02-30"`,
		"4 service_number: A1 appears more than once in the file (first on line 2)",
		"5 service_number: B1 appears more than once in the file (first on line 3)",
		"6 service_number: must be 1–32 letters, digits or '-'",
		"529 service_number: A1 appears more than once in the file (first on line 2)",
		"530 service_number: F0000 appears more than once in the file (first on line 7)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if page, _ := db.FindMembers(ctx, muster.MemberFilter{}); page.Total != 0 {
		t.Fatalf("after a failed first load %d members, want none", page.Total)
	}
}
