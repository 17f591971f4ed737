package sqldb_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// BenchmarkClaimDue claims 100 SMS deliveries from a queue of 300,000 due
// ones and puts them back, on each database: the dispatcher's cost per
// batch when a large call-up has just been created.
func BenchmarkClaimDue(b *testing.B) {
	for _, dialect := range sqldbtest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			db := sqldbtest.Open(b, dialect)
			sqldbtest.Seed(b, db)
			addReachable(b, db, 1)
			deliveryCallUp(b, db, false)
			ctx := context.Background()
			const rows = 300_000
			// Copies of one SMS delivery, due at the same time, as a fan-out writes them.
			_, err := db.ExecForTest(ctx, `INSERT INTO deliveries (callup_id, member_id, channel, address, status, attempts, next_at, updated_at)
				SELECT d.callup_id, d.member_id, d.channel, d.address, d.status, 0, d.next_at, d.updated_at
				FROM deliveries d, (WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < `+strconv.Itoa(rows)+`) SELECT i FROM s) x
				WHERE d.id = (SELECT min(id) FROM deliveries WHERE channel = 'sms')`)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := db.ExecForTest(ctx, `ANALYZE`); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				list, err := db.ClaimDue(ctx, muster.ChannelSMS, sqldbtest.Now, 100, time.Minute)
				if err != nil || len(list) != 100 {
					b.Fatalf("claimed %d: %v", len(list), err)
				}
				ids := make([]int64, len(list))
				for i, d := range list {
					ids[i] = d.ID
				}
				if err := db.Release(ctx, ids); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
