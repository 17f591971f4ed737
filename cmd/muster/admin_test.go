package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestUserCreate creates a staff user with the password on stdin and signs
// in with it; the same login again fails.
func TestUserCreate(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "sqlite")
	h.ok("", "import", "units", testdata("units.csv"))
	const password = "correct horse battery staple"
	out := h.ok(password+"\r\n", "user", "create", "-login", "ivanov", "-role", "clerk", "-unit", "GOM", "-name", "Пётр Иванов")
	wantOut(t, "user create", out, "user ivanov created: clerk of GOM\n")
	db := h.open()
	u, err := db.Authenticate(system(), "ivanov", password, "")
	if err != nil {
		t.Fatalf("sign in with the password given on stdin: %v", err)
	}
	if u.Name != "Пётр Иванов" || u.Unit != "GOM" || string(u.Role) != "clerk" {
		t.Errorf("user is %+v", u)
	}
	if _, err := db.Authenticate(system(), "ivanov", password+"\r", ""); err == nil {
		t.Error("the password kept its line ending")
	}
	r := h.run("another password entirely\n", "user", "create", "-login", "ivanov", "-role", "viewer", "-unit", "TD")
	if r.code != 1 || len(lines(r.stderr)) != 1 || !strings.Contains(r.stderr, "ivanov") {
		t.Errorf("user create of an existing login: exit %d, stderr %q; want 1 and one line naming it", r.code, r.stderr)
	}
}

// TestMigrateTwice migrates a new database, then again, then one that
// holds a force: each exits 0 and the force is unchanged.
func TestMigrateTwice(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "sqlite") // migrates once
	wantOut(t, "migrate", h.ok("", "migrate"), h.dsn+": schema up to date\n")
	h.ok("", "import", "units", testdata("units.csv"))
	h.ok("", "import", "members", testdata("members.csv"))
	before := h.snapshot()
	wantOut(t, "migrate", h.ok("", "migrate"), h.dsn+": schema up to date\n")
	if h.snapshot() != before {
		t.Error("migrate changed the data")
	}
}

// TestBackup copies a SQLite database while a server runs on it: the copy
// passes an integrity check and holds the same force. A backup to an
// existing file is refused without touching it.
func TestBackup(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "sqlite")
	h.ok("", "import", "units", testdata("units.csv"))
	h.ok("", "import", "members", testdata("members.csv"))
	srv, _ := startServe(t, h.dir, "-db", h.dsn)

	// An existing file is refused and left alone.
	existing := writeFile(t, h.dir, "exists.db", "not to be overwritten")
	r := runMuster(t, nil, "", "backup", "-db", h.dsn, existing)
	if r.code != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("backup to an existing file: exit %d, stderr %q; want 1 and \"already exists\"", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(existing); string(b) != "not to be overwritten" {
		t.Errorf("the refused backup overwrote the existing file")
	}

	file := filepath.Join(h.dir, "backup.db")
	r = runMuster(t, nil, "", "backup", "-db", h.dsn, file)
	if r.code != 0 {
		t.Fatalf("backup: exit %d\n%s", r.code, r.stderr)
	}
	wantOut(t, "backup", r.stdout, "backup written to "+file+"\n")
	checkSQLite(t, file)
	copied := runMuster(t, map[string]string{"MUSTER_DB": file}, "", "export", "members", "-format", "json")
	if original := h.ok("", "export", "members", "-format", "json"); copied.stdout != original || copied.code != 0 {
		t.Errorf("the backup's members differ from the original's:\n%s", diffLines(original, copied.stdout))
	}

	if r := runMuster(t, nil, "", "backup", "-db", h.dsn, file); r.code != 1 {
		t.Errorf("a second backup to the same file: exit %d, want 1", r.code)
	}
	srv.signal(t, syscall.SIGTERM)
	if code := srv.wait(t); code != 0 {
		t.Errorf("serve exited %d after SIGTERM, want 0", code)
	}
}

// TestMusterDB checks where a command finds its database: muster.db in the
// working directory, else MUSTER_DB, else -db.
func TestMusterDB(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env, flag := filepath.Join(dir, "env.db"), filepath.Join(dir, "flag.db")

	// As a process: no MUSTER_DB means muster.db in the working directory.
	c := startChild(t, dir, nil, nil, "migrate")
	if code := c.wait(t); code != 0 || c.stdout.String() != "muster.db: schema up to date\n" {
		t.Fatalf("migrate without -db: exit %d, stdout %q, stderr %q", code, c.stdout, c.stderr)
	}
	c = startChild(t, dir, []string{"MUSTER_DB=" + env}, strings.NewReader(readTestdata(t, "units.csv")), "import", "units", "-")
	if code := c.wait(t); code != 0 {
		t.Fatalf("import with MUSTER_DB: exit %d, stderr %q", code, c.stderr)
	}

	withEnv := map[string]string{"MUSTER_DB": env}
	if r := runMuster(t, withEnv, readTestdata(t, "units.csv"), "import", "units", "-db", flag, "-"); r.code != 0 {
		t.Fatalf("import with -db: exit %d, stderr %q", r.code, r.stderr)
	}
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
		want int // units
	}{
		{"muster.db, made by the first migrate", nil, []string{"-db", filepath.Join(dir, "muster.db")}, 0},
		{"MUSTER_DB", withEnv, nil, 7},
		{"-db over MUSTER_DB", map[string]string{"MUSTER_DB": filepath.Join(dir, "muster.db")}, []string{"-db", flag}, 7},
	} {
		r := runMuster(t, tt.env, "", append([]string{"export", "units"}, tt.args...)...)
		if n := len(lines(r.stdout)) - 1; r.code != 0 || n != tt.want {
			t.Errorf("%s: export units: exit %d, %d units, want 0 and %d\n%s", tt.name, r.code, n, tt.want, r.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "muster.db")); err != nil {
		t.Error(err)
	}
}
