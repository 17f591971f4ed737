// Package sqlitedrivers measures the three SQLite drivers muster could use.
//
// mattn and ncruces both register a database/sql driver named "sqlite3", which
// panics at start-up when both are linked. Blank ncruces' name and open it with
// its own driver.Open (which registers nothing):
//
//	go test -ldflags='-X github.com/ncruces/go-sqlite3/driver.driverName=' \
//	    -run . -bench . -benchtime 1x -count 3
package sqlitedrivers

import (
	"bufio"
	"database/sql"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	_ "github.com/mattn/go-sqlite3"
	ncruces "github.com/ncruces/go-sqlite3/driver"
	_ "modernc.org/sqlite"
)

const (
	rows    = 1_000_000
	batch   = 10_000
	smallTx = 2_000
)

// driver opens a file DB with journal_mode=WAL, synchronous=FULL, busy_timeout=5000.
type driver struct {
	name string
	open func(path string) (*sql.DB, error)
}

const pragmas = "_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(5000)"

var drivers = []driver{
	{"mattn", func(p string) (*sql.DB, error) {
		return sql.Open("sqlite3", "file:"+p+"?_journal_mode=WAL&_synchronous=FULL&_busy_timeout=5000")
	}},
	{"modernc", func(p string) (*sql.DB, error) { return sql.Open("sqlite", "file:"+p+"?"+pragmas) }},
	{"ncruces", func(p string) (*sql.DB, error) { return ncruces.Open("file:" + p + "?" + pragmas) }},
}

const schema = `CREATE TABLE t (
	service_number TEXT UNIQUE, family_name TEXT, given_name TEXT, birth_date TEXT,
	unit_id INTEGER, position TEXT, status TEXT, phone TEXT, email TEXT,
	employer TEXT, search_key TEXT)`

const insert = `INSERT INTO t VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`

var (
	families = []string{"de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos", "Peters", "Hendriks"}
	givens   = []string{"Anna", "Bram", "Daan", "Emma", "Femke", "Jesse", "Julia", "Lars", "Noor", "Sem", "Tess", "Finn", "Lotte"}
	ranks    = []string{"soldier", "corporal", "sergeant", "lieutenant", "captain", "medic", "driver"}
	statuses = []string{"active", "reserve", "leave", "exempt", "discharged"}
	firms    = []string{"Acme BV", "Gemeente Utrecht", "NS", "Philips", "self-employed", "ProRail", "UMC"}
)

var dates = func() (d []string) {
	for y := 1960; y < 2005; y++ {
		for m := 1; m <= 12; m++ {
			for day := 1; day <= 28; day++ {
				d = append(d, fmt.Sprintf("%d-%02d-%02d", y, m, day))
			}
		}
	}
	return d
}()

// row returns the 11 roster values of member i: 1,000 units x 5 statuses.
func row(i int) [11]string {
	sn := "SN" + strconv.Itoa(10_000_000+i)
	f, g := families[i%len(families)], givens[i%len(givens)]
	return [11]string{sn, f, g,
		dates[i%len(dates)],
		strconv.Itoa(i % 1000), ranks[i%len(ranks)], statuses[(i/1000)%len(statuses)],
		"+3161" + strconv.Itoa(1_000_000+i), sn + "@mail.example", firms[i%len(firms)],
		f + " " + g + " " + sn}
}

// args boxes row i for Exec, with unit_id as an integer.
func args(i int) []any {
	r := row(i)
	a := make([]any, 11)
	for k, v := range r {
		a[k] = v
	}
	a[4] = i % 1000
	return a
}

var tmp string // removed by TestMain

func TestMain(m *testing.M) {
	var err error
	if tmp, err = os.MkdirTemp("", "sqlitedrivers-"); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(tmp)
	os.Exit(code)
}

// roster.csv with all 1M rows, written once.
var csvPath = sync.OnceValue(func() string {
	p := filepath.Join(tmp, "roster.csv")
	f, err := os.Create(p)
	if err != nil {
		panic(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	for i := range rows {
		r := row(i)
		w.Write(r[:])
	}
	w.Flush()
	if err := w.Error(); err != nil {
		panic(err)
	}
	bw.Flush()
	f.Close()
	return p
})

// shell runs the sqlite3 shell on db with script on stdin.
func shell(db, script string) (string, error) {
	cmd := exec.Command("/usr/bin/sqlite3", "-bail", db)
	cmd.Stdin = strings.NewReader(script)
	out, err := cmd.CombinedOutput()
	if err != nil {
		err = fmt.Errorf("sqlite3: %v: %s", err, out)
	}
	return strings.TrimSpace(string(out)), err
}

// readDB is one shared 1M-row DB with the covering index (built by the shell).
var readDB = sync.OnceValue(func() string {
	p := filepath.Join(tmp, "read.db")
	_, err := shell(p, ".output /dev/null\nPRAGMA journal_mode=WAL;\n"+schema+";\n.import --csv "+csvPath()+" t\n"+
		"CREATE INDEX t_unit_status ON t(unit_id, status);\nANALYZE;\n")
	if err != nil {
		panic(err)
	}
	return p
})

// fresh returns a new DB file with the schema, opened with d; one connection.
func fresh(tb testing.TB, d driver) *sql.DB {
	f, err := os.CreateTemp(tmp, d.name+"-*.db")
	if err != nil {
		tb.Fatal(err)
	}
	f.Close()
	db, err := d.open(f.Name())
	if err != nil {
		tb.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(schema); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close(); removeDB(f.Name()) })
	return db
}

func removeDB(p string) {
	for _, s := range []string{"", "-wal", "-shm"} {
		os.Remove(p + s)
	}
}
