package sqldb_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/muster-force/muster/internal/sqldb"
)

// TestOpenErrorIsOneLine opens databases that are not there: each error
// is one line naming the database, without its password, and the reason.
func TestOpenErrorIsOneLine(t *testing.T) {
	missingDir := filepath.Join(t.TempDir(), "no", "such", "dir", "x.db")
	tests := []struct {
		dsn, name, reason string
	}{
		{missingDir, missingDir, "unable to open database file"},
		// Two hosts, both refusing: pgx reports each on a line of its own.
		{"postgres://muster:s3cret@127.0.0.1:1,127.0.0.1:2/x?sslmode=disable&connect_timeout=5",
			"postgres://muster:***@127.0.0.1:1,127.0.0.1:2/x?sslmode=disable&connect_timeout=5", "connection refused"},
		{"postgres://127.0.0.1:1/x?password=s3cret&sslmode=disable", "postgres://127.0.0.1:1/x?password=***&sslmode=disable", "connection refused"},
	}
	for _, tt := range tests {
		db, err := sqldb.Open(context.Background(), tt.dsn)
		if err == nil {
			db.Close()
			t.Errorf("Open(%s) succeeded", tt.dsn)
			continue
		}
		msg := err.Error()
		if strings.Contains(msg, "\n") || strings.Contains(msg, "s3cret") ||
			!strings.HasPrefix(msg, "cannot open database "+tt.name+": ") || !strings.Contains(msg, tt.reason) {
			t.Errorf("Open(%s) error:\n%s\nwant one line, \"cannot open database %s: …%s…\"", tt.dsn, msg, tt.name, tt.reason)
		}
	}
}

// TestRedact checks that a postgres:// URL is printed without its
// password and a SQLite path as it is.
func TestRedact(t *testing.T) {
	for dsn, want := range map[string]string{
		"muster.db":                              "muster.db",
		"postgres://muster@db.example/muster":    "postgres://muster@db.example/muster",
		"postgres://muster:pw@db.example/muster": "postgres://muster:***@db.example/muster",
		"postgresql://u:p@h/d?password=p":        "postgresql://u:***@h/d?password=***",
		"postgres://u:p%@h/d":                    "postgres://***@h/d",
		"postgres://h:port/d?password=p":         "postgres://h:port/d",
	} {
		if got := sqldb.Redact(dsn); got != want {
			t.Errorf("Redact(%q) = %q, want %q", dsn, got, want)
		}
	}
}
