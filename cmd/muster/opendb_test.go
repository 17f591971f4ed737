package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestReadOnlyCommandsNeedDatabase runs the commands that need an
// existing force against a SQLite path where there is no file: each fails
// with one line naming the path and creates nothing.
func TestReadOnlyCommandsNeedDatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "nonexist.db")
	out := filepath.Join(dir, "out.db")
	tests := []struct {
		args  []string
		stdin string
	}{
		{args: []string{"export", "members", "-db", missing}},
		{args: []string{"export", "units", "-db", missing}},
		{args: []string{"audit", "verify", "-db", missing}},
		{args: []string{"backup", "-db", missing, out}},
		{args: []string{"token", "create", "-db", missing, "-role", "clerk", "-unit", "TD"}},
		{args: []string{"user", "create", "-db", missing, "-login", "ivanov", "-role", "clerk", "-unit", "TD"}, stdin: "correct horse battery staple\n"},
		{args: []string{"user", "contact", "-db", missing, "-login", "ivanov"}},
		{args: []string{"callup", "create", "-db", missing, "-template", "flood"}},
	}
	want := `^muster: no database at ` + regexp.QuoteMeta(missing) + ` \(muster migrate or muster demo creates one\)$`
	for _, tt := range tests {
		t.Run(tt.args[0]+" "+tt.args[1], func(t *testing.T) {
			r := runMuster(t, nil, tt.stdin, tt.args...)
			if r.code != 1 {
				t.Errorf("exit %d, want 1\nstderr:\n%s", r.code, r.stderr)
			}
			matchLines(t, r.stderr, []string{want})
			for _, p := range []string{missing, out} {
				if _, err := os.Stat(p); !os.IsNotExist(err) {
					t.Fatalf("%s exists after the command (%v)", p, err)
				}
			}
		})
	}
}

// TestOpenErrorOneLine runs commands against databases that cannot be
// opened: each failure is one line naming the database, without its
// password, and the reason.
func TestOpenErrorOneLine(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "no", "such", "dir", "x.db")
	tests := []struct {
		dsn  string
		want string
	}{
		{"postgres://muster:s3cret@127.0.0.1:1,127.0.0.1:2/x?sslmode=disable",
			`^muster: cannot open database postgres://muster:\*\*\*@127\.0\.0\.1:1,127\.0\.0\.1:2/x\?sslmode=disable: .*connection refused.*$`},
		{dir, `^muster: cannot open database ` + regexp.QuoteMeta(dir) + `: unable to open database file.*$`},
	}
	for _, tt := range tests {
		r := runMuster(t, nil, "", "migrate", "-db", tt.dsn)
		if r.code != 1 {
			t.Errorf("migrate -db %s: exit %d, want 1\nstderr:\n%s", tt.dsn, r.code, r.stderr)
		}
		matchLines(t, r.stderr, []string{tt.want})
	}
}
