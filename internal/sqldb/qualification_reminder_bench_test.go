package sqldb_test

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

var expiryMembers = flag.Int("expiry.members", 100_000, "members of the demo force of BenchmarkExpiryRun")

// BenchmarkExpiryRun does the day's expiry reminders of the demo force
// (-expiry.members), side by side on the same database: in one chunk, the
// one transaction the run was before it was chunked, and in chunks of 250
// and of muster.DefaultExpiryChunk. It reports the longest time one
// transaction of the run held the writer (ms/longest-tx; for the one
// chunk, the whole run), the median one, and the run's length. Each
// iteration forgets the day's run first.
func BenchmarkExpiryRun(b *testing.B) {
	for _, dialect := range sqldbtest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			db := sqldbtest.Open(b, dialect)
			demoForce(b, db, *expiryMembers)
			for _, chunk := range []int{1 << 30, 250, muster.DefaultExpiryChunk} {
				name := fmt.Sprintf("members=%d/chunk=%d", *expiryMembers, chunk)
				if chunk == 1<<30 {
					name = fmt.Sprintf("members=%d/one-transaction", *expiryMembers)
				}
				b.Run(name, func(b *testing.B) {
					var total time.Duration
					var txs []time.Duration
					var reminders int
					for b.Loop() {
						forgetExpiryRun(b, db)
						var marks []time.Time
						start := time.Now()
						run, err := db.RunExpiryReminders(sqldbtest.System(), sqldbtest.Now, muster.ExpiryOptions{ChunkSize: chunk,
							Pause: time.Nanosecond, Progress: func(muster.ExpiryRun) { marks = append(marks, time.Now()) }})
						if err != nil {
							b.Fatal(err)
						}
						total += time.Since(start)
						reminders = run.Reminders
						// The first interval also holds the read of what is due.
						for i := 1; i < len(marks); i++ {
							txs = append(txs, marks[i].Sub(marks[i-1]))
						}
						if len(marks) == 1 {
							txs = append(txs, marks[0].Sub(start))
						}
					}
					slices.Sort(txs)
					b.ReportMetric(float64(txs[len(txs)/2].Microseconds())/1000, "ms/median-tx")
					b.ReportMetric(float64(txs[len(txs)-1].Microseconds())/1000, "ms/longest-tx")
					b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/run")
					b.ReportMetric(float64(reminders), "reminders")
				})
			}
		})
	}
}

// forgetExpiryRun removes every expiry reminder, digest, their deliveries
// and the record of the runs.
func forgetExpiryRun(b *testing.B, db *sqldb.DB) {
	b.Helper()
	for _, q := range []string{`DELETE FROM deliveries WHERE reminder_id <> 0 OR user_id <> 0`, `DELETE FROM expiry_reminders`,
		`DELETE FROM expiry_digests`, `DELETE FROM daily_runs`} {
		if err := db.ExecForBench(context.Background(), q); err != nil {
			b.Fatal(err)
		}
	}
}
