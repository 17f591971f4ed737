package sqldb_test

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

var ledgerEntries = flag.Int("ledger.entries", 1_000_000, "ledger entries of BenchmarkVerifyLedger")

// BenchmarkVerifyLedger verifies a ledger of -ledger.entries entries (a
// million by default): one receive of a lot through the service, then
// correctly chained receives of the same lot written in bulk.
func BenchmarkVerifyLedger(b *testing.B) {
	n := *ledgerEntries
	for _, dialect := range sqldbtest.Dialects {
		b.Run(fmt.Sprintf("%s/entries=%d", dialect, n), func(b *testing.B) {
			db := sqldbtest.Open(b, dialect)
			sqldbtest.Seed(b, db)
			buildLedger(b, db, n)
			ctx := sqldbtest.System()
			c0 := cpuTime()
			for b.Loop() {
				c, err := db.VerifyLedger(ctx)
				if err != nil || !c.OK() || c.Entries != int64(n) {
					b.Fatalf("verify = %+v, %v", c, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/verify")
			// CPU time of this process (on PostgreSQL, not the server's):
			// steadier than the wall clock on a shared machine.
			b.ReportMetric(float64((cpuTime()-c0).Milliseconds())/float64(b.N), "cpu-ms/verify")
		})
	}
}

// buildLedger makes a valid ledger of n receives of one lot.
func buildLedger(b *testing.B, db *sqldb.DB, n int) {
	ctx := sqldbtest.System()
	if err := db.CreateItemType(ctx, &muster.ItemType{Code: "AMMO", Name: "5.45x39", Kind: muster.Consumable}); err != nil {
		b.Fatal(err)
	}
	if _, err := db.ReceiveStock(ctx, muster.StockMovement{Armory: "GOM-MOZ-1", Type: "AMMO", Lot: "L1", Quantity: 1}); err != nil {
		b.Fatal(err)
	}
	entries, err := db.QueryStrings(context.Background(), `SELECT hash FROM ledger WHERE seq = 1`)
	if err != nil {
		b.Fatal(err)
	}
	prev := entries[0]
	const batch = 1000
	var sql strings.Builder
	args := make([]any, 0, batch*4)
	flush := func() {
		if len(args) == 0 {
			return
		}
		if err := db.ExecForBench(context.Background(), strings.TrimSuffix(sql.String(), ","), args...); err != nil {
			b.Fatal(err)
		}
		sql.Reset()
		args = args[:0]
	}
	for seq := int64(2); seq <= int64(n); seq++ {
		if len(args) == 0 {
			sql.WriteString(`INSERT INTO ledger (seq, at, actor, kind, serial, item_type, lot, quantity, from_armory, to_armory, member, note, prev_hash, hash) VALUES `)
		}
		e := muster.LedgerEntry{Seq: seq, At: sqldbtest.Now, Actor: "system:bench", Kind: muster.MoveReceive, Type: "AMMO", Lot: "L1",
			Quantity: 1, ToArmory: "GOM-MOZ-1", PrevHash: prev}
		e.Hash = e.ComputeHash()
		k := len(args)
		fmt.Fprintf(&sql, "($%d, '%s', 'system:bench', 'receive', '', 'AMMO', 'L1', 1, '', 'GOM-MOZ-1', '', '', $%d, $%d),",
			k+1, sqldbtest.Now.UTC().Format("2006-01-02T15:04:05.000000Z"), k+2, k+3)
		args = append(args, seq, prev, e.Hash)
		prev = e.Hash
		if len(args) >= batch*3 {
			flush()
		}
	}
	flush()
	if err := db.ExecForBench(context.Background(), `UPDATE ledger_head SET seq = $1, hash = $2`, n, prev); err != nil {
		b.Fatal(err)
	}
	if err := db.ExecForBench(context.Background(), `UPDATE stock SET quantity = $1`, n); err != nil {
		b.Fatal(err)
	}
}
