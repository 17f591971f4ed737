package sqldb_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/pgtest"
	"github.com/muster-force/muster/internal/secret"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// openRaw opens a migrated database as sqldbtest.Open does, and a plain
// database/sql handle on the same database for looking at stored rows.
func openRaw(t *testing.T, dialect string) (*sqldb.DB, *sql.DB) {
	t.Helper()
	dsn, driver := filepath.Join(t.TempDir(), "muster.db"), "sqlite3"
	if dialect == "postgres" {
		dsn, driver = pgtest.URL(t), "pgx"
	}
	db, err := sqldb.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return sqldbtest.Now }
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return db, raw
}

func TestTokens(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			db, raw := openRaw(t, dialect)
			sqldbtest.Seed(t, db)
			now := clock(db)
			sys, bg := sqldbtest.System(), context.Background()
			tok := &muster.Token{Name: " import-script ", Role: muster.RoleClerk, Unit: "GOM-MOZ"}
			sec, err := db.CreateToken(sys, tok)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(sec, "mst_") || tok.ID == 0 || tok.Name != "import-script" || !tok.CreatedAt.Equal(sqldbtest.Now) {
				t.Fatalf("secret %q, token %+v", sec, tok)
			}

			// Only the hash is stored.
			var hash, createdBy string
			if err := raw.QueryRow(`SELECT secret_hash, created_by FROM api_tokens WHERE id = $1`, tok.ID).Scan(&hash, &createdBy); err != nil {
				t.Fatal(err)
			}
			if hash != secret.HashToken(sec) || strings.Contains(hash, sec[4:]) || createdBy != "system:test" {
				t.Fatalf("stored hash %q, created_by %q", hash, createdBy)
			}

			a, err := db.TokenActor(bg, sec)
			if err != nil {
				t.Fatal(err)
			}
			if a.Kind != "token" || a.ID != tok.ID || a.Name != "1:import-script" || a.Role != muster.RoleClerk || a.Unit != "GOM-MOZ" || a.UnitID == 0 {
				t.Fatalf("actor %+v", a)
			}
			if a.Label() != "token:1:import-script" {
				t.Fatalf("label %q", a.Label())
			}

			// last_used_at is written on first use and then at most once a minute.
			lastUsed := func() string {
				t.Helper()
				var s string
				if err := raw.QueryRow(`SELECT last_used_at FROM api_tokens WHERE id = $1`, tok.ID).Scan(&s); err != nil {
					t.Fatal(err)
				}
				return s
			}
			first := lastUsed()
			if !strings.HasPrefix(first, "2026-11-23T09:30:00") {
				t.Fatalf("last_used_at = %q", first)
			}
			*now = now.Add(59 * time.Second)
			if _, err := db.TokenActor(bg, sec); err != nil {
				t.Fatal(err)
			}
			if got := lastUsed(); got != first {
				t.Fatalf("last_used_at rewritten within a minute: %q", got)
			}
			*now = now.Add(time.Second)
			if _, err := db.TokenActor(bg, sec); err != nil {
				t.Fatal(err)
			}
			if got := lastUsed(); !strings.HasPrefix(got, "2026-11-23T09:31:00") {
				t.Fatalf("last_used_at after a minute = %q", got)
			}

			list, err := db.FindTokens(sys)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].Name != "import-script" || list[0].Revoked || !list[0].LastUsedAt.Equal(*now) {
				t.Fatalf("tokens %+v", list)
			}

			for _, bad := range []string{"", "mst_", "mss_" + sec[4:], sec[:len(sec)-1], hash} {
				_, err := db.TokenActor(bg, bad)
				wantCode(t, err, muster.EUNAUTHORIZED)
			}

			if err := db.RevokeToken(sys, tok.ID); err != nil {
				t.Fatal(err)
			}
			_, err = db.TokenActor(bg, sec)
			wantMessage(t, err, muster.EUNAUTHORIZED, "Unknown or revoked API token.")
			if err := db.RevokeToken(sys, tok.ID); err != nil {
				t.Fatalf("revoking again: %v", err)
			}
			wantCode(t, db.RevokeToken(sys, 999), muster.ENOTFOUND)

			// Neither the secret nor its hash is in the audit log.
			entries, err := db.FindAuditEntries(sys, muster.AuditFilter{Entity: "token"})
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 2 || entries[0].Action != "token.revoke" || entries[1].Action != "token.create" {
				t.Fatalf("audit entries %+v", entries)
			}
			assertNoSecrets(t, raw, sec, sec[4:], hash)
		})
	}
}

func TestCreateTokenInvalid(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		sys := sqldbtest.System()
		for _, tok := range []muster.Token{
			{Name: "", Role: muster.RoleClerk, Unit: "GOM"},
			{Name: "x", Role: "root", Unit: "GOM"},
			{Name: "x", Role: muster.RoleClerk, Unit: ""},
			{Name: "x", Role: muster.RoleClerk, Unit: "NOPE"},
		} {
			_, err := db.CreateToken(sys, &tok)
			wantCode(t, err, muster.EINVALID)
		}
		_, err := db.CreateToken(context.Background(), &muster.Token{Name: "x", Role: muster.RoleClerk, Unit: "GOM"})
		wantCode(t, err, muster.EUNAUTHORIZED)
	})
}

// assertNoSecrets fails the test if any audit entry contains one of the
// strings.
func assertNoSecrets(t *testing.T, raw *sql.DB, secrets ...string) {
	t.Helper()
	rows, err := raw.Query(`SELECT action, COALESCE(before_json, ''), COALESCE(after_json, '') FROM audit_log`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var action, before, after string
		if err := rows.Scan(&action, &before, &after); err != nil {
			t.Fatal(err)
		}
		n++
		for _, s := range secrets {
			if s != "" && (strings.Contains(before, s) || strings.Contains(after, s)) {
				t.Fatalf("audit entry %s contains the secret %q: %s %s", action, s, before, after)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no audit entries")
	}
}
