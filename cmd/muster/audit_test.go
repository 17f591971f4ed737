package main

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/muster-force/muster"
)

// TestAuditVerify runs muster audit verify on an intact ledger (exit 0 and
// the count), on one edited behind muster's back (exit 1 naming the entry)
// and with a wrong command line (exit 2), on both databases.
func TestAuditVerify(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			h := newHarness(t, dialect)
			h.ok("", "import", "units", testdata("units.csv"))
			if out := h.ok("", "audit", "verify"); !strings.Contains(out, "ledger intact: 0 entries") {
				t.Fatalf("empty ledger: %q", out)
			}
			db := h.open()
			ctx := system()
			if err := db.CreateItemType(ctx, &muster.ItemType{Code: "R-168", Name: "R-168 radio", Kind: muster.Serialised}); err != nil {
				t.Fatal(err)
			}
			for _, serial := range []string{"100", "101", "102"} {
				if err := db.CreateItem(ctx, &muster.Item{Serial: serial, Type: "R-168", Armory: "TD"}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := db.MoveItem(ctx, "101", muster.Movement{Kind: muster.MoveRepairOut}); err != nil {
				t.Fatal(err)
			}
			if out := h.ok("", "audit", "verify", "-db", h.dsn); !strings.Contains(out, "ledger intact: 4 entries") {
				t.Fatalf("intact ledger: %q", out)
			}
			tamper(t, h.dsn, `UPDATE ledger SET note = 'fixed' WHERE seq = 2`)
			r := h.run("", "audit", "verify")
			if r.code != 1 || !strings.Contains(r.stderr, "ledger entry 2: hash mismatch") {
				t.Fatalf("tampered ledger: exit %d, stderr %q", r.code, r.stderr)
			}
			if r := h.run("", "audit", "check"); r.code != 2 {
				t.Fatalf("audit check: exit %d, want 2", r.code)
			}
		})
	}
}

// tamper runs a statement on the database directly, behind muster's back.
func tamper(t *testing.T, dsn, query string) {
	t.Helper()
	driver, source := "sqlite3", "file:"+dsn
	if strings.HasPrefix(dsn, "postgres") {
		driver, source = "pgx", dsn
	}
	db, err := sql.Open(driver, source)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}
