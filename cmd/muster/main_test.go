package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/demo"
	"github.com/muster-force/muster/internal/pgtest"
	"github.com/muster-force/muster/internal/sqldb"
)

// TestMain runs muster itself when a test re-executes the test binary with
// MUSTER_RUN_MAIN=1 (see startChild), and the tests otherwise, with a
// throwaway PostgreSQL server for those that ask for one.
func TestMain(m *testing.M) {
	if os.Getenv("MUSTER_RUN_MAIN") == "1" {
		main()
		return
	}
	os.Exit(pgtest.Run(m))
}

// patience bounds every wait for something another process or goroutine
// does, so that a hang fails the test instead of stalling the binary. It
// is a deadline, never an assertion about speed.
const patience = 90 * time.Second

// result is what one run of muster left behind.
type result struct {
	code           int
	stdout, stderr string
}

// lines returns the non-empty lines of s.
func lines(s string) []string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// harness runs muster in-process against one database, which MUSTER_DB
// names as the default, exactly as main runs it.
type harness struct {
	t   *testing.T
	dsn string // the database: a SQLite file in dir or a postgres:// URL
	dir string // a temporary directory for files
}

// newHarness returns a harness on a fresh database of the dialect, with
// the demo qualification catalogue (which no command imports) saved in it.
func newHarness(t *testing.T, dialect string) *harness {
	t.Helper()
	h := &harness{t: t, dir: t.TempDir()}
	h.dsn = filepath.Join(h.dir, "muster.db")
	if dialect == "postgres" {
		h.dsn = pgtest.URL(t)
	}
	h.ok("", "migrate")
	db := h.open()
	for _, q := range demo.Catalogue() {
		if err := db.SaveQualification(system(), &q); err != nil {
			t.Fatalf("save qualification %s: %v", q.Code, err)
		}
	}
	return h
}

// open opens the harness's database directly, closed when the test ends.
func (h *harness) open() *sqldb.DB {
	h.t.Helper()
	db, err := sqldb.Open(context.Background(), h.dsn)
	if err != nil {
		h.t.Fatalf("open %s: %v", h.dsn, err)
	}
	h.t.Cleanup(func() { db.Close() })
	return db
}

// run runs "muster args..." with stdin as standard input.
func (h *harness) run(stdin string, args ...string) result {
	h.t.Helper()
	return runMuster(h.t, map[string]string{"MUSTER_DB": h.dsn}, stdin, args...)
}

// ok runs "muster args..." and fails the test unless it exits 0. It
// returns the standard output.
func (h *harness) ok(stdin string, args ...string) string {
	h.t.Helper()
	r := h.run(stdin, args...)
	if r.code != 0 {
		h.t.Fatalf("muster %s: exit %d, want 0\nstderr:\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r.stdout
}

// runMuster runs the command line in-process through run and exitCode, as
// main does, with env (plus USER=test) as the environment.
func runMuster(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	getenv := func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		if k == "USER" {
			return "test"
		}
		return ""
	}
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), args, getenv, strings.NewReader(stdin), &stdout, &stderr)
	code := exitCode(err, &stderr)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// system returns a context acting as the unrestricted system actor.
func system() context.Context {
	return muster.NewContextWithActor(context.Background(), muster.SystemActor("test"))
}

// testdata returns the path of a file in testdata/.
func testdata(name string) string { return filepath.Join("testdata", name) }

// writeFile writes a file into dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// eventually calls cond every few milliseconds until it returns true; the
// test fails, saying what it waited for, when patience runs out first.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// snapshot returns the units and members of the harness's database, as
// the export commands write them (members as JSON, times included).
func (h *harness) snapshot() string {
	h.t.Helper()
	return h.ok("", "export", "units") + h.ok("", "export", "members", "-format", "json")
}

// readTestdata returns the content of a file in testdata/.
func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(testdata(name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// diffLines describes how after differs from before: up to ten lines
// that only one of them has.
func diffLines(before, after string) string {
	count := map[string]int{}
	for _, l := range lines(before) {
		count[l]++
	}
	for _, l := range lines(after) {
		count[l]--
	}
	var out []string
	for _, l := range append(lines(before), lines(after)...) {
		if n := count[l]; n != 0 && len(out) < 10 {
			sign := "-"
			if n < 0 {
				sign = "+"
			}
			out = append(out, sign+" "+l)
			count[l] = 0
		}
	}
	return strings.Join(out, "\n")
}
