package sqlitedrivers

import (
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestPragmas checks that each driver's DSN really sets WAL, FULL and the busy timeout.
func TestPragmas(t *testing.T) {
	for _, d := range drivers {
		db := fresh(t, d)
		var mode string
		var sync, busy int
		for q, dst := range map[string]any{"journal_mode": &mode, "synchronous": &sync, "busy_timeout": &busy} {
			if err := db.QueryRow("PRAGMA " + q).Scan(dst); err != nil {
				t.Fatal(d.name, q, err)
			}
		}
		var v string
		db.QueryRow("SELECT sqlite_version()").Scan(&v)
		t.Logf("%-8s SQLite %s", d.name, v)
		if mode != "wal" || sync != 2 || busy != 5000 {
			t.Errorf("%s: journal_mode=%s synchronous=%d busy_timeout=%d", d.name, mode, sync, busy)
		}
	}
}

// TestDollarParams records how each driver binds $n. muster writes one SQL text
// for SQLite and PostgreSQL, so $n must bind argument n. mattn and ncruces bind
// the nth distinct parameter in order of first appearance: "$2 || $1" silently
// swaps the arguments. ?NNN (not valid in PostgreSQL) binds by number in all three.
func TestDollarParams(t *testing.T) {
	byAppearance := map[string]bool{"mattn": true, "ncruces": true}
	cases := []struct {
		sql        string
		args       []any
		want, swap string // swap: what a driver binding by appearance returns
	}{
		{"SELECT $2 || $1", []any{"a", "b"}, "ba", "ab"},
		{"SELECT $1 || $2 || $1", []any{"a", "b"}, "aba", "aba"},
		{"SELECT $1 || $1", []any{"a"}, "aa", "aa"},
		{"SELECT ?2 || ?1", []any{"a", "b"}, "ba", "ba"},
	}
	for _, d := range drivers {
		db := fresh(t, d)
		for _, c := range cases {
			var got string
			err := db.QueryRow(c.sql, c.args...).Scan(&got)
			t.Logf("%-8s %-22s args %v -> %q err=%v", d.name, c.sql, c.args, got, err)
			want := c.want
			if byAppearance[d.name] {
				want = c.swap
			}
			if err != nil || got != want {
				t.Errorf("%s: %s = %q, expected %q", d.name, c.sql, got, want)
			}
		}
	}
}

// TestCoveringIndex checks the GROUP BY is answered from the (unit_id, status) index alone.
func TestCoveringIndex(t *testing.T) {
	plan, err := shell(readDB(), "EXPLAIN QUERY PLAN "+groupBy+";")
	if err != nil || !strings.Contains(plan, "COVERING INDEX t_unit_status") {
		t.Fatalf("plan %q, err %v", plan, err)
	}
}

// TestBinarySize builds a tiny program per driver (sql.Open + Ping) and logs its size.
func TestBinarySize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds four programs")
	}
	gomod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	gosum, _ := os.ReadFile("go.sum")
	progs := map[string][2]string{ // import, open
		"none":    {``, `sql.Open("none", "")`},
		"mattn":   {`_ "github.com/mattn/go-sqlite3"`, `sql.Open("sqlite3", ":memory:")`},
		"modernc": {`_ "modernc.org/sqlite"`, `sql.Open("sqlite", ":memory:")`},
		"ncruces": {`_ "github.com/ncruces/go-sqlite3/driver"`, `sql.Open("sqlite3", ":memory:")`},
	}
	for _, name := range []string{"none", "mattn", "modernc", "ncruces"} {
		dir := t.TempDir()
		src := "package main\nimport (\n\"database/sql\"\n" + progs[name][0] + "\n)\n" +
			"func main() { db, _ := " + progs[name][1] + "; db.Ping() }\n"
		mod := strings.Replace(string(gomod), "module github.com/muster-force/muster/bench/sqlitedrivers", "module sizeprobe", 1)
		os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644)
		os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644)
		os.WriteFile(filepath.Join(dir, "go.sum"), gosum, 0o644)
		var sizes []string
		for _, flags := range []string{"", "-s -w"} {
			out := filepath.Join(dir, "prog")
			cmd := exec.Command("go", "build", "-trimpath", "-ldflags="+flags, "-o", out, ".")
			cmd.Dir = dir
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", name, err, b)
			}
			fi, _ := os.Stat(out)
			sizes = append(sizes, strconv.FormatFloat(float64(fi.Size())/1e6, 'f', 1, 64)+" MB")
		}
		t.Logf("binary %-8s default %s, stripped (-s -w) %s", name, sizes[0], sizes[1])
	}
}

// a) 1M rows, 10k rows per transaction, one prepared statement.
func BenchmarkInsert(b *testing.B) {
	for _, d := range drivers {
		b.Run(d.name, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				db := fresh(b, d)
				st, err := db.Prepare(insert)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				for start := 0; start < rows; start += batch {
					tx, err := db.Begin()
					if err != nil {
						b.Fatal(err)
					}
					ts := tx.Stmt(st)
					for i := start; i < start+batch; i++ {
						if _, err := ts.Exec(args(i)...); err != nil {
							b.Fatal(err)
						}
					}
					if err := tx.Commit(); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				st.Close()
				checkCount(b, db, rows)
			}
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// Generating and boxing the rows alone: part of every Insert figure above.
func BenchmarkArgs(b *testing.B) {
	for range b.N {
		for i := range rows {
			args(i)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// b) one single-row INSERT per durable (synchronous=FULL) transaction.
func BenchmarkSmallTx(b *testing.B) {
	for _, d := range drivers {
		b.Run(d.name, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				db := fresh(b, d)
				b.StartTimer()
				for i := range smallTx {
					tx, err := db.Begin()
					if err != nil {
						b.Fatal(err)
					}
					if _, err := tx.Exec(insert, args(i)...); err != nil {
						b.Fatal(err)
					}
					if err := tx.Commit(); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				checkCount(b, db, smallTx)
			}
			b.ReportMetric(float64(smallTx*b.N)/b.Elapsed().Seconds(), "tx/s")
		})
	}
}

const groupBy = "SELECT unit_id, status, count(*) FROM t GROUP BY unit_id, status"

// c) roll-up over 1M rows with a covering index; one warm-up query, untimed.
func BenchmarkGroupBy(b *testing.B) {
	path := readDB()
	for _, d := range drivers {
		b.Run(d.name, func(b *testing.B) {
			db, err := d.open(path)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			groups := func() int {
				r, err := db.Query(groupBy)
				if err != nil {
					b.Fatal(err)
				}
				defer r.Close()
				n, unit, count := 0, 0, 0
				var status string
				for r.Next() {
					if err := r.Scan(&unit, &status, &count); err != nil {
						b.Fatal(err)
					}
					n++
				}
				if err := r.Err(); err != nil {
					b.Fatal(err)
				}
				return n
			}
			groups()
			b.ResetTimer()
			for range b.N {
				if n := groups(); n != 5000 {
					b.Fatalf("%d groups, want 5000", n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1e3/float64(b.N), "ms")
		})
	}
}

// Baseline: the sqlite3 shell's .import --csv of the same 1M rows (process start included).
// "plain" is an untyped table without indexes; "schema" is the drivers' table with UNIQUE.
func BenchmarkShellImport(b *testing.B) {
	csv := csvPath()
	plain := "CREATE TABLE t(c1,c2,c3,c4,c5,c6,c7,c8,c9,c10,c11)"
	for _, v := range [][2]string{{"plain", plain}, {"schema", schema}} {
		b.Run(v[0], func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				p := filepath.Join(b.TempDir(), "import.db")
				b.StartTimer()
				_, err := shell(p, ".output /dev/null\nPRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\n"+
					v[1]+";\n.import --csv "+csv+" t\n")
				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
				if n, _ := shell(p, "SELECT count(*) FROM t;"); n != strconv.Itoa(rows) {
					b.Fatalf("imported %s rows", n)
				}
			}
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func checkCount(b *testing.B, db *sql.DB, want int) {
	var n int
	if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != want {
		b.Fatalf("count %d, err %v; want %d", n, err, want)
	}
}
