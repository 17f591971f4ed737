package sqldb_test

import (
	"context"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// exec runs raw SQL behind the services' back, as a tamperer would.
func exec(t *testing.T, db *sqldb.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.ExecForTest(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// TestLedgerTampering edits, removes and reorders ledger entries with raw
// SQL and expects VerifyLedger to name the first bad entry each time, and
// the ledger to verify again once restored.
func TestLedgerTampering(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		seedArmory(t, db) // entries 1–3
		ctx := sqldbtest.System()
		move(t, db, ctx, "R1", muster.Movement{Kind: muster.MoveIssue, ServiceNumber: "G1"}) // 4
		move(t, db, ctx, "R1", muster.Movement{Kind: muster.MoveReturn})                     // 5
		move(t, db, ctx, "R2", muster.Movement{Kind: muster.MoveIssue, ServiceNumber: "G2"}) // 6
		wantIntact(t, db, 6)
		exec(t, db, `CREATE TABLE ledger_copy AS SELECT * FROM ledger`)
		exec(t, db, `CREATE TABLE head_copy AS SELECT * FROM ledger_head`)
		restore := func() {
			exec(t, db, `DELETE FROM ledger`)
			exec(t, db, `INSERT INTO ledger SELECT * FROM ledger_copy`)
			exec(t, db, `UPDATE ledger_head SET seq = (SELECT seq FROM head_copy), hash = (SELECT hash FROM head_copy)`)
			wantIntact(t, db, 6)
		}
		for _, tc := range []struct {
			name    string
			tamper  []string
			seq     int64
			problem string
		}{
			{"edit a field", []string{`UPDATE ledger SET member = 'G2' WHERE seq = 4`}, 4, "hash mismatch"},
			{"edit a field and its hash", nil, 5, "broken link"},
			{"delete an entry", []string{`DELETE FROM ledger WHERE seq = 3`}, 3, "gap in seq"},
			{"delete the last entry", []string{`DELETE FROM ledger WHERE seq = 6`}, 6, "entries were removed"},
			{"swap two entries", []string{`UPDATE ledger SET seq = -1 WHERE seq = 4`, `UPDATE ledger SET seq = 4 WHERE seq = 5`,
				`UPDATE ledger SET seq = 5 WHERE seq = -1`}, 4, "broken link"},
			{"edit an item's state", []string{`UPDATE item_state SET status = 'in_store', member_id = NULL WHERE last_seq = 6`}, 0, "item R2: item_state says"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				for _, q := range tc.tamper {
					exec(t, db, q)
				}
				if tc.tamper == nil { // a careful tamperer rehashes the entry it edits
					ledger, err := db.ItemLedger(ctx, "R1")
					if err != nil {
						t.Fatal(err)
					}
					e := ledger[1]
					e.Note = "never issued"
					exec(t, db, `UPDATE ledger SET note = $1, hash = $2 WHERE seq = 4`, e.Note, e.ComputeHash())
				}
				c, err := db.VerifyLedger(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if c.OK() || c.BadSeq != tc.seq || !strings.Contains(c.Problem, tc.problem) {
					t.Fatalf("verify = %+v, want entry %d: %s", c, tc.seq, tc.problem)
				}
				if tc.seq == 0 {
					exec(t, db, `UPDATE item_state SET status = 'issued', member_id = (SELECT id FROM members WHERE service_number = 'G2') WHERE last_seq = 6`)
				}
				restore()
			})
		}
		_, err := db.VerifyLedger(sqldbtest.As(t, db, muster.RoleArmorer, "TD"))
		wantCode(t, err, muster.EFORBIDDEN)
		// The report names serials and armories force-wide: a commander
		// below the top unit may not run it, one of the top unit may.
		_, err = db.VerifyLedger(sqldbtest.As(t, db, muster.RoleCommander, "GOM"))
		wantCode(t, err, muster.EFORBIDDEN)
		if c, err := db.VerifyLedger(sqldbtest.As(t, db, muster.RoleCommander, "TD")); err != nil || !c.OK() {
			t.Fatalf("TD's commander: %+v, %v", c, err)
		}
	})
}
