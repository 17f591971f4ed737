package main

import (
	"os"
	"testing"

	"github.com/muster-force/muster/internal/pgtest"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// TestFillArmory builds a small armory as the armory part does, on both
// databases: the ledger has the entries asked for, its chain verifies and
// every item is back in store, ready to be issued over HTTP.
func TestFillArmory(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		sys := sqldbtest.System()
		serials, total, err := fillArmory(sys, db, "TD", []string{"G1", "B1"}, 30, 101)
		if err != nil {
			t.Fatal(err)
		}
		if len(serials) != 30 || total != 100 {
			t.Fatalf("%d items, %d entries; want 30 and 100 (an odd entry cannot be a pair)", len(serials), total)
		}
		if n, err := ledgerLength(sys, db); err != nil || n != 100 {
			t.Fatalf("verify: %d entries, %v", n, err)
		}
		for _, s := range []string{serials[0], serials[29]} {
			it, err := db.FindItem(sys, s)
			if err != nil || it.Status != "in_store" {
				t.Fatalf("%s: %+v, %v", s, it, err)
			}
		}
	})
}
